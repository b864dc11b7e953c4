/**
 * The audit of one repository, pure over ports (issue 17): for each app that deploys from it, every
 * change to the app's path on its tracked branch in a time window, with the pull request and approvals
 * that brought it (forge, else the commit messages), where and since when each cluster runs it, the
 * policy flags, and what the tracked branches' protection enforces. The CLI (src/infra/audit) and, later,
 * the editor's History view call this one function; Git and the forge come in through AuditGit and
 * AuditForge, the clusters' objects as deployment histories.
 */
import type { BranchProtection } from '../forge/types';
import { ForgeError } from '../forge/types';
import type { CommitRecord } from './commits';
import type { DeploymentHistory } from './deployments';
import { commitOfRevision } from './deployments';
import { CommitGraph, landings, type GraphCommit, type Landing } from './graph';
import { changeFlags, lookupPullRequest, protectionProblems, type AuditForge, type ChangeFlag, type PullRequestLookup } from './pullRequests';
import { changesOfPath, placementOf, type AuditTarget, type Placement } from './trail';
import { mapLimit } from '../concurrency';

/** What the audit reads from Git (src/infra/git/history.ts GitHistory implements it). */
export interface AuditGit {
  /** Commits reachable from `ref` newer than `since`, with their changed files. */
  changes(q: { readonly ref: string; readonly since: number }): Promise<CommitRecord[]>;
  /** Ids and parents of commits reachable from `refs`. */
  graph(q: { readonly refs: readonly string[]; readonly maxCount?: number }): Promise<GraphCommit[]>;
  /** Which names are commits: name → full id. */
  resolve(names: readonly string[]): Promise<Map<string, string>>;
}

export interface AuditApp {
  readonly target: AuditTarget;
  readonly history: DeploymentHistory;
}

export interface AuditOptions {
  /** Epoch ms: changes older than this are left out. */
  readonly since: number;
  /** The branch of apps whose source names none (`HEAD`, a commit); usually the checked-out branch. */
  readonly defaultBranch: string;
  /** The remote whose tracking branches are read first (`origin/main` before `main`). */
  readonly remote?: string;
  readonly forge?: AuditForge;
  /** Why there is no forge (no token, --offline), for the changes it leaves unverified. */
  readonly forgeUnavailable?: string;
  /** Concurrent forge requests; default 6. */
  readonly concurrency?: number;
  /** Commits read per branch at most (git --max-count); default 20,000. */
  readonly maxCommits?: number;
}

export interface AuditChange {
  readonly target: AuditTarget;
  readonly commit: CommitRecord;
  readonly landing: Landing;
  /** The first-parent commit that landed it (the merge commit, or itself). */
  readonly via?: CommitRecord;
  readonly pullRequest: PullRequestLookup;
  readonly flags: readonly ChangeFlag[];
  readonly placement: Placement;
  /** The branch it was read on. */
  readonly branch: string;
}

interface BranchAudit {
  readonly branch: string;
  /** The ref read (`origin/main`), undefined when the branch is not in the repository. */
  readonly ref?: string;
  readonly protection?: BranchProtection;
  /** What the protection lacks (protectionProblems), or why it could not be read. */
  readonly problems: readonly string[];
  /** The apps (`cluster/name`) that follow the branch. */
  readonly apps: readonly string[];
}

export interface AuditResult {
  readonly changes: readonly AuditChange[];
  readonly branches: readonly BranchAudit[];
  /** Things the reader should know (a branch missing, deployed revisions not in the clone, …). */
  readonly notes: readonly string[];
}


export async function collectAudit(apps: readonly AuditApp[], git: AuditGit, opts: AuditOptions): Promise<AuditResult> {
  const notes: string[] = [];
  const remote = opts.remote ?? 'origin';
  const branchOf = (a: AuditApp): string => a.target.branch ?? opts.defaultBranch;
  const branches = [...new Set(apps.map(branchOf))].sort();

  // Which ref stands for each branch: the remote-tracking one first (what the forge has), then the local one.
  const candidates = branches.flatMap((b) => [`${remote}/${b}`, b]);
  const deployed = new Set<string>();
  for (const a of apps) {
    for (const d of a.history.deployments) {
      const rev = d.sources[a.target.sourceIndex]?.revision ?? d.revision;
      const c = commitOfRevision(rev, { gitSource: true });
      if (c) deployed.add(c.id);
    }
  }
  const resolved = await git.resolve([...candidates, ...deployed]);
  const refOf = new Map<string, string>();
  for (const b of branches) {
    const ref = resolved.has(`${remote}/${b}`) ? `${remote}/${b}` : resolved.has(b) ? b : undefined;
    if (ref) refOf.set(b, ref);
    else notes.push(`The branch ${b} is not in the repository (fetch it): its apps' changes are not listed.`);
  }
  const missing = [...deployed].filter((c) => !resolved.has(c));
  if (missing.length > 0) notes.push(`${missing.length} deployed revision(s) are not in this clone (fetch the repository): where they run cannot be told.`);

  // One graph for ancestry: every branch tip and every deployed commit the clone has.
  const refs = [...new Set([...refOf.values(), ...[...deployed].filter((c) => resolved.has(c)).map((c) => resolved.get(c)!)])];
  const graph = new CommitGraph(await git.graph({ refs, maxCount: opts.maxCommits ?? 50_000 }));

  const perBranch = new Map<string, { commits: CommitRecord[]; byId: Map<string, CommitRecord>; landed: Map<string, Landing> }>();
  for (const [b, ref] of refOf) {
    const commits = await git.changes({ ref, since: opts.since });
    const tip = resolved.get(ref) ?? commits[0]?.id ?? '';
    perBranch.set(b, { commits, byId: new Map(commits.map((c) => [c.id, c])), landed: landings(graph, tip) });
  }

  // One forge lookup per commit and branch, however many apps and clusters share it.
  const jobs = new Map<string, { commit: CommitRecord; via?: CommitRecord; branch: string }>();
  const rows: Array<{ app: AuditApp; commit: CommitRecord; landing: Landing; via?: CommitRecord; branch: string }> = [];
  for (const a of apps) {
    const b = branchOf(a);
    const data = perBranch.get(b);
    if (!data) continue;
    for (const c of changesOfPath(data.commits, a.target.path, data.landed)) {
      const landing = data.landed.get(c.id)!;
      const via = data.byId.get(landing.via);
      rows.push({ app: a, commit: c, landing, ...(via ? { via } : {}), branch: b });
      jobs.set(`${b}|${c.id}`, { commit: c, ...(via ? { via } : {}), branch: b });
    }
  }
  const keys = [...jobs.keys()];
  const answers = await mapLimit(keys, opts.concurrency ?? 6, (key) => {
    const j = jobs.get(key)!;
    return lookupPullRequest(j.commit, j.via, j.branch, opts.forge, opts.forgeUnavailable);
  });
  const lookups = new Map(keys.map((k, i) => [k, answers[i]!]));

  const changes: AuditChange[] = rows.map((r) => {
    const pullRequest = lookups.get(`${r.branch}|${r.commit.id}`)!;
    // The commit reached the branch when the first-parent commit that landed it was committed.
    const landedAt = r.via?.committedAt ?? r.commit.committedAt;
    return {
      target: r.app.target,
      commit: r.commit,
      landing: r.landing,
      ...(r.via ? { via: r.via } : {}),
      pullRequest,
      flags: changeFlags(pullRequest),
      placement: placementOf(r.commit.id, landedAt, r.app.history, graph, r.app.target.sourceIndex),
      branch: r.branch,
    };
  });

  const branchAudits: BranchAudit[] = [];
  for (const b of branches) {
    const appNames = apps.filter((a) => branchOf(a) === b).map((a) => `${a.target.app.cluster}/${a.target.app.name}`);
    const ref = refOf.get(b);
    if (!opts.forge) {
      branchAudits.push({ branch: b, ...(ref ? { ref } : {}), problems: [`protection of ${b} not read: ${opts.forgeUnavailable ?? 'no forge access'}`], apps: appNames });
      continue;
    }
    try {
      const protection = await opts.forge.branchProtection(b);
      branchAudits.push({ branch: b, ...(ref ? { ref } : {}), protection, problems: protectionProblems(protection), apps: appNames });
    } catch (err) {
      if (!(err instanceof ForgeError)) throw err;
      branchAudits.push({ branch: b, ...(ref ? { ref } : {}), problems: [`protection of ${b} not read: ${err.message}`], apps: appNames });
    }
  }
  return { changes, branches: branchAudits, notes };
}
