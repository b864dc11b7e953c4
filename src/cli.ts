/**
 * `gitops-lens`: the same core as the extension, on the command line.
 * Exit codes: 0 success, 1 a finding (drift, from later commands), 2 an error or bad usage.
 */
import * as fs from 'node:fs';
import { mergeKubeconfigs } from './core/kube/kubeconfig';
import { DisposableStore } from './core/lifecycle';
import type { App } from './core/model/app';
import { AppStore } from './core/store/appStore';
import { defaultKubeconfigPaths } from './infra/kubeconfigFiles';
import { InformerPool } from './infra/k8s/informerPool';
import type { Clock, KubeconfigFile, Logger } from './core/ports';

declare const GITOPS_LENS_VERSION: string | undefined;
const VERSION = typeof GITOPS_LENS_VERSION === 'string' ? GITOPS_LENS_VERSION : '0.0.0-dev';

const USAGE = `Usage: gitops-lens <command> [options]

Commands:
  contexts [--kubeconfig FILE]... [--json]   List the kubeconfig contexts GitOps Lens would connect to
  status [--context NAME]... [--kubeconfig FILE]... [--json]
                                             Show every Argo CD and Flux app of the contexts (default: all)
  help                                       Show this help
  --version                                  Print the version

Kubeconfig files are read from KUBECONFIG (or ~/.kube/config) and every --kubeconfig FILE.`;

export interface CliIo {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

export class UsageError extends Error {}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
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
      return { path: p, text: fs.readFileSync(p, 'utf8') };
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
      JSON.stringify(
        {
          currentContext: merged.currentContext ?? null,
          contexts: merged.contexts.map((c) => ({
            name: c.name,
            cluster: c.cluster,
            user: c.user,
            server: c.server ?? null,
            namespace: c.namespace ?? null,
            current: c.isCurrent,
          })),
        },
        null,
        2,
      ),
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
  const pool = new InformerPool({ kubeconfig: () => files, log, clock: nodeClock });
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
    if (json) io.out(JSON.stringify({ apps: apps.map(appJson) }, null, 2));
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

function oneLine(s: string | undefined, max = 80): string {
  const t = (s ?? '').replace(/\s+/g, ' ').trim();
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

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

// Runs only as the bundled entry point, never when a test imports this module.
if (require.main === module) {
  void main(process.argv.slice(2), {
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(`${s}\n`),
    env: process.env,
  }).then((code) => {
    process.exitCode = code;
  });
}
