/**
 * One desired/live pair compared from scratch, for callers that hold no caches (the PR impact, the
 * drift bench): the desired manifest takes the namespace its live object was found in when it names
 * none, then comparer.ts `compareSides`, the comparison the lenses and the CLI run too.
 */
import type { DriftFinding } from './compare';
import { compareSides, type CompareContext } from './comparer';
import type { IgnoreSpec } from './ignore';
import type { ListKeys } from './listKeys';
import type { DiffSettings } from './settings';
import { isRecord, stringOf } from '../json';

type Obj = Record<string, unknown>;

export interface ResourceId {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string | undefined;
  readonly name: string;
}

export interface PairDrift {
  readonly id: ResourceId;
  readonly changes: readonly DriftFinding[];
}

const meta = (o: Obj): Obj => (isRecord(o.metadata) ? o.metadata : {});

/** Compares one desired document with its live object. Neither input is modified. */
export function diffPair(desired: Obj, live: Obj, listKeys: ListKeys, ignore: readonly IgnoreSpec[] = [], app?: CompareContext['app'], settings?: DiffSettings): PairDrift {
  let d = desired;
  // A manifest without a namespace takes the one the object was found in.
  const liveNamespace = stringOf(meta(live).namespace);
  if (stringOf(meta(d).namespace) === '' && liveNamespace !== '') d = { ...d, metadata: { ...meta(d), namespace: liveNamespace } };
  // A live object without a namespace is cluster-scoped, whatever namespace the manifest writes.
  const namespace = liveNamespace === '' ? undefined : liveNamespace;
  const id: ResourceId = { apiVersion: stringOf(d.apiVersion), kind: stringOf(d.kind), namespace, name: stringOf(meta(d).name) };
  return { id, changes: compareSides({ obj: d }, { obj: live }, { listKeys, ignore, ...(app ? { app } : {}), ...(settings ? { settings } : {}) }) };
}
