/**
 * In-process entry point of the Kubernetes API simulator: tests, benches, the reconciler and
 * `npm run sim` start clusters through startSimCluster.
 */
import { randomBytes } from 'node:crypto';
import * as YAML from 'yaml';
import type { KubeObject } from './types';
import type { AuthRule } from './auth';
import { SimServer, type HostileStream, type OpenWatch } from './server';
import { SeedError, readSeed } from './seed';
import { issueClientCert } from './tlsCert';

export interface SimClusterOptions {
  /** Directories or files of YAML to load. */
  seed?: string[];
  objects?: KubeObject[];
  /** 0 (default) = any free port. */
  port?: number;
  token?: string;
  /** Interval of BOOKMARK events on watches that allow them (default 60 s, as kube-apiserver's ~1 min). */
  bookmarkIntervalMs?: number;
  /** Events kept for watch resumption and consistent continue tokens (default 10000). */
  historyLimit?: number;
}

export interface SimCluster {
  /** http://127.0.0.1:PORT; the same port also speaks TLS, and kubeconfig() points at https://127.0.0.1:PORT (client-go sends tokens only over TLS). */
  readonly url: string;
  readonly token: string;
  kubeconfig(contextName: string, opts?: { token?: string; namespace?: string }): string;
  /** Registers a token limited to `rules`; `user` names it in Forbidden messages (default system:serviceaccount:default:sim-token-N). */
  addToken(token: string, rules: AuthRule[], user?: string): void;
  /** A client certificate (PEM) for `user`, accepted over TLS; `rules` as for addToken (default: cluster-admin). */
  clientCertificate(user: string, rules?: AuthRule[]): { cert: string; key: string };
  /** Keys: get list watch create update patch delete discovery openapi, and `${verb} ${group}/${plural}` ('' group for core: 'list /pods'). */
  readonly counts: { snapshot(): Record<string, number>; reset(): void };
  /** TLS handshakes the server completed (each is a new client connection), and how many resumed a session. */
  readonly tls: { snapshot(): { handshakes: number; resumed: number }; reset(): void };
  /** The watches open now (also `GET /sim/watches` over HTTP), with their selectors. */
  openWatches(): OpenWatch[];
  readonly faults: {
    cutWatches(): void;
    expireResourceVersions(): void;
    setLatency(ms: number): void;
    setFailureRate(share: number, code?: number): void;
    /** Every watch answered at once with ERROR 410 Gone (a server that makes clients relist forever). */
    goneOnWatch(on: boolean): void;
    /** Collection GETs (or watches) answered with a body that never ends (server.ts HostileStream); undefined stops. */
    hostileStream(stream: HostileStream | undefined): void;
    /** Bytes the hostile streams wrote so far. */
    hostileBytes(): number;
    clear(): void;
  };
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
  readonly objects: {
    get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
    list(apiVersion: string, kind: string, namespace?: string): KubeObject[];
    all(): KubeObject[];
    put(obj: KubeObject): KubeObject;
    patchStatus(apiVersion: string, kind: string, namespace: string | undefined, name: string, status: unknown): KubeObject;
    delete(apiVersion: string, kind: string, namespace: string | undefined, name: string): boolean;
    onDidChange(listener: (e: { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject }) => void): { dispose(): void };
  };
}

/** Loads objects into the server: CRDs first (they register kinds), then the rest; unknown kinds are SeedErrors. */
function loadObjects(server: SimServer, docs: Array<{ object: KubeObject; where: string }>): void {
  const isCrd = (o: KubeObject): boolean => o.kind === 'CustomResourceDefinition' && o.apiVersion.startsWith('apiextensions.k8s.io/');
  for (const d of [...docs.filter((d) => isCrd(d.object)), ...docs.filter((d) => !isCrd(d.object))]) {
    if (!server.registry.byKind(d.object.apiVersion, d.object.kind)) {
      throw new SeedError(`${d.where}: no matches for kind "${d.object.kind}" in version "${d.object.apiVersion}"`);
    }
    try {
      server.putInternal(d.object);
    } catch (e) {
      throw new SeedError(`${d.where}: ${(e as Error).message}`);
    }
  }
}

export async function startSimCluster(opts: SimClusterOptions = {}): Promise<SimCluster> {
  const token = opts.token ?? randomBytes(16).toString('hex');
  const server = new SimServer({ token, bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 60_000, historyLimit: opts.historyLimit ?? 10_000 });
  if (opts.seed?.length) loadObjects(server, readSeed(opts.seed));
  if (opts.objects?.length) loadObjects(server, opts.objects.map((object, i) => ({ object, where: `objects[${i}]` })));
  await server.listen(opts.port ?? 0);
  const url = server.url;
  return {
    url,
    token,
    kubeconfig(contextName, o = {}) {
      return YAML.stringify({
        apiVersion: 'v1', kind: 'Config',
        clusters: [{ name: contextName, cluster: { server: server.secureUrl, 'certificate-authority-data': server.caData } }],
        users: [{ name: contextName, user: { token: o.token ?? token } }],
        contexts: [{ name: contextName, context: { cluster: contextName, user: contextName, ...(o.namespace ? { namespace: o.namespace } : {}) } }],
        'current-context': contextName,
        preferences: {},
      });
    },
    addToken: (t, rules, user) => server.addToken(t, rules, user),
    clientCertificate: (user, rules) => {
      server.certPrincipals.set(user, rules ? { user, rules } : { user });
      return issueClientCert(user);
    },
    counts: { snapshot: () => server.countsSnapshot(), reset: () => server.resetCounts() },
    tls: { snapshot: () => server.tlsSnapshot(), reset: () => server.resetTls() },
    openWatches: () => server.openWatches(),
    faults: {
      cutWatches: () => server.cutWatches(),
      expireResourceVersions: () => server.store.compact(),
      setLatency: (ms) => server.setLatency(ms),
      setFailureRate: (share, code) => server.setFailureRate(share, code),
      goneOnWatch: (on) => server.setGoneOnWatch(on),
      hostileStream: (stream) => server.setHostileStream(stream),
      hostileBytes: () => server.hostileBytes,
      clear: () => server.clearFaults(),
    },
    down: () => server.close(),
    up: () => server.reopen(),
    stop: () => server.close(),
    objects: {
      get: (a, k, ns, n) => server.getInternal(a, k, ns, n),
      list: (a, k, ns) => server.listInternal(a, k, ns),
      all: () => server.registry.all().filter((t) => t.preferred).flatMap((t) => server.listInternal(`${t.group ? `${t.group}/` : ''}${t.version}`, t.kind)),
      put: (o) => server.putInternal(o),
      patchStatus: (a, k, ns, n, s) => server.patchStatusInternal(a, k, ns, n, s),
      delete: (a, k, ns, n) => server.deleteInternal(a, k, ns, n),
      onDidChange: (listener) => server.store.onEvent((e) => {
        const rt = server.registry.all().find((t) => `${t.group}/${t.plural}` === e.gr && t.preferred);
        listener({ type: e.type, object: structuredClone(rt ? server.present(rt, e.object) : e.object) });
      }),
    },
  };
}
