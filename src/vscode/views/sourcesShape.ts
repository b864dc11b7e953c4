/**
 * What the Sources view lists, decided from snapshots only and free of `vscode` on purpose (like
 * appTreeShape.ts), so the unit layer checks it: the clusters at the top (enabled kubeconfig contexts,
 * then the Argo CD servers reached through their API, issue 16), and per cluster the repositories its
 * Argo CD Applications take sources from. An app seen both through a kubeconfig and through an API is
 * listed once, under the copy the Applications view shows (the same `hidden` rule).
 */
import type { App, AppKey } from '../../core/model/app';

/** The clusters at the top of the view: enabled kubeconfig contexts first, then API servers (`argocd:<ctx>`). */
export function sourceRootClusters(kube: readonly { readonly name: string; readonly enabled: boolean }[], apiServers: readonly { readonly cluster: string }[]): string[] {
  return [...kube.filter((c) => c.enabled).map((c) => c.name), ...apiServers.map((s) => s.cluster)];
}

/** Repository URL → the Argo CD Applications of `cluster` that take a source from it, hidden copies left out. */
export function argoRepositories(apps: readonly App[], cluster: string, hidden: (key: AppKey) => boolean): Map<string, App[]> {
  const out = new Map<string, App[]>();
  for (const a of apps) {
    if (a.cluster !== cluster || a.tool !== 'argocd' || a.role !== 'app' || hidden(a.key)) continue;
    for (const s of a.sources) {
      if (!s.repoURL) continue;
      const list = out.get(s.repoURL) ?? [];
      if (!list.includes(a)) list.push(a);
      out.set(s.repoURL, list);
    }
  }
  return out;
}
