/**
 * The simulator's Argo CD controller computes resource health with the extension's own rules
 * (src/core/argocd/resourceHealth.ts, a port of gitops-engine pkg/health), so there is one copy.
 */
export type { HealthStatus } from '../../../src/core/model/app';
export {
  liveResourceHealth as healthOf,
  worseHealth as worst,
  type ResourceHealth as Health,
} from '../../../src/core/argocd/resourceHealth';
