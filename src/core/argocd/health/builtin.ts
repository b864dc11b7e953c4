/**
 * The health checks gitops-engine builds in, as Argo CD 3.x runs them (argo-cd repository,
 * `gitops-engine/pkg/health/health_*.go`). Go converts the unstructured object to the typed API
 * struct first: an absent field is its zero value, a pointer field (`spec.replicas`) may be nil, and
 * only the API versions each check names are accepted (anything else is an error, which Argo CD shows
 * as Unknown).
 */
import { health, int, optInt, rec, recs, str, type ObjectIdentity, type Rec, type ResourceHealth } from './types';
import { isRecord } from '../../json';

/** A built-in check: gitops-engine `GetHealthCheckFunc` by group and kind (the version is checked inside). */
export type BuiltinCheck = (o: Rec, id: ObjectIdentity) => ResourceHealth;

/** gitops-engine `health.go` `GetHealthCheckFunc`: group and kind → check, or undefined (no health). */
export function builtinCheck(id: ObjectIdentity): BuiltinCheck | undefined {
  switch (id.group) {
    case 'apps':
      return ({ Deployment: deployment, StatefulSet: statefulSet, ReplicaSet: replicaSet, DaemonSet: daemonSet } as Record<string, BuiltinCheck>)[id.kind];
    case 'extensions':
    case 'networking.k8s.io':
      return id.kind === 'Ingress' ? ingress : undefined;
    case 'argoproj.io':
      return id.kind === 'Workflow' ? argoWorkflow : undefined;
    case 'apiregistration.k8s.io':
      return id.kind === 'APIService' ? apiService : undefined;
    case '':
      return ({ Service: service, PersistentVolumeClaim: pvc, Pod: pod } as Record<string, BuiltinCheck>)[id.kind];
    case 'batch':
      return id.kind === 'Job' ? job : undefined;
    case 'autoscaling':
      return id.kind === 'HorizontalPodAutoscaler' ? hpa : undefined;
    default:
      return undefined;
  }
}

/** What a check says for an API version its typed conversion does not know (`unsupported Deployment GVK: …`). */
function unsupported(label: string, id: ObjectIdentity): ResourceHealth {
  return { status: 'Unknown', message: `unsupported ${label} GVK: ${id.group}/${id.version}, Kind=${id.kind}` };
}

const generation = (o: Rec): number => int(rec(o.metadata).generation);
const name = (o: Rec): string => str(rec(o.metadata).name);
const conditionOf = (status: Rec, type: string): Rec | undefined => recs(status.conditions).find((c) => c.type === type);

/** health_deployment.go `getAppsv1DeploymentHealth` (kubectl rollout status rules). */
function deployment(o: Rec, id: ObjectIdentity): ResourceHealth {
  if (id.version !== 'v1') return unsupported('Deployment', id);
  const spec = rec(o.spec);
  const s = rec(o.status);
  if (spec.paused === true) return health('Suspended', 'Deployment is paused');
  if (generation(o) > int(s.observedGeneration)) {
    return health('Progressing', 'Waiting for rollout to finish: observed deployment generation less than desired generation');
  }
  const replicas = optInt(spec.replicas);
  const updated = int(s.updatedReplicas);
  if (conditionOf(s, 'Progressing')?.reason === 'ProgressDeadlineExceeded') {
    return health('Degraded', `Deployment "${name(o)}" exceeded its progress deadline`);
  }
  if (replicas !== undefined && updated < replicas) {
    return health('Progressing', `Waiting for rollout to finish: ${updated} out of ${replicas} new replicas have been updated...`);
  }
  if (int(s.replicas) > updated) {
    return health('Progressing', `Waiting for rollout to finish: ${int(s.replicas) - updated} old replicas are pending termination...`);
  }
  if (int(s.availableReplicas) < updated) {
    return health('Progressing', `Waiting for rollout to finish: ${int(s.availableReplicas)} of ${updated} updated replicas are available...`);
  }
  return health('Healthy');
}

/** health_statefulset.go `getAppsv1StatefulSetHealth`. */
function statefulSet(o: Rec, id: ObjectIdentity): ResourceHealth {
  if (id.version !== 'v1') return unsupported('StatefulSet', id);
  const spec = rec(o.spec);
  const s = rec(o.status);
  const observed = int(s.observedGeneration);
  if (observed === 0 || generation(o) > observed) return health('Progressing', 'Waiting for statefulset spec update to be observed...');
  const replicas = optInt(spec.replicas);
  const ready = int(s.readyReplicas);
  if (replicas !== undefined && ready < replicas) return health('Progressing', `Waiting for ${replicas - ready} pods to be ready...`);
  const strategy = rec(spec.updateStrategy);
  const updated = int(s.updatedReplicas);
  // A RollingUpdate strategy with its rollingUpdate block decides here, partitioned or not.
  if (strategy.type === 'RollingUpdate' && strategy.rollingUpdate !== undefined && strategy.rollingUpdate !== null) {
    const partition = optInt(rec(strategy.rollingUpdate).partition);
    if (replicas !== undefined && partition !== undefined && updated < replicas - partition) {
      return health('Progressing', `Waiting for partitioned roll out to finish: ${updated} out of ${replicas - partition} new pods have been updated...`);
    }
    return health('Healthy', `partitioned roll out complete: ${updated} new pods have been updated...`);
  }
  if (strategy.type === 'OnDelete') return health('Healthy', `statefulset has ${ready} ready pods`);
  if (str(s.updateRevision) !== str(s.currentRevision)) {
    return health('Progressing', `waiting for statefulset rolling update to complete ${updated} pods at revision ${str(s.updateRevision)}...`);
  }
  return health('Healthy', `statefulset rolling update complete ${int(s.currentReplicas)} pods at revision ${str(s.currentRevision)}...`);
}

/** health_daemonset.go `getAppsv1DaemonSetHealth`. */
function daemonSet(o: Rec, id: ObjectIdentity): ResourceHealth {
  if (id.version !== 'v1') return unsupported('DaemonSet', id);
  const s = rec(o.status);
  if (generation(o) > int(s.observedGeneration)) {
    return health('Progressing', 'Waiting for rollout to finish: observed daemon set generation less than desired generation');
  }
  const updated = int(s.updatedNumberScheduled);
  const desired = int(s.desiredNumberScheduled);
  if (rec(rec(o.spec).updateStrategy).type === 'OnDelete') return health('Healthy', `daemon set ${updated} out of ${desired} new pods have been updated`);
  if (updated < desired) return health('Progressing', `Waiting for daemon set "${name(o)}" rollout to finish: ${updated} out of ${desired} new pods have been updated...`);
  const available = int(s.numberAvailable);
  if (available < desired) return health('Progressing', `Waiting for daemon set "${name(o)}" rollout to finish: ${available} of ${desired} updated pods are available...`);
  return health('Healthy');
}

/** health_replicaset.go `getAppsv1ReplicaSetHealth`. */
function replicaSet(o: Rec, id: ObjectIdentity): ResourceHealth {
  if (id.version !== 'v1') return unsupported('ReplicaSet', id);
  const s = rec(o.status);
  if (generation(o) > int(s.observedGeneration)) {
    return health('Progressing', 'Waiting for rollout to finish: observed replica set generation less than desired generation');
  }
  const failure = conditionOf(s, 'ReplicaFailure');
  if (failure?.status === 'True') return health('Degraded', str(failure.message));
  const replicas = optInt(rec(o.spec).replicas);
  if (replicas !== undefined && int(s.availableReplicas) < replicas) {
    return health('Progressing', `Waiting for rollout to finish: ${int(s.availableReplicas)} out of ${replicas} new replicas are available...`);
  }
  return health('Healthy');
}

/** health_service.go: only a LoadBalancer waits, for an ingress point. */
function service(o: Rec, id: ObjectIdentity): ResourceHealth {
  if (id.version !== 'v1') return unsupported('Service', id);
  if (rec(o.spec).type !== 'LoadBalancer') return health('Healthy');
  return health(recs(rec(rec(o.status).loadBalancer).ingress).length > 0 ? 'Healthy' : 'Progressing');
}

/** health_ingress.go: any version of extensions or networking.k8s.io; Healthy once an address is published. */
function ingress(o: Rec): ResourceHealth {
  const list = rec(rec(o.status).loadBalancer).ingress;
  return health(Array.isArray(list) && list.length > 0 ? 'Healthy' : 'Progressing');
}

/** health_pvc.go `getCorev1PVCHealth`. */
function pvc(o: Rec, id: ObjectIdentity): ResourceHealth {
  if (id.version !== 'v1') return unsupported('PersistentVolumeClaim', id);
  const phase = rec(o.status).phase;
  return health(phase === 'Lost' ? 'Degraded' : phase === 'Pending' ? 'Progressing' : phase === 'Bound' ? 'Healthy' : 'Unknown');
}

/**
 * gitops-engine `sync/hook/hook.go` `IsHook`: an Argo CD hook annotation (unless it only says Skip),
 * or a Helm hook other than `crd-install` (`sync/hook/helm/hook.go`).
 */
export function isHook(o: Rec): boolean {
  const annotations = rec(rec(o.metadata).annotations);
  const argo = annotations['argocd.argoproj.io/hook'];
  if (typeof argo === 'string') {
    const types = [...new Set(argo.split(',').map((t) => t.trim()).filter((t) => ['PreSync', 'Sync', 'PostSync', 'SyncFail', 'Skip'].includes(t)))];
    const helmTypes = types.length === 0 ? helmHookTypes(annotations) : [];
    const all = types.length > 0 ? types : helmTypes;
    // `Skip` alone makes the resource no hook at all (hook.go `Skip`).
    return !(all.includes('Skip') && all.length === 1);
  }
  const helm = annotations['helm.sh/hook'];
  return typeof helm === 'string' && helm !== 'crd-install';
}

function helmHookTypes(annotations: Rec): string[] {
  const helm = annotations['helm.sh/hook'];
  if (typeof helm !== 'string') return [];
  return helm
    .split(',')
    .map((t) => t.trim())
    .filter((t) => ['pre-install', 'pre-upgrade', 'post-upgrade', 'post-install'].includes(t));
}

/**
 * health_pod.go `getCorev1PodHealth`. Pods with restartPolicy Never or OnFailure run to completion
 * (typically hooks), so running is Progressing; `argocd.argoproj.io/ignore-restart-policy: "true"`
 * makes a non-hook pod be judged like a long-running one.
 */
function pod(o: Rec, id: ObjectIdentity): ResourceHealth {
  if (id.version !== 'v1') return unsupported('Pod', id);
  const s = rec(o.status);
  const policy = str(rec(o.spec).restartPolicy);
  const ignorePolicy = rec(rec(o.metadata).annotations)['argocd.argoproj.io/ignore-restart-policy'] === 'true' && !isHook(o);
  const longRunning = policy === 'Always' || ignorePolicy;
  const message = str(s.message);
  const containers = recs(s.containerStatuses);
  if (longRunning) {
    // Waiting on an image pull or a crash (ErrImagePull, CreateContainerConfigError, CrashLoopBackOff, …).
    const failing = containers
      .map((c) => rec(rec(c.state).waiting))
      .filter((w) => {
        const reason = str(w.reason);
        return Object.keys(w).length > 0 && (reason.startsWith('Err') || reason.endsWith('Error') || reason.endsWith('BackOff'));
      });
    if (failing.length > 0) return health('Degraded', failing.map((w) => str(w.message)).join(', '));
  }
  switch (s.phase) {
    case 'Pending':
      return health('Progressing', message);
    case 'Succeeded':
      return health('Healthy', message);
    case 'Failed': {
      if (message !== '') return health('Degraded', message);
      for (const c of [...recs(s.initContainerStatuses), ...containers]) {
        const failed = failMessage(c);
        if (failed !== '') return health('Degraded', failed);
      }
      return health('Degraded');
    }
    case 'Running':
      if (longRunning) {
        if (conditionOf(s, 'Ready')?.status === 'True') return health('Healthy', message);
        // Not ready and a container has terminated before: it is crashing, not starting.
        if (containers.some((c) => isRecord(rec(c.lastState).terminated))) return health('Degraded', message);
        return health('Progressing', message);
      }
      if (policy === 'OnFailure' || policy === 'Never') return health('Progressing', message);
      return health('Unknown', message);
    default:
      return health('Unknown', message);
  }
}


/** health_pod.go `getFailMessage`. */
function failMessage(c: Rec): string {
  const terminated = rec(c.state).terminated;
  if (!isRecord(terminated)) return '';
  const t = rec(terminated);
  if (str(t.message) !== '') return str(t.message);
  if (t.reason === 'OOMKilled') return 'OOMKilled';
  if (int(t.exitCode) !== 0) return `container "${str(c.name)}" failed with exit code ${int(t.exitCode)}`;
  return '';
}

/** health_job.go `getBatchv1JobHealth`: the conditions decide, whatever `spec.suspend` says. */
function job(o: Rec, id: ObjectIdentity): ResourceHealth {
  if (id.version !== 'v1') return unsupported('Job', id);
  let failed = false;
  let complete = false;
  let suspended = false;
  let failMessage = '';
  let message = '';
  for (const c of recs(rec(o.status).conditions)) {
    // Failed and Complete count whatever their status, as in the Go code.
    if (c.type === 'Failed') {
      failed = complete = true;
      failMessage = str(c.message);
    } else if (c.type === 'Complete') {
      complete = true;
      message = str(c.message);
    } else if (c.type === 'Suspended') {
      complete = true;
      message = str(c.message);
      if (c.status === 'True') suspended = true;
    }
  }
  if (!complete) return health('Progressing', message);
  if (failed) return health('Degraded', failMessage);
  if (suspended) return health('Suspended', message);
  return health('Healthy', message);
}

interface HpaCondition {
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  readonly status: string;
}

const WAITING_TO_AUTOSCALE = health('Progressing', 'Waiting to Autoscale');

/** health_hpa.go: autoscaling/v1 keeps its conditions in an annotation, v2 in `status.conditions`. */
function hpa(o: Rec, id: ObjectIdentity): ResourceHealth {
  if (id.version === 'v2') return hpaConditions(recs(rec(o.status).conditions).map(hpaCondition));
  if (id.version !== 'v1') return unsupported('HPA', id);
  const annotation = rec(rec(o.metadata).annotations)['autoscaling.alpha.kubernetes.io/conditions'];
  if (typeof annotation !== 'string') return WAITING_TO_AUTOSCALE;
  let parsed: unknown;
  try {
    parsed = JSON.parse(annotation);
  } catch (e) {
    return { status: 'Unknown', message: `failed to convert conditions annotation to typed: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (parsed !== null && !Array.isArray(parsed)) return { status: 'Unknown', message: 'failed to convert conditions annotation to typed: not a list' };
  const list = (parsed ?? []) as unknown[];
  if (list.length === 0) return WAITING_TO_AUTOSCALE;
  return hpaConditions(list.map((c) => hpaCondition(caseless(rec(c)))));
}

/** Go's encoding/json matches object keys to struct fields without regard to case. */
function caseless(o: Rec): Rec {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));
}

const hpaCondition = (c: Rec): HpaCondition => ({ type: str(c.type), reason: str(c.reason), message: str(c.message), status: str(c.status) });

const HPA_DEGRADED = new Set([
  'AbleToScale/FailedGetScale',
  'AbleToScale/FailedUpdateScale',
  'ScalingActive/FailedGetResourceMetric',
  'ScalingActive/FailedGetObjectMetric',
  'ScalingActive/FailedGetPodsMetric',
  'ScalingActive/FailedGetExternalMetric',
  'ScalingActive/FailedComputeMetricsReplicas',
  'ScalingActive/InvalidSelector',
]);

/** health_hpa.go `checkConditions`: any known failure first, then AbleToScale or ScalingLimited with status True. */
function hpaConditions(conditions: readonly HpaCondition[]): ResourceHealth {
  const bad = conditions.find((c) => HPA_DEGRADED.has(`${c.type}/${c.reason}`));
  if (bad) return health('Degraded', bad.message);
  const good = conditions.find((c) => (c.type === 'AbleToScale' || c.type === 'ScalingLimited') && c.status === 'True');
  if (good) return health('Healthy', good.message);
  return WAITING_TO_AUTOSCALE;
}

/** health_apiservice.go: the `Available` condition, its reason and message joined by ": ". */
function apiService(o: Rec, id: ObjectIdentity): ResourceHealth {
  if (id.version !== 'v1' && id.version !== 'v1beta1') return unsupported('APIService', id);
  const available = conditionOf(rec(o.status), 'Available');
  if (!available) return health('Progressing', 'Waiting to be processed');
  return health(available.status === 'True' ? 'Healthy' : 'Progressing', `${str(available.reason)}: ${str(available.message)}`);
}

/** health_argo.go `getArgoWorkflowHealth`: the workflow's phase (argo-workflows `workflow_phase.go`). */
function argoWorkflow(o: Rec): ResourceHealth {
  const s = rec(o.status);
  const phase = str(s.phase);
  const message = str(s.message);
  if (phase === '' || phase === 'Pending' || phase === 'Running') return health('Progressing', message);
  if (phase === 'Succeeded') return health('Healthy', message);
  if (phase === 'Failed' || phase === 'Error') return health('Degraded', message);
  return health('Unknown', message);
}
