/**
 * Work that need not happen inside `activate()`: run on the next turn of the event loop, after
 * activation has returned (setImmediate), and cancelled with the extension. What the work creates is
 * disposed with it. Scans of the documents already open are deferred this way: a document opened in
 * between is still in `workspace.textDocuments` when the scan runs.
 */
import type { Disposable } from '../core/lifecycle';

export function afterActivation(create: () => Disposable | void): Disposable {
  let created: Disposable | void;
  let disposed = false;
  const timer = setImmediate(() => {
    if (!disposed) created = create();
  });
  return {
    dispose: () => {
      disposed = true;
      clearImmediate(timer);
      created?.dispose();
    },
  };
}
