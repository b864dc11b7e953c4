/**
 * Issue 16's bad input and faults, as a user meets them, against the Argo CD API stand-in (every
 * request and answer checked against Argo CD's swagger.json):
 * - a 403 names the missing RBAC permission in words, down to the few words a lens shows;
 * - Argo CD down: its apps stay as last known, the server row and the app tooltip say for how long.
 * (A cut stream resuming without a reload is in argocdApiSource.test.ts.)
 */
import * as assert from 'node:assert/strict';
import { ArgoCdManagedLive } from '../../../../src/core/argocd/api/managedLive';
import type { ArgoCdServerEntry } from '../../../../src/core/argocd/api/servers';
import { describeLiveReadFailure, liveReadFailure } from '../../../../src/core/kube/k8sFailure';
import { DisposableStore } from '../../../../src/core/lifecycle';
import { ArgoCdError } from '../../../../src/core/argocd/api/errors';
import type { ArgoCdTarget } from '../../../../src/core/argocd/api/endpoint';
import type { Clock } from '../../../../src/core/ports';
import { AppStore } from '../../../../src/core/store/appStore';
import { ArgoCdApiSource, k8sErrorOfArgoCd } from '../../../../src/infra/argocd/apiSource';
import { ArgoCdClient, appRefOf } from '../../../../src/infra/argocd/client';
import { serverStateText } from '../../../../src/vscode/argocd/serverText';
import { appTooltipMarkdown } from '../../../../src/vscode/views/tooltipMarkdown';
import { startArgoCdSim, type ArgoCdSim } from '../../../sim/argocd/argocd';
import { GUESTBOOK_APP, GUESTBOOK_MANAGED_RESOURCES } from '../../../fixtures/gitops/argocdApi';
import { recordingLogger } from '../../../support/fakes';
import { waitFor } from '../../../support/waitFor';

const clock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return { dispose: () => clearTimeout(t) };
  },
};

const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'guestbook', name: 'guestbook-ui' };

describe('Argo CD API faults, in the words a user reads (against the Argo CD simulator)', function () {
  this.timeout(30_000);
  let sim: ArgoCdSim;
  let scope: DisposableStore;
  let store: AppStore;
  let target: ArgoCdTarget;

  beforeEach(async () => {
    // status.controllerNamespace, as Argo CD 2.5+ records it: the RBAC object is then `project/name`.
    sim = await startArgoCdSim({ apps: [{ ...GUESTBOOK_APP, status: { ...(GUESTBOOK_APP.status as object), controllerNamespace: 'argocd' } }] });
    sim.server.setManagedResources('argocd', 'guestbook', GUESTBOOK_MANAGED_RESOURCES);
    target = { name: 'argo-prod', baseUrl: sim.url, insecure: false, certificateAuthority: sim.caPem, token: sim.token, grpcWeb: false };
    scope = new DisposableStore();
    store = scope.add(new AppStore(clock));
  });

  afterEach(async () => {
    scope.dispose();
    await sim.stop();
    assert.deepEqual(sim.server.violations, []);
  });

  /** Connects the store to the stand-in as the editor does (ArgoCdApiSource, fast backoff). */
  async function connect(token: string): Promise<void> {
    const source = scope.add(new ArgoCdApiSource({ target: () => ({ ...target, token }), clock, log: recordingLogger().logger, backoff: { initialMs: 50, maxMs: 200 } }));
    scope.add(store.connect(source));
    source.start('argocd:prod');
    await waitFor('ready', () => store.status('argocd:prod').connection.phase === 'ready');
  }

  it('403 on managed resources (RBAC changed after the app was listed): the lens says which permission is missing', async () => {
    sim.addToken('viewer', 'alice', [{ resource: 'applications', action: 'get', object: 'default/*' }]);
    await connect('viewer');
    const client = new ArgoCdClient({ ...target, token: 'viewer' });
    const live = new ArgoCdManagedLive({
      apps: (c) => store.all().filter((a) => a.cluster === c),
      read: (app) => client.managedResources(appRefOf(store.raw(app.key))!),
      errorOf: (err) => (err instanceof ArgoCdError ? k8sErrorOfArgoCd(err) : undefined),
    });
    assert.ok(await live.get('argocd:prod', DEPLOYMENT), 'read while allowed');

    // An admin narrows the role; the next app version reads managed resources again and is denied.
    sim.addToken('viewer', 'alice', [{ resource: 'applications', action: 'get', object: 'team-b/*' }]);
    sim.server.putApp({ ...sim.server.app('argocd', 'guestbook')!, status: { ...(sim.server.app('argocd', 'guestbook')!.status as object), reconciledAt: '2025-05-04T11:00:00Z' } });
    await waitFor('the app changed', () => store.all().some((a) => a.lastReconciled === '2025-05-04T11:00:00Z'));
    const err = await live.get('argocd:prod', DEPLOYMENT).then(() => undefined, (e: unknown) => e);
    assert.ok(err, 'denied');
    // The lens's short reason (drift/session.ts entryOfError → describeLiveReadFailure).
    assert.equal(describeLiveReadFailure(liveReadFailure(err)), 'forbidden: needs "get" on applications "default/guestbook"');
    // The full message: what to grant, and that Argo CD answers a missing app the same way.
    assert.match((err as Error).message, /argo-prod: reading the managed resources of "guestbook" was denied: your Argo CD account lacks the RBAC permission "get" on applications "default\/guestbook"/);
    assert.match((err as Error).message, /p, <your role>, applications, get, default\/guestbook, allow/);
    client.dispose();
  });

  it('Argo CD down: the apps stay as last known, and the row and tooltip say since when', async () => {
    await connect(sim.token);
    const before = store.all().map((a) => [a.name, a.sync.status, a.health.status]);
    await sim.down();
    await waitFor('unreachable', () => store.status('argocd:prod').connection.phase === 'unreachable');
    const status = store.status('argocd:prod');
    const connection = status.connection;
    assert.equal(connection.phase, 'unreachable');
    if (connection.phase !== 'unreachable') return;
    assert.deepEqual(store.all().map((a) => [a.name, a.sync.status, a.health.status]), before, 'last known state kept');
    const entry: ArgoCdServerEntry = { cluster: 'argocd:prod', name: 'argo-prod', origin: 'config', address: sim.url, target, token: 'config' };
    const threeMinLater = connection.since + 3 * 60_000;
    assert.equal(serverStateText(entry, connection, threeMinLater), 'unreachable since 3 min ago');
    const app = store.all().find((a) => a.name === 'guestbook')!;
    const tip = appTooltipMarkdown(app, connection, threeMinLater).replace(/\\(.)/g, '$1');
    assert.match(tip, /Cluster unreachable for 3 min; this is the last known state\./);
    assert.match(tip, /Sync: \*\*OutOfSync\*\*/);
    // A 403 or an expired login are said as such, not as "unreachable".
    assert.equal(serverStateText(entry, { ...connection, lastError: { code: 'Forbidden', message: 'x', namespace: undefined } }, threeMinLater), 'permission missing');
    assert.equal(serverStateText(entry, { ...connection, lastError: { code: 'Unauthorized', message: 'x' } }, threeMinLater), 'login needed');
  });
});
