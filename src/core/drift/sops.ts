/**
 * Comparing a SOPS-encrypted desired document (core/manifest/sops.ts detects one): Flux decrypts it
 * when it applies (kustomize-controller `spec.decryption`), so Git holds `ENC[…]` ciphertext where the
 * cluster holds plaintext. Its values cannot be compared, its keys can: each encrypted value stands
 * for the live value at the same place when there is one (never decrypted, never shown), and for a
 * placeholder when there is none, so a key live lacks is still drift and a live key Git dropped still
 * is (last-applied, server-side apply ownership). The `sops` block is the file's metadata, never
 * applied. A v1 Secret's encrypted `stringData` key stands for the live `data` key of that name.
 */
import { isSopsEncrypted, isSopsEncryptedValue } from '../manifest/sops';
import { isRecord } from '../json';

type Obj = Record<string, unknown>;

/** Said on the lens and in the CLI next to such a document. */
export const SOPS_NOTE = 'encrypted with SOPS: values not compared';
/** Stands for an encrypted value the live object does not have. */
const SOPS_PLACEHOLDER = '(encrypted with SOPS)';

const MAX_DEPTH = 64;

export { isSopsEncrypted };

/** The desired document to compare: encrypted values replaced (see the module comment); others untouched. */
export function sopsComparable(desired: Obj, live: Obj): Obj {
  const out = structuredClone(desired);
  delete out.sops;
  const secret = out.apiVersion === 'v1' && out.kind === 'Secret';
  if (secret && isRecord(out.stringData)) {
    const liveData = isRecord(live.data) ? live.data : {};
    for (const [k, v] of Object.entries(out.stringData)) {
      if (!isSopsEncryptedValue(v)) continue;
      delete out.stringData[k];
      const data = isRecord(out.data) ? out.data : (out.data = {});
      data[k] = typeof liveData[k] === 'string' ? liveData[k] : SOPS_PLACEHOLDER;
    }
  }
  const visit = (d: unknown, l: unknown, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (Array.isArray(d)) {
      d.forEach((item, i) => {
        if (isSopsEncryptedValue(item)) d[i] = Array.isArray(l) && l[i] !== undefined ? l[i] : SOPS_PLACEHOLDER;
        else visit(item, Array.isArray(l) ? l[i] : undefined, depth + 1);
      });
      return;
    }
    if (!isRecord(d)) return;
    for (const [k, v] of Object.entries(d)) {
      const lv = isRecord(l) ? l[k] : undefined;
      if (isSopsEncryptedValue(v)) d[k] = lv !== undefined && lv !== null ? lv : SOPS_PLACEHOLDER;
      else visit(v, lv, depth + 1);
    }
  };
  visit(out, live, 0);
  return out;
}
