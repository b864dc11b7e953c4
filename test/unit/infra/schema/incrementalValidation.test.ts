/**
 * Validation of a multi-document file after an edit re-validates only the documents whose text
 * changed (issue 18, src/infra/schema/incrementalValidation.ts), and what it reports is what
 * yaml-language-server's whole-file validation reports for the same text: every case below is
 * validated both ways on the same service and compared field by field.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from 'vscode-languageserver-types';
import { cutAtDocumentStarts } from '../../../../src/core/manifest/documentStarts';
import { distinctKinds } from '../../../../src/core/schema/kinds';
import type { SchemaLayer } from '../../../../src/core/schema/layers';
import { SchemaRegistry } from '../../../../src/core/schema/registry';
import { readBuiltinLayer } from '../../../../src/infra/schema/builtinBundle';
import { incrementalValidationControl } from '../../../../src/infra/schema/incrementalValidation';
import { createYamlService } from '../../../../src/infra/schema/yamlService';
import { REPO_ROOT } from '../../../support/paths';

let builtin: SchemaLayer | undefined;
const builtinLayer = () => (builtin ??= readBuiltinLayer(REPO_ROOT));
const fixture = (name: string) => fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'yaml', name), 'utf8');

const deployment = (i: number, replicas: string = String(1 + (i % 3))) => `# deployment ${i}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-${i}
  namespace: team-${i % 4}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web-${i}}
  template:
    metadata:
      labels: {app: web-${i}}
    spec:
      containers:
        - name: main
          image: registry.example.test/web:${i}
`;
const configMap = (i: number) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: config-${i}
data:
  mode: "prod"
`;
const file = (count: number, doc: (i: number) => string = (i) => (i % 2 === 0 ? deployment(i) : configMap(i))) =>
  Array.from({ length: count }, (_, i) => doc(i)).join('---\n');

// yaml-language-server caches parses by URI and version in one module-wide cache: versions only grow.
let version = 0;

/** A service over a fresh registry, and one validation of `text` either way. */
function harness() {
  const registry = new SchemaRegistry(builtinLayer);
  const texts = new Map<string, string>();
  const ls = createYamlService(registry, (uri) => texts.get(uri));
  const validate = async (text: string, wholeFile: boolean, uri = 'file:///w/all.yaml'): Promise<Diagnostic[]> => {
    texts.set(uri, text);
    incrementalValidationControl.wholeFile = wholeFile;
    try {
      return await ls.doValidation(TextDocument.create(uri, 'yaml', ++version, text), false);
    } finally {
      incrementalValidationControl.wholeFile = false;
    }
  };
  return { validate };
}

const counts = () => ({ validated: incrementalValidationControl.validatedDocuments, reused: incrementalValidationControl.reusedDocuments });

describe('incremental validation: only changed documents, same diagnostics', function () {
  this.timeout(60_000);

  it('re-validates one document of fifty after an edit in it, and finds the error the edit made', async () => {
    const { validate } = harness();
    const before = file(50);
    assert.deepEqual(await validate(before, false), []);
    const start = counts();
    const edited = before.replace('replicas: 2', 'replicas: two');
    assert.notEqual(edited, before);
    const diagnostics = await validate(edited, false);
    const after = counts();
    assert.equal(after.validated - start.validated, 1, 'only the edited document is validated');
    assert.equal(after.reused - start.reused, 49, 'the other 49 reuse their results');
    // Where the error is: the line of the edited value in the whole file.
    const line = edited.split('\n').findIndex((l) => l.includes('replicas: two'));
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0]!.range.start.line, line);
    assert.match(diagnostics[0]!.message, /Incorrect type/);
    assert.deepEqual(diagnostics, await validate(edited, true));
    // Undoing the edit validates that document again and the error is gone.
    assert.deepEqual(await validate(before, false), []);
    assert.equal(counts().validated - after.validated, 1);
  });

  it('moves the diagnostics of later documents when an edit adds lines above them', async () => {
    const { validate } = harness();
    const text = file(20, (i) => (i === 15 ? deployment(i, '"three"') : i % 2 === 0 ? deployment(i) : configMap(i)));
    const first = await validate(text, false);
    assert.equal(first.length, 1);
    const grown = text.replace('  mode: "prod"\n', '  mode: "prod"\n  extra: "a"\n  more: "b"\n');
    const start = counts();
    const moved = await validate(grown, false);
    assert.equal(counts().validated - start.validated, 1);
    assert.equal(moved[0]!.range.start.line, first[0]!.range.start.line + 2);
    assert.deepEqual(moved, await validate(grown, true));
  });

  it('a change of the file’s schema (a kind added) validates every document again', async () => {
    const { validate } = harness();
    const text = file(10);
    await validate(text, false);
    const start = counts();
    const more = `${text}---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: "x"}]\n`;
    const diagnostics = await validate(more, false);
    assert.equal(counts().validated - start.validated, 11);
    assert.deepEqual(diagnostics, await validate(more, true));
    assert.ok(diagnostics.length > 0);
  });

  const cases: Record<string, string> = {
    'the mixed fixture': fixture('mixed.yaml'),
    'schema errors in several documents': file(12, (i) => (i % 4 === 1 ? deployment(i, 'many') : i % 4 === 3 ? `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}}\ndata: {a: [1]}\n` : deployment(i))),
    'no newline at the end': `${file(6)}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: last\ndata:\n  k: [x]`,
    'CRLF line ends': file(6, (i) => (i === 3 ? deployment(i, 'x') : deployment(i))).replace(/\n/g, '\r\n'),
    'comments and a modeline before the first ---': `# header\n# yaml-language-server: $schema=none\n---\n${file(4, (i) => deployment(i, i === 0 ? 'x' : '1'))}`,
    'syntax errors, duplicate keys, an unused anchor': [
      deployment(0),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  a: "1"\n  a: "2"\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata:\n  x: &anchor "1"\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c\ndata:\n  x: "1"\n',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\ndata:\n  x: "unterminated\n',
      deployment(5, '[1, 2'),
    ].join('---\n'),
    'an empty document, `--- ~` and a document on the marker line': `${deployment(0)}---\n---\n# only a comment\n--- ~\n--- {apiVersion: v1, kind: ConfigMap, metadata: {name: inline}, data: {a: [1]}}\n---\n${deployment(1, 'x')}`,
    'a block scalar and a suppression comment': `${deployment(0)}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\ndata:\n  script: |\n    echo one\n    echo two\n  # yaml-language-server-disable\n  bad: [1]\n  worse: [2]\n---\n${deployment(2, 'x')}`,
    'the same error in consecutive documents': file(5, (i) => deployment(i, 'x')),
    'a `...` document end and a directive': `${deployment(0, 'x')}...\n# between\n---\n${deployment(1, 'y')}---\n%YAML 1.2\n---\n${configMap(2)}`,
    'a document without kind and unknown kinds': `${deployment(0)}---\nfoo: bar\n---\napiVersion: example.test/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: x}\n---\n${deployment(3, 'x')}`,
  };

  for (const [name, text] of Object.entries(cases)) {
    it(`equals a whole-file validation: ${name}, as typed and after edits`, async () => {
      const { validate } = harness();
      // Validated once as is, then after edits that reuse the other documents' results.
      const texts = [text, text.replace(/name: /, 'name:  '), text.replace(/(\n---\n)/, '$1# inserted\n'), text.replace(/kind: ConfigMap\n/, 'kind: ConfigMap\nbogus: 1\n'), text];
      for (const [i, t] of texts.entries()) {
        const incremental = await validate(t, false);
        const whole = await validate(t, true);
        assert.deepEqual(incremental, whole, `text ${i} of ${name}`);
      }
    });
  }
});

describe('cutAtDocumentStarts and the schema URI of an edited file', () => {
  it('cuts before each `---` marker line only, and the pieces join to the text', () => {
    const text = '# c\na: 1\n---\nb: "---"\n---x: 1\n --- no\n--- |\n  s\n---\r\nc: 2\n---';
    const pieces = cutAtDocumentStarts(text);
    assert.deepEqual(pieces, ['# c\na: 1\n', '---\nb: "---"\n---x: 1\n --- no\n', '--- |\n  s\n', '---\r\nc: 2\n', '---']);
    assert.equal(pieces.join(''), text);
    assert.deepEqual(cutAtDocumentStarts('---\na: 1\n'), ['---\na: 1\n']);
    assert.deepEqual(cutAtDocumentStarts(''), ['']);
  });

  it('names the same kinds as a whole-file scan after edits that add, change and remove kinds', () => {
    const registry = new SchemaRegistry(builtinLayer);
    const texts = [
      file(30),
      file(30).replace('kind: ConfigMap', 'kind: Secret'),
      `${file(30)}---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n`,
      file(30, (i) => (i === 0 ? configMap(i) : deployment(i))),
      file(2),
    ];
    for (const text of texts) {
      const uri = registry.schemaUriFor(text);
      const keys = distinctKinds(text)
        .filter((k) => registry.knows(k))
        .map((k) => `${k.apiVersion}/${k.kind}`.replace(/\//g, '~'));
      assert.ok(uri?.endsWith(`/${keys.join('_')}.json`), `${uri} names ${keys.join(', ')}`);
    }
  });
});
