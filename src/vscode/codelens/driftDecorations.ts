/**
 * Gutter marks on drifted lines (issue 5: "drifted lines are marked in the gutter"), with the same
 * colour in the overview ruler so drift far down a long file is visible from the scrollbar. Only
 * visible editors are decorated, from DriftSession' snapshot (STYLE.md rule 5), again whenever its
 * results for a document change or another editor becomes visible.
 */
import * as vscode from 'vscode';
import type { Disposable } from '../../core/lifecycle';
import { driftedLines, type DriftFieldCache } from './driftFields';
import type { DriftSession } from '../../core/drift/session';

export class DriftDecorations implements Disposable {
  private readonly type: vscode.TextEditorDecorationType;
  private readonly subscriptions: Disposable[] = [];
  /** Last lines set per editor document, for tests and to skip no-op updates. */
  private readonly shown = new Map<string, string>();

  constructor(
    results: Pick<DriftSession, 'onDidChange'>,
    private readonly fields: DriftFieldCache,
    extensionUri: vscode.Uri,
  ) {
    this.type = vscode.window.createTextEditorDecorationType({
      gutterIconPath: vscode.Uri.joinPath(extensionUri, 'media', 'drift-gutter.svg'),
      gutterIconSize: 'contain',
      // The editor's own "modified line" colour family would be confused with SCM changes; a warning hue is not.
      overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.warningForeground'),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
    });
    this.subscriptions.push(
      results.onDidChange((uri) => {
        for (const e of vscode.window.visibleTextEditors) if (e.document.uri.toString() === uri) this.update(e);
      }),
      vscode.window.onDidChangeVisibleTextEditors((editors) => editors.forEach((e) => this.update(e))),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.shown.delete(d.uri.toString());
        this.fields.forget(d.uri.toString());
      }),
    );
    for (const e of vscode.window.visibleTextEditors) this.update(e);
  }

  /** The lines currently marked in a document's editors (0-based). */
  linesOf(uri: string): number[] {
    const s = this.shown.get(uri);
    return s ? (JSON.parse(s) as number[]) : [];
  }

  private update(editor: vscode.TextEditor): void {
    const d = editor.document;
    if (d.languageId !== 'yaml') return;
    const uri = d.uri.toString();
    const lines = driftedLines(this.fields.get(uri, d.version, () => d.getText())).filter((l) => l < d.lineCount);
    this.shown.set(uri, JSON.stringify(lines));
    editor.setDecorations(
      this.type,
      lines.map((l) => new vscode.Range(l, 0, l, 0)),
    );
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.type.dispose();
    this.shown.clear();
  }
}
