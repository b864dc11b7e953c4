/**
 * The settings of each connected cluster's Argo CD, read from its `argocd-cm` ConfigMap once per
 * cluster and namespace (one GET serves both readers) and kept until `invalidate` (composition calls
 * it on refresh and when the user expands an app again):
 * - health customizations (core/argocd/health/customizations.ts) for resource health;
 * - diff settings (diffSettings.ts: system-level ignoreDifferences, resource.compareoptions) for the
 *   drift lenses.
 * Argo CD reads argocd-cm from its own namespace; Applications usually live there too, and when an app
 * lives in another namespace (apps in any namespace) we fall back to `argocd`.
 */
import { Emitter, type Event } from '../../lifecycle';
import type { Logger } from '../../ports';
import { DEFAULT_DIFF_SETTINGS, type DiffSettings } from '../../drift/settings';
import { NO_CUSTOMIZATIONS, parseHealthCustomizations, type HealthCustomizations } from '../health/customizations';
import { parseDiffSettings } from './diffSettings';

/** GETs a ConfigMap; rejects with the API server's status as `code` or `statusCode` (404 when absent). */
export type ConfigMapLoader = (cluster: string, namespace: string, name: string) => Promise<unknown>;

export interface ArgoCdSettings {
  readonly health: HealthCustomizations;
  readonly diff: DiffSettings;
}

const DEFAULT_NAMESPACE = 'argocd';
const NONE: ArgoCdSettings = { health: NO_CUSTOMIZATIONS, diff: DEFAULT_DIFF_SETTINGS };

export class ArgoCdSettingsCache {
  private readonly entries = new Map<string, Promise<ArgoCdSettings>>();
  /** What a finished read gave, for synchronous readers (the lenses). */
  private readonly done = new Map<string, ArgoCdSettings>();
  private readonly _onDidRead = new Emitter<string>();
  /** Fires with the cluster whose argocd-cm was just read (its diff settings may have changed). */
  readonly onDidRead: Event<string> = this._onDidRead.event;

  constructor(
    private readonly loader: ConfigMapLoader,
    private readonly log?: Logger,
  ) {}

  /** The health customizations of the Argo CD whose Applications live in `namespace` on `cluster`. */
  async health(cluster: string, namespace: string): Promise<HealthCustomizations> {
    return (await this.settings(cluster, namespace)).health;
  }

  /** The diff settings of that Argo CD. */
  async diff(cluster: string, namespace: string): Promise<DiffSettings> {
    return (await this.settings(cluster, namespace)).diff;
  }

  /**
   * The diff settings if already read; otherwise undefined, and the read starts (`onDidRead` fires
   * when it ends). For readers that must not wait (the lenses compare synchronously).
   */
  diffNow(cluster: string, namespace: string): DiffSettings | undefined {
    const key = keyOf(cluster, namespace);
    const got = this.done.get(key);
    if (got) return got.diff;
    void this.settings(cluster, namespace);
    return undefined;
  }

  /** Forgets what was read (of one cluster, or of all): the next reader reads argocd-cm again. */
  invalidate(cluster?: string): void {
    for (const map of [this.entries, this.done] as Map<string, unknown>[]) {
      if (cluster === undefined) map.clear();
      else for (const key of [...map.keys()]) if (key.startsWith(`${cluster}\u0000`)) map.delete(key);
    }
  }

  dispose(): void {
    this._onDidRead.dispose();
  }

  private settings(cluster: string, namespace: string): Promise<ArgoCdSettings> {
    const key = keyOf(cluster, namespace);
    let entry = this.entries.get(key);
    if (entry === undefined) {
      const read = this.read(cluster, namespace).then((s) => {
        if (this.entries.get(key) === read) {
          this.done.set(key, s);
          this._onDidRead.fire(cluster);
        }
        return s;
      });
      entry = read;
      this.entries.set(key, entry);
    }
    return entry;
  }

  private async read(cluster: string, namespace: string): Promise<ArgoCdSettings> {
    for (const ns of namespace === DEFAULT_NAMESPACE || namespace === '' ? [DEFAULT_NAMESPACE] : [namespace, DEFAULT_NAMESPACE]) {
      try {
        const cm = await this.loader(cluster, ns, 'argocd-cm');
        const health = parseHealthCustomizations(cm);
        const diff = parseDiffSettings(cm);
        for (const p of [...health.problems, ...diff.problems]) this.log?.warn(`[ArgoCdSettingsCache][read] argocd-cm in ${ns} on ${cluster}: ${p}`);
        if (health.scripts.size > 0) this.log?.info(`[ArgoCdSettingsCache][read] ${health.scripts.size} custom health check(s) from argocd-cm in ${ns} on ${cluster}`);
        if (diff.settings.ignore.length > 0) this.log?.info(`[ArgoCdSettingsCache][read] ${diff.settings.ignore.length} system-level ignoreDifferences rule(s) from argocd-cm in ${ns} on ${cluster}`);
        return { health, diff: diff.settings };
      } catch (err) {
        const status = statusOf(err);
        if (status === 404) continue;
        const why = status === 403 ? 'no access' : status !== undefined ? `HTTP ${status}` : err instanceof Error ? err.message : String(err);
        this.log?.warn(`[ArgoCdSettingsCache][read] cannot read argocd-cm in ${ns} on ${cluster} (${why}): the cluster's custom health checks and ignoreDifferences are not applied`);
        return { health: { scripts: new Map(), problems: [`argocd-cm in ${ns}: ${why}`] }, diff: DEFAULT_DIFF_SETTINGS };
      }
    }
    return NONE;
  }
}

const keyOf = (cluster: string, namespace: string): string => `${cluster}\u0000${namespace}`;

function statusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; statusCode?: unknown };
  return typeof e.code === 'number' ? e.code : typeof e.statusCode === 'number' ? e.statusCode : undefined;
}
