/**
 * ClusterSource on @kubernetes/client-node 1.4.0 (pinned): one list+watch per GitOps kind and cluster,
 * started only for kinds the cluster serves. We drive `Watch` and the lists ourselves instead of
 * `makeInformer`, because 1.x does not reconnect after its own or the server's watch timeout
 * (STYLE.md rule 6; client-node `cache.ts` restarts only from 2.x). The loop is client-go's reflector:
 * list, then watch from the list's resourceVersion with bookmarks, re-watch from the last seen
 * resourceVersion when a watch ends, relist only on `410 Gone`
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as k8s from '@kubernetes/client-node';
import { namespaceProblem } from '../../core/kube/names';
import { DisposableStore, Emitter, type Disposable, type Event } from '../../core/lifecycle';
import { GITOPS_KINDS, type GitOpsKind, type GitOpsKindName } from '../../core/model/app';
import type {
  Clock,
  ClusterConnectionEvent,
  ClusterSource,
  ClusterWatchEvent,
  K8sError,
  KubeconfigFile,
  Logger,
} from '../../core/ports';

export interface InformerPoolOptions {
  /** Kubeconfig files to find contexts in, read again on every (re)connect; the first file defining a context wins, as kubectl merges. */
  readonly kubeconfig: () => Promise<readonly KubeconfigFile[]> | readonly KubeconfigFile[];
  readonly log: Logger;
  readonly clock: Clock;
  /** Capped exponential backoff for failed connects and watches (default 1 s → 30 s). */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  /** Timeout of one list or discovery request (default 30 s). */
  readonly requestTimeoutMs?: number;
}

/** An HTTP failure of the API server, with the `Status` message when it sent one. */
export class K8sHttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

class RequestTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE',
  'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Types an error where it enters (STYLE.md rule 8): the HTTP status of the API server's response
 * (ours, client-node's `Watch` `statusCode`, or an `ApiException` `code`), a watch `ERROR` event's
 * `Status` object, or a Node/node-fetch system error code.
 */
export function toK8sError(e: unknown, namespace?: string): K8sError {
  const rec = typeof e === 'object' && e !== null ? (e as Record<string, unknown>) : {};
  const message = e instanceof Error ? e.message : typeof rec.message === 'string' ? rec.message : String(e);
  const status =
    typeof rec.statusCode === 'number' ? rec.statusCode
    : typeof rec.code === 'number' ? rec.code
    : undefined;
  if (status !== undefined) {
    switch (status) {
      case 401:
        return { code: 'Unauthorized', message };
      case 403:
        return { code: 'Forbidden', message, namespace };
      case 404:
        return { code: 'NotFound', message };
      case 410:
        return { code: 'Gone', message };
      case 408:
      case 504:
        return { code: 'Timeout', message };
      default:
        return { code: 'Unknown', message: `HTTP ${status}: ${message}` };
    }
  }
  const code = typeof rec.code === 'string' ? rec.code : typeof rec.errno === 'string' ? rec.errno : undefined;
  if (code !== undefined && UNREACHABLE_CODES.has(code)) return { code: 'Unreachable', message: `${code}: ${message}` };
  if ((code !== undefined && TIMEOUT_CODES.has(code)) || rec.name === 'TimeoutError') return { code: 'Timeout', message };
  return { code: 'Unknown', message };
}

/** One list+watch: a kind, cluster-wide or in one namespace (after a cluster-wide 403). */
interface Stream {
  readonly kind: GitOpsKind;
  readonly namespace: string | undefined;
  rv: string | undefined;
  /** `namespace/name` → object, so a relist of one namespace can still SYNC the whole kind. */
  cache: Map<string, unknown>;
  failures: number;
  healthy: boolean;
  lastError: K8sError | undefined;
  /** The open watch request, aborted by `stop`. */
  controller: AbortController | undefined;
}

interface Run {
  readonly name: string;
  /** Pending backoff timers. */
  readonly timers: Set<Disposable>;
  /** Aborts every request of this run (lists, discovery, watches). */
  readonly abort: AbortController;
  stopped: boolean;
  kc: k8s.KubeConfig | undefined;
  state: 'connecting' | 'ready' | 'unreachable';
  connectFailures: number;
  streams: Stream[];
  absent: GitOpsKindName[];
  forbidden: Set<string>;
  pending: ClusterWatchEvent[];
  flushQueued: boolean;
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
  private readonly requestTimeoutMs: number;

  constructor(private readonly opts: InformerPoolOptions) {
    this.backoff = opts.backoff ?? { initialMs: 1000, maxMs: 30_000 };
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
  }

  start(cluster: string): void {
    if (this.runs.has(cluster) || this.disposables.isDisposed) return;
    const run: Run = {
      name: cluster,
      timers: new Set(),
      abort: new AbortController(),
      stopped: false,
      kc: undefined,
      state: 'connecting',
      connectFailures: 0,
      streams: [],
      absent: [],
      forbidden: new Set(),
      pending: [],
      flushQueued: false,
    };
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
    for (const s of run.streams) s.controller?.abort();
    for (const t of run.timers) t.dispose();
    run.timers.clear();
    this.opts.log.info(`[InformerPool][stop] ${cluster}`);
    this._onDidChangeConnection.fire({ cluster, state: 'stopped' });
  }

  dispose(): void {
    for (const name of [...this.runs.keys()]) this.stop(name);
    this.disposables.dispose();
  }

  // ---- connect: kubeconfig, discovery, initial lists ---------------------------------------------

  private async connect(run: Run): Promise<void> {
    // A reconnect after a failed session starts over: streams of the failed attempt are dropped.
    run.streams = [];
    run.forbidden = new Set();
    try {
      run.kc = await this.loadContext(run.name);
      const served = await this.discover(run);
      const kinds = GITOPS_KINDS.filter((k) => served.has(`${k.group}/${k.version}/${k.plural}`));
      run.absent = GITOPS_KINDS.filter((k) => !kinds.includes(k)).map((k) => k.kind);
      let namespaces: Promise<string[]> | undefined;
      const candidates = (): Promise<string[]> => (namespaces ??= this.candidateNamespaces(run));
      await Promise.all(kinds.map((k) => this.initialList(run, k, candidates)));
      if (run.stopped) return;
      run.connectFailures = 0;
      this.opts.log.info(
        `[InformerPool][connect] ${run.name}: ready, ${run.streams.length} watch(es)` +
          (run.absent.length ? `, absent: ${run.absent.join(', ')}` : '') +
          (run.forbidden.size ? `, forbidden namespaces: ${[...run.forbidden].join(', ')}` : ''),
      );
      this.setState(run, 'ready');
      for (const s of run.streams) void this.watch(run, s);
    } catch (e) {
      if (run.stopped) return;
      const error = toK8sError(e);
      this.opts.log.warn(`[InformerPool][connect] ${run.name}: ${error.code}: ${error.message}`);
      this.setState(run, 'unreachable', error);
      this.schedule(run, this.delay(run.connectFailures++), () => void this.connect(run));
    }
  }

  private async loadContext(name: string): Promise<k8s.KubeConfig> {
    const files = await this.opts.kubeconfig();
    for (const f of files) {
      if (f.text === undefined) continue;
      const kc = new k8s.KubeConfig();
      try {
        kc.loadFromString(f.text);
      } catch {
        continue; // ClusterStore reports broken files with their line; here we only look for the context.
      }
      if (kc.getContextObject(name)) {
        kc.setCurrentContext(name);
        if (!kc.getCurrentCluster()) throw new Error(`context "${name}" refers to a cluster that ${f.path} does not define`);
        return kc;
      }
    }
    throw new Error(`context "${name}" is not in any kubeconfig file`);
  }

  /** Which `group/version/plural` the cluster serves, from one aggregated-discovery request. */
  private async discover(run: Run): Promise<Set<string>> {
    const served = new Set<string>();
    const body = await this.getJson(run, '/apis', AGGREGATED_DISCOVERY_ACCEPT);
    const doc = rec(body);
    if (doc.kind === 'APIGroupDiscoveryList') {
      for (const g of arr(doc.items)) {
        const group = str(rec(rec(g).metadata).name);
        for (const v of arr(rec(g).versions)) {
          const version = str(rec(v).version);
          for (const r of arr(rec(v).resources)) served.add(`${group}/${version}/${str(rec(r).resource)}`);
        }
      }
      return served;
    }
    // A server without aggregated discovery answers an APIGroupList: ask the group-versions we need.
    const groups = new Map<string, Set<string>>();
    for (const g of arr(doc.groups)) groups.set(str(rec(g).name), new Set(arr(rec(g).versions).map((v) => str(rec(v).version))));
    const wanted = [...new Set(GITOPS_KINDS.filter((k) => groups.get(k.group)?.has(k.version)).map((k) => `${k.group}/${k.version}`))];
    await Promise.all(
      wanted.map(async (gv) => {
        const list = rec(await this.getJson(run, `/apis/${gv}`));
        for (const r of arr(list.resources)) served.add(`${gv}/${str(rec(r).name)}`);
      }),
    );
    return served;
  }

  /**
   * Lists a kind cluster-wide; on 403 falls back to one list per namespace we may list (or the
   * context's namespace when even namespaces are hidden), and records the namespaces RBAC denied.
   */
  private async initialList(run: Run, kind: GitOpsKind, candidates: () => Promise<string[]>): Promise<void> {
    const wide: Stream = newStream(kind, undefined);
    try {
      await this.list(run, wide);
      run.streams.push(wide);
      this.emitSync(run, kind.kind);
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
    for (const ns of await candidates()) {
      const s = newStream(kind, ns);
      try {
        await this.list(run, s);
        run.streams.push(s);
      } catch (e) {
        const err = toK8sError(e, ns);
        if (err.code !== 'Forbidden') throw e;
        run.forbidden.add(ns);
      }
    }
    this.emitSync(run, kind.kind);
  }

  private async candidateNamespaces(run: Run): Promise<string[]> {
    const own = run.kc?.getContextObject(run.name)?.namespace;
    try {
      const list = rec(await this.getJson(run, '/api/v1/namespaces'));
      // Each name becomes a URL segment: `..` would turn a namespace list into the cluster-wide one (issue 12).
      return arr(list.items).map((n) => str(rec(rec(n).metadata).name)).filter((n) => namespaceProblem(n) === undefined);
    } catch (e) {
      const err = toK8sError(e);
      if (err.code !== 'Forbidden') throw e;
      // Namespaces are hidden too: the context's namespace is the only one we know of.
      return own && namespaceProblem(own) === undefined ? [own] : [];
    }
  }

  private async list(run: Run, s: Stream): Promise<void> {
    const body = rec(await this.getJson(run, streamPath(s)));
    const cache = new Map<string, unknown>();
    for (const item of arr(body.items)) cache.set(objectKey(item), item);
    s.cache = cache;
    s.rv = str(rec(body.metadata).resourceVersion) || undefined;
    this.opts.log.debug(`[InformerPool][list] ${run.name} ${describe(s)}: ${cache.size} object(s) at rv ${s.rv ?? '?'}`);
  }

  // ---- watch loop ----------------------------------------------------------------------------------

  private async watch(run: Run, s: Stream): Promise<void> {
    if (run.stopped || !run.kc) return;
    if (s.rv === undefined) {
      // Relist after 410 Gone (or a list without resourceVersion): one list, one SYNC for the kind.
      try {
        await this.list(run, s);
      } catch (e) {
        this.streamFailed(run, s, toK8sError(e, s.namespace));
        return;
      }
      if (run.stopped) return;
      this.emitSync(run, s.kind.kind);
    }
    const startedAt = this.opts.clock.now();
    let ended = false;
    let events = 0;
    const onEvent = (type: string, obj: unknown): void => {
      if (run.stopped) return;
      events++;
      const meta = rec(rec(obj).metadata);
      switch (type) {
        case 'ADDED':
        case 'MODIFIED':
        case 'DELETED': {
          const rv = str(meta.resourceVersion);
          if (rv) s.rv = rv;
          const key = objectKey(obj);
          if (type === 'DELETED') s.cache.delete(key);
          else s.cache.set(key, obj);
          this.opts.log.trace(`[InformerPool][watch] ${run.name} ${type} ${s.kind.kind} ${key} rv ${rv}`);
          this.emit(run, { type, kind: s.kind.kind, object: obj });
          break;
        }
        case 'BOOKMARK': {
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
          this._onDidError.fire({ cluster: run.name, kind: s.kind.kind, error: err });
          break;
        }
      }
    };
    const onDone = (err: unknown): void => {
      ended = true;
      if (run.stopped) return;
      if (err) {
        const e = toK8sError(err, s.namespace);
        if (e.code === 'Gone') {
          s.rv = undefined;
          this._onDidError.fire({ cluster: run.name, kind: s.kind.kind, error: e });
          void this.watch(run, s);
          return;
        }
        this.streamFailed(run, s, e);
        return;
      }
      // The server ended the watch (its timeout, or after an ERROR event): watch again from the last
      // resourceVersion, or relist when that was 410. A watch that ends at once without events gets
      // backoff so a misbehaving server cannot make us spin.
      if (s.lastError && s.lastError.code !== 'Gone') {
        const e = s.lastError;
        s.lastError = undefined;
        this.streamFailed(run, s, e);
        return;
      }
      s.lastError = undefined;
      if (events === 0 && this.opts.clock.now() - startedAt < 1000) {
        this.schedule(run, this.delay(s.failures++), () => void this.watch(run, s));
      } else {
        void this.watch(run, s);
      }
    };
    const params: Record<string, string | boolean | number> = {
      allowWatchBookmarks: true,
      // client-go's reflector picks a random timeout in [5, 10) minutes so watches do not all end at once.
      timeoutSeconds: 300 + Math.floor(Math.random() * 300),
    };
    if (s.rv !== undefined) params.resourceVersion = s.rv;
    try {
      const controller = await new k8s.Watch(run.kc).watch(streamPath(s), params, onEvent, onDone);
      if (run.stopped) {
        controller.abort();
        return;
      }
      s.controller = controller;
      if (!ended) this.streamHealthy(run, s);
    } catch (e) {
      // Watch.watch reports failures through `done`; this only catches a throw before the request.
      if (!ended) onDone(e);
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

  private emitSync(run: Run, kind: GitOpsKindName): void {
    const objects: unknown[] = [];
    for (const s of run.streams) if (s.kind.kind === kind) for (const o of s.cache.values()) objects.push(o);
    this.emit(run, { type: 'SYNC', kind, objects });
  }

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

  /** GET with the context's credentials and TLS settings (client-node applies them), JSON body. */
  private async getJson(run: Run, path: string, accept = 'application/json'): Promise<unknown> {
    const kc = run.kc;
    const server = kc?.getCurrentCluster()?.server;
    if (!kc || !server) throw new Error(`context "${run.name}" has no cluster server`);
    const url = new URL(server.replace(/\/+$/, '') + path);
    const options: https.RequestOptions = { headers: { Accept: accept } };
    await kc.applyToHTTPSOptions(options);
    const secure = url.protocol === 'https:';
    if (!secure) delete options.agent;
    return new Promise<unknown>((resolve, reject) => {
      const req = (secure ? https : http).request(url, { ...options, method: 'GET', signal: run.abort.signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          timer.dispose();
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300 && body !== undefined) resolve(body);
          else {
            const msg = str(rec(body).message) || res.statusMessage || `HTTP ${status}`;
            reject(new K8sHttpError(status, msg));
          }
        });
      });
      const timer = this.opts.clock.setTimeout(() => req.destroy(new RequestTimeoutError(`GET ${url.pathname} timed out after ${this.requestTimeoutMs} ms`)), this.requestTimeoutMs);
      req.on('error', (e) => {
        timer.dispose();
        reject(e);
      });
      req.end();
    });
  }
}

function newStream(kind: GitOpsKind, namespace: string | undefined): Stream {
  return { kind, namespace, rv: undefined, cache: new Map(), failures: 0, healthy: true, lastError: undefined, controller: undefined };
}

function streamPath(s: Stream): string {
  const ns = s.namespace !== undefined ? `/namespaces/${encodeURIComponent(s.namespace)}` : '';
  return `/apis/${s.kind.group}/${s.kind.version}${ns}/${s.kind.plural}`;
}

function describe(s: Stream): string {
  return s.namespace !== undefined ? `${s.kind.kind} in ${s.namespace}` : s.kind.kind;
}

function objectKey(o: unknown): string {
  const m = rec(rec(o).metadata);
  return `${str(m.namespace)}/${str(m.name)}`;
}

function rec(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function arr(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
