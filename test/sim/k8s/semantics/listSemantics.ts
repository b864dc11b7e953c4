/**
 * List merge semantics of built-in kinds and of CRDs.
 *
 * Built-ins: a table transcribed from the Kubernetes OpenAPI (api/openapi-spec/v3, generated from the
 * `+listType` / `+listMapKey` / `+patchMergeKey` / `+patchStrategy` markers in k8s.io/api). Server-side
 * apply uses `x-kubernetes-list-type` / `-list-map-keys`; strategic merge patch uses
 * `x-kubernetes-patch-merge-key` / `-patch-strategy`. They mostly agree, but not always: container
 * ports are a map keyed by containerPort+protocol for apply but merge by containerPort alone for SMP;
 * tolerations are atomic for both. A list absent from the table is atomic (structured-merge-diff's
 * default for lists without a list type) and replaced wholesale by SMP.
 *
 * CRDs: read from spec.versions[].schema.openAPIV3Schema; a list without x-kubernetes-list-type is atomic.
 */
import type { GroupVersionKind, SchemaInfo } from '../types';
import { isObject } from './json';
// The built-in list table lives in the extension's drift engine; the simulator answers from the same copy.
import { builtinIntOrStringPaths, builtinListTable, fromOpenAPI, resolveSchemaPath } from '../../../../src/core/drift/listKeys';

export { builtinListTable };

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

/** LabelSelector is `+structType=atomic` (k8s.io/apimachinery/pkg/apis/meta/v1/types.go). */
const atomicMapRows: Record<string, string[]> = {
  'apps/Deployment': ['spec.selector'],
  'apps/ReplicaSet': ['spec.selector'],
  'apps/DaemonSet': ['spec.selector'],
  'apps/StatefulSet': ['spec.selector'],
  'batch/Job': ['spec.selector'],
  'batch/CronJob': ['spec.jobTemplate.spec.selector'],
};

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

const key = (path: readonly string[]): string => path.join('\u0000');

export function builtinSchemaInfo(gvk: GroupVersionKind): PatchSchemaInfo {
  const table = new Map(builtinListTable(gvk).map((e) => [key(e.path), e]));
  const opaque = new Set(builtinIntOrStringPaths(gvk).map(key));
  const kindKey = `${gvk.group}/${gvk.kind}`;
  const atomicMaps = new Set((atomicMapRows[kindKey] ?? []).map((p) => key(p.split('.'))));
  const zero = new Set(['metadata', 'spec', 'status', ...(zeroValueRows[kindKey] ?? [])].map((p) => key(p.split('.'))));
  return {
    strategicMergeSupported: true,
    mapAtomicAt: (path) => atomicMaps.has(key(path)),
    zeroValueAt: (path) => zero.has(key(path)),
    listAt: (path) => table.get(key(path))?.semantics,
    patchMetaAt: (path) => {
      const e = table.get(key(path));
      return e && (e.patchMergeKey || e.patchStrategy) ? { patchMergeKey: e.patchMergeKey, patchStrategy: e.patchStrategy } : undefined;
    },
    isOpaqueAt: (path) => opaque.has(key(path)),
  };
}

/** SchemaInfo of a CRD version from its openAPIV3Schema (undefined schema: nothing is known, lists are atomic). */
export function schemaInfoFromOpenAPI(schema: Record<string, unknown> | undefined): PatchSchemaInfo {
  return {
    // apiextensions-apiserver does not serve strategic merge patch for custom resources.
    strategicMergeSupported: false,
    mapAtomicAt: (path) => resolveSchemaPath(schema, path)?.['x-kubernetes-map-type'] === 'atomic',
    // Custom resources are unstructured: there is no Go zero value.
    zeroValueAt: () => false,
    // The list semantics are the product's own reading of the schema (one copy, src/core/drift/listKeys.ts).
    listAt: fromOpenAPI(schema).listAt,
    patchMetaAt: (path) => {
      const n = resolveSchemaPath(schema, path);
      const k = n?.['x-kubernetes-patch-merge-key'];
      const s = n?.['x-kubernetes-patch-strategy'];
      return typeof k === 'string' || typeof s === 'string' ? { patchMergeKey: typeof k === 'string' ? k : undefined, patchStrategy: typeof s === 'string' ? s : undefined } : undefined;
    },
    isOpaqueAt: (path) => {
      const n = resolveSchemaPath(schema, path);
      if (!n) return false;
      if (n['x-kubernetes-int-or-string'] === true) return true;
      // A free-form map: unknown fields preserved and no declared structure below.
      return n['x-kubernetes-preserve-unknown-fields'] === true && !isObject(n.properties) && !isObject(n.additionalProperties);
    },
  };
}
