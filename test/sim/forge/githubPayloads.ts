// GitHub REST v3 payloads with every property GitHub's OpenAPI description marks as required
// (components/schemas simple-user, private-user, repository, full-repository, pull-request,
// pull-request-simple). The validator in githubOpenApi.ts checks each one we send.
import type { ProtectionRule, PullRequestRecord, RepoRecord, ReviewRecord } from './store';

export interface GithubUrls {
  /** Where the REST API lives: `http://127.0.0.1:PORT` (github.com shape) or `…/api/v3` (Enterprise). */
  api: string;
  /** Where the web UI and clone URLs live. */
  web: string;
}

const ISO_EPOCH = '2024-01-01T00:00:00Z';

function nodeId(kind: string, id: number): string {
  // GitHub node ids are opaque base64 strings; the shape is all clients may rely on.
  return Buffer.from(`${kind}:${id}`).toString('base64').replace(/=+$/, '');
}

export function userId(login: string): number {
  let h = 7;
  for (const c of login) h = (h * 31 + c.charCodeAt(0)) % 1_000_000;
  return 1000 + h;
}

function simpleUser(u: GithubUrls, login: string): Record<string, unknown> {
  const url = `${u.api}/users/${login}`;
  return {
    login,
    id: userId(login),
    node_id: nodeId('User', userId(login)),
    avatar_url: `${u.web}/avatars/${login}`,
    gravatar_id: '',
    url,
    html_url: `${u.web}/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: 'User',
    site_admin: false,
    user_view_type: 'private',
  };
}

/** GET /user for the token's owner (private-user: the authenticated view). */
export function privateUser(u: GithubUrls, login: string): Record<string, unknown> {
  return {
    ...simpleUser(u, login),
    name: login,
    company: null,
    blog: '',
    location: null,
    email: null,
    hireable: null,
    bio: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: ISO_EPOCH,
    updated_at: ISO_EPOCH,
    private_gists: 0,
    total_private_repos: 0,
    owned_private_repos: 0,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: false,
  };
}

function repository(u: GithubUrls, repo: RepoRecord, defaultBranch: string): Record<string, unknown> {
  const [owner = '', name = ''] = repo.segments;
  const url = `${u.api}/repos/${owner}/${name}`;
  const host = new URL(u.web).host;
  return {
    id: repo.id,
    node_id: nodeId('Repository', repo.id),
    name,
    full_name: `${owner}/${name}`,
    owner: simpleUser(u, owner),
    private: repo.private,
    html_url: `${u.web}/${owner}/${name}`,
    description: null,
    fork: false,
    url,
    archive_url: `${url}/{archive_format}{/ref}`,
    assignees_url: `${url}/assignees{/user}`,
    blobs_url: `${url}/git/blobs{/sha}`,
    branches_url: `${url}/branches{/branch}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    comments_url: `${url}/comments{/number}`,
    commits_url: `${url}/commits{/sha}`,
    compare_url: `${url}/compare/{base}...{head}`,
    contents_url: `${url}/contents/{+path}`,
    contributors_url: `${url}/contributors`,
    deployments_url: `${url}/deployments`,
    downloads_url: `${url}/downloads`,
    events_url: `${url}/events`,
    forks_url: `${url}/forks`,
    git_commits_url: `${url}/git/commits{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    git_url: `git://${host}/${owner}/${name}.git`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    issue_events_url: `${url}/issues/events{/number}`,
    issues_url: `${url}/issues{/number}`,
    keys_url: `${url}/keys{/key_id}`,
    labels_url: `${url}/labels{/name}`,
    languages_url: `${url}/languages`,
    merges_url: `${url}/merges`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    pulls_url: `${url}/pulls{/number}`,
    releases_url: `${url}/releases{/id}`,
    ssh_url: `git@${host}:${owner}/${name}.git`,
    stargazers_url: `${url}/stargazers`,
    statuses_url: `${url}/statuses/{sha}`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    tags_url: `${url}/tags`,
    teams_url: `${url}/teams`,
    trees_url: `${url}/git/trees{/sha}`,
    clone_url: `${u.web}/${owner}/${name}.git`,
    mirror_url: null,
    hooks_url: `${url}/hooks`,
    svn_url: `${u.web}/${owner}/${name}`,
    homepage: null,
    language: null,
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 0,
    default_branch: defaultBranch,
    open_issues_count: repo.pulls.filter((p) => p.state === 'open').length,
    open_issues: repo.pulls.filter((p) => p.state === 'open').length,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: repo.private ? 'private' : 'public',
    pushed_at: repo.createdAt,
    created_at: repo.createdAt,
    updated_at: repo.createdAt,
    license: null,
    allow_forking: true,
    web_commit_signoff_required: false,
  };
}

/** GET /repos/{owner}/{repo}: repository plus the full-repository extras. */
export function fullRepository(u: GithubUrls, repo: RepoRecord, defaultBranch: string, viewer: string | undefined): Record<string, unknown> {
  return {
    ...repository(u, repo, defaultBranch),
    network_count: 0,
    subscribers_count: 0,
    ...(viewer ? { permissions: { admin: viewer === repo.segments[0], maintain: true, push: true, triage: true, pull: true } } : {}),
  };
}

function prUrls(u: GithubUrls, repo: RepoRecord, pr: PullRequestRecord) {
  const [owner = '', name = ''] = repo.segments;
  const repoApi = `${u.api}/repos/${owner}/${name}`;
  const html = `${u.web}/${owner}/${name}/pull/${pr.number}`;
  return {
    url: `${repoApi}/pulls/${pr.number}`,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${repoApi}/issues/${pr.number}`,
    commits_url: `${repoApi}/pulls/${pr.number}/commits`,
    review_comments_url: `${repoApi}/pulls/${pr.number}/comments`,
    review_comment_url: `${repoApi}/pulls/comments{/number}`,
    comments_url: `${repoApi}/issues/${pr.number}/comments`,
    statuses_url: `${repoApi}/statuses/${pr.headSha}`,
  };
}

/** A label as issues/{n}/labels answers it (docs: issues/labels). */
export function githubLabel(u: GithubUrls, repo: RepoRecord, name: string): Record<string, unknown> {
  const id = userId(`label:${name}`);
  return { id, node_id: nodeId('Label', id), url: `${u.api}/repos/${repo.fullName}/labels/${encodeURIComponent(name)}`, name, description: '', color: 'ededed', default: false };
}

/** pull-request-simple: what list endpoints return. */
export function pullRequestSimple(u: GithubUrls, repo: RepoRecord, pr: PullRequestRecord, defaultBranch: string): Record<string, unknown> {
  const urls = prUrls(u, repo, pr);
  const owner = repo.segments[0] ?? '';
  const repoJson = repository(u, repo, defaultBranch);
  const link = (href: string) => ({ href });
  return {
    ...urls,
    id: pr.id,
    node_id: nodeId('PullRequest', pr.id),
    number: pr.number,
    state: pr.state === 'open' ? 'open' : 'closed',
    locked: false,
    title: pr.title,
    user: simpleUser(u, pr.author),
    body: pr.body || null,
    labels: pr.labels.map((name) => githubLabel(u, repo, name)),
    milestone: null,
    active_lock_reason: null,
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: pr.state === 'open' ? null : pr.updatedAt,
    merged_at: pr.state === 'merged' ? (pr.mergedAt ?? pr.updatedAt) : null,
    merge_commit_sha: pr.mergeCommitSha ?? null,
    assignee: null,
    assignees: [],
    requested_reviewers: pr.reviewers.map((login) => simpleUser(u, login)),
    requested_teams: [],
    head: { label: `${owner}:${pr.head}`, ref: pr.head, sha: pr.headSha, user: simpleUser(u, owner), repo: repoJson },
    base: { label: `${owner}:${pr.base}`, ref: pr.base, sha: pr.baseSha, user: simpleUser(u, owner), repo: repoJson },
    _links: {
      self: link(urls.url),
      html: link(urls.html_url),
      issue: link(urls.issue_url),
      comments: link(urls.comments_url),
      review_comments: link(urls.review_comments_url),
      review_comment: link(urls.review_comment_url),
      commits: link(urls.commits_url),
      statuses: link(urls.statuses_url),
    },
    author_association: pr.author === owner ? 'OWNER' : 'CONTRIBUTOR',
    auto_merge: null,
    draft: pr.draft,
  };
}

/** pull-request: what create/get return (the simple form plus merge and diff statistics). */
export function pullRequest(u: GithubUrls, repo: RepoRecord, pr: PullRequestRecord, defaultBranch: string): Record<string, unknown> {
  return {
    ...pullRequestSimple(u, repo, pr, defaultBranch),
    merged: pr.state === 'merged',
    // GitHub computes mergeability in the background and answers null right after creation.
    mergeable: null,
    rebaseable: null,
    mergeable_state: 'unknown',
    merged_by: pr.mergedBy ? simpleUser(u, pr.mergedBy) : null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: pr.commits,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
}

const REVIEW_STATES: Readonly<Record<ReviewRecord['state'], string>> = { approved: 'APPROVED', changesRequested: 'CHANGES_REQUESTED', commented: 'COMMENTED' };

/** pull-request-review: what GET /repos/{o}/{r}/pulls/{n}/reviews lists (docs: pulls/reviews). */
export function pullRequestReview(u: GithubUrls, repo: RepoRecord, pr: PullRequestRecord, r: ReviewRecord): Record<string, unknown> {
  const [owner = '', name = ''] = repo.segments;
  const html = `${u.web}/${owner}/${name}/pull/${pr.number}#pullrequestreview-${r.id}`;
  const prUrl = `${u.api}/repos/${owner}/${name}/pulls/${pr.number}`;
  return {
    id: r.id,
    node_id: nodeId('PullRequestReview', r.id),
    user: simpleUser(u, r.user),
    body: '',
    state: REVIEW_STATES[r.state],
    html_url: html,
    pull_request_url: prUrl,
    _links: { html: { href: html }, pull_request: { href: prUrl } },
    submitted_at: r.submittedAt,
    commit_id: r.commitId,
    author_association: r.user === owner ? 'OWNER' : 'COLLABORATOR',
  };
}

/** branch-protection: GET /repos/{o}/{r}/branches/{b}/protection for classic protection (docs: branches/branch-protection). */
export function branchProtection(u: GithubUrls, repo: RepoRecord, branch: string, rule: ProtectionRule): Record<string, unknown> {
  const url = `${u.api}/repos/${repo.fullName}/branches/${encodeURIComponent(branch)}/protection`;
  return {
    url,
    enabled: true,
    name: branch,
    protection_url: url,
    enforce_admins: { url: `${url}/enforce_admins`, enabled: true },
    ...(rule.requirePullRequest !== false
      ? {
          required_pull_request_reviews: {
            url: `${url}/required_pull_request_reviews`,
            dismiss_stale_reviews: false,
            require_code_owner_reviews: false,
            required_approving_review_count: rule.requiredApprovals ?? 0,
            require_last_push_approval: false,
          },
        }
      : {}),
    required_linear_history: { enabled: false },
    allow_force_pushes: { enabled: rule.allowForcePush === true },
    allow_deletions: { enabled: false },
    block_creations: { enabled: false },
    required_conversation_resolution: { enabled: false },
    lock_branch: { enabled: false },
    allow_fork_syncing: { enabled: false },
  };
}

/** repository-rule-detailed[]: GET /repos/{o}/{r}/rules/branches/{b}, the active ruleset rules for a branch (docs: repos/rules). */
export function branchRules(repo: RepoRecord, rule: ProtectionRule, rulesetId: number): Array<Record<string, unknown>> {
  const info = { ruleset_source_type: 'Repository', ruleset_source: repo.fullName, ruleset_id: rulesetId };
  const out: Array<Record<string, unknown>> = [{ type: 'deletion', ...info }];
  if (rule.requirePullRequest !== false) {
    out.push({
      type: 'pull_request',
      parameters: {
        dismiss_stale_reviews_on_push: false,
        require_code_owner_review: false,
        require_last_push_approval: false,
        required_approving_review_count: rule.requiredApprovals ?? 0,
        required_review_thread_resolution: false,
      },
      ...info,
    });
  }
  if (rule.allowForcePush !== true) out.push({ type: 'non_fast_forward', ...info });
  return out;
}
