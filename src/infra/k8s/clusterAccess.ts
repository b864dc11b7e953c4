/**
 * The only writes GitOps Lens makes to a cluster: annotation merge patches that ask a controller to
 * look again (Argo CD `argocd.argoproj.io/refresh`, Flux `reconcile.fluxcd.io/requestedAt`), plus the
 * reads behind "Show Live YAML", the drift lenses and the cluster schemas, and the server-side
 * dry-run. All go through kubeClient.ts (the context resolved as kubectl resolves it, bounded
 * answers); kind → resource comes from the group-version's discovery document, as kubectl's
 * RESTMapper finds it. A JSON merge patch (RFC 7386) is used because custom resources do not support
 * strategic merge patch (the API server answers 415 Unsupported Media Type).
 */
import { admitLiveOrThrow } from '../../core/drift/liveAnswer';
// The manager the drift rules expect of a dry-run (their server-side diff skips fields it owns).
import { DRY_RUN_FIELD_MANAGER } from '../../core/drift/ssa';
import { checkObjectRef } from '../../core/kube/names';
import { gitOpsKind, type GitOpsKindName } from '../../core/model/app';
import type { Disposable } from '../../core/lifecycle';
import type { Clock, KubeconfigFile, LiveObjectEvent, LiveObjectReader, LiveObjectWatcher, Logger, ObjectRef } from '../../core/ports';
import { applyConfiguration, toDryRunError } from './dryRun';
import { K8sRequestError } from './errors';
import type { ExecPluginRunner } from './execCredential';
import { KubeConnections, type KubeConnection, type KubeLimits } from './kubeClient';
import { ObjectWatches } from './objectWatch';

export interface KubeClusterAccessOptions {
  /** Kubeconfig files, merged as kubectl merges them (core `resolveContext`). */
  readonly kubeconfig: () => Promise<readonly KubeconfigFile[]> | readonly KubeconfigFile[];
  /** Value of `metadata.managedFields[].manager` for our patches. */
  readonly fieldManager?: string;
  readonly limits?: Partial<KubeLimits>;
  readonly plugins?: ExecPluginRunner;
  /** Connections shared with the informer pool (one agent per context, issue 18); the owner disposes them. */
  readonly connections?: KubeConnections;
  /** For the watches' backoff (default the system clock). */
  readonly clock?: Clock;
  readonly log?: Logger;
}

const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return { dispose: () => clearTimeout(t) };
  },
};

interface ServedResource {
  readonly plural: string;
  readonly namespaced: boolean;
}

export class KubeClusterAccess implements LiveObjectReader, LiveObjectWatcher {
  /**
   * One connection per context (one keep-alive agent), kept while the context resolves the same;
   * resource discovery is cached per connection.
   */
  private readonly connections: KubeConnections;
  private readonly discovered = new WeakMap<KubeConnection, Map<string, Promise<readonly unknown[]>>>();
  private readonly watches: ObjectWatches;

  private readonly ownsConnections: boolean;

  constructor(private readonly opts: KubeClusterAccessOptions) {
    this.ownsConnections = opts.connections === undefined;
    this.connections = opts.connections ?? new KubeConnections({
      kubeconfig: opts.kubeconfig,
      ...(opts.limits ? { limits: opts.limits } : {}),
      ...(opts.plugins ? { plugins: opts.plugins } : {}),
    });
    this.watches = new ObjectWatches({
      connection: (cluster) => this.connections.get(cluster),
      collectionPath: (conn, ref) => this.collectionPath(conn, ref),
      clock: opts.clock ?? systemClock,
      ...(opts.log ? { log: opts.log } : {}),
    });
  }

  /** Merge-patches `metadata.annotations`; returns the object as the API server stored it. */
  async annotate(
    cluster: string,
    kind: GitOpsKindName,
    namespace: string,
    name: string,
    annotations: Readonly<Record<string, string>>,
  ): Promise<unknown> {
    const k = gitOpsKind(kind);
    if (k === undefined) throw new Error(`unknown GitOps kind ${kind}`);
    const ref: ObjectRef = { apiVersion: `${k.group}/${k.version}`, kind, namespace, name };
    checkObjectRef(ref);
    const conn = await this.connections.get(cluster);
    const body = JSON.stringify({ metadata: { annotations: { ...annotations } } });
    const manager = encodeURIComponent(this.opts.fieldManager ?? DRY_RUN_FIELD_MANAGER);
    return conn.requestJson('PATCH', `${await this.objectPath(conn, ref)}?fieldManager=${manager}`, { body, contentType: 'application/merge-patch+json' });
  }

  /**
   * The object as the API server returns it now. The reference is checked before a URL is built
   * (InvalidObjectRefError) and the answer must be that object (UnexpectedLiveObjectError): this is
   * where live objects enter for the CLI, the lenses, hover, the diff editor, Show Live YAML, the PR
   * impact and resource health (issue 12).
   */
  async get(cluster: string, ref: ObjectRef): Promise<unknown> {
    checkObjectRef(ref);
    const conn = await this.connections.get(cluster);
    return admitLiveOrThrow(ref, await conn.requestJson('GET', await this.objectPath(conn, ref)));
  }

  /**
   * Watches one object (`fieldSelector=metadata.name=…` on its collection) until disposed: what the
   * drift lenses follow live edits by (objectWatch.ts). The reference is checked as for `get`.
   */
  watch(cluster: string, ref: ObjectRef, onEvent: (e: LiveObjectEvent) => void): Disposable {
    return this.watches.watch(cluster, ref, onEvent);
  }

  /**
   * GET of a raw API path (`/openapi/v3`, `/openapi/v3/apis/apps/v1?hash=…`) with the context's
   * credentials and TLS settings, parsed as JSON. For the manifest schemas (issue 7).
   */
  async getJson(cluster: string, apiPath: string): Promise<unknown> {
    if (!apiPath.startsWith('/')) throw new Error(`not an API path: ${apiPath}`);
    const conn = await this.connections.get(cluster);
    return conn.requestJson('GET', apiPath);
  }

  /**
   * The API server's prediction of `desired` applied now: a server-side apply with dryRun=All
   * (dryRun.ts). Rejects with a DryRunError (403 when RBAC lacks `patch`).
   */
  async dryRunApply(cluster: string, desired: Readonly<Record<string, unknown>>): Promise<Record<string, unknown>> {
    const checked = refOf(desired);
    checkObjectRef(checked);
    const manager = encodeURIComponent(this.opts.fieldManager ?? DRY_RUN_FIELD_MANAGER);
    let out: unknown;
    try {
      const conn = await this.connections.get(cluster);
      const meta = (desired.metadata ?? {}) as Record<string, unknown>;
      const ref: ObjectRef = {
        apiVersion: String(desired.apiVersion),
        kind: String(desired.kind),
        namespace: typeof meta.namespace === 'string' ? meta.namespace : '',
        name: String(meta.name),
      };
      const path = `${await this.objectPath(conn, ref)}?dryRun=All&fieldManager=${manager}&force=true`;
      // JSON is YAML, so the apply configuration goes as JSON under the apply patch type.
      out = await conn.requestJson('PATCH', path, { body: JSON.stringify(applyConfiguration(desired)), contentType: 'application/apply-patch+yaml' });
    } catch (e) {
      throw toDryRunError(e, desired, cluster);
    }
    return admitLiveOrThrow(checked, out);
  }

  dispose(): void {
    if (this.ownsConnections) this.connections.dispose();
  }

  /**
   * `/api/v1/namespaces/NS/configmaps/NAME` for an object: the resource comes from the discovery
   * document of its group-version; a namespaced kind without namespace goes to the context's
   * namespace (else `default`), as kubectl does.
   */
  private async objectPath(conn: KubeConnection, ref: ObjectRef): Promise<string> {
    return `${await this.collectionPath(conn, ref)}/${encodeURIComponent(ref.name)}`;
  }

  /** The collection an object is in: `/api/v1/namespaces/NS/configmaps`, `/apis/rbac.authorization.k8s.io/v1/clusterroles`. */
  private async collectionPath(conn: KubeConnection, ref: ObjectRef): Promise<string> {
    const gvPath = ref.apiVersion.includes('/') ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
    const r = await this.resource(conn, gvPath, ref.kind, ref.apiVersion);
    const ns = r.namespaced ? `/namespaces/${encodeURIComponent(ref.namespace || conn.config.namespace || 'default')}` : '';
    return `${gvPath}${ns}/${r.plural}`;
  }

  private async resource(conn: KubeConnection, gvPath: string, kind: string, apiVersion: string): Promise<ServedResource> {
    let perConn = this.discovered.get(conn);
    if (!perConn) {
      perConn = new Map();
      this.discovered.set(conn, perConn);
    }
    let list = perConn.get(gvPath);
    if (!list) {
      const cache = perConn;
      list = conn.requestJson('GET', gvPath).then((doc) => {
        const resources = (doc as { resources?: unknown }).resources;
        return Array.isArray(resources) ? resources : [];
      });
      perConn.set(gvPath, list);
      list.catch(() => cache.delete(gvPath)); // a failed discovery is asked again next time
    }
    for (const r of await list) {
      const rec = r as { name?: unknown; kind?: unknown; namespaced?: unknown };
      if (rec.kind === kind && typeof rec.name === 'string' && !rec.name.includes('/')) return { plural: rec.name, namespaced: rec.namespaced === true };
    }
    throw new K8sRequestError({ code: 'NotFound', message: `the cluster does not serve kind ${kind} in ${apiVersion}` });
  }
}

/** The reference a desired object's URL is built from (absent fields are '' and fail the check). */
function refOf(obj: Readonly<Record<string, unknown>>): ObjectRef {
  const meta = typeof obj.metadata === 'object' && obj.metadata !== null ? (obj.metadata as Record<string, unknown>) : {};
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  return { apiVersion: text(obj.apiVersion), kind: text(obj.kind), namespace: text(meta.namespace), name: text(meta.name) };
}
