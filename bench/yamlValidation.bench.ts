/**
 * Validation latency of a 1,000-document manifest file (Deployments, Services, ConfigMaps) through
 * yaml-language-server with our composed schemas, as the extension's server validates a file after
 * an edit: the schema is resolved once (first case), then each validation re-parses and re-checks
 * every document (second case). Also the per-request work on the extension side: the kind scan and
 * schema URI of the file, which runs on every validation request.
 *
 * Before (2 cores shared with other work): cold 35–49 s, warm 16–49 s, schema URI 5–12 ms per request.
 * yaml-language-server asked for the file's schema once per document and, for a custom-provider URI,
 * loaded, parsed and resolved it again each time (src/infra/schema/customSchemaCache.ts now resolves a
 * URI once), and the per-request kind scan ran 1,000 times over the whole file (now remembered per text).
 * After (same machine, median): cold 1.7 s, warm 0.77 s, one document edited in the 1,000-document
 * file 0.69 s, a 1-document file edited 1.2 ms, schema URI per request ~0 ms (same text).
 * What was left on a warm validation was yaml-language-server re-parsing and re-checking the whole
 * file. Issue 18: an edit now validates only the documents whose text changed
 * (src/infra/schema/incrementalValidation.ts); the target is a keystroke in the 1,000-document file
 * as fast as in a one-document file, so the bench prints that ratio, measured side by side in each
 * run. Before (same machine, loaded): 1,000-document keystroke 207–690 ms vs 0.55–1.2 ms for one
 * document; the "whole file" case below keeps the upstream path measured.
 *
 * Then each keystroke still cut the whole text at its `---` lines, compared 1,000 pieces with the
 * kept ones, scanned the whole text for its kinds (the schema provider) and merged 1,000 results:
 * 3.4 ms vs 0.75–1.0 ms, ratio 7.0–8.1 (median 7.4 over 3 runs of this bench, main at 83ecb48). Now the
 * keystrokes reach validation as the editor sends them (a `didChange` range, applied by the server's
 * document store with `TextDocument.update`, recorded by incrementalValidation.ts), are applied to
 * the kept pieces (core/manifest/documentStarts.ts editPieces), and the file's schema answer is
 * kept while the edited document names the same kinds: 0.65–0.98 ms, ratio 1.13–1.14 (median 1.13,
 * 3 runs). Counting the server's own `TextDocument.update` (vscode-languageserver-textdocument joins
 * the whole text of the file again on every change, ~0.25 ms here, not ours), the ratio is 1.55–1.79.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from 'vscode-languageserver-types';
import { SchemaRegistry } from '../src/core/schema/registry';
import { readBuiltinLayer } from '../src/infra/schema/builtinBundle';
import { incrementalValidationControl } from '../src/infra/schema/incrementalValidation';
import { createYamlService } from '../src/infra/schema/yamlService';
import { REPO_ROOT } from '../test/support/paths';
import type { BenchCase } from './harness';
import { generateManifests } from './yamlParse.bench';

const TEXT = generateManifests(1000);
const ONE = generateManifests(1);
let version = 0;
let edits = 0;

/** The text after the n-th edit: one document's replicas changed (a one-character edit). */
const edited = (text: string, n: number): string => text.replace(/replicas: \d+/, `replicas: ${n % 9}`);

function fresh() {
  const registry = new SchemaRegistry(() => readBuiltinLayer(REPO_ROOT));
  const texts = new Map<string, string>();
  const ls = createYamlService(registry, (uri) => texts.get(uri));
  const check = (diagnostics: readonly Diagnostic[]): number => {
    if (diagnostics.length > 0) throw new Error(`bench manifests should be valid: ${diagnostics[0]!.message}`);
    return diagnostics.length;
  };
  return {
    registry,
    validate: async (text = TEXT, uri = 'file:///bench/manifests.yaml') => {
      texts.set(uri, text);
      return check(await ls.doValidation(TextDocument.create(uri, 'yaml', ++version, text), false));
    },
    /**
     * A file open in the editor: each keystroke reaches the server as a `didChange` with its range,
     * which the server's document store applies with `TextDocument.update` (the same document object,
     * edited in place), then the server validates that document. The keystroke replaces one digit of
     * a `replicas:` value in the document in the middle of the file.
     */
    open: (text: string, uri: string) => {
      const document = TextDocument.create(uri, 'yaml', ++version, text);
      const at = document.positionAt(text.indexOf('replicas: ', text.lastIndexOf('\n---', text.length >> 1) + 1) + 'replicas: '.length);
      let n = 0;
      return {
        keystroke: () => TextDocument.update(document, [{ range: { start: at, end: { line: at.line, character: at.character + 1 } }, text: String(++n % 9) }], ++version),
        validate: async () => {
          texts.set(uri, document.getText());
          return check(await ls.doValidation(document, false));
        },
      };
    },
  };
}

const warm = fresh();
const openMany = warm.open(TEXT, 'file:///bench/open-1000.yaml');
const openOne = warm.open(ONE, 'file:///bench/open-1.yaml');

const timed = async (fn: () => unknown): Promise<number> => {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
};

export const cases: BenchCase[] = [
  {
    name: 'yamlValidation: 1,000 docs cold (bundle + schema resolve + validate)',
    unit: 'ms',
    runs: 1,
    better: 'lower',
    measure: () => timed(() => fresh().validate()),
  },
  {
    name: 'yamlValidation: 1,000 docs warm (validate after an edit)',
    unit: 'ms',
    runs: 3,
    warmup: 1,
    better: 'lower',
    measure: () => timed(() => warm.validate()),
  },
  {
    name: 'yamlValidation: 1,000 docs, one document edited, whole file re-validated (upstream path, before)',
    unit: 'ms',
    runs: 5,
    warmup: 1,
    better: 'lower',
    measure: async () => {
      incrementalValidationControl.wholeFile = true;
      try {
        return await timed(() => warm.validate(edited(TEXT, ++edits)));
      } finally {
        incrementalValidationControl.wholeFile = false;
      }
    },
  },
  {
    name: 'yamlValidation: keystroke in a 1,000-doc file (changed documents only)',
    unit: 'ms',
    runs: 50,
    warmup: 3,
    better: 'lower',
    measure: () => {
      openMany.keystroke();
      return timed(() => openMany.validate());
    },
  },
  {
    name: 'yamlValidation: keystroke in a 1-document file (floor)',
    unit: 'ms',
    runs: 50,
    warmup: 3,
    better: 'lower',
    measure: () => {
      openOne.keystroke();
      return timed(() => openOne.validate());
    },
  },
  {
    // Both keystrokes, one after the other in each run, so machine load touches both alike (target ≤ 1.5).
    // Timed from the change applied to the server's document to the diagnostics.
    name: 'yamlValidation: ratio keystroke 1,000-doc file / 1-doc file (target ≤ 1.5)',
    unit: '×',
    runs: 30,
    warmup: 3,
    better: 'lower',
    measure: async () => {
      openMany.keystroke();
      const many = await timed(() => openMany.validate());
      openOne.keystroke();
      const one = await timed(() => openOne.validate());
      return many / one;
    },
  },
  {
    // The same, with the document store's `TextDocument.update` timed too (vscode-languageserver-
    // textdocument: it re-joins the whole text of the file on every change, which we do not own).
    name: 'yamlValidation: ratio keystroke incl. the server applying the change, 1,000-doc / 1-doc',
    unit: '×',
    runs: 30,
    warmup: 3,
    better: 'lower',
    measure: async () => {
      const many = await timed(() => (openMany.keystroke(), openMany.validate()));
      const one = await timed(() => (openOne.keystroke(), openOne.validate()));
      return many / one;
    },
  },
  {
    name: 'yamlValidation: the server applying a keystroke to a 1,000-doc file (TextDocument.update, upstream)',
    unit: 'ms',
    runs: 50,
    warmup: 3,
    better: 'lower',
    measure: () => timed(() => openMany.keystroke()),
  },
  {
    // What the extension does for the server's schema request and for its diagnostics filter
    // (src/vscode/yaml/yamlAuthoring.ts isKubernetes) after a keystroke: the text changed, so the
    // registry cuts it again and re-reads the kinds of the pieces that differ.
    name: 'yamlValidation: schema URI of a 1,000-doc file after a one-character edit',
    unit: 'ms',
    runs: 50,
    warmup: 2,
    better: 'lower',
    measure: () => {
      // A flat string, as the extension's `getText()` gives (the edit alone gives a rope, which the
      // first read would flatten).
      const text = Buffer.from(edited(TEXT, ++edits)).toString();
      return timed(() => warm.registry.schemaUriFor(text));
    },
  },
  {
    name: 'yamlValidation: schema URI of a 1,000-doc file (per request)',
    unit: 'ms',
    runs: 50,
    warmup: 2,
    better: 'lower',
    measure: () => timed(() => warm.registry.schemaUriFor(TEXT)),
  },
];
