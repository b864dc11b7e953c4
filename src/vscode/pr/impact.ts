/**
 * The impact of a change for the preview and the PR body: which apps on which clusters deploy each
 * changed file (core/drift/deployedBy), and per resource the fields that change, compared by the drift
 * engine (core/drift/engine: Secrets masked, normalized, list semantics of the kind) between the HEAD
 * version and the new one. Pure apart from its inputs.
 */
import type { AppKey, App } from '../../core/model/app';
import { appsDeployingFile } from '../../core/drift/deployedBy';
import { diffPair } from '../../core/drift/engine';
import { builtinListKeys } from '../../core/drift/listKeys';
import { parseManifests } from '../../core/manifest/documents';
import type { PreviewAppImpact, PreviewFieldChange, PreviewFile } from './previewHtml';

export interface ChangedManifest {
  /** Repo-relative, posix. */
  readonly path: string;
  readonly status: PreviewFile['status'];
  /** HEAD version; undefined for a new file. */
  readonly before: string | undefined;
  /** New version; null for a deletion. */
  readonly after: string | null;
}

export interface Impact {
  readonly impacts: readonly PreviewAppImpact[];
  readonly undeployed: readonly string[];
  readonly apps: readonly AppKey[];
  /** The single most telling change, for the default title: `guestbook: replicas 3 → 5 in prod-eu`. */
  readonly headline?: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Doc {
  readonly key: string;
  readonly label: string;
  readonly value: Obj;
}

function docsOf(text: string | null | undefined, file: string): Doc[] {
  if (!text) return [];
  const out: Doc[] = [];
  for (const d of parseManifests(text, { file }).documents) {
    if (!d.identity || !isObj(d.value)) continue;
    const id = d.identity;
    out.push({
      key: `${id.group}/${id.kind}/${id.namespace ?? ''}/${id.name ?? ''}`,
      label: `${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name ?? '(unnamed)'}`,
      value: d.value,
    });
  }
  return out;
}

/** `/spec/template/spec/containers/0/image` → `spec.template.spec.containers[0].image`. */
export function dottedPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '');
}

function show(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** Field changes between the HEAD and new versions of one file. */
export function fieldChanges(file: ChangedManifest): PreviewFieldChange[] {
  const before = new Map(docsOf(file.before, file.path).map((d) => [d.key, d]));
  const after = docsOf(file.after, file.path);
  const out: PreviewFieldChange[] = [];
  const seen = new Set<string>();
  for (const d of after) {
    seen.add(d.key);
    const old = before.get(d.key);
    if (!old) {
      out.push({ resource: d.label, path: '(new resource)', after: 'added' });
      continue;
    }
    const [group = '', kind = ''] = d.key.split('/');
    const masked = kind === 'Secret' && group === '';
    const pair = diffPair(d.value, old.value, builtinListKeys({ group, kind }));
    for (const c of pair.changes) {
      out.push({ resource: d.label, path: dottedPath(c.path), before: show(c.live), after: show(c.desired), ...(masked ? { masked: true } : {}) });
    }
  }
  for (const [key, d] of before) if (!seen.has(key)) out.push({ resource: d.label, path: '(resource removed)', before: 'present' });
  return out;
}

export interface ImpactInput {
  readonly files: readonly ChangedManifest[];
  readonly apps: readonly App[];
  readonly repo: { readonly root: string; readonly remotes: readonly string[]; readonly branch?: string };
}

export function computeImpact(input: ImpactInput): Impact {
  const byApp = new Map<AppKey, { app: App; changes: PreviewFieldChange[] }>();
  const undeployed: string[] = [];
  for (const f of input.files) {
    const deployments = appsDeployingFile({ repo: input.repo, file: f.path, apps: input.apps });
    if (deployments.length === 0) {
      undeployed.push(f.path);
      continue;
    }
    const changes = fieldChanges(f);
    for (const d of deployments) {
      const entry = byApp.get(d.app.key) ?? { app: d.app, changes: [] };
      entry.changes.push(...changes);
      byApp.set(d.app.key, entry);
    }
  }
  const impacts: PreviewAppImpact[] = [...byApp.values()].map(({ app, changes }) => ({
    cluster: app.cluster,
    app: app.name,
    appKind: `${app.tool === 'argocd' ? 'Argo CD' : 'Flux'} ${app.kind}`,
    changes,
  }));
  let headline: string | undefined;
  const first = [...byApp.values()][0];
  if (first && byApp.size >= 1) {
    const c = first.changes.length === 1 ? first.changes[0] : undefined;
    const where = byApp.size === 1 ? ` in ${first.app.cluster}` : ` and ${byApp.size - 1} more`;
    if (c && c.before !== undefined && c.after !== undefined && !c.masked && c.before.length <= 40 && c.after.length <= 40) {
      headline = `${first.app.name}: ${c.path.split('.').pop() ?? c.path} ${c.before} → ${c.after}${where}`;
    } else {
      headline = `${first.app.name}: ${first.changes.length} field change${first.changes.length === 1 ? '' : 's'}${where}`;
    }
  }
  return { impacts, undeployed, apps: [...byApp.keys()], ...(headline ? { headline } : {}) };
}

/** The PR/MR body: the impact table (values masked where the preview masks them), the files, the apps. */
export function pullRequestBody(opts: { readonly summary?: string; readonly impact: Impact; readonly files: readonly PreviewFile[] }): string {
  const cell = (s: string | undefined) => (s === undefined ? '_(absent)_' : `\`${s.replace(/\|/g, '\\|').replace(/`/g, "'").slice(0, 120)}\``);
  const lines: string[] = [];
  if (opts.summary) lines.push(opts.summary, '');
  lines.push('### Impact', '');
  if (opts.impact.impacts.length === 0) lines.push('No app deploying these files is known on the connected clusters.', '');
  for (const i of opts.impact.impacts) {
    lines.push(`**${i.cluster} · ${i.app}** (${i.appKind})`, '');
    if (i.changes.length === 0) {
      lines.push('No field changes.', '');
      continue;
    }
    lines.push('| Resource | Field | Before | After |', '|---|---|---|---|');
    for (const c of i.changes.slice(0, 50)) {
      const masked = c.masked === true || /^Secret\b/.test(c.resource);
      lines.push(`| ${c.resource} | \`${c.path}\` | ${masked ? '••••••' : cell(c.before)} | ${masked ? '••••••' : cell(c.after)} |`);
    }
    if (i.changes.length > 50) lines.push(`| … | ${i.changes.length - 50} more | | |`);
    lines.push('');
  }
  lines.push('### Files', '');
  for (const f of opts.files) lines.push(`- \`${f.path}\` (${f.status})`);
  lines.push('', '_Opened with GitOps Lens._');
  return lines.join('\n');
}

/** A branch-name slug (git-check-ref-format(1)-safe): lower case, `-` separated, at most 48 characters. */
export function slug(s: string): string {
  const out = s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
  return out || 'change';
}
