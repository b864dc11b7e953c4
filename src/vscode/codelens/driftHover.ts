/**
 * Hover on a drifted field (issue 5: "hover lists the drifted fields with both values"): desired vs live
 * per cluster. On a document's first line (where its lenses are) the hover lists every drifted field
 * of the document. Values come from DriftResults.details(), where Secret values are already masked;
 * nothing here reads a cluster (STYLE.md rule 5).
 */
import * as vscode from 'vscode';
import { setByPhrase } from '../../core/audit/driftAttribution';
import { displayPath, displayValue, type DriftFieldCache, type DriftedDocument, type DriftedField, type FieldValue } from './driftFields';

export class DriftHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly fields: DriftFieldCache,
    /** For the times of field managers ("at 14:02 UTC" today). */
    private readonly now: () => number = Date.now,
    /** What a user reads for a cluster: an Argo CD API server's name, not the store's `argocd:<context>` (as the lenses). */
    private readonly clusterLabel: (cluster: string) => string = (c) => c,
  ) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const docs = this.fields.get(document.uri.toString(), document.version, () => document.getText());
    const line = position.line;
    for (const doc of docs) {
      if (line === doc.headerLine) return new vscode.Hover(documentHover(doc, this.now(), this.clusterLabel), new vscode.Range(line, 0, line, document.lineAt(line).text.length));
    }
    // The innermost field under the cursor (a container's image rather than the whole container).
    const hits = docs
      .flatMap((d) => d.fields)
      .filter((f) => contains(f, position))
      .sort((a, b) => a.range.end.offset - a.range.start.offset - (b.range.end.offset - b.range.start.offset));
    const field = hits[0];
    if (!field) return undefined;
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**Drift** · ${code(displayPath(field.path))}\n\n`);
    appendValues(md, field, this.now(), this.clusterLabel);
    md.appendMarkdown('\n\n_Quick fix (Ctrl+.): adopt the live value._');
    const r = field.range;
    return new vscode.Hover(md, new vscode.Range(r.start.line, r.start.column, r.end.line, r.end.column));
  }
}

function documentHover(doc: DriftedDocument, now: number, label: (cluster: string) => string): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  const ref = doc.lenses[0]?.ref;
  const name = ref ? `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}` : 'This document';
  md.appendMarkdown(`**${escape(name)}**: ${doc.fields.length} drifted ${doc.fields.length === 1 ? 'field' : 'fields'}\n\n`);
  for (const field of doc.fields) {
    md.appendMarkdown(`- ${code(displayPath(field.path))}\n`);
    for (const v of field.values) md.appendMarkdown(`  - ${escape(label(v.cluster))}: desired ${code(displayValue(v.desired))} · live ${code(displayValue(v.live))}${setBy(v, now)}\n`);
  }
  const inSync = doc.lenses.filter((l) => l.state.kind === 'inSync').map((l) => label(l.cluster));
  if (inSync.length > 0) md.appendMarkdown(`\nIn sync on ${inSync.map(escape).join(', ')}.\n`);
  return md;
}

function appendValues(md: vscode.MarkdownString, field: DriftedField, now: number, label: (cluster: string) => string): void {
  for (const v of field.values) md.appendMarkdown(`- ${escape(label(v.cluster))}: desired ${code(displayValue(v.desired))} · live ${code(displayValue(v.live))}${setBy(v, now)}\n`);
}

/** Issue 17: who last set the live value, from the live object's managedFields (` — set by kubectl-scale … not through Git`). */
function setBy(v: FieldValue, now: number): string {
  const phrase = setByPhrase(v.attribution, now);
  return phrase ? ` — ${escape(phrase)}` : '';
}

function contains(field: DriftedField, p: vscode.Position): boolean {
  const { start, end } = field.range;
  if (p.line < start.line || p.line > end.line) return false;
  // A field's lines are its own from the key on; on its first line the indentation before the key is not.
  if (p.line === start.line && p.character < start.column) return false;
  return p.line !== end.line || start.line === end.line || p.character <= end.column;
}

/** Inline code that survives backticks in the value (CommonMark: a longer fence). */
function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${longest > 0 ? ' ' : ''}${text}${longest > 0 ? ' ' : ''}${fence}`;
}

/** Cluster and object names mid-line: only what would start emphasis, code, links or HTML needs escaping. */
function escape(text: string): string {
  return text.replace(/[\\`*_[\]<>|]/g, '\\$&');
}
