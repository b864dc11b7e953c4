import * as assert from 'node:assert/strict';
import { mapArgoApplication } from '../../../../src/core/argocd/application';
import type { App } from '../../../../src/core/model/app';
import type { DesiredRenderer } from '../../../../src/core/render/types';
import { parseManifests } from '../../../../src/core/manifest/documents';
import { DriftSession, type DriftLens, type DriftSessionOptions } from '../../../../src/core/drift/session';
import { lensTitle } from '../../../../src/vscode/codelens/lensTitle';
import { locateDrift } from '../../../../src/vscode/codelens/driftFields';
import * as F from '../../../fixtures/gitops/argocd';
import { applyDefaults } from '../../../sim/k8s/semantics/defaults';
import type { KubeObject } from '../../../sim/k8s/types';
import { FakeReader, GUESTBOOK_SERVICE, guestbookConfigMapYaml, guestbookDeploymentYaml, liveOf, REMOTE, repoOf, ROOT, settle, uriOf } from '../../../support/driftFixtures';
import { recordingLogger } from '../../../support/fakes';

// The workspace is a clone of the repository the fixtures' Applications deploy (driftFixtures.ts).
const GUESTBOOK_FILE = `${ROOT}/apps/guestbook/guestbook.yaml`;
const BILLING_FILE = `${ROOT}/apps/billing/billing.yaml`;

const guestbookProd = mapArgoApplication('prod', F.ARGO2_SYNCED_HEALTHY);
const guestbookStaging = mapArgoApplication('staging', F.ARGO2_SYNCED_HEALTHY);
const billingProd = mapArgoApplication('prod', F.ARGO2_OUT_OF_SYNC_HEALTHY);

const DEPLOYMENT = guestbookDeploymentYaml({ revisionHistoryLimit: 3, containerPort: 80 });
const SERVICE = GUESTBOOK_SERVICE;
const CONFIGMAP = guestbookConfigMapYaml();
const GUESTBOOK_TEXT = `# guestbook, as Argo CD's example apps ship it\n${DEPLOYMENT}---\n${SERVICE}---\n${CONFIGMAP}`;

function setup(apps: readonly App[], reader = new FakeReader(), concurrency?: number, extra: Partial<DriftSessionOptions> = {}) {
  const log = recordingLogger();
  const changes: string[] = [];
  let needApps = 0;
  const results = new DriftSession({
    apps: () => apps,
    reader,
    repoOf,
    log: log.logger,
    needApps: () => (needApps += 1),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...extra,
  });
  results.onDidChange((uri) => changes.push(uri));
  const track = (fsPath: string, text: string) => results.track({ uri: uriOf(fsPath), fsPath, text });
  const titles = (fsPath: string) => results.lenses(uriOf(fsPath)).map((l) => `${l.documentIndex}@${l.line} ${lensTitle(l)}`);
  /** Tracks a file and waits for its lenses; `rendered` first lets an asynchronous renderer answer. */
  const open = async (fsPath: string, text: string, { rendered = false } = {}) => {
    track(fsPath, text);
    if (rendered) for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    await settle(results, uriOf(fsPath));
  };
  return { results, reader, log, changes, track, open, titles, needApps: () => needApps };
}

function guestbookLive(reader: FakeReader, cluster: string): void {
  reader.set(cluster, 'Deployment', 'guestbook', 'guestbook-ui', { obj: liveOf(DEPLOYMENT, 'guestbook') });
  reader.set(cluster, 'Service', 'guestbook', 'guestbook-ui', { obj: liveOf(SERVICE, 'guestbook') });
  reader.set(cluster, 'ConfigMap', 'guestbook', 'guestbook-config', { obj: liveOf(CONFIGMAP, 'guestbook') });
}

/** The live Deployment after someone scaled it to 3 and rolled image 0.3: two drifted fields. */
function scaledAndBumped(): Record<string, unknown> {
  return liveOf(DEPLOYMENT, 'guestbook', (o) => {
    const spec = o.spec as { replicas: number; template: { spec: { containers: Array<{ image: string }> } } };
    spec.replicas = 3;
    spec.template.spec.containers[0]!.image = 'gcr.io/heptio-images/ks-guestbook-demo:0.3';
  });
}

describe('core/drift/session DriftSession', () => {
  it('shows In sync against a defaulted live object and counts drifted fields', async () => {
    const s = setup([guestbookProd]);
    guestbookLive(s.reader, 'prod');
    s.reader.set('prod', 'Deployment', 'guestbook', 'guestbook-ui', { obj: scaledAndBumped() });
    s.reader.set('prod', 'ConfigMap', 'guestbook', 'guestbook-config', { obj: liveOf(CONFIGMAP, 'guestbook', (o) => (o.data = { LOG_LEVEL: 'debug' })) });
    await s.open(GUESTBOOK_FILE, GUESTBOOK_TEXT);
    // Lines: comment on 0, the Deployment from 1; the Service after the first `---`; the ConfigMap after the second.
    assert.deepEqual(s.titles(GUESTBOOK_FILE), ['0@1 Drift: 2 fields · prod', '1@20 In sync · prod', '2@30 Drift: 1 field · prod']);
    // The namespace comes from the Application's destination, as Argo CD applies it.
    assert.deepEqual([...s.reader.calls].sort(), ['prod ConfigMap guestbook/guestbook-config', 'prod Deployment guestbook/guestbook-ui', 'prod Service guestbook/guestbook-ui']);
    assert.ok(s.needApps() > 0);
  });

  it('shows Not in cluster on 404 and Unknown with a reason on 403, 500 and a network error', async () => {
    const s = setup([guestbookProd]);
    s.reader.set('prod', 'Deployment', 'guestbook', 'guestbook-ui', { status: 403 });
    s.reader.set('prod', 'Service', 'guestbook', 'guestbook-ui', { error: Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:6443'), { errno: -111 }) });
    s.reader.set('prod', 'ConfigMap', 'guestbook', 'guestbook-config', { status: 404 });
    await s.open(GUESTBOOK_FILE, GUESTBOOK_TEXT);
    assert.deepEqual(s.titles(GUESTBOOK_FILE), ['0@1 Unknown · prod (forbidden)', '1@20 Unknown · prod (unreachable)', '2@30 Not in cluster · prod']);
    assert.deepEqual(
      s.results.lenses(uriOf(GUESTBOOK_FILE)).map((l) => l.state),
      [{ kind: 'unknown', reason: 'forbidden' }, { kind: 'unknown', reason: 'unreachable' }, { kind: 'absent' }],
    );
    assert.ok(s.log.lines.some((l) => l.startsWith('debug [DriftSession][fetch] prod Deployment guestbook/guestbook-ui: forbidden')));
    s.reader.set('prod', 'Deployment', 'guestbook', 'guestbook-ui', { status: 500 });
    s.results.appsChanged({ added: [], updated: [guestbookProd.key], removed: [] });
    await settle(s.results, uriOf(GUESTBOOK_FILE));
    assert.equal(s.titles(GUESTBOOK_FILE)[0], '0@1 Unknown · prod (HTTP 500)');
  });

  it('shows Checking… until the read resolves, then fires onDidChange', async () => {
    const s = setup([guestbookProd]);
    guestbookLive(s.reader, 'prod');
    s.reader.hold = true;
    s.track(GUESTBOOK_FILE, GUESTBOOK_TEXT);
    assert.deepEqual(s.titles(GUESTBOOK_FILE), ['0@1 Checking… · prod', '1@20 Checking… · prod', '2@30 Checking… · prod']);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(s.titles(GUESTBOOK_FILE), ['0@1 Checking… · prod', '1@20 Checking… · prod', '2@30 Checking… · prod']);
    const before = s.changes.length;
    s.reader.release();
    await settle(s.results, uriOf(GUESTBOOK_FILE));
    assert.deepEqual(s.titles(GUESTBOOK_FILE), ['0@1 In sync · prod', '1@20 In sync · prod', '2@30 In sync · prod']);
    assert.ok(s.changes.length > before);
    assert.ok(s.changes.every((u) => u === uriOf(GUESTBOOK_FILE)));
  });

  it('re-diffs an edited document against the cached live object with no new GET', async () => {
    const s = setup([guestbookProd]);
    guestbookLive(s.reader, 'prod');
    await s.open(GUESTBOOK_FILE, GUESTBOOK_TEXT);
    const calls = s.reader.calls.length;
    assert.equal(calls, 3);
    s.track(GUESTBOOK_FILE, GUESTBOOK_TEXT.replace('replicas: 1', 'replicas: 2'));
    // Synchronous: the new state is there before any read could have happened.
    assert.deepEqual(s.titles(GUESTBOOK_FILE), ['0@1 Drift: 1 field · prod', '1@20 In sync · prod', '2@30 In sync · prod']);
    await new Promise((r) => setImmediate(r));
    assert.equal(s.reader.calls.length, calls);
    // An edit that moves documents down keeps each lens on its own document's first line.
    s.track(GUESTBOOK_FILE, `# one more comment line\n${GUESTBOOK_TEXT}`);
    assert.deepEqual(s.titles(GUESTBOOK_FILE), ['0@2 In sync · prod', '1@21 In sync · prod', '2@31 In sync · prod']);
    assert.equal(s.reader.calls.length, calls);
  });

  it('on an app change refetches the live objects of that app only, keeping the shown state meanwhile', async () => {
    const s = setup([guestbookProd, guestbookStaging, billingProd]);
    guestbookLive(s.reader, 'prod');
    guestbookLive(s.reader, 'staging');
    s.reader.set('prod', 'ConfigMap', 'billing', 'billing-flags', { obj: liveOf('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: billing-flags}\ndata: {a: "1"}\n', 'billing') });
    s.track(GUESTBOOK_FILE, GUESTBOOK_TEXT);
    s.track(BILLING_FILE, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: billing-flags}\ndata: {a: "1"}\n');
    await settle(s.results, uriOf(GUESTBOOK_FILE));
    await settle(s.results, uriOf(BILLING_FILE));
    // One lens per document and deploying cluster, prod before staging.
    assert.deepEqual(s.titles(GUESTBOOK_FILE), ['0@1 In sync · prod', '0@1 In sync · staging', '1@20 In sync · prod', '1@20 In sync · staging', '2@30 In sync · prod', '2@30 In sync · staging']);
    assert.deepEqual(s.titles(BILLING_FILE), ['0@0 In sync · prod']);
    assert.equal(s.reader.calls.length, 7);
    s.reader.calls.length = 0;
    s.reader.set('prod', 'Deployment', 'guestbook', 'guestbook-ui', { obj: liveOf(DEPLOYMENT, 'guestbook', (o) => ((o.spec as { replicas: number }).replicas = 5)) });
    s.reader.hold = true;
    s.results.appsChanged({ added: [], updated: [guestbookProd.key], removed: [] });
    assert.deepEqual(s.reader.calls.sort(), ['prod ConfigMap guestbook/guestbook-config', 'prod Deployment guestbook/guestbook-ui', 'prod Service guestbook/guestbook-ui']);
    assert.equal(s.titles(GUESTBOOK_FILE)[0], '0@1 In sync · prod', 'no flicker to Checking… while the refetch runs');
    s.reader.release();
    await settle(s.results, uriOf(GUESTBOOK_FILE));
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(s.titles(GUESTBOOK_FILE).slice(0, 2), ['0@1 Drift: 1 field · prod', '0@1 In sync · staging']);
    assert.equal(s.reader.calls.length, 3);
  });

  it('drops lenses of an app removed from the store, and adds them when it comes back', async () => {
    const apps: App[] = [guestbookProd, guestbookStaging];
    const s = setup(apps);
    guestbookLive(s.reader, 'prod');
    guestbookLive(s.reader, 'staging');
    await s.open(GUESTBOOK_FILE, CONFIGMAP);
    assert.deepEqual(s.titles(GUESTBOOK_FILE), ['0@0 In sync · prod', '0@0 In sync · staging']);
    apps.splice(1, 1);
    s.results.appsChanged({ added: [], updated: [], removed: [guestbookStaging.key] });
    assert.deepEqual(s.titles(GUESTBOOK_FILE), ['0@0 In sync · prod']);
    // No lens uses the staging object any more: it left the cache with its last lens.
    assert.equal(s.results.cachedLiveObjects(), 1);
    apps.push(guestbookStaging);
    s.reader.calls.length = 0;
    s.results.appsChanged({ added: [guestbookStaging.key], updated: [], removed: [] });
    assert.deepEqual(s.titles(GUESTBOOK_FILE), ['0@0 In sync · prod', '0@0 Checking… · staging']);
    await settle(s.results, uriOf(GUESTBOOK_FILE));
    assert.deepEqual(s.titles(GUESTBOOK_FILE), ['0@0 In sync · prod', '0@0 In sync · staging']);
    assert.deepEqual(s.reader.calls, ['staging ConfigMap guestbook/guestbook-config']);
  });

  it('forget drops the lenses and the live objects no open document needs', async () => {
    const s = setup([guestbookProd]);
    guestbookLive(s.reader, 'prod');
    const other = `${ROOT}/apps/guestbook/config.yaml`;
    s.track(GUESTBOOK_FILE, GUESTBOOK_TEXT);
    s.track(other, CONFIGMAP);
    await settle(s.results, uriOf(GUESTBOOK_FILE));
    await settle(s.results, uriOf(other));
    assert.equal(s.reader.calls.length, 3, 'the ConfigMap both files hold is read once');
    s.changes.length = 0;
    s.results.forget(uriOf(GUESTBOOK_FILE));
    assert.deepEqual(s.results.lenses(uriOf(GUESTBOOK_FILE)), []);
    assert.deepEqual(s.changes, [uriOf(GUESTBOOK_FILE)]);
    s.reader.calls.length = 0;
    s.track(GUESTBOOK_FILE, GUESTBOOK_TEXT);
    // Reopened: the Deployment and Service are read again; the ConfigMap stayed cached for the other file.
    assert.deepEqual(s.reader.calls.sort(), ['prod Deployment guestbook/guestbook-ui', 'prod Service guestbook/guestbook-ui']);
    assert.equal(s.titles(GUESTBOOK_FILE)[2], '2@30 In sync · prod');
    // Forgetting a document never tracked changes nothing and fires nothing.
    s.changes.length = 0;
    s.results.forget(uriOf(`${ROOT}/apps/guestbook/never.yaml`));
    assert.deepEqual(s.changes, []);
  });

  it('never runs more reads at once than the concurrency bound', async () => {
    const s = setup([guestbookProd], new FakeReader(), 2);
    const text = Array.from({ length: 10 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-${i}}\ndata: {i: "${i}"}\n`).join('---\n');
    for (let i = 0; i < 10; i++) s.reader.set('prod', 'ConfigMap', 'guestbook', `cm-${i}`, { obj: liveOf(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-${i}}\ndata: {i: "${i}"}\n`, 'guestbook') });
    s.reader.hold = true;
    s.track(GUESTBOOK_FILE, text);
    assert.equal(s.reader.calls.length, 2);
    assert.equal(s.reader.inFlight, 2);
    // Release one pair at a time: each finished read lets exactly one queued read start.
    for (let round = 0; round < 5; round++) {
      s.reader.release();
      s.reader.hold = true;
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      assert.ok(s.reader.inFlight <= 2);
    }
    s.reader.release();
    await settle(s.results, uriOf(GUESTBOOK_FILE));
    assert.equal(s.reader.maxInFlight, 2);
    assert.equal(s.reader.calls.length, 10);
    assert.equal(new Set(s.reader.calls).size, 10);
    assert.ok(s.titles(GUESTBOOK_FILE).every((t) => t.endsWith('In sync · prod')));
    // The default bound is 4.
    const d = setup([guestbookProd]);
    d.reader.hold = true;
    d.track(GUESTBOOK_FILE, text);
    assert.equal(d.reader.inFlight, 4);
    d.reader.release();
    await settle(d.results, uriOf(GUESTBOOK_FILE));
  });

  it('gives no lenses, and reads nothing, for documents no app deploys', async () => {
    const s = setup([guestbookProd, billingProd]);
    s.track(`${ROOT}/apps/unknown/deploy.yaml`, DEPLOYMENT);
    s.track('/elsewhere/not-a-repo/deploy.yaml', DEPLOYMENT);
    s.results.track({ uri: 'untitled:Untitled-1', fsPath: undefined, text: DEPLOYMENT });
    // Not Kubernetes objects at all (no kind / no name).
    s.track(`${ROOT}/apps/guestbook/values.yaml`, 'replicaCount: 2\nimage: {tag: "1.0"}\n');
    s.track(`${ROOT}/apps/guestbook/noname.yaml`, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n');
    await new Promise((r) => setImmediate(r));
    for (const uri of [uriOf(`${ROOT}/apps/unknown/deploy.yaml`), uriOf('/elsewhere/not-a-repo/deploy.yaml'), 'untitled:Untitled-1', uriOf(`${ROOT}/apps/guestbook/values.yaml`), uriOf(`${ROOT}/apps/guestbook/noname.yaml`)]) {
      assert.deepEqual(s.results.lenses(uri), [], uri);
    }
    assert.deepEqual(s.reader.calls, []);
    // Apps are needed only once a document could get lenses: the unknown path asked, the others did not.
    assert.equal(s.needApps(), 1);
  });

  it('keeps lenses on the other documents when one document of the file does not parse', async () => {
    const s = setup([guestbookProd]);
    guestbookLive(s.reader, 'prod');
    const broken = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: [unclosed\n  labels: {a: b\n';
    await s.open(GUESTBOOK_FILE, `${DEPLOYMENT}---\n${broken}---\n${CONFIGMAP}`);
    const lenses: readonly DriftLens[] = s.results.lenses(uriOf(GUESTBOOK_FILE));
    // Document 1 is the broken one: it keeps its index, so documents after it keep theirs.
    assert.deepEqual(
      lenses.map((l) => [l.documentIndex, l.line, lensTitle(l)]),
      [
        [0, 0, 'In sync · prod'],
        [2, 25, 'In sync · prod'],
      ],
    );
    assert.deepEqual([...s.reader.calls].sort(), ['prod ConfigMap guestbook/guestbook-config', 'prod Deployment guestbook/guestbook-ui']);
  });

  it('view shows both sides normalized, and says why the live side is missing', async () => {
    const s = setup([guestbookProd]);
    guestbookLive(s.reader, 'prod');
    s.reader.set('prod', 'Service', 'guestbook', 'guestbook-ui', { status: 404 });
    await s.open(GUESTBOOK_FILE, GUESTBOOK_TEXT);
    const dep = s.results.view(uriOf(GUESTBOOK_FILE), 0, 'prod');
    assert.ok(dep);
    assert.equal(dep.title, 'guestbook-ui (live prod ↔ desired)');
    assert.deepEqual(dep.ref, { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'guestbook', name: 'guestbook-ui' });
    assert.match(dep.desired, /namespace: guestbook/);
    assert.doesNotMatch(dep.live, /resourceVersion|uid:/, 'server-set metadata is normalized away');
    const svc = s.results.view(uriOf(GUESTBOOK_FILE), 1, 'prod');
    assert.equal(svc?.live, '# Service guestbook/guestbook-ui on prod: not in the cluster\n');
    assert.equal(s.results.view(uriOf(GUESTBOOK_FILE), 0, 'staging'), undefined);
  });

  it('details lists each lens with its live reference and the drifted fields as JSON Pointers', async () => {
    const s = setup([guestbookProd]);
    guestbookLive(s.reader, 'prod');
    s.reader.set('prod', 'Deployment', 'guestbook', 'guestbook-ui', { obj: scaledAndBumped() });
    await s.open(GUESTBOOK_FILE, GUESTBOOK_TEXT);
    const details = s.results.details(uriOf(GUESTBOOK_FILE));
    assert.equal(details.length, 3);
    const dep = details[0]!;
    assert.deepEqual(
      { documentIndex: dep.documentIndex, line: dep.line, cluster: dep.cluster, appKey: dep.appKey, ref: dep.ref, state: dep.state },
      { documentIndex: 0, line: 1, cluster: 'prod', appKey: guestbookProd.key, ref: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'guestbook', name: 'guestbook-ui' }, state: { kind: 'drift', fields: 2 } },
    );
    assert.deepEqual([...dep.changes].sort((a, b) => a.path.localeCompare(b.path)), [
      { path: '/spec/replicas', desired: 1, live: 3 },
      { path: '/spec/template/spec/containers/0/image', desired: 'gcr.io/heptio-images/ks-guestbook-demo:0.2', live: 'gcr.io/heptio-images/ks-guestbook-demo:0.3' },
    ]);
    assert.deepEqual(details[1]!.changes, []);
    assert.equal(details[1]!.state.kind, 'inSync');
    assert.deepEqual(s.results.details(uriOf(BILLING_FILE)), []);
  });

  it('details say who last set each drifted field, from the live object\'s managedFields (issue 17)', async () => {
    const s = setup([guestbookProd]);
    guestbookLive(s.reader, 'prod');
    const live = scaledAndBumped();
    // As the API server records them: Argo CD applied the spec; kubectl scale set replicas later.
    (live.metadata as Record<string, unknown>).managedFields = [
      { manager: 'argocd-controller', operation: 'Apply', apiVersion: 'apps/v1', time: '2026-03-03T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"guestbook-ui"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } } } },
      { manager: 'kubectl-scale', operation: 'Update', apiVersion: 'apps/v1', time: '2026-03-03T14:02:00Z', subresource: 'scale', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
    ];
    s.reader.set('prod', 'Deployment', 'guestbook', 'guestbook-ui', { obj: live });
    await s.open(GUESTBOOK_FILE, GUESTBOOK_TEXT);
    const dep = s.results.details(uriOf(GUESTBOOK_FILE))[0]!;
    const by = Object.fromEntries(dep.changes.map((c) => [c.path, c.attribution?.lastSetBy ? [c.attribution.lastSetBy.manager, c.attribution.lastSetBy.subresource ?? null, c.attribution.throughGit] : null]));
    assert.deepEqual(by, {
      '/spec/replicas': ['kubectl-scale', 'scale', false],
      '/spec/template/spec/containers/0/image': ['argocd-controller', null, true],
    });
  });

  it('details masks Secret values: changed values differ, none is in clear', async () => {
    const s = setup([guestbookProd]);
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ntype: Opaque\nstringData: {password: hunter2, user: admin}\n';
    s.reader.set('prod', 'Secret', 'guestbook', 'db', {
      obj: liveOf('apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ntype: Opaque\n', 'guestbook', (o) => (o.data = { password: Buffer.from('s3cret-live').toString('base64'), user: Buffer.from('admin').toString('base64') })),
    });
    await s.open(GUESTBOOK_FILE, secret);
    const [d] = s.results.details(uriOf(GUESTBOOK_FILE));
    assert.deepEqual(d?.state, { kind: 'drift', fields: 1 });
    assert.equal(d.changes.length, 1);
    const c = d.changes[0]!;
    // Where the document writes it: under stringData (the comparison folds it into data).
    assert.equal(c.path, '/stringData/password');
    assert.match(String(c.desired), /^\++$/);
    assert.match(String(c.live), /^\++$/);
    assert.notEqual(c.desired, c.live);
    const text = JSON.stringify(s.results.details(uriOf(GUESTBOOK_FILE)));
    for (const clear of ['hunter2', 's3cret-live', Buffer.from('hunter2').toString('base64'), Buffer.from('s3cret-live').toString('base64')]) assert.ok(!text.includes(clear), clear);
  });

  it('a key written under stringData is located at its own line; data keys stay under data', async () => {
    const s = setup([guestbookProd]);
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ntype: Opaque\ndata:\n  user: YWRtaW4=\nstringData:\n  password: hunter2\n';
    s.reader.set('prod', 'Secret', 'guestbook', 'db', {
      obj: liveOf('apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ntype: Opaque\n', 'guestbook', (o) => (o.data = { password: Buffer.from('s3cret-live').toString('base64'), user: Buffer.from('root').toString('base64') })),
    });
    await s.open(GUESTBOOK_FILE, secret);
    const details = s.results.details(uriOf(GUESTBOOK_FILE));
    assert.deepEqual(details[0]?.changes.map((c) => c.path).sort(), ['/data/user', '/stringData/password']);
    // The hover and gutter find both fields in the text: password on line 7, user on line 5 (not apiVersion on 0).
    const [located] = locateDrift(secret, details);
    assert.deepEqual(located?.fields.map((f) => [f.path, f.range.start.line, f.exact]).sort(), [['/data/user', 5, true], ['/stringData/password', 7, true]]);
  });

  it('the diff editor shows both sides in the document\'s key order, so one changed value is one changed line', async () => {
    const s = setup([guestbookProd]);
    // Written z, a, m; the API server answers its map keys sorted (a, m, z).
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: guestbook-config}\ndata:\n  zone: eu\n  app: guestbook\n  mode: prod\n';
    s.reader.set('prod', 'ConfigMap', 'guestbook', 'guestbook-config', {
      obj: liveOf('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: guestbook-config}\ndata: {app: guestbook, mode: dev, zone: eu}\n', 'guestbook'),
    });
    await s.open(GUESTBOOK_FILE, cm);
    const view = s.results.view(uriOf(GUESTBOOK_FILE), 0, 'prod');
    assert.ok(view);
    const dataLines = (yaml: string) => yaml.split('\n').filter((l) => l.startsWith('  ') && /^(  zone|  app|  mode):/.test(l));
    assert.deepEqual(dataLines(view.desired), ['  zone: eu', '  app: guestbook', '  mode: prod']);
    assert.deepEqual(dataLines(view.live), ['  zone: eu', '  app: guestbook', '  mode: dev']);
  });

  it('render: each document is compared as rendered, documents the build drops get no lens, a fallback is said', async () => {
    // A kustomize-like renderer: namePrefix "prod-" and namespace "shop" on every object; the Service
    // (document 1) is dropped, as a build drops a file that is only a patch.
    const kustomizeLike: DesiredRenderer = ({ text }) =>
      Promise.resolve({
        tool: 'kustomize',
        documents: parseManifests(text)
          .documents.filter((d) => d.index !== 1)
          .map((d) => {
            const o = structuredClone(d.value) as { metadata: { name: string; namespace?: string } };
            o.metadata.name = `prod-${o.metadata.name}`;
            o.metadata.namespace = 'shop';
            return { documentIndex: d.index, desired: o };
          }),
      });
    const s = setup([guestbookProd], new FakeReader(), undefined, { render: kustomizeLike });
    s.reader.set('prod', 'Deployment', 'shop', 'prod-guestbook-ui', { obj: liveOf(DEPLOYMENT.replace('name: guestbook-ui', 'name: prod-guestbook-ui'), 'shop') });
    s.reader.set('prod', 'ConfigMap', 'shop', 'prod-guestbook-config', { obj: liveOf(CONFIGMAP.replace('name: guestbook-config', 'name: prod-guestbook-config').replace('info', 'debug'), 'shop') });
    await s.open(GUESTBOOK_FILE, GUESTBOOK_TEXT);
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    await settle(s.results, uriOf(GUESTBOOK_FILE));
    assert.deepEqual(s.titles(GUESTBOOK_FILE), ['0@1 In sync · prod', '2@30 Drift: 1 field · prod']);
    assert.deepEqual(s.results.details(uriOf(GUESTBOOK_FILE)).map((d) => `${d.ref.namespace}/${d.ref.name}`), ['shop/prod-guestbook-ui', 'shop/prod-guestbook-config']);
    assert.deepEqual([...s.reader.calls].sort(), ['prod ConfigMap shop/prod-guestbook-config', 'prod Deployment shop/prod-guestbook-ui']);

    // Without the tool: the plain documents, and the lens says so.
    const plain: DesiredRenderer = () => Promise.resolve({ tool: 'kustomize', documents: [], fallback: 'kustomize not found: plain document' });
    const p = setup([guestbookProd], new FakeReader(), undefined, { render: plain });
    guestbookLive(p.reader, 'prod');
    await p.open(GUESTBOOK_FILE, GUESTBOOK_TEXT, { rendered: true });
    assert.deepEqual(p.titles(GUESTBOOK_FILE), [
      '0@1 In sync · prod (kustomize not found: plain document)',
      '1@20 In sync · prod (kustomize not found: plain document)',
      '2@30 In sync · prod (kustomize not found: plain document)',
    ]);
  });

  it('render: builds from the app folder, cancels a superseded render, keeps every generated object, and gives a template no lens', async () => {
    const calls: Array<{ root: string | undefined; signal: AbortSignal | undefined; text: string }> = [];
    // Two generated ConfigMaps on document 0 (as kustomize maps a generator's output to the
    // kustomization's document); the renderer answers once its caller's text is the newest.
    const generating: DesiredRenderer = ({ text, root, signal }) => {
      calls.push({ root, signal, text });
      return new Promise((resolve, reject) => {
        signal?.addEventListener('abort', () => reject(new Error('aborted')));
        setImmediate(() => {
          if (signal?.aborted) return;
          resolve({
            tool: 'kustomize',
            documents: ['a', 'b'].map((n) => ({
              documentIndex: 0,
              generatedBy: 'ConfigMapGenerator',
              desired: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `gen-${n}`, namespace: 'guestbook' }, data: { k: n } },
            })),
          });
        });
      });
    };
    const s = setup([guestbookProd], new FakeReader(), undefined, { render: generating });
    for (const n of ['a', 'b']) s.reader.set('prod', 'ConfigMap', 'guestbook', `gen-${n}`, { obj: liveOf(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gen-${n}\ndata:\n  k: ${n}\n`, 'guestbook') });
    s.track(GUESTBOOK_FILE, GUESTBOOK_TEXT);
    s.track(GUESTBOOK_FILE, GUESTBOOK_TEXT + '\n# edited\n');
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
    await settle(s.results, uriOf(GUESTBOOK_FILE));
    assert.equal(calls.length, 2);
    assert.equal(calls[0]?.signal?.aborted, true, 'the render of the older text is cancelled');
    assert.equal(calls[1]?.signal?.aborted, false);
    assert.equal(calls[1]?.root, `${ROOT}/apps/guestbook`, 'rendered from the folder the app deploys');
    assert.deepEqual(s.titles(GUESTBOOK_FILE), ['0@1 In sync · prod', '0@1 In sync · prod']);
    assert.deepEqual(s.results.details(uriOf(GUESTBOOK_FILE)).map((d) => d.ref.name), ['gen-a', 'gen-b']);

    // A Helm template without helm: there is no plain document to compare, so no lens at all.
    const helmless: DesiredRenderer = () => Promise.resolve({ tool: 'helm', documents: [], fallback: 'helm not found: templates not rendered', notPlainYaml: true });
    const h = setup([guestbookProd], new FakeReader(), undefined, { render: helmless });
    await h.open(GUESTBOOK_FILE, GUESTBOOK_TEXT, { rendered: true });
    assert.deepEqual(h.titles(GUESTBOOK_FILE), []);
  });

  it("an Application's compare-options choose the diff: ServerSideDiff=false is local whatever the setting, =true without the dry-run says so", async () => {
    const annotated = (options: string): App => {
      const obj = structuredClone(F.ARGO2_SYNCED_HEALTHY) as { metadata: { annotations?: Record<string, string> } };
      obj.metadata.annotations = { ...obj.metadata.annotations, 'argocd.argoproj.io/compare-options': options };
      return mapArgoApplication('prod', obj);
    };
    const liveDep = liveOf(DEPLOYMENT, 'guestbook', (o) => ((o.spec as { progressDeadlineSeconds: number }).progressDeadlineSeconds = 300));
    const asked: string[] = [];
    const predict = (cluster: string, desired: Record<string, unknown>) => {
      asked.push(cluster);
      return Promise.resolve(applyDefaults(structuredClone(desired) as unknown as KubeObject) as unknown as Record<string, unknown>);
    };
    // ServerSideDiff=false: Argo CD compares locally, so the lens does too although the dry-run is on.
    const local = setup([annotated('ServerSideDiff=false')], new FakeReader(), undefined, { predict });
    local.reader.set('prod', 'Deployment', 'guestbook', 'guestbook-ui', { obj: liveDep });
    await local.open(GUESTBOOK_FILE, DEPLOYMENT, { rendered: true });
    assert.deepEqual(local.titles(GUESTBOOK_FILE), ['0@0 In sync · prod']);
    assert.deepEqual(asked, [], 'no dry-run for an app that diffs locally');
    // ServerSideDiff=true and the dry-run on: predicted, as before.
    const server = setup([annotated(' ServerSideDiff=true ,IncludeMutationWebhook=true')], new FakeReader(), undefined, { predict });
    server.reader.set('prod', 'Deployment', 'guestbook', 'guestbook-ui', { obj: liveDep });
    await server.open(GUESTBOOK_FILE, DEPLOYMENT, { rendered: true });
    assert.deepEqual(server.titles(GUESTBOOK_FILE), ['0@0 Drift: 1 field · prod']);
    assert.deepEqual(asked, ['prod']);
    // ServerSideDiff=true and the dry-run off: compared locally, and the lens says why it may differ.
    const off = setup([annotated('ServerSideDiff=true')]);
    off.reader.set('prod', 'Deployment', 'guestbook', 'guestbook-ui', { obj: liveDep });
    await off.open(GUESTBOOK_FILE, DEPLOYMENT);
    const [lens] = off.results.lenses(uriOf(GUESTBOOK_FILE));
    assert.equal(lens?.state.kind, 'inSync');
    assert.match(lens?.note ?? '', /server-side \(ServerSideDiff=true\).*serverSideDryRun is off/);
    // Without the annotation, no note and no compare options on the app.
    assert.equal(guestbookProd.compareOptions, undefined);
  });

  it('an app read through Argo CD\'s API is never dry-run, whatever the setting, and its lens says so', async () => {
    // Live: progressDeadlineSeconds set to 300, which a dry-run (defaulting to 600) would call drift.
    const liveDep = liveOf(DEPLOYMENT, 'guestbook', (o) => ((o.spec as { progressDeadlineSeconds: number }).progressDeadlineSeconds = 300));
    const asked: string[] = [];
    const predict = (cluster: string, desired: Record<string, unknown>) => {
      asked.push(cluster);
      return Promise.resolve(applyDefaults(structuredClone(desired) as unknown as KubeObject) as unknown as Record<string, unknown>);
    };
    const viaApi = mapArgoApplication('argocd:prod', F.ARGO2_SYNCED_HEALTHY);
    // As composition.ts wires it: the Argo CD API servers' clusters are `argocd:<context>`.
    const s = setup([viaApi, guestbookProd], new FakeReader(), undefined, { predict, liveThroughApp: (c) => c.startsWith('argocd:') });
    s.reader.set('argocd:prod', 'Deployment', 'guestbook', 'guestbook-ui', { obj: liveDep });
    s.reader.set('prod', 'Deployment', 'guestbook', 'guestbook-ui', { obj: liveDep });
    await s.open(GUESTBOOK_FILE, DEPLOYMENT, { rendered: true });
    assert.deepEqual(asked, ['prod'], 'the dry-run goes to the kubeconfig context only, never to a cluster named argocd:<ctx>');
    const lenses = s.results.lenses(uriOf(GUESTBOOK_FILE));
    const api = lenses.find((l) => l.cluster === 'argocd:prod');
    const kube = lenses.find((l) => l.cluster === 'prod');
    assert.equal(api?.state.kind, 'inSync', 'compared with the live state as read (Argo CD\'s normalized one)');
    assert.match(api?.note ?? '', /no server-side dry-run: read through Argo CD's API/);
    assert.deepEqual(kube?.state, { kind: 'drift', fields: 1 }, 'the kubeconfig copy is still predicted');
    assert.doesNotMatch(kube?.note ?? '', /dry-run/);
  });

  it('predict: compares the server-side dry-run result with live, so a changed default is drift', async () => {
    // Live: someone set progressDeadlineSeconds to 300; the document does not set it. Against the
    // document that is a default (in sync); against the apply prediction (the simulator's defaulting,
    // 600) it is drift.
    const liveDep = liveOf(DEPLOYMENT, 'guestbook', (o) => ((o.spec as { progressDeadlineSeconds: number }).progressDeadlineSeconds = 300));
    const plain = setup([guestbookProd]);
    plain.reader.set('prod', 'Deployment', 'guestbook', 'guestbook-ui', { obj: liveDep });
    await plain.open(GUESTBOOK_FILE, DEPLOYMENT);
    assert.deepEqual(plain.titles(GUESTBOOK_FILE), ['0@0 In sync · prod']);

    const asked: string[] = [];
    const predict = (cluster: string, desired: Record<string, unknown>) => {
      asked.push(`${cluster} ${String((desired.metadata as { namespace?: string }).namespace)}`);
      return Promise.resolve(applyDefaults(structuredClone(desired) as unknown as KubeObject) as unknown as Record<string, unknown>);
    };
    const s = setup([guestbookProd], new FakeReader(), undefined, { predict });
    s.reader.set('prod', 'Deployment', 'guestbook', 'guestbook-ui', { obj: liveDep });
    await s.open(GUESTBOOK_FILE, DEPLOYMENT, { rendered: true });
    assert.deepEqual(s.titles(GUESTBOOK_FILE), ['0@0 Drift: 1 field · prod']);
    assert.deepEqual(s.results.details(uriOf(GUESTBOOK_FILE))[0]?.changes, [{ path: '/spec/progressDeadlineSeconds', desired: 600, live: 300 }]);
    assert.deepEqual(asked, ['prod guestbook']);
    // A failing dry-run is an Unknown lens with the reason.
    const f = setup([guestbookProd], new FakeReader(), undefined, { predict: () => Promise.reject(new Error('forbidden: dry-run needs patch')) });
    guestbookLive(f.reader, 'prod');
    await f.open(GUESTBOOK_FILE, CONFIGMAP, { rendered: true });
    assert.deepEqual(f.titles(GUESTBOOK_FILE), ['0@0 Unknown · prod (dry-run: forbidden: dry-run needs patch)']);
  });

  it('an app change while a read is in flight reads again and shows the newer answer', async () => {
    const s = setup([guestbookProd]);
    guestbookLive(s.reader, 'prod');
    s.reader.hold = true;
    s.track(GUESTBOOK_FILE, CONFIGMAP);
    assert.deepEqual(s.reader.calls, ['prod ConfigMap guestbook/guestbook-config']);
    // The app synced a change while the first GET is on its way; that GET may have seen the old object.
    s.results.appsChanged({ added: [], updated: [guestbookProd.key], removed: [] });
    s.reader.set('prod', 'ConfigMap', 'guestbook', 'guestbook-config', { obj: liveOf(CONFIGMAP, 'guestbook', (o) => (o.data = { LOG_LEVEL: 'debug' })) });
    s.reader.release();
    await settle(s.results, uriOf(GUESTBOOK_FILE));
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual(s.reader.calls, ['prod ConfigMap guestbook/guestbook-config', 'prod ConfigMap guestbook/guestbook-config']);
    assert.deepEqual(s.titles(GUESTBOOK_FILE), ['0@0 Drift: 1 field · prod']);
  });

  it('keeps no live object nobody uses: after forget (even with the read in flight) and after an edit removes a document', async () => {
    const s = setup([guestbookProd]);
    guestbookLive(s.reader, 'prod');
    s.reader.hold = true;
    s.track(GUESTBOOK_FILE, GUESTBOOK_TEXT);
    s.results.forget(uriOf(GUESTBOOK_FILE));
    s.reader.release();
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    assert.equal(s.results.cachedLiveObjects(), 0);
    await s.open(GUESTBOOK_FILE, GUESTBOOK_TEXT);
    assert.equal(s.results.cachedLiveObjects(), 3);
    s.track(GUESTBOOK_FILE, `${DEPLOYMENT}---\n${SERVICE}`);
    assert.equal(s.results.cachedLiveObjects(), 2);
    s.results.forget(uriOf(GUESTBOOK_FILE));
    assert.equal(s.results.cachedLiveObjects(), 0);
  });

  it('announces the reads of a batch once per document, not once per read', async () => {
    const s = setup([guestbookProd]);
    guestbookLive(s.reader, 'prod');
    s.track(GUESTBOOK_FILE, GUESTBOOK_TEXT);
    s.changes.length = 0;
    await settle(s.results, uriOf(GUESTBOOK_FILE));
    assert.deepEqual(s.changes, [uriOf(GUESTBOOK_FILE)]);
  });

  it('reads an Argo CD app\'s objects in its destination cluster, matched to a kubeconfig context by server URL', async () => {
    const remote = (server: string) => mapArgoApplication('argo-hub', { ...(F.ARGO2_SYNCED_HEALTHY as Record<string, unknown>), spec: { ...(F.ARGO2_SYNCED_HEALTHY as { spec: object }).spec, destination: { server, namespace: 'guestbook' } } });
    const contexts = () => [
      { name: 'argo-hub', server: 'https://hub.example.test:6443' },
      { name: 'prod-eu', server: 'https://10.0.0.5:6443/' },
    ];
    const s = setup([remote('https://10.0.0.5:6443')], new FakeReader(), undefined, { contexts });
    guestbookLive(s.reader, 'prod-eu');
    await s.open(GUESTBOOK_FILE, CONFIGMAP);
    assert.deepEqual(s.titles(GUESTBOOK_FILE), ['0@0 In sync · prod-eu']);
    assert.deepEqual(s.reader.calls, ['prod-eu ConfigMap guestbook/guestbook-config']);
    // A destination no context points at: Unknown with the reason, and nothing is read.
    const u = setup([remote('https://10.9.9.9:6443')], new FakeReader(), undefined, { contexts });
    await u.open(GUESTBOOK_FILE, CONFIGMAP);
    assert.deepEqual(u.titles(GUESTBOOK_FILE), ['0@0 Unknown · argo-hub (destination https://10.9.9.9:6443 not in kubeconfig)']);
    assert.deepEqual(u.reader.calls, []);
    // in-cluster (by URL, as the fixtures have it) is the app's own cluster.
    const i = setup([guestbookProd], new FakeReader(), undefined, { contexts });
    guestbookLive(i.reader, 'prod');
    await i.open(GUESTBOOK_FILE, CONFIGMAP);
    assert.deepEqual(i.titles(GUESTBOOK_FILE), ['0@0 In sync · prod']);
  });

  it('says when the workspace branch is not the one the app tracks, and how long ago an unreachable cluster was seen', async () => {
    const now = Date.parse('2026-11-23T10:04:30Z');
    const s = setup([guestbookProd], new FakeReader(), undefined, {
      repoOf: () => ({ root: ROOT, remotes: [REMOTE], branch: 'feat-x' }),
      lastSeen: (cluster) => (cluster === 'prod' ? Date.parse('2026-11-23T10:00:00Z') : undefined),
      clock: { now: () => now },
    });
    guestbookLive(s.reader, 'prod');
    s.reader.set('prod', 'Service', 'guestbook', 'guestbook-ui', { error: new Error('connect ETIMEDOUT') });
    await s.open(GUESTBOOK_FILE, GUESTBOOK_TEXT);
    assert.deepEqual(s.titles(GUESTBOOK_FILE), [
      '0@1 In sync · prod (app tracks main, you are on feat-x)',
      '1@20 Unknown · prod (unreachable, seen 4 min ago; app tracks main, you are on feat-x)',
      '2@30 In sync · prod (app tracks main, you are on feat-x)',
    ]);
  });

  it('ignores Argo CD\'s instance label only when Argo CD tracks by label', async () => {
    const withLabel = CONFIGMAP.replace('name: guestbook-config', 'name: guestbook-config\n  labels: {app.kubernetes.io/instance: my-release}');
    const byLabel = setup([guestbookProd]);
    byLabel.reader.set('prod', 'ConfigMap', 'guestbook', 'guestbook-config', { obj: liveOf(withLabel, 'guestbook', (o) => ((o.metadata as { labels: Record<string, string> }).labels['app.kubernetes.io/instance'] = 'guestbook')) });
    await byLabel.open(GUESTBOOK_FILE, withLabel);
    assert.deepEqual(byLabel.titles(GUESTBOOK_FILE), ['0@0 In sync · prod']);
    // Annotation tracking (Argo CD 3 default): the label is the user's, and a different value is drift.
    const byAnnotation = setup([guestbookProd]);
    byAnnotation.reader.set('prod', 'ConfigMap', 'guestbook', 'guestbook-config', {
      obj: liveOf(withLabel, 'guestbook', (o) => {
        const m = o.metadata as { labels: Record<string, string>; annotations?: Record<string, string> };
        m.labels['app.kubernetes.io/instance'] = 'guestbook';
        m.annotations = { 'argocd.argoproj.io/tracking-id': 'guestbook:/ConfigMap:guestbook/guestbook-config' };
      }),
    });
    await byAnnotation.open(GUESTBOOK_FILE, withLabel);
    assert.deepEqual(byAnnotation.titles(GUESTBOOK_FILE), ['0@0 Drift: 1 field · prod']);
  });

  it('lensTitle spells every state', () => {
    const t = (state: DriftLens['state']) => lensTitle({ state, cluster: 'prod-eu' });
    assert.equal(t({ kind: 'loading' }), 'Checking… · prod-eu');
    assert.equal(t({ kind: 'inSync' }), 'In sync · prod-eu');
    assert.equal(t({ kind: 'drift', fields: 1 }), 'Drift: 1 field · prod-eu');
    assert.equal(t({ kind: 'drift', fields: 3 }), 'Drift: 3 fields · prod-eu');
    assert.equal(t({ kind: 'absent' }), 'Not in cluster · prod-eu');
    assert.equal(t({ kind: 'unknown', reason: 'forbidden' }), 'Unknown · prod-eu (forbidden)');
    assert.equal(lensTitle({ state: { kind: 'inSync' }, cluster: 'prod', note: 'kustomize not found: plain document' }), 'In sync · prod (kustomize not found: plain document)');
    assert.equal(lensTitle({ state: { kind: 'unknown', reason: 'forbidden' }, cluster: 'prod', note: 'app tracks main, you are on feat-x' }), 'Unknown · prod (forbidden; app tracks main, you are on feat-x)');
  });
});
