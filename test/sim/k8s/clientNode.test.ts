/**
 * @kubernetes/client-node 1.x against the simulator: kubeconfig loading, CustomObjectsApi, and the
 * ListWatch informer through add/update/delete, a 410 relist after expired resourceVersions and a cut
 * watch, and a 403.
 */
import * as assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import type { SimCluster } from './cluster';
import { startSimCluster } from './cluster';
import { crdFixtures } from './testKit';
import type { KubeObject } from './types';

const app = (name: string, sync = 'Synced'): KubeObject => ({
  apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name, namespace: 'argocd' },
  spec: { project: 'default', destination: { namespace: 'x', server: 'https://kubernetes.default.svc' }, source: { repoURL: 'https://git.example/r.git' } },
  status: { sync: { status: sync } },
});

function eventually(check: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (check()) return resolve();
      if (Date.now() - t0 > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

describe('k8s simulator: @kubernetes/client-node', function () {
  this.timeout(30_000);
  let sim: SimCluster;
  const group = 'argoproj.io';
  const version = 'v1alpha1';
  const plural = 'applications';

  beforeEach(async () => {
    sim = await startSimCluster({ seed: [crdFixtures()], objects: [app('first')] });
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('loads the kubeconfig the sim writes and lists custom objects', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(sim.kubeconfig('sim', { namespace: 'argocd' }));
    assert.equal(kc.getCurrentContext(), 'sim');
    const api = kc.makeApiClient(k8s.CustomObjectsApi);
    const list = (await api.listNamespacedCustomObject({ group, version, namespace: 'argocd', plural })) as { kind: string; items: KubeObject[] };
    assert.equal(list.kind, 'ApplicationList');
    assert.deepEqual(list.items.map((i) => [i.metadata.name, (i.status as { sync: { status: string } }).sync.status]), [['first', 'Synced']]);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const ns = await core.listNamespace();
    assert.ok(ns.items.some((n) => n.metadata?.name === 'argocd'));
  });

  it('informer receives add/update/delete and relists after expired resourceVersions and a cut watch', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromString(sim.kubeconfig('sim'));
    const api = kc.makeApiClient(k8s.CustomObjectsApi);
    const informer = k8s.makeInformer<k8s.KubernetesObject>(kc, `/apis/${group}/${version}/${plural}`,
      () => api.listCustomObjectForAllNamespaces({ group, version, plural }) as Promise<k8s.KubernetesListObject<k8s.KubernetesObject>>);
    const seen: string[] = [];
    const errors: unknown[] = [];
    informer.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
    informer.on('update', (o) => seen.push(`update ${o.metadata?.name} ${(o as unknown as { status: { sync: { status: string } } }).status.sync.status}`));
    informer.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
    informer.on('error', (e) => errors.push(e));
    sim.counts.reset();
    await informer.start();
    try {
      await eventually(() => seen.includes('add first'), 'initial add');
      await eventually(() => (sim.counts.snapshot()['watch argoproj.io/applications'] ?? 0) >= 1, 'watch opened');
      sim.objects.put(app('second'));
      await eventually(() => seen.includes('add second'), 'add over watch');
      sim.objects.patchStatus('argoproj.io/v1alpha1', 'Application', 'argocd', 'second', { sync: { status: 'OutOfSync' } });
      await eventually(() => seen.includes('update second OutOfSync'), 'update');
      sim.objects.delete('argoproj.io/v1alpha1', 'Application', 'argocd', 'first');
      await eventually(() => seen.includes('delete first'), 'delete');
      assert.equal(sim.counts.snapshot()['list argoproj.io/applications'], 1, 'no polling: one list, then the watch');

      // History is compacted and the watch is cut: the informer resumes from its RV, gets 410, relists.
      sim.faults.expireResourceVersions();
      sim.faults.cutWatches();
      sim.objects.put(app('third'));
      await eventually(() => seen.includes('add third'), 'add after relist');
      await eventually(() => (sim.counts.snapshot()['list argoproj.io/applications'] ?? 0) === 2, 'relist');
      assert.deepEqual(errors, []);
    } finally {
      await informer.stop();
    }
  });

  it('surfaces 403 Forbidden with the API server message', async () => {
    sim.addToken('no-apps', [{ verbs: ['list'], apiGroups: [''], resources: ['configmaps'] }], 'system:serviceaccount:default:no-apps');
    const kc = new k8s.KubeConfig();
    kc.loadFromString(sim.kubeconfig('sim', { token: 'no-apps' }));
    const api = kc.makeApiClient(k8s.CustomObjectsApi);
    await assert.rejects(api.listNamespacedCustomObject({ group, version, namespace: 'argocd', plural }), (e: { code?: number; body?: string }) => {
      assert.equal(e.code, 403);
      const status = JSON.parse(String(e.body)) as { reason: string; message: string };
      assert.equal(status.reason, 'Forbidden');
      assert.equal(status.message, 'applications.argoproj.io is forbidden: User "system:serviceaccount:default:no-apps" cannot list resource "applications" in API group "argoproj.io" in the namespace "argocd"');
      return true;
    });
  });
});
