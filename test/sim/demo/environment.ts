/**
 * Everything the demo runs on, in one process: the forge server holding the sample GitOps repository
 * (a real bare repository served over smart HTTP), two simulated clusters (staging, production) seeded
 * with the Argo CD and Flux CRDs and each cluster's controller resources, one reconciler per cluster,
 * and a clone of the repository as the user's workspace. Some apps end up in sync, one drifted, one
 * degraded, one Flux Kustomization failing to build and one HelmRelease failing to upgrade.
 * Tests use the same environment, so the demo is what is tested.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startForge, type ForgeServer } from '../forge/server';
import { startSimCluster, type SimCluster } from '../k8s/cluster';
import type { KubeObject } from '../k8s/types';
import { factKey, healthFactsByKey, type Health } from '../reconciler/health';
import { SimReconciler } from '../reconciler/reconciler';
import { ARGO_APPS, ENVIRONMENTS, ENV_APPS, demoGitEnv, writeSampleHistory, writeSampleRepo, type Environment } from './sampleRepo';
import { REPO_ROOT } from '../../support/paths';

const DEMO_TOKEN = 'demo-forge-token';
const DEMO_REPO = 'acme/gitops';
export const CRDS_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'sim', 'crds');

export interface DemoEnvironment {
  readonly root: string;
  readonly forge: ForgeServer;
  readonly repoURL: string;
  readonly bareDir: string;
  /** The user's clone of the repository (origin = the forge). */
  readonly workspace: string;
  readonly clusters: Record<Environment, SimCluster>;
  readonly reconcilers: Record<Environment, SimReconciler>;
  /** One kubeconfig file per cluster; `KUBECONFIG` joins them with ':'. */
  readonly kubeconfigFiles: readonly string[];
  stop(): Promise<void>;
}

export async function startDemoEnvironment(root: string, opts: { gitPollMs?: number } = {}): Promise<DemoEnvironment> {
  fs.mkdirSync(root, { recursive: true });
  const stack: Array<() => Promise<void> | void> = [];
  const stop = async (): Promise<void> => {
    for (const fn of stack.splice(0).reverse()) await fn();
  };
  try {
    const forge = await startForge({ root: path.join(root, 'forge'), tokens: { [DEMO_TOKEN]: 'demo' } });
    stack.push(() => forge.stop());
    const repo = await forge.createRepo(DEMO_REPO, { defaultBranch: 'main' });
    const repoURL = repo.cloneUrl('github');

    // Author the repository, push it with the forge token, and clone it as the user's workspace.
    const authoring = path.join(root, 'authoring');
    writeSampleRepo(authoring, repoURL);
    // Asynchronously: the forge answering git runs in this very process.
    const git = (cwd: string, ...args: string[]) => promisify(execFile)('git', args, { cwd, env: demoGitEnv() });
    await git(authoring, 'push', '-q', '--force', withToken(repoURL, DEMO_TOKEN), 'main:main');
    const workspace = path.join(root, 'workspace', 'gitops');
    await git(root, 'clone', '-q', repoURL, workspace);
    await git(workspace, 'config', 'user.name', 'GitOps Lens Demo');
    await git(workspace, 'config', 'user.email', 'demo@gitops-lens.invalid');

    const clusters = {} as Record<Environment, SimCluster>;
    const reconcilers = {} as Record<Environment, SimReconciler>;
    const kubeconfigFiles: string[] = [];
    fs.mkdirSync(path.join(root, 'kube'), { recursive: true });
    for (const env of ENVIRONMENTS) {
      const cluster = await startSimCluster({ seed: [CRDS_DIR, path.join(authoring, 'clusters', env)] });
      stack.push(() => cluster.stop());
      clusters[env] = cluster;
      const file = path.join(root, 'kube', `${env}.yaml`);
      fs.writeFileSync(file, cluster.kubeconfig(env));
      kubeconfigFiles.push(file);

      // What the simulated Argo CD reports as each resource's health: facts stated with each incident.
      const health = new Map<string, Health>();
      const reconciler = new SimReconciler({ cluster, repoDir: (url) => (url === repoURL ? repo.bareDir : undefined), gitPollMs: opts.gitPollMs ?? 1000, health: healthFactsByKey(health) });
      stack.push(() => reconciler.stop());
      reconcilers[env] = reconciler;
      seedHelmStatus(cluster, env);
      // Bootstrap: every app synced once (as `argocd app sync`), then the demo's incidents.
      await reconciler.reconcileNow();
      for (const app of [...ARGO_APPS, ...ENV_APPS]) await reconciler.sync('argocd', app);
      makeIncidents(cluster, env, health);
      await reconciler.start();
    }
    // What happened since: staging follows main on its own, production waits for a manual sync, so
    // production's storefront runs the bootstrap commit, two behind staging (issue 19).
    writeSampleHistory(authoring);
    await git(authoring, 'push', '-q', withToken(repoURL, DEMO_TOKEN), 'main:main');
    for (const env of ENVIRONMENTS) await reconcilers[env].reconcileNow();
    await git(workspace, 'pull', '-q', '--ff-only');
    return { root, forge, repoURL, bareDir: repo.bareDir, workspace, clusters, reconcilers, kubeconfigFiles, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** `http://host/...` → `http://x-access-token:TOKEN@host/...`, how GitHub Actions pushes with a token. */
function withToken(url: string, token: string): string {
  const u = new URL(url);
  u.username = 'x-access-token';
  u.password = token;
  return u.toString();
}

/**
 * What a user would have done live: scale and re-tag podinfo in staging (drift), checkout stuck in
 * production, which Argo CD reports Degraded (stated in `health`, not computed).
 */
function makeIncidents(cluster: SimCluster, env: Environment, health: Map<string, Health>): void {
  const o = cluster.objects;
  if (env === 'staging') {
    const podinfo = o.get('apps/v1', 'Deployment', 'podinfo', 'podinfo');
    if (!podinfo) throw new Error('demo bootstrap: podinfo was not synced to staging');
    const spec = structuredClone(podinfo.spec) as { replicas: number; template: { spec: { containers: Array<{ image: string }> } } };
    spec.replicas = 4;
    spec.template.spec.containers[0]!.image = 'ghcr.io/stefanprodan/podinfo:6.7.0';
    // Without status, as kubectl edit would send it: the simulator then rolls the status forward.
    const edited: KubeObject = { ...podinfo, spec };
    delete edited.status;
    o.put(edited);
  } else {
    const checkout = o.get('apps/v1', 'Deployment', 'checkout', 'checkout');
    if (!checkout) throw new Error('demo bootstrap: checkout was not synced to production');
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    o.patchStatus('apps/v1', 'Deployment', 'checkout', 'checkout', {
      observedGeneration: checkout.metadata.generation ?? 1,
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 0,
      availableReplicas: 0,
      unavailableReplicas: 2,
      conditions: [
        { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.', lastUpdateTime: now, lastTransitionTime: now },
        { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "checkout-7d9f8b6c5d" has timed out progressing.', lastUpdateTime: now, lastTransitionTime: now },
      ],
    });
    health.set(factKey(checkout), { status: 'Degraded', message: 'Deployment "checkout" exceeded its progress deadline' });
  }
}

/** No Helm runs here, so HelmReleases carry the status helm-controller would have written. */
function seedHelmStatus(cluster: SimCluster, env: Environment): void {
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const ok = env === 'staging';
  // Staging runs ingress-nginx 4.12.0; production failed to upgrade 4.11.2 to 4.11.3.
  const version = ok ? '4.12.0' : '4.11.3';
  const status: Record<string, unknown> = {
    observedGeneration: 1,
    lastAttemptedRevision: version,
    lastAttemptedValuesChecksum: 'sha256:3c5b0c8f0c9a4e1e9c3a8b1f2d5e6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f',
    history: [{ chartName: 'ingress-nginx', chartVersion: ok ? version : '4.11.2', appVersion: ok ? '1.12.0' : '1.11.3', name: 'ingress-nginx', namespace: 'ingress-nginx', status: ok ? 'deployed' : 'failed', version: ok ? 1 : 2, firstDeployed: now, lastDeployed: now }],
    conditions: ok
      ? [
          { type: 'Ready', status: 'True', reason: 'InstallSucceeded', message: `Helm install succeeded for release ingress-nginx/ingress-nginx.v1 with chart ingress-nginx@${version}`, lastTransitionTime: now, observedGeneration: 1 },
          { type: 'Released', status: 'True', reason: 'InstallSucceeded', message: `Helm install succeeded for release ingress-nginx/ingress-nginx.v1 with chart ingress-nginx@${version}`, lastTransitionTime: now, observedGeneration: 1 },
        ]
      : [
          { type: 'Ready', status: 'False', reason: 'UpgradeFailed', message: 'Helm upgrade failed for release ingress-nginx/ingress-nginx with chart ingress-nginx@4.11.3: context deadline exceeded', lastTransitionTime: now, observedGeneration: 1 },
          { type: 'Released', status: 'False', reason: 'UpgradeFailed', message: 'Helm upgrade failed for release ingress-nginx/ingress-nginx with chart ingress-nginx@4.11.3: context deadline exceeded', lastTransitionTime: now, observedGeneration: 1 },
        ],
  };
  cluster.objects.patchStatus('helm.toolkit.fluxcd.io/v2', 'HelmRelease', 'flux-system', 'ingress-nginx', status);
  // The shop chart from the repository, installed in both clusters (helm-controller names the chart
  // version as Chart.yaml says it).
  const shopMessage = 'Helm install succeeded for release shop/shop.v1 with chart shop@0.3.0';
  cluster.objects.patchStatus('helm.toolkit.fluxcd.io/v2', 'HelmRelease', 'flux-system', 'shop', {
    observedGeneration: 1,
    helmChart: 'flux-system/flux-system-shop',
    lastAttemptedRevision: '0.3.0',
    history: [{ chartName: 'shop', chartVersion: '0.3.0', appVersion: '', name: 'shop', namespace: 'shop', status: 'deployed', version: 1, firstDeployed: now, lastDeployed: now }],
    conditions: [
      { type: 'Ready', status: 'True', reason: 'InstallSucceeded', message: shopMessage, lastTransitionTime: now, observedGeneration: 1 },
      { type: 'Released', status: 'True', reason: 'InstallSucceeded', message: shopMessage, lastTransitionTime: now, observedGeneration: 1 },
    ],
  });
  const repo: KubeObject | undefined = cluster.objects.get('source.toolkit.fluxcd.io/v1', 'HelmRepository', 'flux-system', 'ingress-nginx');
  if (repo) {
    cluster.objects.patchStatus('source.toolkit.fluxcd.io/v1', 'HelmRepository', 'flux-system', 'ingress-nginx', {
      observedGeneration: 1,
      artifact: { revision: 'sha256:9f2c1b0a', path: 'helmrepository/flux-system/ingress-nginx/index-9f2c1b0a.yaml', url: 'http://source-controller.flux-system.svc.cluster.local./helmrepository/flux-system/ingress-nginx/index-9f2c1b0a.yaml', lastUpdateTime: now },
      conditions: [{ type: 'Ready', status: 'True', reason: 'Succeeded', message: 'stored artifact: revision \'sha256:9f2c1b0a\'', lastTransitionTime: now, observedGeneration: 1 }],
    });
  }
}
