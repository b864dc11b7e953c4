/**
 * "GitOps: Open Pull Request for Changes" (issue 6). From the editor title (a YAML file), the SCM
 * title (a repository), an app node, or the Command Palette: the repository's changed manifests (or
 * the ones picked), their impact per cluster and app, a preview, a title, then the PR.
 *
 * Arguments for callers without UI: `{ root?, files?: string[], title?, yes: true, slug? }`.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { App, AppSource } from '../../core/model/app';
import type { Deployment } from '../../core/drift/deployedBy';
import type { ChangedFile, GitWorkspace, RepositoryDiscovery } from '../../core/git/ports';
import type { FileEdit } from '../../core/pr/ports';
import { RepoFileError } from '../../infra/repoFiles';
import { liveImpact, type ChangedManifest, type Impact } from '../pr/impact';
import { deliver, prArgs, resultOrError, type PrArgs } from '../pr/deliver';
import { Cancelled, UserError } from './appArg';
import type { CommandContext, CommandFactory } from './types';

const toPosix = (p: string) => p.split(path.sep).join('/');

/**
 * The text a file will have in the PR: an open editor's buffer (unsaved edits included) or the file on
 * disk (read with bounds: a link, FIFO or oversized file is refused in words); null when it is gone.
 */
async function currentText(ctx: CommandContext, abs: string): Promise<string | null> {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && path.resolve(d.uri.fsPath) === path.resolve(abs));
  if (doc) return doc.getText();
  try {
    return await ctx.files.readText(abs);
  } catch (err) {
    if (err instanceof RepoFileError) throw new UserError(err.message);
    throw err;
  }
}

/** The workspace folders, or the one repository a caller names (`root`: tests, clones outside the workspace). */
export function foldersOf(root?: unknown): string[] {
  return typeof root === 'string' ? [root] : (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
}

/** The first of the app's sources that has a clone among `folders`, with that clone (one search per source). */
export function cloneOfSources(repos: RepositoryDiscovery, folders: readonly string[], app: App): { readonly source: AppSource; readonly workspace: GitWorkspace } | undefined {
  for (const source of app.sources) {
    const workspace = source.repoURL ? repos.findClones(folders, source.repoURL)[0] : undefined;
    if (workspace) return { source, workspace };
  }
  return undefined;
}

/** The repository a command invocation is about; `workspace` when discovery already read its `.git`. */
async function rootFrom(arg: unknown, ctx: CommandContext, args: Record<string, unknown>): Promise<{ root: string; app?: App; workspace?: GitWorkspace }> {
  const git = ctx.pr.git;
  if (typeof args.root === 'string') return { root: (await git.repoRootOf(args.root)) ?? args.root };
  if (arg instanceof vscode.Uri && arg.scheme === 'file') {
    const r = await git.repoRootOf(path.dirname(arg.fsPath));
    if (r) return { root: r };
  }
  // scm/title passes the SourceControl, whose rootUri is the repository.
  const rootUri = typeof arg === 'object' && arg !== null ? (arg as { rootUri?: unknown }).rootUri : undefined;
  if (rootUri instanceof vscode.Uri) return { root: rootUri.fsPath };
  const key = typeof arg === 'object' && arg !== null && typeof (arg as { key?: unknown }).key === 'string' ? (arg as { key: string }).key : undefined;
  const app = key ? ctx.apps.get(key) : undefined;
  if (app) {
    const clone = cloneOfSources(ctx.repos, foldersOf(), app);
    if (clone) return { root: clone.workspace.root, app, workspace: clone.workspace };
    throw new UserError(`No workspace folder is a clone of ${app.name}'s repository.`);
  }
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.scheme === 'file') {
    const r = await git.repoRootOf(path.dirname(active.fsPath));
    if (r) return { root: r };
  }
  for (const f of vscode.workspace.workspaceFolders ?? []) {
    const r = await git.repoRootOf(f.uri.fsPath);
    if (r) return { root: r };
  }
  throw new UserError('Open a folder that is a Git repository to open a pull request.');
}

/** Reads HEAD and new versions of the chosen files. */
export async function manifestsOf(ctx: CommandContext, root: string, files: readonly ChangedFile[]): Promise<ChangedManifest[]> {
  return Promise.all(
    files.map(async (f) => {
      const abs = path.join(root, f.path);
      const before = await ctx.pr.git.headContent(root, f.path);
      const after = f.status === 'deleted' ? null : await currentText(ctx, abs);
      return { path: f.path, status: after === null ? 'deleted' : before === undefined ? 'added' : f.status, before, after } satisfies ChangedManifest;
    }),
  );
}

function editsOf(files: readonly ChangedManifest[]): FileEdit[] {
  return files.map((f) => ({ path: f.path, content: f.after, before: f.before }));
}

/**
 * The cluster impact of `files` of `root`: per app, the live objects against the new documents.
 * `workspace`: the repository's remotes and branch when the caller already read them.
 */
export async function impactFor(ctx: CommandContext, root: string, files: readonly ChangedManifest[], opts: { fallback?: (file: string) => readonly Deployment[]; workspace?: GitWorkspace } = {}): Promise<Impact> {
  const r = opts.workspace ?? ctx.repos.workspaceOf(root);
  const fallback = opts.fallback;
  return liveImpact({
    files,
    apps: ctx.apps.all(),
    repo: { root: toPosix(root), remotes: r?.urls ?? [], ...(r?.branch !== undefined ? { branch: r.branch } : {}) },
    read: ctx.pr.live ?? (() => Promise.reject(new Error('no cluster access in this window'))),
    contexts: ctx.pr.contexts?.() ?? [],
    ...(fallback ? { fallback } : {}),
  });
}

/** Opens a PR for `files` (already read) of `root`; shared with Adopt Live State. */
export async function openPullRequestFor(ctx: CommandContext, root: string, files: readonly ChangedManifest[], args: PrArgs & { slug?: unknown; heading?: string; summary?: string; defaultTitle?: string }, workspace?: GitWorkspace) {
  const impact = await impactFor(ctx, root, files, workspace ? { workspace } : {});
  return deliver(
    ctx.pr,
    {
      repoRoot: root,
      heading: args.heading ?? 'Open pull request',
      // Title and branch follow the plan's rules (core/pr/plan) unless the caller names the change.
      ...(typeof args.slug === 'string' ? { slug: args.slug } : {}),
      ...(args.defaultTitle ? { title: args.defaultTitle } : {}),
      files: files.map((f) => ({ path: f.path, status: f.status })),
      impact,
      ...(args.summary ? { summary: args.summary } : {}),
      change: { edits: editsOf(files) },
    },
    args,
  );
}

export const openPullRequest: CommandFactory = (ctx) => (arg?: unknown) => resultOrError(arg, () => openPullRequestRun(ctx, arg));

async function openPullRequestRun(ctx: CommandContext, arg: unknown) {
  const args = prArgs(arg);
  const { root, app, workspace } = await rootFrom(arg, ctx, args);
  let changed = await ctx.pr.git.changedFiles(root);
  if (Array.isArray(args.files)) {
    const want = new Set(args.files.filter((f): f is string => typeof f === 'string').map((f) => toPosix(path.isAbsolute(f) ? path.relative(root, f) : f)));
    changed = changed.filter((c) => want.has(c.path));
  } else if (!args.yes) {
    // Also offer files edited in an editor but not saved yet.
    const dirty = vscode.workspace.textDocuments.filter((d) => d.isDirty && d.uri.scheme === 'file' && /\.ya?ml$/i.test(d.uri.fsPath) && d.uri.fsPath.startsWith(root + path.sep));
    for (const d of dirty) {
      const rel = toPosix(path.relative(root, d.uri.fsPath));
      if (!changed.some((c) => c.path === rel)) changed.push({ path: rel, status: 'modified' });
    }
  }
  if (changed.length === 0) throw new UserError(`No changed manifests in ${path.basename(root)} (compared with HEAD). Edit a YAML file first.`);
  if (!args.yes && !Array.isArray(args.files) && changed.length > 1) {
    const appPath = app?.sources.find((s) => s.path !== undefined)?.path?.replace(/^\.?\/*/, '').replace(/\/+$/, '');
    const picked = await vscode.window.showQuickPick(
      changed.map((c) => ({
        label: c.path,
        description: c.status,
        picked: appPath ? c.path.startsWith(`${appPath}/`) : true,
        file: c,
      })),
      { canPickMany: true, placeHolder: 'Changed manifests to include in the pull request' },
    );
    if (!picked || picked.length === 0) throw new Cancelled();
    changed = picked.map((p) => p.file);
  }
  const files = await manifestsOf(ctx, root, changed);
  return openPullRequestFor(ctx, root, files, args, workspace);
}
