/**
 * Compare environments (issue 19): the rendered objects of one environment against another's — what
 * kustomize or helm produce for each, as the controllers render them — Secrets masked and both sides
 * normalized as the drift engine does (core/drift/mask.ts, normalize.ts), paired by identity with the
 * name prefixes and suffixes and the namespaces each overlay adds set aside, then compared field by
 * field in both directions (core/drift/compare.ts compareObjects with the target side as its own
 * last-applied configuration, so a field only the target has is reported too).
 */
import * as jsyaml from 'js-yaml';
import { compareObjects, type FoundStep } from '../drift/compare';
import { builtinListKeys } from '../drift/listKeys';
import { isMask, maskSecrets } from '../drift/mask';
import { normalize } from '../drift/normalize';
import { alignKeyOrder } from '../drift/presentation';
import { isRecord } from '../json';
import { groupOf } from '../manifest/documents';
import type { KustomizeGraph } from './kustomize';
import type { Environment, EnvironmentGroup } from './types';

type Obj = Record<string, unknown>;

/** What an environment adds to the names and namespaces of what it deploys, set aside when pairing. */
export interface NameRules {
  readonly prefixes: readonly string[];
  readonly suffixes: readonly string[];
  readonly namespaces: readonly string[];
  /** Helm: objects named `<release>` or `<release>-…`. */
  readonly releaseName?: string;
}

export interface RenderedSide {
  readonly env: Environment;
  /**
   * The rendered objects; `generatedBy` marks kustomize generator output (names carry a content hash),
   * `source` the repository file a plain folder's object is written in.
   */
  readonly objects: readonly { readonly desired: Readonly<Obj>; readonly generatedBy?: string; readonly source?: string }[];
  readonly names: NameRules;
}

type FieldDifferenceKind = 'changed' | 'onlyFrom' | 'onlyTo';

export interface FieldDifference {
  /** RFC 6901 pointer; list indices are the `from` object's (the `to` object's for `onlyTo`). */
  readonly path: string;
  /** The value in the environment promoted from (undefined: it lacks the field). */
  readonly from: unknown;
  readonly to: unknown;
  readonly kind: FieldDifferenceKind;
  readonly steps: readonly FoundStep[];
}

export interface ResourceComparison {
  readonly group: string;
  readonly kind: string;
  /** The name with the environments' prefixes and suffixes set aside. */
  readonly name: string;
  readonly fromName?: string;
  readonly toName?: string;
  /** The repository file the target's object is written in (plain folders). */
  readonly toSource?: string;
  /** Made by a kustomize generator (configMapGenerator, secretGenerator) on either side. */
  readonly generated?: boolean;
  readonly status: 'same' | 'changed' | 'onlyFrom' | 'onlyTo';
  readonly changes: readonly FieldDifference[];
  /** Normalized, Secrets masked: what the fields are compared on and promotions read. */
  readonly fromObject?: Obj;
  readonly toObject?: Obj;
  /**
   * What the diff editor shows: `fromObject` / `toObject` with the names each environment adds set
   * aside (the object's own name and every reference to a renamed object read as `name`, a namespace
   * both environments set as `{namespace}`), so only the differences in `changes` show as changed lines.
   */
  readonly shown?: { readonly from?: Obj; readonly to?: Obj; readonly header?: string };
}

export interface EnvComparison {
  readonly from: Environment;
  readonly to: Environment;
  readonly resources: readonly ResourceComparison[];
}

const KUSTOMIZE_HASH = /-[a-z0-9]{10}$/;

/**
 * Prefixes, suffixes and namespaces an environment adds that its siblings do not: those of the
 * kustomizations only its own build reads (the shared base's apply to every environment alike), and
 * Helm's release name.
 */
export function nameRulesOf(env: Environment, group: EnvironmentGroup, graph: KustomizeGraph): NameRules {
  const deploy = env.deploy;
  if (deploy.type === 'helm') return { prefixes: [], suffixes: [], namespaces: deploy.namespace ? [deploy.namespace] : [], releaseName: deploy.releaseName };
  const namespaces = env.declaration?.app.destination?.namespace ? [env.declaration.app.destination.namespace] : [];
  if (deploy.type !== 'kustomize') return { prefixes: [], suffixes: [], namespaces };
  const others = group.environments.filter((e) => e.id !== env.id && e.deploy.type === 'kustomize').map((e) => new Set(graph.closure((e.deploy as { folder: string }).folder)));
  const own = graph.closure(deploy.folder).filter((f) => !others.some((o) => o.has(f)));
  const prefixes: string[] = [];
  const suffixes: string[] = [];
  for (const f of own) {
    const info = graph.info(f);
    if (!info) continue;
    if (info.namePrefix) prefixes.push(info.namePrefix);
    if (info.nameSuffix) suffixes.push(info.nameSuffix);
    if (info.namespace) namespaces.push(info.namespace);
  }
  return { prefixes, suffixes, namespaces };
}

/** A name with an environment's prefixes and suffixes taken off (each as often as it was put on), and Helm's release name. */
export function canonicalName(name: string, rules: NameRules, generated = false): string {
  let n = generated ? name.replace(KUSTOMIZE_HASH, '') : name;
  if (rules.releaseName) {
    if (n === rules.releaseName) return '{release}';
    if (n.startsWith(`${rules.releaseName}-`)) n = `{release}-${n.slice(rules.releaseName.length + 1)}`;
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const p of [...rules.prefixes].sort((a, b) => b.length - a.length)) {
      if (p !== '' && n.startsWith(p) && n.length > p.length) {
        n = n.slice(p.length);
        changed = true;
      }
    }
    for (const s of [...rules.suffixes].sort((a, b) => b.length - a.length)) {
      if (s !== '' && n.endsWith(s) && n.length > s.length) {
        n = n.slice(0, -s.length);
        changed = true;
      }
    }
  }
  return n;
}

const metaOf = (o: Readonly<Obj>): Obj => (isRecord(o.metadata) ? o.metadata : {});
const nameOf = (o: Readonly<Obj>): string => (typeof metaOf(o).name === 'string' ? (metaOf(o).name as string) : '');
const groupKind = (o: Readonly<Obj>): string => `${groupOf(typeof o.apiVersion === 'string' ? o.apiVersion : '')}/${typeof o.kind === 'string' ? o.kind : ''}`;

interface Entry {
  readonly obj: Readonly<Obj>;
  readonly source?: string;
  readonly generated: boolean;
  readonly gk: string;
  readonly canonical: string;
}

export function compareRendered(from: RenderedSide, to: RenderedSide): EnvComparison {
  const entries = (side: RenderedSide): Entry[] =>
    side.objects
      .filter((o) => typeof o.desired.kind === 'string')
      .map((o) => ({ obj: o.desired, ...(o.source !== undefined ? { source: o.source } : {}), generated: o.generatedBy !== undefined, gk: groupKind(o.desired), canonical: canonicalName(nameOf(o.desired), side.names, o.generatedBy !== undefined) }));
  const a = entries(from);
  const b = entries(to);
  // Names each side uses for its objects, so a reference (`configMapRef.name`) to a renamed object is no difference.
  const aliasesA = new Map(a.map((e) => [nameOf(e.obj), e.canonical]));
  const aliasesB = new Map(b.map((e) => [nameOf(e.obj), e.canonical]));
  const explained = (x: unknown, y: unknown): boolean => {
    if (typeof x !== 'string' || typeof y !== 'string') return false;
    if (from.names.namespaces.includes(x) && to.names.namespaces.includes(y)) return true;
    const cx = aliasesA.get(x) ?? canonicalName(x, from.names);
    const cy = aliasesB.get(y) ?? canonicalName(y, to.names);
    return cx === cy && (cx !== x || cy !== y);
  };

  const used = new Set<number>();
  const pairs: Array<[Entry | undefined, Entry | undefined]> = [];
  const unpaired: Entry[] = [];
  for (const e of a) {
    const j = b.findIndex((x, i) => !used.has(i) && x.gk === e.gk && x.canonical === e.canonical);
    if (j >= 0) {
      used.add(j);
      pairs.push([e, b[j]]);
    } else unpaired.push(e);
  }
  // Left over: one object of a kind on each side is the same object renamed.
  for (const e of unpaired) {
    const sameKindA = unpaired.filter((x) => x.gk === e.gk);
    const free = b.map((x, i) => [x, i] as const).filter(([x, i]) => !used.has(i) && x.gk === e.gk);
    if (sameKindA.length === 1 && free.length === 1) {
      used.add((free[0] as readonly [Entry, number])[1]);
      pairs.push([e, (free[0] as readonly [Entry, number])[0]]);
    } else pairs.push([e, undefined]);
  }
  b.forEach((x, i) => {
    if (!used.has(i)) pairs.push([undefined, x]);
  });

  // The real names each side gives its renamed objects, for the documents the diff editor shows.
  const renamedA = new Map([...aliasesA].filter(([real, canonical]) => real !== canonical));
  const renamedB = new Map([...aliasesB].filter(([real, canonical]) => real !== canonical));
  const shownOf = (x: Entry | undefined, y: Entry | undefined, fromObject: Obj | undefined, toObject: Obj | undefined, canonical: string): ResourceComparison['shown'] => {
    const nsA = fromObject ? metaOf(fromObject).namespace : undefined;
    const nsB = toObject ? metaOf(toObject).namespace : undefined;
    // A namespace set aside only when both environments put their objects in one of their own.
    const sameNs = typeof nsA === 'string' && typeof nsB === 'string' && nsA !== nsB && from.names.namespaces.includes(nsA) && to.names.namespaces.includes(nsB);
    const show = (o: Obj | undefined, renamed: ReadonlyMap<string, string>): Obj | undefined => {
      if (!o) return undefined;
      const out = renameStrings(o, renamed) as Obj;
      if (sameNs) out.metadata = { ...metaOf(out), namespace: '{namespace}' };
      return out;
    };
    const real = (e: Entry | undefined, env: Environment, ns: unknown): string | undefined =>
      e ? `${nameOf(e.obj)}${sameNs && typeof ns === 'string' ? ` (namespace ${ns})` : ''} in ${env.label}` : undefined;
    const named = [real(x, from.env, nsA), real(y, to.env, nsB)].filter((n): n is string => n !== undefined);
    const renamedHere = (x !== undefined && nameOf(x.obj) !== canonical) || (y !== undefined && nameOf(y.obj) !== canonical) || sameNs;
    return { ...(fromObject ? { from: show(fromObject, renamedA) } : {}), ...(toObject ? { to: show(toObject, renamedB) } : {}), ...(renamedHere ? { header: `# ${canonical}: ${named.join(', ')}` } : {}) };
  };

  const resources = pairs.map(([x, y]): ResourceComparison => {
    const any = (x ?? y) as Entry;
    const [group, kind] = [any.gk.slice(0, any.gk.lastIndexOf('/')), any.gk.slice(any.gk.lastIndexOf('/') + 1)];
    const masked = maskSecrets(x?.obj, y?.obj);
    const fromObject = x ? normalize(masked.desired) : undefined;
    const toObject = y ? normalize(masked.live) : undefined;
    const base = { group, kind, name: any.canonical, ...(x?.generated || y?.generated ? { generated: true } : {}), ...(x ? { fromName: nameOf(x.obj) } : {}), ...(y ? { toName: nameOf(y.obj) } : {}), ...(y?.source !== undefined ? { toSource: y.source } : {}), ...(fromObject ? { fromObject } : {}), ...(toObject ? { toObject } : {}), shown: shownOf(x, y, fromObject, toObject, any.canonical) };
    if (!fromObject || !toObject) return { ...base, status: fromObject ? 'onlyFrom' : 'onlyTo', changes: [] };
    const strip = (o: Obj, canonical: string): Obj => {
      const metadata: Obj = { ...metaOf(o), name: canonical };
      delete metadata.namespace;
      return { ...o, metadata };
    };
    const findings = compareObjects(strip(fromObject, any.canonical), strip(toObject, any.canonical), { listKeys: builtinListKeys({ group, kind }), lastApplied: strip(toObject, any.canonical) });
    const changes: FieldDifference[] = findings
      .filter((f) => !explained(f.desired, f.live))
      .map((f) => ({ path: f.path, from: f.desired, to: f.live, kind: f.kind === 'changed' ? 'changed' : f.kind === 'missingLive' ? 'onlyFrom' : 'onlyTo', steps: f.steps }));
    return { ...base, status: changes.length === 0 ? 'same' : 'changed', changes };
  });
  return { from: from.env, to: to.env, resources };
}

/** A copy of `v` with every string that is a renamed object's real name replaced by its name set aside. */
function renameStrings(v: unknown, renamed: ReadonlyMap<string, string>): unknown {
  if (typeof v === 'string') return renamed.get(v) ?? v;
  if (Array.isArray(v)) return v.map((x) => renameStrings(x, renamed));
  if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, renameStrings(x, renamed)]));
  return v;
}

// --- words ------------------------------------------------------------------------------------------

const decode = (s: string): string => s.replace(/~1/g, '/').replace(/~0/g, '~');

/** The field a difference is about, as a person names it: `image`, `replicas`, an env var's name. */
export function fieldLabel(d: Pick<FieldDifference, 'path' | 'steps'>): string {
  const parts = d.path.split('/').slice(1).map(decode);
  // A whole list item (an env var, a port) is named by its `name`.
  const lastStep = d.steps[d.steps.length - 1];
  if (lastStep !== undefined && 'index' in lastStep && isRecord(lastStep.item) && typeof lastStep.item.name === 'string') return lastStep.item.name;
  for (let i = parts.length - 1; i >= 0; i--) {
    const p = parts[i] as string;
    if (/^\d+$/.test(p)) continue;
    if (p === 'value') {
      // `env[LOG_LEVEL].value` reads better as LOG_LEVEL.
      const item = [...d.steps].reverse().find((s): s is { index: number; item: unknown } => 'index' in s)?.item;
      if (isRecord(item) && typeof item.name === 'string') return item.name;
    }
    return p;
  }
  return d.path || '(object)';
}

/** A value short enough for a summary line; images whose repository is the same read as their tags. */
export function shortValues(from: unknown, to: unknown): [string, string] {
  // A named list item (`{name, value}`) reads as its value.
  const itemValue = (v: unknown): unknown => (isRecord(v) && typeof v.name === 'string' && 'value' in v && Object.keys(v).length === 2 ? v.value : v);
  from = itemValue(from);
  to = itemValue(to);
  if (typeof from === 'string' && typeof to === 'string') {
    const a = splitImage(from);
    const b = splitImage(to);
    if (a && b && a.repo === b.repo && (a.tag !== b.tag || a.digest !== b.digest)) return [a.digest ?? a.tag ?? from, b.digest ?? b.tag ?? to];
  }
  return [short(from), short(to)];
}

function short(v: unknown): string {
  if (v === undefined) return '(none)';
  if (isMask(v)) return '(secret)';
  if (typeof v === 'string') return v.length <= 40 ? v : `${v.slice(0, 39)}…`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  const s = JSON.stringify(v);
  return s.length <= 40 ? s : `${s.slice(0, 39)}…`;
}

/** `registry:5000/team/app:1.2@sha256:…` → repository, tag, digest (docker reference grammar, distribution/reference). */
export function splitImage(image: string): { readonly repo: string; readonly tag?: string; readonly digest?: string } | undefined {
  if (!/^[a-z0-9][\w./:@-]*$/i.test(image) || image.includes(' ')) return undefined;
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const colon = rest.lastIndexOf(':');
  const slash = rest.lastIndexOf('/');
  const tag = colon > slash ? rest.slice(colon + 1) : undefined;
  const repo = colon > slash ? rest.slice(0, colon) : rest;
  if (repo === '') return undefined;
  return { repo, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

export interface SummaryInput {
  readonly comparison: EnvComparison;
  /** Commits the target lacks (in the source's revision, not in the target's), when both revisions are known. */
  readonly commitsBehind?: number;
  readonly commitsAhead?: number;
  /** Differences not in the rendered objects (a chart version, values of an unrendered chart). */
  readonly extra?: readonly { readonly label: string; readonly from: unknown; readonly to: unknown }[];
}

/** "production is 3 commits and 2 fields behind staging: image 2.4.0 → 2.5.1, replicas 3 → 5". */
export function comparisonSummary(input: SummaryInput): string {
  const { comparison: c } = input;
  const fields: Array<{ label: string; from: unknown; to: unknown }> = [...(input.extra ?? [])];
  const found: Array<{ label: string; from: unknown; to: unknown; image: boolean }> = [];
  for (const r of c.resources) for (const d of r.changes) found.push({ label: fieldLabel(d), from: d.from, to: d.to, image: d.path.endsWith('/image') });
  // Images first: what a promotion is usually about.
  fields.push(...found.filter((f) => f.image), ...found.filter((f) => !f.image));
  const onlyFrom = c.resources.filter((r) => r.status === 'onlyFrom').length;
  const onlyTo = c.resources.filter((r) => r.status === 'onlyTo').length;
  const parts: string[] = [];
  if (input.commitsBehind !== undefined && input.commitsBehind > 0) parts.push(plural(input.commitsBehind, 'commit'));
  if (fields.length > 0) parts.push(plural(fields.length, 'field'));
  const objects: string[] = [];
  if (onlyFrom > 0) objects.push(`${plural(onlyFrom, 'object')} only in ${c.from.label}`);
  if (onlyTo > 0) objects.push(`${plural(onlyTo, 'object')} only in ${c.to.label}`);
  const ahead = input.commitsAhead !== undefined && input.commitsAhead > 0 ? ` (${plural(input.commitsAhead, 'commit')} ahead)` : '';
  if (parts.length === 0 && objects.length === 0) return `${c.to.label} matches ${c.from.label}${ahead}`;
  const head = parts.length > 0 ? `${c.to.label} is ${parts.join(' and ')} behind ${c.from.label}${ahead}` : `${c.to.label} differs from ${c.from.label}${ahead}`;
  const shown = fields.slice(0, 3).map((f) => {
    // Read as the change the target would get: its value → the source's.
    const [now, next] = shortValues(f.to, f.from);
    return `${f.label} ${now} → ${next}`;
  });
  if (fields.length > 3) shown.push(`+${fields.length - 3} more`);
  const detail = [...shown, ...objects].join(', ');
  return detail === '' ? head : `${head}: ${detail}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The two environments' rendered objects as YAML documents for a side-by-side diff: pairs in the same
 * order on both sides (an object only one side has faces an empty document), the target's map keys
 * in the source's order (core/drift/presentation.ts alignKeyOrder) so one changed value is one line.
 */
export function comparisonDocuments(c: EnvComparison): { readonly from: string; readonly to: string } {
  const dump = (o: unknown): string => (o === undefined ? '' : jsyaml.dump(o, { lineWidth: -1, noRefs: true }));
  const from: string[] = [];
  const to: string[] = [];
  for (const r of c.resources) {
    // Paired objects under one name, the real names in a comment both sides carry alike: a name prefix is no changed line.
    const a = r.shown ? r.shown.from : r.fromObject;
    const b = r.shown ? r.shown.to : r.toObject;
    const header = r.shown?.header ? `${r.shown.header}\n` : '';
    from.push(header + dump(a));
    to.push(header + dump(a && b ? alignKeyOrder(b, a) : b));
  }
  return { from: from.join('---\n'), to: to.join('---\n') };
}
