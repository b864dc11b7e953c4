import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSimCluster, type SimCluster } from '../k8s/cluster';
import type { KubeObject } from '../k8s/types';
import { CRDS_DIR } from '../demo/environment';
import { demoGitEnv } from '../demo/sampleRepo';
import { factKey, healthFactsByKey, type Health } from './health';
import { SimReconciler } from './reconciler';

type AppStatus = {
  sync?: { status?: string; revision?: string };
  health?: { status?: string };
  resources?: Array<{ kind: string; name: string; namespace?: string; status: string; health?: { status: string }; requiresPruning?: boolean }>;
  conditions?: Array<{ type: string; message: string }>;
  sourceType?: string;
};
type FluxStatus = {
  conditions?: Array<{ type: string; status: string; reason: string; message: string }>;
  lastAppliedRevision?: string;
  lastAttemptedRevision?: string;
  lastHandledReconcileAt?: string;
  inventory?: { entries: Array<{ id: string; v: string }> };
  artifact?: { revision: string };
};

const REPO_URL = 'https://git.example.com/acme/platform.git';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: nginx:1.27.0
          ports:
            - containerPort: 80
`;

const CONTROLLERS = `apiVersion: v1
kind: Namespace
metadata: { name: argocd }
---
apiVersion: v1
kind: Namespace
metadata: { name: flux-system }
---
apiVersion: v1
kind: Namespace
metadata: { name: web }
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: web, namespace: argocd }
spec:
  project: default
  source: { repoURL: ${REPO_URL}, targetRevision: main, path: apps/web }
  destination: { server: https://kubernetes.default.svc, namespace: web }
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: broken, namespace: argocd }
spec:
  project: default
  source: { repoURL: ${REPO_URL}, targetRevision: main, path: apps/does-not-exist }
  destination: { server: https://kubernetes.default.svc, namespace: web }
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: { name: platform, namespace: flux-system }
spec: { interval: 1m, url: ${REPO_URL}, ref: { branch: main } }
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: { name: infra, namespace: flux-system }
spec:
  interval: 10m
  path: ./infra
  prune: true
  targetNamespace: web
  sourceRef: { kind: GitRepository, name: platform }
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: { name: after-broken, namespace: flux-system }
spec:
  interval: 10m
  path: ./infra
  dependsOn: [{ name: broken }]
  sourceRef: { kind: GitRepository, name: platform }
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: { name: broken, namespace: flux-system }
spec:
  interval: 10m
  path: ./missing
  sourceRef: { kind: GitRepository, name: platform }
`;

describe('simulated Argo CD and Flux controllers', function () {
  // Each test runs real git and kubectl processes; on a loaded 2-core machine one took over 60 s. The
  // timeout only catches hangs (speed is measured in npm run bench).
  this.timeout(180_000);
  let dir: string;
  let work: string;
  let bare: string;
  let cluster: SimCluster;
  let reconciler: SimReconciler;
  /** Resource health the simulated Argo CD is told (it never computes it). */
  const facts = new Map<string, Health>();

  const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, env: demoGitEnv(), encoding: 'utf8' }).trim();
  const app = (name: string): AppStatus => (cluster.objects.get('argoproj.io/v1alpha1', 'Application', 'argocd', name)?.status ?? {}) as AppStatus;
  const ks = (name: string): FluxStatus => (cluster.objects.get('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'flux-system', name)?.status ?? {}) as FluxStatus;
  const ready = (s: FluxStatus) => s.conditions?.find((c) => c.type === 'Ready');

  /** Resolves when `probe` holds; fails after `ms`, naming what was awaited. */
  async function until(what: string, probe: () => boolean, ms = 1000): Promise<number> {
    const t = Date.now();
    while (!probe()) {
      if (Date.now() - t > ms) assert.fail(`not within ${ms} ms: ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return Date.now() - t;
  }

  before(async function () {
    // The first pass renders every source with real git and kubectl processes: 2-9 s alone, but over a
    // minute on a 2-core machine running other suites. The timeout only catches hangs (speed: npm run bench).
    this.timeout(240_000);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-sim-reconciler-'));
    work = path.join(dir, 'work');
    bare = path.join(dir, 'platform.git');
    fs.mkdirSync(path.join(work, 'apps', 'web'), { recursive: true });
    fs.mkdirSync(path.join(work, 'infra'), { recursive: true });
    fs.writeFileSync(path.join(work, 'apps', 'web', 'deployment.yaml'), DEPLOYMENT);
    fs.writeFileSync(path.join(work, 'apps', 'web', 'config.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: web-config }\ndata: { greeting: hello }\n');
    fs.writeFileSync(path.join(work, 'infra', 'cache.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cache-config }\ndata: { size: "64" }\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: cache-extra }\ndata: { a: b }\n');
    git(work, 'init', '-q', '-b', 'main');
    git(work, 'add', '-A');
    git(work, 'commit', '-q', '-m', 'initial');
    git(dir, 'clone', '-q', '--bare', work, bare);
    git(work, 'remote', 'add', 'origin', bare);
    fs.writeFileSync(path.join(dir, 'controllers.yaml'), CONTROLLERS);
    cluster = await startSimCluster({ seed: [CRDS_DIR, path.join(dir, 'controllers.yaml')] });
    reconciler = new SimReconciler({ cluster, repoDir: (url) => (url === REPO_URL ? bare : undefined), gitPollMs: 100, health: healthFactsByKey(facts) });
    await reconciler.start();
  });

  after(async () => {
    reconciler?.stop();
    await cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // Argo CD marks every resource without a live object Missing, whatever its kind (no health check needed).
  it('reports a never-synced Application OutOfSync and Missing, resource by resource', () => {
    const s = app('web');
    assert.equal(s.sync?.status, 'OutOfSync');
    assert.equal(s.sync?.revision, git(work, 'rev-parse', 'HEAD'));
    assert.equal(s.health?.status, 'Missing');
    assert.equal(s.sourceType, 'Directory');
    assert.deepEqual(s.resources?.map((r) => `${r.kind}/${r.namespace}/${r.name} ${r.status} ${r.health?.status ?? '-'}`), [
      'ConfigMap/web/web-config OutOfSync Missing',
      'Deployment/web/web OutOfSync Missing',
    ]);
  });

  it('after a sync the Application is Synced and Healthy, though the server added defaults', async () => {
    await reconciler.sync('argocd', 'web');
    const live = cluster.objects.get('apps/v1', 'Deployment', 'web', 'web');
    const container = ((live?.spec as { template: { spec: { containers: Array<Record<string, unknown>> } } }).template.spec.containers[0]) ?? {};
    assert.equal(container.imagePullPolicy, 'IfNotPresent', 'the simulator defaults the live object');
    const s = app('web');
    assert.equal(s.sync?.status, 'Synced');
    assert.equal(s.health?.status, 'Healthy');
    assert.ok(s.resources?.every((r) => r.status === 'Synced'));
  });

  it('reports the resource health it is told, and the app as its worst live resource', async () => {
    const live = cluster.objects.get('apps/v1', 'Deployment', 'web', 'web') as KubeObject;
    facts.set(factKey(live), { status: 'Degraded', message: 'Deployment "web" exceeded its progress deadline' });
    try {
      await reconciler.reconcileNow();
      assert.equal(app('web').health?.status, 'Degraded');
      assert.deepEqual(app('web').resources?.map((r) => `${r.kind}/${r.name} ${r.health?.status ?? '-'}`), ['ConfigMap/web-config -', 'Deployment/web Degraded']);
    } finally {
      facts.clear();
      await reconciler.reconcileNow();
    }
    assert.equal(app('web').health?.status, 'Healthy');
  });

  it('turns OutOfSync within a second of `kubectl edit` on a live object, and back when reverted', async () => {
    const home = fs.mkdtempSync(path.join(dir, 'home-'));
    const kubeconfig = path.join(home, 'config');
    fs.writeFileSync(kubeconfig, cluster.kubeconfig('sim'));
    const editor = path.join(home, 'editor.sh');
    fs.writeFileSync(editor, '#!/bin/sh\nsed -i "s/replicas: 2/replicas: 5/" "$1"\n', { mode: 0o755 });
    // Asynchronously: the simulator answers kubectl from this very process.
    const edited = await promisify(execFile)('kubectl', ['edit', '-n', 'web', 'deployment/web'], { env: { ...process.env, HOME: home, KUBECONFIG: kubeconfig, KUBE_EDITOR: editor } });
    assert.match(edited.stdout, /deployment.apps\/web edited/);
    await until('web OutOfSync after kubectl edit', () => app('web').sync?.status === 'OutOfSync');
    assert.deepEqual(app('web').resources?.filter((r) => r.status === 'OutOfSync').map((r) => r.name), ['web']);

    const live = cluster.objects.get('apps/v1', 'Deployment', 'web', 'web')!;
    cluster.objects.put({ ...live, spec: { ...(live.spec as object), replicas: 2 } });
    await until('web Synced after the revert', () => app('web').sync?.status === 'Synced');
  });

  it('names the problem when the source path does not exist (ComparisonError, sync Unknown)', () => {
    const s = app('broken');
    assert.equal(s.sync?.status, 'Unknown');
    assert.equal(s.conditions?.[0]?.type, 'ComparisonError');
    assert.match(s.conditions?.[0]?.message ?? '', /app path does not exist: apps\/does-not-exist/);
  });

  it('follows a pushed commit: GitRepository revision moves, Kustomization applies it, Argo CD app goes OutOfSync', async () => {
    fs.writeFileSync(path.join(work, 'apps', 'web', 'deployment.yaml'), DEPLOYMENT.replace('nginx:1.27.0', 'nginx:1.27.1'));
    fs.rmSync(path.join(work, 'infra', 'cache.yaml'));
    fs.writeFileSync(path.join(work, 'infra', 'cache.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cache-config }\ndata: { size: "128" }\n');
    git(work, 'commit', '-q', '-am', 'bump nginx, drop cache-extra');
    git(work, 'push', '-q', 'origin', 'main');
    const sha = git(work, 'rev-parse', 'HEAD');
    await until('Kustomization applied the new revision', () => ks('infra').lastAppliedRevision === `main@sha1:${sha}`, 3000);
    const repo = cluster.objects.get('source.toolkit.fluxcd.io/v1', 'GitRepository', 'flux-system', 'platform')?.status as FluxStatus;
    assert.equal(repo.artifact?.revision, `main@sha1:${sha}`);
    assert.deepEqual(ks('infra').inventory?.entries, [{ id: 'web_cache-config__ConfigMap', v: 'v1' }]);
    assert.equal(((cluster.objects.get('v1', 'ConfigMap', 'web', 'cache-config')?.data ?? {}) as Record<string, string>).size, '128');
    assert.equal(cluster.objects.get('v1', 'ConfigMap', 'web', 'cache-extra'), undefined, 'pruned');
    assert.equal(ready(ks('infra'))?.message, `Applied revision: main@sha1:${sha}`);
    await until('Argo CD app compared at the new revision', () => app('web').sync?.revision === sha, 3000);
    assert.equal(app('web').sync?.status, 'OutOfSync', 'Argo CD without automated sync does not apply');
  });

  it('reports Flux build failures and unready dependencies on the Ready condition', () => {
    assert.equal(ready(ks('broken'))?.status, 'False');
    assert.equal(ready(ks('broken'))?.reason, 'BuildFailed');
    assert.match(ready(ks('broken'))?.message ?? '', /missing/);
    assert.equal(ready(ks('after-broken'))?.reason, 'DependencyNotReady');
    assert.equal(ready(ks('after-broken'))?.message, "dependency 'flux-system/broken' is not ready");
  });

  it('handles the refresh and reconcile requests GitOps Lens writes', async () => {
    const a = cluster.objects.get('argoproj.io/v1alpha1', 'Application', 'argocd', 'web') as KubeObject;
    cluster.objects.put({ ...a, metadata: { ...a.metadata, annotations: { 'argocd.argoproj.io/refresh': 'normal' } } });
    await until('refresh annotation consumed', () => cluster.objects.get('argoproj.io/v1alpha1', 'Application', 'argocd', 'web')?.metadata.annotations?.['argocd.argoproj.io/refresh'] === undefined);
    const k = cluster.objects.get('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'flux-system', 'infra') as KubeObject;
    cluster.objects.put({ ...k, metadata: { ...k.metadata, annotations: { 'reconcile.fluxcd.io/requestedAt': '2026-11-23T10:00:00Z' } } });
    await until('requestedAt handled', () => ks('infra').lastHandledReconcileAt === '2026-11-23T10:00:00Z');
  });
});
