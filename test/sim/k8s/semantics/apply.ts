/**
 * Server-side apply and field ownership (metadata.managedFields), after sigs.k8s.io/structured-merge-diff
 * (fieldpath, merge, typed) and k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager.
 *
 * Field sets are sets of paths; a path is a list of FieldsV1 keys: `f:<field>`, `k:<json of the list-map
 * keys>` (associative list item), `v:<json value>` (set item), `i:<index>` (item of a keyless list).
 * In FieldsV1 a member that also has members below it is marked with `.`.
 *
 * Shapes that follow the real apiserver:
 * - Apply entries hold the applied configuration's field set (typed.ToFieldSet): leaves, list items and
 *   empty containers; non-empty maps/lists are not members themselves.
 * - Update entries hold what the write added or changed (typed.Compare): a field that did not exist
 *   before is a member even when it is a map or list (hence `f:labels: {.: {}, …}`), except where the Go
 *   zero value of a built-in already holds it (see PatchSchemaInfo.zeroValueAt).
 * - apiVersion, kind and the server-owned metadata fields are never tracked (fieldmanager's
 *   stripMetaManager); the main resource does not track status and the status subresource tracks only
 *   status (the strategies' ResetFieldsFor).
 * - An Apply entry is identified by (manager, subresource); an Update entry also by apiVersion
 *   (internal.BuildManagerIdentifier). Entries are sorted Apply first, then by time, then by manager.
 */
import type { KubeObject, ManagedFieldsEntry, SchemaInfo } from '../types';
import { StatusError } from '../types';
import { clone, deepEqual, isObject, put, type JsonObject } from './json';
import type { PatchSchemaInfo } from './listSemantics';

/** One path: FieldsV1 keys from the object root. */
type FieldPath = string[];

const pkey = (p: readonly string[]): string => JSON.stringify(p);
const unkey = (k: string): FieldPath => JSON.parse(k) as FieldPath;

/**
 * Values the OpenAPI gives list-map keys by default, so an item that omits them still has an identity
 * (structured-merge-diff fills keys from schema defaults; Container/Service ports default protocol TCP).
 */
const listMapKeyDefaults: Record<string, unknown> = { protocol: 'TCP' };

function mapAtomic(schema: SchemaInfo, sp: readonly string[]): boolean {
  return (schema as Partial<PatchSchemaInfo>).mapAtomicAt?.(sp) ?? false;
}

function zeroValue(schema: SchemaInfo, sp: readonly string[]): boolean {
  return (schema as Partial<PatchSchemaInfo>).zeroValueAt?.(sp) ?? false;
}

/** The FieldsV1 key of a list item, or undefined for atomic lists. */
function itemKey(item: unknown, index: number, schema: SchemaInfo, sp: readonly string[]): string | undefined {
  const sem = schema.listAt(sp);
  if (!sem || sem.type === 'atomic') return undefined;
  if (sem.type === 'set') return `v:${JSON.stringify(item)}`;
  if (!isObject(item)) return `i:${index}`;
  const fields: Array<[string, unknown]> = [];
  for (const k of [...sem.keys].sort()) {
    const v = item[k] ?? listMapKeyDefaults[k];
    if (v !== undefined) fields.push([k, v]);
  }
  if (fields.length === 0) return `i:${index}`;
  return `k:${JSON.stringify(Object.fromEntries(fields))}`;
}

function isAssociative(schema: SchemaInfo, sp: readonly string[]): boolean {
  const sem = schema.listAt(sp);
  return sem !== undefined && sem.type !== 'atomic';
}

/** Whether a value is walked into (granular) rather than owned as one leaf. */
function granular(v: unknown, schema: SchemaInfo, sp: readonly string[]): boolean {
  if (isObject(v)) return Object.keys(v).length > 0 && !mapAtomic(schema, sp);
  if (Array.isArray(v)) return v.length > 0 && isAssociative(schema, sp);
  return false;
}

/** Children of a granular value: [FieldsV1 key, child value, child schema path]. */
function children(v: unknown, schema: SchemaInfo, sp: readonly string[]): Array<[string, unknown, string[]]> {
  if (isObject(v)) return Object.entries(v).map(([k, x]) => [`f:${k}`, x, [...sp, k]]);
  if (Array.isArray(v)) {
    const out: Array<[string, unknown, string[]]> = [];
    v.forEach((x, i) => {
      const k = itemKey(x, i, schema, sp);
      if (k !== undefined) out.push([k, x, [...sp]]);
    });
    return out;
  }
  return [];
}

/**
 * typed.ToFieldSet: leaves, list items (members even when they have fields) and empty containers.
 * With `selfMembers`, every node is a member (a subtree that an update added).
 */
function collect(v: unknown, path: FieldPath, schema: SchemaInfo, sp: string[], out: Set<string>, selfMembers: boolean): void {
  if (!granular(v, schema, sp)) {
    out.add(pkey(path));
    return;
  }
  const last = path[path.length - 1] ?? '';
  if (selfMembers || /^[kvi]:/.test(last)) out.add(pkey(path));
  for (const [k, x, csp] of children(v, schema, sp)) collect(x, [...path, k], schema, csp, out, selfMembers);
}

/** Metadata fields the field manager never tracks (fieldmanager internal/stripmeta.go). */
const strippedMeta = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'selfLink', 'managedFields', 'deletionTimestamp', 'deletionGracePeriodSeconds']);

function tracked(path: readonly string[], subresource: string | undefined): boolean {
  const [top, second] = path;
  if (top === undefined) return false;
  if (top === 'f:apiVersion' || top === 'f:kind') return false;
  if (top === 'f:metadata' && (second === undefined || strippedMeta.has(second.slice(2)))) return false;
  if (subresource === 'status') return top === 'f:status';
  return top !== 'f:status';
}

function filterTracked(set: Set<string>, subresource: string | undefined): Set<string> {
  return new Set([...set].filter((k) => tracked(unkey(k), subresource)));
}

function fieldSetOf(obj: unknown, schema: SchemaInfo, subresource?: string): Set<string> {
  const out = new Set<string>();
  if (isObject(obj)) for (const [k, x, sp] of children(obj, schema, [])) collect(x, [k], schema, sp, out, false);
  return filterTracked(out, subresource);
}

/** Builds FieldsV1 JSON from a set of member paths. */
function toFieldsV1(set: Iterable<string>): Record<string, unknown> {
  const root: JsonObject = {};
  const members: FieldPath[] = [...set].map(unkey);
  for (const p of members) {
    let node = root;
    for (const el of p) {
      if (!isObject(node[el])) put(node, el, {});
      node = node[el] as JsonObject;
    }
  }
  for (const p of members) {
    let node = root;
    for (const el of p) node = node[el] as JsonObject;
    if (Object.keys(node).length > 0) node['.'] = {};
  }
  return sortKeys(root) as Record<string, unknown>;
}

/** FieldsV1 members are serialised in sorted key order (fieldpath.Set serialisation is ordered). */
function sortKeys(v: unknown): unknown {
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const k of Object.keys(v).sort()) put(out, k, sortKeys(v[k]));
  return out;
}

/** Reads FieldsV1 JSON into a set of member paths. */
function fromFieldsV1(fields: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (node: unknown, path: FieldPath): void => {
    if (!isObject(node)) return;
    const keys = Object.keys(node);
    if (path.length > 0 && (keys.length === 0 || keys.includes('.'))) out.add(pkey(path));
    for (const k of keys) if (k !== '.') walk(node[k], [...path, k]);
  };
  walk(fields, []);
  return out;
}

/** The FieldsV1 an Apply of `obj` would record (typed.ToFieldSet, tracked fields only). */
export function fieldsV1Of(obj: KubeObject, schema: SchemaInfo, subresource?: string): Record<string, unknown> {
  return toFieldsV1(fieldSetOf(obj, schema, subresource));
}

/** structured-merge-diff's Path.String() of one FieldsV1 path: `.spec.containers[name="nginx"].image`. */
function formatFieldPath(path: readonly string[]): string {
  return path
    .map((el) => {
      const body = el.slice(2);
      if (el.startsWith('f:')) return `.${body}`;
      if (el.startsWith('i:')) return `[${body}]`;
      if (el.startsWith('v:')) return `[=${body}]`;
      const keys = JSON.parse(body) as JsonObject;
      return `[${Object.entries(keys).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
    })
    .join('');
}

/** Member paths of a FieldsV1 object as Path strings, sorted; handy in tests and error messages. */
export function fieldPaths(fields: unknown): string[] {
  return [...fromFieldsV1(fields)].map((k) => formatFieldPath(unkey(k))).sort();
}

/** Walks a FieldsV1 path in an object; returns the parent container and the child's location. */
function locate(obj: unknown, path: readonly string[], schema: SchemaInfo): { parent: unknown; at: string | number; sp: string[] } | undefined {
  let cur = obj;
  let sp: string[] = [];
  for (let i = 0; i < path.length; i++) {
    const el = path[i] as string;
    let at: string | number;
    if (el.startsWith('f:')) {
      if (!isObject(cur)) return undefined;
      at = el.slice(2);
      if (!Object.prototype.hasOwnProperty.call(cur, at)) return undefined;
    } else {
      if (!Array.isArray(cur)) return undefined;
      const list = cur;
      at = list.findIndex((x, j) => itemKey(x, j, schema, sp) === el);
      if (at < 0) return undefined;
    }
    if (i === path.length - 1) return { parent: cur, at, sp };
    cur = (cur as Record<string | number, unknown>)[at];
    if (typeof at === 'string') sp = [...sp, at];
  }
  return undefined;
}

function removeAt(obj: unknown, path: readonly string[], schema: SchemaInfo): void {
  const loc = locate(obj, path, schema);
  if (!loc) return;
  if (Array.isArray(loc.parent) && typeof loc.at === 'number') loc.parent.splice(loc.at, 1);
  else if (isObject(loc.parent) && typeof loc.at === 'string') delete loc.parent[loc.at];
}

/** typed.Merge: the applied configuration merged into the live object along the list semantics. */
function merge(live: unknown, applied: unknown, schema: SchemaInfo, sp: string[]): unknown {
  if (isObject(applied) && isObject(live) && !mapAtomic(schema, sp)) {
    const out = clone(live);
    for (const [k, v] of Object.entries(applied)) put(out, k, merge(Object.prototype.hasOwnProperty.call(live, k) ? live[k] : undefined, v, schema, [...sp, k]));
    return out;
  }
  if (Array.isArray(applied) && Array.isArray(live) && isAssociative(schema, sp)) {
    const out = live.map((x) => clone(x));
    const ids = out.map((x, i) => itemKey(x, i, schema, sp));
    applied.forEach((item, i) => {
      const id = itemKey(item, i, schema, sp);
      const at = id !== undefined && !id.startsWith('i:') ? ids.indexOf(id) : -1;
      if (at >= 0) out[at] = merge(out[at], item, schema, sp);
      else {
        out.push(clone(item));
        ids.push(id);
      }
    });
    return out;
  }
  return clone(applied);
}

/**
 * typed.Compare between two objects: paths added or modified (as Update ownership records them) and
 * paths removed.
 */
function compare(before: unknown, after: unknown, schema: SchemaInfo): { changed: Set<string>; removed: Set<string> } {
  const changed = new Set<string>();
  const removed = new Set<string>();
  const walk = (a: unknown, b: unknown, path: FieldPath, sp: string[]): void => {
    if (b === undefined) {
      if (a !== undefined) removed.add(pkey(path));
      return;
    }
    if (a === undefined) {
      // Only fields sit in a zero value; list items (same schema path as their list) never do.
      const isField = path[path.length - 1]?.startsWith('f:') === true;
      if (isField && zeroValue(schema, sp) && (isObject(b) || Array.isArray(b))) walk(Array.isArray(b) ? [] : {}, b, path, sp);
      else collect(b, path, schema, sp, changed, true);
      return;
    }
    const bothMaps = isObject(a) && isObject(b) && !mapAtomic(schema, sp);
    const bothLists = Array.isArray(a) && Array.isArray(b) && isAssociative(schema, sp);
    if (bothMaps || bothLists) {
      const left = new Map(children(a, schema, sp).map(([k, x]) => [k, x]));
      const right = children(b, schema, sp);
      for (const [k, x, csp] of right) walk(left.get(k), x, [...path, k], csp);
      const rightKeys = new Set(right.map(([k]) => k));
      for (const [k] of left) if (!rightKeys.has(k)) removed.add(pkey([...path, k]));
      return;
    }
    if (!deepEqual(a, b)) changed.add(pkey(path));
  };
  walk(before ?? {}, after, [], []);
  changed.delete(pkey([]));
  return { changed, removed };
}

function isPrefix(prefix: readonly string[], path: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((el, i) => path[i] === el);
}

/** Drops from `set` the given paths and everything below them. */
function without(set: Set<string>, drop: Set<string>): Set<string> {
  if (drop.size === 0) return new Set(set);
  const dropped = [...drop].map(unkey);
  return new Set([...set].filter((k) => {
    const p = unkey(k);
    return !dropped.some((d) => isPrefix(d, p));
  }));
}

interface Manager {
  entry: ManagedFieldsEntry;
  set: Set<string>;
}

function identity(e: Pick<ManagedFieldsEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  // internal.BuildManagerIdentifier: apply entries are not per apiVersion.
  return JSON.stringify([e.manager, e.operation, e.operation === 'Apply' ? '' : e.apiVersion, e.subresource ?? '']);
}

function readManagers(obj: KubeObject | undefined): Manager[] {
  const entries = obj?.metadata.managedFields;
  if (!Array.isArray(entries)) return [];
  return entries.filter((e) => isObject(e) && typeof e.manager === 'string').map((e) => ({ entry: e, set: fromFieldsV1(e.fieldsV1) }));
}

function writeManagers(managers: Manager[]): ManagedFieldsEntry[] {
  return managers
    .filter((m) => m.set.size > 0)
    .map((m) => ({ ...m.entry, fieldsType: 'FieldsV1' as const, fieldsV1: toFieldsV1(m.set) }))
    .sort((p, q) => {
      // internal.sortEncodedManagedFields
      if (p.operation !== q.operation) return p.operation < q.operation ? -1 : 1;
      if (p.time !== q.time) return p.time < q.time ? -1 : 1;
      if (p.manager !== q.manager) return p.manager < q.manager ? -1 : 1;
      if (p.apiVersion !== q.apiVersion) return p.apiVersion < q.apiVersion ? -1 : 1;
      return (p.subresource ?? '') < (q.subresource ?? '') ? -1 : 1;
    });
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((k) => b.has(k));
}

function entryFor(manager: string, operation: 'Apply' | 'Update', apiVersion: string, now: string, subresource: string | undefined): ManagedFieldsEntry {
  return { manager, operation, apiVersion, time: now, fieldsType: 'FieldsV1', fieldsV1: {}, ...(subresource ? { subresource } : {}) };
}

/** How a conflicting manager is named in messages (fieldmanager internal/conflict.go printManager). */
function printManager(e: ManagedFieldsEntry): string {
  let s = JSON.stringify(e.manager);
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  return e.operation === 'Update' ? `${s} using ${e.apiVersion}` : s;
}

function conflictError(conflicts: Array<{ manager: ManagedFieldsEntry; path: string }>): StatusError {
  const causes = conflicts.map((c) => ({ type: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: c.path }));
  let message: string;
  const first = conflicts[0];
  if (conflicts.length === 1 && first) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(first.manager)}: ${first.path}`;
  } else {
    // getConflictMessage groups by manager, managers sorted by their identifier.
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) {
      const name = printManager(c.manager);
      byManager.set(name, [...(byManager.get(name) ?? []), c.path]);
    }
    const lines: string[] = [];
    for (const name of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${name}:`);
      for (const p of byManager.get(name) ?? []) lines.push(`- ${p}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { causes });
}

export interface ServerSideApplyArgs {
  live: KubeObject | undefined;
  applied: KubeObject;
  manager: string;
  force: boolean;
  schema: SchemaInfo;
  now: string;
  subresource?: string;
}

/**
 * Server-side apply of `applied` (the request body) onto `live`. Returns the merged object with
 * metadata.managedFields updated. Defaulting, validation, status reset and meta fields (uid,
 * resourceVersion, …) remain the server's job.
 */
export function serverSideApply(args: ServerSideApplyArgs): KubeObject {
  const { live, applied, manager, force, schema, now, subresource } = args;
  const mf = applied.metadata.managedFields;
  if (Array.isArray(mf) && mf.length > 0) throw new StatusError(400, 'BadRequest', 'metadata.managedFields must be nil');
  const base: KubeObject = live ? clone(live) : { apiVersion: applied.apiVersion, kind: applied.kind, metadata: {} };
  delete base.metadata.managedFields;
  const config = clone(applied);
  delete config.metadata.managedFields;

  const managers = readManagers(live);
  const me = entryFor(manager, 'Apply', applied.apiVersion, now, subresource);
  const myId = identity(me);
  const mine = managers.find((m) => identity(m.entry) === myId);
  const previous = mine?.set ?? new Set<string>();
  const others = managers.filter((m) => m !== mine);

  const appliedSet = fieldSetOf(config, schema, subresource);
  const merged = merge(base, config, schema, []) as KubeObject;
  const { changed } = compare(base, merged, schema);

  // Conflicts: fields this apply changes that another manager owns.
  const conflicts: Array<{ manager: ManagedFieldsEntry; path: string; key: string }> = [];
  for (const m of others) {
    for (const k of m.set) if (changed.has(k) && tracked(unkey(k), subresource)) conflicts.push({ manager: m.entry, path: formatFieldPath(unkey(k)), key: k });
  }
  if (conflicts.length > 0 && !force) {
    conflicts.sort((a, b) => (a.manager.manager === b.manager.manager ? (a.path < b.path ? -1 : 1) : a.manager.manager < b.manager.manager ? -1 : 1));
    throw conflictError(conflicts);
  }
  // With force the applier takes the fields; other managers lose them.
  if (conflicts.length > 0) {
    const taken = new Set(conflicts.map((c) => c.key));
    for (const m of others) m.set = new Set([...m.set].filter((k) => !taken.has(k)));
  }

  // Fields this manager applied before and no longer applies are removed unless someone else owns them.
  const owned = new Set(others.flatMap((m) => [...m.set]));
  const stale = [...previous].filter((k) => !appliedSet.has(k)).map(unkey).sort((a, b) => a.length - b.length);
  for (const p of stale) {
    const ownedBelow = [...owned].some((k) => isPrefix(p, unkey(k)));
    const appliedBelow = [...appliedSet].some((k) => isPrefix(p, unkey(k)));
    if (!ownedBelow && !appliedBelow) removeAt(merged, p, schema);
  }

  const unchanged = mine !== undefined && sameSet(previous, appliedSet) && deepEqual(stripManaged(live), stripManaged(merged));
  const entry: Manager = { entry: unchanged && mine ? mine.entry : me, set: appliedSet };
  merged.metadata.managedFields = writeManagers([...others, entry]);
  return merged;
}

function stripManaged(o: KubeObject | undefined): unknown {
  if (!o) return undefined;
  const c = clone(o);
  delete c.metadata.managedFields;
  return c;
}

export interface RecordUpdateArgs {
  before: KubeObject | undefined;
  after: KubeObject;
  manager: string;
  schema: SchemaInfo;
  now: string;
  subresource?: string;
  apiVersion: string;
}

/**
 * managedFields after a create/update/patch (operation Update): the writer gains every field it added or
 * changed, every manager loses fields whose values changed or that were removed, and managers left
 * owning nothing are dropped. `after` is the object as it will be stored (after defaulting), so
 * defaulted fields belong to the writer, as on a real apiserver.
 */
export function recordUpdate(args: RecordUpdateArgs): ManagedFieldsEntry[] {
  const { before, after, manager, schema, now, subresource, apiVersion } = args;
  const managers = readManagers(before);
  const { changed, removed } = compare(stripManaged(before), stripManaged(after), schema);
  const changedTracked = filterTracked(changed, subresource);
  const removedTracked = filterTracked(removed, subresource);

  const me = entryFor(manager, 'Update', apiVersion, now, subresource);
  const myId = identity(me);
  let mine = managers.find((m) => identity(m.entry) === myId);
  const lost = new Set([...changedTracked, ...removedTracked]);
  for (const m of managers) if (m !== mine) m.set = without(new Set([...m.set].filter((k) => !lost.has(k))), removedTracked);
  if (changedTracked.size === 0 && removedTracked.size === 0) return writeManagers(managers);
  if (!mine) {
    mine = { entry: me, set: new Set() };
    managers.push(mine);
  } else {
    mine.entry = { ...mine.entry, time: now };
  }
  mine.set = without(new Set([...mine.set, ...changedTracked]), removedTracked);
  return writeManagers(managers);
}
