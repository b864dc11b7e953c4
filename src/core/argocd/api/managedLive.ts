/**
 * Drift lenses, hover and the diff editor for apps reached through Argo CD's API (issue 16): their live
 * side is Argo CD's own, from `GET /api/v1/applications/{name}/managed-resources` — the live object
 * normalised with Argo CD's ignore rules (the app's ignoreDifferences, argocd-cm's
 * resource.customizations, known-types normalisation), the state Argo CD compares the target with
 * (argo-cd controller/state.go CompareAppState → util/argo/diff/diff.go StateDiffs; the same
 * `normalizedLiveState` `argocd app diff --local` compares local manifests with, cmd/argocd/commands/
 * app_diff.go newLiveManifestProvider). The document in the editor, saved or not, is then compared
 * locally with it, by the same comparer as every other lens.
 *
 * What Argo CD's normalisation removed from the live object (a field ignored by a rule we may not know,
 * such as a system-level one) becomes an ignore rule of that object here, so the document's value of a
 * field Argo CD ignores is not reported as missing live.
 *
 * One read of managed-resources per app version: the store replaces an App object on every change, so
 * answers are cached per App object (WeakMap) and a changed app reads afresh.
 */
import type { IgnoreRule, IgnoreStep } from '../../drift/compare';
import type { IgnoreSpec } from '../../drift/ignore';
import { isRecord } from '../../json';
import { groupOf } from '../../manifest/documents';
import type { App } from '../../model/app';
import type { K8sError, LiveObjectReader, ObjectRef } from '../../ports';
import type { ManagedResourceState } from './managedResources';

type Obj = Record<string, unknown>;

export interface ManagedResourcesAnswer {
  readonly items: readonly ManagedResourceState[];
  readonly problems: readonly string[];
}

export interface ManagedLiveOptions {
  /** The Argo CD Applications of an API cluster (a server), as the store holds them now. */
  readonly apps: (cluster: string) => readonly App[];
  /** Reads managed-resources for an app (through the server's client); rejects with an ArgoCdError. */
  readonly read: (app: App) => Promise<ManagedResourcesAnswer>;
  /** An ArgoCdError in the store's words (infra apiSource `k8sErrorOf`), so that lenses describe it as they describe any read. */
  readonly errorOf: (err: unknown) => K8sError | undefined;
}

/** A read failure shaped as core/kube/k8sFailure reads errors (by its `code`). */
class ManagedLiveError extends Error {
  override readonly name = 'ManagedLiveError';
  constructor(
    readonly code: K8sError['code'],
    message: string,
    readonly error: K8sError,
  ) {
    super(message);
  }
}

function notFound(message: string): ManagedLiveError {
  return new ManagedLiveError('NotFound', message, { code: 'NotFound', message });
}

/** Whether a managed resource of an app is the object a lens asks for (Argo CD keys: group, kind, namespace, name). */
function sameResource(r: { readonly group: string; readonly kind: string; readonly namespace: string; readonly name: string }, ref: ObjectRef): boolean {
  if (r.group !== groupOf(ref.apiVersion) || r.kind !== ref.kind || r.name !== ref.name) return false;
  // A cluster-scoped object has no namespace in Argo CD; a lens may have given it the app's default one.
  return r.namespace === ref.namespace || r.namespace === '';
}

export class ArgoCdManagedLive implements LiveObjectReader {
  private readonly answers = new WeakMap<App, Promise<ManagedResourcesAnswer>>();
  private readonly settled = new WeakMap<App, ManagedResourcesAnswer>();
  private readonly specs = new WeakMap<ManagedResourcesAnswer, readonly IgnoreSpec[]>();

  constructor(private readonly opts: ManagedLiveOptions) {}

  /** The app of the cluster that manages `ref` (lists it in `status.resources`); the first by key when several do. */
  ownerOf(cluster: string, ref: ObjectRef): App | undefined {
    return this.opts
      .apps(cluster)
      .filter((a) => a.tool === 'argocd' && a.kind === 'Application' && a.resources.some((r) => sameResource(r, ref)))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))[0];
  }

  /**
   * The normalised live object Argo CD compares with, or a NotFound error when no app of this server
   * manages the object or Argo CD saw none live.
   */
  async get(cluster: string, ref: ObjectRef): Promise<unknown> {
    const app = this.ownerOf(cluster, ref);
    if (app === undefined) throw notFound(`no application of ${cluster} manages ${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`);
    const answer = await this.answer(app);
    const state = answer.items.find((i) => sameResource(i, ref));
    const live = state?.normalizedLive ?? state?.live;
    if (state === undefined || live === undefined) throw notFound(`Argo CD sees no live ${ref.kind} ${ref.name} for ${app.name}`);
    return live;
  }

  /**
   * Ignore rules for the objects of an app whose managed resources were read: the fields Argo CD's
   * normalisation removed from each live object. Synchronous (the lenses compare synchronously); none
   * before the first read answered.
   */
  ignoreOf(app: App): readonly IgnoreSpec[] {
    const answer = this.settled.get(app);
    if (answer === undefined) return [];
    let specs = this.specs.get(answer);
    if (specs === undefined) {
      specs = answer.items.flatMap((i) => normalizedAwaySpec(i) ?? []);
      this.specs.set(answer, specs);
    }
    return specs;
  }

  private answer(app: App): Promise<ManagedResourcesAnswer> {
    let p = this.answers.get(app);
    if (p === undefined) {
      p = this.opts.read(app).then(
        (a) => {
          this.settled.set(app, a);
          return a;
        },
        (err: unknown) => {
          // A failure is not cached: the next lens read asks again.
          this.answers.delete(app);
          const e = this.opts.errorOf(err);
          if (e === undefined) throw err;
          throw new ManagedLiveError(e.code, e.message, e);
        },
      );
      this.answers.set(app, p);
    }
    return p;
  }
}

/** An IgnoreSpec for the fields of one managed resource that normalisation removed, or undefined when none was. */
export function normalizedAwaySpec(state: ManagedResourceState): IgnoreSpec | undefined {
  if (state.live === undefined || state.normalizedLive === undefined) return undefined;
  const rules = removedPaths(state.live, state.normalizedLive).map((steps): IgnoreRule => ({ source: `Argo CD normalisation of ${state.kind} ${state.name}`, steps }));
  if (rules.length === 0) return undefined;
  return {
    source: `Argo CD managed-resources (${state.kind} ${state.name})`,
    rules,
    managers: [],
    appliesTo: (id) => groupOf(id.apiVersion) === state.group && id.kind === state.kind && id.name === state.name && (state.namespace === '' || (id.namespace ?? '') === state.namespace),
  };
}

/** Server-owned parts our own normalisation drops anyway: not worth a rule. */
const SKIPPED_TOP = new Set(['status']);
const SKIPPED_META = new Set(['managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp', 'selfLink']);
const MAX_DEPTH = 64;

/**
 * Paths present in `live` and absent from `normalized`, as ignore steps. Maps are followed key by key;
 * list items by their `name` when every item has a distinct one (containers, env, ports: the rule then
 * follows the item wherever the document puts it), else by index when both lists are as long. A value
 * that changed (rather than vanished) is not a removal.
 */
export function removedPaths(live: unknown, normalized: unknown): IgnoreStep[][] {
  const out: IgnoreStep[][] = [];
  const walk = (l: unknown, n: unknown, path: IgnoreStep[]): void => {
    if (path.length > MAX_DEPTH) return;
    if (isRecord(l) && isRecord(n)) {
      const inMetadata = path.length === 1 && 'field' in path[0]! && path[0].field === 'metadata';
      for (const [k, v] of Object.entries(l)) {
        if (path.length === 0 && SKIPPED_TOP.has(k)) continue;
        if (inMetadata && SKIPPED_META.has(k)) continue;
        if (n[k] === undefined) {
          if (v !== null && v !== undefined) out.push([...path, { field: k }]);
          continue;
        }
        walk(v, n[k], [...path, { field: k }]);
      }
      return;
    }
    if (Array.isArray(l) && Array.isArray(n)) {
      const ln = byName(l);
      const nn = byName(n);
      if (ln && nn) {
        for (const [name, item] of ln) {
          const other = nn.get(name);
          if (other !== undefined) walk(item, other, [...path, { select: { name } }]);
        }
      } else if (l.length === n.length) {
        l.forEach((item, i) => walk(item, n[i], [...path, { index: i }]));
      }
    }
  };
  walk(live, normalized, []);
  return out;
}

function byName(xs: readonly unknown[]): Map<string, Obj> | undefined {
  const m = new Map<string, Obj>();
  for (const x of xs) {
    if (!isRecord(x) || typeof x.name !== 'string' || m.has(x.name)) return undefined;
    m.set(x.name, x);
  }
  return m;
}

/** The Application object's `spec.syncPolicy.automated` is on (Argo CD 2.x/3.x; `enabled: false` turns it off in 3.x). */
export function automatedSync(raw: unknown): boolean {
  if (!isRecord(raw) || !isRecord(raw.spec) || !isRecord(raw.spec.syncPolicy)) return false;
  const automated = raw.spec.syncPolicy.automated;
  if (!isRecord(automated)) return false;
  return automated.enabled !== false;
}
