/**
 * The one drift comparison of a desired object with its live object, for the CLI (`gitops-lens diff`),
 * the editor's lenses, hover and gutter (session.ts) and the PR impact (engine.ts diffPair): ignore
 * rules resolved on the raw live object (managedFieldsManagers needs its managedFields), Argo CD's
 * tracking label left out when Argo CD wrote it, Secrets masked before anything else sees them, both
 * sides normalized, then compared, three-way when the live object carries a last-applied configuration.
 *
 * Sides are small holders that keep their normalized forms: a caller that compares the same live
 * object (or document) again, as the lenses do on every keystroke, pays for normalization once. The
 * cached forms are only read (compared, shown), so they may share what normalization leaves unchanged
 * with the inputs, which are never mutated either.
 */
import { compareObjects, isIgnored, lastAppliedOf, type DriftFinding, type IgnoreRule } from './compare';
import { rulesFor, type IgnoreSpec, type ResourceIdentity } from './ignore';
import { isKubernetesGroup } from './kubernetesGroups';
import { isSopsEncrypted, sopsComparable } from './sops';
import { decodedEntries, fluxMergeOf, rootOwnership, type Ownership } from './ssa';
import { attributeField, type ManagedFieldsEntry } from '../audit/managedFields';
import { applyKnownTypes, knownFieldsFor, type KnownTypeField } from './knownTypes';
import type { DiffSettings } from './settings';
import type { ListKeys } from './listKeys';
import { isSecret, maskSecrets } from './mask';
import { DEFAULT_TRACKING_LABEL, TRACKING_ID_ANNOTATION, normalize } from './normalize';
import type { App } from '../model/app';
import { groupOf } from '../manifest/documents';
import { isRecord } from '../json';

type Obj = Record<string, unknown>;

const SHARED = { shareUnchanged: true } as const;

/** A desired object and its normalized form, filled on first use. */
export interface DesiredSide {
  readonly obj: Obj;
  norm?: Obj;
}

/** A live object, its normalized form and its normalized last-applied configuration (null: none). */
export interface LiveSide {
  readonly obj: Obj;
  norm?: Obj;
  lastApplied?: Obj | null;
  /** Its decoded managedFields (ssa.ts), read on first use. */
  managedFields?: readonly ManagedFieldsEntry[];
}

export interface CompareContext {
  readonly listKeys: ListKeys;
  /** Ignore rules of the deploying app (Argo CD ignoreDifferences, Flux drift ignore), or of --ignore files. */
  readonly ignore?: readonly IgnoreSpec[];
  /** The deploying app, when known: Argo CD's tracking label is then recognised (trackingRules). */
  readonly app?: Pick<App, 'tool' | 'name'> & { readonly kind?: App['kind'] };
  /**
   * The desired side is the API server's prediction of applying it (server-side dry-run): it already
   * accounts for fields removed from Git, so no three-way comparison.
   */
  readonly predicted?: boolean;
  /**
   * With `predicted`: the document the prediction was made from. Fields Git removed are found from it
   * and the live object (last-applied, server-side apply ownership), as a dry-run under another field
   * manager than the controller's keeps them.
   */
  readonly original?: DesiredSide;
  /**
   * With `predicted`: the field manager of the dry-run. A field of the prediction this manager does
   * not own was put there by a mutating webhook or a default, and is not drift (gitops-engine
   * pkg/diff `removeWebhookMutation`); undefined, or a prediction without that manager, compares all.
   */
  readonly dryRunManager?: string;
  /** Argo CD `compare-options: IncludeMutationWebhook=true`: webhook changes in the prediction count. */
  readonly includeMutationWebhook?: boolean;
  /** The Argo CD instance's argocd-cm diff settings (core/drift/settings.ts); defaults when absent. */
  readonly settings?: DiffSettings;
}

/** The object an ignore rule is matched against (apiVersion, kind, name, namespace when set). */
function ignoreIdOf(obj: Obj): ResourceIdentity {
  const meta = isRecord(obj.metadata) ? obj.metadata : {};
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  const namespace = text(meta.namespace);
  return { apiVersion: text(obj.apiVersion), kind: text(obj.kind), name: text(meta.name), ...(namespace !== '' ? { namespace } : {}) };
}

/** Compares one desired object with its live object. Neither input object is modified. */
export function compareSides(desired: DesiredSide, live: LiveSide, ctx: CompareContext): readonly DriftFinding[] {
  const source = ctx.original ?? desired;
  if (isSopsEncrypted(source.obj)) {
    // Ciphertext in Git: keys compared, values not (sops.ts); never cached, as it depends on live.
    const comparable: DesiredSide = { obj: sopsComparable(source.obj, live.obj) };
    return compareDocument(comparable, live, ctx, rulesOf(comparable.obj, live.obj, ctx));
  }
  if (ctx.predicted === true) return comparePredicted(desired, live, ctx);
  const rules = rulesOf(desired.obj, live.obj, ctx);
  const findings = compareDocument(desired, live, ctx, rules);
  const status = statusFindings(desired.obj, live.obj, ctx, rules);
  return status.length === 0 ? findings : [...findings, ...status];
}

/**
 * argocd-cm `resource.compareoptions` `ignoreResourceStatusField`: `all` (the default) never compares
 * `status`; `none` compares a status written in Git like any field; `crd` compares it except on
 * CustomResourceDefinitions (argo-cd settings.go `GetResourceOverrides` adds `/status` to the ignored
 * pointers of `*\/*` or of CRDs only).
 */
function statusFindings(desired: Obj, live: Obj, ctx: CompareContext, rules: readonly IgnoreRule[]): DriftFinding[] {
  const field = ctx.settings?.ignoreResourceStatusField ?? 'all';
  if (field === 'all' || desired.status === undefined || desired.status === null) return [];
  if (field === 'crd' && desired.kind === 'CustomResourceDefinition' && groupOf(typeof desired.apiVersion === 'string' ? desired.apiVersion : '') === 'apiextensions.k8s.io') return [];
  const listKeys: ListKeys = { listAt: (p) => ctx.listKeys.listAt(['status', ...p]), isIntOrStringAt: (p) => ctx.listKeys.isIntOrStringAt(['status', ...p]) };
  return compareObjects(desired.status, live.status, { listKeys })
    .map((f): DriftFinding => ({ ...f, path: `/status${f.path}`, steps: [{ field: 'status' }, ...f.steps] }))
    .filter((f) => !isIgnored(f.steps, rules));
}

function rulesOf(desired: Obj, live: Obj, ctx: CompareContext): IgnoreRule[] {
  // The app's own rules, then the instance's argocd-cm ones (util/argo/diff/ignore.go merges both).
  const ignore = ctx.settings === undefined || ctx.settings.ignore.length === 0 ? (ctx.ignore ?? []) : [...(ctx.ignore ?? []), ...ctx.settings.ignore];
  const fixed = [...(ctx.app === undefined ? [] : trackingRules(ctx.app, live)), ...objectRules(desired, live, ctx)];
  return ignore.length === 0 ? fixed : [...rulesFor(ignore, ignoreIdOf(desired), live), ...fixed];
}

/** The desired document against live: two-way, plus removals by last-applied and SSA ownership. */
function compareDocument(desired: DesiredSide, live: LiveSide, ctx: CompareContext, rules: readonly IgnoreRule[]): DriftFinding[] {
  const omitEmpty = isKubernetesGroup(groupOf(typeof desired.obj.apiVersion === 'string' ? desired.obj.apiVersion : ''));
  live.managedFields ??= decodedEntries(live.obj);
  // kustomize-controller takes kubectl's fields over; helm-controller does not (ssa.ts).
  const takeOver = ctx.app?.tool === 'flux' && ctx.app.kind !== 'HelmRelease' && !fluxMergeOf(desired.obj, live.obj);
  const ownership = rootOwnership(live.managedFields, ctx.app?.tool, takeOver);
  const own: { ownership?: Ownership } = ownership === undefined ? {} : { ownership };
  if (isSecret(desired.obj) || isSecret(live.obj)) {
    // Masks depend on both sides (equal values, equal masks): nothing of a Secret is cached.
    const masked = maskSecrets(desired.obj, live.obj);
    const lastApplied = lastAppliedOf(masked.live);
    return compareObjects(normalize(masked.desired), normalize(masked.live), {
      listKeys: ctx.listKeys,
      ignore: rules,
      omitEmpty,
      ...own,
      ...(lastApplied === undefined ? {} : { lastApplied: normalize(lastApplied) }),
    });
  }
  live.norm ??= normalize(live.obj, SHARED);
  if (live.lastApplied === undefined) {
    const la = lastAppliedOf(live.obj);
    live.lastApplied = la === undefined ? null : normalize(la, SHARED);
  }
  desired.norm ??= normalize(desired.obj, SHARED);
  const known = knownFieldsOf(desired.obj, ctx);
  const lastApplied = live.lastApplied === null ? undefined : applyKnownTypes(live.lastApplied, known);
  // Undefined fields rather than spreads (compareObjects reads an undefined one as absent): one object per lens.
  return compareObjects(applyKnownTypes(desired.norm, known), applyKnownTypes(live.norm, known), { listKeys: ctx.listKeys, ignore: rules, omitEmpty, ownership, lastApplied });
}

/** The argocd-cm known type fields of this object's group and kind (knownTypes.ts); the cached norms are not touched. */
function knownFieldsOf(obj: Obj, ctx: CompareContext): readonly KnownTypeField[] {
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  return knownFieldsFor(ctx.settings?.knownTypeFields ?? NO_FIELDS, groupOf(apiVersion), typeof obj.kind === 'string' ? obj.kind : '');
}
const NO_FIELDS: readonly KnownTypeField[] = [];

/**
 * A server-side dry-run's prediction against live, as Argo CD's server-side diff judges it
 * (gitops-engine pkg/diff `serverSideDiff`): what the prediction sets that live lacks or has
 * otherwise is drift, except fields the dry-run's manager does not own (a mutating webhook's or a
 * default, `removeWebhookMutation`) unless IncludeMutationWebhook; what live has and the prediction
 * lacks is removed by the apply. Removals the dry-run cannot see (it applies as another manager than
 * the controller) come from the original document.
 */
function comparePredicted(predicted: DesiredSide, live: LiveSide, ctx: CompareContext): DriftFinding[] {
  const rules = rulesOf(ctx.original?.obj ?? predicted.obj, live.obj, ctx);
  const secret = isSecret(predicted.obj) || isSecret(live.obj);
  let p: Obj;
  let l: Obj;
  if (secret) {
    const masked = maskSecrets(predicted.obj, live.obj);
    p = normalize(masked.desired);
    l = normalize(masked.live);
  } else {
    const known = knownFieldsOf(predicted.obj, ctx);
    p = applyKnownTypes((predicted.norm ??= normalize(predicted.obj, SHARED)), known);
    l = applyKnownTypes((live.norm ??= normalize(live.obj, SHARED)), known);
  }
  const forward = compareObjects(p, l, { listKeys: ctx.listKeys, ignore: rules });
  const entries = ctx.includeMutationWebhook === true || ctx.dryRunManager === undefined ? [] : decodedEntries(predicted.obj).filter((e) => e.manager === ctx.dryRunManager && e.subresource === undefined);
  const kept = entries.length === 0 ? forward : forward.filter((f) => attributeField(predicted.obj, f.steps, { entries }).owners.length > 0);
  const removed = compareObjects(l, p, { listKeys: ctx.listKeys, ignore: rules })
    .filter((f) => f.kind === 'missingLive')
    .map((f): DriftFinding => ({ ...f, desired: undefined, live: f.desired, kind: 'removed' }));
  const fromDocument = ctx.original === undefined ? [] : compareDocument(ctx.original, live, ctx, rules).filter((f) => f.kind === 'removed');
  const seen = new Set<string>();
  return [...kept, ...removed, ...fromDocument].filter((f) => {
    const key = `${f.kind}\0${f.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const NAMESPACE_STEPS = [{ field: 'metadata' }, { field: 'namespace' }];
const RULES_STEPS = [{ field: 'rules' }];
const TRACKING_LABEL_STEPS = [{ field: 'metadata' }, { field: 'labels' }, { field: DEFAULT_TRACKING_LABEL }];

/**
 * Rules that follow from the objects themselves:
 * - a live object without a namespace is cluster-scoped, and a namespace written for it in Git is
 *   dropped by the API server (gitops-engine pkg/diff `removeNamespaceAnnotation`, the case
 *   TestIgnoreNamespaceForClusterScopedResources);
 * - argocd-cm `resource.compareoptions` `ignoreAggregatedRoles`: the rules of a Role or ClusterRole
 *   with an `aggregationRule` are filled by the aggregation controller, not Git (gitops-engine pkg/diff
 *   `normalizeRole`).
 */
function objectRules(desired: Obj, live: Obj, ctx: CompareContext): IgnoreRule[] {
  const out: IgnoreRule[] = [];
  const liveMeta = isRecord(live.metadata) ? live.metadata : {};
  if (typeof liveMeta.namespace !== 'string' || liveMeta.namespace === '') out.push({ source: 'cluster-scoped object', steps: NAMESPACE_STEPS });
  if (ctx.app === undefined) {
    // Not knowing the deployer, Argo CD's tracking label (which its applies add, so its server-side
    // apply owns it) is not a removal when Git never wrote it.
    const labels = isRecord(desired.metadata) && isRecord(desired.metadata.labels) ? desired.metadata.labels : {};
    if (!(DEFAULT_TRACKING_LABEL in labels)) out.push({ source: 'Argo CD tracking label', steps: TRACKING_LABEL_STEPS });
  }
  if (ctx.settings?.ignoreAggregatedRoles === true && (isAggregatedRole(desired) || isAggregatedRole(live))) {
    out.push({ source: 'resource.compareoptions ignoreAggregatedRoles', steps: RULES_STEPS });
  }
  return out;
}

function isAggregatedRole(o: Obj): boolean {
  const apiVersion = typeof o.apiVersion === 'string' ? o.apiVersion : '';
  return (o.kind === 'ClusterRole' || o.kind === 'Role') && groupOf(apiVersion) === 'rbac.authorization.k8s.io' && isRecord(o.aggregationRule);
}

/**
 * Argo CD tracking by label (`application.resourceTrackingMethod: label`, the default before 3.0)
 * writes `app.kubernetes.io/instance: <app>` on what it applies (argo-cd util/argo/resource_tracking.go
 * `SetAppInstance`); with annotation tracking the label is the user's. The live object tells which: the
 * label naming the app and no tracking-id annotation.
 */
function trackingRules(app: Pick<App, 'tool' | 'name'>, live: Obj): IgnoreRule[] {
  if (app.tool !== 'argocd') return [];
  const meta = isRecord(live.metadata) ? live.metadata : {};
  const labels = isRecord(meta.labels) ? meta.labels : {};
  const annotations = isRecord(meta.annotations) ? meta.annotations : {};
  if (labels[DEFAULT_TRACKING_LABEL] !== app.name || typeof annotations[TRACKING_ID_ANNOTATION] === 'string') return [];
  return [{ source: 'Argo CD tracking label', steps: [{ field: 'metadata' }, { field: 'labels' }, { field: DEFAULT_TRACKING_LABEL }] }];
}
