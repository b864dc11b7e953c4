// One store of repositories and pull requests shared by every forge face of the simulator, so a PR
// opened through the GitLab API shows up when the same repository is read through the GitHub API.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { branchSha, defaultBranchOf, hermeticGitEnv, runGit } from '../git/httpBackend';

export type ForgeKind = 'github' | 'github-enterprise' | 'gitlab' | 'bitbucket-cloud' | 'bitbucket-server' | 'azure-devops' | 'gitea';

export const FORGE_KINDS: readonly ForgeKind[] = ['github', 'github-enterprise', 'gitlab', 'bitbucket-cloud', 'bitbucket-server', 'azure-devops', 'gitea'];

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
export function readBranchShaSync(bareDir: string, branch: string): string | undefined {
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
    return repo.protectedBranches.some((p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(branch));
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
    };
    repo.pulls.push(pr);
    return { kind: 'created', pr };
  }
}
