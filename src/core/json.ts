/**
 * Reading untyped JSON/YAML values (API answers, manifests, kubeconfig files) without trusting
 * their shape: one set of guards for the whole product, so every reader agrees on what counts as an
 * object (a plain mapping, never an array or null).
 */
export type JsonRecord = Record<string, unknown>;

/** A mapping: not null, not an array. */
export function isRecord(v: unknown): v is JsonRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value when it is a mapping, otherwise an empty one (read-only use). */
export function recordOf(v: unknown): JsonRecord {
  return isRecord(v) ? v : {};
}

/** The mappings of a list; anything else reads as no items. */
export function recordsOf(v: unknown): JsonRecord[] {
  return Array.isArray(v) ? v.filter(isRecord) : [];
}

/** The value when it is a string, otherwise ''. */
export function stringOf(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
