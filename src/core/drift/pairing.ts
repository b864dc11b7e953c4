/**
 * Which live object each desired manifest stands for, when both come as lists (`gitops-lens diff
 * --live FILES`): the same API group, kind and name (the API server serves one object under every
 * version of its group), and the same namespace when the manifest names one and the live object has
 * one (a live object without a namespace is cluster-scoped: a namespace written for it in Git is
 * dropped by the API server, gitops-engine TestIgnoreNamespaceForClusterScopedResources). Each live
 * object pairs once; those left over are live but not desired.
 */
import { identityOf } from '../manifest/documents';

type Obj = Readonly<Record<string, unknown>>;

export interface Pairing {
  /** Per desired object (same order), the index of its live object, or undefined when there is none. */
  readonly live: ReadonlyArray<number | undefined>;
  /** Indexes of live objects no desired object stands for. */
  readonly extra: readonly number[];
}

export function pairDesiredWithLive(desired: readonly Obj[], live: readonly Obj[]): Pairing {
  const key = (o: Obj): string | undefined => {
    const id = identityOf(o);
    return id?.name === undefined ? undefined : JSON.stringify([id.group, id.kind, id.name]);
  };
  const byKey = new Map<string, number[]>();
  live.forEach((l, i) => {
    const k = key(l);
    if (k !== undefined) byKey.set(k, [...(byKey.get(k) ?? []), i]);
  });
  const used = new Set<number>();
  const pairs = desired.map((d) => {
    const k = key(d);
    const ns = identityOf(d)?.namespace;
    const candidates = (k === undefined ? [] : (byKey.get(k) ?? [])).filter((i) => !used.has(i));
    const j = candidates.find((i) => ns === undefined || ns === identityOf(live[i])?.namespace) ?? candidates.find((i) => identityOf(live[i])?.namespace === undefined);
    if (j !== undefined) used.add(j);
    return j;
  });
  return { live: pairs, extra: live.map((_, i) => i).filter((i) => !used.has(i)) };
}
