/**
 * Chunks of Argo CD's streaming endpoints (`/api/v1/stream/applications`,
 * `/api/v1/stream/applications/{name}/resource-tree`). grpc-gateway v1 (runtime/handler.go
 * ForwardResponseStream) writes one JSON object per line: `{"result": <message>}`, or, when the stream
 * fails, `{"error": {"grpc_code", "http_code", "message", "http_status"}}` (runtimeStreamError in
 * assets/swagger.json), after which the stream ends.
 */
import { isRecord } from '../../json';

type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One chunk of the application stream. `application` is the object as sent: mappers are total. */
export type ApplicationStreamChunk =
  | { readonly kind: 'event'; readonly type: WatchEventType; readonly application: Record<string, unknown>; readonly resourceVersion: string | undefined }
  | { readonly kind: 'error'; readonly httpCode: number | undefined; readonly grpcCode: number | undefined; readonly message: string }
  | { readonly kind: 'malformed'; readonly problem: string };

export type StreamErrorChunk = Extract<ApplicationStreamChunk, { kind: 'error' }>;

/** The error chunk of any stream, or undefined when `chunk` is not one. */
export function streamError(chunk: unknown): StreamErrorChunk | undefined {
  if (!isRecord(chunk) || !isRecord(chunk.error)) return undefined;
  const e = chunk.error;
  return {
    kind: 'error',
    httpCode: typeof e.http_code === 'number' ? e.http_code : undefined,
    grpcCode: typeof e.grpc_code === 'number' ? e.grpc_code : undefined,
    message: typeof e.message === 'string' ? e.message : 'the stream failed',
  };
}

/**
 * An application watch chunk (`v1alpha1ApplicationWatchEvent`: `type` is a Kubernetes watch.EventType;
 * Argo CD sends ADDED, MODIFIED and DELETED, server/application/application.go Watch).
 */
export function readApplicationChunk(chunk: unknown): ApplicationStreamChunk {
  const err = streamError(chunk);
  if (err) return err;
  if (!isRecord(chunk) || !isRecord(chunk.result)) return { kind: 'malformed', problem: 'a stream line without "result" or "error"' };
  const { type, application } = chunk.result;
  if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') return { kind: 'malformed', problem: `an event of type ${JSON.stringify(type)?.slice(0, 40)}` };
  if (!isRecord(application)) return { kind: 'malformed', problem: `a ${type} event without an application` };
  const meta = isRecord(application.metadata) ? application.metadata : {};
  const rv = typeof meta.resourceVersion === 'string' && meta.resourceVersion !== '' ? meta.resourceVersion : undefined;
  return { kind: 'event', type, application, resourceVersion: rv };
}

/**
 * The newer of two resourceVersions. Argo CD compares them as integers (application.go Watch:
 * `strconv.Atoi`, events below the given version are not sent), and so do we; a non-numeric one never
 * replaces a numeric one.
 */
export function newerResourceVersion(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  const na = /^\d+$/.test(a) ? Number(a) : NaN;
  const nb = /^\d+$/.test(b) ? Number(b) : NaN;
  if (Number.isNaN(nb)) return a;
  if (Number.isNaN(na)) return b;
  return nb > na ? b : a;
}
