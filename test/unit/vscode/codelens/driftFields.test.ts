import * as assert from 'node:assert/strict';
import { displayPath, displayValue, driftedLines, locateDrift } from '../../../../src/vscode/codelens/driftFields';
import type { DocumentDrift } from '../../../../src/core/drift/session';

const TEXT = [
  'apiVersion: v1', //                0
  'kind: ConfigMap', //               1
  'metadata: {name: a}', //           2
  'data: {k: v}', //                  3
  '---', //                           4
  '# web', //                         5
  'apiVersion: apps/v1', //           6
  'kind: Deployment', //              7
  'metadata:', //                     8
  '  name: web', //                   9
  'spec:', //                        10
  '  replicas: 2', //                11
  '  template:', //                  12
  '    spec:', //                    13
  '      containers:', //            14
  '      - name: app', //            15
  '        image: web:1', //         16
  '',
].join('\n');

const lens = (documentIndex: number, cluster: string, changes: DocumentDrift['changes']): DocumentDrift => ({
  documentIndex,
  line: documentIndex === 0 ? 0 : 6,
  cluster,
  appKey: `argocd/${cluster}/web` as DocumentDrift['appKey'],
  ref: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
  state: changes.length > 0 ? { kind: 'drift', fields: changes.length } : { kind: 'inSync' },
  changes,
});

describe('driftFields: where drifted fields sit (hover, gutter, adopt live)', () => {
  it('locates each drifted path once with the value of every cluster', () => {
    const docs = locateDrift(TEXT, [
      lens(0, 'prod', []),
      lens(1, 'prod', [{ path: '/spec/replicas', desired: 2, live: 5 }, { path: '/spec/template/spec/containers/0/image', desired: 'web:1', live: 'web:2' }]),
      lens(1, 'staging', [{ path: '/spec/replicas', desired: 2, live: 3 }]),
    ]);
    assert.equal(docs.length, 1);
    const [doc] = docs;
    assert.equal(doc?.headerLine, 6);
    assert.deepEqual(
      doc?.fields.map((f) => [f.path, f.range.start.line, f.range.end.line, f.exact, f.values.map((v) => `${v.cluster}:${String(v.live)}`).join(',')]),
      [
        ['/spec/replicas', 11, 11, true, 'prod:5,staging:3'],
        ['/spec/template/spec/containers/0/image', 16, 16, true, 'prod:web:2'],
      ],
    );
    assert.deepEqual(driftedLines(docs), [11, 16]);
  });

  it('marks a live-only field on its nearest ancestor’s first line only', () => {
    const docs = locateDrift(TEXT, [lens(1, 'prod', [{ path: '/spec/template/spec/containers/0/args', live: ['--v'] }])]);
    assert.deepEqual(driftedLines(docs), [15]);
    assert.equal(docs[0]?.fields[0]?.exact, false);
  });

  it('is empty when nothing drifts (no parse at all)', () => {
    assert.deepEqual(locateDrift('not: [valid', [lens(1, 'prod', [])]), []);
  });

  it('displays paths and values as people read them', () => {
    assert.equal(displayPath('/spec/template/spec/containers/0/image'), 'spec.template.spec.containers[0].image');
    assert.equal(displayPath('/metadata/annotations/example.com~1owner'), 'metadata.annotations["example.com/owner"]');
    assert.equal(displayValue('8080'), '"8080"');
    assert.equal(displayValue(8080), '8080');
    assert.equal(displayValue(undefined), '(not set)');
    assert.equal(displayValue('x'.repeat(300)).length, 120);
  });
});
