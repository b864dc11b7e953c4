/**
 * Per-resource health of Argo CD 3.x apps, computed from the live objects as Argo CD does (Argo CD 3.0
 * stopped persisting `status.resources[].health`; see src/core/argocd/health/assess.ts), including the
 * cluster's own Lua checks from argocd-cm. Views read snapshots from here and never call the cluster
 * (STYLE.md rule 5); composition asks for a load when the user expands an app, and again when the app
 * changes while it stays expanded.
 */
import { assessHealth } from '../argocd/health/assess';
import { NO_CUSTOMIZATIONS, type HealthCustomizations } from '../argocd/health/customizations';
import type { LuaHealthRunner } from '../argocd/health/luaPort';
import { MISSING_HEALTH, type ResourceHealth } from '../argocd/health/types';
import type { Disposable, Event } from '../lifecycle';
import { NewestLoads } from './newestLoads';
import type { App, AppKey, ManagedResource } from '../model/app';
import { describeK8sError, liveReadFailure } from '../kube/k8sFailure';
import type { LiveObjectReader, Logger, ObjectRef } from '../ports';

/** Reads one object as the API server returns it (core/ports LiveObjectReader.get). */
export type LiveObjectLoader = LiveObjectReader['get'];

/**
 * One resource's health: computed (`status`), none because Argo CD has no rule for the kind
 * (`noHealth`, with a `note` when Argo CD has one we do not implement), or not computable, with the
 * reason to show (`unavailable`).
 */
export type ResourceHealthEntry = ResourceHealth | { readonly noHealth: true; readonly note?: string } | { readonly unavailable: string };

export interface ResourceHealthStoreOptions {
  /** Parallel GETs per load (default 8): an app can manage hundreds of objects. */
  readonly concurrency?: number;
  readonly log?: Logger;
  /** The argocd-cm health customizations for an app (cluster, and the namespace its Application lives in). */
  readonly customizations?: (cluster: string, namespace: string) => Promise<HealthCustomizations>;
  /** Runs argocd-cm Lua scripts; without it, a resource a script would judge is Unknown. */
  readonly lua?: LuaHealthRunner;
}

interface AppEntries {
  /** Resource identity per index at the time of the load, so a shifted list never shows a neighbour's health. */
  readonly ids: readonly string[];
  readonly entries: readonly ResourceHealthEntry[];
}

const resourceId = (r: ManagedResource): string => `${r.group}/${r.kind}/${r.namespace}/${r.name}`;

export class ResourceHealthStore implements Disposable {
  private readonly loads = new NewestLoads<AppEntries>();
  /** Fires with the app key after a load of that app finished (or was forgotten). */
  readonly onDidChange: Event<AppKey> = this.loads.onDidChange;

  constructor(
    private readonly loader: LiveObjectLoader,
    private readonly opts: ResourceHealthStoreOptions = {},
  ) {}

  /**
   * The entry for resource `index` of the app, or undefined while it has not been loaded (the view
   * says "health loading…"). A reload keeps the previous entries visible until it completes.
   */
  get(appKey: AppKey, index: number, resource: ManagedResource): ResourceHealthEntry | undefined {
    const e = this.loads.get(appKey);
    if (e === undefined || e.ids[index] !== resourceId(resource)) return undefined;
    return e.entries[index];
  }

  /** Every entry of the app, in `status.resources` order; undefined before the first load completes. */
  entries(appKey: AppKey): readonly ResourceHealthEntry[] | undefined {
    return this.loads.get(appKey)?.entries;
  }

  isLoading(appKey: AppKey): boolean {
    return this.loads.isLoading(appKey);
  }

  /** GETs every managed resource of the app and computes its health; resolves when all are done. */
  async load(app: App): Promise<void> {
    const pending = this.loads.begin(app.key);
    if (!pending) return;
    const resources = app.resources;
    // Read alongside the first GETs, not before them: the checks are needed only once objects arrive.
    const customizations = this.customizationsOf(app);
    const entries: ResourceHealthEntry[] = new Array<ResourceHealthEntry>(resources.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      // A newer load (or forget) stops this one's GETs early.
      while (next < resources.length && pending.current()) {
        const i = next++;
        entries[i] = await this.one(app.cluster, resources[i]!, customizations);
      }
    };
    const width = Math.max(1, Math.min(this.opts.concurrency ?? 8, resources.length));
    await Promise.all(Array.from({ length: width }, worker));
    pending.finish({ ids: resources.map(resourceId), entries });
  }

  /** Drops what is known of the app (it was removed); a load in flight is discarded. */
  forget(appKey: AppKey): void {
    this.loads.forget(appKey);
  }

  dispose(): void {
    this.loads.dispose();
  }

  private async customizationsOf(app: App): Promise<HealthCustomizations> {
    if (!this.opts.customizations) return NO_CUSTOMIZATIONS;
    try {
      return await this.opts.customizations(app.cluster, app.namespace);
    } catch (err) {
      this.opts.log?.warn(`[ResourceHealthStore][customizationsOf] ${app.key}: ${err instanceof Error ? err.message : String(err)}`);
      return NO_CUSTOMIZATIONS;
    }
  }

  private async one(cluster: string, r: ManagedResource, customizationsOf: Promise<HealthCustomizations>): Promise<ResourceHealthEntry> {
    const where = `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
    // Argo CD always records `version` in status.resources; without it there is no URL to GET.
    if (!r.version) return { unavailable: `no API version recorded for ${where}` };
    const ref: ObjectRef = { apiVersion: r.group ? `${r.group}/${r.version}` : r.version, kind: r.kind, namespace: r.namespace, name: r.name };
    try {
      const live = await this.loader(cluster, ref);
      const customizations = await customizationsOf;
      const verdict = await assessHealth(live, { customizations, ...(this.opts.lua ? { lua: this.opts.lua } : {}) });
      if (verdict.health) return verdict.health;
      return verdict.note ? { noHealth: true, note: verdict.note } : { noHealth: true };
    } catch (err) {
      const failure = liveReadFailure(err);
      // A managed object that does not exist live is Missing in Argo CD (gitops-engine HealthStatusMissing).
      if (failure.kind === 'absent') return MISSING_HEALTH;
      if (failure.kind === 'k8s' && failure.error.code === 'Forbidden') return { unavailable: `no access to ${where}` };
      this.opts.log?.debug(`[ResourceHealthStore][one] GET ${where} on ${cluster} failed: ${err instanceof Error ? err.message : String(err)}`);
      const why = failure.kind === 'k8s' ? describeK8sError(failure.error, failure.status) : err instanceof Error ? err.message : String(err);
      return { unavailable: `could not read ${where}: ${why}` };
    }
  }
}
