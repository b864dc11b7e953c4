/**
 * The one place Kubernetes failures get their `K8sErrorCode` (STYLE.md rules 8 and 17): every
 * request, watch, credential plugin and kubeconfig problem of src/infra/k8s rejects with a
 * `K8sRequestError`, and `toK8sError` turns anything else (a socket error, a watch `ERROR` event's
 * `Status`) into the same codes. Callers switch on `code`, never on status numbers or message text.
 */
import type { K8sError, K8sErrorCode } from '../../core/ports';

/** A failure typed where it entered. `statusCode` is the API server's HTTP status when there was one. */
export class K8sRequestError extends Error {
  override readonly name = 'K8sRequestError';
  readonly code: K8sErrorCode;
  constructor(
    readonly error: K8sError,
    readonly statusCode?: number,
  ) {
    super(error.message);
    this.code = error.code;
  }
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE',
  'ERR_STREAM_PREMATURE_CLOSE', 'UND_ERR_SOCKET', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER', 'EPROTO',
]);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** The code of an HTTP status of the API server. */
export function codeOfStatus(status: number, message: string, namespace?: string): K8sError {
  switch (status) {
    case 401:
      return { code: 'Unauthorized', message };
    case 403:
      return { code: 'Forbidden', message, namespace };
    case 404:
      return { code: 'NotFound', message };
    case 410:
      return { code: 'Gone', message };
    case 408:
    case 504:
      return { code: 'Timeout', message };
    default:
      return { code: 'Unknown', message: `HTTP ${status}: ${message}` };
  }
}

/**
 * Types an error: ours as it is (with `namespace` added to a Forbidden), a watch `ERROR` event's
 * `Status` object by its `code`, a Node system error by its errno code.
 */
export function toK8sError(e: unknown, namespace?: string): K8sError {
  if (e instanceof K8sRequestError) {
    return e.error.code === 'Forbidden' && namespace !== undefined ? { ...e.error, namespace } : e.error;
  }
  const rec = typeof e === 'object' && e !== null ? (e as Record<string, unknown>) : {};
  const message = e instanceof Error ? e.message : typeof rec.message === 'string' ? rec.message : String(e);
  const status =
    typeof rec.statusCode === 'number' ? rec.statusCode
    : typeof rec.code === 'number' ? rec.code
    : undefined;
  if (status !== undefined) return codeOfStatus(status, message, namespace);
  const code = typeof rec.code === 'string' ? rec.code : typeof rec.errno === 'string' ? rec.errno : undefined;
  if (code !== undefined && UNREACHABLE_CODES.has(code)) return { code: 'Unreachable', message: `${code}: ${message}` };
  if ((code !== undefined && TIMEOUT_CODES.has(code)) || rec.name === 'TimeoutError') return { code: 'Timeout', message };
  return { code: 'Unknown', message };
}

/** The error a cancelled request or plugin run rejects with (named as fetch names its own). */
export function abortError(): Error {
  const e = new Error('the request was cancelled');
  e.name = 'AbortError';
  return e;
}

/** A byte count in the unit a limit was set in: `1 MiB`, `512 KiB`. */
export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round(n / 1024 / 1024)} MiB` : `${Math.round(n / 1024)} KiB`;
}
