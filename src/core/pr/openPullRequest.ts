/**
 * Opening (or updating) the pull request for a change, over the two ports: GitPublisher pushes the
 * branch, ForgeClient opens the PR. An open PR for the branch is updated with a new commit and
 * body, never duplicated (issue 6). Credentials refused by the forge API or by the git push surface
 * as one `ForgeError('auth')`, so the caller asks for a new token once and retries.
 */
import { ForgeError } from '../forge/types';
import type { ForgeClient, PullRequest } from '../forge/types';
import { BODY_END, BODY_START, replaceImpact } from './plan';
import { PublishError } from './ports';
import type { FileEdit, GitAuth, GitPublisher, PublishProgress, PublishResult } from './ports';

type OpenPrStep = 'forge' | PublishProgress['step'] | 'pullRequest';

export interface OpenPrProgress {
  readonly step: OpenPrStep;
  readonly message: string;
}

export interface OpenPullRequestRequest {
  readonly repoRoot: string;
  readonly remote?: string;
  /** Target branch; default the forge's default branch. */
  readonly base?: string;
  /** From planPullRequest (plan.ts), possibly edited by the user. */
  readonly plan: { readonly branch: string; readonly title: string; readonly body: string; readonly commitMessage: string };
  readonly change: { readonly edits: readonly FileEdit[] } | { readonly revert: readonly string[] };
  readonly auth: GitAuth;
  readonly author?: { readonly name: string; readonly email: string };
  readonly draft?: boolean;
  readonly labels?: readonly string[];
  readonly reviewers?: readonly string[];
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: OpenPrProgress) => void;
}

export interface OpenPullRequestResult {
  readonly pullRequest: PullRequest;
  /** false: an open PR for the branch existed and got a new commit. */
  readonly created: boolean;
  readonly push: PublishResult;
  /** Labels/reviewers the forge could not apply, in words for the user (empty when all went through). */
  readonly warnings?: readonly string[];
}

export interface OpenPullRequestDeps {
  readonly git: GitPublisher;
  readonly forge: ForgeClient;
}

function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new PublishError('cancelled', 'Cancelled.');
}

/** A git push refused for credentials is the same user problem as a 401 from the forge API. */
function asForgeAuth(err: unknown): unknown {
  return err instanceof PublishError && err.code === 'auth' ? new ForgeError('auth', `The token was refused when pushing: ${err.message}`, 401) : err;
}

/**
 * The body for an update: the author's current body with our marked section (BODY_START…BODY_END)
 * swapped for the new one; the whole new body when the forge did not say what the current one is.
 */
export function updatedBody(current: string | undefined, planned: string): string {
  if (current === undefined || current.trim() === '') return planned;
  const start = planned.indexOf(BODY_START);
  const end = planned.indexOf(BODY_END);
  const section = start >= 0 && end > start ? planned.slice(start, end + BODY_END.length) : planned;
  return replaceImpact(current, section);
}

export async function openPullRequest(deps: OpenPullRequestDeps, req: OpenPullRequestRequest): Promise<OpenPullRequestResult> {
  const { git, forge } = deps;
  const progress = (step: OpenPrStep, message: string): void => req.onProgress?.({ step, message });
  const name = `${forge.repo.owner}/${forge.repo.repo}`;

  progress('forge', `Checking ${name}…`);
  checkCancelled(req.signal);
  const base = req.base ?? (await forge.defaultBranch());
  checkCancelled(req.signal);
  if (await forge.isProtected(req.plan.branch)) {
    throw new PublishError('protectedBranch', `${req.plan.branch} is a protected branch on ${name}; choose another branch name.`);
  }
  checkCancelled(req.signal);
  const existing = await forge.findOpenPullRequest(req.plan.branch, base);
  checkCancelled(req.signal);

  const change = 'edits' in req.change ? { edits: req.change.edits } : { revert: req.change.revert };
  const publish = (mode: 'create' | 'update'): Promise<PublishResult> =>
    git.publish({
      repoRoot: req.repoRoot,
      ...(req.remote ? { remote: req.remote } : {}),
      base,
      branch: req.plan.branch,
      mode,
      ...change,
      message: req.plan.commitMessage,
      ...(req.author ? { author: req.author } : {}),
      auth: req.auth,
      isProtected: (b) => b === base,
      ...(req.signal ? { signal: req.signal } : {}),
      onProgress: (p) => progress(p.step, p.message),
    });
  let push: PublishResult;
  try {
    try {
      push = await publish(existing ? 'update' : 'create');
    } catch (err) {
      // Someone else pushed to (or deleted) the open PR's branch: never overwrite their commits
      // (issue 6); the change goes to a fresh branch with a PR of its own.
      if (!(existing && err instanceof PublishError && (err.code === 'branchMoved' || err.code === 'branchMissing'))) throw err;
      progress('retry', `${req.plan.branch} moved on the remote; publishing on a fresh branch…`);
      push = await publish('create');
    }
  } catch (err) {
    throw asForgeAuth(err);
  }
  checkCancelled(req.signal);

  if (existing && push.branch === existing.head) {
    progress('pullRequest', `Updating ${existing.url}…`);
    // The title stays: the author may have edited it on the forge since; so may the body, where only
    // our marked section is replaced.
    const pullRequest = await forge.updatePullRequest(existing, { body: updatedBody(existing.body, req.plan.body) });
    return { pullRequest, created: false, push };
  }
  progress('pullRequest', `Opening the pull request on ${name}…`);
  try {
    const pullRequest = await forge.createPullRequest({
      head: push.branch,
      base,
      title: req.plan.title,
      body: req.plan.body,
      ...(req.draft !== undefined ? { draft: req.draft } : {}),
      ...(req.labels ? { labels: req.labels } : {}),
      ...(req.reviewers ? { reviewers: req.reviewers } : {}),
    });
    return { pullRequest, created: true, push, warnings: pullRequest.warnings ?? [] };
  } catch (err) {
    // Someone (another window) opened it between our lookup and create: use theirs, never a second one.
    if (err instanceof ForgeError && err.code === 'duplicate') {
      const pr = await forge.findOpenPullRequest(push.branch, base);
      if (pr) return { pullRequest: pr, created: false, push };
    }
    throw err;
  }
}
