/**
 * Azure DevOps (Services and Server) through REST 7.1 (`{org}/{project}/_apis/git/...`).
 */
import type { BranchProtection, CreatePullRequestInput, ForgeClient, ForgeCredentials, ForgeRepo, PullRequest, PullRequestDetails, PullRequestReview, UpdatePullRequestInput } from '../../core/forge/types';
import { clientHttp, type JsonHttp } from './http';
import type { ForgeClientOptions } from './http';

interface AzPr {
  pullRequestId: number;
  title: string;
  status: string;
  isDraft?: boolean;
  description?: string;
  sourceRefName: string;
  targetRefName: string;
  createdBy?: AzIdentity;
  closedBy?: AzIdentity;
  closedDate?: string;
  lastMergeCommit?: { commitId?: string };
  reviewers?: Array<AzIdentity & { vote?: number }>;
}
interface AzIdentity {
  uniqueName?: string;
  displayName?: string;
}
/** The name people know: the unique name (user@domain) without the domain when it is an e-mail. */
const identityName = (i: AzIdentity | undefined): string | undefined => i?.uniqueName ?? i?.displayName;

const API = 'api-version=7.1';
const branchOf = (ref: string) => ref.replace(/^refs\/heads\//, '');

export class AzureDevOpsClient implements ForgeClient {
  private readonly http: JsonHttp;
  private readonly base: string;

  constructor(
    readonly repo: ForgeRepo,
    creds: ForgeCredentials,
    opts: ForgeClientOptions = {},
  ) {
    this.http = clientHttp(repo, creds, opts, {
      // PATs go as Basic with an empty user name (docs: "Use personal access tokens").
      authorization: `Basic ${btoa(`:${creds.token}`)}`,
      // Without it a bad PAT gets 203 and an HTML sign-in page instead of 401.
      'x-tfs-fedauthredirect': 'Suppress',
    });
    this.base = `${repo.apiBaseUrl}/git/repositories/${encodeURIComponent(repo.repo)}`;
  }

  private toPr(p: AzPr): PullRequest {
    return {
      id: p.pullRequestId,
      number: p.pullRequestId,
      // The REST `url` is the API resource; the web page is {repo webUrl}/pullrequest/{id}.
      url: `${this.repo.webUrl}/pullrequest/${p.pullRequestId}`,
      title: p.title,
      head: branchOf(p.sourceRefName),
      base: branchOf(p.targetRefName),
      state: p.status === 'active' ? 'open' : p.status === 'completed' ? 'merged' : 'closed',
      draft: p.isDraft === true,
      body: p.description ?? '',
    };
  }

  private toDetails(p: AzPr): PullRequestDetails {
    const pr = this.toPr(p);
    const author = identityName(p.createdBy);
    const mergedBy = pr.state === 'merged' ? identityName(p.closedBy) : undefined;
    return {
      ...pr,
      ...(author ? { author } : {}),
      ...(mergedBy ? { mergedBy } : {}),
      ...(pr.state === 'merged' && p.closedDate ? { mergedAt: p.closedDate } : {}),
      // lastMergeCommit of a completed pull request is the commit its merge made on the target.
      ...(pr.state === 'merged' && p.lastMergeCommit?.commitId ? { mergeCommit: p.lastMergeCommit.commitId } : {}),
    };
  }

  async defaultBranch(): Promise<string> {
    const { body } = await this.http.request<{ defaultBranch?: string }>('reading the repository', 'GET', `${this.base}?${API}`);
    return branchOf(body.defaultBranch ?? 'refs/heads/main');
  }

  async isProtected(branch: string): Promise<boolean> {
    // Enabled, blocking branch policies make a branch accept changes only through pull requests
    // (docs: "Branch policies"; policy/configurations filtered by repositoryId and refName).
    const repo = (await this.http.request<{ id: string }>('reading the repository', 'GET', `${this.base}?${API}`)).body;
    const url = `${this.repo.apiBaseUrl}/policy/configurations?repositoryId=${encodeURIComponent(repo.id)}&refName=${encodeURIComponent(`refs/heads/${branch}`)}&${API}`;
    const { body } = await this.http.request<{ value: Array<{ isEnabled: boolean; isBlocking: boolean; isDeleted?: boolean }> }>('reading branch policies', 'GET', url);
    return body.value.some((p) => p.isEnabled && p.isBlocking && !p.isDeleted);
  }

  private async search(what: string, criteria: Record<string, string>): Promise<AzPr[]> {
    const params = new URLSearchParams({ 'searchCriteria.status': 'active', ...criteria, $top: '100' });
    const { body } = await this.http.request<{ value: AzPr[] }>(what, 'GET', `${this.base}/pullrequests?${params.toString()}&${API}`);
    return body.value;
  }

  async findOpenPullRequest(head: string, base: string): Promise<PullRequest | undefined> {
    const list = await this.search('looking for an open pull request', { 'searchCriteria.sourceRefName': `refs/heads/${head}`, 'searchCriteria.targetRefName': `refs/heads/${base}` });
    const pr = list.find((p) => p.status === 'active' && branchOf(p.sourceRefName) === head && branchOf(p.targetRefName) === base);
    if (!pr) return undefined;
    // Lists cut descriptions at 400 characters (docs: "Pull Requests - Get Pull Requests"); the single
    // PR has the whole text the update must keep.
    return this.toPr((await this.http.request<AzPr>('reading the pull request', 'GET', `${this.base}/pullrequests/${pr.pullRequestId}?${API}`)).body);
  }

  async createPullRequest(input: CreatePullRequestInput): Promise<PullRequest> {
    const { body } = await this.http.request<AzPr>(
      'creating the pull request',
      'POST',
      `${this.base}/pullrequests?${API}`,
      { sourceRefName: `refs/heads/${input.head}`, targetRefName: `refs/heads/${input.base}`, title: input.title, description: input.body, isDraft: input.draft ?? false },
      // 409 TF401179: "An active pull request for the source and target branch already exists."
      (status, message) => (status === 409 && /TF401179|already exists/i.test(message ?? '') ? 'duplicate' : undefined),
    );
    // Azure DevOps takes reviewers as identity ids (and labels through a preview API); names would need
    // the identities service on another host, so say what was not applied instead of dropping it.
    const warnings = [
      ...(input.reviewers?.length ? [`Azure DevOps reviewers need identity ids; not supported on this forge by name: ${input.reviewers.join(', ')}.`] : []),
      ...(input.labels?.length ? [`Azure DevOps pull request labels are not supported on this forge yet: ${input.labels.join(', ')}.`] : []),
    ];
    const pr = this.toPr(body);
    return warnings.length ? { ...pr, warnings } : pr;
  }

  async updatePullRequest(pr: PullRequest, input: UpdatePullRequestInput): Promise<PullRequest> {
    const { body } = await this.http.request<AzPr>('updating the pull request', 'PATCH', `${this.base}/pullrequests/${pr.id}?${API}`, {
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.body !== undefined ? { description: input.body } : {}),
    });
    return this.toPr(body);
  }

  async listOpenPullRequests(opts: { readonly headPrefix?: string } = {}): Promise<PullRequest[]> {
    const list = await this.search('listing pull requests', {});
    return list.map((p) => this.toPr(p)).filter((p) => !opts.headPrefix || p.head.startsWith(opts.headPrefix));
  }

  async pullRequestsForCommit(sha: string): Promise<PullRequestDetails[]> {
    // POST …/pullrequestquery: `lastMergeCommit` finds the pull request whose completion made the commit,
    // `commit` the ones that hold it; results[n] maps commit → pull requests for queries[n]
    // (docs: "Pull Request Query - Get").
    const { body } = await this.http.request<{ results?: Array<Record<string, AzPr[]>> }>('looking up the pull request of a commit', 'POST', `${this.base}/pullrequestquery?${API}`, {
      queries: [
        { type: 'lastMergeCommit', items: [sha] },
        { type: 'commit', items: [sha] },
      ],
    });
    const seen = new Set<number>();
    const out: PullRequestDetails[] = [];
    for (const result of body.results ?? []) {
      for (const p of Object.values(result ?? {}).flat()) {
        if (!p || seen.has(p.pullRequestId)) continue;
        seen.add(p.pullRequestId);
        out.push(this.toDetails(p));
      }
    }
    return out.sort((a, b) => Number(b.state === 'merged') - Number(a.state === 'merged'));
  }

  async pullRequestReviews(pr: PullRequest): Promise<PullRequestReview[]> {
    // Reviewers' votes: 10 approved, 5 approved with suggestions, -5 waiting for author, -10 rejected,
    // 0 no vote (docs: IdentityRefWithVote). Azure keeps the current vote only, without its time.
    const { body } = await this.http.request<AzPr>('reading the pull request', 'GET', `${this.base}/pullrequests/${encodeURIComponent(String(pr.id))}?${API}`);
    return (body.reviewers ?? []).flatMap((r): PullRequestReview[] => {
      const user = identityName(r);
      const vote = r.vote ?? 0;
      if (!user || vote === 0) return [];
      return [{ user, state: vote > 0 ? 'approved' : 'changesRequested' }];
    });
  }

  async branchProtection(branch: string): Promise<BranchProtection> {
    // Enabled blocking policies on a branch make it accept changes through pull requests only; pushes,
    // force pushes included, are refused (TF402455). "Minimum number of reviewers" policies
    // (type fa4e907d-c16b-4a4c-9dfa-4906e5d171dd) set `minimumApproverCount`.
    const repo = (await this.http.request<{ id: string }>('reading the repository', 'GET', `${this.base}?${API}`)).body;
    const url = `${this.repo.apiBaseUrl}/policy/configurations?repositoryId=${encodeURIComponent(repo.id)}&refName=${encodeURIComponent(`refs/heads/${branch}`)}&${API}`;
    const { body } = await this.http.request<{ value: Array<{ isEnabled: boolean; isBlocking: boolean; isDeleted?: boolean; type?: { id?: string }; settings?: { minimumApproverCount?: number } }> }>('reading branch policies', 'GET', url);
    const active = body.value.filter((p) => p.isEnabled && p.isBlocking && !p.isDeleted);
    const reviewers = active.filter((p) => p.type?.id === 'fa4e907d-c16b-4a4c-9dfa-4906e5d171dd');
    return {
      branch,
      protected: active.length > 0,
      pullRequestRequired: active.length > 0,
      requiredApprovals: Math.max(0, ...reviewers.map((p) => p.settings?.minimumApproverCount ?? 0)),
      forcePushBlocked: active.length > 0 ? true : undefined,
      notes: active.length > 0 ? [] : ['Without branch policies, force pushes depend on the repository’s Git permissions, which this token does not read.'],
    };
  }
}
