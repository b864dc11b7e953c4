/**
 * Starts and stops cluster watches as the ClusterStore snapshot changes: one DisposableStore per
 * cluster connection, disposed when the context disappears, is disabled, or its server/user changes
 * (then restarted) — STYLE.md rule 2. Nothing connects before `activate()`, which composition calls
 * when a GitOps view becomes visible or a command needs the clusters, so activation stays cheap.
 */
import { DisposableStore, toDisposable, type Disposable } from '../core/lifecycle';
import type { ClusterSource, Logger } from '../core/ports';
import type { AppStore } from '../core/store/appStore';
import type { ClusterEntry, ClusterStore } from '../core/store/clusterStore';

export class ClusterConnections implements Disposable {
  private readonly disposables = new DisposableStore();
  private readonly scopes = new Map<string, { readonly fingerprint: string; readonly scope: DisposableStore }>();
  private source: ClusterSource | undefined;
  private active = false;

  constructor(
    private readonly clusters: ClusterStore,
    private readonly apps: AppStore,
    private readonly createSource: () => ClusterSource & Disposable,
    private readonly log: Logger,
  ) {
    clusters.onDidChange(() => this.sync(), this, this.disposables);
  }

  get isActive(): boolean {
    return this.active;
  }

  /** The enabled clusters while connected (none before `activate()`): whom schemas may be asked from. */
  connectedClusters(): string[] {
    return this.active ? this.clusters.snapshot.clusters.filter((c) => c.enabled).map((c) => c.name) : [];
  }

  /** Connects to every enabled cluster; idempotent. */
  activate(): void {
    if (this.active || this.disposables.isDisposed) return;
    this.active = true;
    const source = this.disposables.add(this.createSource());
    this.source = source;
    this.disposables.add(this.apps.connect(source));
    this.log.info('[ClusterConnections][activate] connecting to enabled clusters');
    this.sync();
  }

  /** Stops and starts every enabled cluster again (the refresh command: relist everything). */
  restartAll(): void {
    if (!this.active) return this.activate();
    for (const name of [...this.scopes.keys()]) this.close(name);
    this.sync();
  }

  private sync(): void {
    for (const c of this.clusters.snapshot.clusters) this.apps.setEnabled(c.name, c.enabled);
    const source = this.source;
    if (!this.active || source === undefined) return;
    const wanted = new Map(this.clusters.snapshot.clusters.filter((c) => c.enabled).map((c) => [c.name, c]));
    for (const [name, open] of [...this.scopes]) {
      const entry = wanted.get(name);
      if (entry === undefined || fingerprint(entry) !== open.fingerprint) this.close(name);
    }
    for (const [name, entry] of wanted) {
      if (this.scopes.has(name)) continue;
      const scope = new DisposableStore();
      scope.add(toDisposable(() => source.stop(name)));
      this.scopes.set(name, { fingerprint: fingerprint(entry), scope });
      this.log.debug(`[ClusterConnections][sync] start ${name}`);
      source.start(name);
    }
  }

  private close(name: string): void {
    const open = this.scopes.get(name);
    this.scopes.delete(name);
    this.log.debug(`[ClusterConnections][close] stop ${name}`);
    open?.scope.dispose();
  }

  dispose(): void {
    for (const name of [...this.scopes.keys()]) this.close(name);
    this.disposables.dispose();
  }
}

/** What, when changed, needs a new connection: the server, the user and the namespace. */
function fingerprint(c: ClusterEntry): string {
  return JSON.stringify([c.server, c.user, c.namespace, c.sourceFile]);
}
