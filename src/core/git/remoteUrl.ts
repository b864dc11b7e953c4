/**
 * Canonical form of a Git remote URL, so a workspace clone's remote and an Argo CD `repoURL` or Flux
 * GitRepository `spec.url` compare equal whichever of git's URL syntaxes each was written in.
 */

/**
 * `host[:port]/owner/repo`, lower case, for equality only (never to fetch from). Accepts the forms of
 * git-clone(1) "GIT URLS": `scheme://[user[:password]@]host[:port]/path` and scp-like
 * `[user@]host:path`; drops credentials, a trailing `.git`, trailing slashes and empty path segments.
 *
 * - The whole result is lower case, as Argo CD's own comparison does (`NormalizeGitURL` in argo-cd
 *   util/git/git.go lower-cases the URL before comparing); GitHub, GitLab and Azure DevOps treat owner
 *   and repository names case-insensitively.
 * - Ports are kept for http(s) unless they are the scheme's default (80, 443): a server on another port
 *   may be another server. ssh/git ports are dropped, since the scp-like form cannot carry a port and
 *   `git@host:o/r` and `ssh://git@host:2222/o/r` usually name the same repository.
 * - Azure DevOps: `https://dev.azure.com/org/project/_git/repo`, `https://org.visualstudio.com/
 *   [DefaultCollection/]project/_git/repo`, `git@ssh.dev.azure.com:v3/org/project/repo` and
 *   `org@vs-ssh.visualstudio.com:v3/org/project/repo` all become `dev.azure.com/org/project/repo`
 *   (Azure Repos docs, "Clone an existing Git repo": HTTPS and SSH clone URLs).
 * - Local paths and `file://` URLs keep their path, with an empty host: `/srv/git/repo`.
 */
export function normalizeRemoteUrl(url: string): string {
  const parsed = parseRemoteUrl(url.trim());
  let host = parsed.host.toLowerCase();
  let segments = parsed.path
    .split('/')
    .filter((s) => s !== '')
    .map(decodeSegment);
  const last = segments.length - 1;
  if (last >= 0) segments[last] = segments[last]!.replace(/\.git$/i, '');
  segments = segments.filter((s) => s !== '');

  const vs = /^([^.]+)\.visualstudio\.com$/.exec(host);
  if (host === 'ssh.dev.azure.com' || host === 'vs-ssh.visualstudio.com') {
    host = 'dev.azure.com';
    if (segments[0]?.toLowerCase() === 'v3') segments = segments.slice(1);
  } else if (vs && vs[1] !== 'vs-ssh') {
    // Legacy hosts put the organisation in the host name: org.visualstudio.com/project/_git/repo.
    host = 'dev.azure.com';
    if (segments[0]?.toLowerCase() === 'defaultcollection') segments = segments.slice(1);
    segments = [vs[1]!, ...segments];
  }
  if (host === 'dev.azure.com') {
    const git = segments.indexOf('_git');
    if (git >= 0) {
      // `org/_git/repo` is the short form for a repository named like its project.
      const before = segments.slice(0, git);
      const repo = segments.slice(git + 1);
      segments = before.length === 1 ? [...before, ...repo, ...repo] : [...before, ...repo];
    }
  }
  const port = parsed.port !== undefined && parsed.port !== DEFAULT_PORTS[parsed.scheme] && (parsed.scheme === 'http' || parsed.scheme === 'https') ? `:${parsed.port}` : '';
  return `${host}${port}/${segments.join('/')}`.toLowerCase();
}

/** Whether two remote URLs name the same repository (after `normalizeRemoteUrl`). */
export function sameRemote(a: string, b: string): boolean {
  return normalizeRemoteUrl(a) === normalizeRemoteUrl(b);
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443' };

/** A remote URL split into scheme (`ssh` for scp-like), host, port and path (core/forge/detect reuses it). */
export interface ParsedRemote {
  readonly scheme: string;
  readonly host: string;
  readonly port: string | undefined;
  readonly path: string;
}

export function parseRemoteUrl(u: string): ParsedRemote {
  const withScheme = /^([a-z][a-z0-9+.-]*):\/\/([^/]*)(.*)$/i.exec(u);
  if (withScheme) {
    const scheme = withScheme[1]!.toLowerCase();
    // Userinfo may itself contain `@` only percent-encoded (RFC 3986 §3.2.1), so the last `@` ends it.
    const authority = withScheme[2]!.slice(withScheme[2]!.lastIndexOf('@') + 1);
    const hp = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(authority);
    const port = hp?.[2] === '' ? undefined : hp?.[2];
    return { scheme: scheme === 'git+ssh' || scheme === 'ssh+git' ? 'ssh' : scheme, host: hp?.[1] ?? authority, port, path: withScheme[3] ?? '' };
  }
  // git-clone(1): scp-like syntax "is only recognized if there are no slashes before the first colon";
  // a one-letter "host" is a Windows drive letter, i.e. a local path.
  const scp = /^(?:([^@/]*)@)?(\[[^\]]*\]|[^:/]+):(.*)$/.exec(u);
  if (scp && !/^[a-z]$/i.test(scp[2]!)) return { scheme: 'ssh', host: scp[2]!, port: undefined, path: scp[3] ?? '' };
  return { scheme: 'file', host: '', port: undefined, path: u.replace(/\\/g, '/') };
}

/**
 * `host[:port]` of a remote URL as git-clone(1) reads it (scp-like `git@host:path` too), for messages
 * and the `gitopsLens.forges` setting's keys; undefined for local paths and `file://` URLs.
 */
export function remoteHost(url: string): string | undefined {
  const p = parseRemoteUrl(url.trim());
  if (!p.host || p.scheme === 'file') return undefined;
  return p.port ? `${p.host}:${p.port}` : p.host;
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
