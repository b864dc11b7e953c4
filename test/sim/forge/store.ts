// One store of repositories and pull requests shared by every forge face of the simulator, so a PR
// opened through the GitLab API shows up when the same repository is read through the GitHub API.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { branchSha, defaultBranchOf, hermeticGitEnv, runGit } from '../git/httpBackend';

export type ForgeKind = 'github' | 'github-enterprise' | 'gitlab' | 'bitbucket-cloud' | 'bitbucket-server' | 'azure-devops' | 'gitea';

export interface PullRequestRecord {
  /** Global id (GitHub `id`, GitLab `id`); `number` is the per-repository number (iid / pullRequestId). */
  id: number;
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  headSha: string;
  baseSha: string;
  state: 'open' | 'closed' | 'merged';
  draft: boolean;
  /** Which forge API opened it. */
  forge: ForgeKind;
  author: string;
  commits: number;
  /** Label names and reviewer user names the forge API attached. */
  labels: string[];
  reviewers: string[];
  createdAt: string;
  updatedAt: string;
  /** Reviews submitted on the forge's web page, oldest first (reviewPullRequest). */
  reviews: ReviewRecord[];
  /** Set by mergePullRequest: who merged, when, how, the commit it made on the base, the PR's own commits. */
  mergedBy?: string;
  mergedAt?: string;
  mergeMethod?: MergeMethod;
  mergeCommitSha?: string;
  /** Commits of the head that were not on the base when it merged, oldest first. */
  commitIds: string[];
}

export type MergeMethod = 'merge' | 'squash';

/** A review as every forge's web page records one; each forge face words it its own way. */
export interface ReviewRecord {
  id: number;
  user: string;
  state: 'approved' | 'changesRequested' | 'commented';
  submittedAt: string;
  /** The head commit the review was given on. */
  commitId: string;
}

/**
 * What a protection rule enforces, beyond "protected": each forge face shows these in its own API
 * (GitHub branch protection, GitLab protected branches and approval rules, Bitbucket restrictions and
 * pull request settings, Azure DevOps policies, Gitea protections). Undefined fields keep each face's
 * answer as it was before rules had details.
 */
export interface ProtectionRule {
  requirePullRequest?: boolean;
  requiredApprovals?: number;
  allowForcePush?: boolean;
  /** GitHub only: a repository ruleset (readable by anyone) instead of classic protection (admins only). */
  githubRuleset?: boolean;
}

export interface RepoRecord {
  id: number;
  fullName: string;
  /** fullName split on '/', e.g. ['acme', 'platform', 'deploy'] for a nested GitLab group. */
  segments: string[];
  bareDir: string;
  private: boolean;
  /** A stable GUID-shaped id, which is how Azure DevOps names repositories and projects. */
  guid: string;
  createdAt: string;
  pulls: PullRequestRecord[];
  /** Branch names or `*` globs that only accept changes through pull requests. */
  protectedBranches: string[];
  /** Details per pattern of protectedBranches (absent: the face's defaults). */
  protectionRules: Map<string, ProtectionRule>;
  /** Users with admin rights besides the owner (the first path segment). */
  admins: string[];
  /** Labels defined in the repository (Gitea attaches them by id = index + 1). */
  labels: string[];
}

export type CreatePrOutcome =
  | { kind: 'created'; pr: PullRequestRecord }
  | { kind: 'duplicate'; existing: PullRequestRecord }
  | { kind: 'missing-branch'; which: 'head' | 'base'; branch: string }
  | { kind: 'same-branch' }
  | { kind: 'no-commits' };

/**
 * A branch tip read straight from the bare repository's files (loose ref, then packed-refs): synchronous,
 * so every JSON builder and `pullRequests()` can use it, and no git process runs on the event loop.
 */
function readBranchShaSync(bareDir: string, branch: string): string | undefined {
  const ref = `refs/heads/${branch}`;
  try {
    const loose = fs.readFileSync(path.join(bareDir, ...ref.split('/')), 'utf8').trim();
    if (/^[0-9a-f]{40,64}$/.test(loose)) return loose;
  } catch {
    // not a loose ref
  }
  try {
    for (const line of fs.readFileSync(path.join(bareDir, 'packed-refs'), 'utf8').split('\n')) {
      const [sha, name] = line.trim().split(' ');
      if (name === ref && sha && /^[0-9a-f]{40,64}$/.test(sha)) return sha;
    }
  } catch {
    // no packed-refs
  }
  return undefined;
}

const lower = (s: string | undefined) => (s ?? '').toLowerCase();

export class ForgeStore {
  readonly repos = new Map<string, RepoRecord>();
  private nextRepoId = 1296269;
  private nextPrId = 1;
  private nextReviewId = 80001;

  add(fullName: string, bareDir: string, isPrivate: boolean): RepoRecord {
    const id = this.nextRepoId++;
    const hex = id.toString(16).padStart(12, '0');
    const record: RepoRecord = {
      id,
      fullName,
      segments: fullName.split('/'),
      bareDir,
      private: isPrivate,
      guid: `5febef5a-833d-4e14-b9c0-${hex}`,
      createdAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      pulls: [],
      protectedBranches: [],
      protectionRules: new Map(),
      admins: [],
      labels: [],
    };
    this.repos.set(fullName.toLowerCase(), record);
    return record;
  }

  get(fullName: string): RepoRecord | undefined {
    return this.repos.get(fullName.toLowerCase());
  }

  find(pred: (r: RepoRecord) => boolean): RepoRecord | undefined {
    for (const r of this.repos.values()) if (pred(r)) return r;
    return undefined;
  }

  isAdmin(repo: RepoRecord, user: string): boolean {
    return lower(repo.segments[0]) === lower(user) || repo.admins.some((a) => lower(a) === lower(user));
  }

  defaultBranch(repo: RepoRecord): Promise<string> {
    return defaultBranchOf(repo.bareDir);
  }

  /**
   * Open a PR the way every forge does: both branches must exist in the repository, they must differ,
   * and only one open PR may exist per source/target pair. `requireCommits` adds GitHub's rule that the
   * head must be ahead of the base ("No commits between …").
   */
  isProtected(repo: RepoRecord, branch: string): boolean {
    return this.protectionPattern(repo, branch) !== undefined;
  }

  /** The first protection pattern that covers the branch (`*` matches any characters). */
  protectionPattern(repo: RepoRecord, branch: string): string | undefined {
    return repo.protectedBranches.find((p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(branch));
  }

  /** The rule that covers the branch: the pattern and its details ({} when it was protected without any). */
  protectionOf(repo: RepoRecord, branch: string): { pattern: string; rule: ProtectionRule } | undefined {
    const pattern = this.protectionPattern(repo, branch);
    return pattern === undefined ? undefined : { pattern, rule: repo.protectionRules.get(pattern) ?? {} };
  }

  /** Pull requests that merged the commit, hold it among their commits, or have it as head (merged first). */
  pullsForCommit(repo: RepoRecord, sha: string): PullRequestRecord[] {
    const s = sha.toLowerCase();
    const hits = repo.pulls.filter((p) => p.mergeCommitSha === s || p.commitIds.includes(s) || p.headSha === s);
    return hits.sort((a, b) => Number(b.state === 'merged') - Number(a.state === 'merged') || b.number - a.number);
  }

  addReview(pr: PullRequestRecord, review: { user: string; state: ReviewRecord['state']; at?: string }): ReviewRecord {
    const r: ReviewRecord = { id: this.nextReviewId++, user: review.user, state: review.state, submittedAt: review.at ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'), commitId: pr.headSha };
    pr.reviews.push(r);
    return r;
  }

  /**
   * Merges a PR into its base in the bare repository the way the forge's merge button does: a merge
   * commit with the forge's message (first parent the base), or one squashed commit; `git merge-tree
   * --write-tree` computes the tree (git ≥ 2.38), commit-tree makes the commit and update-ref moves the
   * base only if nobody moved it meanwhile.
   */
  async merge(repo: RepoRecord, pr: PullRequestRecord, opts: { by: string; method: MergeMethod; at?: string; message: string; author: { name: string; email: string }; committer: { name: string; email: string } }): Promise<PullRequestRecord> {
    if (pr.state !== 'open') throw new Error(`pull request #${pr.number} is ${pr.state}`);
    const env = hermeticGitEnv(os.tmpdir());
    const base = await branchSha(repo.bareDir, pr.base);
    const head = pr.headSha;
    if (!base) throw new Error(`no base branch ${pr.base}`);
    const commits = (await runGit(['rev-list', '--reverse', `${base}..${head}`], { cwd: repo.bareDir, env })).stdout.split('\n').filter((l) => /^[0-9a-f]{40,64}$/.test(l));
    const tree = await runGit(['merge-tree', '--write-tree', base, head], { cwd: repo.bareDir, env });
    const treeSha = tree.stdout.split('\n')[0]?.trim() ?? '';
    if (tree.code !== 0 || !/^[0-9a-f]{40,64}$/.test(treeSha)) throw new Error(`pull request #${pr.number} does not merge cleanly: ${tree.stdout.slice(0, 300)}`);
    const when = opts.at ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const commitEnv = {
      ...env,
      GIT_AUTHOR_NAME: opts.author.name,
      GIT_AUTHOR_EMAIL: opts.author.email,
      GIT_AUTHOR_DATE: when,
      GIT_COMMITTER_NAME: opts.committer.name,
      GIT_COMMITTER_EMAIL: opts.committer.email,
      GIT_COMMITTER_DATE: when,
    };
    const parents = opts.method === 'merge' ? ['-p', base, '-p', head] : ['-p', base];
    const made = await runGit(['commit-tree', treeSha, ...parents, '-F', '-'], { cwd: repo.bareDir, env: commitEnv, input: opts.message });
    const sha = made.stdout.trim();
    if (made.code !== 0 || !/^[0-9a-f]{40,64}$/.test(sha)) throw new Error(`commit-tree failed: ${made.stderr}`);
    const moved = await runGit(['update-ref', `refs/heads/${pr.base}`, sha, base], { cwd: repo.bareDir, env });
    if (moved.code !== 0) throw new Error(`the base branch moved: ${moved.stderr}`);
    // Read the head before the state changes (an open PR re-reads its branch tip).
    const lastHead = pr.headSha;
    pr.state = 'merged';
    Object.defineProperty(pr, 'headSha', { value: lastHead, writable: true, enumerable: true, configurable: true });
    pr.mergedBy = opts.by;
    pr.mergedAt = when;
    pr.mergeMethod = opts.method;
    pr.mergeCommitSha = sha;
    pr.commitIds = commits;
    pr.updatedAt = when;
    return pr;
  }

  /** Edit an open PR's title/body the way every forge's update call does. */
  updatePull(repo: RepoRecord, number: number, input: { title?: string; body?: string }): PullRequestRecord | undefined {
    const pr = repo.pulls.find((p) => p.number === number);
    if (!pr) return undefined;
    if (input.title !== undefined) pr.title = input.title;
    if (input.body !== undefined) pr.body = input.body;
    pr.updatedAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    return pr;
  }

  async createPull(
    repo: RepoRecord,
    input: { head: string; base: string; title: string; body: string; draft?: boolean; forge: ForgeKind; author: string; requireCommits?: boolean },
  ): Promise<CreatePrOutcome> {
    const existing = repo.pulls.find((p) => p.state === 'open' && p.head === input.head && p.base === input.base);
    if (existing) return { kind: 'duplicate', existing };
    const headSha = await branchSha(repo.bareDir, input.head);
    if (!headSha) return { kind: 'missing-branch', which: 'head', branch: input.head };
    const baseSha = await branchSha(repo.bareDir, input.base);
    if (!baseSha) return { kind: 'missing-branch', which: 'base', branch: input.base };
    if (input.head === input.base) return { kind: 'same-branch' };
    const count = await runGit(['rev-list', '--count', `${baseSha}..${headSha}`], { cwd: repo.bareDir, env: hermeticGitEnv(os.tmpdir()) });
    const commits = parseInt(count.stdout.trim(), 10) || 0;
    if (input.requireCommits && commits === 0) return { kind: 'no-commits' };
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const bareDir = repo.bareDir;
    let lastHead = headSha;
    const pr: PullRequestRecord = {
      id: this.nextPrId++,
      number: repo.pulls.length + 1,
      title: input.title,
      body: input.body,
      head: input.head,
      base: input.base,
      // Forges move a PR's head with every push to its branch: read the branch tip from the bare
      // repository on each access while the PR is open (the last seen tip once it is closed/merged).
      get headSha(): string {
        if (this.state === 'open') lastHead = readBranchShaSync(bareDir, input.head) ?? lastHead;
        return lastHead;
      },
      baseSha,
      state: 'open',
      draft: input.draft ?? false,
      forge: input.forge,
      author: input.author,
      commits,
      labels: [],
      reviewers: [],
      createdAt: now,
      updatedAt: now,
      reviews: [],
      commitIds: (await runGit(['rev-list', '--reverse', `${baseSha}..${headSha}`], { cwd: repo.bareDir, env: hermeticGitEnv(os.tmpdir()) })).stdout.split('\n').filter((l) => /^[0-9a-f]{40,64}$/.test(l)),
    };
    repo.pulls.push(pr);
    return { kind: 'created', pr };
  }
}
