/**
 * GitLab (gitlab.com and self-managed) through @gitbeaker/rest (REST v4).
 */
import { Gitlab } from '@gitbeaker/rest';
import { ForgeError } from '../../core/forge/types';
import type { BranchProtection, CreatePullRequestInput, ForgeClient, ForgeCredentials, ForgeErrorCode, ForgeRepo, PullRequest, PullRequestDetails, PullRequestReview, UpdatePullRequestInput } from '../../core/forge/types';
import { assertTokenDestination, draftTitle, forgeError } from './http';

interface GlMr {
  iid: number;
  web_url: string;
  title: string;
  state: string;
  draft?: boolean;
  work_in_progress?: boolean;
  source_branch: string;
  target_branch: string;
  description?: string | null;
  author?: { username?: string } | null;
  merge_user?: { username?: string } | null;
  merged_by?: { username?: string } | null;
  merged_at?: string | null;
  merge_commit_sha?: string | null;
  squash_commit_sha?: string | null;
}

function toDetails(m: GlMr): PullRequestDetails {
  const mergedBy = m.merge_user?.username ?? m.merged_by?.username;
  const mergeCommit = m.merge_commit_sha ?? m.squash_commit_sha;
  return {
    ...toPr(m),
    ...(m.author?.username ? { author: m.author.username } : {}),
    ...(mergedBy ? { mergedBy } : {}),
    ...(m.merged_at ? { mergedAt: m.merged_at } : {}),
    ...(mergeCommit ? { mergeCommit } : {}),
  };
}

/** Whether a GitLab protected-branch name (`*` matches anything, `/` included) covers a branch (ProtectedRef::WildcardMatcher). */
function wildcardMatches(rule: string, branch: string): boolean {
  return new RegExp(`^${rule.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(branch);
}

function toPr(m: GlMr): PullRequest {
  return {
    id: m.iid,
    number: m.iid,
    url: m.web_url,
    title: m.title,
    head: m.source_branch,
    base: m.target_branch,
    state: m.state === 'opened' ? 'open' : m.state === 'merged' ? 'merged' : 'closed',
    draft: m.draft === true || m.work_in_progress === true,
    body: m.description ?? '',
  };
}

/** GitLab marks drafts by title prefix (docs: "Draft merge requests": `Draft:`, `[Draft]`, `(Draft)`). */
const DRAFT_PREFIX = /^\s*(\[draft\]|\(draft\)|draft:|draft\s-)\s*/i;

export class GitlabClient implements ForgeClient {
  private readonly api: InstanceType<typeof Gitlab>;
  /** The project id as GitLab's API takes it: the full path (gitbeaker URL-encodes it). */
  private readonly project: string;

  constructor(
    readonly repo: ForgeRepo,
    private readonly creds: ForgeCredentials,
  ) {
    // gitbeaker appends /api/v4 to `host` itself; it uses global fetch with redirects followed, so
    // ForgeClientOptions.fetch (and http.ts tokenFetch) does not apply. The token goes as
    // `Authorization: Bearer` (`oauthToken`), which GitLab accepts for personal, project and group access
    // tokens too (GitLab docs, "REST API authentication": OAuth-compliant headers), rather than as
    // PRIVATE-TOKEN: fetch drops Authorization on a redirect to another origin (Fetch standard,
    // "HTTP-redirect fetch"), but forwards any other header. gitbeaker's pagination keeps the endpoint and
    // takes only the query of the `next` link, so it never leaves `host`.
    assertTokenDestination(repo);
    const host = repo.apiBaseUrl.replace(/\/api\/v4$/, '');
    this.api = new Gitlab({ host, oauthToken: creds.token });
    this.project = `${repo.owner}/${repo.repo}`;
  }

  /** Maps GitbeakerRequestError (cause.description: the `message`/`error` of GitLab's JSON body) to ForgeError. */
  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const cause = (err as { cause?: { description?: string; response?: { status?: number } } }).cause;
      const status = cause?.response?.status;
      const message = cause?.description ?? (err instanceof Error ? err.message : String(err));
      if (status === undefined) throw forgeError(this.repo.kind, what, undefined, message, this.creds, 'network');
      let code: ForgeErrorCode | undefined;
      // MergeRequest#validate_branches → 409 with ["Another open merge request already exists for this source branch: !N"]
      // (lib/api/helpers/merge_requests_helpers.rb handle_merge_request_errors!).
      if (status === 409 && /already exists/i.test(message)) code = 'duplicate';
      throw forgeError(this.repo.kind, what, status, message, this.creds, code);
    }
  }

  async defaultBranch(): Promise<string> {
    const p = (await this.call('reading the project', () => this.api.Projects.show(this.project))) as unknown as { default_branch?: string };
    if (!p.default_branch) throw forgeError(this.repo.kind, 'reading the default branch', undefined, 'The project has no default branch (empty repository).', this.creds, 'notFound');
    return p.default_branch;
  }

  async isProtected(branch: string): Promise<boolean> {
    // GET /projects/:id/repository/branches/:branch answers `protected` with wildcard rules applied.
    try {
      const b = (await this.call('reading branch protection', () => this.api.Branches.show(this.project, branch))) as unknown as { protected?: boolean };
      return b.protected === true;
    } catch (err) {
      if (!(err instanceof ForgeError && err.code === 'notFound')) throw err;
    }
    // A branch that does not exist yet (404) is still covered by a wildcard rule such as `release/*`:
    // match the names of GET /projects/:id/protected_branches, where `*` matches any characters, `/`
    // included (ProtectedRef::WildcardMatcher). Reading that list may need a higher role; without it the
    // push is still checked by GitLab.
    let rules: Array<{ name: string }>;
    try {
      rules = (await this.call('reading protected branches', () => this.api.ProtectedBranches.all(this.project, { perPage: 100, maxPages: 5 }))) as unknown as Array<{ name: string }>;
    } catch (err) {
      if (err instanceof ForgeError && (err.code === 'forbidden' || err.code === 'notFound')) return false;
      throw err;
    }
    return rules.some((r) => wildcardMatches(r.name, branch));
  }

  async findOpenPullRequest(head: string, base: string): Promise<PullRequest | undefined> {
    const list = (await this.call('looking for an open merge request', () =>
      this.api.MergeRequests.all({ projectId: this.project, state: 'opened', sourceBranch: head, targetBranch: base, perPage: 20, maxPages: 1 }),
    )) as unknown as GlMr[];
    const mr = list.find((m) => m.source_branch === head && m.target_branch === base);
    return mr ? toPr(mr) : undefined;
  }

  async createPullRequest(input: CreatePullRequestInput): Promise<PullRequest> {
    const title = draftTitle(input.title, input.draft === true, 'Draft:', DRAFT_PREFIX);
    // reviewer_ids takes user ids: resolve user names through GET /users?username= (docs: api/users).
    const warnings: string[] = [];
    const reviewerIds: number[] = [];
    for (const name of input.reviewers ?? []) {
      const found = (await this.call('looking up a reviewer', () => this.api.Users.all({ username: name }))) as unknown as Array<{ id: number }>;
      if (found[0]) reviewerIds.push(found[0].id);
      else warnings.push(`GitLab: no user named ${name}; not added as a reviewer.`);
    }
    const mr = (await this.call('creating the merge request', () =>
      this.api.MergeRequests.create(this.project, input.head, input.base, title, {
        description: input.body,
        ...(input.labels?.length ? { labels: input.labels.join(',') } : {}),
        ...(reviewerIds.length ? { reviewerIds } : {}),
      }),
    )) as unknown as GlMr;
    const pr = toPr(mr);
    return warnings.length ? { ...pr, warnings } : pr;
  }

  async updatePullRequest(pr: PullRequest, input: UpdatePullRequestInput): Promise<PullRequest> {
    const title = input.title === undefined ? undefined : draftTitle(input.title, pr.draft, 'Draft:', DRAFT_PREFIX);
    const mr = (await this.call('updating the merge request', () =>
      this.api.MergeRequests.edit(this.project, Number(pr.id), { ...(title !== undefined ? { title } : {}), ...(input.body !== undefined ? { description: input.body } : {}) }),
    )) as unknown as GlMr;
    return toPr(mr);
  }

  async listOpenPullRequests(opts: { readonly headPrefix?: string } = {}): Promise<PullRequest[]> {
    const list = (await this.call('listing merge requests', () => this.api.MergeRequests.all({ projectId: this.project, state: 'opened', perPage: 100 }))) as unknown as GlMr[];
    return list.map(toPr).filter((p) => !opts.headPrefix || p.head.startsWith(opts.headPrefix));
  }

  async pullRequestsForCommit(sha: string): Promise<PullRequestDetails[]> {
    // GET /projects/:id/repository/commits/:sha/merge_requests (docs: api/commits).
    const list = (await this.call('looking up the merge request of a commit', () => this.api.Commits.allMergeRequests(this.project, sha, { perPage: 20, maxPages: 1 }))) as unknown as GlMr[];
    return list.map(toDetails).sort((a, b) => Number(b.state === 'merged') - Number(a.state === 'merged'));
  }

  async pullRequestReviews(pr: PullRequest): Promise<PullRequestReview[]> {
    // GET /projects/:id/merge_requests/:iid/approvals → approved_by [{user}] (docs: api/merge_request_approvals).
    // GitLab keeps approvals, not reviews: each current approval is one `approved` review, without a time.
    const a = (await this.call('reading merge request approvals', () => this.api.MergeRequestApprovals.showConfiguration(this.project, { mergerequestIId: Number(pr.id) }))) as unknown as {
      approved_by?: Array<{ user?: { username?: string } }>;
    };
    return (a.approved_by ?? []).flatMap((x) => (x.user?.username ? [{ user: x.user.username, state: 'approved' as const }] : []));
  }

  async branchProtection(branch: string): Promise<BranchProtection> {
    const notes: string[] = [];
    let rules: Array<{ name: string; push_access_levels?: Array<{ access_level?: number }>; allow_force_push?: boolean }>;
    try {
      rules = (await this.call('reading protected branches', () => this.api.ProtectedBranches.all(this.project, { perPage: 100, maxPages: 5 }))) as unknown as typeof rules;
    } catch (err) {
      if (!(err instanceof ForgeError && (err.code === 'forbidden' || err.code === 'notFound'))) throw err;
      const isProtected = await this.isProtected(branch);
      return { branch, protected: isProtected, notes: ['Protected branch rules need the Maintainer role to read.'] };
    }
    const matching = rules.filter((r) => wildcardMatches(r.name, branch));
    if (matching.length === 0) return { branch, protected: false, pullRequestRequired: false, requiredApprovals: 0, forcePushBlocked: false, notes };
    // Push access level 0 is "No one" (docs: api/protected_branches): every change goes through a merge request.
    const pullRequestRequired = matching.some((r) => (r.push_access_levels ?? []).length > 0 && (r.push_access_levels ?? []).every((l) => l.access_level === 0));
    // allow_force_push is false unless a rule allows it (docs: "Allow force push on a protected branch").
    const forcePushBlocked = !matching.some((r) => r.allow_force_push === true);
    let requiredApprovals: number | undefined;
    try {
      // GET /projects/:id/approval_rules (GitLab Premium): the rules that cover the branch.
      const approval = (await this.call('reading approval rules', () => this.api.MergeRequestApprovals.allApprovalRules(this.project))) as unknown as Array<{
        approvals_required?: number;
        protected_branches?: Array<{ name: string }>;
        applies_to_all_protected_branches?: boolean;
      }>;
      requiredApprovals = Math.max(
        0,
        ...approval
          .filter((r) => r.applies_to_all_protected_branches || !r.protected_branches?.length || r.protected_branches.some((b) => wildcardMatches(b.name, branch)))
          .map((r) => r.approvals_required ?? 0),
      );
    } catch (err) {
      if (!(err instanceof ForgeError && (err.code === 'forbidden' || err.code === 'notFound'))) throw err;
      notes.push('Merge request approval rules could not be read (they need GitLab Premium and the Maintainer role).');
    }
    return { branch, protected: true, pullRequestRequired, ...(requiredApprovals !== undefined ? { requiredApprovals } : {}), forcePushBlocked, notes };
  }
}
