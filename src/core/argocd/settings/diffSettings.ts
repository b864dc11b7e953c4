/**
 * The diff settings of an Argo CD instance from its `argocd-cm` ConfigMap, read as Argo CD reads them
 * (argo-cd util/settings/settings.go `GetResourceOverrides`, `appendResourceOverridesFromSplitKeys`,
 * `GetResourceCompareOptions`; pkg/apis/application/v1alpha1/types.go `rawResourceOverride`):
 *
 * - the legacy `resource.customizations` YAML block: `<group>/<kind>: {ignoreDifferences: "<YAML>"}`
 *   (the value is itself a YAML string), keys may be globs;
 * - split keys `resource.customizations.ignoreDifferences.<group>_<kind>` (or `.<kind>`, or `.all` for
 *   every kind), whose YAML value replaces the block's entry for that key;
 * - each holds `jsonPointers`, `jqPathExpressions` and `managedFieldsManagers`. Pointers and jq paths
 *   apply where the key's group and kind match as globs (util/argo/normalizers/diff_normalizer.go
 *   `NewIgnoreNormalizer`); managers only for the exact `group/kind` key and `*\/*` (util/argo/diff/ignore.go
 *   `HasIgnoreDifference`);
 * - `knownTypeFields` of the block's entries and split keys `resource.customizations.knownTypeFields.<group_kind>`
 *   (a YAML list of `{field, type}`; the split key replaces the block's list for that key);
 * - `resource.compareoptions`: `ignoreAggregatedRoles` (default false), `ignoreResourceStatusField`
 *   (`all` default, `crd`, `none`; `off`/`false` read as none; anything else as all, as settings.go does).
 */
import { parseDocument } from 'yaml';
import { DEFAULT_DIFF_SETTINGS, type DiffSettings, type IgnoreStatusField } from '../../drift/settings';
import { parseArgoIgnoreEntry, type IgnoreSpec } from '../../drift/ignore';
import { isKnownType, type KnownTypeField } from '../../drift/knownTypes';
import { isRecord } from '../../json';

export interface ParsedDiffSettings {
  readonly settings: DiffSettings;
  /** Entries that could not be read, in words for the log and the CLI. */
  readonly problems: readonly string[];
}

const CUSTOMIZATIONS = 'resource.customizations';
const COMPARE_OPTIONS = 'resource.compareoptions';
const SPLIT_PREFIX = `${CUSTOMIZATIONS}.ignoreDifferences.`;
const KNOWN_TYPES_PREFIX = `${CUSTOMIZATIONS}.knownTypeFields.`;
/** A ConfigMap is at most 1 MiB; one value of it no more. */
const MAX_VALUE_BYTES = 1 << 20;

function yamlValue(text: string, where: string, problems: string[]): unknown {
  if (text.length > MAX_VALUE_BYTES) {
    problems.push(`${where}: larger than 1 MiB, ignored`);
    return undefined;
  }
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) {
    problems.push(`${where}: not valid YAML (${doc.errors[0]!.message.split('\n')[0]})`);
    return undefined;
  }
  try {
    return doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (e) {
    problems.push(`${where}: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

/** settings.go `convertToOverrideKey`: `group_kind` → `group/kind`, `kind` stays; `all` → `*\/*`. */
function overrideKey(groupKind: string): string | undefined {
  if (groupKind === 'all') return '*/*';
  const parts = groupKind.split('_');
  if (parts.length === 2) return `${parts[0]}/${parts[1]}`;
  if (parts.length === 1 && groupKind !== '') return groupKind;
  return undefined;
}

/** normalizers `getGroupKindForOverrideKey`: `group/kind`, or a bare kind of the core group. */
function groupKindOf(key: string): { group: string; kind: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { group: '', kind: key } : { group: key.slice(0, slash), kind: key.slice(slash + 1) };
}

/** Reads the diff settings of an argocd-cm ConfigMap (the whole object, or just its `data`). */
export function parseDiffSettings(configMap: unknown): ParsedDiffSettings {
  const raw = isRecord(configMap) && isRecord(configMap.data) ? configMap.data : isRecord(configMap) && configMap.kind === undefined ? configMap : {};
  const data = Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const problems: string[] = [];
  // Override key → [where it came from, its ignoreDifferences value].
  const overrides = new Map<string, { where: string; value: unknown }>();
  // Override key → [where it came from, its knownTypeFields list].
  const knownTypes = new Map<string, { where: string; value: unknown }>();
  const block = data[CUSTOMIZATIONS];
  if (block !== undefined && block !== '') {
    const parsed = yamlValue(block, CUSTOMIZATIONS, problems);
    if (parsed !== undefined && parsed !== null && !isRecord(parsed)) problems.push(`${CUSTOMIZATIONS}: expected a map of <group>/<kind> to customizations`);
    if (isRecord(parsed)) {
      for (const [key, v] of Object.entries(parsed)) {
        // rawResourceOverride: knownTypeFields is a list inside the block (not a string, as ignoreDifferences is).
        if (isRecord(v) && v.knownTypeFields !== undefined) knownTypes.set(key, { where: `${CUSTOMIZATIONS} "${key}".knownTypeFields`, value: v.knownTypeFields });
        if (!isRecord(v) || v.ignoreDifferences === undefined) continue;
        const where = `${CUSTOMIZATIONS} "${key}".ignoreDifferences`;
        // rawResourceOverride: ignoreDifferences is a YAML string inside the block.
        const value = typeof v.ignoreDifferences === 'string' ? yamlValue(v.ignoreDifferences, where, problems) : v.ignoreDifferences;
        overrides.set(key, { where, value });
      }
    }
  }
  // Split keys `resource.customizations.<type>.<group_kind>` (settings.go appendResourceOverridesFromSplitKeys).
  const splitKeys: ReadonlyArray<[string, Map<string, { where: string; value: unknown }>]> = [
    [SPLIT_PREFIX, overrides],
    [KNOWN_TYPES_PREFIX, knownTypes],
  ];
  // Go ranges over the map in random order; sorted keys give the same result for the same ConfigMap.
  for (const key of Object.keys(data).sort()) {
    const split = splitKeys.find(([prefix]) => key.startsWith(prefix));
    if (split === undefined) continue;
    const target = overrideKey(key.slice(split[0].length));
    if (target === undefined) {
      problems.push(`${key}: the key must end in <group>_<kind>, <kind> or all`);
      continue;
    }
    split[1].set(target, { where: key, value: yamlValue(data[key]!, key, problems) });
  }
  const ignore: IgnoreSpec[] = [];
  for (const [key, { where, value }] of [...overrides].sort(([a], [b]) => a.localeCompare(b))) {
    if (value === undefined || value === null) continue;
    if (!isRecord(value)) {
      problems.push(`${where}: expected jsonPointers, jqPathExpressions or managedFieldsManagers`);
      continue;
    }
    const { group, kind } = groupKindOf(key);
    const exact = !/[*?[{]/.test(key) || key === '*/*';
    const paths = parseArgoIgnoreEntry({ group, kind, jsonPointers: value.jsonPointers, jqPathExpressions: value.jqPathExpressions }, where);
    problems.push(...paths.problems);
    ignore.push(...paths.specs.filter((s) => s.rules.length > 0));
    if (exact && Array.isArray(value.managedFieldsManagers) && value.managedFieldsManagers.length > 0) {
      const managers = parseArgoIgnoreEntry({ group, kind, managedFieldsManagers: value.managedFieldsManagers }, where);
      ignore.push(...managers.specs);
    }
  }
  const options = compareOptions(data[COMPARE_OPTIONS], problems);
  const knownTypeFields = knownTypeFieldsOf(knownTypes, problems);
  return { settings: { ignore, ...options, ...(knownTypeFields.length > 0 ? { knownTypeFields } : {}) }, problems };
}

/**
 * knowntypes_normalizer.go `NewKnownTypesNormalizer`: each entry's `field` (dot-separated) and `type`;
 * an unknown type is skipped with a warning, as upstream does. The key names one group/kind exactly.
 */
function knownTypeFieldsOf(entries: ReadonlyMap<string, { where: string; value: unknown }>, problems: string[]): KnownTypeField[] {
  const out: KnownTypeField[] = [];
  for (const [key, { where, value }] of [...entries].sort(([a], [b]) => a.localeCompare(b))) {
    if (value === undefined || value === null) continue;
    if (!Array.isArray(value)) {
      problems.push(`${where}: expected a list of {field, type}`);
      continue;
    }
    const { group, kind } = groupKindOf(key);
    for (const f of value) {
      const field = isRecord(f) && typeof f.field === 'string' ? f.field : '';
      const type = isRecord(f) && typeof f.type === 'string' ? f.type : '';
      if (field === '' || !isKnownType(type)) {
        problems.push(`${where}: ${field === '' ? 'an entry has no field' : `type '${type}' is not supported`}`);
        continue;
      }
      out.push({ group, kind, path: field.split('.'), type });
    }
  }
  return out;
}

function compareOptions(text: string | undefined, problems: string[]): Omit<DiffSettings, 'ignore'> {
  const out = { ignoreAggregatedRoles: DEFAULT_DIFF_SETTINGS.ignoreAggregatedRoles, ignoreResourceStatusField: DEFAULT_DIFF_SETTINGS.ignoreResourceStatusField };
  if (text === undefined || text === '') return out;
  const v = yamlValue(text, COMPARE_OPTIONS, problems);
  if (v === undefined || v === null) return out;
  if (!isRecord(v)) {
    problems.push(`${COMPARE_OPTIONS}: expected a map of options`);
    return out;
  }
  if (v.ignoreAggregatedRoles !== undefined) {
    if (typeof v.ignoreAggregatedRoles === 'boolean') out.ignoreAggregatedRoles = v.ignoreAggregatedRoles;
    else problems.push(`${COMPARE_OPTIONS}: ignoreAggregatedRoles is not a boolean`);
  }
  out.ignoreResourceStatusField = statusField(v.ignoreResourceStatusField);
  return out;
}

/** settings.go `GetResourceOverrides` switch: YAML 1.1 `off` reads as false, which means none. */
function statusField(v: unknown): IgnoreStatusField {
  if (v === 'crd') return 'crd';
  if (v === 'none' || v === 'off' || v === 'false' || v === false) return 'none';
  return 'all';
}
