import * as assert from 'node:assert/strict';
import { AdoptError, adoptChangesOf, adoptEdit, adoptReplacement } from '../../../../src/core/manifest/adoptEdit';
import { diffPair } from '../../../../src/core/drift/engine';
import { builtinListKeys } from '../../../../src/core/drift/listKeys';
import { maskValue } from '../../../../src/core/drift/mask';
import { parseManifests } from '../../../../src/core/manifest/documents';

const FILE = [
  '# Shop web tier', //                                  0
  'apiVersion: v1', //                                   1
  'kind: ConfigMap', //                                  2
  'metadata: {name: settings, labels: {tier: web}}', //  3
  'data:', //                                            4
  "  mode: 'fast'   # tuned by hand", //                 5
  '---', //                                              6
  'apiVersion: apps/v1', //                              7
  'kind: Deployment', //                                 8
  'metadata:', //                                        9
  '  name: web', //                                     10
  '  namespace: shop', //                               11
  'spec:', //                                           12
  '  replicas: 3 # keep in step with the HPA', //       13
  '  template:', //                                     14
  '    spec:', //                                       15
  '      containers:', //                               16
  '      - name: app', //                               17
  '        image: "registry.example/web:1.0"', //       18
  '        ports: [{containerPort: 80}]', //            19
  '        env:', //                                    20
  '        - name: MODE', //                            21
  '          value: blue', //                           22
  '        - name: DEBUG', //                           23
  "          value: 'false'", //                        24
  '      - name: sidecar', //                           25
  '        image: envoy:1.29', //                       26
  '        resources:', //                              27
  '          limits:', //                               28
  '            cpu: 500m', //                           29
  '',
].join('\n');

/** Line numbers (0-based) whose text differs, aligning the unchanged head and tail. */
function changedLines(before: string, after: string): { removed: number[]; added: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  return { removed: Array.from({ length: a.length - head - tail }, (_, i) => head + i), added: b.slice(head, b.length - tail) };
}

const valueOf = (text: string, index: number): unknown => parseManifests(text).documents.find((d) => d.index === index)?.value;

describe('adoptEdit (issue 5: adopt live value)', () => {
  it('replaces a plain scalar in place, keeping the comment after it', () => {
    const out = adoptEdit(FILE, 1, [{ path: '/spec/replicas', value: 5 }]);
    assert.deepEqual(changedLines(FILE, out), { removed: [13], added: ['  replicas: 5 # keep in step with the HPA'] });
  });

  it('keeps double and single quotes of the value it replaces', () => {
    const out = adoptEdit(FILE, 1, [
      { path: '/spec/template/spec/containers/0/image', value: 'registry.example/web:1.1' },
      { path: '/spec/template/spec/containers/0/env/1/value', value: 'true' },
    ]);
    const lines = out.split('\n');
    assert.equal(lines[18], '        image: "registry.example/web:1.1"');
    assert.equal(lines[24], "          value: 'true'");
    assert.deepEqual(out.split('\n').filter((l, i) => l !== FILE.split('\n')[i]), ['        image: "registry.example/web:1.1"', "          value: 'true'"]);
  });

  it('quotes a string that would otherwise read as another type', () => {
    const out = adoptEdit(FILE, 1, [{ path: '/spec/template/spec/containers/0/env/0/value', value: '8080' }]);
    assert.equal(out.split('\n')[22], '          value: "8080"');
    assert.equal((valueOf(out, 1) as { spec: { template: { spec: { containers: Array<{ env: Array<{ value: unknown }> }> } } } }).spec.template.spec.containers[0]?.env[0]?.value, '8080');
  });

  it('edits only the addressed document of a multi-document file', () => {
    const out = adoptEdit(FILE, 0, [{ path: '/data/mode', value: 'safe' }]);
    assert.deepEqual(changedLines(FILE, out), { removed: [5], added: ["  mode: 'safe'   # tuned by hand"] });
  });

  it('edits inside flow collections in flow style', () => {
    const out = adoptEdit(FILE, 0, [{ path: '/metadata/labels/tier', value: 'api' }, { path: '/metadata/labels/team', value: 'shop' }]);
    assert.deepEqual(changedLines(FILE, out), { removed: [3], added: ['metadata: {name: settings, labels: {tier: api, team: shop}}'] });
    const ports = adoptEdit(FILE, 1, [{ path: '/spec/template/spec/containers/0/ports/0/containerPort', value: 8080 }]);
    assert.deepEqual(changedLines(FILE, ports), { removed: [19], added: ['        ports: [{containerPort: 8080}]'] });
  });

  it('adds a field the document lacks at the map’s indentation, after its last field', () => {
    const out = adoptEdit(FILE, 1, [{ path: '/spec/template/spec/containers/1/resources/limits/memory', value: '256Mi' }]);
    assert.deepEqual(changedLines(FILE, out), { removed: [], added: ['            memory: 256Mi'] });
    assert.equal(out.split('\n')[30], '            memory: 256Mi');
  });

  it('adds nested maps for a path whose parents are missing', () => {
    const out = adoptEdit(FILE, 1, [{ path: '/spec/template/spec/containers/0/resources/requests/cpu', value: '100m' }]);
    const { added } = changedLines(FILE, out);
    assert.deepEqual(added, ['        resources:', '          requests:', '            cpu: 100m']);
  });

  it('removes a field the live object does not have, and an env item by its index, whole lines only', () => {
    const out = adoptEdit(FILE, 1, [{ path: '/spec/template/spec/containers/0/env/1', remove: true }, { path: '/spec/replicas', remove: true }]);
    const after = out.split('\n');
    const before = FILE.split('\n');
    assert.deepEqual(after, before.filter((_, i) => i !== 13 && i !== 23 && i !== 24));
  });

  it('removing a list item’s first field moves the next one up after the dash', () => {
    const out = adoptEdit(FILE, 1, [{ path: '/spec/template/spec/containers/1/name', remove: true }]);
    assert.deepEqual(changedLines(FILE, out), { removed: [25, 26], added: ['      - image: envoy:1.29'] });
  });

  it('removing the last field leaves an empty map', () => {
    const out = adoptEdit(FILE, 1, [{ path: '/spec/template/spec/containers/1/resources/limits/cpu', remove: true }]);
    assert.deepEqual(changedLines(FILE, out), { removed: [28, 29], added: ['          limits: {}'] });
  });

  it('replaces a scalar with a map in block style under the key', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n  annotations: {}\ndata:\n  k: v\n';
    const out = adoptEdit(text, 0, [{ path: '/metadata/labels', value: { app: 'a', tier: 'web' } }]);
    assert.equal(out, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    app: a\n    tier: web\n  annotations: {}\ndata:\n  k: v\n');
  });

  it('appends a live-only list item in the document’s sequence style', () => {
    const out = adoptEdit(FILE, 1, [{ path: '/spec/template/spec/containers/0/env/2', value: { name: 'TRACE', value: '1' }, insert: true }]);
    assert.deepEqual(changedLines(FILE, out), { removed: [], added: ['        - name: TRACE', '          value: "1"'] });
    assert.equal(out.split('\n')[26], '          value: "1"');
  });

  it('replaces a whole list item by index (the drift engine’s desired index, also for keyed lists)', () => {
    const out = adoptEdit(FILE, 1, [{ path: '/spec/template/spec/containers/0/env/0', value: { name: 'MODE', value: 'green', valueFrom: null } }]);
    assert.ok(out.includes('        - name: MODE\n          value: green\n          valueFrom: null\n        - name: DEBUG'));
  });

  it('keeps multi-line strings as block scalars indented under their key', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  conf: |\n    a=1\n    b=2\n  other: x\n';
    const out = adoptEdit(text, 0, [{ path: '/data/conf', value: 'a=1\nb=3\n' }]);
    assert.equal(out, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  conf: |\n    a=1\n    b=3\n  other: x\n');
  });

  it('keeps an anchor on the replaced value and refuses to edit through an alias', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: &l {app: a}\n  annotations: *l\ndata:\n  k: &v one\n';
    const out = adoptEdit(text, 0, [{ path: '/data/k', value: 'two' }]);
    assert.equal(out.split('\n')[7], '  k: &v two');
    assert.throws(() => adoptEdit(text, 0, [{ path: '/metadata/annotations/app', value: 'b' }]), (e: unknown) => e instanceof AdoptError && e.code === 'throughAlias');
  });

  it('adds a field next to a merge key (the field overrides the merged one)', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  <<: {k: one}\n  j: x\n';
    const out = adoptEdit(text, 0, [{ path: '/data/k', value: 'two' }]);
    assert.equal(out, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  <<: {k: one}\n  j: x\n  k: two\n');
  });

  it('refuses masked Secret values and leaves the text alone', () => {
    const text = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  password: c2VjcmV0\n';
    assert.throws(
      () => adoptEdit(text, 0, [{ path: '/data/password', value: maskValue(1) }]),
      (e: unknown) => e instanceof AdoptError && e.code === 'masked' && /masked/.test(e.message) && !e.message.includes('++++'),
    );
    assert.throws(() => adoptEdit(text, 0, [{ path: '/data', value: { password: maskValue(0) } }]), (e: unknown) => e instanceof AdoptError && e.code === 'masked');
  });

  it('refuses a broken or missing document', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n';
    assert.throws(() => adoptEdit(text, 0, [{ path: '/metadata/name', value: 'x' }]), (e: unknown) => e instanceof AdoptError && e.code === 'noDocument' && /YAML errors/.test(e.message));
    assert.throws(() => adoptEdit(text, 5, [{ path: '/metadata/name', value: 'x' }]), (e: unknown) => e instanceof AdoptError && e.code === 'noDocument');
    // The good document can still be edited.
    assert.equal(adoptEdit(text, 1, [{ path: '/metadata/name', value: 'c' }]).split('\n')[6], 'metadata: {name: c}');
  });

  it('keeps CRLF line endings', () => {
    const text = 'apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: a\r\ndata:\r\n  k: v\r\n';
    const out = adoptEdit(text, 0, [{ path: '/data/j', value: { x: 1 } }, { path: '/data/k', value: 'w' }]);
    assert.equal(out, 'apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: a\r\ndata:\r\n  k: w\r\n  j:\r\n    x: 1\r\n');
  });

  it('follows an unindented sequence style when adding a list', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: x\n';
    const out = adoptEdit(text, 0, [{ path: '/spec/containers/0/args', value: ['--v', '2'] }]);
    assert.equal(out, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: x\n    args:\n    - --v\n    - "2"\n');
  });

  it('adoptReplacement is the smallest single replacement', () => {
    const r = adoptReplacement(FILE, 1, [{ path: '/spec/replicas', value: 12 }]);
    assert.ok(r);
    assert.equal(FILE.slice(0, r.start) + r.newText + FILE.slice(r.end), adoptEdit(FILE, 1, [{ path: '/spec/replicas', value: 12 }]));
    assert.deepEqual(r.newText, '12');
    assert.equal(adoptReplacement(FILE, 1, [{ path: '/spec/replicas', value: 3 }]), undefined);
  });

  it('adopting every drift finding of the engine brings the document in sync with live', () => {
    const live = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop', uid: 'u1', resourceVersion: '7' },
      spec: {
        replicas: 4,
        template: {
          spec: {
            // Reordered containers and env: keyed lists, so the engine reports desired indices.
            containers: [
              { name: 'sidecar', image: 'envoy:1.30', resources: { limits: { cpu: '1' } } },
              { name: 'app', image: 'registry.example/web:1.0', ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'DEBUG', value: 'true' }, { name: 'MODE', value: 'blue' }] },
            ],
          },
        },
      },
    };
    const keys = builtinListKeys({ group: 'apps', kind: 'Deployment' });
    const desired = valueOf(FILE, 1) as Record<string, unknown>;
    const changes = diffPair(desired, live, keys).changes;
    assert.ok(changes.length >= 3, JSON.stringify(changes));
    const out = adoptEdit(FILE, 1, adoptChangesOf(changes.map((c) => ({ path: c.path, ...(c.desired === undefined ? {} : { desired: c.desired }), ...(c.live === undefined ? {} : { live: c.live }) }))));
    assert.deepEqual(diffPair(valueOf(out, 1) as Record<string, unknown>, live, keys).changes, []);
    assert.ok(out.includes('  replicas: 4 # keep in step with the HPA'));
    assert.ok(out.startsWith(FILE.split('---')[0] as string));
  });

  it('adoptChangesOf: missing live → remove, live only → insert, else set', () => {
    assert.deepEqual(adoptChangesOf([{ path: '/a', desired: 1 }, { path: '/b/0', live: 2 }, { path: '/c', desired: 1, live: 3 }]), [
      { path: '/a', remove: true },
      { path: '/b/0', value: 2, insert: true },
      { path: '/c', value: 3 },
    ]);
  });
});
