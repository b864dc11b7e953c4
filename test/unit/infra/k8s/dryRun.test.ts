/**
 * Server-side dry-run prediction (KubeClusterAccess.dryRunApply) against the Kubernetes API simulator
 * through client-node: the apply is answered with the object as it would be stored, nothing is
 * persisted, and a token without RBAC `patch` gets a typed Forbidden error that says what to do.
 */
import * as assert from 'node:assert/strict';
import { KubeClusterAccess } from '../../../../src/infra/k8s/clusterAccess';
import { DryRunError } from '../../../../src/infra/k8s/dryRun';
import { lazyClusterAccess } from '../../../../src/infra/k8s/lazy';
import { startSimCluster, type SimCluster } from '../../../sim/k8s/cluster';

const deployment = (replicas: number, image: string): Record<string, unknown> => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
  },
});

describe('dry-run: server-side apply prediction', () => {
  let sim: SimCluster;
  before(async () => {
    sim = await startSimCluster({ objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, deployment(5, 'shop/web:1.3.9') as never] });
    sim.addToken('reader', [{ verbs: ['get', 'list', 'watch'], apiGroups: ['apps'], resources: ['deployments'] }], 'system:serviceaccount:shop:reader');
    sim.addToken('applier', [{ verbs: ['get', 'patch'], apiGroups: ['apps'], resources: ['deployments'] }]);
  });
  after(() => sim.stop());
  const access = (token?: string): KubeClusterAccess => new KubeClusterAccess({ kubeconfig: () => [{ path: 'sim', text: sim.kubeconfig('sim', token ? { token } : {}) }] });
  const stored = (): Record<string, unknown> => sim.objects.get('apps/v1', 'Deployment', 'shop', 'web') as unknown as Record<string, unknown>;

  it('answers with the applied object, server defaults included, and persists nothing', async () => {
    const before = stored();
    sim.counts.reset();
    const predicted = (await access().dryRunApply('sim', deployment(3, 'shop/web:1.4.0'))) as { spec: { replicas: number; template: { spec: { containers: { image: string; imagePullPolicy?: string }[] } } }; metadata: { managedFields?: { manager: string }[] } };
    assert.equal(predicted.spec.replicas, 3);
    assert.equal(predicted.spec.template.spec.containers[0]?.image, 'shop/web:1.4.0');
    assert.equal(predicted.spec.template.spec.containers[0]?.imagePullPolicy, 'IfNotPresent', 'defaulted by the server');
    assert.ok(predicted.metadata.managedFields?.some((f) => f.manager === 'gitops-lens'), 'applied as field manager gitops-lens');
    assert.deepEqual(stored(), before, 'dryRun=All stores nothing');
    assert.equal(sim.counts.snapshot()['patch apps/deployments'], 1);
  });

  it('reads each kubeconfig once for many calls, and again when its text changes (a new token takes effect)', async () => {
    let token = 'reader';
    let reads = 0;
    const a = new KubeClusterAccess({
      kubeconfig: () => {
        reads += 1;
        return [{ path: 'sim', text: sim.kubeconfig('sim', { token }) }];
      },
    });
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' };
    for (let i = 0; i < 3; i++) assert.equal(((await a.get('sim', ref)) as { metadata: { name: string } }).metadata.name, 'web');
    assert.equal(reads, 3, 'the texts are asked for per call (they may change)');
    await assert.rejects(a.dryRunApply('sim', deployment(3, 'x')), (e: unknown) => e instanceof DryRunError && e.code === 'Forbidden');
    token = 'applier';
    const predicted = await a.dryRunApply('sim', deployment(3, 'shop/web:1.4.0'));
    assert.equal((predicted.spec as { replicas: number }).replicas, 3, 'the changed kubeconfig (new token) is used');
  });

  it('predicts an object that does not exist yet without creating it', async () => {
    const d = deployment(1, 'shop/api:1.0.0');
    (d.metadata as Record<string, unknown>).name = 'api';
    const predicted = await access().dryRunApply('sim', d);
    assert.equal((predicted.metadata as { name: string }).name, 'api');
    assert.equal(sim.objects.get('apps/v1', 'Deployment', 'shop', 'api'), undefined);
  });

  it('a token without patch: DryRunError Forbidden that names the missing permission', async () => {
    const err = await access('reader').dryRunApply('sim', deployment(3, 'x')).then(
      () => assert.fail('expected a rejection'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof DryRunError);
    assert.equal(err.code, 'Forbidden');
    assert.match(err.message, /server-side dry-run of Deployment shop\/web on "sim" was refused: it needs RBAC "patch" on Deployment/);
    assert.match(err.message, /system:serviceaccount:shop:reader/, 'the API server message is kept');
    assert.ok(!err.message.includes('Headers'), 'not client-node’s multi-line exception text');
  });

  it('a token with patch: the prediction, through the lazily loaded client', async () => {
    const lazy = lazyClusterAccess({ kubeconfig: () => [{ path: 'sim', text: sim.kubeconfig('sim', { token: 'applier' }) }] });
    const predicted = await lazy.dryRunApply('sim', deployment(4, 'shop/web:1.4.0'));
    assert.equal((predicted.spec as { replicas: number }).replicas, 4);
  });

  it('an unknown token: Unauthorized', async () => {
    await assert.rejects(access('nobody').dryRunApply('sim', deployment(3, 'x')), (e: unknown) => e instanceof DryRunError && e.code === 'Unauthorized');
  });
});
