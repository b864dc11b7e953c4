/**
 * Which documents GitOps Lens reads as manifests: YAML in a file or in an untitled buffer (issue 5:
 * the lenses follow text as it is typed, before it is saved). Other schemes (`git:`, `gitops-live:`,
 * the drift diff's own documents) are views of something else and get nothing. Free of `vscode` at run
 * time, so the unit layer tests it.
 */
import type * as vscode from 'vscode';

/** A document selector for VS Code's and vscode-languageclient's registrations alike. */
export const YAML_DOCUMENTS: { language: string; scheme: string }[] = [
  { language: 'yaml', scheme: 'file' },
  { language: 'yaml', scheme: 'untitled' },
];

export function isYamlDocument(d: vscode.TextDocument): boolean {
  return d.languageId === 'yaml' && (d.uri.scheme === 'file' || d.uri.scheme === 'untitled');
}

/** A line that makes (or unmakes) a Kubernetes document: only edits touching one can start the machinery. */
const KIND_LINE = /^\s*(?:-\s+)?(?:apiVersion|kind)\s*:/;

/** Whether an edit touched an `apiVersion:` / `kind:` line, read on the lines of the changed ranges as they are now. */
export function touchesKindLine(doc: Pick<vscode.TextDocument, 'lineAt' | 'lineCount'>, changes: readonly vscode.TextDocumentContentChangeEvent[]): boolean {
  for (const c of changes) {
    const first = c.range.start.line;
    const last = Math.min(first + (c.text.match(/\n/g)?.length ?? 0), doc.lineCount - 1);
    for (let line = first; line <= last; line++) if (KIND_LINE.test(doc.lineAt(line).text)) return true;
  }
  return false;
}
