/**
 * Diff settings of an Argo CD instance, from its `argocd-cm` ConfigMap (parsed by
 * core/argocd/settings/diffSettings.ts): what applies to every Application of that instance, beside each
 * app's own `spec.ignoreDifferences`.
 */
import type { IgnoreSpec } from './ignore';
import type { KnownTypeField } from './knownTypes';

/** argocd-cm `resource.compareoptions` `ignoreResourceStatusField` (argo-cd util/settings/settings.go). */
export type IgnoreStatusField = 'all' | 'crd' | 'none';

export interface DiffSettings {
  /** `resource.customizations.ignoreDifferences.<group_kind>` / `.all` and the legacy block's entries. */
  readonly ignore: readonly IgnoreSpec[];
  /** `resource.compareoptions` `ignoreAggregatedRoles` (default false). */
  readonly ignoreAggregatedRoles: boolean;
  /** `resource.compareoptions` `ignoreResourceStatusField` (default `all`: status is never compared). */
  readonly ignoreResourceStatusField: IgnoreStatusField;
  /** `resource.customizations.knownTypeFields.<group_kind>` and the legacy block's `knownTypeFields` (knownTypes.ts). */
  readonly knownTypeFields?: readonly KnownTypeField[];
}

/** Argo CD's defaults (settings.go `GetDefaultDiffOptions`), and no system-level ignore rules. */
export const DEFAULT_DIFF_SETTINGS: DiffSettings = { ignore: [], ignoreAggregatedRoles: false, ignoreResourceStatusField: 'all' };
