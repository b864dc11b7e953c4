import { isRecord } from '../json';
/**
 * One status shape for Argo CD and Flux objects, so the tree, totals and notifications never branch on
 * the tool. Mappers in src/core/argocd and src/core/flux build these values; AppStore keeps them.
 */

export type Tool = 'argocd' | 'flux';

/**
 * What an object is to the views: `app` objects deploy things (Application, Kustomization, HelmRelease)
 * and count in totals; `source` objects produce artifacts Flux apps consume; `generator` and `project`
 * are Argo CD's ApplicationSet and AppProject.
 */
export type KindRole = 'app' | 'source' | 'generator' | 'project';

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
  | 'HelmChart';

export interface GitOpsKind {
  readonly kind: GitOpsKindName;
  readonly group: string;
  readonly version: string;
  /** Plural resource name as in the API path, for list+watch. */
  readonly plural: string;
  readonly tool: Tool;
  readonly role: KindRole;
}

/**
 * Every kind GitOps Lens watches; the informer pool starts one list+watch per entry the cluster serves.
 * Versions are the storage versions of Argo CD 2.x/3.x and Flux 2.3+ (source/kustomize v1, helm v2).
 * HelmChart is not in the list but is needed: a HelmRelease's desired revision is the
 * `status.artifact.revision` of the HelmChart the helm-controller creates for it (`status.helmChart`).
 */
export const GITOPS_KINDS: readonly GitOpsKind[] = [
  { kind: 'Application', group: 'argoproj.io', version: 'v1alpha1', plural: 'applications', tool: 'argocd', role: 'app' },
  { kind: 'ApplicationSet', group: 'argoproj.io', version: 'v1alpha1', plural: 'applicationsets', tool: 'argocd', role: 'generator' },
  { kind: 'AppProject', group: 'argoproj.io', version: 'v1alpha1', plural: 'appprojects', tool: 'argocd', role: 'project' },
  { kind: 'Kustomization', group: 'kustomize.toolkit.fluxcd.io', version: 'v1', plural: 'kustomizations', tool: 'flux', role: 'app' },
  { kind: 'HelmRelease', group: 'helm.toolkit.fluxcd.io', version: 'v2', plural: 'helmreleases', tool: 'flux', role: 'app' },
  { kind: 'GitRepository', group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'gitrepositories', tool: 'flux', role: 'source' },
  { kind: 'OCIRepository', group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'ocirepositories', tool: 'flux', role: 'source' },
  { kind: 'HelmRepository', group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'helmrepositories', tool: 'flux', role: 'source' },
  { kind: 'Bucket', group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'buckets', tool: 'flux', role: 'source' },
  { kind: 'HelmChart', group: 'source.toolkit.fluxcd.io', version: 'v1', plural: 'helmcharts', tool: 'flux', role: 'source' },
];

const KIND_BY_NAME = new Map<string, GitOpsKind>(GITOPS_KINDS.map((k) => [k.kind, k]));

export function gitOpsKind(name: string): GitOpsKind | undefined {
  return KIND_BY_NAME.get(name);
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
}

export interface AppDestination {
  readonly server?: string;
  readonly name?: string;
  readonly namespace?: string;
}

/** Argo CD's last operation (`status.operationState`). */
export interface AppOperation {
  readonly phase: 'Running' | 'Succeeded' | 'Failed' | 'Error' | 'Terminating' | 'Unknown';
  readonly message: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
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

/** Stable identity: `cluster/tool/kind/namespace/name`. */
export type AppKey = string;

export function appKey(cluster: string, tool: Tool, kind: string, namespace: string, name: string): AppKey {
  return `${cluster}/${tool}/${kind}/${namespace}/${name}`;
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
  /** What was malformed in the object, if anything; the mapper never throws. */
  readonly problems: readonly string[];
}

const HEX40 = /^[0-9a-f]{40}$/i;

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
 * Reads fields of an untyped object (a watch event's JSON) and records what was malformed instead of
 * throwing, so mappers stay total. An absent field is not a problem; a field of the wrong type is.
 * `path` is dotted from the object root; the last segment is the key read from `parent`.
 */
export class FieldReader {
  readonly problems: string[] = [];

  private raw(parent: Rec | undefined, path: string): unknown {
    if (parent === undefined) return undefined;
    return parent[path.slice(path.lastIndexOf('.') + 1)];
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
    const type = r.string(c, `${path}.type`);
    if (type === undefined) {
      r.problems.push(`${path}.type is missing`);
      return;
    }
    const raw = r.string(c, `${path}.status`);
    const st = raw === 'True' || raw === 'False' ? raw : 'Unknown';
    if (raw !== undefined && raw !== 'True' && raw !== 'False' && raw !== 'Unknown') {
      r.problems.push(`${path}.status is "${raw}", expected True, False or Unknown`);
    }
    out.push({
      type,
      status: st,
      reason: r.string(c, `${path}.reason`) ?? '',
      message: r.string(c, `${path}.message`) ?? '',
      lastTransitionTime: r.string(c, `${path}.lastTransitionTime`),
      observedGeneration: r.number(c, `${path}.observedGeneration`),
    });
  });
  return out;
}

/** Identity of an object as read from `metadata`; undefined name means the object is unusable. */
export interface ObjectIdentity {
  readonly namespace: string;
  readonly name: string | undefined;
  readonly generation?: number;
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
  return {
    root: obj,
    id: { namespace: r.string(meta, 'metadata.namespace') ?? '', name, generation: r.number(meta, 'metadata.generation') },
  };
}
