/**
 * `gitops-lens status`: the extension's informer pool and AppStore, run until every chosen context
 * answered (ready or unreachable) once, then one row per app. Exit 2 when a context could not be read.
 */
import { DisposableStore } from '../core/lifecycle';
import type { App } from '../core/model/app';
import type { Clock, KubeconfigFile, Logger } from '../core/ports';
import { AppStore } from '../core/store/appStore';
import { redact } from '../core/log/redact';
import { InformerPool } from '../infra/k8s/informerPool';
import { argoCdStatus, argoCdTargets } from '../infra/argocd/statusSource';
import { parseArgs, UsageError, type ParsedArgs } from './args';
import { readKubeconfig } from './contexts';
import type { CliIo } from './io';
import type { CliOutput } from './output';

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

export async function status(args: readonly string[], io: CliIo, out: CliOutput): Promise<number> {
  const a = parseArgs('status', args, {
    flags: ['--json', '--insecure'],
    values: { '--kubeconfig': 'file', '--context': 'name', '--argocd-config': 'file', '--argocd-context': 'name', '--argocd-server': 'URL', '--argocd-token-file': 'file' },
  });
  const viaArgoCd = ['--argocd-config', '--argocd-context', '--argocd-server', '--argocd-token-file'].some((o) => a.all(o).length > 0);
  if (viaArgoCd) {
    if (a.all('--kubeconfig').length > 0 || a.all('--context').length > 0) throw new UsageError('--argocd-… options read Argo CD through its API: they do not combine with --kubeconfig or --context');
    return argoCdAppStatus(a, io, out);
  }
  if (a.has('--insecure')) throw new UsageError('--insecure goes with --argocd-server');
  const wanted = a.all('--context');
  const { paths, files, merged } = await readKubeconfig(a.all('--kubeconfig'), io, out);
  if (merged.contexts.length === 0) {
    out.error(`gitops-lens: no kubeconfig contexts found in ${paths.join(', ')}`);
    return 2;
  }
  const known = new Set(merged.contexts.map((c) => c.name));
  const unknown = wanted.filter((w) => !known.has(w));
  if (unknown.length > 0) {
    out.error(`gitops-lens: no context named ${unknown.map((u) => `"${u}"`).join(', ')} in ${paths.join(', ')}`);
    return 2;
  }
  const chosen = wanted.length > 0 ? [...new Set(wanted)] : merged.contexts.map((c) => c.name);
  const loaded = await loadApps(files, chosen, out);
  try {
    let failed = false;
    for (const c of chosen) {
      const s = loaded.store.status(c);
      const conn = s.connection;
      if (conn.phase === 'unreachable') {
        failed = true;
        const hint = conn.lastError.code === 'Unauthorized' ? ' (the credentials were rejected: log in again or refresh the token)' : '';
        out.error(`gitops-lens: context "${c}" is unreachable: ${conn.lastError.code}: ${conn.lastError.message}${hint}`);
      } else if (conn.phase !== 'ready') {
        failed = true;
        out.error(`gitops-lens: context "${c}" did not answer within ${STATUS_TIMEOUT_MS / 1000} s`);
      } else {
        if (s.forbiddenNamespaces.length > 0) {
          out.error(`warning: context "${c}": no access to namespace(s) ${s.forbiddenNamespaces.join(', ')}; showing what is visible`);
        }
        for (const tool of s.absentTools) out.error(`note: context "${c}" has no ${tool === 'argocd' ? 'Argo CD' : 'Flux'} CRDs`);
      }
    }
    printApps(loaded.apps, a.has('--json'), out);
    return failed ? 2 : 0;
  } finally {
    loaded.dispose();
  }
}

/** One row (or JSON entry) per app, in the same order for kubeconfig contexts and Argo CD servers. */
function printApps(unsorted: readonly App[], json: boolean, out: CliOutput): void {
  const apps = [...unsorted].sort((x, y) => cmp(x.cluster, y.cluster) || cmp(x.tool, y.tool) || cmp(x.kind, y.kind) || cmp(x.namespace, y.namespace) || cmp(x.name, y.name));
  if (json) out.json({ apps: apps.map(appJson) });
  else if (apps.length === 0) out.error('no Argo CD or Flux apps found');
  else {
    const header = ['CLUSTER', 'TOOL', 'KIND', 'NAMESPACE', 'NAME', 'SYNC', 'HEALTH', 'SUSPENDED', 'REVISION', 'MESSAGE', 'LAST RECONCILE', 'SOURCE', 'DESTINATION'];
    out.table([header, ...apps.map(appRow)]);
  }
}

/**
 * `status --argocd-config FILE [--argocd-context NAME]...` or `--argocd-server URL
 * --argocd-token-file F [--insecure]` (issue 16): the apps as an Argo CD login sees them, through its
 * API, with no kubeconfig; `cluster` names the Argo CD context (or the server's host).
 */
async function argoCdAppStatus(a: ParsedArgs, io: CliIo, out: CliOutput): Promise<number> {
  const server = a.one('--argocd-server');
  const tokenFile = a.one('--argocd-token-file');
  const configFile = a.one('--argocd-config');
  if (tokenFile !== undefined && server === undefined) throw new UsageError('--argocd-token-file goes with --argocd-server');
  if (a.has('--insecure') && server === undefined) throw new UsageError('--insecure goes with --argocd-server');
  const { targets, problems } = await argoCdTargets(
    {
      ...(configFile !== undefined ? { configFile } : {}),
      contexts: a.all('--argocd-context'),
      ...(server !== undefined ? { server: { url: server, ...(tokenFile !== undefined ? { tokenFile } : {}), insecure: a.has('--insecure') } } : {}),
    },
    io.env,
  );
  for (const p of problems) out.error(`gitops-lens: ${p}`);
  if (targets.length === 0) return 2;
  const log: Logger = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: (m) => out.error(m) };
  const result = await argoCdStatus(targets, { clock: nodeClock, log, timeoutMs: STATUS_TIMEOUT_MS });
  for (const o of result.outcomes) if (o.message !== undefined) out.error(`gitops-lens: ${o.message}`);
  printApps(result.apps, a.has('--json'), out);
  return problems.length > 0 || result.outcomes.some((o) => o.state !== 'ready') ? 2 : 0;
}

/**
 * The apps (and sources) of the contexts, as the extension's AppStore holds them once every context
 * answered (ready or unreachable) or the time limit passed. The caller disposes the result.
 */
export async function loadApps(
  files: readonly KubeconfigFile[],
  chosen: readonly string[],
  out: CliOutput,
): Promise<{ readonly store: AppStore; readonly apps: App[]; readonly all: readonly App[]; dispose(): void }> {
  // Logs go to stderr only from errors up: stdout stays a table or JSON document.
  const log: Logger = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: (m) => out.error(m) };
  const pool = new InformerPool({ kubeconfig: () => files, log, clock: nodeClock, limits: { execTimeoutMs: STATUS_EXEC_TIMEOUT_MS } });
  const store = new AppStore(nodeClock, log);
  const scope = new DisposableStore();
  scope.add(store);
  scope.add(pool);
  scope.add(store.connect(pool));
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
  const all = store.all().filter((x) => chosen.includes(x.cluster));
  return { store, all, apps: all.filter((x) => x.role === 'app'), dispose: () => scope.dispose() };
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
