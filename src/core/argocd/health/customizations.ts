/**
 * The cluster's own health checks from the `argocd-cm` ConfigMap, read as Argo CD reads them
 * (argo-cd `util/settings/settings.go` `GetResourceOverrides` and `appendResourceOverridesFromSplitKeys`,
 * `pkg/apis/application/v1alpha1/types.go` `rawResourceOverride`): the legacy `resource.customizations`
 * YAML block (`<group>/<kind>: {health.lua: …, health.lua.useOpenLibs: true}`, keys may be globs), then
 * the split keys `resource.customizations.health.<group>_<kind>` and
 * `resource.customizations.useOpenLibs.<group>_<kind>`, which override the block's entry for that key.
 * The lookup is `util/lua/lua.go` `GetHealthScript`: the exact `group/kind` first, then any glob key.
 */
import { parseDocument } from 'yaml';
import { isRecord } from '../../json';
import { groupKindKey, type ObjectIdentity } from './types';

export interface HealthScript {
  /** The argocd-cm key it came from, for messages (`resource.customizations.health.cert-manager.io_Certificate`). */
  readonly origin: string;
  readonly lua: string;
  /** `useOpenLibs`: the script may use Lua's string, math and coroutine libraries (never io or the full os). */
  readonly openLibs: boolean;
}

export interface HealthCustomizations {
  /** `group/kind`, or a glob (`all` becomes the glob for every kind), → its health script. */
  readonly scripts: ReadonlyMap<string, HealthScript>;
  /** Entries that could not be read, in words for the log and the CLI. */
  readonly problems: readonly string[];
}

export const NO_CUSTOMIZATIONS: HealthCustomizations = { scripts: new Map(), problems: [] };

/** Bounds on what we accept from a ConfigMap: a ConfigMap is at most 1 MiB anyway. */
const MAX_BLOCK_BYTES = 1 << 20;
const MAX_SCRIPT_BYTES = 256 * 1024;

const CUSTOMIZATIONS = 'resource.customizations';

interface Entry {
  origin: string;
  lua: string;
  openLibs: boolean;
}

/** Reads the health customizations of an argocd-cm ConfigMap (the whole object, or just its `data`). */
export function parseHealthCustomizations(configMap: unknown): HealthCustomizations {
  const raw = isRecord(configMap) && isRecord(configMap.data) ? configMap.data : isRecord(configMap) && configMap.kind === undefined ? configMap : {};
  const data = Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const entries = new Map<string, Entry>();
  const problems: string[] = [];
  const block = data[CUSTOMIZATIONS];
  if (block !== undefined && block !== '') readBlock(block, entries, problems);
  // Go ranges over the map in random order; sorted keys give the same result for the same ConfigMap.
  for (const key of Object.keys(data).sort()) {
    if (!key.startsWith(CUSTOMIZATIONS)) continue;
    const parts = splitN(key, '.', 4);
    if (parts.length < 4) continue;
    const [, , type, groupKind] = parts as [string, string, string, string];
    if (type !== 'health' && type !== 'useOpenLibs') continue;
    const target = overrideKey(groupKind);
    if (target === undefined) {
      problems.push(`${key}: the key must end in <group>_<kind> or <kind>`);
      continue;
    }
    const entry = entries.get(target) ?? { origin: key, lua: '', openLibs: false };
    const value = data[key]!;
    if (type === 'health') {
      entry.lua = value;
      entry.origin = key;
    } else {
      const b = parseBool(value);
      if (b === undefined) problems.push(`${key}: "${value.slice(0, 20)}" is not a boolean`);
      else entry.openLibs = b;
    }
    entries.set(target, entry);
  }
  const scripts = new Map<string, HealthScript>();
  for (const [key, e] of entries) {
    if (e.lua === '') continue;
    if (e.lua.length > MAX_SCRIPT_BYTES) {
      problems.push(`${e.origin}: the health script is larger than ${MAX_SCRIPT_BYTES / 1024} KiB and is ignored`);
      continue;
    }
    scripts.set(key, { origin: e.origin, lua: e.lua, openLibs: e.openLibs });
  }
  return { scripts, problems };
}

function readBlock(block: string, entries: Map<string, Entry>, problems: string[]): void {
  if (block.length > MAX_BLOCK_BYTES) {
    problems.push(`${CUSTOMIZATIONS}: larger than 1 MiB, ignored`);
    return;
  }
  const doc = parseDocument(block, { uniqueKeys: false });
  if (doc.errors.length > 0) {
    problems.push(`${CUSTOMIZATIONS}: not valid YAML (${doc.errors[0]!.message.split('\n')[0]})`);
    return;
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    problems.push(`${CUSTOMIZATIONS}: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  if (value === null || value === undefined) return;
  if (!isRecord(value)) {
    problems.push(`${CUSTOMIZATIONS}: expected a map of <group>/<kind> to customizations`);
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    if (!isRecord(v)) continue;
    const lua = v['health.lua'];
    const open = v['health.lua.useOpenLibs'];
    entries.set(key, { origin: `${CUSTOMIZATIONS} "${key}"`, lua: typeof lua === 'string' ? lua : '', openLibs: open === true });
  }
}

/** Go's `strings.SplitN`. */
function splitN(s: string, sep: string, n: number): string[] {
  const parts = s.split(sep);
  return parts.length <= n ? parts : [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

/** settings.go `convertToOverrideKey`: `group_kind` → `group/kind`, `kind` stays, `all` is every kind. */
function overrideKey(groupKind: string): string | undefined {
  const parts = groupKind.split('_');
  if (parts.length === 2) return `${parts[0]}/${parts[1]}`;
  if (parts.length === 1 && groupKind !== '') return groupKind === 'all' ? '*/*' : groupKind;
  return undefined;
}

/** Go's `strconv.ParseBool`. */
function parseBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

/** lua.go `GetHealthScript`: the exact key, then the first glob key (in sorted order) that matches. */
export function healthScriptFor(c: HealthCustomizations, id: ObjectIdentity): HealthScript | undefined {
  const key = groupKindKey(id);
  const exact = c.scripts.get(key);
  if (exact) return exact;
  for (const pattern of [...c.scripts.keys()].sort()) {
    if (globMatch(pattern, key)) return c.scripts.get(pattern);
  }
  return undefined;
}

const globCache = new Map<string, RegExp | null>();

/**
 * gobwas/glob without separators, as argo-cd `util/glob` compiles it: `*` is any run of characters
 * (including `/`), `?` one character, `[…]`/`[!…]` a class, `{a,b}` alternatives, `\` escapes.
 */
export function globMatch(pattern: string, text: string): boolean {
  let re = globCache.get(pattern);
  if (re === undefined) {
    re = compileGlob(pattern);
    if (globCache.size > 1000) globCache.clear();
    globCache.set(pattern, re);
  }
  return re !== null && re.test(text);
}

function compileGlob(pattern: string): RegExp | null {
  let out = '';
  let depth = 0;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      const next = pattern[++i];
      if (next === undefined) return null;
      out += escapeRe(next);
    } else if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) return null;
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('!');
      if (negate) body = body.slice(1);
      out += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, (m) => `\\${m}`)}]`;
      i = end;
    } else if (ch === '{') {
      depth++;
      out += '(?:';
    } else if (ch === '}' && depth > 0) {
      depth--;
      out += ')';
    } else if (ch === ',' && depth > 0) out += '|';
    else out += escapeRe(ch);
  }
  if (depth !== 0) return null;
  try {
    return new RegExp(`^${out}$`, 's');
  } catch {
    return null;
  }
}

const escapeRe = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/-]/g, (m) => `\\${m}`);
