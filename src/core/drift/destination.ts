/**
 * Which kubeconfig context holds the live objects of an app. A Flux app applies in its own cluster;
 * an Argo CD Application deploys to `spec.destination`: `in-cluster` / `https://kubernetes.default.svc`
 * is the cluster Argo CD runs in (the app's own), another server is the context whose cluster has that
 * URL (https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/#clusters), and a
 * destination by Argo CD cluster name is, at best, a context of that name.
 */
import type { App } from '../model/app';

/** A kubeconfig context: its name and API server URL. */
export interface KnownContext {
  readonly name: string;
  readonly server: string | undefined;
}

export type LiveCluster =
  | { readonly cluster: string; readonly unknown?: undefined }
  /** The destination is in no kubeconfig context: nothing can be read; `unknown` says why. */
  | { readonly cluster: string; readonly unknown: string };

const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

/** `appCluster` is the context the app object was read from. */
export function liveClusterOf(app: App, appCluster: string, contexts: readonly KnownContext[]): LiveCluster {
  const dest = app.destination;
  if (app.tool !== 'argocd' || dest === undefined) return { cluster: appCluster };
  const server = dest.server?.replace(/\/+$/, '');
  if (server === undefined || server === '') {
    if (dest.name === undefined || dest.name === '' || dest.name === 'in-cluster') return { cluster: appCluster };
    return contexts.some((c) => c.name === dest.name) ? { cluster: dest.name } : { cluster: dest.name, unknown: `destination ${dest.name} not in kubeconfig` };
  }
  if (server === IN_CLUSTER_SERVER) return { cluster: appCluster };
  // The app's own context first when it points at the same server.
  const match = contexts.find((c) => c.name === appCluster && sameServer(c.server, server)) ?? contexts.find((c) => sameServer(c.server, server));
  return match ? { cluster: match.name } : { cluster: appCluster, unknown: `destination ${server} not in kubeconfig` };
}

function sameServer(a: string | undefined, b: string): boolean {
  return a !== undefined && a.replace(/\/+$/, '').toLowerCase() === b.toLowerCase();
}
