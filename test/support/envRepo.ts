/**
 * A GitOps repository with environments, written to disk for the environment tests (issue 19):
 *
 *   apps/storefront/base                    kustomize base (image placeholder renamed by the base)
 *   apps/storefront/overlays/{staging,production}
 *                                           overlays with namePrefix, images:, replicas:, a patch file
 *   charts/shop (+ values-staging.yaml, values-production.yaml)
 *                                           a chart in the repository, values per environment
 *   clusters/<env>/…                        Argo CD Applications, Flux GitRepository, HelmReleases
 *                                           (shop from the repository; ingress-nginx from a Helm repository)
 *
 * Comments sit next to every value a promotion edits, so tests can check they are kept byte for byte.
 * Also a stand-in `helm` (helm is not on the build machines): a Node script that renders the templates
 * of this kind of chart as `helm template NAME CHART --namespace NS -f FILE` prints them.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const STOREFRONT_STAGING = 'apps/storefront/overlays/staging/kustomization.yaml';
export const STOREFRONT_PRODUCTION = 'apps/storefront/overlays/production/kustomization.yaml';

export const ENV_REPO_FILES: Readonly<Record<string, string>> = {
  'apps/storefront/base/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
  - service.yaml
  - secret.yaml
images:
  # The manifests say "storefront"; every environment pulls from the registry.
  - name: storefront
    newName: registry.example.com/acme/storefront
    newTag: "2.3.0"
`,
  'apps/storefront/base/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: storefront
spec:
  replicas: 1
  selector:
    matchLabels:
      app: storefront
  template:
    metadata:
      labels:
        app: storefront
    spec:
      containers:
        - name: web
          image: storefront
          env:
            - name: LOG_LEVEL
              value: info
          envFrom:
            - secretRef:
                name: storefront-db
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
`,
  'apps/storefront/base/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: storefront
spec:
  selector:
    app: storefront
  ports:
    - port: 80
      targetPort: 8080
`,
  'apps/storefront/base/secret.yaml': `apiVersion: v1
kind: Secret
metadata:
  name: storefront-db
stringData:
  password: base-password-not-shown
`,
  [STOREFRONT_STAGING]: `# Staging: every merge to main lands here first.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base
namePrefix: staging-
images:
  - name: registry.example.com/acme/storefront # bumped by CI
    newTag: "2.5.1"
replicas:
  - name: storefront
    count: 5
patches:
  - path: env.yaml
`,
  'apps/storefront/overlays/staging/env.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: storefront
spec:
  template:
    spec:
      containers:
        - name: web
          env:
            - name: LOG_LEVEL
              value: debug # noisy on purpose
            - name: FEATURE_CHECKOUT_V2
              value: "true"
`,
  [STOREFRONT_PRODUCTION]: `# Production: promoted from staging through pull requests.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base
namePrefix: prod-
images:
  - name: registry.example.com/acme/storefront # last release
    newTag: "2.4.0"   # keep quoted
replicas:
  - name: storefront
    count: 3 # peak traffic needs 3
patches:
  - path: env.yaml
`,
  'apps/storefront/overlays/production/env.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: storefront
spec:
  template:
    spec:
      containers:
        - name: web
          env:
            - name: LOG_LEVEL
              value: warn # quiet in production
`,
  'charts/shop/Chart.yaml': `apiVersion: v2
name: shop
version: 0.3.0
`,
  'charts/shop/values.yaml': `# Defaults for every environment.
replicaCount: 1
image:
  repository: registry.example.com/acme/shop
  tag: "1.0.0"
ingress:
  host: shop.example.com
`,
  'charts/shop/values-staging.yaml': `# Staging values.
image:
  tag: "1.2.0" # CI writes this
replicaCount: 2
`,
  'charts/shop/values-production.yaml': `# Production values: change through pull requests only.
image:
  tag: "1.1.0" # released 2024-05-02
`,
  'charts/shop/templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
  namespace: {{ .Release.Namespace }}
spec:
  replicas: {{ .Values.replicaCount }}
  template:
    spec:
      containers:
        - name: web
          image: {{ .Values.image.repository }}:{{ .Values.image.tag }}
          env:
            - name: HOST
              value: {{ .Values.ingress.host }}
`,
  'charts/shop/templates/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-web
spec:
  ports:
    - port: 80
`,
};

for (const env of ['staging', 'production'] as const) {
  const files = ENV_REPO_FILES as Record<string, string>;
  files[`clusters/${env}/argocd/storefront.yaml`] = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: storefront
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://git.example.com/acme/gitops.git
    targetRevision: main
    path: apps/storefront/overlays/${env}
  destination:
    server: https://kubernetes.default.svc
    namespace: storefront
`;
  files[`clusters/${env}/flux-system/gitrepository.yaml`] = `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m
  url: https://git.example.com/acme/gitops.git
  ref:
    branch: main
`;
  files[`clusters/${env}/flux-system/shop.yaml`] = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: shop
  namespace: flux-system
spec:
  interval: 10m
  targetNamespace: shop
  chart:
    spec:
      chart: ./charts/shop
      sourceRef:
        kind: GitRepository
        name: flux-system
      valuesFiles:
        - charts/shop/values.yaml
        - charts/shop/values-${env}.yaml
  values:
    ingress:
      host: ${env === 'production' ? 'shop.example.com' : 'shop.staging.example.com'} # public name
`;
  files[`clusters/${env}/flux-system/ingress-nginx.yaml`] = `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: ingress-nginx
  namespace: flux-system
spec:
  interval: 1h
  url: https://kubernetes.github.io/ingress-nginx
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ingress-nginx
  namespace: flux-system
spec:
  interval: 30m
  targetNamespace: ingress-nginx
  chart:
    spec:
      chart: ingress-nginx
      version: "${env === 'production' ? '4.11.3' : '4.12.0'}" # pinned
      sourceRef:
        kind: HelmRepository
        name: ingress-nginx
  values:
    controller:
      replicaCount: ${env === 'production' ? 2 : 1}
`;
}

/** Writes the files (or `files`) under `dir`. */
export function writeRepo(dir: string, files: Readonly<Record<string, string>> = ENV_REPO_FILES): void {
  for (const [rel, text] of Object.entries(files)) {
    const abs = path.join(dir, ...rel.split('/'));
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, text);
  }
}

export function gitEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.invalid',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.invalid',
  };
}

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: gitEnv(), encoding: 'utf8' }).trim();
}

/** `git init` + one commit of everything; returns the commit. */
export function commitRepo(dir: string, message = 'initial'): string {
  if (!fs.existsSync(path.join(dir, '.git'))) git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', '-m', message);
  return git(dir, 'rev-parse', 'HEAD');
}

/**
 * A stand-in for `helm template NAME CHART [--namespace NS] [-f FILE]` on charts of this file's kind:
 * values.yaml merged with the -f file, `{{ .Values.a.b }}` and `{{ .Release.Name|Namespace }}`
 * substituted, each template printed after `# Source: <chart>/templates/<file>` with Services first
 * (helm's InstallOrder). Written as a Node script using this repository's js-yaml.
 */
export function writeFakeHelm(binDir: string): string {
  const yaml = require.resolve('js-yaml');
  const file = path.join(binDir, 'helm');
  fs.writeFileSync(
    file,
    `#!${process.execPath}
const fs = require('fs'), path = require('path'), yaml = require(${JSON.stringify(yaml)});
const args = process.argv.slice(2);
if (args[0] !== 'template') { process.stderr.write('fake helm: only template\\n'); process.exit(64); }
const pos = []; let ns = 'default'; const files = [];
for (let i = 1; i < args.length; i++) {
  if (args[i] === '--namespace') ns = args[++i];
  else if (args[i] === '-f') files.push(args[++i]);
  else pos.push(args[i]);
}
const [name, dir] = pos.length === 2 ? pos : ['release-name', pos[0]];
const merge = (a, b) => { const o = { ...a }; for (const [k, v] of Object.entries(b || {})) o[k] = v && typeof v === 'object' && !Array.isArray(v) && o[k] && typeof o[k] === 'object' ? merge(o[k], v) : v; return o; };
let values = yaml.load(fs.readFileSync(path.join(dir, 'values.yaml'), 'utf8')) || {};
for (const f of files) values = merge(values, yaml.load(fs.readFileSync(f, 'utf8')));
const chart = yaml.load(fs.readFileSync(path.join(dir, 'Chart.yaml'), 'utf8')).name;
const render = (t) => t.replace(/\\{\\{\\s*\\.(Values|Release)\\.([\\w.]+)\\s*\\}\\}/g, (_, root, key) => {
  if (root === 'Release') return key === 'Name' ? name : ns;
  const v = key.split('.').reduce((x, k) => (x == null ? undefined : x[k]), values);
  if (v === undefined) { process.stderr.write('Error: nil value for .Values.' + key + '\\n'); process.exit(1); }
  return String(v);
});
const docs = fs.readdirSync(path.join(dir, 'templates')).sort().map((f) => ({ f, text: render(fs.readFileSync(path.join(dir, 'templates', f), 'utf8')) }));
docs.sort((a, b) => (/\\nkind: Service\\n/.test(b.text) ? 1 : 0) - (/\\nkind: Service\\n/.test(a.text) ? 1 : 0));
for (const d of docs) process.stdout.write('---\\n# Source: ' + chart + '/templates/' + d.f + '\\n' + d.text);
`,
    { mode: 0o755 },
  );
  return file;
}
