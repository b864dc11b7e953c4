/**
 * kubeconfig as kubectl reads it: the merge of `KUBECONFIG=a:b:c`, and the resolution of one context
 * into everything a connection needs. Both the context listing (`mergeKubeconfigs`) and every
 * connection (`resolveContext`) go through the same `mergeEntries`, so `contexts` and `status` can
 * never disagree on which entry wins (STYLE.md rule 16).
 *
 * Rules borrowed from client-go (kubernetes/client-go):
 * - tools/clientcmd/loader.go `ClientConfigLoadingRules.Load`: for every named cluster, user and
 *   context the first file that defines the name wins, whole entry (fields of a later file's entry of
 *   the same name are discarded, never mixed in); `current-context` is the first non-empty one.
 * - loader.go `ResolveLocalPaths` / `GetClusterFileReferences` / `GetAuthInfoFileReferences`: the
 *   relative paths `certificate-authority`, `client-certificate`, `client-key`, `tokenFile`, and an
 *   exec `command` that contains a path separator, are relative to the folder of the file that
 *   defines the entry. Auth-provider configuration is not resolved.
 * - validation.go `ConfirmUsable` / `validateContext` / `validateClusterInfo` / `validateAuthInfo`:
 *   only the context being used, its cluster and its user are validated, so one broken entry never
 *   breaks the other contexts.
 * - client_config.go `DirectClientConfig.ClientConfig`: credentials are used only for https servers
 *   ("only try to read the auth information if we are secure").
 * - api/v1/defaults.go `SetDefaults_ExecConfig`: an exec plugin of v1beta1 without interactiveMode
 *   is `IfAvailable`; v1 must say.
 *
 * Pure: files arrive as text, paths are handled through the `PathRules` the caller passes (the
 * platform's own rules in infra). Listing results never carry credentials.
 */
import { LineCounter } from 'yaml';
import { parseDocumentBounded } from '../manifest/boundedYaml';
import type { ClusterContext, KubeconfigProblem, MergedKubeconfig } from '../model/cluster';
import type { KubeconfigFile } from '../ports';
import { isRecord } from '../json';

/** A kubeconfig is a few kilobytes (tens with embedded certificates); anything this big is refused unread. */
export const MAX_KUBECONFIG_BYTES = 4 * 1024 * 1024;
/** YAML aliases are legal in a kubeconfig but a handful is plenty; more is an expansion bomb. */
const MAX_ALIASES = 100;

interface NamedEntry {
  readonly name: string;
  readonly body: Record<string, unknown>;
  readonly file: string;
}

interface Entries {
  readonly clusters: ReadonlyMap<string, NamedEntry>;
  readonly users: ReadonlyMap<string, NamedEntry>;
  readonly contexts: ReadonlyMap<string, NamedEntry>;
  readonly currentContext: string | undefined;
  readonly problems: readonly KubeconfigProblem[];
}

/** The listing: contexts with their cluster server and namespace, no credentials. */
export function mergeKubeconfigs(files: readonly KubeconfigFile[]): MergedKubeconfig {
  const merged = mergeEntries(files);
  const problems = [...merged.problems];
  const result: ClusterContext[] = [];
  for (const ctx of merged.contexts.values()) {
    const clusterName = stringField(ctx.body, 'cluster') ?? '';
    const userName = stringField(ctx.body, 'user') ?? '';
    const clusterEntry = merged.clusters.get(clusterName);
    if (!clusterEntry) {
      problems.push({
        file: ctx.file,
        line: undefined,
        message: `context "${ctx.name}" refers to cluster "${clusterName}", which no kubeconfig file defines`,
      });
    }
    result.push({
      name: ctx.name,
      cluster: clusterName,
      user: userName,
      server: clusterEntry ? stringField(clusterEntry.body, 'server') : undefined,
      namespace: stringField(ctx.body, 'namespace'),
      sourceFile: ctx.file,
      isCurrent: ctx.name === merged.currentContext,
    });
  }
  return { contexts: result, currentContext: merged.currentContext, problems };
}

/** The merge itself (client-go loader.go `Load`): first definition of each name wins, whole entry. */
function mergeEntries(files: readonly KubeconfigFile[]): Entries {
  const problems: KubeconfigProblem[] = [];
  const clusters = new Map<string, NamedEntry>();
  const users = new Map<string, NamedEntry>();
  const contexts = new Map<string, NamedEntry>();
  let currentContext: string | undefined;
  const seenPaths = new Set<string>();

  for (const file of files) {
    // The same path listed twice (KUBECONFIG and the setting) is one file (client-go `deduplicate`).
    if (file.text === undefined || seenPaths.has(file.path)) continue;
    seenPaths.add(file.path);
    const parsed = parseKubeconfigOnce(file.path, file.text, problems);
    if (!parsed) continue;
    collect(parsed, 'clusters', 'cluster', file.path, clusters, problems);
    collect(parsed, 'users', 'user', file.path, users, problems);
    collect(parsed, 'contexts', 'context', file.path, contexts, problems);
    const current = parsed['current-context'];
    if (currentContext === undefined && typeof current === 'string' && current !== '') {
      currentContext = current;
    }
  }
  return { clusters, users, contexts, currentContext, problems };
}

/**
 * Parsed files by path and text. Every context is resolved through every file (a pool start resolves
 * each of its contexts, the cluster list all of them): 10 contexts over 10 files were 100 YAML parses,
 * about 20 ms each start per context (issue 18). Bounded: the last 32 files of up to 1 MiB.
 */
const parsedFiles = new Map<string, { readonly value: Record<string, unknown> | undefined; readonly problems: readonly KubeconfigProblem[] }>();
const MAX_PARSED_FILES = 32;
const MAX_CACHED_BYTES = 1024 * 1024;

function parseKubeconfigOnce(path: string, text: string, problems: KubeconfigProblem[]): Record<string, unknown> | undefined {
  if (text.length > MAX_CACHED_BYTES) return parseKubeconfig(path, text, problems);
  const key = `${path}\u0000${text}`;
  let hit = parsedFiles.get(key);
  if (hit === undefined) {
    const own: KubeconfigProblem[] = [];
    hit = { value: parseKubeconfig(path, text, own), problems: own };
    if (parsedFiles.size >= MAX_PARSED_FILES) parsedFiles.delete(parsedFiles.keys().next().value!);
    parsedFiles.set(key, hit);
  }
  problems.push(...hit.problems);
  return hit.value;
}

function parseKubeconfig(
  path: string,
  text: string,
  problems: KubeconfigProblem[],
): Record<string, unknown> | undefined {
  if (text.length > MAX_KUBECONFIG_BYTES) {
    problems.push({ file: path, line: undefined, message: `the file is larger than ${MAX_KUBECONFIG_BYTES / 1024 / 1024} MiB; it is not read` });
    return undefined;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocumentBounded(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      problems.push({
        file: path,
        line: lineCounter.linePos(err.pos[0]).line,
        message: firstLine(err.message),
      });
    }
    return undefined;
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    problems.push({ file: path, line: undefined, message: firstLine(err instanceof Error ? err.message : String(err)) });
    return undefined;
  }
  if (value === null || value === undefined) return undefined; // an empty file is allowed
  if (!isRecord(value)) {
    problems.push({ file: path, line: 1, message: 'a kubeconfig must be a YAML mapping' });
    return undefined;
  }
  return value;
}

function collect(
  config: Record<string, unknown>,
  listKey: string,
  bodyKey: string,
  file: string,
  into: Map<string, NamedEntry>,
  problems: KubeconfigProblem[],
): void {
  const list = config[listKey];
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) {
    problems.push({ file, line: undefined, message: `"${listKey}" must be a list` });
    return;
  }
  const inThisFile = new Set<string>();
  for (const item of list) {
    if (!isRecord(item) || typeof item.name !== 'string' || item.name === '') {
      problems.push({ file, line: undefined, message: `an entry of "${listKey}" has no name` });
      continue;
    }
    // client-go refuses the whole file on a duplicate name (api/v1/conversion.go); we keep its other
    // entries usable, keep the first, and say so.
    if (inThisFile.has(item.name)) {
      problems.push({ file, line: undefined, message: `"${listKey}" names "${item.name}" twice; the first one is used` });
      continue;
    }
    inThisFile.add(item.name);
    const body = item[bodyKey];
    if (!into.has(item.name)) {
      into.set(item.name, { name: item.name, body: isRecord(body) ? body : {}, file });
    }
  }
}

// ---- resolving one context ------------------------------------------------------------------------

/** The platform's path rules (Node's `path` in infra), so this module stays free of I/O modules. */
export interface PathRules {
  dirname(p: string): string;
  isAbsolute(p: string): boolean;
  /** An absolute path of `p` taken relative to the absolute or relative folder `base` (`path.resolve`). */
  resolve(base: string, p: string): string;
  /** The separator whose presence makes an exec command a path rather than a name looked up on PATH. */
  readonly sep: string;
}

type ExecInteractiveMode = 'Never' | 'IfAvailable' | 'Always';

/** An exec credential plugin (client.authentication.k8s.io), with `command` resolved like kubectl. */
export interface ExecPluginConfig {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: readonly { readonly name: string; readonly value: string }[];
  readonly apiVersion: 'client.authentication.k8s.io/v1' | 'client.authentication.k8s.io/v1beta1';
  readonly interactiveMode: ExecInteractiveMode;
  readonly provideClusterInfo: boolean;
  readonly installHint: string | undefined;
  /** The cluster entry's `extensions` item named `client.authentication.k8s.io/exec`, passed as `spec.cluster.config`. */
  readonly clusterConfig: unknown;
}

/** Where the credentials of a user come from; several may be set as client-go allows (e.g. a token plus a client certificate). */
interface KubeUserAuth {
  readonly token: string | undefined;
  readonly tokenFile: string | undefined;
  readonly basic: { readonly username: string; readonly password: string } | undefined;
  readonly clientCertificateFile: string | undefined;
  readonly clientCertificateData: string | undefined;
  readonly clientKeyFile: string | undefined;
  readonly clientKeyData: string | undefined;
  readonly exec: ExecPluginConfig | undefined;
  readonly authProvider: { readonly name: string; readonly config: Readonly<Record<string, string>> } | undefined;
  readonly impersonate:
    | { readonly user: string; readonly uid: string | undefined; readonly groups: readonly string[]; readonly extra: Readonly<Record<string, readonly string[]>> }
    | undefined;
}

/** Everything needed to connect to one context. Holds credentials: never log it, never hand it to a view. */
export interface KubeConnectionConfig {
  readonly context: string;
  readonly clusterName: string;
  readonly userName: string;
  /** The context's namespace; undefined means "default" to kubectl. */
  readonly namespace: string | undefined;
  /** Scheme, host, port and an optional path prefix, without a trailing slash. */
  readonly server: string;
  readonly caFile: string | undefined;
  /** Base64, as in the kubeconfig. */
  readonly caData: string | undefined;
  readonly insecureSkipTlsVerify: boolean;
  readonly tlsServerName: string | undefined;
  readonly proxyUrl: string | undefined;
  /** Undefined for a plain-http server: kubectl sends no credentials there, and neither do we. */
  readonly auth: KubeUserAuth | undefined;
  /** True when the user entry has credentials that were left out because the server is plain http. */
  readonly credentialsWithheld: boolean;
  /** The files that defined the context, its cluster and its user. */
  readonly sources: { readonly context: string; readonly cluster: string; readonly user: string | undefined };
}

export type ResolvedContext =
  | { readonly ok: true; readonly config: KubeConnectionConfig }
  /** Why the context cannot be used, one line per problem, naming entries and files but never a credential. */
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Resolves one context of the merged files into a connection configuration, validating only what
 * this context uses (client-go `ConfirmUsable`).
 */
export function resolveContext(files: readonly KubeconfigFile[], name: string, paths: PathRules): ResolvedContext {
  const merged = mergeEntries(files);
  const ctx = merged.contexts.get(name);
  if (!ctx) return { ok: false, problems: [`context "${name}" is not in any kubeconfig file`] };
  const problems: string[] = [];
  const ctxBody = fieldReader(ctx.body, `context "${name}" (${ctx.file})`, problems);
  const clusterName = ctxBody.string('cluster') ?? '';
  const userName = ctxBody.string('user') ?? '';
  const namespace = ctxBody.string('namespace');
  if (userName === '') problems.push(`user was not specified for context "${name}" (${ctx.file})`);
  const userEntry = userName === '' ? undefined : merged.users.get(userName);
  if (userName !== '' && !userEntry) problems.push(`user "${userName}" of context "${name}" (${ctx.file}) is not in any kubeconfig file`);
  if (clusterName === '') problems.push(`cluster was not specified for context "${name}" (${ctx.file})`);
  const clusterEntry = clusterName === '' ? undefined : merged.clusters.get(clusterName);
  if (clusterName !== '' && !clusterEntry) problems.push(`cluster "${clusterName}" of context "${name}" (${ctx.file}) is not in any kubeconfig file`);
  // validation.go validateContext: IsDNS1123Label.
  if (namespace !== undefined && !isDns1123Label(namespace)) {
    problems.push(`namespace "${namespace}" of context "${name}" (${ctx.file}) does not conform to the Kubernetes DNS_LABEL rules`);
  }
  if (!clusterEntry) return { ok: false, problems };

  const clusterWhere = `cluster "${clusterName}" (${clusterEntry.file})`;
  const c = fieldReader(clusterEntry.body, clusterWhere, problems);
  const clusterBase = paths.dirname(clusterEntry.file);
  const rawServer = c.string('server');
  const caFileRaw = c.string('certificate-authority');
  const caData = c.string('certificate-authority-data');
  const insecure = c.bool('insecure-skip-tls-verify');
  const tlsServerName = c.string('tls-server-name');
  const proxyUrl = c.string('proxy-url');
  const caFile = caFileRaw !== undefined ? resolvePath(paths, clusterBase, caFileRaw) : undefined;
  if (caFileRaw !== undefined && caData !== undefined) {
    problems.push(`${clusterWhere} has both certificate-authority and certificate-authority-data`);
  }
  if (insecure && (caFileRaw !== undefined || caData !== undefined)) {
    // client-go transport/transport.go TLSConfigFor.
    problems.push(`${clusterWhere}: a certificate authority together with insecure-skip-tls-verify is not allowed`);
  }
  if (caData !== undefined && !isBase64(caData)) problems.push(`${clusterWhere}: certificate-authority-data is not base64`);
  if (proxyUrl !== undefined && !validProxyUrl(proxyUrl)) {
    problems.push(`${clusterWhere}: invalid proxy-url "${proxyUrl}" (http, https, socks5 or socks5h URL expected)`);
  }

  const userBody = userEntry ? fieldReader(userEntry.body, `user "${userName}" (${userEntry.file})`, problems) : undefined;
  const hasClientCert = userBody !== undefined && (userBody.string('client-certificate') !== undefined || userBody.string('client-certificate-data') !== undefined);
  let server: string | undefined;
  if (rawServer === undefined) problems.push(`no server found for ${clusterWhere}`);
  else {
    // rest/url_utils.go defaultServerUrlFor: a server without a scheme is https when TLS is configured.
    const tls = caFileRaw !== undefined || caData !== undefined || insecure || hasClientCert;
    server = normalizeServer(rawServer, tls);
    if (server === undefined) problems.push(`${clusterWhere}: server "${rawServer}" is not an http or https URL`);
  }

  const secure = server?.startsWith('https://') === true;
  const auth = userEntry && userBody ? readUser(userBody, userName, userEntry.file, clusterEntry, paths, problems) : undefined;
  if (problems.length > 0 || server === undefined) return { ok: false, problems };
  const anyCredential = auth !== undefined && (auth.token ?? auth.tokenFile ?? auth.basic ?? auth.clientCertificateData ?? auth.clientCertificateFile ?? auth.exec ?? auth.authProvider) !== undefined;
  return {
    ok: true,
    config: {
      context: name,
      clusterName,
      userName,
      namespace,
      server,
      caFile,
      caData,
      insecureSkipTlsVerify: insecure,
      tlsServerName,
      proxyUrl,
      auth: secure ? auth : undefined,
      credentialsWithheld: !secure && anyCredential,
      sources: { context: ctx.file, cluster: clusterEntry.file, user: userEntry?.file },
    },
  };
}

const EXEC_API_VERSIONS = new Set(['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1']);
const EXEC_CLUSTER_EXTENSION = 'client.authentication.k8s.io/exec';

function readUser(
  u: FieldReader,
  userName: string,
  file: string,
  cluster: NamedEntry,
  paths: PathRules,
  problems: string[],
): KubeUserAuth {
  const where = `user "${userName}" (${file})`;
  const base = paths.dirname(file);
  const token = u.string('token');
  const tokenFileRaw = u.string('tokenFile');
  const username = u.string('username');
  const password = u.string('password');
  const certFileRaw = u.string('client-certificate');
  const certData = u.string('client-certificate-data');
  const keyFileRaw = u.string('client-key');
  const keyData = u.string('client-key-data');

  // validation.go validateAuthInfo.
  const methods = [token !== undefined ? 'token' : undefined, username !== undefined || password !== undefined ? 'basicAuth' : undefined].filter((m) => m !== undefined);
  if (methods.length > 1) problems.push(`${where} has more than one authentication method (${methods.join(', ')}); only one is allowed`);
  if (tokenFileRaw !== undefined && (username !== undefined || password !== undefined)) {
    // transport/round_trippers.go HTTPWrappersForConfig.
    problems.push(`${where}: username/password or bearer token may be set, but not both`);
  }
  if (certFileRaw !== undefined || certData !== undefined) {
    if (certFileRaw !== undefined && certData !== undefined) problems.push(`${where} has both client-certificate and client-certificate-data`);
    if (keyFileRaw !== undefined && keyData !== undefined) problems.push(`${where} has both client-key and client-key-data`);
    if (keyFileRaw === undefined && keyData === undefined) problems.push(`${where} has a client certificate but no client-key or client-key-data`);
  }
  for (const [k, v] of [['client-certificate-data', certData], ['client-key-data', keyData]] as const) {
    if (v !== undefined && !isBase64(v)) problems.push(`${where}: ${k} is not base64`);
  }

  let exec: ExecPluginConfig | undefined;
  const execRaw = u.record('exec');
  const providerRaw = u.record('auth-provider');
  if (execRaw !== undefined) {
    const e = fieldReader(execRaw, `the exec plugin of ${where}`, problems);
    const command = e.string('command');
    const apiVersion = e.string('apiVersion');
    let mode = e.string('interactiveMode');
    if (command === undefined) problems.push(`${where}: the exec plugin has no command`);
    if (apiVersion === undefined) problems.push(`${where}: the exec plugin has no apiVersion`);
    else if (!EXEC_API_VERSIONS.has(apiVersion)) problems.push(`${where}: the exec plugin's apiVersion "${apiVersion}" is not client.authentication.k8s.io/v1 or v1beta1`);
    if (mode === undefined && apiVersion === 'client.authentication.k8s.io/v1beta1') mode = 'IfAvailable';
    if (mode === undefined) problems.push(`${where}: the exec plugin must set interactiveMode`);
    else if (mode !== 'Never' && mode !== 'IfAvailable' && mode !== 'Always') problems.push(`${where}: the exec plugin's interactiveMode "${mode}" is not Never, IfAvailable or Always`);
    if (providerRaw !== undefined) problems.push(`${where}: an auth-provider cannot be combined with an exec plugin`);
    const env: { name: string; value: string }[] = [];
    for (const item of e.list('env')) {
      if (!isRecord(item) || typeof item.name !== 'string' || item.name === '' || (item.value !== undefined && typeof item.value !== 'string')) {
        problems.push(`${where}: every env entry of the exec plugin needs a name and a string value`);
        continue;
      }
      env.push({ name: item.name, value: typeof item.value === 'string' ? item.value : '' });
    }
    const args: string[] = [];
    for (const a of e.list('args')) {
      if (typeof a !== 'string') problems.push(`${where}: the exec plugin's args must be strings`);
      else args.push(a);
    }
    if (command !== undefined && apiVersion !== undefined && EXEC_API_VERSIONS.has(apiVersion) && (mode === 'Never' || mode === 'IfAvailable' || mode === 'Always')) {
      exec = {
        // loader.go GetAuthInfoFileReferences: a command with a separator is a path; a bare name is looked up on PATH.
        command: command.includes(paths.sep) ? resolvePath(paths, base, command) : command,
        args,
        env,
        apiVersion: apiVersion as ExecPluginConfig['apiVersion'],
        interactiveMode: mode,
        provideClusterInfo: e.bool('provideClusterInfo'),
        installHint: e.string('installHint'),
        clusterConfig: execClusterExtension(cluster.body),
      };
    }
  }

  let authProvider: KubeUserAuth['authProvider'];
  if (providerRaw !== undefined) {
    const p = fieldReader(providerRaw, `the auth-provider of ${where}`, problems);
    const name = p.string('name');
    if (name === undefined) problems.push(`${where}: the auth-provider has no name`);
    const config: Record<string, string> = {};
    for (const [k, v] of Object.entries(p.record('config') ?? {})) if (typeof v === 'string') config[k] = v;
    if (name !== undefined) authProvider = { name, config };
  }

  let impersonate: KubeUserAuth['impersonate'];
  const as = u.string('as');
  const asUid = u.string('as-uid');
  const asGroups = u.list('as-groups').filter((g): g is string => typeof g === 'string');
  const extraRaw = u.record('as-user-extra') ?? {};
  const extra: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(extraRaw)) extra[k] = Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  if (as !== undefined) impersonate = { user: as, uid: asUid, groups: asGroups, extra };
  else if (asUid !== undefined || asGroups.length > 0 || Object.keys(extra).length > 0) {
    problems.push(`${where}: as-uid, as-groups or as-user-extra need "as" (a user to impersonate)`);
  }

  return {
    token,
    tokenFile: tokenFileRaw !== undefined ? resolvePath(paths, base, tokenFileRaw) : undefined,
    basic: username !== undefined || password !== undefined ? { username: username ?? '', password: password ?? '' } : undefined,
    clientCertificateFile: certFileRaw !== undefined ? resolvePath(paths, base, certFileRaw) : undefined,
    clientCertificateData: certData,
    clientKeyFile: keyFileRaw !== undefined ? resolvePath(paths, base, keyFileRaw) : undefined,
    clientKeyData: keyData,
    exec,
    authProvider,
    impersonate,
  };
}

function execClusterExtension(cluster: Record<string, unknown>): unknown {
  const ext = cluster.extensions;
  if (!Array.isArray(ext)) return undefined;
  for (const e of ext) if (isRecord(e) && e.name === EXEC_CLUSTER_EXTENSION) return e.extension;
  return undefined;
}

/** loader.go `ResolvePaths`: empty and absolute paths stay, relative ones join the defining file's folder. */
function resolvePath(paths: PathRules, base: string, p: string): string {
  return paths.isAbsolute(p) ? p : paths.resolve(base, p);
}

/** The server URL as client-go would use it, or undefined when it is not http(s). */
function normalizeServer(raw: string, tls: boolean): string | undefined {
  const withScheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(raw) ? raw : `${tls ? 'https' : 'http'}://${raw}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
  if (u.username !== '' || u.password !== '') return undefined;
  // client_config.go: query and fragment of the server are dropped; a path prefix is kept.
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
}

function validProxyUrl(raw: string): boolean {
  try {
    const u = new URL(raw);
    return ['http:', 'https:', 'socks5:', 'socks5h:'].includes(u.protocol) && u.hostname !== '';
  } catch {
    return false;
  }
}

/** k8s.io/apimachinery/pkg/util/validation IsDNS1123Label. */
function isDns1123Label(s: string): boolean {
  return s.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s);
}

function isBase64(s: string): boolean {
  return /^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(s);
}

interface FieldReader {
  string(key: string): string | undefined;
  bool(key: string): boolean;
  record(key: string): Record<string, unknown> | undefined;
  list(key: string): readonly unknown[];
}

/** Reads typed fields of one entry; a field of the wrong type is a problem of that entry only. */
function fieldReader(body: Record<string, unknown>, where: string, problems: string[]): FieldReader {
  const wrong = (key: string, type: string): undefined => {
    problems.push(`${where}: "${key}" must be ${type}`);
    return undefined;
  };
  return {
    string: (key) => {
      const v = body[key];
      if (v === undefined || v === null || v === '') return undefined;
      return typeof v === 'string' ? v : wrong(key, 'a string');
    },
    bool: (key) => {
      const v = body[key];
      if (v === undefined || v === null) return false;
      if (typeof v === 'boolean') return v;
      wrong(key, 'true or false');
      return false;
    },
    record: (key) => {
      const v = body[key];
      if (v === undefined || v === null) return undefined;
      return isRecord(v) ? v : wrong(key, 'a mapping');
    },
    list: (key) => {
      const v = body[key];
      if (v === undefined || v === null) return [];
      if (Array.isArray(v)) return v;
      wrong(key, 'a list');
      return [];
    },
  };
}

function stringField(obj: Record<string, unknown>, key: string): string | undefined {
  const v = obj[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function firstLine(s: string): string {
  return s.split('\n', 1)[0] ?? s;
}

/**
 * Splits a `KUBECONFIG` value into paths. kubectl uses the OS path-list separator and ignores
 * empty entries.
 */
export function splitKubeconfigEnv(value: string | undefined, separator: string): string[] {
  if (!value) return [];
  return value.split(separator).filter((p) => p.trim() !== '');
}
