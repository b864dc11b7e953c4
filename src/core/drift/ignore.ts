/**
 * Ignore rules from Argo CD `spec.ignoreDifferences` and Flux `spec.driftDetection.ignore`, turned into
 * the path patterns compare.ts applies (a rule hides findings at and below its path).
 *
 * Argo CD (https://argo-cd.readthedocs.io/en/stable/user-guide/diffing/): each entry matches resources
 * by `group` (omitted or "" = core group), `kind`, optional `name` and `namespace` ("*" matches any
 * group or kind), and ignores
 * - `jsonPointers`: RFC 6901 pointers, e.g. `/spec/replicas`, `/metadata/annotations/foo~1bar`;
 * - `jqPathExpressions`: only the path form of jq is supported —
 *     `.a.b`, `.a."dotted.key"`, `.a["key"]`, `.list[]` (or `[]?`), `.list[2]`, and after `[]` a
 *     `| select(.field == "value")` (string, number, boolean or null; several joined by `and`),
 *     followed by `| .more.path`. Anything else (functions, `..`, `//`, comparisons other than `==`,
 *     pipes into non-path filters) is rejected with a message naming the expression;
 * - `managedFieldsManagers`: every field the named managers own in the live object's
 *   `metadata.managedFields` (fieldsV1), e.g. `kube-controller-manager`.
 *
 * Flux: HelmRelease `spec.driftDetection.ignore[]`
 * (https://fluxcd.io/flux/components/helm/helmreleases/#drift-detection) and Kustomization `spec.ignore[]`
 * (kustomize-controller PR #1627, merged as `Ignore []IgnoreRule json:"ignore"`; its draft called the
 * field `spec.driftIgnoreRules`) share one shape: `{ paths: [JSON Pointer...], target?: { group, version, kind, name,
 * namespace, labelSelector, annotationSelector } }`; no target means every resource. Target fields
 * are regular expressions (kustomize Selector); selectors support the equality form (`a=b,c!=d`,
 * `a`, `!a`) and set-based ones are rejected.
 */
import type { AppIgnoreRules } from '../model/app';
import type { IgnoreRule, IgnoreStep } from './compare';
import { isRecord } from '../json';
import { groupOf } from '../manifest/documents';
import { globMatch } from '../argocd/health/customizations';

/** The identity of the resource a rule may apply to. */
export interface ResourceIdentity {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/** One parsed entry: a target test and the rules it contributes. */
export interface IgnoreSpec {
  readonly source: string;
  readonly appliesTo: (id: ResourceIdentity, live: unknown) => boolean;
  readonly rules: readonly IgnoreRule[];
  readonly managers: readonly string[];
}

export interface ParsedIgnore {
  readonly specs: IgnoreSpec[];
  /** Entries or expressions that could not be used, with the reason. */
  readonly problems: string[];
}

type Obj = Record<string, unknown>;
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** RFC 6901 pointer → field steps (a numeric token also matches a list index, see compare.ts). */
export function parsePointer(pointer: string): IgnoreStep[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`JSON pointer "${pointer}" must start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => ({ field: t.replace(/~1/g, '/').replace(/~0/g, '~') }));
}

/** Parses the supported path form of a jq expression (see the module comment). */
export function parseJqPath(expr: string): IgnoreStep[] {
  const fail = (why: string): never => {
    throw new Error(`unsupported jqPathExpression "${expr}": ${why}; supported: .a.b, ."key", ["key"], [], [N], | select(.f == "v"), | .path`);
  };
  const steps: IgnoreStep[] = [];
  const stages = splitPipes(expr).map((s) => s.trim());
  for (const [si, stage] of stages.entries()) {
    const sel = /^select\((.*)\)$/s.exec(stage);
    if (sel) {
      const last = steps[steps.length - 1];
      if (si === 0 || !last || !('anyItem' in last)) fail('select(...) must follow a path ending in []');
      const cond: Record<string, unknown> = {};
      for (const part of (sel[1] ?? '').split(/\s+and\s+/)) {
        const m = /^\s*\.([A-Za-z_][A-Za-z0-9_]*|"(?:[^"\\]|\\.)*")\s*==\s*(.+?)\s*$/.exec(part);
        if (!m) return fail(`condition "${part.trim()}" is not .field == value`);
        let value: unknown;
        try {
          value = JSON.parse(m[2] ?? '');
        } catch {
          return fail(`value ${m[2] ?? ''} is not a JSON literal`);
        }
        if (typeof value === 'object' && value !== null) fail('select compares to a string, number, boolean or null only');
        const field = (m[1] ?? '').startsWith('"') ? (JSON.parse(m[1] ?? '') as string) : (m[1] ?? '');
        cond[field] = value;
      }
      steps[steps.length - 1] = { select: cond };
      continue;
    }
    if (!stage.startsWith('.')) fail(`"${stage}" is not a path`);
    let i = 0;
    while (i < stage.length) {
      const rest = stage.slice(i);
      let m: RegExpExecArray | null;
      if ((m = /^\.([A-Za-z_][A-Za-z0-9_-]*)/.exec(rest))) steps.push({ field: m[1] ?? '' });
      else if ((m = /^\.?"((?:[^"\\]|\\.)*)"/.exec(rest)) || (m = /^\.?\[\s*"((?:[^"\\]|\\.)*)"\s*\]/.exec(rest))) steps.push({ field: JSON.parse(`"${m[1] ?? ''}"`) as string });
      else if ((m = /^\.?\[\s*\]\??/.exec(rest))) steps.push({ anyItem: true }); // `[]?` only silences errors in jq
      else if ((m = /^\.?\[\s*(\d+)\s*\]/.exec(rest))) steps.push({ index: Number(m[1]) });
      else if (rest === '.' && stage === '.') break;
      else return fail(`cannot read "${rest}"`);
      i += m[0].length;
    }
  }
  return steps;
}

/** Splits on `|` outside strings and parentheses. */
function splitPipes(expr: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inStr = false;
  let cur = '';
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i] as string;
    if (inStr) {
      if (c === '\\') {
        cur += c + (expr[i + 1] ?? '');
        i++;
        continue;
      }
      if (c === '"') inStr = false;
    } else if (c === '"') inStr = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}

/**
 * Paths owned by the given managers in live `metadata.managedFields` (fieldsType FieldsV1:
 * `f:<field>`, `k:<json key>`, `v:<json value>`, `i:<index>`, `.` = the node itself;
 * https://kubernetes.io/docs/reference/using-api/server-side-apply/#field-management).
 */
export function managedFieldsRules(live: unknown, managers: readonly string[], source: string): IgnoreRule[] {
  const metadata = isRecord(live) ? live.metadata : undefined;
  const entries = isRecord(metadata) && Array.isArray(metadata.managedFields) ? metadata.managedFields : [];
  const out: IgnoreRule[] = [];
  for (const e of entries) {
    if (!isRecord(e) || typeof e.manager !== 'string' || !managers.includes(e.manager) || !isRecord(e.fieldsV1)) continue;
    const visit = (node: Obj, prefix: IgnoreStep[]): void => {
      const keys = Object.keys(node).filter((k) => k !== '.');
      // A leaf (`{}`) or a node owned only as a whole (`{".": {}}`) is one owned path.
      if (keys.length === 0) {
        if (prefix.length > 0) out.push({ source: `${source} (${e.manager as string})`, steps: prefix });
        return;
      }
      for (const k of keys) {
        const child = node[k];
        if (!isRecord(child)) continue;
        const body = k.slice(2);
        let step: IgnoreStep | undefined;
        try {
          if (k.startsWith('f:')) step = { field: body };
          else if (k.startsWith('k:')) step = { select: JSON.parse(body) as Record<string, unknown> };
          else if (k.startsWith('v:')) step = { value: JSON.parse(body) as unknown };
          else if (k.startsWith('i:')) step = { index: Number(body) };
        } catch {
          step = undefined;
        }
        if (step) visit(child, [...prefix, step]);
      }
    };
    visit(e.fieldsV1, []);
  }
  return out;
}

/** argo-cd util/glob `Match` (gobwas/glob), as ignore entries match group and kind (util/argo/diff/ignore.go). */
const globEq = (pattern: unknown, value: string): boolean => pattern === undefined || pattern === value || (typeof pattern === 'string' && globMatch(pattern, value));

/** Parses Argo CD `spec.ignoreDifferences`; problems name the entry and the expression. */
export function parseArgoIgnoreDifferences(entries: unknown, where = 'spec.ignoreDifferences'): ParsedIgnore {
  return parseIgnoreList(entries, where, parseArgoIgnoreEntry);
}

/** A list of ignore entries (absent: none), each parsed by `parseEntry` with its place in problems. */
function parseIgnoreList(entries: unknown, where: string, parseEntry: (e: unknown, at: string) => ParsedIgnore): ParsedIgnore {
  const specs: IgnoreSpec[] = [];
  const problems: string[] = [];
  if (entries === undefined) return { specs, problems };
  if (!Array.isArray(entries)) return { specs, problems: [`${where} is not a list`] };
  entries.forEach((e, i) => {
    const one = parseEntry(e, `${where}[${i}]`);
    specs.push(...one.specs);
    problems.push(...one.problems);
  });
  return { specs, problems };
}

/** One `spec.ignoreDifferences` entry; `at` names it in problems (e.g. `spec.ignoreDifferences[2]`). */
export function parseArgoIgnoreEntry(e: unknown, at: string): ParsedIgnore {
  const specs: IgnoreSpec[] = [];
  const problems: string[] = [];
  if (!isRecord(e) || typeof e.kind !== 'string') {
    problems.push(`${at}: needs a kind`);
    return { specs, problems };
  }
  const rules: IgnoreRule[] = [];
  strings(e.jsonPointers).forEach((p, j) => {
    try {
      rules.push({ source: `${at}.jsonPointers[${j}]`, steps: parsePointer(p) });
    } catch (err) {
      problems.push(`${at}.jsonPointers[${j}]: ${(err as Error).message}`);
    }
  });
  strings(e.jqPathExpressions).forEach((p, j) => {
    try {
      rules.push({ source: `${at}.jqPathExpressions[${j}]`, steps: parseJqPath(p) });
    } catch (err) {
      problems.push(`${at}.jqPathExpressions[${j}]: ${(err as Error).message}`);
    }
  });
  const { group, kind, name, namespace } = e;
  specs.push({
    source: at,
    rules,
    managers: strings(e.managedFieldsManagers),
    appliesTo: (id) =>
      globEq(group ?? '', groupOf(id.apiVersion)) &&
      globEq(kind, id.kind) &&
      (name === undefined || name === '' || name === id.name) &&
      (namespace === undefined || namespace === '' || namespace === (id.namespace ?? '')),
  });
  return { specs, problems };
}

/** Equality-based label selector (`a=b`, `a==b`, `a!=b`, `a`, `!a`, comma-joined); undefined if unsupported. */
function parseEqualitySelector(sel: string): ((labels: Readonly<Record<string, unknown>>) => boolean) | undefined {
  const tests: ((l: Readonly<Record<string, unknown>>) => boolean)[] = [];
  for (const raw of sel.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    let m: RegExpExecArray | null;
    if ((m = /^([\w./-]+)\s*!=\s*([\w.-]*)$/.exec(raw))) {
      const [k, v] = [m[1] as string, m[2] as string];
      tests.push((l) => l[k] !== v);
    } else if ((m = /^([\w./-]+)\s*==?\s*([\w.-]*)$/.exec(raw))) {
      const [k, v] = [m[1] as string, m[2] as string];
      tests.push((l) => l[k] === v);
    } else if ((m = /^!([\w./-]+)$/.exec(raw))) {
      const k = m[1] as string;
      tests.push((l) => !(k in l));
    } else if ((m = /^([\w./-]+)$/.exec(raw))) {
      const k = m[1] as string;
      tests.push((l) => k in l);
    } else return undefined;
  }
  return (l) => tests.every((t) => t(l));
}

function metaMap(live: unknown, field: 'labels' | 'annotations'): Record<string, unknown> {
  const metadata = isRecord(live) ? live.metadata : undefined;
  const m = isRecord(metadata) ? metadata[field] : undefined;
  return isRecord(m) ? m : {};
}

/** Parses Flux ignore rules: HelmRelease `spec.driftDetection.ignore`, Kustomization `spec.ignore`. */
export function parseFluxDriftIgnore(entries: unknown, where = 'spec.driftDetection.ignore'): ParsedIgnore {
  return parseIgnoreList(entries, where, parseFluxIgnoreEntry);
}

/** One Flux ignore rule (`paths` + `target`); `at` names it in problems. */
export function parseFluxIgnoreEntry(e: unknown, at: string): ParsedIgnore {
  const specs: IgnoreSpec[] = [];
  const problems: string[] = [];
  if (!isRecord(e)) {
    problems.push(`${at}: not an object`);
    return { specs, problems };
  }
  const rules: IgnoreRule[] = [];
  strings(e.paths).forEach((p, j) => {
    try {
      rules.push({ source: `${at}.paths[${j}]`, steps: parsePointer(p) });
    } catch (err) {
      problems.push(`${at}.paths[${j}]: ${(err as Error).message}`);
    }
  });
  const t = isRecord(e.target) ? e.target : {};
  const labels = typeof t.labelSelector === 'string' ? parseEqualitySelector(t.labelSelector) : () => true;
  const annotations = typeof t.annotationSelector === 'string' ? parseEqualitySelector(t.annotationSelector) : () => true;
  if (!labels || !annotations) {
    problems.push(`${at}.target: only equality-based label/annotation selectors are supported`);
    return { specs, problems };
  }
  // Target fields are anchored regular expressions (kustomize Selector, as Flux documents them).
  const re = (v: unknown): RegExp | undefined => (typeof v === 'string' && v !== '' ? new RegExp(`^(?:${v})$`) : undefined);
  let group: RegExp | undefined, version: RegExp | undefined, kind: RegExp | undefined, name: RegExp | undefined, namespace: RegExp | undefined;
  try {
    [group, version, kind, name, namespace] = [re(t.group), re(t.version), re(t.kind), re(t.name), re(t.namespace)];
  } catch (err) {
    problems.push(`${at}.target: ${(err as Error).message}`);
    return { specs, problems };
  }
  specs.push({
    source: at,
    rules,
    managers: [],
    appliesTo: (id, live) => {
      const v = id.apiVersion.includes('/') ? id.apiVersion.slice(id.apiVersion.indexOf('/') + 1) : id.apiVersion;
      return (
        (group === undefined || group.test(groupOf(id.apiVersion))) &&
        (version === undefined || version.test(v)) &&
        (kind === undefined || kind.test(id.kind)) &&
        (name === undefined || name.test(id.name)) &&
        (namespace === undefined || namespace.test(id.namespace ?? '')) &&
        labels(metaMap(live, 'labels')) &&
        annotations(metaMap(live, 'annotations'))
      );
    },
  });
  return { specs, problems };
}

/** The rules that apply to one resource; managedFieldsManagers are resolved against its live object. */
export function rulesFor(specs: readonly IgnoreSpec[], id: ResourceIdentity, live: unknown): IgnoreRule[] {
  const out: IgnoreRule[] = [];
  for (const s of specs) {
    if (!s.appliesTo(id, live)) continue;
    out.push(...s.rules);
    if (s.managers.length > 0) out.push(...managedFieldsRules(live, s.managers, `${s.source}.managedFieldsManagers`));
  }
  return out;
}

const specsCache = new WeakMap<AppIgnoreRules, readonly IgnoreSpec[]>();
const NO_SPECS: readonly IgnoreSpec[] = [];

/**
 * The ignore rules an app carries (App.ignore, filled by the Argo CD and Flux mappers), parsed once per
 * mapped app. Entries that cannot be used are left out here; the mappers put their problems on the app.
 */
export function ignoreSpecsOf(app: { readonly ignore?: AppIgnoreRules }): readonly IgnoreSpec[] {
  const rules = app.ignore;
  if (rules === undefined || rules.entries.length === 0) return NO_SPECS;
  let specs = specsCache.get(rules);
  if (specs === undefined) {
    specs = (rules.tool === 'argocd' ? parseArgoIgnoreDifferences(rules.entries, rules.where) : parseFluxDriftIgnore(rules.entries, rules.where)).specs;
    specsCache.set(rules, specs);
  }
  return specs;
}
