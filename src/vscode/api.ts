/**
 * The public API other extensions get from `getAPI(1)`: a versioned facade, never the internal
 * objects (STYLE.md rule 12). Version 1 exposes the clusters GitOps Lens knows.
 */
import type { Event } from '../core/lifecycle';
import type { App, HealthStatus, SyncStatus, Tool } from '../core/model/app';
import type { AppStore, Totals } from '../core/store/appStore';
import type { ClusterStore } from '../core/store/clusterStore';

export interface ClusterInfoV1 {
  readonly name: string;
  readonly server: string | undefined;
  readonly enabled: boolean;
  readonly isCurrent: boolean;
}

/** One GitOps object as other extensions see it; a copy, never the store's own value. */
export interface AppInfoV1 {
  /** Stable identity: `cluster/tool/kind/namespace/name`. */
  readonly key: string;
  readonly cluster: string;
  readonly tool: Tool;
  readonly kind: string;
  readonly role: App['role'];
  readonly namespace: string;
  readonly name: string;
  readonly project: string | undefined;
  readonly sync: SyncStatus;
  readonly health: HealthStatus;
  readonly suspended: boolean;
  readonly revision: string | undefined;
  readonly message: string | undefined;
}

export interface ClusterStateV1 {
  readonly cluster: string;
  readonly connection: 'idle' | 'connecting' | 'ready' | 'unreachable' | 'stopped';
  readonly forbiddenNamespaces: readonly string[];
  readonly absentTools: readonly Tool[];
}

/** One managed resource's health as computed from its live object (Argo CD 3.x apps). */
export interface ResourceHealthInfoV1 {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** 'loading' until the first GET answered; 'none' for kinds Argo CD has no health check for. */
  readonly health: HealthStatus | 'loading' | 'none' | 'unavailable';
  readonly message: string | undefined;
}

/** Per-resource health of Argo CD 3.x apps and revealing apps; part of API version 1. */
export interface ResourceHealthApiV1 {
  /**
   * Health per managed resource of an Argo CD 3.x Application, computed from the live objects once the
   * app was expanded in the Applications view; undefined for other apps and unknown keys.
   */
  resourceHealth(key: string): readonly ResourceHealthInfoV1[] | undefined;
  /** Reveals the app in the Applications view and expands it, as a user click would. */
  revealApp(key: string, options?: { readonly expand?: boolean }): Promise<void>;
}

/** A tree item as the Applications view shows it, read back for tests (issue 6: an app's Pull Requests node). */
export interface TreeItemInfoV1 {
  readonly id: string | undefined;
  readonly label: string;
  readonly description: string | undefined;
  /** The tooltip text (a Markdown tooltip's source). */
  readonly tooltip: string | undefined;
  readonly contextValue: string | undefined;
  /** The command a click runs. */
  readonly command: string | undefined;
}

/** Reading the Applications view back; part of API version 1. */
export interface TreeChildrenApiV1 {
  /**
   * The children of the app's node in the Applications view, as the tree provider builds them
   * (getChildren, then getTreeItem for each), or of the descendant reached by following `path` (child
   * labels, e.g. `['Pull Requests']`). Building children is what expanding or refreshing that node in
   * the view does. undefined when the app is not listed or a label in `path` is not found.
   */
  treeChildren(key: string, path?: readonly string[]): readonly TreeItemInfoV1[] | undefined;
}

export interface GitOpsLensApiV1 extends ResourceHealthApiV1, TreeChildrenApiV1 {
  readonly version: 1;
  /** Milliseconds from the first line of the bundle running to `activate` returning. */
  readonly activationMillis: number;
  /** Resolves once the kubeconfig files have been read the first time. */
  ready(): Promise<void>;
  clusters(): readonly ClusterInfoV1[];
  readonly onDidChangeClusters: Event<void>;
  /** Every app, Flux source, ApplicationSet and AppProject known, sorted by key. */
  apps(): readonly AppInfoV1[];
  /** Fires after the apps or a cluster's connection state changed; read `apps()` again. */
  readonly onDidChangeApps: Event<void>;
  /** Connection state per cluster GitOps Lens has tried to reach. */
  clusterStates(): readonly ClusterStateV1[];
  /** Synced / out of sync / degraded counts over enabled clusters, as the status bar shows them. */
  totals(): Totals;
}

export interface GitOpsLensExtensionExports {
  getAPI(version: 1): GitOpsLensApiV1;
}

export function createApi(
  store: ClusterStore,
  apps: AppStore,
  firstLoad: Promise<unknown>,
  activationMillis: () => number,
  resourceHealth: ResourceHealthApiV1 & TreeChildrenApiV1,
): GitOpsLensExtensionExports {
  const v1: GitOpsLensApiV1 = {
    version: 1,
    resourceHealth: (key) => resourceHealth.resourceHealth(key),
    revealApp: (key, options) => resourceHealth.revealApp(key, options),
    treeChildren: (key, path) => resourceHealth.treeChildren(key, path),
    get activationMillis() {
      return activationMillis();
    },
    ready: () => firstLoad.then(() => undefined),
    clusters: () =>
      store.snapshot.clusters.map((c) => ({ name: c.name, server: c.server, enabled: c.enabled, isCurrent: c.isCurrent })),
    onDidChangeClusters: (listener, thisArgs, disposables) =>
      store.onDidChange(() => listener.call(thisArgs, undefined), undefined, disposables),
    apps: () => apps.all().map(toAppInfo),
    onDidChangeApps: (listener, thisArgs, disposables) =>
      apps.onDidChange(() => listener.call(thisArgs, undefined), undefined, disposables),
    clusterStates: () =>
      apps.clusterNames().map((c) => {
        const s = apps.status(c);
        return { cluster: c, connection: s.connection.phase, forbiddenNamespaces: s.forbiddenNamespaces, absentTools: s.absentTools };
      }),
    totals: () => apps.totals(),
  };
  return {
    getAPI(version: 1): GitOpsLensApiV1 {
      if (version !== 1) throw new Error(`GitOps Lens API version ${String(version)} is not supported; use 1.`);
      return v1;
    },
  };
}

function toAppInfo(a: App): AppInfoV1 {
  return {
    key: a.key,
    cluster: a.cluster,
    tool: a.tool,
    kind: a.kind,
    role: a.role,
    namespace: a.namespace,
    name: a.name,
    project: a.project,
    sync: a.sync.status,
    health: a.health.status,
    suspended: a.suspended,
    revision: a.revision,
    message: a.message,
  };
}
