/**
 * An Argo CD API server stand-in: the REST API grpc-gateway serves in front of argocd-server's gRPC
 * services (paths, parameters and shapes from assets/swagger.json, every request and answer validated
 * against it by ./openApi.ts), for tests, benches and `npm run sim`.
 *
 * It states facts: apps, projects, ApplicationSets, resource trees, managed resources and events are
 * what the test (or the seed) put there; it computes no health or sync (that is the product's, or
 * the application controller's, job). What it does do is what argocd-server itself does with them:
 * - auth: bearer tokens (or the `argocd.token` cookie); none → 401 "no session information", an
 *   unknown or expired one → 401 "invalid session: …" (server/server.go authenticate);
 * - RBAC: allow rules `resource, action, object` with `*` globs; lists and streams leave out apps the
 *   account may not `get`, single-app calls answer 403 "permission denied" whether the app is hidden or
 *   absent, sync needs `sync` too and its denial names it (server/application/application.go
 *   getAppEnforceRBAC, List, Watch, Sync; util/rbac/rbac.go EnforceErr);
 * - streams: one JSON object per line, `{"result": …}`; without `resourceVersion` every app first as
 *   ADDED, with one only later changes and none below it; events while no stream was open are not
 *   replayed (the broadcaster has no history);
 * - refresh (`?refresh=normal|hard`): the app is annotated and, the stand-in controller being instant,
 *   re-stamped `status.reconciledAt` and returned; sync: `operation.sync` set with the revision and
 *   prune flag asked for, as argo.SetAppOperation does;
 * - errors in grpc-gateway v1's shapes: `{"error","code","message"}` for calls, a `{"error":
 *   {grpc_code,http_code,message,http_status}}` line for streams;
 * - POST bodies must be `Content-Type: application/json` (server.go enforceContentTypes).
 * Faults: cut streams, down/up, a gRPC-only front (every REST call answered the way grpc-go answers a
 * request that is not gRPC), latency.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { servingCert } from '../k8s/tlsCert';
import { argoCdValidator, type ArgoCdViolation } from './openApi';
import { DexStandIn, type SsoUser } from './dex';

type Obj = Record<string, unknown>;

export interface RbacRule {
  readonly resource: string;
  readonly action: string;
  /** `project/name`, `project/namespace/name`, with `*` globs. */
  readonly object: string;
}

export interface SimAccount {
  readonly subject: string;
  /** 'admin' may do everything (role:admin). */
  readonly rules: readonly RbacRule[] | 'admin';
  expired?: boolean;
}

export interface ArgoCdRequestRecord {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly status: number;
}

export interface ArgoCdSimOptions {
  readonly port?: number;
  /** Serve plain HTTP instead of HTTPS (argocd-server --insecure). */
  readonly plainText?: boolean;
  /** The loopback address to listen on (default 127.0.0.1; any 127.x.y.z stands for another machine's address). */
  readonly host?: string;
  /** argocd-server --rootpath. */
  readonly rootPath?: string;
  /** The control plane's namespace (default argocd). */
  readonly namespace?: string;
  /** The admin token (default random). */
  readonly token?: string;
  /** Validate traffic against swagger.json (default true; benches switch it off to time the client, not the validator). */
  readonly validate?: boolean;
}

const GRPC_CODE_OF: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 409: 6, 412: 9, 500: 13, 503: 14 };

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Stream {
  readonly res: http.ServerResponse;
  readonly account: SimAccount;
  readonly appNamespace: string | undefined;
  readonly minVersion: number;
  readonly apiPath: string;
  /** For a resource-tree stream: the app it follows. */
  readonly treeOf?: string;
}

export class ArgoCdSimServer {
  readonly requests: ArgoCdRequestRecord[] = [];
  readonly violations: ArgoCdViolation[] = [];
  /** Bodies of accepted sync requests, in order. */
  readonly syncs: Obj[] = [];
  readonly refreshes: Array<{ app: string; type: string }> = [];
  readonly accounts = new Map<string, SimAccount>();
  readonly namespace: string;
  readonly adminToken: string;
  readonly rootPath: string;
  readonly plainText: boolean;
  readonly host: string;
  private readonly validate: boolean;

  private readonly apps = new Map<string, Obj>();
  private readonly projects = new Map<string, Obj>();
  private readonly appSets = new Map<string, Obj>();
  private readonly trees = new Map<string, Obj>();
  private readonly managed = new Map<string, Obj[]>();
  private readonly events = new Map<string, Obj[]>();
  /** The newest Application resourceVersion (the informer's last synced version). */
  private rv = 0;
  /** Versions of projects and ApplicationSets, apart: they must not move the applications' version. */
  private otherRv = 0;
  private readonly streams = new Set<Stream>();
  private server: http.Server | https.Server | undefined;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  private latencyMs = 0;
  private grpcOnly = false;
  /** The bundled Dex under /api/dex, once SSO is enabled (dex.ts). */
  dex: DexStandIn | undefined;
  /** When set, app writes go here (a Kubernetes simulator the apps live in) and come back through `mirror`. */
  writer: ((app: Obj) => void) | undefined;

  constructor(opts: ArgoCdSimOptions = {}) {
    this.namespace = opts.namespace ?? 'argocd';
    this.adminToken = opts.token ?? randomBytes(16).toString('hex');
    this.rootPath = (opts.rootPath ?? '').replace(/^\/+|\/+$/g, '');
    this.plainText = opts.plainText === true;
    this.host = opts.host ?? '127.0.0.1';
    this.validate = opts.validate !== false;
    this.accounts.set(this.adminToken, { subject: 'admin', rules: 'admin' });
    if (opts.port) this.port = opts.port;
  }

  // ---- state ----------------------------------------------------------------------------------------

  /** Stores an Application as Argo CD's informer holds it (no apiVersion/kind), assigning version and uid. */
  putApp(app: Obj, opts: { keepVersion?: boolean } = {}): Obj {
    const meta = { ...((app.metadata as Obj | undefined) ?? {}) };
    if (typeof meta.name !== 'string') throw new Error('an Application needs metadata.name');
    meta.namespace ??= this.namespace;
    meta.uid ??= randomUUID();
    meta.creationTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    if (opts.keepVersion && typeof meta.resourceVersion === 'string') this.rv = Math.max(this.rv, Number(meta.resourceVersion) || 0);
    else meta.resourceVersion = String(++this.rv);
    const stored: Obj = { ...withoutTypeMeta(app), metadata: meta };
    const key = `${String(meta.namespace)}/${String(meta.name)}`;
    const type = this.apps.has(key) ? 'MODIFIED' : 'ADDED';
    this.apps.set(key, stored);
    this.broadcast(type, stored);
    return stored;
  }

  /** `resourceVersion`: the deletion's version when the app lives in a Kubernetes simulator. */
  deleteApp(namespace: string, name: string, resourceVersion?: string): void {
    const key = `${namespace}/${name}`;
    const app = this.apps.get(key);
    if (!app) return;
    this.apps.delete(key);
    if (resourceVersion !== undefined) this.rv = Math.max(this.rv, Number(resourceVersion) || 0);
    const meta = { ...(app.metadata as Obj), resourceVersion: resourceVersion ?? String(++this.rv) };
    this.broadcast('DELETED', { ...app, metadata: meta });
  }

  app(namespace: string, name: string): Obj | undefined {
    return this.apps.get(`${namespace}/${name}`);
  }

  allApps(): Obj[] {
    return [...this.apps.values()];
  }

  /** Changes an app: through the writer when mirroring, else stored here. */
  writeApp(app: Obj): void {
    if (this.writer) this.writer(app);
    else this.putApp(app);
  }

  putProject(project: Obj): void {
    const meta: Obj = { uid: randomUUID(), resourceVersion: String(++this.otherRv), namespace: this.namespace, ...((project.metadata as Obj | undefined) ?? {}) };
    this.projects.set(String(meta.name), { ...withoutTypeMeta(project), metadata: meta });
  }

  putApplicationSet(appSet: Obj): void {
    const meta: Obj = { uid: randomUUID(), resourceVersion: String(++this.otherRv), namespace: this.namespace, ...((appSet.metadata as Obj | undefined) ?? {}) };
    this.appSets.set(`${String(meta.namespace)}/${String(meta.name)}`, { ...withoutTypeMeta(appSet), metadata: meta });
  }

  /** The app's resource tree (v1alpha1ApplicationTree); streams of it get the new tree. */
  setTree(namespace: string, name: string, tree: Obj): void {
    const key = `${namespace}/${name}`;
    this.trees.set(key, tree);
    for (const s of this.streams) if (s.treeOf === key) this.writeChunk(s, { result: tree });
  }

  setManagedResources(namespace: string, name: string, items: Obj[]): void {
    this.managed.set(`${namespace}/${name}`, items);
  }

  addEvent(namespace: string, name: string, event: Obj): void {
    const key = `${namespace}/${name}`;
    this.events.set(key, [...(this.events.get(key) ?? []), event]);
  }

  addToken(token: string, account: SimAccount): void {
    this.accounts.set(token, account);
  }

  // ---- faults ---------------------------------------------------------------------------------------

  /** Ends every open stream's connection, as a proxy's read timeout or a restart does. */
  cutStreams(): void {
    for (const s of [...this.streams]) {
      this.streams.delete(s);
      s.res.socket?.destroy();
    }
  }

  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /** Answer every REST call as grpc-go answers a request that is not gRPC (a front that forwards gRPC only). */
  setGrpcOnly(on: boolean): void {
    this.grpcOnly = on;
  }

  openStreams(): number {
    return this.streams.size;
  }

  /**
   * SSO through the bundled Dex (argocd-cm `dex.config` with one connector): `/api/v1/settings` then
   * names it, and `/api/dex` serves the login; a token it issues is a session of `user` (role:admin).
   */
  enableSso(user: SsoUser = { email: 'dev@example.test', name: 'Dev' }): DexStandIn {
    this.dex = new DexStandIn(user, (token, subject) => this.accounts.set(token, { subject, rules: 'admin' }));
    return this.dex;
  }

  // ---- lifecycle ------------------------------------------------------------------------------------

  async listen(port = this.port): Promise<void> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => void this.handle(req, res);
    const server = this.plainText ? http.createServer(handler) : https.createServer({ ...servingCert() }, handler);
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    server.on('secureConnection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  /** `https://127.0.0.1:PORT[/root]`. */
  get url(): string {
    return `${this.plainText ? 'http' : 'https'}://${this.host}:${this.port}${this.rootPath ? `/${this.rootPath}` : ''}`;
  }

  /** The address as the argocd CLI stores it. */
  get address(): string {
    return `${this.host}:${this.port}`;
  }

  get caPem(): string {
    return servingCert().cert;
  }

  async close(): Promise<void> {
    this.cutStreams();
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    for (const sock of this.sockets) sock.destroy();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  async reopen(): Promise<void> {
    if (!this.server) await this.listen(this.port);
  }

  // ---- HTTP -----------------------------------------------------------------------------------------

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const method = req.method ?? 'GET';
    let apiPath = url.pathname;
    const record = (status: number): void => void this.requests.push({ method, path: apiPath, query: url.search, status });
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    if (this.rootPath) {
      // server.go withRootPath: only requests under the root path reach the API.
      if (!apiPath.startsWith(`/${this.rootPath}/`)) {
        record(404);
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
        return;
      }
      apiPath = apiPath.slice(this.rootPath.length + 1);
    }
    if (this.grpcOnly) {
      // grpc-go http2_server: a request whose content-type is not application/grpc gets 415 with gRPC status headers.
      record(415);
      res.writeHead(415, { 'content-type': 'application/grpc', 'grpc-status': '13', 'grpc-message': `transport: received unexpected content-type "${req.headers['content-type'] ?? ''}"` }).end();
      return;
    }
    if (this.dex && (apiPath === '/api/dex' || apiPath.startsWith('/api/dex/'))) {
      // Dex is not part of the REST API described by swagger.json: not validated against it.
      const text = await readBody(req).catch(() => '');
      record(200);
      await this.dex.handle(req, res, apiPath.slice('/api/dex'.length), url.searchParams, text, `${this.url}/api/dex`);
      return;
    }
    if (!apiPath.startsWith('/api/')) {
      record(404);
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>Argo CD UI</body></html>');
      return;
    }
    let body: unknown;
    try {
      const text = await readBody(req);
      if (method !== 'GET' && req.headers['content-type']?.toLowerCase() !== 'application/json') {
        record(415);
        res.writeHead(415, { 'content-type': 'text/plain; charset=utf-8' }).end('Invalid content type\n');
        return;
      }
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      return this.fail(res, method, apiPath, record, new HttpFailure(400, 'the request body is not JSON'));
    }
    for (const message of this.validate ? argoCdValidator().validateRequest(method, apiPath, url.searchParams, body) : []) {
      this.violations.push({ method, path: apiPath, where: 'request', message });
    }
    if (method === 'GET' && apiPath === '/api/v1/settings') {
      // Public: argocd-server serves its settings to anyone (server/settings/settings.go AuthFuncOverride).
      const answer = { url: this.url, ...(this.dex ? { dexConfig: { connectors: [{ name: 'Simulator', type: 'mockCallback' }] } } : {}) };
      this.check(method, apiPath, 200, answer);
      record(200);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      return;
    }
    try {
      const account = this.authenticate(req);
      const answer = this.route(method, apiPath, url.searchParams, body, account, res);
      if (answer === 'stream') {
        record(200);
        return;
      }
      this.check(method, apiPath, 200, answer);
      record(200);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    } catch (err) {
      if (!(err instanceof HttpFailure)) throw err;
      this.fail(res, method, apiPath, record, err);
    }
  }

  private fail(res: http.ServerResponse, method: string, apiPath: string, record: (s: number) => void, err: HttpFailure): void {
    record(err.status);
    const grpcCode = GRPC_CODE_OF[err.status] ?? 2;
    if (apiPath.startsWith('/api/v1/stream/')) {
      // grpc-gateway v1 ForwardResponseStream: an error before the first message sets the status and writes one error chunk.
      const chunk = { error: { grpc_code: grpcCode, http_code: err.status, message: err.message, http_status: http.STATUS_CODES[err.status] ?? '' } };
      this.checkChunk(method, apiPath, chunk);
      res.writeHead(err.status, { 'content-type': 'application/json' }).end(`${JSON.stringify(chunk)}\n`);
      return;
    }
    const bodyOut = { error: err.message, code: grpcCode, message: err.message };
    this.check(method, apiPath, err.status, bodyOut);
    res.writeHead(err.status, { 'content-type': 'application/json' }).end(JSON.stringify(bodyOut));
  }

  private check(method: string, apiPath: string, status: number, body: unknown): void {
    if (!this.validate) return;
    for (const message of argoCdValidator().validateResponse(method, apiPath, status, body)) this.violations.push({ method, path: apiPath, status, where: 'response', message });
  }

  private checkChunk(method: string, apiPath: string, chunk: unknown): void {
    if (!this.validate) return;
    for (const message of argoCdValidator().validateStreamChunk(method, apiPath, chunk)) this.violations.push({ method, path: apiPath, where: 'stream', message });
  }

  private authenticate(req: http.IncomingMessage): SimAccount {
    const auth = req.headers.authorization;
    const cookie = /(?:^|;\s*)argocd\.token=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const token = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : cookie;
    if (!token) throw new HttpFailure(401, 'no session information');
    const account = this.accounts.get(token);
    if (!account) throw new HttpFailure(401, 'invalid session: token signature is invalid');
    if (account.expired) throw new HttpFailure(401, 'invalid session: token has invalid claims: token is expired');
    return account;
  }

  private allowed(account: SimAccount, resource: string, action: string, object: string): boolean {
    if (account.rules === 'admin') return true;
    return account.rules.some((r) => glob(r.resource, resource) && glob(r.action, action) && glob(r.object, object));
  }

  /** Application.RBACName: `project/name`, or `project/namespace/name` outside the control plane's namespace. */
  private rbacName(app: Obj): string {
    const meta = app.metadata as Obj;
    const project = String((app.spec as Obj | undefined)?.project || 'default');
    return meta.namespace === this.namespace ? `${project}/${String(meta.name)}` : `${project}/${String(meta.namespace)}/${String(meta.name)}`;
  }

  /** getAppEnforceRBAC without a project: absent and hidden both answer "permission denied". */
  private appFor(account: SimAccount, query: URLSearchParams, name: string, action: string): Obj {
    const ns = query.get('appNamespace') || this.namespace;
    const app = this.apps.get(`${ns}/${name}`);
    if (!app || !this.allowed(account, 'applications', 'get', this.rbacName(app))) throw new HttpFailure(403, 'permission denied');
    if (action !== 'get' && !this.allowed(account, 'applications', action, this.rbacName(app))) {
      throw new HttpFailure(403, `permission denied: applications, ${action}, ${this.rbacName(app)}, sub: ${account.subject}`);
    }
    return app;
  }

  private route(method: string, apiPath: string, q: URLSearchParams, body: unknown, account: SimAccount, res: http.ServerResponse): unknown {
    const segs = apiPath.split('/').slice(1).map((s) => decodeURIComponent(s));
    // ['api','v1','applications', name?, sub?]
    if (segs[0] !== 'api' || segs[1] !== 'v1') throw new HttpFailure(404, 'Not Found');
    const [, , top, a, b, c] = segs;
    if (method === 'GET' && top === 'applications' && a === undefined) return this.listApps(account, q);
    if (method === 'GET' && top === 'applications' && a !== undefined && b === undefined) return this.getApp(account, q, a);
    if (method === 'GET' && top === 'applications' && a !== undefined && b === 'resource-tree') {
      const app = this.appFor(account, q, a, 'get');
      return this.treeOf(app);
    }
    if (method === 'GET' && top === 'applications' && a !== undefined && b === 'managed-resources') {
      const app = this.appFor(account, q, a, 'get');
      return { items: this.managed.get(keyOf(app)) ?? [] };
    }
    if (method === 'GET' && top === 'applications' && a !== undefined && b === 'events') {
      const app = this.appFor(account, q, a, 'get');
      return { items: this.events.get(keyOf(app)) ?? [], metadata: {} };
    }
    if (method === 'POST' && top === 'applications' && a !== undefined && b === 'sync') return this.sync(account, q, a, body);
    if (method === 'GET' && top === 'projects' && a === undefined) {
      return { items: [...this.projects.values()].filter((p) => this.allowed(account, 'projects', 'get', String((p.metadata as Obj).name))), metadata: {} };
    }
    if (method === 'GET' && top === 'applicationsets' && a === undefined) {
      // ApplicationSet RBAC objects are `<project of the template>/<name>` (server/applicationset/applicationset.go).
      const project = (set: Obj): string => String((((set.spec as Obj | undefined)?.template as Obj | undefined)?.spec as Obj | undefined)?.project || 'default');
      return { items: [...this.appSets.values()].filter((set) => this.allowed(account, 'applicationsets', 'get', `${project(set)}/${String((set.metadata as Obj).name)}`)), metadata: {} };
    }
    if (method === 'GET' && top === 'stream' && a === 'applications' && b === undefined) return this.openAppStream(account, q, res, apiPath);
    if (method === 'GET' && top === 'stream' && a === 'applications' && b !== undefined && c === 'resource-tree') {
      const app = this.appFor(account, q, b, 'get');
      const stream: Stream = { res, account, appNamespace: undefined, minVersion: 0, apiPath, treeOf: keyOf(app) };
      this.openStream(res, stream);
      this.writeChunk(stream, { result: this.treeOf(app) });
      return 'stream';
    }
    throw new HttpFailure(404, 'Not Found');
  }

  private listApps(account: SimAccount, q: URLSearchParams): unknown {
    const ns = q.get('appNamespace');
    const projects = [...q.getAll('projects'), ...q.getAll('project')];
    const items = [...this.apps.values()]
      .filter((app) => (!ns || (app.metadata as Obj).namespace === ns) && (projects.length === 0 || projects.includes(String((app.spec as Obj | undefined)?.project || 'default'))))
      .filter((app) => this.allowed(account, 'applications', 'get', this.rbacName(app)))
      .sort((x, y) => String((x.metadata as Obj).name).localeCompare(String((y.metadata as Obj).name)));
    // application.go List: the list's resourceVersion is the informer's last synced version.
    return { items, metadata: { resourceVersion: String(this.rv) } };
  }

  private getApp(account: SimAccount, q: URLSearchParams, name: string): unknown {
    const app = this.appFor(account, q, name, 'get');
    const refresh = q.get('refresh');
    if (refresh === null) return this.withTreeHealth(app);
    // The stand-in controller answers a refresh at once: it re-stamps reconciledAt (the status itself is a fact of the seed).
    this.refreshes.push({ app: keyOf(app), type: refresh === 'hard' ? 'hard' : 'normal' });
    const status = { ...((app.status as Obj | undefined) ?? {}), reconciledAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
    const updated = { ...app, status };
    this.writeApp(updated);
    return this.withTreeHealth(this.apps.get(keyOf(app)) ?? updated);
  }

  private sync(account: SimAccount, q: URLSearchParams, name: string, body: unknown): unknown {
    const req = (body ?? {}) as Obj;
    const ns = typeof req.appNamespace === 'string' && req.appNamespace ? req.appNamespace : (q.get('appNamespace') ?? undefined);
    const query = new URLSearchParams(ns ? { appNamespace: ns } : {});
    const app = this.appFor(account, query, name, 'sync');
    if (req.manifests !== undefined) throw new HttpFailure(403, `permission denied: applications, override, ${this.rbacName(app)}, sub: ${account.subject}`);
    this.syncs.push(req);
    const revision = typeof req.revision === 'string' && req.revision ? req.revision : String(((app.spec as Obj | undefined)?.source as Obj | undefined)?.targetRevision ?? 'HEAD');
    const operation = { sync: { revision, prune: req.prune === true, ...(req.dryRun ? { dryRun: true } : {}) }, initiatedBy: { username: account.subject } };
    this.writeApp({ ...app, operation });
    return this.withTreeHealth(this.apps.get(keyOf(app)) ?? { ...app, operation });
  }

  /**
   * What argocd-server does to an app it returns from Get, Watch and Sync (not List) when the controller
   * keeps resource health in the tree (`status.resourceHealthSource: appTree`): each `status.resources[]`
   * entry gets the health of its tree node; a node never created (no resourceVersion, uid or creation
   * time) is Missing, "Resource has not been created" (application.go inferResourcesStatusHealth).
   * Only with a seeded tree: the simulator's own default tree is made from these entries.
   */
  private withTreeHealth(app: Obj): Obj {
    const status = app.status as Obj | undefined;
    const tree = this.trees.get(keyOf(app));
    if (status?.resourceHealthSource !== 'appTree' || !tree || !Array.isArray(status.resources)) return app;
    const k = (r: Obj): string => `${String(r.group ?? '')}/${String(r.kind)}/${String(r.namespace ?? '')}/${String(r.name)}`;
    const health = new Map<string, unknown>();
    for (const n of (tree.nodes as Obj[] | undefined) ?? []) {
      if (n.health) health.set(k(n), n.health);
      else if (n.resourceVersion === undefined && n.uid === undefined && n.createdAt === undefined) health.set(k(n), { status: 'Missing', message: 'Resource has not been created' });
    }
    const resources = (status.resources as Obj[]).map((r) => {
      const rest: Obj = { ...r };
      delete rest.health;
      const h = health.get(k(r));
      return h === undefined ? rest : { ...rest, health: h };
    });
    return { ...app, status: { ...status, resources } };
  }

  /** The seeded tree, or one node per `status.resources` entry with the health it records (facts, not computed). */
  private treeOf(app: Obj): Obj {
    const seeded = this.trees.get(keyOf(app));
    if (seeded) return seeded;
    const resources = (((app.status as Obj | undefined)?.resources as Obj[] | undefined) ?? []);
    return {
      nodes: resources.map((r) => ({
        group: r.group ?? '',
        version: r.version ?? '',
        kind: r.kind,
        namespace: r.namespace ?? '',
        name: r.name,
        ...(r.health ? { health: r.health } : {}),
      })),
    };
  }

  private openAppStream(account: SimAccount, q: URLSearchParams, res: http.ServerResponse, apiPath: string): 'stream' {
    const rvParam = q.get('resourceVersion');
    const minVersion = rvParam && /^\d+$/.test(rvParam) ? Number(rvParam) : 0;
    const stream: Stream = { res, account, appNamespace: q.get('appNamespace') ?? undefined, minVersion, apiPath };
    this.openStream(res, stream);
    // application.go Watch: without a resourceVersion, every app first as ADDED, by qualified name.
    if (!rvParam) {
      const apps = [...this.apps.values()].sort((x, y) => keyOf(x).localeCompare(keyOf(y)));
      for (const app of apps) this.sendApp(stream, 'ADDED', app);
    }
    return 'stream';
  }

  private openStream(res: http.ServerResponse, stream: Stream): void {
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    this.streams.add(stream);
    res.on('close', () => this.streams.delete(stream));
  }

  private sendApp(s: Stream, type: string, app: Obj): void {
    if (s.treeOf !== undefined) return;
    const meta = app.metadata as Obj;
    if (s.appNamespace && meta.namespace !== s.appNamespace) return;
    if (Number(meta.resourceVersion) < s.minVersion) return;
    if (!this.allowed(s.account, 'applications', 'get', this.rbacName(app))) return;
    this.writeChunk(s, { result: { type, application: this.withTreeHealth(app) } });
  }

  private writeChunk(s: Stream, chunk: Obj): void {
    this.checkChunk('GET', s.apiPath, chunk);
    s.res.write(`${JSON.stringify(chunk)}\n`);
  }

  private broadcast(type: string, app: Obj): void {
    for (const s of this.streams) this.sendApp(s, type, app);
  }
}

function keyOf(app: Obj): string {
  const meta = app.metadata as Obj;
  return `${String(meta.namespace)}/${String(meta.name)}`;
}

/** Argo CD's API returns objects as its informer holds them: TypeMeta empty, so no apiVersion/kind. */
function withoutTypeMeta(o: Obj): Obj {
  const rest = structuredClone(o);
  delete rest.apiVersion;
  delete rest.kind;
  return rest;
}

/** util/glob Match: `*` matches any run of characters, `/` included. */
function glob(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(value);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 16 * 1024 * 1024) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
