/**
 * Argo CD Application / ApplicationSet / AppProject → App. Field names follow the CRD of
 * `argoproj.io/v1alpha1` (pkg/apis/application/v1alpha1/types.go in argoproj/argo-cd): `status.sync`,
 * `status.health`, `status.operationState`, `status.conditions`, `status.resources`,
 * `status.reconciledAt`, `status.resourceHealthSource`.
 */
import {
  FieldReader,
  HEALTH_STATUSES,
  appKey,
  readConditions,
  readIdentity,
  shortRevision,
  type App,
  type AppDestination,
  type AppIgnoreRules,
  type ArgoIgnoreDifference,
  type AppOperation,
  type AppSource,
  type HealthState,
  type HealthStatus,
  type ManagedResource,
  type ResourceHealthAvailability,
  type SyncState,
  type SyncStatus,
} from '../model/app';
import { parseArgoIgnoreEntry } from '../drift/ignore';

type Rec = Record<string, unknown>;

/**
 * Condition types Argo CD treats as errors (`ApplicationConditionType`s ending in "Error", e.g.
 * ComparisonError, InvalidSpecError, SyncError, UnknownError). Warnings (OrphanedResourceWarning,
 * SharedResourceWarning, RepeatedResourceWarning, ExcludedResourceWarning) only feed the message when
 * nothing worse is there.
 */
function isErrorCondition(type: string): boolean {
  return type.endsWith('Error');
}

function parseSync(raw: string | undefined): SyncStatus | undefined {
  return raw === 'Synced' || raw === 'OutOfSync' || raw === 'Unknown' ? raw : undefined;
}

function parseHealth(raw: string | undefined): HealthStatus | undefined {
  return HEALTH_STATUSES.find((h) => h === raw);
}

function readSource(r: FieldReader, s: Rec, path: string): AppSource {
  return {
    repoURL: r.string(s, `${path}.repoURL`),
    path: r.string(s, `${path}.path`),
    targetRevision: r.string(s, `${path}.targetRevision`),
    chart: r.string(s, `${path}.chart`),
  };
}

function readDestination(r: FieldReader, spec: Rec | undefined): AppDestination | undefined {
  const d = r.record(spec, 'spec.destination');
  if (d === undefined) return undefined;
  return {
    server: r.string(d, 'spec.destination.server'),
    name: r.string(d, 'spec.destination.name'),
    namespace: r.string(d, 'spec.destination.namespace'),
  };
}

/**
 * `spec.ignoreDifferences` (Argo CD user-guide/diffing: group, kind, name, namespace, jsonPointers,
 * jqPathExpressions, managedFieldsManagers). Kind is required by the CRD; an entry without one is
 * dropped. Expressions the drift engine cannot apply are reported as problems of the app.
 */
function readIgnoreDifferences(r: FieldReader, spec: Rec | undefined): AppIgnoreRules | undefined {
  const entries: ArgoIgnoreDifference[] = [];
  for (const [e, p] of r.records(spec, 'spec.ignoreDifferences')) {
    const kind = r.string(e, `${p}.kind`);
    if (kind === undefined) {
      r.problems.push(`${p}.kind is missing`);
      continue;
    }
    const group = r.string(e, `${p}.group`);
    const name = r.string(e, `${p}.name`);
    const namespace = r.string(e, `${p}.namespace`);
    const entry: ArgoIgnoreDifference = {
      ...(group !== undefined ? { group } : {}),
      kind,
      ...(name !== undefined ? { name } : {}),
      ...(namespace !== undefined ? { namespace } : {}),
      jsonPointers: r.strings(e, `${p}.jsonPointers`),
      jqPathExpressions: r.strings(e, `${p}.jqPathExpressions`),
      managedFieldsManagers: r.strings(e, `${p}.managedFieldsManagers`),
    };
    // Checked here, under the entry's own path, so the message points at what the user wrote.
    r.problems.push(...parseArgoIgnoreEntry(entry, p).problems);
    entries.push(entry);
  }
  return entries.length === 0 ? undefined : { tool: 'argocd', where: 'spec.ignoreDifferences', entries };
}

const PHASES: readonly AppOperation['phase'][] = ['Running', 'Succeeded', 'Failed', 'Error', 'Terminating'];

function readOperation(r: FieldReader, status: Rec | undefined): AppOperation | undefined {
  const op = r.record(status, 'status.operationState');
  if (op === undefined) return undefined;
  const raw = r.string(op, 'status.operationState.phase');
  const phase = PHASES.find((p) => p === raw) ?? 'Unknown';
  if (phase === 'Unknown') r.problems.push(`status.operationState.phase is ${raw === undefined ? 'missing' : `"${raw}"`}`);
  return {
    phase,
    message: r.string(op, 'status.operationState.message') ?? '',
    startedAt: r.string(op, 'status.operationState.startedAt'),
    finishedAt: r.string(op, 'status.operationState.finishedAt'),
  };
}

function readResources(r: FieldReader, status: Rec | undefined): ManagedResource[] {
  return r.records(status, 'status.resources').map(([res, p]) => {
    const health = r.record(res, `${p}.health`);
    const rawHealth = r.string(health, `${p}.health.status`);
    return {
      group: r.string(res, `${p}.group`) ?? '',
      version: r.string(res, `${p}.version`),
      kind: r.string(res, `${p}.kind`) ?? '',
      namespace: r.string(res, `${p}.namespace`) ?? '',
      name: r.string(res, `${p}.name`) ?? '',
      sync: parseSync(r.string(res, `${p}.status`)),
      health: rawHealth === undefined ? undefined : (parseHealth(rawHealth) ?? 'Unknown'),
      healthMessage: r.string(health, `${p}.health.message`),
      requiresPruning: r.boolean(res, `${p}.requiresPruning`) ?? false,
      hook: r.boolean(res, `${p}.hook`) ?? false,
    };
  });
}

/**
 * Argo CD 3.0 defaults `controller.resource.health.persist` to false and writes
 * `status.resourceHealthSource: appTree`: per-resource health then lives only in the resource tree.
 * Unset means "inline" (types.go: "inline if not set or appTree").
 */
function resourceHealthOf(r: FieldReader, status: Rec | undefined): ResourceHealthAvailability {
  const source = r.string(status, 'status.resourceHealthSource');
  if (source === 'appTree') {
    return { kind: 'unavailable', reason: 'Argo CD 3.x keeps per-resource health in the resource tree, not in the Application' };
  }
  return { kind: 'inline' };
}

export function mapArgoApplication(cluster: string, obj: unknown): App {
  const r = new FieldReader();
  const { root, id } = readIdentity(r, obj);
  const spec = r.record(root, 'spec');
  const status = r.record(root, 'status');
  const namespace = id.namespace;
  const name = id.name ?? '(unnamed)';

  const sources: AppSource[] = [];
  const single = r.record(spec, 'spec.source');
  if (single) sources.push(readSource(r, single, 'spec.source'));
  r.records(spec, 'spec.sources').forEach(([s, p]) => sources.push(readSource(r, s, p)));

  const syncRec = r.record(status, 'status.sync');
  const rawSync = r.string(syncRec, 'status.sync.status');
  const healthRec = r.record(status, 'status.health');
  const rawHealth = r.string(healthRec, 'status.health.status');
  const healthMessage = r.string(healthRec, 'status.health.message');
  const conditions = r.records(status, 'status.conditions').map(([c, p]) => ({
    type: r.string(c, `${p}.type`) ?? '',
    message: r.string(c, `${p}.message`) ?? '',
  }));
  const errors = conditions.filter((c) => isErrorCondition(c.type));
  const operation = readOperation(r, status);
  const resources = readResources(r, status);
  const ignore = readIgnoreDifferences(r, spec);

  // Multi-source apps record one revision per source in `revisions`; the first is the primary.
  const fullRevision = r.string(syncRec, 'status.sync.revision') ?? r.strings(syncRec, 'status.sync.revisions')[0];
  // Shown as `<ref>@<short sha>`, the form Flux writes: Argo CD's UI and CLI say "Synced to <targetRevision>
  // (<sha>)" (HEAD when unset), so both tools' users read the same two parts in the same order. A chart
  // version or a pinned commit is shown alone.
  const primary = sources[0];
  const ref = primary?.chart === undefined ? primary?.targetRevision?.trim() || 'HEAD' : undefined;
  const shownRevision = ref !== undefined && fullRevision !== undefined && /^[0-9a-f]{40}$/i.test(fullRevision) && !/^[0-9a-f]{7,40}$/i.test(ref) ? `${ref}@${fullRevision}` : fullRevision;

  let sync: SyncState;
  const syncStatus = parseSync(rawSync);
  if (status === undefined) sync = { status: 'Unknown', reason: 'no status yet: the application controller has not reconciled it' };
  else if (syncStatus === undefined) sync = { status: 'Unknown', reason: rawSync === undefined ? 'status.sync.status is missing' : `status.sync.status "${rawSync}" is not a known sync status` };
  else if (syncStatus === 'Synced') sync = { status: 'Synced' };
  else if (syncStatus === 'OutOfSync') sync = { status: 'OutOfSync', reason: outOfSyncReason(resources) };
  else sync = { status: 'Unknown', reason: errors[0] ? `${errors[0].type}: ${errors[0].message}` : 'Argo CD reports sync status Unknown' };

  let health: HealthState;
  const healthStatus = parseHealth(rawHealth);
  if (status === undefined) health = { status: 'Unknown', message: 'no status yet: the application controller has not reconciled it' };
  else if (healthStatus === undefined) health = { status: 'Unknown', message: rawHealth === undefined ? 'status.health.status is missing' : `status.health.status "${rawHealth}" is not a known health status` };
  else if (healthStatus === 'Healthy') health = healthMessage ? { status: 'Healthy', message: healthMessage } : { status: 'Healthy' };
  else health = { status: healthStatus, message: healthMessage ?? defaultHealthMessage(healthStatus) };

  // The one line the view shows: an error condition beats a failed operation beats the health text.
  const failedOp = operation && (operation.phase === 'Failed' || operation.phase === 'Error') ? operation : undefined;
  const message =
    (errors[0] && `${errors[0].type}: ${errors[0].message}`) ??
    (failedOp && `Sync ${failedOp.phase.toLowerCase()}: ${failedOp.message}`) ??
    (health.status !== 'Healthy' ? health.message : undefined) ??
    conditions[0]?.message;

  return {
    key: appKey(cluster, 'argocd', 'Application', namespace, name),
    cluster,
    tool: 'argocd',
    kind: 'Application',
    role: 'app',
    namespace,
    name,
    project: r.string(spec, 'spec.project') ?? 'default',
    sync,
    health,
    suspended: false,
    revision: shownRevision === undefined ? undefined : shortRevision(shownRevision),
    fullRevision,
    message: message || undefined,
    lastReconciled: r.string(status, 'status.reconciledAt'),
    sources,
    destination: readDestination(r, spec),
    operation,
    resources,
    resourceHealth: resourceHealthOf(r, status),
    ...(ignore !== undefined ? { ignore } : {}),
    problems: r.problems,
  };
}

function outOfSyncReason(resources: readonly ManagedResource[]): string {
  const drifted = resources.filter((x) => x.sync === 'OutOfSync');
  if (drifted.length === 0) return 'live state differs from the desired state';
  const first = drifted[0]!;
  const more = drifted.length > 1 ? ` and ${drifted.length - 1} more` : '';
  return `${first.kind}/${first.name}${more} out of sync`;
}

function defaultHealthMessage(h: Exclude<HealthStatus, 'Healthy'>): string {
  switch (h) {
    case 'Progressing':
      return 'resources are progressing';
    case 'Degraded':
      return 'a resource is degraded';
    case 'Suspended':
      return 'a resource is suspended';
    case 'Missing':
      return 'resources are missing from the cluster';
    case 'Unknown':
      return 'Argo CD reports health Unknown';
  }
}

/**
 * ApplicationSet: `status.conditions` are metav1-style (ErrorOccurred, ParametersGenerated,
 * ResourcesUpToDate, RolloutProgressing; applicationset/status in argo-cd). It has no sync of its own;
 * "Synced" here means the generated Applications are up to date.
 */
export function mapArgoApplicationSet(cluster: string, obj: unknown): App {
  const r = new FieldReader();
  const { root, id } = readIdentity(r, obj);
  const status = r.record(root, 'status');
  const conditions = readConditions(r, status);
  const cond = (t: string) => conditions.find((c) => c.type === t);
  const error = cond('ErrorOccurred');
  const upToDate = cond('ResourcesUpToDate');
  const rolling = cond('RolloutProgressing');
  const name = id.name ?? '(unnamed)';

  let health: HealthState;
  if (error?.status === 'True') health = { status: 'Degraded', message: error.message || error.reason };
  else if (rolling?.status === 'True') health = { status: 'Progressing', message: rolling.message || 'rollout in progress' };
  else if (upToDate?.status === 'True') health = { status: 'Healthy' };
  else if (conditions.length === 0) health = { status: 'Unknown', message: 'no conditions yet' };
  else health = { status: 'Progressing', message: upToDate?.message || 'generating applications' };

  const sync: SyncState =
    upToDate?.status === 'True'
      ? { status: 'Synced' }
      : upToDate?.status === 'False'
        ? { status: 'OutOfSync', reason: upToDate.message || upToDate.reason }
        : { status: 'Unknown', reason: 'no ResourcesUpToDate condition' };

  return {
    key: appKey(cluster, 'argocd', 'ApplicationSet', id.namespace, name),
    cluster,
    tool: 'argocd',
    kind: 'ApplicationSet',
    role: 'generator',
    namespace: id.namespace,
    name,
    sync,
    health,
    suspended: false,
    message: health.status === 'Healthy' ? undefined : health.message,
    sources: [],
    resources: r.records(status, 'status.resources').map(([res, p]) => ({
      group: 'argoproj.io',
      version: 'v1alpha1',
      kind: 'Application',
      namespace: id.namespace,
      name: r.string(res, `${p}.name`) ?? '',
      health: parseHealth(r.string(r.record(res, `${p}.health`), `${p}.health.status`)),
      requiresPruning: false,
      hook: false,
    })),
    resourceHealth: { kind: 'inline' },
    problems: r.problems,
  };
}

/** AppProject has no status worth a state; it is listed so the tree can group by project. */
export function mapArgoAppProject(cluster: string, obj: unknown): App {
  const r = new FieldReader();
  const { root, id } = readIdentity(r, obj);
  const spec = r.record(root, 'spec');
  const name = id.name ?? '(unnamed)';
  return {
    key: appKey(cluster, 'argocd', 'AppProject', id.namespace, name),
    cluster,
    tool: 'argocd',
    kind: 'AppProject',
    role: 'project',
    namespace: id.namespace,
    name,
    sync: { status: 'Unknown', reason: 'an AppProject has no sync state' },
    health: { status: 'Healthy', message: r.string(spec, 'spec.description') ?? '' },
    suspended: false,
    sources: r.strings(spec, 'spec.sourceRepos').map((repoURL) => ({ repoURL })),
    resources: [],
    resourceHealth: { kind: 'inline' },
    problems: r.problems,
  };
}
