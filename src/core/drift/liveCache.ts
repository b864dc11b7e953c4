/**
 * The drift session's live objects, per (cluster, object) key, counted by the lenses using them: an
 * entry whose count drops to zero is deleted, so closing or editing documents never leaves objects
 * (Secrets among them) behind.
 */
import type { LiveSide } from './comparer';

export type LiveEntry =
  | { readonly kind: 'loading' }
  /** The object as read, with its normalized forms once compared (comparer.ts LiveSide). */
  | { readonly kind: 'found'; readonly side: LiveSide }
  | { readonly kind: 'absent' }
  | { readonly kind: 'error'; readonly reason: string };

export class LiveCache {
  private readonly entries = new Map<string, LiveEntry>();
  private readonly refs = new Map<string, number>();

  get size(): number {
    return this.entries.size;
  }

  get(key: string): LiveEntry | undefined {
    return this.entries.get(key);
  }

  set(key: string, entry: LiveEntry): void {
    this.entries.set(key, entry);
  }

  /** True while a lens uses the key. */
  isUsed(key: string): boolean {
    return this.refs.has(key);
  }

  /** One user more; true when it is the first (the key came into use). */
  retain(key: string): boolean {
    const n = (this.refs.get(key) ?? 0) + 1;
    this.refs.set(key, n);
    return n === 1;
  }

  /** One user fewer; the last one gone takes the entry with it and makes this return true. */
  release(key: string): boolean {
    const n = (this.refs.get(key) ?? 0) - 1;
    if (n > 0) {
      this.refs.set(key, n);
      return false;
    }
    const was = this.refs.delete(key);
    this.entries.delete(key);
    return was;
  }

  clear(): void {
    this.entries.clear();
    this.refs.clear();
  }
}
