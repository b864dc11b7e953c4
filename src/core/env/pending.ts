/**
 * What is pending where (issue 19): per environment, the commits of the branch it follows that its
 * cluster has not applied yet — all of them, and those touching the files its build reads — and how
 * many commits one environment is behind another. Revisions come from the apps (Argo CD's synced
 * revision, Flux's `lastAppliedRevision`); commits from a GitHistory port (src/infra/env/gitHistory.ts).
 */
import { isRecord, recordOf, recordsOf, stringOf } from '../json';
import type { KustomizeGraph } from './kustomize';
import type { Environment } from './types';

export interface CommitInfo {
  readonly sha: string;
  readonly subject: string;
  readonly author: string;
  /** ISO 8601. */
  readonly date: string;
}

/** Reading the repository's history (the user's clone). Implementations bound time and output. */
export interface GitHistory {
  /** A branch, tag or commit of the clone to a full sha; remote-tracking `origin/<branch>` first for branch names. Undefined when unknown. */
  resolve(ref: string): Promise<string | undefined>;
  /** Commits reachable from `to` and not from `from`, newest first, at most `max`; with `paths`, only those touching them. */
  commits(range: { readonly from: string; readonly to: string; readonly paths?: readonly string[]; readonly max: number }): Promise<{ readonly commits: readonly CommitInfo[]; readonly total: number }>;
}

const HEX = /^[0-9a-f]{7,64}$/i;

/**
 * The commit in a revision as the tools write it: Argo CD a bare sha; Flux `main@sha1:<sha>`,
 * `sha1:<sha>` (source-controller v1, RFC-0005) or `main/<sha>` (before). Chart versions and
 * digests of OCI artifacts are no commits: undefined.
 */
export function commitOf(revision: string | undefined): string | undefined {
  if (revision === undefined) return undefined;
  const r = revision.trim();
  const at = r.lastIndexOf('@');
  const tail = at >= 0 ? r.slice(at + 1) : r;
  const m = /^sha1:([0-9a-f]{40})$/i.exec(tail);
  if (m) return (m[1] as string).toLowerCase();
  if (/^[0-9a-f]{40}$/i.test(tail)) return tail.toLowerCase();
  const slash = r.lastIndexOf('/');
  if (slash > 0 && /^[0-9a-f]{40}$/i.test(r.slice(slash + 1))) return r.slice(slash + 1).toLowerCase();
  return undefined;
}

/**
 * The revision a live app object says its cluster runs. Argo CD: the last successful sync
 * (`status.operationState.syncResult.revision`), else the newest `status.history` entry (argo-cd
 * types.go RevisionHistory, appended on each sync); `status.sync.revision` is what the latest
 * comparison used, which an OutOfSync app has not applied. Flux Kustomization: `lastAppliedRevision`.
 */
export function appliedRevisionOf(obj: unknown): string | undefined {
  if (!isRecord(obj)) return undefined;
  const status = recordOf(obj.status);
  if (obj.kind === 'Application') {
    const op = recordOf(status.operationState);
    const synced = stringOf(recordOf(op.syncResult).revision);
    if (synced !== '' && op.phase === 'Succeeded') return synced;
    const history = recordsOf(status.history);
    const last = history[history.length - 1];
    if (last && stringOf(last.revision) !== '') return stringOf(last.revision);
    if (synced !== '') return synced;
    return undefined;
  }
  return stringOf(status.lastAppliedRevision) || undefined;
}

/** The revision an environment runs: what it applied when known, else (Synced apps) what it compared. */
function runningRevision(env: Environment): string | undefined {
  if (env.appliedRevision !== undefined) return env.appliedRevision;
  if (env.app.tool === 'flux') return env.fullRevision;
  return env.sync.status === 'Synced' ? env.fullRevision : undefined;
}

/** Repository paths whose changes reach an environment: its build's folders, value files, chart, manifest. */
export function pathsOf(env: Environment, graph: KustomizeGraph): string[] {
  const out = new Set<string>();
  const d = env.deploy;
  if (d.type === 'kustomize') for (const f of graph.closure(d.folder)) out.add(f === '' ? '.' : f);
  else if (d.type === 'directory') out.add(d.folder === '' ? '.' : d.folder);
  else {
    if (d.chart.type === 'local') out.add(d.chart.path);
    for (const l of d.values) out.add(l.type === 'file' ? l.path : l.file);
  }
  if (env.declaration) out.add(env.declaration.file);
  return [...out];
}

export interface PendingInfo {
  readonly env: Environment;
  /** The commit the cluster runs, and the tip of the branch it follows in the clone. */
  readonly applied?: string;
  readonly tip?: string;
  readonly branch?: string;
  /** Commits on the branch the cluster has not applied (all of them). */
  readonly total?: number;
  /** Of those, the ones touching the environment's files, newest first (at most `max`). */
  readonly touching?: readonly CommitInfo[];
  readonly touchingTotal?: number;
  /** Why nothing could be said, in words. */
  readonly unknown?: string;
}

const MAX_COMMITS = 50;

export async function pendingFor(env: Environment, graph: KustomizeGraph, git: GitHistory, max = MAX_COMMITS): Promise<PendingInfo> {
  const applied = commitOf(runningRevision(env));
  const branch = env.trackedRevision;
  if (!env.live) return { env, unknown: 'not read from a cluster' };
  if (applied === undefined) return { env, unknown: env.fullRevision ? `its revision ${env.fullRevision} is no commit` : 'the cluster reports no applied revision' };
  if (branch === undefined || HEX.test(branch)) return { env, applied, unknown: branch === undefined ? 'the branch it follows is not known' : 'it follows a fixed commit' };
  const tip = await git.resolve(branch);
  if (tip === undefined) return { env, applied, branch, unknown: `${branch} is not in the clone (fetch it)` };
  if (tip === applied) return { env, applied, tip, branch, total: 0, touching: [], touchingTotal: 0 };
  const all = await git.commits({ from: applied, to: tip, max: 0 });
  const mine = await git.commits({ from: applied, to: tip, paths: pathsOf(env, graph), max });
  return { env, applied, tip, branch, total: all.total, touching: mine.commits, touchingTotal: mine.total };
}

/** Commits `to` lacks of `from`'s revision, and the other way round; undefined when either revision is no commit. */
export async function commitsBetween(from: Environment, to: Environment, git: GitHistory): Promise<{ readonly behind: number; readonly ahead: number } | undefined> {
  const a = commitOf(runningRevision(from));
  const b = commitOf(runningRevision(to));
  if (a === undefined || b === undefined) return undefined;
  if (a === b) return { behind: 0, ahead: 0 };
  const behind = await git.commits({ from: b, to: a, max: 0 });
  const ahead = await git.commits({ from: a, to: b, max: 0 });
  return { behind: behind.total, ahead: ahead.total };
}
