/**
 * The one cache of kustomize and helm runs, keyed by the tool and every input text (tempTree.ts
 * treeHash): an unchanged render does not run the tool again, and a render asked for while the same
 * one runs waits for it. A waiter's abort (a newer edit) only stops its own wait; the process is
 * killed when every waiter gave up. Only results `keep` accepts are kept (failures are tried again on
 * the next request: a timeout or a missing tool may be gone by then), the oldest evicted first.
 */
import { AbortError } from './process';

interface InFlight<T> {
  readonly promise: Promise<T>;
  readonly controller: AbortController;
  waiters: number;
}

export class RenderCache<T> {
  /** Insertion-ordered: the oldest entry is evicted first. */
  private readonly done = new Map<string, T>();
  private readonly running = new Map<string, InFlight<T>>();

  constructor(
    private readonly maxEntries: number,
    private readonly keep: (result: T) => boolean,
  ) {}

  /** The cached result for `key`, else the running one, else `start(signal)` run once for every waiter. */
  run(key: string, start: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(new AbortError());
    const hit = this.done.get(key);
    if (hit !== undefined) {
      this.done.delete(key); // refresh its place in the eviction order
      this.done.set(key, hit);
      return Promise.resolve(hit);
    }
    let run = this.running.get(key);
    // A run every waiter gave up on is being killed: a new request starts a new one.
    if (!run || run.controller.signal.aborted) {
      const controller = new AbortController();
      const promise = start(controller.signal);
      const started: InFlight<T> = { promise, controller, waiters: 0 };
      run = started;
      this.running.set(key, started);
      const settled = (): void => {
        if (this.running.get(key) === started) this.running.delete(key);
      };
      promise.then(settled, settled);
      promise.then(
        (r) => {
          if (!this.keep(r)) return;
          this.done.set(key, r);
          while (this.done.size > this.maxEntries) this.done.delete(this.done.keys().next().value as string);
        },
        () => undefined,
      );
    }
    return this.wait(run, signal);
  }

  private wait(run: InFlight<T>, signal: AbortSignal | undefined): Promise<T> {
    run.waiters++;
    if (!signal) return run.promise;
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        if (--run.waiters === 0) run.controller.abort();
        reject(new AbortError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      run.promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }
}

/** The first non-empty line of a tool's message, trimmed: what a lens has room for. */
export function firstLine(s: string): string {
  return s.split('\n').find((l) => l.trim() !== '')?.trim() ?? s;
}
