import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { App } from '../../core/model/app';
import type { AppStore } from '../../core/store/appStore';
import { findClones } from '../workspaceRepos';
import { UserError, appFromArg } from './appArg';
import type { CommandFactory } from './types';

/**
 * Opens the app's source in the workspace: finds the workspace folder cloned from the app's
 * repository (remotes compared with core/git/remoteUrl normalizeRemoteUrl) and reveals the app's path there.
 */
export const openSource: CommandFactory = (deps) => async (arg: unknown) => {
  const app = await appFromArg(deps.apps, arg);
  const src = repoOf(deps.apps, app);
  if (!src?.repoURL) throw new UserError(`${app.name} has no Git repository URL to look for in the workspace.`);
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const [root] = findClones(folders, src.repoURL);
  if (root === undefined) throw new UserError(`No workspace folder is a clone of ${src.repoURL}.`);
  const target = path.join(root, (src.path ?? '').replace(/^\.?\/+/, ''));
  if (!fs.existsSync(target)) throw new UserError(`${src.path ?? '.'} does not exist in ${root}.`);
  const uri = vscode.Uri.file(target);
  if (fs.statSync(target).isDirectory()) {
    await vscode.commands.executeCommand('revealInExplorer', uri);
    const entry = ['kustomization.yaml', 'kustomization.yml', 'Kustomization', 'Chart.yaml'].map((f) => path.join(target, f)).find((f) => fs.existsSync(f));
    if (entry) await vscode.window.showTextDocument(vscode.Uri.file(entry), { preview: true });
  } else {
    await vscode.window.showTextDocument(uri, { preview: true });
  }
};

/** Argo CD: the first source with a repo URL. Flux: the source object the app references. */
export function repoOf(apps: AppStore, app: App): { repoURL?: string; path?: string } | undefined {
  if (app.tool === 'argocd') return app.sources.find((s) => s.repoURL);
  const first = app.sources[0];
  if (first?.repoURL) return first;
  const ref = first?.ref;
  if (!ref) return undefined;
  const [kind, ns, name] = ref.split('/');
  const source = apps.get(`${app.cluster}/flux/${kind ?? ''}/${ns ?? ''}/${name ?? ''}`);
  return { repoURL: source?.sources[0]?.repoURL, path: first.path };
}
