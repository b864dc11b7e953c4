/**
 * Deployment history per app, from what the controllers record on their own objects (issue 17,
 * "History per app"). Read from the raw objects, since the App model keeps only the current state:
 *
 * - Argo CD Application `status.history[]` (argo-cd pkg/apis/application/v1alpha1/types.go
 *   RevisionHistory: id, revision | revisions, deployedAt, deployStartedAt, source | sources,
 *   initiatedBy {username, automated}). The controller appends one entry per successful sync and trims
 *   to `spec.revisionHistoryLimit` (controller/state.go persistRevisionHistory), so the list is oldest
 *   first. `initiatedBy` is in the entries since Argo CD 2.10 (argo-cd#16654); before, only the
 *   last operation's `status.operationState.operation.initiatedBy` says who started a sync.
 * - Flux Kustomization `status.history[]` (fluxcd/pkg apis/meta history.go Snapshot: digest,
 *   firstReconciled, lastReconciled, lastReconciledDuration, lastReconciledStatus, totalReconciliations,
 *   metadata {revision, originRevision}), newest first, at most 5, written by kustomize-controller since
 *   Flux 2.7 (internal/controller/kustomization_controller.go: `History.Upsert(checksum, …,
 *   ReconciliationSucceededReason, {revision})`). A snapshot is per digest of the built objects: a later
 *   revision that builds the same objects updates the snapshot's revision and lastReconciled, and
 *   firstReconciled stays when that content was first applied.
 * - Flux HelmRelease `status.history[]` (helm-controller api/v2 snapshot_types.go Snapshot: version,
 *   status, chartName, chartVersion, appVersion, firstDeployed, lastDeployed, digest …), newest first.
 *   `lastDeployed` is when that release version was deployed; `firstDeployed` is the release's first.
 * - Older Flux: `status.lastAppliedRevision`, plus the controller's Kubernetes Events for the object:
 *   reason `ReconciliationSucceeded` (kustomize-controller) or `InstallSucceeded`/`UpgradeSucceeded`
 *   (helm-controller), with the revision in the annotation `<api group>/revision`
 *   (kustomization_controller.go `event`: metadata[group + "/" + eventv1.MetaRevisionKey]) or, in the
 *   oldest releases, in the message `Applied revision: …`. The API server keeps Events for an hour by
 *   default (kube-apiserver --event-ttl), so this reaches back as far as the cluster keeps them.
 *
 * Pure: raw JSON in, plain values out, never throws; what is malformed is listed in `problems`.
 */
import { isRecord } from '../json';

type Rec = Record<string, unknown>;

type DeploymentOrigin = 'argocd-history' | 'flux-history' | 'helm-history' | 'flux-status' | 'flux-event';

interface DeploymentInitiator {
  /** The Argo CD user (SSO subject or local account) who started the sync; absent for automated syncs. */
  readonly username?: string;
  /** Started by the controller itself (automated sync policy). */
  readonly automated: boolean;
}

/** One source of a deployment: where the desired state came from and at which revision. */
interface DeployedSource {
  readonly repoURL?: string;
  readonly path?: string;
  readonly chart?: string;
  readonly targetRevision?: string;
  /** The revision as the tool wrote it (commit id, `main@sha1:…`, chart version). */
  readonly revision: string;
}

export interface Deployment {
  /** The primary revision as the tool wrote it. */
  readonly revision: string;
  /**
   * The Git commit id inside it, lower case: 40/64 hex when the revision names a commit, or a shorter
   * prefix (`exact: false`) when only that is known (a chart version's build metadata).
   */
  readonly commit?: { readonly id: string; readonly exact: boolean };
  /** Every source with its revision (Argo CD multi-source apps); one entry otherwise. */
  readonly sources: readonly DeployedSource[];
  /** When this revision was applied (RFC 3339). */
  readonly deployedAt?: string;
  /** When the sync that applied it started (Argo CD deployStartedAt). */
  readonly startedAt?: string;
  /** The last time the controller reconciled this content (Flux lastReconciled, the newest Event). */
  readonly lastSeenAt?: string;
  readonly initiatedBy?: DeploymentInitiator;
  /** Argo CD history id, Flux snapshot digest, Helm release version. */
  readonly id?: string;
  /** Whether it succeeded: false for Flux snapshots of failed attempts and failed Helm releases. */
  readonly succeeded: boolean;
  /** Flux `lastReconciledStatus`, Helm release status; absent for Argo CD (only successes are recorded). */
  readonly status?: string;
  readonly from: DeploymentOrigin;
}

export interface DeploymentHistory {
  /** Newest first. */
  readonly deployments: readonly Deployment[];
  /** What the cluster runs now, when the object says: its revision and the deployment it came from. */
  readonly current?: { readonly revision: string; readonly commit?: Deployment['commit']; readonly since?: string };
  readonly problems: readonly string[];
}

const HEX_FULL = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;

/**
 * The commit inside a revision string:
 * - a bare commit id (Argo CD, Flux `spec.ref.commit`),
 * - `<ref>@sha1:<hex>` / `sha1:<hex>` (Flux source-controller v1, RFC-0005 revision format; a Git
 *   artifact's digest is the commit), also `sha256:` for a SHA-256 repository when the source is Git,
 * - `<branch>/<hex>` (Flux before RFC-0005),
 * - a chart version whose SemVer build metadata is hex (`1.2.0+3f1c9a2b7e11`, what source-controller
 *   gives charts built from Git with `reconcileStrategy: Revision`): a prefix only.
 * OCI digests (`latest@sha256:…` of an OCIRepository) are not commits: `gitSource: false` refuses sha256.
 */
export function commitOfRevision(revision: string, opts: { readonly gitSource?: boolean } = {}): Deployment['commit'] {
  const r = revision.trim();
  if (HEX_FULL.test(r)) return { id: r.toLowerCase(), exact: true };
  const digest = /(?:^|@)(sha1|sha256):([0-9a-f]+)$/i.exec(r);
  if (digest) {
    const [, algo = '', hex = ''] = digest;
    if (algo.toLowerCase() === 'sha1' && hex.length === 40) return { id: hex.toLowerCase(), exact: true };
    if (algo.toLowerCase() === 'sha256' && hex.length === 64 && opts.gitSource === true) return { id: hex.toLowerCase(), exact: true };
    return undefined;
  }
  const slash = r.lastIndexOf('/');
  if (slash > 0 && HEX_FULL.test(r.slice(slash + 1))) return { id: r.slice(slash + 1).toLowerCase(), exact: true };
  const build = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?\+([0-9a-f]{7,64})$/i.exec(r);
  if (build?.[1]) return { id: build[1].toLowerCase(), exact: HEX_FULL.test(build[1]) };
  return undefined;
}

/** Whether two commit references name the same commit (a prefix matches a full id). */
export function sameCommit(a: Deployment['commit'], b: string | Deployment['commit']): boolean {
  if (!a || !b) return false;
  const other = typeof b === 'string' ? b.toLowerCase() : b.id;
  return a.id === other || (!a.exact && other.startsWith(a.id)) || (typeof b !== 'string' && !b.exact && a.id.startsWith(b.id));
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const rec = (v: unknown): Rec | undefined => (isRecord(v) ? v : undefined);
const MAX_ENTRIES = 1000;

/** The object items of a list with their positions; other items are problems. */
function items(v: unknown, where: string, problems: string[]): Array<[Rec, number]> {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    problems.push(`${where} is not a list`);
    return [];
  }
  if (v.length > MAX_ENTRIES) problems.push(`${where} has ${v.length} entries; the newest ${MAX_ENTRIES} are read`);
  const out: Array<[Rec, number]> = [];
  v.slice(0, MAX_ENTRIES).forEach((x, i) => {
    if (isRecord(x)) out.push([x, i]);
  });
  v.slice(0, MAX_ENTRIES).forEach((x, i) => {
    if (!isRecord(x)) problems.push(`${where}[${i}] is not an object`);
  });
  return out;
}

function sourceOf(s: Rec | undefined, revision: string): DeployedSource {
  return {
    ...(str(s?.repoURL) ? { repoURL: str(s?.repoURL) } : {}),
    ...(str(s?.path) ? { path: str(s?.path) } : {}),
    ...(str(s?.chart) ? { chart: str(s?.chart) } : {}),
    ...(str(s?.targetRevision) ? { targetRevision: str(s?.targetRevision) } : {}),
    revision,
  };
}

function initiatorOf(v: unknown): DeploymentInitiator | undefined {
  const i = rec(v);
  if (!i) return undefined;
  const username = str(i.username);
  const automated = i.automated === true;
  if (!username && !automated) return undefined;
  return { ...(username ? { username } : {}), automated };
}

/** Argo CD Application → its deployments (newest first) and what it runs now. */
export function argoDeployments(app: unknown): DeploymentHistory {
  const problems: string[] = [];
  const root = rec(app);
  const status = rec(root?.status);
  const entries = items(status?.history, 'status.history', problems);
  const op = rec(status?.operationState);
  const opInitiator = initiatorOf(rec(op?.operation)?.initiatedBy);
  const opRevision = str(rec(op?.syncResult)?.revision) ?? (Array.isArray(rec(op?.syncResult)?.revisions) ? str((rec(op?.syncResult)?.revisions as unknown[])[0]) : undefined);
  const deployments: Deployment[] = [];
  for (const [e, i] of entries) {
    const revisions = Array.isArray(e.revisions) ? e.revisions.map((r) => (typeof r === 'string' ? r : '')) : [];
    const sources = Array.isArray(e.sources) ? e.sources : [];
    const revision = str(e.revision) ?? revisions.find((r) => r !== '');
    if (!revision) {
      problems.push(`status.history[${i}] has neither revision nor revisions`);
      continue;
    }
    const srcs: DeployedSource[] =
      revisions.length > 0 ? revisions.map((r, j) => sourceOf(rec(sources[j]), r)) : [sourceOf(rec(e.source), revision)];
    const id = typeof e.id === 'number' || typeof e.id === 'string' ? String(e.id) : undefined;
    const commit = commitOfRevision(revision);
    deployments.push({
      revision,
      ...(commit ? { commit } : {}),
      sources: srcs,
      ...(str(e.deployedAt) ? { deployedAt: str(e.deployedAt) } : {}),
      ...(str(e.deployStartedAt) ? { startedAt: str(e.deployStartedAt) } : {}),
      ...(initiatorOf(e.initiatedBy) ? { initiatedBy: initiatorOf(e.initiatedBy) } : {}),
      ...(id !== undefined ? { id } : {}),
      succeeded: true,
      from: 'argocd-history',
    });
  }
  // Entries are appended (oldest first) with increasing ids; order by id, then by time, newest first.
  deployments.sort((a, b) => Number(b.id ?? -1) - Number(a.id ?? -1) || timeOf(b.deployedAt) - timeOf(a.deployedAt));
  // Before Argo CD 2.10 entries carry no initiator: the last operation's belongs to the newest entry it synced.
  const newest = deployments[0];
  if (newest && !newest.initiatedBy && opInitiator && opRevision && opRevision === newest.revision && str(op?.phase) === 'Succeeded') {
    deployments[0] = { ...newest, initiatedBy: opInitiator };
  }
  const sync = rec(status?.sync);
  const syncRevision = str(sync?.revision) ?? (Array.isArray(sync?.revisions) ? str(sync.revisions[0]) : undefined);
  const current = syncRevision ?? newest?.revision;
  const since = deployments.find((d) => d.revision === current)?.deployedAt;
  const currentCommit = current ? commitOfRevision(current) : undefined;
  return {
    deployments,
    ...(current ? { current: { revision: current, ...(currentCommit ? { commit: currentCommit } : {}), ...(since ? { since } : {}) } } : {}),
    problems,
  };
}

const timeOf = (t: string | undefined): number => {
  const ms = t === undefined ? NaN : Date.parse(t);
  return Number.isFinite(ms) ? ms : -Infinity;
};

/** meta.ReconciliationSucceededReason (fluxcd/pkg apis/meta conditions.go). */
const RECONCILIATION_SUCCEEDED = 'ReconciliationSucceeded';

/** A Flux object's group, `kustomize.toolkit.fluxcd.io` or `helm.toolkit.fluxcd.io`, from its apiVersion. */
const groupOf = (o: Rec | undefined): string => {
  const v = str(o?.apiVersion) ?? '';
  return v.includes('/') ? v.slice(0, v.indexOf('/')) : '';
};

/**
 * Flux Kustomization → deployments. `gitSource`: the sourceRef is a GitRepository (then sha256 digests
 * are commits too). `events`: the namespace's Events (any kind; those of this object are picked).
 */
export function fluxKustomizationDeployments(obj: unknown, events: readonly unknown[] = [], opts: { readonly gitSource?: boolean } = {}): DeploymentHistory {
  const problems: string[] = [];
  const root = rec(obj);
  const status = rec(root?.status);
  const deployments: Deployment[] = [];
  for (const [s, i] of items(status?.history, 'status.history', problems)) {
    const meta = rec(s.metadata);
    const revision = str(meta?.revision);
    if (!revision) {
      problems.push(`status.history[${i}] has no metadata.revision`);
      continue;
    }
    const commit = commitOfRevision(revision, opts);
    const reason = str(s.lastReconciledStatus);
    deployments.push({
      revision,
      ...(commit ? { commit } : {}),
      sources: [{ revision, ...(str(meta?.originRevision) ? { targetRevision: str(meta?.originRevision) } : {}) }],
      ...(str(s.firstReconciled) ? { deployedAt: str(s.firstReconciled) } : {}),
      ...(str(s.lastReconciled) ? { lastSeenAt: str(s.lastReconciled) } : {}),
      ...(str(s.digest) ? { id: str(s.digest) } : {}),
      succeeded: reason === RECONCILIATION_SUCCEEDED,
      ...(reason ? { status: reason } : {}),
      from: 'flux-history',
    });
  }
  const applied = str(status?.lastAppliedRevision);
  if (deployments.length === 0) deployments.push(...eventDeployments(root, events, new Set([RECONCILIATION_SUCCEEDED]), opts));
  return finishFlux(deployments, applied, opts, problems);
}

/** The revision an Event names: the `<group>/revision` annotation, else `Applied revision: …` in the message. */
function eventRevision(e: Rec, group: string): string | undefined {
  const annotations = rec(rec(e.metadata)?.annotations);
  const annotated = str(annotations?.[`${group}/revision`]);
  if (annotated) return annotated;
  return /Applied revision: (\S+)/.exec(str(e.message) ?? '')?.[1];
}

/** Successful reconciliations from the controller's Events for this object, one deployment per revision. */
function eventDeployments(root: Rec | undefined, events: readonly unknown[], reasons: ReadonlySet<string>, opts: { readonly gitSource?: boolean }): Deployment[] {
  const meta = rec(root?.metadata);
  const name = str(meta?.name);
  const namespace = str(meta?.namespace) ?? '';
  const kind = str(root?.kind);
  const group = groupOf(root);
  const byRevision = new Map<string, { first: number; firstText?: string; last: number; lastText?: string }>();
  for (const raw of events.slice(0, 10 * MAX_ENTRIES)) {
    const e = rec(raw);
    const io = rec(e?.involvedObject);
    if (!e || !io || str(io.kind) !== kind || str(io.name) !== name || (str(io.namespace) ?? '') !== namespace) continue;
    if (str(io.apiVersion) && groupOf(io) !== group) continue;
    if (!reasons.has(str(e.reason) ?? '')) continue;
    const revision = eventRevision(e, group);
    if (!revision) continue;
    // core/v1 Events: firstTimestamp/lastTimestamp (series count); events.k8s.io-created ones: eventTime.
    const first = str(e.firstTimestamp) ?? str(e.eventTime) ?? str(rec(e.metadata)?.creationTimestamp);
    const last = str(e.lastTimestamp) ?? str(rec(e.series)?.lastObservedTime) ?? first;
    const seen = byRevision.get(revision) ?? { first: Infinity, last: -Infinity };
    if (first && timeOf(first) < seen.first) Object.assign(seen, { first: timeOf(first), firstText: first });
    if (last && timeOf(last) > seen.last) Object.assign(seen, { last: timeOf(last), lastText: last });
    byRevision.set(revision, seen);
  }
  return [...byRevision.entries()].map(([revision, t]) => {
    const commit = commitOfRevision(revision, opts);
    return {
      revision,
      ...(commit ? { commit } : {}),
      sources: [{ revision }],
      ...(t.firstText ? { deployedAt: t.firstText } : {}),
      ...(t.lastText ? { lastSeenAt: t.lastText } : {}),
      succeeded: true,
      from: 'flux-event' as const,
    };
  });
}

function finishFlux(found: Deployment[], applied: string | undefined, opts: { readonly gitSource?: boolean }, problems: string[]): DeploymentHistory {
  const deployments = [...found].sort((a, b) => timeOf(b.lastSeenAt ?? b.deployedAt) - timeOf(a.lastSeenAt ?? a.deployedAt));
  // The applied revision always counts as deployed, even when no snapshot or Event says when.
  if (applied && !deployments.some((d) => d.succeeded && d.revision === applied)) {
    const commit = commitOfRevision(applied, opts);
    deployments.unshift({ revision: applied, ...(commit ? { commit } : {}), sources: [{ revision: applied }], succeeded: true, from: 'flux-status' });
  }
  const currentRevision = applied ?? deployments.find((d) => d.succeeded)?.revision;
  const currentDeployment = deployments.find((d) => d.succeeded && d.revision === currentRevision);
  const currentCommit = currentRevision ? commitOfRevision(currentRevision, opts) : undefined;
  return {
    deployments,
    ...(currentRevision
      ? { current: { revision: currentRevision, ...(currentCommit ? { commit: currentCommit } : {}), ...(currentDeployment?.deployedAt ? { since: currentDeployment.deployedAt } : {}) } }
      : {}),
    problems,
  };
}

/** helm-controller's success Event reasons (api/v2 condition_types.go InstallSucceededReason, UpgradeSucceededReason). */
const HELM_SUCCESS = new Set(['InstallSucceeded', 'UpgradeSucceeded']);

/** Flux HelmRelease → deployments: release versions from `status.history`, else lastAppliedRevision and Events. */
export function helmReleaseDeployments(obj: unknown, events: readonly unknown[] = []): DeploymentHistory {
  const problems: string[] = [];
  const root = rec(obj);
  const status = rec(root?.status);
  const deployments: Deployment[] = [];
  for (const [s, i] of items(status?.history, 'status.history', problems)) {
    const chartVersion = str(s.chartVersion);
    if (!chartVersion) {
      problems.push(`status.history[${i}] has no chartVersion`);
      continue;
    }
    const st = str(s.status);
    const commit = commitOfRevision(chartVersion);
    deployments.push({
      revision: chartVersion,
      ...(commit ? { commit } : {}),
      sources: [{ revision: chartVersion, ...(str(s.chartName) ? { chart: str(s.chartName) } : {}) }],
      ...(str(s.lastDeployed) ? { deployedAt: str(s.lastDeployed) } : {}),
      ...(typeof s.version === 'number' ? { id: String(s.version) } : {}),
      // deployed = running now, superseded = ran before a newer version; failed/uninstalled/pending did not (or no longer) run.
      succeeded: st === 'deployed' || st === 'superseded',
      ...(st ? { status: st } : {}),
      from: 'helm-history',
    });
  }
  const newestDeployed = deployments.find((d) => d.status === 'deployed');
  const applied = newestDeployed?.revision ?? str(status?.lastAppliedRevision);
  if (deployments.length === 0) deployments.push(...eventDeployments(root, events, HELM_SUCCESS, {}));
  const out = finishFlux(deployments, applied, {}, problems);
  // Release versions order Helm history (snapshot_types.go SortByVersion), not times.
  if (deployments.some((d) => d.from === 'helm-history')) {
    return { ...out, deployments: [...out.deployments].sort((a, b) => Number(b.id ?? -1) - Number(a.id ?? -1)) };
  }
  return out;
}

/** The deployments of any app object GitOps Lens knows, by kind; undefined for other kinds. */
export function deploymentsOf(obj: unknown, events: readonly unknown[] = [], opts: { readonly gitSource?: boolean } = {}): DeploymentHistory | undefined {
  const root = rec(obj);
  const kind = str(root?.kind);
  const group = groupOf(root);
  if (kind === 'Application' && group === 'argoproj.io') return argoDeployments(obj);
  if (kind === 'Kustomization' && group === 'kustomize.toolkit.fluxcd.io') return fluxKustomizationDeployments(obj, events, opts);
  if (kind === 'HelmRelease' && group === 'helm.toolkit.fluxcd.io') return helmReleaseDeployments(obj, events);
  return undefined;
}
