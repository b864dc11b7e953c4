/**
 * Interfaces the outside world implements. Core code depends only on these; `src/infra` provides
 * Node implementations and tests provide fakes (STYLE.md rule 14).
 */
import type { Disposable, Event } from './lifecycle';
import type { GitOpsKindName } from './model/app';

/**
 * Log sink. Callers prefix lines with `[Component][method]`; implementations must never be handed a
 * token or Secret value (STYLE.md rule 11), and `redact` is applied on the way in as a safety net.
 */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, err?: unknown): void;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): { dispose(): void };
}

/** The settings the core reads, as one immutable value (STYLE.md rule 10). */
export interface ConfigSnapshot {
  /** Extra kubeconfig files from the `gitopsLens.kubeconfig` setting, already expanded. */
  readonly kubeconfigPaths: readonly string[];
  readonly disabledContexts: readonly string[];
}

/** A kubeconfig file as read from disk; `text` is undefined when the file does not exist. */
export interface KubeconfigFile {
  readonly path: string;
  readonly text: string | undefined;
  /** Why `text` is undefined when the file exists but could not be read (an errno code such as EACCES). */
  readonly problem?: string;
}

/** Supplies the kubeconfig files to merge and tells when any of them changes. */
export interface KubeconfigSource {
  read(): Promise<readonly KubeconfigFile[]>;
  readonly onDidChange: Event<void>;
}

// ---------------------------------------------------------------------------------------------------
// Live objects: one reference type and one reader for every GET of a single object (drift lenses and
// CLI, Show Live YAML, PR impact, resource health).

/** One live object by reference: what a GET of it needs. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  /** '' for cluster-scoped objects (and for "the context's namespace"). */
  readonly namespace: string;
  readonly name: string;
}

/**
 * Reads one object as the API server returns it now. Rejects with an error carrying a `K8sErrorCode`
 * (src/infra/k8s/errors.ts `K8sRequestError`; read it with core/kube/k8sFailure `liveReadFailure`), or
 * with the reference/answer checks of core/kube/names and core/drift/liveAnswer.
 */
export interface LiveObjectReader {
  get(cluster: string, ref: ObjectRef): Promise<unknown>;
}

/**
 * A change of one watched live object (issue 15: lenses follow the live objects themselves).
 * `changed` carries the object as the API server sent it (a watch ADDED/MODIFIED event, or the object
 * a relist found); `deleted` says it is gone (DELETED, or absent from a relist); `failed` says the
 * watch broke (the watcher retries with capped backoff and reports the state again when it is back).
 */
export type LiveObjectEvent =
  | { readonly type: 'changed'; readonly object: unknown }
  | { readonly type: 'deleted' }
  | { readonly type: 'failed'; readonly error: unknown };

/**
 * Watches single live objects: one `watch` of the object's collection with
 * `fieldSelector=metadata.name=<name>` per call, ended by disposing the returned handle. The caller
 * shares one call among everyone interested in the object and bounds how many are open.
 */
export interface LiveObjectWatcher {
  watch(cluster: string, ref: ObjectRef, onEvent: (e: LiveObjectEvent) => void): Disposable;
}

// ---------------------------------------------------------------------------------------------------
// ClusterSource: live GitOps objects from the clusters (implemented by the informer pool in src/infra).

/**
 * Kubernetes API failures as codes, decided where the error enters (STYLE.md rule 8), from the HTTP
 * status of the API server's `Status` response: 401 Unauthorized, 403 Forbidden, 404 NotFound
 * (the CRD is not served), 410 Gone (watch resourceVersion expired: relist), and transport failures.
 * Three arise before or beside the server's answer: `KubeconfigInvalid` (the context cannot be used
 * as the kubeconfig stands: a missing entry, an unreadable certificate file), `CredentialsFailed` (an
 * exec credential plugin or token file did not deliver), `TooLarge` (a response or watch event over
 * the configured size limit).
 */
export type K8sErrorCode =
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'Gone'
  | 'Unreachable'
  | 'Timeout'
  | 'KubeconfigInvalid'
  | 'CredentialsFailed'
  | 'TooLarge'
  | 'Unknown';

export type K8sError =
  | { readonly code: Exclude<K8sErrorCode, 'Forbidden'>; readonly message: string }
  /** `namespace` is set when RBAC denied one namespace only (a namespaced list), undefined for cluster-wide. */
  | {
      readonly code: 'Forbidden';
      readonly message: string;
      readonly namespace: string | undefined;
      /** The permission denied, in words (`"get" on applications "default/guestbook"`), when the server named it (Argo CD RBAC). */
      readonly missing?: string;
    };

/**
 * One watch event for one kind. ADDED/MODIFIED/DELETED carry the object as the API sent it (JSON, not
 * validated: mappers are total). SYNC carries the kind's complete list after a (re)list and replaces
 * everything known for that kind (or, with `namespace`, for that kind in that namespace: the relist of
 * a namespaced list), so objects deleted while the watch was down disappear.
 */
export type ClusterWatchEvent =
  | { readonly type: 'ADDED' | 'MODIFIED' | 'DELETED'; readonly kind: GitOpsKindName; readonly object: unknown }
  | { readonly type: 'SYNC'; readonly kind: GitOpsKindName; readonly objects: readonly unknown[]; readonly namespace?: string };

/** Connection state of one cluster, as the informer pool sees it. */
export type ClusterConnectionEvent =
  | { readonly cluster: string; readonly state: 'connecting' }
  /**
   * Lists succeeded. `absentKinds`: kinds whose CRD the cluster does not serve (404 on discovery/list);
   * `forbiddenNamespaces`: namespaces RBAC hid from us (cluster-wide lists fall back to per-namespace).
   */
  | {
      readonly cluster: string;
      readonly state: 'ready';
      readonly absentKinds: readonly GitOpsKindName[];
      readonly forbiddenNamespaces: readonly string[];
      /** The version each watched kind is listed at (the newest the cluster serves, model/app.ts GITOPS_KINDS). */
      readonly watchedVersions?: Readonly<Partial<Record<GitOpsKindName, string>>>;
    }
  /** Every watch of the cluster failed; the pool retries with capped backoff on the injected Clock. */
  | { readonly cluster: string; readonly state: 'unreachable'; readonly error: K8sError }
  /** `stop(cluster)` was called or the context was disabled. */
  | { readonly cluster: string; readonly state: 'stopped' };

export interface ClusterSource {
  /** Starts one list+watch per kind of GITOPS_KINDS the cluster (kubeconfig context) serves. Idempotent. */
  start(cluster: string): void;
  /** Stops every watch of the cluster and fires a `stopped` connection event. Idempotent. */
  stop(cluster: string): void;
  /** Watch events, delivered in order per kind; one firing may carry many events (a relist). */
  readonly onDidReceiveEvents: Event<{ readonly cluster: string; readonly events: readonly ClusterWatchEvent[] }>;
  readonly onDidChangeConnection: Event<ClusterConnectionEvent>;
  /** Errors that do not change the connection state (one kind failing, a 410 before relist), for the log. */
  readonly onDidError: Event<{ readonly cluster: string; readonly kind: GitOpsKindName | undefined; readonly error: K8sError }>;
}
