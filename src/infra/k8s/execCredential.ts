/**
 * Exec credential plugins (client.authentication.k8s.io/v1 and v1beta1), run by us rather than by
 * client-node: its `ExecAuth` (1.4.0, dist/exec_auth.js) spawns the plugin with no timeout, no bound
 * on what it prints, no way to stop it, and one run per caller, so a plugin that never returns kept
 * `status` from exiting and left one more process per Refresh.
 *
 * Here a plugin runs in its own process group, with a timeout after which the whole group is killed
 * (a plugin that forked a helper leaves nothing behind), stdout bounded, and its ExecCredential
 * validated. The credential is cached until its `expirationTimestamp` (forever without one, until
 * the server answers 401), and there is at most one run per plugin configuration at a time, shared by
 * every caller: client-go's plugin/pkg/client/auth/exec/exec.go does the same with its `globalCache`
 * of authenticators keyed by the exec config and cluster (`cacheKey`), `getCreds` under a mutex, and
 * `maybeRefreshCreds` after a 401. As there, plugins never get a terminal here: `interactiveMode:
 * Always` is refused with a clear error, `IfAvailable` runs without stdin (`isInteractive`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { ExecPluginConfig } from '../../core/kube/kubeconfig';
import { K8sRequestError, abortError, formatBytes } from './errors';
import { recordOf } from '../../core/json';

export interface ExecCredential {
  readonly token: string | undefined;
  readonly clientCertificateData: string | undefined;
  readonly clientKeyData: string | undefined;
  /** Epoch ms; undefined = valid until the server refuses it. */
  readonly expiresAt: number | undefined;
}

/** What the plugin may learn about the cluster when `provideClusterInfo` is set (ExecCredentialSpec.cluster). */
export interface ExecClusterInfo {
  readonly server: string;
  readonly 'tls-server-name'?: string;
  readonly 'insecure-skip-tls-verify'?: boolean;
  readonly 'certificate-authority-data'?: string;
  readonly 'proxy-url'?: string;
  readonly config?: unknown;
}

export interface ExecPluginRunnerOptions {
  /** How long one run may take before its process group is killed (default 60 s: long enough for a browser login). */
  readonly timeoutMs?: number;
  /** Bound on the plugin's stdout (default 1 MiB; an ExecCredential with a certificate is a few KiB). */
  readonly maxOutputBytes?: number;
  readonly now?: () => number;
}

interface Run {
  readonly promise: Promise<ExecCredential>;
  waiters: number;
  cancel(): void;
}

interface Entry {
  cached: ExecCredential | undefined;
  running: Run | undefined;
}

const STDERR_TAIL = 2048;
const KILL_GRACE_MS = 1000;

/** Control characters (a plugin's stderr may carry colours or cursor movement) become spaces. */
const clean = (s: string): string => s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, ' ');

export class ExecPluginRunner {
  private readonly entries = new Map<string, Entry>();
  /** Runs whose process is alive, to stop them on dispose. */
  private readonly live = new Set<{ cancel(): void }>();
  private readonly timeoutMs: number;
  private readonly maxOutputBytes: number;
  private readonly now: () => number;

  constructor(opts: ExecPluginRunnerOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.maxOutputBytes = opts.maxOutputBytes ?? 1024 * 1024;
    this.now = opts.now ?? Date.now;
  }

  /**
   * The credential for a plugin configuration: the cached one while valid, else the result of the
   * one run in progress (started now if none is). `signal` withdraws this caller only; the run is
   * stopped when no caller waits for it any more.
   */
  async credential(
    user: string,
    config: ExecPluginConfig,
    cluster: ExecClusterInfo | undefined,
    opts: { readonly signal?: AbortSignal; readonly timeoutMs?: number } = {},
  ): Promise<ExecCredential> {
    const key = JSON.stringify([config, config.provideClusterInfo ? cluster : undefined]);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { cached: undefined, running: undefined };
      this.entries.set(key, entry);
    }
    const cached = entry.cached;
    if (cached && (cached.expiresAt === undefined || this.now() < cached.expiresAt)) return cached;
    entry.cached = undefined;
    if (opts.signal?.aborted) throw abortError();
    let run = entry.running;
    if (!run) {
      const e = entry;
      run = this.start(user, config, cluster, opts.timeoutMs ?? this.timeoutMs);
      entry.running = run;
      const started = run;
      started.promise.then(
        (cred) => {
          if (e.running === started) e.running = undefined;
          e.cached = cred;
        },
        () => {
          if (e.running === started) e.running = undefined;
        },
      );
    }
    return this.wait(run, opts.signal);
  }

  /** After a 401: forget `credential` so the next call runs the plugin again (client-go `maybeRefreshCreds`). */
  invalidate(credential: ExecCredential): void {
    for (const e of this.entries.values()) if (e.cached === credential) e.cached = undefined;
  }

  /** Stops every running plugin (their process groups are killed). */
  dispose(): void {
    for (const r of [...this.live]) r.cancel();
  }

  private wait(run: Run, signal: AbortSignal | undefined): Promise<ExecCredential> {
    run.waiters++;
    if (!signal) return run.promise;
    return new Promise<ExecCredential>((resolve, reject) => {
      const onAbort = (): void => {
        run.waiters--;
        if (run.waiters <= 0) run.cancel();
        reject(abortError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      run.promise.then(
        (v) => {
          signal.removeEventListener('abort', onAbort);
          resolve(v);
        },
        (e: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }

  private start(user: string, config: ExecPluginConfig, cluster: ExecClusterInfo | undefined, timeoutMs: number): Run {
    const what = `the exec credential plugin "${config.command}" of user "${user}"`;
    const fail = (message: string): K8sRequestError => new K8sRequestError({ code: 'CredentialsFailed', message: `${what} ${message}` });
    if (config.interactiveMode === 'Always') {
      const run: Run = {
        promise: Promise.reject(fail('needs a terminal (interactiveMode: Always), and GitOps Lens runs plugins without one: log in with it in a terminal first, or set interactiveMode to IfAvailable')),
        waiters: 0,
        cancel: () => undefined,
      };
      run.promise.catch(() => undefined);
      return run;
    }
    const execInfo = {
      apiVersion: config.apiVersion,
      kind: 'ExecCredential',
      spec: { interactive: false, ...(config.provideClusterInfo && cluster ? { cluster: { ...cluster, config: config.clusterConfig } } : {}) },
    };
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const e of config.env) env[e.name] = e.value;
    env.KUBERNETES_EXEC_INFO = JSON.stringify(execInfo);

    let child: ChildProcess | undefined;
    let settled = false;
    let cancel: () => void = () => undefined;
    const control = { cancel: () => cancel() };
    const run: Run = {
      waiters: 0,
      cancel: control.cancel,
      promise: new Promise<ExecCredential>((resolve, reject) => {
        const stdout: Buffer[] = [];
        let stdoutBytes = 0;
        let stderr = '';
        let exitCode: number | null | undefined;
        let exitSignal: NodeJS.Signals | null = null;
        let afterExit: NodeJS.Timeout | undefined;
        const finish = (err: K8sRequestError | undefined, value?: ExecCredential): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (afterExit) clearTimeout(afterExit);
          this.live.delete(control);
          if (err) {
            killGroup(child);
            reject(err);
          } else resolve(value as ExecCredential);
        };
        cancel = () => finish(fail('was stopped: nothing waits for it any more'));
        const timer = setTimeout(() => finish(fail(`did not finish within ${Math.round(timeoutMs / 1000)} s; it was stopped (with every process it started)`)), timeoutMs);
        const complete = (): void => {
          if (exitCode !== 0) {
            const tail = clean(stderr).trim().split('\n').slice(-3).join(' ').slice(-500);
            const how = exitCode === null || exitCode === undefined ? `was killed by ${exitSignal ?? 'a signal'}` : `failed with exit code ${exitCode}`;
            return finish(fail(`${how}${tail ? `: ${tail}` : ''}`));
          }
          try {
            finish(undefined, parseExecCredential(Buffer.concat(stdout).toString('utf8'), config.apiVersion));
          } catch (e) {
            finish(fail((e as Error).message));
          }
        };
        try {
          child = spawn(config.command, [...config.args], {
            env,
            // Its own process group (POSIX), so a timeout can kill everything it started.
            detached: process.platform !== 'win32',
            stdio: ['ignore', 'pipe', 'pipe'],
            windowsHide: true,
          });
        } catch (e) {
          return finish(fail(`could not be started: ${(e as Error).message}`));
        }
        this.live.add(control);
        child.stdout?.on('data', (d: Buffer) => {
          stdoutBytes += d.length;
          if (stdoutBytes > this.maxOutputBytes) return finish(fail(`printed more than ${formatBytes(this.maxOutputBytes)}; an ExecCredential is a few KiB`));
          stdout.push(d);
        });
        child.stderr?.on('data', (d: Buffer) => {
          stderr = (stderr + d.toString('utf8')).slice(-STDERR_TAIL);
        });
        child.on('error', (e: NodeJS.ErrnoException) => {
          if (e.code === 'ENOENT') {
            const hint = config.installHint ? `\n${clean(config.installHint).slice(0, 500)}` : '';
            return finish(fail(`was not found (is it installed and on PATH?)${hint}`));
          }
          finish(fail(`could not be run: ${e.code ?? e.message}`));
        });
        child.on('exit', (code, signal) => {
          if (settled) return;
          exitCode = code;
          exitSignal = signal;
          // A helper the plugin started may hold stdout open after the plugin exited: wait briefly for
          // the pipes to close, then take what was printed and stop the rest of the group.
          afterExit = setTimeout(() => {
            killGroup(child);
            complete();
          }, KILL_GRACE_MS);
        });
        child.on('close', () => {
          if (exitCode === undefined) return;
          complete();
        });
      }),
    };
    run.promise.catch(() => undefined);
    return run;
  }
}

/** Kills the plugin and everything in its process group: SIGTERM, then SIGKILL for what is left. */
function killGroup(child: ChildProcess | undefined): void {
  if (!child?.pid) return;
  const pid = child.pid;
  const signal = (sig: NodeJS.Signals): void => {
    try {
      if (process.platform === 'win32') child.kill(sig);
      else process.kill(-pid, sig);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const t = setTimeout(() => signal('SIGKILL'), KILL_GRACE_MS);
  t.unref();
}

/** Validates the plugin's stdout as client-go's `refreshCredsLocked` does. */
function parseExecCredential(text: string, apiVersion: string): ExecCredential {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    throw new Error('printed something that is not an ExecCredential (JSON expected on stdout)');
  }
  const o = recordOf(obj);
  if (o.kind !== 'ExecCredential') throw new Error('printed JSON that is not an ExecCredential');
  if (o.apiVersion !== apiVersion) throw new Error(`is configured for ${apiVersion} but answered ${typeof o.apiVersion === 'string' ? clean(o.apiVersion).slice(0, 80) : 'no apiVersion'}`);
  if (typeof o.status !== 'object' || o.status === null) throw new Error('returned no status');
  const s = recordOf(o.status);
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const token = str(s.token);
  const cert = str(s.clientCertificateData);
  const key = str(s.clientKeyData);
  if (token === undefined && cert === undefined && key === undefined) throw new Error('returned neither a token nor a client certificate and key');
  if ((cert === undefined) !== (key === undefined)) throw new Error('returned only one of the client certificate and key');
  let expiresAt: number | undefined;
  if (s.expirationTimestamp !== undefined && s.expirationTimestamp !== null) {
    expiresAt = typeof s.expirationTimestamp === 'string' ? Date.parse(s.expirationTimestamp) : NaN;
    if (Number.isNaN(expiresAt)) throw new Error('returned an expirationTimestamp that is not an RFC 3339 time');
  }
  return { token, clientCertificateData: cert, clientKeyData: key, expiresAt };
}
