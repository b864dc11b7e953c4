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
 * ends, whitespace-only texts, a quoted scalar left open; so do files with one document.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, Range } from 'vscode-languageserver-types';
import type { Document } from 'yaml';
import { measureDocument } from '../../core/manifest/boundedYaml';
import { cutAtDocumentStarts, reuseByPiece, type PieceMemo } from '../../core/manifest/documentStarts';

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
}

interface FileCache extends PieceMemo<PieceResult> {
  readonly context: string;
}

/**
 * Counters for tests and the bench; `wholeFile` turns the patch off (the upstream path), so a test can
 * compare both on the same service.
 */
export const incrementalValidationControl = { wholeFile: false, validatedDocuments: 0, reusedDocuments: 0 };

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
    if (!this.validationEnabled) return [];
    const pieces = incrementalValidationControl.wholeFile ? undefined : piecesOf(textDocument.getText());
    if (pieces === undefined) return original.call(this, textDocument, isKubernetes);
    let files = caches.get(this);
    if (!files) caches.set(this, (files = new Map()));
    try {
      return await validatePieces(this, modules, files, textDocument, isKubernetes, pieces);
    } catch (err) {
      // Whatever else went wrong (a schema provider error, an upstream change), the upstream path decides.
      if (!(err instanceof WholeFileNeeded)) files.delete(textDocument.uri);
      return original.call(this, textDocument, isKubernetes);
    }
  };
  proto[PATCHED] = true;
  return true;
}

/** A `...` line (document end marker) at column 0, found with indexOf like the cut. */
function hasDocumentEnd(text: string): boolean {
  for (let p = text.startsWith('...') ? 0 : text.indexOf('\n...'); p >= 0; p = text.indexOf('\n...', p + 1)) {
    const at = p === 0 && text.startsWith('...') ? 3 : p + 4;
    const after = text.charCodeAt(at);
    if (Number.isNaN(after) || after === 32 || after === 9 || after === 10 || after === 13) return true;
  }
  return false;
}

/** A piece the cut cannot stand for on its own (PieceResult.unclosedQuote). */
class WholeFileNeeded extends Error {}

/** The file cut at its `---` lines, or undefined where the upstream path is the safe one. */
function piecesOf(text: string): string[] | undefined {
  if (!/\S/.test(text) || text.startsWith('%') || text.includes('\n%') || hasDocumentEnd(text)) return undefined;
  const pieces = cutAtDocumentStarts(text);
  // Comments before the first `---` belong to its document (its header comments: modelines).
  const first = pieces[0];
  const second = pieces[1];
  if (first !== undefined && second !== undefined && !/^[ \t]*[^\s#]/m.test(first)) pieces.splice(0, 2, first + second);
  return pieces.length < 2 ? undefined : pieces;
}

async function validatePieces(
  service: ValidationInternals,
  modules: ValidationModules,
  files: Map<string, FileCache>,
  textDocument: TextDocument,
  isKubernetes: boolean,
  pieces: readonly string[],
): Promise<Diagnostic[]> {
  const uri = textDocument.uri;
  // The file's schema: our URI changes with the file's kinds and with every cluster schema layer.
  const schemas = service.schemaService.customSchemaProvider ? await service.schemaService.customSchemaProvider(uri) : undefined;
  const context = `${isKubernetes}\u0000${JSON.stringify(schemas ?? null)}`;
  const previous = files.get(uri);
  files.delete(uri);
  const known = reuseByPiece(previous?.context === context ? previous : undefined, pieces);
  const results: PieceResult[] = [];
  const keep = () => {
    files.set(uri, { context, pieces: pieces.slice(0, results.length), values: results });
    while (files.size > MAX_FILES) files.delete(files.keys().next().value as string);
  };
  // Whether the whole file's last line is empty decides how yaml-language-server's parser counts
  // node lengths (yamlParser07 `parse`, isLastLineEmpty); every piece is parsed as the file is.
  const text = textDocument.getText();
  const lastLineEmpty = text.slice(text.lastIndexOf('\n') + 1).trim() === '';
  // Reused pieces are taken in a plain loop (reuseRun); the loop that awaits runs once per changed piece.
  let index = 0;
  for (let i = reuseRun(known, results, 0); i < pieces.length; i = reuseRun(known, results, i + 1)) {
    index = results.length === 0 ? 0 : (results[results.length - 1] as PieceResult).index + (results[results.length - 1] as PieceResult).documents;
    const result = await validatePiece(service, modules, uri, pieces[i] as string, index, isKubernetes, i < pieces.length - 1 && !lastLineEmpty);
    incrementalValidationControl.validatedDocuments += result.documents;
    results.push(result);
    if (result.unclosedQuote || result.overLimits) break;
  }
  return assemble(service, modules, uri, pieces, results, isKubernetes, keep);
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
  keep: () => unknown,
): Diagnostic[] {
  keep();
  if (results.some((r) => r.unclosedQuote)) throw new WholeFileNeeded();
  if (results.some((r) => r.overLimits)) return [];
  const all: Diagnostic[] = [];
  const startLines: number[] = [];
  let suppressMatchesMultiple = isKubernetes;
  let line = 0;
  for (const result of results) {
    suppressMatchesMultiple ||= result.kubernetesModeline;
    for (const d of result.diagnostics) all.push(shifted(d, line, uri));
    startLines.push(line);
    line += result.lines;
  }
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
): Promise<PieceResult> {
  const pieceDocument = TextDocument.create(uri, 'yaml', 0, text);
  // `parse` looks at the last line of the document it is given only to choose its line counting.
  const shape = countLines ? TextDocument.create(uri, 'yaml', 0, `${text}x`) : pieceDocument;
  const parsed = modules.parse(text, { customTags: service.customTags, yamlVersion: service.yamlVersion }, shape);
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  const base = { index: firstIndex, lines, documents: parsed.documents.length };
  const overLimits = parsed.documents.some((d) => d.internalDocument !== undefined && measureDocument(d.internalDocument as Document.Parsed) !== undefined);
  const unclosedQuote = parsed.documents.some((d) => ((d.internalDocument as Document.Parsed | undefined)?.errors ?? []).some((e) => e.code === 'MISSING_CHAR' && /quote/.test(e.message)));
  if (overLimits || unclosedQuote) return { ...base, diagnostics: [], kubernetesModeline: false, overLimits, unclosedQuote };
  const out: Diagnostic[] = [];
  let kubernetesModeline = false;
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
      ...(await service.getSchemaDiagnostics(pieceDocument, doc)),
      ...service.runAdditionalValidators(pieceDocument, doc),
    ];
    for (const d of found) out.push(isYamlDocDiagnostic(d) ? modules.yamlDiagToLSDiag(d as never, pieceDocument) : (d as Diagnostic));
  }
  return { ...base, diagnostics: out, kubernetesModeline, overLimits: false, unclosedQuote: false };
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
