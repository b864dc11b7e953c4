/**
 * "GitOps: Propose Rollback" (issue 6): on an app node, pick commits from the Git log of the app's
 * path (its Argo CD / Flux source path) and open a PR that reverts them on a new branch (newest
 * first, one commit; src/infra/git/publish.ts reverts in a temporary index, conflicts reported with
 * the files).
 *
 * Arguments for callers without UI: `{ key, commits: string[], title?, yes: true }`.
 */
import * as vscode from 'vscode';
import { appFromArg, Cancelled, UserError } from './appArg';
import { deliver, prArgs, resultOrError } from '../pr/deliver';
import { NO_IMPACT } from '../pr/impact';
import { cloneOfSources, foldersOf } from './openPullRequest';
import type { CommandContext, CommandFactory } from './types';

export const proposeRollback: CommandFactory = (ctx) => (arg?: unknown) => resultOrError(arg, () => rollback(ctx, arg));

async function rollback(deps: CommandContext, arg: unknown) {
  const args = prArgs(arg);
  const git = deps.pr.git;
  const app = await appFromArg(deps.apps, typeof args.key === 'string' ? args.key : arg);
  // `root`: a clone outside the workspace folders (tests, multi-repo setups).
  const explicit = typeof args.root === 'string' ? await git.repoRootOf(args.root) : undefined;
  const clone = explicit ? undefined : cloneOfSources(deps.repos, foldersOf(args.root), app);
  const source = explicit ? (app.sources.find((s) => s.path !== undefined) ?? app.sources[0]) : clone?.source;
  const root = explicit ?? clone?.workspace.root;
  if (!source || !root) throw new UserError(`No workspace folder is a clone of ${app.name}'s repository.`);
  const appPath = (source.path ?? '').replace(/^\.?\/*/, '').replace(/\/+$/, '');
  let commits: string[];
  if (Array.isArray(args.commits)) {
    commits = args.commits.filter((c): c is string => typeof c === 'string');
  } else {
    const log = await git.logOfPath(root, appPath);
    if (log.length === 0) throw new UserError(`No commits touch ${appPath || 'the repository'}.`);
    // The app's deployed revision first: everything newer than it is what a rollback would undo.
    const deployed = app.fullRevision?.match(/[0-9a-f]{40}/i)?.[0];
    const picked = await vscode.window.showQuickPick(
      log.map((e) => ({
        label: e.subject,
        description: `${e.sha.slice(0, 7)} · ${e.author} · ${e.date}${deployed === e.sha ? ' · deployed' : ''}`,
        sha: e.sha,
      })),
      { canPickMany: true, placeHolder: `Commits on ${appPath || '/'} to revert in a pull request`, matchOnDescription: true },
    );
    if (!picked || picked.length === 0) throw new Cancelled();
    commits = picked.map((p) => p.sha);
  }
  if (commits.length === 0) throw new UserError('Choose at least one commit to revert.');
  for (const c of commits) if (!(await git.hasCommit(root, c))) throw new UserError(`Commit ${c.slice(0, 12)} is not in the local repository; fetch first.`);
  const subjects = await Promise.all(commits.map(async (c) => `- ${c.slice(0, 7)} ${(await git.commitSubject(root, c)) ?? ''}`));
  const first = commits[0]?.slice(0, 7) ?? '';
  return deliver(
    deps.pr,
    {
      repoRoot: root,
      heading: 'Propose rollback',
      title: commits.length === 1 ? `Roll back ${app.name}: revert ${first}` : `Roll back ${app.name}: revert ${commits.length} commits`,
      slug: `rollback-${app.name}-${first}`,
      files: [],
      impact: { ...NO_IMPACT, apps: [app.key] },
      summary: `Rolls back ${app.name} (${app.cluster}) by reverting:\n${subjects.join('\n')}`,
      change: { revert: commits },
    },
    args,
  );
}
