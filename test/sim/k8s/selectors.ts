/**
 * Label and field selectors as the API server parses them (k8s.io/apimachinery/pkg/labels and
 * pkg/fields): `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, comma = AND.
 */
import type { KubeObject } from './types';
import { StatusError } from './types';

type Requirement =
  | { key: string; op: 'eq' | 'ne'; values: string[] }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists'; values: [] };

export type Selector = (labels: Record<string, string> | undefined) => boolean;

/** Splits on commas outside parentheses. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((p) => p.trim()).filter((p) => p !== '');
}

function bad(why: string): StatusError {
  return new StatusError(400, 'BadRequest', `unable to parse requirement: ${why}`);
}

export function parseLabelSelector(selector: string | undefined | null): Selector {
  if (!selector) return () => true;
  const reqs: Requirement[] = [];
  for (const part of splitTop(selector)) {
    let m: RegExpMatchArray | null;
    if ((m = part.match(/^([A-Za-z0-9._/-]+)\s+(in|notin)\s+\(([^)]*)\)$/))) {
      reqs.push({ key: m[1]!, op: m[2] as 'in' | 'notin', values: m[3]!.split(',').map((v) => v.trim()) });
    } else if ((m = part.match(/^([A-Za-z0-9._/-]+)\s*(==|=|!=)\s*([A-Za-z0-9._-]*)$/))) {
      reqs.push({ key: m[1]!, op: m[2] === '!=' ? 'ne' : 'eq', values: [m[3]!] });
    } else if ((m = part.match(/^!\s*([A-Za-z0-9._/-]+)$/))) {
      reqs.push({ key: m[1]!, op: 'notexists', values: [] });
    } else if ((m = part.match(/^([A-Za-z0-9._/-]+)$/))) {
      reqs.push({ key: m[1]!, op: 'exists', values: [] });
    } else {
      throw bad(`found '${part}', expected: in, notin, =, ==, !=, gt, lt`);
    }
  }
  return (labels) => reqs.every((r) => {
    const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
    const v = has ? labels![r.key] : undefined;
    switch (r.op) {
      case 'eq': return has && v === r.values[0];
      case 'ne': return !has || v !== r.values[0];
      case 'in': return has && r.values.includes(v!);
      case 'notin': return !has || !r.values.includes(v!);
      case 'exists': return has;
      case 'notexists': return !has;
    }
  });
}

export type FieldSelector = (obj: KubeObject) => boolean;

/**
 * Field selectors: every resource supports metadata.name and metadata.namespace
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/field-selectors/). Other fields
 * answer 400 like the real server: `field label not supported: x`.
 */
export function parseFieldSelector(selector: string | undefined | null, extraFields: Record<string, (o: KubeObject) => string | undefined> = {}): FieldSelector {
  if (!selector) return () => true;
  const checks: Array<(o: KubeObject) => boolean> = [];
  for (const part of splitTop(selector)) {
    const m = part.match(/^([A-Za-z0-9._-]+)\s*(==|=|!=)\s*(.*)$/);
    if (!m) throw new StatusError(400, 'BadRequest', `invalid selector: '${selector}'; can't understand '${part}'`);
    const field = m[1]!;
    const neg = m[2] === '!=';
    const want = m[3]!.trim();
    const getter = field === 'metadata.name' ? (o: KubeObject) => o.metadata.name
      : field === 'metadata.namespace' ? (o: KubeObject) => o.metadata.namespace ?? ''
      : extraFields[field];
    if (!getter) throw new StatusError(400, 'BadRequest', `field label not supported: ${field}`);
    checks.push((o) => (getter(o) === want) !== neg);
  }
  return (o) => checks.every((c) => c(o));
}
