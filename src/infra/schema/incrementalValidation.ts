/**
 * Validates only the documents of a multi-document YAML file whose text changed since the last
 * validation of that file, and reuses the diagnostics of the others (issue 18).
 *
 * yaml-language-server 1.25 re-parses the whole file on every edit and validates every document
 * (`YAMLValidation.doValidation`, languageservice/services/yamlValidation.ts): an edit in one document
 * of a 1,000-document file cost ~200–700 ms where that document alone costs ~0.5 ms. Each document's
 * diagnostics depend only on its own text, its index (a schema's `schemaSequence`), the file's schema
 * (from the custom schema provider: our URI names the kinds of the whole file and a generation) and
 * the service's settings. So the file is cut at its `---` lines (cutAtDocumentStarts: a `---` line at
 * column 0 ends a document in any scalar or flow, YAML 1.2 §9.1.4), each piece is parsed on its own with
 * yaml-language-server's own parser, and its diagnostics, shifted to the piece's first line, are kept
 * under that key. What runs per document and what runs over the whole result (dropping "Matches
 * multiple schemas" for Kubernetes, merging and de-duplicating, `# yaml-language-server-disable`) is
 * the upstream `doValidation` redone in the same order, so the result equals a whole-file validation
 * (test/unit/infra/schema/incrementalValidation.test.ts compares them).
 *
 * Files the cut might not match the parser on take the upstream path: `%` directives, `...` document
 * ends, whitespace-only texts, a quoted scalar left open, a syntax error at a document's end (an open
 * flow collection); so do files with one document.
 *
 * A keystroke does not read the whole text: the server's document store applies each `didChange`
 * range with `TextDocument.update`, which recordDocumentChanges records; validation applies those
 * ranges to the pieces it kept (core/manifest/documentStarts.ts editPieces) and validates the pieces
 * they changed. Any change it is unsure of (a `---` line added or removed, a change across documents,
 * a missed change) takes the whole-text cut above, which compares the pieces with the kept ones.
 */
import { TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import type { Diagnostic, Range } from 'vscode-languageserver-types';
import { Lexer, type Document } from 'yaml';
import { measureDocument } from '../../core/manifest/boundedYaml';
import { documentKinds } from '../../core/schema/kinds';
import { cutAtDocumentStarts, editPieces, hasContent, hasDocumentEnd, reuseByPiece, type PieceMemo, type RangeEdit } from '../../core/manifest/documentStarts';

/** The members of yaml-language-server's SingleYAMLDocument this relies on. */
interface SingleDocument {
  errors: unknown[];
  warnings: unknown[];
  isKubernetes?: boolean;
  currentDocIndex?: number;
  disableAdditionalProperties?: boolean;
  uri?: string;
  internalDocument?: unknown;
}

/** The members of yaml-language-server's YAMLValidation this relies on. */
interface ValidationInternals {
  validationEnabled: boolean;
  customTags?: string[];
  yamlVersion?: string;
  disableAdditionalProperties?: boolean;
  MATCHES_MULTIPLE: string;
  schemaService: { customSchemaProvider?: (uri: string) => Promise<unknown> };
  configure(settings: unknown): void;
  doValidation(textDocument: TextDocument, isKubernetes?: boolean): Promise<Diagnostic[]>;
  hasKubernetesModelineSchema(doc: SingleDocument): boolean;
  getSchemaDiagnostics(textDocument: TextDocument, doc: SingleDocument): Promise<Diagnostic[]>;
  runAdditionalValidators(textDocument: TextDocument, doc: SingleDocument): Diagnostic[];
}

/** The parts of yaml-language-server the patch uses, from the module instance the service uses. */
export interface ValidationModules {
  /** languageservice/services/yamlValidation: the class and its YAMLDocDiagnostic → Diagnostic conversion. */
  readonly YAMLValidation: { prototype: object };
  readonly yamlDiagToLSDiag: (diagnostic: never, textDocument: TextDocument) => Diagnostic;
  /** languageservice/parser/yamlParser07 `parse`. */
  readonly parse: (text: string, options: { customTags?: string[]; yamlVersion?: string }, document: TextDocument) => { documents: SingleDocument[] };
  /** languageservice/utils/diagnostic-filter `filterSuppressedDiagnostics`. */
  readonly filterSuppressedDiagnostics: (
    diagnostics: Diagnostic[],
    line: (d: Diagnostic) => number,
    message: (d: Diagnostic) => string,
    lineText: (line: number) => string | undefined,
  ) => Diagnostic[];
}

/** What one piece of a file produced, with lines counted from the piece's first line. */
interface PieceResult {
  /** Index in the file of the piece's first document: part of the key (a schema's `schemaSequence`). */
  readonly index: number;
  /** Line ends in the piece, to place the pieces after it. */
  readonly lines: number;
  readonly diagnostics: readonly Diagnostic[];
  readonly documents: number;
  /** Some document has a Kubernetes modeline (upstream then drops "Matches multiple schemas" file-wide). */
  readonly kubernetesModeline: boolean;
  /** Some document is over boundedYaml's limits: upstream (boundedDocuments.ts) then serves no documents. */
  readonly overLimits: boolean;
  /**
   * A quoted scalar is not closed in the piece. The `yaml` lexer (parse/lexer.ts parseQuotedScalar) stops
   * a quoted scalar at a `---` line only when it finds a closing quote somewhere after it; without
   * one the scalar runs to the end of the text, over the following documents. The piece alone cannot
   * tell which, so the file takes the upstream path.
   */
  readonly unclosedQuote: boolean;
  /**
   * A syntax error reaches the piece's end, the first line of the next piece: there the whole file may
   * place it otherwise (a flow collection left open ends at the next `---`, and its error spans the
   * marker; `yaml` compose/resolve-flow-collection.ts), so unless the piece is the last the file takes
   * the upstream path.
   */
  readonly reachesEnd: boolean;
  /**
   * Parsed as a piece followed by more text (not the last, in a file whose last line is not blank):
   * node lengths are counted differently (yamlParser07 `parse` isLastLineEmpty, ast-converter
   * toFixedOffsetLength), which moves the ends of diagnostic ranges. So a piece with diagnostics is
   * validated again when this changes (it becomes or stops being the last one, or the file's last line
   * becomes blank or not); one without keeps its empty result: lengths decide no problem, only ranges.
   */
  readonly countLines: boolean;
}

interface FileCache extends PieceMemo<PieceResult> {
  readonly context: string;
  /** The custom schema provider's answer for the file. */
  readonly schemas: SchemaAnswer | undefined;
  /** The document object validated, its version and text length then: edits recorded since apply to `pieces`. */
  readonly document: object;
  readonly version: number;
  readonly length: number;
  /** First line of each piece; undefined where edits are not applied to the pieces (a result cut short, a lone CR). */
  readonly startLines: readonly number[] | undefined;
}

/** Changes applied to a document (TextDocument.update) since the version `from`; undefined changes: too many kept. */
interface ChangeLog {
  readonly from: number;
  changes: TextDocumentContentChangeEvent[] | undefined;
}

const changeLogs = new WeakMap<object, ChangeLog>();
/** Beyond this many changes between two validations, the whole file is cut again. */
const MAX_LOGGED_CHANGES = 1_000;
const RECORDING = Symbol.for('gitops-lens.incrementalValidation.changes');

/**
 * Records the changes the language server applies to its documents, so that validation can apply
 * them to the pieces it kept instead of cutting and comparing the whole text (issue 18). The server's
 * document store (vscode-languageserver `TextDocuments`, built by yaml-language-server's
 * `SettingsState` with this `TextDocument` namespace as its configuration) calls
 * `TextDocument.update(document, changes, version)` for every `textDocument/didChange`: with
 * incremental sync each change carries its range. The document is updated in place, so it is the key.
 * Returns false, changing nothing, if the namespace has no `update`.
 */
export function recordDocumentChanges(textDocumentNamespace: object): boolean {
  const ns = textDocumentNamespace as {
    update?: (document: TextDocument, changes: TextDocumentContentChangeEvent[], version: number) => TextDocument;
    [RECORDING]?: true;
  };
  if (ns[RECORDING]) return true;
  const original = ns.update;
  if (typeof original !== 'function') return false;
  ns.update = (document, changes, version) => {
    const log = changeLogs.get(document) ?? { from: document.version, changes: [] };
    if (log.changes !== undefined && log.changes.length + changes.length <= MAX_LOGGED_CHANGES) log.changes.push(...changes);
    else log.changes = undefined;
    changeLogs.set(document, log);
    return original.call(ns, document, changes, version);
  };
  ns[RECORDING] = true;
  return true;
}

/**
 * Counters for tests and the bench (`wholeTextCuts`: validations that read the whole text, not only
 * the recorded edits); `wholeFile` turns the patch off (the upstream path), so a test can
 * compare both on the same service.
 */
export const incrementalValidationControl = { wholeFile: false, validatedDocuments: 0, reusedDocuments: 0, wholeTextCuts: 0 };

const PATCHED = Symbol.for('gitops-lens.incrementalValidation');
/** Files whose pieces are kept (open editors); the least recently validated is dropped first. */
const MAX_FILES = 32;

/**
 * Patches `YAMLValidation.prototype` of the given module instance (CommonJS `out/server/src/…`
 * in-process, `lib/esm/…` in dist/yamlServer.js). Returns false, leaving validation as it is, if the
 * class no longer has the members this relies on (a yaml-language-server upgrade).
 */
export function validateChangedDocumentsOnly(modules: ValidationModules): boolean {
  const proto = modules.YAMLValidation.prototype as Partial<ValidationInternals> & { [PATCHED]?: true };
  if (proto[PATCHED]) return true;
  const original = proto.doValidation;
  const originalConfigure = proto.configure;
  if (
    typeof original !== 'function' ||
    typeof originalConfigure !== 'function' ||
    typeof proto.getSchemaDiagnostics !== 'function' ||
    typeof proto.runAdditionalValidators !== 'function' ||
    typeof proto.hasKubernetesModelineSchema !== 'function'
  ) {
    return false;
  }
  const caches = new WeakMap<object, Map<string, FileCache>>();
  // Settings change custom tags, the YAML version, validators and schema associations: start over.
  proto.configure = function (this: ValidationInternals, settings: unknown): void {
    caches.delete(this);
    originalConfigure.call(this, settings);
  };
  proto.doValidation = async function (this: ValidationInternals, textDocument: TextDocument, isKubernetes = false): Promise<Diagnostic[]> {
    // Taken on every call: the next log starts at this version, whatever this call does.
    const log = changeLogs.get(textDocument);
    changeLogs.delete(textDocument);
    if (!this.validationEnabled) return [];
    if (incrementalValidationControl.wholeFile) return original.call(this, textDocument, isKubernetes);
    let files = caches.get(this);
    if (!files) caches.set(this, (files = new Map()));
    const version = textDocument.version;
    const cached = files.get(textDocument.uri);
    try {
      // The common keystroke: the recorded changes applied to the kept pieces, one piece validated.
      const edited = cached === undefined ? undefined : await validateEdits(this, modules, files, textDocument, version, isKubernetes, cached, log);
      if (edited !== undefined) return edited;
    } catch {
      // The whole-file path below decides (and the upstream path if that fails too).
      files.delete(textDocument.uri);
    }
    const text = textDocument.getText();
    incrementalValidationControl.wholeTextCuts++;
    const pieces = piecesOf(text);
    if (pieces === undefined) return original.call(this, textDocument, isKubernetes);
    try {
      return await validatePieces(this, modules, files, textDocument, version, text, isKubernetes, pieces);
    } catch (err) {
      // Whatever else went wrong (a schema provider error, an upstream change), the upstream path decides.
      if (!(err instanceof WholeFileNeeded)) files.delete(textDocument.uri);
      return original.call(this, textDocument, isKubernetes);
    }
  };
  proto[PATCHED] = true;
  return true;
}

/** Whether a piece's result at `index` of `count` pieces is what the whole file gives there. */
function standsAlone(result: PieceResult, index: number, count: number): boolean {
  return !result.unclosedQuote && !(result.reachesEnd && index < count - 1);
}

/** A piece the cut cannot stand for on its own (PieceResult.unclosedQuote, reachesEnd). */
class WholeFileNeeded extends Error {}

/** The file cut at its `---` lines, or undefined where the upstream path is the safe one. */
function piecesOf(text: string): string[] | undefined {
  if (!/\S/.test(text) || text.startsWith('%') || text.includes('\n%') || hasDocumentEnd(text)) return undefined;
  const pieces = cutAtDocumentStarts(text);
  // Comments before the first `---` belong to its document (its header comments: modelines).
  const first = pieces[0];
  const second = pieces[1];
  if (first !== undefined && second !== undefined && !hasContent(first)) pieces.splice(0, 2, first + second);
  return pieces.length < 2 ? undefined : pieces;
}

/** What, besides its text, a piece's diagnostics depend on (see the file comment). */
function contextOf(isKubernetes: boolean, schemas: SchemaAnswer | undefined): string {
  return `${isKubernetes}\u0000${schemas?.json ?? ''}`;
}

/** The custom schema provider's answer for a file, and as JSON for the cache key. */
interface SchemaAnswer {
  readonly answer: unknown;
  readonly json: string;
}

/** The file's schema: our URI changes with the file's kinds and with every cluster schema layer. */
async function schemasOf(service: ValidationInternals, uri: string): Promise<SchemaAnswer | undefined> {
  if (!service.schemaService.customSchemaProvider) return undefined;
  const answer = await service.schemaService.customSchemaProvider(uri);
  return { answer, json: JSON.stringify(answer ?? null) };
}

/**
 * Calls `call` with the schema service's custom schema provider answering `schemas` for the time of
 * the call. yaml-language-server's `getSchemaDiagnostics` asks the provider for every document it
 * validates (`YAMLSchemaService.getSchemaForResource`), before its first `await`: in the server a
 * request to the extension, which reads the whole text of the file; the answer for this file was
 * taken once for this validation. Swapped and restored synchronously, so no other request sees it; if
 * an upgrade asked later, the real provider would answer, only slower.
 */
function answering<T>(service: ValidationInternals, schemas: SchemaAnswer | undefined, call: () => T): T {
  const schemaService = service.schemaService;
  const provider = schemaService.customSchemaProvider;
  if (provider === undefined || schemas === undefined) return call();
  schemaService.customSchemaProvider = () => Promise.resolve(schemas.answer);
  try {
    return call();
  } finally {
    schemaService.customSchemaProvider = provider;
  }
}

/**
 * Whether pieces name the same kinds, in the same order, as kinds.ts reads them (the registry's rule for
 * the file's schema URI, src/core/schema/registry.ts).
 */
function sameKinds(before: string, after: string): boolean {
  const a = documentKinds(before);
  const b = documentKinds(after);
  return a.length === b.length && a.every((k, i) => k?.apiVersion === b[i]?.apiVersion && k?.kind === b[i]?.kind);
}

/** Whether a piece's result holds at `index` of `count` pieces (PieceResult.countLines). */
function reusable(result: PieceResult, index: number, count: number, lastLineEmpty: boolean): boolean {
  return result.diagnostics.length === 0 || result.countLines === (index < count - 1 && !lastLineEmpty);
}

/**
 * Whether the file's last line is blank, which decides how yaml-language-server's parser counts node
 * lengths (yamlParser07 `parse`, isLastLineEmpty); every piece is parsed as the file is.
 */
function lastLineEmptyOf(lastPiece: string): boolean {
  return lastPiece.slice(lastPiece.lastIndexOf('\n') + 1).trim() === '';
}

function keepFile(files: Map<string, FileCache>, uri: string, cache: FileCache): void {
  files.delete(uri);
  files.set(uri, cache);
  while (files.size > MAX_FILES) files.delete(files.keys().next().value as string);
}

/**
 * The changes recorded since the cached validation of this document applied to its pieces, and only
 * the pieces they changed validated; undefined where that cannot stand for a whole-file validation
 * (another document object, a missed or full-text change, a `---` line added or removed, the schema
 * or a piece's document count changed): the caller then cuts the whole text.
 */
async function validateEdits(
  service: ValidationInternals,
  modules: ValidationModules,
  files: Map<string, FileCache>,
  textDocument: TextDocument,
  version: number,
  isKubernetes: boolean,
  cached: FileCache,
  log: ChangeLog | undefined,
): Promise<Diagnostic[] | undefined> {
  if (cached.document !== textDocument || cached.startLines === undefined) return undefined;
  let edits: readonly TextDocumentContentChangeEvent[] = [];
  if (log === undefined ? version !== cached.version : log.from !== cached.version || log.changes === undefined) return undefined;
  if (log?.changes !== undefined) edits = log.changes;
  if (!edits.every((e) => 'range' in e && e.range !== undefined)) return undefined;
  const pieces = [...cached.pieces];
  const startLines = [...cached.startLines];
  const changed = editPieces(pieces, startLines, edits as readonly RangeEdit[]);
  if (changed === undefined) return undefined;
  let length = cached.length;
  for (const i of changed) length += (pieces[i] as string).length - (cached.pieces[i] as string).length;
  // A change this did not see (the text's length is read without building the text).
  if (length !== textDocument.getText().length) return undefined;
  const uri = textDocument.uri;
  const lastLineEmpty = lastLineEmptyOf(pieces[pieces.length - 1] as string);
  // Our custom schema provider answers from the file's kinds and a generation that changes with the
  // cluster layers (core/schema/registry.ts schemaUriFor); a new generation reaches the server as a
  // configuration change (src/vscode/yaml/yamlClient.ts schemasChanged, yamlService.ts in-process),
  // which drops these caches (the `configure` patch above). So while the changed pieces name the same
  // kinds, the answer is the one kept, and a keystroke costs no request to the extension for it.
  const kindsKept = [...changed].every((i) => sameKinds(cached.pieces[i] as string, pieces[i] as string));
  const schemas = kindsKept ? cached.schemas : await schemasOf(service, uri);
  const context = contextOf(isKubernetes, schemas);
  if (context !== cached.context) return undefined;
  const results = [...cached.values];
  // Typing on the file's last line can make it blank or not: then the pieces with diagnostics again.
  if (lastLineEmpty !== lastLineEmptyOf(cached.pieces[cached.pieces.length - 1] as string)) {
    for (const [i, r] of results.entries()) if (!reusable(r, i, pieces.length, lastLineEmpty)) changed.add(i);
  }
  let validated = 0;
  for (const i of [...changed].sort((a, b) => a - b)) {
    const before = results[i] as PieceResult;
    const result = await validatePiece(service, modules, uri, pieces[i] as string, before.index, isKubernetes, i < pieces.length - 1 && !lastLineEmpty, schemas);
    incrementalValidationControl.validatedDocuments += result.documents;
    validated += result.documents;
    // The index of every later document would move, or the file needs the upstream path.
    if (result.documents !== before.documents || !standsAlone(result, i, pieces.length) || result.overLimits) return undefined;
    results[i] = result;
  }
  const lastResult = results[results.length - 1] as PieceResult;
  incrementalValidationControl.reusedDocuments += lastResult.index + lastResult.documents - validated;
  keepFile(files, uri, { context, schemas, pieces, values: results, document: textDocument, version, length, startLines });
  return assemble(service, modules, uri, pieces, results, isKubernetes, startLines);
}

async function validatePieces(
  service: ValidationInternals,
  modules: ValidationModules,
  files: Map<string, FileCache>,
  textDocument: TextDocument,
  version: number,
  text: string,
  isKubernetes: boolean,
  pieces: readonly string[],
): Promise<Diagnostic[]> {
  const uri = textDocument.uri;
  const lastLineEmpty = lastLineEmptyOf(text);
  const schemas = await schemasOf(service, uri);
  const context = contextOf(isKubernetes, schemas);
  const previous = files.get(uri);
  files.delete(uri);
  const known = reuseByPiece(previous?.context === context ? previous : undefined, pieces);
  for (const [i, result] of known.entries()) if (result !== undefined && !reusable(result, i, pieces.length, lastLineEmpty)) known[i] = undefined;
  const results: PieceResult[] = [];
  const keep = () => {
    // Edits are applied to the pieces only when every piece has its result and lines split at LF alone.
    const whole = results.length === pieces.length && results.every((r, i) => standsAlone(r, i, pieces.length) && !r.overLimits) && !/\r(?!\n)/.test(text);
    let line = 0;
    const startLines = whole ? results.map((r) => ((line += r.lines), line - r.lines)) : undefined;
    keepFile(files, uri, { context, schemas, pieces: pieces.slice(0, results.length), values: results, document: textDocument, version, length: text.length, startLines });
    return startLines;
  };
  // Reused pieces are taken in a plain loop (reuseRun); the loop that awaits runs once per changed piece.
  let index = 0;
  for (let i = reuseRun(known, results, 0); i < pieces.length; i = reuseRun(known, results, i + 1)) {
    index = results.length === 0 ? 0 : (results[results.length - 1] as PieceResult).index + (results[results.length - 1] as PieceResult).documents;
    const result = await validatePiece(service, modules, uri, pieces[i] as string, index, isKubernetes, i < pieces.length - 1 && !lastLineEmpty, schemas);
    incrementalValidationControl.validatedDocuments += result.documents;
    results.push(result);
    if (!standsAlone(result, results.length - 1, pieces.length) || result.overLimits) break;
  }
  return assemble(service, modules, uri, pieces, results, isKubernetes, keep());
}

/** Pushes the reusable results from `from` on (same text, same document index); returns the first other piece. */
function reuseRun(known: ReadonlyArray<PieceResult | undefined>, results: PieceResult[], from: number): number {
  const last = results[results.length - 1];
  let index = last === undefined ? 0 : last.index + last.documents;
  let i = from;
  for (; i < known.length; i++) {
    const result = known[i];
    if (result === undefined || result.index !== index) break;
    results.push(result);
    incrementalValidationControl.reusedDocuments += result.documents;
    index += result.documents;
  }
  return i;
}

/** The file's diagnostics from its pieces' results, placed at the pieces' lines. */
function assemble(
  service: ValidationInternals,
  modules: ValidationModules,
  uri: string,
  pieces: readonly string[],
  results: readonly PieceResult[],
  isKubernetes: boolean,
  /** The first line of each piece, where the results were checked already (validateEdits, keep). */
  checked: readonly number[] | undefined,
): Diagnostic[] {
  if (checked === undefined) {
    if (results.some((r, i) => !standsAlone(r, i, pieces.length))) throw new WholeFileNeeded();
    if (results.some((r) => r.overLimits)) return [];
  }
  let line = 0;
  const startLines = checked ?? results.map((r) => ((line += r.lines), line - r.lines));
  const all: Diagnostic[] = [];
  let suppressMatchesMultiple = isKubernetes;
  // Indexed loops: this one runs over every piece on every keystroke.
  for (let i = 0; i < results.length; i++) {
    const result = results[i] as PieceResult;
    if (result.kubernetesModeline) suppressMatchesMultiple = true;
    const found = result.diagnostics;
    for (let k = 0; k < found.length; k++) all.push(shifted(found[k] as Diagnostic, startLines[i] as number, uri));
  }
  const last = results[results.length - 1];
  line = last === undefined ? 0 : (startLines[results.length - 1] as number) + last.lines;
  // A line's text from its piece: the whole file's line index is not built for a few diagnostics.
  const lineText = (at: number): string | undefined => {
    if (at < 0 || at > line) return undefined;
    let lo = 0;
    for (let hi = startLines.length - 1; lo < hi; ) {
      const mid = (lo + hi + 1) >> 1;
      if ((startLines[mid] as number) <= at) lo = mid;
      else hi = mid - 1;
    }
    const piece = pieces[lo] as string;
    let from = 0;
    for (let n = at - (startLines[lo] as number); n > 0; n--) from = piece.indexOf('\n', from) + 1;
    const end = piece.indexOf('\n', from);
    return piece.slice(from, end < 0 ? piece.length : end).replace(/[\r\n]+$/, '');
  };
  return finish(service, modules, all, suppressMatchesMultiple, lineText);
}

/** One piece through the per-document part of upstream `doValidation`, in its order. */
async function validatePiece(
  service: ValidationInternals,
  modules: ValidationModules,
  uri: string,
  text: string,
  firstIndex: number,
  isKubernetes: boolean,
  countLines: boolean,
  schemas: SchemaAnswer | undefined,
): Promise<PieceResult> {
  const pieceDocument = TextDocument.create(uri, 'yaml', 0, text);
  // `parse` looks at the last line of the document it is given only to choose its line counting.
  const shape = countLines ? TextDocument.create(uri, 'yaml', 0, `${text}x`) : pieceDocument;
  const parsed = modules.parse(text, { customTags: service.customTags, yamlVersion: service.yamlVersion }, shape);
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  // Every result is built here, one object literal (not a spread: V8 then gives each its own shape): assemble reads 1,000 of them per keystroke.
  const result = (diagnostics: readonly Diagnostic[], kubernetesModeline: boolean, overLimits: boolean, unclosedQuote: boolean, reachesEnd: boolean): PieceResult => ({
    index: firstIndex,
    lines,
    diagnostics,
    documents: parsed.documents.length,
    kubernetesModeline,
    overLimits,
    unclosedQuote,
    reachesEnd,
    countLines,
  });
  const overLimits = parsed.documents.some((d) => d.internalDocument !== undefined && measureDocument(d.internalDocument as Document.Parsed) !== undefined);
  // An open quote is always an error; where the piece has none, its text is not lexed again. The error
  // is not always MISSING_CHAR: a quoted scalar where no node may start is an unexpected token.
  const unclosedQuote = parsed.documents.some((d) => d.errors.length > 0 || ((d.internalDocument as Document.Parsed | undefined)?.errors.length ?? 0) > 0) && hasUnclosedQuote(text);
  if (overLimits || unclosedQuote) return result([], false, overLimits, unclosedQuote, false);
  const out: Diagnostic[] = [];
  let kubernetesModeline = false;
  let reachesEnd = false;
  for (const [i, doc] of parsed.documents.entries()) {
    const modeline = service.hasKubernetesModelineSchema(doc);
    kubernetesModeline ||= modeline;
    doc.isKubernetes = isKubernetes || modeline;
    doc.currentDocIndex = firstIndex + i;
    doc.disableAdditionalProperties = service.disableAdditionalProperties;
    doc.uri = uri;
    const found = [
      ...doc.errors,
      ...doc.warnings,
      ...(await answering(service, schemas, () => service.getSchemaDiagnostics(pieceDocument, doc))),
      ...service.runAdditionalValidators(pieceDocument, doc),
    ];
    for (const [k, d] of found.entries()) {
      const diagnostic = isYamlDocDiagnostic(d) ? modules.yamlDiagToLSDiag(d as never, pieceDocument) : (d as Diagnostic);
      // Syntax errors only: schema problems sit on nodes, which end where the whole file ends them
      // unless the syntax is unfinished at the end, which is a syntax error there.
      reachesEnd ||= k < doc.errors.length + doc.warnings.length && diagnostic.range.end.line >= lines;
      out.push(diagnostic);
    }
  }
  return result(out, kubernetesModeline, false, false, reachesEnd);
}

/** Some quoted scalar of the text runs to its end (the `yaml` lexer's tokens, parse/lexer.ts). */
function hasUnclosedQuote(text: string): boolean {
  for (const token of new Lexer().lex(text)) {
    const quote = token.charAt(0);
    if (quote !== '"' && quote !== "'") continue;
    // Closed: the last character is the quote, after an even run of backslashes ("a\\\\") or of
    // quotes ('it''s', each `''` one quote in the scalar).
    let run = 0;
    const escape = quote === '"' ? '\\' : "'";
    let end = token.length - 1;
    if (end < 1 || token.charAt(end) !== quote) return true;
    for (end--; end >= 1 && token.charAt(end) === escape; end--) run++;
    if (run % 2 === 1) return true;
  }
  return false;
}

/** The whole-file part of upstream `doValidation`: same rules, same order. */
function finish(
  service: ValidationInternals,
  modules: ValidationModules,
  diagnostics: Diagnostic[],
  suppressMatchesMultiple: boolean,
  lineText: (line: number) => string | undefined,
): Diagnostic[] {
  let previous: Diagnostic | undefined;
  const signatures = new Set<string>();
  const unique: Diagnostic[] = [];
  for (const d of diagnostics) {
    if (suppressMatchesMultiple && d.message === service.MATCHES_MULTIPLE) continue;
    d.source ||= 'YAML';
    if (previous && previous.message === d.message && previous.range.end.line === d.range.start.line && Math.abs(previous.range.end.character - d.range.end.character) >= 1) {
      previous.range.end = d.range.end;
      continue;
    }
    previous = d;
    const signature = `${d.range.start.line} ${d.range.start.character} ${d.message}`;
    if (!signatures.has(signature)) {
      unique.push(d);
      signatures.add(signature);
    }
  }
  return modules.filterSuppressedDiagnostics(
    unique,
    (d) => d.range.start.line,
    (d) => d.message,
    lineText,
  );
}

/** A fresh copy moved down by `lines` (the whole-file pass above edits ranges in place). */
function shifted(d: Diagnostic, lines: number, uri: string): Diagnostic {
  const move = (r: Range): Range => ({ start: { line: r.start.line + lines, character: r.start.character }, end: { line: r.end.line + lines, character: r.end.character } });
  const out: Diagnostic = { ...d, range: move(d.range) };
  if (d.relatedInformation) out.relatedInformation = d.relatedInformation.map((ri) => (ri.location.uri === uri ? { ...ri, location: { uri, range: move(ri.location.range) } } : ri));
  return out;
}

function isYamlDocDiagnostic(d: unknown): boolean {
  return typeof d === 'object' && d !== null && 'location' in d;
}
