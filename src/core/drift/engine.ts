/**
 * The drift pipeline for one desired/live pair, the same for the CLI and (next) the editor's lenses:
 * ignore rules resolved on the raw live object (managedFieldsManagers needs its managedFields), Secrets
 * masked before anything else sees them, both sides normalized, then compared, three-way when the
 * live object carries a last-applied configuration.
 */
import { compareObjects, lastAppliedOf, type DriftFinding } from './compare';
import { rulesFor, type IgnoreSpec } from './ignore';
import type { ListKeys } from './listKeys';
import { maskSecrets } from './mask';
import { normalize } from './normalize';
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
export function diffPair(desired: Obj, live: Obj, listKeys: ListKeys, ignore: readonly IgnoreSpec[] = []): PairDrift {
  const d = structuredClone(desired);
  // A manifest without a namespace takes the one the object was found in.
  if (stringOf(meta(d).namespace) === '' && stringOf(meta(live).namespace) !== '') d.metadata = { ...meta(d), namespace: stringOf(meta(live).namespace) };
  const id: ResourceId = { apiVersion: stringOf(d.apiVersion), kind: stringOf(d.kind), namespace: stringOf(meta(d).namespace) || undefined, name: stringOf(meta(d).name) };
  const rules = rulesFor(ignore, id, live);
  const masked = maskSecrets(d, live);
  const lastApplied = lastAppliedOf(masked.live);
  const changes = compareObjects(normalize(masked.desired), normalize(masked.live), {
    listKeys,
    ignore: rules,
    ...(lastApplied === undefined ? {} : { lastApplied: normalize(lastApplied) }),
  });
  return { id, changes };
}
