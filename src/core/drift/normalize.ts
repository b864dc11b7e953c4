// Normalization applied to both the desired (Git) and live (cluster) objects before comparing, so
// that only differences Argo CD or Flux would call drift remain. Sources of each rule:
// - Argo CD gitops-engine `pkg/diff` Normalize/remarshal and `pkg/sync/common` (status, managedFields,
//   server-set metadata), util/argo/resource_tracking.go (tracking label/annotation);
// - Flux kustomize-controller drops its own ownership labels/annotations
//   (`kustomize.toolkit.fluxcd.io/name|namespace`, docs: "Kustomization ... labels") before diffing;
// - core/v1 Secret docs: "stringData ... is merged into the data field on write, overwriting any
//   existing values";
// - resource.Quantity is serialized in canonical form by the API server (see quantity.ts).
import { canonicalQuantity, isQuantityPath } from './quantity';
import { isRecord } from '../json';

export interface NormalizeOptions {
  /**
   * Argo CD `application.resourceTrackingMethod`: `label` (Argo CD < 3.0 default), `annotation`
   * (3.0 default) or `annotation+label`. With `label` and `annotation+label` the instance label is
   * Argo CD's and is dropped; with `annotation` it is the user's and kept.
   */
  tracking?: 'label' | 'annotation' | 'annotation+label';
  /** Argo CD `application.instanceLabelKey`; default `app.kubernetes.io/instance`. */
  trackingLabel?: string;
  /**
   * The result may share the subtrees normalization leaves unchanged with the input (no copy of
   * them): for read-only caches such as the lenses' (a live object from a GET, a parsed document),
   * where neither side is ever mutated afterwards. Default: a full deep copy.
   */
  shareUnchanged?: boolean;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Server-populated metadata that never comes from Git (ObjectMeta docs: "Populated by the system"). */
const SERVER_METADATA = new Set(['managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp', 'selfLink']);

/** Argo CD's tracking annotation (util/argo/resource_tracking.go), written with annotation tracking. */
export const TRACKING_ID_ANNOTATION = 'argocd.argoproj.io/tracking-id';

const ANNOTATIONS_ALWAYS_DROPPED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  TRACKING_ID_ANNOTATION,
]);
/** Flux writes these on everything it applies (kustomize-controller and helm-controller). */
const FLUX_PREFIXES = ['kustomize.toolkit.fluxcd.io/', 'helm.toolkit.fluxcd.io/'];

/** Argo CD's tracking label (argocd-cm `application.instanceLabelKey`, its default). */
export const DEFAULT_TRACKING_LABEL = 'app.kubernetes.io/instance';

/**
 * A normalized deep copy of a Kubernetes object (see `shareUnchanged`); the input is never mutated. Idempotent:
 * normalize(normalize(x)) deep-equals normalize(x). Non-objects give `{}`.
 */
export function normalize(obj: unknown, opts: NormalizeOptions = {}): Record<string, unknown> {
  if (!isRecord(obj)) return {};
  const kind = typeof obj.kind === 'string' ? obj.kind : undefined;
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : undefined;
  // One walk copies and canonicalizes (quantities, env values); `status` is never copied. The
  // top-level rules below touch only metadata, data and stringData, which that walk leaves as they
  // would be had the rules run first (none of their fields is a quantity path or an `env` list).
  const share = opts.shareUnchanged === true;
  const out = canonicalCopy(obj, kind, [], true, true, share) as JsonObject;
  if (share) {
    // The rules below edit these maps in place: they get their own copies (the root always has one;
    // metadata is rebuilt below).
    if ((kind === 'Secret' || kind === 'ConfigMap') && isRecord(out.data)) out.data = { ...out.data };
    // stringData values become strings (String() of whatever is there): plain copies, as without sharing.
    if (kind === 'Secret' && isRecord(out.stringData)) out.stringData = canonicalCopy(out.stringData, kind, ['stringData'], true, false, false);
  }
  if (isRecord(out.metadata)) {
    const trackingLabel = opts.tracking === 'label' || opts.tracking === 'annotation+label'
      ? (opts.trackingLabel ?? DEFAULT_TRACKING_LABEL)
      : undefined;
    const metadata = cleanMetadata(out.metadata, trackingLabel);
    if (metadata === undefined) delete out.metadata;
    else out.metadata = metadata;
  }

  if ((kind === 'Role' || kind === 'ClusterRole') && apiVersion?.startsWith('rbac.authorization.k8s.io/') === true && Array.isArray(out.rules) && out.rules.length === 0) {
    // An empty rule list is no rule list (gitops-engine pkg/diff `normalizeRole`): the API server
    // serves it as `rules: null`, and `rules: []` in Git is not drift against rules an aggregation
    // or another writer put there.
    delete out.rules;
  }
  if (kind === 'Secret' && apiVersion === 'v1') foldStringData(out);
  if (kind === 'ConfigMap' && apiVersion === 'v1' && isRecord(out.data)) stringifyValues(out.data);
  return out;
}

function hasFluxPrefix(key: string): boolean {
  // Both prefixes contain ".toolkit.fluxcd.io/": one indexOf rules out nearly every key.
  return key.includes('.toolkit.fluxcd.io/') && FLUX_PREFIXES.some((p) => key.startsWith(p));
}

/**
 * A new metadata map (built, not edited with `delete`, which would also turn these small objects
 * into slow dictionaries) without server-set fields; undefined when nothing is left.
 */
function cleanMetadata(metadata: JsonObject, trackingLabel: string | undefined): JsonObject | undefined {
  const out: JsonObject = {};
  let empty = true;
  for (const k of Object.keys(metadata)) {
    if (SERVER_METADATA.has(k)) continue;
    let v = metadata[k] as Json;
    if (k === 'annotations' || k === 'labels') {
      if (v === null) continue;
      if (isRecord(v)) {
        const cleaned = k === 'labels'
          ? cleanStringMap(v, (key) => key === trackingLabel || hasFluxPrefix(key))
          : cleanStringMap(v, (key) => ANNOTATIONS_ALWAYS_DROPPED.has(key) || hasFluxPrefix(key));
        if (cleaned === undefined) continue;
        v = cleaned;
      }
    }
    setOwn(out, k, v);
    empty = false;
  }
  return empty ? undefined : out;
}

/**
 * metadata.labels/annotations without the dropped keys and, as the schema says these are string
 * maps, with YAML numbers/booleans as strings (`version: 1` vs `"1"` is not drift). A map left empty
 * gives undefined (removed) so that `{}` and absent compare equal, as they do after the API server's
 * omitempty.
 */
function cleanStringMap(map: JsonObject, drop: (key: string) => boolean): JsonObject | undefined {
  const out: JsonObject = {};
  let empty = true;
  for (const k of Object.keys(map)) {
    if (drop(k)) continue;
    const v = map[k] as Json;
    setOwn(out, k, typeof v === 'number' || typeof v === 'boolean' ? String(v) : v);
    empty = false;
  }
  return empty ? undefined : out;
}

function stringifyValues(map: JsonObject): void {
  for (const [k, v] of Object.entries(map)) {
    if (typeof v === 'number' || typeof v === 'boolean') map[k] = String(v);
  }
}

/**
 * Secret `stringData` written into `data` as base64 (it wins over `data`), then removed. Mutates its
 * argument: callers pass a copy (mask.ts uses it too, as Argo CD's HideSecretData calls NormalizeSecret).
 */
export function foldStringData(secret: Record<string, unknown>): void {
  const stringData = secret.stringData;
  delete secret.stringData;
  if (isRecord(stringData)) {
    const data: JsonObject = isRecord(secret.data) ? (secret.data as JsonObject) : {};
    for (const [k, v] of Object.entries(stringData)) {
      setOwn(data, k, base64(v === null ? '' : typeof v === 'string' ? v : String(v)));
    }
    secret.data = data;
  }
  if (isRecord(secret.data)) {
    // Go's base64 decoder skips CR/LF, so a value wrapped over lines in Git is stored unwrapped.
    for (const [k, v] of Object.entries(secret.data)) {
      if (typeof v === 'string' && /[\r\n]/.test(v)) setOwn(secret.data as JsonObject, k, v.replace(/[\r\n]/g, ''));
    }
    if (Object.keys(secret.data).length === 0) delete secret.data;
  }
  if (secret.data === null) delete secret.data;
}

function base64(text: string): string {
  // Buffer is a Node global (no I/O); Secret data is base64 of the UTF-8 bytes.
  return Buffer.from(text, 'utf8').toString('base64');
}

/**
 * Keys whose string/number children can be quantities (every rule of isQuantityPath looks at the
 * leaf's parent key first), so the full path test runs only under them.
 */
const QUANTITY_PARENTS = new Set(['limits', 'requests', 'overhead', 'emptyDir', 'hard', 'capacity', 'max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio', 'resourceFieldRef']);

/**
 * A JSON copy (Date → RFC 3339 string, as the API server holds timestamps; bigint → number;
 * undefined fields dropped) in which quantity fields are canonical (quantity.ts) and core/v1
 * EnvVar.value is a string (`value: 8080` in YAML means "8080"). `path` is one stack pushed and
 * popped on the way down (no copy per node: this runs on every lens). Scalars directly in lists are
 * never quantities; `env` lists nested inside an `env` list are left as they are (`env` is false).
 * With `share`, a list or map (other than the root) that needs no change is returned as it is.
 */
function canonicalCopy(v: unknown, kind: string | undefined, path: string[], env: boolean, root: boolean, share: boolean): Json {
  if (typeof v !== 'object' || v === null) {
    if (typeof v === 'bigint') return Number(v);
    return (v ?? null) as Json;
  }
  // A js-yaml/yaml timestamp would arrive as a Date; the API server holds it as an RFC 3339 string.
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) {
    const n = v.length;
    let out: Json[] | undefined = share ? undefined : new Array<Json>(n);
    for (let i = 0; i < n; i++) {
      const child: unknown = v[i];
      let value: Json;
      if (typeof child === 'object' && child !== null && !(child instanceof Date)) {
        path.push(String(i));
        value = canonicalCopy(child, kind, path, env, false, share);
        path.pop();
      } else {
        value = canonicalCopy(child, kind, path, env, false, share);
      }
      if (out === undefined) {
        if (value === child) continue;
        out = v.slice(0, i) as Json[];
      }
      out[i] = value;
    }
    return out ?? (v as Json[]);
  }
  const src = v as Record<string, unknown>;
  let out: JsonObject | undefined = share && !root ? undefined : {};
  const quantityParent = path.length > 0 && QUANTITY_PARENTS.has(path[path.length - 1] as string);
  const metadataLevel = path.length === 1 && path[0] === 'metadata';
  // for-in, not Object.keys: no array of keys per object walked (the lenses' first load normalizes
  // every document and live object, issue 18). Parsed JSON/YAML has no inherited enumerable keys.
  let i = -1;
  for (const k in src) {
    i++;
    const child = src[k];
    // Owned by controllers, never compared (gitops-engine removes it before diffing).
    if (child === undefined || (root && k === 'status')) {
      out ??= copyOf(src, i);
      continue;
    }
    // Server-set metadata (managedFields is often larger than the spec) is dropped by cleanMetadata
    // below whatever it holds: not walked, passed through as it is.
    if (metadataLevel && SERVER_METADATA.has(k)) {
      if (out !== undefined) setOwn(out, k, child as Json);
      continue;
    }
    let value: Json;
    if (typeof child === 'string' || typeof child === 'number') {
      value = child;
      if (quantityParent) {
        path.push(k);
        if (isQuantityPath(kind, path)) value = canonicalQuantity(child) ?? child;
        path.pop();
      }
    } else if (typeof child === 'object' && child !== null && !(child instanceof Date)) {
      path.push(k);
      const isEnv = env && k === 'env' && Array.isArray(child);
      value = canonicalCopy(child, kind, path, env && !isEnv, false, share);
      path.pop();
      if (isEnv && (value as Json[]).some(isNonStringEnvValue)) {
        // Copies, not edits: with `share` the list and its items may be the input's.
        value = (value as Json[]).map((item) => (isNonStringEnvValue(item) ? { ...item, value: String(item.value) } : item));
      }
    } else {
      value = canonicalCopy(child, kind, path, env, false, share);
    }
    if (out === undefined) {
      if (value === child) continue;
      out = copyOf(src, i);
    }
    setOwn(out, k, value);
  }
  return out ?? (src as JsonObject);
}

/** core/v1 EnvVar.value is a string; `value: 8080` in YAML means "8080". */
function isNonStringEnvValue(item: Json): item is JsonObject & { value: number | boolean } {
  return isRecord(item) && (typeof item.value === 'number' || typeof item.value === 'boolean');
}

/** A new map with the first `n` keys of `src` (those a shared walk found unchanged). */
function copyOf(src: Record<string, unknown>, n: number): JsonObject {
  const out: JsonObject = {};
  let i = 0;
  for (const k in src) {
    if (i++ === n) break;
    setOwn(out, k, src[k] as Json);
  }
  return out;
}


/** Plain assignment of a `__proto__` key would replace the prototype instead of adding a field. */
function setOwn(target: JsonObject, key: string, value: Json): void {
  // defineProperty is several times slower than assignment; only `__proto__` needs it.
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
