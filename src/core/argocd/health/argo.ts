/**
 * Argo Rollouts, Argo Workflows' CronWorkflow, Argo Events' EventBus and Argo CD's ApplicationSet as
 * Argo CD's built-in Lua checks judge them (argo-cd `resource_customizations/argoproj.io/`
 * `{Rollout,AnalysisRun,Experiment,CronWorkflow,EventBus,ApplicationSet}/health.lua`). The Workflow
 * itself is a gitops-engine built-in (builtin.ts); Argo CD has no health for Application (removed in
 * 1.8, argoproj/argo-cd#3781) unless argocd-cm restores it.
 */
import { conditions } from './conditions';
import { isNil, len, lv, luaTruthy, s, table } from './lua';
import { health, luaToNumber, type Rec, type ResourceHealth } from './types';
import type { HealthStatus } from '../../model/app';

/** A phase that Argo CD surfaces as it is; a value outside the six health codes is reported as invalid. */
function asStatus(v: unknown, message: string | undefined): ResourceHealth {
  const valid: readonly string[] = ['Healthy', 'Progressing', 'Degraded', 'Suspended', 'Missing', 'Unknown'];
  if (typeof v === 'string' && valid.includes(v)) return health(v as HealthStatus, message);
  return { status: 'Unknown', message: 'Lua returned an invalid health status' };
}

/**
 * Rollout: the spec (and the referenced workload's) generation must be observed; Rollouts ≥ 1.0
 * record a phase and message which are surfaced as they are; older ones are judged from conditions,
 * pause, replica counts and the stable ReplicaSet per strategy.
 */
export function rollout(o: Rec): ResourceHealth {
  const meta = table(o.metadata) ?? {};
  const spec = table(o.spec) ?? {};
  const status = table(o.status);
  if (!generationObserved(meta, status) || !workloadGenerationObserved(meta, spec, status)) {
    return health('Progressing', 'Waiting for rollout spec update to be observed');
  }
  const st = status ?? {};
  if (!isNil(st.phase)) return st.phase === 'Paused' ? health('Suspended', s(st.message)) : asStatus(st.phase, s(st.message));
  for (const c of conditions(o)) {
    if (c.type === 'InvalidSpec') return health('Degraded', s(c.message));
    if (c.type === 'Progressing' && (c.reason === 'RolloutAborted' || c.reason === 'ProgressDeadlineExceeded')) return health('Degraded', s(c.message));
  }
  if (len(st.pauseConditions) > 0 || luaTruthy(spec.paused)) return health('Suspended', 'Rollout is paused');
  if (isNil(st.currentPodHash)) return health('Progressing', 'Waiting for rollout to finish: status has not been reconciled.');
  const desired = numberOr(spec.replicas, 1);
  const statusReplicas = numberOr(st.replicas, 0);
  const updated = numberOr(st.updatedReplicas, 0);
  const available = numberOr(st.availableReplicas, 0);
  if (updated < desired) return health('Progressing', 'Waiting for roll out to finish: More replicas need to be updated');
  if (available < updated) return health('Progressing', 'Waiting for roll out to finish: updated replicas are still becoming available');
  // Rollouts 0.8 moved `status.canary.stableRS` to `status.stableRS`.
  const stableRS = !isNil(st.stableRS) ? lv(st.stableRS) : !isNil(st.canary) ? lv(table(st.canary)?.stableRS) : '';
  const strategy = table(spec.strategy) ?? {};
  if (!isNil(strategy.blueGreen)) {
    if (isNil(st.blueGreen) || lv(table(st.blueGreen)?.activeSelector) !== lv(st.currentPodHash)) return health('Progressing', 'active service cutover pending');
    if (stableRS !== '' && stableRS !== lv(st.currentPodHash)) return health('Progressing', 'waiting for analysis to complete');
  } else if (!isNil(strategy.canary)) {
    if (statusReplicas > updated) return health('Progressing', 'Waiting for roll out to finish: old replicas are pending termination');
    if (stableRS === '' || stableRS !== lv(st.currentPodHash)) return health('Progressing', 'Waiting for rollout to finish steps');
  }
  return health('Healthy');
}

const numberOr = (v: unknown, fallback: number): number => (typeof v === 'number' ? v : fallback);

/** A numeric `status.observedGeneration` (Rollouts ≥ 0.10) must equal the generation; a hash (0.9) or a larger number passes. */
function generationObserved(meta: Rec, status: Rec | undefined): boolean {
  if (status === undefined) return false;
  const observed = luaToNumber(status.observedGeneration);
  if (observed === undefined || (typeof meta.generation === 'number' && observed > meta.generation)) return true;
  return observed === meta.generation;
}

/** Rollouts ≥ 1.1 with `spec.workloadRef`: the annotated workload generation must be observed. */
function workloadGenerationObserved(meta: Rec, spec: Rec, status: Rec | undefined): boolean {
  if (isNil(spec.workloadRef) || isNil(meta.annotations)) return true;
  const workload = luaToNumber(table(meta.annotations)?.['rollout.argoproj.io/workload-generation']);
  const observed = luaToNumber(status?.workloadObservedGeneration);
  return workload === observed;
}

/** AnalysisRun: by phase; a recorded message replaces the default one. */
export function analysisRun(o: Rec): ResourceHealth | undefined {
  const status = table(o.status);
  if (status === undefined) return health('Progressing', 'Waiting for analysis run to finish: status has not been reconciled.');
  const message = (fallback: string) => s(status.message) ?? fallback;
  switch (status.phase) {
    case 'Pending':
    case 'Running':
      return health('Progressing', 'Analysis run is running');
    case 'Successful':
      return health('Healthy', message('Analysis run completed successfully'));
    case 'Failed':
      return health('Degraded', message('Analysis run failed'));
    case 'Error':
      return health('Degraded', message('Analysis run had an error'));
    case 'Inconclusive':
      return health('Unknown', message('Analysis run was inconclusive'));
    default:
      // The Lua check returns an empty table, which Argo CD reads as no health.
      return undefined;
  }
}

/** Experiment: by phase. */
export function experiment(o: Rec): ResourceHealth | undefined {
  const status = table(o.status);
  if (status === undefined) return health('Progressing', 'Waiting for experiment to finish: status has not been reconciled.');
  switch (status.phase) {
    case 'Pending':
      return health('Progressing', 'Experiment is pending');
    case 'Running':
      return health('Progressing', 'Experiment is running');
    case 'Successful':
      return health('Healthy', 'Experiment is successful');
    case 'Failed':
      return health('Degraded', 'Experiment has failed');
    case 'Error':
      return health('Degraded', 'Experiment had an error');
    default:
      return undefined;
  }
}

/** CronWorkflow: a spec or submission error degrades it; otherwise it is Healthy. */
export function cronWorkflow(o: Rec): ResourceHealth {
  for (const c of conditions(o)) {
    if ((c.type === 'SpecError' || c.type === 'SubmissionError') && c.status === 'True') return health('Degraded', s(c.message));
    if (c.type === 'Completed' && c.status === 'True') return health('Healthy', s(c.message));
  }
  return health('Healthy', 'CronWorkflow is healthy.');
}

/** EventBus: the `Deployed` condition, with its message or else its reason. */
export function eventBus(o: Rec): ResourceHealth {
  for (const c of conditions(o)) {
    if (c.type === 'Deployed' && (c.status === 'False' || c.status === 'True')) {
      return health(c.status === 'True' ? 'Healthy' : 'Degraded', s(c.message) ?? s(c.reason));
    }
  }
  return health('Progressing', 'Waiting for initialization');
}

/** ApplicationSet: errors, then resources not up to date, then a progressive rollout, then up to date. */
export function applicationSet(o: Rec): ResourceHealth {
  const list = conditions(o);
  const find = (type: string, status: string) => list.find((c) => c.type === type && c.status === status);
  const error = find('ErrorOccurred', 'True');
  if (error) return health('Degraded', s(error.message));
  const stale = find('ResourcesUpToDate', 'False');
  if (stale) return health('Degraded', s(stale.message));
  const rolling = find('RolloutProgressing', 'True');
  if (rolling) return health('Progressing', s(rolling.message));
  const upToDate = find('ResourcesUpToDate', 'True');
  if (upToDate) return health('Healthy', s(upToDate.message));
  return health('Progressing', 'Waiting for the status to be reported');
}
