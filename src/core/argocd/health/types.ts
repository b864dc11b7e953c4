/**
 * Vocabulary of per-resource health as Argo CD computes it (argo-cd `gitops-engine/pkg/health/health.go`,
 * `HealthStatus` and `IsWorse`), and the small readers every rule uses on objects that came from
 * outside: malformed fields read as absent, never throw.
 */
import { HEALTH_STATUSES, type HealthStatus } from '../../model/app';

export interface ResourceHealth {
  readonly status: HealthStatus;
  /** Absent and '' mean the same (gitops-engine serialises `message,omitempty`). */
  readonly message?: string;
}

/** What Argo CD shows for a managed resource that does not exist live (gitops-engine `HealthStatusMissing`). */
export const MISSING_HEALTH: ResourceHealth = { status: 'Missing', message: 'resource does not exist in the cluster' };

/** gitops-engine's `healthOrder`, most to least healthy: `IsWorse` compares positions in it. */
const ORDER: readonly HealthStatus[] = ['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded', 'Unknown'];

/** The worse of two states (gitops-engine `IsWorse`); on a tie, the first. */
export function worseHealth(a: HealthStatus, b: HealthStatus): HealthStatus {
  return ORDER.indexOf(b) > ORDER.indexOf(a) ? b : a;
}

/** argo-cd `util/lua/lua.go` `isValidHealthStatusCode`. */
export function isHealthStatus(v: unknown): v is HealthStatus {
  return typeof v === 'string' && (HEALTH_STATUSES as readonly string[]).includes(v);
}

/** A health with its message, dropping an empty or absent one. */
export function health(status: HealthStatus, message?: string | null): ResourceHealth {
  return typeof message === 'string' && message !== '' ? { status, message } : { status };
}

export type Rec = Record<string, unknown>;
import { recordOf, recordsOf, stringOf } from '../../json';
export const rec = recordOf;
export const recs = recordsOf;
export const str = stringOf;
/** An integer field as Go's typed conversion reads it: absent or malformed is 0. */
export const int = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
/** A pointer field (`*int32`): absent is undefined. */
export const optInt = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The parts of an object's identity the rules dispatch on. */
export interface ObjectIdentity {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export function identityOf(live: Rec): ObjectIdentity {
  const apiVersion = str(live.apiVersion);
  const slash = apiVersion.indexOf('/');
  return {
    group: slash < 0 ? '' : apiVersion.slice(0, slash),
    version: slash < 0 ? apiVersion : apiVersion.slice(slash + 1),
    kind: str(live.kind),
  };
}

/** `group/kind`, or `kind` for the core group: argo-cd `util/lua/lua.go` `GetConfigMapKey`. */
export function groupKindKey(id: { readonly group: string; readonly kind: string }): string {
  return id.group === '' ? id.kind : `${id.group}/${id.kind}`;
}

/**
 * Lua's `tonumber` on a JSON value: numbers as they are, numeric strings (decimal, hexadecimal,
 * exponent, surrounding spaces) parsed, anything else nil. Argo Rollouts' check relies on a hash in
 * `observedGeneration` reading as nil.
 */
export function luaToNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (/^[-+]?0[xX][0-9a-fA-F]+$/.test(s)) return parseInt(s, 16);
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return Number(s);
  return undefined;
}
