import * as vscode from 'vscode';
import { YAML_LIMITS } from '../../core/manifest/boundedYaml';
import { parseManifests } from '../../core/manifest/documents';
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
    // Regular files within the YAML size bound only: a FIFO named *.yaml would never finish reading.
    const st = await vscode.workspace.fs.stat(uri);
    if ((st.type & vscode.FileType.File) === 0 || st.size > YAML_LIMITS.maxChars) continue;
    const text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
    if (!text.includes(app.name) || !text.includes(app.kind)) continue;
    // The bounded parser (core/manifest/boundedYaml): a workspace file can be hostile.
    for (const doc of parseManifests(text).documents) {
      const obj = doc.value;
      if (typeof obj !== 'object' || obj === null) continue;
      const o = obj as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
      if (o.kind !== app.kind || o.metadata?.name !== app.name) continue;
      if (typeof o.apiVersion !== 'string' || o.apiVersion.split('/')[0] !== group) continue;
      // Namespace-less documents get one from kustomize or `kubectl -n`; accept them.
      if (typeof o.metadata.namespace === 'string' && o.metadata.namespace !== app.namespace) continue;
      const editor = await vscode.window.showTextDocument(uri, { preview: true });
      // The first line of content, after the `---` marker and comments.
      const pos = new vscode.Position(doc.headerLine, 0);
      editor.selection = new vscode.Selection(pos, pos);
      editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.AtTop);
      return uri.toString();
    }
  }
  throw new UserError(`No YAML file in the workspace defines ${app.kind} ${app.namespace}/${app.name}.`);
};
