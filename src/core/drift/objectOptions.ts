/**
 * What an object's own annotations say about comparing it:
 *
 * - Argo CD `argocd.argoproj.io/compare-options`, a comma-separated list matched exactly after
 *   trimming (gitops-engine pkg/sync/resource/annotations.go `HasAnnotationOption`):
 *   `IgnoreExtraneous` on a live object Git does not have keeps it from making the app OutOfSync
 *   (argo-cd controller/state.go: `needsPruning && HasAnnotationOption(obj, …, "IgnoreExtraneous")`);
 *   on an Application, `ServerSideDiff=true|false` and `IncludeMutationWebhook=true` choose the diff
 *   (state.go `CompareAppState`).
 * - Flux kustomize-controller skips an object, in its drift detection as in its apply, when the
 *   desired or live object has `kustomize.toolkit.fluxcd.io/ssa: Ignore` or
 *   `kustomize.toolkit.fluxcd.io/reconcile: disabled` (the ResourceManager's exclusions), and an
 *   existing object when the desired one has `kustomize.toolkit.fluxcd.io/ssa: IfNotPresent` (its
 *   IfNotPresentSelector): fluxcd/pkg ssa manager_diff.go `shouldSkipDiff`, values compared without
 *   regard to case in labels or annotations (utils/meta.go `AnyInMetadata`). `Merge` changes which
 *   fields Flux takes over (ssa.ts), not whether it compares.
 */
import { isRecord } from '../json';

const COMPARE_OPTIONS_ANNOTATION = 'argocd.argoproj.io/compare-options';
const FLUX_SSA = 'kustomize.toolkit.fluxcd.io/ssa';
const FLUX_RECONCILE = 'kustomize.toolkit.fluxcd.io/reconcile';

const metaMap = (o: unknown, field: 'labels' | 'annotations'): Record<string, unknown> => {
  const meta = isRecord(o) && isRecord(o.metadata) ? o.metadata : undefined;
  return isRecord(meta?.[field]) ? meta[field] : {};
};

/** The deduplicated, trimmed values of Argo CD's compare-options annotation. */
export function compareOptionsOf(obj: unknown): readonly string[] {
  const v = metaMap(obj, 'annotations')[COMPARE_OPTIONS_ANNOTATION];
  if (typeof v !== 'string') return [];
  return [...new Set(v.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
}

export function hasCompareOption(obj: unknown, option: string): boolean {
  return compareOptionsOf(obj).includes(option);
}

/** Application compare-options for the diff: ServerSideDiff (undefined: the controller's default) and IncludeMutationWebhook. */
export function applicationCompareOptions(app: unknown): { readonly serverSideDiff?: boolean; readonly includeMutationWebhook: boolean } {
  const opts = compareOptionsOf(app);
  const serverSideDiff = opts.includes('ServerSideDiff=false') ? false : opts.includes('ServerSideDiff=true') ? true : undefined;
  return { ...(serverSideDiff === undefined ? {} : { serverSideDiff }), includeMutationWebhook: opts.includes('IncludeMutationWebhook=true') };
}

function fluxValue(obj: unknown, key: string, value: string): boolean {
  return (['labels', 'annotations'] as const).some((f) => {
    const v = metaMap(obj, f)[key];
    return typeof v === 'string' && v !== '' && v.toLowerCase() === value;
  });
}

/** Why Flux does not compare (nor apply) this object, or undefined when it does. `live` undefined: not in the cluster. */
export function fluxSkipReason(desired: unknown, live: unknown): string | undefined {
  for (const o of live === undefined ? [desired] : [desired, live]) {
    if (fluxValue(o, FLUX_RECONCILE, 'disabled')) return `${FLUX_RECONCILE}: disabled`;
    if (fluxValue(o, FLUX_SSA, 'ignore')) return `${FLUX_SSA}: Ignore`;
  }
  if (live !== undefined && fluxValue(desired, FLUX_SSA, 'ifnotpresent')) return `${FLUX_SSA}: IfNotPresent`;
  return undefined;
}
