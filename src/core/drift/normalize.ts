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

export interface NormalizeOptions {
  /**
   * Argo CD `application.resourceTrackingMethod`: `label` (Argo CD < 3.0 default), `annotation`
   * (3.0 default) or `annotation+label`. With `label` and `annotation+label` the instance label is
   * Argo CD's and is dropped; with `annotation` it is the user's and kept.
   */
  tracking?: 'label' | 'annotation' | 'annotation+label';
  /** Argo CD `application.instanceLabelKey`; default `app.kubernetes.io/instance`. */
  trackingLabel?: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Server-populated metadata that never comes from Git (ObjectMeta docs: "Populated by the system"). */
const SERVER_METADATA = ['managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp', 'selfLink'];

const ANNOTATIONS_ALWAYS_DROPPED = [
  'kubectl.kubernetes.io/last-applied-configuration',
  'argocd.argoproj.io/tracking-id',
];
/** Flux writes these on everything it applies (kustomize-controller and helm-controller). */
const FLUX_PREFIXES = ['kustomize.toolkit.fluxcd.io/', 'helm.toolkit.fluxcd.io/'];

export const DEFAULT_TRACKING_LABEL = 'app.kubernetes.io/instance';

/**
 * A normalized deep copy of a Kubernetes object; the input is never mutated. Idempotent:
 * normalize(normalize(x)) deep-equals normalize(x). Non-objects give `{}`.
 */
export function normalize(obj: unknown, opts: NormalizeOptions = {}): Record<string, unknown> {
  if (!isObject(obj)) return {};
  const out = clone(obj as JsonObject) as JsonObject;
  const kind = typeof out.kind === 'string' ? out.kind : undefined;
  const apiVersion = typeof out.apiVersion === 'string' ? out.apiVersion : undefined;

  delete out.status;
  const metadata = out.metadata;
  if (isObject(metadata)) {
    for (const key of SERVER_METADATA) delete metadata[key];
    const trackingLabel = opts.tracking === 'label' || opts.tracking === 'annotation+label'
      ? (opts.trackingLabel ?? DEFAULT_TRACKING_LABEL)
      : undefined;
    cleanStringMap(metadata, 'annotations', (k) => ANNOTATIONS_ALWAYS_DROPPED.includes(k) || hasFluxPrefix(k));
    cleanStringMap(metadata, 'labels', (k) => k === trackingLabel || hasFluxPrefix(k));
    if (Object.keys(metadata).length === 0) delete out.metadata;
  }

  if (kind === 'Secret' && apiVersion === 'v1') foldStringData(out);
  if (kind === 'ConfigMap' && apiVersion === 'v1' && isObject(out.data)) stringifyValues(out.data);
  canonicalizeQuantities(out, kind, []);
  canonicalizeEnvValues(out);
  return out;
}

function hasFluxPrefix(key: string): boolean {
  return FLUX_PREFIXES.some((p) => key.startsWith(p));
}

/**
 * Drops keys from metadata.labels/annotations and, as the schema says these are string maps, turns
 * YAML numbers/booleans into strings (`version: 1` vs `"1"` is not drift). An emptied map is removed so
 * that `{}` and absent compare equal, as they do after the API server's omitempty.
 */
function cleanStringMap(metadata: JsonObject, field: 'labels' | 'annotations', drop: (key: string) => boolean): void {
  const map = metadata[field];
  if (map === null) {
    delete metadata[field];
    return;
  }
  if (!isObject(map)) return;
  for (const key of Object.keys(map)) {
    if (drop(key)) delete map[key];
  }
  stringifyValues(map);
  if (Object.keys(map).length === 0) delete metadata[field];
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
  if (isObject(stringData)) {
    const data: JsonObject = isObject(secret.data) ? (secret.data as JsonObject) : {};
    for (const [k, v] of Object.entries(stringData)) {
      setOwn(data, k, base64(v === null ? '' : typeof v === 'string' ? v : String(v)));
    }
    secret.data = data;
  }
  if (isObject(secret.data)) {
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

/** `path` is one stack pushed and popped on the way down (no copy per node: this runs on every lens). */
function canonicalizeQuantities(node: Json, kind: string | undefined, path: string[]): void {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const child = node[i];
      if (typeof child !== 'object' || child === null) continue;
      path.push(String(i));
      canonicalizeQuantities(child, kind, path);
      path.pop();
    }
    return;
  }
  if (!isObject(node)) return;
  for (const k of Object.keys(node)) {
    const v = node[k];
    path.push(k);
    if ((typeof v === 'string' || typeof v === 'number') && isQuantityPath(kind, path)) {
      const canon = canonicalQuantity(v);
      if (canon !== undefined) setOwn(node, k, canon);
    } else if (typeof v === 'object' && v !== null) {
      canonicalizeQuantities(v, kind, path);
    }
    path.pop();
  }
}

/** core/v1 EnvVar.value is a string; `value: 8080` in YAML means "8080". */
function canonicalizeEnvValues(node: Json): void {
  if (Array.isArray(node)) {
    for (const child of node) canonicalizeEnvValues(child);
    return;
  }
  if (!isObject(node)) return;
  for (const [k, v] of Object.entries(node)) {
    if (k === 'env' && Array.isArray(v)) {
      for (const item of v) {
        if (isObject(item) && (typeof item.value === 'number' || typeof item.value === 'boolean')) item.value = String(item.value);
      }
    } else if (typeof v === 'object' && v !== null) {
      canonicalizeEnvValues(v);
    }
  }
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clone(v: unknown): Json {
  // A js-yaml/yaml timestamp would arrive as a Date; the API server holds it as an RFC 3339 string.
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(clone);
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const k of Object.keys(v)) {
      const child = v[k];
      if (child !== undefined) setOwn(out, k, clone(child));
    }
    return out;
  }
  if (typeof v === 'bigint') return Number(v);
  return (v ?? null) as Json;
}

/** Plain assignment of a `__proto__` key would replace the prototype instead of adding a field. */
function setOwn(target: JsonObject, key: string, value: Json): void {
  // defineProperty is several times slower than assignment; only `__proto__` needs it.
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
