/**
 * Bitbucket Cloud through its REST API 2.0 (https://api.bitbucket.org/2.0, "api-group-pullrequests").
 */
import type { BranchProtection, CreatePullRequestInput, ForgeClient, ForgeCredentials, ForgeRepo, PullRequest, PullRequestDetails, PullRequestReview, UpdatePullRequestInput } from '../../core/forge/types';
import { clientHttp, forgeError, globToRegExp, type JsonHttp } from './http';
import type { ForgeClientOptions } from './http';

interface BbcPr {
  id: number;
  title: string;
  state: string;
  draft?: boolean;
  description?: string;
  source: { branch: { name: string } };
  destination: { branch: { name: string } };
  links: { html: { href: string } };
  author?: BbcUser | null;
  closed_by?: BbcUser | null;
  merge_commit?: { hash?: string } | null;
  updated_on?: string;
  participants?: Array<{ user?: BbcUser | null; approved?: boolean; state?: string | null; participated_on?: string | null }>;
}
/** Bitbucket Cloud names users by nickname, display name, account id and UUID; the nickname is the handle people use. */
interface BbcUser {
  nickname?: string;
  display_name?: string;
  account_id?: string;
  uuid?: string;
}
const userName = (u: BbcUser | null | undefined): string | undefined => u?.nickname ?? u?.display_name ?? u?.account_id ?? u?.uuid;
interface Page<T> {
  values: T[];
  next?: string;
}

function toDetails(p: BbcPr): PullRequestDetails {
  const author = userName(p.author);
  const mergedBy = p.state === 'MERGED' ? userName(p.closed_by) : undefined;
  return {
    ...toPr(p),
    ...(author ? { author } : {}),
    ...(mergedBy ? { mergedBy } : {}),
    // The API has no merge time; a merged pull request's last update is its merge.
    ...(p.state === 'MERGED' && p.updated_on ? { mergedAt: p.updated_on } : {}),
    ...(p.merge_commit?.hash ? { mergeCommit: p.merge_commit.hash } : {}),
  };
}

function toPr(p: BbcPr): PullRequest {
  return {
    id: p.id,
    number: p.id,
    url: p.links.html.href,
    title: p.title,
    head: p.source.branch.name,
    base: p.destination.branch.name,
    state: p.state === 'OPEN' ? 'open' : p.state === 'MERGED' ? 'merged' : 'closed',
    draft: p.draft === true,
    ...(p.description !== undefined ? { body: p.description } : {}),
  };
}

/** BBQL string literal (docs: "Filtering and sorting API responses"). */
const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export class BitbucketCloudClient implements ForgeClient {
  private readonly http: JsonHttp;
  private readonly base: string;

  constructor(
    readonly repo: ForgeRepo,
    private readonly creds: ForgeCredentials,
    opts: ForgeClientOptions = {},
  ) {
    // Access tokens are Bearer tokens; app passwords and API tokens go as Basic user:secret
    // (Bitbucket Cloud docs, "Authentication methods").
    const authorization = creds.username ? `Basic ${btoa(`${creds.username}:${creds.token}`)}` : `Bearer ${creds.token}`;
    this.http = clientHttp(repo, creds, opts, { authorization });
    this.base = `${repo.apiBaseUrl}/repositories/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.repo)}`;
  }

  private async all<T>(what: string, url: string): Promise<T[]> {
    const out: T[] = [];
    let next: string | undefined = url;
    for (let i = 0; next && i < 20; i++) {
      const page: Page<T> = (await this.http.request<Page<T>>(what, 'GET', next)).body;
      out.push(...page.values);
      next = page.next;
    }
    return out;
  }

  async defaultBranch(): Promise<string> {
    const { body } = await this.http.request<{ mainbranch?: { name: string } }>('reading the repository', 'GET', this.base);
    if (!body.mainbranch) throw forgeError(this.repo.kind, 'reading the main branch', undefined, 'The repository has no main branch (empty repository).', this.creds, 'notFound');
    return body.mainbranch.name;
  }

  async isProtected(branch: string): Promise<boolean> {
    // Branch restrictions of kind `push` allow only the listed users/groups to push (docs: "branch-restrictions").
    const list = await this.all<{ kind: string; pattern?: string; branch_match_kind?: string }>('reading branch restrictions', `${this.base}/branch-restrictions?kind=push&pagelen=100`);
    return list.some((r) => r.kind === 'push' && (r.branch_match_kind ?? 'glob') === 'glob' && r.pattern !== undefined && globToRegExp(r.pattern).test(branch));
  }

  async findOpenPullRequest(head: string, base: string): Promise<PullRequest | undefined> {
    const query = `source.branch.name=${q(head)} AND destination.branch.name=${q(base)} AND state="OPEN"`;
    const list = await this.all<BbcPr>('looking for an open pull request', `${this.base}/pullrequests?q=${encodeURIComponent(query)}&pagelen=50`);
    const pr = list.find((p) => p.source.branch.name === head && p.destination.branch.name === base && p.state === 'OPEN');
    if (!pr) return undefined;
    if (pr.description !== undefined) return toPr(pr);
    // Listings may leave fields out (partial responses); the PR resource itself has the description.
    return toPr((await this.http.request<BbcPr>('reading the pull request', 'GET', `${this.base}/pullrequests/${pr.id}`)).body);
  }

  async createPullRequest(input: CreatePullRequestInput): Promise<PullRequest> {
    // Bitbucket Cloud does not refuse a second PR for the same branches: it answers 200 with the open PR
    // (retitled) instead of 201. Look first, and treat a 200 as the duplicate it is, so the caller updates
    // the existing PR on purpose like on every other forge.
    const existing = await this.findOpenPullRequest(input.head, input.base);
    if (existing) throw forgeError(this.repo.kind, 'creating the pull request', 409, `A pull request for ${input.head} → ${input.base} is already open: ${existing.url}`, this.creds, 'duplicate');
    // Reviewers are identified by UUID or account id only (user names left the API in 2019); take the
    // ones given that way and report the rest.
    const warnings: string[] = [];
    const reviewers = (input.reviewers ?? []).flatMap((r): Array<{ uuid: string } | { account_id: string }> => {
      if (/^\{[0-9a-f-]+\}$/i.test(r)) return [{ uuid: r }];
      if (/^(\d+:)?[0-9a-f-]{20,}$/i.test(r)) return [{ account_id: r }];
      warnings.push(`Bitbucket Cloud needs a reviewer's UUID ({…}) or account id; not supported on this forge by name: ${r}.`);
      return [];
    });
    if (input.labels?.length) warnings.push(`Bitbucket Cloud has no pull request labels; not supported on this forge: ${input.labels.join(', ')}.`);
    const res = await this.http.request<BbcPr>('creating the pull request', 'POST', `${this.base}/pullrequests`, {
      ...(reviewers.length ? { reviewers } : {}),
      title: input.title,
      description: input.body,
      source: { branch: { name: input.head } },
      destination: { branch: { name: input.base } },
      draft: input.draft ?? false,
      close_source_branch: false,
    });
    if (res.status === 200) throw forgeError(this.repo.kind, 'creating the pull request', 200, `A pull request for ${input.head} → ${input.base} is already open: ${res.body.links.html.href}`, this.creds, 'duplicate');
    const pr = toPr(res.body);
    return warnings.length ? { ...pr, warnings } : pr;
  }

  async updatePullRequest(pr: PullRequest, input: UpdatePullRequestInput): Promise<PullRequest> {
    const body = { ...(input.title !== undefined ? { title: input.title } : {}), ...(input.body !== undefined ? { description: input.body } : {}) };
    const { body: updated } = await this.http.request<BbcPr>('updating the pull request', 'PUT', `${this.base}/pullrequests/${encodeURIComponent(String(pr.id))}`, body);
    return toPr(updated);
  }

  async listOpenPullRequests(opts: { readonly headPrefix?: string } = {}): Promise<PullRequest[]> {
    const list = await this.all<BbcPr>('listing pull requests', `${this.base}/pullrequests?state=OPEN&pagelen=50`);
    return list.map(toPr).filter((p) => !opts.headPrefix || p.head.startsWith(opts.headPrefix));
  }

  async pullRequestsForCommit(sha: string): Promise<PullRequestDetails[]> {
    // GET …/commit/{commit}/pullrequests (docs: "List pull requests that contain a commit"); the items
    // may be partial, so merged ones are read in full for who merged and the merge commit.
    const list = await this.all<BbcPr>('looking up the pull request of a commit', `${this.base}/commit/${encodeURIComponent(sha)}/pullrequests?pagelen=20`);
    const out: PullRequestDetails[] = [];
    for (const p of list.slice(0, 5)) {
      const full = p.state === 'MERGED' ? (await this.http.request<BbcPr>('reading the pull request', 'GET', `${this.base}/pullrequests/${p.id}`)).body : p;
      out.push(toDetails(full));
    }
    return out.sort((a, b) => Number(b.state === 'merged') - Number(a.state === 'merged'));
  }

  async pullRequestReviews(pr: PullRequest): Promise<PullRequestReview[]> {
    // Reviews live in the pull request's participants: approved, or state changes_requested (docs: participant).
    const { body } = await this.http.request<BbcPr>('reading the pull request', 'GET', `${this.base}/pullrequests/${encodeURIComponent(String(pr.id))}`);
    return (body.participants ?? []).flatMap((x): PullRequestReview[] => {
      const user = userName(x.user);
      if (!user) return [];
      const state = x.approved === true || x.state === 'approved' ? 'approved' : x.state === 'changes_requested' ? 'changesRequested' : undefined;
      return state ? [{ user, state, ...(x.participated_on ? { submittedAt: x.participated_on } : {}) }] : [];
    });
  }

  async branchProtection(branch: string): Promise<BranchProtection> {
    // Branch restrictions (docs: api-group-branch-restrictions): `push` with nobody listed = changes come
    // through pull requests; `force` = no force pushes; `require_approvals_to_merge` with a `value`.
    const list = await this.all<{ kind: string; pattern?: string; branch_match_kind?: string; value?: number | null; users?: unknown[]; groups?: unknown[] }>(
      'reading branch restrictions',
      `${this.base}/branch-restrictions?pagelen=100`,
    );
    const matching = list.filter((r) => (r.branch_match_kind ?? 'glob') === 'glob' && r.pattern !== undefined && globToRegExp(r.pattern).test(branch));
    const push = matching.filter((r) => r.kind === 'push');
    return {
      branch,
      protected: matching.length > 0,
      pullRequestRequired: push.some((r) => (r.users ?? []).length === 0 && (r.groups ?? []).length === 0),
      requiredApprovals: Math.max(0, ...matching.filter((r) => r.kind === 'require_approvals_to_merge').map((r) => r.value ?? 0)),
      forcePushBlocked: matching.some((r) => r.kind === 'force'),
      notes: [],
    };
  }
}
