/**
 * The checks Argo CD applies to whole API groups by wildcard (argo-cd `resource_customizations/_.crossplane.io/_`,
 * `_.upbound.io/_`, `_.services.k8s.aws/_`, `_.cnrm.cloud.google.com/_`, each `health.lua`; the directory
 * name's `_` is a `*`, util/lua/lua.go `getWildcardBuiltInHealthOverrideLua`). These are the only places
 * where Argo CD judges kinds it does not list one by one, so they are the only generic condition rules
 * here: a kind outside them with `Ready` conditions still has no health, as in Argo CD.
 */
import { conditions } from './conditions';
import { isNil, lv, s, table } from './lua';
import { health, type Rec, type ResourceHealth } from './types';
import type { HealthStatus } from '../../model/app';

const CROSSPLANE_NO_STATUS = ['Composition', 'CompositionRevision', 'DeploymentRuntimeConfig', 'ClusterProviderConfig', 'ProviderConfig', 'ProviderConfigUsage', 'ControllerConfig'];
const UPBOUND_NO_STATUS = ['ClusterProviderConfig', 'ProviderConfig', 'ProviderConfigUsage'];
const CROSSPLANE_READY = ['Ready', 'Healthy', 'Offered', 'Established', 'ValidPipeline', 'RevisionHealthy'];

/** Crossplane (`*.crossplane.io`) and Upbound providers (`*.upbound.io`): Synced or LastAsyncOperation False degrade, a ready-like True heals. */
function crossplaneLike(o: Rec, noStatusKinds: readonly string[], readyTypes: readonly string[]): ResourceHealth {
  const status = table(o.status);
  const emptyStatus = status !== undefined && Object.keys(status).length === 0;
  // `obj.status == nil or next(obj.status) == nil and contains(...)`: `and` binds tighter.
  if (isNil(o.status) || (emptyStatus && noStatusKinds.includes(s(o.kind) ?? ''))) return health('Healthy', 'Resource is up-to-date.');
  if (status === undefined || emptyStatus || isNil(status.conditions)) {
    if ((o.kind === 'ProviderConfig' || o.kind === 'ClusterProviderConfig') && !isNil(status?.users)) return health('Healthy', 'Resource is in use.');
    return health('Progressing', 'Provisioning ...');
  }
  let result: ResourceHealth = health('Progressing', 'Provisioning ...');
  for (const c of conditions(o)) {
    if ((c.type === 'LastAsyncOperation' || c.type === 'Synced') && c.status === 'False') return health('Degraded', s(c.message));
    if (readyTypes.includes(s(c.type) ?? '') && c.status === 'True') result = health('Healthy', 'Resource is up-to-date.');
  }
  return result;
}

export const crossplane = (o: Rec): ResourceHealth => crossplaneLike(o, CROSSPLANE_NO_STATUS, CROSSPLANE_READY);
export const upbound = (o: Rec): ResourceHealth => crossplaneLike(o, UPBOUND_NO_STATUS, ['Ready']);

/** AWS Controllers for Kubernetes (`*.services.k8s.aws`): ACK.Terminal degrades; Ready decides. */
export function awsControllers(o: Rec): ResourceHealth {
  for (const c of conditions(o)) {
    if (c.type === 'ACK.Terminal' && c.status === 'True') return health('Degraded', s(c.message));
    if (c.type === 'Ready' && c.status === 'False') return health('Progressing', s(c.message));
    if (c.type === 'Ready' && c.status === 'True') return health('Healthy', '');
  }
  return health('Progressing', 'Waiting for resource to be ready');
}

/** Google Config Connector (`*.cnrm.cloud.google.com`): condition reasons, once the status describes the current generation. */
export function configConnector(o: Rec): ResourceHealth {
  const inProgress = health('Progressing', 'Update in progress');
  const status = table(o.status);
  if (status === undefined) return inProgress;
  const current = isNil(status.observedGeneration) || lv(status.observedGeneration) === lv(table(o.metadata)?.generation);
  if ((o.kind === 'ConfigConnector' || o.kind === 'ConfigConnectorContext') && !isNil(status.healthy) && current) {
    return status.healthy === true ? health('Healthy', `${String(o.kind)} is healthy`) : health('Degraded', `${String(o.kind)} is not healthy`);
  }
  if (isNil(status.conditions) || !current) return inProgress;
  const byReason = new Map<unknown, HealthStatus>([['UpdateFailed', 'Degraded'], ['DependencyNotFound', 'Degraded'], ['DependencyNotReady', 'Suspended']]);
  for (const c of conditions(o)) {
    if (c.reason === 'UpToDate' && c.status === 'True') return health('Healthy', s(c.message));
    const verdict = byReason.get(c.reason);
    if (verdict) return health(verdict, s(c.message));
  }
  return inProgress;
}
