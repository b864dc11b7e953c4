/**
 * RFC 7386 JSON Merge Patch (`application/merge-patch+json`): objects merge recursively, `null`
 * deletes, anything else (arrays included) replaces. The apiserver uses evanphx/json-patch MergePatch,
 * which follows the RFC; a patch that is not JSON is rejected before this point by the server.
 */
import { clone, deepEqual, isObject, put } from './json';

export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const out: Record<string, unknown> = isObject(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else put(out, k, applyMergePatch(Object.prototype.hasOwnProperty.call(out, k) ? out[k] : undefined, v));
  }
  return out;
}

/** The merge patch that turns `from` into `to` ; `to` must hold no nulls
 * (RFC 7386 §5: a merge patch cannot set a value to null). */
export function createMergePatch(from: unknown, to: unknown): unknown {
  if (!isObject(from) || !isObject(to)) return clone(to);
  const patch: Record<string, unknown> = {};
  for (const k of Object.keys(from)) if (!Object.prototype.hasOwnProperty.call(to, k)) put(patch, k, null);
  for (const [k, v] of Object.entries(to)) {
    if (!Object.prototype.hasOwnProperty.call(from, k)) put(patch, k, clone(v));
    else if (!deepEqual(from[k], v)) put(patch, k, createMergePatch(from[k], v));
  }
  return patch;
}
