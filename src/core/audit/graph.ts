/**
 * Git ancestry facts for the audit, over a loaded slice of the commit graph (ids and parents from one
 * `git log --format=%H %P`; src/infra/git/history.ts reads it):
 *
 * - `contains(descendant, ancestor)`: does a deployed revision include a commit ("where it runs now").
 * - `landings(tip)`: which commit on the tracked branch's first-parent line brought each commit there —
 *   itself (a direct push, a squash or rebase merge, a fast-forward) or the merge commit whose side
 *   brought it (git-log(1) `--first-parent`: "follow only the first parent commit upon seeing a merge
 *   commit"; a merge's first parent is the branch merged into).
 * - `pullRequestRefs(message)`: the pull request a merge or squash commit message names, in the forms
 *   the forges write them.
 *
 * Pure. The slice may be cut (a time window, a commit limit): what lies outside is unknown, never
 * "not an ancestor".
 */

export interface GraphCommit {
  readonly id: string;
  readonly parents: readonly string[];
}

export class CommitGraph {
  private readonly parentsOf = new Map<string, readonly string[]>();
  private readonly reach = new Map<string, Set<string>>();

  constructor(commits: Iterable<GraphCommit>) {
    for (const c of commits) this.parentsOf.set(c.id.toLowerCase(), c.parents.map((p) => p.toLowerCase()));
  }

  get size(): number {
    return this.parentsOf.size;
  }

  has(id: string): boolean {
    return this.parentsOf.has(id.toLowerCase());
  }

  parents(id: string): readonly string[] | undefined {
    return this.parentsOf.get(id.toLowerCase());
  }

  /** The full id a prefix of at least 7 hex digits names, when exactly one loaded commit has it. */
  resolve(prefix: string): string | undefined {
    const p = prefix.toLowerCase();
    if (this.parentsOf.has(p)) return p;
    if (!/^[0-9a-f]{7,63}$/.test(p)) return undefined;
    let found: string | undefined;
    for (const id of this.parentsOf.keys()) {
      if (!id.startsWith(p)) continue;
      if (found) return undefined;
      found = id;
    }
    return found;
  }

  /** Every loaded commit reachable from `id` (itself included); memoized per id. */
  private reachable(id: string): Set<string> {
    let set = this.reach.get(id);
    if (set) return set;
    set = new Set<string>();
    const stack = [id];
    while (stack.length > 0) {
      const c = stack.pop()!;
      if (set.has(c)) continue;
      const parents = this.parentsOf.get(c);
      if (!parents) continue; // outside the slice
      set.add(c);
      for (const p of parents) if (!set.has(p)) stack.push(p);
    }
    this.reach.set(id, set);
    return set;
  }

  /**
   * Whether `ancestor` is `descendant` or one of its ancestors. Undefined when the slice cannot tell:
   * the descendant is not loaded, or the ancestor is not loaded (older than the slice, or unknown).
   */
  contains(descendant: string, ancestor: string): boolean | undefined {
    const d = this.resolve(descendant);
    const a = this.resolve(ancestor);
    if (!d || !a) return undefined;
    return this.reachable(d).has(a);
  }

  /** The first-parent line from `tip`, newest first, as far as the slice reaches. */
  firstParentLine(tip: string): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    let c: string | undefined = this.resolve(tip);
    while (c && !seen.has(c) && this.parentsOf.has(c)) {
      out.push(c);
      seen.add(c);
      c = this.parentsOf.get(c)![0];
    }
    return out;
  }
}

export interface Landing {
  /** The first-parent commit that brought the commit to the branch: itself, or the merge commit. */
  readonly via: string;
  /** `direct`: the commit is on the first-parent line itself; `merge`: a merge commit's side brought it. */
  readonly kind: 'direct' | 'merge';
}

/**
 * For every loaded commit reachable from `tip`, the first-parent commit that brought it to the branch.
 * Merges are visited oldest first, so a commit merged twice (a branch merged, then merged again after
 * more work) lands with the first merge that included it.
 */
export function landings(graph: CommitGraph, tip: string): Map<string, Landing> {
  const out = new Map<string, Landing>();
  const mainline = graph.firstParentLine(tip);
  const onMain = new Set(mainline);
  for (const m of mainline) out.set(m, { via: m, kind: 'direct' });
  for (let i = mainline.length - 1; i >= 0; i--) {
    const m = mainline[i]!;
    const parents = graph.parents(m) ?? [];
    const stack = parents.slice(1).map((p) => p.toLowerCase());
    while (stack.length > 0) {
      const c = stack.pop()!;
      if (onMain.has(c) || out.has(c) || !graph.has(c)) continue;
      out.set(c, { via: m, kind: 'merge' });
      for (const p of graph.parents(c) ?? []) stack.push(p);
    }
  }
  return out;
}

type PullRequestRefStyle = 'github-merge' | 'squash-suffix' | 'gitlab' | 'bitbucket-cloud' | 'bitbucket-server' | 'azure-devops' | 'gitea-merge';

export interface PullRequestRef {
  readonly number: number;
  readonly style: PullRequestRefStyle;
  /** GitLab names the project too (`group/project!42`). */
  readonly project?: string;
}

/**
 * The pull request a commit message says it merged, in the forms the forges write:
 * - GitHub merge commit: `Merge pull request #42 from owner/branch`
 * - squash merges on GitHub and Gitea: the title with ` (#42)` appended
 * - GitLab: `See merge request group/project!42` in the body (merge and squash commits)
 * - Bitbucket Cloud: `Merged in branch (pull request #42)`
 * - Bitbucket Server / Data Center: `Merge pull request #42 in PROJ/repo from branch to main`, and
 *   squash commits `Pull request #42: title`
 * - Azure DevOps: `Merged PR 42: title`
 * - Gitea / Forgejo merge commit: `Merge pull request 'title' (#42) from branch into main`
 * A hint only: the forge is asked which pull request holds the commit when it can be reached.
 */
export function pullRequestRefs(subject: string, body = ''): PullRequestRef[] {
  const out: PullRequestRef[] = [];
  const add = (n: string | undefined, style: PullRequestRefStyle, project?: string): void => {
    const number = Number(n);
    if (!Number.isSafeInteger(number) || number <= 0) return;
    if (!out.some((r) => r.number === number && r.style === style)) out.push({ number, style, ...(project ? { project } : {}) });
  };
  let m: RegExpExecArray | null;
  if ((m = /^Merge pull request #(\d+) from \S/.exec(subject))) add(m[1], 'github-merge');
  else if ((m = /^Merge pull request #(\d+) in \S+ from \S/.exec(subject))) add(m[1], 'bitbucket-server');
  else if ((m = /^Merge pull request '.*' \(#(\d+)\) from \S/.exec(subject))) add(m[1], 'gitea-merge');
  if ((m = /^Merged in \S+ \(pull request #(\d+)\)/.exec(subject))) add(m[1], 'bitbucket-cloud');
  if ((m = /^Merged PR (\d+): /.exec(subject))) add(m[1], 'azure-devops');
  if ((m = /^Pull request #(\d+): /.exec(subject))) add(m[1], 'bitbucket-server');
  if ((m = /\(#(\d+)\)\s*$/.exec(subject)) && !out.some((r) => r.style === 'gitea-merge')) add(m[1], 'squash-suffix');
  for (const g of body.matchAll(/^See merge request (\S+)!(\d+)\s*$/gm)) add(g[2], 'gitlab', g[1]);
  return out;
}
