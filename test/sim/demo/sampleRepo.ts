/**
 * The sample GitOps repository of the demo (and of tests that need a realistic one): Argo CD
 * Applications and Flux Kustomizations/HelmRelease over two environments, staging and production.
 *
 *   apps/guestbook/{base,overlays/staging,overlays/production}   kustomize (Argo CD, source type Kustomize)
 *   apps/podinfo/                                                 plain manifests (Argo CD, Directory)
 *   apps/checkout/                                                plain manifests (Argo CD)
 *   apps/storefront/{base,overlays/staging,overlays/production}  kustomize environments to compare and
 *                                                                 promote (issue 19): staging runs a newer
 *                                                                 image with more replicas than production
 *   charts/shop/ (+ values-staging.yaml, values-production.yaml)  a Helm chart with values per environment
 *                                                                 (Flux HelmRelease `shop` in each cluster)
 *   infrastructure/redis/  infrastructure/monitoring/             Flux Kustomizations
 *   clusters/<env>/argocd/*.yaml                                  the Applications of each cluster
 *   clusters/<env>/flux-system/*.yaml                             GitRepository, Kustomizations, HelmReleases
 *                                                                 (ingress-nginx: 4.12.0 in staging, 4.11.3 in production)
 *
 * History: `writeSampleRepo` commits the bootstrap; `writeSampleHistory` adds what happened after it
 * (a base change for every storefront environment, then a new storefront release in staging), pushed
 * once the clusters synced the bootstrap, so that production runs an older commit than staging.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ENVIRONMENTS = ['staging', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const ARGO_APPS = ['guestbook', 'podinfo', 'checkout'] as const;

/** Apps with environments to compare and promote (issue 19): Argo CD `storefront`, Flux HelmRelease `shop`. */
export const ENV_APPS = ['storefront'] as const;

/** Writes the sample repository into `dir` (created) and commits it on `main`. */
export function writeSampleRepo(dir: string, repoURL: string): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(sampleFiles(repoURL))) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  const git = (...args: string[]): void => void execFileSync('git', args, { cwd: dir, env: demoGitEnv(), stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'Bootstrap staging and production');
}

/**
 * The commits after the bootstrap: a base change reaching every storefront environment, then a new
 * release in staging. Staging's storefront syncs automatically; production's waits for a manual sync.
 */
export function writeSampleHistory(dir: string): void {
  const git = (...args: string[]): void => void execFileSync('git', args, { cwd: dir, env: demoGitEnv(), stdio: 'ignore' });
  const edit = (file: string, from: string, to: string): void => {
    const p = path.join(dir, file);
    const text = fs.readFileSync(p, 'utf8');
    if (!text.includes(from)) throw new Error(`demo history: ${file} has no ${JSON.stringify(from)}`);
    fs.writeFileSync(p, text.replace(from, to));
  };
  edit('apps/storefront/base/deployment.yaml', '            - name: LOG_LEVEL\n              value: info\n', '            - name: LOG_LEVEL\n              value: info\n            - name: LOG_FORMAT\n              value: json\n');
  git('commit', '-q', '-am', 'storefront: structured logs in every environment');
  edit('apps/storefront/overlays/staging/kustomization.yaml', 'newTag: "2.4.0"', 'newTag: "2.5.1"');
  edit('apps/storefront/overlays/staging/kustomization.yaml', 'count: 3', 'count: 5');
  git('commit', '-q', '-am', 'storefront: 2.5.1 to staging, 5 replicas for the load test');
}

/** Author identity and no user/system config, so the demo repository is the same everywhere. */
export function demoGitEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'GitOps Lens Demo',
    GIT_AUTHOR_EMAIL: 'demo@gitops-lens.invalid',
    GIT_COMMITTER_NAME: 'GitOps Lens Demo',
    GIT_COMMITTER_EMAIL: 'demo@gitops-lens.invalid',
    GIT_TERMINAL_PROMPT: '0',
  };
}

function sampleFiles(repoURL: string): Record<string, string> {
  const files: Record<string, string> = {
    'README.md': '# acme/gitops\n\nDesired state of the staging and production clusters. Changes go through pull requests.\n',
    'apps/guestbook/base/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
  - service.yaml
labels:
  - pairs:
      app.kubernetes.io/name: guestbook
    includeSelectors: false
`,
    'apps/guestbook/base/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: guestbook-ui
spec:
  replicas: 1
  selector:
    matchLabels:
      app: guestbook-ui
  template:
    metadata:
      labels:
        app: guestbook-ui
    spec:
      containers:
        - name: guestbook-ui
          image: gcr.io/heptio-images/ks-guestbook-demo:0.2
          ports:
            - containerPort: 80
          resources:
            requests:
              cpu: 50m
              memory: 64Mi
`,
    'apps/guestbook/base/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: guestbook-ui
spec:
  selector:
    app: guestbook-ui
  ports:
    - port: 80
      targetPort: 80
`,
    'apps/podinfo/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: podinfo
  labels:
    app.kubernetes.io/name: podinfo
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: podinfo
  template:
    metadata:
      labels:
        app.kubernetes.io/name: podinfo
    spec:
      containers:
        - name: podinfod
          image: ghcr.io/stefanprodan/podinfo:6.7.1
          ports:
            - name: http
              containerPort: 9898
          env:
            - name: PODINFO_UI_COLOR
              value: "#34577c"
            - name: PODINFO_UI_MESSAGE
              valueFrom:
                configMapKeyRef:
                  name: podinfo-config
                  key: message
`,
    'apps/podinfo/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: podinfo
spec:
  selector:
    app.kubernetes.io/name: podinfo
  ports:
    - name: http
      port: 9898
      targetPort: http
`,
    'apps/podinfo/configmap.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: podinfo-config
data:
  message: Hello from GitOps
`,
    'apps/checkout/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
spec:
  replicas: 2
  selector:
    matchLabels:
      app: checkout
  template:
    metadata:
      labels:
        app: checkout
    spec:
      containers:
        - name: checkout
          image: registry.example.com/acme/checkout:2.4.0
          ports:
            - containerPort: 8080
`,
    'apps/storefront/base/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
  - service.yaml
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
          ports:
            - containerPort: 8080
          env:
            - name: LOG_LEVEL
              value: info
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
    'charts/shop/Chart.yaml': `apiVersion: v2
name: shop
description: The shop front end
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
    'charts/shop/values-staging.yaml': `# Staging: CI writes new tags here.
replicaCount: 2
image:
  tag: "1.2.0"
ingress:
  host: shop.staging.example.com
`,
    'charts/shop/values-production.yaml': `# Production: changed through pull requests only.
image:
  tag: "1.1.0" # released after the spring sale
`,
    'charts/shop/templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels:
    app.kubernetes.io/name: shop
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      app.kubernetes.io/name: shop
  template:
    metadata:
      labels:
        app.kubernetes.io/name: shop
    spec:
      containers:
        - name: shop
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          env:
            - name: PUBLIC_HOST
              value: "{{ .Values.ingress.host }}"
`,
    'charts/shop/templates/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
spec:
  selector:
    app.kubernetes.io/name: shop
  ports:
    - port: 80
`,
    'infrastructure/redis/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: redis
spec:
  replicas: 1
  selector:
    matchLabels:
      app: redis
  template:
    metadata:
      labels:
        app: redis
    spec:
      containers:
        - name: redis
          image: redis:7.2.4
          ports:
            - containerPort: 6379
`,
    'infrastructure/redis/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: redis
spec:
  selector:
    app: redis
  ports:
    - port: 6379
`,
    'infrastructure/monitoring/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - alerts.yaml
`,
    'infrastructure/monitoring/alerts.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: alert-rules
data:
  rules.yaml: |
    groups:
      - name: availability
        rules:
          - alert: HighErrorRate
            expr: rate(http_requests_total{code=~"5.."}[5m]) > 0.05
`,
  };
  for (const env of ENVIRONMENTS) {
    const prod = env === 'production';
    files[`apps/guestbook/overlays/${env}/kustomization.yaml`] = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base
replicas:
  - name: guestbook-ui
    count: ${prod ? 3 : 1}
`;
    files[`apps/storefront/overlays/${env}/kustomization.yaml`] = `# ${prod ? 'Production: promoted from staging through pull requests.' : 'Staging: every merge to main lands here first.'}
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base
images:
  - name: registry.example.com/acme/storefront # ${prod ? 'the release customers run' : 'bumped by CI'}
    newTag: "2.4.0"
replicas:
  - name: storefront
    count: 3
`;
    files[`clusters/${env}/argocd/storefront.yaml`] = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: storefront
  namespace: argocd
spec:
  project: default
  source:
    repoURL: ${repoURL}
    targetRevision: main
    path: apps/storefront/overlays/${env}
  destination:
    server: https://kubernetes.default.svc
    namespace: storefront
  syncPolicy:
${prod ? '' : '    automated: {}\n'}    syncOptions:
      - CreateNamespace=true
`;
    files[`clusters/${env}/flux-system/shop.yaml`] = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: shop
  namespace: flux-system
spec:
  interval: 10m
  targetNamespace: shop
  releaseName: shop
  chart:
    spec:
      chart: ./charts/shop
      sourceRef:
        kind: GitRepository
        name: flux-system
      valuesFiles:
        - charts/shop/values.yaml
        - charts/shop/values-${env}.yaml
`;
    for (const app of ARGO_APPS) {
      const appPath = app === 'guestbook' ? `apps/guestbook/overlays/${env}` : `apps/${app}`;
      files[`clusters/${env}/argocd/${app}.yaml`] = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${app}
  namespace: argocd
spec:
  project: default
  source:
    repoURL: ${repoURL}
    targetRevision: main
    path: ${appPath}
  destination:
    server: https://kubernetes.default.svc
    namespace: ${app}
  syncPolicy:
    syncOptions:
      - CreateNamespace=true
`;
    }
    files[`clusters/${env}/flux-system/namespaces.yaml`] = ['flux-system', 'redis', 'monitoring', 'ingress-nginx', 'shop']
      .map((ns) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`)
      .join('---\n');
    files[`clusters/${env}/argocd/namespace.yaml`] = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: argocd\n';
    files[`clusters/${env}/flux-system/gitrepository.yaml`] = `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m
  url: ${repoURL}
  ref:
    branch: main
`;
    files[`clusters/${env}/flux-system/kustomizations.yaml`] = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: redis
  namespace: flux-system
spec:
  interval: 10m
  path: ./infrastructure/redis
  prune: true
  targetNamespace: redis
  sourceRef:
    kind: GitRepository
    name: flux-system
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: monitoring
  namespace: flux-system
spec:
  interval: 10m
  path: ./infrastructure/monitoring
  prune: true
  targetNamespace: monitoring
  dependsOn:
    - name: redis
  sourceRef:
    kind: GitRepository
    name: flux-system
${prod ? '' : `---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: experiments
  namespace: flux-system
spec:
  interval: 10m
  path: ./infrastructure/experiments
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`}`;
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
      version: "${prod ? '4.11.3' : '4.12.0'}"
      sourceRef:
        kind: HelmRepository
        name: ingress-nginx
  values:
    controller:
      replicaCount: ${prod ? 2 : 1}
`;
  }
  return files;
}
