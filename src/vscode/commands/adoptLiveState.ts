/**
 * "GitOps: Adopt Live State into Git" (issue 6): writes the live values of drifted fields into the
 * manifests (comment-preserving, core/manifest/adoptEdit) in the editor buffers, then continues as
 * Open Pull Request for those files. From a drift CodeLens (`{ uri, documentIndex?, cluster? }` or the
 * positional `(uri, documentIndex, cluster)` of Show Drift) or an app node (every open document
 * drifting from that app).
 *
 * Extra arguments: `{ title?, yes: true }` as for Open Pull Request.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { adoptChangesOf, adoptReplacement } from '../../core/manifest/adoptEdit';
import type { DocumentDrift } from '../../core/drift/session';
import { manifestsOf, openPullRequestFor } from './openPullRequest';
import { prArgs, resultOrError } from '../pr/deliver';
import { UserError } from './appArg';
import { attributionLines } from '../audit/attributionText';
import type { CommandContext, CommandFactory } from './types';

interface Target {
  readonly doc: vscode.TextDocument;
  readonly drifts: readonly DocumentDrift[];
}

export const adoptLiveState: CommandFactory = (ctx) => (arg?: unknown, documentIndex?: unknown, cluster?: unknown) =>
  resultOrError(arg, () => adopt(ctx, arg, documentIndex, cluster));

async function adopt(deps: CommandContext, arg: unknown, documentIndex: unknown, cluster: unknown) {
  const args = prArgs(arg);
  let uriArg: unknown = arg instanceof vscode.Uri || typeof arg === 'string' ? arg : args.uri;
  const index = typeof documentIndex === 'number' ? documentIndex : typeof args.documentIndex === 'number' ? args.documentIndex : undefined;
  const onCluster = typeof cluster === 'string' ? cluster : typeof args.cluster === 'string' ? args.cluster : undefined;
  const appKey = typeof args.key === 'string' ? args.key : typeof args.appKey === 'string' ? args.appKey : undefined;
  if (uriArg === undefined && appKey === undefined) uriArg = vscode.window.activeTextEditor?.document.uri;
  const targets: Target[] = [];
  const drifting = (d: DocumentDrift) => d.state.kind === 'drift' && d.changes.length > 0;
  if (uriArg !== undefined) {
    const uri = typeof uriArg === 'string' ? vscode.Uri.parse(uriArg) : (uriArg as vscode.Uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    const drifts = deps
      .driftDetails(doc.uri.toString())
      .filter((d) => drifting(d) && (index === undefined || d.documentIndex === index) && (onCluster === undefined || d.cluster === onCluster) && (appKey === undefined || d.appKey === appKey));
    targets.push({ doc, drifts });
  } else if (appKey !== undefined) {
    for (const doc of vscode.workspace.textDocuments) {
      if (doc.uri.scheme !== 'file') continue;
      const drifts = deps.driftDetails(doc.uri.toString()).filter((d) => drifting(d) && d.appKey === appKey);
      if (drifts.length) targets.push({ doc, drifts });
    }
  }
  const withDrift = targets.filter((t) => t.drifts.length > 0);
  if (withDrift.length === 0) throw new UserError('No drifted fields to adopt here. Open the manifest and wait for its drift CodeLens.');
  // One cluster per document: with several, the first one named (or the lens's) wins, so values from
  // two clusters are never mixed into one file.
  let root: string | undefined;
  for (const t of withDrift) {
    const r = await deps.pr.git.repoRootOf(path.dirname(t.doc.uri.fsPath));
    if (!r) throw new UserError(`${path.basename(t.doc.uri.fsPath)} is not in a Git repository.`);
    if (root !== undefined && r !== root) throw new UserError('The drifted documents are in different repositories; adopt them one repository at a time.');
    root = r;
    const byIndex = new Map<number, DocumentDrift>();
    for (const d of t.drifts) if (!byIndex.has(d.documentIndex)) byIndex.set(d.documentIndex, d);
    let text = t.doc.getText();
    // Apply from the last document to the first so earlier offsets stay valid.
    for (const d of [...byIndex.values()].sort((a, b) => b.documentIndex - a.documentIndex)) {
      const rep = adoptReplacement(text, d.documentIndex, adoptChangesOf(d.changes));
      if (rep) text = text.slice(0, rep.start) + rep.newText + text.slice(rep.end);
    }
    if (text === t.doc.getText()) continue;
    const whole = new vscode.Range(t.doc.positionAt(0), t.doc.positionAt(t.doc.getText().length));
    // Through an editor, not a WorkspaceEdit: those may be saved right away (files.refactoring.autoSave),
    // and the user should see and review the adopted values before saving.
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === t.doc) ?? (await vscode.window.showTextDocument(t.doc, { preview: false, preserveFocus: true }));
    if (!(await editor.edit((b) => b.replace(whole, text)))) throw new UserError('VS Code refused the edit (is the file read-only?).');
  }
  if (!root) throw new UserError('Nothing to adopt.');
  // manifestsOf reads each file's HEAD version once, and calls a file HEAD lacks `added`.
  const files = await manifestsOf(
    deps,
    root,
    withDrift.map((t) => ({ path: path.relative(root, t.doc.uri.fsPath).split(path.sep).join('/'), status: 'modified' as const })),
  );
  // Issue 17: who set the adopted values, from the live objects' managedFields.
  const setBy = attributionLines(withDrift.flatMap((t) => t.drifts.map((d) => ({ cluster: d.cluster, changes: d.changes }))), deps.clock.now());
  const summary =
    `Adopts the live state of ${[...new Set(withDrift.flatMap((t) => t.drifts.map((d) => d.cluster)))].join(', ')} into Git (drift accepted).` +
    (setBy.length > 0 ? `\n\nWho set the adopted live values (the objects' field managers):\n${setBy.join('\n')}` : '');
  return openPullRequestFor(deps, root, files, { ...args, heading: 'Adopt live state', summary, slug: typeof args.slug === 'string' ? args.slug : `adopt-${path.basename(withDrift[0]?.doc.uri.fsPath ?? 'live', path.extname(withDrift[0]?.doc.uri.fsPath ?? ''))}` });
}
