/**
 * Kubernetes kinds that Argo CD checks with built-in Lua rather than in gitops-engine (argo-cd
 * `resource_customizations/batch/CronJob/health.lua`, `policy/PodDisruptionBudget/health.lua`,
 * `apiextensions.k8s.io/CustomResourceDefinition/health.lua`).
 */
import { conditions } from './conditions';
import { isNil, len, s, table } from './lua';
import { health, type Rec, type ResourceHealth } from './types';

/**
 * CronJob: judged from the last schedule and success times. A suspended CronJob is Healthy on purpose
 * (argoproj/argo-cd#24428), and so is one whose current run is still going (#24429).
 */
export function cronJob(o: Rec): ResourceHealth {
  if (table(o.spec)?.suspend === true) return health('Healthy', 'CronJob is Suspended');
  const status = table(o.status);
  if (status === undefined) return health('Progressing', 'Waiting for CronJob');
  if (isNil(status.lastScheduleTime)) return health('Healthy', 'CronJob has not been scheduled yet');
  if (isNil(status.lastSuccessfulTime)) return health('Healthy', 'The CronJob never completed successfully. It may not be healthy');
  if (len(status.active) > 0) return health('Healthy', 'The job is running. Its last execution may not have been successful');
  // RFC 3339 times in UTC compare as strings, as the Lua check compares them.
  if (typeof status.lastSuccessfulTime === 'string' && typeof status.lastScheduleTime === 'string' && status.lastSuccessfulTime < status.lastScheduleTime) {
    return health('Degraded', 'CronJob has not completed its last execution successfully');
  }
  return health('Healthy', 'CronJob has completed its last execution successfully');
}

/** PodDisruptionBudget: a False condition degrades it, except InsufficientPods (argoproj/argo-cd#20171). */
export function podDisruptionBudget(o: Rec): ResourceHealth {
  let result = health('Progressing', 'Waiting for status');
  for (const c of conditions(o)) {
    if (c.status === 'False' && c.reason !== 'InsufficientPods') return health('Degraded', `PodDisruptionBudget has ${s(c.reason) ?? ''}`);
    result = health('Healthy', `PodDisruptionBudget has ${s(c.reason) ?? ''}`);
  }
  return result;
}

/** CustomResourceDefinition: terminating, names rejected, non-structural schema, or not Established. */
export function customResourceDefinition(o: Rec): ResourceHealth {
  if (!isNil(table(o.metadata)?.deletionTimestamp)) return health('Progressing', 'CRD is terminating');
  const list = conditions(o);
  if (list.length === 0) return health('Progressing', 'Status conditions not found');
  let established = false;
  for (const c of list) {
    if (c.type === 'Terminating' && c.status === 'True') return health('Progressing', `CRD is terminating: ${s(c.message) ?? ''}`);
    if (c.type === 'NamesAccepted' && c.status === 'False') return health('Degraded', `CRD names have not been accepted: ${s(c.message) ?? ''}`);
    if (c.type === 'NonStructuralSchema' && c.status === 'True') return health('Degraded', `Schema violations found: ${s(c.message) ?? ''}`);
    if (c.type === 'Established') {
      if (c.status === 'True') established = true;
      else if (c.reason === 'Installing') return health('Progressing', 'CRD is being installed');
    }
  }
  if (!established) return health('Degraded', 'CRD is not established');
  return health('Healthy', 'CRD is healthy');
}
