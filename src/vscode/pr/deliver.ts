/**
 * The part every pull-request command shares (issue 6): the plan (core/pr/plan `planPullRequest`:
 * branch and title rules, the impact section between our body markers, merged into the repository's
 * PR template), the preview, the title, then inside a cancellable progress notification the core
 * orchestration (core/pr/openPullRequest: protected branches refused, an open PR for the branch gets
 * a new commit and only our marked section of its body, never a second PR or a force push), with a
 * 401 asking for a new token once (auth.ts). A final message with "Open PR" and "Copy link". The
 * user's working tree, index, HEAD and stash are never touched (src/infra/git/publish.ts).
 */
import * as vscode from 'vscode';
import { detectForge } from '../../core/forge/detect';
import { tokenDestinationProblem } from '../../core/forge/transport';
import { ForgeError, gitHttpAuthHeader, type ForgeClient, type ForgeCredentials, type ForgeRepo } from '../../core/forge/types';
import type { LocalGit } from '../../core/git/ports';
import { remoteHost } from '../../core/git/remoteUrl';
import type { Logger } from '../../core/ports';
import { openPullRequest } from '../../core/pr/openPullRequest';
import { findTemplate, planPullRequest } from '../../core/pr/plan';
import { PublishError, type FileEdit, type GitPublisher } from '../../core/pr/ports';
import type { AppKey } from '../../core/model/app';
import { Cancelled, UserError } from '../commands/appArg';
import { readPullRequestSettings } from '../config';
import { requireTrust } from '../trust';
import type { ForgeAuth } from './auth';
import { showImpactPreview } from './impactPreview';
import { previewImpacts, type Impact, type KnownContext, type LiveRead } from './impact';
import type { PreviewFile } from './previewHtml';
import type { OpenPullRequestCheck, PullRequestRecords } from './records';
import { userMessage } from '../../core/text';

/** What the PR commands need; built once in composition.ts. */
export interface PrDeps {
  readonly auth: ForgeAuth;
  readonly records: PullRequestRecords;
  readonly publisher: GitPublisher;
  readonly createClient: (repo: ForgeRepo, creds: ForgeCredentials) => ForgeClient;
  readonly extensionPath: string;
  readonly log: Logger;
  /** The user's repository through git (HEAD versions, the PR template), never in Restricted Mode. */
  readonly git: LocalGit;
  /** Live objects through the lenses' client (KubeClusterAccess.get); without it the impact is not computed. */
  readonly live?: LiveRead;
  /** Kubeconfig contexts, to find an Argo CD app's destination cluster. */
  readonly contexts?: () => readonly KnownContext[];
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
  /** The command's own default title (rollback, suspend); else the plan's, from the impact. */
  readonly title?: string;
  /** The command's own branch slug under the prefix; else the plan's. The same target gives the same branch, so a re-run updates its PR. */
  readonly slug?: string;
  readonly files: readonly PreviewFile[];
  readonly impact: Impact;
  /** Words at the top of our body section (what a rollback reverts…). */
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
  // The commands stop earlier (infra/git/localGit runs no git in Restricted Mode); this holds for any other caller.
  requireTrust('Pull requests');
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
    const host = remoteHost(remoteUrl) ?? remoteUrl;
    throw new UserError(`GitOps Lens does not know which forge serves ${host}. Map it in the gitopsLens.forges setting, e.g. { "${host}": "gitlab" }.`);
  }
  // Before any prompt or request: the token for repo.host goes only over HTTPS (or to this machine) and
  // only to that host and its forge's API host (core/forge/transport). The forge clients and the push
  // check again per request; this is the early answer in words.
  for (const url of [...(/^https?:\/\//i.test(remoteUrl) ? [remoteUrl] : []), repo.apiBaseUrl]) {
    const problem = tokenDestinationProblem(repo.host, url);
    if (problem) throw new UserError(problem);
  }
  // The template as committed (HEAD is what the base branch most likely holds; the working tree may be mid-edit).
  const template = await findTemplate(repo.kind, { readFile: (p) => deps.git.headContent(req.repoRoot, p), listDir: (d) => deps.git.headDirFiles(req.repoRoot, d) });
  const plan = planPullRequest({
    impact: req.impact.impact,
    files: req.files.map((f) => f.path),
    prefix: settings.branchPrefix,
    ...(template ? { template: template.text } : {}),
    ...(req.summary ? { summary: req.summary } : {}),
    ...(req.slug !== undefined ? { slug: req.slug } : {}),
  });
  const defaultTitle = req.title ?? plan.title;

  if (!args.yes) {
    const ok = await showImpactPreview({
      heading: req.heading,
      title: defaultTitle,
      repository: `${repo.owner}/${repo.repo} on ${repo.host}`,
      branch: plan.branch,
      impacts: previewImpacts(req.impact),
      files: req.files,
      undeployed: req.impact.undeployed,
    });
    if (!ok) throw new Cancelled();
  }
  let title = args.title?.trim();
  if (!title && !args.yes) {
    title = (
      await vscode.window.showInputBox({
        title: req.heading,
        prompt: 'Pull request title',
        value: defaultTitle,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() === '' ? 'Enter a title' : undefined),
      })
    )?.trim();
    if (!title) throw new Cancelled();
  }
  const finalTitle = title || defaultTitle;
  // The commit message is the plan's with the chosen title as its subject.
  const commitMessage = `${finalTitle}${plan.commitMessage.slice(plan.title.length)}`;

  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `GitOps Lens: ${req.heading}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        progress.report({ message: `Connecting to ${repo.host}…` });
        // A 401 from the forge API or the push asks for a new token once, then runs again (auth.ts).
        return await deps.auth.withCredentials(repo, { interactive: !args.yes }, async (creds) => {
          const client = deps.createClient(repo, creds);
          const opened = await openPullRequest(
            { git: deps.publisher, forge: client },
            {
              repoRoot: req.repoRoot,
              remote,
              plan: { branch: plan.branch, title: finalTitle, body: plan.body, commitMessage },
              change: req.change,
              // An ssh remote pushes through the user's agent; the forge token is for HTTPS and the API only.
              auth: /^https?:\/\//i.test(remoteUrl) ? { kind: 'header', header: gitHttpAuthHeader(repo.kind, creds) } : { kind: 'ssh' },
              draft: settings.draft,
              ...(settings.labels.length ? { labels: settings.labels } : {}),
              ...(settings.reviewers.length ? { reviewers: settings.reviewers } : {}),
              signal: abort.signal,
              onProgress: (p) => progress.report({ message: p.message }),
            },
          );
          await dropClosed(deps, client, repo, settings.branchPrefix, opened.pullRequest.url);
          return opened;
        });
      } catch (e) {
        if (e instanceof PublishError && e.code === 'cancelled') throw new Cancelled();
        throw explainPublish(e);
      } finally {
        sub.dispose();
      }
    },
  );
  const pr = result.pullRequest;
  const done: DeliverResult = {
    url: pr.url,
    ...(pr.number !== undefined ? { number: pr.number } : {}),
    branch: result.push.branch,
    base: result.push.base,
    updated: !result.created,
    title: pr.title || finalTitle,
  };
  await deps.records.add({
    url: done.url,
    title: done.title,
    ...(done.number !== undefined ? { number: done.number } : {}),
    head: done.branch,
    base: done.base,
    host: repo.host,
    remoteUrl,
    apps: [...req.impact.apps] as AppKey[],
    files: req.files.map((f) => f.path),
    openedAt: Date.now(),
  });
  deps.log.info(`[PullRequests][deliver] ${done.updated ? 'updated' : 'opened'} ${done.url} (${done.branch} → ${done.base})`);
  for (const w of result.warnings ?? []) void vscode.window.showWarningMessage(userMessage(w));
  const what = `${done.number !== undefined ? `#${done.number} ` : ''}${done.updated ? 'updated' : 'opened'}: ${done.title}`;
  void vscode.window.showInformationMessage(userMessage(`pull request ${what}`), 'Open PR', 'Copy link').then(async (choice) => {
    if (choice === 'Open PR') await vscode.env.openExternal(vscode.Uri.parse(done.url));
    if (choice === 'Copy link') await vscode.env.clipboard.writeText(done.url);
  });
  return done;
}

/**
 * For PullRequestRecords.refreshApp: the open PRs on the forge of `remoteUrl`, with the stored
 * credentials only (no prompt from a tree expansion); undefined when the forge cannot be asked.
 */
export function openPullRequestCheck(deps: PrDeps): OpenPullRequestCheck {
  return async (remoteUrl, records) => {
    // No forge request from an untrusted workspace, not even a read with a stored token.
    if (!vscode.workspace.isTrusted) return undefined;
    const settings = readPullRequestSettings();
    const repo = detectForge(remoteUrl, { forges: settings.forges });
    if (!repo) return undefined;
    try {
      const creds = await deps.auth.credentials(repo, { interactive: false });
      const prefix = `${settings.branchPrefix}/`;
      const client = deps.createClient(repo, creds);
      const open = await client.listOpenPullRequests(records.every((r) => r.head.startsWith(prefix)) ? { headPrefix: prefix } : {});
      return new Set(open.map((p) => p.url));
    } catch (e) {
      deps.log.debug(`[PullRequests][openPullRequestCheck] ${repo.host}: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  };
}

/** The app nodes list the PRs we opened; drop the ones of this repository the forge no longer lists as open. */
async function dropClosed(deps: PrDeps, client: ForgeClient, repo: ForgeRepo, prefix: string, justOpened: string): Promise<void> {
  try {
    const open = new Set((await client.listOpenPullRequests({ headPrefix: `${prefix}/` })).map((p) => p.url));
    open.add(justOpened);
    const web = repo.webUrl.toLowerCase();
    await deps.records.retain((r) => !r.url.toLowerCase().startsWith(web) || open.has(r.url));
  } catch (e) {
    deps.log.debug(`[PullRequests][dropClosed] listing open pull requests failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function explainPublish(e: unknown): unknown {
  if (!(e instanceof PublishError)) return e;
  if (e.code === 'conflict' && e.files.length) return new UserError(`${e.message} (${e.files.join(', ')})`);
  if (e.code === 'noChanges') return new UserError('The branch already holds exactly this change; nothing to commit.');
  return e;
}
