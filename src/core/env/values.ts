/**
 * Helm values as an environment sees them: its layers (values files, then the values written in its
 * manifest) merged the way helm merges `-f` files and `--set` (helm pkg/chartutil coalesce: maps
 * merge key by key, anything else is replaced, a `null` removes the key), and the keys in which two
 * environments differ.
 */
import { isRecord } from '../json';

type Obj = Record<string, unknown>;

/** `b` over `a`, as helm merges a later values file over an earlier one. Neither input is changed. */
function mergeValues(a: Readonly<Obj>, b: Readonly<Obj>): Obj {
  const out: Obj = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (k === '__proto__') continue;
    if (v === null) delete out[k];
    else if (isRecord(v) && isRecord(out[k])) out[k] = mergeValues(out[k] as Obj, v);
    else out[k] = v;
  }
  return out;
}

export function mergeLayers(layers: readonly Readonly<Obj>[]): Obj {
  return layers.reduce<Obj>((acc, l) => mergeValues(acc, l), {});
}

/** One key two sets of values disagree on; `from`/`to` undefined where that side lacks it. */
export interface ValuesDifference {
  readonly key: readonly string[];
  readonly from: unknown;
  readonly to: unknown;
}

/** Differing leaves (lists are values, compared whole), in `from`'s key order then `to`'s. */
export function diffValues(from: unknown, to: unknown, key: readonly string[] = []): ValuesDifference[] {
  if (isRecord(from) && isRecord(to)) {
    const out: ValuesDifference[] = [];
    for (const k of Object.keys(from)) out.push(...diffValues(from[k], to[k], [...key, k]));
    for (const k of Object.keys(to)) if (!(k in from)) out.push(...diffValues(undefined, to[k], [...key, k]));
    return out;
  }
  if (from === undefined && isRecord(to)) return Object.keys(to).flatMap((k) => diffValues(undefined, to[k], [...key, k]));
  if (to === undefined && isRecord(from)) return Object.keys(from).flatMap((k) => diffValues(from[k], undefined, [...key, k]));
  return JSON.stringify(from) === JSON.stringify(to) ? [] : [{ key, from, to }];
}

export function valueAtKey(values: unknown, key: readonly string[]): { readonly found: boolean; readonly value?: unknown } {
  let v = values;
  for (const k of key) {
    if (!isRecord(v) || !Object.prototype.hasOwnProperty.call(v, k)) return { found: false };
    v = v[k];
  }
  return { found: true, value: v };
}

/** A copy of `values` with `key` set to `value` (undefined: removed). */
export function withValueAt(values: Readonly<Obj>, key: readonly string[], value: unknown): Obj {
  const [head, ...rest] = key;
  if (head === undefined) return { ...values };
  const out: Obj = { ...values };
  if (rest.length === 0) {
    if (value === undefined) delete out[head];
    else out[head] = value;
    return out;
  }
  const child = isRecord(out[head]) ? (out[head] as Obj) : {};
  out[head] = withValueAt(child, rest, value);
  return out;
}

export const keyText = (key: readonly string[]): string => key.map((k) => (/^[\w-]+$/.test(k) ? k : JSON.stringify(k))).join('.');

/** Whether a key is chosen by `--only`-style key filters (`image` chooses `image.tag`). */
export function keySelected(key: readonly string[], chosen: readonly string[] | undefined): boolean {
  if (chosen === undefined || chosen.length === 0) return true;
  const text = key.join('.');
  return chosen.some((c) => text === c || text.startsWith(`${c}.`));
}

/** Values keys that hold an image or its tag (`image.tag`, `imageTag`, `image`), for `--only image` on Helm apps. */
export function isImageKey(key: readonly string[]): boolean {
  const last = key[key.length - 1] ?? '';
  return /^(tag|image|imagetag|digest|version)$/i.test(last) ? key.some((k) => /image/i.test(k)) || /image/i.test(last) : /image/i.test(last);
}
