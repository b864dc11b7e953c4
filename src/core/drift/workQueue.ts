/**
 * The drift session's reads and dry-runs: at most `concurrency` run at once (an app can deploy
 * hundreds of objects; the API server and the extension host should see a handful of requests at a
 * time), one queued job per key (asking twice for the same object while it waits is one read), and a
 * follow-up for a key whose job is running: it runs once that job has finished, if still wanted.
 */
export class WorkQueue {
  private readonly queue: Array<{ readonly key: string; readonly run: () => Promise<void> }> = [];
  private readonly queued = new Set<string>();
  private readonly inFlight = new Set<string>();
  private readonly followUps = new Map<string, { readonly run: () => Promise<void>; readonly wanted: () => boolean }>();
  private running = 0;
  private closed = false;

  constructor(private readonly concurrency = 4) {}

  /** Queues `run` under `key` unless a job of that key is already waiting. */
  enqueue(key: string, run: () => Promise<void>): void {
    if (this.closed || this.queued.has(key)) return;
    this.queued.add(key);
    this.queue.push({ key, run });
    this.pump();
  }

  isRunning(key: string): boolean {
    return this.inFlight.has(key);
  }

  /** Runs `run` under `key` once the job running for it has finished, if `wanted()` still says so then. */
  followUp(key: string, run: () => Promise<void>, wanted: () => boolean): void {
    this.followUps.set(key, { run, wanted });
  }

  /** Drops everything waiting; running jobs finish but start nothing more. */
  close(): void {
    this.closed = true;
    this.queue.length = 0;
    this.queued.clear();
    this.followUps.clear();
  }

  private pump(): void {
    while (this.running < this.concurrency && !this.closed) {
      const next = this.queue.shift();
      if (!next) return;
      this.running += 1;
      this.queued.delete(next.key);
      this.inFlight.add(next.key);
      void next.run().finally(() => {
        this.running -= 1;
        this.inFlight.delete(next.key);
        const again = this.followUps.get(next.key);
        this.followUps.delete(next.key);
        if (again && again.wanted()) this.enqueue(next.key, again.run);
        this.pump();
      });
    }
  }
}
