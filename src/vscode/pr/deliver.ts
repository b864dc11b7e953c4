/**
 * The part every pull-request command shares (issue 6): preview → title → inside a cancellable
 * progress notification: credentials, the forge's default branch, an existing open PR for the branch,
 * publish (a new branch, or a fast-forward commit on the open PR's branch, never a force push) in a
 * temporary index (src/infra/git/publish.ts), then create or update the PR; a final message with
 * "Open PR" and "Copy link". The user's working tree, index, HEAD and stash are never touched.
 */
import * as vscode from 'vscode';
import { detectForge } from '../../core/forge/detect';
import { ForgeError, gitHttpAuthHeader, type ForgeClient, type ForgeCredentials, type ForgeRepo, type PullRequest } from '../../core/forge/types';
import type { Logger } from '../../core/ports';
import { PublishError, type FileEdit, type GitPublisher, type PublishResult } from '../../core/pr/ports';
import type { AppKey } from '../../core/model/app';
import { Cancelled, UserError } from '../commands/appArg';
import { readPullRequestSettings } from '../config';
import type { ForgeAuth } from './auth';
import { showImpactPreview } from './impactPreview';
import { pullRequestBody, type Impact } from './impact';
import type { PreviewFile } from './previewHtml';
import type { PullRequestRecords } from './records';

/** What the PR commands need; built once in composition.ts. */
export interface PrDeps {
  readonly auth: ForgeAuth;
  readonly records: PullRequestRecords;
  readonly publisher: GitPublisher;
  readonly createClient: (repo: ForgeRepo, creds: ForgeCredentials) => ForgeClient;
  readonly extensionPath: string;
  readonly log: Logger;
}

/** Arguments a caller may pass to skip the prompts (tests, other extensions): `{ title, files, yes: true }`. */
export interface PrArgs {
  readonly title?: string;
  /** Skip the preview and the title prompt; never prompt for credentials. */
  readonly yes?: boolean;
  readonly remote?: string;
}

/**
 * For callers that drive a command with arguments (tests, other extensions) and pass
 * `returnErrors: true`: the failure comes back as `{ error, code }` in words instead of a notification.
 */
export async function resultOrError<T>(arg: unknown, fn: () => Promise<T>): Promise<T | { readonly error: string; readonly code?: string }> {
  if (!(typeof arg === 'object' && arg !== null && (arg as { returnErrors?: unknown }).returnErrors === true)) return fn();
  try {
    return await fn();
  } catch (e) {
    const code = e instanceof ForgeError || e instanceof PublishError ? e.code : undefined;
    return { error: e instanceof Error ? e.message : String(e), ...(code ? { code } : {}) };
  }
}

export function prArgs(arg: unknown): PrArgs & Record<string, unknown> {
  return (typeof arg === 'object' && arg !== null && !Array.isArray(arg) && !(arg instanceof vscode.Uri) ? arg : {}) as PrArgs & Record<string, unknown>;
}

export interface ChangeRequest {
  readonly repoRoot: string;
  /** "Open pull request", "Propose rollback"… */
  readonly heading: string;
  readonly defaultTitle: string;
  /** Branch slug under the prefix; the same change target gives the same branch, so a re-run updates its PR. */
  readonly slug: string;
  readonly files: readonly PreviewFile[];
  readonly impact: Impact;
  readonly summary?: string;
  readonly change: { readonly edits: readonly FileEdit[] } | { readonly revert: readonly string[] };
}

export interface DeliverResult {
  readonly url: string;
  readonly number?: number;
  readonly branch: string;
  readonly base: string;
  readonly updated: boolean;
  readonly title: string;
}

export async function deliver(deps: PrDeps, req: ChangeRequest, args: PrArgs): Promise<DeliverResult> {
  const settings = readPullRequestSettings();
  const remote = args.remote ?? 'origin';
  let remoteUrl: string;
  try {
    remoteUrl = await deps.publisher.remoteUrl(req.repoRoot, remote);
  } catch (e) {
    throw new UserError(`The repository has no remote "${remote}" to open a pull request on${e instanceof Error ? ` (${e.message})` : ''}.`);
  }
  const repo = detectForge(remoteUrl, { forges: settings.forges });
  if (!repo) {
    const host = /^[a-z+]+:\/\/(?:[^@/]*@)?([^/]+)/i.exec(remoteUrl)?.[1] ?? /^(?:[^@]+@)?([^:]+):/.exec(remoteUrl)?.[1] ?? remoteUrl;
    throw new UserError(`GitOps Lens does not know which forge serves ${host}. Map it in the gitopsLens.forges setting, e.g. { "${host}": "gitlab" }.`);
  }
  const branch = `${settings.branchPrefix}/${req.slug}`;

  if (!args.yes) {
    const ok = await showImpactPreview(
      { heading: req.heading, title: req.defaultTitle, repository: `${repo.owner}/${repo.repo} on ${repo.host}`, branch, impacts: req.impact.impacts, files: req.files, undeployed: req.impact.undeployed },
    );
    if (!ok) throw new Cancelled();
  }
  let title = args.title?.trim();
  if (!title && !args.yes) {
    title = (
      await vscode.window.showInputBox({
        title: req.heading,
        prompt: 'Pull request title',
        value: req.defaultTitle,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() === '' ? 'Enter a title' : undefined),
      })
    )?.trim();
    if (!title) throw new Cancelled();
  }
  const finalTitle = title || req.defaultTitle;
  const body = pullRequestBody({ ...(req.summary ? { summary: req.summary } : {}), impact: req.impact, files: req.files });

  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `GitOps Lens: ${req.heading}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        return await run(deps, { repo, req, branch, title: finalTitle, body, remote, args, settings, signal: abort.signal, report: (m) => progress.report({ message: m }) });
      } finally {
        sub.dispose();
      }
    },
  );
  await deps.records.add({
    url: result.url,
    title: result.title,
    ...(result.number !== undefined ? { number: result.number } : {}),
    head: result.branch,
    base: result.base,
    host: repo.host,
    apps: req.impact.apps as AppKey[],
    files: req.files.map((f) => f.path),
    openedAt: Date.now(),
  });
  deps.log.info(`[PullRequests][deliver] ${result.updated ? 'updated' : 'opened'} ${result.url} (${result.branch} → ${result.base})`);
  const what = `${result.number !== undefined ? `#${result.number} ` : ''}${result.updated ? 'updated' : 'opened'}: ${result.title}`;
  void vscode.window.showInformationMessage(`Pull request ${what}`, 'Open PR', 'Copy link').then(async (choice) => {
    if (choice === 'Open PR') await vscode.env.openExternal(vscode.Uri.parse(result.url));
    if (choice === 'Copy link') await vscode.env.clipboard.writeText(result.url);
  });
  return result;
}

interface RunInput {
  readonly repo: ForgeRepo;
  readonly req: ChangeRequest;
  readonly branch: string;
  readonly title: string;
  readonly body: string;
  readonly remote: string;
  readonly args: PrArgs;
  readonly settings: ReturnType<typeof readPullRequestSettings>;
  readonly signal: AbortSignal;
  readonly report: (message: string) => void;
}

async function run(deps: PrDeps, x: RunInput): Promise<DeliverResult> {
  const { repo, signal } = x;
  const check = () => {
    if (signal.aborted) throw new Cancelled();
  };
  x.report(`Connecting to ${repo.host}…`);
  // The first forge call proves the credentials; a 401 asks for a new token once (auth.ts).
  const { client, creds, base } = await deps.auth.withCredentials(repo, { interactive: !x.args.yes }, async (c) => {
    const cl = deps.createClient(repo, c);
    return { client: cl, creds: c, base: await cl.defaultBranch() };
  });
  check();
  const existing = await client.findOpenPullRequest(x.branch, base);
  check();
  const auth = { kind: 'header' as const, header: gitHttpAuthHeader(repo.kind, creds) };
  const edits = 'edits' in x.req.change ? { edits: x.req.change.edits } : { revert: x.req.change.revert };
  const publish = (mode: 'create' | 'update'): Promise<PublishResult> =>
    deps.publisher.publish({
      repoRoot: x.req.repoRoot,
      remote: x.remote,
      base,
      branch: x.branch,
      mode,
      message: x.title,
      auth,
      signal,
      onProgress: (p) => x.report(p.message),
      ...edits,
    } as Parameters<GitPublisher['publish']>[0]);
  let pushed: PublishResult;
  try {
    pushed = await publish(existing ? 'update' : 'create');
  } catch (e) {
    if (e instanceof PublishError && e.code === 'cancelled') throw new Cancelled();
    if (e instanceof PublishError && existing && (e.code === 'branchMoved' || e.code === 'branchMissing')) {
      // Someone else pushed to the PR's branch: never overwrite their commits; open a fresh branch instead.
      deps.log.warn(`[PullRequests][run] ${x.branch} moved on the remote; publishing on a fresh branch`);
      pushed = await publish('create');
    } else {
      throw explainPublish(e);
    }
  }
  check();
  let pr: PullRequest;
  let updated = false;
  if (existing && pushed.branch === existing.head) {
    x.report('Updating the pull request…');
    pr = await client.updatePullRequest(existing, { title: x.title, body: x.body });
    updated = true;
  } else {
    x.report('Opening the pull request…');
    try {
      pr = await client.createPullRequest({
        head: pushed.branch,
        base,
        title: x.title,
        body: x.body,
        draft: x.settings.draft,
        labels: x.settings.labels,
        reviewers: x.settings.reviewers,
      });
    } catch (e) {
      // A PR for this head appeared meanwhile (or the list missed it): update it rather than fail.
      if (!(e instanceof ForgeError) || e.code !== 'duplicate') throw e;
      const found = await client.findOpenPullRequest(pushed.branch, base);
      if (!found) throw e;
      pr = await client.updatePullRequest(found, { title: x.title, body: x.body });
      updated = true;
    }
  }
  // The app nodes list the PRs we opened; drop the ones of this repository that are no longer open.
  try {
    const open = new Set((await client.listOpenPullRequests({ headPrefix: `${x.settings.branchPrefix}/` })).map((p) => p.url));
    open.add(pr.url);
    const web = repo.webUrl.toLowerCase();
    await deps.records.retain((r) => !r.url.toLowerCase().startsWith(web) || open.has(r.url));
  } catch (e) {
    deps.log.debug(`[PullRequests][run] listing open pull requests failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { url: pr.url, ...(pr.number !== undefined ? { number: pr.number } : {}), branch: pushed.branch, base, updated, title: pr.title || x.title };
}

function explainPublish(e: unknown): unknown {
  if (!(e instanceof PublishError)) return e;
  if (e.code === 'conflict' && e.files.length) return new UserError(`${e.message} (${e.files.join(', ')})`);
  if (e.code === 'noChanges') return new UserError('The branch already holds exactly this change; nothing to commit.');
  return e;
}
