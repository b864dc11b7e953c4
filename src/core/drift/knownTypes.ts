/**
 * Argo CD's known type fields (argocd-cm `resource.customizations.knownTypeFields.<group_kind>`, or
 * `knownTypeFields` in the legacy `resource.customizations` block): a field of a custom resource that
 * holds a Kubernetes type is re-formatted as that type before the diff, so `cpu: 2000m` in Git and
 * `cpu: "2"` live are not drift (argo-cd util/argo/normalizers/knowntypes_normalizer.go). Argo CD does it
 * by a JSON round trip through the Go type; this does what that round trip changes that a diff sees:
 *
 * - `core/Quantity`: the canonical string (quantity.ts), `1.25G` → `1250M`;
 * - `meta/v1/Duration`: Go's `time.Duration` string, `8760h` → `8760h0m0s`, `90s` → `1m30s`;
 * - `core/v1/<Type>`: its quantity fields canonical (the quantity.ts rules, placed as the type sits
 *   in its built-in objects), and `false` dropped where Go's `omitempty` drops it: the plain (not
 *   pointer) booleans of containers and pods, and a volume mount's `readOnly`. Nothing else is dropped:
 *   a pointer's false or `{}` (`automountServiceAccountToken: false`, `securityContext: {}`), an empty
 *   string in a list or a map (`nodeSelector: {role: ""}`) are real values Go keeps. The round trip
 *   also drops other empty plain fields (`hostPort: 0`) and fields the Go type does not have; that is
 *   not done here, so such a difference may still show as drift where Argo CD shows none.
 *
 * A field path is dot-separated; where it crosses a list, the rest applies to every item (the upstream
 * `normalize`). A value the type cannot hold is left as it is (upstream logs the error and goes on).
 * Group and kind match exactly; Argo Rollouts' `spec.template.spec` is a PodSpec unless configured.
 */
import { isRecord } from '../json';
import { canonicalQuantity, isQuantityPath } from './quantity';

export interface KnownTypeField {
  readonly group: string;
  readonly kind: string;
  /** The field path's segments (`spec.template.spec` → ['spec', 'template', 'spec']). */
  readonly path: readonly string[];
  /** `core/Quantity`, `meta/v1/Duration` or `core/v1/<Type>`. */
  readonly type: string;
}

/**
 * The types the upstream normalizer knows: its generated core/v1 list plus the two it registers by hand.
 * A core/v1 name is accepted by its shape (the list follows k8s.io/api, 239 types in Argo CD 3.2).
 */
export function isKnownType(type: string): boolean {
  return type === 'core/Quantity' || type === 'meta/v1/Duration' || /^core\/v1\/[A-Z][A-Za-z0-9]*$/.test(type);
}

/** `ensureDefaultCRDsConfigured`: an Argo Rollout's pod template, unless argocd-cm says otherwise for Rollouts. */
const ROLLOUT_DEFAULT: KnownTypeField = { group: 'argoproj.io', kind: 'Rollout', path: ['spec', 'template', 'spec'], type: 'core/v1/PodSpec' };

const NONE: readonly KnownTypeField[] = [];
const ROLLOUT_ONLY: readonly KnownTypeField[] = [ROLLOUT_DEFAULT];

/** The fields of one group/kind, the Rollout default included. */
export function knownFieldsFor(fields: readonly KnownTypeField[], group: string, kind: string): readonly KnownTypeField[] {
  // Every lens asks; almost none has any: no allocation then.
  if (fields.length === 0) return group === ROLLOUT_DEFAULT.group && kind === ROLLOUT_DEFAULT.kind ? ROLLOUT_ONLY : NONE;
  const own = fields.filter((f) => f.group === group && f.kind === kind);
  if (own.length > 0 || fields.some((f) => f.group === ROLLOUT_DEFAULT.group && f.kind === ROLLOUT_DEFAULT.kind)) return own;
  return group === ROLLOUT_DEFAULT.group && kind === ROLLOUT_DEFAULT.kind ? [ROLLOUT_DEFAULT] : [];
}

/**
 * The object with its known type fields re-formatted; the input is not modified (parts not on a
 * field's path are shared). The same object when no field applies.
 */
export function applyKnownTypes<T>(obj: T, fields: readonly KnownTypeField[]): T {
  let out: unknown = obj;
  for (const f of fields) out = atPath(out, f.path, (v) => reformat(v, f.type));
  return out as T;
}

function atPath(v: unknown, path: readonly string[], fn: (v: unknown) => unknown): unknown {
  if (path.length === 0) return fn(v);
  if (Array.isArray(v)) return v.map((item) => (isRecord(item) ? atPath(item, path, fn) : item));
  if (!isRecord(v)) return v;
  const [head, ...rest] = path as [string, ...string[]];
  if (!(head in v)) return v;
  return { ...v, [head]: atPath(v[head], rest, fn) };
}

function reformat(v: unknown, type: string): unknown {
  if (type === 'core/Quantity') return typeof v === 'string' || typeof v === 'number' ? (canonicalQuantity(v) ?? v) : v;
  if (type === 'meta/v1/Duration') {
    const ns = typeof v === 'string' ? parseGoDuration(v) : undefined;
    return ns === undefined ? v : formatGoDuration(ns);
  }
  const place = TYPE_PLACES[type.slice('core/v1/'.length)] ?? { prefix: [] };
  return coreValue(v, place, []);
}

/** Where a core/v1 type sits in the built-in objects whose quantity rules apply to it (quantity.ts). */
const TYPE_PLACES: Readonly<Record<string, { readonly kind?: string; readonly prefix: readonly string[] }>> = {
  ResourceRequirements: { prefix: ['resources'] },
  VolumeResourceRequirements: { prefix: ['resources'] },
  ResourceList: { prefix: ['resources', 'limits'] },
  EmptyDirVolumeSource: { prefix: ['emptyDir'] },
  ResourceFieldSelector: { prefix: ['resourceFieldRef'] },
  PersistentVolumeSpec: { kind: 'PersistentVolume', prefix: ['spec'] },
  ResourceQuotaSpec: { kind: 'ResourceQuota', prefix: ['spec'] },
  LimitRangeSpec: { kind: 'LimitRange', prefix: ['spec'] },
  LimitRangeItem: { kind: 'LimitRange', prefix: ['spec', 'limits', '0'] },
};

/**
 * Plain `bool` fields with `omitempty` of k8s.io/api core/v1 (Container, PodSpec), whose false Go
 * drops; the booleans of these types not listed are pointers (`*bool`), whose false Go keeps.
 */
const PLAIN_BOOLS = new Set(['stdin', 'stdinOnce', 'tty', 'hostNetwork', 'hostPID', 'hostIPC']);

/** Whether Go's round trip drops this `false`: a plain omitempty bool, or a volume mount's `readOnly` (VolumeMount.ReadOnly is a plain bool). */
function dropsFalse(rel: readonly string[]): boolean {
  const key = rel[rel.length - 1] ?? '';
  return PLAIN_BOOLS.has(key) || (key === 'readOnly' && rel[rel.length - 3] === 'volumeMounts');
}

/** Quantities canonical and the falses Go omits dropped, below a core/v1 value. */
function coreValue(v: unknown, place: { readonly kind?: string; readonly prefix: readonly string[] }, rel: string[]): unknown {
  if (Array.isArray(v)) return v.map((x, i) => coreValue(x, place, [...rel, String(i)]));
  if (isRecord(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (x === false && dropsFalse([...rel, k])) continue;
      out[k] = coreValue(x, place, [...rel, k]);
    }
    return out;
  }
  if ((typeof v === 'string' || typeof v === 'number') && isQuantityPath(place.kind, [...place.prefix, ...rel])) return canonicalQuantity(v) ?? v;
  return v;
}

// --- Go time.Duration ------------------------------------------------------------------------------

const NS_PER_UNIT: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 micro sign
  'μs': 1_000n, // U+03BC Greek small letter mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};
const MAX_DURATION = (1n << 63n) - 1n;
const COMPONENT = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/;

/**
 * Go's `time.ParseDuration` (src/time/format.go): a signed sequence of decimal numbers, each with an
 * optional fraction and a unit; "0" alone needs none. Nanoseconds, or undefined when Go refuses it.
 * A fraction is truncated to the nanosecond exactly, where Go goes through a float64.
 */
export function parseGoDuration(text: string): bigint | undefined {
  let s = text;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s.startsWith('-');
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return undefined;
  let total = 0n;
  while (s !== '') {
    const m = COMPONENT.exec(s);
    if (!m) return undefined;
    const [all, whole = '', frac = '', unit = ''] = m;
    if (whole === '' && frac === '') return undefined;
    const per = NS_PER_UNIT[unit] as bigint;
    total += BigInt(whole || '0') * per + (frac === '' ? 0n : (BigInt(frac) * per) / 10n ** BigInt(frac.length));
    if (total > MAX_DURATION + (negative ? 1n : 0n)) return undefined;
    s = s.slice(all.length);
  }
  return negative ? -total : total;
}

/** Go's `Duration.String`: `72h3m0.5s`, `1m0s`, `1.5ms`, `0s`. */
export function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const sign = ns < 0n ? '-' : '';
  const u = ns < 0n ? -ns : ns;
  if (u < 1_000n) return `${sign}${u}ns`;
  if (u < 1_000_000n) return `${sign}${decimal(u, 3)}µs`;
  if (u < 1_000_000_000n) return `${sign}${decimal(u, 6)}ms`;
  const seconds = u / 1_000_000_000n;
  const secondsText = `${decimal((seconds % 60n) * 1_000_000_000n + (u % 1_000_000_000n), 9)}s`;
  const minutes = seconds / 60n;
  if (minutes === 0n) return `${sign}${secondsText}`;
  const hours = minutes / 60n;
  return `${sign}${hours > 0n ? `${hours}h` : ''}${minutes % 60n}m${secondsText}`;
}

/** `v / 10^digits` in decimal, trailing zeros of the fraction (and a bare point) dropped: Go's fmtFrac. */
function decimal(v: bigint, digits: number): string {
  const scale = 10n ** BigInt(digits);
  const frac = (v % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  return frac === '' ? `${v / scale}` : `${v / scale}.${frac}`;
}
