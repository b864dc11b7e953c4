/**
 * What the stores loaded per app on demand (resource health from live objects, Argo CD's resource
 * trees), with the rule both need: the newest load of an app wins, an older one finishing later is
 * dropped, and `forget` discards a load still in flight. One change event per finished load.
 */
import { Emitter, type Disposable, type Event } from '../lifecycle';
import type { AppKey } from '../model/app';

/** A load in flight: `current()` is false once a newer load started, the app was forgotten, or the store disposed. */
export interface PendingLoad<V> {
  current(): boolean;
  /** Keeps `value` and fires, when the load is still current; otherwise nothing. */
  finish(value: V): void;
}

export class NewestLoads<V> implements Disposable {
  private readonly _onDidChange = new Emitter<AppKey>();
  /** Fires with the app key after a load finished (or the app was forgotten). */
  readonly onDidChange: Event<AppKey> = this._onDidChange.event;
  private readonly loaded = new Map<AppKey, V>();
  /** The newest load per app. */
  private readonly tokens = new Map<AppKey, number>();
  private nextToken = 1;
  private disposed = false;

  get(key: AppKey): V | undefined {
    return this.loaded.get(key);
  }

  isLoaded(key: AppKey): boolean {
    return this.loaded.has(key);
  }

  isLoading(key: AppKey): boolean {
    return this.tokens.has(key);
  }

  /** Starts a load of the app; undefined once disposed. */
  begin(key: AppKey): PendingLoad<V> | undefined {
    if (this.disposed) return undefined;
    const token = this.nextToken++;
    this.tokens.set(key, token);
    const current = (): boolean => !this.disposed && this.tokens.get(key) === token;
    return {
      current,
      finish: (value) => {
        if (!current()) return;
        this.tokens.delete(key);
        this.loaded.set(key, value);
        this._onDidChange.fire(key);
      },
    };
  }

  /** Drops what is known of the app (it was removed); a load in flight is discarded. */
  forget(key: AppKey): void {
    this.tokens.delete(key);
    if (this.loaded.delete(key)) this._onDidChange.fire(key);
  }

  dispose(): void {
    this.disposed = true;
    this.tokens.clear();
    this.loaded.clear();
    this._onDidChange.dispose();
  }
}
