/**
 * The sample GitOps repository of the demo (and of tests that need a realistic one): Argo CD
 * Applications and Flux Kustomizations/HelmRelease over two environments, staging and production.
 *
 *   apps/guestbook/{base,overlays/staging,overlays/production}   kustomize (Argo CD, source type Kustomize)
 *   apps/podinfo/                                                 plain manifests (Argo CD, Directory)
 *   apps/checkout/                                                plain manifests (Argo CD)
 *   infrastructure/redis/  infrastructure/monitoring/             Flux Kustomizations
 *   clusters/<env>/argocd/*.yaml                                  the Applications of each cluster
 *   clusters/<env>/flux-system/*.yaml                             GitRepository, Kustomizations, HelmRelease
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const ENVIRONMENTS = ['staging', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const ARGO_APPS = ['guestbook', 'podinfo', 'checkout'] as const;

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
    files[`clusters/${env}/flux-system/namespaces.yaml`] = ['flux-system', 'redis', 'monitoring', 'ingress-nginx']
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
      version: "4.11.3"
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
