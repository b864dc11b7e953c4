/**
 * The Argo CD servers the editor reaches through the API (issue 16): every context of the `argocd`
 * CLI's config file, plus servers added from the Applications view (a URL, and a token or an SSO login
 * kept in the editor's secret storage). Each is a "cluster" of its own in the AppStore, named
 * `argocd:<context>`: a kubeconfig context and an argocd context may share a name (`npm run sim` uses one
 * NAME for both), and the two must stay two clusters until the API-preferred merge (merge.ts) shows
 * each app once.
 *
 * Pure: the config file comes from src/infra/argocd/configFile.ts, the stored servers and tokens from
 * the vscode layer.
 */
import type { ArgoCdLocalConfig } from './localConfig';
import { argoCdContexts } from './localConfig';
import { targetFromContext, targetFromUrl, type ArgoCdTarget } from './endpoint';

export const API_CLUSTER_PREFIX = 'argocd:';

/**
 * The AppStore cluster name of an argocd context or added server. App keys start with the cluster name
 * followed by `/`, and `argocd login` names a context with a root path `host:port/root`: `/` and `%` are
 * percent-encoded, so the name never holds a `/`.
 */
export function apiClusterName(context: string): string {
  return `${API_CLUSTER_PREFIX}${context.replace(/%/g, '%25').replace(/\//g, '%2F')}`;
}

/** The context (or added server) name of an API cluster name; the name itself when it is not one. */
export function apiContextName(cluster: string): string {
  if (!cluster.startsWith(API_CLUSTER_PREFIX)) return cluster;
  return cluster.slice(API_CLUSTER_PREFIX.length).replace(/%2F/gi, '/').replace(/%25/g, '%');
}

/**
 * What a user reads for a cluster on lenses and messages: an API server's own name (the argocd context,
 * or the name given when it was added), not the store's `argocd:<context>`; any other cluster as named.
 */
export function clusterLabel(entries: readonly Pick<ArgoCdServerEntry, 'cluster' | 'name'>[], cluster: string): string {
  if (!cluster.startsWith(API_CLUSTER_PREFIX)) return cluster;
  return entries.find((e) => e.cluster === cluster)?.name ?? apiContextName(cluster);
}

/** A server added from the view. Its token is not here: it lives in secret storage. */
export interface AddedArgoCdServer {
  /** A name of the user's choosing (default: the URL's host), unique among servers. */
  readonly name: string;
  /** `https://host[:port][/root]` (or `http://` to this machine). */
  readonly url: string;
  /** Skip certificate verification (self-signed servers), as `argocd login --insecure`. */
  readonly insecure: boolean;
}

type ArgoCdServerOrigin = 'config' | 'added';

export interface ArgoCdServerEntry {
  /** The AppStore cluster name (`argocd:<name>`). */
  readonly cluster: string;
  /** The argocd context or added server name. */
  readonly name: string;
  readonly origin: ArgoCdServerOrigin;
  /** Where it is, for the row's description: the API base URL, or the address as written. */
  readonly address: string;
  /** Undefined when the entry cannot be used as configured; `problem` says why. */
  readonly target?: ArgoCdTarget;
  readonly problem?: string;
  /** Where the token sent comes from: the config file, the editor's secret storage, or none yet. */
  readonly token: 'config' | 'stored' | 'none';
}

export interface ArgoCdServerInputs {
  /** The argocd CLI config as read, or undefined when there is none. */
  readonly config: ArgoCdLocalConfig | undefined;
  readonly added: readonly AddedArgoCdServer[];
  /**
   * A token stored in the editor for a cluster (a login made from the editor), given the config file's
   * own token for it; undefined to use the config's. The vscode layer decides when a stored token
   * still stands (it does not once `argocd login` wrote a new one into the file).
   */
  readonly storedToken: (cluster: string, configToken: string | undefined) => string | undefined;
}

/** Every server, config contexts first (file order), then added ones (by name). */
export function argoCdServerEntries(input: ArgoCdServerInputs): ArgoCdServerEntry[] {
  const out: ArgoCdServerEntry[] = [];
  const taken = new Set<string>();
  if (input.config) {
    for (const context of argoCdContexts(input.config).contexts) {
      // `argocd --core` talks to Kubernetes: its apps are the kubeconfig path's, not an API server's.
      if (context.server.core) continue;
      const cluster = apiClusterName(context.name);
      if (taken.has(cluster)) continue;
      taken.add(cluster);
      const stored = input.storedToken(cluster, context.user.authToken);
      const withToken = stored === undefined ? context : { ...context, user: { ...context.user, authToken: stored } };
      const t = targetFromContext(withToken);
      const token = stored !== undefined ? 'stored' : context.user.authToken ? 'config' : 'none';
      out.push('target' in t ? { cluster, name: context.name, origin: 'config', address: t.target.baseUrl, target: t.target, token } : { cluster, name: context.name, origin: 'config', address: context.server.server, problem: t.problem, token });
    }
  }
  for (const a of [...input.added].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))) {
    const cluster = apiClusterName(a.name);
    if (taken.has(cluster)) {
      out.push({ cluster: `${cluster}#added`, name: a.name, origin: 'added', address: a.url, problem: `a context of the argocd config is named "${a.name}" too; remove this server and add it under another name`, token: 'none' });
      continue;
    }
    taken.add(cluster);
    const stored = input.storedToken(cluster, undefined);
    const t = targetFromUrl(a.name, a.url, stored, { insecure: a.insecure });
    out.push('target' in t ? { cluster, name: a.name, origin: 'added', address: t.target.baseUrl, target: t.target, token: stored ? 'stored' : 'none' } : { cluster, name: a.name, origin: 'added', address: a.url, problem: t.problem, token: stored ? 'stored' : 'none' });
  }
  return out;
}

/** What, when it changes, needs the server's stream opened again (a new token, another address or TLS setting). */
export function targetFingerprint(t: ArgoCdTarget | undefined): string {
  if (t === undefined) return '';
  return JSON.stringify([t.baseUrl, t.insecure, t.grpcWeb, t.certificateAuthority ?? '', t.clientCertificate?.cert ?? '', t.clientCertificate?.key ?? '', t.token ?? '']);
}

/** A name for a server added by URL: its host, port and root path (`cd.example.com`, `127.0.0.1:8080/argo-cd`). */
export function defaultServerName(rawUrl: string): string | undefined {
  try {
    const u = new URL(rawUrl.trim());
    const root = u.pathname.replace(/\/+$/, '');
    return `${u.host}${root}`;
  } catch {
    return undefined;
  }
}
