/**
 * Drift results as the document and the diff editor show them: paths into the document as written,
 * and both sides of a diff in the same key order.
 */
import { isRecord } from '../json';

type Obj = Record<string, unknown>;

/**
 * A copy of `live` whose map keys come in `desired`'s order (then live's own keys, in live's order),
 * at every level where both sides hold a map, list items paired by index. The API server returns map
 * keys sorted (a Secret's `data`, labels); a document keeps the order it was written in. Laid side by
 * side, one changed value must read as one changed line, not as a block removed and a block added.
 */
export function alignKeyOrder(live: unknown, desired: unknown): unknown {
  if (Array.isArray(live)) return Array.isArray(desired) ? live.map((v, i) => alignKeyOrder(v, desired[i])) : live;
  if (!isRecord(live) || !isRecord(desired)) return live;
  const out: Obj = {};
  for (const k of Object.keys(desired)) if (Object.prototype.hasOwnProperty.call(live, k)) out[k] = alignKeyOrder(live[k], desired[k]);
  for (const [k, v] of Object.entries(live)) if (!Object.prototype.hasOwnProperty.call(out, k)) out[k] = v;
  return out;
}

const decode = (s: string): string => s.replace(/~1/g, '/').replace(/~0/g, '~');

/**
 * A finding's path as a pointer into the desired document as written. The comparison folds a
 * Secret's `stringData` into `data` (normalize.ts `foldStringData`, as the API server does on write),
 * so a key written under `stringData` is found as `/data/KEY`: it is reported at `/stringData/KEY`,
 * where the document has it (stringData wins over data for the same key, as on write).
 */
export function desiredPathOf(path: string, desired: Obj): string {
  if (desired.kind !== 'Secret' || desired.apiVersion !== 'v1' || !isRecord(desired.stringData)) return path;
  if (path === '/data') return isRecord(desired.data) ? path : '/stringData';
  if (!path.startsWith('/data/')) return path;
  const rest = path.slice('/data/'.length);
  const slash = rest.indexOf('/');
  const key = decode(slash < 0 ? rest : rest.slice(0, slash));
  return Object.prototype.hasOwnProperty.call(desired.stringData, key) ? `/stringData/${rest}` : path;
}
