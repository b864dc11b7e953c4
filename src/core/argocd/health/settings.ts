/**
 * The health customizations of each connected cluster's Argo CD, read from its `argocd-cm` ConfigMap
 * when an app's resource health is first needed, and kept per cluster and namespace until
 * `invalidate` (composition calls it on refresh and when the user expands an app again). Argo CD reads
 * argocd-cm from its own namespace; Applications usually live there too, and when an app lives in
 * another namespace (apps in any namespace) we fall back to `argocd`.
 */
import type { Logger } from '../../ports';
import { NO_CUSTOMIZATIONS, parseHealthCustomizations, type HealthCustomizations } from './customizations';

/** GETs a ConfigMap; rejects with the API server's status as `code` or `statusCode` (404 when absent). */
export type ConfigMapLoader = (cluster: string, namespace: string, name: string) => Promise<unknown>;

const DEFAULT_NAMESPACE = 'argocd';

export class HealthSettingsCache {
  private readonly entries = new Map<string, Promise<HealthCustomizations>>();

  constructor(
    private readonly loader: ConfigMapLoader,
    private readonly log?: Logger,
  ) {}

  /** The customizations of the Argo CD whose Applications live in `namespace` on `cluster`. */
  get(cluster: string, namespace: string): Promise<HealthCustomizations> {
    const key = `${cluster}\u0000${namespace}`;
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = this.read(cluster, namespace);
      this.entries.set(key, entry);
    }
    return entry;
  }

  /** Forgets what was read (of one cluster, or of all): the next `get` reads argocd-cm again. */
  invalidate(cluster?: string): void {
    if (cluster === undefined) this.entries.clear();
    else for (const key of [...this.entries.keys()]) if (key.startsWith(`${cluster}\u0000`)) this.entries.delete(key);
  }

  private async read(cluster: string, namespace: string): Promise<HealthCustomizations> {
    for (const ns of namespace === DEFAULT_NAMESPACE || namespace === '' ? [DEFAULT_NAMESPACE] : [namespace, DEFAULT_NAMESPACE]) {
      try {
        const cm = await this.loader(cluster, ns, 'argocd-cm');
        const parsed = parseHealthCustomizations(cm);
        for (const p of parsed.problems) this.log?.warn(`[HealthSettingsCache][read] argocd-cm in ${ns} on ${cluster}: ${p}`);
        if (parsed.scripts.size > 0) this.log?.info(`[HealthSettingsCache][read] ${parsed.scripts.size} custom health check(s) from argocd-cm in ${ns} on ${cluster}`);
        return parsed;
      } catch (err) {
        const status = statusOf(err);
        if (status === 404) continue;
        const why = status === 403 ? 'no access' : status !== undefined ? `HTTP ${status}` : err instanceof Error ? err.message : String(err);
        this.log?.warn(`[HealthSettingsCache][read] cannot read argocd-cm in ${ns} on ${cluster} (${why}): the cluster's custom health checks are not applied`);
        return { scripts: new Map(), problems: [`argocd-cm in ${ns}: ${why}`] };
      }
    }
    return NO_CUSTOMIZATIONS;
  }
}

function statusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; statusCode?: unknown };
  return typeof e.code === 'number' ? e.code : typeof e.statusCode === 'number' ? e.statusCode : undefined;
}
