/**
 * Where an Argo CD API server is and how to talk to it: the REST root URL (Argo CD serves its REST API
 * through grpc-gateway under `/api/v1` on the same port as gRPC; server/server.go newHTTPServer), TLS
 * settings, and the bearer token, with the rule that a token never crosses the network in clear text.
 */
import { isLoopbackHost } from '../../forge/transport';
import type { ArgoCdContext } from './localConfig';

/** Everything a client needs for one server; `token` is a credential and is never logged. */
export interface ArgoCdTarget {
  /** The name the views, the CLI's `cluster` column and the logs use: the argocd context name. */
  readonly name: string;
  /** `https://host:port` plus the root path, without a trailing slash. */
  readonly baseUrl: string;
  /** Skip verifying the server's certificate: only when the config says so (`argocd login --insecure`). */
  readonly insecure: boolean;
  readonly certificateAuthority?: string;
  readonly clientCertificate?: { readonly cert: string; readonly key: string };
  readonly token?: string;
  /** The config asks for gRPC-web: the server may sit behind a proxy that passes only that (see the client). */
  readonly grpcWeb: boolean;
}

/**
 * The base URL of a config server entry. The CLI stores `host[:port]` and adds `:443` when the port is
 * missing (pkg/apiclient/apiclient.go NewClientWithContext, for gRPC and plain text alike); the scheme is
 * http only for `plain-text`; `grpc-web-root-path` is the server's `--rootpath`, under which Argo CD
 * serves everything (server/server.go withRootPath), so the REST root moves with it.
 */
export function serverBaseUrl(server: { readonly server: string; readonly plainText: boolean; readonly grpcWebRootPath: string }): { readonly url: string } | { readonly problem: string } {
  const address = server.server.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(address)) {
    return { problem: `server "${address}" is a URL; the argocd config holds an address (host:port), as \`argocd login HOST\` writes it` };
  }
  const withPort = /:\d+$/.test(address) || /^\[[^\]]+\]:\d+$/.test(address) ? address : `${address}:443`;
  let url: URL;
  try {
    url = new URL(`${server.plainText ? 'http' : 'https'}://${withPort}`);
  } catch {
    return { problem: `server "${address}" is not a host name or address with an optional port` };
  }
  if (url.pathname !== '/' || url.search || url.hash || url.username) return { problem: `server "${address}" is not a host name or address with an optional port` };
  const root = rootPathOf(server.grpcWebRootPath);
  if (root === undefined) return { problem: `grpc-web-root-path "${server.grpcWebRootPath}" of server "${address}" is not a URL path` };
  return { url: `${url.origin}${root}` };
}

/** `/argo-cd/` or `argo-cd` → `/argo-cd`; '' → ''. Segments only of URL path characters, never `.`/`..`. */
function rootPathOf(raw: string): string | undefined {
  const trimmed = raw.trim().replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return '';
  const segs = trimmed.split('/');
  if (segs.some((s) => s === '' || s === '.' || s === '..' || !/^[A-Za-z0-9._~!$&'()*+,;=:@-]+$/.test(s))) return undefined;
  return `/${segs.join('/')}`;
}

/**
 * A target from a `--argocd-server URL` given on the command line: `https://host[:port][/root]`, or
 * `http://` (plain text, then only to this machine when a token goes with it).
 */
export function targetFromUrl(name: string, rawUrl: string, token: string | undefined, opts: { readonly insecure?: boolean } = {}): { readonly target: ArgoCdTarget } | { readonly problem: string } {
  let url: URL;
  try {
    url = new URL(rawUrl.trim());
  } catch {
    return { problem: `"${rawUrl}" is not a URL (expected https://host[:port][/root-path])` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { problem: `"${rawUrl}" is not an http(s) URL` };
  if (url.username || url.password || url.search || url.hash) return { problem: `"${rawUrl}" must be only scheme, host, port and root path` };
  const root = rootPathOf(decodeURIComponent(url.pathname));
  if (root === undefined) return { problem: `the path of "${rawUrl}" is not a root path` };
  const target: ArgoCdTarget = { name, baseUrl: `${url.origin}${root}`, insecure: opts.insecure === true, grpcWeb: false, ...(token ? { token } : {}) };
  const problem = tokenTransportProblem(target);
  return problem ? { problem } : { target };
}

/** A config context as a target, or why it cannot be one. */
export function targetFromContext(context: ArgoCdContext): { readonly target: ArgoCdTarget } | { readonly problem: string } {
  const s = context.server;
  if (s.core) {
    return { problem: `context "${context.name}" uses core mode (argocd --core): it has no Argo CD API server; its apps are seen through the kubeconfig` };
  }
  const base = serverBaseUrl(s);
  if ('problem' in base) return { problem: `context "${context.name}": ${base.problem}` };
  const target: ArgoCdTarget = {
    name: context.name,
    baseUrl: base.url,
    insecure: s.insecure,
    grpcWeb: s.grpcWeb,
    ...(s.certificateAuthority !== undefined ? { certificateAuthority: s.certificateAuthority } : {}),
    ...(s.clientCertificate !== undefined ? { clientCertificate: s.clientCertificate } : {}),
    ...(context.user.authToken ? { token: context.user.authToken } : {}),
  };
  const problem = tokenTransportProblem(target);
  return problem ? { problem: `context "${context.name}": ${problem}` } : { target };
}

/**
 * Why the target's token must not be sent, or undefined. The forge rule (core/forge/transport.ts):
 * over HTTPS anywhere, over plain HTTP only to this machine's loopback interface, which no network
 * carries. `argocd login --plain-text` to a remote host would send the token readable by anyone on the
 * way; GitOps Lens refuses instead.
 */
export function tokenTransportProblem(target: Pick<ArgoCdTarget, 'baseUrl' | 'token'>): string | undefined {
  if (!target.token) return undefined;
  const url = new URL(target.baseUrl);
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
  return `GitOps Lens does not send an Argo CD token over plain HTTP (${url.origin}): anyone on the network could read it. Use the server's HTTPS address (remove plain-text from the argocd config), or reach it through a port-forward to localhost.`;
}
