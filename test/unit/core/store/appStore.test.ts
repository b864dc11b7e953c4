import * as assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { Emitter } from '../../../../src/core/lifecycle';
import type { Clock, ClusterConnectionEvent, ClusterSource, ClusterWatchEvent, K8sError } from '../../../../src/core/ports';
import { AppStore, type AppStoreChange, type AppTransition } from '../../../../src/core/store/appStore';
import { keyParts } from '../../../../src/core/model/app';
import * as A from '../../../fixtures/gitops/argocd';
import * as F from '../../../fixtures/gitops/flux';
import { recordingLogger } from '../../../support/fakes';

class FakeClock implements Clock {
  t = 1_000_000;
  now(): number {
    return this.t;
  }
  setTimeout(): { dispose(): void } {
    return { dispose: () => undefined };
  }
}

class FakeSource implements ClusterSource {
  readonly events = new Emitter<{ cluster: string; events: readonly ClusterWatchEvent[] }>();
  readonly connection = new Emitter<ClusterConnectionEvent>();
  readonly errors = new Emitter<{ cluster: string; kind: undefined; error: K8sError }>();
  readonly onDidReceiveEvents = this.events.event;
  readonly onDidChangeConnection = this.connection.event;
  readonly onDidError = this.errors.event;
  start(): void {}
  stop(): void {}
}

function setup() {
  const clock = new FakeClock();
  const store = new AppStore(clock, recordingLogger().logger);
  const changes: AppStoreChange[] = [];
  const transitions: AppTransition[][] = [];
  store.onDidChange((c) => changes.push(c));
  store.onDidTransition((t) => transitions.push([...t]));
  return { clock, store, changes, transitions };
}

/** Writes so far: each object built here is a new write, with a new resourceVersion as the API server gives it. */
let writes = 0;

/** An Argo CD Application with the given name/project/state, shaped like the fixtures. */
function argoApp(name: string, sync = 'Synced', health = 'Healthy', project = 'default') {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd', resourceVersion: String(++writes) },
    spec: { project, source: { repoURL: 'https://git.example.test/x.git', path: name }, destination: { namespace: name } },
    status: { sync: { status: sync, revision: A.ARGO_SHA }, health: { status: health } },
  };
}

const GUESTBOOK = 'prod/argocd/Application/argocd/guestbook';

/** The object, counting in `reads` under `name` each time a mapper reads its `spec`. */
function counted<T extends object>(obj: T, name: string, reads: Map<string, number>): T {
  return new Proxy(obj, {
    get(target, prop, receiver) {
      if (prop === 'spec') reads.set(name, (reads.get(name) ?? 0) + 1);
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}

let gcFn: (() => void) | undefined;
/** A full collection (`--expose-gc` switched on at run time). */
function fullGc(): void {
  if (!gcFn) {
    v8.setFlagsFromString('--expose-gc');
    gcFn = vm.runInNewContext('gc') as () => void;
  }
  gcFn();
  gcFn();
}

describe('core/store/AppStore', () => {
  it('fires added/updated/removed with only the keys that changed', () => {
    const { store, changes } = setup();
    store.apply('prod', { type: 'ADDED', kind: 'Application', object: A.ARGO2_SYNCED_HEALTHY });
    store.apply('prod', { type: 'ADDED', kind: 'Application', object: A.ARGO2_SYNCED_DEGRADED });
    const modified = structuredClone(A.ARGO2_SYNCED_HEALTHY) as { metadata: { resourceVersion: string }; status: { sync: { status: string } } };
    modified.status.sync.status = 'OutOfSync';
    modified.metadata.resourceVersion = '48214'; // every write gets a new one
    store.apply('prod', { type: 'MODIFIED', kind: 'Application', object: modified });
    store.apply('prod', { type: 'DELETED', kind: 'Application', object: A.ARGO2_SYNCED_DEGRADED });
    assert.deepEqual(changes, [
      { added: [GUESTBOOK], updated: [], removed: [], clusters: [] },
      { added: ['prod/argocd/Application/argocd/payments'], updated: [], removed: [], clusters: [] },
      { added: [], updated: [GUESTBOOK], removed: [], clusters: [] },
      { added: [], updated: [], removed: ['prod/argocd/Application/argocd/payments'], clusters: [] },
    ]);
    assert.equal(store.get(GUESTBOOK)?.sync.status, 'OutOfSync');
    assert.equal(store.get('prod/argocd/Application/argocd/payments'), undefined);
  });

  it('finds the apps of a context whose name holds a slash (EKS names contexts by ARN)', () => {
    const { store } = setup();
    const eks = 'arn:aws:eks:eu-west-1:123456789012:cluster/prod';
    store.apply(eks, { type: 'ADDED', kind: 'Application', object: A.ARGO2_SYNCED_HEALTHY });
    const [app] = store.all().filter((a) => a.cluster === eks);
    assert.ok(app, 'the app was not stored under the ARN context');
    assert.equal(store.get(app.key)?.name, 'guestbook');
    assert.equal(store.get(app.key)?.cluster, eks);
    assert.deepEqual(keyParts(app.key), { cluster: eks, tool: 'argocd' });
  });

  it('fires nothing for a MODIFIED that changes nothing the model shows', () => {
    const { store, changes } = setup();
    store.apply('prod', { type: 'ADDED', kind: 'Application', object: A.ARGO2_SYNCED_HEALTHY });
    const touched = structuredClone(A.ARGO2_SYNCED_HEALTHY) as { metadata: { resourceVersion: string } };
    touched.metadata.resourceVersion = '99999';
    store.apply('prod', { type: 'MODIFIED', kind: 'Application', object: touched });
    assert.equal(changes.length, 1);
  });

  it('turns a relist of 2,000 apps into one change event, and a second identical relist into none', () => {
    const { store, changes } = setup();
    const objects = Array.from({ length: 2000 }, (_, i) => argoApp(`app-${i}`, i % 10 === 0 ? 'OutOfSync' : 'Synced', i % 25 === 0 ? 'Degraded' : 'Healthy'));
    const started = process.hrtime.bigint();
    store.apply('prod', { type: 'SYNC', kind: 'Application', objects });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.equal(changes.length, 1);
    assert.equal(changes[0]!.added.length, 2000);
    assert.deepEqual(store.totals(), { apps: 2000, synced: 1800, outOfSync: 200, degraded: 80 });
    store.apply('prod', { type: 'SYNC', kind: 'Application', objects });
    assert.equal(changes.length, 1);
    assert.ok(ms < 2000, `relist took ${ms} ms`);
  });

  it('SYNC replaces only its own kind: missing objects are removed, other kinds stay', () => {
    const { store, changes } = setup();
    store.apply('prod', { type: 'SYNC', kind: 'Application', objects: [argoApp('a'), argoApp('b')] });
    store.apply('prod', { type: 'SYNC', kind: 'Kustomization', objects: [F.KS_READY] });
    store.apply('prod', { type: 'SYNC', kind: 'Application', objects: [argoApp('b', 'OutOfSync'), argoApp('c')] });
    assert.deepEqual(changes.at(-1), {
      added: ['prod/argocd/Application/argocd/c'],
      updated: ['prod/argocd/Application/argocd/b'],
      removed: ['prod/argocd/Application/argocd/a'],
      clusters: [],
    });
    assert.ok(store.get('prod/flux/Kustomization/flux-system/podinfo'));
  });

  it('batch() coalesces many applies, and added-then-removed cancels out', () => {
    const { store, changes } = setup();
    store.batch(() => {
      store.apply('prod', { type: 'ADDED', kind: 'Application', object: argoApp('x') });
      store.apply('prod', { type: 'ADDED', kind: 'Application', object: argoApp('y') });
      store.apply('prod', { type: 'DELETED', kind: 'Application', object: argoApp('x') });
      store.apply('prod', { type: 'MODIFIED', kind: 'Application', object: argoApp('y', 'OutOfSync') });
    });
    assert.deepEqual(changes, [{ added: ['prod/argocd/Application/argocd/y'], updated: [], removed: [], clusters: [] }]);
  });

  it('joins Flux apps with their source: a new source revision turns the Kustomization OutOfSync', () => {
    const { store, changes } = setup();
    const KS = 'prod/flux/Kustomization/flux-system/podinfo';
    // The Kustomization arrives before its source; the join happens whichever comes first.
    store.apply('prod', { type: 'ADDED', kind: 'Kustomization', object: F.KS_READY });
    const before = store.get(KS)!.sync;
    assert.equal(before.status, 'Synced');
    assert.match(before.reason ?? '', /source GitRepository\/flux-system\/fleet not observed/);
    store.apply('prod', { type: 'ADDED', kind: 'GitRepository', object: F.GIT_REPOSITORY(F.REV) });
    assert.deepEqual(store.get(KS)!.sync, { status: 'Synced' });
    store.apply('prod', { type: 'MODIFIED', kind: 'GitRepository', object: F.GIT_REPOSITORY(F.REV_NEW) });
    assert.equal(store.get(KS)!.sync.status, 'OutOfSync');
    assert.deepEqual(changes.at(-1), { added: [], updated: ['prod/flux/GitRepository/flux-system/fleet', KS], removed: [], clusters: [] });
    // Sources do not count in totals; the Kustomization does.
    assert.deepEqual(store.totals(), { apps: 1, synced: 0, outOfSync: 1, degraded: 0 });
    store.apply('prod', { type: 'DELETED', kind: 'GitRepository', object: F.GIT_REPOSITORY(F.REV_NEW) });
    assert.equal(store.get(KS)!.sync.status, 'Synced', 'falls back to the object\'s own conditions');
  });

  it('joins HelmReleases with the HelmChart named in status.helmChart', () => {
    const { store } = setup();
    store.applyAll('prod', [
      { type: 'ADDED', kind: 'HelmRelease', object: F.HR_READY },
      { type: 'ADDED', kind: 'HelmChart', object: F.HELM_CHART('podinfo', '6.6.0') },
    ]);
    assert.equal(store.get('prod/flux/HelmRelease/apps/podinfo')!.sync.status, 'OutOfSync');
  });

  it('reports OutOfSync and Degraded transitions, not first sightings', () => {
    const { store, transitions } = setup();
    store.apply('prod', { type: 'SYNC', kind: 'Application', objects: [argoApp('a'), argoApp('b', 'OutOfSync', 'Degraded')] });
    assert.equal(transitions.length, 0);
    store.apply('prod', { type: 'MODIFIED', kind: 'Application', object: argoApp('a', 'OutOfSync', 'Degraded') });
    assert.deepEqual(
      transitions.flat().map((t) => [t.kind, t.key, t.previous.sync, t.previous.health]),
      [
        ['outOfSync', 'prod/argocd/Application/argocd/a', 'Synced', 'Healthy'],
        ['degraded', 'prod/argocd/Application/argocd/a', 'Synced', 'Healthy'],
      ],
    );
    // Flapping back within one batch is not reported.
    store.batch(() => {
      store.apply('prod', { type: 'MODIFIED', kind: 'Application', object: argoApp('c') });
      store.apply('prod', { type: 'MODIFIED', kind: 'Application', object: argoApp('c', 'OutOfSync') });
      store.apply('prod', { type: 'MODIFIED', kind: 'Application', object: argoApp('c') });
    });
    assert.equal(transitions.length, 1);
  });

  it('keeps the last known apps when a cluster becomes unreachable, aged by the clock', () => {
    const { store, clock, changes } = setup();
    const source = new FakeSource();
    store.connect(source);
    source.connection.fire({ cluster: 'prod', state: 'connecting' });
    source.connection.fire({ cluster: 'prod', state: 'ready', absentKinds: [], forbiddenNamespaces: [] });
    source.events.fire({ cluster: 'prod', events: [{ type: 'SYNC', kind: 'Application', objects: [A.ARGO2_SYNCED_HEALTHY] }] });
    const seen = clock.t;
    clock.t += 30_000;
    source.connection.fire({ cluster: 'prod', state: 'unreachable', error: { code: 'Unreachable', message: 'connect ECONNREFUSED 10.0.0.1:6443' } });
    clock.t += 60_000;
    source.connection.fire({ cluster: 'prod', state: 'unreachable', error: { code: 'Timeout', message: 'watch timed out' } });
    const st = store.status('prod');
    assert.equal(st.connection.phase, 'unreachable');
    assert.equal(st.connection.phase === 'unreachable' && st.connection.since, seen + 30_000, 'since is the start of the outage');
    assert.equal(st.connection.phase === 'unreachable' && st.connection.lastError.code, 'Timeout');
    assert.equal(st.staleForMs, 90_000);
    assert.ok(store.get(GUESTBOOK), 'apps are kept');
    assert.deepEqual(changes.at(-1), { added: [], updated: [], removed: [], clusters: ['prod'] });
    source.connection.fire({ cluster: 'prod', state: 'ready', absentKinds: [], forbiddenNamespaces: [] });
    assert.equal(store.status('prod').staleForMs, undefined);
  });

  it('records absent tools and forbidden namespaces', () => {
    const { store } = setup();
    const source = new FakeSource();
    store.connect(source);
    source.connection.fire({
      cluster: 'dev',
      state: 'ready',
      absentKinds: ['Application', 'ApplicationSet', 'AppProject', 'HelmRelease'],
      forbiddenNamespaces: ['kube-system'],
    });
    source.errors.fire({ cluster: 'dev', kind: undefined, error: { code: 'Forbidden', namespace: 'team-b', message: 'applications is forbidden' } });
    const st = store.status('dev');
    assert.deepEqual(st.absentTools, ['argocd']);
    assert.deepEqual(st.forbiddenNamespaces, ['kube-system', 'team-b']);
    assert.deepEqual(store.tools('dev'), ['flux']);
  });

  it('clears a stopped cluster', () => {
    const { store } = setup();
    store.apply('prod', { type: 'ADDED', kind: 'Application', object: A.ARGO2_SYNCED_HEALTHY });
    store.setConnection({ cluster: 'prod', state: 'stopped' });
    assert.equal(store.get(GUESTBOOK), undefined);
    assert.deepEqual(store.totals(), { apps: 0, synced: 0, outOfSync: 0, degraded: 0 });
  });

  it('totals count only enabled clusters and only apps', () => {
    const { store } = setup();
    store.apply('a', { type: 'SYNC', kind: 'Application', objects: [argoApp('x', 'OutOfSync'), argoApp('y', 'Synced', 'Degraded')] });
    store.apply('b', { type: 'SYNC', kind: 'Application', objects: [argoApp('z')] });
    store.apply('b', { type: 'SYNC', kind: 'AppProject', objects: [A.APP_PROJECT] });
    assert.deepEqual(store.totals(), { apps: 3, synced: 2, outOfSync: 1, degraded: 1 });
    store.setEnabled('a', false);
    assert.deepEqual(store.totals(), { apps: 1, synced: 1, outOfSync: 0, degraded: 0 });
    assert.deepEqual(store.status('b').totals, { apps: 1, synced: 1, outOfSync: 0, degraded: 0 });
  });

  it('answers tree queries: cluster → tool → project/namespace → app → resources, with filters', () => {
    const { store } = setup();
    store.applyAll('prod', [
      { type: 'SYNC', kind: 'Application', objects: [argoApp('web', 'Synced', 'Healthy', 'team-a'), argoApp('api', 'OutOfSync', 'Healthy', 'team-a'), argoApp('db', 'Synced', 'Degraded', 'team-b')] },
      { type: 'SYNC', kind: 'Kustomization', objects: [F.KS_READY, F.KS_SUSPENDED] },
      { type: 'SYNC', kind: 'HelmRelease', objects: [F.HR_UPGRADE_RETRYING] },
    ]);
    assert.deepEqual(store.clusterNames(), ['prod']);
    assert.deepEqual(store.tools('prod'), ['argocd', 'flux']);
    assert.deepEqual(store.groups('prod', 'argocd'), [
      { name: 'team-a', by: 'project', count: 2 },
      { name: 'team-b', by: 'project', count: 1 },
    ]);
    assert.deepEqual(store.groups('prod', 'flux').map((g) => [g.name, g.by, g.count]), [['apps', 'namespace', 1], ['flux-system', 'namespace', 2]]);
    assert.deepEqual(store.apps('prod', 'argocd', 'team-a').map((a) => a.name), ['api', 'web']);
    assert.deepEqual(store.apps('prod', 'argocd', 'team-a', { only: 'outOfSync' }).map((a) => a.name), ['api']);
    assert.deepEqual(store.groups('prod', 'argocd', { only: 'unhealthy' }), [{ name: 'team-b', by: 'project', count: 1 }]);
    assert.deepEqual(store.all({ only: 'unhealthy' }).map((a) => a.key), ['prod/argocd/Application/argocd/db', 'prod/flux/HelmRelease/apps/api']);
    assert.deepEqual(store.all({ text: 'PODINFO' }).map((a) => a.name), ['podinfo']);
    assert.deepEqual(store.all({ text: 'team-b' }).map((a) => a.name), ['db']);
    assert.equal(store.resources('prod/flux/Kustomization/flux-system/podinfo').length, 5);
    assert.deepEqual(store.apps('prod', 'flux', 'nope'), []);
  });

  it('moves an app between groups when its project changes', () => {
    const { store } = setup();
    store.apply('prod', { type: 'ADDED', kind: 'Application', object: argoApp('web', 'Synced', 'Healthy', 'team-a') });
    store.apply('prod', { type: 'MODIFIED', kind: 'Application', object: argoApp('web', 'Synced', 'Healthy', 'team-b') });
    assert.deepEqual(store.groups('prod', 'argocd').map((g) => g.name), ['team-b']);
  });

  it('a GitRepository arriving after its Kustomizations updates them, without reading any object again and leaving other apps alone', () => {
    const { store, changes } = setup();
    const reads = new Map<string, number>();
    const ksOf = (name: string, source: string) => {
      const o = structuredClone(F.KS_READY) as { metadata: { name: string; resourceVersion?: string }; spec: { sourceRef: { name: string } } };
      o.metadata.name = name;
      o.metadata.resourceVersion = String(++writes);
      o.spec.sourceRef.name = source;
      return counted(o, name, reads);
    };
    store.applyAll('prod', [
      { type: 'ADDED', kind: 'Kustomization', object: ksOf('a', 'fleet') },
      { type: 'ADDED', kind: 'Kustomization', object: ksOf('b', 'fleet') },
      { type: 'ADDED', kind: 'Kustomization', object: ksOf('c', 'other') },
    ]);
    const read = new Map(reads);
    assert.ok((read.get('a') ?? 0) > 0, 'the mapper reads spec');
    const KS = (n: string) => `prod/flux/Kustomization/flux-system/${n}`;
    const FLEET = 'prod/flux/GitRepository/flux-system/fleet';
    assert.match(store.get(KS('a'))!.sync.reason ?? '', /not observed/);

    const repo = (revision: string, updatedAt: string) => {
      const o = F.GIT_REPOSITORY(revision) as { metadata: { resourceVersion?: string }; status: { artifact: { lastUpdateTime: string } } };
      o.metadata.resourceVersion = String(++writes);
      o.status.artifact.lastUpdateTime = updatedAt;
      return o;
    };
    store.apply('prod', { type: 'ADDED', kind: 'GitRepository', object: repo(F.REV, '2025-05-04T09:58:00Z') });
    assert.deepEqual(store.get(KS('a'))!.sync, { status: 'Synced' });
    assert.deepEqual(store.get(KS('b'))!.sync, { status: 'Synced' });
    assert.match(store.get(KS('c'))!.sync.reason ?? '', /not observed/);
    assert.deepEqual(changes.at(-1), { added: [FLEET], updated: [KS('a'), KS('b')], removed: [], clusters: [] });

    // The source changed, its artifact did not (a newer lastUpdateTime): its Kustomizations stay as they are.
    store.apply('prod', { type: 'MODIFIED', kind: 'GitRepository', object: repo(F.REV, '2025-05-04T10:30:00Z') });
    assert.deepEqual(changes.at(-1), { added: [], updated: [FLEET], removed: [], clusters: [] });

    store.apply('prod', { type: 'MODIFIED', kind: 'GitRepository', object: repo(F.REV_NEW, '2025-05-04T11:00:00Z') });
    assert.equal(store.get(KS('a'))!.sync.status, 'OutOfSync');
    assert.equal(store.get(KS('a'))!.sources[0]?.targetRevision, F.REV_NEW);
    assert.deepEqual(changes.at(-1), { added: [], updated: [FLEET, KS('a'), KS('b')], removed: [], clusters: [] });
    assert.deepEqual(reads, read, 'the Kustomizations were joined with the new artifact from what was read of them');
  });

  it('does not map an object again at a resourceVersion it already mapped (a relist of unchanged objects)', () => {
    const { store, changes } = setup();
    const reads = new Map<string, number>();
    const objects = ['a', 'b', 'c'].map((n) => counted(argoApp(n), n, reads));
    store.apply('prod', { type: 'SYNC', kind: 'Application', objects });
    const read = new Map(reads);
    store.apply('prod', { type: 'SYNC', kind: 'Application', objects });
    assert.deepEqual(reads, read);
    assert.equal(changes.length, 1);
    // A new resourceVersion is mapped; unchanged content fires nothing.
    store.apply('prod', { type: 'MODIFIED', kind: 'Application', object: counted(argoApp('a'), 'a', reads) });
    assert.equal(reads.get('a'), 2 * (read.get('a') ?? 0));
    assert.equal(changes.length, 1);
  });

  it('holds no reference to the objects it mapped (only the apps and what re-mapping needs)', async () => {
    const { store } = setup();
    const refs: WeakRef<object>[] = [];
    (() => {
      const objects = [argoApp('a'), structuredClone(F.KS_READY) as object, F.HR_READY as object, structuredClone(F.GIT_REPOSITORY()) as object];
      const [app, ks, hr, repo] = objects as [object, object, object, object];
      const labelled = structuredClone(ks) as { metadata: { labels?: Record<string, string> } };
      labelled.metadata.labels = { team: 'a' };
      refs.push(new WeakRef(app), new WeakRef(labelled), new WeakRef(repo));
      store.applyAll('prod', [
        { type: 'ADDED', kind: 'Application', object: app },
        { type: 'ADDED', kind: 'Kustomization', object: labelled },
        { type: 'ADDED', kind: 'HelmRelease', object: hr },
        { type: 'ADDED', kind: 'GitRepository', object: repo },
      ]);
    })();
    await new Promise((r) => setTimeout(r, 10));
    fullGc();
    assert.deepEqual(
      refs.map((r) => r.deref() === undefined),
      [true, true, true],
    );
    assert.deepEqual(store.get('prod/flux/Kustomization/flux-system/podinfo')!.sync, { status: 'Synced' });
  });

  it('a SYNC of one namespace replaces the kind in that namespace only', () => {
    const { store } = setup();
    const inNs = (name: string, namespace: string) => ({ ...argoApp(name), metadata: { name, namespace, resourceVersion: String(++writes) } });
    store.apply('prod', { type: 'SYNC', kind: 'Application', objects: [inNs('a', 'team-a'), inNs('b', 'team-a'), inNs('c', 'team-b')] });
    store.apply('prod', { type: 'SYNC', kind: 'Application', namespace: 'team-a', objects: [inNs('b', 'team-a')] });
    assert.deepEqual(store.all().map((a) => a.key), ['prod/argocd/Application/team-a/b', 'prod/argocd/Application/team-b/c']);
  });

  it('keeps malformed objects visible as Unknown instead of dropping or throwing', () => {
    const { store } = setup();
    store.apply('prod', { type: 'ADDED', kind: 'Application', object: { metadata: { name: 'weird', namespace: 'argocd' }, status: 'corrupt' } });
    const app = store.get('prod/argocd/Application/argocd/weird');
    assert.equal(app?.sync.status, 'Unknown');
    assert.ok(app!.problems.length > 0);
  });
});
