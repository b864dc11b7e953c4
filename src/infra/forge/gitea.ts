/**
 * Gitea and Forgejo through their shared REST API v1 (`/api/v1`, swagger "repository" operations).
 */
import type { BranchProtection, CreatePullRequestInput, ForgeClient, ForgeCredentials, ForgeRepo, PullRequest, PullRequestDetails, PullRequestReview, ReviewState, UpdatePullRequestInput } from '../../core/forge/types';
import { ForgeError } from '../../core/forge/types';
import { clientHttp, draftTitle, fromGithubStylePull, type JsonHttp } from './http';
import type { ForgeClientOptions, GithubStylePull } from './http';

interface GtPr extends GithubStylePull {
  merged?: boolean;
  user?: { login?: string } | null;
  merged_by?: { login?: string } | null;
  merged_at?: string | null;
  merge_commit_sha?: string | null;
}

const toDetails = (p: GtPr): PullRequestDetails => ({
  ...toPr(p),
  ...(p.user?.login ? { author: p.user.login } : {}),
  ...(p.merged && p.merged_by?.login ? { mergedBy: p.merged_by.login } : {}),
  ...(p.merged && p.merged_at ? { mergedAt: p.merged_at } : {}),
  ...(p.merged && p.merge_commit_sha ? { mergeCommit: p.merge_commit_sha } : {}),
});

/** PullReview state (swagger ReviewStateType). */
const REVIEW_STATES: Readonly<Record<string, ReviewState>> = { APPROVED: 'approved', REQUEST_CHANGES: 'changesRequested', COMMENT: 'commented', PENDING: 'pending', REQUEST_REVIEW: 'pending' };

/** Gitea's default WORK_IN_PROGRESS_PREFIXES ("WIP:", "[WIP]") mark a draft. */
const WIP = /^\s*(wip:|\[wip\])\s*/i;

const toPr = (p: GtPr): PullRequest => fromGithubStylePull(p, p.merged === true, p.draft === true || WIP.test(p.title));

/**
 * Whether a Gitea protection rule covers a branch (models/git/protected_branch.go Match): a name without
 * glob characters compares case-insensitively; otherwise a gobwas/glob pattern with `/` as separator
 * (`*` stays within a path segment, `**` crosses them, `?`, `[…]` and `{a,b}`).
 */
export function giteaRuleMatches(rule: string, branch: string): boolean {
  if (!rule) return false;
  if (!/[*?[\]{}\\!]/.test(rule)) return rule.toLowerCase() === branch.toLowerCase();
  let re = '';
  let braces = 0;
  for (let i = 0; i < rule.length; i++) {
    const c = rule[i]!;
    if (c === '*') {
      if (rule[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      braces++;
      re += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      re += ')';
    } else if (c === ',' && braces > 0) re += '|';
    else if (c === '[') {
      const close = rule.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        const body = rule.slice(i + 1, close);
        re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = close;
      }
    } else if (c === '\\' && i + 1 < rule.length) re += rule[++i]!.replace(/[.+^${}()|[\]\\*?]/g, '\\$&');
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  try {
    return new RegExp(`^${re}$`).test(branch);
  } catch {
    return rule === branch;
  }
}

export class GiteaClient implements ForgeClient {
  private readonly http: JsonHttp;
  private readonly base: string;

  constructor(
    readonly repo: ForgeRepo,
    creds: ForgeCredentials,
    opts: ForgeClientOptions = {},
  ) {
    // `Authorization: token TOKEN` (Gitea docs, "API Usage: Authentication").
    this.http = clientHttp(repo, creds, opts, { authorization: `token ${creds.token}` });
    this.base = `${repo.apiBaseUrl}/repos/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.repo)}`;
  }

  private async openPulls(what: string): Promise<GtPr[]> {
    const out: GtPr[] = [];
    for (let page = 1; page <= 20; page++) {
      const { body } = await this.http.request<GtPr[]>(what, 'GET', `${this.base}/pulls?state=open&limit=50&page=${page}`);
      out.push(...body);
      if (body.length < 50) break;
    }
    return out;
  }

  async defaultBranch(): Promise<string> {
    return (await this.http.request<{ default_branch: string }>('reading the repository', 'GET', this.base)).body.default_branch;
  }

  async isProtected(branch: string): Promise<boolean> {
    // GET /repos/{owner}/{repo}/branches/{branch} → Branch.protected (rules and globs applied) for a
    // branch that exists; any reader may call it.
    try {
      const { body } = await this.http.request<{ protected?: boolean }>('reading branch protection', 'GET', `${this.base}/branches/${encodeURIComponent(branch)}`);
      return body.protected === true;
    } catch (err) {
      if (!(err instanceof ForgeError && err.code === 'notFound')) throw err;
    }
    // The branch does not exist yet (404), but a glob rule may already cover its name and Gitea's
    // pre-receive hook would refuse the push: match it against the rules (GET …/branch_protections).
    // That list needs repository admin rights (routers/api/v1/api.go: reqAdmin()); without them no
    // rule can be read, and the push itself is still checked by the forge.
    let rules: Array<{ rule_name?: string; branch_name?: string }>;
    try {
      rules = (await this.http.request<Array<{ rule_name?: string; branch_name?: string }>>('reading branch protection rules', 'GET', `${this.base}/branch_protections`)).body;
    } catch (err) {
      if (err instanceof ForgeError && (err.code === 'forbidden' || err.code === 'notFound')) return false;
      throw err;
    }
    return rules.some((r) => giteaRuleMatches(r.rule_name || r.branch_name || '', branch));
  }

  async findOpenPullRequest(head: string, base: string): Promise<PullRequest | undefined> {
    // Listing works on every Gitea/Forgejo version (GET pulls/{base}/{head} needs Gitea ≥ 1.19).
    const pr = (await this.openPulls('looking for an open pull request')).find((p) => p.head.ref === head && p.base.ref === base);
    return pr ? toPr(pr) : undefined;
  }

  async createPullRequest(input: CreatePullRequestInput): Promise<PullRequest> {
    const title = draftTitle(input.title, input.draft === true, 'WIP:', WIP);
    const warnings: string[] = [];
    // CreatePullRequestOption.labels takes label ids: map names through GET …/labels.
    const labelIds: number[] = [];
    if (input.labels?.length) {
      const defined = (await this.http.request<Array<{ id: number; name: string }>>('reading labels', 'GET', `${this.base}/labels?limit=50`)).body;
      for (const name of input.labels) {
        const l = defined.find((d) => d.name.toLowerCase() === name.toLowerCase());
        if (l) labelIds.push(l.id);
        else warnings.push(`Gitea: the repository has no label ${name}; not added.`);
      }
    }
    const { body } = await this.http.request<GtPr>(
      'creating the pull request',
      'POST',
      `${this.base}/pulls`,
      { head: input.head, base: input.base, title, body: input.body, ...(labelIds.length ? { labels: labelIds } : {}) },
      // 409 "pull request already exists for these targets" (routers/api/v1/repo/pull.go CreatePullRequest).
      (status, message) => (status === 409 && /already exists/i.test(message ?? '') ? 'duplicate' : undefined),
    );
    if (input.reviewers?.length) {
      // POST pulls/{index}/requested_reviewers (Gitea ≥ 1.15); the PR exists, so a refusal is a warning.
      try {
        await this.http.request('requesting reviewers', 'POST', `${this.base}/pulls/${body.number}/requested_reviewers`, { reviewers: [...input.reviewers] });
      } catch (err) {
        if (err instanceof ForgeError && err.code !== 'auth' && err.code !== 'network') warnings.push(err.message);
        else throw err;
      }
    }
    const pr = toPr(body);
    return warnings.length ? { ...pr, warnings } : pr;
  }

  async updatePullRequest(pr: PullRequest, input: UpdatePullRequestInput): Promise<PullRequest> {
    const title = input.title === undefined ? undefined : draftTitle(input.title, pr.draft, 'WIP:', WIP);
    const { body } = await this.http.request<GtPr>('updating the pull request', 'PATCH', `${this.base}/pulls/${pr.id}`, {
      ...(title !== undefined ? { title } : {}),
      ...(input.body !== undefined ? { body: input.body } : {}),
    });
    return toPr(body);
  }

  async listOpenPullRequests(opts: { readonly headPrefix?: string } = {}): Promise<PullRequest[]> {
    return (await this.openPulls('listing pull requests')).map(toPr).filter((p) => !opts.headPrefix || p.head.startsWith(opts.headPrefix));
  }

  async pullRequestsForCommit(sha: string): Promise<PullRequestDetails[]> {
    // GET /repos/{owner}/{repo}/commits/{sha}/pull: the merged pull request of a commit, 404 when none
    // (swagger: repoGetCommitPullRequest, Gitea ≥ 1.19).
    try {
      const { body } = await this.http.request<GtPr>('looking up the pull request of a commit', 'GET', `${this.base}/commits/${encodeURIComponent(sha)}/pull`);
      return [toDetails(body)];
    } catch (err) {
      if (err instanceof ForgeError && err.code === 'notFound') return [];
      throw err;
    }
  }

  async pullRequestReviews(pr: PullRequest): Promise<PullRequestReview[]> {
    // GET …/pulls/{index}/reviews (swagger: repoListPullReviews); a dismissed review no longer counts.
    const { body } = await this.http.request<Array<{ user?: { login?: string } | null; state?: string; submitted_at?: string; commit_id?: string; dismissed?: boolean }>>(
      'reading pull request reviews',
      'GET',
      `${this.base}/pulls/${encodeURIComponent(String(pr.id))}/reviews?limit=50`,
    );
    return body.flatMap((r): PullRequestReview[] =>
      r.user?.login ? [{ user: r.user.login, state: r.dismissed ? 'dismissed' : (REVIEW_STATES[r.state ?? ''] ?? 'commented'), ...(r.submitted_at ? { submittedAt: r.submitted_at } : {}), ...(r.commit_id ? { commit: r.commit_id } : {}) }] : [],
    );
  }

  async branchProtection(branch: string): Promise<BranchProtection> {
    // The protection rules (GET …/branch_protections, repository admins only) say enable_push (direct
    // pushes allowed), enable_force_push (Gitea ≥ 1.22) and required_approvals; without admin rights the
    // branch itself (GET …/branches/{b}) says protected and required_approvals.
    const notes: string[] = [];
    let rules: Array<{ rule_name?: string; branch_name?: string; enable_push?: boolean; enable_force_push?: boolean; required_approvals?: number }> | undefined;
    try {
      rules = (await this.http.request<NonNullable<typeof rules>>('reading branch protection rules', 'GET', `${this.base}/branch_protections`)).body;
    } catch (err) {
      if (!(err instanceof ForgeError && (err.code === 'forbidden' || err.code === 'notFound'))) throw err;
    }
    const rule = rules?.find((r) => giteaRuleMatches(r.rule_name || r.branch_name || '', branch));
    if (rules) {
      if (!rule) return { branch, protected: false, pullRequestRequired: false, requiredApprovals: 0, forcePushBlocked: false, notes };
      return { branch, protected: true, pullRequestRequired: rule.enable_push !== true, requiredApprovals: rule.required_approvals ?? 0, forcePushBlocked: rule.enable_force_push !== true, notes };
    }
    notes.push('Branch protection rules need repository admin rights to read; only what the branch reports is shown.');
    try {
      const { body } = await this.http.request<{ protected?: boolean; required_approvals?: number }>('reading branch protection', 'GET', `${this.base}/branches/${encodeURIComponent(branch)}`);
      if (!body.protected) return { branch, protected: false, pullRequestRequired: false, requiredApprovals: 0, forcePushBlocked: false, notes: [] };
      return { branch, protected: true, requiredApprovals: body.required_approvals ?? 0, notes };
    } catch (err) {
      if (err instanceof ForgeError && err.code === 'notFound') return { branch, protected: false, notes: [`The branch ${branch} does not exist on the forge.`] };
      throw err;
    }
  }
}
