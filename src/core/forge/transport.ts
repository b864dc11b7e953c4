/**
 * Where a forge token may travel (issue 12, "never send a token over plain HTTP, and never send one
 * host's token to another host").
 *
 * A token is issued for one host: a "Set Forge Token" entry for the host it was typed for, VS Code's
 * `github` session for github.com, its `github-enterprise` session for the host of the user's
 * `github-enterprise.uri`. It goes to that host, or to the API host the same forge documents for it
 * (api.github.com for github.com…), and only over HTTPS; plain HTTP only to this machine's loopback
 * interface, which no network carries (a local Gitea, the forge simulator).
 */
import type { ForgeKind } from './types';

/**
 * `localhost`, 127.0.0.0/8 and ::1: the hosts the W3C Secure Contexts spec ("Is origin potentially
 * trustworthy?", §3.1) treats as trustworthy over plain http, because their traffic never leaves the
 * machine. Other names that happen to resolve to a loopback address are not trusted by name.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * The API host a public forge documents for each of its web or SSH hosts, where that is another host:
 * GitHub REST is on api.github.com, Bitbucket Cloud REST 2.0 on api.bitbucket.org, Azure DevOps on
 * dev.azure.com (also for the legacy `{org}.visualstudio.com` and the SSH hosts), and the SSH-over-443
 * hosts stand for the web host (GitHub docs "Using SSH over the HTTPS port"; GitLab "altssh.gitlab.com";
 * Bitbucket "altssh.bitbucket.org").
 */
const SAME_FORGE_HOSTS: Readonly<Record<string, readonly string[]>> = {
  'github.com': ['api.github.com'],
  'ssh.github.com': ['github.com', 'api.github.com'],
  'bitbucket.org': ['api.bitbucket.org'],
  'altssh.bitbucket.org': ['bitbucket.org', 'api.bitbucket.org'],
  'altssh.gitlab.com': ['gitlab.com'],
  'ssh.dev.azure.com': ['dev.azure.com'],
  'vs-ssh.visualstudio.com': ['dev.azure.com'],
};

/** The hosts (`host[:port]`, lower case) a token issued for `tokenHost` may be sent to. */
export function tokenAudience(tokenHost: string): readonly string[] {
  const host = tokenHost.trim().toLowerCase();
  const extra = SAME_FORGE_HOSTS[host] ?? (/^[a-z0-9-]+\.visualstudio\.com$/.test(host) ? ['dev.azure.com'] : []);
  return [host, ...extra];
}

/**
 * Why a token for `tokenHost` must not be sent to `url`, in words for the user; undefined when it may:
 * an https URL on one of the token's hosts, or plain http to a loopback host named by the token itself.
 */
export function tokenDestinationProblem(tokenHost: string, url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `${url} is not a URL GitOps Lens can send a token to.`;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return `${u.protocol}// is not HTTP(S); GitOps Lens sends a token only over HTTPS.`;
  if (u.protocol === 'http:' && !isLoopbackHost(u.hostname)) {
    return `GitOps Lens does not send the token for ${tokenHost} over plain HTTP (${u.origin}): anyone on the network could read it. Use an https:// remote (or ssh://) for this repository.`;
  }
  if (!tokenAudience(tokenHost).includes(u.host.toLowerCase())) {
    return `GitOps Lens sends the token for ${tokenHost} only to ${tokenHost}, not to ${u.host}.`;
  }
  return undefined;
}

/**
 * The VS Code authentication provider whose session may be used for a repository, or undefined when
 * none may: the `github` session is GitHub.com's (the github-authentication extension signs in against
 * github.com only), the `github-enterprise` session belongs to the server named by the
 * `github-enterprise.uri` setting. A host merely mapped to `github` in `gitopsLens.forges` is neither.
 */
export function githubSessionProvider(repo: { readonly kind: ForgeKind; readonly host: string }, enterpriseUri?: string): 'github' | 'github-enterprise' | undefined {
  const host = repo.host.toLowerCase();
  if (repo.kind === 'github') return host === 'github.com' || host === 'ssh.github.com' ? 'github' : undefined;
  if (repo.kind !== 'github-enterprise' || !enterpriseUri) return undefined;
  let u: URL;
  try {
    u = new URL(enterpriseUri.trim());
  } catch {
    return undefined;
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && isLoopbackHost(u.hostname))) return undefined;
  return u.host.toLowerCase() === host ? 'github-enterprise' : undefined;
}
