/**
 * One app seen two ways: through a kubeconfig context that reaches the cluster Argo CD runs on, and
 * through that Argo CD's API. Both copies are mapped by the same mapper (core/argocd/application.ts)
 * from the same object, so they agree on everything but their cluster (the kube context vs the argocd
 * context) and what the API server adds: per-resource health filled in from its resource tree
 * (server/application/application.go inferResourcesStatusHealth). The view shows each such app once,
 * the API copy, unless the API is not reachable while the kubeconfig copy is live.
 *
 * Identity is the object's `metadata.uid`: two Argo CD instances can hold apps with equal names, specs
 * and destinations (one Argo CD per cluster, same repository), and only the uid tells them apart.
 */
import { isRecord } from '../../json';
import type { App, AppKey } from '../../model/app';

type AppVia = 'kubeconfig' | 'argocd-api';

export interface SeenApp {
  readonly app: App;
  readonly via: AppVia;
  /** `metadata.uid` of the object the app was mapped from; apps without one are never merged. */
  readonly uid: string | undefined;
  /** Whether the copy is live: its cluster (or Argo CD) connection is ready, not showing a last known state. */
  readonly live: boolean;
}

export interface MergedApps {
  /** Every app to show, each Argo CD object once. */
  readonly shown: readonly App[];
  /** Key of a copy not shown → key of the copy shown in its place (for reveal, and commands on either). */
  readonly replacedBy: ReadonlyMap<AppKey, AppKey>;
}

/** `metadata.uid` of a raw object, or undefined. */
export function objectUid(raw: unknown): string | undefined {
  if (!isRecord(raw) || !isRecord(raw.metadata)) return undefined;
  const uid = raw.metadata.uid;
  return typeof uid === 'string' && uid !== '' ? uid : undefined;
}

/**
 * The apps to show. Among copies of one Argo CD object (same tool, kind and uid): an API copy that is
 * live wins; else a live kubeconfig copy; else the API copy (a last known state from Argo CD is the
 * better last known state: it carries per-resource health). Order of `seen` is kept for the rest.
 */
export function preferApi(seen: readonly SeenApp[]): MergedApps {
  const groups = new Map<string, SeenApp[]>();
  for (const s of seen) {
    if (s.uid === undefined || s.app.tool !== 'argocd') continue;
    const id = `${s.app.kind}/${s.uid}`;
    let g = groups.get(id);
    if (g === undefined) groups.set(id, (g = []));
    g.push(s);
  }
  const replacedBy = new Map<AppKey, AppKey>();
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    const rank = (s: SeenApp): number => (s.via === 'argocd-api' && s.live ? 0 : s.live ? 1 : s.via === 'argocd-api' ? 2 : 3);
    const winner = [...g].sort((a, b) => rank(a) - rank(b))[0]!;
    for (const s of g) if (s !== winner) replacedBy.set(s.app.key, winner.app.key);
  }
  return { shown: seen.filter((s) => !replacedBy.has(s.app.key)).map((s) => s.app), replacedBy };
}
