/**
 * The public API other extensions get from `getAPI(1)`: a versioned facade, never the internal
 * objects (STYLE.md rule 12). Version 1 exposes the clusters GitOps Lens knows.
 */
import type { Event } from '../core/lifecycle';
import type { ClusterStore } from '../core/store/clusterStore';

export interface ClusterInfoV1 {
  readonly name: string;
  readonly server: string | undefined;
  readonly enabled: boolean;
  readonly isCurrent: boolean;
}

export interface GitOpsLensApiV1 {
  readonly version: 1;
  /** Milliseconds from the first line of the bundle running to `activate` returning. */
  readonly activationMillis: number;
  /** Resolves once the kubeconfig files have been read the first time. */
  ready(): Promise<void>;
  clusters(): readonly ClusterInfoV1[];
  readonly onDidChangeClusters: Event<void>;
}

export interface GitOpsLensExtensionExports {
  getAPI(version: 1): GitOpsLensApiV1;
}

export function createApi(
  store: ClusterStore,
  firstLoad: Promise<unknown>,
  activationMillis: () => number,
): GitOpsLensExtensionExports {
  const v1: GitOpsLensApiV1 = {
    version: 1,
    get activationMillis() {
      return activationMillis();
    },
    ready: () => firstLoad.then(() => undefined),
    clusters: () =>
      store.snapshot.clusters.map((c) => ({ name: c.name, server: c.server, enabled: c.enabled, isCurrent: c.isCurrent })),
    onDidChangeClusters: (listener, thisArgs, disposables) =>
      store.onDidChange(() => listener.call(thisArgs, undefined), undefined, disposables),
  };
  return {
    getAPI(version: 1): GitOpsLensApiV1 {
      if (version !== 1) throw new Error(`GitOps Lens API version ${String(version)} is not supported; use 1.`);
      return v1;
    },
  };
}
