/**
 * Shared vocabulary of the Kubernetes API simulator. The server (server.ts and friends) and the pure
 * object semantics (semantics/*) are written against these types only.
 */

/** Any Kubernetes object as JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  managedFields?: ManagedFieldsEntry[];
  ownerReferences?: unknown[];
  finalizers?: string[];
  [field: string]: unknown;
}

/** metadata.managedFields[] entry, as the API server writes it (fieldsType is always FieldsV1). */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

export interface GroupVersionKind {
  group: string; // '' for the core group
  version: string;
  kind: string;
}

/** How a list field merges, as OpenAPI `x-kubernetes-list-type` / `x-kubernetes-list-map-keys` say. */
type ListSemantics =
  | { type: 'map'; keys: readonly string[] }
  | { type: 'set' }
  | { type: 'atomic' };

/**
 * Answers schema questions about one kind. `path` is the field path from the object root with list
 * items elided, e.g. ['spec','template','spec','containers','ports'] for the ports of any container.
 * Built-in kinds answer from a table (semantics/listSemantics.ts); CRDs from their OpenAPI schema.
 */
export interface SchemaInfo {
  listAt(path: readonly string[]): ListSemantics | undefined;
  /** True when the field at path is declared as an integer-or-string (intstr) or free-form map. */
  isOpaqueAt?(path: readonly string[]): boolean;
}

/** A served resource type (one per group/version/plural). */
export interface ResourceType {
  group: string;
  version: string;
  /** Plural resource name, as in the URL: 'deployments'. */
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: readonly string[];
  categories: readonly string[];
  verbs: readonly string[];
  /** Subresources served: 'status' and/or 'scale'. */
  subresources: readonly ('status' | 'scale')[];
  /** JSON pointer paths for the scale subresource (CRDs declare them; Deployment etc. are built in). */
  scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
  /** OpenAPI v3 schema of the kind (built-ins: a reduced schema; CRDs: spec.versions[].schema.openAPIV3Schema). */
  schema: Record<string, unknown> | undefined;
  schemaInfo: SchemaInfo;
  /** Columns for `kubectl get` (Table output). */
  printerColumns: readonly PrinterColumn[];
}

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  /** JSONPath as in CRD additionalPrinterColumns, e.g. '.status.replicas'. */
  jsonPath: string;
  priority?: number;
  description?: string;
}

/** A Kubernetes `Status` failure, thrown by semantics and turned into an HTTP response by the server. */
export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: { name?: string; group?: string; kind?: string; causes?: Array<{ type?: string; message: string; field?: string }> },
  ) {
    super(message);
  }

  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}
