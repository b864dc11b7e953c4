/**
 * ClusterSource: one list+watch per GitOps kind and cluster, started only for kinds the cluster
 * serves, over our own request layer (kubeClient.ts: the kubeconfig as kubectl reads it, one
 * keep-alive agent per context, bounded responses). The loop is client-go's reflector: list, then
 * watch from the list's resourceVersion with bookmarks, re-watch from the last seen resourceVersion
 * when a watch ends, relist only on `410 Gone`
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes).
 * A server that answers 410 again right after every relist gets the relists spaced by capped
 * backoff, and one warning per burst (client-go tools/cache/reflector.go also backs off its
 * ListAndWatch loop with `backoffManager` rather than relisting at once forever).
 */
import { setMaxListeners } from 'node:events';
import { namespaceProblem } from '../../core/kube/names';
import { DisposableStore, Emitter, type Disposable, type Event } from '../../core/lifecycle';
import { GITOPS_KINDS, watchedKinds, type GitOpsKind, type GitOpsKindName, type WatchedKind } from '../../core/model/app';
import type {
  Clock,
  ClusterConnectionEvent,
  ClusterSource,
  ClusterWatchEvent,
  K8sError,
  KubeconfigFile,
  Logger,
} from '../../core/ports';
import { toK8sError } from './errors';
import type { ExecPluginRunner } from './execCredential';
import { KubeConnections, type KubeConnection, type KubeLimits } from './kubeClient';
import { recordOf } from '../../core/json';

export interface InformerPoolOptions {
  /** Kubeconfig files to find contexts in, read again on every (re)connect and merged as kubectl merges them (core `resolveContext`). */
  readonly kubeconfig: () => Promise<readonly KubeconfigFile[]> | readonly KubeconfigFile[];
  readonly log: Logger;
  readonly clock: Clock;
  /** Capped exponential backoff for failed connects and watches, and for repeated 410 relists (default 1 s → 30 s). */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  /** Timeout of one list or discovery request (default 30 s). */
  readonly requestTimeoutMs?: number;
  /** Size limits and the exec plugin timeout (kubeClient.ts DEFAULT_KUBE_LIMITS). */
  readonly limits?: Partial<Omit<KubeLimits, 'requestTimeoutMs'>>;
  /** Exec credential plugin runs; default the process-wide one, shared with every other client. */
  readonly plugins?: ExecPluginRunner;
  /**
   * Connections shared with the cluster access (one keep-alive agent per context for the pool's lists
   * and watches and the lenses' GETs, issue 18); the owner disposes them. Without, the pool has its
   * own, built from `kubeconfig`, `requestTimeoutMs`, `limits` and `plugins`.
   */
  readonly connections?: KubeConnections;
}

/** 410s in a row, each right after a relist, that make a burst worth one warning. */
const GONE_BURST = 3;

/** One list+watch: a kind, cluster-wide or in one namespace (after a cluster-wide 403). */
interface Stream {
  readonly kind: GitOpsKind;
  /** The version discovery chose for this cluster (core `chooseServedVersion`). */
  readonly version: string;
  readonly namespace: string | undefined;
  rv: string | undefined;
  failures: number;
  healthy: boolean;
  lastError: K8sError | undefined;
  /** 410s in a row without a healthy watch in between; 0 after any event of a watch. */
  goneStreak: number;
}

interface Run {
  readonly name: string;
  /** Pending backoff timers. */
  readonly timers: Set<Disposable>;
  /** Aborts every request of this run (lists, discovery, watches). */
  readonly abort: AbortController;
  /** Aborts the requests of the current connect attempt when one of them failed. */
  attempt: AbortController;
  stopped: boolean;
  conn: KubeConnection | undefined;
  state: 'connecting' | 'ready' | 'unreachable';
  connectFailures: number;
  streams: Stream[];
  absent: GitOpsKindName[];
  /** The version each watched kind is listed at. */
  versions: Partial<Record<GitOpsKindName, string>>;
  forbidden: Set<string>;
  pending: ClusterWatchEvent[];
  flushQueued: boolean;
  /** Streams in a 410 burst: the cluster's burst is warned about once, when the first one starts. */
  goneBursts: Set<Stream>;
}

const AGGREGATED_DISCOVERY_ACCEPT = [
  // Aggregated discovery, KEP-3352 (GA in 1.30): every group, version and resource in one response.
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
  'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
  'application/json',
].join(',');

export class InformerPool implements ClusterSource, Disposable {
  private readonly disposables = new DisposableStore();
  private readonly _onDidReceiveEvents = this.disposables.add(
    new Emitter<{ readonly cluster: string; readonly events: readonly ClusterWatchEvent[] }>(),
  );
  readonly onDidReceiveEvents: Event<{ readonly cluster: string; readonly events: readonly ClusterWatchEvent[] }> =
    this._onDidReceiveEvents.event;
  private readonly _onDidChangeConnection = this.disposables.add(new Emitter<ClusterConnectionEvent>());
  readonly onDidChangeConnection: Event<ClusterConnectionEvent> = this._onDidChangeConnection.event;
  private readonly _onDidError = this.disposables.add(
    new Emitter<{ readonly cluster: string; readonly kind: GitOpsKindName | undefined; readonly error: K8sError }>(),
  );
  readonly onDidError: Event<{ readonly cluster: string; readonly kind: GitOpsKindName | undefined; readonly error: K8sError }> =
    this._onDidError.event;

  private readonly runs = new Map<string, Run>();
  private readonly backoff: { readonly initialMs: number; readonly maxMs: number };

  private readonly connections: KubeConnections;
  private readonly ownsConnections: boolean;

  constructor(private readonly opts: InformerPoolOptions) {
    this.backoff = opts.backoff ?? { initialMs: 1000, maxMs: 30_000 };
    this.ownsConnections = opts.connections === undefined;
    this.connections = opts.connections ?? new KubeConnections({
      kubeconfig: opts.kubeconfig,
      limits: { ...opts.limits, ...(opts.requestTimeoutMs !== undefined ? { requestTimeoutMs: opts.requestTimeoutMs } : {}) },
      ...(opts.plugins ? { plugins: opts.plugins } : {}),
      clock: opts.clock,
      log: opts.log,
    });
  }

  start(cluster: string): void {
    if (this.runs.has(cluster) || this.disposables.isDisposed) return;
    const run: Run = {
      name: cluster,
      timers: new Set(),
      abort: new AbortController(),
      attempt: new AbortController(),
      stopped: false,
      conn: undefined,
      state: 'connecting',
      connectFailures: 0,
      streams: [],
      absent: [],
      versions: {},
      forbidden: new Set(),
      pending: [],
      flushQueued: false,
      goneBursts: new Set(),
    };
    // Every open watch and request listens on the run's signal: one per stream is expected, not a leak.
    setMaxListeners(0, run.abort.signal);
    this.runs.set(cluster, run);
    this.opts.log.info(`[InformerPool][start] ${cluster}`);
    this._onDidChangeConnection.fire({ cluster, state: 'connecting' });
    void this.connect(run);
  }

  stop(cluster: string): void {
    const run = this.runs.get(cluster);
    if (!run) return;
    this.runs.delete(cluster);
    run.stopped = true;
    run.abort.abort();
    for (const t of run.timers) t.dispose();
    run.timers.clear();
    this.opts.log.info(`[InformerPool][stop] ${cluster}`);
    this._onDidChangeConnection.fire({ cluster, state: 'stopped' });
  }

  dispose(): void {
    for (const name of [...this.runs.keys()]) this.stop(name);
    if (this.ownsConnections) this.connections.dispose();
    this.disposables.dispose();
  }

  // ---- connect: kubeconfig, discovery, initial lists ---------------------------------------------

  private async connect(run: Run): Promise<void> {
    // A reconnect after a failed session starts over: streams of the failed attempt are dropped.
    run.streams = [];
    run.goneBursts.clear();
    run.forbidden = new Set();
    run.attempt = new AbortController();
    setMaxListeners(0, run.attempt.signal);
    try {
      run.conn = await this.connections.get(run.name);
      const served = await this.discover(run);
      // Per kind, the newest version the cluster serves: a Flux 2.2 cluster has HelmRelease only as
      // v2beta2/v2beta1 and OCIRepository only as v1beta2 (model/app.ts GITOPS_KINDS).
      const { watched: kinds, absent } = watchedKinds((gv, plural) => served.has(`${gv}/${plural}`));
      run.absent = absent;
      run.versions = Object.fromEntries(kinds.map((w) => [w.kind.kind, w.version]));
      let namespaces: Promise<string[]> | undefined;
      const candidates = (): Promise<string[]> => (namespaces ??= this.candidateNamespaces(run));
      await Promise.all(kinds.map((k) => this.initialList(run, k, candidates)));
      if (run.stopped) return;
      run.connectFailures = 0;
      const older = kinds.filter((w) => w.version !== w.kind.versions[0]).map((w) => `${w.kind.kind} ${w.version}`);
      this.opts.log.info(
        `[InformerPool][connect] ${run.name}: ready, ${run.streams.length} watch(es)` +
          (run.absent.length ? `, absent: ${run.absent.join(', ')}` : '') +
          (older.length ? `, older versions: ${older.join(', ')}` : '') +
          (run.forbidden.size ? `, forbidden namespaces: ${[...run.forbidden].join(', ')}` : ''),
      );
      this.setState(run, 'ready');
      for (const s of run.streams) void this.watch(run, s);
    } catch (e) {
      // The attempt's other requests (lists running beside the one that failed) are not needed any more.
      run.attempt.abort();
      if (run.stopped) return;
      const error = toK8sError(e);
      this.opts.log.warn(`[InformerPool][connect] ${run.name}: ${error.code}: ${error.message}`);
      this.setState(run, 'unreachable', error);
      this.schedule(run, this.delay(run.connectFailures++), () => void this.connect(run));
    }
  }

  /** Which `group/version/plural` the cluster serves, from one aggregated-discovery request. */
  private async discover(run: Run): Promise<Set<string>> {
    const served = new Set<string>();
    const body = await this.getJson(run, '/apis', AGGREGATED_DISCOVERY_ACCEPT);
    const doc = recordOf(body);
    if (doc.kind === 'APIGroupDiscoveryList') {
      for (const g of arr(doc.items)) {
        const group = str(recordOf(recordOf(g).metadata).name);
        for (const v of arr(recordOf(g).versions)) {
          const version = str(recordOf(v).version);
          for (const r of arr(recordOf(v).resources)) served.add(`${group}/${version}/${str(recordOf(r).resource)}`);
        }
      }
      return served;
    }
    // A server without aggregated discovery answers an APIGroupList: ask the group-versions we may need
    // (every candidate version of our kinds that the group lists).
    const groups = new Map<string, Set<string>>();
    for (const g of arr(doc.groups)) groups.set(str(recordOf(g).name), new Set(arr(recordOf(g).versions).map((v) => str(recordOf(v).version))));
    const wanted = [
      ...new Set(GITOPS_KINDS.flatMap((k) => k.versions.filter((v) => groups.get(k.group)?.has(v)).map((v) => `${k.group}/${v}`))),
    ];
    await Promise.all(
      wanted.map(async (gv) => {
        const list = recordOf(await this.getJson(run, `/apis/${gv}`));
        for (const r of arr(list.resources)) served.add(`${gv}/${str(recordOf(r).name)}`);
      }),
    );
    return served;
  }

  /**
   * Lists a kind cluster-wide; on 403 falls back to one list per namespace we may list (or the
   * context's namespace when even namespaces are hidden), and records the namespaces RBAC denied.
   */
  private async initialList(run: Run, { kind, version }: WatchedKind, candidates: () => Promise<string[]>): Promise<void> {
    const wide: Stream = newStream(kind, version, undefined);
    try {
      const objects = await this.list(run, wide);
      run.streams.push(wide);
      this.emit(run, { type: 'SYNC', kind: kind.kind, objects });
      return;
    } catch (e) {
      const err = toK8sError(e);
      if (err.code === 'NotFound') {
        // The CRD went away between discovery and list.
        run.absent.push(kind.kind);
        return;
      }
      if (err.code !== 'Forbidden') throw e;
      this.opts.log.debug(`[InformerPool][initialList] ${run.name} ${kind.kind}: cluster-wide list forbidden, trying namespaces`);
    }
    // One SYNC for the kind, of every namespace listed: what was known elsewhere (a namespace now denied) goes.
    const objects: unknown[] = [];
    for (const ns of await candidates()) {
      const s = newStream(kind, version, ns);
      try {
        for (const o of await this.list(run, s)) objects.push(o);
        run.streams.push(s);
      } catch (e) {
        const err = toK8sError(e, ns);
        if (err.code !== 'Forbidden') throw e;
        run.forbidden.add(ns);
      }
    }
    this.emit(run, { type: 'SYNC', kind: kind.kind, objects });
  }

  private async candidateNamespaces(run: Run): Promise<string[]> {
    const own = run.conn?.config.namespace;
    try {
      const list = recordOf(await this.getJson(run, '/api/v1/namespaces'));
      // Each name becomes a URL segment: `..` would turn a namespace list into the cluster-wide one (issue 12).
      return arr(list.items).map((n) => str(recordOf(recordOf(n).metadata).name)).filter((n) => namespaceProblem(n) === undefined);
    } catch (e) {
      const err = toK8sError(e);
      if (err.code !== 'Forbidden') throw e;
      // Namespaces are hidden too: the context's namespace is the only one we know of.
      return own && namespaceProblem(own) === undefined ? [own] : [];
    }
  }

  /**
   * One list: its objects go to the AppStore in a SYNC and are not kept here (the store keeps what
   * the views need of them; holding the objects too made the heap 1.85x the parsed lists, issue 18).
   */
  private async list(run: Run, s: Stream): Promise<readonly unknown[]> {
    const body = recordOf(await this.getJson(run, streamPath(s)));
    const items = arr(body.items);
    s.rv = str(recordOf(body.metadata).resourceVersion) || undefined;
    this.opts.log.debug(`[InformerPool][list] ${run.name} ${describe(s)}: ${items.length} object(s) at rv ${s.rv ?? '?'}`);
    return items;
  }

  // ---- watch loop ----------------------------------------------------------------------------------

  private async watch(run: Run, s: Stream): Promise<void> {
    const conn = run.conn;
    if (run.stopped || !conn) return;
    if (s.rv === undefined) {
      // Relist after 410 Gone (or a list without resourceVersion): one list, one SYNC for what it covers
      // (the kind, or the kind in the stream's namespace).
      let objects: readonly unknown[];
      try {
        objects = await this.list(run, s);
      } catch (e) {
        this.streamFailed(run, s, toK8sError(e, s.namespace));
        return;
      }
      if (run.stopped) return;
      this.emit(run, { type: 'SYNC', kind: s.kind.kind, objects, ...(s.namespace !== undefined ? { namespace: s.namespace } : {}) });
    }
    const startedAt = this.opts.clock.now();
    let events = 0;
    const onEvent = (type: string, obj: unknown): void => {
      if (run.stopped) return;
      events++;
      const meta = recordOf(recordOf(obj).metadata);
      switch (type) {
        case 'ADDED':
        case 'MODIFIED':
        case 'DELETED': {
          this.watchAnswered(run, s);
          const rv = str(meta.resourceVersion);
          if (rv) s.rv = rv;
          this.opts.log.trace(`[InformerPool][watch] ${run.name} ${type} ${s.kind.kind} ${str(meta.namespace)}/${str(meta.name)} rv ${rv}`);
          this.emit(run, { type, kind: s.kind.kind, object: obj });
          break;
        }
        case 'BOOKMARK': {
          this.watchAnswered(run, s);
          const rv = str(meta.resourceVersion);
          if (rv) s.rv = rv;
          this.opts.log.trace(`[InformerPool][watch] ${run.name} BOOKMARK ${describe(s)} rv ${rv}`);
          break;
        }
        case 'ERROR': {
          // A `Status` object; 410 means our resourceVersion was compacted away: relist.
          const err = toK8sError(obj, s.namespace);
          if (err.code === 'Gone') s.rv = undefined;
          s.lastError = err;
          this.opts.log.debug(`[InformerPool][watch] ${run.name} ${describe(s)}: ERROR ${err.code}: ${err.message}`);
          break;
        }
      }
    };
    const params: Record<string, string> = {
      allowWatchBookmarks: 'true',
      // client-go's reflector picks a random timeout in [5, 10) minutes so watches do not all end at once.
      timeoutSeconds: String(300 + Math.floor(Math.random() * 300)),
    };
    if (s.rv !== undefined) params.resourceVersion = s.rv;
    let failure: unknown;
    try {
      await conn.watch(streamPath(s), params, onEvent, {
        signal: run.abort.signal,
        // The server ends the watch at timeoutSeconds; one that does not is cut a minute later.
        deadlineMs: (Number(params.timeoutSeconds) + 60) * 1000,
        ...(s.namespace !== undefined ? { namespace: s.namespace } : {}),
        onOpen: () => {
          if (!run.stopped) this.streamHealthy(run, s);
        },
      });
    } catch (e) {
      failure = e;
    }
    if (run.stopped) return;
    if (failure !== undefined) {
      const e = toK8sError(failure, s.namespace);
      if (e.code === 'Gone') return this.gone(run, s, e);
      this.streamFailed(run, s, e);
      return;
    }
    // The server ended the watch (its timeout, or after an ERROR event): watch again from the last
    // resourceVersion, or relist when that was 410. A watch that ends at once without events gets
    // backoff so a misbehaving server cannot make us spin.
    const last = s.lastError;
    s.lastError = undefined;
    if (last?.code === 'Gone') return this.gone(run, s, last);
    if (last) {
      this.streamFailed(run, s, last);
      return;
    }
    if (events === 0 && this.opts.clock.now() - startedAt < 1000) {
      this.schedule(run, this.delay(s.failures++), () => void this.watch(run, s));
    } else {
      void this.watch(run, s);
    }
  }

  /**
   * 410 Gone: relist. The first relist is immediate (compaction happens); a 410 again before any
   * watch delivered an event means the server answers every watch so, and the relists are spaced
   * by the capped backoff, with one warning (and one onDidError) for the burst.
   */
  private gone(run: Run, s: Stream, error: K8sError): void {
    s.rv = undefined;
    s.goneStreak++;
    if (s.goneStreak === 1) {
      this.opts.log.debug(`[InformerPool][watch] ${run.name} ${describe(s)}: 410 Gone, relisting`);
      void this.watch(run, s);
      return;
    }
    const wait = this.delay(s.goneStreak - 2);
    if (s.goneStreak === GONE_BURST && run.goneBursts.add(s).size === 1) {
      this.opts.log.warn(
        `[InformerPool][watch] ${run.name} ${describe(s)}: the server answered ${GONE_BURST} watches in a row with 410 Gone right after a relist; ` +
          `relisting with backoff up to ${Math.round(this.backoff.maxMs / 1000)} s until a watch delivers events (other kinds of this cluster are not reported again)`,
      );
      this._onDidError.fire({ cluster: run.name, kind: s.kind.kind, error });
    } else {
      this.opts.log.debug(`[InformerPool][watch] ${run.name} ${describe(s)}: 410 Gone again (${s.goneStreak} in a row), relisting in ${wait} ms`);
    }
    this.schedule(run, wait, () => void this.watch(run, s));
  }

  /** A watch delivered an event: a 410 burst, if any, is over. */
  private watchAnswered(run: Run, s: Stream): void {
    s.goneStreak = 0;
    if (run.goneBursts.delete(s) && run.goneBursts.size === 0) {
      this.opts.log.info(`[InformerPool][watch] ${run.name}: watches deliver events again; the 410 Gone burst is over`);
    }
  }

  private streamHealthy(run: Run, s: Stream): void {
    s.failures = 0;
    s.healthy = true;
    if (run.state === 'unreachable') {
      this.opts.log.info(`[InformerPool][watch] ${run.name}: reachable again`);
      this.setState(run, 'ready');
    }
  }

  private streamFailed(run: Run, s: Stream, error: K8sError): void {
    if (run.stopped) return;
    s.healthy = false;
    this.opts.log.debug(`[InformerPool][watch] ${run.name} ${describe(s)}: ${error.code}: ${error.message}`);
    if (run.streams.every((x) => !x.healthy) && run.state !== 'unreachable') {
      this.opts.log.warn(`[InformerPool][watch] ${run.name}: unreachable: ${error.code}: ${error.message}`);
      this.setState(run, 'unreachable', error);
    } else if (run.state !== 'unreachable') {
      this._onDidError.fire({ cluster: run.name, kind: s.kind.kind, error });
    }
    this.schedule(run, this.delay(s.failures++), () => void this.watch(run, s));
  }

  // ---- events ----------------------------------------------------------------------------------------

  /** Events of one stream chunk go out as one firing (AppStore makes one change event of it). */
  private emit(run: Run, e: ClusterWatchEvent): void {
    run.pending.push(e);
    if (!run.flushQueued) {
      run.flushQueued = true;
      queueMicrotask(() => this.flush(run));
    }
  }

  private flush(run: Run): void {
    run.flushQueued = false;
    if (run.pending.length === 0 || run.stopped) return;
    const events = run.pending;
    run.pending = [];
    this._onDidReceiveEvents.fire({ cluster: run.name, events });
  }

  private setState(run: Run, state: 'ready' | 'unreachable', error?: K8sError): void {
    this.flush(run); // watch events before the state change that follows them
    run.state = state;
    if (state === 'ready') {
      this._onDidChangeConnection.fire({
        cluster: run.name,
        state: 'ready',
        absentKinds: [...run.absent],
        watchedVersions: { ...run.versions },
        forbiddenNamespaces: [...run.forbidden].sort(),
      });
    } else {
      this._onDidChangeConnection.fire({ cluster: run.name, state: 'unreachable', error: error ?? { code: 'Unknown', message: 'unreachable' } });
    }
  }

  // ---- plumbing ------------------------------------------------------------------------------------

  private delay(failures: number): number {
    return Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** Math.min(failures, 20));
  }

  private schedule(run: Run, ms: number, fn: () => void): void {
    if (run.stopped) return;
    const handle = this.opts.clock.setTimeout(() => {
      run.timers.delete(handle);
      if (!run.stopped) fn();
    }, ms);
    run.timers.add(handle);
  }

  /** GET of a JSON document with the context's credentials, bounded (kubeClient.ts). */
  private async getJson(run: Run, path: string, accept = 'application/json'): Promise<unknown> {
    const conn = run.conn;
    if (!conn) throw new Error(`context "${run.name}" is not connected`);
    return conn.requestJson('GET', path, { accept, signal: AbortSignal.any([run.abort.signal, run.attempt.signal]) });
  }
}

function newStream(kind: GitOpsKind, version: string, namespace: string | undefined): Stream {
  return { kind, version, namespace, rv: undefined, failures: 0, healthy: true, lastError: undefined, goneStreak: 0 };
}

function streamPath(s: Stream): string {
  const ns = s.namespace !== undefined ? `/namespaces/${encodeURIComponent(s.namespace)}` : '';
  return `/apis/${s.kind.group}/${s.version}${ns}/${s.kind.plural}`;
}

function describe(s: Stream): string {
  return s.namespace !== undefined ? `${s.kind.kind} in ${s.namespace}` : s.kind.kind;
}



function arr(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
