/**
 * One object's health as Argo CD computes it (argo-cd `gitops-engine/pkg/health/health.go`
 * `GetResourceHealth` with the health override of `util/lua/lua.go` `ResourceHealthOverrides`):
 *
 * 1. an object being deleted (and not held by Argo CD's hook finalizer) is Progressing, "Pending deletion";
 * 2. a Lua script from argocd-cm for its group/kind decides (an error is Unknown with the error);
 * 3. Argo CD's built-in checks: the Lua ones we re-express (rules.ts), then gitops-engine's (builtin.ts);
 * 4. otherwise it has no health.
 */
import { isRecord } from '../../json';
import { healthScriptFor, type HealthCustomizations } from './customizations';
import type { LuaHealthRunner, LuaRunResult } from './luaPort';
import { builtinRule, isUncoveredArgoCdCheck } from './rules';
import { health, identityOf, isHealthStatus, rec, type ObjectIdentity, type Rec, type ResourceHealth } from './types';

export interface HealthVerdict {
  /** Undefined: the object has no health (as a ConfigMap in Argo CD). */
  readonly health: ResourceHealth | undefined;
  /** What decided, for the CLI: `built-in`, `argocd-cm`, `deletion`, or `none`. */
  readonly via: 'built-in' | 'argocd-cm' | 'deletion' | 'none';
  /** The rule family (`cert-manager`, `Kubernetes (gitops-engine)`), or the argocd-cm key. */
  readonly rule?: string;
  /** Said when we know Argo CD would show a health that we cannot compute. */
  readonly note?: string;
}

export interface AssessOptions {
  readonly customizations?: HealthCustomizations;
  readonly lua?: LuaHealthRunner;
}

const HOOK_FINALIZER = 'argocd.argoproj.io/hook-finalizer';
const PENDING_DELETION: ResourceHealth = { status: 'Progressing', message: 'Pending deletion' };

/** Steps 1, 3 and 4: everything but argocd-cm scripts; synchronous. */
export function builtinVerdict(live: unknown): HealthVerdict {
  if (!isRecord(live)) return { health: undefined, via: 'none' };
  if (beingDeleted(live)) return { health: PENDING_DELETION, via: 'deletion' };
  return builtinOnly(live, identityOf(live));
}

/** Health of a live object with Argo CD's built-in rules only, or undefined when it has none. */
export function liveResourceHealth(live: unknown): ResourceHealth | undefined {
  return builtinVerdict(live).health;
}

/** The full assessment, running an argocd-cm script when one applies. */
export async function assessHealth(live: unknown, opts: AssessOptions = {}): Promise<HealthVerdict> {
  if (!isRecord(live)) return { health: undefined, via: 'none' };
  if (beingDeleted(live)) return { health: PENDING_DELETION, via: 'deletion' };
  const id = identityOf(live);
  const script = opts.customizations ? healthScriptFor(opts.customizations, id) : undefined;
  if (script) {
    if (!opts.lua) return { health: { status: 'Unknown', message: `${script.origin}: no Lua runtime to run the health script` }, via: 'argocd-cm', rule: script.origin };
    const result = await opts.lua.run(script.lua, live, { openLibs: script.openLibs });
    const h = interpretLua(result);
    // A script that returns nothing leaves the object without health, as in Argo CD (an empty HealthStatus).
    return { health: h, via: 'argocd-cm', rule: script.origin };
  }
  return builtinOnly(live, id);
}

function builtinOnly(live: Rec, id: ObjectIdentity): HealthVerdict {
  const rule = builtinRule(id);
  if (rule) {
    const h = rule.check(live, id);
    return { health: h && validated(h), via: 'built-in', rule: rule.family };
  }
  if (isUncoveredArgoCdCheck(id)) {
    return { health: undefined, via: 'none', note: `Argo CD judges ${id.group}/${id.kind} with a built-in Lua check that GitOps Lens does not implement` };
  }
  return { health: undefined, via: 'none' };
}

/** A rule's verdict passes the same validation as a Lua result (lua.go `isValidHealthStatusCode`). */
function validated(h: ResourceHealth): ResourceHealth {
  return isHealthStatus(h.status) ? h : { status: 'Unknown', message: 'Lua returned an invalid health status' };
}

function beingDeleted(live: Rec): boolean {
  const meta = rec(live.metadata);
  if (meta.deletionTimestamp === undefined || meta.deletionTimestamp === null) return false;
  const finalizers = Array.isArray(meta.finalizers) ? meta.finalizers : [];
  return !finalizers.includes(HOOK_FINALIZER);
}

/**
 * lua.go `ExecuteHealthLua`: a table with a valid `status` is the health; nil or an empty table is no
 * health; anything else, or an error, is Unknown with a message saying why.
 */
export function interpretLua(result: LuaRunResult): ResourceHealth | undefined {
  if (!result.ok) return { status: 'Unknown', message: result.error };
  if (result.type === 'nil') return undefined;
  if (result.type !== 'table') return { status: 'Unknown', message: `expect table output from Lua script, not ${result.type}` };
  const v = result.value;
  // An empty table encodes as a JSON array, which Argo CD reads as an empty health.
  if (Array.isArray(v)) return undefined;
  if (!isRecord(v)) return { status: 'Unknown', message: 'expect table output from Lua script' };
  const status = v.status;
  const message = v.message;
  if (status !== undefined && status !== null && typeof status !== 'string') return { status: 'Unknown', message: `the health script returned a ${typeof status} as status` };
  if (message !== undefined && message !== null && typeof message !== 'string') return { status: 'Unknown', message: `the health script returned a ${typeof message} as message` };
  if (!isHealthStatus(status)) return { status: 'Unknown', message: 'Lua returned an invalid health status' };
  return health(status, message);
}
