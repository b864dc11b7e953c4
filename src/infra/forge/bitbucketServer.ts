/**
 * Bitbucket Server / Data Center through REST 1.0 (`/rest/api/1.0`) and branch permissions 2.0.
 */
import type { CreatePullRequestInput, ForgeClient, ForgeCredentials, ForgeRepo, PullRequest, UpdatePullRequestInput } from '../../core/forge/types';
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
}
interface Page<T> {
  values: T[];
  isLastPage: boolean;
  nextPageStart?: number;
}

const branchOf = (ref: string) => ref.replace(/^refs\/heads\//, '');

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
    return list.some((r) => {
      if (r.type !== 'read-only' && r.type !== 'pull-request-only') return false;
      if (r.matcher.type.id === 'BRANCH') return branchOf(r.matcher.id) === branch;
      if (r.matcher.type.id === 'PATTERN') return globToRegExp(r.matcher.id.includes('/') ? r.matcher.id : `**${r.matcher.id}`).test(branch) || globToRegExp(r.matcher.id).test(branch);
      return false;
    });
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
}
