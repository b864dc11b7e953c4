/**
 * GitHub and GitHub Enterprise Server through @octokit/rest (REST v3; GHE under https://HOST/api/v3).
 */
import { Octokit } from '@octokit/rest';
import type { BranchProtection, CreatePullRequestInput, ForgeClient, ForgeCredentials, ForgeErrorCode, ForgeRepo, PullRequest, PullRequestDetails, PullRequestReview, ReviewState, UpdatePullRequestInput } from '../../core/forge/types';
import { ForgeError } from '../../core/forge/types';
import { assertTokenDestination, forgeError, fromGithubStylePull, messageOf, tokenFetch } from './http';
import type { ForgeClientOptions, GithubStylePull } from './http';

interface GhPull extends GithubStylePull {
  merged_at?: string | null;
  merge_commit_sha?: string | null;
  user?: { login: string } | null;
  merged_by?: { login: string } | null;
}

const toPr = (p: GhPull): PullRequest => fromGithubStylePull(p, Boolean(p.merged_at));

const toDetails = (p: GhPull): PullRequestDetails => ({
  ...toPr(p),
  ...(p.user?.login ? { author: p.user.login } : {}),
  ...(p.merged_by?.login ? { mergedBy: p.merged_by.login } : {}),
  ...(p.merged_at ? { mergedAt: p.merged_at } : {}),
  // For an open PR merge_commit_sha is GitHub's test merge; only a merged PR's names the real commit.
  ...(p.merged_at && p.merge_commit_sha ? { mergeCommit: p.merge_commit_sha } : {}),
});

/** pull-request-review `state` (docs: pulls/reviews). */
const REVIEW_STATES: Readonly<Record<string, ReviewState>> = { APPROVED: 'approved', CHANGES_REQUESTED: 'changesRequested', COMMENTED: 'commented', DISMISSED: 'dismissed', PENDING: 'pending' };

export class GithubClient implements ForgeClient {
  private readonly octokit: Octokit;

  constructor(
    readonly repo: ForgeRepo,
    private readonly creds: ForgeCredentials,
    opts: ForgeClientOptions = {},
  ) {
    assertTokenDestination(repo);
    this.octokit = new Octokit({
      auth: creds.token,
      baseUrl: repo.apiBaseUrl,
      userAgent: opts.userAgent ?? 'gitops-lens',
      // Octokit logs deprecations and request failures to the console by default; errors reach the user
      // through ForgeError instead.
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      // Every request and redirect hop is checked against where the token may go (http.ts tokenFetch);
      // paginate's `link` URLs included.
      request: { fetch: tokenFetch(repo, opts.fetch) },
    });
  }

  private get ids() {
    return { owner: this.repo.owner, repo: this.repo.repo };
  }

  /** Runs an Octokit call and maps its RequestError to a ForgeError (GitHub docs, "Troubleshooting the REST API"). */
  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      // Octokit wraps what fetch threw in a RequestError with status 500; tokenFetch's refusal is the cause.
      const cause = (err as { cause?: unknown }).cause;
      if (cause instanceof ForgeError) throw cause;
      const e = err as { status?: number; response?: { data?: unknown; headers?: Record<string, string | undefined> }; message?: string };
      if (typeof e.status !== 'number' || e.status === 500 && !e.response) {
        throw forgeError(this.repo.kind, what, undefined, e.message, this.creds, 'network');
      }
      const data = e.response?.data;
      const message = messageOf(data) ?? e.message;
      let code: ForgeErrorCode | undefined;
      // 422 "Validation Failed" with `A pull request already exists for owner:branch.` (pulls#create-a-pull-request).
      if (e.status === 422 && /pull request already exists/i.test(message ?? '')) code = 'duplicate';
      // Primary rate limit: 403 (or 429) with x-ratelimit-remaining: 0; secondary: a message saying so.
      else if ((e.status === 403 || e.status === 429) && (e.response?.headers?.['x-ratelimit-remaining'] === '0' || /rate limit/i.test(message ?? ''))) code = 'rateLimited';
      throw forgeError(this.repo.kind, what, e.status, message, this.creds, code);
    }
  }

  async defaultBranch(): Promise<string> {
    const { data } = await this.call('reading the repository', () => this.octokit.rest.repos.get(this.ids));
    return data.default_branch;
  }

  async isProtected(branch: string): Promise<boolean> {
    // GET /repos/{o}/{r}/branches?protected=true lists protected branches (rulesets included in `protected`),
    // and needs only read access, unlike GET …/branches/{b}/protection.
    const list = await this.call('reading branch protection', () =>
      this.octokit.paginate(this.octokit.rest.repos.listBranches, { ...this.ids, protected: true, per_page: 100 }),
    );
    return list.some((b) => b.name === branch);
  }

  async findOpenPullRequest(head: string, base: string): Promise<PullRequest | undefined> {
    // `head` filters by `user:ref-name` (pulls#list-pull-requests).
    const { data } = await this.call('looking for an open pull request', () =>
      this.octokit.rest.pulls.list({ ...this.ids, state: 'open', head: `${this.repo.owner}:${head}`, base, per_page: 10 }),
    );
    const pr = data.find((p) => p.head.ref === head && p.base.ref === base);
    return pr ? toPr(pr) : undefined;
  }

  async createPullRequest(input: CreatePullRequestInput): Promise<PullRequest> {
    const { data } = await this.call('creating the pull request', () =>
      this.octokit.rest.pulls.create({ ...this.ids, head: input.head, base: input.base, title: input.title, body: input.body, draft: input.draft ?? false }),
    );
    const pr = toPr(data);
    // The PR exists now: a refused label or reviewer becomes a warning, not a failed command.
    const warnings: string[] = [];
    const soft = async (what: string, fn: () => Promise<unknown>) => {
      try {
        await this.call(what, fn);
      } catch (err) {
        if (err instanceof ForgeError && err.code !== 'auth' && err.code !== 'network') warnings.push(err.message);
        else throw err;
      }
    };
    if (input.labels?.length) {
      await soft('adding labels', () => this.octokit.rest.issues.addLabels({ ...this.ids, issue_number: data.number, labels: [...input.labels!] }));
    }
    if (input.reviewers?.length) {
      await soft('requesting reviewers', () => this.octokit.rest.pulls.requestReviewers({ ...this.ids, pull_number: data.number, reviewers: [...input.reviewers!] }));
    }
    return warnings.length ? { ...pr, warnings } : pr;
  }

  async updatePullRequest(pr: PullRequest, input: UpdatePullRequestInput): Promise<PullRequest> {
    const { data } = await this.call('updating the pull request', () =>
      this.octokit.rest.pulls.update({ ...this.ids, pull_number: Number(pr.id), ...(input.title !== undefined ? { title: input.title } : {}), ...(input.body !== undefined ? { body: input.body } : {}) }),
    );
    return toPr(data);
  }

  async listOpenPullRequests(opts: { readonly headPrefix?: string } = {}): Promise<PullRequest[]> {
    const list = await this.call('listing pull requests', () => this.octokit.paginate(this.octokit.rest.pulls.list, { ...this.ids, state: 'open', per_page: 100 }));
    return list.map(toPr).filter((p) => !opts.headPrefix || p.head.startsWith(opts.headPrefix));
  }

  async pullRequestsForCommit(sha: string): Promise<PullRequestDetails[]> {
    // GET /repos/{o}/{r}/commits/{sha}/pulls: the merged PR that introduced the commit, else open ones
    // holding it (docs: commits/commits#list-pull-requests-associated-with-a-commit). The list items
    // carry no merged_by: the merged ones are read in full (pulls#get-a-pull-request).
    const { data } = await this.call('looking up the pull request of a commit', () => this.octokit.rest.repos.listPullRequestsAssociatedWithCommit({ ...this.ids, commit_sha: sha, per_page: 20 }));
    const out: PullRequestDetails[] = [];
    for (const p of data.slice(0, 5)) {
      if (!p.merged_at) {
        out.push(toDetails(p));
        continue;
      }
      const full = await this.call('reading the pull request', () => this.octokit.rest.pulls.get({ ...this.ids, pull_number: p.number }));
      out.push(toDetails(full.data));
    }
    return out.sort((a, b) => Number(b.state === 'merged') - Number(a.state === 'merged'));
  }

  async pullRequestReviews(pr: PullRequest): Promise<PullRequestReview[]> {
    const list = await this.call('reading pull request reviews', () => this.octokit.paginate(this.octokit.rest.pulls.listReviews, { ...this.ids, pull_number: Number(pr.id), per_page: 100 }));
    return list
      .filter((r) => r.user?.login)
      .map((r) => ({ user: r.user!.login, state: REVIEW_STATES[r.state] ?? 'commented', ...(r.submitted_at ? { submittedAt: r.submitted_at } : {}), ...(r.commit_id ? { commit: r.commit_id } : {}) }));
  }

  async branchProtection(branch: string): Promise<BranchProtection> {
    const notes: string[] = [];
    // Classic protection (GET …/branches/{b}/protection) needs admin rights; GitHub answers 404 both for
    // "Branch not protected" and to callers who may not see it, told apart by the message.
    // undefined: could not be read; null: none.
    let classic: { pr: boolean; approvals: number; forceBlocked: boolean } | null | undefined;
    try {
      const { data } = await this.call('reading branch protection', () => this.octokit.rest.repos.getBranchProtection({ ...this.ids, branch }));
      classic = {
        pr: data.required_pull_request_reviews !== undefined,
        approvals: data.required_pull_request_reviews?.required_approving_review_count ?? 0,
        forceBlocked: data.allow_force_pushes?.enabled !== true,
      };
    } catch (err) {
      if (!(err instanceof ForgeError && (err.code === 'notFound' || err.code === 'forbidden'))) throw err;
      if (err.code === 'notFound' && /branch not protected/i.test(err.forgeMessage ?? '')) classic = null;
    }
    // Without admin rights the branch list still tells whether classic protection exists.
    if (classic === undefined) {
      if (await this.isProtected(branch)) notes.push('Classic branch protection can be read with admin rights to the repository only.');
      else classic = null;
    }
    // Rulesets (GET …/rules/branches/{b}) are readable by anyone who can read the repository.
    const rules = (await this.call('reading repository rules', () => this.octokit.rest.repos.getBranchRules({ ...this.ids, branch, per_page: 100 }))).data;
    const prRules = rules.filter((r) => r.type === 'pull_request') as Array<{ parameters?: { required_approving_review_count?: number } }>;
    const rulesApprovals = Math.max(0, ...prRules.map((r) => r.parameters?.required_approving_review_count ?? 0));
    const rulesNonFf = rules.some((r) => r.type === 'non_fast_forward');
    const unknown = classic === undefined;
    const pullRequestRequired = prRules.length > 0 || classic?.pr === true ? true : unknown ? undefined : false;
    const requiredApprovals = unknown && prRules.length === 0 ? undefined : Math.max(classic?.approvals ?? 0, rulesApprovals);
    const forcePushBlocked = rulesNonFf || classic?.forceBlocked === true ? true : unknown ? undefined : false;
    return {
      branch,
      protected: classic !== null || rules.length > 0,
      ...(pullRequestRequired !== undefined ? { pullRequestRequired } : {}),
      ...(requiredApprovals !== undefined ? { requiredApprovals } : {}),
      ...(forcePushBlocked !== undefined ? { forcePushBlocked } : {}),
      notes,
    };
  }
}
