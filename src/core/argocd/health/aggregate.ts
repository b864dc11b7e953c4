/**
 * An Application's health from its resources' health, as Argo CD's controller aggregates it (argo-cd
 * `controller/health.go` `setApplicationHealth`, `formatHealthCauses`): hooks and resources annotated
 * `argocd.argoproj.io/ignore-healthcheck: "true"` do not count, a missing resource does not lower the
 * app (OutOfSync already says it) unless every resource is missing, and a child Application counts only
 * with a health of its own other than Missing or Unknown (Argo CD ≥ 1.8 gives Applications no health
 * unless argocd-cm restores it, argoproj/argo-cd#3781).
 */
import type { HealthStatus } from '../../model/app';
import { isHook } from './builtin';
import { rec, worseHealth, type ResourceHealth } from './types';

export interface AggregateItem {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** The live object; undefined when it does not exist. */
  readonly live?: unknown;
  /** The desired object from Git, when known (a `Skip` hook there does not count). */
  readonly target?: unknown;
  /** The resource's health; undefined for kinds without one. */
  readonly health: ResourceHealth | undefined;
}

export interface AppHealth {
  readonly status: HealthStatus;
  /** "Caused by apps/Deployment:shop/web, …" when not Healthy. */
  readonly message?: string;
}

const MAX_CAUSES = 3;

export function aggregateApplicationHealth(items: readonly AggregateItem[], app?: { readonly name: string; readonly namespace: string }): AppHealth {
  let status: HealthStatus = 'Healthy';
  let causes: AggregateItem[] = [];
  let containsResources = false;
  let containsLive = false;
  for (const item of items) {
    if (item.target !== undefined && onlySkipHook(item.target)) continue;
    if (item.live !== undefined && isHook(rec(item.live))) continue;
    containsResources = true;
    if (item.live !== undefined) containsLive = true;
    if (item.live !== undefined && rec(rec(rec(item.live).metadata).annotations)['argocd.argoproj.io/ignore-healthcheck'] === 'true') continue;
    const h: ResourceHealth | undefined = item.live === undefined ? { status: 'Missing' } : item.health;
    // An app that manages itself does not affect its own health.
    if (item.live !== undefined && app && item.group === 'argoproj.io' && item.kind === 'Application' && item.name === app.name && item.namespace === app.namespace) continue;
    if (h === undefined) continue;
    if (item.live === undefined && h.status === 'Missing') continue;
    if (item.group === 'argoproj.io' && item.kind === 'Application' && (h.status === 'Missing' || h.status === 'Unknown')) continue;
    if (worseHealth(status, h.status) !== status) {
      status = h.status;
      causes = [item];
    } else if (status === h.status && status !== 'Healthy') {
      causes.push(item);
    }
  }
  if (containsResources && !containsLive && worseHealth(status, 'Missing') !== status) return { status: 'Missing' };
  return causes.length === 0 ? { status } : { status, message: causedBy(causes) };
}

/** gitops-engine `hook.Skip` on the desired object: its hook annotation says only `Skip`. */
function onlySkipHook(target: unknown): boolean {
  const a = rec(rec(rec(target).metadata).annotations)['argocd.argoproj.io/hook'];
  if (typeof a !== 'string') return false;
  const types = [...new Set(a.split(',').map((t) => t.trim()).filter((t) => ['PreSync', 'Sync', 'PostSync', 'SyncFail', 'Skip'].includes(t)))];
  return types.length === 1 && types[0] === 'Skip';
}

function causedBy(causes: readonly AggregateItem[]): string {
  const parts = causes.slice(0, MAX_CAUSES).map((c) => `${c.group ? `${c.group}/` : ''}${c.kind}:${c.namespace ? `${c.namespace}/` : ''}${c.name}`);
  const more = causes.length > MAX_CAUSES ? ` and ${causes.length - MAX_CAUSES} more` : '';
  return `Caused by ${parts.join(', ')}${more}`;
}
