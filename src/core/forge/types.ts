/**
 * The forge port: what GitOps Lens needs from a Git hosting service to open a pull/merge request,
 * and the words its errors come in. Implemented per forge in src/infra/forge/*.
 */

export type ForgeKind = 'github' | 'github-enterprise' | 'gitlab' | 'bitbucket-cloud' | 'bitbucket-server' | 'azure-devops' | 'gitea';

export const FORGE_KINDS: readonly ForgeKind[] = ['github', 'github-enterprise', 'gitlab', 'bitbucket-cloud', 'bitbucket-server', 'azure-devops', 'gitea'];

/** How each forge is named to users, in messages and prompts. */
export const FORGE_LABELS: Readonly<Record<ForgeKind, string>> = {
  github: 'GitHub',
  'github-enterprise': 'GitHub Enterprise',
  gitlab: 'GitLab',
  'bitbucket-cloud': 'Bitbucket Cloud',
  'bitbucket-server': 'Bitbucket Server',
  'azure-devops': 'Azure DevOps',
  gitea: 'Gitea',
};

/** A repository on a forge, derived from a Git remote URL (core/forge/detect). */
export interface ForgeRepo {
  readonly kind: ForgeKind;
  /** Host name with a non-default port, lower case: `github.com`, `git.example.com:8443`. */
  readonly host: string;
  /** REST API root without a trailing slash, e.g. `https://api.github.com`, `https://host/api/v4`. */
  readonly apiBaseUrl: string;
  /** Web page of the repository, e.g. `https://github.com/owner/repo`. */
  readonly webUrl: string;
  /**
   * GitHub/Gitea/Bitbucket Cloud: owner or workspace. GitLab: the full namespace path including
   * subgroups (`group/sub`). Azure DevOps: `org/project`. Bitbucket Server: the project key (`PROJ`,
   * or `~user` for a personal repository).
   */
  readonly owner: string;
  /** Repository name (slug) without `.git`. */
  readonly repo: string;
  /** HTTPS clone URL (the one to push to with `gitHttpAuthHeader`). */
  readonly cloneUrl: string;
}

export interface ForgeCredentials {
  readonly token: string;
  /** Needed by Bitbucket Cloud app passwords / API tokens; optional for Gitea basic auth. */
  readonly username?: string;
}

/**
 * `insecure`: GitOps Lens refused to send the token (plain HTTP to another machine, or a host the token
 * was not issued for); nothing was sent, and a new token would not help.
 */
export type ForgeErrorCode = 'auth' | 'forbidden' | 'notFound' | 'conflict' | 'duplicate' | 'validation' | 'rateLimited' | 'network' | 'server' | 'insecure';

/**
 * A forge failure in words a user can act on. `message` includes the forge's own message
 * (`forgeMessage`) and never the token; the clients build it from the response body only.
 */
export class ForgeError extends Error {
  override readonly name = 'ForgeError';
  /**
   * The forge clients are bundled apart from the extension (dist/forge.js, loaded lazily), so an error
   * they throw is an instance of that bundle's copy of this class: `instanceof` checks the brand (name
   * and code) rather than the prototype chain, so it holds across bundles.
   */
  static override [Symbol.hasInstance](v: unknown): boolean {
    return v instanceof Error && v.name === 'ForgeError' && typeof (v as { code?: unknown }).code === 'string';
  }
  constructor(
    readonly code: ForgeErrorCode,
    message: string,
    readonly status?: number,
    readonly forgeMessage?: string,
  ) {
    super(message);
  }
}

export type PullRequestState = 'open' | 'closed' | 'merged';

export interface PullRequest {
  /** The identifier the forge uses in its API: GitHub/Gitea number, GitLab iid, Azure pullRequestId… */
  readonly id: number | string;
  /** The number shown to users (`#12`, `!12`), when the forge has one. */
  readonly number?: number;
  /** Web page of the pull request. */
  readonly url: string;
  readonly title: string;
  /** Source branch name (no `refs/heads/`). */
  readonly head: string;
  /** Target branch name (no `refs/heads/`). */
  readonly base: string;
  readonly state: PullRequestState;
  readonly draft: boolean;
  /**
   * The description as the forge holds it now (the author may have edited it there), when the API
   * answered with it; updating keeps the author's text and replaces only our section.
   */
  readonly body?: string;
  /**
   * Things `createPullRequest` could not do, in words for the user (e.g. labels a forge has no notion
   * of, a reviewer it could not resolve). The PR itself was opened.
   */
  readonly warnings?: readonly string[];
}

export interface CreatePullRequestInput {
  readonly head: string;
  readonly base: string;
  readonly title: string;
  readonly body: string;
  readonly draft?: boolean;
  readonly labels?: readonly string[];
  /** Forge user names (GitHub/Gitea/Bitbucket logins, GitLab usernames, Azure unique names). */
  readonly reviewers?: readonly string[];
}

export interface UpdatePullRequestInput {
  readonly title?: string;
  readonly body?: string;
}

/**
 * A pull request as the audit reads it (issue 17): who opened it, who merged it, when, and the commit
 * the merge made on the base branch (a merge commit, or the squashed commit).
 */
export interface PullRequestDetails extends PullRequest {
  /** Forge user name of the author. */
  readonly author?: string;
  readonly mergedBy?: string;
  /** RFC 3339. */
  readonly mergedAt?: string;
  readonly mergeCommit?: string;
}

export type ReviewState = 'approved' | 'changesRequested' | 'commented' | 'dismissed' | 'pending';

/** One review of a pull request, in the words every forge can be mapped to. */
export interface PullRequestReview {
  /** Forge user name (login, username, unique name). */
  readonly user: string;
  readonly state: ReviewState;
  readonly submittedAt?: string;
  /** The head commit the review was given on, when the forge says. */
  readonly commit?: string;
}

/**
 * What a branch's protection enforces. Each field is undefined when the forge did not say (the token
 * may not read it, or the forge tier lacks the feature); `notes` says why, in words.
 */
export interface BranchProtection {
  readonly branch: string;
  /** Any protection rule covers the branch. */
  readonly protected: boolean;
  /** Changes reach the branch only through pull requests: direct pushes are refused. */
  readonly pullRequestRequired?: boolean;
  /** Approvals a pull request needs before it merges (0: none required). */
  readonly requiredApprovals?: number;
  /** Force pushes (history rewrites) are refused. */
  readonly forcePushBlocked?: boolean;
  readonly notes: readonly string[];
}

export interface ForgeClient {
  readonly repo: ForgeRepo;
  defaultBranch(): Promise<string>;
  /** Whether pushes to the branch are restricted (protected branch, branch policy, restriction). */
  isProtected(branch: string): Promise<boolean>;
  findOpenPullRequest(head: string, base: string): Promise<PullRequest | undefined>;
  createPullRequest(input: CreatePullRequestInput): Promise<PullRequest>;
  updatePullRequest(pr: PullRequest, input: UpdatePullRequestInput): Promise<PullRequest>;
  listOpenPullRequests(opts?: { readonly headPrefix?: string }): Promise<PullRequest[]>;
  /**
   * Pull requests that brought a commit to a branch or hold it: the merged ones first (the forge's
   * commit → pull request lookup). Empty when none does (a direct push).
   */
  pullRequestsForCommit(sha: string): Promise<PullRequestDetails[]>;
  /** The reviews of a pull request, oldest first. */
  pullRequestReviews(pr: PullRequest): Promise<PullRequestReview[]>;
  /** What the protection of a branch enforces. */
  branchProtection(branch: string): Promise<BranchProtection>;
}

/**
 * The users whose latest decisive review approves: a later "changes requested" or a dismissal takes an
 * approval back, comments do not (GitHub's rule for required reviews, followed by the other forges'
 * review models). The PR author is left out: no forge counts self-approval.
 */
export function approversOf(reviews: readonly PullRequestReview[], author?: string): string[] {
  const last = new Map<string, ReviewState>();
  for (const r of reviews) if (r.state !== 'commented' && r.state !== 'pending') last.set(r.user, r.state);
  return [...last.entries()].filter(([u, st]) => st === 'approved' && (author === undefined || u.toLowerCase() !== author.toLowerCase())).map(([u]) => u);
}

function base64(s: string): string {
  // btoa is a global in Node ≥ 16 and browsers; tokens and user names are ASCII, so Latin-1 is enough.
  return btoa(s);
}

/**
 * The value of the `Authorization` header git should send when pushing over HTTPS to the forge
 * (`git -c http.extraHeader="Authorization: <value>" push …`), so the token never lands in a URL or in
 * git config.
 *
 * - GitHub / GHE: Basic `x-access-token:TOKEN`, the form actions/checkout sends; works for OAuth,
 *   installation and personal access tokens.
 * - GitLab: Basic `oauth2:TOKEN` (GitLab docs, "OAuth 2.0 identity provider API": "use the token as
 *   password with the oauth2 user name"); personal/project tokens accept any user name.
 * - Azure DevOps: Basic `:PAT` (Azure DevOps docs, "Use personal access tokens": empty user name).
 * - Bitbucket Cloud: Basic `x-token-auth:TOKEN` for repository/project/workspace access tokens; with a
 *   user name (app password, or API token with the Bitbucket user name or `x-bitbucket-api-token-auth`,
 *   Bitbucket Cloud docs "Using API tokens") Basic `user:TOKEN`.
 * - Bitbucket Server / Data Center: Bearer TOKEN. HTTP access tokens work "in place of passwords for Git
 *   over HTTPS", and project/repository tokens only with Bearer ("Don't use this token with a username in
 *   Basic authentication", Bitbucket DC docs, "HTTP access tokens"), so the user name is not used.
 * - Gitea / Forgejo: Basic `user:TOKEN` when the user name is known, else `token TOKEN`.
 */
export function gitHttpAuthHeader(kind: ForgeKind, creds: ForgeCredentials): string {
  const { token, username } = creds;
  switch (kind) {
    case 'github':
    case 'github-enterprise':
      return `Basic ${base64(`x-access-token:${token}`)}`;
    case 'gitlab':
      return `Basic ${base64(`oauth2:${token}`)}`;
    case 'azure-devops':
      return `Basic ${base64(`:${token}`)}`;
    case 'bitbucket-cloud':
      return `Basic ${base64(`${username ?? 'x-token-auth'}:${token}`)}`;
    case 'bitbucket-server':
      return `Bearer ${token}`;
    case 'gitea':
      return username ? `Basic ${base64(`${username}:${token}`)}` : `token ${token}`;
  }
}
