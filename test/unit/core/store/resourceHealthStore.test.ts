import * as assert from 'node:assert/strict';
import { mapArgoApplication } from '../../../../src/core/argocd/application';
import type { App } from '../../../../src/core/model/app';
import { parseHealthCustomizations } from '../../../../src/core/argocd/health/customizations';
import type { LuaHealthRunner } from '../../../../src/core/argocd/health/luaPort';
import type { ObjectRef } from '../../../../src/core/ports';
import { ResourceHealthStore } from '../../../../src/core/store/resourceHealthStore';
import { k8sStatusError } from '../../../support/k8sErrors';
import { ARGO3_CHECKOUT, CONFIG_MAP, DEPLOYMENT_DEADLINE_EXCEEDED } from '../../../fixtures/gitops/liveResources';

/** The API server's answer `code`, typed as KubeClusterAccess rejects with it. */
const apiError = (code: number) => k8sStatusError(code);

/** A loader over a map `apiVersion/kind/namespace/name` → object or HTTP status, recording each GET. */
function fakeLoader(objects: Record<string, unknown>) {
  const calls: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const loader = async (cluster: string, ref: ObjectRef): Promise<unknown> => {
    const id = `${ref.apiVersion}/${ref.kind}/${ref.namespace}/${ref.name}`;
    calls.push(`${cluster} ${id}`);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, 1));
    inFlight--;
    const v = objects[id];
    if (typeof v === 'number') throw apiError(v);
    if (v === undefined) throw apiError(404);
    return structuredClone(v);
  };
  return { loader, calls, objects, maxInFlight: () => maxInFlight };
}

const DEPLOY_ID = 'apps/v1/Deployment/checkout/checkout';
const CM_ID = 'v1/ConfigMap/checkout/checkout-config';
const checkout = (): App => mapArgoApplication('prod', ARGO3_CHECKOUT);

describe('core/store/ResourceHealthStore', () => {
  it('loads every managed resource: computed health, no health for kinds without a rule', async () => {
    const fake = fakeLoader({ [DEPLOY_ID]: DEPLOYMENT_DEADLINE_EXCEEDED, [CM_ID]: CONFIG_MAP });
    const store = new ResourceHealthStore(fake.loader);
    const app = checkout();
    const fired: string[] = [];
    store.onDidChange((k) => fired.push(k));
    assert.equal(store.get(app.key, 0, app.resources[0]!), undefined, 'nothing before a load');
    const p = store.load(app);
    assert.ok(store.isLoading(app.key));
    await p;
    assert.ok(!store.isLoading(app.key));
    assert.deepEqual(store.entries(app.key), [{ status: 'Degraded', message: 'Deployment "checkout" exceeded its progress deadline' }, { noHealth: true }]);
    assert.deepEqual(fired, [app.key]);
    assert.deepEqual(fake.calls.sort(), [`prod ${DEPLOY_ID}`, `prod ${CM_ID}`].sort());
  });

  it('a 404 is Missing; a 403 says which object we may not read; other failures say what failed', async () => {
    const fake = fakeLoader({ [DEPLOY_ID]: 403, [CM_ID]: 500 });
    const store = new ResourceHealthStore(fake.loader);
    const app = checkout();
    await store.load(app);
    assert.deepEqual(store.entries(app.key), [{ unavailable: 'no access to Deployment checkout/checkout' }, { unavailable: 'could not read ConfigMap checkout/checkout-config: HTTP 500' }]);
    delete fake.objects[DEPLOY_ID];
    await store.load(app);
    assert.equal((store.get(app.key, 0, app.resources[0]!) as { status?: string }).status, 'Missing');
  });

  it('reloads on request (the app changed) and keeps the old entries visible meanwhile', async () => {
    const fake = fakeLoader({ [DEPLOY_ID]: DEPLOYMENT_DEADLINE_EXCEEDED, [CM_ID]: CONFIG_MAP });
    const store = new ResourceHealthStore(fake.loader);
    const app = checkout();
    await store.load(app);
    const fixed = structuredClone(DEPLOYMENT_DEADLINE_EXCEEDED) as { status: Record<string, unknown> };
    fixed.status = { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 };
    fake.objects[DEPLOY_ID] = fixed;
    const p = store.load(app);
    assert.equal((store.get(app.key, 0, app.resources[0]!) as { status?: string }).status, 'Degraded', 'old value while reloading');
    await p;
    assert.deepEqual(store.get(app.key, 0, app.resources[0]!), { status: 'Healthy' });
  });

  it('drops an older load that finishes after a newer one', async () => {
    let release: (() => void) | undefined;
    const gate = new Promise<void>((r) => (release = r));
    let n = 0;
    const store = new ResourceHealthStore(async () => {
      // The first load's GETs wait for the gate; the second load's answer at once.
      if (n++ < 2) await gate;
      return CONFIG_MAP;
    });
    const app = checkout();
    const fired: string[] = [];
    store.onDidChange((k) => fired.push(k));
    const first = store.load(app);
    await store.load(app);
    release?.();
    await first;
    assert.equal(fired.length, 1, 'the superseded load did not fire');
    assert.deepEqual(store.entries(app.key), [{ noHealth: true }, { noHealth: true }]);
  });

  it('never shows a neighbour\'s health when the resource list shifted', async () => {
    const store = new ResourceHealthStore(fakeLoader({ [DEPLOY_ID]: DEPLOYMENT_DEADLINE_EXCEEDED, [CM_ID]: CONFIG_MAP }).loader);
    const app = checkout();
    await store.load(app);
    // Index 0 is now the ConfigMap (the Deployment left Git): until the reload, no value for it.
    assert.equal(store.get(app.key, 0, app.resources[1]!), undefined);
  });

  it('bounds parallel GETs', async () => {
    const objects: Record<string, unknown> = {};
    const base = checkout();
    const resources = Array.from({ length: 30 }, (_, i) => ({ ...base.resources[1]!, name: `cm-${i}` }));
    for (const r of resources) objects[`v1/ConfigMap/checkout/${r.name}`] = CONFIG_MAP;
    const fake = fakeLoader(objects);
    const store = new ResourceHealthStore(fake.loader, { concurrency: 4 });
    await store.load({ ...base, resources });
    assert.equal(fake.calls.length, 30);
    assert.ok(fake.maxInFlight() <= 4 && fake.maxInFlight() > 1, `max in flight ${fake.maxInFlight()}`);
  });

  it('forget drops the app and fires; a load in flight is discarded', async () => {
    const store = new ResourceHealthStore(fakeLoader({ [DEPLOY_ID]: DEPLOYMENT_DEADLINE_EXCEEDED, [CM_ID]: CONFIG_MAP }).loader);
    const app = checkout();
    await store.load(app);
    const fired: string[] = [];
    store.onDidChange((k) => fired.push(k));
    store.forget(app.key);
    assert.equal(store.entries(app.key), undefined);
    const p = store.load(app);
    store.forget(app.key);
    await p;
    assert.equal(store.entries(app.key), undefined);
    assert.deepEqual(fired, [app.key]);
  });

  it('applies the app\'s argocd-cm checks through the Lua port, reading them once per load for the app\'s namespace', async () => {
    const fake = fakeLoader({ [DEPLOY_ID]: DEPLOYMENT_DEADLINE_EXCEEDED, [CM_ID]: CONFIG_MAP });
    const asked: string[] = [];
    const scripts: string[] = [];
    const lua: LuaHealthRunner = {
      run: async (script) => {
        scripts.push(script);
        return { ok: true, type: 'table', value: { status: 'Suspended', message: 'on hold by argocd-cm' } };
      },
    };
    const store = new ResourceHealthStore(fake.loader, {
      lua,
      customizations: async (cluster, namespace) => {
        asked.push(`${cluster}/${namespace}`);
        return parseHealthCustomizations({ data: { 'resource.customizations.health.ConfigMap': 'return { status = "Suspended" }' } });
      },
    });
    const app = checkout();
    await store.load(app);
    assert.deepEqual(store.entries(app.key), [{ status: 'Degraded', message: 'Deployment "checkout" exceeded its progress deadline' }, { status: 'Suspended', message: 'on hold by argocd-cm' }]);
    assert.deepEqual(asked, ['prod/argocd']);
    assert.deepEqual(scripts, ['return { status = "Suspended" }']);
  });

  it('keeps going without customizations when they cannot be read, and says when Argo CD has a check we lack', async () => {
    const nodePool = { apiVersion: 'karpenter.sh/v1', kind: 'NodePool', metadata: { name: 'default' } };
    const base = checkout();
    const app = { ...base, resources: [{ ...base.resources[0]!, group: 'karpenter.sh', version: 'v1', kind: 'NodePool', namespace: '', name: 'default' }] };
    const store = new ResourceHealthStore(fakeLoader({ 'karpenter.sh/v1/NodePool//default': nodePool }).loader, {
      customizations: async () => Promise.reject(new Error('boom')),
    });
    await store.load(app);
    assert.deepEqual(store.entries(app.key), [{ noHealth: true, note: 'Argo CD judges karpenter.sh/NodePool with a built-in Lua check that GitOps Lens does not implement' }]);
  });
});
