/**
 * Which forge a Git remote lives on, and the names its REST API uses for the repository.
 *
 * Remote forms are those of git-clone(1) "GIT URLS" (parsed by core/git/remoteUrl): `https://host/…`,
 * `ssh://[user@]host[:port]/…` and scp-like `[user@]host:path`.
 */
import { parseRemoteUrl } from '../git/remoteUrl';
import { FORGE_KINDS } from './types';
import type { ForgeKind, ForgeRepo } from './types';

/** Public hosts whose forge is known without configuration. */
const KNOWN_HOSTS: Readonly<Record<string, ForgeKind>> = {
  'github.com': 'github',
  'ssh.github.com': 'github',
  'gitlab.com': 'gitlab',
  'altssh.gitlab.com': 'gitlab',
  'bitbucket.org': 'bitbucket-cloud',
  'altssh.bitbucket.org': 'bitbucket-cloud',
  'dev.azure.com': 'azure-devops',
  'ssh.dev.azure.com': 'azure-devops',
  'vs-ssh.visualstudio.com': 'azure-devops',
  // Forgejo (Codeberg) and Gitea share the /api/v1 pull request API.
  'codeberg.org': 'gitea',
  'gitea.com': 'gitea',
};

export interface DetectOptions {
  /**
   * The `gitopsLens.forges` setting: host (optionally `host:port`, case-insensitive) → forge kind, for
   * self-hosted forges. Wins over the built-in hosts and the name heuristics.
   */
  readonly forges?: Readonly<Record<string, string>>;
  /** Use this REST API root instead of the derived one (tests, unusual reverse proxies). */
  readonly apiBaseUrl?: string;
}

export function isForgeKind(v: unknown): v is ForgeKind {
  return typeof v === 'string' && (FORGE_KINDS as readonly string[]).includes(v);
}

/**
 * The `gitopsLens.forges` setting (or any host → kind mapping) validated, in the one place that does:
 * hosts trimmed, lower case, without trailing slashes; entries whose value is no forge kind left out.
 * Anything but a plain object is no mapping.
 */
export function forgeMapping(raw: unknown): Readonly<Record<string, ForgeKind>> {
  const out: Record<string, ForgeKind> = {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return Object.freeze(out);
  for (const [host, kind] of Object.entries(raw as Record<string, unknown>)) {
    if (isForgeKind(kind)) out[host.trim().toLowerCase().replace(/\/+$/, '')] = kind;
  }
  return Object.freeze(out);
}

/**
 * The forge kind of a host: the configured mapping (`host:port` before `host`), then the public
 * hosts, then `*.visualstudio.com`, then nothing. Invalid kinds in the mapping are ignored.
 */
export function forgeKindForHost(host: string, forges: Readonly<Record<string, string>> = {}): ForgeKind | undefined {
  const h = host.toLowerCase();
  const bare = h.replace(/:\d+$/, '');
  const configured = forgeMapping(forges);
  for (const key of [h, bare]) {
    const kind = configured[key];
    if (kind) return kind;
  }
  const known = KNOWN_HOSTS[bare];
  if (known) return known;
  if (bare.endsWith('.visualstudio.com')) return 'azure-devops';
  return undefined;
}

/** A guess from a self-hosted URL's shape, used when no mapping names the host. */
function guessKind(host: string, segments: readonly string[]): ForgeKind | undefined {
  if (segments.includes('_git')) return 'azure-devops';
  // Bitbucket Server clone URLs: https://host[/context]/scm/PROJ/repo.git (Bitbucket DC docs, "Clone a repository").
  if (segments.includes('scm') || /(^|\/)projects\/[^/]+\/repos\//.test(segments.join('/'))) return 'bitbucket-server';
  const first = host.split('.')[0] ?? '';
  if (/^github/.test(first)) return 'github-enterprise';
  if (/^gitlab/.test(first)) return 'gitlab';
  if (/^(gitea|forgejo)/.test(first)) return 'gitea';
  if (/^(bitbucket|stash)/.test(first)) return 'bitbucket-server';
  return undefined;
}

const DEFAULT_PORT: Readonly<Record<string, string>> = { http: '80', https: '443' };

function isLocalHost(host: string): boolean {
  return host === 'localhost' || /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[');
}

/**
 * The forge repository a remote URL names, or undefined when the host is not a known or configured
 * forge or the path does not fit that forge's layout.
 *
 * HTTP(S) remotes keep their scheme and port for the API and web URLs (a forge served over plain http
 * on a port, like the test simulator, stays reachable); SSH remotes map to `https://host` without the
 * SSH port, since the web port cannot be derived from it.
 */
export function detectForge(remoteUrl: string, opts: DetectOptions = {}): ForgeRepo | undefined {
  const parsed = parseRemoteUrl(remoteUrl.trim());
  if (!parsed.host || parsed.scheme === 'file') return undefined;
  const hostname = parsed.host.toLowerCase();
  const web = parsed.scheme === 'http' || parsed.scheme === 'https';
  const scheme = web ? parsed.scheme : 'https';
  const port = web && parsed.port && parsed.port !== DEFAULT_PORT[parsed.scheme] ? parsed.port : undefined;
  const host = port ? `${hostname}:${port}` : hostname;
  let segments = parsed.path
    .split('/')
    .filter((s) => s !== '')
    .map(decodeSegment);
  if (segments.length === 0) return undefined;

  // The configured mapping may name the SSH port too (`host:7999`); web hosts carry their own port.
  const sshHost = !web && parsed.port ? `${hostname}:${parsed.port}` : host;
  const kind = forgeKindForHost(sshHost, opts.forges) ?? forgeKindForHost(host, opts.forges) ?? guessKind(hostname, segments);
  if (!kind) return undefined;
  const origin = `${scheme}://${host}`;
  const stripGit = (s: string) => s.replace(/\.git$/i, '');
  const result = (r: Omit<ForgeRepo, 'kind' | 'host' | 'apiBaseUrl'> & { apiBaseUrl: string }): ForgeRepo => ({
    kind,
    host,
    ...r,
    apiBaseUrl: (opts.apiBaseUrl ?? r.apiBaseUrl).replace(/\/+$/, ''),
  });

  switch (kind) {
    case 'github':
    case 'github-enterprise':
    case 'gitea':
    case 'bitbucket-cloud': {
      if (segments.length !== 2) return undefined;
      const owner = segments[0]!;
      const repo = stripGit(segments[1]!);
      if (!repo) return undefined;
      let webOrigin = origin;
      let api: string;
      if (kind === 'github' || kind === 'github-enterprise') {
        // github.com's API is api.github.com; GHE serves REST under /api/v3 (GitHub Enterprise Server
        // docs, "Getting started with the REST API": http(s)://HOSTNAME/api/v3).
        if (hostname === 'github.com' || hostname === 'ssh.github.com') {
          webOrigin = 'https://github.com';
          api = 'https://api.github.com';
        } else {
          api = `${origin}/api/v3`;
        }
      } else if (kind === 'bitbucket-cloud') {
        // Bitbucket Cloud REST 2.0 lives on the api. subdomain (https://api.bitbucket.org/2.0).
        if (hostname === 'altssh.bitbucket.org') webOrigin = 'https://bitbucket.org';
        const webHost = new URL(webOrigin).host;
        api = isLocalHost(hostname) ? `${webOrigin}/2.0` : `${scheme}://api.${webHost}/2.0`;
      } else {
        api = `${origin}/api/v1`;
      }
      return result({ apiBaseUrl: api, webUrl: `${webOrigin}/${owner}/${repo}`, owner, repo, cloneUrl: `${webOrigin}/${owner}/${repo}.git` });
    }
    case 'gitlab': {
      // Nested groups: every segment but the last is the namespace (GitLab docs, "Subgroups").
      if (segments.length < 2) return undefined;
      const repo = stripGit(segments[segments.length - 1]!);
      const owner = segments.slice(0, -1).join('/');
      const webOrigin = hostname === 'altssh.gitlab.com' ? 'https://gitlab.com' : origin;
      return result({ apiBaseUrl: `${webOrigin}/api/v4`, webUrl: `${webOrigin}/${owner}/${repo}`, owner, repo, cloneUrl: `${webOrigin}/${owner}/${repo}.git` });
    }
    case 'bitbucket-server': {
      // https://host[/context]/scm/PROJ/repo.git, https://host[/context]/projects/PROJ/repos/repo[/browse],
      // ssh://git@host:7999/proj/repo.git (Bitbucket DC docs, "Clone a repository"; personal
      // repositories use the project key `~user`).
      let prefix: string[] = [];
      let key: string | undefined;
      let slug: string | undefined;
      const scm = segments.indexOf('scm');
      const projects = segments.findIndex((s, i) => s === 'projects' && segments[i + 2] === 'repos');
      const users = segments.findIndex((s, i) => s === 'users' && segments[i + 2] === 'repos');
      if (web && scm >= 0 && segments.length === scm + 3) {
        prefix = segments.slice(0, scm);
        key = segments[scm + 1];
        slug = segments[scm + 2];
      } else if (projects >= 0 && segments.length >= projects + 4) {
        prefix = segments.slice(0, projects);
        key = segments[projects + 1];
        slug = segments[projects + 3];
      } else if (users >= 0 && segments.length >= users + 4) {
        prefix = segments.slice(0, users);
        key = `~${segments[users + 1]}`;
        slug = segments[users + 3];
      } else if (segments.length === 2) {
        [key, slug] = segments;
      }
      if (!key || !slug) return undefined;
      slug = stripGit(slug);
      const owner = key.startsWith('~') ? key : key.toUpperCase();
      const base = `${origin}${prefix.map((s) => `/${s}`).join('')}`;
      const webUrl = owner.startsWith('~') ? `${base}/users/${owner.slice(1)}/repos/${slug}` : `${base}/projects/${owner}/repos/${slug}`;
      return result({ apiBaseUrl: `${base}/rest/api/1.0`, webUrl, owner, repo: slug, cloneUrl: `${base}/scm/${owner.toLowerCase()}/${slug}.git` });
    }
    case 'azure-devops': {
      // Azure Repos clone URLs (docs, "Clone an existing Git repo"):
      //   https://dev.azure.com/{org}/{project}/_git/{repo}, https://{org}.visualstudio.com/[DefaultCollection/]{project}/_git/{repo},
      //   git@ssh.dev.azure.com:v3/{org}/{project}/{repo}, {org}@vs-ssh.visualstudio.com:v3/{org}/{project}/{repo}.
      // `{org}/_git/{repo}` is the short form for a project named like the repository.
      let webOrigin = origin;
      let base: string[];
      let repo: string;
      const vs = /^([^.]+)\.visualstudio\.com$/.exec(hostname);
      if (hostname === 'ssh.dev.azure.com' || hostname === 'vs-ssh.visualstudio.com') {
        if (segments[0]?.toLowerCase() === 'v3') segments = segments.slice(1);
        if (segments.length !== 3) return undefined;
        webOrigin = 'https://dev.azure.com';
        base = segments.slice(0, 2);
        repo = segments[2]!;
      } else {
        if (vs && vs[1] !== 'vs-ssh') {
          webOrigin = 'https://dev.azure.com';
          if (segments[0]?.toLowerCase() === 'defaultcollection') segments = segments.slice(1);
          segments = [vs[1]!, ...segments];
        }
        const git = segments.indexOf('_git');
        if (git < 1 || segments.length !== git + 2) return undefined;
        repo = segments[git + 1]!;
        base = segments.slice(0, git);
        // dev.azure.com/{org}/_git/{repo}: the project has the repository's name.
        if (base.length === 1 && (hostname === 'dev.azure.com' || vs)) base = [base[0]!, repo];
      }
      repo = stripGit(repo);
      if (base.length < 2) return undefined;
      const owner = base.slice(-2).join('/');
      const root = `${webOrigin}${base.map((s) => `/${encodeURIComponent(s)}`).join('')}`;
      const webUrl = `${root}/_git/${encodeURIComponent(repo)}`;
      return result({ apiBaseUrl: `${root}/_apis`, webUrl, owner, repo, cloneUrl: webUrl });
    }
  }
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
