/**
 * Starts and stops the Argo CD API streams as the server list changes (issue 16), the way
 * ClusterConnections does for kubeconfig contexts: one ArgoCdApiSource (infra) feeding the same
 * AppStore, nothing connected before `activate()` (a GitOps view became visible or a command needs the
 * apps), and a server whose address, TLS settings or token changed is restarted (a new login).
 */
import { DisposableStore, type Disposable } from '../../core/lifecycle';
import type { ArgoCdError } from '../../core/argocd/api/errors';
import { targetFingerprint } from '../../core/argocd/api/servers';
import type { Logger } from '../../core/ports';
import type { AppStore } from '../../core/store/appStore';
import type { ArgoCdApiSource } from '../../infra/argocd/apiSource';
import type { ArgoCdClient } from '../../infra/argocd/client';
import type { ArgoCdServers } from './servers';

export class ArgoCdConnections implements Disposable {
  private readonly disposables = new DisposableStore();
  /** Started clusters and the fingerprint of the target each was started with. */
  private readonly started = new Map<string, string>();
  private source: ArgoCdApiSource | undefined;
  private active = false;

  constructor(
    private readonly servers: ArgoCdServers,
    private readonly apps: AppStore,
    private readonly createSource: () => ArgoCdApiSource,
    private readonly log: Logger,
  ) {
    servers.onDidChange(() => this.sync(), this, this.disposables);
  }

  /** Connects to every usable server; idempotent. */
  activate(): void {
    if (this.active || this.disposables.isDisposed) return;
    this.active = true;
    const source = this.disposables.add(this.createSource());
    this.source = source;
    this.disposables.add(this.apps.connect(source));
    this.log.info('[ArgoCdConnections][activate] connecting to Argo CD servers');
    this.sync();
  }

  /** The client of a started server (resource tree, managed resources, refresh, sync, events). */
  client(cluster: string): ArgoCdClient | undefined {
    return this.source?.client(cluster);
  }

  /** The typed error behind a server's last `unreachable` (an expired login, a missing permission…). */
  lastError(cluster: string): ArgoCdError | undefined {
    return this.source?.lastError(cluster);
  }

  /** Stops and starts one server with its target read anew (after a new login). */
  restart(cluster: string): void {
    if (!this.active || !this.source || !this.started.has(cluster)) return;
    this.started.set(cluster, targetFingerprint(this.servers.target(cluster)));
    this.source.restart(cluster);
  }

  /** Relists every server (the refresh command). */
  restartAll(): void {
    if (!this.active) return this.activate();
    for (const cluster of [...this.started.keys()]) this.restart(cluster);
  }

  private sync(): void {
    const source = this.source;
    if (!this.active || source === undefined) return;
    const wanted = new Map<string, string>();
    for (const e of this.servers.snapshot.entries) if (e.target) wanted.set(e.cluster, targetFingerprint(e.target));
    for (const [cluster, fp] of [...this.started]) {
      const now = wanted.get(cluster);
      if (now === undefined) {
        this.started.delete(cluster);
        this.log.debug(`[ArgoCdConnections][sync] stop ${cluster}`);
        source.stop(cluster);
      } else if (now !== fp) {
        this.started.set(cluster, now);
        this.log.info(`[ArgoCdConnections][sync] ${cluster}: the server or its login changed; reconnecting`);
        source.restart(cluster);
      }
    }
    for (const [cluster, fp] of wanted) {
      if (this.started.has(cluster)) continue;
      this.started.set(cluster, fp);
      this.log.debug(`[ArgoCdConnections][sync] start ${cluster}`);
      source.start(cluster);
    }
  }

  dispose(): void {
    const source = this.source;
    for (const cluster of [...this.started.keys()]) source?.stop(cluster);
    this.started.clear();
    this.disposables.dispose();
  }
}
