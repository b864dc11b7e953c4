import * as vscode from 'vscode';
import { parseAllDocuments, LineCounter } from 'yaml';
import { gitOpsKind } from '../../core/model/app';
import { UserError, appFromArg } from './appArg';
import type { CommandFactory } from './types';

const MAX_FILES = 5000;

/** Opens the YAML document in the workspace that defines the app object itself (apiVersion group, kind, name, namespace). */
export const openManifest: CommandFactory = (deps) => async (arg: unknown) => {
  const app = await appFromArg(deps.apps, arg);
  const group = gitOpsKind(app.kind)?.group;
  const files = await vscode.workspace.findFiles('**/*.{yaml,yml}', '{**/node_modules/**,**/.git/**}', MAX_FILES);
  for (const uri of files.sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
    const text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
    if (!text.includes(app.name) || !text.includes(app.kind)) continue;
    const lines = new LineCounter();
    for (const doc of parseAllDocuments(text, { lineCounter: lines })) {
      if (!('contents' in doc) || doc.errors.length > 0) continue;
      const obj: unknown = doc.toJS();
      if (typeof obj !== 'object' || obj === null) continue;
      const o = obj as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
      if (o.kind !== app.kind || o.metadata?.name !== app.name) continue;
      if (typeof o.apiVersion !== 'string' || o.apiVersion.split('/')[0] !== group) continue;
      // Namespace-less documents get one from kustomize or `kubectl -n`; accept them.
      if (typeof o.metadata.namespace === 'string' && o.metadata.namespace !== app.namespace) continue;
      // The contents' own range: the document's range starts at comments or the `---` marker.
      const contents = doc.contents as { range?: readonly number[] } | null;
      const start = lines.linePos(contents?.range?.[0] ?? doc.range[0]);
      const editor = await vscode.window.showTextDocument(uri, { preview: true });
      const pos = new vscode.Position(start.line - 1, 0);
      editor.selection = new vscode.Selection(pos, pos);
      editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.AtTop);
      return uri.toString();
    }
  }
  throw new UserError(`No YAML file in the workspace defines ${app.kind} ${app.namespace}/${app.name}.`);
};
