/**
 * The Lua port's adapter: argocd-cm health scripts run in a worker thread (luaWorker.ts), one at a
 * time, so a script can never block the extension host. Three bounds, from the inside out: the Lua
 * state's allocator caps memory, an instruction hook stops a script at its instruction budget, and a
 * watchdog here terminates the worker when a job has not answered by its deadline (a library call that
 * never returns, such as a pathological pattern match) or the worker dies (V8 heap limit,
 * `resourceLimits`); a fresh worker then takes the next job. Either way the caller gets an answer by
 * the deadline, never a hang.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LuaHealthRunner, LuaRunOptions, LuaRunResult } from '../../core/argocd/health/luaPort';
import type { Logger } from '../../core/ports';
import { DEFAULT_LIMITS, type SandboxLimits } from './limits';
import type { LuaJob, LuaWorkerMessage } from './luaWorker';

export interface WorkerLuaRunnerOptions {
  /** The worker script; by default `luaWorker.js` beside this file (dist/ in the bundle, out/ under test). */
  readonly workerPath?: string;
  /** VM instructions per script (default 2,000,000; see luaSandbox.ts). */
  readonly instructions?: number;
  /** Wall-clock deadline per script, after which the worker is terminated (default 90 ms, so the answer comes within 100 ms). */
  readonly deadlineMs?: number;
  /** Memory the script may allocate on top of `obj` (default 8 MiB). */
  readonly memoryBytes?: number;
  /** The largest object handed to a script, as JSON (default 4 MiB; etcd stores at most 1.5 MiB). */
  readonly maxInputBytes?: number;
  readonly log?: Logger;
}

interface Pending {
  readonly job: LuaJob;
  readonly resolve: (r: LuaRunResult) => void;
}

export class WorkerLuaRunner implements LuaHealthRunner {
  private worker: Worker | undefined;
  private ready: Promise<boolean> | undefined;
  private readonly queue: Pending[] = [];
  private current: { readonly pending: Pending; readonly timer: NodeJS.Timeout } | undefined;
  private nextId = 1;
  private disposed = false;
  /** Workers started so far (tests read it to see a replacement). */
  starts = 0;

  constructor(private readonly opts: WorkerLuaRunnerOptions = {}) {}

  run(script: string, live: unknown, opts: LuaRunOptions): Promise<LuaRunResult> {
    if (this.disposed) return Promise.resolve({ ok: false, reason: 'unavailable', error: 'the Lua runtime was shut down' });
    let size: number;
    try {
      size = Buffer.byteLength(JSON.stringify(live) ?? '');
    } catch {
      return Promise.resolve({ ok: false, reason: 'unavailable', error: 'the object cannot be handed to a health script' });
    }
    const max = this.opts.maxInputBytes ?? 4 << 20;
    if (size > max) return Promise.resolve({ ok: false, reason: 'memory', error: `the object is too large for a health script (${size} bytes, at most ${max})` });
    const limits: SandboxLimits = { instructions: this.opts.instructions ?? DEFAULT_LIMITS.instructions, memoryBytes: this.opts.memoryBytes ?? DEFAULT_LIMITS.memoryBytes };
    return new Promise((resolve) => {
      this.queue.push({ job: { id: this.nextId++, script, live, openLibs: opts.openLibs, limits }, resolve });
      void this.pump();
    });
  }

  dispose(): void {
    this.disposed = true;
    for (const p of this.queue.splice(0)) p.resolve({ ok: false, reason: 'unavailable', error: 'the Lua runtime was shut down' });
    if (this.current) {
      clearTimeout(this.current.timer);
      this.current.pending.resolve({ ok: false, reason: 'unavailable', error: 'the Lua runtime was shut down' });
      this.current = undefined;
    }
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private async pump(): Promise<void> {
    if (this.current || this.queue.length === 0 || this.disposed) return;
    const started = await this.start();
    if (this.current || this.queue.length === 0 || this.disposed) return;
    const pending = this.queue.shift()!;
    if (!started || !this.worker) {
      pending.resolve({ ok: false, reason: 'unavailable', error: 'the Lua runtime could not start' });
      void this.pump();
      return;
    }
    const worker = this.worker;
    const deadline = this.opts.deadlineMs ?? 90;
    const timer = setTimeout(() => {
      if (this.current?.pending !== pending) return;
      this.current = undefined;
      pending.resolve({ ok: false, reason: 'timeout', error: `the health script did not finish within ${deadline} ms and was stopped` });
      this.opts.log?.warn('[WorkerLuaRunner][pump] a health script overran its deadline; restarting the Lua worker');
      this.replace(worker);
      void this.pump();
    }, deadline);
    this.current = { pending, timer };
    // A worker keeps the process alive only while it has work (the CLI exits when all is answered).
    worker.ref();
    worker.postMessage(pending.job);
  }

  private idle(): void {
    if (!this.current && this.queue.length === 0) this.worker?.unref();
  }

  /** Starts the worker if none runs; resolves once it said `ready` (false when it could not start). */
  private start(): Promise<boolean> {
    if (this.ready) return this.ready;
    const file = this.opts.workerPath ?? path.join(__dirname, 'luaWorker.js');
    this.ready = new Promise<boolean>((resolve) => {
      if (!fs.existsSync(file)) {
        this.opts.log?.error(`[WorkerLuaRunner][start] the Lua worker ${file} is missing`);
        this.ready = undefined;
        return resolve(false);
      }
      this.starts++;
      const worker = new Worker(file, { resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 } });
      this.worker = worker;
      worker.on('message', (m: LuaWorkerMessage) => {
        if ('ready' in m) resolve(true);
        else if ('fatal' in m) {
          // Loading failed: it will not get better by retrying, so every script is answered as unavailable.
          this.opts.log?.error(`[WorkerLuaRunner][start] the Lua runtime failed to load: ${m.fatal}`);
          resolve(false);
          void worker.terminate();
        } else if (this.current && this.current.pending.job.id === m.id) {
          clearTimeout(this.current.timer);
          const { pending } = this.current;
          this.current = undefined;
          pending.resolve(m.result);
          void this.pump();
          this.idle();
        }
      });
      const gone = (why: string) => {
        if (this.worker !== worker) return;
        this.opts.log?.warn(`[WorkerLuaRunner][start] the Lua worker ${why}`);
        this.worker = undefined;
        this.ready = undefined;
        resolve(false);
        if (this.current) {
          clearTimeout(this.current.timer);
          const { pending } = this.current;
          this.current = undefined;
          pending.resolve({ ok: false, reason: why.includes('memory') ? 'memory' : 'unavailable', error: `the Lua runtime stopped: ${why}` });
        }
        void this.pump();
      };
      worker.on('error', (e) => gone(/ERR_WORKER_OUT_OF_MEMORY/.test(String((e as { code?: string }).code)) ? 'ran out of memory' : `failed: ${e.message}`));
      worker.on('exit', (code) => gone(`exited (${code})`));
    });
    return this.ready;
  }

  private replace(worker: Worker): void {
    if (this.worker === worker) {
      this.worker = undefined;
      this.ready = undefined;
    }
    void worker.terminate();
  }
}
