/**
 * What `gitops-lens status --argocd-config FILE [--argocd-context NAME]` and `--argocd-server URL
 * --argocd-token-file F` need below the argument parser: which Argo CD servers to ask (from the argocd
 * CLI's config, or one URL and token), and their apps, read by the same ArgoCdApiSource and AppStore
 * the editor uses, so that the rows and JSON are those of kubeconfig contexts with `cluster` naming the
 * Argo CD context. No kubeconfig is read.
 */
import { argoCdContexts, resolveArgoCdContext } from '../../core/argocd/api/localConfig';
import { targetFromContext, targetFromUrl, type ArgoCdTarget } from '../../core/argocd/api/endpoint';
import type { ArgoCdError } from '../../core/argocd/api/errors';
import { DisposableStore } from '../../core/lifecycle';
import type { App } from '../../core/model/app';
import type { Clock, Logger } from '../../core/ports';
import { AppStore } from '../../core/store/appStore';
import { ArgoCdApiSource } from './apiSource';
import { defaultArgoCdConfigPath, readArgoCdConfig, readTokenFile } from './configFile';
import type { ArgoCdHttpLimits } from './http';

export interface ArgoCdStatusArgs {
  /** `--argocd-config FILE`; undefined with `useDefaultConfig`: the user's own (ARGOCD_CONFIG_DIR, ~/.config/argocd/config…). */
  readonly configFile?: string;
  /** `--argocd-context NAME`, repeatable; none: the config's current-context, as the argocd CLI does. */
  readonly contexts?: readonly string[];
  /** `--argocd-server URL` with `--argocd-token-file F` (and `--insecure`, for a self-signed server). */
  readonly server?: { readonly url: string; readonly tokenFile?: string; readonly insecure?: boolean };
}

/** The servers to ask, or why none can be: each problem is a line for stderr. */
export async function argoCdTargets(args: ArgoCdStatusArgs, env: NodeJS.ProcessEnv = process.env): Promise<{ readonly targets: readonly ArgoCdTarget[]; readonly problems: readonly string[] }> {
  if (args.server) {
    if (args.configFile !== undefined || (args.contexts?.length ?? 0) > 0) {
      return { targets: [], problems: ['--argocd-server cannot be combined with --argocd-config or --argocd-context'] };
    }
    let token: string | undefined;
    if (args.server.tokenFile !== undefined) {
      try {
        token = await readTokenFile(args.server.tokenFile);
      } catch (err) {
        return { targets: [], problems: [`cannot read the token: ${err instanceof Error ? err.message : String(err)}`] };
      }
    }
    let name = args.server.url;
    try {
      name = new URL(args.server.url).host;
    } catch {
      // targetFromUrl says why
    }
    const r = targetFromUrl(name, args.server.url, token, { insecure: args.server.insecure === true });
    return 'target' in r ? { targets: [r.target], problems: [] } : { targets: [], problems: [r.problem] };
  }
  const file = args.configFile ?? defaultArgoCdConfigPath(env);
  const read = await readArgoCdConfig(file);
  if (read.kind === 'absent') return { targets: [], problems: [`no argocd config at ${file} (log in with \`argocd login\`, or name a file with --argocd-config)`] };
  if (read.kind === 'refused') return { targets: [], problems: [read.problem] };
  const config = read.config;
  const problems: string[] = config.problems.map((p) => `${p.file}: ${p.message}`);
  const wanted = args.contexts && args.contexts.length > 0 ? [...new Set(args.contexts)] : [undefined];
  const targets: ArgoCdTarget[] = [];
  for (const name of wanted) {
    const r = resolveArgoCdContext(config, name);
    if ('problem' in r) {
      problems.push(r.problem);
      continue;
    }
    const t = targetFromContext(r.context);
    if ('problem' in t) problems.push(t.problem);
    else targets.push(t.target);
  }
  // Every context is listed in a problem only when nothing could be used and the file has some.
  if (targets.length === 0 && problems.length === 0) problems.push(`${file} has no usable context (${argoCdContexts(config).problems.join('; ') || 'none defined'})`);
  return { targets, problems };
}

interface ArgoCdStatusOutcome {
  readonly cluster: string;
  /** `ready`: listed; `failed`: with the typed error; `timeout`: no answer in time. */
  readonly state: 'ready' | 'failed' | 'timeout';
  readonly error?: ArgoCdError;
  /** For stderr: what went wrong, in words, or undefined when ready. */
  readonly message?: string;
}

export interface ArgoCdStatusResult {
  /** Apps (role `app`) of the servers that answered, sorted as `status` prints them. */
  readonly apps: readonly App[];
  readonly outcomes: readonly ArgoCdStatusOutcome[];
}

export interface ArgoCdStatusOptions {
  readonly clock: Clock;
  readonly log: Logger;
  /** How long to wait for every server (default 15 s, as for kubeconfig contexts). */
  readonly timeoutMs?: number;
  readonly limits?: Partial<ArgoCdHttpLimits>;
}

/** Lists the apps of each target once through ArgoCdApiSource + AppStore, then stops. */
export async function argoCdStatus(targets: readonly ArgoCdTarget[], opts: ArgoCdStatusOptions): Promise<ArgoCdStatusResult> {
  const byName = new Map(targets.map((t) => [t.name, t]));
  const scope = new DisposableStore();
  const source = scope.add(new ArgoCdApiSource({ target: (c) => byName.get(c), clock: opts.clock, log: opts.log, ...(opts.limits ? { limits: opts.limits } : {}) }));
  const store = scope.add(new AppStore(opts.clock, opts.log));
  scope.add(store.connect(source));
  try {
    const settled = new Promise<void>((resolve) => {
      const check = (): void => {
        if (targets.every((t) => ['ready', 'unreachable'].includes(store.status(t.name).connection.phase))) resolve();
      };
      store.onDidChange(check, undefined, scope);
      for (const t of targets) source.start(t.name);
      check();
    });
    await Promise.race([settled, new Promise<void>((r) => scope.add(opts.clock.setTimeout(r, opts.timeoutMs ?? 15_000)))]);
    const outcomes = targets.map((t): ArgoCdStatusOutcome => {
      const conn = store.status(t.name).connection;
      if (conn.phase === 'ready') return { cluster: t.name, state: 'ready' };
      if (conn.phase === 'unreachable') {
        const error = source.lastError(t.name);
        return { cluster: t.name, state: 'failed', ...(error ? { error } : {}), message: `Argo CD "${t.name}" could not be read: ${error?.message ?? conn.lastError.message}` };
      }
      return { cluster: t.name, state: 'timeout', message: `Argo CD "${t.name}" did not answer within ${Math.round((opts.timeoutMs ?? 15_000) / 1000)} s` };
    });
    const names = new Set(targets.map((t) => t.name));
    const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
    const apps = store
      .all()
      .filter((a) => a.role === 'app' && names.has(a.cluster))
      .sort((a, b) => cmp(a.cluster, b.cluster) || cmp(a.tool, b.tool) || cmp(a.kind, b.kind) || cmp(a.namespace, b.namespace) || cmp(a.name, b.name));
    return { apps, outcomes };
  } finally {
    scope.dispose();
  }
}
