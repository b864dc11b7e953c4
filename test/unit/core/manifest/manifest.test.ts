import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { stringify } from 'yaml';
import { formatPointer, identityOf, loadManifestSource, parseManifests, parsePointer, splitManifestSources } from '../../../../src/core/manifest/documents';
import { CLUSTER_SCOPED_KINDS, resolveNamespace } from '../../../../src/core/manifest/namespace';

const FILE = [
  '# leading comment', //                           0
  'apiVersion: v1', //                              1
  'kind: ConfigMap', //                             2
  'metadata:', //                                   3
  '  name: settings', //                            4
  '  annotations:', //                              5
  '    example.com/owner: team-a', //               6
  'data:', //                                       7
  '  key: value', //                                8
  '---', //                                         9
  '# only a comment', //                           10
  '---', //                                        11
  'apiVersion: apps/v1', //                        12
  'kind: Deployment', //                           13
  'metadata: {name: web, namespace: shop}', //     14
  'spec:', //                                      15
  '  replicas: [1,', //                            16
  '---   # marker with a comment', //              17
  '', //                                           18
  '# another comment', //                          19
  'apiVersion: apps/v1', //                        20
  'kind: Deployment', //                           21
  'metadata:', //                                  22
  '  name: api', //                                23
  'spec:', //                                      24
  '  template:', //                                25
  '    spec:', //                                  26
  '      containers:', //                          27
  '        - name: app', //                        28
  '          image: registry.example/api:1.0', //  29
  '          env:', //                             30
  '            - name: EMPTY', //                  31
  '              value:', //                       32
  '...', //                                        33
  '---', //                                        34
  '--- {apiVersion: v1, kind: Namespace, metadata: {name: shop}}', // 35
  '',
].join('\n');

describe('core/manifest/documents', () => {
  const parsed = parseManifests(FILE, { file: 'apps.yaml' });

  it('parses every good document with its identity and skips empty and comment-only ones', () => {
    assert.equal(parsed.file, 'apps.yaml');
    assert.deepEqual(parsed.documents.map((d) => d.identity), [
      { group: '', version: 'v1', kind: 'ConfigMap', name: 'settings' },
      { group: 'apps', version: 'v1', kind: 'Deployment', name: 'api' },
      { group: '', version: 'v1', kind: 'Namespace', name: 'shop' },
    ]);
    // The broken Deployment keeps its ordinal (1): indices count documents with content.
    assert.deepEqual(parsed.documents.map((d) => d.index), [0, 2, 3]);
    assert.deepEqual((parsed.documents[0]?.value as { data: unknown }).data, { key: 'value' });
  });

  it('reports the broken document with line and column while the others parse', () => {
    assert.equal(parsed.problems.length, 1);
    const [problem] = parsed.problems;
    assert.equal(problem?.documentIndex, 1);
    assert.equal(problem?.line, 16);
    assert.equal(problem?.column, '  replicas: [1,'.length);
    assert.match(problem?.message ?? '', /flow collection/);
  });

  it('puts the header line after the marker and leading comments, and ranges on the content', () => {
    assert.deepEqual(parsed.documents.map((d) => d.headerLine), [1, 20, 35]);
    const api = parsed.documents[1];
    assert.deepEqual([api?.range.start.line, api?.range.start.column, api?.range.end.line, api?.range.end.column], [20, 0, 32, '              value:'.length]);
    const ns = parsed.documents[2];
    assert.equal(ns?.range.start.line, 35);
  });

  it('finds the source range of JSON pointers', () => {
    const cm = parsed.documents[0];
    const name = cm?.rangeOf('/metadata/name');
    assert.deepEqual([name?.key?.start.line, name?.key?.start.column, name?.value?.start.column, name?.value?.end.column], [4, 2, 8, 16]);
    // `/` in a key is `~1` (RFC 6901).
    assert.equal(cm?.rangeOf('/metadata/annotations/example.com~1owner')?.value?.start.line, 6);
    const meta = cm?.rangeOf('/metadata');
    assert.deepEqual([meta?.range.start.line, meta?.range.end.line, meta?.range.end.column], [3, 6, '    example.com/owner: team-a'.length]);
    const api = parsed.documents[1];
    const image = api?.rangeOf('/spec/template/spec/containers/0/image');
    assert.equal(image?.value?.start.line, 29);
    assert.equal(FILE.slice(image?.value?.start.offset, image?.value?.end.offset), 'registry.example/api:1.0');
    const item = api?.rangeOf('/spec/template/spec/containers/0');
    assert.deepEqual([item?.range.start.line, item?.range.start.column], [28, 10]);
    // `value:` with nothing after it has a key but no value range.
    const empty = api?.rangeOf('/spec/template/spec/containers/0/env/0/value');
    assert.equal(empty?.key?.start.line, 32);
    assert.equal(empty?.value, undefined);
    assert.equal(api?.rangeOf('/spec/replicas'), undefined);
    assert.equal(api?.rangeOf('/spec/template/spec/containers/1'), undefined);
    assert.equal(api?.rangeOf('no-slash'), undefined);
    assert.equal(api?.rangeOf('')?.range.start.line, 20);
    // Flow style on the marker line.
    assert.deepEqual(parsed.documents[2]?.rangeOf('/metadata/name')?.value?.start, { line: 35, column: 55, offset: FILE.indexOf('shop}}') });
  });

  it('finds the nearest existing ancestor of a missing path', () => {
    const api = parsed.documents[1];
    const near = api?.nearestRangeOf('/spec/template/spec/containers/0/resources/limits');
    assert.equal(near?.pointer, '/spec/template/spec/containers/0');
    assert.equal(near?.range.range.start.line, 28);
    assert.equal(api?.nearestRangeOf('/spec/template')?.pointer, '/spec/template');
  });

  it('handles CRLF line endings and a file without a trailing newline', () => {
    const text = 'apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: a\r\n---\r\napiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: b';
    const p = parseManifests(text);
    assert.deepEqual(p.documents.map((d) => d.identity?.name), ['a', 'b']);
    assert.deepEqual(p.documents.map((d) => [d.headerLine, d.range.end.line, d.range.end.column]), [[0, 3, 9], [5, 8, 9]]);
    const name = p.documents[1]?.rangeOf('/metadata/name');
    assert.deepEqual([name?.value?.start.line, name?.value?.start.column, name?.value?.end.column], [8, 8, 9]);
  });

  it('reports duplicate keys and bad indentation at the offending line', () => {
    const p = parseManifests(['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: a', 'kind: Secret', '---', 'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: b', ' bad: indent'].join('\n'));
    assert.deepEqual(p.problems.map((x) => [x.documentIndex, x.line]), [[0, 4], [1, 10]]);
    assert.equal(p.documents.length, 0);
  });

  it('keeps %YAML directives with the document after them and handles ... end markers', () => {
    const p = parseManifests('a: 1\n...\n%YAML 1.2\n---\nb: 2\n---\nc: [\n');
    assert.deepEqual(p.documents.map((d) => [d.index, d.headerLine, d.value]), [[0, 0, { a: 1 }], [1, 4, { b: 2 }]]);
    assert.equal(p.documents[1]?.rangeOf('/b')?.key?.start.line, 4);
    assert.deepEqual(p.problems.map((x) => [x.documentIndex, x.line, x.column]), [[2, 6, 4]]);
  });

  it('gives no identity to documents that are not Kubernetes objects', () => {
    const p = parseManifests('just: data\n---\n- a list\n---\n"a scalar"\n---\n~\n');
    assert.deepEqual(p.documents.map((d) => d.identity), [undefined, undefined, undefined]);
    assert.equal(p.problems.length, 0);
    assert.equal(identityOf({ apiVersion: 'v1' }), undefined);
  });

  it('keeps YAML 1.2 core types (no timestamp Dates) and honours merge keys', () => {
    const p = parseManifests('a: &x {b: 1}\nc:\n  <<: *x\n  d: 2\ne: 2026-01-01\nf: "010"\ng: 010\n');
    assert.deepEqual(p.documents[0]?.value, { a: { b: 1 }, c: { b: 1, d: 2 }, e: '2026-01-01', f: '010', g: 10 });
  });

  it('follows aliases to the anchored source', () => {
    const p = parseManifests('base: &b\n  image: app:1\nspec:\n  c: *b\n');
    assert.equal(p.documents[0]?.rangeOf('/spec/c/image')?.value?.start.line, 1);
  });

  it('round-trips JSON pointers', () => {
    assert.deepEqual(parsePointer('/a~1b/c~0d/0'), ['a/b', 'c~d', '0']);
    assert.equal(formatPointer(['a/b', 'c~d', '0']), '/a~1b/c~0d/0');
    assert.deepEqual(parsePointer(''), []);
  });

  // Correctness at size only: speed is measured by bench/drift.bench.ts, never asserted in a unit test.
  it('parses 1,000 documents, ranges found on the last one', () => {
    const doc = (i: number): string => [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', `  name: web-${i}`, '  namespace: shop', 'spec:', '  replicas: 2',
      '  template:', '    spec:', '      containers:', '        - name: app', '          image: registry.example/app:1',
      '          resources: {limits: {cpu: 500m, memory: 512Mi}}',
    ].join('\n');
    const text = Array.from({ length: 1000 }, (_, i) => doc(i)).join('\n---\n');
    const p = parseManifests(text);
    assert.equal(p.documents.length, 1000);
    assert.equal(p.documents[999]?.identity?.name, 'web-999');
    assert.equal(p.documents[999]?.headerLine, 999 * 14);
    assert.equal(p.documents[999]?.rangeOf('/metadata/name')?.value?.start.line, 999 * 14 + 3);
  });

  it('property: one broken document is reported at its own lines and the others parse, ranges on the right lines', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
    const data = fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_.]{0,10}$/), fc.oneof(fc.string(), fc.integer(), fc.boolean()), { maxKeys: 4, noNullPrototype: true });
    const docs = fc.array(fc.record({ name, data, comment: fc.boolean() }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(docs, fc.nat(), (items, brokenSeed) => {
        const broken = brokenSeed % items.length;
        const chunks: string[] = [];
        let line = 0;
        const expected: Array<{ header: number; nameLine: number; brokenLine?: number }> = [];
        items.forEach((item, i) => {
          const lines: string[] = [];
          if (item.comment) lines.push('# a comment');
          const header = line + lines.length;
          lines.push(...stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: item.name }, data: item.data }).trimEnd().split('\n'));
          const nameLine = line + lines.findIndex((l) => l.startsWith('  name:'));
          let brokenLine: number | undefined;
          if (i === broken) {
            brokenLine = line + lines.length;
            lines.push('oops: [unclosed');
          }
          expected.push({ header, nameLine, ...(brokenLine !== undefined ? { brokenLine } : {}) });
          chunks.push(lines.join('\n'));
          line += lines.length + 1; // + the `---` line
        });
        const p = parseManifests(chunks.join('\n---\n'));
        assert.equal(p.problems.length, 1);
        assert.equal(p.problems[0]?.documentIndex, broken);
        assert.equal(p.problems[0]?.line, expected[broken]?.brokenLine);
        assert.equal(p.documents.length, items.length - 1);
        for (const d of p.documents) {
          const item = items[d.index];
          const want = expected[d.index];
          assert.equal(d.identity?.name, item?.name);
          assert.deepEqual((d.value as { data?: unknown }).data ?? {}, item?.data);
          assert.equal(d.headerLine, want?.header);
          assert.equal(d.rangeOf('/metadata/name')?.key?.start.line, want?.nameLine);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('core/manifest/documents splitManifestSources + loadManifestSource', () => {
  /** The documents as the chunk path sees them: index, header line, value; broken ones by index. */
  function viaChunks(text: string): { docs: Array<[number, number, unknown]>; broken: number[] } {
    const docs: Array<[number, number, unknown]> = [];
    const broken: number[] = [];
    let index = 0;
    for (const c of splitManifestSources(text)) {
      const l = loadManifestSource(c.source);
      if (l.kind === 'empty') continue;
      const i = index++;
      if (l.kind === 'broken') broken.push(i);
      if (l.kind === 'document') docs.push([i, c.startLine + l.headerOffset, l.value]);
    }
    return { docs, broken };
  }
  const viaParse = (text: string) => {
    const p = parseManifests(text);
    return { docs: p.documents.map((d): [number, number, unknown] => [d.index, d.headerLine, d.value]), broken: p.problems.map((x) => x.documentIndex) };
  };

  it('agrees with parseManifests on markers, comments, `...`, CRLF, directives, null and broken documents', () => {
    const texts = [
      FILE,
      '---\na: 1\n---\n# only a comment\n---\nb: 2\n...\n# trailing\n---\nc: [unclosed\n---\n~\n---\nd: 4',
      'a: 1\r\n---\r\nb: 2\r\n...\r\n--- {inline: doc}\r\n',
      '%YAML 1.2\n---\na: 1\n---\nb: "--- not a marker"\n---x\n',
      'key: |\n  ---indented\n  text\n---\nnext: 1\n',
      '',
      '---',
    ];
    for (const t of texts) assert.deepEqual(viaChunks(t), viaParse(t), JSON.stringify(t));
  });

  it('agrees with parseManifests on any sequence of documents, blank lines and markers', () => {
    const part = fc.constantFrom('---\n', '--- \n', '...\n', '\n', '# c\n', 'a: 1\n', 'b: [x]\n', 'c: {\n', '  - 1\n', '---x: 1\n', '.... \n', '\r\n');
    fc.assert(fc.property(fc.array(part, { maxLength: 12 }), (parts) => {
      const t = parts.join('');
      assert.deepEqual(viaChunks(t), viaParse(t));
    }), { numRuns: 300 });
  });
});

describe('core/manifest/namespace', () => {
  const unknown = (): undefined => undefined;

  it('takes the document namespace, else the deployer default, else default', () => {
    assert.equal(resolveNamespace({ group: 'apps', kind: 'Deployment', namespace: 'shop' }, { namespaced: unknown, defaultNamespace: 'argo-dest' }), 'shop');
    assert.equal(resolveNamespace({ group: 'apps', kind: 'Deployment' }, { namespaced: unknown, defaultNamespace: 'argo-dest' }), 'argo-dest');
    assert.equal(resolveNamespace({ group: 'apps', kind: 'Deployment' }, { namespaced: unknown }), 'default');
  });

  it('lets kustomize namespace / Flux targetNamespace override the document', () => {
    assert.equal(resolveNamespace({ group: '', kind: 'ConfigMap', namespace: 'shop' }, { namespaced: unknown, overrideNamespace: 'prod' }), 'prod');
  });

  it('gives cluster-scoped kinds no namespace, from discovery first, then the built-in list', () => {
    assert.equal(resolveNamespace({ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', namespace: 'x' }, { namespaced: unknown }), undefined);
    assert.equal(resolveNamespace({ group: '', kind: 'Namespace' }, { namespaced: unknown, overrideNamespace: 'prod' }), undefined);
    assert.equal(resolveNamespace({ group: 'example.com', kind: 'Widget' }, { namespaced: () => false }), undefined);
    assert.equal(resolveNamespace({ group: '', kind: 'Namespace' }, { namespaced: () => true }), 'default');
    assert.ok(CLUSTER_SCOPED_KINDS.has('apiextensions.k8s.io/CustomResourceDefinition'));
    assert.ok(!CLUSTER_SCOPED_KINDS.has('/ConfigMap'));
  });
});
