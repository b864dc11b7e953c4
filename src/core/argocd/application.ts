/**
 * Argo CD Application / ApplicationSet / AppProject → App. Field names follow the CRD of
 * `argoproj.io/v1alpha1` (pkg/apis/application/v1alpha1/types.go in argoproj/argo-cd): `status.sync`,
 * `status.health`, `status.operationState`, `status.conditions`, `status.resources`,
 * `status.reconciledAt`, `status.resourceHealthSource`.
 */
import {
  FieldReader,
  HEALTH_STATUSES,
  HISTORY_LIMIT,
  appKey,
  readConditions,
  readIdentity,
  readStringMap,
  shortRevision,
  withRef,
  type App,
  type AppCondition,
  type AppDestination,
  type AppHistoryEntry,
  type AppIgnoreRules,
  type ArgoIgnoreDifference,
  type AppOperation,
  type AppSource,
  type HealthState,
  type HealthStatus,
  type HydratorState,
  type ManagedResource,
  type ObjectIdentity,
  type ResourceHealthAvailability,
  type RolloutStep,
  type SyncState,
  type SyncStatus,
} from '../model/app';
import { applicationSet as applicationSetHealth } from './health/argo';
import { parseArgoIgnoreEntry } from '../drift/ignore';
import { applicationCompareOptions } from '../drift/objectOptions';

type Rec = Record<string, unknown>;

/**
 * Argo CD serves its kinds at v1alpha1 only, in every release. Set as a constant, not read from the
 * object: argocd-server's API answers list items without `apiVersion`, and an app seen through the API
 * must map as the same object seen through the cluster (core/argocd/api/merge.ts).
 */
const ARGO_API_VERSION = 'argoproj.io/v1alpha1';

function argoIdentity(id: ObjectIdentity): Pick<App, 'apiVersion' | 'deletingSince'> {
  // No leading spread: `{ ...x, a }` is a slow path of V8 (issue 18).
  return id.deletionTimestamp !== undefined ? { apiVersion: ARGO_API_VERSION, deletingSince: id.deletionTimestamp } : { apiVersion: ARGO_API_VERSION };
}

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

function readSource(r: FieldReader, s: Rec, path: string, revision: string | undefined): AppSource {
  const name = r.stringAt(s, path, 'name');
  const valuesRef = r.stringAt(s, path, 'ref');
  return {
    repoURL: r.stringAt(s, path, 'repoURL'),
    path: r.stringAt(s, path, 'path'),
    targetRevision: r.stringAt(s, path, 'targetRevision'),
    chart: r.stringAt(s, path, 'chart'),
    ...(name !== undefined ? { name } : {}),
    ...(valuesRef !== undefined ? { valuesRef } : {}),
    ...(revision !== undefined ? { revision } : {}),
  };
}

/**
 * `spec.sourceHydrator` (Argo CD 2.14+; types.go `SourceHydrator`, `GetDrySource`, `GetSyncSource`):
 * the dry source people edit, and the hydrated one Argo CD syncs from (its repoURL defaults to the dry
 * one; its revision is the sync target branch). The hydrated source is compared at `status.sync.revision`.
 */
function readHydrator(r: FieldReader, spec: Rec | undefined, status: Rec | undefined, syncRevision: string | undefined) {
  const h = r.record(spec, 'spec.sourceHydrator');
  if (h === undefined) return undefined;
  const dry = r.record(h, 'spec.sourceHydrator.drySource');
  const sync = r.record(h, 'spec.sourceHydrator.syncSource');
  const dryRepo = r.string(dry, 'spec.sourceHydrator.drySource.repoURL');
  const hydrateToBranch = r.string(r.record(h, 'spec.sourceHydrator.hydrateTo'), 'spec.sourceHydrator.hydrateTo.targetBranch');
  const st = r.record(status, 'status.sourceHydrator');
  const current = r.record(st, 'status.sourceHydrator.currentOperation');
  const lastGood = r.record(st, 'status.sourceHydrator.lastSuccessfulOperation');
  const drySha = r.string(current, 'status.sourceHydrator.currentOperation.drySHA') ?? r.string(lastGood, 'status.sourceHydrator.lastSuccessfulOperation.drySHA');
  const hydratedSha =
    r.string(current, 'status.sourceHydrator.currentOperation.hydratedSHA') ?? r.string(lastGood, 'status.sourceHydrator.lastSuccessfulOperation.hydratedSHA');
  const phase = r.string(current, 'status.sourceHydrator.currentOperation.phase');
  const message = r.string(current, 'status.sourceHydrator.currentOperation.message');
  const startedAt = r.string(current, 'status.sourceHydrator.currentOperation.startedAt');
  const finishedAt = r.string(current, 'status.sourceHydrator.currentOperation.finishedAt');
  const sources: AppSource[] = [
    {
      role: 'dry',
      repoURL: dryRepo,
      path: r.string(dry, 'spec.sourceHydrator.drySource.path'),
      targetRevision: r.string(dry, 'spec.sourceHydrator.drySource.targetRevision'),
      ...(drySha !== undefined ? { revision: drySha } : {}),
    },
    {
      role: 'hydrated',
      repoURL: r.string(sync, 'spec.sourceHydrator.syncSource.repoURL') || dryRepo,
      path: r.string(sync, 'spec.sourceHydrator.syncSource.path'),
      targetRevision: r.string(sync, 'spec.sourceHydrator.syncSource.targetBranch'),
      ...(syncRevision !== undefined ? { revision: syncRevision } : {}),
    },
  ];
  const state: HydratorState = {
    ...(phase ? { phase } : {}),
    ...(message ? { message } : {}),
    ...(drySha ? { drySha } : {}),
    ...(hydratedSha ? { hydratedSha } : {}),
    ...(hydrateToBranch ? { hydrateToBranch } : {}),
    ...(startedAt ? { startedAt } : {}),
    ...(finishedAt ? { finishedAt } : {}),
  };
  return { sources, state };
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
    const kind = r.stringAt(e, p, 'kind');
    if (kind === undefined) {
      r.problems.push(`${p}.kind is missing`);
      continue;
    }
    const group = r.stringAt(e, p, 'group');
    const name = r.stringAt(e, p, 'name');
    const namespace = r.stringAt(e, p, 'namespace');
    const entry: ArgoIgnoreDifference = {
      ...(group !== undefined ? { group } : {}),
      kind,
      ...(name !== undefined ? { name } : {}),
      ...(namespace !== undefined ? { namespace } : {}),
      jsonPointers: r.stringsAt(e, p, 'jsonPointers'),
      jqPathExpressions: r.stringsAt(e, p, 'jqPathExpressions'),
      managedFieldsManagers: r.stringsAt(e, p, 'managedFieldsManagers'),
    };
    // Checked here, under the entry's own path, so the message points at what the user wrote.
    r.problems.push(...parseArgoIgnoreEntry(entry, p).problems);
    entries.push(entry);
  }
  return entries.length === 0 ? undefined : { tool: 'argocd', where: 'spec.ignoreDifferences', entries };
}

const PHASES: readonly AppOperation['phase'][] = ['Running', 'Succeeded', 'Failed', 'Error', 'Terminating'];

/** What Argo CD's UI calls a sync in each phase (ui/src/app/applications/components/utils.tsx `getOperationStateTitle`). */
const SYNC_TITLE: Record<AppOperation['phase'], string> = {
  Running: 'Syncing',
  Succeeded: 'Sync OK',
  Failed: 'Sync failed',
  Error: 'Sync error',
  Terminating: 'Terminated',
  Unknown: 'Unknown',
};

/** `operation.initiatedBy` / `operationState.operation.initiatedBy` (types.go `OperationInitiator`). */
function initiator(r: FieldReader, op: Rec | undefined, path: string): string | undefined {
  const by = r.recordAt(op, path, 'initiatedBy');
  if (by === undefined) return undefined;
  if (r.booleanAt(by, `${path}.initiatedBy`, 'automated') === true) return 'automated';
  return r.stringAt(by, `${path}.initiatedBy`, 'username') || undefined;
}

function syncRevisions(r: FieldReader, sync: Rec | undefined, path: string): string[] {
  const many = r.stringsAt(sync, path, 'revisions');
  if (many.length > 0) return many;
  const one = r.stringAt(sync, path, 'revision');
  return one ? [one] : [];
}

/**
 * The operation the view shows, as Argo CD's UI derives it (utils.tsx `getAppOperationState`): a
 * requested `operation` is a sync in progress ("waiting to start" until the controller reports on
 * it), else a `deletionTimestamp` is a deletion, else `status.operationState` as recorded.
 */
function readOperation(r: FieldReader, root: Rec | undefined, status: Rec | undefined, id: ObjectIdentity): AppOperation | undefined {
  const requested = r.record(root, 'operation');
  const state = r.record(status, 'status.operationState');
  const stateMessage = r.string(state, 'status.operationState.message');
  if (requested !== undefined) {
    const by = initiator(r, requested, 'operation');
    const revisions = syncRevisions(r, r.record(requested, 'operation.sync'), 'operation.sync');
    return {
      phase: 'Running',
      title: 'Syncing',
      type: 'sync',
      pending: true,
      message: stateMessage || 'waiting to start',
      ...(by !== undefined ? { initiatedBy: by } : {}),
      ...(revisions.length > 0 ? { revisions } : {}),
      startedAt: r.string(state, 'status.operationState.startedAt'),
    };
  }
  if (id.deletionTimestamp !== undefined) {
    return { phase: 'Running', title: 'Deleting', type: 'delete', message: 'deleting the application', startedAt: id.deletionTimestamp };
  }
  if (state === undefined) return undefined;
  const raw = r.string(state, 'status.operationState.phase');
  const phase = PHASES.find((p) => p === raw) ?? 'Unknown';
  if (phase === 'Unknown') r.problems.push(`status.operationState.phase is ${raw === undefined ? 'missing' : `"${raw}"`}`);
  const by = initiator(r, r.record(state, 'status.operationState.operation'), 'status.operationState.operation');
  const result = r.record(state, 'status.operationState.syncResult');
  const revisions = syncRevisions(r, result, 'status.operationState.syncResult');
  const retryCount = r.number(state, 'status.operationState.retryCount');
  return {
    phase,
    title: SYNC_TITLE[phase],
    type: 'sync',
    message: stateMessage ?? '',
    startedAt: r.string(state, 'status.operationState.startedAt'),
    finishedAt: r.string(state, 'status.operationState.finishedAt'),
    ...(by !== undefined ? { initiatedBy: by } : {}),
    ...(revisions.length > 0 ? { revisions } : {}),
    ...(retryCount !== undefined && retryCount > 0 ? { retryCount } : {}),
  };
}

/** `status.history`, oldest first in the object (types.go `RevisionHistories`); newest first here. */
function readArgoHistory(r: FieldReader, status: Rec | undefined): AppHistoryEntry[] {
  const all = r.records(status, 'status.history');
  return all
    .slice(-HISTORY_LIMIT)
    .reverse()
    .map(([h, p]) => {
      const revisions = r.stringsAt(h, p, 'revisions');
      const revision = r.stringAt(h, p, 'revision') || revisions.join(', ') || undefined;
      const at = r.stringAt(h, p, 'deployedAt');
      const by = initiator(r, h, p);
      return {
        ...(revision !== undefined ? { revision } : {}),
        status: 'synced',
        ...(at !== undefined ? { at } : {}),
        ...(by !== undefined ? { detail: by } : {}),
      };
    });
}

/** `argocd.argoproj.io/tracking-id` (annotation tracking) and `app.kubernetes.io/instance` (label tracking). */
const TRACKING_ANNOTATION = 'argocd.argoproj.io/tracking-id';
const INSTANCE_LABEL = 'app.kubernetes.io/instance';

/**
 * The Application an object was deployed by, from its tracking annotation
 * (`<app>:<group>/<kind>:<namespace>/<name>`, argo-cd util/argo/resource_tracking.go
 * `ParseAppInstanceValue`), else its instance label. An app outside Argo CD's own namespace is named
 * `<namespace>_<name>` there (util/argo/argo.go `AppInstanceName`): returned as `namespace/name`.
 */
export function trackedByOf(annotations: Readonly<Record<string, string>> | undefined, labels: Readonly<Record<string, string>> | undefined): string | undefined {
  const tracking = annotations?.[TRACKING_ANNOTATION];
  let instance: string | undefined;
  if (tracking !== undefined) {
    const parts = tracking.split(':');
    if (parts.length >= 3 && parts[0]) instance = parts[0];
  }
  instance ??= labels?.[INSTANCE_LABEL] || undefined;
  if (instance === undefined) return undefined;
  const us = instance.indexOf('_');
  return us > 0 ? `${instance.slice(0, us)}/${instance.slice(us + 1)}` : instance;
}

function toAppConditions(list: ReturnType<typeof readConditions>): AppCondition[] | undefined {
  if (list.length === 0) return undefined;
  return list.map((c) => ({
    type: c.type,
    status: c.status,
    ...(c.reason ? { reason: c.reason } : {}),
    ...(c.message ? { message: c.message } : {}),
    ...(c.lastTransitionTime ? { lastTransitionTime: c.lastTransitionTime } : {}),
  }));
}

function readResources(r: FieldReader, status: Rec | undefined): ManagedResource[] {
  return r.records(status, 'status.resources').map(([res, p]) => {
    const health = r.recordAt(res, p, 'health');
    const rawHealth = r.stringAt(health, `${p}.health`, 'status');
    return {
      group: r.stringAt(res, p, 'group') ?? '',
      version: r.stringAt(res, p, 'version'),
      kind: r.stringAt(res, p, 'kind') ?? '',
      namespace: r.stringAt(res, p, 'namespace') ?? '',
      name: r.stringAt(res, p, 'name') ?? '',
      sync: parseSync(r.stringAt(res, p, 'status')),
      health: rawHealth === undefined ? undefined : (parseHealth(rawHealth) ?? 'Unknown'),
      healthMessage: r.stringAt(health, `${p}.health`, 'message'),
      requiresPruning: r.booleanAt(res, p, 'requiresPruning') ?? false,
      hook: r.booleanAt(res, p, 'hook') ?? false,
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
  const meta = r.record(root, 'metadata');
  const spec = r.record(root, 'spec');
  const status = r.record(root, 'status');
  const namespace = id.namespace;
  const name = id.name ?? '(unnamed)';

  const syncRec = r.record(status, 'status.sync');
  const syncRevision = r.string(syncRec, 'status.sync.revision');
  // Multi-source apps record one revision per source in `revisions`, in spec.sources order.
  const revisions = r.strings(syncRec, 'status.sync.revisions');

  const sources: AppSource[] = [];
  const single = r.record(spec, 'spec.source');
  if (single) sources.push(readSource(r, single, 'spec.source', syncRevision));
  r.records(spec, 'spec.sources').forEach(([s, p], i) => sources.push(readSource(r, s, p, revisions[i])));
  const hydrator = readHydrator(r, spec, status, syncRevision);
  if (hydrator !== undefined && sources.length === 0) sources.push(...hydrator.sources);

  const rawSync = r.string(syncRec, 'status.sync.status');
  const healthRec = r.record(status, 'status.health');
  const rawHealth = r.string(healthRec, 'status.health.status');
  const healthMessage = r.string(healthRec, 'status.health.message');
  // Application conditions have no status field: listed means present (types.go `ApplicationCondition`).
  const conditions = r.records(status, 'status.conditions').map(([c, p]) => ({
    type: r.stringAt(c, p, 'type') ?? '',
    message: r.stringAt(c, p, 'message') ?? '',
    lastTransitionTime: r.stringAt(c, p, 'lastTransitionTime'),
  }));
  const errors = conditions.filter((c) => isErrorCondition(c.type));
  const operation = readOperation(r, root, status, id);
  const resources = readResources(r, status);
  const ignore = readIgnoreDifferences(r, spec);
  const history = readArgoHistory(r, status);
  const trackedBy = trackedByOf(readStringMap(r, meta, 'metadata.annotations'), readStringMap(r, meta, 'metadata.labels'));
  const compareOptions = applicationCompareOptions(root);

  // Multi-source apps record one revision per source in `revisions`; the first is the primary.
  const fullRevision = syncRevision ?? revisions[0];
  // Shown as `<ref>@<short sha>`, the form Flux writes: Argo CD's UI and CLI say "Synced to <targetRevision>
  // (<sha>)" (HEAD when unset), so both tools' users read the same two parts in the same order. A chart
  // version or a pinned commit is shown alone.
  const primary = sources[0];
  const ref = primary?.chart === undefined ? primary?.targetRevision?.trim() || 'HEAD' : undefined;
  const shownRevision = withRef(ref, fullRevision);

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

  // The one line the view shows: an error condition beats a failed operation beats a deletion or a
  // sync in progress beats a failed hydration beats the health text.
  const failedOp = operation && operation.type === 'sync' && (operation.phase === 'Failed' || operation.phase === 'Error') ? operation : undefined;
  const activeOp = operation && operation.phase === 'Running' ? operation : operation?.phase === 'Terminating' ? operation : undefined;
  const hydrationFailed = hydrator?.state.phase === 'Failed' ? hydrator.state : undefined;
  const message =
    (errors[0] && `${errors[0].type}: ${errors[0].message}`) ??
    (failedOp && `Sync ${failedOp.phase.toLowerCase()}: ${failedOp.message}`) ??
    (activeOp && operationLine(activeOp)) ??
    (hydrationFailed && `Hydration failed: ${hydrationFailed.message ?? ''}`) ??
    (health.status !== 'Healthy' ? health.message : undefined) ??
    conditions[0]?.message;

  const appConditions: AppCondition[] = conditions.map((c) => ({
    type: c.type,
    status: 'True',
    ...(c.message ? { message: c.message } : {}),
    ...(c.lastTransitionTime ? { lastTransitionTime: c.lastTransitionTime } : {}),
  }));
  return {
    key: appKey(cluster, 'argocd', 'Application', namespace, name),
    cluster,
    tool: 'argocd',
    kind: 'Application',
    role: 'app',
    namespace,
    name,
    ...argoIdentity(id),
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
    ...(appConditions.length > 0 ? { conditions: appConditions } : {}),
    ...(history.length > 0 ? { history } : {}),
    ...(hydrator !== undefined ? { hydrator: hydrator.state } : {}),
    ...(trackedBy !== undefined ? { trackedBy } : {}),
    ...(compareOptions.serverSideDiff !== undefined || compareOptions.includeMutationWebhook ? { compareOptions } : {}),
    problems: r.problems,
  };
}

/** `Syncing (initiated by alice): waiting to start`, `Deleting since …`, `Terminated: …`. */
function operationLine(op: AppOperation): string {
  if (op.type === 'delete') return `Deleting since ${op.startedAt ?? 'now'}`;
  const who = op.initiatedBy === undefined ? '' : op.initiatedBy === 'automated' ? ' (automated)' : ` (initiated by ${op.initiatedBy})`;
  return `${op.title ?? op.phase}${who}${op.message ? `: ${op.message}` : ''}`;
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
 * ResourcesUpToDate, RolloutProgressing; applicationset_types.go). Health is Argo CD's own check for
 * it (resource_customizations/argoproj.io/ApplicationSet/health.lua, in health/argo.ts): an error, or
 * resources not up to date, is Degraded. It has no sync of its own; "Synced" here means the generated
 * Applications are up to date. `status.applicationStatus` is the progressive sync, one step per app.
 */
export function mapArgoApplicationSet(cluster: string, obj: unknown): App {
  const r = new FieldReader();
  const { root, id } = readIdentity(r, obj);
  const status = r.record(root, 'status');
  const conditions = readConditions(r, status);
  const upToDate = conditions.find((c) => c.type === 'ResourcesUpToDate');
  const name = id.name ?? '(unnamed)';

  const verdict = applicationSetHealth(root ?? {});
  const health: HealthState =
    verdict.status === 'Healthy'
      ? verdict.message
        ? { status: 'Healthy', message: verdict.message }
        : { status: 'Healthy' }
      : { status: verdict.status, message: verdict.message || 'Waiting for the status to be reported' };

  const sync: SyncState =
    upToDate?.status === 'True'
      ? { status: 'Synced' }
      : upToDate?.status === 'False'
        ? { status: 'OutOfSync', reason: upToDate.message || upToDate.reason }
        : { status: 'Unknown', reason: 'no ResourcesUpToDate condition' };

  const rollout: RolloutStep[] = r
    .records(status, 'status.applicationStatus')
    .slice(0, 500)
    .map(([a, p]) => {
      const step = r.stringAt(a, p, 'step');
      const message = r.stringAt(a, p, 'message');
      const targetRevisions = r.stringsAt(a, p, 'targetRevisions');
      return {
        application: r.stringAt(a, p, 'application') ?? '',
        status: r.stringAt(a, p, 'status') ?? 'Unknown',
        ...(step ? { step } : {}),
        ...(message ? { message } : {}),
        ...(targetRevisions.length > 0 ? { targetRevisions } : {}),
      };
    });
  const appConditions = toAppConditions(conditions);

  return {
    key: appKey(cluster, 'argocd', 'ApplicationSet', id.namespace, name),
    cluster,
    tool: 'argocd',
    kind: 'ApplicationSet',
    role: 'generator',
    namespace: id.namespace,
    name,
    ...argoIdentity(id),
    sync,
    health,
    suspended: false,
    message: health.status === 'Healthy' ? undefined : health.message,
    sources: [],
    resources: r.records(status, 'status.resources').map(([res, p]) => ({
      group: 'argoproj.io',
      version: 'v1alpha1',
      kind: 'Application',
      namespace: r.stringAt(res, p, 'namespace') || id.namespace,
      name: r.stringAt(res, p, 'name') ?? '',
      sync: parseSync(r.stringAt(res, p, 'status')),
      health: parseHealth(r.stringAt(r.recordAt(res, p, 'health'), `${p}.health`, 'status')),
      requiresPruning: false,
      hook: false,
    })),
    resourceHealth: { kind: 'inline' },
    ...(appConditions !== undefined ? { conditions: appConditions } : {}),
    ...(rollout.length > 0 ? { rollout } : {}),
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
    ...argoIdentity(id),
    sync: { status: 'Unknown', reason: 'an AppProject has no sync state' },
    health: { status: 'Healthy', message: r.string(spec, 'spec.description') ?? '' },
    suspended: false,
    sources: r.strings(spec, 'spec.sourceRepos').map((repoURL) => ({ repoURL })),
    resources: [],
    resourceHealth: { kind: 'inline' },
    problems: r.problems,
  };
}
