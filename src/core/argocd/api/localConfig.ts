/**
 * The `argocd` CLI's config file (`~/.config/argocd/config`), read as the CLI reads it: argo-cd
 * util/localconfig/localconfig.go (`LocalConfig`, `ResolveContext`, `GetServer`, `GetUser`,
 * `ValidateLocalConfig`). A context names a server entry (by its `server` address) and a user entry
 * (by `name`); the server entry carries `insecure`, `plain-text`, `grpc-web`, `grpc-web-root-path`,
 * `core` and certificate data, the user entry `auth-token` and `refresh-token`.
 *
 * Pure: the text comes from src/infra/argocd/configFile.ts. Bounded like every outside input: the
 * file's size, then YAML through boundedYaml (aliases, depth), then each field's type.
 */
import { isRecord } from '../../json';
import { YAML_LIMITS, loadYaml } from '../../manifest/boundedYaml';

/** A config file this large is not an argocd config (the CLI writes a few hundred bytes per context). */
export const MAX_ARGOCD_CONFIG_BYTES = 4 * 1024 * 1024;

/** One `servers[]` entry (localconfig.go `Server`). */
interface ArgoCdServerEntry {
  /** The address as the CLI stores it: `host[:port]` (`argocd login HOST`). */
  readonly server: string;
  readonly insecure: boolean;
  readonly plainText: boolean;
  readonly grpcWeb: boolean;
  /** The Argo CD server's `--rootpath` (`argocd login --grpc-web-root-path`); '' when none. */
  readonly grpcWebRootPath: string;
  /** `argocd --core`: the CLI talks to Kubernetes, there is no API server to reach. */
  readonly core: boolean;
  /** PEM text, decoded from `certificate-authority-data` (base64). */
  readonly certificateAuthority?: string;
  /** PEM text of the client certificate and key for mutual TLS, both or neither. */
  readonly clientCertificate?: { readonly cert: string; readonly key: string };
}

/** One `users[]` entry (localconfig.go `User`). Never logged. */
interface ArgoCdUserEntry {
  readonly name: string;
  readonly authToken?: string;
  readonly refreshToken?: string;
}

interface ArgoCdContextRef {
  readonly name: string;
  readonly server: string;
  readonly user: string;
}

/** A context with its server and user looked up (localconfig.go `Context`). */
export interface ArgoCdContext {
  readonly name: string;
  readonly server: ArgoCdServerEntry;
  readonly user: ArgoCdUserEntry;
}

interface ArgoCdConfigProblem {
  readonly file: string;
  readonly message: string;
}

export interface ArgoCdLocalConfig {
  readonly file: string;
  readonly currentContext: string | undefined;
  readonly contexts: readonly ArgoCdContextRef[];
  readonly servers: readonly ArgoCdServerEntry[];
  readonly users: readonly ArgoCdUserEntry[];
  /** What was malformed; entries with problems are left out, the rest stays usable. */
  readonly problems: readonly ArgoCdConfigProblem[];
}

/** Text → config. Never throws: a broken file is a config with no contexts and a problem. */
export function parseArgoCdConfig(file: string, text: string): ArgoCdLocalConfig {
  const problems: ArgoCdConfigProblem[] = [];
  const empty = (message?: string): ArgoCdLocalConfig => {
    if (message) problems.push({ file, message });
    return { file, currentContext: undefined, contexts: [], servers: [], users: [], problems };
  };
  if (text.length > MAX_ARGOCD_CONFIG_BYTES) return empty(`the file is larger than ${MAX_ARGOCD_CONFIG_BYTES / 1024 / 1024} MiB; it is not read`);
  let value: unknown;
  try {
    // The CLI reads YAML or JSON (util/config/reader.go unmarshalObject: sigs.k8s.io/yaml); JSON is YAML.
    value = loadYaml(text, { filename: file, limits: { ...YAML_LIMITS, maxChars: MAX_ARGOCD_CONFIG_BYTES } });
  } catch (err) {
    return empty(`not valid YAML: ${firstLine(err instanceof Error ? err.message : String(err))}`);
  }
  if (value === null || value === undefined) return empty();
  if (!isRecord(value)) return empty('an argocd config must be a YAML mapping');

  const list = (key: string): Record<string, unknown>[] => {
    const v = value[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      problems.push({ file, message: `"${key}" must be a list` });
      return [];
    }
    return v.filter((item, i) => {
      if (isRecord(item)) return true;
      problems.push({ file, message: `${key}[${i}] is not a mapping` });
      return false;
    }) as Record<string, unknown>[];
  };
  const str = (o: Record<string, unknown>, key: string, where: string): string | undefined => {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    problems.push({ file, message: `${where}.${key} must be a string` });
    return undefined;
  };
  const bool = (o: Record<string, unknown>, key: string, where: string): boolean => {
    const v = o[key];
    if (v === undefined || v === null) return false;
    if (typeof v === 'boolean') return v;
    problems.push({ file, message: `${where}.${key} must be true or false` });
    return false;
  };

  const contexts: ArgoCdContextRef[] = [];
  list('contexts').forEach((c, i) => {
    const where = `contexts[${i}]`;
    const name = str(c, 'name', where);
    const server = str(c, 'server', where);
    const user = str(c, 'user', where);
    if (!name) return void problems.push({ file, message: `${where} has no name` });
    if (server === undefined || user === undefined) return void problems.push({ file, message: `context "${name}" names no ${server === undefined ? 'server' : 'user'}` });
    contexts.push({ name, server, user });
  });

  const servers: ArgoCdServerEntry[] = [];
  list('servers').forEach((s, i) => {
    const where = `servers[${i}]`;
    const server = str(s, 'server', where);
    if (!server) return void problems.push({ file, message: `${where} has no server address` });
    const ca = certificate(str(s, 'certificate-authority-data', where), `server "${server}" certificate-authority-data`, file, problems);
    const cert = certificate(str(s, 'client-certificate-data', where), `server "${server}" client-certificate-data`, file, problems);
    const key = certificate(str(s, 'client-certificate-key-data', where), `server "${server}" client-certificate-key-data`, file, problems);
    // localconfig.go's caller (pkg/apiclient NewClient) refuses one without the other.
    if ((cert === undefined) !== (key === undefined)) {
      problems.push({ file, message: `server "${server}": client-certificate-data and client-certificate-key-data must be given together` });
    }
    servers.push({
      server,
      insecure: bool(s, 'insecure', where),
      plainText: bool(s, 'plain-text', where),
      grpcWeb: bool(s, 'grpc-web', where),
      grpcWebRootPath: str(s, 'grpc-web-root-path', where) ?? '',
      core: bool(s, 'core', where),
      ...(ca !== undefined ? { certificateAuthority: ca } : {}),
      ...(cert !== undefined && key !== undefined ? { clientCertificate: { cert, key } } : {}),
    });
  });

  const users: ArgoCdUserEntry[] = [];
  list('users').forEach((u, i) => {
    const where = `users[${i}]`;
    const name = str(u, 'name', where);
    if (!name) return void problems.push({ file, message: `${where} has no name` });
    const authToken = str(u, 'auth-token', where);
    const refreshToken = str(u, 'refresh-token', where);
    users.push({ name, ...(authToken ? { authToken: authToken.trim() } : {}), ...(refreshToken ? { refreshToken } : {}) });
  });

  const current = str(value, 'current-context', 'config');
  const config: ArgoCdLocalConfig = { file, currentContext: current || undefined, contexts, servers, users, problems };
  // localconfig.go ValidateLocalConfig: a current-context that does not resolve makes the CLI refuse the
  // whole file; here the other contexts stay usable and the broken one is a problem.
  if (config.currentContext !== undefined) {
    const r = resolveArgoCdContext(config, config.currentContext);
    if ('problem' in r) problems.push({ file, message: `current-context: ${r.problem}` });
  }
  return config;
}

/**
 * The named context, or the current one when `name` is undefined or '' (localconfig.go
 * `ResolveContext`), with upstream's lookups: the server entry whose `server` equals the context's
 * `server`, the user entry whose `name` equals its `user`; the first match wins, as in Go.
 */
export function resolveArgoCdContext(config: ArgoCdLocalConfig, name?: string): { readonly context: ArgoCdContext } | { readonly problem: string } {
  const wanted = name || config.currentContext;
  if (!wanted) return { problem: `${config.file} has no current-context; name one with --argocd-context (contexts: ${config.contexts.map((c) => c.name).join(', ') || 'none'})` };
  const ref = config.contexts.find((c) => c.name === wanted);
  if (!ref) return { problem: `no context named "${wanted}" in ${config.file} (contexts: ${config.contexts.map((c) => c.name).join(', ') || 'none'})` };
  const server = config.servers.find((s) => s.server === ref.server);
  if (!server) return { problem: `context "${wanted}" names server "${ref.server}", which ${config.file} does not define` };
  const user = config.users.find((u) => u.name === ref.user);
  if (!user) return { problem: `context "${wanted}" names user "${ref.user}", which ${config.file} does not define` };
  return { context: { name: ref.name, server, user } };
}

/** Every context that resolves, in file order, and the reason for each one that does not. */
export function argoCdContexts(config: ArgoCdLocalConfig): { readonly contexts: readonly ArgoCdContext[]; readonly problems: readonly string[] } {
  const contexts: ArgoCdContext[] = [];
  const problems: string[] = [];
  for (const ref of config.contexts) {
    const r = resolveArgoCdContext(config, ref.name);
    if ('context' in r) contexts.push(r.context);
    else problems.push(r.problem);
  }
  return { contexts, problems };
}

function certificate(b64: string | undefined, what: string, file: string, problems: ArgoCdConfigProblem[]): string | undefined {
  if (b64 === undefined || b64 === '') return undefined;
  // atob is strict base64 (whitespace aside), as Go's base64.StdEncoding.DecodeString is.
  let text: string;
  try {
    text = atob(b64.replace(/\s+/g, ''));
  } catch {
    problems.push({ file, message: `${what} is not base64` });
    return undefined;
  }
  if (!text.includes('-----BEGIN ')) {
    problems.push({ file, message: `${what} is not a PEM certificate or key once decoded` });
    return undefined;
  }
  return text;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
