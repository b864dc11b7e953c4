/**
 * Cluster API as Argo CD's built-in Lua checks judge it (argo-cd `resource_customizations/cluster.x-k8s.io/`
 * `{Cluster,Machine,MachineDeployment,MachineHealthCheck,MachinePool}/health.lua`,
 * `addons.cluster.x-k8s.io/ClusterResourceSet/health.lua`,
 * `controlplane.cluster.x-k8s.io/AWSManagedControlPlane/health.lua`).
 */
import { conditions } from './conditions';
import { isNil, luaTruthy, lv, s, table } from './lua';
import { health, type Rec, type ResourceHealth } from './types';
import type { HealthStatus } from '../../model/app';

const phaseOf = (o: Rec): unknown => lv(table(o.status)?.phase);

/** Cluster: paused, then the phase, then a failing Ready condition (severity Info is normal provisioning). */
export function cluster(o: Rec): ResourceHealth {
  if (luaTruthy(table(o.spec)?.paused)) return health('Suspended', 'Cluster is paused');
  let status: HealthStatus = 'Progressing';
  let message: string | undefined = 'Waiting for clusters';
  const phase = phaseOf(o);
  if (phase === 'Provisioned') [status, message] = ['Healthy', 'Cluster is running'];
  if (phase === 'Failed') [status, message] = ['Degraded', ''];
  const failing = conditions(o).find((c) => c.type === 'Ready' && c.status === 'False' && c.severity !== 'Info');
  if (failing) [status, message] = ['Degraded', s(failing.message)];
  return health(status, message);
}

/** Machine: Running is Healthy; otherwise the failing Ready condition explains. */
export function machine(o: Rec): ResourceHealth {
  const phase = phaseOf(o);
  if (phase === 'Running') return health('Healthy', 'Machine is running');
  const ready = conditions(o).find((c) => c.type === 'Ready' && c.status === 'False');
  const message = ready ? s(ready.message) : 'Condition is unknown';
  return health(phase === 'Failed' ? 'Degraded' : 'Progressing', message);
}

export function machineDeployment(o: Rec): ResourceHealth {
  if (luaTruthy(table(o.spec)?.paused)) return health('Suspended', 'MachineDeployment is paused');
  switch (phaseOf(o)) {
    case 'Running':
      return health('Healthy', 'Machines are running under this deployment');
    case 'ScalingUp':
      return health('Progressing', 'Cluster is spawning machines');
    case 'ScalingDown':
      return health('Progressing', 'Cluster is stopping machines');
    case 'Failed':
      return health('Degraded', 'MachineDeployment is failed');
    default:
      return health('Progressing', 'Waiting for machines');
  }
}

/** MachineHealthCheck: every expected machine healthy. */
export function machineHealthCheck(o: Rec): ResourceHealth {
  const status = table(o.status);
  if (status === undefined || isNil(status.currentHealthy)) return health('Progressing');
  return health(lv(status.expectedMachines) === lv(status.currentHealthy) ? 'Healthy' : 'Degraded');
}

/** MachinePool: the phase, with every False condition listed. */
export function machinePool(o: Rec): ResourceHealth {
  let status: HealthStatus = 'Progressing';
  let message = '';
  const phase = phaseOf(o);
  if (typeof phase === 'string') {
    message = `MachinePool is ${phase}`;
    if (phase === 'Running' || phase === 'Scaling') status = 'Healthy';
    if (phase === 'Failed' || phase === 'Unknown') status = 'Degraded';
  }
  const notes = conditions(o)
    .filter((c) => !isNil(c.type) && c.status === 'False')
    .map((c) => `Not ${s(c.type) ?? ''}${typeof c.reason === 'string' ? ` (${c.reason})` : ''}`);
  if (notes.length > 0) message = `${message}: ${notes.join(', ')}`;
  return health(status, message);
}

export function clusterResourceSet(o: Rec): ResourceHealth {
  for (const c of conditions(o)) {
    if (c.type === 'ResourcesApplied' && c.status === 'True') return health('Healthy', 'cluster resource set is applied');
    if (c.type === 'ResourcesApplied' && c.status === 'False') return health('Degraded', s(c.message));
  }
  return health('Progressing', 'Initializing cluster resource set');
}

/** AWSManagedControlPlane (CAPA): stale spec, terminal failure, updating, Ready, Error-severity conditions. */
export function awsManagedControlPlane(o: Rec): ResourceHealth {
  const status = table(o.status);
  if (status === undefined) return health('Progressing', 'Provisioning...');
  const generation = lv(table(o.metadata)?.generation);
  if (generation !== undefined && !isNil(status.observedGeneration) && lv(status.observedGeneration) !== generation) {
    return health('Progressing', 'Waiting for the control plane spec to be reconciled');
  }
  if (typeof status.failureMessage === 'string' && status.failureMessage !== '') return health('Degraded', status.failureMessage);
  if (isNil(status.conditions)) return health('Progressing', 'Provisioning...');
  const list = conditions(o);
  if (list.some((c) => c.type === 'EKSControlPlaneUpdating' && c.status === 'True')) return health('Progressing', 'EKS control plane is updating');
  let errors = '';
  let degraded = false;
  for (const c of list) {
    if (c.type === 'Ready' && c.status === 'True') return health('Healthy', 'Control plane is ready');
    if (c.status === 'False' && c.severity === 'Error') {
      degraded = true;
      errors += `${s(c.message) ?? ''} `;
    }
  }
  if (degraded) return health('Degraded', errors);
  if (status.ready === false) return health('Progressing', 'Control plane is not ready (.status.ready is false)');
  return health('Progressing', 'Control plane is not ready');
}
