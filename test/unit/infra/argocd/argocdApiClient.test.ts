/**
 * The Argo CD REST client against the Argo CD API simulator (test/sim/argocd), whose every request
 * and answer is checked against Argo CD's own OpenAPI description: reads, refresh, sync, resource tree,
 * managed resources, events, and each failure typed with words a user can act on.
 */
import * as assert from 'node:assert/strict';
import { ArgoCdError } from '../../../../src/core/argocd/api/errors';
import type { ArgoCdTarget } from '../../../../src/core/argocd/api/endpoint';
import { treeHealthEntries } from '../../../../src/core/argocd/api/resourceTree';
import { mapArgoApplication } from '../../../../src/core/argocd/application';
import { ArgoCdClient, appRefOf } from '../../../../src/infra/argocd/client';
import { startArgoCdSim, type ArgoCdSim } from '../../../sim/argocd/argocd';
import { APPLICATION_SET, APP_PROJECT, ARGO2_OUT_OF_SYNC_HEALTHY, ARGO2_SYNCED_HEALTHY, ARGO3_PROGRESSING } from '../../../fixtures/gitops/argocd';

type Obj = Record<string, unknown>;

async function rejection(p: Promise<unknown>): Promise<ArgoCdError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ArgoCdError, `expected an ArgoCdError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the call to fail');
}

/** A resource tree shaped like argocd-server's for a Deployment with its ReplicaSet and Pod. */
const FRONTEND_TREE: Obj = {
  nodes: [
    { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'frontend', name: 'web', uid: 'u-dep', resourceVersion: '812', createdAt: '2025-05-04T10:00:00Z', health: { status: 'Progressing', message: 'Waiting for rollout to finish: 1 of 3 updated replicas are available...' }, info: [{ name: 'Revision', value: 'Rev:4' }] },
    { group: 'apps', version: 'v1', kind: 'ReplicaSet', namespace: 'frontend', name: 'web-7d9c', uid: 'u-rs', resourceVersion: '813', parentRefs: [{ group: 'apps', kind: 'Deployment', namespace: 'frontend', name: 'web', uid: 'u-dep' }], health: { status: 'Progressing' } },
    { version: 'v1', kind: 'Pod', namespace: 'frontend', name: 'web-7d9c-x1', uid: 'u-pod', resourceVersion: '820', images: ['ghcr.io/acme/web:1.4.2'], parentRefs: [{ group: 'apps', kind: 'ReplicaSet', namespace: 'frontend', name: 'web-7d9c', uid: 'u-rs' }], health: { status: 'Degraded', message: 'ImagePullBackOff' }, info: [{ name: 'Status Reason', value: 'ImagePullBackOff' }] },
    // A managed Service Argo CD has not created yet: no uid, resourceVersion or creation time.
    { version: 'v1', kind: 'Service', namespace: 'frontend', name: 'web' },
  ],
};

describe('Argo CD API client (against the Argo CD simulator)', function () {
  this.timeout(30_000);
  let sim: ArgoCdSim;
  let client: ArgoCdClient;
  let target: ArgoCdTarget;

  before(async () => {
    sim = await startArgoCdSim({ apps: [ARGO2_SYNCED_HEALTHY as Obj, ARGO2_OUT_OF_SYNC_HEALTHY as Obj, ARGO3_PROGRESSING as Obj] });
    sim.server.putProject(APP_PROJECT as Obj);
    sim.server.putApplicationSet(APPLICATION_SET as Obj);
    sim.server.setTree('argocd', 'frontend', FRONTEND_TREE);
    target = { name: 'argo-prod', baseUrl: sim.url, insecure: false, certificateAuthority: sim.caPem, token: sim.token, grpcWeb: false };
    client = new ArgoCdClient(target);
  });

  after(async () => {
    client.dispose();
    await sim.stop();
  });

  afterEach(() => {
    assert.deepEqual(sim.server.violations, [], 'every request and answer matches Argo CD\'s OpenAPI description');
    sim.server.violations.length = 0;
  });

  it('lists applications with the list\'s resourceVersion, as argocd-server sends them (no apiVersion/kind)', async () => {
    const list = await client.listApplications();
    assert.deepEqual(list.items.map((a) => (a.metadata as Obj).name), ['billing', 'frontend', 'guestbook']);
    assert.ok(list.resourceVersion !== undefined && /^\d+$/.test(list.resourceVersion));
    assert.ok(list.items.every((a) => a.apiVersion === undefined && a.kind === undefined));
    const projects = await client.listProjects();
    assert.equal(projects.items.length, 1);
    const sets = await client.listApplicationSets();
    assert.equal(sets.items.length, 1);
  });

  it('refresh and hard refresh ask with ?refresh=normal|hard and return the app the controller re-stamped', async () => {
    const before = sim.server.app('argocd', 'guestbook')!;
    const refreshed = await client.refresh({ name: 'guestbook', namespace: 'argocd' });
    await client.refresh({ name: 'guestbook', namespace: 'argocd' }, true);
    assert.deepEqual(sim.server.refreshes.slice(-2), [{ app: 'argocd/guestbook', type: 'normal' }, { app: 'argocd/guestbook', type: 'hard' }]);
    assert.notEqual((refreshed.status as Obj).reconciledAt, (before.status as Obj).reconciledAt);
    assert.ok(Number((refreshed.metadata as Obj).resourceVersion) > Number((before.metadata as Obj).resourceVersion));
    const asked = sim.server.requests.filter((r) => r.path === '/api/v1/applications/guestbook').map((r) => r.query);
    assert.deepEqual(asked.slice(-2), ['?appNamespace=argocd&refresh=normal', '?appNamespace=argocd&refresh=hard']);
  });

  it('sync sends a revision and the prune flag as JSON, never local manifests', async () => {
    const app = await client.sync({ name: 'billing', namespace: 'argocd', project: 'default' }, { revision: 'v1.4.2', prune: true });
    const body = sim.server.syncs.at(-1)!;
    assert.deepEqual(body, { name: 'billing', appNamespace: 'argocd', revision: 'v1.4.2', prune: true });
    assert.ok(!('manifests' in body));
    assert.deepEqual((app.operation as Obj).sync, { revision: 'v1.4.2', prune: true });
    const bad = await rejection(client.sync({ name: 'billing', namespace: 'argocd' }, { revision: 'main; rm -rf', prune: false }));
    assert.equal(bad.code, 'InvalidName');
    assert.equal(sim.server.syncs.length, 1, 'nothing sent for a bad revision');
  });

  it('reads the resource tree: each managed resource\'s health as Argo CD computed it, children by parent', async () => {
    const tree = await client.resourceTree({ name: 'frontend', namespace: 'argocd' });
    assert.deepEqual(tree.problems, []);
    assert.equal(tree.nodes.length, 4);
    const pod = tree.nodes.find((n) => n.kind === 'Pod')!;
    assert.deepEqual(pod.health, { status: 'Degraded', message: 'ImagePullBackOff' });
    assert.deepEqual(pod.parents, [{ group: 'apps', kind: 'ReplicaSet', namespace: 'frontend', name: 'web-7d9c' }]);
    assert.deepEqual(pod.images, ['ghcr.io/acme/web:1.4.2']);
    const app = mapArgoApplication('argo-prod', sim.server.app('argocd', 'frontend'));
    assert.deepEqual(treeHealthEntries(app.resources, tree), [
      { status: 'Progressing', message: 'Waiting for rollout to finish: 1 of 3 updated replicas are available...' },
      { status: 'Missing', message: 'Resource has not been created' },
    ]);
  });

  it('fills per-resource health from the tree in a single app read, as argocd-server does for appTree apps (not in lists)', async () => {
    const one = await client.getApplication({ name: 'frontend', namespace: 'argocd' });
    const listed = (await client.listApplications()).items.find((a) => (a.metadata as Obj).name === 'frontend')!;
    const health = (a: Obj): unknown[] => ((a.status as Obj).resources as Obj[]).map((r) => r.health);
    assert.deepEqual(health(one), [{ status: 'Progressing', message: 'Waiting for rollout to finish: 1 of 3 updated replicas are available...' }, { status: 'Missing', message: 'Resource has not been created' }]);
    assert.deepEqual(health(listed), [undefined, undefined]);
  });

  it('follows the resource tree stream: the whole tree again on every change; a hidden app is a 403 on the stream', async () => {
    const ac = new AbortController();
    const trees: number[] = [];
    const done = client.watchResourceTree({ name: 'frontend', namespace: 'argocd' }, (t) => trees.push(t.nodes.length), ac.signal);
    while (trees.length < 1) await new Promise((r) => setTimeout(r, 10));
    sim.server.setTree('argocd', 'frontend', { nodes: (FRONTEND_TREE.nodes as Obj[]).slice(0, 2) });
    while (trees.length < 2) await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    await done;
    assert.deepEqual(trees, [4, 2]);
    sim.server.setTree('argocd', 'frontend', FRONTEND_TREE);

    sim.addToken('team-b-only', 'bob', [{ resource: 'applications', action: 'get', object: 'team-b/*' }]);
    const bob = new ArgoCdClient({ ...target, token: 'team-b-only' });
    const e = await rejection(bob.watchResourceTree({ name: 'frontend', namespace: 'argocd', project: 'team-a' }, () => undefined, new AbortController().signal));
    assert.equal(e.code, 'Forbidden');
    assert.match(e.message, /watching the resource tree of "frontend" was denied/);
    bob.dispose();
  });

  it('reaches apps in any namespace with appNamespace, and names that namespace in a denial', async () => {
    sim.server.putApp({ ...(ARGO2_SYNCED_HEALTHY as Obj), metadata: { name: 'guestbook', namespace: 'team-a-apps' } });
    try {
      const inNs = await client.listApplications({ appNamespace: 'team-a-apps' });
      assert.deepEqual(inNs.items.map((a) => `${String((a.metadata as Obj).namespace)}/${String((a.metadata as Obj).name)}`), ['team-a-apps/guestbook']);
      const one = await client.getApplication({ name: 'guestbook', namespace: 'team-a-apps' });
      assert.equal((one.metadata as Obj).namespace, 'team-a-apps');
      assert.equal(sim.server.requests.at(-1)?.query, '?appNamespace=team-a-apps');
      sim.addToken('argocd-ns-only', 'carol', [{ resource: 'applications', action: 'get', object: 'team-a/guestbook' }]);
      const carol = new ArgoCdClient({ ...target, token: 'argocd-ns-only' });
      const e = await rejection(carol.getApplication({ name: 'guestbook', namespace: 'team-a-apps', project: 'team-a', controllerNamespace: 'argocd' }));
      assert.deepEqual(e.permission, { resource: 'applications', action: 'get', object: 'team-a/team-a-apps/guestbook' });
      assert.ok((await carol.getApplication({ name: 'guestbook', namespace: 'argocd' })).metadata);
      carol.dispose();
    } finally {
      sim.server.deleteApp('team-a-apps', 'guestbook');
    }
  });

  it('reads managed resources: target, live, normalized live and predicted live states, "null" as none', async () => {
    const live = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'billing' }, spec: { replicas: 5 } };
    const target2 = { ...live, spec: { replicas: 3 } };
    sim.server.setManagedResources('argocd', 'billing', [
      { group: 'apps', kind: 'Deployment', namespace: 'billing', name: 'api', targetState: JSON.stringify(target2), liveState: JSON.stringify(live), normalizedLiveState: JSON.stringify(live), predictedLiveState: JSON.stringify(target2), modified: true },
      { kind: 'ConfigMap', namespace: 'billing', name: 'old', targetState: 'null', liveState: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'old' } }), modified: true },
    ]);
    const { items, problems } = await client.managedResources({ name: 'billing', namespace: 'argocd' });
    assert.deepEqual(problems, []);
    assert.deepEqual(items[0]?.normalizedLive, live);
    assert.deepEqual(items[0]?.target, target2);
    assert.deepEqual(items[0]?.predictedLive, target2);
    assert.equal(items[0]?.modified, true);
    assert.equal(items[1]?.target, undefined, '"null" target: to be pruned');
    assert.equal(items[1]?.live?.kind, 'ConfigMap');
  });

  it('reads the events of an application', async () => {
    sim.server.addEvent('argocd', 'guestbook', { type: 'Normal', reason: 'OperationStarted', message: 'admin initiated sync to main', count: 1, lastTimestamp: '2025-05-04T10:00:00Z', involvedObject: { kind: 'Application', name: 'guestbook', namespace: 'argocd' }, metadata: { name: 'guestbook.1' } });
    const events = await client.events({ name: 'guestbook', namespace: 'argocd' });
    assert.deepEqual(events.map((e) => [e.reason, e.message]), [['OperationStarted', 'admin initiated sync to main']]);
  });

  it('401: no login, an expired login and a rejected token are Unauthorized, the expired one marked so', async () => {
    const noToken = new ArgoCdClient({ ...target, token: undefined });
    const e1 = await rejection(noToken.listApplications());
    assert.equal(e1.code, 'Unauthorized');
    assert.match(e1.message, /needs a login; none is stored/);
    noToken.dispose();

    sim.addToken('old-token', 'alice', [{ resource: 'applications', action: 'get', object: '*' }]);
    sim.expireToken('old-token');
    const old = new ArgoCdClient({ ...target, token: 'old-token' });
    const e2 = await rejection(old.listApplications());
    assert.equal(e2.code, 'Unauthorized');
    assert.equal(e2.expired, true);
    assert.match(e2.message, /login has expired\. Log in again/);
    old.dispose();

    const wrong = new ArgoCdClient({ ...target, token: 'forged' });
    const e3 = await rejection(wrong.listApplications());
    assert.equal(e3.code, 'Unauthorized');
    assert.equal(e3.expired, false);
    assert.match(e3.message, /rejected the stored token/);
    assert.ok(!e3.message.includes('forged'), 'the token is not in the message');
    wrong.dispose();
  });

  it('403: says which RBAC permission is missing, in Argo CD\'s policy terms', async () => {
    sim.addToken('viewer', 'alice', [{ resource: 'applications', action: 'get', object: 'team-a/*' }]);
    const viewer = new ArgoCdClient({ ...target, token: 'viewer' });
    // Lists leave hidden apps out rather than fail.
    assert.equal((await viewer.listApplications()).items.length, 3);
    const ref = appRefOf(sim.server.app('argocd', 'billing'))!;
    const denied = await rejection(viewer.sync(ref, { revision: 'main', prune: false }));
    assert.equal(denied.code, 'Forbidden');
    assert.deepEqual(denied.permission, { resource: 'applications', action: 'sync', object: 'team-a/billing' });
    assert.match(denied.message, /syncing application "billing" to main was denied: your Argo CD account \(alice\) lacks the RBAC permission "sync" on applications "team-a\/billing"/);
    assert.match(denied.message, /p, <your role>, applications, sync, team-a\/billing, allow/);
    viewer.dispose();

    sim.addToken('other-project', 'bob', [{ resource: 'applications', action: 'get', object: 'team-b/*' }]);
    const bob = new ArgoCdClient({ ...target, token: 'other-project' });
    assert.equal((await bob.listApplications()).items.length, 0);
    const hidden = await rejection(bob.getApplication(appRefOf(sim.server.app('argocd', 'guestbook'))!));
    assert.equal(hidden.code, 'Forbidden');
    assert.match(hidden.message, /lacks the RBAC permission "get" on applications "team-a\/argocd\/guestbook".*same answer when the application does not exist/);
    bob.dispose();
  });

  it('TLS: an untrusted certificate fails with what to do; the config\'s authority or insecure: true get through', async () => {
    const untrusted = new ArgoCdClient({ ...target, certificateAuthority: undefined });
    const e = await rejection(untrusted.listApplications());
    assert.equal(e.code, 'Tls');
    assert.match(e.message, /self-signed certificate.*certificate-authority-data.*argocd login --insecure/);
    untrusted.dispose();
    const insecure = new ArgoCdClient({ ...target, certificateAuthority: undefined, insecure: true });
    assert.equal((await insecure.listApplications()).items.length, 3);
    insecure.dispose();
  });

  it('plain text: a token is sent over http only to this machine; to another host nothing is sent', async () => {
    const before = sim.server.requests.length;
    const remote = new ArgoCdClient({ ...target, baseUrl: 'http://argocd.example.com:80' });
    const e = await rejection(remote.listApplications());
    assert.equal(e.code, 'Insecure');
    assert.match(e.message, /does not send an Argo CD token over plain HTTP \(http:\/\/argocd\.example\.com\)/);
    remote.dispose();
    assert.equal(sim.server.requests.length, before);

    const plain = await startArgoCdSim({ plainText: true, apps: [ARGO2_SYNCED_HEALTHY as Obj] });
    const local = new ArgoCdClient({ name: 'local', baseUrl: plain.url, insecure: false, token: plain.token, grpcWeb: false });
    assert.equal((await local.listApplications()).items.length, 1);
    // TLS to a plain-text port: the hint says to log in with --plain-text.
    const tlsToPlain = new ArgoCdClient({ name: 'local', baseUrl: plain.url.replace('http:', 'https:'), insecure: false, token: plain.token, grpcWeb: false });
    const e2 = await rejection(tlsToPlain.listApplications());
    assert.equal(e2.code, 'Tls');
    assert.match(e2.message, /--plain-text/);
    local.dispose();
    tlsToPlain.dispose();
    await plain.stop();
  });

  it('a front that forwards only gRPC / gRPC-web is recognised and named', async () => {
    sim.server.setGrpcOnly(true);
    try {
      const grpcWeb = new ArgoCdClient({ ...target, grpcWeb: true });
      const e = await rejection(grpcWeb.listApplications());
      assert.equal(e.code, 'GrpcOnly');
      assert.match(e.message, /answered in gRPC \(application\/grpc\).*config uses grpc-web.*REST API \(\/api\/v1\)/);
      const ac = new AbortController();
      const s = await rejection(grpcWeb.watchApplications({}, () => undefined, ac.signal));
      assert.equal(s.code, 'GrpcOnly');
      grpcWeb.dispose();
    } finally {
      sim.server.setGrpcOnly(false);
    }
  });

  it('a server root path is honoured; without it the answer is named as not Argo CD', async () => {
    const rooted = await startArgoCdSim({ rootPath: '/argo-cd', apps: [ARGO2_SYNCED_HEALTHY as Obj] });
    const ok = new ArgoCdClient({ ...target, baseUrl: rooted.url, token: rooted.token });
    assert.equal((await ok.listApplications()).items.length, 1);
    assert.equal(rooted.server.requests.at(-1)?.path, '/api/v1/applications');
    const missing = new ArgoCdClient({ ...target, baseUrl: rooted.url.replace('/argo-cd', ''), token: rooted.token });
    const e = await rejection(missing.listApplications());
    assert.equal(e.code, 'NotArgoCd');
    assert.match(e.message, /answered 404 with a body that is not Argo CD's JSON.*root path/);
    ok.dispose();
    missing.dispose();
    await rooted.stop();
  });

  it('names become URL segments only after validation; nothing is sent for a bad one', async () => {
    const before = sim.server.requests.length;
    for (const name of ['..', '.', 'a/b', 'x%2F..', '']) {
      const e = await rejection(client.getApplication({ name, namespace: 'argocd' }));
      assert.equal(e.code, 'InvalidName', name);
    }
    const ns = await rejection(client.resourceTree({ name: 'guestbook', namespace: 'Bad_NS' }));
    assert.equal(ns.code, 'InvalidName');
    assert.equal(sim.server.requests.length, before);
  });

  it('answers over the size bound are refused, not read', async () => {
    const small = new ArgoCdClient(target, { maxResponseBytes: 1024, maxLineBytes: 1024, requestTimeoutMs: 10_000, connectTimeoutMs: 10_000 });
    const e = await rejection(small.listApplications());
    assert.equal(e.code, 'TooLarge');
    const ac = new AbortController();
    const s = await rejection(small.watchApplications({}, () => undefined, ac.signal));
    assert.equal(s.code, 'TooLarge');
    assert.match(s.message, /one event of the stream/);
    small.dispose();
  });

  it('a server that does not answer in time is a Timeout', async () => {
    sim.server.setLatency(1500);
    const slow = new ArgoCdClient(target, { maxResponseBytes: 1 << 20, maxLineBytes: 1 << 20, requestTimeoutMs: 300, connectTimeoutMs: 300 });
    try {
      const e = await rejection(slow.listApplications());
      assert.equal(e.code, 'Timeout');
    } finally {
      sim.server.setLatency(0);
      slow.dispose();
    }
  });
});
