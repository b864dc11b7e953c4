/**
 * Argo CD's REST API (grpc-gateway in front of its gRPC services; paths and parameters from
 * assets/swagger.json of argoproj/argo-cd): applications, their stream, resource tree, managed
 * resources, events, refresh and sync; projects; ApplicationSets. Every failure is an ArgoCdError
 * whose code is decided here, from the HTTP status and grpc-gateway's error body
 * (`{"error", "code", "message"}`, runtimeError), with the RBAC permission a 403 needed.
 */
import type * as http from 'node:http';
import { ArgoCdError, appRbacObject, deniedPermission, forbiddenMessage, unauthorizedMessage, type RbacPermission } from '../../core/argocd/api/errors';
import type { ArgoCdTarget } from '../../core/argocd/api/endpoint';
import { appSegment, checkAppNamespace, revisionProblem } from '../../core/argocd/api/names';
import { readApplicationChunk, streamError, type ApplicationStreamChunk } from '../../core/argocd/api/stream';
import type { KubeEvent } from '../../core/argocd/api/events';
import { readManagedResources, type ManagedResourceState } from '../../core/argocd/api/managedResources';
import { readResourceTree, type ResourceTree } from '../../core/argocd/api/resourceTree';
import { isRecord, recordsOf } from '../../core/json';
import { ArgoCdHttp, DEFAULT_ARGOCD_LIMITS, type ArgoCdHttpLimits, type RawResponse } from './http';

/** An app as the API addresses it: name, the namespace it lives in (apps in any namespace), its project for RBAC words. */
export interface AppRef {
  readonly name: string;
  /** The Application's namespace; sent as `appNamespace` (the server's own namespace is the default). */
  readonly namespace?: string;
  readonly project?: string;
  /** The control plane's namespace (`status.controllerNamespace`), for the RBAC object in a denial's words. */
  readonly controllerNamespace?: string;
}

/** The AppRef of an Application object as the API (or a watch) returned it. */
export function appRefOf(app: unknown): AppRef | undefined {
  if (!isRecord(app) || !isRecord(app.metadata) || typeof app.metadata.name !== 'string') return undefined;
  const ns = app.metadata.namespace;
  const project = isRecord(app.spec) ? app.spec.project : undefined;
  const controller = isRecord(app.status) ? app.status.controllerNamespace : undefined;
  return {
    name: app.metadata.name,
    ...(typeof ns === 'string' && ns ? { namespace: ns } : {}),
    ...(typeof project === 'string' && project ? { project } : {}),
    ...(typeof controller === 'string' && controller ? { controllerNamespace: controller } : {}),
  };
}

export interface ObjectList {
  readonly items: readonly Record<string, unknown>[];
  /** `metadata.resourceVersion` of the list (the application informer's last sync), to watch from. */
  readonly resourceVersion: string | undefined;
}

export interface SyncRequest {
  /** The Git revision (branch, tag, SHA) or chart version to sync to; never local manifests. */
  readonly revision: string;
  readonly prune: boolean;
  readonly dryRun?: boolean;
}

/** Refresh and sync wait for Argo CD to act (Get with refresh returns once the controller updated the app). */
const REFRESH_TIMEOUT_MS = 90_000;

export class ArgoCdClient {
  readonly http: ArgoCdHttp;

  constructor(
    readonly target: ArgoCdTarget,
    limits: ArgoCdHttpLimits = DEFAULT_ARGOCD_LIMITS,
  ) {
    this.http = new ArgoCdHttp(target, limits);
  }

  dispose(): void {
    this.http.dispose();
  }

  // ---- applications --------------------------------------------------------------------------------

  /** `GET /api/v1/applications`: only apps the account may `get` are listed (Argo CD filters, never 403s). */
  async listApplications(opts: { readonly appNamespace?: string; readonly projects?: readonly string[] } = {}): Promise<ObjectList> {
    checkAppNamespace(opts.appNamespace);
    const q = new URLSearchParams();
    if (opts.appNamespace) q.set('appNamespace', opts.appNamespace);
    for (const p of opts.projects ?? []) q.append('projects', p);
    const body = await this.json('GET', '/api/v1/applications', 'listing applications', { resource: 'applications', action: 'get', object: '*/*' }, { query: q });
    return listOf(body, this.target.name, 'applications');
  }

  /** `GET /api/v1/applications/{name}`; with `refresh`, Argo CD first asks the controller to re-compare and waits for it. */
  async getApplication(app: AppRef, refresh?: 'normal' | 'hard'): Promise<Record<string, unknown>> {
    const seg = appSegment('application', app.name);
    checkAppNamespace(app.namespace);
    const q = appQuery(app);
    if (refresh) q.set('refresh', refresh);
    const what = refresh ? `${refresh === 'hard' ? 'hard ' : ''}refreshing application "${app.name}"` : `reading application "${app.name}"`;
    const body = await this.json('GET', `/api/v1/applications/${seg}`, what, this.appPermission(app, 'get'), { query: q, ...(refresh ? { timeoutMs: REFRESH_TIMEOUT_MS } : {}) });
    if (!isRecord(body)) throw this.notArgo(`the answer to ${what} is not an application`);
    return body;
  }

  refresh(app: AppRef, hard = false): Promise<Record<string, unknown>> {
    return this.getApplication(app, hard ? 'hard' : 'normal');
  }

  /**
   * `POST /api/v1/applications/{name}/sync` to a revision from Git, with or without pruning. The body
   * never carries `manifests` (local content): GitOps Lens does not write desired state from the
   * workspace. Needs RBAC `applications, sync`.
   */
  async sync(app: AppRef, req: SyncRequest): Promise<Record<string, unknown>> {
    const seg = appSegment('application', app.name);
    checkAppNamespace(app.namespace);
    const why = revisionProblem(req.revision);
    if (why) throw new ArgoCdError('InvalidName', `revision ${JSON.stringify(req.revision.slice(0, 80))} ${why}`);
    const body = {
      name: app.name,
      ...(app.namespace ? { appNamespace: app.namespace } : {}),
      revision: req.revision,
      prune: req.prune,
      ...(req.dryRun ? { dryRun: true } : {}),
    };
    const out = await this.json('POST', `/api/v1/applications/${seg}/sync`, `syncing application "${app.name}" to ${req.revision}`, this.appPermission(app, 'sync'), { body });
    if (!isRecord(out)) throw this.notArgo('the answer to a sync is not an application');
    return out;
  }

  /** `GET /api/v1/applications/{name}/resource-tree`. */
  async resourceTree(app: AppRef): Promise<ResourceTree> {
    const seg = appSegment('application', app.name);
    checkAppNamespace(app.namespace);
    const body = await this.json('GET', `/api/v1/applications/${seg}/resource-tree`, `reading the resource tree of "${app.name}"`, this.appPermission(app, 'get'), { query: appQuery(app) });
    return readResourceTree(body);
  }

  /** `GET /api/v1/applications/{name}/managed-resources`: target, live, normalised live and predicted live per resource. */
  async managedResources(app: AppRef): Promise<{ readonly items: readonly ManagedResourceState[]; readonly problems: readonly string[] }> {
    const seg = appSegment('application', app.name);
    checkAppNamespace(app.namespace);
    const body = await this.json('GET', `/api/v1/applications/${seg}/managed-resources`, `reading the managed resources of "${app.name}"`, this.appPermission(app, 'get'), { query: appQuery(app) });
    return readManagedResources(body);
  }

  /** `GET /api/v1/applications/{name}/events`: the Kubernetes events of the Application object. */
  async events(app: AppRef): Promise<KubeEvent[]> {
    const seg = appSegment('application', app.name);
    checkAppNamespace(app.namespace);
    const body = await this.json('GET', `/api/v1/applications/${seg}/events`, `reading the events of "${app.name}"`, this.appPermission(app, 'get'), { query: appQuery(app) });
    return recordsOf(isRecord(body) ? body.items : undefined).map((e) => {
      const inv = isRecord(e.involvedObject) ? e.involvedObject : {};
      return {
        type: typeof e.type === 'string' ? e.type : '',
        reason: typeof e.reason === 'string' ? e.reason : '',
        message: typeof e.message === 'string' ? e.message : '',
        count: typeof e.count === 'number' ? e.count : undefined,
        lastTimestamp: typeof e.lastTimestamp === 'string' ? e.lastTimestamp : typeof e.eventTime === 'string' ? e.eventTime : undefined,
        involvedObject: { kind: String(inv.kind ?? ''), name: String(inv.name ?? ''), namespace: String(inv.namespace ?? '') },
      };
    });
  }

  // ---- projects and ApplicationSets ----------------------------------------------------------------

  /** `GET /api/v1/projects` (filtered to the projects the account may `get`). */
  async listProjects(): Promise<ObjectList> {
    const body = await this.json('GET', '/api/v1/projects', 'listing projects', { resource: 'projects', action: 'get', object: '*' });
    return listOf(body, this.target.name, 'projects');
  }

  /** `GET /api/v1/applicationsets`; Argo CD before 2.8 has no such endpoint (NotFound). */
  async listApplicationSets(): Promise<ObjectList> {
    const body = await this.json('GET', '/api/v1/applicationsets', 'listing ApplicationSets', { resource: 'applicationsets', action: 'get', object: '*/*' });
    return listOf(body, this.target.name, 'ApplicationSets');
  }

  // ---- streams -------------------------------------------------------------------------------------

  /**
   * `GET /api/v1/stream/applications`. Without `resourceVersion` Argo CD first sends every app as
   * ADDED; with one, only later changes (server/application/application.go Watch: apps below the
   * version are skipped, and events missed while no stream was open are not replayed). Resolves when
   * the server ends the stream (or `signal` aborts); rejects with an ArgoCdError.
   */
  watchApplications(opts: { readonly resourceVersion?: string; readonly appNamespace?: string }, onChunk: (c: Extract<ApplicationStreamChunk, { kind: 'event' | 'malformed' }>) => void, signal: AbortSignal, onOpen?: () => void): Promise<void> {
    checkAppNamespace(opts.appNamespace);
    const q = new URLSearchParams();
    if (opts.resourceVersion) q.set('resourceVersion', opts.resourceVersion);
    if (opts.appNamespace) q.set('appNamespace', opts.appNamespace);
    const perm: RbacPermission = { resource: 'applications', action: 'get', object: '*/*' };
    return this.streamJson('/api/v1/stream/applications', q, 'watching applications', perm, (value) => {
      const chunk = readApplicationChunk(value);
      if (chunk.kind === 'error') throw this.streamFailure(chunk, 'watching applications', perm);
      onChunk(chunk);
    }, signal, onOpen);
  }

  /** `GET /api/v1/stream/applications/{name}/resource-tree`: the whole tree again on every change. */
  watchResourceTree(app: AppRef, onTree: (tree: ResourceTree) => void, signal: AbortSignal): Promise<void> {
    const seg = appSegment('application', app.name);
    checkAppNamespace(app.namespace);
    const what = `watching the resource tree of "${app.name}"`;
    const perm = this.appPermission(app, 'get');
    return this.streamJson(`/api/v1/stream/applications/${seg}/resource-tree`, appQuery(app), what, perm, (value) => {
      const err = streamError(value);
      if (err) throw this.streamFailure(err, what, perm);
      onTree(readResourceTree(isRecord(value) ? value.result : undefined));
    }, signal);
  }

  // ---- internals -----------------------------------------------------------------------------------

  private appPermission(app: AppRef, action: RbacPermission['action']): RbacPermission {
    return { resource: 'applications', action, object: appRbacObject(app.project, app.namespace, app.name, app.controllerNamespace) };
  }

  private async json(method: 'GET' | 'POST', apiPath: string, what: string, permission: RbacPermission, opts: { query?: URLSearchParams; body?: unknown; timeoutMs?: number } = {}): Promise<unknown> {
    const res = await this.http.request(method, apiPath, opts);
    if (res.status >= 200 && res.status < 300) {
      const ct = contentType(res.headers);
      this.checkNotGrpc(res.headers, what);
      if (ct !== '' && !ct.includes('json')) throw this.notArgo(`the answer to ${what} is ${ct}, not JSON`, res.status);
      try {
        return JSON.parse(res.text) as unknown;
      } catch {
        throw this.notArgo(`the answer to ${what} is not JSON`, res.status);
      }
    }
    throw this.httpFailure(res, what, permission);
  }

  private streamJson(apiPath: string, query: URLSearchParams, what: string, permission: RbacPermission, onValue: (v: unknown) => void, signal: AbortSignal, onOpen?: () => void): Promise<void> {
    return this.http.stream(
      apiPath,
      query,
      {
        onHead: (status, headers, errorText) => {
          if (errorText !== undefined) {
            // grpc-gateway answers a stream that fails before its first message with the error chunk.
            let parsed: unknown;
            try {
              parsed = JSON.parse(errorText);
            } catch {
              parsed = undefined;
            }
            const chunk = streamError(parsed);
            if (chunk) throw this.streamFailure({ ...chunk, httpCode: chunk.httpCode ?? status }, what, permission);
            throw this.httpFailure({ status, headers, text: errorText }, what, permission);
          }
          this.checkNotGrpc(headers, what);
          const ct = contentType(headers);
          if (ct !== '' && !ct.includes('json')) throw this.notArgo(`the stream for ${what} is ${ct}, not JSON lines`, status);
          onOpen?.();
        },
        onLine: (line) => {
          let value: unknown;
          try {
            value = JSON.parse(line);
          } catch {
            throw this.notArgo(`a line of the stream for ${what} is not JSON`);
          }
          onValue(value);
        },
      },
      signal,
    );
  }

  private streamFailure(chunk: { readonly httpCode: number | undefined; readonly grpcCode: number | undefined; readonly message: string }, what: string, permission: RbacPermission): ArgoCdError {
    // gRPC codes (google.golang.org/grpc/codes): 16 Unauthenticated, 7 PermissionDenied, 5 NotFound.
    const status = chunk.httpCode ?? (chunk.grpcCode === 16 ? 401 : chunk.grpcCode === 7 ? 403 : chunk.grpcCode === 5 ? 404 : 500);
    return this.fromStatus(status, chunk.message, what, permission);
  }

  private httpFailure(res: RawResponse, what: string, permission: RbacPermission): ArgoCdError {
    this.checkNotGrpc(res.headers, what);
    if (res.status >= 300 && res.status < 400) {
      const location = typeof res.headers.location === 'string' ? safeOrigin(res.headers.location, this.target.baseUrl) : undefined;
      return this.notArgo(`${what} was answered with a redirect${location ? ` to ${location}` : ''}: a sign-in proxy in front of Argo CD? GitOps Lens needs the Argo CD API itself`, res.status);
    }
    let body: unknown;
    try {
      body = JSON.parse(res.text);
    } catch {
      body = undefined;
    }
    if (!isRecord(body)) {
      // Not grpc-gateway's error body: a proxy's page. 502-504 mean the proxy could not reach Argo CD.
      if (res.status === 502 || res.status === 503 || res.status === 504) {
        return new ArgoCdError('Unreachable', `${this.target.name}: the proxy in front of Argo CD answered ${res.status} to ${what}: Argo CD is down or not reachable from it`, res.status);
      }
      return this.notArgo(`${what} was answered ${res.status} with ${/<html/i.test(res.text) ? 'an HTML page' : 'a body that is not Argo CD\'s JSON'}`, res.status);
    }
    const message = typeof body.message === 'string' ? body.message : typeof body.error === 'string' ? body.error : undefined;
    return this.fromStatus(res.status, message, what, permission);
  }

  private fromStatus(status: number, message: string | undefined, what: string, permission: RbacPermission): ArgoCdError {
    const name = this.target.name;
    const theirs = message ? `: ${message.slice(0, 500)}` : '';
    if (status === 401) {
      // util/session/sessionmanager.go: "invalid session: token has invalid claims: token is expired".
      const expired = /expired/i.test(message ?? '');
      return new ArgoCdError('Unauthorized', unauthorizedMessage(name, expired, this.target.token !== undefined), status, undefined, expired);
    }
    if (status === 403) return new ArgoCdError('Forbidden', forbiddenMessage(name, what, permission, message), status, deniedPermission(message)?.permission ?? permission);
    if (status === 404) return new ArgoCdError('NotFound', `${name}: ${what} failed: not found${theirs}`, status);
    if (status === 400 || status === 409 || status === 412 || status === 422) return new ArgoCdError('Rejected', `${name}: Argo CD refused ${what}${theirs}`, status);
    if (status === 502 || status === 503 || status === 504) return new ArgoCdError('Unreachable', `${name}: ${what} failed (${status})${theirs}`, status);
    if (status >= 500) return new ArgoCdError('Server', `${name}: Argo CD failed ${what} (${status})${theirs}`, status);
    return new ArgoCdError('Unknown', `${name}: ${what} was answered ${status}${theirs}`, status);
  }

  /**
   * A proxy that forwards only gRPC (or gRPC-web) to Argo CD answers REST calls with gRPC's own
   * framing: `content-type: application/grpc…` and a `grpc-status` header (grpc-go answers a request
   * that is not gRPC with 415 and grpc-status 13, "transport: received unexpected content-type").
   */
  private checkNotGrpc(headers: http.IncomingHttpHeaders, what: string): void {
    const ct = contentType(headers);
    if (!ct.startsWith('application/grpc') && headers['grpc-status'] === undefined) return;
    const web = this.target.grpcWeb ? ' (the argocd config uses grpc-web for it)' : '';
    throw new ArgoCdError(
      'GrpcOnly',
      `${this.target.name}: ${what} was answered in gRPC${ct ? ` (${ct})` : ''}, not JSON: the address${web} reaches only Argo CD's gRPC service, through a proxy or ingress that forwards gRPC/gRPC-web alone. GitOps Lens uses Argo CD's REST API (/api/v1), which argocd-server serves on the same port: ask for the ingress to route HTTP/1.1 requests to argocd-server too (for ingress-nginx, a second Ingress without backend-protocol GRPC), or use an address that does.`,
    );
  }

  private notArgo(what: string, status?: number): ArgoCdError {
    return new ArgoCdError('NotArgoCd', `${this.target.name} (${this.target.baseUrl}): ${what}. Is this the address of argocd-server (with its root path, if it has one)?`, status);
  }
}

/**
 * `appNamespace` only. The project is not sent: with it Argo CD answers 404 instead of 403 for an app
 * the account may not see (application.go getAppEnforceRBAC), which would hide the RBAC cause; it is
 * used for the words of a denial instead.
 */
function appQuery(app: AppRef): URLSearchParams {
  const q = new URLSearchParams();
  if (app.namespace) q.set('appNamespace', app.namespace);
  return q;
}

function listOf(body: unknown, server: string, what: string): ObjectList {
  if (!isRecord(body)) throw new ArgoCdError('NotArgoCd', `${server}: the list of ${what} is not an object`);
  if (body.items !== undefined && body.items !== null && !Array.isArray(body.items)) throw new ArgoCdError('NotArgoCd', `${server}: the list of ${what} has no items list`);
  const meta = isRecord(body.metadata) ? body.metadata : {};
  return { items: recordsOf(body.items), resourceVersion: typeof meta.resourceVersion === 'string' && meta.resourceVersion !== '' ? meta.resourceVersion : undefined };
}

function contentType(headers: http.IncomingHttpHeaders): string {
  return String(headers['content-type'] ?? '').toLowerCase();
}

function safeOrigin(location: string, base: string): string | undefined {
  try {
    return new URL(location, base).origin;
  } catch {
    return undefined;
  }
}
