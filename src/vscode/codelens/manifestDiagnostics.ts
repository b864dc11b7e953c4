/**
 * YAML syntax errors of Kubernetes manifests as diagnostics (issue 5: "files with broken YAML: lens on
 * the good documents, a diagnostic with line and column on the broken one"). parseManifests parses each
 * document on its own, so one broken document gets a problem with its position while the others still
 * parse and keep their lenses. Only YAML files with Kubernetes content are looked at (a document with
 * apiVersion or kind at the top level), so other YAML (CI files, Helm values and templates) is left to
 * the YAML extension. Diagnostics go when the document closes.
 */
import * as vscode from 'vscode';
import type { Disposable } from '../../core/lifecycle';
import { parseManifests } from '../../core/manifest/documents';
import { afterActivation } from '../deferred';
import { isYamlDocument as isYaml } from '../yamlDocuments';

const DIAGNOSTIC_SOURCE = 'gitops-lens';

const EDIT_DEBOUNCE_MS = 300;
const KUBERNETES_KEYS_RE = /^(?:apiVersion|kind)[ \t]*:/m;

/** The diagnostics of one text: one per YAML syntax error, at its line and column. */
function manifestDiagnostics(text: string, lineLength: (line: number) => number): vscode.Diagnostic[] {
  // Helm chart templates (`{{ .Values.x }}`) are not YAML until rendered; the YAML errors would be noise.
  if (!KUBERNETES_KEYS_RE.test(text) || text.includes('{{')) return [];
  const parsed = parseManifests(text);
  return parsed.problems.map((p) => {
    // Underline from the error to the end of its line: a one-character range is easy to miss.
    const end = Math.max(p.column + 1, lineLength(p.line));
    const d = new vscode.Diagnostic(new vscode.Range(p.line, p.column, p.line, end), `YAML: ${p.message} (document ${p.documentIndex + 1})`, vscode.DiagnosticSeverity.Error);
    d.source = DIAGNOSTIC_SOURCE;
    return d;
  });
}

export class ManifestDiagnostics implements Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(DIAGNOSTIC_SOURCE);
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor() {
    this.subscriptions.push(
      // The documents open at activation are checked after activation returns (no work inside it).
      afterActivation(() => {
        for (const d of vscode.workspace.textDocuments) this.check(d);
      }),
      vscode.workspace.onDidOpenTextDocument((d) => this.check(d)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        const d = e.document;
        if (!isYaml(d) || e.contentChanges.length === 0) return;
        const key = d.uri.toString();
        clearTimeout(this.timers.get(key));
        this.timers.set(
          key,
          setTimeout(() => {
            this.timers.delete(key);
            if (!d.isClosed) this.check(d);
          }, EDIT_DEBOUNCE_MS),
        );
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        clearTimeout(this.timers.get(d.uri.toString()));
        this.timers.delete(d.uri.toString());
        this.collection.delete(d.uri);
      }),
    );
  }

  private check(d: vscode.TextDocument): void {
    if (!isYaml(d)) {
      // Change Language Mode away from YAML.
      this.collection.delete(d.uri);
      return;
    }
    const diagnostics = manifestDiagnostics(d.getText(), (line) => (line < d.lineCount ? d.lineAt(line).text.length : 0));
    if (diagnostics.length === 0) this.collection.delete(d.uri);
    else this.collection.set(d.uri, diagnostics);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const s of this.subscriptions) s.dispose();
    this.collection.dispose();
  }
}
