/**
 * Argo CD apps live through its API, as a ClusterSource (core/ports.ts): AppStore.connect() takes it
 * exactly as it takes the informer pool, and maps the Application objects with the same mapper
 * (core/argocd/application.ts). A "cluster" here is one Argo CD server (an argocd context); the events
 * carry the objects as Argo CD sent them.
 *
 * Per server: list applications, projects and ApplicationSets (SYNC events, then `ready`), then follow
 * `GET /api/v1/stream/applications` from the list's resourceVersion. When the stream ends or is cut
 * after it was open (proxies close long requests), it is reopened at once from the last
 * resourceVersion seen: a resume, no reload. When reopening fails (Argo CD down), the server is
 * `unreachable` (its apps stay, as their last known state) and is retried with capped backoff on the
 * injected clock; once it answers again it is listed afresh, because Argo CD does not replay the
 * events of the gap (server/application/application.go Watch subscribes to live events only).
 * A rejected login stops the retries until `restart` (the editor asks for a new login once).
 */
import { Emitter, type Disposable, type Event } from '../../core/lifecycle';
import { ArgoCdError } from '../../core/argocd/api/errors';
import type { ArgoCdTarget } from '../../core/argocd/api/endpoint';
import { newerResourceVersion } from '../../core/argocd/api/stream';
import type { GitOpsKindName } from '../../core/model/app';
import type { Clock, ClusterConnectionEvent, ClusterSource, ClusterWatchEvent, K8sError, Logger } from '../../core/ports';
import { ArgoCdClient } from './client';
import { DEFAULT_ARGOCD_LIMITS, type ArgoCdHttpLimits } from './http';

export interface ArgoCdApiSourceOptions {
  /** The server a cluster name stands for, read at each start (a new login restarts it). */
  readonly target: (cluster: string) => ArgoCdTarget | undefined;
  readonly clock: Clock;
  readonly log: Logger;
  readonly limits?: Partial<ArgoCdHttpLimits>;
  /** Retry delays after a failure: initial, doubled per failure, capped (default 1 s … 30 s). */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

interface Conn {
  readonly cluster: string;
  readonly client: ArgoCdClient;
  readonly abort: AbortController;
  stopped: boolean;
  resourceVersion: string | undefined;
  lastError: ArgoCdError | undefined;
  wake: (() => void) | undefined;
  /** Events waiting for the microtask that delivers them in one firing. */
  queue: ClusterWatchEvent[];
}

export class ArgoCdApiSource implements ClusterSource, Disposable {
  private readonly _onDidReceiveEvents = new Emitter<{ readonly cluster: string; readonly events: readonly ClusterWatchEvent[] }>();
  readonly onDidReceiveEvents: Event<{ readonly cluster: string; readonly events: readonly ClusterWatchEvent[] }> = this._onDidReceiveEvents.event;
  private readonly _onDidChangeConnection = new Emitter<ClusterConnectionEvent>();
  readonly onDidChangeConnection: Event<ClusterConnectionEvent> = this._onDidChangeConnection.event;
  private readonly _onDidError = new Emitter<{ readonly cluster: string; readonly kind: GitOpsKindName | undefined; readonly error: K8sError }>();
  readonly onDidError: Event<{ readonly cluster: string; readonly kind: GitOpsKindName | undefined; readonly error: K8sError }> = this._onDidError.event;

  private readonly conns = new Map<string, Conn>();
  private readonly limits: ArgoCdHttpLimits;

  constructor(private readonly opts: ArgoCdApiSourceOptions) {
    this.limits = { ...DEFAULT_ARGOCD_LIMITS, ...opts.limits };
  }

  start(cluster: string): void {
    if (this.conns.has(cluster)) return;
    const target = this.opts.target(cluster);
    if (target === undefined) {
      this._onDidChangeConnection.fire({ cluster, state: 'unreachable', error: { code: 'KubeconfigInvalid', message: `no Argo CD server is configured as "${cluster}"` } });
      return;
    }
    const conn: Conn = { cluster, client: new ArgoCdClient(target, this.limits), abort: new AbortController(), stopped: false, resourceVersion: undefined, lastError: undefined, wake: undefined, queue: [] };
    this.conns.set(cluster, conn);
    this._onDidChangeConnection.fire({ cluster, state: 'connecting' });
    void this.run(conn);
  }

  stop(cluster: string): void {
    const c = this.conns.get(cluster);
    if (c === undefined) return;
    this.conns.delete(cluster);
    c.stopped = true;
    c.abort.abort();
    c.wake?.();
    c.client.dispose();
    this._onDidChangeConnection.fire({ cluster, state: 'stopped' });
  }

  /** Stops and starts again with the target read anew (after a new login or a changed config). */
  restart(cluster: string): void {
    this.stop(cluster);
    this.start(cluster);
  }

  /** The client of a started server, for what the views ask on demand (tree, managed resources, refresh, sync). */
  client(cluster: string): ArgoCdClient | undefined {
    return this.conns.get(cluster)?.client;
  }

  /** The typed error behind the last `unreachable` (K8sError carries only a code the store knows). */
  lastError(cluster: string): ArgoCdError | undefined {
    return this.conns.get(cluster)?.lastError;
  }

  /** The resourceVersion the stream resumes from. */
  resourceVersion(cluster: string): string | undefined {
    return this.conns.get(cluster)?.resourceVersion;
  }

  dispose(): void {
    for (const cluster of [...this.conns.keys()]) this.stop(cluster);
    this._onDidReceiveEvents.dispose();
    this._onDidChangeConnection.dispose();
    this._onDidError.dispose();
  }

  // ---- internals -----------------------------------------------------------------------------------

  private async run(c: Conn): Promise<void> {
    let relist = true;
    let failures = 0;
    while (!c.stopped) {
      let opened = false;
      try {
        if (relist) {
          await this.list(c);
          relist = false;
        }
        const since = this.opts.clock.now();
        await c.client.watchApplications({ ...(c.resourceVersion ? { resourceVersion: c.resourceVersion } : {}) }, (chunk) => {
          if (chunk.kind === 'malformed') {
            this.opts.log.warn(`[ArgoCdApiSource][watch] ${c.cluster}: skipped ${chunk.problem}`);
            return;
          }
          c.resourceVersion = newerResourceVersion(c.resourceVersion, chunk.resourceVersion);
          this.enqueue(c, { type: chunk.type, kind: 'Application', object: chunk.application });
        }, c.abort.signal, () => {
          opened = true;
          if (failures > 0) this.ready(c, []);
          failures = 0;
        });
        this.flush(c);
        if (c.stopped) return;
        // The server (or a proxy's read timeout) ended the stream: resume at once. A stream that ends
        // as soon as it opens counts as a failure, so a server that does that is not asked in a loop.
        this.opts.log.debug(`[ArgoCdApiSource][watch] ${c.cluster}: the stream ended; resuming from resourceVersion ${c.resourceVersion ?? '(none)'}`);
        if (this.opts.clock.now() - since < 1000) {
          failures++;
          await this.sleep(c, this.delay(failures));
        }
      } catch (err) {
        this.flush(c);
        if (c.stopped) return;
        const e = err instanceof ArgoCdError ? err : new ArgoCdError('Unknown', err instanceof Error ? err.message : String(err));
        if (opened) {
          // Cut after it was open: resume from the last version at once, nothing lost but the gap's events.
          this.opts.log.info(`[ArgoCdApiSource][watch] ${c.cluster}: the stream was cut (${e.message}); resuming from resourceVersion ${c.resourceVersion ?? '(none)'}`);
          continue;
        }
        failures++;
        c.lastError = e;
        this._onDidChangeConnection.fire({ cluster: c.cluster, state: 'unreachable', error: k8sErrorOfArgoCd(e) });
        // A login or a configuration that Argo CD (or our transport rule) refuses does not heal by waiting.
        if (e.code === 'Unauthorized' || e.code === 'Insecure' || e.code === 'InvalidName') {
          this.opts.log.warn(`[ArgoCdApiSource][run] ${c.cluster}: ${e.code}: ${e.message}; not retrying until the login changes`);
          return;
        }
        this.opts.log.warn(`[ArgoCdApiSource][run] ${c.cluster}: ${e.code}: ${e.message}; retrying in ${Math.round(this.delay(failures) / 1000)} s`);
        relist = true;
        await this.sleep(c, this.delay(failures));
      }
    }
  }

  /** Lists apps, projects and ApplicationSets; fires one SYNC per kind and `ready`. */
  private async list(c: Conn): Promise<void> {
    const optional = async (kind: GitOpsKindName, fetch: () => Promise<{ items: readonly unknown[] }>): Promise<readonly unknown[] | 'absent'> => {
      try {
        return (await fetch()).items;
      } catch (err) {
        // Projects and ApplicationSets are extras: an Argo CD without the endpoint (ApplicationSets before
        // 2.8) or an account that may not read them still shows its apps.
        if (err instanceof ArgoCdError && (err.code === 'NotFound' || err.code === 'Forbidden')) {
          this._onDidError.fire({ cluster: c.cluster, kind, error: k8sErrorOfArgoCd(err) });
          return 'absent';
        }
        throw err;
      }
    };
    const [apps, projects, appSets] = await Promise.all([
      c.client.listApplications(),
      optional('AppProject', () => c.client.listProjects()),
      optional('ApplicationSet', () => c.client.listApplicationSets()),
    ]);
    if (c.stopped) return;
    let rv = apps.resourceVersion;
    // Without a list version (an informer that never synced), the newest item's version is where changes start.
    if (rv === undefined) for (const a of apps.items) rv = newerResourceVersion(rv, itemVersion(a));
    c.resourceVersion = rv;
    const events: ClusterWatchEvent[] = [{ type: 'SYNC', kind: 'Application', objects: apps.items }];
    const absent: GitOpsKindName[] = [];
    if (projects === 'absent') absent.push('AppProject');
    else events.push({ type: 'SYNC', kind: 'AppProject', objects: projects });
    if (appSets === 'absent') absent.push('ApplicationSet');
    else events.push({ type: 'SYNC', kind: 'ApplicationSet', objects: appSets });
    this._onDidReceiveEvents.fire({ cluster: c.cluster, events });
    this.ready(c, absent);
  }

  private ready(c: Conn, absentKinds: readonly GitOpsKindName[]): void {
    c.lastError = undefined;
    // Flux kinds are never served by Argo CD: absent, so the view does not offer Flux under this server.
    const flux: GitOpsKindName[] = ['Kustomization', 'HelmRelease', 'GitRepository', 'OCIRepository', 'HelmRepository', 'Bucket', 'HelmChart'];
    this._onDidChangeConnection.fire({ cluster: c.cluster, state: 'ready', absentKinds: [...absentKinds, ...flux], forbiddenNamespaces: [] });
  }

  /** Events of one read burst reach the store in one firing (one AppStore change event). */
  private enqueue(c: Conn, e: ClusterWatchEvent): void {
    c.queue.push(e);
    if (c.queue.length === 1) queueMicrotask(() => this.flush(c));
  }

  private flush(c: Conn): void {
    if (c.queue.length === 0 || c.stopped) {
      c.queue = [];
      return;
    }
    const events = c.queue;
    c.queue = [];
    this._onDidReceiveEvents.fire({ cluster: c.cluster, events });
  }

  private delay(failures: number): number {
    const b = this.opts.backoff ?? { initialMs: 1000, maxMs: 30_000 };
    return Math.min(b.maxMs, b.initialMs * 2 ** Math.max(0, failures - 1));
  }

  private sleep(c: Conn, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = this.opts.clock.setTimeout(() => {
        c.wake = undefined;
        resolve();
      }, ms);
      c.wake = () => {
        t.dispose();
        c.wake = undefined;
        resolve();
      };
    });
  }
}

function itemVersion(item: unknown): string | undefined {
  const meta = typeof item === 'object' && item !== null ? (item as { metadata?: { resourceVersion?: unknown } }).metadata : undefined;
  return typeof meta?.resourceVersion === 'string' ? meta.resourceVersion : undefined;
}

/**
 * The store's connection vocabulary (K8sError) for an Argo CD failure; the precise ArgoCdError stays
 * available from `lastError`. Codes the store does not know become Unreachable (the server cannot be
 * used as it answers) or KubeconfigInvalid (it cannot be used as configured), with the message intact.
 */
export function k8sErrorOfArgoCd(e: ArgoCdError): K8sError {
  switch (e.code) {
    case 'Unauthorized':
    case 'NotFound':
    case 'Timeout':
    case 'TooLarge':
      return { code: e.code, message: e.message };
    case 'Forbidden':
      // The permission Argo CD denied travels with the code, so a lens or row can say it in a few words.
      return { code: 'Forbidden', message: e.message, namespace: undefined, ...(e.permission ? { missing: `"${e.permission.action}" on ${e.permission.resource} "${e.permission.object}"` } : {}) };
    case 'Insecure':
    case 'InvalidName':
      return { code: 'KubeconfigInvalid', message: e.message };
    case 'Unknown':
      return { code: 'Unknown', message: e.message };
    default:
      return { code: 'Unreachable', message: e.message };
  }
}
