/**
 * Server-side apply ownership, for the removal half of drift: a field the GitOps controller applied
 * (its `metadata.managedFields` entry) that Git no longer writes is removed by its next apply, unless
 * another field manager owns it too (https://kubernetes.io/docs/reference/using-api/server-side-apply/
 * "Field management": a field an applier stops sending is deleted when no other manager owns it). So
 * it is drift, as Argo CD's server-side diff and structured-merge diff report it (gitops-engine pkg/diff
 * `serverSideDiff`, `structuredMergeDiff`: the dry-run or local apply as `argocd-controller` removes
 * it) and Flux's drift detection does (fluxcd/pkg ssa `ResourceManager.Diff`, a dry-run apply as
 * `kustomize-controller`).
 *
 * Who is the controller:
 * - Argo CD syncs with server-side apply as `argocd-controller`, operation Apply (argo-cd common.go
 *   `ArgoCDSSAManager`); with client-side apply it records an Update and the last-applied
 *   annotation, which compare.ts reads instead.
 * - Flux applies as `kustomize-controller` (helm-controller as `helm-controller`), operation Apply.
 *   Before each apply kustomize-controller hands it the fields of `kubectl` (Apply and Update, by
 *   prefix: `kubectl-edit`, `kubectl-client-side-apply`…), `before-first-apply` (Update) and its own
 *   Update entries (fluxcd/pkg ssa patch.go `PatchReplaceFieldsManagers` with kustomize-controller's
 *   cleanup list), so a field added with `kubectl edit` is removed on the next reconcile; not when
 *   the object says `kustomize.toolkit.fluxcd.io/ssa: Merge` (the cleanup's exclusion), and not for
 *   a HelmRelease's objects (helm-controller has no such cleanup).
 * - Not knowing the deployer (the CLI without an app), any of those managers' Apply entries.
 *
 * The field sets are decoded by core/audit/managedFields.ts (structured-merge-diff's fieldsV1).
 */
import { readManagedFields, type FieldSetNode, type ManagedFieldsEntry, type PathElement } from '../audit/managedFields';
import { deepEqual } from './compare';
import type { App } from '../model/app';
import { isRecord } from '../json';

/** The field sets reached at one place of the object: the controller's and everyone else's. */
export interface Ownership {
  readonly own: readonly FieldSetNode[];
  readonly others: readonly FieldSetNode[];
}

const ARGOCD_SSA_MANAGER = 'argocd-controller';
/** The field manager of our own server-side dry-runs (infra/k8s/clusterAccess.ts `dryRunApply` default). */
export const DRY_RUN_FIELD_MANAGER = 'gitops-lens';
const FLUX_APPLIERS = ['kustomize-controller', 'helm-controller'];

/** kustomize-controller's cleanup list: [prefix, operation] taken over before each apply. */
const FLUX_TAKEN_OVER: ReadonlyArray<readonly [string, string]> = [
  ['kubectl', 'Apply'],
  ['kubectl', 'Update'],
  ['before-first-apply', 'Update'],
  ['kustomize-controller', 'Update'],
];

const FLUX_SSA_ANNOTATION = 'kustomize.toolkit.fluxcd.io/ssa';

/** Whether an entry's fields are the controller's, for the deploying tool (undefined: not known). */
function isControllerEntry(e: Pick<ManagedFieldsEntry, 'manager' | 'operation' | 'subresource'>, tool: App['tool'] | undefined, fluxTakesOver: boolean): boolean {
  if (e.subresource !== undefined) return false;
  if (tool === 'argocd') return e.manager === ARGOCD_SSA_MANAGER && e.operation === 'Apply';
  if (tool === 'flux') {
    if (FLUX_APPLIERS.includes(e.manager) && e.operation === 'Apply') return true;
    return fluxTakesOver && FLUX_TAKEN_OVER.some(([prefix, op]) => e.operation === op && e.manager.startsWith(prefix));
  }
  return e.operation === 'Apply' && (e.manager === ARGOCD_SSA_MANAGER || FLUX_APPLIERS.includes(e.manager));
}

/** `kustomize.toolkit.fluxcd.io/ssa: Merge` (any case, as fluxcd/pkg ssa `AnyInMetadata` compares) on either side. */
export function fluxMergeOf(...objects: readonly unknown[]): boolean {
  return objects.some((o) => {
    const meta = isRecord(o) && isRecord(o.metadata) ? o.metadata : undefined;
    return [meta?.annotations, meta?.labels].some((m) => isRecord(m) && typeof m[FLUX_SSA_ANNOTATION] === 'string' && m[FLUX_SSA_ANNOTATION].toLowerCase() === 'merge');
  });
}

/** The decoded entries of a live object (the caller caches them with the live side). */
export function decodedEntries(live: unknown): readonly ManagedFieldsEntry[] {
  return readManagedFields(live).entries;
}

/** The ownership at the root of an object, or undefined when the controller owns nothing there. */
/** `fluxTakesOver`: kustomize-controller's cleanup applies (a Kustomization's object without `ssa: Merge`). */
export function rootOwnership(entries: readonly ManagedFieldsEntry[], tool: App['tool'] | undefined, fluxTakesOver: boolean): Ownership | undefined {
  const own: FieldSetNode[] = [];
  const others: FieldSetNode[] = [];
  for (const e of entries) {
    if (e.subresource !== undefined) continue; // status and scale writes: not the object's spec
    (isControllerEntry(e, tool, fluxTakesOver) ? own : others).push(e.fields);
  }
  return own.length === 0 ? undefined : { own, others };
}

const matchesItem = (element: PathElement, item: unknown, index: number): boolean => {
  if (element.kind === 'key') return isRecord(item) && Object.entries(element.fields).every(([k, v]) => deepEqual(item[k], v));
  if (element.kind === 'value') return deepEqual(element.value, item);
  if (element.kind === 'index') return element.index === index;
  return false;
};

function childrenOf(nodes: readonly FieldSetNode[], test: (e: PathElement) => boolean): FieldSetNode[] {
  const out: FieldSetNode[] = [];
  for (const n of nodes) for (const c of n.children) if (test(c.element)) out.push(c.node);
  return out;
}

/** The ownership one map field down. */
export function fieldOwnership(o: Ownership, field: string): Ownership | undefined {
  const test = (e: PathElement): boolean => e.kind === 'field' && e.name === field;
  const own = childrenOf(o.own, test);
  return own.length === 0 ? undefined : { own, others: childrenOf(o.others, test) };
}

/** The ownership of a live list item (by its key values, its value, or its position). */
export function itemOwnership(o: Ownership, item: unknown, index: number): Ownership | undefined {
  const test = (e: PathElement): boolean => matchesItem(e, item, index);
  const own = childrenOf(o.own, test);
  return own.length === 0 ? undefined : { own, others: childrenOf(o.others, test) };
}

/**
 * What of a live-only value the controller's next apply removes: `whole` when no other manager owns it
 * or anything below it; `below` when others own part of it (then only the controller's parts go,
 * looked at one level down); `none` when the controller does not own it.
 */
export function removalOf(o: Ownership | undefined): 'whole' | 'below' | 'none' {
  if (o === undefined) return 'none';
  if (o.others.length === 0) return 'whole';
  return o.own.some((n) => n.children.length > 0) ? 'below' : 'none';
}
