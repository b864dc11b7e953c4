/**
 * Bitbucket Server / Data Center through REST 1.0 (`/rest/api/1.0`) and branch permissions 2.0.
 */
import type { BranchProtection, CreatePullRequestInput, ForgeClient, ForgeCredentials, ForgeRepo, PullRequest, PullRequestDetails, PullRequestReview, UpdatePullRequestInput } from '../../core/forge/types';
import { ForgeError } from '../../core/forge/types';
import { clientHttp, globToRegExp, type JsonHttp } from './http';
import type { ForgeClientOptions } from './http';

interface BbsPr {
  id: number;
  version: number;
  title: string;
  state: string;
  draft?: boolean;
  /** Absent when empty. */
  description?: string;
  fromRef: { id: string; displayId?: string };
  toRef: { id: string; displayId?: string };
  links?: { self?: Array<{ href: string }> };
  author?: { user?: BbsUser };
  reviewers?: Array<{ user?: BbsUser; status?: string }>;
  participants?: Array<{ user?: BbsUser; status?: string }>;
}
interface BbsUser {
  name?: string;
  slug?: string;
}
interface BbsActivity {
  action: string;
  createdDate?: number;
  user?: BbsUser;
  commit?: { id?: string };
}
interface Page<T> {
  values: T[];
  isLastPage: boolean;
  nextPageStart?: number;
}

const branchOf = (ref: string) => ref.replace(/^refs\/heads\//, '');

/** Whether a restriction's matcher (a branch, or a pattern) covers the branch. */
function restrictionCovers(matcher: { id: string; type: { id: string } }, branch: string): boolean {
  if (matcher.type.id === 'BRANCH') return branchOf(matcher.id) === branch;
  if (matcher.type.id === 'PATTERN') return globToRegExp(matcher.id.includes('/') ? matcher.id : `**${matcher.id}`).test(branch) || globToRegExp(matcher.id).test(branch);
  return false;
}

export class BitbucketServerClient implements ForgeClient {
  private readonly http: JsonHttp;
  private readonly base: string;
  /** Latest known version per PR id: PUT needs it (optimistic locking, 409 when stale). */
  private readonly versions = new Map<string, number>();

  constructor(
    readonly repo: ForgeRepo,
    creds: ForgeCredentials,
    opts: ForgeClientOptions = {},
  ) {
    // HTTP access tokens are Bearer tokens (Bitbucket DC docs, "HTTP access tokens").
    this.http = clientHttp(repo, creds, opts, { authorization: `Bearer ${creds.token}` });
    this.base = `${repo.apiBaseUrl}/projects/${encodeURIComponent(repo.owner)}/repos/${encodeURIComponent(repo.repo)}`;
  }

  private toPr(p: BbsPr): PullRequest {
    this.versions.set(String(p.id), p.version);
    return {
      id: p.id,
      number: p.id,
      url: p.links?.self?.[0]?.href ?? `${this.repo.webUrl}/pull-requests/${p.id}`,
      title: p.title,
      head: branchOf(p.fromRef.id),
      base: branchOf(p.toRef.id),
      state: p.state === 'OPEN' ? 'open' : p.state === 'MERGED' ? 'merged' : 'closed',
      draft: p.draft === true,
      body: p.description ?? '',
    };
  }

  private async all<T>(what: string, url: string): Promise<T[]> {
    const out: T[] = [];
    let start = 0;
    for (let i = 0; i < 20; i++) {
      const sep = url.includes('?') ? '&' : '?';
      const page = (await this.http.request<Page<T>>(what, 'GET', `${url}${sep}start=${start}&limit=100`)).body;
      out.push(...page.values);
      if (page.isLastPage || page.nextPageStart === undefined) break;
      start = page.nextPageStart;
    }
    return out;
  }

  async defaultBranch(): Promise<string> {
    // GET …/default-branch (deprecated since 7.5 in favour of …/branches/default, which older servers lack).
    const { body } = await this.http.request<{ displayId: string }>('reading the default branch', 'GET', `${this.base}/default-branch`);
    return body.displayId;
  }

  async isProtected(branch: string): Promise<boolean> {
    // Branch permissions: `read-only` and `pull-request-only` stop a direct push (REST branch-permissions 2.0).
    const api = this.repo.apiBaseUrl.replace(/\/rest\/api\/1\.0$/, '/rest/branch-permissions/2.0');
    const url = `${api}/projects/${encodeURIComponent(this.repo.owner)}/repos/${encodeURIComponent(this.repo.repo)}/restrictions`;
    const list = await this.all<{ type: string; matcher: { id: string; type: { id: string } } }>('reading branch permissions', url);
    return list.some((r) => (r.type === 'read-only' || r.type === 'pull-request-only') && restrictionCovers(r.matcher, branch));
  }

  async findOpenPullRequest(head: string, base: string): Promise<PullRequest | undefined> {
    // direction=OUTGOING makes `at` filter the source ref.
    const list = await this.all<BbsPr>('looking for an open pull request', `${this.base}/pull-requests?state=OPEN&direction=OUTGOING&at=${encodeURIComponent(`refs/heads/${head}`)}`);
    const pr = list.find((p) => branchOf(p.fromRef.id) === head && branchOf(p.toRef.id) === base);
    return pr ? this.toPr(pr) : undefined;
  }

  async createPullRequest(input: CreatePullRequestInput): Promise<PullRequest> {
    const ref = (branch: string) => ({ id: `refs/heads/${branch}`, repository: { slug: this.repo.repo, project: { key: this.repo.owner } } });
    const { body } = await this.http.request<BbsPr>(
      'creating the pull request',
      'POST',
      `${this.base}/pull-requests`,
      {
        title: input.title,
        description: input.body,
        fromRef: ref(input.head),
        toRef: ref(input.base),
        ...(input.draft ? { draft: true } : {}),
        ...(input.reviewers?.length ? { reviewers: input.reviewers.map((name) => ({ user: { name } })) } : {}),
      },
      // 409 DuplicatePullRequestException: "Only one pull request may be open for a given source and target branch".
      (status, _m, raw) => (status === 409 && JSON.stringify(raw).includes('DuplicatePullRequestException') ? 'duplicate' : undefined),
    );
    const pr = this.toPr(body);
    return input.labels?.length ? { ...pr, warnings: [`Bitbucket Server has no pull request labels; not supported on this forge: ${input.labels.join(', ')}.`] } : pr;
  }

  async updatePullRequest(pr: PullRequest, input: UpdatePullRequestInput): Promise<PullRequest> {
    let version = this.versions.get(String(pr.id));
    if (version === undefined) version = (await this.http.request<BbsPr>('reading the pull request', 'GET', `${this.base}/pull-requests/${pr.id}`)).body.version;
    const { body } = await this.http.request<BbsPr>('updating the pull request', 'PUT', `${this.base}/pull-requests/${pr.id}`, {
      version,
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.body !== undefined ? { description: input.body } : {}),
    });
    return this.toPr(body);
  }

  async listOpenPullRequests(opts: { readonly headPrefix?: string } = {}): Promise<PullRequest[]> {
    const list = await this.all<BbsPr>('listing pull requests', `${this.base}/pull-requests?state=OPEN`);
    return list.map((p) => this.toPr(p)).filter((p) => !opts.headPrefix || p.head.startsWith(opts.headPrefix));
  }

  private activities(id: number | string): Promise<BbsActivity[]> {
    return this.all<BbsActivity>('reading pull request activity', `${this.base}/pull-requests/${encodeURIComponent(String(id))}/activities`);
  }

  async pullRequestsForCommit(sha: string): Promise<PullRequestDetails[]> {
    // GET …/commits/{commitId}/pull-requests (docs: "Get pull requests containing a commit"). Who merged it,
    // when and as which commit come from the MERGED activity (docs: "Get pull request activity").
    const list = await this.all<BbsPr>('looking up the pull request of a commit', `${this.base}/commits/${encodeURIComponent(sha)}/pull-requests`);
    const out: PullRequestDetails[] = [];
    for (const p of list.slice(0, 5)) {
      const base: PullRequestDetails = { ...this.toPr(p), ...(p.author?.user?.name ? { author: p.author.user.name } : {}) };
      if (p.state !== 'MERGED') {
        out.push(base);
        continue;
      }
      const merged = (await this.activities(p.id)).find((a) => a.action === 'MERGED');
      out.push({
        ...base,
        ...(merged?.user?.name ? { mergedBy: merged.user.name } : {}),
        ...(typeof merged?.createdDate === 'number' ? { mergedAt: new Date(merged.createdDate).toISOString() } : {}),
        ...(merged?.commit?.id ? { mergeCommit: merged.commit.id } : {}),
      });
    }
    return out.sort((a, b) => Number(b.state === 'merged') - Number(a.state === 'merged'));
  }

  async pullRequestReviews(pr: PullRequest): Promise<PullRequestReview[]> {
    // APPROVED and REVIEWED (needs work) activities, oldest first; UNAPPROVED takes an approval back.
    const list = await this.activities(pr.id);
    return list
      .filter((a) => a.user?.name && (a.action === 'APPROVED' || a.action === 'REVIEWED' || a.action === 'UNAPPROVED'))
      .sort((a, b) => (a.createdDate ?? 0) - (b.createdDate ?? 0))
      .map((a) => ({
        user: a.user!.name!,
        state: a.action === 'APPROVED' ? ('approved' as const) : a.action === 'REVIEWED' ? ('changesRequested' as const) : ('dismissed' as const),
        ...(typeof a.createdDate === 'number' ? { submittedAt: new Date(a.createdDate).toISOString() } : {}),
      }));
  }

  async branchProtection(branch: string): Promise<BranchProtection> {
    // Branch permissions (REST branch-permissions 2.0): pull-request-only and read-only stop direct pushes,
    // fast-forward-only and read-only stop history rewrites. Approvals: the repository's pull request
    // settings, `requiredApprovers` (docs: "Get pull request settings").
    const api = this.repo.apiBaseUrl.replace(/\/rest\/api\/1\.0$/, '/rest/branch-permissions/2.0');
    const url = `${api}/projects/${encodeURIComponent(this.repo.owner)}/repos/${encodeURIComponent(this.repo.repo)}/restrictions`;
    const list = await this.all<{ type: string; matcher: { id: string; type: { id: string } } }>('reading branch permissions', url);
    const matching = list.filter((r) => restrictionCovers(r.matcher, branch));
    const notes: string[] = [];
    let requiredApprovals: number | undefined;
    try {
      const { body } = await this.http.request<{ requiredApprovers?: number }>('reading pull request settings', 'GET', `${this.base}/settings/pull-requests`);
      requiredApprovals = typeof body.requiredApprovers === 'number' ? body.requiredApprovers : 0;
    } catch (err) {
      if (!(err instanceof ForgeError && (err.code === 'forbidden' || err.code === 'notFound'))) throw err;
      notes.push('The pull request settings need repository admin rights to read.');
    }
    const types = new Set(matching.map((r) => r.type));
    return {
      branch,
      protected: matching.length > 0,
      pullRequestRequired: types.has('pull-request-only') || types.has('read-only'),
      ...(requiredApprovals !== undefined ? { requiredApprovals } : {}),
      forcePushBlocked: types.has('fast-forward-only') || types.has('read-only'),
      notes,
    };
  }
}
