/**
 * Live GitOps apps of every cluster, as snapshots the tree reads synchronously (STYLE.md rule 5) and
 * change events that carry only what changed. Fed by ClusterSource watch events; knows nothing of
 * HTTP. Every event is O(1) in the number of apps (plus the Flux apps depending on a changed source);
 * a relist (SYNC) or a `batch` produces one change event however many objects it touches.
 */
import { DisposableStore, Emitter, type Disposable, type Event } from '../lifecycle';
import { mapArgoAppProject, mapArgoApplication, mapArgoApplicationSet } from '../argocd/application';
import { mapFluxSource, readFluxHelmRelease, readFluxKustomization, type FluxAppReading } from '../flux/mapFlux';
import { mapFluxImagePolicy, mapFluxImageRepository, mapFluxImageUpdateAutomation } from '../flux/image';
import { mapFluxAlert, mapFluxProvider, mapFluxReceiver } from '../flux/notification';
import type { SourceArtifact } from '../flux/status';
import { keyParts, GITOPS_KINDS,
  appKey,
  gitOpsKind,
  type App,
  type AppKey,
  type GitOpsKindName,
  type ManagedResource,
  type ObjectSelector,
  type Tool, } from '../model/app';
import { isRecord, jsonEqual } from '../json';
import { API_CLUSTER_PREFIX } from '../argocd/api/servers';
import type { Clock, ClusterConnectionEvent, ClusterSource, ClusterWatchEvent, K8sError, Logger } from '../ports';

export type ClusterConnection =
  | { readonly phase: 'idle' }
  | { readonly phase: 'connecting' }
  | { readonly phase: 'ready' }
  /** `since`: when the cluster was first seen unreachable in this outage (Clock time, ms). */
  | { readonly phase: 'unreachable'; readonly since: number; readonly lastError: K8sError }
  | { readonly phase: 'stopped' };

export interface Totals {
  readonly apps: number;
  readonly synced: number;
  readonly outOfSync: number;
  readonly degraded: number;
}

export interface ClusterStatus {
  readonly cluster: string;
  readonly enabled: boolean;
  readonly connection: ClusterConnection;
  readonly forbiddenNamespaces: readonly string[];
  readonly absentKinds: readonly GitOpsKindName[];
  /** The API version each watched kind is read at (older clusters serve older versions). */
  readonly watchedVersions: Readonly<Partial<Record<GitOpsKindName, string>>>;
  /** Tools whose app kinds have no CRD on the cluster. */
  readonly absentTools: readonly Tool[];
  /** Clock time of the last event or successful (re)connect; undefined before any. */
  readonly lastSeenAt: number | undefined;
  /** How old the apps shown are, when the cluster is unreachable (they are the last known state). */
  readonly staleForMs: number | undefined;
  readonly totals: Totals;
}

export interface AppStoreChange {
  readonly added: readonly AppKey[];
  readonly updated: readonly AppKey[];
  readonly removed: readonly AppKey[];
  /** Clusters whose ClusterStatus changed (connection, enabled, absent kinds, forbidden namespaces). */
  readonly clusters: readonly string[];
}

/** An app that turned OutOfSync or Degraded, for the throttled notification. */
export interface AppTransition {
  readonly kind: 'outOfSync' | 'degraded';
  readonly key: AppKey;
  readonly app: App;
  readonly previous: { readonly sync: App['sync']['status']; readonly health: App['health']['status'] };
}

export interface AppFilter {
  /** Case-insensitive substring of name, namespace, project or kind. */
  readonly text?: string;
  /** `unhealthy`: any health other than Healthy and Suspended. */
  readonly only?: 'outOfSync' | 'unhealthy';
}

export interface AppGroup {
  readonly name: string;
  /** Argo CD apps group by project, Flux objects by namespace. */
  readonly by: 'project' | 'namespace';
  readonly count: number;
}

/**
 * What the store keeps of an object: the mapped app and what re-mapping needs, never the object
 * itself (the raw objects beside the apps were 1.7x the heap of the parsed lists, issue 18).
 */
interface Entry {
  app: App;
  /** `metadata.resourceVersion` the app was mapped from: the same version is not mapped again. */
  rv: string | undefined;
  /** Kustomization, HelmRelease: the object as read, joined again when its source's artifact changes. */
  reading: FluxAppReading | undefined;
  /** The source artifact `app`'s sync was computed with. */
  artifact: SourceArtifact | undefined;
  /** Flux objects' `metadata.labels` (Alert and Receiver selectors match them); undefined when none. */
  labels: Readonly<Record<string, string>> | undefined;
  /** Flux: the `Kind/namespace/name` of the source this app's sync depends on. */
  sourceRef: string | undefined;
  group: string;
  /** Argo CD Applications: `metadata.uid`, which tells one app seen through kubeconfig and API (issue 16). */
  uid: string | undefined;
  /**
   * Argo CD Applications reached through Argo CD's API only: the object as sent, for what the model
   * leaves out and the API commands need (sync policy, revisions, address). Nothing else keeps objects.
   */
  raw: unknown;
}

interface ClusterData {
  readonly name: string;
  enabled: boolean;
  connection: ClusterConnection;
  forbidden: Set<string>;
  absentKinds: Set<GitOpsKindName>;
  watchedVersions: Partial<Record<GitOpsKindName, string>>;
  lastSeenAt: number | undefined;
  readonly entries: Map<AppKey, Entry>;
  readonly byKind: Map<GitOpsKindName, Set<AppKey>>;
  /** tool → group → keys, so tree queries do not scan every app. */
  readonly groups: Map<Tool, Map<string, Set<AppKey>>>;
  /** source ref → Flux apps that depend on it. */
  readonly dependents: Map<string, Set<AppKey>>;
  /** Argo CD app of apps: `namespace/name` of a child Application → the parents listing it in status.resources. */
  readonly argoParents: Map<string, Set<AppKey>>;
  /** Argo CD: a child's `trackedBy` value → the children naming it. */
  readonly tracked: Map<string, Set<AppKey>>;
  totals: { apps: number; synced: number; outOfSync: number; degraded: number };
}

type Op = 'added' | 'updated' | 'removed';

/** An object mapped: the app, and for the Flux apps joined with a source, what joining again needs. */
interface Mapped {
  readonly app: App;
  readonly reading?: FluxAppReading;
  readonly artifact?: SourceArtifact;
}

const ZERO: Totals = { apps: 0, synced: 0, outOfSync: 0, degraded: 0 };

/** What one app adds to (d = 1) or takes from (d = -1) the totals: deploying objects only. */
export function countApp(t: { apps: number; synced: number; outOfSync: number; degraded: number }, app: App, d: 1 | -1): void {
  if (app.role !== 'app') return;
  t.apps += d;
  if (app.sync.status === 'Synced') t.synced += d;
  if (app.sync.status === 'OutOfSync') t.outOfSync += d;
  if (app.health.status === 'Degraded') t.degraded += d;
}

export class AppStore implements Disposable {
  private readonly disposables = new DisposableStore();
  private readonly _onDidChange = this.disposables.add(new Emitter<AppStoreChange>());
  /** Fires once per apply, SYNC, connection change or `batch`, with what changed. */
  readonly onDidChange: Event<AppStoreChange> = this._onDidChange.event;
  private readonly _onDidTransition = this.disposables.add(new Emitter<readonly AppTransition[]>());
  /** Fires with apps that turned OutOfSync or Degraded; never for apps seen for the first time. */
  readonly onDidTransition: Event<readonly AppTransition[]> = this._onDidTransition.event;

  private readonly data = new Map<string, ClusterData>();
  private depth = 0;
  private pending = new Map<AppKey, Op>();
  private pendingClusters = new Set<string>();
  private pendingTransitions: AppTransition[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly log?: Logger,
  ) {}

  /** Subscribes to a ClusterSource; dispose the result to detach. */
  connect(source: ClusterSource): Disposable {
    const scope = new DisposableStore();
    source.onDidReceiveEvents(({ cluster, events }) => this.applyAll(cluster, events), this, scope);
    source.onDidChangeConnection((e) => this.setConnection(e), this, scope);
    source.onDidError(({ cluster, kind, error }) => {
      this.log?.warn(`[AppStore][onDidError] ${cluster}${kind ? ` ${kind}` : ''}: ${error.code}: ${error.message}`);
      if (error.code === 'Forbidden' && error.namespace !== undefined) {
        const c = this.cluster(cluster);
        if (!c.forbidden.has(error.namespace)) {
          c.forbidden.add(error.namespace);
          this.touchCluster(cluster);
        }
      }
    }, this, scope);
    return this.disposables.add(scope);
  }

  /** Runs `fn` and fires one change event for everything it applied. */
  batch(fn: () => void): void {
    this.depth++;
    try {
      fn();
    } finally {
      this.depth--;
      if (this.depth === 0) this.flush();
    }
  }

  applyAll(cluster: string, events: readonly ClusterWatchEvent[]): void {
    this.batch(() => {
      for (const e of events) this.applyOne(cluster, e);
    });
  }

  apply(cluster: string, event: ClusterWatchEvent): void {
    this.batch(() => this.applyOne(cluster, event));
  }

  setConnection(e: ClusterConnectionEvent): void {
    this.batch(() => {
      const c = this.cluster(e.cluster);
      switch (e.state) {
        case 'connecting':
          c.connection = { phase: 'connecting' };
          break;
        case 'ready':
          c.connection = { phase: 'ready' };
          c.absentKinds = new Set(e.absentKinds);
          c.watchedVersions = { ...e.watchedVersions };
          c.forbidden = new Set(e.forbiddenNamespaces);
          c.lastSeenAt = this.clock.now();
          break;
        case 'unreachable':
          // Keep the apps: the view shows them as the last known state, aged from `since`.
          c.connection = {
            phase: 'unreachable',
            since: c.connection.phase === 'unreachable' ? c.connection.since : this.clock.now(),
            lastError: e.error,
          };
          break;
        case 'stopped':
          c.connection = { phase: 'stopped' };
          for (const key of [...c.entries.keys()]) this.remove(c, key);
          break;
      }
      this.touchCluster(e.cluster);
    });
  }

  /** Totals count only enabled clusters. */
  setEnabled(cluster: string, enabled: boolean): void {
    const c = this.cluster(cluster);
    if (c.enabled === enabled) return;
    c.enabled = enabled;
    this.batch(() => this.touchCluster(cluster));
  }

  // ---- queries -------------------------------------------------------------------------------------

  get(key: AppKey): App | undefined {
    const cluster = keyParts(key).cluster;
    return this.data.get(cluster)?.entries.get(key)?.app;
  }

  resources(key: AppKey): readonly ManagedResource[] {
    return this.get(key)?.resources ?? [];
  }

  /**
   * The Application object as Argo CD's API sent it (read only: never modify it), for what the App
   * model leaves out and the API commands need (issue 16: the sync policy, revisions, the address of an
   * app in Argo CD's API); undefined for everything read through a kubeconfig (the store keeps no objects).
   */
  raw(key: AppKey): unknown {
    // Keys percent-encode the cluster (`argocd%3Aprod/…`): read it back as `get` does.
    const cluster = keyParts(key).cluster;
    return this.data.get(cluster)?.entries.get(key)?.raw;
  }

  /** An Argo CD Application's `metadata.uid`, whichever way it was read. */
  uid(key: AppKey): string | undefined {
    return this.data.get(keyParts(key).cluster)?.entries.get(key)?.uid;
  }

  clusterNames(): string[] {
    return [...this.data.keys()].sort();
  }

  status(cluster: string): ClusterStatus {
    const c = this.data.get(cluster);
    if (c === undefined) {
      return {
        cluster,
        enabled: true,
        connection: { phase: 'idle' },
        forbiddenNamespaces: [],
        absentKinds: [],
        watchedVersions: {},
        absentTools: [],
        lastSeenAt: undefined,
        staleForMs: undefined,
        totals: ZERO,
      };
    }
    const absentTools = (['argocd', 'flux'] as const).filter((tool) =>
      GITOPS_KINDS.filter((k) => k.tool === tool && k.role === 'app').every((k) => c.absentKinds.has(k.kind)),
    );
    return {
      cluster,
      enabled: c.enabled,
      connection: c.connection,
      forbiddenNamespaces: [...c.forbidden].sort(),
      absentKinds: [...c.absentKinds],
      watchedVersions: { ...c.watchedVersions },
      absentTools,
      lastSeenAt: c.lastSeenAt,
      staleForMs:
        c.connection.phase === 'unreachable' ? this.clock.now() - (c.lastSeenAt ?? c.connection.since) : undefined,
      totals: { ...c.totals },
    };
  }

  /** Synced / OutOfSync / Degraded counts of apps (role `app`) over enabled clusters. */
  totals(): Totals {
    const t = { apps: 0, synced: 0, outOfSync: 0, degraded: 0 };
    for (const c of this.data.values()) {
      if (!c.enabled) continue;
      t.apps += c.totals.apps;
      t.synced += c.totals.synced;
      t.outOfSync += c.totals.outOfSync;
      t.degraded += c.totals.degraded;
    }
    return t;
  }

  /** Tools to show under a cluster: those with objects, or whose CRDs are present. */
  tools(cluster: string): Tool[] {
    const c = this.data.get(cluster);
    if (c === undefined) return [];
    const absent = this.status(cluster).absentTools;
    return (['argocd', 'flux'] as const).filter((t) => (c.groups.get(t)?.size ?? 0) > 0 || !absent.includes(t));
  }

  groups(cluster: string, tool: Tool, filter: AppFilter = {}): AppGroup[] {
    const c = this.data.get(cluster);
    const byGroup = c?.groups.get(tool);
    if (c === undefined || byGroup === undefined) return [];
    const out: AppGroup[] = [];
    for (const [name, keys] of byGroup) {
      let count = 0;
      for (const key of keys) if (matches(c.entries.get(key)!.app, filter)) count++;
      if (count > 0) out.push({ name, by: tool === 'argocd' ? 'project' : 'namespace', count });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  apps(cluster: string, tool: Tool, group: string, filter: AppFilter = {}): App[] {
    const c = this.data.get(cluster);
    const keys = c?.groups.get(tool)?.get(group);
    if (c === undefined || keys === undefined) return [];
    const out: App[] = [];
    for (const key of keys) {
      const app = c.entries.get(key)!.app;
      if (matches(app, filter)) out.push(app);
    }
    return out.sort(byKindThenName);
  }

  /** Every app of every cluster (enabled or not) that matches, sorted by key. */
  all(filter: AppFilter = {}): App[] {
    const out: App[] = [];
    for (const c of this.data.values()) for (const e of c.entries.values()) if (matches(e.app, filter)) out.push(e.app);
    return out.sort((a, b) => a.key.localeCompare(b.key));
  }

  /** Flux apps whose sync depends on the source (`Kind/namespace/name` of `key`'s object), by key. */
  dependentsOf(key: AppKey): App[] {
    const source = this.get(key);
    const c = this.data.get(keyParts(key).cluster);
    if (source === undefined || c === undefined) return [];
    const keys = c.dependents.get(`${source.kind}/${source.namespace}/${source.name}`) ?? [];
    return [...keys].map((k) => c.entries.get(k)!.app).sort(byKindThenName);
  }

  /**
   * The Argo CD Application managing this one (app of apps): a parent listing it in its
   * `status.resources`, else the one its tracking annotation or label names (`App.trackedBy`).
   */
  parentOf(key: AppKey): App | undefined {
    const child = this.get(key);
    const c = this.data.get(keyParts(key).cluster);
    if (child === undefined || c === undefined || child.kind !== 'Application') return undefined;
    const listed = [...(c.argoParents.get(`${child.namespace}/${child.name}`) ?? [])].filter((k) => k !== key).sort();
    if (listed.length > 0) return c.entries.get(listed[0]!)?.app;
    const by = child.trackedBy;
    if (by === undefined) return undefined;
    const slash = by.indexOf('/');
    const candidates =
      slash > 0
        ? [appKey(c.name, 'argocd', 'Application', by.slice(0, slash), by.slice(slash + 1))]
        : [
            appKey(c.name, 'argocd', 'Application', child.namespace, by),
            ...[...(c.byKind.get('Application') ?? [])].filter((k) => c.entries.get(k)?.app.name === by).sort(),
          ];
    const parent = candidates.find((k) => k !== key && c.entries.has(k));
    return parent === undefined ? undefined : c.entries.get(parent)!.app;
  }

  /** The Applications whose `parentOf` is this one, sorted by name. */
  childrenOf(key: AppKey): App[] {
    const parent = this.get(key);
    const c = this.data.get(keyParts(key).cluster);
    if (parent === undefined || c === undefined || parent.kind !== 'Application') return [];
    const candidates = new Set<AppKey>();
    for (const r of parent.resources) {
      if (r.group === 'argoproj.io' && r.kind === 'Application') {
        candidates.add(appKey(c.name, 'argocd', 'Application', r.namespace || parent.destination?.namespace || parent.namespace, r.name));
      }
    }
    for (const k of c.tracked.get(parent.name) ?? []) candidates.add(k);
    for (const k of c.tracked.get(`${parent.namespace}/${parent.name}`) ?? []) candidates.add(k);
    const out: App[] = [];
    for (const k of candidates) {
      if (k !== key && c.entries.has(k) && this.parentOf(k)?.key === key) out.push(c.entries.get(k)!.app);
    }
    return out.sort((a, b) => a.name.localeCompare(b.name) || a.namespace.localeCompare(b.namespace));
  }

  /**
   * Flux ImagePolicies whose selected image is `name` (a repository such as `ghcr.io/org/app`, without
   * tag or digest), on one cluster or all: what an image line in a manifest could be updated to.
   */
  policiesForImage(name: string, cluster?: string): App[] {
    const out: App[] = [];
    for (const c of this.data.values()) {
      if (cluster !== undefined && c.name !== cluster) continue;
      for (const k of c.byKind.get('ImagePolicy') ?? []) {
        const app = c.entries.get(k)!.app;
        if (app.image?.kind === 'policy' && app.image.selected?.name === name) out.push(app);
      }
    }
    return out.sort((a, b) => a.key.localeCompare(b.key));
  }

  /** Flux Alerts whose event sources include this object (by kind, namespace, name or `*`, and labels). */
  alertsFor(key: AppKey): App[] {
    return this.notificationsFor(key, 'Alert');
  }

  /** Flux Receivers that make this object reconcile when their webhook is called. */
  receiversFor(key: AppKey): App[] {
    return this.notificationsFor(key, 'Receiver');
  }

  private notificationsFor(key: AppKey, kind: 'Alert' | 'Receiver'): App[] {
    const c = this.data.get(keyParts(key).cluster);
    const target = c?.entries.get(key);
    if (c === undefined || target === undefined || target.app.tool !== 'flux') return [];
    const labels = target.labels ?? {};
    const out: App[] = [];
    for (const k of c.byKind.get(kind) ?? []) {
      const n = c.entries.get(k)!.app;
      const selectors: readonly ObjectSelector[] =
        n.notification?.kind === 'alert' ? n.notification.eventSources : n.notification?.kind === 'receiver' ? n.notification.resources : [];
      if (selectors.some((sel) => selects(sel, target.app, labels, kind === 'Receiver'))) out.push(n);
    }
    return out.sort(byKindThenName);
  }

  dispose(): void {
    this.disposables.dispose();
  }

  // ---- internals -----------------------------------------------------------------------------------

  private cluster(name: string): ClusterData {
    let c = this.data.get(name);
    if (c === undefined) {
      c = {
        name,
        enabled: true,
        connection: { phase: 'idle' },
        forbidden: new Set(),
        absentKinds: new Set(),
        watchedVersions: {},
        lastSeenAt: undefined,
        entries: new Map(),
        byKind: new Map(),
        groups: new Map(),
        dependents: new Map(),
        argoParents: new Map(),
        tracked: new Map(),
        totals: { apps: 0, synced: 0, outOfSync: 0, degraded: 0 },
      };
      this.data.set(name, c);
    }
    return c;
  }

  private applyOne(cluster: string, e: ClusterWatchEvent): void {
    const kind = gitOpsKind(e.kind);
    if (kind === undefined) {
      this.log?.warn(`[AppStore][apply] ${cluster}: ignoring event for unknown kind ${String(e.kind)}`);
      return;
    }
    const c = this.cluster(cluster);
    c.lastSeenAt = this.clock.now();
    if (e.type === 'SYNC') {
      const seen = new Set<AppKey>();
      for (const obj of e.objects) seen.add(this.upsert(c, e.kind, obj));
      for (const key of [...(c.byKind.get(e.kind) ?? [])]) {
        if (!seen.has(key) && (e.namespace === undefined || c.entries.get(key)?.app.namespace === e.namespace)) this.remove(c, key);
      }
    } else if (e.type === 'DELETED') {
      this.remove(c, this.keyOf(c, e.kind, e.object));
    } else {
      this.upsert(c, e.kind, e.object);
    }
  }

  private keyOf(c: ClusterData, kind: GitOpsKindName, obj: unknown): AppKey {
    const meta = isRecord(obj) && isRecord(obj.metadata) ? obj.metadata : {};
    const ns = typeof meta.namespace === 'string' ? meta.namespace : '';
    const name = typeof meta.name === 'string' ? meta.name : '(unnamed)';
    return appKey(c.name, gitOpsKind(kind)!.tool, kind, ns, name);
  }

  /** What the store knows of a source's artifact, for the sync of the Flux apps referencing it. */
  private artifactOf(c: ClusterData, ref: string | undefined): SourceArtifact {
    if (ref === undefined) return { found: false };
    const [kind, ns, name] = ref.split('/');
    const entry = c.entries.get(appKey(c.name, 'flux', kind ?? '', ns ?? '', name ?? ''));
    if (entry === undefined) return { found: false };
    return { found: true, revision: entry.app.fullRevision, message: entry.app.message };
  }

  private map(c: ClusterData, kind: GitOpsKindName, obj: unknown): Mapped {
    if (kind === 'Kustomization' || kind === 'HelmRelease') {
      const reading = kind === 'Kustomization' ? readFluxKustomization(c.name, obj) : readFluxHelmRelease(c.name, obj);
      const artifact = this.artifactOf(c, reading.sourceRef);
      return { app: reading.withSource(artifact), reading, artifact };
    }
    return { app: this.mapOther(c, kind, obj) };
  }

  private mapOther(c: ClusterData, kind: Exclude<GitOpsKindName, 'Kustomization' | 'HelmRelease'>, obj: unknown): App {
    switch (kind) {
      case 'Application':
        return mapArgoApplication(c.name, obj);
      case 'ApplicationSet':
        return mapArgoApplicationSet(c.name, obj);
      case 'AppProject':
        return mapArgoAppProject(c.name, obj);
      case 'ImageRepository':
        return mapFluxImageRepository(c.name, obj);
      case 'ImagePolicy':
        return mapFluxImagePolicy(c.name, obj);
      case 'ImageUpdateAutomation':
        return mapFluxImageUpdateAutomation(c.name, obj);
      case 'Alert':
        return mapFluxAlert(c.name, obj);
      case 'Provider':
        return mapFluxProvider(c.name, obj);
      case 'Receiver':
        return mapFluxReceiver(c.name, obj);
      case 'GitRepository':
      case 'OCIRepository':
      case 'HelmRepository':
      case 'Bucket':
      case 'HelmChart':
      case 'ExternalArtifact':
        return mapFluxSource(c.name, kind, obj);
    }
  }

  /**
   * Maps an object once per change: an object at the resourceVersion already mapped (a relist, a
   * resent watch event) is not read again; the API server gives every write a new resourceVersion
   * (https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions).
   */
  private upsert(c: ClusterData, kind: GitOpsKindName, obj: unknown): AppKey {
    const meta = isRecord(obj) && isRecord(obj.metadata) ? obj.metadata : {};
    const rv = typeof meta.resourceVersion === 'string' && meta.resourceVersion !== '' ? meta.resourceVersion : undefined;
    if (rv !== undefined) {
      const key = this.keyOf(c, kind, obj);
      if (c.entries.get(key)?.rv === rv) return key;
    }
    const { app, reading, artifact } = this.map(c, kind, obj);
    if (app.problems.length > 0) this.log?.debug(`[AppStore][apply] ${app.key}: ${app.problems.join('; ')}`);
    const argoApp = kind === 'Application';
    this.put(c, app, {
      rv,
      reading,
      artifact,
      labels: app.tool === 'flux' ? stringLabels(meta.labels) : undefined,
      uid: argoApp && typeof meta.uid === 'string' && meta.uid !== '' ? meta.uid : undefined,
      raw: argoApp && c.name.startsWith(API_CLUSTER_PREFIX) ? obj : undefined,
    });
    return app.key;
  }

  private put(c: ClusterData, app: App, kept: Pick<Entry, 'rv' | 'reading' | 'artifact' | 'labels' | 'uid' | 'raw'>): void {
    const prev = c.entries.get(app.key);
    if (prev !== undefined && jsonEqual(prev.app, app)) {
      Object.assign(prev, kept);
      return;
    }
    const sourceRef = app.tool === 'flux' && app.role === 'app' ? app.sources[0]?.ref : undefined;
    const group = app.project ?? app.namespace;
    if (prev !== undefined) {
      this.count(c, prev.app, -1);
      this.linkArgo(c, prev.app, false);
      if (prev.sourceRef !== sourceRef) this.unlinkSource(c, prev.sourceRef, app.key);
      if (prev.group !== group) this.ungroup(c, app.tool, prev.group, app.key);
      this.transitions(prev.app, app);
    } else {
      let kindKeys = c.byKind.get(app.kind);
      if (kindKeys === undefined) c.byKind.set(app.kind, (kindKeys = new Set()));
      kindKeys.add(app.key);
    }
    c.entries.set(app.key, { app, ...kept, sourceRef, group });
    this.count(c, app, +1);
    this.linkArgo(c, app, true);
    if (sourceRef !== undefined) {
      let deps = c.dependents.get(sourceRef);
      if (deps === undefined) c.dependents.set(sourceRef, (deps = new Set()));
      deps.add(app.key);
    }
    let groups = c.groups.get(app.tool);
    if (groups === undefined) c.groups.set(app.tool, (groups = new Map()));
    let keys = groups.get(group);
    if (keys === undefined) groups.set(group, (keys = new Set()));
    keys.add(app.key);
    this.mark(app.key, prev === undefined ? 'added' : 'updated');
    if (app.role === 'source') this.relinkDependents(c, app);
  }

  private remove(c: ClusterData, key: AppKey): void {
    const prev = c.entries.get(key);
    if (prev === undefined) return;
    c.entries.delete(key);
    c.byKind.get(prev.app.kind)?.delete(key);
    this.count(c, prev.app, -1);
    this.linkArgo(c, prev.app, false);
    this.unlinkSource(c, prev.sourceRef, key);
    this.ungroup(c, prev.app.tool, prev.group, key);
    this.mark(key, 'removed');
    if (prev.app.role === 'source') this.relinkDependents(c, prev.app);
  }

  /**
   * A source changed: the Flux apps referencing it get their sync computed again from what was read
   * of them, and only those whose artifact (revision, message) changed (a GitRepository arriving
   * after its Kustomizations, a new revision). Their objects are not read again.
   */
  private relinkDependents(c: ClusterData, source: App): void {
    const ref = `${source.kind}/${source.namespace}/${source.name}`;
    const deps = c.dependents.get(ref);
    if (deps === undefined) return;
    const artifact = this.artifactOf(c, ref);
    for (const key of [...deps]) {
      const e = c.entries.get(key);
      if (e?.reading === undefined || sameArtifact(e.artifact, artifact)) continue;
      this.put(c, e.reading.withSource(artifact), { rv: e.rv, reading: e.reading, artifact, labels: e.labels, uid: e.uid, raw: e.raw });
    }
  }

  /** App of apps: index an Argo CD Application's child Applications and the parent it names. */
  private linkArgo(c: ClusterData, app: App, add: boolean): void {
    if (app.kind !== 'Application') return;
    for (const r of app.resources) {
      if (r.group !== 'argoproj.io' || r.kind !== 'Application') continue;
      indexSet(c.argoParents, `${r.namespace || app.destination?.namespace || app.namespace}/${r.name}`, app.key, add);
    }
    if (app.trackedBy !== undefined) indexSet(c.tracked, app.trackedBy, app.key, add);
  }

  private unlinkSource(c: ClusterData, ref: string | undefined, key: AppKey): void {
    if (ref === undefined) return;
    const deps = c.dependents.get(ref);
    deps?.delete(key);
    if (deps?.size === 0) c.dependents.delete(ref);
  }

  private ungroup(c: ClusterData, tool: Tool, group: string, key: AppKey): void {
    const groups = c.groups.get(tool);
    const keys = groups?.get(group);
    keys?.delete(key);
    if (keys?.size === 0) groups!.delete(group);
    if (groups?.size === 0) c.groups.delete(tool);
  }

  private count(c: ClusterData, app: App, d: 1 | -1): void {
    countApp(c.totals, app, d);
  }

  private transitions(prev: App, next: App): void {
    if (next.role !== 'app') return;
    const previous = { sync: prev.sync.status, health: prev.health.status };
    if (prev.sync.status !== 'OutOfSync' && next.sync.status === 'OutOfSync') {
      this.pendingTransitions.push({ kind: 'outOfSync', key: next.key, app: next, previous });
    }
    if (prev.health.status !== 'Degraded' && next.health.status === 'Degraded') {
      this.pendingTransitions.push({ kind: 'degraded', key: next.key, app: next, previous });
    }
  }

  private mark(key: AppKey, op: Op): void {
    const before = this.pending.get(key);
    if (before === undefined) this.pending.set(key, op);
    else if (before === 'added' && op === 'removed') this.pending.delete(key);
    else if (before === 'added') this.pending.set(key, 'added');
    else if (before === 'removed' && op === 'added') this.pending.set(key, 'updated');
    else this.pending.set(key, op);
  }

  private touchCluster(cluster: string): void {
    this.pendingClusters.add(cluster);
  }

  private flush(): void {
    const pending = this.pending;
    const clusters = this.pendingClusters;
    const transitions = this.pendingTransitions;
    this.pending = new Map();
    this.pendingClusters = new Set();
    this.pendingTransitions = [];
    if (pending.size > 0 || clusters.size > 0) {
      const change = { added: [] as AppKey[], updated: [] as AppKey[], removed: [] as AppKey[], clusters: [...clusters] };
      for (const [key, op] of pending) change[op].push(key);
      this._onDidChange.fire(change);
    }
    // A transition undone within the same batch (OutOfSync then Synced again) is still reported only
    // if the app ends in that state.
    const live = transitions.filter((t) => {
      const now = this.get(t.key);
      return now !== undefined && (t.kind === 'outOfSync' ? now.sync.status === 'OutOfSync' : now.health.status === 'Degraded');
    });
    if (live.length > 0) this._onDidTransition.fire(live);
  }
}

function sameArtifact(a: SourceArtifact | undefined, b: SourceArtifact): boolean {
  if (a === undefined || a.found !== b.found) return false;
  return !a.found || !b.found || (a.revision === b.revision && a.message === b.message);
}

/** The string labels of `metadata.labels`, or undefined when there are none. */
function stringLabels(v: unknown): Readonly<Record<string, string>> | undefined {
  if (!isRecord(v)) return undefined;
  let out: Record<string, string> | undefined;
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') (out ??= {})[k] = x;
  return out;
}

function indexSet(index: Map<string, Set<AppKey>>, key: string, value: AppKey, add: boolean): void {
  let set = index.get(key);
  if (add) {
    if (set === undefined) index.set(key, (set = new Set()));
    set.add(value);
  } else if (set !== undefined) {
    set.delete(value);
    if (set.size === 0) index.delete(key);
  }
}

/**
 * Whether a Flux Alert event source or Receiver resource selects an object: same kind and namespace,
 * the name or `*`, and every `matchLabels` entry among its labels (notification-controller
 * internal/server/event_handlers.go `eventMatchesAlertSource`). A Receiver's `*` needs matchLabels
 * (receiver_handlers.go `notifyDynamicResources` refuses it otherwise).
 */
function selects(sel: ObjectSelector, app: App, labels: Record<string, unknown>, receiver: boolean): boolean {
  if (sel.kind !== app.kind || sel.namespace !== app.namespace) return false;
  if (sel.name !== '*' && sel.name !== app.name) return false;
  if (receiver && sel.name === '*' && sel.matchLabels === undefined) return false;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  return true;
}

function matches(app: App, filter: AppFilter): boolean {
  if (filter.only === 'outOfSync' && app.sync.status !== 'OutOfSync') return false;
  if (filter.only === 'unhealthy' && (app.health.status === 'Healthy' || app.health.status === 'Suspended')) return false;
  const text = filter.text?.trim().toLowerCase();
  if (text) {
    const hay = `${app.name}\n${app.namespace}\n${app.project ?? ''}\n${app.kind}`.toLowerCase();
    if (!hay.includes(text)) return false;
  }
  return true;
}

function byKindThenName(a: App, b: App): number {
  return a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind.localeCompare(b.kind);
}
