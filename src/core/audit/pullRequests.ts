/**
 * The pull request behind a change, and its approvals (issue 17): asked of the forge when it can be
 * reached, else read from the merge or squash commit's message (graph.ts pullRequestRefs) with the
 * approvals unknown, so an offline audit still has Git's answer.
 */
import type { BranchProtection, ForgeClient, PullRequestDetails, PullRequestReview, ReviewState } from '../forge/types';
import { ForgeError, approversOf } from '../forge/types';
import type { CommitRecord } from './commits';
import { pullRequestRefs } from './graph';

/** What the audit asks of a forge (a subset of ForgeClient, so a cache can stand in between). */
export type AuditForge = Pick<ForgeClient, 'pullRequestsForCommit' | 'pullRequestReviews' | 'branchProtection'>;

interface PullRequestEvidence {
  readonly number: number;
  readonly title?: string;
  readonly url?: string;
  readonly author?: string;
  readonly mergedBy?: string;
  readonly mergedAt?: string;
  /** Users whose latest decisive review approves; undefined when not known (offline, or the forge failed). */
  readonly approvedBy?: readonly string[];
  /** Everyone who reviewed it but its author, with their latest decisive state (a comment only if nothing else). */
  readonly reviewers?: ReadonlyArray<{ readonly user: string; readonly state: ReviewState }>;
  /** `forge`: the forge said so; `message`: only the commit message names it. */
  readonly source: 'forge' | 'message';
}

export type PullRequestLookup =
  | { readonly kind: 'pullRequest'; readonly pr: PullRequestEvidence }
  /** The forge has no merged pull request for the commit: it reached the branch without one. */
  | { readonly kind: 'none'; readonly note?: string }
  /** The forge could not be asked (offline, no token, an error); `hint` is what the message says. */
  | { readonly kind: 'unknown'; readonly reason: string; readonly hint?: PullRequestEvidence };

/** Per reviewer (the author left out) the latest decisive state, else `commented`; in the order they first reviewed. */
function reviewersOf(reviews: readonly PullRequestReview[], author?: string): Array<{ user: string; state: ReviewState }> {
  const last = new Map<string, ReviewState>();
  for (const r of reviews) {
    if (r.state === 'pending' || (author !== undefined && r.user.toLowerCase() === author.toLowerCase())) continue;
    if (r.state === 'commented' && last.has(r.user)) continue;
    last.set(r.user, r.state);
  }
  return [...last].map(([user, state]) => ({ user, state }));
}

function fromForge(pr: PullRequestDetails, approvedBy: readonly string[] | undefined, reviews: readonly PullRequestReview[] = []): PullRequestEvidence {
  const reviewers = reviewersOf(reviews, pr.author);
  return {
    number: pr.number ?? Number(pr.id),
    title: pr.title,
    url: pr.url,
    ...(pr.author ? { author: pr.author } : {}),
    ...(pr.mergedBy ? { mergedBy: pr.mergedBy } : {}),
    ...(pr.mergedAt ? { mergedAt: pr.mergedAt } : {}),
    ...(approvedBy ? { approvedBy } : {}),
    ...(reviewers.length > 0 ? { reviewers } : {}),
    source: 'forge',
  };
}

/** The pull request number a commit's message names (the merge commit's, else the commit's own). */
function messageHint(commit: CommitRecord, via?: CommitRecord): PullRequestEvidence | undefined {
  for (const c of via && via.id !== commit.id ? [via, commit] : [commit]) {
    const ref = pullRequestRefs(c.subject, c.body)[0];
    if (ref) return { number: ref.number, source: 'message' };
  }
  return undefined;
}

/** The merged pull request into `branch` among the forge's answers: the one whose merge made `via`, else any merged into the branch. */
function pick(list: readonly PullRequestDetails[], branch: string | undefined, via: string): PullRequestDetails | undefined {
  const merged = list.filter((p) => p.state === 'merged' && (branch === undefined || p.base === branch));
  return merged.find((p) => p.mergeCommit?.toLowerCase() === via.toLowerCase()) ?? merged[0];
}

/**
 * The pull request that brought `commit` to `branch`. `via` is the first-parent commit that landed it
 * (graph.ts landings: the merge commit, or the commit itself for squash, rebase and direct pushes); the
 * forge is asked for `via` first, then for the commit, and the reviews of the one found.
 */
export async function lookupPullRequest(commit: CommitRecord, via: CommitRecord | undefined, branch: string | undefined, forge: AuditForge | undefined, offlineReason = 'no forge access'): Promise<PullRequestLookup> {
  const hint = messageHint(commit, via);
  if (!forge) return { kind: 'unknown', reason: offlineReason, ...(hint ? { hint } : {}) };
  try {
    const landing = via ?? commit;
    let found = pick(await forge.pullRequestsForCommit(landing.id), branch, landing.id);
    if (!found && landing.id !== commit.id) found = pick(await forge.pullRequestsForCommit(commit.id), branch, landing.id);
    if (!found) return hint ? { kind: 'none', note: `the message names #${hint.number}, but the forge has no merged pull request for this commit` } : { kind: 'none' };
    const reviews = await forge.pullRequestReviews(found);
    return { kind: 'pullRequest', pr: fromForge(found, approversOf(reviews, found.author), reviews) };
  } catch (err) {
    if (err instanceof ForgeError) return { kind: 'unknown', reason: err.message, ...(hint ? { hint } : {}) };
    throw err;
  }
}

/** A policy finding on one change: what an auditor must look at. */
export type ChangeFlag =
  /** Reached the tracked branch without a merged pull request (a direct push). */
  | 'noPullRequest'
  /** Came through a pull request nobody (but its author) approved. */
  | 'notApproved'
  /** Could not be checked (the forge was not reachable). */
  | 'unverified';

/** Issue 17 policy: commits that did not come through a merged pull request, or whose PR had no approval, are flagged. */
export function changeFlags(lookup: PullRequestLookup): ChangeFlag[] {
  if (lookup.kind === 'none') return ['noPullRequest'];
  if (lookup.kind === 'unknown') return ['unverified'];
  if (lookup.pr.approvedBy !== undefined && lookup.pr.approvedBy.length === 0) return ['notApproved'];
  return [];
}

/** What a tracked branch's protection lacks, in words ([] when it requires approved pull requests and blocks force pushes). */
export function protectionProblems(p: BranchProtection): string[] {
  if (!p.protected) return [`${p.branch} is not protected: anyone with write access can push to it`];
  const out: string[] = [];
  if (p.pullRequestRequired === false) out.push(`${p.branch} accepts direct pushes (pull requests are not required)`);
  if (p.requiredApprovals === 0) out.push(`${p.branch} merges pull requests without an approval`);
  if (p.forcePushBlocked === false) out.push(`${p.branch} accepts force pushes (history can be rewritten)`);
  for (const n of p.notes) out.push(`${p.branch}: ${n}`);
  return out;
}
