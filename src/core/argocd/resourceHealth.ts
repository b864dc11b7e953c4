/**
 * Per-resource health computed from a live object, with the rules of Argo CD's gitops-engine
 * (pkg/health: health_deployment.go, health_statefulset.go, health_daemonset.go, health_replicaset.go,
 * health_service.go, health_ingress.go, health_pvc.go, health_pod.go, health_job.go, health_hpa.go,
 * health_argo.go). Argo CD 3.x no longer persists `status.resources[].health` in the Application
 * (`status.resourceHealthSource: appTree`), and we talk to Kubernetes, not the Argo CD API server, so
 * we apply the same rules to the objects we can read.
 *
 * Pure and total: the input is whatever the API server (or a test) handed us; malformed fields read as
 * absent. Kinds without a rule have no health (undefined), as in Argo CD (ConfigMap, Secret, ...).
 */
import { isRecord, type HealthStatus } from '../model/app';

export interface ResourceHealth {
  readonly status: HealthStatus;
  readonly message?: string;
}

/** What Argo CD shows for a managed resource that does not exist live (gitops-engine `HealthStatusMissing`). */
export const MISSING_HEALTH: ResourceHealth = { status: 'Missing', message: 'resource does not exist in the cluster' };

/** gitops-engine's `IsWorse` order, least to most severe: an app is as healthy as its worst resource. */
const ORDER: readonly HealthStatus[] = ['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded', 'Unknown'];

export function worseHealth(a: HealthStatus, b: HealthStatus): HealthStatus {
  return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
}

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (isRecord(v) ? v : {});
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const optNum = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const recs = (v: unknown): Rec[] => (Array.isArray(v) ? v.filter(isRecord) : []);

const healthy = (message?: string): ResourceHealth => (message ? { status: 'Healthy', message } : { status: 'Healthy' });
const progressing = (message?: string): ResourceHealth => (message ? { status: 'Progressing', message } : { status: 'Progressing' });
const degraded = (message?: string): ResourceHealth => (message ? { status: 'Degraded', message } : { status: 'Degraded' });

/** Health of one live object, or undefined when Argo CD has no rule for its kind. */
export function liveResourceHealth(live: unknown): ResourceHealth | undefined {
  if (!isRecord(live)) return undefined;
  const apiVersion = str(live.apiVersion);
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const meta = rec(live.metadata);
  const o: Live = { name: str(meta.name), generation: num(meta.generation), spec: rec(live.spec), status: rec(live.status) };
  switch (`${group}/${str(live.kind)}`) {
    case 'apps/Deployment':
      return deployment(o);
    case 'apps/StatefulSet':
      return statefulSet(o);
    case 'apps/DaemonSet':
      return daemonSet(o);
    case 'apps/ReplicaSet':
      return replicaSet(o);
    case '/Service':
      return service(o);
    case 'networking.k8s.io/Ingress':
    case 'extensions/Ingress':
      return ingress(o);
    case '/PersistentVolumeClaim':
      return pvc(o);
    case '/Pod':
      return pod(o);
    case 'batch/Job':
      return job(o);
    case 'autoscaling/HorizontalPodAutoscaler':
      return hpa(o);
    case 'argoproj.io/Application':
      return application(o);
    default:
      return undefined;
  }
}

interface Live {
  readonly name: string;
  readonly generation: number;
  readonly spec: Rec;
  readonly status: Rec;
}

const condition = (status: Rec, type: string): Rec | undefined => recs(status.conditions).find((c) => c.type === type);
/** The controller has seen the latest spec (`metadata.generation <= status.observedGeneration`). */
const observed = (o: Live): boolean => o.generation <= num(o.status.observedGeneration);

/** health_deployment.go `getAppsv1DeploymentHealth`. */
function deployment(o: Live): ResourceHealth {
  if (o.spec.paused === true) return { status: 'Suspended', message: 'Deployment is paused' };
  // Mirrors kubectl's rollout status (kubectl/pkg/polymorphichelpers/rollout_status.go).
  if (!observed(o)) return progressing('Waiting for rollout to finish: observed deployment generation less than desired generation');
  const s = o.status;
  if (str(condition(s, 'Progressing')?.reason) === 'ProgressDeadlineExceeded') {
    return degraded(`Deployment "${o.name}" exceeded its progress deadline`);
  }
  const replicas = optNum(o.spec.replicas);
  const updated = num(s.updatedReplicas);
  if (replicas !== undefined && updated < replicas) {
    return progressing(`Waiting for rollout to finish: ${updated} out of ${replicas} new replicas have been updated...`);
  }
  if (num(s.replicas) > updated) {
    return progressing(`Waiting for rollout to finish: ${num(s.replicas) - updated} old replicas are pending termination...`);
  }
  if (num(s.availableReplicas) < updated) {
    return progressing(`Waiting for rollout to finish: ${num(s.availableReplicas)} of ${updated} updated replicas are available...`);
  }
  return healthy();
}

/** health_statefulset.go `getAppsv1StatefulSetHealth`. */
function statefulSet(o: Live): ResourceHealth {
  const s = o.status;
  if (num(s.observedGeneration) === 0 || !observed(o)) return progressing('Waiting for statefulset spec update to be observed...');
  const replicas = optNum(o.spec.replicas);
  if (replicas !== undefined && num(s.readyReplicas) < replicas) {
    return progressing(`Waiting for ${replicas - num(s.readyReplicas)} pods to be ready...`);
  }
  const strategy = rec(o.spec.updateStrategy);
  if (strategy.type === 'OnDelete') return healthy(`statefulset has ${num(s.readyReplicas)} ready pods`);
  const partition = optNum(rec(strategy.rollingUpdate).partition);
  if (strategy.type === 'RollingUpdate' && partition !== undefined && replicas !== undefined) {
    if (num(s.updatedReplicas) < replicas - partition) {
      return progressing(`Waiting for partitioned roll out to finish: ${num(s.updatedReplicas)} out of ${replicas - partition} new pods have been updated...`);
    }
    return healthy(`partitioned roll out complete: ${num(s.updatedReplicas)} new pods have been updated...`);
  }
  if (str(s.updateRevision) !== str(s.currentRevision)) {
    return progressing(`waiting for statefulset rolling update to complete ${num(s.updatedReplicas)} pods at revision ${str(s.updateRevision)}...`);
  }
  return healthy(`statefulset rolling update complete ${num(s.currentReplicas)} pods at revision ${str(s.currentRevision)}...`);
}

/** health_daemonset.go `getAppsv1DaemonSetHealth`. */
function daemonSet(o: Live): ResourceHealth {
  const s = o.status;
  if (!observed(o)) return progressing('Waiting for rollout to finish: observed daemon set generation less than desired generation');
  if (rec(o.spec.updateStrategy).type === 'OnDelete') return healthy(`daemon set ${num(s.updatedNumberScheduled)} out of ${num(s.desiredNumberScheduled)} new pods have been updated`);
  if (num(s.updatedNumberScheduled) < num(s.desiredNumberScheduled)) {
    return progressing(`Waiting for daemon set "${o.name}" rollout to finish: ${num(s.updatedNumberScheduled)} out of ${num(s.desiredNumberScheduled)} new pods have been updated...`);
  }
  if (num(s.numberAvailable) < num(s.desiredNumberScheduled)) {
    return progressing(`Waiting for daemon set "${o.name}" rollout to finish: ${num(s.numberAvailable)} of ${num(s.desiredNumberScheduled)} updated pods are available...`);
  }
  return healthy();
}

/** health_replicaset.go `getAppsv1ReplicaSetHealth`. */
function replicaSet(o: Live): ResourceHealth {
  const s = o.status;
  if (!observed(o)) return progressing('Waiting for rollout to finish: observed replica set generation less than desired generation');
  const failure = condition(s, 'ReplicaFailure');
  if (failure?.status === 'True') return degraded(str(failure.message));
  const replicas = optNum(o.spec.replicas);
  if (replicas !== undefined && num(s.availableReplicas) < replicas) {
    return progressing(`Waiting for rollout to finish: ${num(s.availableReplicas)} out of ${replicas} new replicas are available...`);
  }
  return healthy();
}

/** health_service.go: only a LoadBalancer waits, for its ingress address. */
function service(o: Live): ResourceHealth {
  if (o.spec.type !== 'LoadBalancer') return healthy();
  return recs(rec(o.status.loadBalancer).ingress).length > 0 ? healthy() : progressing();
}

/** health_ingress.go: healthy once the controller published an address. */
function ingress(o: Live): ResourceHealth {
  return recs(rec(o.status.loadBalancer).ingress).length > 0 ? healthy() : progressing();
}

/** health_pvc.go. */
function pvc(o: Live): ResourceHealth {
  switch (o.status.phase) {
    case 'Bound':
      return healthy();
    case 'Lost':
      return degraded();
    case 'Pending':
      return progressing();
    default:
      return { status: 'Unknown', message: `The phase "${str(o.status.phase)}" is not known` };
  }
}

/** health_pod.go `getCorev1PodHealth`, without the hook and restartPolicy refinements. */
function pod(o: Live): ResourceHealth {
  const s = o.status;
  const message = str(s.message);
  switch (s.phase) {
    case 'Pending':
      return progressing(message);
    case 'Succeeded':
      return healthy(message);
    case 'Failed':
      return degraded(message);
    case 'Running': {
      // A running container in CrashLoopBackOff makes the pod Degraded (health_pod.go).
      for (const cs of recs(s.containerStatuses)) {
        const waiting = rec(rec(cs.state).waiting);
        if (waiting.reason === 'CrashLoopBackOff') return degraded(str(waiting.message) || 'CrashLoopBackOff');
      }
      const ready = condition(s, 'Ready');
      return ready?.status === 'True' ? healthy(message) : progressing(message);
    }
    default:
      return { status: 'Unknown', message };
  }
}

/** health_job.go `getBatchv1JobHealth`. */
function job(o: Live): ResourceHealth {
  let failed: Rec | undefined;
  let complete: Rec | undefined;
  for (const c of recs(o.status.conditions)) {
    if (c.status !== 'True') continue;
    if (c.type === 'Failed') failed = c;
    else if (c.type === 'Complete') complete = c;
  }
  if (failed) return degraded(str(failed.message));
  if (o.spec.suspend === true) return { status: 'Suspended', message: 'Job is suspended' };
  if (complete) return healthy(str(complete.message));
  return progressing();
}

/**
 * health_hpa.go: the first condition that is a known failure (Degraded) or a known steady state
 * (Healthy) decides; otherwise the autoscaler is still starting.
 */
function hpa(o: Live): ResourceHealth {
  const bad = ['AbleToScale/FailedGetScale', 'AbleToScale/FailedUpdateScale', 'ScalingActive/FailedGetResourceMetric', 'ScalingActive/InvalidSelector'];
  const good = ['AbleToScale/SucceededRescale', 'ScalingLimited/DesiredWithinRange', 'ScalingLimited/TooFewReplicas', 'ScalingLimited/TooManyReplicas'];
  for (const c of recs(o.status.conditions)) {
    const key = `${str(c.type)}/${str(c.reason)}`;
    if (bad.includes(key)) return degraded(str(c.message));
    if (good.includes(key)) return healthy(str(c.message));
  }
  return progressing('Waiting to Autoscale');
}

/** An app of apps: a child Application is as healthy as it says (health_argo.go). */
function application(o: Live): ResourceHealth {
  const h = rec(o.status.health);
  const status = ORDER.find((x) => x === h.status);
  if (status === undefined) return { status: 'Unknown', message: 'the Application reports no health yet' };
  const message = str(h.message);
  return message ? { status, message } : { status };
}
