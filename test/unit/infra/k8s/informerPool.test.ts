/**
 * InformerPool against the Kubernetes API simulator, through the real @kubernetes/client-node: lists,
 * watches, 410 relists, outages, absent CRDs, RBAC-limited tokens, 401 and idle request counts.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { GITOPS_KINDS } from '../../../../src/core/model/app';
import { AppStore } from '../../../../src/core/store/appStore';
import type { Clock, ClusterConnectionEvent, ClusterWatchEvent } from '../../../../src/core/ports';
import { InformerPool } from '../../../../src/infra/k8s/informerPool';
import { toK8sError } from '../../../../src/infra/k8s/errors';
import { KubeClusterAccess } from '../../../../src/infra/k8s/clusterAccess';
import { KubeConnections } from '../../../../src/infra/k8s/kubeClient';
import { startSimCluster, type SimCluster, type SimClusterOptions } from '../../../sim/k8s/cluster';
import type { KubeObject } from '../../../sim/k8s/types';
import {
  ARGO2_OUT_OF_SYNC_HEALTHY,
  ARGO2_SUSPENDED,
  ARGO2_SYNCED_DEGRADED,
  ARGO2_SYNCED_HEALTHY,
  APP_PROJECT,
} from '../../../fixtures/gitops/argocd';
import { GIT_REPOSITORY, HR_READY, KS_READY, KS_STALLED, KS_SUSPENDED } from '../../../fixtures/gitops/flux';
import { recordingLogger } from '../../../support/fakes';
import { waitFor } from '../../../support/waitFor';
import { REPO_ROOT } from '../../../support/paths';
import { seedable } from '../../../support/simObjects';

const CRDS = path.join(REPO_ROOT, 'test', 'fixtures', 'sim', 'crds');

const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return { dispose: () => clearTimeout(t) };
  },
};

const GITOPS_OBJECTS = (): KubeObject[] => [
  seedable(ARGO2_SYNCED_HEALTHY),
  seedable(ARGO2_OUT_OF_SYNC_HEALTHY),
  seedable(ARGO2_SYNCED_DEGRADED),
  seedable(ARGO2_SUSPENDED),
  seedable(APP_PROJECT),
  seedable(KS_READY),
  seedable(KS_STALLED),
  seedable(KS_SUSPENDED),
  seedable(HR_READY),
  seedable(GIT_REPOSITORY()),
];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Harness {
  sim: SimCluster;
  pool: InformerPool;
  store: AppStore;
  connections: ClusterConnectionEvent[];
  batches: ClusterWatchEvent[][];
  log: string[];
  lastState(): ClusterConnectionEvent | undefined;
}

const open: Array<() => Promise<void>> = [];

async function harness(
  o: { sim?: SimClusterOptions; token?: string; namespace?: string; seed?: string[]; objects?: KubeObject[] } = {},
): Promise<Harness> {
  const sim = await startSimCluster({ seed: o.seed ?? [CRDS], objects: o.objects ?? GITOPS_OBJECTS(), ...o.sim });
  const { logger, lines } = recordingLogger();
  const kubeconfig = sim.kubeconfig('sim', { ...(o.token ? { token: o.token } : {}), ...(o.namespace ? { namespace: o.namespace } : {}) });
  const pool = new InformerPool({
    kubeconfig: () => [{ path: '/virtual/kubeconfig', text: kubeconfig }],
    log: logger,
    clock: realClock,
    backoff: { initialMs: 50, maxMs: 400 },
  });
  const store = new AppStore(realClock);
  const connections: ClusterConnectionEvent[] = [];
  const batches: ClusterWatchEvent[][] = [];
  const subs = [
    store.connect(pool),
    pool.onDidChangeConnection((e) => connections.push(e)),
    pool.onDidReceiveEvents((e) => batches.push([...e.events])),
  ];
  open.push(async () => {
    subs.forEach((s) => s.dispose());
    pool.dispose();
    store.dispose();
    await sim.stop();
  });
  return { sim, pool, store, connections, batches, log: lines, lastState: () => connections[connections.length - 1] };
}

const ready = (h: Harness, from = 0): Promise<ClusterConnectionEvent> =>
  waitFor('ready', () => h.connections.slice(from).find((e) => e.state === 'ready'));

describe('InformerPool (simulator, client-node)', function () {
  this.timeout(30_000);

  afterEach(async () => {
    while (open.length) await open.pop()?.();
  });

  it('lists every served kind once and fills the AppStore with Argo CD and Flux apps in their states', async () => {
    const h = await harness();
    h.pool.start('sim');
    const r = await ready(h);
    assert.equal(h.connections[0]?.state, 'connecting');
    assert.ok(r.state === 'ready');
    // The CRD fixtures serve OCIRepository only as v1beta2 (watched at that version) and have no CRD
    // for Bucket, HelmChart, ExternalArtifact, image automation or notifications.
    assert.deepEqual([...r.absentKinds].sort(), [
      'Alert',
      'Bucket',
      'ExternalArtifact',
      'HelmChart',
      'ImagePolicy',
      'ImageRepository',
      'ImageUpdateAutomation',
      'Provider',
      'Receiver',
    ]);
    assert.equal(r.watchedVersions?.OCIRepository, 'v1beta2');
    assert.equal(r.watchedVersions?.HelmRelease, 'v2');
    assert.deepEqual(r.forbiddenNamespaces, []);
    const byName = new Map(h.store.all().map((a) => [`${a.kind}/${a.name}`, a]));
    assert.equal(byName.get('Application/guestbook')?.sync.status, 'Synced');
    assert.equal(byName.get('Application/guestbook')?.health.status, 'Healthy');
    assert.equal(byName.get('Application/billing')?.sync.status, 'OutOfSync');
    assert.equal(byName.get('Application/payments')?.health.status, 'Degraded');
    assert.equal(byName.get('Kustomization/podinfo')?.health.status, 'Healthy');
    assert.ok(byName.has('HelmRelease/podinfo') || [...byName.keys()].some((k) => k.startsWith('HelmRelease/')));
    assert.ok([...byName.values()].some((a) => a.kind === 'Kustomization' && a.suspended));
    assert.ok([...byName.values()].some((a) => a.kind === 'Kustomization' && a.health.status !== 'Healthy' && !a.suspended));
    const counts = h.sim.counts.snapshot();
    assert.equal(counts.discovery, 1, 'one discovery request');
    assert.equal(counts['list argoproj.io/applications'], 1);
    assert.equal(counts['list kustomize.toolkit.fluxcd.io/kustomizations'], 1);
    assert.equal(counts['list source.toolkit.fluxcd.io/buckets'], undefined, 'no list for an absent kind');
    assert.equal(counts['list source.toolkit.fluxcd.io/ocirepositories'], 1, 'OCIRepository listed at the older version the cluster serves');
    await waitFor('7 watches', () => (h.sim.counts.snapshot().watch ?? 0) >= 7);
    assert.ok(!h.log.some((l) => l.includes(h.sim.token)), 'the token was logged');
  });

  it('delivers objects.patchStatus as a MODIFIED event and updates the app', async () => {
    const h = await harness();
    h.pool.start('sim');
    await ready(h);
    await waitFor('watches open', () => (h.sim.counts.snapshot()['watch argoproj.io/applications'] ?? 0) >= 1);
    await sleep(50);
    const guestbook = h.sim.objects.get('argoproj.io/v1alpha1', 'Application', 'argocd', 'guestbook');
    const status = structuredClone(guestbook?.status) as { sync: { status: string } };
    status.sync.status = 'OutOfSync';
    h.sim.objects.patchStatus('argoproj.io/v1alpha1', 'Application', 'argocd', 'guestbook', status);
    const ev = await waitFor('MODIFIED', () =>
      h.batches.flat().find((e) => e.type === 'MODIFIED' && e.kind === 'Application'),
    );
    assert.ok(ev.type === 'MODIFIED');
    assert.equal((ev.object as KubeObject).metadata.name, 'guestbook');
    await waitFor('store updated', () => h.store.all().find((a) => a.name === 'guestbook' && a.sync.status === 'OutOfSync'));
  });

  it('after compaction and cut watches, relists each kind once (410) without duplicates and keeps watching', async () => {
    const h = await harness();
    h.pool.start('sim');
    await ready(h);
    await waitFor('watches open', () => (h.sim.counts.snapshot().watch ?? 0) >= 7);
    const before = h.store.all().length;
    h.sim.counts.reset();
    // Changes the cut watches do not see before the compaction: one new app, one deleted. All in one
    // tick, so the pool cannot re-watch in between.
    h.sim.faults.cutWatches();
    h.sim.objects.put(seedable(ARGO2_SYNCED_HEALTHY, (o) => (o.metadata.name = 'late-app')));
    h.sim.objects.delete('argoproj.io/v1alpha1', 'Application', 'argocd', 'billing');
    h.sim.objects.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'advance-rv', namespace: 'default' } });
    h.sim.faults.expireResourceVersions();
    await waitFor('relisted', () => (h.sim.counts.snapshot()['list kustomize.toolkit.fluxcd.io/kustomizations'] ?? 0) >= 1);
    await waitFor('rewatching', () => (h.sim.counts.snapshot()['watch kustomize.toolkit.fluxcd.io/kustomizations'] ?? 0) >= 2);
    await sleep(300);
    const counts = h.sim.counts.snapshot();
    for (const gr of ['argoproj.io/applications', 'argoproj.io/appprojects', 'kustomize.toolkit.fluxcd.io/kustomizations', 'helm.toolkit.fluxcd.io/helmreleases']) {
      assert.equal(counts[`list ${gr}`], 1, `one relist of ${gr}`);
    }
    const names = h.store.all().map((a) => a.key);
    assert.equal(new Set(names).size, names.length, 'duplicate apps');
    assert.equal(names.length, before, 'one added, one removed');
    assert.ok(h.store.all().some((a) => a.name === 'late-app'));
    assert.ok(!h.store.all().some((a) => a.name === 'billing'), 'deleted while the watch was down');
    // Still watching: a change after the relist arrives without another list.
    h.sim.objects.delete('argoproj.io/v1alpha1', 'Application', 'argocd', 'late-app');
    await waitFor('late-app gone', () => !h.store.all().some((a) => a.name === 'late-app'));
    assert.equal(h.sim.counts.snapshot()['list argoproj.io/applications'], 1);
    assert.notEqual(h.lastState()?.state, 'unreachable');
  });

  it('marks the cluster unreachable on down() keeping the apps, and ready again after up()', async () => {
    const h = await harness();
    h.pool.start('sim');
    await ready(h);
    await waitFor('watches open', () => (h.sim.counts.snapshot().watch ?? 0) >= 7);
    const apps = h.store.all().length;
    await h.sim.down();
    const down = await waitFor('unreachable', () => h.connections.find((e) => e.state === 'unreachable'));
    assert.ok(down.state === 'unreachable');
    assert.equal(down.error.code, 'Unreachable');
    assert.equal(h.store.status('sim').connection.phase, 'unreachable');
    assert.equal(h.store.all().length, apps, 'last known state kept');
    const mark = h.connections.length;
    h.sim.counts.reset();
    await h.sim.up();
    await ready(h, mark);
    assert.equal(h.store.status('sim').connection.phase, 'ready');
    assert.equal(h.store.all().length, apps);
    assert.equal(h.sim.counts.snapshot().list, undefined, 'resumed watches from the last resourceVersion, no relist');
  });

  it('reports absent Flux CRDs and never lists them', async () => {
    const h = await harness({ seed: [path.join(CRDS, 'argocd.yaml')], objects: GITOPS_OBJECTS().filter((o) => o.apiVersion.startsWith('argoproj.io/')) });
    h.pool.start('sim');
    const r = await ready(h);
    assert.ok(r.state === 'ready');
    assert.deepEqual(
      [...r.absentKinds].sort(),
      GITOPS_KINDS.filter((k) => k.tool === 'flux')
        .map((k) => k.kind)
        .sort(),
    );
    const counts = h.sim.counts.snapshot();
    assert.deepEqual(Object.keys(counts).filter((k) => k.includes('fluxcd.io')), []);
    assert.deepEqual(h.store.status('sim').absentTools, ['flux']);
    assert.equal(h.store.all().filter((a) => a.kind === 'Application').length, 4);
  });

  it('falls back to per-namespace lists on a cluster-wide 403 and reports the forbidden namespaces', async () => {
    const objects = [
      ...GITOPS_OBJECTS(),
      seedable(ARGO2_SYNCED_HEALTHY, (o) => ((o.metadata.namespace = 'team-b'), (o.metadata.name = 'hidden-app'))),
    ];
    const h = await harness({ objects });
    const limited = 'limited-token';
    h.sim.addToken(limited, [
      { verbs: ['list'], resources: ['namespaces'] },
      { verbs: ['list', 'watch', 'get'], apiGroups: ['*'], resources: ['*'], namespaces: ['argocd', 'flux-system'] },
    ]);
    const kc = h.sim.kubeconfig('sim', { token: limited });
    const pool = new InformerPool({ kubeconfig: () => [{ path: 'k', text: kc }], log: recordingLogger().logger, clock: realClock, backoff: { initialMs: 50, maxMs: 400 } });
    const store = new AppStore(realClock);
    const sub = store.connect(pool);
    const events: ClusterConnectionEvent[] = [];
    const sub2 = pool.onDidChangeConnection((e) => events.push(e));
    open.push(async () => {
      sub.dispose();
      sub2.dispose();
      pool.dispose();
      store.dispose();
    });
    pool.start('sim');
    const r = await waitFor('ready', () => events.find((e) => e.state === 'ready'));
    assert.ok(r.state === 'ready');
    assert.ok(r.forbiddenNamespaces.includes('team-b'));
    assert.ok(r.forbiddenNamespaces.includes('default'));
    assert.ok(!r.forbiddenNamespaces.includes('argocd'));
    const names = store.all().map((a) => a.name);
    assert.ok(names.includes('guestbook'));
    assert.ok(names.includes('podinfo'));
    assert.ok(!names.includes('hidden-app'));
    assert.deepEqual([...store.status('sim').forbiddenNamespaces].sort(), [...r.forbiddenNamespaces].sort());
    // Watches per namespace deliver changes too.
    h.sim.objects.put(seedable(ARGO2_SYNCED_HEALTHY, (o) => (o.metadata.name = 'new-visible')));
    await waitFor('new-visible', () => store.all().some((a) => a.name === 'new-visible'));
  });

  it('relists a per-namespace list after 410 as a SYNC of that namespace: the other namespaces keep their apps', async () => {
    const h = await harness();
    const limited = 'limited-token';
    h.sim.addToken(limited, [
      { verbs: ['list'], resources: ['namespaces'] },
      { verbs: ['list', 'watch', 'get'], apiGroups: ['*'], resources: ['*'], namespaces: ['argocd', 'flux-system'] },
    ]);
    const kc = h.sim.kubeconfig('sim', { token: limited });
    const pool = new InformerPool({ kubeconfig: () => [{ path: 'k', text: kc }], log: recordingLogger().logger, clock: realClock, backoff: { initialMs: 50, maxMs: 400 } });
    const store = new AppStore(realClock);
    const syncs: ClusterWatchEvent[] = [];
    const subs = [store.connect(pool), pool.onDidReceiveEvents((e) => syncs.push(...e.events.filter((x) => x.type === 'SYNC')))];
    open.push(async () => {
      subs.forEach((s) => s.dispose());
      pool.dispose();
      store.dispose();
    });
    pool.start('sim');
    await waitFor('ready', () => store.status('sim').connection.phase === 'ready');
    await waitFor('watches open', () => (h.sim.counts.snapshot()['watch argoproj.io/applications'] ?? 0) >= 1);
    const before = store.all().map((a) => a.key).sort();
    assert.ok(syncs.every((e) => e.type === 'SYNC' && e.namespace === undefined), 'the first lists replace the whole kind');
    syncs.length = 0;
    h.sim.faults.cutWatches();
    h.sim.objects.delete('argoproj.io/v1alpha1', 'Application', 'argocd', 'billing');
    h.sim.objects.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'advance-rv', namespace: 'default' } });
    h.sim.faults.expireResourceVersions();
    await waitFor('billing gone', () => !store.all().some((a) => a.name === 'billing'));
    await waitFor('kustomizations relisted', () => syncs.some((e) => e.kind === 'Kustomization'));
    const apps = syncs.filter((e) => e.kind === 'Application');
    assert.ok(apps.length > 0 && apps.every((e) => e.type === 'SYNC' && e.namespace !== undefined), 'each namespace relists its own');
    assert.deepEqual(store.all().map((a) => a.key).sort(), before.filter((k) => !k.endsWith('/billing')));
  });

  it('shares one connection per context with the cluster access: its GETs make no full TLS handshake of their own', async () => {
    const h = await harness();
    const files = [{ path: '/virtual/kubeconfig', text: h.sim.kubeconfig('sim') }];
    const kube = new KubeConnections({ kubeconfig: () => files });
    const pool = new InformerPool({ kubeconfig: () => files, log: recordingLogger().logger, clock: realClock, connections: kube });
    const store = new AppStore(realClock);
    const sub = store.connect(pool);
    const access = new KubeClusterAccess({ kubeconfig: () => files, connections: kube });
    open.push(async () => {
      sub.dispose();
      access.dispose();
      pool.dispose();
      store.dispose();
      kube.dispose();
    });
    h.sim.tls.reset();
    pool.start('sim');
    await waitFor('ready', () => store.status('sim').connection.phase === 'ready');
    await waitFor('watches open', () => (h.sim.counts.snapshot().watch ?? 0) >= 7);
    const started = h.sim.tls.snapshot();
    assert.equal(started.handshakes - started.resumed, 1, `one full handshake for the pool's start: ${JSON.stringify(started)}`);
    h.sim.tls.reset();
    for (const name of ['guestbook', 'payments', 'billing']) {
      const live = (await access.get('sim', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', namespace: 'argocd', name })) as KubeObject;
      assert.equal(live.metadata.name, name);
    }
    const gets = h.sim.tls.snapshot();
    assert.equal(gets.handshakes - gets.resumed, 0, `full handshakes for the GETs: ${JSON.stringify(gets)}`);
    // The pool does not close what it shares: the access still answers after the pool is gone.
    pool.dispose();
    assert.ok(await access.get('sim', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', namespace: 'argocd', name: 'guestbook' }));
  });

  it('reports a 401 token as unreachable with Unauthorized', async () => {
    const h = await harness({ token: 'not-a-valid-token' });
    h.pool.start('sim');
    const e = await waitFor('unreachable', () => h.connections.find((c) => c.state === 'unreachable'));
    assert.ok(e.state === 'unreachable');
    assert.equal(e.error.code, 'Unauthorized');
    assert.equal(h.store.status('sim').connection.phase, 'unreachable');
    assert.ok(!h.log.some((l) => l.includes('not-a-valid-token')), 'the token was logged');
  });

  it('makes no list request while idle with bookmarks on', async () => {
    const h = await harness({ sim: { bookmarkIntervalMs: 200 } });
    h.pool.start('sim');
    await ready(h);
    await waitFor('watches open', () => (h.sim.counts.snapshot().watch ?? 0) >= 7);
    h.sim.counts.reset();
    await sleep(2000);
    const counts = h.sim.counts.snapshot();
    assert.equal(counts.list, undefined, `list requests while idle: ${JSON.stringify(counts)}`);
    assert.equal(counts.watch, undefined, `re-watches while idle: ${JSON.stringify(counts)}`);
    assert.ok(h.log.some((l) => l.startsWith('trace [InformerPool][watch] sim BOOKMARK')), 'bookmarks received');
  });

  it('stop() aborts the watches and fires stopped', async () => {
    const h = await harness();
    h.pool.start('sim');
    await ready(h);
    await waitFor('watches open', () => (h.sim.counts.snapshot().watch ?? 0) >= 7);
    h.pool.stop('sim');
    assert.equal(h.lastState()?.state, 'stopped');
    h.sim.counts.reset();
    h.sim.objects.put(seedable(ARGO2_SYNCED_HEALTHY, (o) => (o.metadata.name = 'after-stop')));
    await sleep(200);
    assert.ok(!h.batches.flat().some((e) => e.type !== 'SYNC' && (e.object as KubeObject).metadata.name === 'after-stop'));
    assert.deepEqual(h.sim.counts.snapshot(), {});
  });

  it('toK8sError maps HTTP statuses, Status objects and socket errors to codes', () => {
    assert.equal(toK8sError({ statusCode: 401, message: 'Unauthorized' }).code, 'Unauthorized');
    assert.deepEqual(toK8sError({ code: 403, message: 'no' }, 'ns1'), { code: 'Forbidden', message: 'no', namespace: 'ns1' });
    assert.equal(toK8sError({ kind: 'Status', code: 410, reason: 'Expired', message: 'too old' }).code, 'Gone');
    assert.equal(toK8sError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })).code, 'Unreachable');
    assert.equal(toK8sError(Object.assign(new Error('t'), { code: 'ETIMEDOUT' })).code, 'Timeout');
    assert.equal(toK8sError({ statusCode: 500, message: 'boom' }).code, 'Unknown');
  });
});
