import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { KubeObject } from '../k8s/types';
import { startDemoEnvironment, type DemoEnvironment } from './environment';

type Status = {
  sync?: { status?: string };
  health?: { status?: string };
  conditions?: Array<{ type: string; status: string; reason: string; message: string }>;
  inventory?: { entries: Array<{ id: string }> };
};

/** The demo is what users try first, so its promised states are tested: in sync, drifted, degraded, failing. */
describe('demo environment', function () {
  this.timeout(120_000);
  let root: string;
  let env: DemoEnvironment;
  const status = (o: KubeObject | undefined): Status => (o?.status ?? {}) as Status;
  const app = (cluster: 'staging' | 'production', name: string) => status(env.clusters[cluster].objects.get('argoproj.io/v1alpha1', 'Application', 'argocd', name));
  const flux = (cluster: 'staging' | 'production', kind: string, name: string, apiVersion = 'kustomize.toolkit.fluxcd.io/v1') => status(env.clusters[cluster].objects.get(apiVersion, kind, 'flux-system', name));
  const ready = (s: Status) => s.conditions?.find((c) => c.type === 'Ready');

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-demo-test-'));
    env = await startDemoEnvironment(root);
  });
  after(async () => {
    await env?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('has Argo CD apps in sync, drifted and degraded', () => {
    assert.deepEqual([app('staging', 'guestbook').sync?.status, app('staging', 'guestbook').health?.status], ['Synced', 'Healthy']);
    assert.deepEqual([app('staging', 'podinfo').sync?.status, app('staging', 'podinfo').health?.status], ['OutOfSync', 'Healthy']);
    assert.deepEqual([app('production', 'checkout').sync?.status, app('production', 'checkout').health?.status], ['Synced', 'Degraded']);
    assert.deepEqual([app('production', 'guestbook').sync?.status, app('production', 'guestbook').health?.status], ['Synced', 'Healthy']);
  });

  it('has Flux Kustomizations applied with inventories, one failing to build, and HelmReleases ready and failed', () => {
    const redis = flux('staging', 'Kustomization', 'redis');
    assert.equal(ready(redis)?.status, 'True');
    assert.deepEqual(redis.inventory?.entries.map((e) => e.id).sort(), ['redis_redis__Service', 'redis_redis_apps_Deployment']);
    assert.equal(ready(flux('staging', 'Kustomization', 'monitoring'))?.status, 'True');
    assert.equal(ready(flux('staging', 'Kustomization', 'experiments'))?.reason, 'BuildFailed');
    assert.equal(ready(flux('staging', 'HelmRelease', 'ingress-nginx', 'helm.toolkit.fluxcd.io/v2'))?.status, 'True');
    assert.equal(ready(flux('production', 'HelmRelease', 'ingress-nginx', 'helm.toolkit.fluxcd.io/v2'))?.reason, 'UpgradeFailed');
  });

  it('has storefront in both clusters, production running the bootstrap commit two behind staging (issue 19)', async () => {
    const head = (await promisify(execFile)('git', ['-C', env.workspace, 'rev-parse', 'HEAD'])).stdout.trim();
    const bootstrap = (await promisify(execFile)('git', ['-C', env.workspace, 'rev-parse', 'HEAD~2'])).stdout.trim();
    type Argo = Status & { sync?: { revision?: string }; operationState?: { syncResult?: { revision?: string } } };
    const staging = app('staging', 'storefront') as Argo;
    const production = app('production', 'storefront') as Argo;
    assert.deepEqual([staging.sync?.status, staging.operationState?.syncResult?.revision], ['Synced', head]);
    // The base changed after the bootstrap: production (manual sync) compares HEAD but runs the bootstrap.
    assert.deepEqual([production.sync?.status, production.sync?.revision, production.operationState?.syncResult?.revision], ['OutOfSync', head, bootstrap]);
    const image = (cluster: 'staging' | 'production') =>
      (env.clusters[cluster].objects.get('apps/v1', 'Deployment', 'storefront', 'storefront')?.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers[0]?.image;
    assert.deepEqual([image('staging'), image('production')], ['registry.example.com/acme/storefront:2.5.1', 'registry.example.com/acme/storefront:2.4.0']);
    assert.equal(ready(flux('staging', 'HelmRelease', 'shop', 'helm.toolkit.fluxcd.io/v2'))?.status, 'True');
  });

  it('serves the same state to the real kubectl through the written kubeconfigs', async () => {
    const home = fs.mkdtempSync(path.join(root, 'home-'));
    const { stdout } = await promisify(execFile)('kubectl', ['--context', 'staging', 'get', 'applications.argoproj.io', '-n', 'argocd', '-o', 'json'], {
      env: { ...process.env, HOME: home, KUBECONFIG: env.kubeconfigFiles.join(path.delimiter) },
    });
    const items = (JSON.parse(stdout) as { items: KubeObject[] }).items;
    assert.deepEqual(items.map((a) => `${a.metadata.name}:${status(a).sync?.status}`).sort(), ['checkout:Synced', 'guestbook:Synced', 'podinfo:OutOfSync', 'storefront:Synced']);
  });

  it('gives the user a clone whose origin is the forge, and the forge knows the repository', async () => {
    const { stdout } = await promisify(execFile)('git', ['-C', env.workspace, 'remote', 'get-url', 'origin']);
    assert.equal(stdout.trim(), env.repoURL);
    assert.ok(fs.existsSync(path.join(env.workspace, 'apps', 'podinfo', 'deployment.yaml')));
    const res = await fetch(`${env.forge.url}/repos/acme/gitops`, { headers: { authorization: 'Bearer demo-forge-token' } });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { default_branch: string }).default_branch, 'main');
  });
});
