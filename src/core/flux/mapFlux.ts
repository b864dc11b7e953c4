/**
 * Flux objects → App, at every API version Flux 2.x served (model/app.ts GITOPS_KINDS). The versions
 * share one storage (their CRDs convert with strategy None), so an object carries the status fields of
 * whichever controller wrote it last; the readers below take every shape:
 * - kustomize-controller api/{v1beta2,v1}/kustomization_types.go (`status.history` since v1.7.0, Flux 2.7);
 * - helm-controller api/{v2beta1,v2beta2,v2}/helmrelease_types.go and api/v2/snapshot_types.go
 *   (v2beta1 has `lastAppliedRevision` and no history; v2beta2 and v2 have `history`,
 *   `lastAttemptedRevisionDigest` and `history[].ociDigest`);
 * - source-controller api/{v1beta2,v1}/*_types.go (GitRepository, OCIRepository, HelmRepository,
 *   Bucket, HelmChart) and api/v1/externalartifact_types.go (Flux 2.7).
 * Sync needs the source's artifact, which lives in another object: the caller (AppStore) passes a
 * lookup, and re-maps dependents when a source changes.
 */
import {
  FieldReader,
  HISTORY_LIMIT,
  appKey,
  identityFields,
  readConditions,
  readIdentity,
  shortRevision,
  type App,
  type AppHistoryEntry,
  type AppIgnoreRules,
  type AppSource,
  type Condition,
  type FluxIgnoreRule,
  type GitOpsKindName,
  type HealthState,
  type ManagedResource,
  type ObjectIdentity,
  type SyncState,
} from '../model/app';
import { parseFluxIgnoreEntry } from '../drift/ignore';
import { parseInventoryId } from './inventory';
import { NO_SOURCES, extraConditions, findCondition, fluxHealth, fluxSync, revisionParts, type SourceArtifact, type SourceLookup } from './status';

type Rec = Record<string, unknown>;

/** `Kind/namespace/name`, the key AppStore joins sources on. */
export function sourceRefKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

function readInventory(r: FieldReader, status: Rec | undefined): ManagedResource[] {
  const inv = r.record(status, 'status.inventory');
  const out: ManagedResource[] = [];
  r.records(inv, 'status.inventory.entries').forEach(([e, p]) => {
    const id = r.stringAt(e, p, 'id');
    if (id === undefined) {
      r.problems.push(`${p}.id is missing`);
      return;
    }
    const parsed = parseInventoryId(id, r.stringAt(e, p, 'v'));
    if (!parsed.ok) {
      r.problems.push(parsed.error);
      return;
    }
    // Flux records no per-object sync or health in the inventory; those stay undefined.
    const ref = parsed.ref;
    out.push({ namespace: ref.namespace, name: ref.name, group: ref.group, kind: ref.kind, version: ref.version, requiresPruning: false, hook: false });
  });
  return out;
}

export function readRef(r: FieldReader, parent: Rec | undefined, path: string, defaultNamespace: string, defaultKind?: string): string | undefined {
  const ref = r.record(parent, path);
  if (ref === undefined) return undefined;
  const kind = r.stringAt(ref, path, 'kind') ?? defaultKind;
  const name = r.stringAt(ref, path, 'name');
  if (kind === undefined || name === undefined) {
    r.problems.push(`${path} needs kind and name`);
    return undefined;
  }
  return sourceRefKey(kind, r.stringAt(ref, path, 'namespace') ?? defaultNamespace, name);
}

const TARGET_FIELDS = ['group', 'version', 'kind', 'name', 'namespace', 'labelSelector', 'annotationSelector'] as const;

/**
 * Flux drift ignore rules (`paths` + optional `target` selector): HelmRelease
 * `spec.driftDetection.ignore`, Kustomization `spec.ignore`. Paths or selectors the drift engine cannot
 * apply are reported as problems of the app.
 */
function readIgnoreRules(r: FieldReader, parent: Rec | undefined, where: string): AppIgnoreRules | undefined {
  const entries: FluxIgnoreRule[] = r.records(parent, where).map(([e, p]) => {
    const paths = r.stringsAt(e, p, 'paths');
    const t = r.recordAt(e, p, 'target');
    let entry: FluxIgnoreRule = { paths };
    if (t !== undefined) {
      const target: Record<string, string> = {};
      for (const f of TARGET_FIELDS) {
        const v = r.string(t, `${p}.target.${f}`);
        if (v !== undefined) target[f] = v;
      }
      entry = { paths, target };
    }
    // Checked here, under the entry's own path, so the message points at what the user wrote.
    r.problems.push(...parseFluxIgnoreEntry(entry, p).problems);
    return entry;
  });
  return entries.length === 0 ? undefined : { tool: 'flux', where, entries };
}

export function fluxBase(cluster: string, kind: GitOpsKindName, role: App['role'], id: ObjectIdentity, name: string) {
  return {
    key: appKey(cluster, 'flux', kind, id.namespace, name),
    cluster,
    tool: 'flux' as const,
    kind,
    role,
    namespace: id.namespace,
    name,
    ...identityFields(id),
  };
}

/** What every Flux object shares: identity, spec, status, `spec.suspend` and the conditions with Ready. */
export function readFluxObject(obj: unknown) {
  const r = new FieldReader();
  const { root, id } = readIdentity(r, obj);
  const spec = r.record(root, 'spec');
  const status = r.record(root, 'status');
  // Read in this order so problems are listed as before: spec.suspend, then the conditions.
  const suspended = r.boolean(spec, 'spec.suspend') ?? false;
  const conditions = readConditions(r, status);
  return {
    r,
    root,
    id,
    spec,
    status,
    name: id.name ?? '(unnamed)',
    suspended,
    conditions,
    ready: findCondition(conditions, 'Ready'),
  };
}

/** The conditions field of an App, present only when there is something beyond Ready. */
export function conditionsField(conditions: readonly Condition[]): Pick<App, 'conditions'> {
  const extra = extraConditions(conditions);
  return extra ? { conditions: extra } : {};
}

/**
 * Kustomization `status.history` (kustomize-controller v1.7.0, Flux 2.7; fluxcd/pkg apis/meta
 * history.go `Snapshot`): newest first, deduplicated by digest and status.
 */
function readReconcileHistory(r: FieldReader, status: Rec | undefined): AppHistoryEntry[] {
  return r
    .records(status, 'status.history')
    .slice(0, HISTORY_LIMIT)
    .map(([h, p]) => {
      const meta = r.recordAt(h, p, 'metadata');
      const revision = r.stringAt(meta, `${p}.metadata`, 'revision');
      const status = r.stringAt(h, p, 'lastReconciledStatus');
      const at = r.stringAt(h, p, 'lastReconciled');
      const count = r.numberAt(h, p, 'totalReconciliations');
      return {
        ...(revision !== undefined ? { revision } : {}),
        ...(status !== undefined ? { status } : {}),
        ...(at !== undefined ? { at } : {}),
        ...(count !== undefined ? { count } : {}),
      };
    });
}

/**
 * A Flux app read once from its object, joined with its source's artifact as often as that source
 * changes: AppStore keeps this instead of the raw object, so a new GitRepository revision recomputes
 * the sync of its Kustomizations without reading their objects again (issue 18). `withSource` holds
 * only values already read, never the object.
 */
export interface FluxAppReading {
  /** `Kind/namespace/name` of the source the sync depends on. */
  readonly sourceRef: string | undefined;
  /** The app, its sync compared with this artifact of the source. */
  withSource(source: SourceArtifact): App;
}

/** The app with the artifact `lookup` finds for its source. */
function joined(reading: FluxAppReading, lookup: SourceLookup): App {
  return reading.withSource(reading.sourceRef === undefined ? { found: false } : lookup(reading.sourceRef));
}

export function mapFluxKustomization(cluster: string, obj: unknown, lookup: SourceLookup = NO_SOURCES): App {
  return joined(readFluxKustomization(cluster, obj), lookup);
}

export function readFluxKustomization(cluster: string, obj: unknown): FluxAppReading {
  const { r, id, spec, status, name, suspended, conditions, ready } = readFluxObject(obj);
  const sourceRef = readRef(r, spec, 'spec.sourceRef', id.namespace);
  if (spec !== undefined && sourceRef === undefined) r.problems.push('spec.sourceRef is missing');
  const applied = r.string(status, 'status.lastAppliedRevision');
  const attempted = r.string(status, 'status.lastAttemptedRevision');
  const health = fluxHealth(conditions, suspended, id.generation);
  // kustomize-controller's merged field is spec.ignore; spec.driftIgnoreRules is the name its draft
  // (fluxcd/kustomize-controller#1627) used, still read so early adopters' rules are not dropped.
  const ignore = readIgnoreRules(r, spec, 'spec.ignore') ?? readIgnoreRules(r, spec, 'spec.driftIgnoreRules');
  const history = readReconcileHistory(r, status);
  const revision = applied === undefined ? undefined : shortRevision(applied);
  // The history records when the last reconcile ended (Flux 2.7+); before that the Ready transition
  // time is the closest the object records.
  const lastReconciled = history[0]?.at ?? ready?.lastTransitionTime;
  const path = r.string(spec, 'spec.path');
  const destination = { namespace: r.string(spec, 'spec.targetNamespace') };
  const resources = readInventory(r, status);
  const extra = conditionsField(conditions);
  const problems = r.problems;
  return {
    sourceRef,
    withSource(source) {
      const sync = fluxSync({ sourceRef, source, applied, attempted, ready });
      // Object.assign, not a leading spread: `{ ...base, a, b }` took 60 us per app on Node 20 (issue 18).
      return Object.assign(fluxBase(cluster, 'Kustomization', 'app', id, name), {
        sync,
        health,
        suspended,
        revision,
        fullRevision: applied,
        message: messageOf(health, sync, ready),
        lastReconciled,
        sources: [{ ref: sourceRef, path, targetRevision: source.found ? source.revision : attempted }],
        destination,
        resources,
        resourceHealth: { kind: 'unavailable', reason: 'Flux records no per-object health in the inventory' },
        ...(ignore !== undefined ? { ignore } : {}),
        ...extra,
        ...(history.length > 0 ? { history } : {}),
        problems,
      } satisfies Partial<App>);
    },
  };
}

interface HelmSnapshot {
  readonly version: number;
  readonly status?: string;
  readonly chartName?: string;
  readonly chartVersion?: string;
  readonly ociDigest?: string;
  readonly lastDeployed?: string;
}

/** `status.history` of helm-controller v2beta2/v2, newest release first (api/v2 snapshot_types.go `SortByVersion`). */
function readHelmHistory(r: FieldReader, status: Rec | undefined): HelmSnapshot[] {
  return r
    .records(status, 'status.history')
    .map(([h, p]) => ({
      version: r.numberAt(h, p, 'version') ?? 0,
      status: r.stringAt(h, p, 'status'),
      chartName: r.stringAt(h, p, 'chartName'),
      chartVersion: r.stringAt(h, p, 'chartVersion'),
      ociDigest: r.stringAt(h, p, 'ociDigest'),
      lastDeployed: r.stringAt(h, p, 'lastDeployed'),
    }))
    .sort((a, b) => b.version - a.version);
}

/** The cause a HelmRelease's Ready does not repeat: a failed test or release after retries or a remediation. */
const HELM_CAUSES = ['TestSuccess', 'Released'] as const;

function withHelmCause(health: HealthState, conditions: readonly Condition[]): HealthState {
  if (health.status !== 'Degraded') return health;
  for (const type of HELM_CAUSES) {
    const c = findCondition(conditions, type);
    if (c?.status === 'False' && c.message && !health.message.includes(c.message)) {
      return { status: 'Degraded', message: `${health.message}; ${c.reason ? `${c.reason}: ` : ''}${c.message}` };
    }
  }
  return health;
}

/**
 * HelmRelease v2beta1, v2beta2 and v2. The desired chart comes from `spec.chartRef` (OCIRepository,
 * HelmChart or ExternalArtifact) or from `spec.chart.spec`, for which helm-controller creates a
 * HelmChart named `<namespace>-<name>` in the source's namespace and records it in `status.helmChart`
 * as `namespace/name`.
 *
 * Applied = the chart version of the newest `deployed` snapshot in `status.history` (v2beta2, v2),
 * compared by `ociDigest` when the chart came from an OCI artifact; else `status.lastAppliedRevision`
 * (v2beta1); else, when Ready=True, `status.lastAttemptedRevision`. The revision shown falls back to
 * `lastAttemptedRevision` as `flux get helmreleases` does (flux2 cmd/flux/get_helmrelease.go
 * `getHelmReleaseRevision`).
 */
export function mapFluxHelmRelease(cluster: string, obj: unknown, lookup: SourceLookup = NO_SOURCES): App {
  return joined(readFluxHelmRelease(cluster, obj), lookup);
}

export function readFluxHelmRelease(cluster: string, obj: unknown): FluxAppReading {
  const { r, id, spec, status, name, suspended, conditions, ready } = readFluxObject(obj);

  let sourceRef = readRef(r, spec, 'spec.chartRef', id.namespace);
  const chartSpec = r.record(r.record(spec, 'spec.chart'), 'spec.chart.spec');
  const chartName = r.string(chartSpec, 'spec.chart.spec.chart');
  const repoRef = readRef(r, chartSpec, 'spec.chart.spec.sourceRef', id.namespace);
  if (sourceRef === undefined && chartSpec !== undefined) {
    const recorded = r.string(status, 'status.helmChart');
    const slash = recorded?.indexOf('/') ?? -1;
    if (recorded !== undefined && slash > 0) {
      sourceRef = sourceRefKey('HelmChart', recorded.slice(0, slash), recorded.slice(slash + 1));
    } else if (repoRef !== undefined) {
      const repoNamespace = repoRef.split('/')[1] ?? id.namespace;
      sourceRef = sourceRefKey('HelmChart', repoNamespace, `${id.namespace}-${name}`);
    }
  }
  if (spec !== undefined && sourceRef === undefined) r.problems.push('neither spec.chartRef nor spec.chart.spec.sourceRef is set');

  const history = readHelmHistory(r, status);
  const deployed = history.find((h) => h.status === 'deployed');
  const attempted = r.string(status, 'status.lastAttemptedRevision');
  const attemptedDigest = r.string(status, 'status.lastAttemptedRevisionDigest');
  const readyNow = ready?.status === 'True' && (ready.observedGeneration === undefined || id.generation === undefined || ready.observedGeneration >= id.generation);
  const applied =
    deployed?.chartVersion ?? r.string(status, 'status.lastAppliedRevision') ?? (history.length === 0 && readyNow ? attempted : undefined);
  const appliedDigest = deployed !== undefined ? deployed.ociDigest : readyNow ? attemptedDigest : undefined;
  // With the artifact digest at hand, compare by it: a mutable tag re-pushed keeps the chart version.
  const appliedForSync = applied !== undefined && appliedDigest ? `${revisionParts(applied).ref ?? applied}@${appliedDigest}` : applied;
  const attemptedForSync = attempted !== undefined && attemptedDigest ? `${revisionParts(attempted).ref ?? attempted}@${attemptedDigest}` : attempted;
  const health = withHelmCause(fluxHealth(conditions, suspended, id.generation), conditions);
  const shown = applied ?? history[0]?.chartVersion ?? attempted;
  // Drift ignore rules apply whatever spec.driftDetection.mode is: they also shape what "drift" means here.
  const ignore = readIgnoreRules(r, r.record(spec, 'spec.driftDetection'), 'spec.driftDetection.ignore');
  const chart = chartName ?? deployed?.chartName ?? history[0]?.chartName;
  const chartVersion = r.string(chartSpec, 'spec.chart.spec.version');
  const entries: AppHistoryEntry[] = history.slice(0, HISTORY_LIMIT).map((h) => ({
    ...(h.chartVersion !== undefined ? { revision: h.chartVersion } : {}),
    ...(h.status !== undefined ? { status: h.status } : {}),
    ...(h.lastDeployed !== undefined ? { at: h.lastDeployed } : {}),
    ...(h.chartName !== undefined ? { detail: h.chartName } : {}),
  }));
  const lastReconciled = deployed?.lastDeployed ?? ready?.lastTransitionTime;
  const destination = { namespace: r.string(spec, 'spec.targetNamespace') ?? id.namespace };
  const resources = readInventory(r, status);
  const extra = conditionsField(conditions);
  const problems = r.problems;
  return {
    sourceRef,
    withSource(source) {
      const sync = fluxSync({ sourceRef, source, applied: appliedForSync, attempted: attemptedForSync, ready });
      const src: AppSource = { ref: sourceRef, chart, targetRevision: chartVersion ?? (source.found ? source.revision : attempted) };
      // Object.assign, not a leading spread: `{ ...base, a, b }` took 60 us per app on Node 20 (issue 18).
      return Object.assign(fluxBase(cluster, 'HelmRelease', 'app', id, name), {
        sync,
        health,
        suspended,
        revision: shown === undefined ? undefined : shortRevision(shown),
        fullRevision: applied ?? shown,
        message: messageOf(health, sync, ready),
        lastReconciled,
        sources: [src],
        destination,
        resources,
        resourceHealth: { kind: 'unavailable', reason: 'Flux records no per-object health for Helm releases' },
        ...(ignore !== undefined ? { ignore } : {}),
        ...extra,
        ...(entries.length > 0 ? { history: entries } : {}),
        problems,
      } satisfies Partial<App>);
    },
  };
}

/**
 * Source kinds: health from Ready, revision from `status.artifact.revision`. HelmRepository of type
 * `oci` is static since source-controller v1.1 (Flux 2.1: no artifact, no conditions), so it is
 * Healthy as is. A source whose controller found a newer revision (`ArtifactOutdated=True`) or whose
 * last fetch failed keeps serving its artifact: OutOfSync, with why.
 */
export function mapFluxSource(cluster: string, kind: GitOpsKindName, obj: unknown): App {
  const { r, id, spec, status, name, suspended, conditions, ready } = readFluxObject(obj);
  const artifact = r.record(status, 'status.artifact');
  const revision = r.string(artifact, 'status.artifact.revision');
  const staticOci = kind === 'HelmRepository' && r.string(spec, 'spec.type') === 'oci';
  const outdated = findCondition(conditions, 'ArtifactOutdated');

  const health =
    staticOci && conditions.length === 0
      ? ({ status: 'Healthy', message: 'OCI Helm repository (not reconciled)' } as const)
      : fluxHealth(conditions, suspended, id.generation);
  let sync: SyncState;
  if (staticOci && revision === undefined) sync = { status: 'Synced', reason: 'OCI Helm repositories have no artifact' };
  else if (revision !== undefined && outdated?.status === 'True') {
    sync = { status: 'OutOfSync', reason: `serving ${revision}; ${outdated.message || 'a newer revision is being fetched'}` };
  } else if (revision !== undefined && ready?.status === 'True') sync = { status: 'Synced' };
  else if (revision !== undefined && ready?.status === 'False') sync = { status: 'OutOfSync', reason: `serving ${revision}; the latest fetch did not succeed` };
  else if (revision !== undefined) sync = { status: 'OutOfSync', reason: `serving ${revision}; fetching again` };
  else sync = { status: 'Unknown', reason: 'no artifact yet' };

  const ref = r.record(spec, 'spec.ref');
  const targetRevision =
    r.string(ref, 'spec.ref.commit') ??
    r.string(ref, 'spec.ref.name') ??
    r.string(ref, 'spec.ref.tag') ??
    r.string(ref, 'spec.ref.semver') ??
    r.string(ref, 'spec.ref.branch') ??
    r.string(ref, 'spec.ref.digest') ??
    r.string(spec, 'spec.version') ??
    (kind === 'OCIRepository' && spec !== undefined ? 'latest' : undefined);
  return Object.assign(fluxBase(cluster, kind, 'source', id, name), {
    sync,
    health,
    suspended,
    revision: revision === undefined ? undefined : shortRevision(revision),
    fullRevision: revision,
    message: messageOf(health, sync, ready),
    lastReconciled: r.string(artifact, 'status.artifact.lastUpdateTime') ?? ready?.lastTransitionTime,
    sources: [
      {
        repoURL: r.string(spec, 'spec.url') ?? r.string(spec, 'spec.endpoint'),
        path: r.string(spec, 'spec.bucketName') ?? r.string(spec, 'spec.prefix'),
        chart: r.string(spec, 'spec.chart'),
        targetRevision,
        ref: kind === 'HelmChart' || kind === 'ExternalArtifact' ? readRef(r, spec, 'spec.sourceRef', id.namespace) : undefined,
      },
    ],
    resources: [],
    resourceHealth: { kind: 'inline' },
    ...conditionsField(conditions),
    problems: r.problems,
  } satisfies Partial<App>);
}

export function messageOf(health: App['health'], sync: SyncState, ready: { message: string } | undefined): string | undefined {
  if (health.status !== 'Healthy') return health.message;
  if (sync.status !== 'Synced') return sync.reason;
  return ready?.message || undefined;
}
