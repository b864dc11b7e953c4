/**
 * List merge semantics of built-in kinds and of CRDs, read from OpenAPI v3 schemas by the simulator's
 * own resolver.
 *
 * Built-ins: ./builtinDefinitions.ts, the markers of the published Kubernetes OpenAPI. Server-side
 * apply uses `x-kubernetes-list-type` / `-list-map-keys`; strategic merge patch uses
 * `x-kubernetes-patch-merge-key` / `-patch-strategy`. They mostly agree, but not always: container
 * ports are a map keyed by containerPort+protocol for apply but merge by containerPort alone for SMP;
 * tolerations are atomic for both. A list without a list type falls back to its patch strategy, as
 * kube-openapi's schema conversion does (kubernetes/kube-openapi pkg/schemaconv/smd.go,
 * getListElementRelationship): `merge` with a merge key is a map on that key, `merge` alone a set,
 * anything else atomic.
 *
 * CRDs: read from spec.versions[].schema.openAPIV3Schema; a list without x-kubernetes-list-type is atomic.
 */
import type { GroupVersionKind, SchemaInfo } from '../types';
import { builtinDefinitions } from './builtinDefinitions';
import { isObject } from './json';

/** Strategic-merge metadata for one path; the SchemaInfo objects built here answer it too. */
export interface PatchMeta {
  patchMergeKey?: string;
  patchStrategy?: string;
}

export interface PatchSchemaInfo extends SchemaInfo {
  patchMetaAt(path: readonly string[]): PatchMeta | undefined;
  /** True for built-in kinds: the apiserver accepts strategic merge patch only for them. */
  readonly strategicMergeSupported: boolean;
  /**
   * True for an object field that server-side apply treats as one value (`+structType=atomic`,
   * `x-kubernetes-map-type: atomic`), e.g. LabelSelector: managedFields then say `f:selector: {}`.
   */
  mapAtomicAt(path: readonly string[]): boolean;
  /**
   * True where the Go zero value of a built-in kind already holds the field (a non-omitempty struct
   * or slice, e.g. spec, spec.template, spec.template.spec.containers). The apiserver diffs an update
   * against such a value, so these fields are never "added" and get no `.` entry in managedFields.
   */
  zeroValueAt(path: readonly string[]): boolean;
}

const templateZero = (at: string): string[] => [at, `${at}.metadata`, `${at}.spec`, `${at}.spec.containers`];

/** Fields present in the Go zero value of each kind (json tags without omitempty on struct/slice fields). */
const zeroValueRows: Record<string, string[]> = {
  'apps/Deployment': ['spec.strategy', ...templateZero('spec.template')],
  'apps/ReplicaSet': templateZero('spec.template'),
  'apps/DaemonSet': ['spec.updateStrategy', ...templateZero('spec.template')],
  'apps/StatefulSet': ['spec.updateStrategy', ...templateZero('spec.template')],
  'batch/Job': templateZero('spec.template'),
  'batch/CronJob': ['spec.jobTemplate', 'spec.jobTemplate.spec', ...templateZero('spec.jobTemplate.spec.template')],
  '/Pod': ['spec.containers'],
  '/PodTemplate': templateZero('template'),
  '/Service': ['status.loadBalancer'],
};

type Schema = Record<string, unknown>;
type ListSemantics = NonNullable<ReturnType<SchemaInfo['listAt']>>;

/** The definition a `$ref` (or an OpenAPI v3 `allOf: [{$ref}]` wrapper) names, else the node itself. */
function deref(node: Schema | undefined, defs: Record<string, Schema>): Schema | undefined {
  for (let i = 0; node && i < 8; i++) {
    const wrapped = Array.isArray(node.allOf) && node.allOf.length === 1 && isObject(node.allOf[0]) ? node.allOf[0] : node;
    const r = wrapped.$ref;
    if (typeof r !== 'string') return node;
    node = defs[r.replace('#/components/schemas/', '')];
  }
  return node;
}

/**
 * The schema node at a field path whose list items are elided (spec.template.spec.containers.ports):
 * each step first goes through `items`, then into `properties` or `additionalProperties`.
 */
function schemaAt(root: Schema | undefined, path: readonly string[], defs: Record<string, Schema>): Schema | undefined {
  let node = deref(root, defs);
  for (const seg of path) {
    while (node && isObject(node.items)) node = deref(node.items, defs);
    if (!node) return undefined;
    const props = node.properties;
    if (isObject(props) && isObject(props[seg])) node = deref(props[seg], defs);
    else if (isObject(node.additionalProperties)) node = deref(node.additionalProperties, defs);
    else return undefined;
  }
  return node;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Apply semantics of a list node; undefined when the node is not a list. */
function listSemanticsOf(n: Schema | undefined): ListSemantics | undefined {
  if (!n || (n.type !== 'array' && !isObject(n.items))) return undefined;
  const t = n['x-kubernetes-list-type'];
  if (t === 'map') {
    const keys = n['x-kubernetes-list-map-keys'];
    return { type: 'map', keys: Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [] };
  }
  if (t === 'set') return { type: 'set' };
  if (t === 'atomic') return { type: 'atomic' };
  // No list type: kube-openapi falls back to the strategic-merge markers.
  const strategy = str(n['x-kubernetes-patch-strategy']);
  if (strategy === 'merge' || strategy === 'merge,retainKeys') {
    const k = str(n['x-kubernetes-patch-merge-key']);
    return k ? { type: 'map', keys: [k] } : { type: 'set' };
  }
  return { type: 'atomic' };
}

function patchMetaOf(n: Schema | undefined): PatchMeta | undefined {
  const patchMergeKey = str(n?.['x-kubernetes-patch-merge-key']);
  const patchStrategy = str(n?.['x-kubernetes-patch-strategy']);
  if (patchMergeKey === undefined && patchStrategy === undefined) return undefined;
  return { ...(patchMergeKey !== undefined ? { patchMergeKey } : {}), ...(patchStrategy !== undefined ? { patchStrategy } : {}) };
}

/** `x-kubernetes-map-type: atomic` of an object node; for a list node, of its items (whose path is the list's). */
function mapAtomicOf(n: Schema | undefined, defs: Record<string, Schema>): boolean {
  while (n && isObject(n.items)) n = deref(n.items, defs);
  return n?.['x-kubernetes-map-type'] === 'atomic';
}

function opaqueOf(n: Schema | undefined): boolean {
  if (!n) return false;
  if (n['x-kubernetes-int-or-string'] === true || n.format === 'int-or-string') return true;
  // A free-form map: unknown fields preserved and no declared structure below.
  return n['x-kubernetes-preserve-unknown-fields'] === true && !isObject(n.properties) && !isObject(n.additionalProperties);
}

/** Definition-name prefix of each served built-in group (as the API server publishes them). */
const groupPackages: Record<string, string> = {
  '': 'io.k8s.api.core',
  apps: 'io.k8s.api.apps',
  batch: 'io.k8s.api.batch',
  'networking.k8s.io': 'io.k8s.api.networking',
  'apiextensions.k8s.io': 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions',
};

function builtinRoot(gvk: GroupVersionKind): Schema | undefined {
  const pkg = groupPackages[gvk.group];
  return pkg ? builtinDefinitions[`${pkg}.${gvk.version || 'v1'}.${gvk.kind}`] : undefined;
}

/** One list field of a built-in kind: path with list items elided, apply semantics and SMP metadata. */
export interface ListTableEntry {
  path: string[];
  semantics: ListSemantics;
  patchMergeKey?: string;
  patchStrategy?: string;
}

/**
 * Every list field of a built-in kind and every int-or-string field, found by walking its definition
 * (empty for kinds the simulator has no definition of).
 */
function walkBuiltin(gvk: GroupVersionKind): { lists: ListTableEntry[]; intOrString: string[][] } {
  const lists: ListTableEntry[] = [];
  const intOrString: string[][] = [];
  const visit = (raw: Schema | undefined, path: string[], seen: ReadonlySet<Schema>): void => {
    const n = deref(raw, builtinDefinitions);
    if (!n || seen.has(n)) return;
    const next = new Set(seen).add(n);
    if (opaqueOf(n)) intOrString.push(path);
    const sem = listSemanticsOf(n);
    if (sem) {
      lists.push({ path, semantics: sem, ...patchMetaOf(n) });
      if (isObject(n.items)) visit(n.items, path, next);
      return;
    }
    if (isObject(n.properties)) for (const [k, v] of Object.entries(n.properties)) if (isObject(v)) visit(v, [...path, k], next);
  };
  visit(builtinRoot(gvk), [], new Set());
  return { lists, intOrString };
}

/** The list table of a built-in kind as the simulator's definitions state it. */
export function builtinListTable(gvk: GroupVersionKind): ListTableEntry[] {
  return walkBuiltin(gvk).lists;
}

/** The int-or-string fields of a built-in kind (paths with list items elided). */
export function builtinIntOrStringPaths(gvk: GroupVersionKind): string[][] {
  return walkBuiltin(gvk).intOrString;
}

const key = (path: readonly string[]): string => path.join('\u0000');

function schemaInfo(root: Schema | undefined, defs: Record<string, Schema>, builtin: boolean, zero: ReadonlySet<string>): PatchSchemaInfo {
  // Apply and SMP ask about every field of every object: remember the walks (bounded, as map keys vary)
  // for built-ins, whose definitions never change; a CRD's schema is the stored object's and is read afresh.
  const cache = new Map<string, Schema | undefined>();
  const at = (path: readonly string[]): Schema | undefined => {
    if (!builtin) return schemaAt(root, path, defs);
    const k = key(path);
    if (cache.has(k)) return cache.get(k);
    if (cache.size >= 10_000) cache.clear();
    const n = schemaAt(root, path, defs);
    cache.set(k, n);
    return n;
  };
  return {
    // apiextensions-apiserver does not serve strategic merge patch for custom resources.
    strategicMergeSupported: builtin,
    mapAtomicAt: (path) => mapAtomicOf(at(path), defs),
    zeroValueAt: (path) => zero.has(key(path)),
    listAt: (path) => listSemanticsOf(at(path)),
    patchMetaAt: (path) => patchMetaOf(at(path)),
    isOpaqueAt: (path) => opaqueOf(at(path)),
  };
}

export function builtinSchemaInfo(gvk: GroupVersionKind): PatchSchemaInfo {
  const zero = new Set(['metadata', 'spec', 'status', ...(zeroValueRows[`${gvk.group}/${gvk.kind}`] ?? [])].map((p) => key(p.split('.'))));
  return schemaInfo(builtinRoot(gvk), builtinDefinitions, true, zero);
}

/** SchemaInfo of a CRD version from its openAPIV3Schema (undefined schema: nothing is known, lists are atomic). */
export function schemaInfoFromOpenAPI(schema: Record<string, unknown> | undefined): PatchSchemaInfo {
  // Custom resources are unstructured: there is no Go zero value.
  return schemaInfo(schema, {}, false, new Set());
}
