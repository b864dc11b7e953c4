/**
 * "An app seen both ways appears once (API preferred for health)" (issue 16), kept up to date: after
 * every AppStore change, the Argo CD Applications of every cluster go through merge.ts `preferApi`
 * with their uid (the object's `metadata.uid`), which copy came through Argo CD's API, and whether its
 * connection is live. The views hide the copies replaced; commands on either copy can find the shown
 * one. Recomputed over the Applications only (a few thousand at most): microseconds per change.
 */
import { DisposableStore, Emitter, type Disposable, type Event } from '../../lifecycle';
import type { AppKey } from '../../model/app';
import { countApp, type AppStore, type Totals } from '../../store/appStore';
import { preferApi, type SeenApp } from './merge';

export class ApiPreferredApps implements Disposable {
  private readonly disposables = new DisposableStore();
  private readonly _onDidChange = this.disposables.add(new Emitter<void>());
  /** The set of hidden copies changed. */
  readonly onDidChange: Event<void> = this._onDidChange.event;
  private replaced: ReadonlyMap<AppKey, AppKey> = new Map();

  constructor(
    private readonly apps: AppStore,
    /** Whether a cluster is an Argo CD server reached through its API (not a kubeconfig context). */
    private readonly isApi: (cluster: string) => boolean,
  ) {
    apps.onDidChange(() => this.recompute(), this, this.disposables);
  }

  /** The copy is shown elsewhere (through the other path): views leave it out. */
  hidden(key: AppKey): boolean {
    return this.replaced.has(key);
  }

  /** The key of the copy shown in place of `key` (itself when it is shown). */
  shown(key: AppKey): AppKey {
    return this.replaced.get(key) ?? key;
  }

  /**
   * AppStore.totals with every hidden copy taken out: an app seen through a kubeconfig context and
   * through the API counts once, as the Applications view lists it once (the status bar's numbers).
   */
  totals(): Totals {
    const t = { ...this.apps.totals() };
    for (const key of this.replaced.keys()) {
      const app = this.apps.get(key);
      if (app !== undefined && this.apps.status(app.cluster).enabled) countApp(t, app, -1);
    }
    return t;
  }

  /** Recomputes now (also on every AppStore change); fires when the hidden set changed. */
  recompute(): void {
    const clusters = this.apps.clusterNames();
    // Copies need both paths: with API servers only, or kubeconfig contexts only, nothing is merged.
    const both = clusters.some((c) => this.isApi(c)) && clusters.some((c) => !this.isApi(c));
    const seen: SeenApp[] = [];
    for (const app of both ? this.apps.all() : []) {
      if (app.tool !== 'argocd' || app.kind !== 'Application') continue;
      // A disabled cluster's copies are listed nowhere: they must not hide the other path's copy.
      if (!this.apps.status(app.cluster).enabled) continue;
      seen.push({
        app,
        via: this.isApi(app.cluster) ? 'argocd-api' : 'kubeconfig',
        uid: this.apps.uid(app.key),
        live: this.apps.status(app.cluster).connection.phase === 'ready',
      });
    }
    const next = preferApi(seen).replacedBy;
    if (!sameMap(next, this.replaced)) {
      this.replaced = next;
      this._onDidChange.fire();
    }
  }

  dispose(): void {
    this.disposables.dispose();
  }
}

function sameMap(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
