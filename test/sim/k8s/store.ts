/**
 * The object store: one global, monotonic resourceVersion like etcd's revision, and a bounded event
 * history used to serve watches from a resourceVersion and exact-RV lists. Objects are stored per
 * group/resource (all versions of a CRD share storage, served with the "None" conversion).
 */
import type { KubeObject } from './types';

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  rv: number;
  type: EventType;
  /** `group/plural` */
  gr: string;
  object: KubeObject;
  /** The object before this event (undefined for ADDED). */
  prev: KubeObject | undefined;
}

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

export class Store {
  private rv = 1;
  /** Watches and exact lists from a resourceVersion below this answer 410 Gone. */
  private compactedRv = 0;
  private readonly data = new Map<string, Map<string, KubeObject>>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<(e: StoreEvent) => void>();

  constructor(private readonly historyLimit = 10_000) {}

  get currentRv(): number {
    return this.rv;
  }

  /** Oldest resourceVersion a watch may still resume from. */
  get oldestRv(): number {
    const first = this.history[0];
    const fromHistory = first ? first.rv - 1 : this.rv;
    return Math.max(this.compactedRv, fromHistory);
  }

  /** Forget all history: every older resourceVersion is now "too old" (fault injection, like an etcd compaction). */
  compact(): void {
    // A new revision marks the cut: every resourceVersion handed out so far is now below it (too old),
    // while lists made from here on get a resourceVersion that can be watched from.
    this.history.length = 0;
    this.rv++;
    this.compactedRv = this.rv;
  }

  private bucket(gr: string): Map<string, KubeObject> {
    let b = this.data.get(gr);
    if (!b) this.data.set(gr, (b = new Map()));
    return b;
  }

  get(gr: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.data.get(gr)?.get(objectKey(namespace, name));
  }

  /** Objects sorted by namespace then name, as etcd key order lists them. */
  list(gr: string, namespace?: string): KubeObject[] {
    const b = this.data.get(gr);
    if (!b) return [];
    const out = [...b.entries()].filter(([, o]) => namespace === undefined || o.metadata.namespace === namespace);
    out.sort(([a], [b2]) => (a < b2 ? -1 : a > b2 ? 1 : 0));
    return out.map(([, o]) => o);
  }

  groups(): string[] {
    return [...this.data.keys()];
  }

  /** The list as it was at resourceVersion `at` (undefined when history no longer reaches back). */
  listAt(gr: string, at: number, namespace?: string): KubeObject[] | undefined {
    if (at < this.oldestRv) return undefined;
    const state = new Map<string, KubeObject>();
    for (const o of this.list(gr)) state.set(objectKey(o.metadata.namespace, o.metadata.name ?? ''), o);
    for (let i = this.history.length - 1; i >= 0; i--) {
      const e = this.history[i]!;
      if (e.rv <= at) break;
      if (e.gr !== gr) continue;
      const k = objectKey(e.object.metadata.namespace, e.object.metadata.name ?? '');
      if (e.prev) state.set(k, e.prev);
      else state.delete(k);
    }
    return [...state.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, o]) => o)
      .filter((o) => namespace === undefined || o.metadata.namespace === namespace);
  }

  /** Events after `rv` for one group/resource. */
  eventsSince(gr: string, rv: number): StoreEvent[] {
    return this.history.filter((e) => e.rv > rv && e.gr === gr);
  }

  /** Stores `obj` (already complete apart from resourceVersion) and emits the event. */
  put(gr: string, obj: KubeObject): KubeObject {
    const key = objectKey(obj.metadata.namespace, obj.metadata.name ?? '');
    const prev = this.bucket(gr).get(key);
    this.rv++;
    const stored: KubeObject = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(this.rv) } };
    this.bucket(gr).set(key, stored);
    this.emit({ rv: this.rv, type: prev ? 'MODIFIED' : 'ADDED', gr, object: stored, prev });
    return stored;
  }

  remove(gr: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const key = objectKey(namespace, name);
    const prev = this.data.get(gr)?.get(key);
    if (!prev) return undefined;
    this.data.get(gr)!.delete(key);
    this.rv++;
    // The DELETED event carries the last state with the deletion's resourceVersion, as the watch cache sends it.
    const gone: KubeObject = { ...prev, metadata: { ...prev.metadata, resourceVersion: String(this.rv) } };
    this.emit({ rv: this.rv, type: 'DELETED', gr, object: gone, prev });
    return gone;
  }

  onEvent(listener: (e: StoreEvent) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private emit(e: StoreEvent): void {
    this.history.push(e);
    while (this.history.length > this.historyLimit) this.history.shift();
    for (const l of [...this.listeners]) l(e);
  }
}
