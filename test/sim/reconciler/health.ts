/**
 * Resource health in the simulated Argo CD is a fact the simulation is told, never computed: the
 * simulator must not share the product's health rules (src/core/argocd/health), or a bug there could
 * never fail a test. Whoever starts the reconciler says which live objects have which health
 * (`ReconcilerOptions.health`); an object nobody said anything about has no health, like a ConfigMap.
 * The app's health is the worst of its resources', in Argo CD's order (Healthy < Suspended <
 * Progressing < Missing < Degraded < Unknown), written out here on its own.
 */
import type { KubeObject } from '../k8s/types';

export type HealthStatus = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';

export interface Health {
  status: HealthStatus;
  message?: string;
}

/** The health the simulated controller reports for a live object, or undefined for none. */
export type HealthFacts = (live: KubeObject) => Health | undefined;

export const NO_HEALTH_FACTS: HealthFacts = () => undefined;

/** Facts by identity: `group/kind/namespace/name` (group '' for the core group). */
export function healthFactsByKey(facts: ReadonlyMap<string, Health>): HealthFacts {
  return (live) => facts.get(factKey(live));
}

export function factKey(o: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): string {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  return `${group}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

const ORDER: readonly HealthStatus[] = ['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded', 'Unknown'];

export function worst(a: HealthStatus, b: HealthStatus): HealthStatus {
  return ORDER.indexOf(b) > ORDER.indexOf(a) ? b : a;
}
