/**
 * The audit trail of one app as the editor shows it (issue 17, "History per app", "Where it runs now",
 * "Policy"): every deployment the cluster recorded, each joined with the change of the app's path it
 * deployed and the changes it brought since the deployment before; the changes of the tracked branch
 * this cluster does not run; per change the commit, the pull request that brought it and its
 * approvals, the policy flags, and where it runs on every cluster deploying the same path.
 *
 * Pure: Git facts (the path's changes, the graph, the landings) and forge answers come in; the joins
 * are the ones `gitops-lens audit` makes (trail.ts whereItRuns/placementOf, pullRequests.ts changeFlags),
 * so the editor and the CLI cannot disagree on whether or since when a cluster runs a change.
 */
import type { BranchProtection } from '../forge/types';
import type { App, AppHistoryEntry } from '../model/app';
import type { CommitRecord } from './commits';
import { commitOfRevision, type Deployment, type DeploymentHistory } from './deployments';
import type { CommitGraph, Landing } from './graph';
import { changeFlags, type ChangeFlag, type PullRequestLookup } from './pullRequests';
import { whereItRuns, type AuditTarget, type ClusterPlacement } from './trail';

/** One change of the app's path on the tracked branch, with what the audit knows about it. */
export interface TrailChange {
  readonly commit: CommitRecord;
  /** The first-parent commit that brought it to the branch (the merge commit, or itself). */
  readonly via?: CommitRecord;
  readonly landing?: Landing;
  readonly pullRequest: PullRequestLookup;
  readonly flags: readonly ChangeFlag[];
  /** Where it runs: one row per app deploying the same path (this app's row first). */
  readonly where: readonly ClusterPlacement[];
}

export interface TrailDeployment {
  readonly deployment: Deployment;
  /** The deployed revision's commit id when it names one and the clone has it. */
  readonly commitId?: string;
  /** The deployed revision's own commit, when the clone has it (its subject names a deployment whose change is not loaded). */
  readonly revisionCommit?: CommitRecord;
  /** The newest change of the app's path the deployed revision includes: what it deployed. */
  readonly change?: TrailChange;
  /** Changes of the path this deployment brought: included in it and not in the previous successful one, newest first. */
  readonly brought: readonly TrailChange[];
  /** Its revision is older than the one deployed before it (a rollback, or a pin to an older commit). */
  readonly rollback: boolean;
  /** The cluster runs this deployment's revision now (the newest deployment of the current revision). */
  readonly current: boolean;
}

export interface AppTrail {
  readonly appKey: string;
  readonly cluster: string;
  readonly app: string;
  /** The repository the app deploys from (its source URL), when it has a Git source. */
  readonly repoUrl?: string;
  readonly path?: string;
  /** The tracked branch, when known. */
  readonly branch?: string;
  readonly deployments: readonly TrailDeployment[];
  /** Changes of the branch this cluster does not run now, newest first. */
  readonly pending: readonly TrailChange[];
  /** Every loaded change, newest first. */
  readonly changes: readonly TrailChange[];
  /** Where the path's newest change runs; when no change is loaded, what each cluster runs. */
  readonly where: readonly ClusterPlacement[];
  /** What the tracked branch's protection enforces, when the forge said. */
  readonly protection?: BranchProtection;
  /** What it lacks (core protectionProblems), or why it could not be read. */
  readonly protectionProblems: readonly string[];
  /** Why pull requests were not asked of the forge (no clone, no token, offline, Restricted Mode). */
  readonly forgeUnavailable?: string;
  /** Things the reader should know, in words. */
  readonly notes: readonly string[];
}

export interface PeerHistory {
  readonly target: AuditTarget;
  readonly history: DeploymentHistory;
}

export interface TrailInput {
  readonly target: AuditTarget;
  readonly history: DeploymentHistory;
  /** Every app deploying the same path from the same repository, this one included. */
  readonly peers: readonly PeerHistory[];
  readonly repoUrl?: string;
  readonly branch?: string;
  /** Changes of the path on the branch, newest first (empty without a clone). */
  readonly changes: readonly CommitRecord[];
  readonly graph?: CommitGraph;
  readonly landed?: ReadonlyMap<string, Landing>;
  /** Commit records by id: the landing merge commits and the deployed revisions the clone has. */
  readonly records?: ReadonlyMap<string, CommitRecord>;
  /** The pull request lookup per change id; a change without one is `unknown` with `forgeUnavailable`. */
  readonly lookups?: ReadonlyMap<string, PullRequestLookup>;
  readonly protection?: BranchProtection;
  readonly protectionProblems?: readonly string[];
  readonly forgeUnavailable?: string;
  readonly notes?: readonly string[];
}

/** The commit a deployment ran for the target's source, resolved against the loaded graph. */
function deployedCommitId(d: Deployment, target: AuditTarget, graph: CommitGraph | undefined): string | undefined {
  const rev = d.sources[target.sourceIndex]?.revision ?? (target.sourceIndex === 0 ? d.revision : undefined);
  const c = rev === undefined ? undefined : commitOfRevision(rev, { gitSource: true });
  if (!c) return undefined;
  return graph?.resolve(c.id) ?? (c.exact ? c.id : undefined);
}

/** One change with its lookup, flags and placements. */
export function trailChange(commit: CommitRecord, input: Pick<TrailInput, 'peers' | 'graph' | 'landed' | 'records' | 'lookups' | 'forgeUnavailable'>): TrailChange {
  const landing = input.landed?.get(commit.id);
  const via = landing && landing.via !== commit.id ? input.records?.get(landing.via) : undefined;
  const pullRequest: PullRequestLookup = input.lookups?.get(commit.id) ?? { kind: 'unknown', reason: input.forgeUnavailable ?? 'not asked of the forge' };
  // The commit reached the branch when the first-parent commit that landed it was committed.
  const landedAt = via?.committedAt ?? commit.committedAt;
  const where = input.graph ? whereItRuns({ ...commit, files: [] }, landedAt, input.peers, input.graph) : [];
  return { commit, ...(via ? { via } : {}), ...(landing ? { landing } : {}), pullRequest, flags: changeFlags(pullRequest), where };
}

export function buildAppTrail(input: TrailInput): AppTrail {
  const { target, history, graph } = input;
  const changes = input.changes.map((c) => trailChange(c, input));
  const byId = new Map(changes.map((c) => [c.commit.id, c]));
  const contains = (desc: string | undefined, anc: string): boolean => desc !== undefined && graph?.contains(desc, anc) === true;

  // Oldest first to know what came before; shown newest first.
  const ordered = [...history.deployments].reverse();
  const out: TrailDeployment[] = [];
  let previous: string | undefined;
  let currentTaken = false;
  const currentRevision = history.current?.revision;
  const newestFirst: TrailDeployment[] = [];
  for (const d of ordered) {
    const id = deployedCommitId(d, target, graph);
    const included = id ? changes.filter((c) => contains(id, c.commit.id)) : [];
    const change = included[0];
    let brought: TrailChange[] = [];
    let rollback = false;
    if (d.succeeded && id) {
      if (previous === undefined) brought = change ? [change] : [];
      else if (previous !== id) {
        rollback = contains(previous, id);
        brought = rollback ? [] : included.filter((c) => !contains(previous, c.commit.id));
      }
    }
    const revisionCommit = id ? input.records?.get(id) ?? byId.get(id)?.commit : undefined;
    out.push({ deployment: d, ...(id ? { commitId: id } : {}), ...(revisionCommit ? { revisionCommit } : {}), ...(change ? { change } : {}), brought, rollback, current: false });
    if (d.succeeded && id) previous = id;
  }
  for (const t of out.reverse()) {
    const current = !currentTaken && t.deployment.succeeded && currentRevision !== undefined && t.deployment.revision === currentRevision;
    if (current) currentTaken = true;
    newestFirst.push(current ? { ...t, current } : t);
  }

  const own = (c: TrailChange) => c.where.find((w) => w.cluster === target.app.cluster && w.app === target.app.name);
  const pending = changes.filter((c) => own(c)?.state === 'behind');
  const where = changes[0]?.where ?? input.peers.map((p) => ({ cluster: p.target.app.cluster, app: p.target.app.name, state: 'unknown' as const, ...(p.history.current ? { runningRevision: p.history.current.revision } : {}) }));
  return {
    appKey: target.app.key,
    cluster: target.app.cluster,
    app: target.app.name,
    ...(input.repoUrl ? { repoUrl: input.repoUrl } : {}),
    path: target.path,
    ...(input.branch ? { branch: input.branch } : {}),
    deployments: newestFirst,
    pending,
    changes,
    where: orderWhere(where, target),
    ...(input.protection ? { protection: input.protection } : {}),
    protectionProblems: input.protectionProblems ?? [],
    ...(input.forgeUnavailable ? { forgeUnavailable: input.forgeUnavailable } : {}),
    notes: [...(input.notes ?? []), ...history.problems],
  };
}

/** This app's row first, then the others by cluster name. */
function orderWhere(rows: readonly ClusterPlacement[], target: AuditTarget): ClusterPlacement[] {
  const mine = (r: ClusterPlacement) => r.cluster === target.app.cluster && r.app === target.app.name;
  return [...rows.filter(mine), ...rows.filter((r) => !mine(r)).sort((a, b) => a.cluster.localeCompare(b.cluster) || a.app.localeCompare(b.app))];
}

/** A trail without Git: the cluster's deployments only (no clone, Restricted Mode, a chart from a Helm repository). */
export function deploymentsOnlyTrail(app: App, history: DeploymentHistory, notes: readonly string[], extra: { readonly repoUrl?: string; readonly path?: string; readonly branch?: string } = {}): AppTrail {
  const current = history.current?.revision;
  let taken = false;
  const deployments = history.deployments.map((d): TrailDeployment => {
    const isCurrent = !taken && d.succeeded && d.revision === current;
    if (isCurrent) taken = true;
    const c = commitOfRevision(d.revision, { gitSource: true });
    return { deployment: d, ...(c?.exact ? { commitId: c.id } : {}), brought: [], rollback: false, current: isCurrent };
  });
  return {
    appKey: app.key,
    cluster: app.cluster,
    app: app.name,
    ...extra,
    deployments,
    pending: [],
    changes: [],
    where: [{ cluster: app.cluster, app: app.name, state: 'unknown', ...(current ? { runningRevision: current } : {}) }],
    protectionProblems: [],
    notes: [...notes, ...history.problems],
  };
}

/**
 * The deployment history from the App model's own `history` (at most HISTORY_LIMIT entries; Argo CD
 * multi-source revisions joined), for when the app's object cannot be read again (an app seen through
 * Argo CD's API, a cluster gone). Flux Kustomization entries carry when the content was last
 * reconciled, not first applied: they are dated as last seen.
 */
export function deploymentsFromApp(app: App): DeploymentHistory {
  const entries: readonly AppHistoryEntry[] = app.history ?? [];
  const from: Deployment['from'] = app.tool === 'argocd' ? 'argocd-history' : app.kind === 'HelmRelease' ? 'helm-history' : 'flux-history';
  const gitSource = app.tool === 'argocd' || (app.sources[0]?.ref?.startsWith('GitRepository/') ?? false);
  const deployments: Deployment[] = [];
  for (const e of entries) {
    const revision = e.revision?.split(', ')[0];
    if (!revision) continue;
    const commit = commitOfRevision(revision, { gitSource });
    const ok = app.tool === 'argocd' || e.status === undefined || ['ReconciliationSucceeded', 'deployed', 'superseded'].includes(e.status);
    // core/argocd/application.ts writes `automated` or the user name into the entry's detail.
    const argoBy = app.tool === 'argocd' && e.detail ? (e.detail === 'automated' ? { automated: true } : { username: e.detail, automated: false }) : undefined;
    deployments.push({
      revision,
      ...(commit ? { commit } : {}),
      sources: [{ revision }],
      ...(e.at && from !== 'flux-history' ? { deployedAt: e.at } : {}),
      ...(e.at && from === 'flux-history' ? { lastSeenAt: e.at } : {}),
      ...(argoBy ? { initiatedBy: argoBy } : {}),
      succeeded: ok,
      ...(e.status && app.tool === 'flux' ? { status: e.status } : {}),
      from,
    });
  }
  const currentRevision = app.fullRevision ?? deployments.find((d) => d.succeeded)?.revision;
  const currentCommit = currentRevision ? commitOfRevision(currentRevision, { gitSource }) : undefined;
  const since = deployments.find((d) => d.succeeded && d.revision === currentRevision)?.deployedAt;
  return {
    deployments,
    ...(currentRevision ? { current: { revision: currentRevision, ...(currentCommit ? { commit: currentCommit } : {}), ...(since ? { since } : {}) } } : {}),
    problems: [],
  };
}

/** The app's place in a repository: its audit target among all apps, for each of its Git source URLs. */
export function gitSourceUrls(app: App, all: readonly App[]): string[] {
  if (app.tool === 'argocd') return [...new Set(app.sources.filter((s) => s.repoURL && s.chart === undefined).map((s) => s.repoURL!))];
  const byKey = new Map(all.map((a) => [a.key, a]));
  const follow = (ref: string | undefined): App | undefined => {
    if (!ref) return undefined;
    const [kind = '', namespace = '', name = ''] = ref.split('/');
    return byKey.get(`${app.cluster}/flux/${kind}/${namespace}/${name}`);
  };
  let src = follow(app.sources[0]?.ref);
  if (src?.kind === 'HelmChart') src = follow(src.sources[0]?.ref);
  const url = src?.kind === 'GitRepository' ? src.sources[0]?.repoURL : undefined;
  return url ? [url] : [];
}
