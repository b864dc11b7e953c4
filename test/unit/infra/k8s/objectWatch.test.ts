/**
 * The watch adapter behind the lenses (src/infra/k8s/objectWatch.ts through KubeClusterAccess.watch)
 * against the Kubernetes simulator: one watch per object with `fieldSelector=metadata.name=…`, the
 * object's state first, every later change, nothing of other objects, a relist after `410 Gone`, and
 * no watch left open once disposed (the simulator lists open watches).
 */
import * as assert from 'node:assert/strict';
import { KubeClusterAccess } from '../../../../src/infra/k8s/clusterAccess';
import type { LiveObjectEvent, ObjectRef } from '../../../../src/core/ports';
import { startSimCluster, type SimCluster } from '../../../sim/k8s/cluster';
import type { KubeObject } from '../../../sim/k8s/types';
import { waitFor } from '../../../support/waitFor';

const deployment = (name: string, replicas: number): KubeObject =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'web' },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `registry.example.test/${name}:1.0.0` }] } } },
  }) as KubeObject;

const REF: ObjectRef = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'web', name: 'web' };

const replicasOf = (e: LiveObjectEvent | undefined): number | 'deleted' | undefined =>
  e?.type === 'deleted' ? 'deleted' : e?.type === 'changed' ? ((e.object as { spec?: { replicas?: number } }).spec?.replicas ?? -1) : undefined;

describe('KubeClusterAccess.watch: one object followed live (simulator)', function () {
  this.timeout(20_000);
  let sim: SimCluster;
  let access: KubeClusterAccess;

  beforeEach(async () => {
    sim = await startSimCluster({ objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } } as KubeObject, deployment('web', 2), deployment('api', 1)] });
    access = new KubeClusterAccess({ kubeconfig: () => [{ path: '/virtual/kubeconfig', text: sim.kubeconfig('sim') }] });
  });

  afterEach(async () => {
    access.dispose();
    await sim.stop();
  });

  it('delivers the object, then each change of it only, through one field-selected watch; dispose closes it', async () => {
    const events: LiveObjectEvent[] = [];
    const handle = access.watch('sim', REF, (e) => events.push(e));
    await waitFor('the first delivery', () => events.length > 0 || undefined);
    assert.equal(replicasOf(events[0]), 2);
    const open = sim.openWatches();
    assert.deepEqual(open, [{ resource: 'apps/deployments', namespace: 'web', fieldSelector: 'metadata.name=web', labelSelector: '' }]);
    // `kubectl scale` of another Deployment reaches nobody; of this one, the watch.
    const put = (name: string, replicas: number) => sim.objects.put({ ...sim.objects.get('apps/v1', 'Deployment', 'web', name)!, spec: deployment(name, replicas).spec } as KubeObject);
    put('api', 4);
    put('web', 5);
    await waitFor('the scale', () => events.some((e) => replicasOf(e) === 5) || undefined);
    assert.deepEqual(events.map(replicasOf), [2, 5]);
    sim.objects.delete('apps/v1', 'Deployment', 'web', 'web');
    await waitFor('the deletion', () => events.some((e) => e.type === 'deleted') || undefined);
    assert.equal(sim.counts.snapshot()['list apps/deployments'] ?? 0, 0, 'a watch that works needs no list');
    handle.dispose();
    await waitFor('no open watch after dispose', () => sim.openWatches().length === 0 || undefined);
  });

  it('after 410 Gone it relists the object (a change made while the watch was down is delivered) and watches on', async () => {
    const events: LiveObjectEvent[] = [];
    const handle = access.watch('sim', REF, (e) => events.push(e));
    await waitFor('the first delivery', () => events.length > 0 || undefined);
    // The watch is cut and its resourceVersion compacted away while the object changes.
    sim.faults.expireResourceVersions();
    sim.faults.cutWatches();
    sim.objects.put({ ...sim.objects.get('apps/v1', 'Deployment', 'web', 'web')!, spec: deployment('web', 7).spec } as KubeObject);
    sim.faults.expireResourceVersions();
    await waitFor('the change made while down', () => events.some((e) => replicasOf(e) === 7) || undefined, 10_000);
    assert.ok((sim.counts.snapshot()['list apps/deployments'] ?? 0) >= 1, 'no relist after 410');
    await waitFor('watching again', () => sim.openWatches().length === 1 || undefined);
    sim.objects.put({ ...sim.objects.get('apps/v1', 'Deployment', 'web', 'web')!, spec: deployment('web', 8).spec } as KubeObject);
    await waitFor('a change after the relist', () => events.some((e) => replicasOf(e) === 8) || undefined);
    handle.dispose();
    await waitFor('no open watch after dispose', () => sim.openWatches().length === 0 || undefined);
  });

  it('a reference that cannot be a URL segment is never watched', async () => {
    const events: LiveObjectEvent[] = [];
    const handle = access.watch('sim', { ...REF, name: '..' }, (e) => events.push(e));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(sim.openWatches().length, 0);
    handle.dispose();
  });
});
