/**
 * What a pull request for a manifest change says: its branch, title and body, built from the impact
 * on the clusters (the drift engine's field changes, Secret values masked) and the changed files,
 * merged into the repository's PR template when it has one. Pure: the caller reads files and live
 * objects and passes them in.
 */
import type { ForgeKind } from '../forge/types';
import type { Deployment } from '../drift/deployedBy';
import { diffPair, type ResourceId } from '../drift/engine';
import { builtinListKeys, type ListKeys } from '../drift/listKeys';
import { isMask } from '../drift/mask';
import { groupOf } from '../manifest/documents';
import { parseManifests } from '../manifest/documents';
import { resolveNamespace } from '../manifest/namespace';
import { isRecord } from '../json';
import { attributeFinding } from '../audit/driftAttribution';
import { describeAttribution, type FieldAttribution } from '../audit/managedFields';

interface FieldChange {
  /** JSON Pointer into the object, as the drift engine reports it. */
  readonly path: string;
  /** The live value (undefined: the live object lacks the field). */
  readonly from: unknown;
  /** The desired value after the change (undefined: the change removes the field). */
  readonly to: unknown;
  /**
   * Issue 17: the live value was last set by a field manager that is not a GitOps controller (the live
   * object's managedFields): the change overwrites what someone set by hand.
   */
  readonly setOutsideGit?: FieldAttribution;
}

interface ResourceImpact {
  readonly id: ResourceId;
  /** update: fields change; create: not in the cluster yet; delete: removed from Git (pruned if the app prunes). */
  readonly change: 'update' | 'create' | 'delete';
  readonly fields: readonly FieldChange[];
}

export interface AppImpact {
  readonly cluster: string;
  readonly app: string;
  /** Web page of the app (Argo CD UI), if known. */
  readonly url?: string;
  readonly resources: readonly ResourceImpact[];
  /**
   * Set when the live objects could not be read (cluster unreachable, forbidden, destination not in
   * kubeconfig): the reason in words; `resources` then holds only what was compared before it failed.
   */
  readonly unreachable?: string;
}

export interface ChangedFile {
  readonly path: string;
  readonly before: string | undefined;
  readonly after: string | undefined;
}

export interface PlanInput {
  readonly impact: readonly AppImpact[];
  readonly files: readonly ChangedFile[] | readonly string[];
  /** Branch prefix setting; default `gitops`. */
  readonly prefix?: string;
  /** The repository's PR template text (see `chooseTemplate`). */
  readonly template?: string;
  /** What the change is for, in words (a rollback's reverted commits…), at the top of our section. */
  readonly summary?: string;
  /** The branch name under the prefix when the caller names the change itself (rollback, suspend); default from the impact. */
  readonly slug?: string;
}

export interface PrPlan {
  readonly branch: string;
  readonly title: string;
  readonly body: string;
  /** Commit message: the title, then the impact in plain lines. */
  readonly commitMessage: string;
}

/** Marks bodies we wrote, so an update replaces our section and keeps what the author added. */
export const BODY_START = '<!-- gitops-lens:start -->';
export const BODY_END = '<!-- gitops-lens:end -->';

const TITLE_VALUE_MAX = 24;

export function slugify(text: string, max = 48): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s.slice(0, max).replace(/-+$/, '') || 'change';
}

/** `/spec/template/spec/containers/0/image` → `image`; `/data/password` → `password`. */
function fieldName(pointer: string): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  for (let i = parts.length - 1; i >= 0; i--) if (!/^\d+$/.test(parts[i] ?? '')) return parts[i] ?? pointer;
  return pointer || '(object)';
}

function short(value: unknown): string | undefined {
  if (isMask(value)) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    const s = String(value);
    return s.length <= TITLE_VALUE_MAX ? s : undefined;
  }
  return undefined;
}

const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];
const resKey = (id: ResourceId): string => `${id.apiVersion}/${id.kind}/${id.namespace ?? ''}/${id.name}`;

interface Distinct {
  readonly app: string;
  readonly resource: ResourceImpact;
  readonly field: FieldChange | undefined;
}

/** Changes counted once however many clusters they reach. */
function distinctChanges(impact: readonly AppImpact[]): Distinct[] {
  const seen = new Map<string, Distinct>();
  for (const a of impact) {
    for (const r of a.resources) {
      if (r.fields.length === 0 || r.change !== 'update') seen.set(`${a.app}|${resKey(r.id)}|${r.change}`, { app: a.app, resource: r, field: undefined });
      else for (const f of r.fields) seen.set(`${a.app}|${resKey(r.id)}|${f.path}|${JSON.stringify(f.to)}`, { app: a.app, resource: r, field: f });
    }
  }
  return [...seen.values()];
}

function describe(d: Distinct): string {
  if (!d.field) return `${d.resource.change === 'create' ? 'add' : d.resource.change === 'delete' ? 'remove' : 'update'} ${d.resource.id.kind} ${d.resource.id.name}`;
  const name = fieldName(d.field.path);
  const from = short(d.field.from);
  const to = short(d.field.to);
  if (d.field.to === undefined) return `remove ${name}`;
  if (d.field.from === undefined) return to !== undefined ? `${name} → ${to}` : `set ${name}`;
  return from !== undefined && to !== undefined ? `${name} ${from} → ${to}` : `${name} changed`;
}

function filePaths(files: PlanInput['files']): string[] {
  return files.map((f) => (typeof f === 'string' ? f : f.path));
}

function listWords(xs: readonly string[], max = 3): string {
  return xs.length <= max ? xs.join(', ') : `${xs.slice(0, max).join(', ')} +${xs.length - max}`;
}

/** `guestbook: replicas 3 → 5 in prod-eu`; `guestbook: 3 changes in prod-eu, staging`. */
export function defaultTitle(impact: readonly AppImpact[], files: PlanInput['files'] = []): string {
  const changes = distinctChanges(impact);
  const touched = impact.filter((a) => a.resources.length > 0);
  if (changes.length === 0) {
    const paths = filePaths(files);
    const first = paths[0];
    return first === undefined ? 'Update manifests' : paths.length === 1 ? `Update ${first}` : `Update ${paths.length} files`;
  }
  const apps = unique(touched.map((a) => a.app));
  const clusters = unique(touched.map((a) => a.cluster));
  const who = apps.length <= 2 ? apps.join(', ') : `${apps.length} apps`;
  const what = changes.length === 1 && changes[0] ? describe(changes[0]) : `${changes.length} changes`;
  return `${who}: ${what} in ${listWords(clusters)}`;
}

export function branchName(impact: readonly AppImpact[], files: PlanInput['files'], prefix = 'gitops'): string {
  const changes = distinctChanges(impact);
  const apps = unique(changes.map((c) => c.app));
  const first = changes[0];
  let slug: string;
  if (first && changes.length === 1) slug = `${first.app}-${first.field ? fieldName(first.field.path) : `${first.resource.change}-${first.resource.id.name}`}`;
  else if (apps.length === 1 && apps[0] !== undefined) slug = `${apps[0]}-${changes.length}-changes`;
  else if (apps.length > 1) slug = `${apps.slice(0, 2).join('-')}${apps.length > 2 ? '-more' : ''}`;
  else slug = (filePaths(files)[0] ?? 'manifests').replace(/\.ya?ml$/, '').split('/').slice(-2).join('-');
  return branchFor(prefix, slug);
}

/** `<prefix>/<slug>`, both made ref-safe (git-check-ref-format(1)). */
function branchFor(prefix: string, slug: string): string {
  const cleanPrefix = prefix.split('/').map((p) => slugify(p, 40)).join('/');
  return `${cleanPrefix}/${slugify(slug)}`;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function showValue(v: unknown): string {
  if (v === undefined) return '—';
  if (isMask(v)) return '*(secret, masked)*';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  const clipped = s.length > 80 ? `${s.slice(0, 77)}…` : s;
  return `\`${cell(clipped).replace(/`/g, 'ˋ')}\``;
}

const resourceLabel = (id: ResourceId): string => `${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name}`;

/** The body section we own: impact per cluster and app, then the files. */
export function renderImpact(impact: readonly AppImpact[], files: PlanInput['files'], opts: { readonly summary?: string } = {}): string {
  const out: string[] = [BODY_START];
  if (opts.summary) out.push(opts.summary, '');
  out.push('### Impact', '');
  const touched = impact.filter((a) => a.resources.length > 0);
  const link = (a: AppImpact): string => `${a.cluster} · ${a.url ? `[${a.app}](${a.url})` : a.app}`;
  const unknown = impact.filter((a) => a.unreachable !== undefined);
  const unaffected = impact.filter((a) => a.resources.length === 0 && a.unreachable === undefined);
  if (touched.length === 0 && unknown.length === 0) out.push('No deployed app is affected by these files (or the live state is not known).', '');
  for (const a of unknown) out.push(`- ${link(a)}: live state not compared (${cell(a.unreachable ?? '')})`);
  for (const a of unaffected) out.push(`- ${link(a)}: no change to the live objects`);
  if (unknown.length + unaffected.length > 0) out.push('');
  const byCluster = new Map<string, AppImpact[]>();
  for (const a of touched) byCluster.set(a.cluster, [...(byCluster.get(a.cluster) ?? []), a]);
  for (const [cluster, apps] of [...byCluster].sort(([a], [b]) => a.localeCompare(b))) {
    for (const a of apps) {
      out.push(`**${cluster}** · ${a.url ? `[${a.app}](${a.url})` : a.app}`, '', '| Resource | Field | Live | Desired |', '| --- | --- | --- | --- |');
      for (const r of a.resources) {
        const label = cell(resourceLabel(r.id));
        if (r.change === 'create') out.push(`| ${label} | *(new object)* | — | created |`);
        else if (r.change === 'delete') out.push(`| ${label} | *(whole object)* | exists | removed from Git |`);
        for (const f of r.change === 'update' ? r.fields : []) out.push(`| ${label} | \`${cell(f.path)}\` | ${showValue(f.from)} | ${showValue(f.to)} |`);
      }
      out.push('');
      // Issue 17: live values this change overwrites that were set outside Git, by their field manager.
      const byHand = a.resources.flatMap((r) => (r.change === 'update' ? r.fields.filter((f) => f.setOutsideGit).map((f) => `- ${cell(resourceLabel(r.id))}: ${cell(describeAttribution(f.setOutsideGit!))}`) : []));
      if (byHand.length > 0) out.push('Live values set outside Git, which this change overwrites:', '', ...byHand, '');
    }
  }
  const paths = filePaths(files);
  if (paths.length > 0) out.push('### Files', '', ...paths.map((p) => `- \`${cell(p)}\``), '');
  out.push('<sub>Opened with GitOps Lens.</sub>', BODY_END);
  return out.join('\n');
}

/**
 * Our section placed into the template: at a `<!-- gitops-lens -->` marker if the template has one,
 * else under its first Description/Summary/Changes heading, else before the template.
 */
export function mergeTemplate(template: string | undefined, section: string): string {
  if (template === undefined || template.trim() === '') return section;
  if (template.includes('<!-- gitops-lens -->')) return template.replace('<!-- gitops-lens -->', section);
  const lines = template.split(/\r?\n/);
  const heading = lines.findIndex((l) => /^#{1,4}\s+.*\b(description|summary|changes|what)\b/i.test(l));
  if (heading >= 0) return [...lines.slice(0, heading + 1), '', section, '', ...lines.slice(heading + 1)].join('\n');
  return `${section}\n\n${template}`;
}

/** An existing body with our section replaced (the author's text around it kept). */
export function replaceImpact(body: string, section: string): string {
  const start = body.indexOf(BODY_START);
  const end = body.indexOf(BODY_END);
  if (start < 0 || end < start) return `${section}\n\n${body}`;
  return body.slice(0, start) + section + body.slice(end + BODY_END.length);
}

export function planPullRequest(input: PlanInput): PrPlan {
  const title = defaultTitle(input.impact, input.files);
  const section = renderImpact(input.impact, input.files, input.summary ? { summary: input.summary } : {});
  const lines = distinctChanges(input.impact).map((d) => `- ${d.app}: ${resourceLabel(d.resource.id)}: ${describe(d)}`);
  return {
    branch: input.slug !== undefined ? branchFor(input.prefix ?? 'gitops', input.slug) : branchName(input.impact, input.files, input.prefix),
    title,
    body: mergeTemplate(input.template, section),
    commitMessage: lines.length > 1 ? `${title}\n\n${lines.join('\n')}\n` : `${title}\n`,
  };
}

/**
 * Where each forge looks for the PR template, in its order of preference (GitHub docs "Creating a
 * pull request template"; GitLab "Description templates" — Default.md is applied to new MRs; Gitea
 * "Issue and Pull Request templates"; Azure Repos "Improve pull request descriptions using
 * templates"). Bitbucket has none. `*` = any `.md` in that folder, used when no single file exists.
 */
function templateCandidates(kind: ForgeKind | undefined): readonly string[] {
  switch (kind) {
    case 'github':
    case 'github-enterprise':
      return ['.github/pull_request_template.md', 'pull_request_template.md', 'docs/pull_request_template.md', '.github/PULL_REQUEST_TEMPLATE/*'];
    case 'gitlab':
      return ['.gitlab/merge_request_templates/Default.md', '.gitlab/merge_request_templates/default.md'];
    case 'gitea':
      return ['.gitea/pull_request_template.md', '.gitea/PULL_REQUEST_TEMPLATE.md', '.github/pull_request_template.md', '.github/PULL_REQUEST_TEMPLATE.md', 'pull_request_template.md', 'PULL_REQUEST_TEMPLATE.md'];
    case 'azure-devops':
      return ['.azuredevops/pull_request_template.md', '.vsts/pull_request_template.md', 'docs/pull_request_template.md', 'pull_request_template.md'];
    case 'bitbucket-cloud':
    case 'bitbucket-server':
      return [];
    case undefined:
      return ['.github/pull_request_template.md', '.gitlab/merge_request_templates/Default.md', 'docs/pull_request_template.md', '.gitea/pull_request_template.md', '.azuredevops/pull_request_template.md'];
  }
}

/**
 * Picks the template among the files that exist (`found`: repo-relative path → text; GitHub matches
 * names case-insensitively). A folder candidate takes `default.md` if present, else the first by name.
 */
export function chooseTemplate(kind: ForgeKind | undefined, found: ReadonlyMap<string, string>): { path: string; text: string } | undefined {
  const byLower = new Map([...found].map(([p, t]) => [p.toLowerCase(), { path: p, text: t }]));
  for (const c of templateCandidates(kind)) {
    if (c.endsWith('/*')) {
      const dir = c.slice(0, -1).toLowerCase();
      const inDir = [...byLower.keys()].filter((p) => p.startsWith(dir) && p.endsWith('.md') && !p.slice(dir.length).includes('/')).sort();
      const pick = inDir.find((p) => p.endsWith('/default.md')) ?? inDir[0];
      if (pick !== undefined) return byLower.get(pick);
      continue;
    }
    const hit = byLower.get(c.toLowerCase());
    if (hit) return hit;
  }
  return undefined;
}

/** Reads repository files for `findTemplate`: a file's text (undefined when absent), a folder's file names. */
export interface TemplateReader {
  readFile(path: string): Promise<string | undefined>;
  listDir(dir: string): Promise<readonly string[]>;
}

/** The repository's PR template for `kind`, read through `reader` (chooseTemplate's rules). */
export async function findTemplate(kind: ForgeKind | undefined, reader: TemplateReader): Promise<{ path: string; text: string } | undefined> {
  const found = new Map<string, string>();
  for (const c of templateCandidates(kind)) {
    if (c.endsWith('/*')) {
      const dir = c.slice(0, -2);
      for (const name of await reader.listDir(dir)) {
        if (!name.toLowerCase().endsWith('.md')) continue;
        const text = await reader.readFile(`${dir}/${name}`);
        if (text !== undefined) found.set(`${dir}/${name}`, text);
      }
      continue;
    }
    const text = await reader.readFile(c);
    if (text !== undefined) {
      found.set(c, text);
      // Candidates are in order of preference: the first single file wins.
      break;
    }
  }
  return chooseTemplate(kind, found);
}

// ---------------------------------------------------------------------------------------------------

export type LiveLookup = (deployment: Deployment, id: ResourceId) => Record<string, unknown> | undefined | Promise<Record<string, unknown> | undefined>;

export interface ImpactOptions {
  /** List semantics per kind (the cluster's OpenAPI); default the built-in table. */
  readonly listKeysFor?: (apiVersion: string, kind: string) => ListKeys;
  /** Web page of an app, for links in the body. */
  readonly appUrl?: (d: Deployment) => string | undefined;
  /** Also return apps the change reaches without changing their live objects (the body names them). */
  readonly keepUnaffected?: boolean;
}

type Obj = Record<string, unknown>;

function objectsOf(text: string | undefined, file: string): Obj[] {
  if (text === undefined) return [];
  return parseManifests(text, { file })
    .documents.filter((d) => d.identity?.name !== undefined && isRecord(d.value))
    .map((d) => d.value as Obj);
}

function idFor(obj: Obj, d: Deployment): ResourceId {
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const meta = isRecord(obj.metadata) ? obj.metadata : {};
  const own = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : undefined;
  const ns =
    d.app.tool === 'flux' && d.namespace !== undefined
      ? resolveNamespace({ group: groupOf(apiVersion), kind, ...(own ? { namespace: own } : {}) }, { overrideNamespace: d.namespace, namespaced: () => undefined })
      : resolveNamespace({ group: groupOf(apiVersion), kind, ...(own ? { namespace: own } : {}) }, { ...(d.namespace ? { defaultNamespace: d.namespace } : {}), namespaced: () => undefined });
  return { apiVersion, kind, namespace: ns, name: typeof meta.name === 'string' ? meta.name : '' };
}

/**
 * What the new desired state of each changed file would change in the live objects of the apps
 * deploying it: per document, diffPair(new desired, live) (the same pipeline as the drift lenses:
 * ignore rules aside, Secrets masked, normalized); objects the change adds are `create`, objects it
 * removes that exist live are `delete`. Unchanged documents with drift are not impact of this
 * change and are skipped (their before/after text is identical).
 */
export async function impactOf(changedFiles: readonly ChangedFile[], deployments: (file: string) => readonly Deployment[], getLive: LiveLookup, opts: ImpactOptions = {}): Promise<AppImpact[]> {
  const apps = new Map<string, { cluster: string; app: string; url?: string; resources: ResourceImpact[]; unreachable?: string }>();
  const listKeysFor = opts.listKeysFor ?? ((apiVersion: string, kind: string) => builtinListKeys({ group: groupOf(apiVersion), kind }));
  for (const file of changedFiles) {
    const after = objectsOf(file.after, file.path);
    const before = objectsOf(file.before, file.path);
    const beforeText = new Set(before.map((o) => JSON.stringify(o)));
    for (const d of deployments(file.path)) {
      const key = `${d.cluster}\u0000${d.app.key}`;
      const entry = apps.get(key) ?? { cluster: d.cluster, app: d.app.name, ...(opts.appUrl?.(d) ? { url: opts.appUrl(d) } : {}), resources: [] };
      // One failed read (cluster unreachable, forbidden) makes the app's live state unknown: stop
      // asking its cluster and say so, rather than failing the whole impact.
      if (entry.unreachable !== undefined) continue;
      try {
        const afterIds = new Set<string>();
        for (const obj of after) {
          const id = idFor(obj, d);
          afterIds.add(resKey(id));
          if (beforeText.has(JSON.stringify(obj))) continue;
          const live = await getLive(d, id);
          if (live === undefined) {
            entry.resources.push({ id, change: 'create', fields: [] });
            continue;
          }
          const pair = diffPair(obj, live, listKeysFor(id.apiVersion, id.kind));
          if (pair.changes.length === 0) continue;
          entry.resources.push({
            id: pair.id,
            change: 'update',
            fields: pair.changes.map((c) => {
              const a = attributeFinding(live, c.steps);
              return { path: c.path, from: c.live, to: c.kind === 'removed' ? undefined : c.desired, ...(a.throughGit === false ? { setOutsideGit: a } : {}) };
            }),
          });
        }
        for (const obj of before) {
          const id = idFor(obj, d);
          if (afterIds.has(resKey(id))) continue;
          if ((await getLive(d, id)) !== undefined) entry.resources.push({ id, change: 'delete', fields: [] });
        }
      } catch (err) {
        entry.unreachable = err instanceof Error ? err.message : String(err);
      }
      if (entry.resources.length > 0 || entry.unreachable !== undefined || opts.keepUnaffected === true) apps.set(key, entry);
    }
  }
  return [...apps.values()];
}
