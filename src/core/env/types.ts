/**
 * Environments (issue 19): one app deployed several times — kustomize overlays over a shared base,
 * Helm releases of one chart with values per environment, ApplicationSet-generated siblings, Flux
 * Kustomizations whose paths share a base — each deployment an environment with its cluster,
 * revision, sync and health. Pure data; src/core/env/map.ts builds it, src/infra/env reads the
 * repository and renders.
 */
import type { App, GitOpsKindName, HealthState, SyncState, Tool } from '../model/app';

/** A chart from a Helm repository or OCI registry, by the repository the manifest names. */
export interface RemoteChart {
  readonly type: 'remote';
  /** Argo CD `repoURL`; Flux: `HelmRepository/<namespace>/<name>` (its URL when the repository declares it). */
  readonly repo: string;
  readonly chart: string;
  /** The version (constraint) asked for: Argo CD `targetRevision`, Flux `spec.chart.spec.version`. */
  readonly version?: string;
}

/** A chart in this repository (Argo CD `path` holding Chart.yaml; Flux chart from a GitRepository). */
interface LocalChart {
  readonly type: 'local';
  /** Repository-relative folder of Chart.yaml. */
  readonly path: string;
}

export type ChartRef = RemoteChart | LocalChart;

/** One layer of Helm values, lowest precedence first in HelmDeploy.values. */
export type ValuesLayer =
  /** A values file of this repository (Argo CD `helm.valueFiles`, Flux `valuesFiles`). */
  | { readonly type: 'file'; readonly path: string }
  /** Values written in the app's manifest (Argo CD `helm.valuesObject`, Flux `spec.values`). */
  | {
      readonly type: 'inline';
      readonly file: string;
      readonly documentIndex: number;
      readonly pointer: string;
      readonly values: Readonly<Record<string, unknown>>;
      /** Written in an ApplicationSet template: `values` are this app's, after its parameters; the file holds the template. */
      readonly templated?: boolean;
      /** A string of YAML (Argo CD `helm.values`): read, but never edited in place. */
      readonly text?: boolean;
    };

export interface HelmDeploy {
  readonly type: 'helm';
  readonly chart: ChartRef;
  /** Lowest precedence first (helm merges `-f` files in order, then inline values on top). */
  readonly values: readonly ValuesLayer[];
  /** Values that come from the cluster (Flux `valuesFrom` ConfigMaps/Secrets): named, never read. */
  readonly valuesFrom: readonly string[];
  readonly releaseName: string;
  readonly namespace?: string;
  /** Where values written in the manifest go when it has none yet (Flux `/spec/values`, Argo CD `…/helm/valuesObject`). */
  readonly inlineAt?: FieldLocation;
}

/** How an environment is deployed. Folders are repository-relative, posix. */
export type Deploy =
  | { readonly type: 'kustomize'; readonly folder: string }
  | { readonly type: 'directory'; readonly folder: string; readonly recurse: boolean }
  | HelmDeploy;

/** Where a manifest edit lands: a document of a repository file and a JSON pointer in it. */
export interface FieldLocation {
  readonly file: string;
  readonly documentIndex: number;
  readonly pointer: string;
}

/** An Argo CD Application, Flux Kustomization or HelmRelease written in the repository. */
export interface AppDeclaration {
  /** The app as the mappers read it (its status when the manifest has one, which is rare). */
  readonly app: App;
  /** Repository-relative file and document index of the manifest (of the ApplicationSet for generated apps). */
  readonly file: string;
  readonly documentIndex: number;
  /** The cluster the app runs in, as far as the repository says (`clusters/<name>/…`, Argo CD `destination.name`). */
  readonly cluster: string | undefined;
  /** The app's source before the repository layout is known (a path may be a kustomization or a chart). */
  readonly source: DeclaredSource;
  /** The ApplicationSet that generates this Application (then `file` is the ApplicationSet's). */
  readonly generatedBy?: string;
  /** The branch or tag the app follows (Argo CD `targetRevision`, the Flux GitRepository's `ref`). */
  readonly trackedRevision?: string;
  /** Where the chart version is written, for chart promotion; undefined when it is not in an own field. */
  readonly chartVersionAt?: FieldLocation;
  /** Things of the manifest we could not follow (a templated field, a cluster generator), in words. */
  readonly notes: readonly string[];
}

export type DeclaredSource =
  | { readonly type: 'path'; readonly path: string; readonly recurse: boolean; readonly helm?: DeclaredHelm }
  | { readonly type: 'chart'; readonly chart: RemoteChart; readonly helm?: DeclaredHelm }
  | { readonly type: 'unknown'; readonly why: string };

export interface DeclaredHelm {
  /** Repository-relative value files (already resolved against the chart folder or the source root). */
  readonly valueFiles: readonly string[];
  /** Values written in the manifest, lowest precedence first (Argo CD `helm.values`, then `helm.valuesObject`). */
  readonly inline: readonly Extract<ValuesLayer, { type: 'inline' }>[];
  readonly valuesFrom: readonly string[];
  readonly releaseName: string;
  readonly namespace?: string;
  /** Where values written in the manifest go (set for apps not generated from a shared template). */
  readonly inlineAt?: FieldLocation;
}

/** What the repository's folders say, for telling kustomizations, charts and plain folders apart. */
export interface RepoLayout {
  /** Kustomization folder → its kustomization file's text. */
  readonly kustomizations: ReadonlyMap<string, { readonly file: string; readonly text: string }>;
  /** Folders holding a Chart.yaml. */
  readonly charts: ReadonlySet<string>;
  /** Every folder of the repository ('' included), for `resources:` entries that are folders. */
  readonly folders: ReadonlySet<string>;
}

/** A live app (AppStore) and, when read, the revision it last applied. */
export interface LiveApp {
  readonly app: App;
  /**
   * The commit the cluster runs: Argo CD `status.operationState.syncResult.revision` (the App model's
   * revision is the one compared, which an OutOfSync app has not applied), Flux `lastAppliedRevision`.
   * core/env/pending.ts `appliedRevisionOf` reads it from the raw object.
   */
  readonly appliedRevision?: string;
}

export interface Environment {
  /** Unique within the map. */
  readonly id: string;
  /** How users name it: the overlay folder (`overlays/staging`), else the cluster. */
  readonly label: string;
  /** Other names it answers to (`--from`/`--to`): the folder, the cluster, the app name, `cluster/app`. */
  readonly aliases: readonly string[];
  readonly cluster: string | undefined;
  readonly app: { readonly tool: Tool; readonly kind: GitOpsKindName; readonly namespace: string; readonly name: string; readonly key?: string };
  readonly deploy: Deploy;
  /** The manifest in the repository, when it is there. */
  readonly declaration?: AppDeclaration;
  readonly generatedBy?: string;
  readonly trackedRevision?: string;
  /** From the live app: what it compared (Argo CD) or applied (Flux), short and as written. */
  readonly revision?: string;
  readonly fullRevision?: string;
  readonly appliedRevision?: string;
  readonly sync: SyncState;
  readonly health: HealthState;
  /** True when sync and health come from a cluster rather than the manifest. */
  readonly live: boolean;
  readonly notes: readonly string[];
}

export type GroupType = 'kustomize' | 'helm' | 'directory' | 'mixed';

export interface EnvironmentGroup {
  /** The app's name as users say it (`storefront`). */
  readonly name: string;
  readonly type: GroupType;
  /** Folders every kustomize environment of the group builds (the shared base), repository-relative. */
  readonly sharedFolders: readonly string[];
  readonly chart?: ChartRef;
  readonly environments: readonly Environment[];
}

export interface EnvironmentMap {
  readonly groups: readonly EnvironmentGroup[];
  /** Live apps of the repository's kinds that no group could place, and why, for the log. */
  readonly notes: readonly string[];
}
