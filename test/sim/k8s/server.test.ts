/**
 * Unit tests of the API server simulator through plain fetch: store, CRUD and error statuses,
 * selectors, paging, resourceVersion semantics, watch/bookmarks/410, auth, faults and counts.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SimCluster } from './cluster';
import { startSimCluster } from './cluster';
import { call, cm, crdFixtures, watchEvents } from './testKit';

describe('k8s simulator: HTTP API', () => {
  let sim: SimCluster;
  beforeEach(async () => {
    sim = await startSimCluster({ seed: [crdFixtures()], bookmarkIntervalMs: 100 });
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('serves version, health and legacy + aggregated discovery', async () => {
    assert.equal((await call(sim, 'GET', '/version', { token: null })).body.gitVersion, 'v1.32.0');
    assert.equal((await call(sim, 'GET', '/readyz', { token: null })).body, 'ok');
    const legacy = await call(sim, 'GET', '/api/v1');
    const deployments = (await call(sim, 'GET', '/apis/apps/v1')).body.resources.find((r: { name: string }) => r.name === 'deployments');
    assert.deepEqual(deployments.shortNames, ['deploy']);
    assert.ok(legacy.body.resources.some((r: { name: string }) => r.name === 'pods/status'));
    const agg = await call(sim, 'GET', '/apis', { accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json' });
    assert.equal(agg.headers.get('content-type'), 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    const argo = agg.body.items.find((g: { metadata: { name: string } }) => g.metadata.name === 'argoproj.io');
    const apps = argo.versions[0].resources.find((r: { resource: string }) => r.resource === 'applications');
    assert.deepEqual(apps.shortNames, ['app', 'apps']);
    const beta = await call(sim, 'GET', '/api', { accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList' });
    assert.equal(beta.body.apiVersion, 'apidiscovery.k8s.io/v2beta1');
    assert.ok(beta.body.items[0].versions[0].resources.some((r: { resource: string }) => r.resource === 'configmaps'));
  });

  it('serves OpenAPI v3 documents with list markers and the fieldValidation parameter kubectl probes for', async () => {
    const index = await call(sim, 'GET', '/openapi/v3');
    const url = index.body.paths['apis/apps/v1'].serverRelativeURL as string;
    const doc = (await call(sim, 'GET', url)).body;
    const d = doc.components.schemas['io.k8s.api.apps.v1.Deployment'];
    const containers = d.properties.spec.properties.template.properties.spec.properties.containers;
    assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
    assert.deepEqual(containers.items.properties.ports['x-kubernetes-list-map-keys'], ['containerPort', 'protocol']);
    const patch = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    assert.ok(patch.parameters.some((p: { name: string }) => p.name === 'fieldValidation'));
    const argo = (await call(sim, 'GET', index.body.paths['apis/argoproj.io/v1alpha1'].serverRelativeURL)).body;
    assert.deepEqual(argo.components.schemas['io.argoproj.v1alpha1.Application']['x-kubernetes-group-version-kind'], [{ group: 'argoproj.io', kind: 'Application', version: 'v1alpha1' }]);
  });

  it('creates with server-set metadata, answers AlreadyExists, NotFound and Invalid like the real server', async () => {
    const created = await call(sim, 'POST', '/api/v1/namespaces/default/configmaps', { body: cm('a') });
    assert.equal(created.status, 201);
    assert.match(created.body.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.match(created.body.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const again = await call(sim, 'POST', '/api/v1/namespaces/default/configmaps', { body: cm('a') });
    assert.equal(again.status, 409);
    assert.equal(again.body.reason, 'AlreadyExists');
    assert.equal(again.body.message, 'configmaps "a" already exists');
    const missing = await call(sim, 'GET', '/apis/apps/v1/namespaces/default/deployments/x');
    assert.deepEqual([missing.status, missing.body.message, missing.body.details], [404, 'deployments.apps "x" not found', { name: 'x', group: 'apps', kind: 'deployments' }]);
    const noName = await call(sim, 'POST', '/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} } });
    assert.equal(noName.status, 422);
    assert.equal(noName.body.message, 'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required');
    const wrongKind = await call(sim, 'POST', '/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } } });
    assert.equal(wrongKind.status, 400);
    const noNs = await call(sim, 'POST', '/api/v1/namespaces/nope/configmaps', { body: cm('a', 'nope') });
    assert.deepEqual([noNs.status, noNs.body.message], [404, 'namespaces "nope" not found']);
    assert.equal((await call(sim, 'POST', '/api/v1/namespaces/default/configmaps/a', { body: cm('a') })).status, 405);
    const notProto = await call(sim, 'POST', '/api/v1/namespaces/default/configmaps', { body: 'x', contentType: 'application/vnd.kubernetes.protobuf' });
    assert.equal(notProto.status, 400);
    // runtime.Unknown{typeMeta{apiVersion: batch/v1, kind: Job}}: a kind the sim has no protobuf mapping for.
    const job = await call(sim, 'POST', '/apis/batch/v1/namespaces/default/jobs', { body: 'k8s\0\x0a\x0f\x0a\x08batch/v1\x12\x03Job', contentType: 'application/vnd.kubernetes.protobuf' });
    assert.equal(job.status, 415);
    const yaml = await call(sim, 'POST', '/api/v1/namespaces/default/configmaps', { body: 'x', contentType: 'text/plain' });
    assert.equal(yaml.status, 415);
    const badPatch = await call(sim, 'PATCH', '/apis/argoproj.io/v1alpha1/namespaces/default/applications/x', { body: '{}', contentType: 'application/strategic-merge-patch+json' });
    assert.equal(badPatch.status, 415);
    assert.equal(badPatch.body.reason, 'UnsupportedMediaType');
  });

  it('updates with optimistic concurrency, bumps generation on spec change only, deletes with a Status', async () => {
    const dep = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
    };
    const created = (await call(sim, 'POST', '/apis/apps/v1/namespaces/default/deployments', { body: dep })).body;
    assert.equal(created.metadata.generation, 1);
    const live = (await call(sim, 'GET', '/apis/apps/v1/namespaces/default/deployments/web')).body;
    assert.equal(live.status.readyReplicas, 2, 'the sim reports replicas ready');
    const relabel = await call(sim, 'PUT', '/apis/apps/v1/namespaces/default/deployments/web', { body: { ...live, metadata: { ...live.metadata, labels: { a: 'b' } } } });
    assert.equal(relabel.status, 200);
    assert.equal(relabel.body.metadata.generation, 1);
    assert.ok(Number(relabel.body.metadata.resourceVersion) > Number(live.metadata.resourceVersion));
    const stale = await call(sim, 'PUT', '/apis/apps/v1/namespaces/default/deployments/web', { body: live });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.message, 'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again');
    const cur = relabel.body;
    const scaled = await call(sim, 'PUT', '/apis/apps/v1/namespaces/default/deployments/web', { body: { ...cur, spec: { ...cur.spec, replicas: 4 } } });
    assert.equal(scaled.body.metadata.generation, 2);
    const noop = await call(sim, 'PUT', '/apis/apps/v1/namespaces/default/deployments/web', { body: scaled.body });
    assert.equal(noop.body.metadata.resourceVersion, scaled.body.metadata.resourceVersion, 'a no-op update is not persisted');
    const del = await call(sim, 'DELETE', '/apis/apps/v1/namespaces/default/deployments/web');
    assert.deepEqual([del.status, del.body.kind, del.body.status, del.body.details.name], [200, 'Status', 'Success', 'web']);
    assert.equal((await call(sim, 'DELETE', '/apis/apps/v1/namespaces/default/deployments/web')).status, 404);
  });

  it('serves the scale and status subresources', async () => {
    sim.objects.put({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'default' }, spec: { replicas: 1, selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } });
    const scale = await call(sim, 'GET', '/apis/apps/v1/namespaces/default/deployments/d/scale');
    assert.deepEqual([scale.body.kind, scale.body.apiVersion, scale.body.spec.replicas, scale.body.status.selector], ['Scale', 'autoscaling/v1', 1, 'app=d']);
    const patched = await call(sim, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/d/scale', { body: { spec: { replicas: 5 } }, contentType: 'application/merge-patch+json' });
    assert.equal(patched.body.spec.replicas, 5);
    assert.equal(sim.objects.get('apps/v1', 'Deployment', 'default', 'd')!.spec && (sim.objects.get('apps/v1', 'Deployment', 'default', 'd')!.spec as { replicas: number }).replicas, 5);
    // Main-resource writes cannot change status when a status subresource exists.
    const live = (await call(sim, 'GET', '/apis/apps/v1/namespaces/default/deployments/d')).body;
    const put = await call(sim, 'PUT', '/apis/apps/v1/namespaces/default/deployments/d', { body: { ...live, status: { replicas: 99 } } });
    assert.notEqual(put.body.status.replicas, 99);
    const st = await call(sim, 'PUT', '/apis/apps/v1/namespaces/default/deployments/d/status', { body: { ...live, spec: { ...live.spec, replicas: 0 }, status: { replicas: 99 } } });
    assert.equal(st.body.status.replicas, 99);
    assert.equal(st.body.spec.replicas, 5, 'status writes ignore spec');
  });

  it('allocates Service cluster IPs and applies built-in defaults', async () => {
    const svc = await call(sim, 'POST', '/api/v1/namespaces/default/services', { body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: { app: 's' }, ports: [{ port: 80 }] } } });
    assert.equal(svc.status, 201);
    assert.match(svc.body.spec.clusterIP, /^10\.96\.\d+\.\d+$/);
    assert.deepEqual(svc.body.spec.clusterIPs, [svc.body.spec.clusterIP]);
    assert.equal(svc.body.spec.ports[0].protocol, 'TCP');
  });

  it('filters by label and field selectors', async () => {
    sim.objects.put(cm('a', 'default', { tier: 'web', env: 'prod' }) as never);
    sim.objects.put(cm('b', 'default', { tier: 'db' }) as never);
    sim.objects.put(cm('c', 'kube-system') as never);
    const names = async (q: string): Promise<string[]> => (await call(sim, 'GET', `/api/v1/configmaps?${q}`)).body.items.map((i: { metadata: { name: string } }) => i.metadata.name);
    assert.deepEqual(await names('labelSelector=tier%3Dweb'), ['a']);
    assert.deepEqual(await names('labelSelector=tier%3D%3Dweb'), ['a']);
    assert.deepEqual(await names('labelSelector=tier!%3Dweb'), ['b', 'c']);
    assert.deepEqual(await names('labelSelector=tier%20in%20(web,db)'), ['a', 'b']);
    assert.deepEqual(await names('labelSelector=tier%20notin%20(web)'), ['b', 'c']);
    assert.deepEqual(await names('labelSelector=env'), ['a']);
    assert.deepEqual(await names('labelSelector=!env,tier'), ['b']);
    assert.deepEqual(await names('fieldSelector=metadata.namespace%3Dkube-system'), ['c']);
    assert.deepEqual(await names('fieldSelector=metadata.name!%3Da,metadata.namespace%3Ddefault'), ['b']);
    assert.equal((await call(sim, 'GET', '/api/v1/configmaps?fieldSelector=data.k%3Dv')).status, 400);
  });

  it('pages with limit/continue over a consistent snapshot and expires old continue tokens with 410', async () => {
    for (const n of ['a', 'b', 'c', 'd', 'e']) sim.objects.put(cm(n) as never);
    const p1 = (await call(sim, 'GET', '/api/v1/namespaces/default/configmaps?limit=2')).body;
    assert.deepEqual(p1.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['a', 'b']);
    assert.equal(p1.metadata.remainingItemCount, 3);
    sim.objects.put(cm('bb') as never); // created after the first page: not part of the snapshot
    const p2 = (await call(sim, 'GET', `/api/v1/namespaces/default/configmaps?limit=2&continue=${encodeURIComponent(p1.metadata.continue)}`)).body;
    assert.deepEqual(p2.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['c', 'd']);
    assert.equal(p2.metadata.resourceVersion, p1.metadata.resourceVersion);
    sim.faults.expireResourceVersions();
    const gone = await call(sim, 'GET', `/api/v1/namespaces/default/configmaps?limit=2&continue=${encodeURIComponent(p2.metadata.continue)}`);
    assert.equal(gone.status, 410);
    assert.equal(gone.body.reason, 'Expired');
  });

  it('lists at an exact resourceVersion and rejects too-old and too-new ones', async () => {
    sim.objects.put(cm('a') as never);
    const rv = (await call(sim, 'GET', '/api/v1/namespaces/default/configmaps')).body.metadata.resourceVersion;
    sim.objects.put(cm('b') as never);
    const exact = (await call(sim, 'GET', `/api/v1/namespaces/default/configmaps?resourceVersion=${rv}&resourceVersionMatch=Exact`)).body;
    assert.deepEqual(exact.items.map((i: { metadata: { name: string } }) => i.metadata.name), ['a']);
    const future = await call(sim, 'GET', `/api/v1/namespaces/default/configmaps?resourceVersion=${Number(rv) + 1000}`);
    assert.equal(future.status, 504);
    sim.faults.expireResourceVersions();
    const old = await call(sim, 'GET', `/api/v1/namespaces/default/configmaps?resourceVersion=${rv}&resourceVersionMatch=Exact`);
    assert.equal(old.status, 410);
  });

  it('watches from a resourceVersion with selector-aware events and periodic bookmarks', async () => {
    const list = (await call(sim, 'GET', '/api/v1/namespaces/default/configmaps')).body;
    const events = await watchEvents(sim, `/api/v1/namespaces/default/configmaps?watch=1&allowWatchBookmarks=true&labelSelector=w%3D1&resourceVersion=${list.metadata.resourceVersion}`,
      (ev) => ev.some((e) => e.type === 'DELETED') && ev.some((e) => e.type === 'BOOKMARK'), 5000, async () => {
        sim.objects.put(cm('x', 'default', { w: '1' }) as never);
        sim.objects.put(cm('y', 'default') as never);
        sim.objects.put(cm('x', 'default', { w: '2' }) as never); // leaves the selector → DELETED
      });
    const changes = events.filter((e) => e.type !== 'BOOKMARK').map((e) => `${e.type} ${e.object.metadata.name}`);
    assert.deepEqual(changes, ['ADDED x', 'DELETED x']);
    const bm = events.find((e) => e.type === 'BOOKMARK');
    assert.equal(bm.object.kind, 'ConfigMap');
    assert.ok(Number(bm.object.metadata.resourceVersion) >= Number(list.metadata.resourceVersion));
  });

  it('answers a watch from an expired resourceVersion with a 410 ERROR event, and sends initial events on request', async () => {
    sim.objects.put(cm('a') as never);
    const rv = sim.objects.get('v1', 'ConfigMap', 'default', 'a')!.metadata.resourceVersion;
    sim.objects.put(cm('b') as never);
    sim.faults.expireResourceVersions();
    const ev = await watchEvents(sim, `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`, () => false);
    assert.equal(ev.length, 1);
    assert.deepEqual([ev[0].type, ev[0].object.code, ev[0].object.reason], ['ERROR', 410, 'Expired']);
    const initial = await watchEvents(sim, '/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true', (e) => e.some((x) => x.type === 'BOOKMARK'));
    assert.deepEqual(initial.map((e) => e.type), ['ADDED', 'ADDED', 'BOOKMARK']);
    assert.equal(initial[2].object.metadata.annotations['k8s.io/initial-events-end'], 'true');
  });

  it('ends watches on cutWatches and honours timeoutSeconds', async () => {
    const started = Date.now();
    const ev = await watchEvents(sim, '/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=1', () => false, 5000, () => {
      setTimeout(() => sim.faults.cutWatches(), 100);
    });
    assert.deepEqual(ev, []);
    assert.ok(Date.now() - started < 3000, 'the stream ended when cut');
    const t0 = Date.now();
    await watchEvents(sim, '/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=1', () => false, 5000);
    assert.ok(Date.now() - t0 >= 900 && Date.now() - t0 < 3000);
  });

  it('renders Table output with built-in and CRD printer columns', async () => {
    sim.objects.put({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'guestbook', namespace: 'argocd' }, spec: { project: 'default' }, status: { sync: { status: 'Synced', revision: 'abc' }, health: { status: 'Healthy' } } });
    const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
    const t = await call(sim, 'GET', '/apis/argoproj.io/v1alpha1/applications', { accept });
    assert.equal(t.body.kind, 'Table');
    assert.deepEqual(t.body.columnDefinitions.map((c: { name: string }) => c.name), ['Name', 'Sync Status', 'Health Status', 'Revision', 'Project']);
    assert.deepEqual(t.body.rows[0].cells, ['guestbook', 'Synced', 'Healthy', 'abc', 'default']);
    assert.equal(t.body.rows[0].object.kind, 'PartialObjectMetadata');
    sim.objects.put({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'apps', namespace: 'flux-system' }, spec: {}, status: { conditions: [{ type: 'Ready', status: 'True', message: 'Applied revision: main@sha1:1' }] } });
    const k = await call(sim, 'GET', '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations', { accept });
    assert.deepEqual(k.body.rows[0].cells.slice(2), ['True', 'Applied revision: main@sha1:1']);
    assert.match(k.body.rows[0].cells[1], /^\d+s$/);
    sim.objects.put({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'c', image: 'nginx' }] } } } });
    const d = await call(sim, 'GET', '/apis/apps/v1/namespaces/default/deployments', { accept });
    assert.deepEqual(d.body.columnDefinitions.filter((c: { priority: number }) => c.priority === 0).map((c: { name: string }) => c.name), ['Name', 'Ready', 'Up-to-date', 'Available', 'Age']);
    assert.deepEqual(d.body.rows[0].cells.slice(0, 4), ['web', '3/3', 3, 3]);
  });

  it('authenticates bearer tokens and authorizes by rules with the real Forbidden message', async () => {
    assert.equal((await call(sim, 'GET', '/api/v1/namespaces', { token: null })).status, 401);
    assert.equal((await call(sim, 'GET', '/api/v1/namespaces', { token: 'nope' })).body.reason, 'Unauthorized');
    sim.addToken('viewer', [{ verbs: ['get', 'list', 'watch'], apiGroups: ['argoproj.io'], resources: ['applications'], namespaces: ['argocd'] }], 'system:serviceaccount:argocd:viewer');
    assert.equal((await call(sim, 'GET', '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications', { token: 'viewer' })).status, 200);
    const f = await call(sim, 'GET', '/apis/apps/v1/namespaces/x/deployments', { token: 'viewer' });
    assert.equal(f.status, 403);
    assert.equal(f.body.message, 'deployments.apps is forbidden: User "system:serviceaccount:argocd:viewer" cannot list resource "deployments" in API group "apps" in the namespace "x"');
    const cluster = await call(sim, 'GET', '/apis/argoproj.io/v1alpha1/applications', { token: 'viewer' });
    assert.match(cluster.body.message, /cannot list resource "applications" in API group "argoproj.io" at the cluster scope$/);
    const del = await call(sim, 'DELETE', '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/a', { token: 'viewer' });
    assert.match(del.body.message, /^applications.argoproj.io "a" is forbidden: .* cannot delete resource "applications"/);
    assert.equal((await call(sim, 'GET', '/apis', { token: 'viewer' })).status, 200, 'discovery is open to every authenticated user');
  });

  it('counts requests per verb and resource, also at /sim/counts without credentials', async () => {
    sim.counts.reset();
    await call(sim, 'GET', '/apis/argoproj.io/v1alpha1/applications');
    await call(sim, 'GET', '/apis/argoproj.io/v1alpha1/applications');
    await call(sim, 'GET', '/apis');
    await call(sim, 'GET', '/openapi/v3');
    const snap = sim.counts.snapshot();
    assert.equal(snap.list, 2);
    assert.equal(snap['list argoproj.io/applications'], 2);
    assert.equal(snap.discovery, 1);
    assert.equal(snap.openapi, 1);
    assert.deepEqual((await call(sim, 'GET', '/sim/counts', { token: null })).body, snap);
  });

  it('takes watch cuts and resourceVersion expiry over HTTP too, for tests in another process', async () => {
    const list = await call(sim, 'GET', '/api/v1/namespaces');
    const rv = (list.body.metadata as { resourceVersion: string }).resourceVersion;
    assert.equal((await call(sim, 'POST', '/sim/faults/expire-resource-versions', { token: null })).status, 200);
    const gone = await call(sim, 'GET', `/api/v1/namespaces?resourceVersion=${rv}&resourceVersionMatch=Exact`);
    assert.equal(gone.status, 410);
    assert.equal((await call(sim, 'POST', '/sim/faults/cut-watches', { token: null })).status, 200);
  });

  it('injects latency, failures, and goes down and up on the same port keeping data', async () => {
    sim.objects.put(cm('keep') as never);
    sim.faults.setLatency(200);
    const t0 = Date.now();
    await call(sim, 'GET', '/api/v1/namespaces');
    assert.ok(Date.now() - t0 >= 190);
    sim.faults.setFailureRate(1, 503);
    assert.equal((await call(sim, 'GET', '/api/v1/namespaces')).status, 503);
    sim.faults.clear();
    assert.equal((await call(sim, 'GET', '/api/v1/namespaces')).status, 200);
    await sim.down();
    await assert.rejects(fetch(sim.url + '/version'));
    await sim.up();
    assert.equal((await call(sim, 'GET', '/api/v1/namespaces/default/configmaps/keep')).status, 200);
  });

  it('registers CRDs created through the API and drops their objects when deleted', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
      spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'] }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }] },
    };
    assert.equal((await call(sim, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: crd })).status, 201);
    const w = await call(sim, 'POST', '/apis/example.com/v1/namespaces/default/widgets', { body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 1 } } });
    assert.equal(w.status, 201);
    assert.equal(w.body.metadata.generation, 1);
    const noRv = await call(sim, 'PUT', '/apis/example.com/v1/namespaces/default/widgets/w1', { body: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 2 } } });
    assert.equal(noRv.status, 422, 'custom resources need a resourceVersion on update');
    await call(sim, 'DELETE', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com');
    assert.equal((await call(sim, 'GET', '/apis/example.com/v1/namespaces/default/widgets')).status, 404);
  });

  it('serves every version of a multi-version CRD from one storage and prefers the highest-priority version', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'gadgets.example.com' },
      spec: {
        group: 'example.com', scope: 'Namespaced', names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
        versions: ['v1alpha1', 'v1', 'v1beta2'].map((name) => ({ name, served: true, storage: name === 'v1', schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } })),
      },
    };
    sim.objects.put(crd as never);
    const group = (await call(sim, 'GET', '/apis/example.com')).body;
    assert.deepEqual([group.preferredVersion.version, group.versions.map((v: { version: string }) => v.version)], ['v1', ['v1', 'v1beta2', 'v1alpha1']]);
    await call(sim, 'POST', '/apis/example.com/v1alpha1/namespaces/default/gadgets', { body: { apiVersion: 'example.com/v1alpha1', kind: 'Gadget', metadata: { name: 'g' } } });
    assert.equal((await call(sim, 'GET', '/apis/example.com/v1/namespaces/default/gadgets/g')).body.apiVersion, 'example.com/v1');
    assert.equal(sim.objects.list('example.com/v1beta2', 'Gadget')[0]!.apiVersion, 'example.com/v1beta2');
  });

  it('serves only the served versions of a CRD and warns on deprecated ones, as kube-apiserver does', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'gizmos.example.com' },
      spec: {
        group: 'example.com', scope: 'Namespaced', names: { plural: 'gizmos', singular: 'gizmo', kind: 'Gizmo' },
        versions: [
          { name: 'v2', served: true, storage: true },
          { name: 'v2beta2', served: true, storage: false, deprecated: true, deprecationWarning: 'v2beta2 Gizmo is deprecated, upgrade to v2' },
          { name: 'v2beta1', served: true, storage: false, deprecated: true },
          { name: 'v1', served: false, storage: false },
        ].map((v) => ({ ...v, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } })),
      },
    };
    sim.objects.put(crd as never);
    const v2 = await call(sim, 'GET', '/apis/example.com/v2/namespaces/default/gizmos');
    assert.equal(v2.status, 200);
    assert.equal(v2.headers.get('warning'), null);
    assert.equal((await call(sim, 'GET', '/apis/example.com/v2beta2/namespaces/default/gizmos')).headers.get('warning'), '299 - "v2beta2 Gizmo is deprecated, upgrade to v2"');
    assert.equal((await call(sim, 'GET', '/apis/example.com/v2beta1/namespaces/default/gizmos')).headers.get('warning'), '299 - "example.com/v2beta1 Gizmo is deprecated"');
    assert.equal((await call(sim, 'GET', '/apis/example.com/v1/namespaces/default/gizmos')).status, 404, 'served: false is not served');
    const group = (await call(sim, 'GET', '/apis/example.com')).body;
    assert.ok(!group.versions.some((v: { version: string }) => v.version === 'v1'));
  });

  it('keeps finalized objects until their finalizers are removed', async () => {
    sim.objects.put({ ...cm('f'), metadata: { name: 'f', namespace: 'default', finalizers: ['example.com/hold'] } } as never);
    const del = await call(sim, 'DELETE', '/api/v1/namespaces/default/configmaps/f');
    assert.ok(del.body.metadata.deletionTimestamp);
    const live = (await call(sim, 'GET', '/api/v1/namespaces/default/configmaps/f')).body;
    await call(sim, 'PUT', '/api/v1/namespaces/default/configmaps/f', { body: { ...live, metadata: { ...live.metadata, finalizers: [] } } });
    assert.equal((await call(sim, 'GET', '/api/v1/namespaces/default/configmaps/f')).status, 404);
  });
});

describe('k8s simulator: in-process objects and seeding', () => {
  it('seeds nested multi-document YAML, keeps seeded status, creates referenced namespaces and notifies listeners', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-seed-'));
    fs.mkdirSync(path.join(dir, 'a', 'b'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'a', 'b', 'apps.yaml'), [
      'apiVersion: argoproj.io/v1alpha1', 'kind: Application', 'metadata: {name: one, namespace: argocd}', 'spec: {project: default}', 'status: {sync: {status: OutOfSync}}',
      '---', 'apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: c, namespace: team-a}', '',
    ].join('\n'));
    const sim = await startSimCluster({ seed: [crdFixtures(), dir] });
    try {
      const app = sim.objects.get('argoproj.io/v1alpha1', 'Application', 'argocd', 'one')!;
      assert.deepEqual(app.status, { sync: { status: 'OutOfSync' } });
      assert.ok(sim.objects.get('v1', 'Namespace', undefined, 'team-a'));
      const seen: string[] = [];
      const sub = sim.objects.onDidChange((e) => seen.push(`${e.type} ${e.object.kind} ${e.object.metadata.name}`));
      const patched = sim.objects.patchStatus('argoproj.io/v1alpha1', 'Application', 'argocd', 'one', { health: { status: 'Healthy' } });
      assert.deepEqual(patched.status, { sync: { status: 'OutOfSync' }, health: { status: 'Healthy' } });
      assert.equal(sim.objects.delete('argoproj.io/v1alpha1', 'Application', 'argocd', 'one'), true);
      sub.dispose();
      assert.deepEqual(seen, ['MODIFIED Application one', 'DELETED Application one']);
      assert.equal(sim.objects.list('v1', 'ConfigMap').length, 1);
      assert.ok(sim.objects.all().some((o) => o.kind === 'CustomResourceDefinition'));
    } finally {
      await sim.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports bad seed YAML as file:line', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-seed-'));
    fs.writeFileSync(path.join(dir, 'x.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\napiVersion: v1\nkind: Gizmo\nmetadata: {name: g}\n');
    try {
      await assert.rejects(startSimCluster({ seed: [dir] }), (e: Error) => e.message === `${path.join(dir, 'x.yaml')}:5: no matches for kind "Gizmo" in version "v1"`);
      fs.writeFileSync(path.join(dir, 'x.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [\n');
      await assert.rejects(startSimCluster({ seed: [dir] }), (e: Error) => e.message.startsWith(`${path.join(dir, 'x.yaml')}:`));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
