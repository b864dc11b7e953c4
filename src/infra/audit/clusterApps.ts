/**
 * Reads what the audit needs from one cluster: the Argo CD Applications, Flux Kustomizations and
 * HelmReleases with their sources (GitRepositories, HelmCharts) as raw objects, since their
 * `status.history` is not part of the App model, mapped with the same mappers the views use; and, for
 * Flux objects without `status.history` (before Flux 2.7), the Events of their namespaces. One list per
 * kind through the kube client (bounded answers, kubeconfig as kubectl reads it).
 */
import { deploymentsOf, type DeploymentHistory } from '../../core/audit/deployments';
import { mapArgoApplication } from '../../core/argocd/application';
import { mapFluxHelmRelease, mapFluxKustomization, mapFluxSource, sourceRefKey } from '../../core/flux/mapFlux';
import type { SourceArtifact } from '../../core/flux/status';
import { isRecord } from '../../core/json';
import type { App, GitOpsKindName } from '../../core/model/app';
import { K8sRequestError } from '../k8s/errors';

/**
 * What the audit reads clusters through: the kube client's cluster access (src/infra/k8s, KubeClusterAccess)
 * has both; tests pass the simulator's. Reads reject with K8sRequestError.
 */
export interface AuditClusterAccess {
  /** The object as the API server returns it now (checked to be that object). */
  get(cluster: string, ref: { readonly apiVersion: string; readonly kind: string; readonly namespace: string; readonly name: string }): Promise<unknown>;
  /** GET of an API path, parsed as JSON. */
  getJson(cluster: string, apiPath: string): Promise<unknown>;
}

interface KindList {
  readonly kind: GitOpsKindName;
  readonly group: string;
  /** Newest first; an older version is tried when the cluster does not serve the newer one. */
  readonly versions: readonly string[];
  readonly plural: string;
}

const KINDS: readonly KindList[] = [
  { kind: 'Application', group: 'argoproj.io', versions: ['v1alpha1'], plural: 'applications' },
  { kind: 'GitRepository', group: 'source.toolkit.fluxcd.io', versions: ['v1', 'v1beta2'], plural: 'gitrepositories' },
  { kind: 'HelmChart', group: 'source.toolkit.fluxcd.io', versions: ['v1', 'v1beta2'], plural: 'helmcharts' },
  { kind: 'Kustomization', group: 'kustomize.toolkit.fluxcd.io', versions: ['v1', 'v1beta2'], plural: 'kustomizations' },
  { kind: 'HelmRelease', group: 'helm.toolkit.fluxcd.io', versions: ['v2', 'v2beta2', 'v2beta1'], plural: 'helmreleases' },
];

/** More items than this per kind are not read (a cluster with more is not what one audit covers). */
const MAX_ITEMS = 20_000;

export interface ClusterAppsSnapshot {
  readonly cluster: string;
  /** Apps and sources, mapped as the views map them. */
  readonly apps: readonly App[];
  /** Raw object per app key (for deployment histories). */
  readonly raw: ReadonlyMap<string, unknown>;
  readonly notes: readonly string[];
}

async function list(access: AuditClusterAccess, cluster: string, k: KindList): Promise<unknown[] | undefined> {
  for (const v of k.versions) {
    try {
      const body = await access.getJson(cluster, `/apis/${k.group}/${v}/${k.plural}`);
      const items = isRecord(body) && Array.isArray(body.items) ? body.items : [];
      // A list's items carry no apiVersion/kind; the deployment readers dispatch on them.
      return items.slice(0, MAX_ITEMS).map((o) => (isRecord(o) ? { apiVersion: `${k.group}/${v}`, kind: k.kind, ...o } : o));
    } catch (err) {
      if (err instanceof K8sRequestError && err.code === 'NotFound') continue;
      throw err;
    }
  }
  return undefined;
}

const metaOf = (o: unknown): { namespace: string; name: string } => {
  const m = isRecord(o) && isRecord(o.metadata) ? o.metadata : {};
  return { namespace: typeof m.namespace === 'string' ? m.namespace : '', name: typeof m.name === 'string' ? m.name : '' };
};

/** Every GitOps app of a cluster with its raw object. Rejects with K8sRequestError when the cluster cannot be read. */
export async function readClusterApps(access: AuditClusterAccess, cluster: string): Promise<ClusterAppsSnapshot> {
  const notes: string[] = [];
  const raw = new Map<string, unknown>();
  const lists = new Map<GitOpsKindName, unknown[]>();
  for (const k of KINDS) {
    try {
      const items = await list(access, cluster, k);
      if (items) lists.set(k.kind, items);
    } catch (err) {
      if (err instanceof K8sRequestError && err.code === 'Forbidden') {
        notes.push(`${cluster}: no permission to list ${k.plural}.${k.group}`);
        continue;
      }
      throw err;
    }
  }
  const apps: App[] = [];
  const sources = new Map<string, App>();
  for (const kind of ['GitRepository', 'HelmChart'] as const) {
    for (const o of lists.get(kind) ?? []) {
      const a = mapFluxSource(cluster, kind, o);
      apps.push(a);
      sources.set(sourceRefKey(kind, a.namespace, a.name), a);
      raw.set(a.key, o);
    }
  }
  const lookup = (ref: string): SourceArtifact => {
    const s = sources.get(ref);
    return s?.fullRevision ? { found: true, revision: s.fullRevision } : { found: false };
  };
  for (const o of lists.get('Application') ?? []) {
    const a = mapArgoApplication(cluster, o);
    apps.push(a);
    raw.set(a.key, o);
  }
  for (const o of lists.get('Kustomization') ?? []) {
    const a = mapFluxKustomization(cluster, o, lookup);
    apps.push(a);
    raw.set(a.key, o);
  }
  for (const o of lists.get('HelmRelease') ?? []) {
    const a = mapFluxHelmRelease(cluster, o, lookup);
    apps.push(a);
    raw.set(a.key, o);
  }
  return { cluster, apps, raw, notes };
}

/**
 * The deployment history of an app. Flux objects without `status.history` (before Flux 2.7) are dated
 * from the Events of their namespace, read once per namespace through `events`.
 */
export async function historyOf(access: AuditClusterAccess, snapshot: ClusterAppsSnapshot, app: App, events: Map<string, Promise<unknown[]>>): Promise<DeploymentHistory> {
  const obj = snapshot.raw.get(app.key);
  const status = isRecord(obj) && isRecord(obj.status) ? obj.status : {};
  let ev: unknown[] = [];
  if (app.tool === 'flux' && !Array.isArray(status.history)) {
    const ns = metaOf(obj).namespace;
    let p = events.get(`${snapshot.cluster}/${ns}`);
    if (!p) {
      p = access
        .getJson(snapshot.cluster, `/api/v1/namespaces/${encodeURIComponent(ns)}/events`)
        .then((b) => (isRecord(b) && Array.isArray(b.items) ? b.items.slice(0, MAX_ITEMS) : []))
        .catch(() => []);
      events.set(`${snapshot.cluster}/${ns}`, p);
    }
    ev = await p;
  }
  const gitSource = app.sources[0]?.ref?.startsWith('GitRepository/') ?? false;
  return deploymentsOf(obj, ev, { gitSource }) ?? { deployments: [], problems: [`${app.kind} has no deployment history GitOps Lens reads`] };
}
