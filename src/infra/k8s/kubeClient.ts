/**
 * Our request layer to Kubernetes API servers, one `KubeConnection` per kubeconfig context: one
 * keep-alive agent for its lists, GETs, patches and watches (client-node 1.4.0 built a new
 * https.Agent per request), credentials applied as kubectl applies them, and every response bounded.
 *
 * Why not client-node: it cannot bound what it reads (an endless body grew `status` to 4.6 GB), runs
 * exec plugins without a timeout (execCredential.ts), ignores `tokenFile`, `tls-server-name` and the
 * folder relative paths are resolved from, and loads each kubeconfig file alone. The context is
 * resolved by core `resolveContext`, the same merge the context listing uses.
 *
 * Credentials (client-go rest/transport and transport/round_trippers.go, in that order of precedence):
 * `token` (replaced by the content of `tokenFile`, re-read every minute, when both are set),
 * `tokenFile`, basic auth, an exec plugin, the `oidc` auth-provider; a client certificate from the
 * user entry or the exec plugin; impersonation headers. Nothing is sent to a plain-http server.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import { SocksProxyAgent } from 'socks-proxy-agent';
import { KubeConfig } from '@kubernetes/client-node';
import * as path from 'node:path';
import { resolveContext, type KubeConnectionConfig, type PathRules } from '../../core/kube/kubeconfig';
import type { Clock, KubeconfigFile, Logger } from '../../core/ports';
import { abortError, codeOfStatus, formatBytes, K8sRequestError, toK8sError } from './errors';
import { ExecPluginRunner, type ExecClusterInfo, type ExecCredential } from './execCredential';

/** Bounds on what one connection reads. */
export interface KubeLimits {
  /**
   * Bytes of one response body (lists, GETs, discovery, OpenAPI), and of all bodies and partial
   * watch events one connection holds at once (lists of several kinds run in parallel). Default
   * 256 MiB: a list of 5,000 Argo CD Applications of 50 KiB each still fits, while V8 cannot hold a
   * string much over 512 MiB and the heap would not survive parsing one.
   */
  readonly maxResponseBytes: number;
  /**
   * Bytes of one watch event (one line). Default 16 MiB: etcd refuses objects over 1.5 MiB
   * (`--max-request-bytes`), so a real event is far smaller; a line that never ends stops here.
   */
  readonly maxWatchEventBytes: number;
  /** Whole duration of one non-watch request, headers to last byte (default 30 s). */
  readonly requestTimeoutMs: number;
  /** How long an exec credential plugin may run (default 60 s, enough for a browser login). */
  readonly execTimeoutMs: number;
}

const DEFAULT_KUBE_LIMITS: KubeLimits = {
  maxResponseBytes: 256 * 1024 * 1024,
  maxWatchEventBytes: 16 * 1024 * 1024,
  requestTimeoutMs: 30_000,
  execTimeoutMs: 60_000,
};

/**
 * The exec plugin runs of this process, shared by every connection so that two callers of one
 * user entry wait for one plugin run (client-go's `globalCache` in plugin/pkg/client/auth/exec).
 */
let sharedPlugins: ExecPluginRunner | undefined;
function sharedExecPluginRunner(): ExecPluginRunner {
  sharedPlugins ??= new ExecPluginRunner();
  return sharedPlugins;
}

/** Node's path rules for core `resolveContext`. */
export const NODE_PATH_RULES: PathRules = {
  dirname: (p) => path.dirname(p),
  isAbsolute: (p) => path.isAbsolute(p),
  resolve: (base, p) => path.resolve(base, p),
  sep: path.sep,
};

const MAX_PEM_BYTES = 1024 * 1024;
const MAX_ERROR_BODY_BYTES = 64 * 1024;
const TOKEN_FILE_PERIOD_MS = 60_000;

const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return { dispose: () => clearTimeout(t) };
  },
};

export interface RequestOptions {
  readonly accept?: string;
  readonly body?: string;
  readonly contentType?: string;
  readonly signal?: AbortSignal;
  /** Forbidden errors carry this namespace (a namespaced list RBAC denied). */
  readonly namespace?: string;
}

export type WatchEventHandler = (type: string, object: unknown) => void;

type Headers = Record<string, string | string[]>;

/** Set when a request's deadline passed, so the failure it causes is reported as a Timeout. */
interface Deadline {
  expired: boolean;
}

interface TlsMaterial {
  readonly ca: Buffer | undefined;
  readonly cert: Buffer | undefined;
  readonly key: Buffer | undefined;
}

/** One context's connection: its agent, its credentials and its bounds. */
export class KubeConnection {
  private material: Promise<TlsMaterial> | undefined;
  private agent: http.Agent | undefined;
  /** The exec credential the agent's client certificate came from. */
  private agentCert: string | undefined;
  private tokenFileCache: { token: string; readAt: number } | undefined;
  private oidc: Promise<{ apply(headers: Headers): Promise<void> }> | undefined;
  private inflight = 0;
  /** Body bytes held right now by this connection's unfinished answers and watch lines. */
  private held = 0;
  private retired = false;
  private disposed = false;
  readonly secure: boolean;

  constructor(
    readonly config: KubeConnectionConfig,
    private readonly deps: {
      readonly plugins: ExecPluginRunner;
      readonly limits: KubeLimits;
      readonly clock: Clock;
    },
  ) {
    this.secure = config.server.startsWith('https://');
  }

  /** A request; rejects with a typed K8sRequestError for every failure, HTTP statuses included. */
  async request(method: string, apiPath: string, opts: RequestOptions = {}): Promise<{ status: number; body: Buffer }> {
    const where = `${method} ${this.describe(apiPath)}`;
    const { res, deadline } = await this.send(method, apiPath, opts, false);
    const max = this.deps.limits.maxResponseBytes;
    const status = res.statusCode ?? 0;
    const ok = status >= 200 && status < 300;
    const body = await this.readBody(res, ok ? max : MAX_ERROR_BODY_BYTES, where, opts.signal, deadline, !ok);
    if (!ok) throw this.statusError(status, body, where, opts.namespace);
    return { status, body };
  }

  /** A request whose answer is JSON. */
  async requestJson(method: string, apiPath: string, opts: RequestOptions = {}): Promise<unknown> {
    const { body } = await this.request(method, apiPath, { accept: 'application/json', ...opts });
    try {
      return JSON.parse(body.toString('utf8'));
    } catch {
      throw new K8sRequestError({ code: 'Unknown', message: `${method} ${this.describe(apiPath)}: the answer is not JSON` });
    }
  }

  /**
   * A watch (`?watch=true` with `query`): calls `onEvent` per line and resolves when the server ends
   * the watch. Rejects with a typed error on an HTTP error, a line over the event limit, a line that
   * is not JSON, or when the watch outlives `deadlineMs` (the server should have ended it at its
   * `timeoutSeconds`).
   */
  async watch(apiPath: string, query: Readonly<Record<string, string>>, onEvent: WatchEventHandler, opts: { readonly signal?: AbortSignal; readonly deadlineMs: number; readonly namespace?: string; readonly onOpen?: () => void }): Promise<void> {
    const qs = new URLSearchParams({ watch: 'true', ...query }).toString();
    const full = `${apiPath}${apiPath.includes('?') ? '&' : '?'}${qs}`;
    const where = `watch ${this.describe(apiPath)}`;
    const { res, deadline } = await this.send('GET', full, { accept: 'application/json', ...(opts.signal ? { signal: opts.signal } : {}) }, true);
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      const body = await this.readBody(res, MAX_ERROR_BODY_BYTES, where, opts.signal, deadline, true);
      throw this.statusError(status, body, where, opts.namespace);
    }
    opts.onOpen?.();
    const max = this.deps.limits.maxWatchEventBytes;
    await new Promise<void>((resolve, reject) => {
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      let done = false;
      const hold = (n: number): void => {
        pendingBytes += n;
        this.held += n;
      };
      const finish = (err?: Error): void => {
        if (done) return;
        done = true;
        this.held -= pendingBytes;
        pendingBytes = 0;
        timer.dispose();
        if (err) {
          res.destroy();
          reject(err);
        } else resolve();
      };
      const timer = this.deps.clock.setTimeout(
        () => finish(new K8sRequestError({ code: 'Timeout', message: `${where}: the server did not end the watch within ${Math.round(opts.deadlineMs / 1000)} s` })),
        opts.deadlineMs,
      );
      const line = (buf: Buffer): void => {
        const text = buf.toString('utf8').trim();
        if (text === '') return;
        let ev: unknown;
        try {
          ev = JSON.parse(text);
        } catch {
          return finish(new K8sRequestError({ code: 'Unknown', message: `${where}: the server sent a watch event that is not JSON` }));
        }
        const e = typeof ev === 'object' && ev !== null ? (ev as Record<string, unknown>) : {};
        onEvent(typeof e.type === 'string' ? e.type : '', e.object);
      };
      res.on('data', (chunk: Buffer) => {
        if (done) return;
        let start = 0;
        for (let i = chunk.indexOf(10); i !== -1 && !done; i = chunk.indexOf(10, start)) {
          const part = chunk.subarray(start, i);
          if (pendingBytes + part.length > max) return finish(this.tooLarge(where, max, 'one watch event'));
          line(pending.length ? Buffer.concat([...pending, part]) : part);
          pending = [];
          hold(-pendingBytes);
          start = i + 1;
        }
        if (done) return;
        const rest = chunk.subarray(start);
        hold(rest.length);
        if (pendingBytes > max) return finish(this.tooLarge(where, max, 'one watch event'));
        if (this.held > this.deps.limits.maxResponseBytes) return finish(this.tooLarge(where, this.deps.limits.maxResponseBytes, 'together'));
        if (rest.length) pending.push(rest);
      });
      res.on('end', () => {
        if (pendingBytes > 0 && !done) line(Buffer.concat(pending));
        finish();
      });
      res.on('error', (e) => finish(this.transportError(e, where, opts.signal)));
      res.on('close', () => {
        if (!done) finish(res.complete ? undefined : this.transportError(Object.assign(new Error('the connection closed'), { code: 'ECONNRESET' }), where, opts.signal));
      });
    });
  }

  /** Stops using this connection: its agent closes once the requests in flight are done. */
  retire(): void {
    this.retired = true;
    if (this.inflight === 0) this.dispose();
  }

  dispose(): void {
    this.disposed = true;
    this.agent?.destroy();
    this.agent = undefined;
  }

  // ---- plumbing ------------------------------------------------------------------------------------

  /** The request as errors name it: the path without its query (the caller names the context). */
  private describe(apiPath: string): string {
    return apiPath.split('?')[0] ?? apiPath;
  }

  private tooLarge(where: string, max: number, what: 'the answer' | 'one watch event' | 'together'): K8sRequestError {
    const size =
      what === 'together' ? `the answers being read from this cluster at once are larger than ${formatBytes(max)} together` : `${what} is larger than ${formatBytes(max)}`;
    return new K8sRequestError({
      code: 'TooLarge',
      message: `${where}: ${size}; the rest was not read (a server that never ends its answer, or raise the limit)`,
    });
  }

  private statusError(status: number, body: Buffer, where: string, namespace: string | undefined): K8sRequestError {
    let message = '';
    try {
      const parsed = JSON.parse(body.toString('utf8')) as unknown;
      if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { message?: unknown }).message === 'string') message = (parsed as { message: string }).message;
    } catch {
      // not a Status
    }
    if (message === '') message = http.STATUS_CODES[status] ?? `HTTP ${status}`;
    return new K8sRequestError(codeOfStatus(status, `${where}: ${message.slice(0, 1000)}`, namespace), status);
  }

  private transportError(e: unknown, where: string, signal: AbortSignal | undefined, deadline?: Deadline): Error {
    if (e instanceof K8sRequestError) return e;
    if (signal?.aborted) return abortError();
    if (deadline?.expired) return new K8sRequestError({ code: 'Timeout', message: `${where}: no complete answer within ${Math.round(this.deps.limits.requestTimeoutMs / 1000)} s` });
    const typed = toK8sError(e);
    return new K8sRequestError(typed.code === 'Forbidden' ? typed : { ...typed, message: `${typed.message} (${where})` });
  }

  /**
   * Reads a body of at most `max` bytes; a longer one is refused as TooLarge, or, for an error
   * answer (`truncate`), cut: only its Status message matters.
   */
  private readBody(res: http.IncomingMessage, max: number, where: string, signal: AbortSignal | undefined, deadline: Deadline, truncate = false): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const declared = Number(res.headers['content-length']);
      if (!truncate && Number.isFinite(declared) && declared > max) {
        res.destroy();
        return reject(this.tooLarge(where, max, 'the answer'));
      }
      const chunks: Buffer[] = [];
      let bytes = 0;
      let done = false;
      // Every answer counts against the connection's budget while it is read, so parallel lists
      // cannot hold more than the limit together.
      const end = (): boolean => {
        if (done) return false;
        done = true;
        this.held -= bytes;
        return true;
      };
      const budget = this.deps.limits.maxResponseBytes;
      res.on('data', (c: Buffer) => {
        if (done) return;
        bytes += c.length;
        this.held += c.length;
        if (bytes > max) {
          end();
          res.destroy();
          if (truncate) return resolve(Buffer.concat(chunks));
          return reject(this.tooLarge(where, max, 'the answer'));
        }
        if (!truncate && this.held > budget) {
          end();
          res.destroy();
          return reject(this.tooLarge(where, budget, 'together'));
        }
        chunks.push(c);
      });
      res.on('end', () => {
        if (end()) resolve(Buffer.concat(chunks, bytes));
      });
      res.on('error', (e) => {
        if (end()) reject(this.transportError(e, where, signal, deadline));
      });
      res.on('close', () => {
        if (end()) reject(this.transportError(Object.assign(new Error('the connection closed before the answer was complete'), { code: 'ECONNRESET' }), where, signal, deadline));
      });
    });
  }

  /** Sends a request with credentials and returns the response (headers read, body not yet). */
  private async send(method: string, apiPath: string, opts: RequestOptions, isWatch: boolean): Promise<{ res: http.IncomingMessage; deadline: Deadline }> {
    if (this.disposed) throw new K8sRequestError({ code: 'Unknown', message: `the connection to context "${this.config.context}" was closed` });
    const where = `${method} ${this.describe(apiPath)}`;
    this.inflight++;
    try {
      const headers: Headers = { Accept: opts.accept ?? 'application/json', 'User-Agent': 'gitops-lens' };
      if (opts.contentType) headers['Content-Type'] = opts.contentType;
      const execCred = await this.authorize(headers, opts.signal);
      const agent = await this.agentFor(execCred);
      const url = new URL(this.config.server + apiPath);
      const deadline: Deadline = { expired: false };
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const req = (this.secure ? https : http).request(url, { method, headers, agent, ...(opts.signal ? { signal: opts.signal } : {}) }, resolve);
        if (!isWatch) {
          // One deadline for the whole exchange, headers to last byte: a server dripping one byte at a time cannot hold us.
          const timer = this.deps.clock.setTimeout(() => {
            deadline.expired = true;
            req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }));
          }, this.deps.limits.requestTimeoutMs);
          req.on('close', () => timer.dispose());
        }
        req.on('error', (e) => reject(this.transportError(e, where, opts.signal, deadline)));
        req.end(opts.body);
      });
      if (res.statusCode === 401 && execCred) this.deps.plugins.invalidate(execCred);
      if (res.statusCode === 401) this.tokenFileCache = undefined;
      res.on('close', () => this.released());
      return { res, deadline };
    } catch (e) {
      this.released();
      throw e;
    }
  }

  private released(): void {
    this.inflight--;
    if (this.retired && this.inflight <= 0) this.dispose();
  }

  /** Sets the credential headers; returns the exec credential used, if any. */
  private async authorize(headers: Headers, signal: AbortSignal | undefined): Promise<ExecCredential | undefined> {
    const auth = this.config.auth;
    if (!auth) return undefined;
    const user = this.config.userName;
    if (auth.impersonate) {
      headers['Impersonate-User'] = auth.impersonate.user;
      if (auth.impersonate.uid) headers['Impersonate-Uid'] = auth.impersonate.uid;
      if (auth.impersonate.groups.length) headers['Impersonate-Group'] = [...auth.impersonate.groups];
      for (const [k, v] of Object.entries(auth.impersonate.extra)) headers[`Impersonate-Extra-${encodeURIComponent(k)}`] = [...v];
    }
    let execCred: ExecCredential | undefined;
    // A token or basic auth goes first and the plugin is not asked (client-go: the exec round tripper
    // leaves a request that already has an Authorization header alone).
    const staticAuth = auth.token !== undefined || auth.tokenFile !== undefined || auth.basic !== undefined;
    if (auth.exec && !staticAuth) {
      execCred = await this.deps.plugins.credential(user, auth.exec, await this.clusterInfo(), {
        ...(signal ? { signal } : {}),
        timeoutMs: this.deps.limits.execTimeoutMs,
      });
    }
    const token = auth.tokenFile !== undefined ? (await this.fileToken(auth.tokenFile, auth.token)) : auth.token;
    if (token !== undefined) headers.Authorization = `Bearer ${token}`;
    else if (auth.basic) headers.Authorization = `Basic ${Buffer.from(`${auth.basic.username}:${auth.basic.password}`).toString('base64')}`;
    else if (execCred?.token) headers.Authorization = `Bearer ${execCred.token}`;
    else if (auth.authProvider) await this.authProvider(headers);
    return execCred;
  }

  /** transport/token_source.go `NewCachedFileTokenSource`: the file is re-read every minute. */
  private async fileToken(file: string, fallback: string | undefined): Promise<string> {
    const now = this.deps.clock.now();
    if (this.tokenFileCache && now - this.tokenFileCache.readAt < TOKEN_FILE_PERIOD_MS) return this.tokenFileCache.token;
    try {
      const token = (await readBounded(file, MAX_PEM_BYTES)).toString('utf8').trim();
      if (token === '') throw new Error('it is empty');
      this.tokenFileCache = { token, readAt: now };
      return token;
    } catch (e) {
      if (fallback !== undefined) return fallback;
      throw new K8sRequestError({ code: 'CredentialsFailed', message: `cannot read the tokenFile ${file} of user "${this.config.userName}": ${errText(e)}` });
    }
  }

  private async authProvider(headers: Headers): Promise<void> {
    const p = this.config.auth?.authProvider;
    if (!p) return;
    if (p.name === 'gcp' || p.name === 'azure') {
      // kubectl 1.26+ (client-go plugin/pkg/client/auth/{gcp,azure}) refuses these with the same advice.
      const plugin = p.name === 'gcp' ? 'gke-gcloud-auth-plugin' : 'kubelogin';
      throw new K8sRequestError({
        code: 'KubeconfigInvalid',
        message: `user "${this.config.userName}": the ${p.name} auth-provider was removed from kubectl; use the "${plugin}" exec credential plugin instead`,
      });
    }
    if (p.name !== 'oidc') {
      throw new K8sRequestError({ code: 'KubeconfigInvalid', message: `user "${this.config.userName}": no auth-provider named "${p.name}" (kubectl knows only oidc)` });
    }
    this.oidc ??= oidcAuthenticator(this.config.userName, p.config);
    await (await this.oidc).apply(headers);
  }

  private async clusterInfo(): Promise<ExecClusterInfo> {
    const c = this.config;
    const m = await this.tlsMaterial();
    return {
      server: c.server,
      ...(c.tlsServerName ? { 'tls-server-name': c.tlsServerName } : {}),
      ...(c.insecureSkipTlsVerify ? { 'insecure-skip-tls-verify': true } : {}),
      ...(m.ca ? { 'certificate-authority-data': m.ca.toString('base64') } : {}),
      ...(c.proxyUrl ? { 'proxy-url': c.proxyUrl } : {}),
    };
  }

  /** CA and client certificate of the kubeconfig, read once (bounded); a missing file names the entry. */
  private tlsMaterial(): Promise<TlsMaterial> {
    this.material ??= (async () => {
      const c = this.config;
      const read = async (file: string | undefined, data: string | undefined, what: string, entry: string): Promise<Buffer | undefined> => {
        if (data !== undefined) return Buffer.from(data, 'base64');
        if (file === undefined) return undefined;
        try {
          return await readBounded(file, MAX_PEM_BYTES);
        } catch (e) {
          throw new K8sRequestError({ code: 'KubeconfigInvalid', message: `cannot read the ${what} ${file} of ${entry}: ${errText(e)}` });
        }
      };
      const clusterEntry = `cluster "${c.clusterName}" (${c.sources.cluster})`;
      const userEntry = `user "${c.userName}" (${c.sources.user ?? '?'})`;
      return {
        ca: await read(c.caFile, c.caData, 'certificate-authority', clusterEntry),
        cert: c.auth ? await read(c.auth.clientCertificateFile, c.auth.clientCertificateData, 'client-certificate', userEntry) : undefined,
        key: c.auth ? await read(c.auth.clientKeyFile, c.auth.clientKeyData, 'client-key', userEntry) : undefined,
      };
    })();
    this.material.catch(() => (this.material = undefined)); // a file fixed later is read again
    return this.material;
  }

  /** The connection's one keep-alive agent; rebuilt only when an exec plugin hands out a new client certificate. */
  private async agentFor(execCred: ExecCredential | undefined): Promise<http.Agent> {
    const m = await this.tlsMaterial();
    const certKey = execCred?.clientCertificateData;
    if (this.agent && this.agentCert === certKey) return this.agent;
    // client-go closes the connections when the exec plugin's certificate rotates (connTracker.CloseAll).
    this.agent?.destroy();
    const c = this.config;
    const tls: https.AgentOptions = {
      keepAlive: true,
      ...(m.ca ? { ca: m.ca } : {}),
      ...(certKey && execCred?.clientKeyData ? { cert: certKey, key: execCred.clientKeyData } : m.cert && m.key ? { cert: m.cert, key: m.key } : {}),
      rejectUnauthorized: !c.insecureSkipTlsVerify,
      ...(c.tlsServerName ? { servername: c.tlsServerName } : {}),
    };
    let agent: http.Agent;
    const proxy = c.proxyUrl;
    if (proxy && /^socks/i.test(proxy)) agent = new SocksProxyAgent(proxy, tls);
    else if (proxy) agent = this.secure ? new HttpsProxyAgent({ ...tls, proxy }) : new HttpProxyAgent({ keepAlive: true, proxy });
    else agent = this.secure ? new https.Agent(tls) : new http.Agent({ keepAlive: true });
    this.agent = agent;
    this.agentCert = certKey;
    return agent;
  }
}

/**
 * The `oidc` auth-provider through client-node's OpenIDConnectAuth (it refreshes an expired id-token
 * with the refresh-token at the issuer), the one thing still borrowed from client-node.
 */
async function oidcAuthenticator(user: string, config: Readonly<Record<string, string>>): Promise<{ apply(headers: Headers): Promise<void> }> {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'oidc', server: 'https://oidc.invalid', skipTLSVerify: false }],
    users: [{ name: user, authProvider: { name: 'oidc', config: { ...config } } }],
    contexts: [{ name: 'oidc', cluster: 'oidc', user }],
    currentContext: 'oidc',
  });
  return {
    apply: async (headers) => {
      const opts: https.RequestOptions = { headers: {} };
      await kc.applyToHTTPSOptions(opts);
      const value = (opts.headers as Record<string, unknown> | undefined)?.Authorization;
      if (typeof value !== 'string') throw new K8sRequestError({ code: 'CredentialsFailed', message: `user "${user}": the oidc auth-provider has no usable id-token` });
      headers.Authorization = value;
    },
  };
}

/**
 * The connections of one owner (the informer pool, the cluster access), one per context, kept while
 * the context resolves to the same configuration; a changed kubeconfig entry retires the old one.
 */
export class KubeConnections {
  private readonly byContext = new Map<string, { readonly texts: string; readonly fingerprint: string; readonly connection: KubeConnection }>();
  private readonly limits: KubeLimits;
  private readonly plugins: ExecPluginRunner;
  private readonly clock: Clock;
  private readonly warned = new Set<string>();

  constructor(
    private readonly opts: {
      readonly kubeconfig: () => Promise<readonly KubeconfigFile[]> | readonly KubeconfigFile[];
      readonly limits?: Partial<KubeLimits>;
      readonly plugins?: ExecPluginRunner;
      readonly clock?: Clock;
      readonly log?: Logger;
    },
  ) {
    this.limits = { ...DEFAULT_KUBE_LIMITS, ...opts.limits };
    this.plugins = opts.plugins ?? sharedExecPluginRunner();
    this.clock = opts.clock ?? systemClock;
  }

  /** The connection of a context; rejects with KubeconfigInvalid when the context cannot be used. */
  async get(context: string): Promise<KubeConnection> {
    const files = await this.opts.kubeconfig();
    const texts = files.map((f) => `${f.path}\u0000${f.text ?? ''}`).join('\u0000');
    const cached = this.byContext.get(context);
    if (cached?.texts === texts) return cached.connection;
    const resolved = resolveContext(files, context, NODE_PATH_RULES);
    if (!resolved.ok) throw new K8sRequestError({ code: 'KubeconfigInvalid', message: resolved.problems.join('; ') });
    const fingerprint = JSON.stringify(resolved.config);
    if (cached?.fingerprint === fingerprint) {
      this.byContext.set(context, { ...cached, texts });
      return cached.connection;
    }
    cached?.connection.retire();
    if (resolved.config.credentialsWithheld && !this.warned.has(context)) {
      this.warned.add(context);
      this.opts.log?.warn(`[KubeConnections][get] context "${context}": the server ${resolved.config.server} is plain http, so its user's credentials are not sent (as kubectl)`);
    }
    const connection = new KubeConnection(resolved.config, { plugins: this.plugins, limits: this.limits, clock: this.clock });
    this.byContext.set(context, { texts, fingerprint, connection });
    return connection;
  }

  dispose(): void {
    for (const c of this.byContext.values()) c.connection.dispose();
    this.byContext.clear();
  }
}

/** Reads at most `max` bytes of a file; a bigger one is refused rather than read. */
async function readBounded(file: string, max: number): Promise<Buffer> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const st = await handle.stat();
    if (st.size > max) throw new Error(`it is larger than ${formatBytes(max)}`);
    const buf = Buffer.alloc(Math.min(max, st.isFile() ? st.size : max) + 1);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    if (bytesRead > max) throw new Error(`it is larger than ${formatBytes(max)}`);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function errText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : e instanceof Error ? e.message : String(e);
}
