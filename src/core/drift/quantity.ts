// Kubernetes resource quantities (`100m`, `1Gi`, `1e3`) parsed into exact values so that `1000m` and `1`,
// or `1Gi` and `1024Mi`, compare equal. Grammar and canonical form follow apimachinery
// pkg/api/resource/quantity.go (the doc comment on `Quantity` and `CanonicalizeBytes`):
//   <quantity> ::= <signedNumber><suffix>
//   <suffix>   ::= <binarySI> | <decimalExponent> | <decimalSI>
//   <binarySI> ::= Ki | Mi | Gi | Ti | Pi | Ei
//   <decimalSI> ::= n | u | m | "" | k | M | G | T | P | E
//   <decimalExponent> ::= "e" <signedNumber> | "E" <signedNumber>
// Values are exact rationals (BigInt), rounded up to nano precision as the API server does
// ("values with precision finer than 1n are rounded up").

type QuantityFormat = 'BinarySI' | 'DecimalSI' | 'DecimalExponent';

export interface Quantity {
  /** Value in nano units (value × 10⁹), exact after rounding up to 1n like the API server. */
  readonly nanos: bigint;
  /** The notation the source used; the canonical string keeps it, as apimachinery does. */
  readonly format: QuantityFormat;
}

const BINARY: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const DECIMAL_SUFFIX_BY_EXP = new Map<number, string>(Object.entries(DECIMAL).map(([s, e]) => [e, s]));
const BINARY_SUFFIX_BY_POW = new Map<number, string>(Object.entries(BINARY).map(([s, p]) => [p, s]));

const QUANTITY_RE = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;
const NANO = 1_000_000_000n;

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** Parses a quantity string (or a YAML number such as `cpu: 1`); undefined when it is not one. */
export function parseQuantity(input: string | number): Quantity | undefined {
  const text = typeof input === 'number' ? numberText(input) : input.trim();
  if (text === undefined) return undefined;
  const m = QUANTITY_RE.exec(text);
  if (!m) return undefined;
  const [, sign = '', numberPart = '', suffix, exponent] = m;
  const [intPart = '', fracPart = ''] = numberPart.split('.');
  // mantissa / 10^fracLen is the written number.
  let num = BigInt((intPart || '0') + fracPart);
  let den = pow10(fracPart.length);
  let format: QuantityFormat = 'DecimalSI';
  if (exponent !== undefined) {
    format = 'DecimalExponent';
    const e = Number(exponent);
    // Exponents far outside what a Quantity can hold are not quantities (and would make BigInt huge).
    if (Math.abs(e) > 64) return undefined;
    if (e >= 0) num *= pow10(e);
    else den *= pow10(-e);
  } else if (suffix !== undefined && suffix in BINARY) {
    format = 'BinarySI';
    num *= 1024n ** BigInt(BINARY[suffix] ?? 0);
  } else {
    const e = DECIMAL[suffix ?? ''] ?? 0;
    if (e >= 0) num *= pow10(e);
    else den *= pow10(-e);
  }
  // Round up (away from zero) to nano precision.
  const scaled = num * NANO;
  let nanos = scaled / den;
  if (scaled % den !== 0n) nanos += 1n;
  if (sign === '-') nanos = -nanos;
  return { nanos, format };
}

function numberText(n: number): string | undefined {
  if (!Number.isFinite(n)) return undefined;
  // String(1e21) is "1e+21", which the grammar accepts; String(0.1) is "0.1".
  return String(n);
}

/** True when both parse as quantities of the same value, whatever their notation. */
export function sameQuantity(a: string | number, b: string | number): boolean {
  const qa = parseQuantity(a);
  const qb = parseQuantity(b);
  return qa !== undefined && qb !== undefined && qa.nanos === qb.nanos;
}

/**
 * The string the API server would store for this quantity (apimachinery `CanonicalizeBytes`):
 * `1000m` → `1`, `1024Mi` → `1Gi`, `0.5` → `500m`, `1500` → `1500`, `1e3` → `1e3`.
 * Binary notation falls back to decimal for values below 1024 or not a whole number of bytes, as
 * apimachinery does.
 */
export function formatQuantity(q: Quantity): string {
  const negative = q.nanos < 0n;
  const abs = negative ? -q.nanos : q.nanos;
  const sign = negative ? '-' : '';
  if (abs === 0n) return '0';
  if (q.format === 'BinarySI' && abs % NANO === 0n && abs >= 1024n * NANO) {
    let whole = abs / NANO;
    let pow = 0;
    while (pow < 6 && whole % 1024n === 0n) {
      whole /= 1024n;
      pow += 1;
    }
    return `${sign}${whole}${BINARY_SUFFIX_BY_POW.get(pow) ?? ''}`;
  }
  // Largest exponent (multiple of 3, from -9 to 18) that leaves an integer mantissa.
  let mantissa = abs;
  let exp = -9;
  while (exp < 18 && mantissa % 1000n === 0n) {
    mantissa /= 1000n;
    exp += 3;
  }
  if (q.format === 'DecimalExponent') return `${sign}${mantissa}${exp === 0 ? '' : `e${exp}`}`;
  return `${sign}${mantissa}${DECIMAL_SUFFIX_BY_EXP.get(exp) ?? ''}`;
}

/** Canonical string of a quantity, or undefined when the input is not a quantity. */
export function canonicalQuantity(input: string | number): string | undefined {
  // Manifests repeat a handful of quantities (`100m`, `128Mi`) across every container: remember them.
  const cached = CANONICAL.get(input);
  if (cached !== undefined || CANONICAL.has(input)) return cached;
  const q = parseQuantity(input);
  const canon = q === undefined ? undefined : formatQuantity(q);
  if (CANONICAL.size >= CANONICAL_MAX) CANONICAL.clear();
  CANONICAL.set(input, canon);
  return canon;
}

/** Canonical strings by input (a number key is distinct from its string); bounded, cleared when full. */
const CANONICAL = new Map<string | number, string | undefined>();
const CANONICAL_MAX = 4096;

/**
 * Whether a field path (JSON pointer segments from the object root) holds quantities: container and
 * PVC `resources.limits/requests`, pod `overhead`, `emptyDir.sizeLimit`, `resourceFieldRef.divisor`
 * (env and downward API volume items), ResourceQuota `spec.hard`,
 * LimitRange `spec.limits[*].{max,min,default,defaultRequest,maxLimitRequestRatio}`, PV `spec.capacity`
 * (the `resource.Quantity` fields of k8s.io/api core/v1).
 */
export function isQuantityPath(kind: string | undefined, path: readonly string[]): boolean {
  const n = path.length;
  const parent = path[n - 2];
  const grand = path[n - 3];
  if (n >= 3 && grand === 'resources' && (parent === 'limits' || parent === 'requests')) return true;
  if (n >= 2 && parent === 'overhead') return true;
  if (n >= 2 && parent === 'emptyDir' && path[n - 1] === 'sizeLimit') return true;
  if (n >= 2 && parent === 'resourceFieldRef' && path[n - 1] === 'divisor') return true;
  if (kind === 'ResourceQuota' && n === 3 && path[0] === 'spec' && path[1] === 'hard') return true;
  if (kind === 'PersistentVolume' && n === 3 && path[0] === 'spec' && path[1] === 'capacity') return true;
  if (kind === 'LimitRange' && n === 5 && path[0] === 'spec' && path[1] === 'limits') {
    return ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'].includes(path[3] ?? '');
  }
  return false;
}
