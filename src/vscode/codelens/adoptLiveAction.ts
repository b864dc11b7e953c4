/**
 * "Adopt live value" (issue 5): quick fixes on a drifted field that write the live value into the
 * document, keeping comments and formatting (core/manifest/adoptEdit.ts), and one that adopts every
 * drifted field of the document. The edit is a WorkspaceEdit on the open buffer: nothing is saved, and
 * undo takes it back in one step. With several clusters that disagree, there is one action per cluster.
 * A masked Secret value is offered disabled, with the reason, rather than hidden or written.
 */
import * as vscode from 'vscode';
import { AdoptError, adoptChangesOf, adoptReplacement, containsMask, type AdoptChange } from '../../core/manifest/adoptEdit';
import { displayPath, displayValue, type DriftFieldCache } from './driftFields';

export class AdoptLiveActionProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };

  constructor(private readonly fields: DriftFieldCache) {}

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
    const docs = this.fields.get(document.uri.toString(), document.version, () => document.getText());
    // The whole text is copied only when an action is built: this runs on every cursor move.
    let text: string | undefined;
    const textOf = () => (text ??= document.getText());
    const actions: vscode.CodeAction[] = [];
    for (const doc of docs) {
      const onHeader = range.start.line === doc.headerLine;
      const hits = doc.fields.filter((f) => f.range.start.line <= range.end.line && f.range.end.line >= range.start.line);
      if (!onHeader && hits.length === 0) continue;
      for (const field of hits) {
        for (const v of field.values) {
          const clusters = doc.lenses.filter((l) => l.changes.length > 0).length;
          const title = `Adopt live value of ${displayPath(field.path)}${clusters > 1 ? ` from ${v.cluster}` : ''}${v.live === undefined ? ' (remove it)' : `: ${displayValue(v.live, 60)}`}`;
          actions.push(this.action(document, textOf, doc.documentIndex, title, adoptChangesOf([{ path: field.path, ...v }]), hits.length === 1 && field.values.length === 1));
        }
      }
      for (const lens of doc.lenses) {
        if (lens.changes.length === 0) continue;
        const many = doc.lenses.filter((l) => l.changes.length > 0).length > 1;
        actions.push(this.action(document, textOf, doc.documentIndex, `Adopt all live values of this document${many ? ` from ${lens.cluster}` : ''}`, adoptChangesOf(lens.changes), false));
      }
    }
    return actions;
  }

  private action(document: vscode.TextDocument, text: () => string, documentIndex: number, title: string, changes: AdoptChange[], preferred: boolean): vscode.CodeAction {
    const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
    if (changes.some((c) => 'value' in c && containsMask(c.value))) {
      action.disabled = { reason: 'Secret values are masked; the live value cannot be written into the file.' };
      return action;
    }
    try {
      const r = adoptReplacement(text(), documentIndex, changes);
      const edit = new vscode.WorkspaceEdit();
      if (r) edit.replace(document.uri, new vscode.Range(document.positionAt(r.start), document.positionAt(r.end)), r.newText);
      action.edit = edit;
      action.isPreferred = preferred;
    } catch (err) {
      action.disabled = { reason: err instanceof AdoptError ? err.message : `Cannot adopt: ${err instanceof Error ? err.message : String(err)}` };
    }
    return action;
  }
}

