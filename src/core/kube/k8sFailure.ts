/**
 * What a failed read of a live object means, and the words for it, in one place (STYLE.md rules 8 and
 * 17). The code is decided where the error enters (src/infra/k8s/errors.ts `toK8sError`, every
 * rejection of KubeClusterAccess is a `K8sRequestError`); here callers only read it back and describe
 * it. The drift lenses, the CLI, the PR impact and resource health all go through `liveReadFailure`.
 */
import type { K8sError, K8sErrorCode } from '../ports';

const CODES: ReadonlySet<string> = new Set<K8sErrorCode>([
  'Unauthorized', 'Forbidden', 'NotFound', 'Gone', 'Unreachable', 'Timeout', 'KubeconfigInvalid', 'CredentialsFailed', 'TooLarge', 'Unknown',
]);

/** Codes of the checks made before a URL is built or an answer is used (core/kube/names, core/drift/liveAnswer). */
const REFUSED_CODES: ReadonlySet<string> = new Set(['InvalidName', 'UnexpectedObject']);

/**
 * A failed read, classified:
 * - `absent`: the API server answered 404 (or does not serve the kind): the object is not there;
 * - `k8s`: any other coded Kubernetes failure, with the HTTP status when the server answered;
 * - `refused`: our own checks refused the reference or the answer (its message says why, no content);
 * - `unreachable`: anything else (a reader that is not the Kubernetes client, a timeout of a caller).
 */
export type LiveReadFailure =
  | { readonly kind: 'absent' }
  | { readonly kind: 'k8s'; readonly error: K8sError; readonly status: number | undefined }
  | { readonly kind: 'refused'; readonly message: string }
  | { readonly kind: 'unreachable'; readonly message: string };

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * The K8sError an error carries, matched by shape: `code` is a K8sErrorCode. Not by `instanceof`:
 * client-node's bundle (dist/k8s.js) is loaded lazily and has its own copy of the class.
 */
function k8sErrorOf(err: unknown): { readonly error: K8sError; readonly status: number | undefined } | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; error?: unknown; statusCode?: unknown; message?: unknown };
  if (typeof e.code !== 'string' || !CODES.has(e.code)) return undefined;
  const error: K8sError =
    typeof e.error === 'object' && e.error !== null && (e.error as { code?: unknown }).code === e.code
      ? (e.error as K8sError)
      : e.code === 'Forbidden'
        ? { code: 'Forbidden', message: messageOf(err), namespace: undefined }
        : { code: e.code as Exclude<K8sErrorCode, 'Forbidden'>, message: messageOf(err) };
  return { error, status: typeof e.statusCode === 'number' ? e.statusCode : undefined };
}

export function liveReadFailure(err: unknown): LiveReadFailure {
  const k8s = k8sErrorOf(err);
  if (k8s) return k8s.error.code === 'NotFound' ? { kind: 'absent' } : { kind: 'k8s', ...k8s };
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  if (typeof code === 'string' && REFUSED_CODES.has(code)) return { kind: 'refused', message: messageOf(err) };
  return { kind: 'unreachable', message: messageOf(err) };
}

/**
 * A coded failure in words a user can act on. Without `cluster` the short form a lens shows after the
 * cluster's name (`forbidden`, `HTTP 500`); with it a sentence naming the cluster (`reading from prod
 * is forbidden`), as the PR impact shows it.
 */
export function describeK8sError(error: K8sError, status: number | undefined, cluster?: string): string {
  const c = cluster;
  switch (error.code) {
    case 'Unauthorized':
      return c === undefined ? 'unauthorized' : `${c} refused the credentials`;
    case 'Forbidden': {
      const needs = error.missing === undefined ? '' : `: needs ${error.missing}`;
      return c === undefined ? `forbidden${needs}` : `reading from ${c} is forbidden${needs}`;
    }
    case 'NotFound':
      return c === undefined ? 'not found' : `not found in ${c}`;
    case 'Unreachable':
      return c === undefined ? 'unreachable' : `${c} is unreachable`;
    case 'Timeout':
      return c === undefined ? 'timed out' : `${c} did not answer in time`;
    case 'Gone':
    case 'Unknown':
      if (status !== undefined) return c === undefined ? `HTTP ${status}` : `${c} answered HTTP ${status}`;
      return c === undefined ? error.message : `${c}: ${error.message}`;
    case 'KubeconfigInvalid':
    case 'CredentialsFailed':
    case 'TooLarge':
      return c === undefined ? error.message : `${c}: ${error.message}`;
  }
}

/** Any failed read in words (see describeK8sError); `absent` is "not found". */
export function describeLiveReadFailure(f: LiveReadFailure, cluster?: string): string {
  switch (f.kind) {
    case 'absent':
      return cluster === undefined ? 'not found' : `not found in ${cluster}`;
    case 'k8s':
      return describeK8sError(f.error, f.status, cluster);
    case 'refused':
      return f.message;
    case 'unreachable':
      return cluster === undefined ? 'unreachable' : `${cluster} is unreachable`;
  }
}
