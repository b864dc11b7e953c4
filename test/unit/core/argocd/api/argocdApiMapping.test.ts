/**
 * One Argo CD, seen two ways: through a kubeconfig context on the cluster it runs on (informer pool)
 * and through its API (ArgoCdApiSource, the Argo CD simulator serving that cluster's objects). Both
 * feed an AppStore with the same mapper, so the apps must be identical but for what the API server
 * itself adds (per-resource health from its tree). Then the rule that shows such an app once.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { preferApi, objectUid, type SeenApp } from '../../../../../src/core/argocd/api/merge';
import { readResourceTree, treeHealthEntries, childrenOf } from '../../../../../src/core/argocd/api/resourceTree';
import { readManagedResources } from '../../../../../src/core/argocd/api/managedResources';
import { readApplicationChunk, newerResourceVersion } from '../../../../../src/core/argocd/api/stream';
import { DisposableStore } from '../../../../../src/core/lifecycle';
import type { App } from '../../../../../src/core/model/app';
import type { Clock } from '../../../../../src/core/ports';
import { AppStore } from '../../../../../src/core/store/appStore';
import { ArgoCdApiSource } from '../../../../../src/infra/argocd/apiSource';
import { InformerPool } from '../../../../../src/infra/k8s/informerPool';
import { mirrorCluster, startArgoCdSim, type ArgoCdSim } from '../../../../sim/argocd/argocd';
import { startSimCluster, type SimCluster } from '../../../../sim/k8s/cluster';
import { APPLICATION_SET, APP_PROJECT, ARGO2_COMPARISON_ERROR, ARGO2_OUT_OF_SYNC_HEALTHY, ARGO2_SYNCED_DEGRADED, ARGO2_SYNCED_HEALTHY, ARGO3_MULTI_SOURCE, ARGO3_OPERATION_FAILED, ARGO3_PROGRESSING } from '../../../../fixtures/gitops/argocd';
import { REPO_ROOT } from '../../../../support/paths';
import { recordingLogger } from '../../../../support/fakes';
import { seedable } from '../../../../support/simObjects';
import { waitFor } from '../../../../support/waitFor';

type Obj = Record<string, unknown>;

const clock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return { dispose: () => clearTimeout(t) };
  },
};

const FIXTURES = [ARGO2_SYNCED_HEALTHY, ARGO2_OUT_OF_SYNC_HEALTHY, ARGO2_SYNCED_DEGRADED, ARGO2_COMPARISON_ERROR, ARGO3_PROGRESSING, ARGO3_OPERATION_FAILED, ARGO3_MULTI_SOURCE, APP_PROJECT, APPLICATION_SET];

describe('the same Argo CD through kubeconfig and through its API', function () {
  this.timeout(60_000);
  let cluster: SimCluster;
  let argo: ArgoCdSim;
  let scope: DisposableStore;
  let viaKube: AppStore;
  let viaApi: AppStore;

  before(async () => {
    cluster = await startSimCluster({ seed: [path.join(REPO_ROOT, 'test', 'fixtures', 'sim', 'crds', 'argocd.yaml')], objects: FIXTURES.map((o) => seedable(o)) });
    argo = await startArgoCdSim();
    scope = new DisposableStore();
    scope.add(mirrorCluster(argo, cluster));
    const log = recordingLogger().logger;
    const pool = scope.add(new InformerPool({ kubeconfig: () => [{ path: 'sim', text: cluster.kubeconfig('same') }], log, clock }));
    const api = scope.add(new ArgoCdApiSource({ target: () => ({ name: 'same', baseUrl: argo.url, insecure: false, certificateAuthority: argo.caPem, token: argo.token, grpcWeb: false }), clock, log }));
    viaKube = scope.add(new AppStore(clock));
    viaApi = scope.add(new AppStore(clock));
    scope.add(viaKube.connect(pool));
    scope.add(viaApi.connect(api));
    pool.start('same');
    api.start('same');
    await waitFor('both ready', () => viaKube.status('same').connection.phase === 'ready' && viaApi.status('same').connection.phase === 'ready');
    await waitFor('the API stream', () => argo.server.openStreams() === 1);
  });

  after(async () => {
    scope.dispose();
    await argo.stop();
    await cluster.stop();
  });

  afterEach(() => assert.deepEqual(argo.server.violations, []));

  const argocdApps = (s: AppStore): App[] => s.all().filter((a) => a.tool === 'argocd');

  it('maps every Application, AppProject and ApplicationSet to identical App data', () => {
    const kube = argocdApps(viaKube);
    assert.equal(kube.length, FIXTURES.length);
    assert.deepEqual(argocdApps(viaApi), kube);
  });

  it('stays identical through a status change delivered by the watch on one side and the stream on the other', async () => {
    const app = cluster.objects.get('argoproj.io/v1alpha1', 'Application', 'argocd', 'billing')!;
    cluster.objects.patchStatus('argoproj.io/v1alpha1', 'Application', 'argocd', 'billing', {
      ...(app.status as Obj),
      sync: { status: 'Synced', revision: 'ffffffffffffffffffffffffffffffffffffffff' },
      operationState: { phase: 'Running', message: 'one or more tasks are running', startedAt: '2025-05-04T11:00:00Z' },
    });
    const key = 'same/argocd/Application/argocd/billing';
    await waitFor('both updated', () => viaKube.get(key)?.sync.status === 'Synced' && viaApi.get(key)?.sync.status === 'Synced');
    assert.deepEqual(viaApi.get(key), viaKube.get(key));
    assert.equal(viaApi.get(key)?.operation?.phase, 'Running');
  });

  it('differs only by the per-resource health argocd-server fills in from its tree (Argo CD 3.x apps)', async () => {
    argo.server.setTree('argocd', 'frontend', {
      nodes: [
        { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'frontend', name: 'web', uid: 'd1', resourceVersion: '5', health: { status: 'Progressing', message: 'Waiting for rollout to finish' } },
        { version: 'v1', kind: 'Service', namespace: 'frontend', name: 'web', uid: 's1', resourceVersion: '6', health: { status: 'Healthy' } },
      ],
    });
    const app = cluster.objects.get('argoproj.io/v1alpha1', 'Application', 'argocd', 'frontend')!;
    cluster.objects.patchStatus('argoproj.io/v1alpha1', 'Application', 'argocd', 'frontend', { ...(app.status as Obj), reconciledAt: '2025-05-04T11:30:00Z' });
    const key = 'same/argocd/Application/argocd/frontend';
    await waitFor('both updated', () => viaKube.get(key)?.lastReconciled === '2025-05-04T11:30:00Z' && viaApi.get(key)?.lastReconciled === '2025-05-04T11:30:00Z');
    const kube = viaKube.get(key)!;
    const api = viaApi.get(key)!;
    assert.deepEqual(kube.resources.map((r) => r.health), [undefined, undefined]);
    assert.deepEqual(api.resources.map((r) => [r.health, r.healthMessage]), [['Progressing', 'Waiting for rollout to finish'], ['Healthy', undefined]]);
    const strip = (a: App): App => ({ ...a, resources: a.resources.map((r) => ({ ...r, health: undefined, healthMessage: undefined })) });
    assert.deepEqual(strip(api), strip(kube));
  });

  it('shows an app seen both ways once: the API copy while it is live, else the live kubeconfig copy', () => {
    const uidOf = (name: string): string | undefined => objectUid(argo.server.app('argocd', name));
    const kube = viaKube.all().filter((a) => a.kind === 'Application').map((a) => ({ ...a, cluster: 'mgmt-kube', key: a.key.replace(/^same\//, 'mgmt-kube/') }));
    const api = viaApi.all().filter((a) => a.kind === 'Application');
    const seen = (apiLive: boolean, kubeLive: boolean): SeenApp[] => [
      ...kube.map((app): SeenApp => ({ app, via: 'kubeconfig', uid: uidOf(app.name), live: kubeLive })),
      ...api.map((app): SeenApp => ({ app, via: 'argocd-api', uid: uidOf(app.name), live: apiLive })),
    ];
    const both = preferApi(seen(true, true));
    assert.equal(both.shown.length, api.length);
    assert.ok(both.shown.every((a) => a.cluster === 'same'));
    assert.equal(both.replacedBy.get('mgmt-kube/argocd/Application/argocd/billing'), 'same/argocd/Application/argocd/billing');
    const apiDown = preferApi(seen(false, true));
    assert.ok(apiDown.shown.every((a) => a.cluster === 'mgmt-kube'));
    const allDown = preferApi(seen(false, false));
    assert.ok(allDown.shown.every((a) => a.cluster === 'same'));
    // A twin with another uid (another Argo CD with the same app) is not merged.
    const twin: SeenApp = { app: { ...api[0]!, cluster: 'other', key: `other${api[0]!.key.slice(4)}` }, via: 'argocd-api', uid: 'another-uid', live: true };
    assert.equal(preferApi([...seen(true, true), twin]).shown.length, api.length + 1);
  });
});

describe('Argo CD API payloads, read without trusting them', () => {
  it('reads stream chunks: events, error chunks, malformed lines; versions compared as numbers', () => {
    assert.deepEqual(readApplicationChunk({ result: { type: 'MODIFIED', application: { metadata: { name: 'a', resourceVersion: '12' } } } }), { kind: 'event', type: 'MODIFIED', application: { metadata: { name: 'a', resourceVersion: '12' } }, resourceVersion: '12' });
    assert.deepEqual(readApplicationChunk({ error: { grpc_code: 16, http_code: 401, message: 'invalid session: token has invalid claims: token is expired', http_status: 'Unauthorized' } }), { kind: 'error', httpCode: 401, grpcCode: 16, message: 'invalid session: token has invalid claims: token is expired' });
    assert.equal(readApplicationChunk({ result: { type: 'BOOKMARK', application: {} } }).kind, 'malformed');
    assert.equal(readApplicationChunk([1]).kind, 'malformed');
    assert.equal(newerResourceVersion('99', '100'), '100');
    assert.equal(newerResourceVersion('100', '99'), '100');
    assert.equal(newerResourceVersion('100', 'x'), '100');
    assert.equal(newerResourceVersion(undefined, '5'), '5');
  });

  it('reads a resource tree: unknown health states kept as Unknown with their words, bad nodes dropped', () => {
    const tree = readResourceTree({
      nodes: [
        { group: 'argoproj.io', version: 'v1alpha1', kind: 'Rollout', namespace: 'shop', name: 'cart', uid: 'r', health: { status: 'Paused', message: 'canary step 2' } },
        { version: 'v1', kind: 'Pod', namespace: 'shop', name: 'cart-1', uid: 'p', parentRefs: [{ group: 'argoproj.io', kind: 'Rollout', namespace: 'shop', name: 'cart' }] },
        { kind: 'ConfigMap' },
        'junk',
      ],
    });
    assert.deepEqual(tree.nodes[0]?.health, { status: 'Unknown', message: 'Argo CD reports health "Paused": canary step 2' });
    assert.equal(tree.nodes.length, 2);
    assert.equal(tree.problems.length, 2);
    assert.deepEqual(childrenOf(tree, { group: 'argoproj.io', kind: 'Rollout', namespace: 'shop', name: 'cart' }).map((n) => n.name), ['cart-1']);
    const resources = [
      { group: 'argoproj.io', kind: 'Rollout', namespace: 'shop', name: 'cart', requiresPruning: false, hook: false },
      { group: '', kind: 'Service', namespace: 'shop', name: 'gone', requiresPruning: false, hook: false },
    ];
    assert.deepEqual(treeHealthEntries(resources, tree), [{ status: 'Unknown', message: 'Argo CD reports health "Paused": canary step 2' }, { noHealth: true }]);
  });

  it('reads managed resources: states that are not JSON, too deep or not objects are problems, not throws', () => {
    const deep = `${'['.repeat(150)}${']'.repeat(150)}`;
    const r = readManagedResources({
      items: [
        { kind: 'ConfigMap', name: 'a', targetState: '{not json', liveState: deep, normalizedLiveState: '"text"', predictedLiveState: 'null' },
      ],
    });
    assert.deepEqual(r.items[0]?.problems, ['targetState is not JSON', 'liveState: nesting deeper than 100 levels', 'normalizedLiveState is not an object']);
    assert.equal(r.items[0]?.predictedLive, undefined);
    assert.deepEqual(readManagedResources('x').problems, ['the managed resources answer is not an object']);
  });
});
