/**
 * Live drift attribution: which field manager last set a field of a live object, from its
 * `metadata.managedFields` (issue 17, "replicas set by kubectl-scale at 14:02, not through Git").
 *
 * The `fieldsV1` encoding is structured-merge-diff's serialized field set
 * (kubernetes-sigs/structured-merge-diff, fieldpath/serialize.go `emitContentsV1` / `FromJSON` and
 * fieldpath/serialize-pe.go `DeserializePathElement`): a JSON object whose keys are path elements
 * - `f:<name>`  a field of a map or struct,
 * - `k:<json object>`  an item of an associative list, by the values of its keys (`k:{"name":"web"}`),
 * - `v:<json value>`  an item of a set (`v:"a"`),
 * - `i:<integer>`  a list item by position,
 * and whose values are the sub-set below that element. `{}` is a leaf: the manager owns that path. A
 * key `.` inside an object says the element itself is owned too (an item or map the manager created),
 * beside the children listed; an object without `.` owns only the children.
 *
 * Each managedFields entry also carries `manager`, `operation` (Apply | Update), `time` and, for a
 * subresource write, `subresource` (`scale`, `status`). Kubernetes updates `time` whenever the entry's
 * set changes (apimachinery ManagedFieldsEntry: "the timestamp will also be updated if a field is
 * added, the manager changes any of the owned fields value or removes a field"), so it is when that
 * manager last changed any of its fields: the closest the object records to "when this field was set".
 *
 * Pure: no I/O; inputs are untrusted JSON, bounded (depth, nodes, key length) and never thrown on.
 */
import type { FoundStep } from '../drift/compare';
import { deepEqual } from '../drift/compare';
import { isRecord } from '../json';

/** One element of a field path as structured-merge-diff serializes it. */
export type PathElement =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'key'; readonly fields: Readonly<Record<string, unknown>> }
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'index'; readonly index: number };

/**
 * A decoded field set: `self` when the element itself is a member (a leaf, or `.` present); `leaf`
 * for `{}`, a value owned whole (a scalar, or an atomic list or map).
 */
export interface FieldSetNode {
  readonly self: boolean;
  readonly leaf: boolean;
  readonly children: ReadonlyArray<{ readonly element: PathElement; readonly node: FieldSetNode }>;
}

export interface ManagedFieldsEntry {
  readonly manager: string;
  /** `Apply` (server-side apply) or `Update` (create, update, patch); other strings kept as written. */
  readonly operation: string;
  readonly apiVersion?: string;
  /** RFC 3339, seconds precision, as the API server writes it. */
  readonly time?: string;
  readonly subresource?: string;
  readonly fields: FieldSetNode;
}

/** Bounds on what one object's managedFields may cost to read (a hostile object cannot make it loop or blow up). */
export const MANAGED_FIELDS_LIMITS = { maxEntries: 256, maxDepth: 64, maxNodes: 50_000, maxKeyLength: 4096 } as const;

export interface DecodedManagedFields {
  readonly entries: readonly ManagedFieldsEntry[];
  /** What could not be read, in words (skipped entries, malformed keys, limits reached). */
  readonly problems: readonly string[];
}

const EMPTY: FieldSetNode = { self: false, leaf: false, children: [] };

/** One `f:`/`k:`/`v:`/`i:` key → PathElement, or undefined when malformed. */
export function parsePathElement(key: string): PathElement | undefined {
  if (key.length < 2 || key[1] !== ':' || key.length > MANAGED_FIELDS_LIMITS.maxKeyLength) return undefined;
  const body = key.slice(2);
  switch (key[0]) {
    case 'f':
      return { kind: 'field', name: body };
    case 'i': {
      if (!/^-?\d{1,9}$/.test(body)) return undefined;
      return { kind: 'index', index: Number(body) };
    }
    case 'k': {
      try {
        const v: unknown = JSON.parse(body);
        return isRecord(v) ? { kind: 'key', fields: v } : undefined;
      } catch {
        return undefined;
      }
    }
    case 'v': {
      try {
        return { kind: 'value', value: JSON.parse(body) as unknown };
      } catch {
        return undefined;
      }
    }
    default:
      return undefined;
  }
}

/** Decodes one `fieldsV1` value; `problems` collects what was skipped. */
export function decodeFieldsV1(fieldsV1: unknown, problems: string[] = [], budget = { nodes: MANAGED_FIELDS_LIMITS.maxNodes }): FieldSetNode {
  const visit = (v: unknown, depth: number, top: boolean): FieldSetNode => {
    if (!isRecord(v)) {
      problems.push(`a fieldsV1 element is ${Array.isArray(v) ? 'a list' : typeof v}, expected an object`);
      return EMPTY;
    }
    const keys = Object.keys(v);
    const children: Array<{ element: PathElement; node: FieldSetNode }> = [];
    for (const k of keys) {
      if (k === '.') continue;
      if (--budget.nodes < 0) {
        if (budget.nodes === -1) problems.push(`managedFields larger than ${MANAGED_FIELDS_LIMITS.maxNodes} elements: the rest was not read`);
        break;
      }
      if (depth >= MANAGED_FIELDS_LIMITS.maxDepth) {
        problems.push(`managedFields nested deeper than ${MANAGED_FIELDS_LIMITS.maxDepth} levels: not read below`);
        break;
      }
      const element = parsePathElement(k);
      if (!element) {
        problems.push(`managedFields key "${k.slice(0, 80)}" is not a field path element (f:, k:, v:, i:)`);
        continue;
      }
      children.push({ element, node: visit(v[k], depth + 1, false) });
    }
    // The root stands for the object: never a member itself. Elsewhere `{}` (no children) or `.` marks one.
    const self = !top && (keys.length === 0 || Object.prototype.hasOwnProperty.call(v, '.'));
    return { self, leaf: !top && keys.length === 0, children };
  };
  return visit(fieldsV1, 0, true);
}

/** The `metadata.managedFields` of a live object, decoded; entries that are not FieldsV1 are skipped with a problem. */
export function readManagedFields(live: unknown): DecodedManagedFields {
  const problems: string[] = [];
  const meta = isRecord(live) && isRecord(live.metadata) ? live.metadata : undefined;
  const raw = meta?.managedFields;
  if (raw === undefined || raw === null) return { entries: [], problems };
  if (!Array.isArray(raw)) return { entries: [], problems: ['metadata.managedFields is not a list'] };
  const entries: ManagedFieldsEntry[] = [];
  const budget = { nodes: MANAGED_FIELDS_LIMITS.maxNodes };
  raw.slice(0, MANAGED_FIELDS_LIMITS.maxEntries).forEach((e, i) => {
    if (!isRecord(e) || typeof e.manager !== 'string') {
      problems.push(`metadata.managedFields[${i}] has no manager`);
      return;
    }
    if (e.fieldsType !== undefined && e.fieldsType !== 'FieldsV1') {
      problems.push(`metadata.managedFields[${i}] (${e.manager}) has fieldsType ${String(e.fieldsType)}; only FieldsV1 is read`);
      return;
    }
    entries.push({
      manager: e.manager,
      operation: typeof e.operation === 'string' ? e.operation : '',
      ...(typeof e.apiVersion === 'string' ? { apiVersion: e.apiVersion } : {}),
      ...(typeof e.time === 'string' ? { time: e.time } : {}),
      ...(typeof e.subresource === 'string' && e.subresource !== '' ? { subresource: e.subresource } : {}),
      fields: e.fieldsV1 === undefined ? EMPTY : decodeFieldsV1(e.fieldsV1, problems, budget),
    });
  });
  if (raw.length > MANAGED_FIELDS_LIMITS.maxEntries) problems.push(`more than ${MANAGED_FIELDS_LIMITS.maxEntries} managedFields entries: the rest was not read`);
  return { entries, problems };
}

// ---------------------------------------------------------------------------------------------------
// Which managers are the GitOps controllers.

export type GitOpsController = 'argocd' | 'flux';

/**
 * Field managers of the GitOps controllers, as they write them:
 * - Argo CD: `argocd-controller`, the manager its syncs apply with, server-side and client-side
 *   (argo-cd common/common.go ArgoCDSSAManager, passed to every ApplyResource in gitops-engine
 *   pkg/sync/sync_context.go); `argocd-application-controller`, the name older controllers were
 *   recorded under (client-go's default manager is the program name).
 * - Flux: `kustomize-controller` (kustomize-controller main.go controllerName, the ssa.Owner field of
 *   its ResourceManager), `helm-controller`, and `gotk-…` (Flux's status managers, e.g.
 *   `gotk-kustomize-controller`, main.go StatusManager).
 * `argocd-server` is not among them: it writes what a user edits in the Argo CD UI, not what Git says.
 */
export function gitOpsControllerOf(manager: string, extra: readonly string[] = []): GitOpsController | undefined {
  if (manager === 'argocd-controller' || manager === 'argocd-application-controller') return 'argocd';
  if (manager === 'kustomize-controller' || manager === 'helm-controller' || manager.startsWith('gotk-')) return 'flux';
  if (extra.includes(manager)) return manager.startsWith('argocd') ? 'argocd' : 'flux';
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Attribution.

/** How a manager's set covers the asked path. */
type OwnershipMatch =
  /** The manager owns the path itself. */
  | 'exact'
  /** It owns an ancestor as one atomic value (`f:args: {}`, `f:selector: {}`), which includes the path. */
  | 'atomic'
  /** It owns fields below the path (the drifted value is an object or list it filled in part). */
  | 'below';

interface FieldOwner {
  readonly manager: string;
  readonly operation: string;
  readonly time?: string;
  readonly subresource?: string;
  readonly apiVersion?: string;
  readonly match: OwnershipMatch;
  /** Set when the manager is a GitOps controller. */
  readonly controller?: GitOpsController;
}

export interface FieldAttribution {
  /** The path asked about, as a JSON Pointer. */
  readonly path: string;
  /** Every manager whose set covers the path, strongest match first, then newest first. */
  readonly owners: readonly FieldOwner[];
  /**
   * The manager that most likely set the live value: the newest of the owners with the strongest
   * match; on a tie in time a manager that is not a GitOps controller (the controller writes what Git
   * says, so a value that differs from Git came from elsewhere). Undefined when no entry covers the path.
   */
  readonly lastSetBy?: FieldOwner;
  /** Whether `lastSetBy` is a GitOps controller; undefined without one. */
  readonly throughGit?: boolean;
}

/** A step of the path asked about: a field, or a list position with (when known) the item there. */
export type AttributionStep = { readonly field: string } | { readonly index: number; readonly item?: unknown };

/** RFC 6901 JSON Pointer → steps; numeric tokens are list positions in the LIVE object. */
function pointerSteps(pointer: string): AttributionStep[] {
  if (pointer === '' || pointer === '/') return [];
  const tokens = (pointer.startsWith('/') ? pointer.slice(1) : pointer).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
  return tokens.map((t) => ({ field: t }));
}

const STRENGTH: Readonly<Record<OwnershipMatch, number>> = { exact: 0, atomic: 0, below: 1 };

/** Whether a `k:` element names this item: every key value equal; `loose` lets the item lack a key (defaulted by the server). */
function keyMatches(fields: Readonly<Record<string, unknown>>, item: unknown, loose: boolean): boolean {
  if (!isRecord(item)) return false;
  let matched = 0;
  for (const [k, v] of Object.entries(fields)) {
    if (!(k in item)) {
      if (!loose) return false;
      continue;
    }
    if (!deepEqual(item[k], v)) return false;
    matched++;
  }
  return matched > 0;
}

type Child = FieldSetNode['children'][number];

/**
 * The child of `node` a step leads to. A field step matches `f:<name>`; if the node holds list
 * elements instead (the pointer did not say which item it meant), a numeric token is read as a list
 * position. List positions match the `k:` element whose keys the item has (exact first, then with
 * server-defaulted keys missing from the item, when that leaves one), a `v:` element equal to the
 * item, or `i:<position>`.
 */
function childFor(node: FieldSetNode, step: AttributionStep, liveList: unknown): Child | undefined {
  if ('field' in step) {
    const byField = node.children.find((c) => c.element.kind === 'field' && c.element.name === step.field);
    if (byField) return byField;
    if (!/^\d+$/.test(step.field)) return undefined;
    return childFor(node, { index: Number(step.field) }, liveList);
  }
  const item = step.item !== undefined ? step.item : Array.isArray(liveList) ? liveList[step.index] : undefined;
  if (item !== undefined) {
    const keyed = node.children.filter((c) => c.element.kind === 'key');
    const exact = keyed.find((c) => c.element.kind === 'key' && keyMatches(c.element.fields, item, false));
    if (exact) return exact;
    const loose = keyed.filter((c) => c.element.kind === 'key' && keyMatches(c.element.fields, item, true));
    if (loose.length === 1) return loose[0];
    const value = node.children.find((c) => c.element.kind === 'value' && deepEqual(c.element.value, item));
    if (value) return value;
  }
  return node.children.find((c) => c.element.kind === 'index' && c.element.index === step.index);
}

/**
 * The live value the chosen element stands for, to resolve the next list position against: a field's
 * value, the live item with the element's keys (it may sit at another position than the desired
 * document's), the set item, or the item at the position.
 */
function liveBelow(live: unknown, element: PathElement, step: AttributionStep): unknown {
  if (element.kind === 'field') return isRecord(live) ? live[element.name] : undefined;
  if (!Array.isArray(live)) return undefined;
  if (element.kind === 'key') return live.find((x) => keyMatches(element.fields, x, false));
  if (element.kind === 'value') return live.find((x) => deepEqual(x, element.value));
  return live['field' in step ? Number(step.field) : step.index];
}

/** How one entry's set covers `steps`, or undefined. */
function coverage(set: FieldSetNode, steps: readonly AttributionStep[], live: unknown): OwnershipMatch | undefined {
  let node = set;
  let value: unknown = live;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    const next = childFor(node, step, value);
    if (!next) return undefined;
    node = next.node;
    value = liveBelow(value, next.element, step);
    // A leaf above the end of the path: the manager owns that value whole (atomic list or map).
    if (i < steps.length - 1 && node.leaf) return 'atomic';
  }
  if (node.self) return 'exact';
  return node.children.length > 0 ? 'below' : undefined;
}

/** Sort key for RFC 3339 times; a missing time sorts oldest. */
const timeKey = (t: string | undefined): number => {
  const ms = t === undefined ? NaN : Date.parse(t);
  return Number.isFinite(ms) ? ms : -Infinity;
};

export interface AttributionOptions {
  /** More manager names to count as GitOps controllers (a renamed or wrapped controller). */
  readonly gitopsManagers?: readonly string[];
  /** Decoded entries, when the caller attributes many paths of one object (decode once). */
  readonly entries?: readonly ManagedFieldsEntry[];
}

/**
 * Which managers cover a path of a live object, and which one most likely set it. `path` is a JSON
 * Pointer whose numeric tokens are positions in the live object, or the steps of a drift finding
 * (core/drift/compare.ts FoundStep: list steps carry the item, matched by its keys, so the desired
 * document's positions do not matter).
 */
export function attributeField(live: unknown, path: string | readonly (AttributionStep | FoundStep)[], opts: AttributionOptions = {}): FieldAttribution {
  const steps: readonly AttributionStep[] = typeof path === 'string' ? pointerSteps(path) : path;
  const pointer = typeof path === 'string' ? path : pointerOf(steps);
  const entries = opts.entries ?? readManagedFields(live).entries;
  const owners: FieldOwner[] = [];
  for (const e of entries) {
    const match = coverage(e.fields, steps, live);
    if (!match) continue;
    const controller = gitOpsControllerOf(e.manager, opts.gitopsManagers);
    owners.push({
      manager: e.manager,
      operation: e.operation,
      ...(e.time !== undefined ? { time: e.time } : {}),
      ...(e.subresource !== undefined ? { subresource: e.subresource } : {}),
      ...(e.apiVersion !== undefined ? { apiVersion: e.apiVersion } : {}),
      match,
      ...(controller ? { controller } : {}),
    });
  }
  owners.sort((a, b) => STRENGTH[a.match] - STRENGTH[b.match] || timeKey(b.time) - timeKey(a.time) || Number(a.controller !== undefined) - Number(b.controller !== undefined));
  const lastSetBy = owners[0];
  return { path: pointer, owners, ...(lastSetBy ? { lastSetBy, throughGit: lastSetBy.controller !== undefined } : {}) };
}

function pointerOf(steps: readonly AttributionStep[]): string {
  return steps.map((s) => `/${'field' in s ? s.field.replace(/~/g, '~0').replace(/\//g, '~1') : String(s.index)}`).join('');
}

/**
 * One line for a hover, the diff editor title or a PR body, e.g.
 * `/spec/replicas set by kubectl-scale (Update, scale) at 2024-05-02T14:02:00Z, not through Git`.
 */
export function describeAttribution(a: FieldAttribution): string {
  const o = a.lastSetBy;
  if (!o) return `${a.path}: no field manager recorded for it`;
  const how = [o.operation, o.subresource].filter((x) => x).join(', ');
  const when = o.time ? ` at ${o.time}` : '';
  const verdict = o.controller ? `through Git (${o.controller === 'argocd' ? 'Argo CD' : 'Flux'})` : 'not through Git';
  const part = o.match === 'below' ? 'fields below ' : '';
  return `${part}${a.path} set by ${o.manager}${how ? ` (${how})` : ''}${when}, ${verdict}`;
}
