/**
 * Gateway API as Argo CD's built-in Lua checks judge it (argo-cd `resource_customizations/gateway.networking.k8s.io/`
 * `{Gateway,GatewayClass,HTTPRoute,GRPCRoute,BackendTLSPolicy}/health.lua`): ResolvedRefs or Accepted
 * False degrade, Programmed not True is still in progress; routes are judged per parent, policies per
 * ancestor.
 */
import { conditions } from './conditions';
import { ipairsTables, isNil, len, lv, s, table } from './lua';
import { health, type Rec, type ResourceHealth } from './types';

/** The first condition of `type` with status False, with its message (or a generic one). */
function failed(list: readonly Rec[], type: string): string | undefined {
  const c = list.find((x) => x.type === type && x.status === 'False');
  return c ? (s(c.message) ?? `Failed condition: ${type}`) : undefined;
}

/** Programmed not True: the message, or the fallback. */
function programming(list: readonly Rec[], fallback: string): string | undefined {
  const c = list.find((x) => x.type === 'Programmed' && x.status !== 'True');
  return c ? (s(c.message) ?? fallback) : undefined;
}

export function gateway(o: Rec): ResourceHealth {
  const status = table(o.status);
  if (status === undefined) return health('Progressing', 'Waiting for Gateway status');
  if (!isNil(status.conditions)) {
    const list = conditions(o);
    const refs = failed(list, 'ResolvedRefs');
    if (refs !== undefined) return health('Degraded', refs);
    const accepted = failed(list, 'Accepted');
    if (accepted !== undefined) return health('Degraded', accepted);
    const pending = programming(list, 'Gateway is still being programmed');
    if (pending !== undefined) return health('Progressing', pending);
  }
  for (const listener of ipairsTables(status.listeners)) {
    if (isNil(listener.conditions)) continue;
    const list = ipairsTables(listener.conditions);
    const refs = failed(list, 'ResolvedRefs');
    if (refs !== undefined) return health('Degraded', `Listener: ${refs}`);
    const accepted = failed(list, 'Accepted');
    if (accepted !== undefined) return health('Degraded', `Listener: ${accepted}`);
    const pending = programming(list, 'Listener is still being programmed');
    if (pending !== undefined) return health('Progressing', `Listener: ${pending}`);
  }
  if (!isNil(status.conditions) || len(status.listeners) > 0) return health('Healthy', 'Gateway is healthy');
  return health('Progressing', 'Waiting for Gateway status');
}

/** GatewayClass: Accepted decides, unless it describes an older generation. */
export function gatewayClass(o: Rec): ResourceHealth {
  const generation = lv(table(o.metadata)?.generation);
  for (const c of conditions(o)) {
    if (c.type !== 'Accepted') continue;
    if (generation !== undefined && !isNil(c.observedGeneration) && lv(c.observedGeneration) !== generation) continue;
    if (c.status === 'True') return health('Healthy', s(c.message) ?? 'GatewayClass is accepted');
    if (c.status === 'False') return health('Degraded', s(c.message) ?? 'GatewayClass is not accepted');
    return health('Progressing', s(c.message) ?? 'Waiting for GatewayClass status');
  }
  return health('Progressing', 'Waiting for GatewayClass status');
}

function route(o: Rec, kind: 'HTTPRoute' | 'GRPCRoute'): ResourceHealth {
  const generation = lv(table(o.metadata)?.generation);
  // HTTPRoute skips parents whose conditions describe an older generation (observedGeneration per condition).
  const observed = (parent: Rec): boolean => {
    if (kind === 'GRPCRoute' || generation === undefined) return true;
    const list = ipairsTables(parent.conditions);
    if (list.length === 0) return false;
    return list.every((c) => isNil(c.observedGeneration) || lv(c.observedGeneration) === generation);
  };
  const parents = ipairsTables(table(o.status)?.parents);
  for (const parent of parents) {
    if (isNil(parent.conditions) || !observed(parent)) continue;
    const list = ipairsTables(parent.conditions);
    const name = s(table(parent.parentRef)?.name) ?? '';
    const refs = failed(list, 'ResolvedRefs');
    if (refs !== undefined) return health('Degraded', `Parent ${name}: ${refs}`);
    const accepted = failed(list, 'Accepted');
    if (accepted !== undefined) return health('Degraded', `Parent ${name}: ${accepted}`);
    const pending = programming(list, 'Route is still being programmed');
    if (pending !== undefined) return health('Progressing', `Parent ${name}: ${pending}`);
  }
  if (parents.some((p) => len(p.conditions) > 0 && observed(p))) return health('Healthy', `${kind} is healthy`);
  return health('Progressing', `Waiting for ${kind} status`);
}

export const httpRoute = (o: Rec): ResourceHealth => route(o, 'HTTPRoute');
export const grpcRoute = (o: Rec): ResourceHealth => route(o, 'GRPCRoute');

/** BackendTLSPolicy: per ancestor, after every ancestor has seen the current generation. */
export function backendTlsPolicy(o: Rec): ResourceHealth {
  let result = health('Progressing', 'Waiting for BackendTLSPolicy status');
  const ancestors = table(o.status)?.ancestors;
  if (isNil(ancestors)) return result;
  const generation = lv(table(o.metadata)?.generation);
  const name = (a: Rec) => s(table(a.ancestorRef)?.name) ?? '';
  if (generation !== undefined) {
    for (const a of ipairsTables(ancestors)) {
      for (const c of ipairsTables(a.conditions)) {
        if (!isNil(c.observedGeneration) && lv(c.observedGeneration) !== generation) {
          return health('Progressing', `Waiting for Ancestor ${name(a)} to update BackendTLSPolicy status`);
        }
      }
    }
  }
  for (const a of ipairsTables(ancestors)) {
    for (const c of ipairsTables(a.conditions)) {
      if (c.type === 'Accepted') {
        if (c.status !== 'True') return health('Degraded', `Ancestor ${name(a)}: ${s(c.message) ?? ''}`);
        result = health('Healthy', 'BackendTLSPolicy is healthy');
      }
      if (c.type === 'ResolvedRefs' && c.status !== 'True') return health('Degraded', `Ancestor ${name(a)}: ${s(c.message) ?? ''}`);
    }
  }
  return result;
}
