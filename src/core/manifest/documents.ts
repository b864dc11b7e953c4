// Multi-document YAML manifests with source ranges, for CodeLens, gutter marks, hover and "adopt live
// value". Works on any text (unsaved buffers included); a broken document becomes a problem with line
// and column and the other documents still parse.
//
// Speed: the `yaml` package's CST parse runs at roughly 0.6–1 MB/s here (1,000 Deployments, 600 KB:
// 0.7–1.4 s), js-yaml about five times faster. So the file is split at document markers by a line scan
// (a `---` or `...` line at column 0 always ends a document: YAML 1.2 §9.1.4 "c-forbidden" forbids it
// inside any scalar), each document's value and errors come from js-yaml, and the `yaml` package (which
// keeps node ranges) parses one document only when its ranges are first asked for.
//
// Positions: lines and columns are both 0-based (as in VS Code's Position); `offset` is the 0-based
// UTF-16 index into the whole text.
//
// Bounds (boundedYaml.ts): a text over the size limit is one problem and no documents; a document
// whose aliases expand without bound (an alias bomb), nest too deep or refer to themselves is a
// problem at the alias, like a syntax error.
import * as jsyaml from 'js-yaml';
import { isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import { YAML_LIMITS, YamlLimitError, loadYaml, textTooLarge, type YamlLimits } from './boundedYaml';
import { isRecord } from '../json';
import { loadPlainYaml } from './plainYaml';

interface SourcePosition {
  line: number;
  column: number;
  offset: number;
}

export interface SourceRange {
  start: SourcePosition;
  end: SourcePosition;
}

/** Where a JSON pointer lives in the source. */
interface PathRange {
  /** From the key (or the sequence item) to the end of the value. */
  range: SourceRange;
  /** The map key, when the last segment is a map key. */
  key?: SourceRange;
  /** The value node; undefined for `key:` with nothing after it. */
  value?: SourceRange;
}

export interface ResourceIdentity {
  group: string;
  version: string;
  kind: string;
  namespace?: string;
  name?: string;
}

interface ManifestDocument {
  /** Ordinal among the file's documents that have content (broken ones included, empty ones not). */
  readonly index: number;
  /** From the first content line (column 0) to the end of the last content line. */
  readonly range: SourceRange;
  /** The first line of content, after `---` and leading comments: where a CodeLens goes. */
  readonly headerLine: number;
  /** The document as plain JSON. */
  readonly value: unknown;
  /** group/version/kind/namespace/name, or undefined when the document is not a Kubernetes object. */
  readonly identity: ResourceIdentity | undefined;
  /** Source range of an RFC 6901 JSON pointer (`/spec/template/spec/containers/0/image`); `''` is the whole document. */
  rangeOf(pointer: string): PathRange | undefined;
  /** The deepest existing ancestor of a pointer (itself if it exists): where to mark a field missing in Git. */
  nearestRangeOf(pointer: string): { pointer: string; range: PathRange } | undefined;
}

interface ManifestProblem {
  line: number;
  column: number;
  message: string;
  documentIndex: number;
}

export interface ParsedFile {
  file?: string;
  documents: ManifestDocument[];
  problems: ManifestProblem[];
}

const MARKER_RE = /^(?:---|\.\.\.)(?=[ \t\r]|$)/;
const BLANK_OR_COMMENT_RE = /^[ \t]*(?:#.*)?\r?$/;

interface Chunk {
  startLine: number;
  startOffset: number;
  /** Exclusive end offset. */
  endOffset: number;
  lines: string[];
}

export function parseManifests(text: string, opts: { file?: string; limits?: YamlLimits } = {}): ParsedFile {
  const documents: ManifestDocument[] = [];
  const problems: ManifestProblem[] = [];
  const limits = opts.limits ?? YAML_LIMITS;
  const large = textTooLarge(text, limits);
  if (large) return { ...(opts.file !== undefined ? { file: opts.file } : {}), documents, problems: [{ line: 0, column: 0, message: large, documentIndex: 0 }] };
  const lineStarts = computeLineStarts(text);
  let index = 0;
  for (const chunk of splitDocuments(text, lineStarts)) {
    const content = contentLines(chunk);
    if (!content) continue; // empty or comment-only
    const documentIndex = index++;
    const source = text.slice(chunk.startOffset, chunk.endOffset);
    let value: unknown;
    try {
      value = loadYaml(source, { ...(opts.file !== undefined ? { filename: opts.file } : {}), limits });
    } catch (err) {
      problems.push(problemOf(err, chunk, content, documentIndex));
      continue;
    }
    if (value === null || value === undefined) continue; // `--- ~`, `--- null`
    const range: SourceRange = {
      start: position(lineStarts, lineStarts[content.first] ?? 0),
      end: position(lineStarts, (lineStarts[content.last] ?? 0) + lineLength(chunk.lines[content.last - chunk.startLine] ?? '')),
    };
    documents.push(new LazyDocument(documentIndex, range, content.first, value, identityOf(value), source, chunk.startOffset, lineStarts));
  }
  return { ...(opts.file !== undefined ? { file: opts.file } : {}), documents, problems };
}

/** apiVersion `apps/v1` → group `apps`; `v1` → the core group `''`. */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** apiVersion `apps/v1` → group `apps`, version `v1`; `v1` → the core group `''`. */
export function identityOf(value: unknown): ResourceIdentity | undefined {
  if (!isRecord(value)) return undefined;
  const { apiVersion, kind, metadata } = value;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || apiVersion === '' || kind === '') return undefined;
  const slash = apiVersion.lastIndexOf('/');
  const identity: ResourceIdentity = {
    group: groupOf(apiVersion),
    version: slash < 0 ? apiVersion : apiVersion.slice(slash + 1),
    kind,
  };
  if (isRecord(metadata)) {
    if (typeof metadata.namespace === 'string' && metadata.namespace !== '') identity.namespace = metadata.namespace;
    if (typeof metadata.name === 'string' && metadata.name !== '') identity.name = metadata.name;
  }
  return identity;
}

class LazyDocument implements ManifestDocument {
  private parsed: Document.Parsed | undefined;

  constructor(
    readonly index: number,
    readonly range: SourceRange,
    readonly headerLine: number,
    readonly value: unknown,
    readonly identity: ResourceIdentity | undefined,
    private readonly source: string,
    private readonly baseOffset: number,
    private readonly lineStarts: number[],
  ) {}

  rangeOf(pointer: string): PathRange | undefined {
    const segments = parsePointer(pointer);
    if (!segments) return undefined;
    return this.find(segments, false)?.range;
  }

  nearestRangeOf(pointer: string): { pointer: string; range: PathRange } | undefined {
    const segments = parsePointer(pointer);
    if (!segments) return undefined;
    return this.find(segments, true);
  }

  private find(segments: string[], nearest: boolean): { pointer: string; range: PathRange } | undefined {
    this.parsed ??= parseDocument(this.source, { merge: true, uniqueKeys: false });
    const doc = this.parsed;
    let node: unknown = doc.contents;
    if (!isNodeWithRange(node)) return undefined;
    let found: PathRange = { range: this.toRange(node.range[0], node.range[1]), value: this.toRange(node.range[0], node.range[1]) };
    let depth = 0;
    for (const segment of segments) {
      // Through an alias (`<<: *defaults`, `env: *common`) the fields live at the anchor.
      if (isAlias(node)) node = node.resolve(doc);
      let next: PathRange | undefined;
      let nextNode: unknown;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
        if (pair && isNodeWithRange(pair.key)) {
          const keyRange = pair.key.range;
          const valueNode = pair.value;
          const end = isNodeWithRange(valueNode) && !isEmptyNull(valueNode) ? valueNode.range[1] : keyRange[1];
          next = { range: this.toRange(keyRange[0], end), key: this.toRange(keyRange[0], keyRange[1]) };
          if (isNodeWithRange(valueNode) && !isEmptyNull(valueNode)) next.value = this.toRange(valueNode.range[0], valueNode.range[1]);
          nextNode = valueNode;
        }
      } else if (isSeq(node) && /^(?:0|[1-9]\d*)$/.test(segment)) {
        const item: unknown = node.items[Number(segment)];
        if (isNodeWithRange(item)) {
          const r = this.toRange(item.range[0], item.range[1]);
          next = { range: r, value: r };
          nextNode = item;
        }
      }
      if (!next) {
        if (!nearest) return undefined;
        break;
      }
      found = next;
      node = nextNode;
      depth += 1;
    }
    return { pointer: formatPointer(segments.slice(0, depth)), range: found };
  }

  private toRange(start: number, end: number): SourceRange {
    // Block collections end after their last line break; a range should end where the text does.
    while (end > start && /\s/.test(this.source[end - 1] ?? '')) end -= 1;
    return { start: position(this.lineStarts, this.baseOffset + start), end: position(this.lineStarts, this.baseOffset + end) };
  }
}

/** RFC 6901: `''` is the root, `/a~1b/0` is ["a/b", "0"]; undefined when not a pointer. */
export function parsePointer(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function formatPointer(segments: readonly string[]): string {
  return segments.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function isNodeWithRange(node: unknown): node is YamlNode & { range: [number, number, number] } {
  return typeof node === 'object' && node !== null && Array.isArray((node as { range?: unknown }).range);
}

/** `key:` with no value parses as a null scalar with an empty source. */
function isEmptyNull(node: YamlNode & { range: [number, number, number] }): boolean {
  return isScalar(node) && node.value === null && node.range[0] === node.range[1];
}

function splitDocuments(text: string, lineStarts: number[]): Chunk[] {
  const chunks: Chunk[] = [];
  let current: Chunk = { startLine: 0, startOffset: 0, endOffset: 0, lines: [] };
  for (let line = 0; line < lineStarts.length; line++) {
    const start = lineStarts[line] ?? 0;
    const nextStart = lineStarts[line + 1] ?? text.length;
    const lineText = text.slice(start, nextStart).replace(/\n$/, '');
    const marker = MARKER_RE.exec(lineText);
    if (marker && marker[0] === '---') {
      // A `---` line starts the next document (and belongs to it: `--- {inline: doc}` is legal).
      current.endOffset = start;
      chunks.push(current);
      current = { startLine: line, startOffset: start, endOffset: start, lines: [] };
    }
    current.lines.push(lineText);
    if (marker && marker[0] === '...') {
      // `...` ends the document; what follows until the next `---` is a new (usually comment-only) chunk.
      current.endOffset = nextStart;
      chunks.push(current);
      current = { startLine: line + 1, startOffset: nextStart, endOffset: nextStart, lines: [] };
    }
  }
  current.endOffset = text.length;
  chunks.push(current);
  return mergeDirectives(chunks);
}

/**
 * `%YAML 1.2` / `%TAG` directive lines belong to the document whose `---` follows them (YAML 1.2 §9.2);
 * a chunk holding only directives and comments is joined to the next one.
 */
function mergeDirectives(chunks: Chunk[]): Chunk[] {
  const out: Chunk[] = [];
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i];
    const next = chunks[i + 1];
    if (!chunk) continue;
    const hasDirective = chunk.lines.some((l) => l.startsWith('%'));
    const onlyDirectives = chunk.lines.every((l) => l.startsWith('%') || BLANK_OR_COMMENT_RE.test(l) || /^\.\.\.(?=[ \t\r]|$)/.test(l));
    if (hasDirective && onlyDirectives && next) {
      chunks[i + 1] = { startLine: chunk.startLine, startOffset: chunk.startOffset, endOffset: next.endOffset, lines: [...chunk.lines, ...next.lines] };
      continue;
    }
    out.push(chunk);
  }
  return out;
}

/** First and last content lines (absolute), skipping markers, blank lines, comments and directives. */
function contentLines(chunk: Chunk): { first: number; last: number } | undefined {
  let first = -1;
  let last = -1;
  chunk.lines.forEach((lineText, i) => {
    if (!isContentLine(lineText)) return;
    if (first < 0) first = chunk.startLine + i;
    last = chunk.startLine + i;
  });
  return first < 0 ? undefined : { first, last };
}

function problemOf(err: unknown, chunk: Chunk, content: { first: number; last: number }, documentIndex: number): ManifestProblem {
  if (err instanceof YamlLimitError) return { line: chunk.startLine + err.line, column: err.column, message: err.message, documentIndex };
  if (err instanceof jsyaml.YAMLException) {
    const mark = (err as jsyaml.YAMLException & { mark?: { line: number; column: number } }).mark;
    const line = chunk.startLine + (mark?.line ?? 0);
    // "unexpected end of the stream" is reported after the document's last line (on the next `---` or
    // past the end of the file); point at the end of the last content line instead.
    if (line > content.last) {
      return { line: content.last, column: lineLength(chunk.lines[content.last - chunk.startLine] ?? ''), message: err.reason || err.message, documentIndex };
    }
    return { line, column: mark?.column ?? 0, message: err.reason || err.message, documentIndex };
  }
  return { line: chunk.startLine, column: 0, message: err instanceof Error ? err.message : String(err), documentIndex };
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function position(lineStarts: number[], offset: number): SourcePosition {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, column: offset - (lineStarts[lo] ?? 0), offset };
}

function lineLength(lineText: string): number {
  return lineText.endsWith('\r') ? lineText.length - 1 : lineText.length;
}

/** One document's text as split from a file, before parsing. */
export interface ManifestSource {
  /** 0-based line where the chunk starts (its `---` line, if any). */
  readonly startLine: number;
  /** The chunk's text, marker line included: the cache key of everything derived from it. */
  readonly source: string;
}

/** A chunk parsed on its own: no content, broken YAML, null (`--- ~`), or a document. */
export type LoadedSource =
  | { readonly kind: 'empty' }
  | { readonly kind: 'broken'; readonly message: string }
  | { readonly kind: 'null' }
  | {
      readonly kind: 'document';
      /** Lines from the chunk's first line to its first content line (where a CodeLens goes). */
      readonly headerOffset: number;
      readonly value: unknown;
      readonly identity: ResourceIdentity | undefined;
    };

/**
 * The chunks parseManifests would parse, without parsing them: a single pass over line starts looking
 * at the first three characters of each line, so an editor can re-parse only the chunks whose text
 * changed. Files with `%` directive lines take the general path (directives join the next chunk).
 * `loadManifestSource` counts documents the same way as parseManifests: a chunk whose kind is not
 * 'empty' takes the next index.
 */
export function splitManifestSources(text: string): ManifestSource[] {
  if (text.startsWith('%') || text.includes('\n%')) {
    const lineStarts = computeLineStarts(text);
    return splitDocuments(text, lineStarts).map((c) => ({ startLine: c.startLine, source: text.slice(c.startOffset, c.endOffset) }));
  }
  const out: ManifestSource[] = [];
  let chunkStart = 0;
  let chunkLine = 0;
  let line = 0;
  for (let start = 0; start <= text.length; line++) {
    const nl = text.indexOf('\n', start);
    const next = nl < 0 ? text.length + 1 : nl + 1;
    const c0 = text.charCodeAt(start);
    if ((c0 === 45 || c0 === 46) && text.charCodeAt(start + 1) === c0 && text.charCodeAt(start + 2) === c0) {
      const after = start + 3 < text.length ? text.charCodeAt(start + 3) : -1;
      // `---` / `...` followed by a space, tab, CR, end of line or end of text (MARKER_RE).
      if (after === -1 || after === 32 || after === 9 || after === 13 || after === 10) {
        if (c0 === 45) {
          out.push({ startLine: chunkLine, source: text.slice(chunkStart, start) });
          chunkStart = start;
          chunkLine = line;
        } else {
          const end = Math.min(next, text.length);
          out.push({ startLine: chunkLine, source: text.slice(chunkStart, end) });
          chunkStart = end;
          chunkLine = line + 1;
        }
      }
    }
    if (nl < 0) break;
    start = next;
  }
  out.push({ startLine: chunkLine, source: text.slice(chunkStart) });
  return out;
}

/** Parses one chunk of splitManifestSources (js-yaml, within the same bounds as parseManifests). */
export function loadManifestSource(source: string): LoadedSource {
  const first = firstContentLine(source);
  if (first < 0) return { kind: 'empty' };
  // The plain shape of most manifests is read without js-yaml's general reader (plainYaml.ts): the
  // lenses of a 1,000-document file parse each document on first load (issue 18).
  let value: unknown = textTooLarge(source) === undefined ? loadPlainYaml(source, YAML_LIMITS.maxDepth) : undefined;
  if (value === undefined) {
    try {
      value = loadYaml(source);
    } catch (err) {
      return { kind: 'broken', message: err instanceof Error ? err.message : String(err) };
    }
  }
  if (value === null || value === undefined) return { kind: 'null' };
  return { kind: 'document', headerOffset: first, value, identity: identityOf(value) };
}

/**
 * The first content line of a chunk as contentLines counts it, or -1: lines are looked at one by
 * one until it is found (usually the one after `---`), without splitting the whole chunk.
 */
function firstContentLine(source: string): number {
  for (let start = 0, line = 0; start <= source.length; line++) {
    const nl = source.indexOf('\n', start);
    const lineText = source.slice(start, nl < 0 ? source.length : nl);
    if (isContentLine(lineText)) return line;
    if (nl < 0) break;
    start = nl + 1;
  }
  return -1;
}

/** Not a marker, blank line, comment or directive (the text after `---` / `...` counts). */
function isContentLine(lineText: string): boolean {
  let rest = lineText;
  if (MARKER_RE.test(lineText)) rest = lineText.slice(3);
  else if (lineText.startsWith('%')) rest = '';
  return !BLANK_OR_COMMENT_RE.test(rest);
}

/**
 * The first bound a text breaks (boundedYaml: size, aliases, nesting), with its 1-based line, or
 * undefined. Syntax errors are not its business. Cheap for the usual manifest: without a `*` there
 * is no alias, and only documents holding one are parsed.
 */
export function yamlLimitProblem(text: string, limits: YamlLimits = YAML_LIMITS): { readonly line: number; readonly message: string } | undefined {
  const large = textTooLarge(text, limits);
  if (large) return { line: 1, message: large };
  if (!text.includes('*')) return undefined;
  for (const c of splitManifestSources(text)) {
    if (!c.source.includes('*')) continue;
    try {
      loadYaml(c.source, { limits });
    } catch (err) {
      if (err instanceof YamlLimitError) return { line: c.startLine + err.line + 1, message: err.message };
    }
  }
  return undefined;
}
