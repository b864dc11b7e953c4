// Secret values never leave the engine in clear. Masks follow Argo CD util/diff `HideSecretData`:
// per data key, the first distinct value seen gets `++++++++` (8), the next `++++++++++++` (12), and so
// on (+4 each), visiting desired, then live, then live's kubectl last-applied annotation. Equal values
// therefore get equal masks and different values different masks, on both sides of a diff, without
// the mask saying anything about the value itself (not even its length).
import { foldStringData } from './normalize';
import { isRecord } from '../json';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const FIRST_MASK_LENGTH = 8;
const MASK_STEP = 4;

/** The mask for the n-th (0-based) distinct value of a key: `++++++++`, `++++++++++++`, … */
export function maskValue(n: number): string {
  return '+'.repeat(FIRST_MASK_LENGTH + MASK_STEP * n);
}

/** True for strings maskValue produces. */
export function isMask(value: unknown): boolean {
  return typeof value === 'string' && value.length >= FIRST_MASK_LENGTH && (value.length - FIRST_MASK_LENGTH) % MASK_STEP === 0 && /^\++$/.test(value);
}

export function isSecret(obj: unknown): obj is Record<string, unknown> {
  return isRecord(obj) && obj.kind === 'Secret' && obj.apiVersion === 'v1';
}

export interface MaskedPair<D, L> {
  desired: D;
  live: L;
}

/**
 * Copies of both objects with every Secret `data` value (after folding `stringData` into `data`)
 * replaced by a mask; live's last-applied annotation is masked the same way. Non-Secrets, and absent
 * sides (undefined/null), come back unchanged. Inputs are never mutated.
 */
export function maskSecrets<D, L>(desired: D, live: L): MaskedPair<D, L> {
  const target = isSecret(desired) ? prepare(desired) : undefined;
  const current = isSecret(live) ? prepare(live) : undefined;
  const lastApplied: LastApplied = current ? readLastApplied(current) : { kind: 'absent' };
  // Desired objects do not normally carry last-applied; if one does (two live objects compared), it is
  // masked too, after Argo CD's three, so that nothing in either output is in clear.
  const desiredLastApplied: LastApplied = target ? readLastApplied(target) : { kind: 'absent' };
  const objects = [
    target,
    current,
    lastApplied.kind === 'parsed' ? lastApplied.obj : undefined,
    desiredLastApplied.kind === 'parsed' ? desiredLastApplied.obj : undefined,
  ];

  const keys = new Set<string>();
  for (const obj of objects) {
    const data = obj?.data;
    if (isRecord(data)) for (const k of Object.keys(data)) keys.add(k);
  }
  for (const key of keys) {
    const masks = new Map<string, string>();
    for (const obj of objects) {
      const data = obj?.data;
      if (!isRecord(data) || !Object.prototype.hasOwnProperty.call(data, key)) continue;
      const value = toText(data[key]);
      let mask = masks.get(value);
      if (mask === undefined) {
        mask = maskValue(masks.size);
        masks.set(value, mask);
      }
      Object.defineProperty(data, key, { value: mask, enumerable: true, writable: true, configurable: true });
    }
  }
  if (current) writeLastApplied(current, lastApplied);
  if (target) writeLastApplied(target, desiredLastApplied);
  return { desired: (target ?? desired) as D, live: (current ?? live) as L };
}

/** A masked copy of one object (a live Secret shown alone, a log line): maskSecrets with no other side. */
export function maskSecret<T>(obj: T): T {
  return maskSecrets(obj, undefined).desired;
}

/** Lists inside lists are unwrapped this deep; anything deeper is dropped, not shown. */
const MAX_LIST_DEPTH = 4;

/**
 * A copy of whatever a server answered with every Secret in it masked, chosen by the kind of each
 * object actually returned, never by the kind that was asked for (issue 12: a GET for a Secret named
 * `.` returns the namespace's SecretList). A `List` or any `*List` (`SecretList`, `ConfigMapList`) is
 * unwrapped and each item masked by its own kind; items of a typed list carry no kind of their own
 * on the wire (apimachinery lists omit it), so they take the list's kind minus `List`. Anything
 * named `Secret` is masked whatever its apiVersion says: a server that lies about one lies about both.
 */
export function maskAnswer<T>(answer: T): T {
  return maskAnswerAt(answer, undefined, 0) as T;
}

function maskAnswerAt(answer: unknown, impliedKind: string | undefined, depth: number): unknown {
  if (!isRecord(answer)) return answer;
  const kind = typeof answer.kind === 'string' ? answer.kind : impliedKind;
  if (kind !== undefined && isListKind(kind) && Array.isArray(answer.items)) {
    if (depth >= MAX_LIST_DEPTH) return { apiVersion: answer.apiVersion, kind, items: [] };
    const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
    return { ...answer, items: answer.items.map((item) => maskAnswerAt(item, itemKind, depth + 1)) };
  }
  if (kind === 'Secret') {
    // maskSecrets recognises Secrets by kind and apiVersion; the copy says both, the output keeps the rest.
    const masked: Record<string, unknown> = maskSecret({ ...answer, apiVersion: 'v1', kind: 'Secret' });
    for (const field of ['apiVersion', 'kind'] as const) {
      if (field in answer) masked[field] = answer[field];
      else delete masked[field];
    }
    return masked;
  }
  return answer;
}

/** `List` and `<Kind>List`, as apimachinery names list types (meta/v1 List, core/v1 SecretList). */
export function isListKind(kind: string): boolean {
  return kind === 'List' || (kind.length > 'List'.length && kind.endsWith('List'));
}

function writeLastApplied(obj: Record<string, unknown>, lastApplied: LastApplied): void {
  if (lastApplied.kind === 'absent') return;
  const annotations = (obj.metadata as Record<string, unknown>).annotations as Record<string, unknown>;
  // Unparseable last-applied JSON cannot be masked field by field; it is hidden whole (Argo CD leaves
  // it as is, which would leak).
  annotations[LAST_APPLIED] = lastApplied.kind === 'parsed' ? JSON.stringify(lastApplied.obj) : maskValue(0);
}

type LastApplied = { kind: 'absent' } | { kind: 'parsed'; obj: Record<string, unknown> } | { kind: 'unparseable' };

function readLastApplied(live: Record<string, unknown>): LastApplied {
  const metadata = live.metadata;
  if (!isRecord(metadata) || !isRecord(metadata.annotations)) return { kind: 'absent' };
  const raw = metadata.annotations[LAST_APPLIED];
  if (raw === undefined) return { kind: 'absent' };
  try {
    const parsed = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : undefined;
    if (isRecord(parsed)) {
      foldStringData(parsed);
      return { kind: 'parsed', obj: parsed };
    }
  } catch {
    // fall through
  }
  return { kind: 'unparseable' };
}

function prepare(secret: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(secret);
  foldStringData(copy);
  return copy;
}

/**
 * Argo CD's toString (nil is "", anything else its text form), minus line breaks: the API server's
 * base64 decoding skips CR/LF (Go encoding/base64), so `data: {k: "aGk=\n"}` in Git is stored as `aGk=`
 * and must get the same mask.
 */
function toText(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v.replace(/[\r\n]/g, '') : JSON.stringify(v);
}

