/**
 * Resource health the way Argo CD's gitops-engine computes it (pkg/health: health_deployment.go,
 * health_statefulset.go, health_daemonset.go, health_service.go, health_pvc.go, health_pod.go,
 * health_job.go), for the kinds the simulator's sample apps use. Kinds without a health check
 * (ConfigMap, Secret, ...) have no health, as in Argo CD.
 */
import type { KubeObject } from '../k8s/types';

export type HealthStatus = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';

export interface Health {
  status: HealthStatus;
  message?: string;
}

/** Argo CD's order of severity: an app is as healthy as its least healthy resource. */
const ORDER: readonly HealthStatus[] = ['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded', 'Unknown'];

export function worst(a: HealthStatus, b: HealthStatus): HealthStatus {
  return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
}

type Obj = Record<string, unknown>;
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

export function healthOf(live: KubeObject): Health | undefined {
  const spec = (live.spec ?? {}) as Obj;
  const status = (live.status ?? {}) as Obj;
  const name = live.metadata.name ?? '';
  const observedCurrent = num(status.observedGeneration) >= num(live.metadata.generation);
  switch (`${live.apiVersion.split('/')[0]}/${live.kind}`) {
    case 'apps/Deployment': {
      if (spec.paused === true) return { status: 'Suspended', message: 'Deployment is paused' };
      if (!observedCurrent) return { status: 'Progressing', message: 'Waiting for rollout to finish: observed deployment generation less than desired generation' };
      const conditions = (status.conditions ?? []) as Obj[];
      if (conditions.some((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded')) {
        return { status: 'Degraded', message: `Deployment "${name}" exceeded its progress deadline` };
      }
      const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
      if (num(status.updatedReplicas) < replicas) {
        return { status: 'Progressing', message: `Waiting for rollout to finish: ${num(status.updatedReplicas)} out of ${replicas} new replicas have been updated...` };
      }
      if (num(status.replicas) > num(status.updatedReplicas)) {
        return { status: 'Progressing', message: `Waiting for rollout to finish: ${num(status.replicas) - num(status.updatedReplicas)} old replicas are pending termination...` };
      }
      if (num(status.availableReplicas) < num(status.updatedReplicas)) {
        return { status: 'Progressing', message: `Waiting for rollout to finish: ${num(status.availableReplicas)} of ${num(status.updatedReplicas)} updated replicas are available...` };
      }
      return { status: 'Healthy' };
    }
    case 'apps/StatefulSet': {
      if (!observedCurrent) return { status: 'Progressing', message: 'Waiting for statefulset spec update to be observed...' };
      const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
      if (num(status.readyReplicas) < replicas) {
        return { status: 'Progressing', message: `Waiting for ${replicas - num(status.readyReplicas)} pods to be ready...` };
      }
      return { status: 'Healthy', message: `statefulset rolling update complete ${replicas} pods at revision ${String(status.currentRevision ?? '')}...` };
    }
    case 'apps/DaemonSet': {
      if (!observedCurrent) return { status: 'Progressing', message: 'Waiting for rollout to finish: observed daemon set generation less than desired generation' };
      if (num(status.updatedNumberScheduled) < num(status.desiredNumberScheduled)) {
        return { status: 'Progressing', message: `Waiting for daemon set "${name}" rollout to finish: ${num(status.updatedNumberScheduled)} out of ${num(status.desiredNumberScheduled)} new pods have been updated...` };
      }
      if (num(status.numberAvailable) < num(status.desiredNumberScheduled)) {
        return { status: 'Progressing', message: `Waiting for daemon set "${name}" rollout to finish: ${num(status.numberAvailable)} of ${num(status.desiredNumberScheduled)} updated pods are available...` };
      }
      return { status: 'Healthy' };
    }
    case 'v1/Service': {
      if (spec.type !== 'LoadBalancer') return { status: 'Healthy' };
      const ingress = ((status.loadBalancer as Obj | undefined)?.ingress ?? []) as unknown[];
      return ingress.length > 0 ? { status: 'Healthy' } : { status: 'Progressing' };
    }
    case 'v1/PersistentVolumeClaim': {
      const phase = status.phase;
      if (phase === 'Bound') return { status: 'Healthy' };
      if (phase === 'Lost') return { status: 'Degraded' };
      return { status: 'Progressing' };
    }
    case 'v1/Pod': {
      const phase = status.phase;
      if (phase === 'Succeeded' || phase === 'Running') return { status: 'Healthy' };
      if (phase === 'Failed') return { status: 'Degraded', message: String(status.message ?? '') };
      return { status: 'Progressing' };
    }
    case 'batch/Job': {
      const conditions = (status.conditions ?? []) as Obj[];
      const failed = conditions.find((c) => c.type === 'Failed' && c.status === 'True');
      if (failed) return { status: 'Degraded', message: String(failed.message ?? '') };
      if (conditions.some((c) => c.type === 'Complete' && c.status === 'True')) return { status: 'Healthy' };
      return { status: 'Progressing' };
    }
    case 'argoproj.io/Application': {
      const h = status.health as Health | undefined;
      return h?.status ? { status: h.status } : { status: 'Unknown' };
    }
    default:
      return undefined;
  }
}
