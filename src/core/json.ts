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

/**
 * Whether two JSON-shaped values are equal as JSON.stringify would print them (a key whose value is
 * undefined counts as absent), without building the strings: AppStore compares every re-mapped app
 * with the one it holds, and stringifying both cost more than mapping (issue 18).
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as JsonRecord;
  const rb = b as JsonRecord;
  let defined = 0;
  for (const k in ra) {
    const v = ra[k];
    if (v === undefined) continue;
    defined++;
    if (!jsonEqual(v, rb[k])) return false;
  }
  for (const k in rb) if (rb[k] !== undefined) defined--;
  return defined === 0;
}
