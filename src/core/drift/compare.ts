/**
 * Desired vs live comparison of one Kubernetes object, the way a GitOps tool judges drift:
 *
 * - Two-way (default): a field is drift only if the desired document sets it and live differs, or
 *   live lacks it. Fields only live has are server defaults or other managers' fields, not drift
 *   (Argo CD's default diff, gitops-engine pkg/diff; Flux's dry-run apply diff).
 * - Three-way (with `lastApplied`, the `kubectl.kubernetes.io/last-applied-configuration` JSON): a
 *   field only live has is drift ('removed') when the last applied configuration set it, i.e. it was
 *   deleted from Git but is still on the cluster (kubectl apply's three-way merge,
 *   https://kubernetes.io/docs/tasks/manage-kubernetes-objects/declarative-config/#merging-changes-to-primitive-fields).
 * - Server-side apply (with `ownership`, see ssa.ts): a field only live has is drift ('removed') when
 *   the GitOps controller's managedFields entry owns it and no other manager does: its next apply
 *   deletes it.
 * - Lists with map keys (x-kubernetes-list-map-keys, see listKeys.ts) are matched by key, not index,
 *   so reordering containers, ports or env is not drift. Sets compare as sets. Other lists compare
 *   item by item at the same index (a length change replaces the whole list).
 * - Scalars compare by type and value ("1" vs 1 is drift; intstr fields keep their type too), except
 *   resource quantities, which compare by value (500m == 0.5, 1Gi == 1073741824).
 * - `omitEmpty` (Kubernetes' own kinds): an empty list or map in the desired document whose live
 *   field is absent or null is not drift. The API server drops such fields (Go `omitempty`), and
 *   Argo CD drops them from the desired side too before diffing (gitops-engine pkg/diff `remarshal`,
 *   TestRemarshal's `imagePullSecrets: []`). For custom resources the API server keeps `[]`, and
 *   Argo CD's JSON merge patch reports it: there it stays drift.
 *
 * Inputs are expected to be normalized already (normalize.ts strips status and server metadata).
 */
import type { ListKeys } from './listKeys';
import { isQuantityPath, sameQuantity } from './quantity';
import { fieldOwnership, itemOwnership, removalOf, type Ownership } from './ssa';
import { isRecord } from '../json';

/** One step of a concrete finding path: a field, or a list index with the item found there. */
export type FoundStep = { readonly field: string } | { readonly index: number; readonly item: unknown };

export interface DriftFinding {
  /**
   * JSON Pointer (RFC 6901). List items carry the index in the DESIRED document; a 'removed' list
   * item, which the desired document does not have, carries its index in the live object.
   */
  readonly path: string;
  readonly desired: unknown;
  readonly live: unknown;
  readonly kind: 'changed' | 'missingLive' | 'removed';
  /** The same path as steps, with the list items, for ignore rules that select items by a field. */
  readonly steps: readonly FoundStep[];
}

/** A path pattern that hides findings at or below it (built by ignore.ts). */
export interface IgnoreRule {
  /** Where the rule came from, for messages (e.g. "ignoreDifferences[0].jsonPointers[1]"). */
  readonly source: string;
  readonly steps: readonly IgnoreStep[];
}

export type IgnoreStep =
  | { readonly field: string }
  | { readonly index: number }
  /** Any item of a list (jq `[]`). */
  | { readonly anyItem: true }
  /** Items whose fields equal these values (jq `select(.name == "x")`, managedFields `k:{...}`). */
  | { readonly select: Readonly<Record<string, unknown>> }
  /** A set item equal to this value (managedFields `v:...`). */
  | { readonly value: unknown };

export interface CompareOptions {
  readonly listKeys: ListKeys;
  /** The parsed last-applied-configuration: turns on three-way comparison. */
  readonly lastApplied?: unknown;
  readonly ignore?: readonly IgnoreRule[];
  /** An empty list or map desired, absent or null live, is not drift (see the module comment). */
  readonly omitEmpty?: boolean;
  /**
   * Server-side apply: the GitOps controller's field sets in the live object's managedFields
   * (ssa.ts). A live-only field or item the controller applied and nobody else owns is 'removed'.
   */
  readonly ownership?: Ownership;
}

type Obj = Record<string, unknown>;

/** RFC 6901: `~` → `~0`, `/` → `~1`. */
function toPointer(steps: readonly FoundStep[]): string {
  return steps.map((s) => `/${'field' in s ? s.field.replace(/~/g, '~0').replace(/\//g, '~1') : String(s.index)}`).join('');
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

function scalarEqual(d: unknown, l: unknown, kind: string | undefined, keys: ReadonlyArray<string | number>): boolean {
  if (d === l) return true;
  if ((typeof d === 'string' || typeof d === 'number') && (typeof l === 'string' || typeof l === 'number')) {
    const pointer = keys.map(String);
    return isQuantityPath(kind, pointer) && sameQuantity(d, l);
  }
  return false;
}

function stepMatches(rule: IgnoreStep, step: FoundStep): boolean {
  // A JSON Pointer token cannot tell a map key from a list index (RFC 6901 §4): "0" matches both.
  if ('field' in rule) return 'field' in step ? step.field === rule.field : String(step.index) === rule.field;
  if ('field' in step) return false;
  if ('index' in rule) return step.index === rule.index;
  if ('anyItem' in rule) return true;
  if ('select' in rule) return isRecord(step.item) && Object.entries(rule.select).every(([k, v]) => deepEqual((step.item as Obj)[k], v));
  return deepEqual(step.item, rule.value);
}

/** True when a rule's pattern is a prefix of the finding path (a rule hides everything below it). */
export function isIgnored(steps: readonly FoundStep[], rules: readonly IgnoreRule[]): boolean {
  return rules.some((r) => r.steps.length <= steps.length && r.steps.every((s, i) => stepMatches(s, steps[i] as FoundStep)));
}

/**
 * The live item for a desired item: the one with equal key values; failing that, the one equal on
 * the keys the desired item sets (the apiserver defaults key fields such as a port's protocol to TCP,
 * https://kubernetes.io/docs/reference/using-api/server-side-apply/#merge-strategy).
 * One pass, no allocation (it runs for every item of every keyed list on every lens).
 */
function findByKey(item: unknown, liveItems: readonly unknown[], keys: readonly string[], taken: ReadonlySet<number>): number {
  const want = isRecord(item) ? item : undefined;
  let candidate = -1;
  let candidates = 0;
  for (let i = 0; i < liveItems.length; i++) {
    if (taken.has(i)) continue;
    const live = liveItems[i];
    const have = isRecord(live) ? live : undefined;
    let exact = true;
    let partial = true;
    for (const k of keys) {
      const w = want?.[k];
      if (deepEqual(have?.[k], w)) continue;
      exact = false;
      if (w !== undefined) {
        partial = false;
        break;
      }
    }
    // The first exact match wins, as before any partial one.
    if (exact) return i;
    if (partial) {
      candidates += 1;
      candidate = i;
    }
  }
  return candidates === 1 ? candidate : -1;
}

/**
 * The last-applied item for a desired or live item: key values equal, where a key missing on either
 * side counts as equal (the last-applied configuration holds what was written, e.g. a Service port
 * without `protocol`, and live holds the server's default `TCP`). An exact match wins; otherwise the
 * one loose match, if there is exactly one.
 */
function findInLastApplied(item: unknown, lastItems: readonly unknown[], keys: readonly string[]): number {
  const have = isRecord(item) ? item : undefined;
  let candidate = -1;
  let candidates = 0;
  for (let i = 0; i < lastItems.length; i++) {
    const last = lastItems[i];
    const was = isRecord(last) ? last : undefined;
    let exact = true;
    let loose = true;
    for (const k of keys) {
      const a = have?.[k];
      const b = was?.[k];
      if (deepEqual(a, b)) continue;
      exact = false;
      if (a !== undefined && b !== undefined) {
        loose = false;
        break;
      }
    }
    if (exact) return i;
    if (loose) {
      candidates += 1;
      candidate = i;
    }
  }
  return candidates === 1 ? candidate : -1;
}

export function compareObjects(desired: unknown, live: unknown, opts: CompareOptions): DriftFinding[] {
  const out: DriftFinding[] = [];
  const ignore = opts.ignore ?? [];
  // `keys` (field names, list indices), `items` (the desired list item at an index step) and
  // `schemaPath` are stacks pushed and popped on the way down; a finding builds its steps from them.
  // (This runs for every lens on every edit: no object or array copy per visited field.)
  const keys: Array<string | number> = [];
  const items: unknown[] = [];
  const push = (key: string | number, item?: unknown): void => {
    keys.push(key);
    items.push(item);
  };
  const pop = (): void => {
    keys.pop();
    items.pop();
  };
  const emit = (d: unknown, l: unknown, kind: DriftFinding['kind']): void => {
    const steps: FoundStep[] = keys.map((k, i) => (typeof k === 'string' ? { field: k } : { index: k, item: items[i] }));
    if (ignore.length > 0 && isIgnored(steps, ignore)) return;
    out.push({ path: toPointer(steps), desired: d, live: l, kind, steps });
  };
  /**
   * A live-only map removed as a whole, unless an ignore rule hides part of it (Argo CD's tracking
   * label in labels Git never wrote): then each of its fields, so the rule can hide its own.
   */
  const emitRemoved = (l: unknown): void => {
    if (isRecord(l) && ignore.some((r) => r.steps.length > keys.length && keys.every((k, i) => stepMatches(r.steps[i] as IgnoreStep, typeof k === 'string' ? { field: k } : { index: k, item: items[i] })))) {
      for (const [k, v] of Object.entries(l)) {
        push(k);
        emitRemoved(v);
        pop();
      }
      return;
    }
    emit(undefined, l, 'removed');
  };
  const threeWay = opts.lastApplied !== undefined;
  const omitEmpty = opts.omitEmpty === true;
  const kind = isRecord(desired) && typeof desired.kind === 'string' ? desired.kind : undefined;

  /** What the controller's next apply removes of a live-only value others own part of (ssa.ts). */
  const removeBelow = (v: unknown, o: Ownership): void => {
    const one = (key: string | number, child: unknown, co: Ownership | undefined, item?: unknown): void => {
      const r = removalOf(co);
      if (r === 'none' || co === undefined) return;
      push(key, item);
      if (r === 'whole') emitRemoved(child);
      else removeBelow(child, co);
      pop();
    };
    if (isRecord(v)) for (const [k, c] of Object.entries(v)) one(k, c, fieldOwnership(o, k));
    else if (Array.isArray(v)) v.forEach((item, j) => one(j, item, itemOwnership(o, item, j), item));
  };

  const walk = (d: unknown, l: unknown, la: unknown, schemaPath: string[], own: Ownership | undefined): void => {
    if (isRecord(d)) {
      if (!isRecord(l)) {
        emit(d, l, l === undefined ? 'missingLive' : 'changed');
        return;
      }
      // for-in: no array of keys per map compared (every lens, every edit).
      for (const k in d) {
        const dv = d[k];
        // `status` is owned by controllers, never by the desired document.
        if (keys.length === 0 && k === 'status') continue;
        if (dv === null) continue; // null in a manifest means "unset" to the apiserver
        const lv = l[k];
        // Equal scalars, most fields of an object in sync: nothing to report, nothing to descend into.
        if (dv === lv && typeof dv !== 'object') continue;
        push(k);
        if (lv === undefined || lv === null) {
          if (!(omitEmpty && isEmptyContainer(dv))) emit(dv, undefined, 'missingLive');
        } else {
          schemaPath.push(k);
          walk(dv, lv, isRecord(la) ? la[k] : undefined, schemaPath, own && fieldOwnership(own, k));
          schemaPath.pop();
        }
        pop();
      }
      const byLast = threeWay && isRecord(la);
      if (byLast || own !== undefined) {
        for (const [k, lv] of Object.entries(l)) {
          if (k in d) continue;
          if (keys.length === 0 && k === 'status') continue;
          if (byLast && k in la && la[k] !== null) {
            push(k);
            emitRemoved(lv);
            pop();
            continue;
          }
          if (own === undefined || lv === null) continue;
          const fo = fieldOwnership(own, k);
          const r = removalOf(fo);
          if (r === 'none' || fo === undefined) continue;
          push(k);
          if (r === 'whole') emitRemoved(lv);
          else removeBelow(lv, fo);
          pop();
        }
      }
      return;
    }
    if (Array.isArray(d)) {
      if (!Array.isArray(l)) {
        emit(d, l, 'changed');
        return;
      }
      const sem = opts.listKeys.listAt(schemaPath);
      if (sem?.type === 'map' && sem.keys.length > 0) {
        const taken = new Set<number>();
        d.forEach((item, i) => {
          const j = findByKey(item, l, sem.keys, taken);
          push(i, item);
          if (j < 0) {
            emit(item, undefined, 'missingLive');
          } else {
            taken.add(j);
            const laItem = Array.isArray(la) ? la[findInLastApplied(item, la, sem.keys)] : undefined;
            walk(item, l[j], laItem, schemaPath, own && itemOwnership(own, l[j], j));
          }
          pop();
        });
        if ((threeWay && Array.isArray(la)) || own !== undefined) {
          l.forEach((liveItem, j) => {
            if (taken.has(j)) return;
            // Live-only item: removed from Git if the last applied configuration had it, or the
            // controller applied it and nobody else owns part of it.
            const inLast = threeWay && Array.isArray(la) && findInLastApplied(liveItem, la, sem.keys) >= 0;
            const io = own && itemOwnership(own, liveItem, j);
            const r = inLast ? 'whole' : removalOf(io);
            if (r === 'none') return;
            push(j, liveItem);
            if (r === 'whole') emit(undefined, liveItem, 'removed');
            else if (io) removeBelow(liveItem, io);
            pop();
          });
        }
        return;
      }
      if (sem?.type === 'set') {
        const missing = d.some((x) => !l.some((y) => deepEqual(x, y)));
        const liveOnly = (y: unknown): boolean => !d.some((x) => deepEqual(x, y));
        const removed =
          (threeWay && Array.isArray(la) && l.some((y) => liveOnly(y) && la.some((x) => deepEqual(x, y)))) ||
          (own !== undefined && l.some((y, j) => liveOnly(y) && removalOf(itemOwnership(own, y, j)) === 'whole'));
        if (missing || removed) emit(d, l, 'changed');
        return;
      }
      // Atomic (or unknown) list: same length, then item by item, so defaults inside items are not drift.
      if (d.length !== l.length) {
        emit(d, l, 'changed');
        return;
      }
      d.forEach((item, i) => {
        push(i, item);
        walk(item, l[i], Array.isArray(la) ? la[i] : undefined, schemaPath, undefined);
        pop();
      });
      return;
    }
    if (!scalarEqual(d, l, kind, keys)) emit(d, l, 'changed');
  };

  walk(desired, live, threeWay ? opts.lastApplied : undefined, [], opts.ownership);
  return out;
}

/** `[]` or `{}`. */
function isEmptyContainer(v: unknown): boolean {
  return Array.isArray(v) ? v.length === 0 : isRecord(v) && Object.keys(v).length === 0;
}

/** The parsed last-applied-configuration annotation of a live object, if it has a valid one. */
export function lastAppliedOf(live: unknown): unknown {
  const metadata = isRecord(live) ? live.metadata : undefined;
  const annotations = isRecord(metadata) ? metadata.annotations : undefined;
  const text = isRecord(annotations) ? annotations['kubectl.kubernetes.io/last-applied-configuration'] : undefined;
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
