/**
 * core/audit/managedFields: decoding fieldsV1 and naming the manager that last set a drifted field.
 * Live objects come from the Kubernetes simulator's own server-side apply and update bookkeeping (the
 * real HTTP API: apply as argocd-controller, then `kubectl scale`/`set image`-shaped writes), and the
 * drifted paths from the product's drift engine, so the test holds the two together as they meet.
 */
import * as assert from 'node:assert/strict';
import { attributeField, decodeFieldsV1, describeAttribution, gitOpsControllerOf, parsePathElement, readManagedFields, MANAGED_FIELDS_LIMITS } from '../../../../src/core/audit/managedFields';
import { diffPair } from '../../../../src/core/drift/engine';
import { builtinListKeys } from '../../../../src/core/drift/listKeys';
import type { SimCluster } from '../../../sim/k8s/cluster';
import { startSimCluster } from '../../../sim/k8s/cluster';
import { call } from '../../../sim/k8s/testKit';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const DEPLOY = '/apis/apps/v1/namespaces/shop/deployments';

/** The Deployment as Git has it: two containers, sidecar listed first (positions differ from live). */
const desired = (image = 'nginx:1.27'): Any => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          { name: 'sidecar', image: 'busybox:1', args: ['--serve', '--port=9090'] },
          { name: 'nginx', image, ports: [{ containerPort: 80 }] },
        ],
      },
    },
  },
});

async function ok(p: Promise<{ status: number; body: unknown }>): Promise<Any> {
  const r = await p;
  assert.ok(r.status < 300, `HTTP ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
  return r.body as Any;
}

describe('core/audit/managedFields', function () {
  this.timeout(30000);
  let sim: SimCluster;
  let live: Any;

  before(async () => {
    sim = await startSimCluster();
    await ok(call(sim, 'POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } } }));
    // Argo CD syncs with server-side apply as argocd-controller (argo-cd common.ArgoCDSSAManager).
    await ok(call(sim, 'PATCH', `${DEPLOY}/web?fieldManager=argocd-controller&force=true`, { body: JSON.stringify(desired()), contentType: 'application/apply-patch+yaml' }));
    // Someone scales by hand through the scale subresource (kubectl scale) …
    await ok(call(sim, 'PATCH', `${DEPLOY}/web/scale?fieldManager=kubectl-scale`, { body: { spec: { replicas: 5 } }, contentType: 'application/merge-patch+json' }));
    // … and someone sets the image of one container (kubectl set image: a strategic merge patch by name).
    await ok(
      call(sim, 'PATCH', `${DEPLOY}/web?fieldManager=kubectl-set`, {
        body: { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.28-hotfix' }] } } } },
        contentType: 'application/strategic-merge-patch+json',
      }),
    );
    live = await ok(call(sim, 'GET', `${DEPLOY}/web`));
  });
  after(async () => {
    await sim.stop();
  });

  it('decodes the simulator’s managedFields: one entry per writer, with operation, time and subresource', () => {
    const { entries, problems } = readManagedFields(live);
    assert.deepEqual(problems, []);
    const byManager = new Map(entries.map((e) => [e.manager, e]));
    assert.deepEqual([...byManager.keys()].sort(), ['argocd-controller', 'kubectl-scale', 'kubectl-set']);
    assert.equal(byManager.get('argocd-controller')?.operation, 'Apply');
    assert.equal(byManager.get('kubectl-scale')?.operation, 'Update');
    assert.equal(byManager.get('kubectl-scale')?.subresource, 'scale');
    assert.match(byManager.get('kubectl-set')?.time ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('replicas drifted by kubectl scale: set by kubectl-scale through the scale subresource, not through Git', () => {
    const a = attributeField(live, '/spec/replicas');
    assert.equal(a.lastSetBy?.manager, 'kubectl-scale');
    assert.equal(a.lastSetBy?.operation, 'Update');
    assert.equal(a.lastSetBy?.subresource, 'scale');
    assert.equal(a.lastSetBy?.match, 'exact');
    assert.equal(a.throughGit, false);
    // The controller lost the field when its value changed (managers lose changed fields).
    assert.deepEqual(a.owners.map((o) => o.manager), ['kubectl-scale']);
    assert.match(describeAttribution(a), /^\/spec\/replicas set by kubectl-scale \(Update, scale\) at \d{4}-.*Z, not through Git$/);
  });

  it('follows the drift engine’s findings through a keyed list whose positions differ between Git and live', () => {
    const { changes } = diffPair(desired(), live, builtinListKeys({ group: 'apps', kind: 'Deployment' }));
    const byPath = new Map(changes.map((c) => [c.path, c]));
    // Desired position 1 is the nginx container, which is at position 0 live.
    const image = byPath.get('/spec/template/spec/containers/1/image');
    assert.ok(image, `findings: ${[...byPath.keys()].join(', ')}`);
    const a = attributeField(live, image.steps);
    assert.equal(a.path, '/spec/template/spec/containers/1/image');
    assert.equal(a.lastSetBy?.manager, 'kubectl-set');
    assert.equal(a.throughGit, false);
    const replicas = byPath.get('/spec/replicas');
    assert.equal(attributeField(live, replicas!.steps).lastSetBy?.manager, 'kubectl-scale');
  });

  it('a field only Git wrote is set through Git (argocd-controller)', () => {
    const sidecarImage = live.spec.template.spec.containers.findIndex((c: Any) => c.name === 'sidecar');
    const a = attributeField(live, `/spec/template/spec/containers/${sidecarImage}/image`);
    assert.equal(a.lastSetBy?.manager, 'argocd-controller');
    assert.equal(a.lastSetBy?.controller, 'argocd');
    assert.equal(a.throughGit, true);
    assert.match(describeAttribution(a), /through Git \(Argo CD\)$/);
  });

  it('an item of an atomic list and a field of an atomic map belong to the owner of the whole value', () => {
    const i = live.spec.template.spec.containers.findIndex((c: Any) => c.name === 'sidecar');
    const arg = attributeField(live, `/spec/template/spec/containers/${i}/args/1`);
    assert.equal(arg.lastSetBy?.manager, 'argocd-controller');
    assert.equal(arg.lastSetBy?.match, 'atomic');
    // LabelSelector is atomic (x-kubernetes-map-type): `f:selector: {}`.
    assert.equal(attributeField(live, '/spec/selector/matchLabels/app').lastSetBy?.match, 'atomic');
  });

  it('an object whose fields several managers set reports who set parts of it', () => {
    const a = attributeField(live, '/spec/template/spec');
    assert.equal(a.lastSetBy?.match, 'below');
    assert.ok(a.owners.some((o) => o.manager === 'argocd-controller') && a.owners.some((o) => o.manager === 'kubectl-set'));
    assert.match(describeAttribution(a), /^fields below \/spec\/template\/spec set by /);
  });

  it('a path no manager covers has no attribution', () => {
    const a = attributeField(live, '/spec/paused');
    assert.equal(a.lastSetBy, undefined);
    assert.equal(a.throughGit, undefined);
    assert.equal(describeAttribution(a), '/spec/paused: no field manager recorded for it');
  });

  it('newest wins among shared owners; on a tie the manager that is not a GitOps controller', () => {
    const obj = {
      metadata: {
        managedFields: [
          { manager: 'kustomize-controller', operation: 'Apply', time: '2026-03-01T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } },
          { manager: 'kubectl-edit', operation: 'Update', time: '2026-03-01T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } },
          { manager: 'old-tool', operation: 'Update', time: '2026-02-01T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } },
        ],
      },
      data: { a: '1' },
    };
    const a = attributeField(obj, '/data/a');
    assert.deepEqual(a.owners.map((o) => o.manager), ['kubectl-edit', 'kustomize-controller', 'old-tool']);
    assert.equal(a.lastSetBy?.manager, 'kubectl-edit');
    // Escaped pointer tokens (RFC 6901) reach keys with `/` and `~`.
    const annotated = { metadata: { annotations: { 'a/b~c': 'x' }, managedFields: [{ manager: 'm', operation: 'Update', fieldsV1: { 'f:metadata': { 'f:annotations': { 'f:a/b~c': {} } } } }] } };
    assert.equal(attributeField(annotated, '/metadata/annotations/a~1b~0c').lastSetBy?.manager, 'm');
  });

  it('set items (v:) and list positions (i:) are matched by value and position', () => {
    const obj = {
      spec: { hosts: ['a.example', 'b.example'], ordered: [{ x: 1 }, { x: 2 }] },
      metadata: {
        managedFields: [
          { manager: 'one', operation: 'Apply', fieldsV1: { 'f:spec': { 'f:hosts': { 'v:"a.example"': {} } } } },
          { manager: 'two', operation: 'Apply', fieldsV1: { 'f:spec': { 'f:hosts': { 'v:"b.example"': {} }, 'f:ordered': { 'i:1': { 'f:x': {} } } } } },
        ],
      },
    };
    assert.equal(attributeField(obj, '/spec/hosts/1').lastSetBy?.manager, 'two');
    assert.equal(attributeField(obj, '/spec/hosts/0').lastSetBy?.manager, 'one');
    assert.equal(attributeField(obj, '/spec/ordered/1/x').lastSetBy?.manager, 'two');
    assert.equal(attributeField(obj, '/spec/ordered/0/x').lastSetBy, undefined);
  });

  it('reads path elements as structured-merge-diff writes them and refuses the rest', () => {
    assert.deepEqual(parsePathElement('f:spec'), { kind: 'field', name: 'spec' });
    assert.deepEqual(parsePathElement('k:{"containerPort":80,"protocol":"TCP"}'), { kind: 'key', fields: { containerPort: 80, protocol: 'TCP' } });
    assert.deepEqual(parsePathElement('v:"a"'), { kind: 'value', value: 'a' });
    assert.deepEqual(parsePathElement('i:3'), { kind: 'index', index: 3 });
    for (const bad of ['', 'f', 'x:y', 'k:[1]', 'k:{', 'v:not json', 'i:1.5', 'i:']) assert.equal(parsePathElement(bad), undefined, bad);
    // `.` marks the element itself; `{}` is a leaf; an object without `.` owns only its children.
    const root = decodeFieldsV1({ 'f:a': {}, 'f:b': { '.': {}, 'f:c': {} }, 'f:d': { 'f:e': {} } });
    const [a, b, d] = root.children;
    assert.deepEqual([root.self, a?.node.self, a?.node.leaf, b?.node.self, b?.node.leaf, d?.node.self], [false, true, true, true, false, false]);
  });

  it('hostile managedFields are bounded and reported, never thrown', () => {
    let deep: Any = {};
    for (let i = 0; i < 10_000; i++) deep = { 'f:x': deep };
    const wide: Any = {};
    for (let i = 0; i < MANAGED_FIELDS_LIMITS.maxNodes + 10; i++) wide[`f:k${i}`] = {};
    const obj = {
      metadata: {
        managedFields: [
          { manager: 'deep', operation: 'Update', fieldsV1: deep },
          { manager: 'odd', operation: 'Update', fieldsV1: { 'q:nope': {}, 'f:ok': [] } },
          // The element budget is per object: this one uses it up.
          { manager: 'wide', operation: 'Update', fieldsV1: wide },
          { operation: 'Update' },
          { manager: 'v0', fieldsType: 'FieldsV0', fieldsV1: {} },
          'not an object',
        ],
      },
    };
    const { entries, problems } = readManagedFields(obj);
    assert.deepEqual(entries.map((e) => e.manager), ['deep', 'odd', 'wide']);
    assert.ok(problems.some((p) => p.includes('deeper than')));
    assert.ok(problems.some((p) => p.includes('larger than')));
    assert.ok(problems.some((p) => p.includes('"q:nope"')));
    assert.ok(problems.some((p) => p.includes('FieldsV0')));
    assert.equal(problems.filter((p) => p.includes('has no manager')).length, 2);
    assert.deepEqual(readManagedFields({ metadata: { managedFields: 'x' } }).problems, ['metadata.managedFields is not a list']);
    assert.deepEqual(attributeField(null, '/a').owners, []);
  });

  it('names the GitOps controllers’ managers', () => {
    for (const m of ['argocd-controller', 'argocd-application-controller']) assert.equal(gitOpsControllerOf(m), 'argocd');
    for (const m of ['kustomize-controller', 'helm-controller', 'gotk-kustomize-controller']) assert.equal(gitOpsControllerOf(m), 'flux');
    for (const m of ['kubectl', 'kubectl-client-side-apply', 'argocd-server', 'helm', 'kube-controller-manager']) assert.equal(gitOpsControllerOf(m), undefined, m);
    assert.equal(gitOpsControllerOf('my-flux', ['my-flux']), 'flux');
  });
});
