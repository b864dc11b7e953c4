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
import { layerFromOpenApi } from '../../../../src/core/schema/openApi';
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

const counts = () => ({
  validated: incrementalValidationControl.validatedDocuments,
  reused: incrementalValidationControl.reusedDocuments,
  cuts: incrementalValidationControl.wholeTextCuts,
});

/**
 * One open document edited the way the language server's document store edits it (TextDocument.update
 * with ranged changes, as `textDocument/didChange` with incremental sync delivers them), validated
 * after each event, and the same text validated whole on a fresh document object.
 */
function editor(initial: string, uri = 'file:///w/edited.yaml') {
  const registry = new SchemaRegistry(builtinLayer);
  const texts = new Map<string, string>();
  const ls = createYamlService(registry, (u) => texts.get(u));
  const document = TextDocument.create(uri, 'yaml', ++version, initial);
  return {
    document,
    registry,
    /** Applies changes given as offsets into the text each one sees (the previous ones applied). */
    apply(changes: ReadonlyArray<{ from: number; to: number; text: string }>): void {
      const ranged = [];
      // A scratch copy gives the positions each change is stated in, after the ones before it.
      const scratch = TextDocument.create('file:///w/scratch.yaml', 'yaml', 0, document.getText());
      for (const c of changes) {
        const change = { range: { start: scratch.positionAt(c.from), end: scratch.positionAt(c.to) }, text: c.text };
        ranged.push(change);
        TextDocument.update(scratch, [change], scratch.version + 1);
      }
      TextDocument.update(document, ranged, ++version);
    },
    async validate(): Promise<Diagnostic[]> {
      texts.set(uri, document.getText());
      return ls.doValidation(document, false);
    },
    async validateOther(other: TextDocument): Promise<Diagnostic[]> {
      texts.set(uri, other.getText());
      return ls.doValidation(other, false);
    },
    async wholeFile(): Promise<Diagnostic[]> {
      incrementalValidationControl.wholeFile = true;
      try {
        return await ls.doValidation(TextDocument.create(uri, 'yaml', ++version, document.getText()), false);
      } finally {
        incrementalValidationControl.wholeFile = false;
      }
    },
  };
}

/** Deterministic pseudo-random numbers (mulberry32), so a failing sequence can be replayed by its seed. */
function random(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

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

describe('incremental validation: edits the server records, applied to the kept documents', function () {
  this.timeout(120_000);

  it('a keystroke inside one document of fifty validates that document without reading the whole text', async () => {
    const ed = editor(file(50));
    assert.deepEqual(await ed.validate(), []);
    const text = ed.document.getText();
    const at = text.indexOf('replicas: 2') + 'replicas: '.length;
    const start = counts();
    ed.apply([{ from: at, to: at + 1, text: 't' }]);
    const diagnostics = await ed.validate();
    const after = counts();
    assert.equal(after.cuts - start.cuts, 0, 'the recorded change is applied to the kept pieces');
    assert.equal(after.validated - start.validated, 1);
    assert.equal(after.reused - start.reused, 49);
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0]!.range.start.line, ed.document.positionAt(at).line);
    assert.deepEqual(diagnostics, await ed.wholeFile());
    // Typing on: two more characters in two events, then one event with two changes in two documents.
    ed.apply([{ from: at + 1, to: at + 1, text: 'w' }]);
    ed.apply([{ from: at + 2, to: at + 2, text: 'o' }]);
    const other = ed.document.getText().indexOf('name: config-') + 'name: '.length;
    ed.apply([
      { from: at, to: at + 3, text: '2' },
      { from: other, to: other, text: 'x-' },
    ]);
    const before2 = counts();
    assert.deepEqual(await ed.validate(), []);
    assert.equal(counts().cuts - before2.cuts, 0);
    assert.equal(counts().validated - before2.validated, 2);
  });

  it('typing on the last line, blank and then not, validates the last document and those with problems only', async () => {
    const ed = editor(file(50, (i) => (i === 10 ? deployment(i, 'ten') : i % 2 === 0 ? deployment(i) : configMap(i))));
    assert.equal((await ed.validate()).length, 1);
    for (const typed of ['x: 1', '\n', 'y', 'z']) {
      const end = ed.document.getText().length;
      ed.apply([{ from: end, to: end, text: typed }]);
      const start = counts();
      const diagnostics = await ed.validate();
      // The file's last line went from blank to not or back (all but 'z'): node lengths in every
      // document change, which only moves the ends of ranges; the one with a problem is validated again.
      assert.equal(counts().cuts - start.cuts, 0);
      assert.equal(counts().validated - start.validated, typed === 'z' ? 1 : 2, JSON.stringify(typed));
      assert.deepEqual(diagnostics, await ed.wholeFile());
    }
  });

  it('cuts the whole text again after a full-text change, too many changes, or on another document object', async () => {
    const ed = editor(file(12));
    await ed.validate();
    const at = ed.document.getText().indexOf('name: config-3') + 'name: '.length;
    // A change without a range (full sync) replaces the whole text.
    TextDocument.update(ed.document, [{ text: ed.document.getText().replace('replicas: 2', 'replicas: no') }], ++version);
    let start = counts();
    const full = await ed.validate();
    assert.equal(counts().cuts - start.cuts, 1);
    assert.equal(full.length, 1);
    assert.deepEqual(full, await ed.wholeFile());
    // More changes between two validations than are kept: 1,001 one-character edits.
    for (let n = 0; n < 1_001; n++) ed.apply([{ from: at, to: at + 1, text: n % 2 === 0 ? 'C' : 'c' }]);
    start = counts();
    assert.deepEqual(await ed.validate(), full);
    assert.equal(counts().cuts - start.cuts, 1);
    // The same file opened again: another document object, whose edits this cache never saw.
    const reopened = TextDocument.create(ed.document.uri, 'yaml', ++version, ed.document.getText());
    TextDocument.update(reopened, [{ range: { start: reopened.positionAt(at), end: reopened.positionAt(at + 1) }, text: 'k' }], ++version);
    start = counts();
    await ed.validateOther(reopened);
    assert.equal(counts().cuts - start.cuts, 1);
  });

  it('a keystroke that changes a kind asks for the file’s schema again; one that does not, does not', async () => {
    const ed = editor(file(10));
    let asked = 0;
    const schemaUriFor = ed.registry.schemaUriFor.bind(ed.registry);
    ed.registry.schemaUriFor = (text: string) => (asked++, schemaUriFor(text));
    await ed.validate();
    const text = ed.document.getText();
    const value = text.indexOf('name: config-3') + 'name: config-'.length;
    const before = asked;
    ed.apply([{ from: value, to: value + 1, text: '9' }]);
    assert.deepEqual(await ed.validate(), []);
    assert.equal(asked, before, 'same kinds: the answer kept for this file');
    // The ConfigMap becomes a Service with a wrong port: a kind the file's schema did not name before.
    const kind = ed.document.getText().indexOf('kind: ConfigMap', value - 60);
    ed.apply([{ from: kind, to: kind + 'kind: ConfigMap'.length, text: 'kind: Service' }]);
    const start = counts();
    const diagnostics = await ed.validate();
    assert.ok(asked > before, 'a new kind: the provider is asked');
    assert.deepEqual(diagnostics, await ed.wholeFile());
    // The schema URI names another kind set, so every document is validated against it again.
    assert.equal(counts().validated - start.validated, 10);
  });

  it('a cluster layer that arrives between two keystrokes is used by the second one', async () => {
    const widget = 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec:\n  size: big\n';
    const ed = editor(`${file(4)}---\n${widget}`);
    assert.deepEqual(await ed.validate(), [], 'no layer knows Widget yet');
    ed.registry.setClusterLayer(
      'sim',
      layerFromOpenApi(
        [
          {
            components: {
              schemas: {
                W: {
                  type: 'object',
                  properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, spec: { type: 'object', properties: { size: { type: 'integer' } } } },
                  'x-kubernetes-group-version-kind': [{ group: 'example.com', version: 'v1', kind: 'Widget' }],
                },
              },
            },
          },
        ],
        { prefix: 'c0.', label: 'cluster sim' },
      ),
    );
    // A keystroke in another document: the file's kinds are the same, its schema is not.
    const at = ed.document.getText().indexOf('name: web-0') + 'name: web-'.length;
    ed.apply([{ from: at, to: at + 1, text: '7' }]);
    const diagnostics = await ed.validate();
    assert.equal(diagnostics.length, 1);
    assert.match(diagnostics[0]!.message, /Incorrect type\. Expected "integer"/);
    assert.deepEqual(diagnostics, await ed.wholeFile());
  });

  it('an edit that adds or removes a `---` line takes the whole-text path and still equals a whole-file validation', async () => {
    const ed = editor(file(20));
    await ed.validate();
    const at = ed.document.getText().indexOf('kind: ConfigMap');
    let start = counts();
    ed.apply([{ from: at, to: at, text: 'a: 1\n---\n' }]);
    assert.deepEqual(await ed.validate(), await ed.wholeFile());
    assert.equal(counts().cuts - start.cuts, 1);
    const marker = ed.document.getText().indexOf('---\n');
    start = counts();
    ed.apply([{ from: marker, to: marker + 4, text: '' }]);
    const merged = await ed.validate();
    assert.equal(counts().cuts - start.cuts, 1);
    assert.deepEqual(merged, await ed.wholeFile());
  });

  // Random sequences of what an editor sends: characters typed and deleted inside a line, lines added
  // and removed, values made wrong, `---` lines added and removed, edits at the start and the end of
  // the file, several changes in one event, several events between two validations, and undo (the
  // inverse change of an earlier edit). After every validation the diagnostics equal a whole-file one.
  for (const seed of [1, 2, 3, 5, 6, 7, 8, 9]) {
    it(`equals a whole-file validation after every step of a random edit sequence (seed ${seed})`, async () => {
      const next = random(seed);
      const base = seed % 2 === 0 ? file(14) : `# header\n---\n${file(12, (i) => (i % 3 === 0 ? deployment(i, i === 6 ? 'x' : '2') : configMap(i)))}`;
      const ed = editor(seed % 4 === 3 ? base.replace(/\n/g, '\r\n') : seed % 4 === 0 ? base.trimEnd() : base);
      const undo: Array<{ from: number; to: number; text: string }> = [];
      const eol = seed % 4 === 3 ? '\r\n' : '\n';
      const pick = <T>(xs: readonly T[]): T => xs[next(xs.length)] as T;
      const lineStart = (text: string): number => {
        const starts = [0];
        for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
        return pick(starts);
      };
      /** One change against the text, and its inverse against the text after it. */
      const change = (text: string): { from: number; to: number; text: string } => {
        // Mostly typing inside a document, as an editor does; the rest now and then.
        const kind = pick([0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10]);
        const at = next(text.length + 1);
        const lineEnd = (p: number) => {
          const lf = text.indexOf('\n', p);
          return lf < 0 ? text.length : lf > 0 && text[lf - 1] === '\r' ? lf - 1 : lf;
        };
        switch (kind) {
          case 0:
            return { from: at, to: at, text: next(12) === 0 ? pick(['"', '{', "'", '&a ', '*a']) : pick(['a', ' ', '1', ':', '#', '-', 'x']) };
          case 1: {
            const end = lineEnd(at);
            return { from: at, to: Math.min(end, at + 1 + next(4)), text: '' };
          }
          case 2: {
            const m = /replicas: \w+|mode: "\w+"|name: [\w-]+|kind: \w+/g;
            const found = [...text.matchAll(m)];
            const hit = found.length > 0 ? pick(found) : undefined;
            return hit ? { from: hit.index!, to: hit.index! + hit[0].length, text: pick(['replicas: many', 'replicas: 3', 'mode: [1]', 'name: renamed', 'name: {a: 1}', 'kind: Service', 'kind: Secret', 'kind: ConfigMap']) } : { from: at, to: at, text: 'x' };
          }
          case 3: {
            const s = lineStart(text);
            return { from: s, to: s, text: pick([`  extra: 1${eol}`, `# note${eol}`, `bogus: true${eol}`, eol]) };
          }
          case 4: {
            const s = lineStart(text);
            return { from: s, to: s, text: pick([`---${eol}`, `---${eol}apiVersion: v1${eol}kind: ConfigMap${eol}metadata: {name: new}${eol}data: {a: [1]}${eol}`]) };
          }
          case 5: {
            const markers = [...text.matchAll(/^---(?:\r?\n|$)/gm)];
            const hit = markers.length > 0 ? pick(markers) : undefined;
            return hit ? { from: hit.index!, to: hit.index! + hit[0].length, text: '' } : { from: 0, to: 0, text: `# top${eol}` };
          }
          case 6:
            return { from: 0, to: 0, text: pick([`# top${eol}`, `---${eol}`, 'x']) };
          case 7:
            return { from: text.length, to: text.length, text: pick([`${eol}---${eol}apiVersion: v1${eol}kind: ConfigMap${eol}metadata: {name: end}${eol}`, 'z', eol, `  k: v${eol}`]) };
          case 8: {
            const s = lineStart(text);
            const e = lineEnd(s);
            return { from: s, to: Math.min(text.length, e + eol.length), text: '' };
          }
          case 9: {
            // A change across document boundaries: a few lines around a `---`.
            const m = text.indexOf(`${eol}---`, at);
            return m < 0 ? { from: at, to: at, text: 'y' } : { from: Math.max(0, m - 3), to: Math.min(text.length, m + eol.length + 5), text: pick(['', `: 1${eol}---${eol}b`, 'q']) };
          }
          default: {
            const last = undo.pop();
            return last ?? { from: at, to: at, text: '\t' };
          }
        }
      };
      await ed.validate();
      const start = counts();
      const steps = 80;
      for (let step = 0; step < steps; step++) {
        const events = 1 + (next(4) === 0 ? 1 : 0);
        for (let e = 0; e < events; e++) {
          const parts = 1 + (next(5) === 0 ? 1 + next(2) : 0);
          const changes = [];
          let text = ed.document.getText();
          for (let k = 0; k < parts; k++) {
            const c = change(text);
            changes.push(c);
            const applied = text.slice(0, c.from) + c.text + text.slice(c.to);
            if (next(2) === 0) undo.push({ from: c.from, to: c.from + c.text.length, text: text.slice(c.from, c.to) });
            text = applied;
          }
          ed.apply(changes);
        }
        const incremental = await ed.validate();
        const whole = await ed.wholeFile();
        assert.deepEqual(incremental, whole, `seed ${seed} step ${step}:\n${ed.document.getText()}`);
      }
      // Both paths ran: edits applied to the kept pieces, and the whole text cut again.
      const cuts = counts().cuts - start.cuts;
      assert.ok(cuts > 0 && cuts < steps, `${cuts} of ${steps} validations cut the whole text`);
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
