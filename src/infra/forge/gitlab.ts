/**
 * GitLab (gitlab.com and self-managed) through @gitbeaker/rest (REST v4).
 */
import { Gitlab } from '@gitbeaker/rest';
import { ForgeError } from '../../core/forge/types';
import type { CreatePullRequestInput, ForgeClient, ForgeCredentials, ForgeErrorCode, ForgeRepo, PullRequest, UpdatePullRequestInput } from '../../core/forge/types';
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
    return rules.some((r) => new RegExp(`^${r.name.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(branch));
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
}
