/**
 * The simulated API server: HTTP routing, CRUD with server-set metadata, list/watch with
 * resourceVersion semantics, subresources, Table output, patches and server-side apply (through the
 * semantics bridge), authorization, request counts and fault injection.
 * Behaviour references: https://kubernetes.io/docs/reference/using-api/api-concepts/ (RV, watch,
 * chunking, Table), k8s.io/apiserver/pkg/endpoints/handlers (status codes and messages).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import * as YAML from 'yaml';
import type { KubeObject } from './types';
import { StatusError } from './types';
import type { ServedType } from './registry';
import { Registry, apiVersionOf, groupResource, splitApiVersion } from './registry';
import type { StoreEvent } from './store';
import { Store } from './store';
import { parseFieldSelector, parseLabelSelector } from './selectors';
import { aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions } from './discovery';
import { groupVersionDocument, openApiIndex } from './openapi';
import { tableCells, tableColumns } from './table';
import type { AuthRule, Principal } from './auth';
import { allowed, forbidden, unauthorized } from './auth';
import { semantics } from './semanticsBridge';
import { clientCaCert, servingCert } from './tlsCert';
import type { TLSSocket } from 'node:tls';
import { decodeKubeProtobuf } from './protobuf';

export type { AuthRule } from './auth';

/**
 * `endless-list`: lists answer 200 and a JSON body that never ends; `endless-watch-line`: watches
 * answer one event line that never ends; `drip-list`: lists answer one byte every 100 ms, forever.
 */
export type HostileStream = 'endless-list' | 'endless-watch-line' | 'drip-list';

export interface ServerOptions {
  token: string;
  bookmarkIntervalMs: number;
  historyLimit: number;
}

interface Ctx {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  principal: Principal;
}

interface ResourcePath {
  rt: ServedType;
  namespace?: string;
  name?: string;
  sub?: 'status' | 'scale';
}

interface WriteOpts {
  manager: string;
  dryRun: boolean;
  subresource?: 'status' | 'scale';
  /** managedFields already computed (server-side apply). */
  managedFieldsDone?: boolean;
  /** Seeding / in-process writes: keep status and skip API-only checks. */
  internal?: boolean;
}

const defaultNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const nowString = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const clone = <T>(v: T): T => structuredClone(v);
const rec = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** RFC 1123 subdomain, the rule for most object names (k8s.io/apimachinery/pkg/util/validation). */
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function notFound(rt: { group: string; plural: string }, name: string): StatusError {
  return new StatusError(404, 'NotFound', `${groupResource(rt)} "${name}" not found`, { name, group: rt.group, kind: rt.plural });
}

function conflict(rt: ServedType, name: string): StatusError {
  return new StatusError(409, 'Conflict',
    `Operation cannot be fulfilled on ${groupResource(rt)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group: rt.group, kind: rt.plural });
}

function invalid(rt: ServedType, name: string, field: string, detail: string, type = 'FieldValueInvalid'): StatusError {
  const gk = rt.group ? `${rt.kind}.${rt.group}` : rt.kind;
  return new StatusError(422, 'Invalid', `${gk} "${name}" is invalid: ${field}: ${detail}`, { name, group: rt.group, kind: rt.kind, causes: [{ type, message: detail, field }] });
}

const badRequest = (message: string): StatusError => new StatusError(400, 'BadRequest', message);
const methodNotAllowed = (): StatusError => new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
const pathNotFound = (): StatusError => new StatusError(404, 'NotFound', 'the server could not find the requested resource');

function omit<T extends object>(o: T, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
}

/** Everything except metadata and status: what bumps metadata.generation. */
function specPart(o: KubeObject | undefined): unknown {
  if (!o) return undefined;
  return omit(o, ['metadata', 'status', 'apiVersion', 'kind']);
}

function stripVolatile(o: KubeObject): unknown {
  return { ...o, metadata: omit(o.metadata, ['resourceVersion', 'managedFields']) };
}

function selectorString(sel: unknown): string {
  return Object.entries(rec(rec(sel).matchLabels)).map(([k, v]) => `${k}=${String(v)}`).join(',');
}

/** JSON-pointer-ish `.spec.replicas` path access used by the scale subresource. */
function getPath(o: unknown, path: string): unknown {
  return path.split('.').filter(Boolean).reduce<unknown>((acc, k) => rec(acc)[k], o);
}
function setPath(o: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.').filter(Boolean);
  let cur = o;
  keys.slice(0, -1).forEach((k) => {
    if (!cur[k] || typeof cur[k] !== 'object') cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  });
  cur[keys[keys.length - 1]!] = value;
}

/** One open watch as `GET /sim/watches` lists it. */
export interface OpenWatch {
  /** `group/plural` ('' group for core: `/pods`). */
  readonly resource: string;
  /** '' for a cluster-wide watch. */
  readonly namespace: string;
  readonly fieldSelector: string;
  readonly labelSelector: string;
}

export class SimServer {
  readonly registry = new Registry();
  readonly store: Store;
  readonly principals = new Map<string, Principal>();
  /** Users known by a client certificate's CN. */
  readonly certPrincipals = new Map<string, Principal>();
  private counts: Record<string, number> = {};
  /** TLS handshakes completed, and how many of them resumed a session (a client's connection count). */
  private tls = { handshakes: 0, resumed: 0 };
  private latencyMs = 0;
  private failure = { share: 0, code: 500 };
  /** Hostile answers to collection GETs, for tests of client bounds (SimCluster.faults). */
  private hostile: { goneOnWatch: boolean; stream: HostileStream | undefined } = { goneOnWatch: false, stream: undefined };
  private streamedBytes = 0;
  private readonly watches = new Set<{ end(): void; readonly info: OpenWatch }>();
  private readonly sockets = new Set<Socket>();
  private server: net.Server | undefined;
  private port = 0;
  private nextIp = 10;
  private nextNodePort = 30000;
  private tokenSeq = 0;

  constructor(private readonly opts: ServerOptions) {
    this.store = new Store(opts.historyLimit);
    this.principals.set(opts.token, { user: 'kubernetes-admin' });
    for (const ns of defaultNamespaces) this.putInternal({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    // Every cluster has the `kubernetes` Service at the first address of the service range.
    this.putInternal({
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }], type: 'ClusterIP', sessionAffinity: 'None' },
    });
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * One port speaks both plain HTTP (fetch-based tests, /sim/counts) and HTTPS (kubectl and
   * client-node, which send the bearer token only over TLS): the first byte of a connection decides
   * (0x16 = TLS handshake record).
   */
  async listen(port: number): Promise<number> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => void this.handle(req, res);
    const plain = http.createServer(handler);
    // Client certificates signed by the client CA authenticate their CN (kube-apiserver --client-ca-file);
    // a client without one is still served (bearer tokens).
    const secure = https.createServer({ ...servingCert(), requestCert: true, rejectUnauthorized: false, ca: clientCaCert().cert }, handler);
    secure.on('secureConnection', (s: TLSSocket) => {
      this.tls.handshakes++;
      if (s.isSessionReused()) this.tls.resumed++;
    });
    const server = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      socket.once('data', (chunk: Buffer) => {
        // Node's http/tls servers read the socket's native handle directly, so bytes already read cannot
        // be unshifted back; a JS Duplex in front of the socket carries the first chunk instead.
        const duplex = new Duplex({
          read: () => void socket.resume(),
          write: (data: Buffer, _enc, cb) => void socket.write(data, cb),
          final: (cb) => {
            socket.end();
            cb();
          },
          destroy: (err, cb) => {
            socket.destroy();
            cb(err);
          },
        });
        duplex.push(chunk);
        socket.on('data', (d: Buffer) => {
          if (!duplex.push(d)) socket.pause();
        });
        socket.on('end', () => duplex.push(null));
        socket.on('close', () => duplex.destroy());
        (chunk[0] === 0x16 ? secure : plain).emit('connection', duplex);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this.port;
  }

  /** https URL for kubeconfigs (same port). */
  get secureUrl(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  get caData(): string {
    return Buffer.from(servingCert().cert).toString('base64');
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    this.cutWatches();
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    for (const sock of this.sockets) sock.destroy();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  async reopen(): Promise<void> {
    if (!this.server) await this.listen(this.port);
  }

  // ---------------------------------------------------------------- faults and counts

  cutWatches(): void {
    for (const w of [...this.watches]) w.end();
  }
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }
  setFailureRate(share: number, code = 500): void {
    this.failure = { share, code };
  }
  clearFaults(): void {
    this.latencyMs = 0;
    this.failure = { share: 0, code: 500 };
    this.hostile = { goneOnWatch: false, stream: undefined };
  }
  /** Every watch is answered at once with an ERROR event of 410 Gone, then ended (as for a compacted resourceVersion). */
  setGoneOnWatch(on: boolean): void {
    this.hostile.goneOnWatch = on;
  }
  /** Lists (or watches) answer with a body that never ends; see HostileStream. */
  setHostileStream(stream: HostileStream | undefined): void {
    this.hostile.stream = stream;
  }
  /** Bytes written by hostile streams since the start. */
  get hostileBytes(): number {
    return this.streamedBytes;
  }
  countsSnapshot(): Record<string, number> {
    return { ...this.counts };
  }
  /** The watches open right now (a gauge, unlike the request counts): what a client left behind. */
  openWatches(): OpenWatch[] {
    return [...this.watches].map((w) => ({ ...w.info }));
  }
  resetCounts(): void {
    this.counts = {};
  }
  tlsSnapshot(): { handshakes: number; resumed: number } {
    return { ...this.tls };
  }
  resetTls(): void {
    this.tls = { handshakes: 0, resumed: 0 };
  }
  private count(key: string, rt?: ServedType, sub?: string): void {
    this.counts[key] = (this.counts[key] ?? 0) + 1;
    if (rt) {
      const k = `${key} ${rt.group}/${rt.plural}${sub ? `/${sub}` : ''}`;
      this.counts[k] = (this.counts[k] ?? 0) + 1;
    }
  }

  addToken(token: string, rules: AuthRule[], user?: string): void {
    this.principals.set(token, { user: user ?? `system:serviceaccount:default:sim-token-${++this.tokenSeq}`, rules });
  }

  // ---------------------------------------------------------------- in-process object access

  gr(rt: ServedType): string {
    return `${rt.group}/${rt.plural}`;
  }

  typeOf(apiVersion: string, kind: string): ServedType {
    const rt = this.registry.byKind(apiVersion, kind);
    if (!rt) throw new StatusError(404, 'NotFound', `no matches for kind "${kind}" in version "${apiVersion}"`);
    return rt;
  }

  /** Served as apiVersion of the requested version (CRD versions share storage, "None" conversion). */
  present(rt: ServedType, o: KubeObject): KubeObject {
    return { ...o, apiVersion: apiVersionOf(rt.group, rt.version), kind: rt.kind };
  }

  getInternal(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const rt = this.typeOf(apiVersion, kind);
    const o = this.store.get(this.gr(rt), rt.namespaced ? namespace ?? 'default' : undefined, name);
    return o && clone(this.present(rt, o));
  }

  listInternal(apiVersion: string, kind: string, namespace?: string): KubeObject[] {
    const rt = this.typeOf(apiVersion, kind);
    return this.store.list(this.gr(rt), namespace).map((o) => clone(this.present(rt, o)));
  }

  /** Create or replace, keeping the given status (seeding, reconciler). Namespaces referenced get created. */
  putInternal(obj: KubeObject): KubeObject {
    const rt = this.typeOf(obj.apiVersion, obj.kind);
    const o = clone(obj);
    if (rt.namespaced) {
      o.metadata.namespace ??= 'default';
      this.ensureNamespace(o.metadata.namespace);
    } else delete o.metadata.namespace;
    const live = this.store.get(this.gr(rt), o.metadata.namespace, o.metadata.name ?? '');
    const manager = 'sim';
    const out = live
      ? this.commitUpdate(rt, live, o, { manager, dryRun: false, internal: true })
      : this.commitCreate(rt, o, { manager, dryRun: false, internal: true });
    return clone(out);
  }

  patchStatusInternal(apiVersion: string, kind: string, namespace: string | undefined, name: string, status: unknown): KubeObject {
    const rt = this.typeOf(apiVersion, kind);
    const ns = rt.namespaced ? namespace ?? 'default' : undefined;
    const live = this.store.get(this.gr(rt), ns, name);
    if (!live) throw notFound(rt, name);
    const next = clone(live);
    next.status = semantics.applyMergePatch(clone(live.status ?? {}), status);
    return clone(this.commitUpdate(rt, live, next, { manager: 'sim', dryRun: false, subresource: 'status', internal: true }));
  }

  deleteInternal(apiVersion: string, kind: string, namespace: string | undefined, name: string): boolean {
    const rt = this.typeOf(apiVersion, kind);
    const ns = rt.namespaced ? namespace ?? 'default' : undefined;
    if (!this.store.get(this.gr(rt), ns, name)) return false;
    this.removeObject(rt, ns, name);
    return true;
  }

  ensureNamespace(ns: string): void {
    const rt = this.registry.byPlural('', 'v1', 'namespaces')!;
    if (!this.store.get(this.gr(rt), undefined, ns)) this.commitCreate(rt, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, { manager: 'sim', dryRun: false, internal: true });
  }

  // ---------------------------------------------------------------- write paths

  private managedFieldsFor(rt: ServedType, before: KubeObject | undefined, after: KubeObject, manager: string, subresource?: string): void {
    const mf = semantics.recordUpdate({
      before, after, manager, schema: rt.schemaInfo, now: nowString(), apiVersion: apiVersionOf(rt.group, rt.version),
      ...(subresource ? { subresource } : {}),
    });
    if (mf) after.metadata.managedFields = mf;
  }

  /** Server-set fields and simulated controllers that make objects look like a live cluster's. */
  private serverSet(rt: ServedType, o: KubeObject, live: KubeObject | undefined, opts: WriteOpts, simulateControllers: boolean): void {
    const spec = rec(o.spec);
    if (rt.builtin && rt.kind === 'Namespace') {
      o.metadata.labels = { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name ?? '' };
      o.spec = { finalizers: ['kubernetes'], ...spec };
      if (!opts.internal || !o.status) o.status = { phase: o.metadata.deletionTimestamp ? 'Terminating' : 'Active' };
    }
    if (rt.builtin && rt.kind === 'Service') {
      const liveSpec = rec(live?.spec);
      const type = String(spec.type ?? 'ClusterIP');
      if (type !== 'ExternalName') {
        // ClusterIP is allocated once and immutable (pkg/registry/core/service/ipallocator).
        if (!spec.clusterIP) spec.clusterIP = liveSpec.clusterIP ?? (opts.dryRun ? '10.96.0.1' : `10.96.${Math.floor(this.nextIp / 256)}.${this.nextIp++ % 256}`);
        if (!spec.clusterIPs) spec.clusterIPs = spec.clusterIP === 'None' ? ['None'] : [spec.clusterIP];
        if (type === 'NodePort' || type === 'LoadBalancer') {
          const livePorts = Array.isArray(liveSpec.ports) ? (liveSpec.ports as Record<string, unknown>[]) : [];
          for (const p of Array.isArray(spec.ports) ? (spec.ports as Record<string, unknown>[]) : []) {
            p.nodePort ??= livePorts.find((lp) => lp.port === p.port)?.nodePort ?? this.nextNodePort++;
          }
        }
      }
      o.spec = spec;
      o.status ??= { loadBalancer: {} };
    }
    if (rt.builtin && rt.kind === 'Pod' && !o.status) o.status = { phase: 'Pending', qosClass: 'BestEffort' };
    if (rt.builtin && rt.kind === 'CustomResourceDefinition') {
      const names = rec(spec.names);
      const versions = Array.isArray(spec.versions) ? (spec.versions as Record<string, unknown>[]) : [];
      o.status = {
        acceptedNames: names,
        conditions: [
          { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found', lastTransitionTime: o.metadata.creationTimestamp },
          { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted', lastTransitionTime: o.metadata.creationTimestamp },
        ],
        storedVersions: versions.filter((v) => v.storage).map((v) => v.name),
      };
    }
    // Workload controllers: the sim reports every replica ready at once (unless the seed set a status).
    if (rt.builtin && simulateControllers && ['Deployment', 'StatefulSet', 'ReplicaSet', 'DaemonSet'].includes(rt.kind)) {
      const n = rt.kind === 'DaemonSet' ? 1 : typeof spec.replicas === 'number' ? spec.replicas : 1;
      const gen = o.metadata.generation ?? 1;
      if (rt.kind === 'DaemonSet') {
        o.status = { currentNumberScheduled: n, desiredNumberScheduled: n, numberAvailable: n, numberMisscheduled: 0, numberReady: n, observedGeneration: gen, updatedNumberScheduled: n };
      } else {
        const ts = nowString();
        o.status = {
          observedGeneration: gen, replicas: n, ...(n ? { readyReplicas: n, availableReplicas: n } : {}),
          ...(rt.kind !== 'ReplicaSet' ? { updatedReplicas: n } : { fullyLabeledReplicas: n }),
          ...(rt.kind === 'StatefulSet' ? { currentReplicas: n, currentRevision: `${o.metadata.name}-1`, updateRevision: `${o.metadata.name}-1`, collisionCount: 0 } : {}),
          ...(rt.kind === 'Deployment'
            ? {
              conditions: [
                { type: 'Available', status: 'True', lastUpdateTime: ts, lastTransitionTime: ts, reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
                { type: 'Progressing', status: 'True', lastUpdateTime: ts, lastTransitionTime: ts, reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${o.metadata.name}-1" has successfully progressed.` },
              ],
            }
            : {}),
        };
      }
    }
  }

  commitCreate(rt: ServedType, input: KubeObject, opts: WriteOpts): KubeObject {
    let o = clone(input);
    if (!o.metadata.name && o.metadata.generateName) o.metadata.name = `${o.metadata.generateName}${randomUUID().replace(/-/g, '').slice(0, 5)}`;
    const name = o.metadata.name ?? '';
    if (!name) throw invalid(rt, '', 'metadata.name', 'Required value: name or generateName is required', 'FieldValueRequired');
    if (!dns1123Subdomain.test(name) || name.length > 253) {
      throw invalid(rt, name, 'metadata.name', `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`);
    }
    const ns = o.metadata.namespace;
    if (rt.namespaced) {
      const nsType = this.registry.byPlural('', 'v1', 'namespaces')!;
      if (!this.store.get(this.gr(nsType), undefined, ns ?? '')) throw notFound(nsType, ns ?? '');
    }
    if (this.store.get(this.gr(rt), ns, name)) {
      throw new StatusError(409, 'AlreadyExists', `${groupResource(rt)} "${name}" already exists`, { name, group: rt.group, kind: rt.plural });
    }
    const now = nowString();
    o.apiVersion = apiVersionOf(rt.group, rt.version);
    o.kind = rt.kind;
    o.metadata.uid = randomUUID();
    o.metadata.creationTimestamp = now;
    delete o.metadata.resourceVersion;
    delete o.metadata.deletionTimestamp;
    if (rt.tracksGeneration) o.metadata.generation = 1;
    else delete o.metadata.generation;
    // Status is not writable on create when a status subresource exists (registry strategies reset it).
    if (!opts.internal && rt.subresources.includes('status')) delete o.status;
    o = semantics.applyDefaults(o);
    this.serverSet(rt, o, undefined, opts, !opts.dryRun && !(opts.internal && o.status));
    if (!opts.managedFieldsDone) {
      if (!opts.internal) delete o.metadata.managedFields;
      this.managedFieldsFor(rt, undefined, o, opts.manager, opts.subresource);
    }
    if (opts.dryRun) return o;
    const stored = this.store.put(this.gr(rt), o);
    if (rt.builtin && rt.kind === 'CustomResourceDefinition') this.registry.registerCrd(stored);
    return stored;
  }

  commitUpdate(rt: ServedType, live: KubeObject, input: KubeObject, opts: WriteOpts): KubeObject {
    let o = clone(input);
    const name = live.metadata.name ?? '';
    if (opts.subresource === 'status') {
      // Status writes change only status (k8s registry status strategies copy spec/metadata from the old object).
      o = { ...clone(live), status: o.status, metadata: { ...clone(live.metadata), ...(o.metadata.managedFields ? { managedFields: o.metadata.managedFields } : {}) } };
    } else if (!opts.internal && rt.subresources.includes('status')) {
      if (live.status === undefined) delete o.status;
      else o.status = clone(live.status);
    }
    o.apiVersion = apiVersionOf(rt.group, rt.version);
    o.kind = rt.kind;
    // Immutable, server-owned metadata.
    o.metadata.name = name;
    o.metadata.uid = live.metadata.uid;
    o.metadata.creationTimestamp = live.metadata.creationTimestamp;
    if (live.metadata.deletionTimestamp) o.metadata.deletionTimestamp = live.metadata.deletionTimestamp;
    else delete o.metadata.deletionTimestamp;
    if (live.metadata.namespace) o.metadata.namespace = live.metadata.namespace;
    if (opts.subresource !== 'status') o = semantics.applyDefaults(o);
    if (rt.tracksGeneration) {
      o.metadata.generation = (live.metadata.generation ?? 1) + (isDeepStrictEqual(specPart(o), specPart(live)) ? 0 : 1);
    } else delete o.metadata.generation;
    const specChanged = !isDeepStrictEqual(specPart(o), specPart(live));
    this.serverSet(rt, o, live, opts, !opts.dryRun && opts.subresource !== 'status' && !(opts.internal && input.status) && (specChanged || !o.status));
    if (!opts.managedFieldsDone) {
      o.metadata.managedFields = clone(live.metadata.managedFields);
      if (!o.metadata.managedFields) delete o.metadata.managedFields;
      this.managedFieldsFor(rt, live, o, opts.manager, opts.subresource);
    }
    o.metadata.resourceVersion = live.metadata.resourceVersion;
    // A write that changes nothing is not persisted: no new resourceVersion, no watch event.
    if (isDeepStrictEqual(stripVolatile(o), stripVolatile(live)) && isDeepStrictEqual(o.metadata.managedFields, live.metadata.managedFields)) return live;
    if (opts.dryRun) return o;
    if (o.metadata.deletionTimestamp && !(o.metadata.finalizers ?? []).length) {
      return this.removeObject(rt, o.metadata.namespace, name, false, true) ?? o;
    }
    const stored = this.store.put(this.gr(rt), o);
    if (rt.builtin && rt.kind === 'CustomResourceDefinition') this.registry.registerCrd(stored);
    return stored;
  }

  /** Deletes (or marks for deletion when finalizers remain). Returns the final state. */
  removeObject(rt: ServedType, ns: string | undefined, name: string, dryRun = false, finalized = false): KubeObject | undefined {
    const live = this.store.get(this.gr(rt), ns, name);
    if (!live) return undefined;
    if (!finalized && (live.metadata.finalizers ?? []).length && !(rt.builtin && rt.kind === 'Namespace')) {
      if (live.metadata.deletionTimestamp) return live;
      const marked = clone(live);
      marked.metadata.deletionTimestamp = nowString();
      marked.metadata.deletionGracePeriodSeconds = 0;
      return dryRun ? marked : this.store.put(this.gr(rt), marked);
    }
    if (dryRun) return live;
    if (rt.builtin && rt.kind === 'Namespace') {
      for (const t of this.registry.all()) {
        if (!t.namespaced || !t.preferred) continue;
        for (const o of this.store.list(this.gr(t), name)) this.store.remove(this.gr(t), name, o.metadata.name ?? '');
      }
    }
    const gone = this.store.remove(this.gr(rt), ns, name);
    if (rt.builtin && rt.kind === 'CustomResourceDefinition') {
      const spec = rec(live.spec);
      const plural = String(rec(spec.names).plural ?? '');
      const gr = `${String(spec.group ?? '')}/${plural}`;
      for (const o of this.store.list(gr)) this.store.remove(gr, o.metadata.namespace, o.metadata.name ?? '');
      this.registry.unregisterCrd(name);
    }
    return gone;
  }

  // ---------------------------------------------------------------- HTTP

  private send(ctx: Ctx, code: number, body: unknown, contentType = 'application/json'): void {
    const text = JSON.stringify(body);
    ctx.res.writeHead(code, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(text) });
    ctx.res.end(text);
  }

  private sendError(ctx: Ctx, e: unknown): void {
    const err = e instanceof StatusError ? e : new StatusError(500, 'InternalError', `Internal error occurred: ${String((e as Error)?.message ?? e)}`);
    if (ctx.res.headersSent) {
      ctx.res.destroy();
      return;
    }
    this.send(ctx, err.code, err.toStatus());
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const ctx: Ctx = { req, res, url, principal: { user: 'system:anonymous', rules: [] } };
    try {
      if (url.pathname === '/sim/counts') return this.send(ctx, 200, this.countsSnapshot());
      if (url.pathname === '/sim/watches') return this.send(ctx, 200, { open: this.openWatches() });
      // Faults for tests running in another process (the extension host); like /sim/counts, not
      // part of the Kubernetes API and not counted.
      if (req.method === 'POST' && url.pathname === '/sim/faults/cut-watches') {
        this.cutWatches();
        return this.send(ctx, 200, { ok: true });
      }
      if (req.method === 'POST' && url.pathname === '/sim/faults/expire-resource-versions') {
        this.store.compact();
        return this.send(ctx, 200, { ok: true });
      }
      if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
      if (this.failure.share > 0 && Math.random() < this.failure.share) {
        const code = this.failure.code;
        const reason = code === 429 ? 'TooManyRequests' : code === 503 ? 'ServiceUnavailable' : code === 504 ? 'Timeout' : 'InternalError';
        throw new StatusError(code, reason, code === 429 ? 'the server has received too many requests and has asked us to try again later' : 'an error on the server ("simulated fault") has prevented the request from succeeding');
      }
      const p = url.pathname.replace(/\/+$/, '') || '/';
      // Public endpoints (system:public-info-viewer): no credentials needed.
      if (p === '/version') return this.send(ctx, 200, { major: '1', minor: '32', gitVersion: 'v1.32.0', gitCommit: '70d3cc986aa8221cd1dfb1121852688902d3bf53', gitTreeState: 'clean', buildDate: '2024-12-11T17:58:15Z', goVersion: 'go1.23.3', compiler: 'gc', platform: 'linux/amd64' });
      if (p === '/healthz' || p === '/readyz' || p === '/livez') {
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        return void res.end('ok');
      }
      const auth = req.headers.authorization ?? '';
      const token = auth.startsWith('Bearer ') ? auth.slice(7).trim() : '';
      const socket = req.socket as Partial<TLSSocket>;
      const subject = token === '' && socket.authorized === true ? socket.getPeerCertificate?.().subject : undefined;
      const cn = Array.isArray(subject?.CN) ? subject.CN[0] : subject?.CN;
      const principal = cn !== undefined ? this.certPrincipals.get(cn) : this.principals.get(token);
      if (!principal) throw unauthorized();
      ctx.principal = principal;
      if (p.startsWith('/openapi/')) return this.handleOpenApi(ctx, p);
      const rp = this.parseResourcePath(ctx, p);
      if (!rp) return;
      await this.handleResource(ctx, rp);
    } catch (e) {
      this.sendError(ctx, e);
    }
  }

  private discoveryAccept(ctx: Ctx): 'apidiscovery.k8s.io/v2' | 'apidiscovery.k8s.io/v2beta1' | undefined {
    // Honour the first acceptable entry of the Accept list, as the server's content negotiation does.
    for (const part of (ctx.req.headers.accept ?? '').split(',')) {
      const t = part.trim();
      if (t.includes('as=APIGroupDiscoveryList') && t.includes('g=apidiscovery.k8s.io')) {
        if (/v=v2(;|$)/.test(t)) return 'apidiscovery.k8s.io/v2';
        if (/v=v2beta1(;|$)/.test(t)) return 'apidiscovery.k8s.io/v2beta1';
      } else if (t.startsWith('application/json') || t === '*/*') return undefined;
    }
    return undefined;
  }

  private sendDiscovery(ctx: Ctx, legacy: boolean, plain: unknown): void {
    this.count('discovery');
    const agg = this.discoveryAccept(ctx);
    if (agg) {
      const v = agg.split('/')[1];
      return this.send(ctx, 200, aggregatedDiscovery(this.registry, legacy, agg), `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`);
    }
    this.send(ctx, 200, plain);
  }

  private handleOpenApi(ctx: Ctx, p: string): void {
    this.count('openapi');
    if (p === '/openapi/v3') return this.send(ctx, 200, openApiIndex(this.registry));
    const m = p.match(/^\/openapi\/v3\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/);
    const doc = m ? (m[1] ? groupVersionDocument(this.registry, '', m[1]) : groupVersionDocument(this.registry, m[2]!, m[3]!)) : undefined;
    if (!doc) throw pathNotFound();
    // Documents are immutable per hash, so clients may cache them (as the real server marks them).
    this.send(ctx, 200, doc);
  }

  /** Parses /api/v1/... and /apis/G/V/...; answers discovery paths itself (returns undefined then). */
  private parseResourcePath(ctx: Ctx, p: string): ResourcePath | undefined {
    const segs = p.split('/').filter(Boolean).map(decodeURIComponent);
    let group: string;
    let version: string;
    let rest: string[];
    if (segs[0] === 'api') {
      if (segs.length === 1) return void this.sendDiscovery(ctx, true, apiVersions(`127.0.0.1:${this.port}`));
      group = '';
      version = segs[1]!;
      rest = segs.slice(2);
    } else if (segs[0] === 'apis') {
      if (segs.length === 1) return void this.sendDiscovery(ctx, false, apiGroupList(this.registry));
      group = segs[1]!;
      if (segs.length === 2) {
        const g = apiGroup(this.registry, group);
        if (!g) throw pathNotFound();
        this.count('discovery');
        return void this.send(ctx, 200, g);
      }
      version = segs[2]!;
      rest = segs.slice(3);
    } else throw pathNotFound();
    if (rest.length === 0) {
      const list = apiResourceList(this.registry, group, version);
      if (!list) throw pathNotFound();
      this.count('discovery');
      return void this.send(ctx, 200, list);
    }
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const rt = this.registry.byPlural(group, version, rest[0]!);
    if (!rt || rest.length > 3) throw pathNotFound();
    // kube-apiserver warns on every request to a deprecated CRD version (RFC 7234 warn-code 299).
    if (rt.deprecationWarning !== undefined && !ctx.res.headersSent) ctx.res.setHeader('Warning', `299 - ${JSON.stringify(rt.deprecationWarning)}`);
    if (!rt.namespaced && namespace !== undefined) throw pathNotFound();
    const sub = rest[2];
    if (sub !== undefined && !(rt.subresources as readonly string[]).includes(sub)) throw pathNotFound();
    return { rt, namespace, name: rest[1], sub: sub as ResourcePath['sub'] };
  }

  private async bodyBytes(ctx: Ctx): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of ctx.req) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  private async body(ctx: Ctx): Promise<string> {
    return (await this.bodyBytes(ctx)).toString('utf8');
  }

  private async jsonBody(ctx: Ctx): Promise<unknown> {
    const ct = (ctx.req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim();
    // kubectl's typed generators (`kubectl create namespace|configmap|deployment…`) send protobuf.
    if (ct === 'application/vnd.kubernetes.protobuf') return decodeKubeProtobuf(await this.bodyBytes(ctx));
    if (!['application/json', 'application/yaml', '*/*', ''].includes(ct)) {
      throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`);
    }
    const text = await this.body(ctx);
    try {
      return text.trim().startsWith('{') || text.trim().startsWith('[') ? JSON.parse(text) : YAML.parse(text);
    } catch (e) {
      throw badRequest(`the object provided is unrecognized or malformed: ${(e as Error).message}`);
    }
  }

  private manager(ctx: Ctx): string {
    const fm = ctx.url.searchParams.get('fieldManager');
    if (fm) return fm;
    // Default manager = User-Agent up to the first '/' (k8s.io/apiserver handlers/rest.go prefixFromUserAgent).
    return (ctx.req.headers['user-agent'] ?? 'unknown').split('/')[0]!.slice(0, 128);
  }

  private dryRun(ctx: Ctx): boolean {
    const d = ctx.url.searchParams.getAll('dryRun');
    for (const v of d) if (v !== 'All') throw badRequest(`Invalid dryRun value: ${v}; supported values: "All"`);
    return d.length > 0;
  }

  private authorize(ctx: Ctx, rp: ResourcePath, verb: string): void {
    const r = {
      verb, group: rp.rt.group, resource: rp.sub ? `${rp.rt.plural}/${rp.sub}` : rp.rt.plural,
      ...(rp.namespace !== undefined ? { namespace: rp.namespace } : rp.rt.plural === 'namespaces' && rp.name ? { namespace: rp.name } : {}),
      ...(rp.name ? { name: rp.name } : {}),
    };
    if (!allowed(ctx.principal, r)) throw forbidden(ctx.principal, r);
  }

  private async handleResource(ctx: Ctx, rp: ResourcePath): Promise<void> {
    const m = ctx.req.method ?? 'GET';
    const q = ctx.url.searchParams;
    const { rt } = rp;
    if (rp.name === undefined) {
      if (m === 'GET') {
        const watch = q.get('watch') === '1' || q.get('watch') === 'true';
        this.authorize(ctx, rp, watch ? 'watch' : 'list');
        this.count(watch ? 'watch' : 'list', rt);
        if (watch && this.hostile.goneOnWatch) return this.goneWatch(ctx);
        const hostile = this.hostile.stream;
        if (hostile && (hostile === 'endless-watch-line') === watch) return void this.streamForever(ctx, hostile);
        return watch ? this.watch(ctx, rp) : this.list(ctx, rp);
      }
      if (m === 'POST') {
        this.authorize(ctx, rp, 'create');
        this.count('create', rt);
        return this.create(ctx, rp);
      }
      if (m === 'DELETE') {
        this.authorize(ctx, rp, 'deletecollection');
        this.count('delete', rt);
        return this.deleteCollection(ctx, rp);
      }
      throw methodNotAllowed();
    }
    const verb = ({ GET: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' } as Record<string, string>)[m];
    if (!verb || (rp.sub && verb === 'delete')) throw methodNotAllowed();
    this.authorize(ctx, rp, verb);
    this.count(verb, rt, rp.sub);
    const ns = rt.namespaced ? rp.namespace : undefined;
    if (rt.namespaced && ns === undefined) throw pathNotFound();
    if (verb === 'get') {
      const live = this.store.get(this.gr(rt), ns, rp.name);
      if (!live) throw notFound(rt, rp.name);
      if (rp.sub === 'scale') return this.send(ctx, 200, this.scaleOf(rt, live));
      return this.respondObject(ctx, rt, live, 200);
    }
    if (verb === 'delete') return this.deleteOne(ctx, rp, ns);
    if (verb === 'update') return this.update(ctx, rp, ns);
    return this.patch(ctx, rp, ns);
  }

  // ---------------------------------------------------------------- responses (JSON or Table)

  private wantsTable(ctx: Ctx): boolean {
    for (const part of (ctx.req.headers.accept ?? '').split(',')) {
      const t = part.trim();
      if (t.includes('as=Table') && t.includes('g=meta.k8s.io')) return /v=v1(;|$)/.test(t) || /v=v1beta1/.test(t);
      if (t.startsWith('application/json') || t === '*/*') return false;
    }
    return false;
  }

  private rowObject(ctx: Ctx, rt: ServedType, o: KubeObject): unknown {
    const include = ctx.url.searchParams.get('includeObject') ?? 'Metadata';
    if (include === 'None') return undefined;
    if (include === 'Object') return this.present(rt, o);
    return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
  }

  private table(ctx: Ctx, rt: ServedType, objs: KubeObject[], meta: Record<string, unknown>, withColumns = true): Record<string, unknown> {
    const now = Date.now();
    return {
      kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: meta,
      ...(withColumns ? { columnDefinitions: tableColumns(rt) } : {}),
      rows: objs.map((o) => {
        const object = this.rowObject(ctx, rt, o);
        return { cells: tableCells(rt, o, now), ...(object ? { object } : {}) };
      }),
    };
  }

  private respondObject(ctx: Ctx, rt: ServedType, o: KubeObject, code: number): void {
    if (this.wantsTable(ctx)) {
      return this.send(ctx, code, this.table(ctx, rt, [o], { resourceVersion: o.metadata.resourceVersion ?? '' }), 'application/json;as=Table;v=v1;g=meta.k8s.io');
    }
    this.send(ctx, code, this.present(rt, o));
  }

  // ---------------------------------------------------------------- list and watch

  private selectors(ctx: Ctx): (o: KubeObject) => boolean {
    const ls = parseLabelSelector(ctx.url.searchParams.get('labelSelector'));
    const fs = parseFieldSelector(ctx.url.searchParams.get('fieldSelector'));
    return (o) => ls(o.metadata.labels) && fs(o);
  }

  private list(ctx: Ctx, rp: ResourcePath): void {
    const { rt } = rp;
    const q = ctx.url.searchParams;
    const match = this.selectors(ctx);
    const limit = Number(q.get('limit') ?? 0);
    const cont = q.get('continue');
    let atRv = this.store.currentRv;
    let startAfter = '';
    let items: KubeObject[];
    if (cont) {
      let tok: { rv?: number; start?: string };
      try {
        tok = JSON.parse(Buffer.from(cont, 'base64').toString('utf8')) as typeof tok;
      } catch {
        throw badRequest('continue key is not valid: illegal base64 data');
      }
      atRv = Number(tok.rv);
      startAfter = String(tok.start ?? '');
      const snap = this.store.listAt(this.gr(rt), atRv, rp.namespace);
      if (!snap) {
        throw new StatusError(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
      }
      items = snap;
    } else {
      const rvParam = q.get('resourceVersion');
      const rvMatch = q.get('resourceVersionMatch');
      if (rvMatch && !rvParam) throw badRequest('resourceVersionMatch is forbidden unless resourceVersion is provided');
      if (rvParam && rvParam !== '0') {
        const n = Number(rvParam);
        if (!Number.isInteger(n) || n < 0) throw badRequest(`invalid resource version: ${rvParam}`);
        if (rvMatch === 'Exact') {
          const snap = this.store.listAt(this.gr(rt), n, rp.namespace);
          if (!snap || n > this.store.currentRv) throw new StatusError(410, 'Expired', `too old resource version: ${n} (${this.store.oldestRv})`);
          items = snap;
          atRv = n;
        } else {
          if (n > this.store.currentRv) throw new StatusError(504, 'Timeout', `Too large resource version: ${n}, current: ${this.store.currentRv}`, { causes: [{ type: 'ResourceVersionTooLarge', message: 'Too large resource version' }] });
          items = this.store.list(this.gr(rt), rp.namespace);
        }
      } else items = this.store.list(this.gr(rt), rp.namespace);
    }
    const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
    let filtered = items.filter((o) => match(o) && (!startAfter || keyOf(o) > startAfter));
    const meta: Record<string, unknown> = { resourceVersion: String(atRv) };
    if (limit > 0 && filtered.length > limit) {
      const page = filtered.slice(0, limit);
      meta.continue = Buffer.from(JSON.stringify({ rv: atRv, start: keyOf(page[page.length - 1]!) })).toString('base64');
      meta.remainingItemCount = filtered.length - limit;
      filtered = page;
    }
    if (this.wantsTable(ctx)) return this.send(ctx, 200, this.table(ctx, rt, filtered, meta), 'application/json;as=Table;v=v1;g=meta.k8s.io');
    // Typed lists of built-ins carry items without apiVersion/kind; unstructured CR lists keep them.
    const out = filtered.map((o) => {
      const p = this.present(rt, o);
      if (!rt.builtin) return p;
      return omit(p, ['apiVersion', 'kind']);
    });
    this.send(ctx, 200, { apiVersion: apiVersionOf(rt.group, rt.version), kind: rt.listKind, metadata: meta, items: out });
  }

  private goneWatch(ctx: Ctx): void {
    ctx.res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    const status = new StatusError(410, 'Expired', `too old resource version: ${ctx.url.searchParams.get('resourceVersion') ?? '0'} (${this.store.currentRv})`).toStatus();
    ctx.res.end(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
  }

  /**
   * A body that never ends, written as fast as the client reads it (or one byte per 100 ms for
   * `drip-list`). Stops at 1 GiB so a client without bounds fails its test instead of the machine.
   */
  private async streamForever(ctx: Ctx, kind: HostileStream): Promise<void> {
    const res = ctx.res;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    const prefix = kind === 'endless-watch-line' ? '{"type":"ADDED","object":{"metadata":{"name":"' : '{"kind":"List","apiVersion":"v1","metadata":{},"items":[';
    const unit = kind === 'endless-watch-line' ? 'a' : '{"metadata":{"name":"x"}},';
    const chunk = Buffer.from(unit.repeat(Math.ceil(65536 / unit.length)));
    const closed = new Promise<void>((r) => res.once('close', () => r()));
    let open = true;
    void closed.then(() => (open = false));
    const write = async (b: Buffer): Promise<void> => {
      this.streamedBytes += b.length;
      if (!res.write(b)) await Promise.race([new Promise((r) => res.once('drain', r)), closed]);
    };
    await write(Buffer.from(prefix));
    let sent = 0;
    while (open && sent < 1024 * 1024 * 1024) {
      if (kind === 'drip-list') {
        await write(Buffer.from(' '));
        sent += 1;
        await Promise.race([new Promise((r) => setTimeout(r, 100)), closed]);
      } else {
        await write(chunk);
        sent += chunk.length;
      }
    }
    if (open) res.end();
  }

  private watch(ctx: Ctx, rp: ResourcePath): void {
    const { rt } = rp;
    const q = ctx.url.searchParams;
    const match = this.selectors(ctx);
    const inScope = (o: KubeObject): boolean => rp.namespace === undefined || o.metadata.namespace === rp.namespace;
    const table = this.wantsTable(ctx);
    const res = ctx.res;
    let first = true;
    const write = (type: string, object: unknown): void => {
      res.write(`${JSON.stringify({ type, object })}\n`);
    };
    const emit = (type: string, o: KubeObject): void => {
      if (table) {
        write(type, this.table(ctx, rt, [o], { resourceVersion: o.metadata.resourceVersion ?? '' }, first));
        first = false;
      } else write(type, this.present(rt, o));
    };
    const rvParam = q.get('resourceVersion');
    const sendInitial = q.get('sendInitialEvents') === 'true';
    const startRv = rvParam && rvParam !== '0' ? Number(rvParam) : undefined;
    res.writeHead(200, { 'Content-Type': table ? 'application/json;as=Table;v=v1;g=meta.k8s.io' : 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    if (startRv !== undefined && !sendInitial && startRv < this.store.oldestRv) {
      // The watch starts, then reports 410 as an ERROR event and ends (cacher behaviour for too-old RVs).
      write('ERROR', new StatusError(410, 'Expired', `too old resource version: ${startRv} (${this.store.oldestRv})`).toStatus());
      return void res.end();
    }
    const bookmarks = q.get('allowWatchBookmarks') === 'true' || q.get('allowWatchBookmarks') === '1';
    const bookmark = (annotations?: Record<string, string>): void => write('BOOKMARK', {
      kind: rt.kind, apiVersion: apiVersionOf(rt.group, rt.version),
      metadata: { resourceVersion: String(this.store.currentRv), ...(annotations ? { annotations } : {}) },
    });
    if (startRv === undefined || sendInitial) {
      // No RV (or RV 0): synthetic ADDED events for the current state, then changes.
      for (const o of this.store.list(this.gr(rt), rp.namespace)) if (match(o)) emit('ADDED', o);
      if (sendInitial) bookmark({ 'k8s.io/initial-events-end': 'true' });
    } else {
      for (const e of this.store.eventsSince(this.gr(rt), startRv)) this.deliver(e, inScope, match, emit);
    }
    const sub = this.store.onEvent((e) => {
      if (e.gr === this.gr(rt)) this.deliver(e, inScope, match, emit);
    });
    const timers: NodeJS.Timeout[] = [];
    if (bookmarks) timers.push(setInterval(() => bookmark(), this.opts.bookmarkIntervalMs));
    const timeout = Number(q.get('timeoutSeconds') ?? 0);
    const entry = {
      info: { resource: this.gr(rt), namespace: rp.namespace ?? '', fieldSelector: q.get('fieldSelector') ?? '', labelSelector: q.get('labelSelector') ?? '' },
      end: (): void => {
        sub.dispose();
        timers.forEach((t) => clearInterval(t));
        this.watches.delete(entry);
        if (!res.writableEnded) res.end();
      },
    };
    if (timeout > 0) timers.push(setTimeout(() => entry.end(), timeout * 1000));
    this.watches.add(entry);
    res.on('close', () => entry.end());
  }

  /** Selector-aware delivery: objects leaving a selector are reported DELETED, entering ADDED (as the watch cache does). */
  private deliver(e: StoreEvent, inScope: (o: KubeObject) => boolean, match: (o: KubeObject) => boolean, emit: (t: string, o: KubeObject) => void): void {
    if (!inScope(e.object)) return;
    const now = match(e.object);
    const before = e.prev ? match(e.prev) : false;
    if (e.type === 'DELETED') {
      if (before || now) emit('DELETED', e.object);
    } else if (e.type === 'ADDED') {
      if (now) emit('ADDED', e.object);
    } else if (now && before) emit('MODIFIED', e.object);
    else if (now) emit('ADDED', e.object);
    else if (before) emit('DELETED', e.object);
  }

  // ---------------------------------------------------------------- writes over HTTP

  private checkBodyIdentity(rt: ServedType, body: unknown, rp: ResourcePath, ns: string | undefined): KubeObject {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('the object provided is unrecognized or malformed');
    const o = body as KubeObject;
    if (!o.kind) throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(body).slice(0, 200)}'`);
    const want = apiVersionOf(rt.group, rt.version);
    if (o.apiVersion && o.apiVersion !== want) {
      const { group } = splitApiVersion(o.apiVersion);
      if (group !== rt.group || !this.registry.kindServed(group, o.kind)) throw badRequest(`the API version in the data (${o.apiVersion}) does not match the expected API version (${want})`);
    }
    if (o.kind !== rt.kind) throw badRequest(`the kind in the data (${o.kind}) does not match the expected kind (${rt.kind})`);
    o.metadata = rec(o.metadata) as KubeObject['metadata'];
    if (rt.namespaced) {
      if (o.metadata.namespace && o.metadata.namespace !== ns) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      o.metadata.namespace = ns;
    } else delete o.metadata.namespace;
    if (rp.name !== undefined && o.metadata.name !== undefined && o.metadata.name !== rp.name) {
      throw badRequest(`the name of the object (${o.metadata.name}) does not match the name on the URL (${rp.name})`);
    }
    return o;
  }

  private async create(ctx: Ctx, rp: ResourcePath): Promise<void> {
    const { rt } = rp;
    const ns = rt.namespaced ? rp.namespace : undefined;
    if (rt.namespaced && ns === undefined) throw methodNotAllowed();
    const o = this.checkBodyIdentity(rt, await this.jsonBody(ctx), rp, ns);
    const out = this.commitCreate(rt, o, { manager: this.manager(ctx), dryRun: this.dryRun(ctx) });
    this.respondObject(ctx, rt, out, 201);
  }

  private scaleOf(rt: ServedType, o: KubeObject): KubeObject {
    const s = rt.scale!;
    const selector = s.labelSelectorPath && rt.builtin ? selectorString(rec(o.spec).selector) : s.labelSelectorPath ? getPath(o, s.labelSelectorPath) : undefined;
    return {
      kind: 'Scale', apiVersion: 'autoscaling/v1',
      metadata: { name: o.metadata.name, namespace: o.metadata.namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, creationTimestamp: o.metadata.creationTimestamp },
      spec: { replicas: (getPath(o, s.specReplicasPath) as number | undefined) ?? (rt.builtin ? 1 : 0) },
      status: { replicas: (getPath(o, s.statusReplicasPath) as number | undefined) ?? 0, ...(selector ? { selector } : {}) },
    };
  }

  private writeScale(ctx: Ctx, rt: ServedType, live: KubeObject, scale: KubeObject): void {
    const rv = scale.metadata?.resourceVersion;
    if (rv && rv !== live.metadata.resourceVersion) throw conflict(rt, live.metadata.name ?? '');
    const replicas = rec(scale.spec).replicas;
    if (typeof replicas !== 'number' || replicas < 0) throw invalid(rt, live.metadata.name ?? '', 'spec.replicas', `Invalid value: ${String(replicas)}: must be greater than or equal to 0`);
    const next = clone(live);
    setPath(next, rt.scale!.specReplicasPath, replicas);
    const out = this.commitUpdate(rt, live, next, { manager: this.manager(ctx), dryRun: this.dryRun(ctx), subresource: 'scale' });
    this.send(ctx, 200, this.scaleOf(rt, out));
  }

  private async update(ctx: Ctx, rp: ResourcePath, ns: string | undefined): Promise<void> {
    const { rt } = rp;
    const name = rp.name!;
    const body = await this.jsonBody(ctx);
    const live = this.store.get(this.gr(rt), ns, name);
    if (!live) throw notFound(rt, name);
    if (rp.sub === 'scale') return this.writeScale(ctx, rt, live, body as KubeObject);
    const o = this.checkBodyIdentity(rt, body, rp, ns);
    const rv = o.metadata.resourceVersion;
    // Custom resources do not allow unconditional updates (customResourceStrategy.AllowUnconditionalUpdate is false).
    if (!rv && !rt.builtin) throw invalid(rt, name, 'metadata.resourceVersion', 'Invalid value: 0x0: must be specified for an update');
    if (rv && rv !== live.metadata.resourceVersion) throw conflict(rt, name);
    const out = this.commitUpdate(rt, live, o, { manager: this.manager(ctx), dryRun: this.dryRun(ctx), ...(rp.sub ? { subresource: rp.sub } : {}) });
    this.respondObject(ctx, rt, out, 200);
  }

  private async patch(ctx: Ctx, rp: ResourcePath, ns: string | undefined): Promise<void> {
    const { rt } = rp;
    const name = rp.name!;
    const ct = (ctx.req.headers['content-type'] ?? '').split(';')[0]!.trim();
    const accepted = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml', ...(rt.builtin ? ['application/strategic-merge-patch+json'] : [])];
    if (!accepted.includes(ct)) {
      throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`);
    }
    const text = await this.body(ctx);
    const manager = this.manager(ctx);
    const dryRun = this.dryRun(ctx);
    const live = this.store.get(this.gr(rt), ns, name);
    const sub = rp.sub;
    let patchDoc: unknown;
    try {
      patchDoc = ct === 'application/apply-patch+yaml' ? YAML.parse(text) : JSON.parse(text);
    } catch (e) {
      throw badRequest(`error decoding patch: ${(e as Error).message}`);
    }
    if (ct === 'application/apply-patch+yaml') {
      if (!ctx.url.searchParams.get('fieldManager')) throw badRequest('PATCH /apply requires fieldManager to be set');
      const force = ctx.url.searchParams.get('force') === 'true';
      if (sub === 'scale') {
        if (!live) throw notFound(rt, name);
        return this.writeScale(ctx, rt, live, { ...this.scaleOf(rt, live), spec: rec(rec(patchDoc).spec) } as KubeObject);
      }
      const applied = this.checkBodyIdentity(rt, patchDoc, rp, ns);
      applied.metadata.name ??= name;
      if (!live && sub) throw notFound(rt, name);
      const now = nowString();
      const base: KubeObject | undefined = live ? clone(this.present(rt, live)) : undefined;
      const merged = semantics.serverSideApply({ live: base, applied, manager, force, schema: rt.schemaInfo, now, ...(sub ? { subresource: sub } : {}) });
      const out = live
        ? this.commitUpdate(rt, live, merged, { manager, dryRun, managedFieldsDone: true, ...(sub ? { subresource: sub } : {}) })
        : this.commitCreate(rt, merged, { manager, dryRun, managedFieldsDone: true });
      return this.respondObject(ctx, rt, out, live ? 200 : 201);
    }
    if (!live) throw notFound(rt, name);
    const current: KubeObject = sub === 'scale' ? this.scaleOf(rt, live) : clone(this.present(rt, live));
    let next: KubeObject;
    if (ct === 'application/json-patch+json') next = semantics.applyJsonPatch(current, patchDoc) as KubeObject;
    else if (ct === 'application/merge-patch+json') next = semantics.applyMergePatch(current, patchDoc) as KubeObject;
    else next = semantics.applyStrategicMergePatch(current, patchDoc, rt.schemaInfo);
    if (sub === 'scale') return this.writeScale(ctx, rt, live, next);
    next = this.checkBodyIdentity(rt, next, rp, ns);
    const rv = next.metadata.resourceVersion;
    if (rv && rv !== live.metadata.resourceVersion) throw conflict(rt, name);
    const out = this.commitUpdate(rt, live, next, { manager, dryRun, ...(sub ? { subresource: sub } : {}) });
    this.respondObject(ctx, rt, out, 200);
  }

  /**
   * dryRun of a delete comes in the query or in the DeleteOptions body (kubectl sends the body).
   * propagationPolicy and preconditions other than dryRun have no effect: there is no garbage collector.
   */
  private async deleteDryRun(ctx: Ctx): Promise<boolean> {
    const text = (await this.body(ctx)).trim();
    let fromBody = false;
    if (text.startsWith('{')) {
      const opts = rec(JSON.parse(text) as unknown);
      const d = Array.isArray(opts.dryRun) ? (opts.dryRun as unknown[]) : [];
      for (const v of d) if (v !== 'All') throw badRequest(`Invalid dryRun value: ${String(v)}; supported values: "All"`);
      fromBody = d.length > 0;
    }
    return this.dryRun(ctx) || fromBody;
  }

  private async deleteOne(ctx: Ctx, rp: ResourcePath, ns: string | undefined): Promise<void> {
    const { rt } = rp;
    const name = rp.name!;
    const dryRun = await this.deleteDryRun(ctx);
    const live = this.store.get(this.gr(rt), ns, name);
    if (!live) throw notFound(rt, name);
    const out = this.removeObject(rt, ns, name, dryRun);
    if (out && out.metadata.deletionTimestamp && this.store.get(this.gr(rt), ns, name)) return this.send(ctx, 200, this.present(rt, out));
    this.send(ctx, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name, group: rt.group, kind: rt.plural, uid: live.metadata.uid } });
  }

  private async deleteCollection(ctx: Ctx, rp: ResourcePath): Promise<void> {
    const { rt } = rp;
    const dryRun = await this.deleteDryRun(ctx);
    const match = this.selectors(ctx);
    const gone = this.store.list(this.gr(rt), rp.namespace).filter(match);
    const items = gone.map((o) => this.removeObject(rt, o.metadata.namespace, o.metadata.name ?? '', dryRun) ?? o);
    this.send(ctx, 200, { apiVersion: apiVersionOf(rt.group, rt.version), kind: rt.listKind, metadata: { resourceVersion: String(this.store.currentRv) }, items: items.map((o) => this.present(rt, o)) });
  }
}
