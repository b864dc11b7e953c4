/**
 * The audit trail's joins, pure: which apps deploy from a repository (and from which path and branch),
 * which commits changed an app, and where a commit runs now ("staging since 10:32, production at
 * abc1234"), from the apps' deployment histories and Git ancestry facts (graph.ts).
 */
import { sameRemote } from '../git/remoteUrl';
import type { App } from '../model/app';
import { shortRevision } from '../model/app';
import type { CommitRecord } from './commits';
import { touchesPath } from './commits';
import { commitOfRevision, type Deployment, type DeploymentHistory } from './deployments';
import type { CommitGraph, Landing } from './graph';

/** An app that deploys from the audited repository. */
export interface AuditTarget {
  readonly app: App;
  /** The app's folder in the repository, without `./` ('' for the root); a chart folder for Helm. */
  readonly path: string;
  /** The branch the app follows, when its source names one (not a tag, commit or `HEAD`). */
  readonly branch?: string;
  /** Which of the app's sources is this repository (Argo CD multi-source apps). */
  readonly sourceIndex: number;
}

const cleanPath = (p: string | undefined): string => (p ?? '').replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/^\/+/, '').replace(/\/+$/, '').replace(/^\.$/, '');

/** A targetRevision or Flux ref that names a branch (not a commit id, a semver range or HEAD). */
function branchOf(rev: string | undefined): string | undefined {
  if (!rev || rev === 'HEAD' || /^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(rev) || /[*^~<>=|\s]/.test(rev)) return undefined;
  return rev.replace(/^refs\/heads\//, '');
}

/**
 * The apps (Argo CD Applications, Flux Kustomizations and HelmReleases) whose source is `repoUrl`,
 * compared as core/git/remoteUrl compares remotes. Flux apps reach their GitRepository through
 * `sources[0].ref` (a HelmRelease through its HelmChart), looked up among `all` on the same cluster.
 */
export function auditTargets(all: readonly App[], repoUrl: string): AuditTarget[] {
  const byKey = new Map(all.map((a) => [a.key, a]));
  const sourceApp = (cluster: string, ref: string | undefined): App | undefined => {
    if (!ref) return undefined;
    const [kind = '', namespace = '', name = ''] = ref.split('/');
    return byKey.get(`${cluster}/flux/${kind}/${namespace}/${name}`);
  };
  const out: AuditTarget[] = [];
  for (const app of all) {
    if (app.role !== 'app') continue;
    if (app.tool === 'argocd') {
      app.sources.forEach((s, i) => {
        if (s.repoURL && sameRemote(s.repoURL, repoUrl) && s.chart === undefined) {
          const branch = branchOf(s.targetRevision);
          out.push({ app, path: cleanPath(s.path), ...(branch ? { branch } : {}), sourceIndex: i });
        }
      });
      continue;
    }
    const first = app.sources[0];
    let src = sourceApp(app.cluster, first?.ref);
    let path = app.kind === 'HelmRelease' ? undefined : first?.path;
    if (src?.kind === 'HelmChart') {
      // A chart built from Git: the HelmChart names its GitRepository and the chart's folder.
      path = src.sources[0]?.chart;
      src = sourceApp(app.cluster, src.sources[0]?.ref);
    }
    const url = src?.kind === 'GitRepository' ? src.sources[0]?.repoURL : undefined;
    if (!url || !sameRemote(url, repoUrl) || path === undefined) continue;
    const branch = branchOf(src?.sources[0]?.targetRevision);
    out.push({ app, path: cleanPath(path), ...(branch ? { branch } : {}), sourceIndex: 0 });
  }
  return out;
}

/** The commits of `commits` that changed `path` and reached the branch (have a landing), newest first as given. */
export function changesOfPath(commits: readonly CommitRecord[], path: string, landed: ReadonlyMap<string, Landing>): CommitRecord[] {
  return commits.filter((c) => landed.has(c.id) && (c.files ?? []).some((f) => touchesPath(f, path)));
}

/** Where one commit stands on one cluster's app. */
export interface Placement {
  /**
   * `running`: the cluster's current revision includes the commit; `behind`: it does not (the cluster
   * is at an older revision, or rolled back); `unknown`: the cluster's revision is not in the loaded
   * history, or not a commit.
   */
  readonly state: 'running' | 'behind' | 'unknown';
  /** When the cluster first applied a revision that includes the commit (after it landed), if it did. */
  readonly deployedAt?: string;
  /** The deployment that first brought it. */
  readonly deployment?: Deployment;
  /** The revision the cluster runs now, as the tool wrote it. */
  readonly runningRevision?: string;
}

/** Clock skew allowed between the Git host's commit times and the cluster's deployment times. */
const SKEW_MS = 5 * 60_000;

const timeOf = (t: string | undefined): number => {
  const ms = t === undefined ? NaN : Date.parse(t);
  return Number.isFinite(ms) ? ms : NaN;
};

/** The commit a deployment ran for this repository's source. */
function deployedCommit(d: Deployment, sourceIndex: number): string | undefined {
  const rev = d.sources[sourceIndex]?.revision ?? (sourceIndex === 0 ? d.revision : undefined);
  return rev === undefined ? undefined : commitOfRevision(rev, { gitSource: true })?.id;
}

/**
 * Whether and since when an app on a cluster runs a commit. A deployment counts for the commit when its
 * revision includes it (graph ancestry) and it happened after the commit reached the branch (`landedAt`,
 * less clock skew): a later deployment of old content (a Flux snapshot whose digest came back) does not
 * date a newer commit.
 */
export function placementOf(commitId: string, landedAt: string | undefined, history: DeploymentHistory, graph: CommitGraph, sourceIndex = 0): Placement {
  const landed = timeOf(landedAt);
  let first: Deployment | undefined;
  for (const d of history.deployments) {
    if (!d.succeeded) continue;
    const c = deployedCommit(d, sourceIndex);
    if (!c || graph.contains(c, commitId) !== true) continue;
    const at = timeOf(d.deployedAt);
    if (Number.isFinite(at) && Number.isFinite(landed) && at < landed - SKEW_MS) continue;
    if (!first || (Number.isFinite(at) && !(timeOf(first.deployedAt) <= at))) first = d;
  }
  const current = history.current;
  const currentCommit = current?.commit?.id;
  const includes = currentCommit ? graph.contains(currentCommit, commitId) : undefined;
  const state: Placement['state'] = includes === true ? 'running' : includes === false ? 'behind' : 'unknown';
  return {
    state,
    ...(first?.deployedAt ? { deployedAt: first.deployedAt } : {}),
    ...(first ? { deployment: first } : {}),
    ...(current ? { runningRevision: current.revision } : {}),
  };
}

/** One cluster's answer for "where does this commit run". */
export interface ClusterPlacement extends Placement {
  readonly cluster: string;
  readonly app: string;
}

/** Where a commit runs, per target (cluster and app) that deploys its path. */
export function whereItRuns(commit: CommitRecord, landedAt: string | undefined, targets: ReadonlyArray<{ readonly target: AuditTarget; readonly history: DeploymentHistory }>, graph: CommitGraph): ClusterPlacement[] {
  return targets
    .filter((t) => (commit.files ?? []).length === 0 || (commit.files ?? []).some((f) => touchesPath(f, t.target.path)))
    .map((t) => ({ cluster: t.target.app.cluster, app: t.target.app.name, ...placementOf(commit.id, landedAt, t.history, graph, t.target.sourceIndex) }));
}

/** `HH:MM` in UTC for today's times, `YYYY-MM-DD HH:MM` otherwise (UTC, so every reader sees one time). */
function shortTime(iso: string, now: number): string {
  const d = new Date(iso);
  const date = d.toISOString().slice(0, 10);
  const hm = d.toISOString().slice(11, 16);
  return date === new Date(now).toISOString().slice(0, 10) ? `${hm} UTC` : `${date} ${hm} UTC`;
}

/** "staging since 10:32 UTC, production at abc1234": one phrase per cluster, in the given order. */
export function describeWhereItRuns(rows: readonly ClusterPlacement[], now: number): string {
  return rows
    .map((r) => {
      if (r.state === 'running') return r.deployedAt ? `${r.cluster} since ${shortTime(r.deployedAt, now)}` : `${r.cluster} (running)`;
      if (r.state === 'behind') return `${r.cluster} at ${r.runningRevision ? shortRevision(r.runningRevision) : 'an older revision'}`;
      return `${r.cluster} unknown`;
    })
    .join(', ');
}
