/**
 * `gitops-lens`: the same core as the extension, on the command line.
 * Exit codes: 0 success, 1 a finding (drift from `diff`), 2 an error or bad usage.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diffPair } from './core/drift/engine';
import { parseArgoIgnoreDifferences, parseFluxDriftIgnore, type IgnoreSpec } from './core/drift/ignore';
import { builtinListKeys, fromOpenAPI, type ListKeys } from './core/drift/listKeys';
import { exitCodeOf, renderJson, renderText, summarize, type ResourceDrift } from './core/drift/report';
import { mergeKubeconfigs } from './core/kube/kubeconfig';
import { objectRefProblem } from './core/kube/names';
import { redact, terminalJson, terminalText } from './core/log/redact';
import { parseManifests } from './core/manifest/documents';
import { DisposableStore } from './core/lifecycle';
import type { App } from './core/model/app';
import { AppStore } from './core/store/appStore';
import { defaultKubeconfigPaths, readKubeconfigTextSync } from './infra/kubeconfigFiles';
import { health } from './cliHealth';
import { KubeClusterAccess } from './infra/k8s/clusterAccess';
import { KUSTOMIZE_NOT_FOUND, KustomizeRenderer, documentsOf, kustomizationClosure, kustomizationFileOf, type RenderedObject } from './infra/render/kustomize';
import { pathLookup } from './infra/render/process';
import { RepoFileError, linkProblem, readRegularFileSync, walkTreeSync } from './infra/repoFiles';
import { YAML_LIMITS } from './core/manifest/boundedYaml';
import { InformerPool } from './infra/k8s/informerPool';
import type { Clock, KubeconfigFile, Logger } from './core/ports';
import { isRecord } from './core/json';

declare const GITOPS_LENS_VERSION: string | undefined;
const VERSION = typeof GITOPS_LENS_VERSION === 'string' ? GITOPS_LENS_VERSION : '0.0.0-dev';

const USAGE = `Usage: gitops-lens <command> [options]

Commands:
  contexts [--kubeconfig FILE]... [--json]   List the kubeconfig contexts GitOps Lens would connect to
  status [--context NAME]... [--kubeconfig FILE]... [--json]
                                             Show every Argo CD and Flux app of the contexts (default: all)
  diff --desired PATH (--live PATH | --context NAME [--kubeconfig FILE]...) [--ignore FILE]... [--no-render] [--json]
                                             Compare manifests (a file or a directory of .yaml/.yml) with
                                             live objects; --ignore reads ignore rules of Argo CD
                                             Applications and Flux HelmReleases/Kustomizations.
                                             Kustomize folders under PATH are rendered (kustomize build,
                                             else kubectl kustomize) unless --no-render.
                                             Exit 0 in sync, 1 drift, 2 error
  health --live FILE... [--argocd-cm FILE] [--json]
                                             Each live object's health as Argo CD computes it (files as
                                             kubectl get -o yaml writes them), with the Lua checks of an
                                             argocd-cm ConfigMap, and the app health Argo CD aggregates.
                                             Exit 0 Healthy, 1 otherwise, 2 error
  help                                       Show this help
  --version                                  Print the version

Kubeconfig files are read from KUBECONFIG (or ~/.kube/config) and every --kubeconfig FILE.`;

export interface CliIo {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** True when stdout is a terminal: text output is coloured. */
  readonly isTty?: boolean;
  /** `diff --context` reads live objects through this (tests pass a fake); default: client-node. */
  readonly cluster?: Pick<KubeClusterAccess, 'get'>;
}

export class UsageError extends Error {}

export async function main(argv: readonly string[], rawIo: CliIo): Promise<number> {
  // stderr carries messages with text from clusters and kubeconfig files in them (server errors,
  // names): credentials redacted and control characters shown escaped, line feeds of our own kept.
  // stdout is made safe where it is built (cells, JSON, drift results), so diff colours survive.
  const io: CliIo = { ...rawIo, err: (s) => rawIo.err(terminalText(s, { multiline: true })) };
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      case '--version':
      case 'version':
        io.out(VERSION);
        return 0;
      case 'contexts':
        return contexts(rest, io);
      case 'status':
        return await status(rest, io);
      case 'diff':
        return await diff(rest, io);
      case 'health':
        return await health(rest, io, (m) => new UsageError(m));
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`gitops-lens: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    io.err(`gitops-lens: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
}

function readKubeconfigFiles(extra: readonly string[], io: CliIo): { paths: readonly string[]; files: KubeconfigFile[] } {
  const explicit = extra.length > 0;
  const paths = explicit ? extra : defaultKubeconfigPaths(io.env);
  const files: KubeconfigFile[] = paths.map((p) => {
    try {
      return { path: p, text: readKubeconfigTextSync(p) };
    } catch (err) {
      // A file named on the command line must exist; the implicit default may be absent.
      if (explicit) throw new Error(`cannot read kubeconfig ${p}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      return { path: p, text: undefined };
    }
  });
  return { paths, files };
}

function contexts(args: readonly string[], io: CliIo): number {
  const extra: string[] = [];
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') json = true;
    else if (a === '--kubeconfig') {
      const v = args[++i];
      if (!v) throw new UsageError('--kubeconfig needs a file');
      extra.push(v);
    } else throw new UsageError(`unknown option "${a}" for contexts`);
  }
  const { paths, files } = readKubeconfigFiles(extra, io);
  const merged = mergeKubeconfigs(files);
  for (const p of merged.problems) io.err(`${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`);
  if (json) {
    io.out(
      terminalJson({
        currentContext: merged.currentContext ?? null,
        contexts: merged.contexts.map((c) => ({
          name: c.name,
          cluster: c.cluster,
          user: c.user,
          server: c.server ?? null,
          namespace: c.namespace ?? null,
          current: c.isCurrent,
        })),
      }),
    );
  } else if (merged.contexts.length === 0) {
    io.err(`no kubeconfig contexts found in ${paths.join(', ')}`);
  } else {
    const rows = merged.contexts.map((c) => [c.isCurrent ? '*' : ' ', c.name, c.server ?? '-', c.namespace ?? '-']);
    io.out(table([[' ', 'CONTEXT', 'SERVER', 'NAMESPACE'], ...rows]));
  }
  return merged.problems.length > 0 || merged.contexts.length === 0 ? 2 : 0;
}

const nodeClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return { dispose: () => clearTimeout(t) };
  },
};

/** How long `status` waits for every context to be ready or unreachable. */
const STATUS_TIMEOUT_MS = 15_000;
/** An exec credential plugin gets less, so that its timeout (and its name) is what `status` reports. */
const STATUS_EXEC_TIMEOUT_MS = 10_000;

/**
 * `status`: the extension's informer pool and AppStore, run until every chosen context answered
 * (ready or unreachable) once, then one row per app. Exit 2 when a context could not be read.
 */
async function status(args: readonly string[], io: CliIo): Promise<number> {
  const extra: string[] = [];
  const wanted: string[] = [];
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') json = true;
    else if (a === '--kubeconfig' || a === '--context') {
      const v = args[++i];
      if (!v) throw new UsageError(`${a} needs a ${a === '--context' ? 'name' : 'file'}`);
      (a === '--context' ? wanted : extra).push(v);
    } else throw new UsageError(`unknown option "${a}" for status`);
  }
  const { paths, files } = readKubeconfigFiles(extra, io);
  const merged = mergeKubeconfigs(files);
  for (const p of merged.problems) io.err(`${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`);
  if (merged.contexts.length === 0) {
    io.err(`gitops-lens: no kubeconfig contexts found in ${paths.join(', ')}`);
    return 2;
  }
  const known = new Set(merged.contexts.map((c) => c.name));
  const unknown = wanted.filter((w) => !known.has(w));
  if (unknown.length > 0) {
    io.err(`gitops-lens: no context named ${unknown.map((u) => `"${u}"`).join(', ')} in ${paths.join(', ')}`);
    return 2;
  }
  const chosen = wanted.length > 0 ? [...new Set(wanted)] : merged.contexts.map((c) => c.name);

  // Logs go to stderr only from warnings up: stdout stays a table or JSON document.
  const log: Logger = {
    trace: () => undefined,
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: (m) => io.err(m),
  };
  const pool = new InformerPool({ kubeconfig: () => files, log, clock: nodeClock, limits: { execTimeoutMs: STATUS_EXEC_TIMEOUT_MS } });
  const store = new AppStore(nodeClock, log);
  const scope = new DisposableStore();
  scope.add(store);
  scope.add(pool);
  scope.add(store.connect(pool));
  try {
    const settled = new Promise<void>((resolve) => {
      const check = (): void => {
        const done = chosen.every((c) => {
          const phase = store.status(c).connection.phase;
          return phase === 'ready' || phase === 'unreachable';
        });
        if (done) resolve();
      };
      store.onDidChange(check, undefined, scope);
      for (const c of chosen) pool.start(c);
      check();
    });
    await Promise.race([settled, new Promise<void>((r) => scope.add(nodeClock.setTimeout(r, STATUS_TIMEOUT_MS)))]);

    let failed = false;
    for (const c of chosen) {
      const s = store.status(c);
      const conn = s.connection;
      if (conn.phase === 'unreachable') {
        failed = true;
        const hint = conn.lastError.code === 'Unauthorized' ? ' (the credentials were rejected: log in again or refresh the token)' : '';
        io.err(`gitops-lens: context "${c}" is unreachable: ${conn.lastError.code}: ${conn.lastError.message}${hint}`);
      } else if (conn.phase !== 'ready') {
        failed = true;
        io.err(`gitops-lens: context "${c}" did not answer within ${STATUS_TIMEOUT_MS / 1000} s`);
      } else {
        if (s.forbiddenNamespaces.length > 0) {
          io.err(`warning: context "${c}": no access to namespace(s) ${s.forbiddenNamespaces.join(', ')}; showing what is visible`);
        }
        for (const tool of s.absentTools) io.err(`note: context "${c}" has no ${tool === 'argocd' ? 'Argo CD' : 'Flux'} CRDs`);
      }
    }
    const apps = store
      .all()
      .filter((a) => a.role === 'app' && chosen.includes(a.cluster))
      .sort((a, b) => cmp(a.cluster, b.cluster) || cmp(a.tool, b.tool) || cmp(a.kind, b.kind) || cmp(a.namespace, b.namespace) || cmp(a.name, b.name));
    if (json) io.out(terminalJson({ apps: apps.map(appJson) }));
    else if (apps.length === 0) io.err('no Argo CD or Flux apps found');
    else {
      const header = ['CLUSTER', 'TOOL', 'KIND', 'NAMESPACE', 'NAME', 'SYNC', 'HEALTH', 'SUSPENDED', 'REVISION', 'MESSAGE', 'LAST RECONCILE', 'SOURCE', 'DESTINATION'];
      io.out(table([header, ...apps.map(appRow)]));
    }
    return failed ? 2 : 0;
  } finally {
    scope.dispose();
  }
}

/** A parsed YAML document with the place it came from. */
interface SourcedObject {
  readonly obj: Record<string, unknown>;
  readonly file: string;
  readonly line: number;
}

class InputError extends Error {}


/** The walk of a --desired/--live folder: a whole repository may be given (bytes: the YAML read, 64 MiB). */
const FOLDER_LIMITS = { maxEntries: 100_000 };

/**
 * Every .yaml/.yml file under a path (the path itself if it is a file), in a stable order. Bounded,
 * and no link is followed out of the path (repoFiles.ts): a link to a file inside it is read, one
 * leaving it, in a loop or to a FIFO is an error naming it; folder links are not entered.
 */
function yamlFiles(p: string): string[] {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch (err) {
    throw new InputError(`cannot read ${p}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (!st.isDirectory()) return [p]; // named on the command line: readYamlFile refuses anything but a regular file
  const isYaml = (f: string): boolean => /\.ya?ml$/i.test(f);
  let tree;
  try {
    // .git and editor folders skipped; only the YAML files' bytes count, as only they are read.
    tree = walkTreeSync([p], { limits: FOLDER_LIMITS, skip: (name) => name.startsWith('.'), countBytes: isYaml });
  } catch (err) {
    if (err instanceof RepoFileError) throw new InputError(err.message);
    throw err;
  }
  const out: string[] = [];
  for (const e of tree.entries) {
    if (!isYaml(e.path)) continue;
    if (e.kind === 'special') throw new InputError(`${e.path} is not a regular file: not read`);
    if (e.kind === 'link' && (e.target.kind !== 'file' || !e.target.inside)) {
      if (e.target.kind === 'dir' && e.target.inside) continue; // a folder named *.yaml, not entered
      throw new InputError(linkProblem(e, e.path, p));
    }
    out.push(e.path);
  }
  return out;
}

/** A YAML file's text: a regular file (through links the walk allowed) of at most the YAML size bound. */
function readYamlFile(file: string): string {
  try {
    return readRegularFileSync(fs.realpathSync(file), YAML_LIMITS.maxChars).toString('utf8');
  } catch (err) {
    if (err instanceof RepoFileError) throw new InputError(err.message);
    throw new InputError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/**
 * Kubernetes objects of the YAML files under a path. Bad YAML and documents without
 * apiVersion/kind/metadata.name are errors that name the file and line. `kind: List` is expanded;
 * kustomize's own files (kustomize.config.k8s.io) are not objects and are skipped.
 */
function readObjects(p: string, skip: ReadonlySet<string> = new Set()): SourcedObject[] {
  const out: SourcedObject[] = [];
  for (const file of yamlFiles(p)) {
    if (skip.has(path.resolve(file))) continue;
    const parsed = parseManifests(readYamlFile(file), { file });
    // Lines and columns of the parser are 0-based; editors and compilers print them 1-based.
    const problem = parsed.problems[0];
    if (problem) throw new InputError(`${file}:${problem.line + 1}:${problem.column + 1}: invalid YAML: ${problem.message}`);
    for (const doc of parsed.documents) {
      const line = doc.headerLine + 1;
      const value = doc.value;
      const items = isRecord(value) && value.kind === 'List' && Array.isArray(value.items) ? (value.items as unknown[]) : [value];
      for (const v of items) {
        if (!isRecord(v) || typeof v.apiVersion !== 'string' || typeof v.kind !== 'string') throw new InputError(`${file}:${line}: not a Kubernetes object (apiVersion and kind are required)`);
        if (v.apiVersion.startsWith('kustomize.config.k8s.io/')) continue;
        if (!isRecord(v.metadata) || typeof v.metadata.name !== 'string' || v.metadata.name === '') throw new InputError(`${file}:${line}: ${v.kind} has no metadata.name`);
        out.push({ obj: v, file, line });
      }
    }
  }
  return out;
}

const groupOfApiVersion = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');
const nsOf = (o: Record<string, unknown>): string => (isRecord(o.metadata) && typeof o.metadata.namespace === 'string' ? o.metadata.namespace : '');
const nameOf = (o: Record<string, unknown>): string => (isRecord(o.metadata) && typeof o.metadata.name === 'string' ? o.metadata.name : '');
/** Identity without the version: the API server serves one object under every version of its group. */
const gkn = (o: Record<string, unknown>): string => `${groupOfApiVersion(o.apiVersion as string)}/${o.kind as string}/${nameOf(o)}`;

/** List keys per group/kind: CRD schemas found among the objects, else the built-in table. */
function listKeysFor(objects: readonly Record<string, unknown>[]): (o: Record<string, unknown>) => ListKeys {
  const crds = new Map<string, ListKeys>();
  for (const o of objects) {
    if (o.kind !== 'CustomResourceDefinition' || !isRecord(o.spec) || !isRecord(o.spec.names)) continue;
    const versions = Array.isArray(o.spec.versions) ? o.spec.versions.filter(isRecord) : [];
    for (const v of versions) {
      const schema = isRecord(v.schema) && isRecord(v.schema.openAPIV3Schema) ? v.schema.openAPIV3Schema : undefined;
      crds.set(`${String(o.spec.group)}/${String(v.name)}/${String(o.spec.names.kind)}`, fromOpenAPI(schema));
    }
  }
  return (o) => {
    const apiVersion = o.apiVersion as string;
    const group = groupOfApiVersion(apiVersion);
    return crds.get(`${group}/${apiVersion.slice(apiVersion.indexOf('/') + 1)}/${o.kind as string}`) ?? builtinListKeys({ group, kind: o.kind as string });
  };
}

/** Ignore rules from Argo CD Applications and Flux HelmReleases/Kustomizations in the --ignore files. */
function readIgnore(files: readonly string[]): IgnoreSpec[] {
  const specs: IgnoreSpec[] = [];
  for (const f of files) {
    for (const { obj, file, line } of readObjects(f)) {
      const spec = isRecord(obj.spec) ? obj.spec : {};
      const where = `${file}:${line}: ${obj.kind as string} ${nameOf(obj)}`;
      let parsed;
      if (obj.kind === 'Application' && (obj.apiVersion as string).startsWith('argoproj.io/')) parsed = parseArgoIgnoreDifferences(spec.ignoreDifferences);
      else if (obj.kind === 'HelmRelease' && (obj.apiVersion as string).startsWith('helm.toolkit.fluxcd.io/')) {
        parsed = parseFluxDriftIgnore(isRecord(spec.driftDetection) ? spec.driftDetection.ignore : undefined);
      } else if (obj.kind === 'Kustomization' && (obj.apiVersion as string).startsWith('kustomize.toolkit.fluxcd.io/')) {
        // kustomize-controller's merged field is spec.ignore (fluxcd/kustomize-controller#1627, Flux 2.9);
        // spec.driftIgnoreRules is its draft's name, still read so early adopters' rules are not dropped.
        const merged = Array.isArray(spec.ignore);
        parsed = parseFluxDriftIgnore(merged ? spec.ignore : spec.driftIgnoreRules, merged ? 'spec.ignore' : 'spec.driftIgnoreRules');
      } else throw new InputError(`${where}: --ignore takes Argo CD Applications, Flux HelmReleases or Flux Kustomizations`);
      if (parsed.problems.length > 0) throw new InputError(parsed.problems.map((p) => `${where}: ${p}`).join('\n'));
      specs.push(...parsed.specs);
    }
  }
  return specs;
}

/** One resource's result: masked, normalized, three-way when live carries last-applied (core/drift/engine). */
function diffOne(desired: SourcedObject, live: Record<string, unknown>, listKeys: ListKeys, ignore: readonly IgnoreSpec[]): ResourceDrift {
  const { id, changes } = diffPair(desired.obj, live, listKeys, ignore);
  return { ...id, status: changes.length > 0 ? 'Drifted' : 'InSync', changes, source: { file: desired.file, line: desired.line } };
}

function isNotFound(err: unknown): boolean {
  const e = err as { code?: unknown; statusCode?: unknown; body?: unknown };
  return e.code === 404 || e.statusCode === 404 || (typeof e.body === 'string' && e.body.includes('"code":404'));
}

/** Folders under a path (the path itself included) that hold a kustomization file; the walk of yamlFiles, bounded, links not entered. */
async function kustomizationDirs(p: string): Promise<string[]> {
  const st = fs.statSync(p, { throwIfNoEntry: false });
  if (!st) return []; // readObjects reports the unreadable path
  if (st.isFile()) return (await kustomizationFileOf(path.dirname(p))) === path.resolve(p) ? [path.dirname(path.resolve(p))] : [];
  if (!st.isDirectory()) return [];
  let tree;
  try {
    tree = walkTreeSync([path.resolve(p)], { limits: FOLDER_LIMITS, skip: (name) => name.startsWith('.') || name === 'node_modules', countBytes: () => false });
  } catch (err) {
    if (err instanceof RepoFileError) throw new InputError(err.message);
    throw err;
  }
  const out: string[] = [];
  for (const dir of tree.dirs) if (await kustomizationFileOf(dir)) out.push(dir); // depth first, names sorted, as before
  return out;
}

/**
 * Desired objects of the kustomize folders under a path: each top-level kustomization (one no other
 * kustomization there builds) rendered; every file those builds read is then left out of the plain
 * reading. Objects name the document they came from (file:line); generated objects (configMapGenerator,
 * secretGenerator) name the kustomization file that configures them. Without kustomize or kubectl the
 * folders are compared as plain documents, with a note on stderr.
 */
async function renderKustomizations(p: string, io: CliIo): Promise<{ objects: SourcedObject[]; consumed: Set<string> }> {
  const dirs = await kustomizationDirs(p);
  const closures = new Map<string, Awaited<ReturnType<typeof kustomizationClosure>>>();
  for (const d of dirs) {
    try {
      closures.set(d, await kustomizationClosure(d));
    } catch (err) {
      if (err instanceof RepoFileError) throw new InputError(`${d}: ${err.message}`);
      throw err;
    }
  }
  const top = dirs.filter((d) => !dirs.some((o) => o !== d && closures.get(o)?.dirs.has(d)));
  const objects: SourcedObject[] = [];
  const consumed = new Set<string>();
  if (top.length === 0) return { objects, consumed };
  const renderer = new KustomizeRenderer({ findExecutable: pathLookup(io.env.PATH ?? process.env.PATH) });
  for (const dir of top) {
    const kfile = (await kustomizationFileOf(dir)) as string;
    const r = await renderer.renderFolder(dir);
    if (!r.ok) {
      if (r.fallback === KUSTOMIZE_NOT_FOUND) {
        io.err(`note: neither kustomize nor kubectl is on PATH: ${kfile} and its bases are compared as plain documents`);
        return { objects: [], consumed: new Set() };
      }
      throw new InputError(`${kfile}: ${r.fallback}`);
    }
    for (const f of closures.get(dir)?.files.keys() ?? []) consumed.add(f);
    const byFile = new Map<string, RenderedObject[]>();
    for (const o of r.objects) {
      const file = o.file ?? kfile;
      byFile.set(file, [...(byFile.get(file) ?? []), o.file ? o : { ...o, file }]);
    }
    for (const [file, objs] of byFile) {
      let text = '';
      try {
        text = readRegularFileSync(fs.realpathSync(file), YAML_LIMITS.maxChars).toString('utf8');
      } catch {
        // a file kustomize read but we cannot: its objects point at line 1
      }
      const docs = parseManifests(text).documents;
      const mapped = documentsOf(file, text, objs);
      const lineOf = new Map(mapped.map((m) => [m.desired, (docs.find((d) => d.index === m.documentIndex)?.headerLine ?? 0) + 1]));
      for (const o of objs) objects.push({ obj: o.desired as Record<string, unknown>, file: path.isAbsolute(p) ? file : path.relative(process.cwd(), file), line: lineOf.get(o.desired) ?? 1 });
    }
  }
  return { objects, consumed };
}

/**
 * `diff`: desired manifests against live objects from files (`--live`) or from a cluster
 * (`--context`, one GET per desired object; Extra is not computed then, as nothing lists the cluster).
 */
async function diff(args: readonly string[], io: CliIo): Promise<number> {
  let desiredPath: string | undefined;
  let livePath: string | undefined;
  let context: string | undefined;
  const kubeconfigs: string[] = [];
  const ignoreFiles: string[] = [];
  let json = false;
  let render = true;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json' || a === '--no-render') {
      if (a === '--json') json = true;
      else render = false;
      continue;
    }
    const v = args[++i];
    if (a === '--desired' || a === '--live' || a === '--context' || a === '--kubeconfig' || a === '--ignore') {
      if (!v) throw new UsageError(`${a} needs a ${a === '--context' ? 'name' : 'path'}`);
      if (a === '--desired') desiredPath = v;
      else if (a === '--live') livePath = v;
      else if (a === '--context') context = v;
      else (a === '--kubeconfig' ? kubeconfigs : ignoreFiles).push(v);
    } else throw new UsageError(`unknown option "${a ?? ''}" for diff`);
  }
  if (!desiredPath) throw new UsageError('diff needs --desired PATH');
  if ((livePath === undefined) === (context === undefined)) throw new UsageError('diff needs exactly one of --live PATH and --context NAME');
  if (livePath !== undefined && kubeconfigs.length > 0) throw new UsageError('--kubeconfig goes with --context');

  try {
    const rendered = render ? await renderKustomizations(desiredPath, io) : { objects: [], consumed: new Set<string>() };
    const desired = [...rendered.objects, ...readObjects(desiredPath, rendered.consumed)];
    // Names become URL segments with --context: `.`, `..`, `a/b`, `%2e` are refused for every mode,
    // before any request, at the document that says them (issue 12; core/kube/names.ts).
    const invalid = desired.flatMap((d) => {
      const problem = objectRefProblem({ apiVersion: d.obj.apiVersion as string, kind: d.obj.kind as string, namespace: nsOf(d.obj), name: nameOf(d.obj) });
      return problem === undefined ? [] : [`${d.file}:${d.line}: ${problem}`];
    });
    if (invalid.length > 0) throw new InputError(invalid.join('\n'));
    const ignore = readIgnore(ignoreFiles);
    const results: ResourceDrift[] = [];
    if (livePath !== undefined) {
      const live = readObjects(livePath);
      const keysOf = listKeysFor([...desired, ...live].map((o) => o.obj));
      const unmatched = new Set(live.map((_, i) => i));
      for (const d of desired) {
        // Same group, kind and name; the namespace must match when the manifest names one.
        const j = live.findIndex((l, i) => unmatched.has(i) && gkn(l.obj) === gkn(d.obj) && (nsOf(d.obj) === '' || nsOf(d.obj) === nsOf(l.obj)));
        const l = live[j];
        if (!l) {
          results.push({ apiVersion: d.obj.apiVersion as string, kind: d.obj.kind as string, namespace: nsOf(d.obj) || undefined, name: nameOf(d.obj), status: 'Missing', changes: [], source: { file: d.file, line: d.line } });
          continue;
        }
        unmatched.delete(j);
        results.push(diffOne(d, l.obj, keysOf(d.obj), ignore));
      }
      for (const i of unmatched) {
        const l = (live[i] as SourcedObject).obj;
        results.push({ apiVersion: l.apiVersion as string, kind: l.kind as string, namespace: nsOf(l) || undefined, name: nameOf(l), status: 'Extra', changes: [] });
      }
    } else {
      const { files } = readKubeconfigFiles(kubeconfigs, io);
      const cluster = io.cluster ?? new KubeClusterAccess({ kubeconfig: () => files });
      const keysOf = listKeysFor(desired.map((o) => o.obj));
      for (const d of desired) {
        let live: unknown;
        try {
          live = await cluster.get(context as string, { apiVersion: d.obj.apiVersion as string, kind: d.obj.kind as string, namespace: nsOf(d.obj), name: nameOf(d.obj) });
        } catch (err) {
          if (!isNotFound(err)) throw new Error(`cannot read ${d.obj.kind as string} ${nameOf(d.obj)} (${d.file}:${d.line}) from context "${context as string}": ${err instanceof Error ? err.message : String(err)}`);
          live = undefined;
        }
        if (!isRecord(live)) {
          results.push({ apiVersion: d.obj.apiVersion as string, kind: d.obj.kind as string, namespace: nsOf(d.obj) || undefined, name: nameOf(d.obj), status: 'Missing', changes: [], source: { file: d.file, line: d.line } });
        } else results.push(diffOne(d, live, keysOf(d.obj), ignore));
      }
    }
    io.out(json ? terminalJson(JSON.parse(renderJson(results))) : renderText(results.map(forTerminal), { color: io.isTty === true }));
    return exitCodeOf(summarize(results));
  } catch (err) {
    if (err instanceof InputError) {
      io.err(`gitops-lens: ${err.message}`);
      return 2;
    }
    throw err;
  }
}

/**
 * A drift result as text may show it: names, paths and values come from manifests and clusters, so
 * every string in it is redacted and its control characters escaped (core/log/redact.ts), before
 * renderText adds colours of its own.
 */
function forTerminal(r: ResourceDrift): ResourceDrift {
  const deep = (v: unknown): unknown =>
    typeof v === 'string' ? terminalText(v) : Array.isArray(v) ? v.map(deep) : isRecord(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [terminalText(k), deep(x)])) : v;
  return deep(r) as ResourceDrift;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sourceText(app: App): string {
  return app.sources
    .map((s) => s.ref ?? [s.repoURL, s.chart ?? s.path, s.targetRevision].filter((x) => x !== undefined && x !== '').join(' '))
    .join('; ');
}

function destinationText(app: App): string {
  const d = app.destination;
  if (!d) return '';
  return [d.name ?? d.server, d.namespace].filter((x) => x !== undefined && x !== '').join('/');
}

/** One line of at most `max` characters; redacted first, so a cut never keeps part of a credential. */
function oneLine(s: string | undefined, max = 80): string {
  const t = redact(s ?? '').replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

function appRow(a: App): string[] {
  const dash = (s: string): string => (s === '' ? '-' : s);
  return [
    a.cluster, a.tool, a.kind, a.namespace, a.name, a.sync.status, a.health.status, a.suspended ? 'yes' : 'no',
    dash(a.revision ?? ''), dash(oneLine(a.message)), dash(a.lastReconciled ?? ''), dash(oneLine(sourceText(a), 60)), dash(destinationText(a)),
  ];
}

function appJson(a: App): Record<string, unknown> {
  return {
    cluster: a.cluster,
    tool: a.tool,
    kind: a.kind,
    namespace: a.namespace,
    name: a.name,
    project: a.project ?? null,
    sync: a.sync.status,
    syncReason: a.sync.reason ?? null,
    health: a.health.status,
    healthMessage: a.health.status === 'Healthy' ? (a.health.message ?? null) : a.health.message,
    suspended: a.suspended,
    revision: a.fullRevision ?? null,
    message: a.message ?? null,
    lastReconciled: a.lastReconciled ?? null,
    sources: a.sources,
    destination: a.destination ?? null,
  };
}

/** Columns padded to the widest cell; each cell is outside text made one inert line (terminalText). */
function table(rawRows: readonly (readonly string[])[]): string {
  const rows = rawRows.map((r) => r.map((cell) => terminalText(cell)));
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

// Runs only as the bundled entry point, never when a test imports this module.
if (require.main === module) {
  void main(process.argv.slice(2), {
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(`${s}\n`),
    env: process.env,
    isTty: process.stdout.isTTY === true,
  }).then((code) => {
    process.exitCode = code;
  });
}
