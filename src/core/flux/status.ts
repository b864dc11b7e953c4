/**
 * Flux condition semantics shared by every toolkit kind. Conditions follow fluxcd/pkg/apis/meta
 * (`Ready`, `Reconciling`, `Stalled`; reasons `Progressing`, `ProgressingWithRetry`,
 * `DependencyNotReady`, …) and kstatus: a Ready condition whose `observedGeneration` is behind
 * `metadata.generation` describes an older spec. The table is written out in README.md ("How Flux status maps to sync and health").
 */
import type { AppCondition, Condition, HealthState, SyncState } from '../model/app';

export function findCondition(conditions: readonly Condition[], type: string): Condition | undefined {
  return conditions.find((c) => c.type === type);
}

function text(c: Condition): string {
  return c.reason && c.message ? `${c.reason}: ${c.message}` : c.message || c.reason || c.type;
}

/** Health from conditions, evaluated top to bottom; the first matching row wins. */
export function fluxHealth(conditions: readonly Condition[], suspended: boolean, generation: number | undefined): HealthState {
  if (suspended) return { status: 'Suspended', message: 'reconciliation is suspended (spec.suspend: true)' };
  if (conditions.length === 0) return { status: 'Unknown', message: 'no conditions yet: the controller has not reconciled it' };
  const ready = findCondition(conditions, 'Ready');
  const stalled = findCondition(conditions, 'Stalled');
  const reconciling = findCondition(conditions, 'Reconciling');
  if (stalled?.status === 'True') {
    // Stalled says that retries ran out ("RetriesExceeded: Failed to upgrade after 1 attempt(s)");
    // Ready says why ("TestFailed: Helm test failed … pod … failed"), as `flux get` shows it.
    const cause = ready?.status === 'False' && ready.message && ready.message !== stalled.message ? `; ${text(ready)}` : '';
    return { status: 'Degraded', message: `Stalled, ${text(stalled)}${cause}` };
  }
  if (ready === undefined) {
    if (reconciling?.status === 'True') return { status: 'Progressing', message: text(reconciling) };
    return { status: 'Unknown', message: 'no Ready condition' };
  }
  if (generation !== undefined && ready.observedGeneration !== undefined && ready.observedGeneration < generation) {
    return { status: 'Progressing', message: `waiting for the controller to observe generation ${generation} (Ready is for ${ready.observedGeneration})` };
  }
  if (ready.status === 'True') {
    // Kustomization sets Healthy=False with Ready=False on failed health checks; Ready=True implies it.
    return ready.message ? { status: 'Healthy', message: ready.message } : { status: 'Healthy' };
  }
  if (ready.status === 'False') {
    if (ready.reason === 'DependencyNotReady') return { status: 'Progressing', message: text(ready) };
    if (reconciling?.status === 'True' && reconciling.reason === 'ProgressingWithRetry') {
      return { status: 'Degraded', message: `${text(ready)} (retrying)` };
    }
    return { status: 'Degraded', message: text(ready) };
  }
  return { status: 'Progressing', message: reconciling?.status === 'True' ? text(reconciling) : text(ready) };
}

interface RevisionParts {
  readonly ref?: string;
  readonly digest?: string;
  /**
   * The first hex digits of a digest a Helm chart version carries as build metadata: helm-controller
   * appends the first 12 hex of the OCI artifact digest to the chart version of charts from an
   * OCIRepository or ExternalArtifact (`6.5.4+3b1f0a8c2d7e`; helm-controller
   * internal/controller/helmrelease_controller.go `mutateChartWithSourceRevision`), and source-controller
   * the first 12 of the commit to charts built from Git with `reconcileStrategy: Revision`.
   */
  readonly digestPrefix?: string;
}

const DIGEST = /^(?:sha1|sha256|sha384|sha512|blake3):([0-9a-f]+)$/i;
/** `<semver>+<12 hex>`: a chart version with a digest prefix as its build metadata. */
const CHART_WITH_DIGEST = /^(v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\+([0-9a-f]{12})$/;

/** Splits `<ref>@<algo>:<hex>`, `<algo>:<hex>`, legacy `<branch>/<sha1>`, `<version>+<hex12>` and plain versions. */
export function revisionParts(rev: string): RevisionParts {
  const at = rev.lastIndexOf('@');
  if (at > 0) {
    const m = DIGEST.exec(rev.slice(at + 1));
    if (m) return { ref: chartVersionOnly(rev.slice(0, at)), digest: m[1]!.toLowerCase() };
  }
  const m = DIGEST.exec(rev);
  if (m) return { digest: m[1]!.toLowerCase() };
  const legacy = /^(.+)\/([0-9a-f]{40})$/i.exec(rev);
  if (legacy) return { ref: legacy[1], digest: legacy[2]!.toLowerCase() };
  const chart = CHART_WITH_DIGEST.exec(rev);
  if (chart) return { ref: chart[1], digestPrefix: chart[2]!.toLowerCase() };
  return { ref: rev };
}

/** An OCI tag written with `_` for the `+` of semver build metadata (Helm's OCI tag rule). */
function chartVersionOnly(ref: string): string {
  const m = CHART_WITH_DIGEST.exec(ref.replace('_', '+'));
  return m ? m[1]! : ref;
}

/**
 * Two revisions name the same content when their digests match (a digest prefix matches the digest it
 * begins); when either has no digest (a Helm chart version against `6.5.4@sha256:…` from an
 * OCIRepository), when their refs match.
 */
export function sameRevision(a: string, b: string): boolean {
  if (a === b) return true;
  const pa = revisionParts(a);
  const pb = revisionParts(b);
  if (pa.digest !== undefined && pb.digest !== undefined) return pa.digest === pb.digest;
  const prefixA = pa.digestPrefix ?? pa.digest;
  const prefixB = pb.digestPrefix ?? pb.digest;
  if ((pa.digestPrefix !== undefined || pb.digestPrefix !== undefined) && prefixA !== undefined && prefixB !== undefined) {
    return prefixA.startsWith(prefixB) || prefixB.startsWith(prefixA);
  }
  return pa.ref !== undefined && pa.ref === pb.ref;
}

/** What the store knows about a referenced source object. */
export type SourceArtifact =
  | { readonly found: true; readonly revision: string | undefined; readonly message?: string }
  | { readonly found: false };

export type SourceLookup = (ref: string) => SourceArtifact;

export const NO_SOURCES: SourceLookup = () => ({ found: false });

/**
 * Sync of a Kustomization or HelmRelease: the applied revision against the source's current artifact.
 * Without the source object (not watched, forbidden, not yet listed) we fall back to what the object
 * itself says: lastAttemptedRevision vs the applied one, and the Ready condition.
 */
export function fluxSync(args: {
  readonly sourceRef: string | undefined;
  readonly source: SourceArtifact;
  readonly applied: string | undefined;
  readonly attempted: string | undefined;
  readonly ready: Condition | undefined;
}): SyncState {
  const { sourceRef, source, applied, attempted, ready } = args;
  if (sourceRef === undefined) return { status: 'Unknown', reason: 'no source reference in spec' };
  if (source.found && source.revision !== undefined) {
    if (applied === undefined) return { status: 'OutOfSync', reason: `nothing applied yet; source ${sourceRef} is at ${source.revision}` };
    if (sameRevision(applied, source.revision)) return { status: 'Synced' };
    return { status: 'OutOfSync', reason: `applied ${applied}, source ${sourceRef} is at ${source.revision}` };
  }
  if (applied !== undefined && attempted !== undefined && !sameRevision(applied, attempted)) {
    return { status: 'OutOfSync', reason: `revision ${attempted} was attempted but ${applied} is applied` };
  }
  if (source.found) {
    return { status: 'Unknown', reason: `source ${sourceRef} has no artifact${source.message ? `: ${source.message}` : ''}` };
  }
  if (applied !== undefined && ready?.status === 'True') {
    return { status: 'Synced', reason: `source ${sourceRef} not observed; the last reconcile applied ${applied}` };
  }
  return { status: 'Unknown', reason: `source ${sourceRef} not found` };
}

/** Conditions folded into sync and health already; the rest are shown as they are. */
const SUMMARY_CONDITIONS = new Set(['Ready', 'Reconciling', 'Stalled']);

/** The conditions worth listing beside sync and health (model/app.ts AppCondition). */
export function extraConditions(conditions: readonly Condition[]): AppCondition[] | undefined {
  const out = conditions
    .filter((c) => !SUMMARY_CONDITIONS.has(c.type))
    .map((c) => ({
      type: c.type,
      status: c.status,
      ...(c.reason ? { reason: c.reason } : {}),
      ...(c.message ? { message: c.message } : {}),
      ...(c.lastTransitionTime ? { lastTransitionTime: c.lastTransitionTime } : {}),
    }));
  return out.length > 0 ? out : undefined;
}
