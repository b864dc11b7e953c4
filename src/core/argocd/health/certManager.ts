/**
 * cert-manager as Argo CD's built-in Lua checks judge it (argo-cd `resource_customizations/cert-manager.io/`
 * `{Certificate,Issuer,ClusterIssuer}/health.lua`). Argo CD has no check for CertificateRequest (nor
 * Order or Challenge), so neither do we.
 */
import { conditions, firstConditionDecides } from './conditions';
import { s } from './lua';
import { health, type Rec, type ResourceHealth } from './types';

/** A certificate being issued (Issuing=True) is Progressing whatever Ready says; then Ready decides. */
export function certificate(o: Rec): ResourceHealth {
  const issuing = conditions(o).find((c) => c.type === 'Issuing' && c.status === 'True');
  if (issuing) return health('Progressing', s(issuing.message));
  return firstConditionDecides(o, 'Ready', 'Waiting for certificate');
}

export const issuer = (o: Rec): ResourceHealth => firstConditionDecides(o, 'Ready', 'Initializing issuer');
export const clusterIssuer = (o: Rec): ResourceHealth => firstConditionDecides(o, 'Ready', 'Initializing ClusterIssuer');
