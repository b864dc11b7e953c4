/**
 * ArgoCdApiSource (Argo CD apps through its API, as a ClusterSource) feeding the AppStore the editor
 * and the CLI use, against the Argo CD API simulator: list then stream, resume after a cut without a
 * reload, the server down and back (relisted, since Argo CD does not replay missed events), a login
 * that expires, and RBAC hiding apps.
 */
import * as assert from 'node:assert/strict';
import { DisposableStore } from '../../../../src/core/lifecycle';
import type { ArgoCdTarget } from '../../../../src/core/argocd/api/endpoint';
import type { Clock } from '../../../../src/core/ports';
import { AppStore, type AppStoreChange } from '../../../../src/core/store/appStore';
import { ArgoCdApiSource } from '../../../../src/infra/argocd/apiSource';
import { startArgoCdSim, type ArgoCdSim } from '../../../sim/argocd/argocd';
import { APPLICATION_SET, APP_PROJECT, ARGO2_OUT_OF_SYNC_HEALTHY, ARGO2_SYNCED_HEALTHY } from '../../../fixtures/gitops/argocd';
import { recordingLogger } from '../../../support/fakes';
import { waitFor } from '../../../support/waitFor';

type Obj = Record<string, unknown>;

const clock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return { dispose: () => clearTimeout(t) };
  },
};

function withStatus(app: Obj, status: Obj): Obj {
  return { ...app, status: { ...(app.status as Obj), ...status } };
}

describe('ArgoCdApiSource into AppStore (against the Argo CD simulator)', function () {
  this.timeout(30_000);
  let sim: ArgoCdSim;
  let scope: DisposableStore;
  let store: AppStore;
  let source: ArgoCdApiSource;
  let targets: Map<string, ArgoCdTarget>;
  const changes: AppStoreChange[] = [];

  beforeEach(async () => {
    sim = await startArgoCdSim({ apps: [ARGO2_SYNCED_HEALTHY as Obj, ARGO2_OUT_OF_SYNC_HEALTHY as Obj] });
    sim.server.putProject(APP_PROJECT as Obj);
    sim.server.putApplicationSet(APPLICATION_SET as Obj);
    scope = new DisposableStore();
    targets = new Map([['argo-prod', { name: 'argo-prod', baseUrl: sim.url, insecure: false, certificateAuthority: sim.caPem, token: sim.token, grpcWeb: false }]]);
    source = scope.add(new ArgoCdApiSource({ target: (c) => targets.get(c), clock, log: recordingLogger().logger, backoff: { initialMs: 50, maxMs: 200 } }));
    store = scope.add(new AppStore(clock));
    scope.add(store.connect(source));
    changes.length = 0;
    store.onDidChange((c) => changes.push(c), undefined, scope);
  });

  afterEach(async () => {
    scope.dispose();
    await sim.stop();
    assert.deepEqual(sim.server.violations, []);
  });

  const streamRequests = (): string[] => sim.server.requests.filter((r) => r.path === '/api/v1/stream/applications').map((r) => r.query);
  const listRequests = (): number => sim.server.requests.filter((r) => r.path === '/api/v1/applications').length;

  it('lists apps, projects and ApplicationSets, then streams changes from the list\'s resourceVersion', async () => {
    source.start('argo-prod');
    await waitFor('ready', () => store.status('argo-prod').connection.phase === 'ready');
    assert.deepEqual(store.all().map((a) => a.key), [
      'argo-prod/argocd/Application/argocd/billing',
      'argo-prod/argocd/Application/argocd/guestbook',
      'argo-prod/argocd/ApplicationSet/argocd/clusters',
      'argo-prod/argocd/AppProject/argocd/team-a',
    ]);
    assert.deepEqual(store.status('argo-prod').absentTools, ['flux']);
    await waitFor('the stream', () => sim.server.openStreams() === 1);
    assert.deepEqual(streamRequests(), [`?resourceVersion=${source.resourceVersion('argo-prod')}`]);

    const guestbook = sim.server.app('argocd', 'guestbook')!;
    sim.server.putApp(withStatus(guestbook, { health: { status: 'Degraded', message: 'Deployment "guestbook-ui" exceeded its progress deadline' } }));
    await waitFor('the change', () => store.get('argo-prod/argocd/Application/argocd/guestbook')?.health.status === 'Degraded');
    sim.server.deleteApp('argocd', 'billing');
    await waitFor('the deletion', () => store.get('argo-prod/argocd/Application/argocd/billing') === undefined);
    assert.equal(listRequests(), 1);
  });

  it('a cut stream resumes from the last resourceVersion at once, without listing again', async () => {
    source.start('argo-prod');
    await waitFor('the stream', () => sim.server.openStreams() === 1);
    const guestbook = sim.server.app('argocd', 'guestbook')!;
    sim.server.putApp(withStatus(guestbook, { sync: { status: 'OutOfSync', revision: 'abc' } }));
    await waitFor('the first change', () => store.get('argo-prod/argocd/Application/argocd/guestbook')?.sync.status === 'OutOfSync');
    const seen = source.resourceVersion('argo-prod');
    assert.equal(seen, (sim.server.app('argocd', 'guestbook')!.metadata as Obj).resourceVersion);

    sim.server.cutStreams();
    await waitFor('the stream reopened', () => streamRequests().length === 2 && sim.server.openStreams() === 1);
    assert.equal(streamRequests()[1], `?resourceVersion=${seen}`);
    assert.equal(listRequests(), 1, 'no reload');
    assert.equal(store.status('argo-prod').connection.phase, 'ready', 'never shown as unreachable');

    changes.length = 0;
    sim.server.putApp(withStatus(sim.server.app('argocd', 'guestbook')!, { sync: { status: 'Synced', revision: 'abc' } }));
    await waitFor('the change after the cut', () => store.get('argo-prod/argocd/Application/argocd/guestbook')?.sync.status === 'Synced');
    // Only the changed app: the resume re-sent nothing.
    assert.deepEqual(changes.flatMap((c) => [...c.added, ...c.updated, ...c.removed]), ['argo-prod/argocd/Application/argocd/guestbook']);
  });

  it('Argo CD down: unreachable with the last known apps kept; back up: listed afresh, catching what changed meanwhile', async () => {
    source.start('argo-prod');
    await waitFor('the stream', () => sim.server.openStreams() === 1);
    await sim.down();
    await waitFor('unreachable', () => store.status('argo-prod').connection.phase === 'unreachable');
    const status = store.status('argo-prod');
    assert.equal(status.totals.apps, 2, 'the last known apps stay');
    assert.ok(status.staleForMs !== undefined);
    assert.equal(source.lastError('argo-prod')?.code, 'Unreachable');

    // Changed while nobody listened: Argo CD would not replay this.
    sim.server.putApp(withStatus(sim.server.app('argocd', 'billing')!, { sync: { status: 'Synced' } }));
    await sim.up();
    await waitFor('ready again', () => store.status('argo-prod').connection.phase === 'ready');
    await waitFor('the missed change', () => store.get('argo-prod/argocd/Application/argocd/billing')?.sync.status === 'Synced');
    assert.equal(listRequests(), 2);
  });

  it('an expired login stops retrying until restarted with a new one', async () => {
    sim.addToken('short', 'alice', [{ resource: 'applications', action: 'get', object: '*' }]);
    targets.set('argo-prod', { ...targets.get('argo-prod')!, token: 'short' });
    sim.expireToken('short');
    source.start('argo-prod');
    await waitFor('unreachable', () => store.status('argo-prod').connection.phase === 'unreachable');
    const conn = store.status('argo-prod').connection;
    assert.equal(conn.phase === 'unreachable' ? conn.lastError.code : undefined, 'Unauthorized');
    assert.equal(source.lastError('argo-prod')?.expired, true);
    const asked = sim.server.requests.length;
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(sim.server.requests.length, asked, 'no retries with a login Argo CD refused');

    targets.set('argo-prod', { ...targets.get('argo-prod')!, token: sim.token });
    source.restart('argo-prod');
    await waitFor('ready with the new login', () => store.status('argo-prod').connection.phase === 'ready');
    assert.equal(store.status('argo-prod').totals.apps, 2);
  });

  it('shows only the apps the account may get, in lists and in the stream', async () => {
    sim.addToken('team-b', 'bob', [{ resource: 'applications', action: 'get', object: 'team-b/*' }]);
    targets.set('argo-prod', { ...targets.get('argo-prod')!, token: 'team-b' });
    source.start('argo-prod');
    await waitFor('ready', () => store.status('argo-prod').connection.phase === 'ready');
    await waitFor('the stream', () => sim.server.openStreams() === 1);
    assert.equal(store.status('argo-prod').totals.apps, 0);
    sim.server.putApp({ ...(ARGO2_SYNCED_HEALTHY as Obj), metadata: { name: 'payments', namespace: 'argocd' }, spec: { ...((ARGO2_SYNCED_HEALTHY as Obj).spec as Obj), project: 'team-b' } });
    sim.server.putApp(withStatus(sim.server.app('argocd', 'guestbook')!, { sync: { status: 'OutOfSync' } }));
    await waitFor('the visible app', () => store.get('argo-prod/argocd/Application/argocd/payments') !== undefined);
    assert.deepEqual(store.all().filter((a) => a.kind === 'Application').map((a) => a.name), ['payments']);
  });
});
