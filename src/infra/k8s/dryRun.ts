/**
 * The API server's prediction of a desired object (issue 5, setting gitopsLens.drift.serverSideDryRun):
 * a server-side apply with `dryRun=All`, as `kubectl diff --server-side --force-conflicts` asks for it
 * (kubectl pkg/cmd/diff/diff.go `InfoObject.Merged`: `helper.DryRun(true)` and a Patch of
 * types.ApplyPatchType with `Force: &forceConflicts` and the field manager). The answer is the object
 * as it would be stored: defaults, admission mutations and conversions applied, nothing persisted.
 * https://kubernetes.io/docs/reference/using-api/server-side-apply/ ,
 * https://kubernetes.io/docs/reference/using-api/api-concepts/#dry-run
 *
 * It needs RBAC `patch` on the resource (dry-run requests are authorized as the real ones) and sends
 * the manifest to the API server.
 */
import type { K8sError, K8sErrorCode } from '../../core/ports';
import { toK8sError } from './errors';
import { isRecord } from '../../core/json';

/** A dry-run the API server refused or could not answer, typed where it entered. */
export class DryRunError extends Error {
  override readonly name = 'DryRunError';
  readonly code: K8sErrorCode;
  constructor(
    readonly error: K8sError,
    message: string,
  ) {
    super(message);
    this.code = error.code;
  }
}


function describe(obj: Readonly<Record<string, unknown>>): string {
  const meta = isRecord(obj.metadata) ? obj.metadata : {};
  const ns = typeof meta.namespace === 'string' && meta.namespace !== '' ? `${meta.namespace}/` : '';
  return `${String(obj.kind)} ${ns}${String(meta.name)}`;
}

/** Wraps any failure of the request as a DryRunError whose message says what to do. */
export function toDryRunError(e: unknown, desired: Readonly<Record<string, unknown>>, cluster: string): DryRunError {
  const error: K8sError = toK8sError(e);
  const what = `server-side dry-run of ${describe(desired)} on "${cluster}"`;
  switch (error.code) {
    case 'Forbidden':
      return new DryRunError(error, `${what} was refused: it needs RBAC "patch" on ${String(desired.kind)} (turn off gitopsLens.drift.serverSideDryRun or ask for the permission): ${error.message}`);
    case 'Unauthorized':
      return new DryRunError(error, `${what}: the credentials were rejected (log in again or refresh the token)`);
    default:
      return new DryRunError(error, `${what} failed: ${error.code}: ${error.message}`);
  }
}

/**
 * The apply configuration of `desired`: managedFields and resourceVersion are not part of one (the
 * server rejects a set managedFields; a resourceVersion would turn the apply into a conditional update).
 */
export function applyConfiguration(desired: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const spec = structuredClone(desired) as Record<string, unknown>;
  if (isRecord(spec.metadata)) {
    delete spec.metadata.managedFields;
    delete spec.metadata.resourceVersion;
  }
  return spec;
}
