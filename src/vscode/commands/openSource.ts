import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RepositoryFiles } from '../../core/git/ports';
import type { App } from '../../core/model/app';
import type { AppStore } from '../../core/store/appStore';
import { RepoFileError } from '../../infra/repoFiles';
import { UserError, appFromArg } from './appArg';
import type { CommandFactory } from './types';

/** What a folder source opens besides revealing it: its kustomization or chart. */
const ENTRY_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization', 'Chart.yaml'];

/**
 * Opens the app's source in the workspace: finds the workspace folder cloned from the app's
 * repository (remotes compared with core/git/remoteUrl normalizeRemoteUrl) and reveals the app's path
 * there. The path comes from the cluster (spec.source.path, spec.path): one that leads out of the
 * clone (`../..`, or a link to elsewhere) is refused, never opened.
 */
export const openSource: CommandFactory = (ctx) => async (arg: unknown) => {
  const app = await appFromArg(ctx.apps, arg);
  const src = repoOf(ctx.apps, app);
  if (!src?.repoURL) throw new UserError(`${app.name} has no Git repository URL to look for in the workspace.`);
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const root = ctx.repos.findClones(folders, src.repoURL)[0]?.root;
  if (root === undefined) throw new UserError(`No workspace folder is a clone of ${src.repoURL}.`);
  const rel = src.path ?? '';
  const target = await located(ctx.files, root, rel);
  if (!target) throw new UserError(`${src.path ?? '.'} does not exist in ${root}.`);
  const uri = vscode.Uri.file(target.path);
  if (target.type === 'dir') {
    await vscode.commands.executeCommand('revealInExplorer', uri);
    for (const name of ENTRY_FILES) {
      const entry = await located(ctx.files, root, path.posix.join(rel.replace(/^\.?\/+/, ''), name)).catch(() => undefined);
      if (entry?.type !== 'file') continue;
      await vscode.window.showTextDocument(vscode.Uri.file(entry.path), { preview: true });
      break;
    }
  } else {
    await vscode.window.showTextDocument(uri, { preview: true });
  }
};

/** `rel` in the clone, or undefined; a path out of the clone is a UserError naming it. */
async function located(files: RepositoryFiles, root: string, rel: string) {
  try {
    return await files.locate(root, rel);
  } catch (err) {
    if (err instanceof RepoFileError) throw new UserError(`The app's source path ${err.message}.`);
    throw err;
  }
}

/** Argo CD: the first source with a repo URL. Flux: the source object the app references. */
function repoOf(apps: AppStore, app: App): { repoURL?: string; path?: string } | undefined {
  if (app.tool === 'argocd') return app.sources.find((s) => s.repoURL);
  const first = app.sources[0];
  if (first?.repoURL) return first;
  const ref = first?.ref;
  if (!ref) return undefined;
  const [kind, ns, name] = ref.split('/');
  const source = apps.get(`${app.cluster}/flux/${kind ?? ''}/${ns ?? ''}/${name ?? ''}`);
  return { repoURL: source?.sources[0]?.repoURL, path: first.path };
}
