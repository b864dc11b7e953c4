/**
 * SOPS-encrypted manifests. Flux's kustomize-controller decrypts them when it applies a Kustomization
 * with `spec.decryption.provider: sops`, so the file in Git holds ciphertext and the cluster the
 * plaintext: comparing values would report every secret value as drift. What can be compared is the
 * shape: which keys exist. We never decrypt.
 *
 * Rules borrowed:
 * - A document is SOPS-encrypted when it has a top-level `sops` mapping with a non-empty `mac`
 *   (kustomize-controller internal/decryptor/decryptor.go `isSOPSEncryptedResource`; the same file's
 *   `IsEncryptedSecret` looks only for `sops` on a v1 Secret).
 * - An encrypted value is `ENC[<cipher>,data:…,iv:…,tag:…,type:…]` (getsops/sops aes/cipher.go); keys
 *   stay in plain text, and values left plain by `unencrypted_suffix`, `encrypted_regex` and the like
 *   are ordinary values.
 * - A v1 Secret's `stringData` is merged into `data` by the API server, so the live object has under
 *   `data` the keys the file has under either.
 */
import { isRecord } from '../json';

/** `ENC[AES256_GCM,data:…,iv:…,tag:…,type:str]`; the cipher name is upper-case letters, digits and `_`. */
const ENC_VALUE = /^ENC\[[A-Z0-9_]+,data:[^\]]*\]$/s;

/** Nesting followed at most: deeper values are treated as plain (the YAML reader bounds depth already). */
const MAX_DEPTH = 64;

export function isSopsEncryptedValue(v: unknown): boolean {
  return typeof v === 'string' && ENC_VALUE.test(v);
}

/** Whether Flux would decrypt the document: a `sops` block with a `mac`. */
export function isSopsEncrypted(doc: unknown): boolean {
  if (!isRecord(doc)) return false;
  const sops = doc.sops;
  return isRecord(sops) && typeof sops.mac === 'string' && sops.mac !== '';
}

export interface SopsComparable {
  /** JSON pointers (RFC 6901) of the values SOPS encrypted. */
  readonly encryptedPaths: readonly string[];
  /**
   * For each mapping that holds an encrypted value, the key names it has, sorted: the part of an
   * encrypted document that can be compared with the live object. Keys are JSON pointers of the
   * mapping; a v1 Secret's `/stringData` keys are reported under `/data`, where the live Secret has them.
   */
  readonly keysByParent: ReadonlyMap<string, readonly string[]>;
}

/**
 * What of a SOPS-encrypted document can be compared: the encrypted values' places and, per mapping
 * holding one, its key names. Undefined for a document that is not SOPS-encrypted. The `sops` block
 * itself is metadata of the file, never applied, so it is left out.
 */
export function sopsComparableKeys(doc: unknown): SopsComparable | undefined {
  if (!isSopsEncrypted(doc) || !isRecord(doc)) return undefined;
  const secret = doc.apiVersion === 'v1' && doc.kind === 'Secret';
  const encryptedPaths: string[] = [];
  const parents = new Map<string, Set<string>>();
  const visit = (v: unknown, pointer: string, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (Array.isArray(v)) {
      v.forEach((item, i) => visit(item, `${pointer}/${i}`, depth + 1));
      return;
    }
    if (!isRecord(v)) return;
    let holdsEncrypted = false;
    for (const [k, child] of Object.entries(v)) {
      if (depth === 0 && k === 'sops') continue;
      const p = `${pointer}/${escapePointer(k)}`;
      if (isSopsEncryptedValue(child)) {
        encryptedPaths.push(p);
        holdsEncrypted = true;
      } else {
        visit(child, p, depth + 1);
      }
    }
    if (!holdsEncrypted) return;
    const at = secret && pointer === '/stringData' ? '/data' : pointer;
    let keys = parents.get(at);
    if (keys === undefined) parents.set(at, (keys = new Set()));
    for (const k of Object.keys(v)) keys.add(k);
  };
  visit(doc, '', 0);
  const keysByParent = new Map<string, readonly string[]>();
  for (const [p, keys] of [...parents].sort(([a], [b]) => a.localeCompare(b))) keysByParent.set(p, [...keys].sort());
  return { encryptedPaths, keysByParent };
}

export interface SopsKeyDifference {
  /** The mapping, as a JSON pointer. */
  readonly parent: string;
  /** Keys in the file that the live object lacks. */
  readonly missing: readonly string[];
  /** Keys the live object has that the file does not. */
  readonly unexpected: readonly string[];
}

/**
 * Compares a SOPS-encrypted desired document with the live object by key names only, mapping by
 * mapping (`sopsComparableKeys`). Values are not compared. Undefined when `desired` is not encrypted.
 */
export function compareSopsKeys(desired: unknown, live: unknown): SopsKeyDifference[] | undefined {
  const view = sopsComparableKeys(desired);
  if (view === undefined) return undefined;
  const out: SopsKeyDifference[] = [];
  for (const [parent, keys] of view.keysByParent) {
    const liveMap = atPointer(live, parent);
    const liveKeys = new Set(isRecord(liveMap) ? Object.keys(liveMap) : []);
    const want = new Set(keys);
    const missing = keys.filter((k) => !liveKeys.has(k));
    const unexpected = [...liveKeys].filter((k) => !want.has(k)).sort();
    if (missing.length > 0 || unexpected.length > 0) out.push({ parent, missing, unexpected });
  }
  return out;
}

function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

function atPointer(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  let v = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(v)) v = v[Number(key)];
    else if (isRecord(v)) v = v[key];
    else return undefined;
  }
  return v;
}
