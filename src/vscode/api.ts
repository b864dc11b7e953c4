/**
 * The public API other extensions get from `getAPI(1)`: a versioned facade, never the internal
 * objects (STYLE.md rule 12). Version 1 exposes the clusters GitOps Lens knows and their apps; hooks
 * for our own in-host tests are a separate, internal object (testApi.ts).
 */
import type { Event } from '../core/lifecycle';
import type { App, HealthStatus, SyncStatus, Tool } from '../core/model/app';
import type { AppStore, Totals } from '../core/store/appStore';
import type { ClusterStore } from '../core/store/clusterStore';
import type { GitOpsLensTestApi } from './testApi';

/** A kubeconfig context as other extensions see it. @public */
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

/** A cluster's connection as other extensions see it. @public */
export interface ClusterStateV1 {
  readonly cluster: string;
  readonly connection: 'idle' | 'connecting' | 'ready' | 'unreachable' | 'stopped';
  readonly forbiddenNamespaces: readonly string[];
  readonly absentTools: readonly Tool[];
}

export interface GitOpsLensApiV1 {
  readonly version: 1;
  /** Milliseconds from the first line of the bundle running to `activate` returning. */
  readonly activationMillis: number;
  /**
   * Resolves once the kubeconfig files have been read the first time; reads them now if nothing needed
   * the clusters yet (they are read on first need, not at activation).
   */
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
  /**
   * Internal, unversioned hooks for GitOps Lens's own in-host tests (src/vscode/testApi.ts); present
   * only when VS Code runs the extension for tests (`ExtensionMode.Test`). Not for other extensions.
   */
  getTestApi?(): GitOpsLensTestApi;
}

export function createApi(
  store: ClusterStore,
  apps: AppStore,
  /** Reads the kubeconfig files the first time it is called; the same promise afterwards. */
  firstLoad: () => Promise<unknown>,
  activationMillis: () => number,
  testApi?: GitOpsLensTestApi,
): GitOpsLensExtensionExports {
  const v1: GitOpsLensApiV1 = {
    version: 1,
    get activationMillis() {
      return activationMillis();
    },
    ready: () => firstLoad().then(() => undefined),
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
    ...(testApi ? { getTestApi: () => testApi } : {}),
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
