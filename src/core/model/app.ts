import { isRecord } from '../json';
/**
 * One status shape for Argo CD and Flux objects, so the tree, totals and notifications never branch on
 * the tool. Mappers in src/core/argocd and src/core/flux build these values; AppStore keeps them.
 */

export type Tool = 'argocd' | 'flux';

/**
 * What an object is to the views: `app` objects deploy things (Application, Kustomization, HelmRelease)
 * and count in totals; `source` objects produce what Flux apps and automations consume (artifacts,
 * image tags); `automation` objects change Git (ImageUpdateAutomation); `notification` objects send or
 * receive events (Alert, Provider, Receiver); `generator` and `project` are Argo CD's ApplicationSet and
 * AppProject.
 */
type KindRole = 'app' | 'source' | 'automation' | 'notification' | 'generator' | 'project';

export type GitOpsKindName =
  | 'Application'
  | 'ApplicationSet'
  | 'AppProject'
  | 'Kustomization'
  | 'HelmRelease'
  | 'GitRepository'
  | 'OCIRepository'
  | 'HelmRepository'
  | 'Bucket'
  | 'HelmChart'
  | 'ExternalArtifact'
  | 'ImageRepository'
  | 'ImagePolicy'
  | 'ImageUpdateAutomation'
  | 'Alert'
  | 'Provider'
  | 'Receiver';

export interface GitOpsKind {
  readonly kind: GitOpsKindName;
  readonly group: string;
  /**
   * Every version of the kind that Flux 2.0 and later or Argo CD 2.4 and later served, newest first.
   * Discovery watches the first one the cluster serves (`chooseServedVersion`); the object's own
   * `apiVersion` is on the App (`App.apiVersion`).
   */
  readonly versions: readonly string[];
  /**
   * The newest version (`versions[0]`). A cluster may serve only an older one: to read or patch an
   * object, use its `App.apiVersion` (the version it was watched at), not this.
   */
  readonly version: string;
  /** Plural resource name as in the API path, for list+watch. */
  readonly plural: string;
  readonly tool: Tool;
  readonly role: KindRole;
}

const kind = (k: Omit<GitOpsKind, 'version'>): GitOpsKind => ({ ...k, version: k.versions[0]! });

/**
 * Every kind GitOps Lens watches, with every version a released controller served (read from the CRDs of
 * each controller release that flux2 `manifests/bases/<controller>/kustomization.yaml` pins for Flux
 * v2.0.0 … v2.9.0, `config/crd/bases/*.yaml`, and argo-cd `manifests/crds`):
 *
 * - source.toolkit: GitRepository v1 (2.0+), v1beta2, v1beta1 (to 2.6); HelmRepository, HelmChart v1
 *   (2.3+), Bucket v1 (2.4+), OCIRepository v1 (2.6+), else v1beta2; ExternalArtifact v1 (2.7+).
 * - kustomize.toolkit: Kustomization v1 (2.0+), v1beta2, v1beta1 (to 2.6).
 * - helm.toolkit: HelmRelease v2 (2.3+), v2beta2 (2.2 to 2.7), v2beta1 (to 2.6).
 * - image.toolkit: ImageRepository, ImagePolicy v1 (2.7+), v1beta2, v1beta1 (to 2.6);
 *   ImageUpdateAutomation v1 (2.7+), v1beta2 (2.3 to 2.7), v1beta1 (to 2.6).
 * - notification.toolkit: Alert, Provider v1beta3 (2.2+; there is no v1), v1beta2, v1beta1 (to 2.6);
 *   Receiver v1 (2.0+), v1beta2, v1beta1 (to 2.6).
 * - argoproj.io: v1alpha1 only, in every Argo CD release.
 *
 * HelmChart is needed although nobody writes one: a HelmRelease's desired revision is the
 * `status.artifact.revision` of the HelmChart the helm-controller creates for it (`status.helmChart`).
 */
export const GITOPS_KINDS: readonly GitOpsKind[] = [
  kind({ kind: 'Application', group: 'argoproj.io', versions: ['v1alpha1'], plural: 'applications', tool: 'argocd', role: 'app' }),
  kind({ kind: 'ApplicationSet', group: 'argoproj.io', versions: ['v1alpha1'], plural: 'applicationsets', tool: 'argocd', role: 'generator' }),
  kind({ kind: 'AppProject', group: 'argoproj.io', versions: ['v1alpha1'], plural: 'appprojects', tool: 'argocd', role: 'project' }),
  kind({ kind: 'Kustomization', group: 'kustomize.toolkit.fluxcd.io', versions: ['v1', 'v1beta2', 'v1beta1'], plural: 'kustomizations', tool: 'flux', role: 'app' }),
  kind({ kind: 'HelmRelease', group: 'helm.toolkit.fluxcd.io', versions: ['v2', 'v2beta2', 'v2beta1'], plural: 'helmreleases', tool: 'flux', role: 'app' }),
  kind({ kind: 'GitRepository', group: 'source.toolkit.fluxcd.io', versions: ['v1', 'v1beta2', 'v1beta1'], plural: 'gitrepositories', tool: 'flux', role: 'source' }),
  kind({ kind: 'OCIRepository', group: 'source.toolkit.fluxcd.io', versions: ['v1', 'v1beta2'], plural: 'ocirepositories', tool: 'flux', role: 'source' }),
  kind({ kind: 'HelmRepository', group: 'source.toolkit.fluxcd.io', versions: ['v1', 'v1beta2', 'v1beta1'], plural: 'helmrepositories', tool: 'flux', role: 'source' }),
  kind({ kind: 'Bucket', group: 'source.toolkit.fluxcd.io', versions: ['v1', 'v1beta2', 'v1beta1'], plural: 'buckets', tool: 'flux', role: 'source' }),
  kind({ kind: 'HelmChart', group: 'source.toolkit.fluxcd.io', versions: ['v1', 'v1beta2', 'v1beta1'], plural: 'helmcharts', tool: 'flux', role: 'source' }),
  kind({ kind: 'ExternalArtifact', group: 'source.toolkit.fluxcd.io', versions: ['v1'], plural: 'externalartifacts', tool: 'flux', role: 'source' }),
  kind({ kind: 'ImageRepository', group: 'image.toolkit.fluxcd.io', versions: ['v1', 'v1beta2', 'v1beta1'], plural: 'imagerepositories', tool: 'flux', role: 'source' }),
  kind({ kind: 'ImagePolicy', group: 'image.toolkit.fluxcd.io', versions: ['v1', 'v1beta2', 'v1beta1'], plural: 'imagepolicies', tool: 'flux', role: 'source' }),
  kind({ kind: 'ImageUpdateAutomation', group: 'image.toolkit.fluxcd.io', versions: ['v1', 'v1beta2', 'v1beta1'], plural: 'imageupdateautomations', tool: 'flux', role: 'automation' }),
  kind({ kind: 'Alert', group: 'notification.toolkit.fluxcd.io', versions: ['v1beta3', 'v1beta2', 'v1beta1'], plural: 'alerts', tool: 'flux', role: 'notification' }),
  kind({ kind: 'Provider', group: 'notification.toolkit.fluxcd.io', versions: ['v1beta3', 'v1beta2', 'v1beta1'], plural: 'providers', tool: 'flux', role: 'notification' }),
  kind({ kind: 'Receiver', group: 'notification.toolkit.fluxcd.io', versions: ['v1', 'v1beta2', 'v1beta1'], plural: 'receivers', tool: 'flux', role: 'notification' }),
];

const KIND_BY_NAME = new Map<string, GitOpsKind>(GITOPS_KINDS.map((k) => [k.kind, k]));

export function gitOpsKind(name: string): GitOpsKind | undefined {
  return KIND_BY_NAME.get(name);
}

/**
 * The version of `kind` to watch: the newest of its versions the cluster serves, as the controllers'
 * own clients would pick it. `served(groupVersion, plural)` answers from discovery.
 */
export function chooseServedVersion(kind: GitOpsKind, served: (groupVersion: string, plural: string) => boolean): string | undefined {
  return kind.versions.find((v) => served(`${kind.group}/${v}`, kind.plural));
}

/** A watched kind at the version chosen for one cluster. */
export interface WatchedKind {
  readonly kind: GitOpsKind;
  readonly version: string;
}

/** Every kind the cluster serves at some known version (`chooseServedVersion`), and the kinds it does not. */
export function watchedKinds(served: (groupVersion: string, plural: string) => boolean): { readonly watched: WatchedKind[]; readonly absent: GitOpsKindName[] } {
  const watched: WatchedKind[] = [];
  const absent: GitOpsKindName[] = [];
  for (const k of GITOPS_KINDS) {
    const version = chooseServedVersion(k, served);
    if (version === undefined) absent.push(k.kind);
    else watched.push({ kind: k, version });
  }
  return { watched, absent };
}

export type SyncStatus = 'Synced' | 'OutOfSync' | 'Unknown';
export type HealthStatus = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';

export const HEALTH_STATUSES: readonly HealthStatus[] = ['Healthy', 'Progressing', 'Degraded', 'Suspended', 'Missing', 'Unknown'];

/** Sync state; anything but Synced says why, so the view never shows a bare "Unknown". */
export type SyncState =
  | { readonly status: 'Synced'; readonly reason?: string }
  | { readonly status: 'OutOfSync'; readonly reason: string }
  | { readonly status: 'Unknown'; readonly reason: string };

export type HealthState =
  | { readonly status: 'Healthy'; readonly message?: string }
  | { readonly status: Exclude<HealthStatus, 'Healthy'>; readonly message: string };

/**
 * Whether per-resource health is in the object. Argo CD 3.0 stopped persisting
 * `status.resources[].health` (`status.resourceHealthSource: appTree`; the resource tree is read
 * elsewhere), so the view must say "resource health unavailable" rather than show blanks as healthy.
 */
export type ResourceHealthAvailability =
  | { readonly kind: 'inline' }
  | { readonly kind: 'unavailable'; readonly reason: string };

/** Where an app takes its desired state from. Fields are absent when the tool does not have them. */
export interface AppSource {
  readonly repoURL?: string;
  readonly path?: string;
  /** The requested revision: a branch, tag, semver range or chart version constraint. */
  readonly targetRevision?: string;
  readonly chart?: string;
  /** Flux: the referenced source object, `Kind/namespace/name`. */
  readonly ref?: string;
  /** Argo CD multi-source: the source's `name` (Argo CD 2.14+), when set. */
  readonly name?: string;
  /** Argo CD multi-source: the source's `ref`, the name other sources use in `$ref/…` value files. */
  readonly valuesRef?: string;
  /** The revision this source was last compared or synced at (Argo CD `status.sync.revisions[i]`). */
  readonly revision?: string;
  /**
   * Argo CD source hydrator (`spec.sourceHydrator`, Argo CD 2.14+): `dry` is where people edit,
   * `hydrated` where the hydrator commits rendered manifests and Argo CD syncs from.
   */
  readonly role?: 'dry' | 'hydrated';
}

export interface AppDestination {
  readonly server?: string;
  readonly name?: string;
  readonly namespace?: string;
}

/**
 * Argo CD's current or last operation: a requested one (`operation`, not yet picked up or running),
 * else `status.operationState`; or the deletion of the app (`metadata.deletionTimestamp`). `title` is
 * what Argo CD's UI calls it (ui/src/app/applications/components/utils.tsx `getOperationStateTitle`).
 */
export interface AppOperation {
  readonly phase: 'Running' | 'Succeeded' | 'Failed' | 'Error' | 'Terminating' | 'Unknown';
  readonly message: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  /** `Syncing`, `Sync OK`, `Sync failed`, `Sync error`, `Terminated`, `Deleting`. */
  readonly title?: string;
  /** `sync`, or `delete` for an app being deleted. */
  readonly type?: 'sync' | 'delete';
  /** A user name, or `automated` when the application controller started it. */
  readonly initiatedBy?: string;
  /** Requested in `operation` and not yet finished. */
  readonly pending?: boolean;
  readonly retryCount?: number;
  /** The revision(s) the sync went to (`syncResult.revision(s)`, or the requested ones). */
  readonly revisions?: readonly string[];
}

/**
 * A condition worth showing beside sync and health: Flux conditions other than Ready, Reconciling and
 * Stalled (HelmRelease Released, TestSuccess, Remediated, Drifted; sources SourceVerified,
 * ArtifactOutdated, FetchFailed; Kustomization Healthy), Argo CD Application and ApplicationSet conditions.
 */
export interface AppCondition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason?: string;
  readonly message?: string;
  readonly lastTransitionTime?: string;
}

/**
 * One entry of the tool's own history, newest first: HelmRelease `status.history` snapshots,
 * Kustomization `status.history` (Flux 2.7+), Argo CD `status.history`.
 */
export interface AppHistoryEntry {
  readonly revision?: string;
  /** Helm release status (`deployed`, `superseded`, `failed`…), Flux reconcile status, or `synced`. */
  readonly status?: string;
  /** RFC 3339 time it was deployed or last reconciled. */
  readonly at?: string;
  /** Helm: chart name; Argo CD: who started the sync. */
  readonly detail?: string;
  /** Flux Kustomization: how many reconciles ended the same. */
  readonly count?: number;
}

/** An image reference as Flux image automation records it. */
export interface ImageRef {
  /** Repository, e.g. `ghcr.io/stefanprodan/podinfo`. */
  readonly name: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** A reference to another object an app points at (`Kind/namespace/name`, name `*` for all). */
export interface ObjectSelector {
  readonly kind: string;
  readonly namespace: string;
  /** `*` selects every object of the kind in the namespace (Flux Alert and Receiver). */
  readonly name: string;
  readonly matchLabels?: Readonly<Record<string, string>>;
}

/**
 * Flux image automation: what an ImageRepository scanned, which image an ImagePolicy selects, and what an
 * ImageUpdateAutomation changes in Git.
 */
export type ImageAutomation =
  | {
      readonly kind: 'repository';
      /** `status.canonicalImageName`, else `spec.image`. */
      readonly image?: string;
      readonly tagCount?: number;
      readonly latestTags?: readonly string[];
      readonly scannedAt?: string;
    }
  | {
      readonly kind: 'policy';
      /** The image the policy selects now (`status.latestRef`, or `status.latestImage` before Flux 2.7). */
      readonly selected?: ImageRef;
      readonly previous?: ImageRef;
      /** `ImageRepository/namespace/name`. */
      readonly repository?: string;
      /** `semver: >=1.0.0`, `alphabetical: asc`, `numerical: desc`. */
      readonly policy?: string;
    }
  | {
      readonly kind: 'update';
      /** `GitRepository/namespace/name` the automation commits to. */
      readonly source?: string;
      readonly checkoutBranch?: string;
      readonly pushBranch?: string;
      readonly path?: string;
      readonly strategy?: string;
      readonly lastPushCommit?: string;
      readonly lastPushTime?: string;
      readonly lastRunTime?: string;
      /** Policies the last run applied (`status.observedPolicies`, Flux 2.3+): policy name → image. */
      readonly policies?: Readonly<Record<string, ImageRef>>;
    };

/**
 * Flux notifications. An Alert sends events of its `eventSources` to a Provider; a Receiver asks Flux
 * to reconcile its `resources` when a webhook arrives. No address, token or webhook path is kept: a
 * Slack or Teams address carries its secret in the URL, and a Receiver's path is its credential.
 */
export type NotificationInfo =
  | {
      readonly kind: 'alert';
      /** `Provider/namespace/name`. */
      readonly provider?: string;
      readonly severity: 'info' | 'error';
      readonly eventSources: readonly ObjectSelector[];
      readonly inclusionList?: readonly string[];
      readonly exclusionList?: readonly string[];
      readonly summary?: string;
    }
  | {
      readonly kind: 'provider';
      /** `slack`, `msteams`, `github`, `generic`… */
      readonly type?: string;
      readonly channel?: string;
      /** Host of `spec.address` only (`hooks.slack.com`). */
      readonly host?: string;
    }
  | {
      readonly kind: 'receiver';
      /** `github`, `gitlab`, `generic`, `harbor`… */
      readonly type?: string;
      readonly events?: readonly string[];
      readonly resources: readonly ObjectSelector[];
    };

/** Argo CD source hydrator state (`status.sourceHydrator`, Argo CD 2.14+). */
export interface HydratorState {
  /** `Hydrating`, `Hydrated`, `Failed`; undefined before the first hydration. */
  readonly phase?: string;
  readonly message?: string;
  readonly drySha?: string;
  readonly hydratedSha?: string;
  /** `spec.sourceHydrator.hydrateTo.targetBranch`: a staging branch someone else promotes from. */
  readonly hydrateToBranch?: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
}

/** One Application of an ApplicationSet progressive sync (`status.applicationStatus`). */
export interface RolloutStep {
  readonly application: string;
  /** `Waiting`, `Pending`, `Progressing`, `Healthy`. */
  readonly status: string;
  readonly step?: string;
  readonly message?: string;
  readonly targetRevisions?: readonly string[];
}

/**
 * An Argo CD `spec.ignoreDifferences` entry as written (ResourceIgnoreDifferences in
 * pkg/apis/application/v1alpha1/types.go); absent lists are empty.
 */
export interface ArgoIgnoreDifference {
  /** Omitted or "" is the core group (Argo CD docs, user-guide/diffing). */
  readonly group?: string;
  readonly kind: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly jsonPointers: readonly string[];
  readonly jqPathExpressions: readonly string[];
  readonly managedFieldsManagers: readonly string[];
}

/**
 * A Flux drift ignore rule as written: HelmRelease `spec.driftDetection.ignore[]` (helm-controller
 * api/v2 IgnoreRule) and Kustomization `spec.ignore[]` (kustomize-controller api/v1 IgnoreRule,
 * fluxcd/kustomize-controller#1627). Target fields are kustomize Selector regular expressions.
 */
export interface FluxIgnoreRule {
  readonly paths: readonly string[];
  readonly target?: {
    readonly group?: string;
    readonly version?: string;
    readonly kind?: string;
    readonly name?: string;
    readonly namespace?: string;
    readonly labelSelector?: string;
    readonly annotationSelector?: string;
  };
}

/**
 * An app's drift ignore rules, kept as plain data (AppStore compares apps as JSON, so a changed rule
 * is an update); core/drift/ignore.ts `ignoreSpecsOf` turns them into what the comparison applies.
 * `where` is the field they came from, for messages.
 */
export type AppIgnoreRules =
  | { readonly tool: 'argocd'; readonly where: string; readonly entries: readonly ArgoIgnoreDifference[] }
  | { readonly tool: 'flux'; readonly where: string; readonly entries: readonly FluxIgnoreRule[] };

/** One object an app manages. Sync and health are undefined where the tool does not record them. */
export interface ManagedResource {
  readonly group: string;
  readonly version?: string;
  readonly kind: string;
  /** '' for cluster-scoped objects. */
  readonly namespace: string;
  readonly name: string;
  readonly sync?: SyncStatus;
  readonly health?: HealthStatus;
  readonly healthMessage?: string;
  readonly requiresPruning: boolean;
  readonly hook: boolean;
}

/**
 * Stable identity: `cluster/tool/kind/namespace/name`. Kinds, namespaces and names cannot hold `/`, but
 * kubeconfig context names can (EKS names contexts by ARN: `arn:aws:eks:…:cluster/prod`), so the
 * cluster part is percent-encoded; plain names read the same as before.
 */
export type AppKey = string;

export function appKey(cluster: string, tool: Tool, kind: string, namespace: string, name: string): AppKey {
  return `${encodeURIComponent(cluster)}/${tool}/${kind}/${namespace}/${name}`;
}

/** The cluster and tool parts of a key made by `appKey`. */
export function keyParts(key: AppKey): { readonly cluster: string; readonly tool: string } {
  // The first two segments only, without splitting the whole key: tree and store reads call this per app.
  const a = key.indexOf('/');
  const cluster = a < 0 ? key : key.slice(0, a);
  const b = a < 0 ? -1 : key.indexOf('/', a + 1);
  const tool = a < 0 ? '' : b < 0 ? key.slice(a + 1) : key.slice(a + 1, b);
  if (!cluster.includes('%')) return { cluster, tool };
  try {
    return { cluster: decodeURIComponent(cluster), tool };
  } catch {
    return { cluster, tool };
  }
}

export interface App {
  readonly key: AppKey;
  readonly cluster: string;
  readonly tool: Tool;
  readonly kind: GitOpsKindName;
  readonly role: KindRole;
  readonly namespace: string;
  readonly name: string;
  /** Argo CD `spec.project`; undefined for Flux. */
  readonly project?: string;
  readonly sync: SyncState;
  readonly health: HealthState;
  /** Reconciliation switched off by the user (Flux `spec.suspend`). */
  readonly suspended: boolean;
  /** Short form for display (`main@abc1234`). */
  readonly revision?: string;
  /** The revision as the tool wrote it, for comparisons and copy actions. */
  readonly fullRevision?: string;
  /** The most useful single line: an error condition, a failed operation, or the health message. */
  readonly message?: string;
  /** RFC 3339 time of the last reconcile the controller reported. */
  readonly lastReconciled?: string;
  readonly sources: readonly AppSource[];
  readonly destination?: AppDestination;
  readonly operation?: AppOperation;
  readonly resources: readonly ManagedResource[];
  readonly resourceHealth: ResourceHealthAvailability;
  /** Fields whose drift the tool ignores; undefined when the app has none. */
  readonly ignore?: AppIgnoreRules;
  /** The object's `apiVersion` as it was read (the version discovery chose for this cluster). */
  readonly apiVersion?: string;
  /** `metadata.deletionTimestamp`: the object is being deleted (finalizers still run). */
  readonly deletingSince?: string;
  /** Conditions beyond sync and health, for the tooltip (AppCondition). */
  readonly conditions?: readonly AppCondition[];
  /** The tool's own history, newest first, at most HISTORY_LIMIT entries. */
  readonly history?: readonly AppHistoryEntry[];
  /** Flux image automation objects. */
  readonly image?: ImageAutomation;
  /** Flux Alert, Provider and Receiver. */
  readonly notification?: NotificationInfo;
  /** Argo CD apps with `spec.sourceHydrator`. */
  readonly hydrator?: HydratorState;
  /** ApplicationSet progressive sync, one entry per generated Application. */
  readonly rollout?: readonly RolloutStep[];
  /**
   * Argo CD: the Application that manages this one (app of apps), from the object's tracking annotation
   * (`argocd.argoproj.io/tracking-id`) or label (`app.kubernetes.io/instance`), as `namespace/name`
   * when it can be told, else the instance name. AppStore's `parentOf` also reads parents' resources.
   */
  readonly trackedBy?: string;
  /**
   * Argo CD: the Application's `argocd.argoproj.io/compare-options` for its diff, when it sets any:
   * `ServerSideDiff=true|false` (undefined: the controller's default) and `IncludeMutationWebhook=true`.
   */
  readonly compareOptions?: AppCompareOptions;
  /** What was malformed in the object, if anything; the mapper never throws. */
  readonly problems: readonly string[];
}

interface AppCompareOptions {
  readonly serverSideDiff?: boolean;
  readonly includeMutationWebhook: boolean;
}

/** History entries kept per app: enough for a tooltip, bounded against a hostile object. */
export const HISTORY_LIMIT = 10;

const HEX40 = /^[0-9a-f]{40}$/i;

/**
 * A commit shown with the branch or tag it was tracked by, `main@<sha>`, the way Flux writes its
 * revisions, so both tools read alike; a revision that is no commit, or a ref that is itself a commit,
 * is left as it is.
 */
export function withRef(ref: string | undefined, revision: string | undefined): string | undefined {
  if (ref === undefined || revision === undefined || !HEX40.test(revision) || /^[0-9a-f]{7,40}$/i.test(ref)) return revision;
  return `${ref}@${revision}`;
}

/**
 * Shortens revisions for display. Flux writes `<ref>@<algo>:<digest>` since source-controller v1
 * (RFC-0005 "artifact revision format"), older objects `<branch>/<sha>`; Argo CD writes a bare commit
 * SHA or a chart version. `main@sha1:abc123…` → `main@abc1234`; `sha256:…` → 7 hex; versions unchanged.
 */
export function shortRevision(revision: string): string {
  const at = revision.lastIndexOf('@');
  if (at > 0) {
    const ref = revision.slice(0, at);
    const digest = shortDigest(revision.slice(at + 1));
    return digest === undefined ? revision : `${ref}@${digest}`;
  }
  const digest = shortDigest(revision);
  if (digest !== undefined) return digest;
  const slash = revision.lastIndexOf('/');
  if (slash > 0 && HEX40.test(revision.slice(slash + 1))) {
    return `${revision.slice(0, slash)}@${revision.slice(slash + 1, slash + 8)}`;
  }
  return revision;
}

function shortDigest(s: string): string | undefined {
  const m = /^(sha1|sha256|sha384|sha512|blake3):([0-9a-f]+)$/i.exec(s);
  if (m) return m[2]!.slice(0, 7);
  if (HEX40.test(s)) return s.slice(0, 7);
  return undefined;
}

/** Health ordering, worst first, for sorting and roll-ups (Argo CD's `IsWorse` order). */
export function healthRank(h: HealthStatus): number {
  switch (h) {
    case 'Unknown':
      return 0;
    case 'Degraded':
      return 1;
    case 'Missing':
      return 2;
    case 'Progressing':
      return 3;
    case 'Suspended':
      return 4;
    case 'Healthy':
      return 5;
  }
}

type Rec = Record<string, unknown>;

/**
 * The key a dotted path ends with, sliced once per path: mappers read the same literal paths for
 * every object (issue 18, "field reads slice new strings"), and a property read with a key string
 * V8 has seen before skips hashing and internalizing a fresh one. Bounded, as some paths carry an index.
 */
const segments = new Map<string, string>();
function lastSegment(path: string): string {
  let key = segments.get(path);
  if (key === undefined) {
    key = path.slice(path.lastIndexOf('.') + 1);
    if (segments.size < 4096) segments.set(path, key);
  }
  return key;
}

/**
 * Reads fields of an untyped object (a watch event's JSON) and records what was malformed instead of
 * throwing, so mappers stay total. An absent field is not a problem; a field of the wrong type is.
 * `path` is dotted from the object root; the last segment is the key read from `parent`.
 */
export class FieldReader {
  readonly problems: string[] = [];

  private raw(parent: Rec | undefined, path: string): unknown {
    if (parent === undefined) return undefined;
    return parent[lastSegment(path)];
  }

  private wrong(path: string, want: string, got: unknown): undefined {
    this.problems.push(`${path} is ${describe(got)}, expected ${want}`);
    return undefined;
  }

  record(parent: Rec | undefined, path: string): Rec | undefined {
    const v = this.raw(parent, path);
    if (v === undefined || v === null) return undefined;
    return isRecord(v) ? v : this.wrong(path, 'an object', v);
  }

  string(parent: Rec | undefined, path: string): string | undefined {
    const v = this.raw(parent, path);
    if (v === undefined || v === null) return undefined;
    return typeof v === 'string' ? v : this.wrong(path, 'a string', v);
  }

  boolean(parent: Rec | undefined, path: string): boolean | undefined {
    const v = this.raw(parent, path);
    if (v === undefined || v === null) return undefined;
    return typeof v === 'boolean' ? v : this.wrong(path, 'a boolean', v);
  }

  number(parent: Rec | undefined, path: string): number | undefined {
    const v = this.raw(parent, path);
    if (v === undefined || v === null) return undefined;
    return typeof v === 'number' && Number.isFinite(v) ? v : this.wrong(path, 'a number', v);
  }

  /*
   * The same reads of `parent[key]` for items of lists (`at` is the item's path, `status.resources[3]`):
   * the path `${at}.${key}` is built only for a problem. Building it per read (a fresh string to look
   * up and slice for every field of every item) was most of the cost of mapping an app (issue 18).
   */
  recordAt(parent: Rec | undefined, at: string, key: string): Rec | undefined {
    const v = parent?.[key];
    if (v === undefined || v === null) return undefined;
    return isRecord(v) ? v : this.wrong(`${at}.${key}`, 'an object', v);
  }

  stringAt(parent: Rec | undefined, at: string, key: string): string | undefined {
    const v = parent?.[key];
    if (v === undefined || v === null) return undefined;
    return typeof v === 'string' ? v : this.wrong(`${at}.${key}`, 'a string', v);
  }

  booleanAt(parent: Rec | undefined, at: string, key: string): boolean | undefined {
    const v = parent?.[key];
    if (v === undefined || v === null) return undefined;
    return typeof v === 'boolean' ? v : this.wrong(`${at}.${key}`, 'a boolean', v);
  }

  numberAt(parent: Rec | undefined, at: string, key: string): number | undefined {
    const v = parent?.[key];
    if (v === undefined || v === null) return undefined;
    return typeof v === 'number' && Number.isFinite(v) ? v : this.wrong(`${at}.${key}`, 'a number', v);
  }

  stringsAt(parent: Rec | undefined, at: string, key: string): string[] {
    const v = parent?.[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.wrong(`${at}.${key}`, 'a list', v);
      return [];
    }
    return v.filter((s): s is string => typeof s === 'string');
  }

  /** Object items with their own paths (`path[i]`); other items are dropped with a problem each. */
  records(parent: Rec | undefined, path: string): Array<[Rec, string]> {
    const v = this.raw(parent, path);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.wrong(path, 'a list', v);
      return [];
    }
    const out: Array<[Rec, string]> = [];
    v.forEach((item, i) => {
      if (isRecord(item)) out.push([item, `${path}[${i}]`]);
      else this.wrong(`${path}[${i}]`, 'an object', item);
    });
    return out;
  }

  strings(parent: Rec | undefined, path: string): string[] {
    const v = this.raw(parent, path);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.wrong(path, 'a list', v);
      return [];
    }
    return v.filter((s): s is string => typeof s === 'string');
  }
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`.slice(0, 60);
}

/** A `metav1.Condition` as Flux and Argo CD ApplicationSet write them. */
export interface Condition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime?: string;
  readonly observedGeneration?: number;
}

/** Reads `status.conditions`; entries without a type are dropped with a problem. */
export function readConditions(r: FieldReader, status: Rec | undefined): Condition[] {
  const out: Condition[] = [];
  r.records(status, 'status.conditions').forEach(([c, path]) => {
    const type = r.stringAt(c, path, 'type');
    if (type === undefined) {
      r.problems.push(`${path}.type is missing`);
      return;
    }
    const raw = r.stringAt(c, path, 'status');
    const st = raw === 'True' || raw === 'False' ? raw : 'Unknown';
    if (raw !== undefined && raw !== 'True' && raw !== 'False' && raw !== 'Unknown') {
      r.problems.push(`${path}.status is "${raw}", expected True, False or Unknown`);
    }
    out.push({
      type,
      status: st,
      reason: r.stringAt(c, path, 'reason') ?? '',
      message: r.stringAt(c, path, 'message') ?? '',
      lastTransitionTime: r.stringAt(c, path, 'lastTransitionTime'),
      observedGeneration: r.numberAt(c, path, 'observedGeneration'),
    });
  });
  return out;
}

/** Identity of an object as read from `metadata`; undefined name means the object is unusable. */
export interface ObjectIdentity {
  readonly namespace: string;
  readonly name: string | undefined;
  readonly generation?: number;
  readonly apiVersion?: string;
  readonly deletionTimestamp?: string;
}

export function readIdentity(r: FieldReader, obj: unknown): { root: Rec | undefined; id: ObjectIdentity } {
  if (!isRecord(obj)) {
    r.problems.push(`object is ${describe(obj)}, expected an object`);
    return { root: undefined, id: { namespace: '', name: undefined } };
  }
  const meta = r.record(obj, 'metadata');
  if (meta === undefined) r.problems.push('metadata is missing');
  const name = r.string(meta, 'metadata.name');
  if (meta !== undefined && name === undefined) r.problems.push('metadata.name is missing');
  const apiVersion = r.string(obj, 'apiVersion');
  const deletionTimestamp = r.string(meta, 'metadata.deletionTimestamp');
  return {
    root: obj,
    id: {
      namespace: r.string(meta, 'metadata.namespace') ?? '',
      name,
      generation: r.number(meta, 'metadata.generation'),
      ...(apiVersion !== undefined ? { apiVersion } : {}),
      ...(deletionTimestamp !== undefined ? { deletionTimestamp } : {}),
    },
  };
}

/** The fields every mapper copies from the identity: apiVersion and a pending deletion. */
export function identityFields(id: ObjectIdentity): Pick<App, 'apiVersion' | 'deletingSince'> {
  return {
    ...(id.apiVersion !== undefined ? { apiVersion: id.apiVersion } : {}),
    ...(id.deletionTimestamp !== undefined ? { deletingSince: id.deletionTimestamp } : {}),
  };
}

/** A string map (labels, annotations, matchLabels); non-string values are dropped with a problem. */
export function readStringMap(r: FieldReader, parent: Rec | undefined, path: string): Record<string, string> | undefined {
  const m = r.record(parent, path);
  if (m === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) {
    if (typeof v === 'string') out[k] = v;
    else r.problems.push(`${path}.${k} is ${describe(v)}, expected a string`);
  }
  return out;
}
