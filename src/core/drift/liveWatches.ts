/**
 * The watches behind the drift lenses (issue 15: "lenses follow the live objects themselves"): one
 * watch per (cluster, object) key the session's live cache holds, started when the first lens uses the
 * key and ended when the last one goes, so closing a file leaves no watch behind.
 *
 * Bounded: at most `max` watches are open at once. A key beyond the bound waits (in the order it came)
 * and its lenses say so (`notFollowedNote`); they are still read when the document is opened or its app
 * changes, as before. When a watched key is dropped, the oldest waiting key takes its place.
 */
import type { Disposable } from '../lifecycle';
import type { LiveObjectEvent, LiveObjectWatcher, Logger, ObjectRef } from '../ports';

/** Watches one session keeps open at most: each is one long-lived request (one socket) to its cluster. */
export const DEFAULT_MAX_LIVE_WATCHES = 100;

interface Wanted {
  readonly cluster: string;
  readonly ref: ObjectRef;
}

export class LiveWatches implements Disposable {
  /** Open watches by key; an event counts only while its own watch is the key's current one. */
  private readonly open = new Map<string, { handle: Disposable | undefined }>();
  /** Keys in use beyond the bound, oldest first (a Map keeps insertion order). */
  private readonly waiting = new Map<string, Wanted>();
  private warned = false;
  private disposed = false;

  constructor(
    private readonly watcher: LiveObjectWatcher,
    private readonly max: number,
    private readonly onEvent: (key: string, e: LiveObjectEvent) => void,
    /** Called with keys that moved from waiting to watched (their lenses lose the note). */
    private readonly onFollowed: (key: string) => void,
    private readonly log: Logger,
  ) {}

  /** How many watches are open. */
  get size(): number {
    return this.open.size;
  }

  /** A key came into use: watch it, or queue it when the bound is reached. */
  want(key: string, cluster: string, ref: ObjectRef): void {
    if (this.disposed || this.open.has(key) || this.waiting.has(key)) return;
    if (this.open.size >= this.max) {
      this.waiting.set(key, { cluster, ref });
      if (!this.warned) {
        this.warned = true;
        this.log.info(`[LiveWatches][want] ${this.max} live objects are watched already; lenses of further objects follow the apps only until one is closed`);
      }
      return;
    }
    this.start(key, cluster, ref);
  }

  /** The key is used no more: its watch ends (or it leaves the queue) and a waiting key may start. */
  drop(key: string): void {
    if (this.waiting.delete(key)) return;
    const w = this.open.get(key);
    if (!w) return;
    this.open.delete(key);
    w.handle?.dispose();
    const next = this.waiting.entries().next();
    if (next.done || this.disposed) return;
    const [k, wanted] = next.value;
    this.waiting.delete(k);
    this.start(k, wanted.cluster, wanted.ref);
    this.onFollowed(k);
  }

  /** Said on a lens whose object is not watched because of the bound; undefined otherwise. */
  notFollowedNote(key: string): string | undefined {
    return this.waiting.has(key) ? `live edits not followed: watch limit ${this.max} reached` : undefined;
  }

  isWatched(key: string): boolean {
    return this.open.has(key);
  }

  dispose(): void {
    this.disposed = true;
    for (const w of this.open.values()) w.handle?.dispose();
    this.open.clear();
    this.waiting.clear();
  }

  private start(key: string, cluster: string, ref: ObjectRef): void {
    const entry: { handle: Disposable | undefined } = { handle: undefined };
    this.open.set(key, entry);
    try {
      entry.handle = this.watcher.watch(cluster, ref, (e) => {
        if (this.open.get(key) === entry) this.onEvent(key, e);
      });
    } catch (err) {
      this.log.debug(`[LiveWatches][start] ${cluster} ${ref.kind} ${ref.namespace}/${ref.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
