/**
 * Flux inventory entry ids (`status.inventory.entries[].id`). Flux writes them with the cli-utils
 * `object.ObjMetadata.String()` form: `<namespace>_<name>_<group>_<kind>`, namespace and group empty for
 * cluster-scoped objects and the core group (`_flux-system__Namespace`, `default_podinfo__Service`).
 * Kubernetes names cannot contain `_` (DNS subdomain rules), except RBAC names, which may contain `:`;
 * for Role/ClusterRole/RoleBinding/ClusterRoleBinding the `:` is written as `__`.
 * We parse the way cli-utils `ParseObjMetadata` does: namespace up to the first `_`, kind after the
 * last, group after the one before; the rest is the name with `__` turned back into `:`.
 */

export interface InventoryRef {
  readonly namespace: string;
  readonly name: string;
  readonly group: string;
  readonly kind: string;
  /** API version from the entry's `v` field, when present. */
  readonly version?: string;
}

export type InventoryParse = { readonly ok: true; readonly ref: InventoryRef } | { readonly ok: false; readonly error: string };

export function parseInventoryId(id: string, version?: string): InventoryParse {
  const first = id.indexOf('_');
  if (first < 0) return { ok: false, error: `inventory id "${id}" has no "_" separator` };
  const namespace = id.slice(0, first);
  let rest = id.slice(first + 1);
  const kindAt = rest.lastIndexOf('_');
  if (kindAt < 0) return { ok: false, error: `inventory id "${id}" has too few fields` };
  const kind = rest.slice(kindAt + 1);
  rest = rest.slice(0, kindAt);
  const groupAt = rest.lastIndexOf('_');
  if (groupAt < 0) return { ok: false, error: `inventory id "${id}" has too few fields` };
  const group = rest.slice(groupAt + 1);
  const name = rest.slice(0, groupAt).replaceAll('__', ':');
  if (name.includes('_')) return { ok: false, error: `inventory id "${id}" has too many fields` };
  if (name === '' || kind === '') return { ok: false, error: `inventory id "${id}" has an empty name or kind` };
  return { ok: true, ref: { namespace, name, group, kind, version } };
}

const RBAC = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

/** The inverse, for tests and lookups: cli-utils `ObjMetadata.String()`. */
export function formatInventoryId(ref: Pick<InventoryRef, 'namespace' | 'name' | 'group' | 'kind'>): string {
  const name = ref.group === 'rbac.authorization.k8s.io' && RBAC.has(ref.kind) ? ref.name.replaceAll(':', '__') : ref.name;
  return `${ref.namespace}_${name}_${ref.group}_${ref.kind}`;
}
