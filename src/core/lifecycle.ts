/**
 * Disposable and Event/Emitter shaped like vscode's, so that core code can expose events without
 * importing vscode, and vscode's own disposables can be handed to core (STYLE.md rules 2-4).
 */

export interface Disposable {
  dispose(): void;
}

/** A subscription function, identical in shape to `vscode.Event<T>`. */
export type Event<T> = (
  listener: (e: T) => unknown,
  thisArgs?: unknown,
  disposables?: Disposable[] | DisposableStore,
) => Disposable;

export function toDisposable(fn: () => void): Disposable {
  let done = false;
  return {
    dispose(): void {
      if (!done) {
        done = true;
        fn();
      }
    },
  };
}

/**
 * Owns disposables of one lifetime (the extension, or one cluster connection). Disposing it disposes
 * everything added, newest first, and keeps going past a failing dispose so nothing leaks.
 */
export class DisposableStore implements Disposable {
  private readonly items: Disposable[] = [];
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  add<T extends Disposable>(item: T): T {
    if (this.disposed) {
      // Adding to a dead scope would leak silently; dispose at once instead.
      item.dispose();
    } else {
      this.items.push(item);
    }
    return item;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const errors: unknown[] = [];
    while (this.items.length > 0) {
      const item = this.items.pop();
      try {
        item?.dispose();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} disposables failed`);
  }
}

export class Emitter<T> implements Disposable {
  private listeners: Array<{ fn: (e: T) => unknown; thisArgs: unknown }> = [];
  private disposed = false;
  private cached: Event<T> | undefined;

  /** Set by the owner to hear about listener errors; by default they are rethrown asynchronously. */
  onListenerError: (err: unknown) => void = (err) => {
    queueMicrotask(() => {
      throw err;
    });
  };

  get event(): Event<T> {
    this.cached ??= (fn, thisArgs, disposables) => {
      if (this.disposed) return toDisposable(() => undefined);
      const entry = { fn, thisArgs };
      this.listeners.push(entry);
      const sub = toDisposable(() => {
        this.listeners = this.listeners.filter((l) => l !== entry);
      });
      if (disposables instanceof DisposableStore) disposables.add(sub);
      else if (Array.isArray(disposables)) disposables.push(sub);
      return sub;
    };
    return this.cached;
  }

  get listenerCount(): number {
    return this.listeners.length;
  }

  fire(e: T): void {
    if (this.disposed) return;
    // Iterate over a copy: a listener may unsubscribe itself while being called.
    for (const { fn, thisArgs } of [...this.listeners]) {
      try {
        fn.call(thisArgs, e);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    this.listeners = [];
  }
}
