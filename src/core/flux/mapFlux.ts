/**
 * Flux objects → App. Field names follow the v1 APIs of kustomize-controller
 * (api/v1/kustomization_types.go), helm-controller v2 (api/v2/helmrelease_types.go) and
 * source-controller v1 (GitRepository, OCIRepository, HelmRepository, Bucket, HelmChart).
 * Sync needs the source's artifact, which lives in another object: the caller (AppStore) passes a
 * lookup, and re-maps dependents when a source changes.
 */
import {
  FieldReader,
  appKey,
  readConditions,
  readIdentity,
  shortRevision,
  type App,
  type AppIgnoreRules,
  type AppSource,
  type FluxIgnoreRule,
  type GitOpsKindName,
  type ManagedResource,
  type SyncState,
} from '../model/app';
import { parseFluxIgnoreEntry } from '../drift/ignore';
import { parseInventoryId } from './inventory';
import { NO_SOURCES, findCondition, fluxHealth, fluxSync, type SourceLookup } from './status';

type Rec = Record<string, unknown>;

/** `Kind/namespace/name`, the key AppStore joins sources on. */
export function sourceRefKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

function readInventory(r: FieldReader, status: Rec | undefined): ManagedResource[] {
  const inv = r.record(status, 'status.inventory');
  const out: ManagedResource[] = [];
  r.records(inv, 'status.inventory.entries').forEach(([e, p]) => {
    const id = r.string(e, `${p}.id`);
    if (id === undefined) {
      r.problems.push(`${p}.id is missing`);
      return;
    }
    const parsed = parseInventoryId(id, r.string(e, `${p}.v`));
    if (!parsed.ok) {
      r.problems.push(parsed.error);
      return;
    }
    // Flux records no per-object sync or health in the inventory; those stay undefined.
    out.push({ ...parsed.ref, requiresPruning: false, hook: false });
  });
  return out;
}

function readRef(r: FieldReader, parent: Rec | undefined, path: string, defaultNamespace: string, defaultKind?: string): string | undefined {
  const ref = r.record(parent, path);
  if (ref === undefined) return undefined;
  const kind = r.string(ref, `${path}.kind`) ?? defaultKind;
  const name = r.string(ref, `${path}.name`);
  if (kind === undefined || name === undefined) {
    r.problems.push(`${path} needs kind and name`);
    return undefined;
  }
  return sourceRefKey(kind, r.string(ref, `${path}.namespace`) ?? defaultNamespace, name);
}

const TARGET_FIELDS = ['group', 'version', 'kind', 'name', 'namespace', 'labelSelector', 'annotationSelector'] as const;

/**
 * Flux drift ignore rules (`paths` + optional `target` selector): HelmRelease
 * `spec.driftDetection.ignore`, Kustomization `spec.ignore`. Paths or selectors the drift engine cannot
 * apply are reported as problems of the app.
 */
function readIgnoreRules(r: FieldReader, parent: Rec | undefined, where: string): AppIgnoreRules | undefined {
  const entries: FluxIgnoreRule[] = r.records(parent, where).map(([e, p]) => {
    const paths = r.strings(e, `${p}.paths`);
    const t = r.record(e, `${p}.target`);
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

function base(cluster: string, kind: GitOpsKindName, role: App['role'], namespace: string, name: string) {
  return { key: appKey(cluster, 'flux', kind, namespace, name), cluster, tool: 'flux' as const, kind, role, namespace, name };
}

/** What every Flux object shares: identity, spec, status, `spec.suspend` and the conditions with Ready. */
function readFluxObject(obj: unknown) {
  const r = new FieldReader();
  const { root, id } = readIdentity(r, obj);
  const spec = r.record(root, 'spec');
  const status = r.record(root, 'status');
  // Read in this order so problems are listed as before: spec.suspend, then the conditions.
  const suspended = r.boolean(spec, 'spec.suspend') ?? false;
  const conditions = readConditions(r, status);
  return {
    r,
    id,
    spec,
    status,
    name: id.name ?? '(unnamed)',
    suspended,
    conditions,
    ready: findCondition(conditions, 'Ready'),
  };
}

export function mapFluxKustomization(cluster: string, obj: unknown, lookup: SourceLookup = NO_SOURCES): App {
  const { r, id, spec, status, name, suspended, conditions, ready } = readFluxObject(obj);
  const sourceRef = readRef(r, spec, 'spec.sourceRef', id.namespace);
  if (spec !== undefined && sourceRef === undefined) r.problems.push('spec.sourceRef is missing');
  const applied = r.string(status, 'status.lastAppliedRevision');
  const attempted = r.string(status, 'status.lastAttemptedRevision');
  const source = sourceRef === undefined ? ({ found: false } as const) : lookup(sourceRef);
  const health = fluxHealth(conditions, suspended, id.generation);
  const sync = fluxSync({ sourceRef, source, applied, attempted, ready });
  // kustomize-controller's merged field is spec.ignore; spec.driftIgnoreRules is the name its draft
  // (fluxcd/kustomize-controller#1627) used, still read so early adopters' rules are not dropped.
  const ignore = readIgnoreRules(r, spec, 'spec.ignore') ?? readIgnoreRules(r, spec, 'spec.driftIgnoreRules');
  return {
    ...base(cluster, 'Kustomization', 'app', id.namespace, name),
    sync,
    health,
    suspended,
    revision: applied === undefined ? undefined : shortRevision(applied),
    fullRevision: applied,
    message: messageOf(health, sync, ready),
    // Flux has no "reconciled at" field; the Ready transition time is the closest the object records.
    lastReconciled: ready?.lastTransitionTime,
    sources: [
      {
        ref: sourceRef,
        path: r.string(spec, 'spec.path'),
        targetRevision: source.found ? source.revision : attempted,
      },
    ],
    destination: { namespace: r.string(spec, 'spec.targetNamespace') },
    resources: readInventory(r, status),
    resourceHealth: { kind: 'unavailable', reason: 'Flux records no per-object health in the inventory' },
    ...(ignore !== undefined ? { ignore } : {}),
    problems: r.problems,
  };
}

/**
 * HelmRelease v2. The desired chart comes from `spec.chartRef` (OCIRepository or HelmChart) or from
 * `spec.chart.spec`, for which helm-controller creates a HelmChart named `<namespace>-<name>` in the
 * source's namespace and records it in `status.helmChart` as `namespace/name`. The applied revision is
 * the chart version of the newest `status.history` snapshot with status `deployed`.
 */
export function mapFluxHelmRelease(cluster: string, obj: unknown, lookup: SourceLookup = NO_SOURCES): App {
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

  const history = r.records(status, 'status.history');
  // Snapshots are newest first; the newest `deployed` one is what runs in the cluster.
  const [deployed, dp] = history.find(([h, p]) => r.string(h, `${p}.status`) === 'deployed') ?? [undefined, ''];
  const applied = (deployed && r.string(deployed, `${dp}.chartVersion`)) ?? r.string(status, 'status.lastAppliedRevision');
  const attempted = r.string(status, 'status.lastAttemptedRevision');
  const source = sourceRef === undefined ? ({ found: false } as const) : lookup(sourceRef);
  const health = fluxHealth(conditions, suspended, id.generation);
  const sync = fluxSync({ sourceRef, source, applied, attempted, ready });
  const deployedChart = deployed && r.string(deployed, `${dp}.chartName`);
  // Drift ignore rules apply whatever spec.driftDetection.mode is: they also shape what "drift" means here.
  const ignore = readIgnoreRules(r, r.record(spec, 'spec.driftDetection'), 'spec.driftDetection.ignore');

  const src: AppSource = {
    ref: sourceRef,
    chart: chartName ?? deployedChart,
    targetRevision: r.string(chartSpec, 'spec.chart.spec.version') ?? (source.found ? source.revision : attempted),
  };
  return {
    ...base(cluster, 'HelmRelease', 'app', id.namespace, name),
    sync,
    health,
    suspended,
    revision: applied === undefined ? undefined : shortRevision(applied),
    fullRevision: applied,
    message: messageOf(health, sync, ready),
    lastReconciled: (deployed && r.string(deployed, `${dp}.lastDeployed`)) ?? ready?.lastTransitionTime,
    sources: [src],
    destination: { namespace: r.string(spec, 'spec.targetNamespace') ?? id.namespace },
    resources: readInventory(r, status),
    resourceHealth: { kind: 'unavailable', reason: 'Flux records no per-object health for Helm releases' },
    ...(ignore !== undefined ? { ignore } : {}),
    problems: r.problems,
  };
}

/**
 * Source kinds: health from Ready, revision from `status.artifact.revision`. HelmRepository of type
 * `oci` is static since source-controller v1 (no artifact, no conditions), so it is Healthy as is.
 */
export function mapFluxSource(cluster: string, kind: GitOpsKindName, obj: unknown): App {
  const { r, id, spec, status, name, suspended, conditions, ready } = readFluxObject(obj);
  const artifact = r.record(status, 'status.artifact');
  const revision = r.string(artifact, 'status.artifact.revision');
  const staticOci = kind === 'HelmRepository' && r.string(spec, 'spec.type') === 'oci';

  const health = staticOci && conditions.length === 0 ? ({ status: 'Healthy', message: 'OCI Helm repository (not reconciled)' } as const) : fluxHealth(conditions, suspended, id.generation);
  let sync: SyncState;
  if (staticOci) sync = { status: 'Synced', reason: 'OCI Helm repositories have no artifact' };
  else if (revision !== undefined && ready?.status === 'True') sync = { status: 'Synced' };
  else if (revision !== undefined) sync = { status: 'OutOfSync', reason: `serving ${revision}; the latest fetch did not succeed` };
  else sync = { status: 'Unknown', reason: 'no artifact yet' };

  const ref = r.record(spec, 'spec.ref');
  const targetRevision =
    r.string(ref, 'spec.ref.commit') ??
    r.string(ref, 'spec.ref.name') ??
    r.string(ref, 'spec.ref.tag') ??
    r.string(ref, 'spec.ref.semver') ??
    r.string(ref, 'spec.ref.branch') ??
    r.string(ref, 'spec.ref.digest') ??
    r.string(spec, 'spec.version');
  return {
    ...base(cluster, kind, 'source', id.namespace, name),
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
        path: r.string(spec, 'spec.bucketName'),
        chart: r.string(spec, 'spec.chart'),
        targetRevision,
        ref: kind === 'HelmChart' ? readRef(r, spec, 'spec.sourceRef', id.namespace) : undefined,
      },
    ],
    resources: [],
    resourceHealth: { kind: 'inline' },
    problems: r.problems,
  };
}

function messageOf(health: App['health'], sync: SyncState, ready: { message: string } | undefined): string | undefined {
  if (health.status !== 'Healthy') return health.message;
  if (sync.status !== 'Synced') return sync.reason;
  return ready?.message || undefined;
}
