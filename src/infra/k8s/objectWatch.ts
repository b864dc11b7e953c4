/**
 * LiveObjectWatcher over our request layer (kubeClient.ts): one watch of the object's collection with
 * `fieldSelector=metadata.name=<name>` per watched object, so a live edit (`kubectl scale`, `kubectl
 * edit`) reaches the drift lenses at once, with no polling (issue 15).
 *
 * The loop is client-go's reflector for one object: the first watch starts without a resourceVersion,
 * so the API server begins with a synthetic ADDED of the object as it is now ("Efficient detection of
 * changes", https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes);
 * a watch the server ends at its `timeoutSeconds` is resumed from the last resourceVersion seen (events
 * and bookmarks); after `410 Gone` or a failure, events may have been missed, so the object is listed
 * (same field selector) and the watch resumes from the list's resourceVersion. Failures back off
 * (capped) on the injected clock and are reported as `failed` events; disposing aborts the request.
 */
import { checkObjectRef } from '../../core/kube/names';
import { recordOf } from '../../core/json';
import type { Disposable } from '../../core/lifecycle';
import type { Clock, LiveObjectEvent, LiveObjectWatcher, Logger, ObjectRef } from '../../core/ports';
import { K8sRequestError, toK8sError } from './errors';
import type { KubeConnection } from './kubeClient';

export interface ObjectWatchOptions {
  /** The context's connection (kubeClient.ts KubeConnections). */
  readonly connection: (cluster: string) => Promise<KubeConnection>;
  /** The collection URL of the object's kind in its namespace: `/apis/apps/v1/namespaces/web/deployments`. */
  readonly collectionPath: (conn: KubeConnection, ref: ObjectRef) => Promise<string>;
  readonly clock: Clock;
  readonly log?: Logger;
  /** Capped exponential backoff after failures (default 1 s → 30 s, as the informer pool). */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
}

export class ObjectWatches implements LiveObjectWatcher {
  private readonly backoff: { readonly initialMs: number; readonly maxMs: number };

  constructor(private readonly opts: ObjectWatchOptions) {
    this.backoff = opts.backoff ?? { initialMs: 1000, maxMs: 30_000 };
  }

  watch(cluster: string, ref: ObjectRef, onEvent: (e: LiveObjectEvent) => void): Disposable {
    const abort = new AbortController();
    const state = { stopped: false, timer: undefined as Disposable | undefined };
    const emit = (e: LiveObjectEvent): void => {
      if (!state.stopped) onEvent(e);
    };
    void this.loop(cluster, ref, emit, abort.signal, state).catch((err: unknown) => {
      if (!state.stopped) this.opts.log?.warn(`[ObjectWatches][watch] ${cluster} ${describe(ref)}: ${err instanceof Error ? err.message : String(err)}`);
    });
    return {
      dispose: () => {
        state.stopped = true;
        state.timer?.dispose();
        abort.abort();
      },
    };
  }

  private async loop(cluster: string, ref: ObjectRef, emit: (e: LiveObjectEvent) => void, signal: AbortSignal, state: { stopped: boolean; timer: Disposable | undefined }): Promise<void> {
    // A reference that cannot be a URL segment is never watched (issue 12); the lens says why already.
    checkObjectRef(ref);
    const fieldSelector = `metadata.name=${ref.name}`;
    let rv: string | undefined;
    let relist = false;
    let failures = 0;
    let gones = 0;
    while (!state.stopped) {
      const startedAt = this.opts.clock.now();
      let events = 0;
      let ended: K8sRequestError | undefined;
      try {
        const conn = await this.opts.connection(cluster);
        const path = await this.opts.collectionPath(conn, ref);
        if (relist) {
          const list = recordOf(await conn.requestJson('GET', `${path}?${new URLSearchParams({ fieldSelector }).toString()}`, { signal }));
          const item = (Array.isArray(list.items) ? list.items : []).find((o) => recordOf(recordOf(o).metadata).name === ref.name);
          // Items of a typed list carry no apiVersion and kind; the object is that of the reference.
          emit(item === undefined ? { type: 'deleted' } : { type: 'changed', object: withType(item, ref) });
          rv = str(recordOf(list.metadata).resourceVersion);
          relist = false;
        }
        // client-go's reflector picks a timeout in [5, 10) minutes so that watches do not all end at once.
        const timeoutSeconds = 300 + Math.floor(Math.random() * 300);
        const query: Record<string, string> = { fieldSelector, allowWatchBookmarks: 'true', timeoutSeconds: String(timeoutSeconds) };
        if (rv !== undefined) query.resourceVersion = rv;
        await conn.watch(
          path,
          query,
          (type, obj) => {
            if (state.stopped) return;
            const seen = str(recordOf(recordOf(obj).metadata).resourceVersion);
            switch (type) {
              case 'ADDED':
              case 'MODIFIED':
              case 'DELETED':
                if (recordOf(recordOf(obj).metadata).name !== ref.name) return;
                events++;
                gones = 0;
                if (seen !== undefined) rv = seen;
                emit(type === 'DELETED' ? { type: 'deleted' } : { type: 'changed', object: withType(obj, ref) });
                return;
              case 'BOOKMARK':
                if (seen !== undefined) rv = seen;
                return;
              case 'ERROR':
                // A `Status`; 410 means the resourceVersion was compacted away.
                ended = new K8sRequestError(toK8sError(obj, ref.namespace || undefined));
                return;
            }
          },
          {
            signal,
            deadlineMs: (timeoutSeconds + 60) * 1000,
            ...(ref.namespace ? { namespace: ref.namespace } : {}),
            onOpen: () => (failures = 0),
          },
        );
        if (ended) throw ended;
        // The server ended the watch (its timeout): resume. One that ends at once without events gets
        // backoff, so a misbehaving server cannot make us spin.
        if (events === 0 && this.opts.clock.now() - startedAt < 1000) await this.sleep(this.delay(failures++), state);
      } catch (err) {
        if (state.stopped || signal.aborted) return;
        const e = toK8sError(err, ref.namespace || undefined);
        rv = e.code === 'Gone' ? undefined : rv;
        relist = true;
        if (e.code === 'Gone' && gones++ === 0) continue; // compaction happens: relist at once, once
        emit({ type: 'failed', error: err });
        this.opts.log?.debug(`[ObjectWatches][watch] ${cluster} ${describe(ref)}: ${e.code}: ${e.message}`);
        await this.sleep(this.delay(failures++), state);
      }
    }
  }

  private delay(failures: number): number {
    return Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** Math.min(failures, 20));
  }

  private sleep(ms: number, state: { stopped: boolean; timer: Disposable | undefined }): Promise<void> {
    return new Promise((resolve) => {
      if (state.stopped) return resolve();
      state.timer = this.opts.clock.setTimeout(() => {
        state.timer = undefined;
        resolve();
      }, ms);
      // Disposing ends the wait too (the loop then sees `stopped`).
      const dispose = state.timer.dispose.bind(state.timer);
      state.timer = {
        dispose: () => {
          dispose();
          resolve();
        },
      };
    });
  }
}

/** The object with the reference's apiVersion and kind where it lacks them (typed list items). */
function withType(obj: unknown, ref: ObjectRef): unknown {
  const o = recordOf(obj);
  if (typeof o.apiVersion === 'string' && typeof o.kind === 'string') return obj;
  return { ...o, apiVersion: typeof o.apiVersion === 'string' ? o.apiVersion : ref.apiVersion, kind: typeof o.kind === 'string' ? o.kind : ref.kind };
}

function describe(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
