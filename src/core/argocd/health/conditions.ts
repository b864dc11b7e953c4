/**
 * The shape most of Argo CD's built-in Lua checks share (argo-cd `resource_customizations/<group>/<kind>/health.lua`):
 * walk `status.conditions` in order; the first condition of one type decides — False is Degraded, True
 * is Healthy, each with that condition's message — and without one the resource is Progressing with a
 * fixed message. cert-manager, External Secrets, Sealed Secrets and others differ only in the type and
 * the waiting message.
 */
import { ipairsTables, s, table } from './lua';
import { health, type Rec, type ResourceHealth } from './types';

export function conditions(o: Rec): Rec[] {
  return ipairsTables(table(o.status)?.conditions);
}

export function firstConditionDecides(o: Rec, type: string, waiting: string): ResourceHealth {
  for (const c of conditions(o)) {
    if (c.type === type && c.status === 'False') return health('Degraded', s(c.message));
    if (c.type === type && c.status === 'True') return health('Healthy', s(c.message));
  }
  return health('Progressing', waiting);
}
