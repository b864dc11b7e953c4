/**
 * Where DriftSession' drifted fields sit in a document's text: one entry per (document, path) with the
 * value per cluster, for the hover, the gutter marks and "adopt live value". Free of `vscode`, like
 * driftResults.ts, so it runs under plain mocha.
 *
 * A field the document sets has its own range. A field only the live object has (three-way 'removed')
 * has none: it is shown on its nearest ancestor's first line, so a whole `spec:` block is not marked.
 */
import { parseManifests, type ParsedFile, type SourceRange } from '../../core/manifest/documents';
import type { Disposable, Event } from '../../core/lifecycle';
import type { DocumentDrift } from '../../core/drift/session';
import type { FieldAttribution } from '../../core/audit/managedFields';

export interface FieldValue {
  readonly cluster: string;
  readonly desired?: unknown;
  readonly live?: unknown;
  /** Who last set the live value (managedFields), when known (issue 17). */
  readonly attribution?: FieldAttribution;
}

export interface DriftedField {
  readonly documentIndex: number;
  readonly path: string;
  /** The field's source range, or the first line of its nearest ancestor when the document lacks it. */
  readonly range: SourceRange;
  /** False when `range` is an ancestor's (the field is live-only). */
  readonly exact: boolean;
  readonly values: readonly FieldValue[];
}

export interface DriftedDocument {
  readonly documentIndex: number;
  readonly headerLine: number;
  readonly range: SourceRange;
  readonly fields: readonly DriftedField[];
  /** Every lens of the document, drifted or not (clusters in sync are worth a line in the hover too). */
  readonly lenses: readonly DocumentDrift[];
}

/** Drifted fields of every document of a text, given DriftSession.details() for it. */
export function locateDrift(text: string | ParsedFile, details: readonly DocumentDrift[]): DriftedDocument[] {
  if (!details.some((d) => d.changes.length > 0)) return [];
  const parsed = typeof text === 'string' ? parseManifests(text) : text;
  const out: DriftedDocument[] = [];
  for (const doc of parsed.documents) {
    const lenses = details.filter((d) => d.documentIndex === doc.index);
    if (!lenses.some((d) => d.changes.length > 0)) continue;
    const byPath = new Map<string, { range: SourceRange; exact: boolean; values: FieldValue[] }>();
    for (const lens of lenses) {
      for (const change of lens.changes) {
        let entry = byPath.get(change.path);
        if (!entry) {
          const exact = doc.rangeOf(change.path);
          const near = exact ? undefined : doc.nearestRangeOf(change.path);
          const range = exact?.range ?? firstLine(near?.range.range ?? doc.range);
          entry = { range, exact: exact !== undefined, values: [] };
          byPath.set(change.path, entry);
        }
        entry.values.push({
          cluster: lens.cluster,
          ...('desired' in change && change.desired !== undefined ? { desired: change.desired } : {}),
          ...('live' in change && change.live !== undefined ? { live: change.live } : {}),
          ...(change.attribution ? { attribution: change.attribution } : {}),
        });
      }
    }
    const fields = [...byPath].map(([path, e]) => ({ documentIndex: doc.index, path, range: e.range, exact: e.exact, values: e.values }));
    out.push({ documentIndex: doc.index, headerLine: doc.headerLine, range: doc.range, fields, lenses });
  }
  return out;
}

/** 0-based lines to mark in the gutter: every line of a field the document sets, the anchor line of the others. */
export function driftedLines(docs: readonly DriftedDocument[]): number[] {
  const lines = new Set<number>();
  for (const d of docs) for (const f of d.fields) for (let l = f.range.start.line; l <= f.range.end.line; l++) lines.add(l);
  return [...lines].sort((a, b) => a - b);
}

/** `/spec/template/spec/containers/0/image` → `spec.template.spec.containers[0].image`, as people read it. */
export function displayPath(pointer: string): string {
  const segments = pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  return segments.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : /^[A-Za-z_$][\w$-]*$/.test(s) ? `${i === 0 ? '' : '.'}${s}` : `[${JSON.stringify(s)}]`)).join('');
}

/** A value on one line for a hover: JSON, shortened; `(not set)` for a side that lacks the field. */
export function displayValue(value: unknown, max = 120): string {
  if (value === undefined) return '(not set)';
  // JSON, so that "8080" and 8080 read differently (the drift may be exactly that).
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * locateDrift per document URI, computed once per (text version, results change): hover, gutter and
 * code actions ask for the same document many times between two changes.
 */
export class DriftFieldCache implements Disposable {
  private readonly entries = new Map<string, { version: number; generation: number; docs: DriftedDocument[] }>();
  private generation = 0;
  private readonly subscription: Disposable;

  /** Subscribe before anyone who reads the cache on the same event, so that they see fresh entries. */
  constructor(private readonly results: { details(uri: string): readonly DocumentDrift[]; readonly onDidChange: Event<string> }) {
    this.subscription = results.onDidChange((uri) => this.invalidate(uri));
  }

  get(uri: string, version: number, text: () => string): DriftedDocument[] {
    const hit = this.entries.get(uri);
    if (hit && hit.version === version && hit.generation === this.generation) return hit.docs;
    const docs = locateDrift(text(), this.results.details(uri));
    this.entries.set(uri, { version, generation: this.generation, docs });
    return docs;
  }

  /** DriftSession changed for this URI (or all, when undefined). */
  invalidate(uri?: string): void {
    if (uri === undefined) this.generation += 1;
    else this.entries.delete(uri);
  }

  forget(uri: string): void {
    this.entries.delete(uri);
  }

  dispose(): void {
    this.subscription.dispose();
    this.entries.clear();
  }
}

function firstLine(range: SourceRange): SourceRange {
  return { start: range.start, end: { line: range.start.line, column: range.start.column, offset: range.start.offset } };
}
