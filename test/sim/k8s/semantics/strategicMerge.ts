/**
 * Strategic merge patch (`application/strategic-merge-patch+json`), after
 * k8s.io/apimachinery/pkg/util/strategicpatch (patch.go) and
 * community/contributors/devel/sig-api-machinery/strategic-merge-patch.md:
 * - maps merge recursively; `null` deletes a key;
 * - lists whose patch strategy is `merge` merge by their patch merge key (lists of maps) or as a union
 *   (lists of primitives); other lists are replaced;
 * - directives: `$patch: replace|delete|merge` (in a map or as a list element), `$retainKeys`,
 *   `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>`.
 *
 * Custom resources: the apiserver does not serve this media type for them and answers 415
 * (apiextensions-apiserver lists only JSON patch, merge patch and apply). The server decides with
 * `strategicMergeSupported(schema)` and throws `strategicMergeUnsupportedError()`; this function also
 * throws that error itself when handed a CRD's SchemaInfo.
 */
import type { KubeObject, SchemaInfo } from '../types';
import { StatusError } from '../types';
import { clone, deepEqual, isObject, put, type JsonObject } from './json';
import type { PatchMeta, PatchSchemaInfo } from './listSemantics';

const deleteFromPrimitiveList = '$deleteFromPrimitiveList/';
const setElementOrder = '$setElementOrder/';

export function strategicMergeSupported(schema: SchemaInfo): boolean {
  return (schema as Partial<PatchSchemaInfo>).strategicMergeSupported !== false;
}

function strategicMergeUnsupportedError(): StatusError {
  return new StatusError(
    415,
    'UnsupportedMediaType',
    'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
  );
}

function badPatch(message: string): StatusError {
  // interpretStrategicMergePatchError in the apiserver's patch handler maps these to 400 / 422.
  return new StatusError(400, 'BadRequest', message);
}

/** Patch metadata for a path: explicit SMP keys when the schema has them, else derived from the list type. */
function patchMeta(schema: SchemaInfo, path: readonly string[]): PatchMeta | undefined {
  const explicit = (schema as Partial<PatchSchemaInfo>).patchMetaAt;
  if (explicit) return explicit(path);
  const l = schema.listAt(path);
  if (l?.type === 'map' && l.keys.length === 1) return { patchMergeKey: l.keys[0], patchStrategy: 'merge' };
  if (l?.type === 'set') return { patchStrategy: 'merge' };
  return undefined;
}

const strategies = (m: PatchMeta | undefined): string[] => (m?.patchStrategy ?? '').split(',').filter(Boolean);

function mergeMap(original: JsonObject, patch: JsonObject, path: string[], schema: SchemaInfo): JsonObject | undefined {
  const directive = patch.$patch;
  if (directive === 'delete') return undefined;
  if (directive === 'replace') {
    const out = clone(patch);
    delete out.$patch;
    return stripDirectives(out) as JsonObject;
  }
  if (directive !== undefined && directive !== 'merge') throw badPatch(`Unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`);

  let out = clone(original);
  const retain = patch.$retainKeys;
  if (retain !== undefined) {
    if (!Array.isArray(retain)) throw badPatch('invalid patch: $retainKeys must be a list');
    const keep = new Set(retain.map(String));
    out = Object.fromEntries(Object.entries(out).filter(([k]) => keep.has(k)));
  }
  // $deleteFromPrimitiveList runs before the merge of the same field (strategicpatch mergeMap).
  for (const [k, v] of Object.entries(patch)) {
    if (!k.startsWith(deleteFromPrimitiveList)) continue;
    const field = k.slice(deleteFromPrimitiveList.length);
    if (!Array.isArray(v)) throw badPatch(`invalid patch: ${k} must be a list`);
    const cur = out[field];
    if (Array.isArray(cur)) put(out, field, cur.filter((x) => !v.some((d) => deepEqual(d, x))));
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith(deleteFromPrimitiveList) || k.startsWith(setElementOrder)) continue;
    const childPath = [...path, k];
    if (v === null) {
      delete out[k];
      continue;
    }
    const cur = Object.prototype.hasOwnProperty.call(out, k) ? out[k] : undefined;
    if (isObject(v)) {
      const merged = mergeMap(isObject(cur) ? cur : {}, v, childPath, schema);
      if (merged === undefined) delete out[k];
      else put(out, k, merged);
    } else if (Array.isArray(v)) {
      put(out, k, mergeList(Array.isArray(cur) ? cur : [], v, childPath, schema, patch[`${setElementOrder}${k}`]));
    } else {
      put(out, k, v);
    }
  }
  // A $setElementOrder for a field the patch does not otherwise touch still reorders it.
  for (const [k, order] of Object.entries(patch)) {
    if (!k.startsWith(setElementOrder)) continue;
    const field = k.slice(setElementOrder.length);
    if (Object.prototype.hasOwnProperty.call(patch, field)) continue;
    const cur = out[field];
    if (Array.isArray(cur) && Array.isArray(order)) put(out, field, reorder(cur, order, patchMeta(schema, [...path, field])?.patchMergeKey));
  }
  return out;
}

function identity(item: unknown, key: string | undefined): unknown {
  return key !== undefined && isObject(item) ? item[key] : item;
}

/** Orders `items` as `order` says; items the order does not name keep their relative place at the end. */
function reorder(items: unknown[], order: unknown[], key: string | undefined): unknown[] {
  const rank = (x: unknown): number => {
    const id = identity(x, key);
    const i = order.findIndex((o) => deepEqual(identity(o, key), id));
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return items
    .map((x, i) => ({ x, i, r: rank(x) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((e) => e.x);
}

function mergeList(original: unknown[], patch: unknown[], path: string[], schema: SchemaInfo, order: unknown): unknown[] {
  const meta = patchMeta(schema, path);
  const strat = strategies(meta);
  // A `{"$patch": "replace"}` element replaces the whole list with the remaining elements.
  if (patch.some((x) => isObject(x) && x.$patch === 'replace')) {
    return patch.filter((x) => !(isObject(x) && x.$patch === 'replace')).map(stripDirectives);
  }
  if (!strat.includes('merge')) return patch.map(stripDirectives);

  let out: unknown[];
  const key = meta?.patchMergeKey;
  if (key === undefined || !patch.every(isObject)) {
    // Primitive list with strategy merge (e.g. metadata.finalizers): union, original order first.
    out = [...original];
    for (const v of patch) if (!out.some((x) => deepEqual(x, v))) out.push(clone(v));
  } else {
    out = original.map((x) => clone(x));
    for (const item of patch as JsonObject[]) {
      if (!Object.prototype.hasOwnProperty.call(item, key)) {
        throw badPatch(`map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`);
      }
      const idx = out.findIndex((x) => isObject(x) && deepEqual(x[key], item[key]));
      if (item.$patch === 'delete') {
        out = out.filter((x) => !(isObject(x) && deepEqual(x[key], item[key])));
        continue;
      }
      if (idx >= 0) {
        const merged = mergeMap(out[idx] as JsonObject, item, path, schema);
        if (merged === undefined) out.splice(idx, 1);
        else out[idx] = merged;
      } else {
        const fresh = mergeMap({}, item, path, schema);
        if (fresh !== undefined) out.push(fresh);
      }
    }
  }
  return Array.isArray(order) ? reorder(out, order, key) : out;
}

/** Removes directive keys from a value copied verbatim from the patch. */
function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith(deleteFromPrimitiveList) || k.startsWith(setElementOrder)) continue;
    put(out, k, stripDirectives(x));
  }
  return out;
}

export function applyStrategicMergePatch(target: KubeObject, patch: Record<string, unknown>, schema: SchemaInfo): KubeObject {
  if (!strategicMergeSupported(schema)) throw strategicMergeUnsupportedError();
  if (!isObject(patch)) throw badPatch('json: cannot unmarshal into Go value of type map[string]interface {}');
  const out = mergeMap(target as JsonObject, patch, [], schema);
  if (out === undefined) throw badPatch('$patch: delete is not allowed at the document root');
  return out as KubeObject;
}
