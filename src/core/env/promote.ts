/**
 * Promote (issue 19): carry what one environment has to the next — image tags, chart versions, Helm
 * values keys, or the whole overlay difference — as edits of the TARGET environment's own files: the
 * overlay's `images:`/`replicas:` entries or its patches, its values file or the values in its
 * manifest, the HelmRelease `spec.chart.spec.version` or the Argo CD `targetRevision` of a chart app.
 * Every edit goes through the comment-preserving splice of core/manifest/adoptEdit.ts, so only the
 * edited value's text changes.
 *
 * Never an edit of a shared file by surprise: a file is the target's own when no other environment of
 * the app builds from it. When a change could only be made in a shared file (the base, a values file
 * every environment reads, an ApplicationSet template), it is refused with the file and the
 * environments it would reach, and nothing is written for it.
 *
 * The result is a list of file edits (path, before, after) in the shape the PR flow takes
 * (core/pr/ports.ts FileEdit via `toFileEdits`), plus what each carries, for the PR body and for the
 * caller to check against a fresh render of the target.
 */
import { AdoptError, adoptEdit, type AdoptChange } from '../manifest/adoptEdit';
import { loadYaml } from '../manifest/boundedYaml';
import { stringify } from 'yaml';
import { groupOf, parseManifests } from '../manifest/documents';
import { builtinListKeys } from '../drift/listKeys';
import type { FoundStep } from '../drift/compare';
import { isMask } from '../drift/mask';
import { normalize } from '../drift/normalize';
import { isRecord, recordOf, stringOf } from '../json';
import type { FileEdit } from '../pr/ports';
import { canonicalName, fieldLabel, shortValues, splitImage, type EnvComparison, type FieldDifference, type NameRules, type ResourceComparison } from './compare';
import type { KustomizeGraph } from './kustomize';
import { diffValues, isImageKey, keySelected, keyText, mergeLayers, valueAtKey, withValueAt } from './values';
import type { Environment, EnvironmentGroup, FieldLocation, HelmDeploy, ValuesLayer } from './types';

type Obj = Record<string, unknown>;

export type PromoteWhat = 'image' | 'chart' | 'values' | 'all';

export interface PromotionRequest {
  readonly group: EnvironmentGroup;
  readonly from: Environment;
  readonly to: Environment;
  readonly what: PromoteWhat;
  /** Helm values keys (`image.tag`) or rendered field paths to carry; default everything `what` chooses. */
  readonly keys?: readonly string[];
  /** The rendered comparison of `from` against `to` (kustomize apps need it; Helm apps compare values). */
  readonly comparison?: EnvComparison;
  readonly graph: KustomizeGraph;
  /** A repository file's text (repository-relative path), undefined when it is not there. */
  readonly readFile: (path: string) => string | undefined;
}

/** One file as the promotion leaves it. */
interface FileChange {
  readonly path: string;
  readonly before: string;
  readonly after: string;
}

/** What the target must show afterwards, for a check against its render after the edit. */
type Expectation =
  | { readonly type: 'field'; readonly group: string; readonly kind: string; readonly name: string; readonly steps: readonly FoundStep[]; readonly value: unknown }
  | { readonly type: 'values'; readonly key: readonly string[]; readonly value: unknown }
  | { readonly type: 'chart'; readonly value: string };

export interface CarriedChange {
  readonly what: 'image' | 'chart' | 'values' | 'replicas' | 'field';
  /** `image registry/acme/storefront`, `replicas storefront`, `image.tag`, `Deployment web /spec/…`. */
  readonly label: string;
  /** The target's value now, and the one it gets (the source's). */
  readonly before: unknown;
  readonly after: unknown;
  readonly file: string;
  readonly pointer: string;
  readonly expect?: Expectation;
  /**
   * What picks this change again in `PromotionRequest.keys` (the editor's pick of what to carry): the
   * rendered field's pointer (kustomize), the values key (Helm); none for a chart version.
   */
  readonly key?: string;
}

interface Refusal {
  readonly label: string;
  readonly reason: string;
  /** The shared file the change could only be made in, and the other environments it would reach. */
  readonly sharedFile?: string;
  readonly reaches?: readonly string[];
}

export interface PromotionPlan {
  readonly from: Environment;
  readonly to: Environment;
  readonly what: PromoteWhat;
  readonly edits: readonly FileChange[];
  readonly changes: readonly CarriedChange[];
  readonly refused: readonly Refusal[];
  readonly notes: readonly string[];
}

/** The edits as the PR flow takes them (core/pr/openPullRequest.ts `change.edits`). */
export function toFileEdits(plan: Pick<PromotionPlan, 'edits'>): FileEdit[] {
  return plan.edits.map((e) => ({ path: e.path, content: e.after, before: e.before }));
}

export function planPromotion(req: PromotionRequest): PromotionPlan {
  const ctx = new PlanContext(req);
  const deploy = req.to.deploy;
  if (deploy.type === 'kustomize' && req.from.deploy.type === 'kustomize') {
    if (req.what === 'chart') ctx.refuse('chart', `${req.group.name} is not a Helm app: it has no chart version`);
    else promoteKustomize(ctx);
  } else if (deploy.type === 'helm' && req.from.deploy.type === 'helm') {
    if (req.what === 'chart' || req.what === 'all') promoteChart(ctx, req.from.deploy, deploy);
    if (req.what !== 'chart') promoteValues(ctx, req.from.deploy, deploy);
  } else if (deploy.type === 'directory' && req.from.deploy.type === 'directory') {
    if (req.what === 'chart') ctx.refuse('chart', `${req.group.name} is not a Helm app: it has no chart version`);
    else promoteDirectory(ctx);
  } else {
    ctx.refuse(req.what, `${req.from.label} and ${req.to.label} are deployed differently (${req.from.deploy.type} and ${deploy.type}): nothing to carry over automatically`);
  }
  return ctx.result();
}

class PlanContext {
  readonly changes: CarriedChange[] = [];
  readonly refused: Refusal[] = [];
  readonly notes: string[] = [];
  private readonly texts = new Map<string, { before: string; after: string }>();

  constructor(readonly req: PromotionRequest) {}

  refuse(label: string, reason: string, shared?: { file: string; reaches: readonly string[] }): void {
    this.refused.push({ label, reason, ...(shared ? { sharedFile: shared.file, reaches: shared.reaches } : {}) });
  }

  text(path: string): string | undefined {
    return this.texts.get(path)?.after ?? this.req.readFile(path);
  }

  /** Applies changes to one document of a file; false (and a refusal) when adoptEdit cannot do it safely. */
  edit(label: string, loc: { file: string; documentIndex: number }, changes: readonly AdoptChange[]): boolean {
    const current = this.text(loc.file);
    if (current === undefined) {
      this.refuse(label, `${loc.file} could not be read`);
      return false;
    }
    try {
      const after = adoptEdit(current, loc.documentIndex, changes);
      const before = this.texts.get(loc.file)?.before ?? current;
      this.texts.set(loc.file, { before, after });
      return true;
    } catch (err) {
      if (!(err instanceof AdoptError)) throw err;
      this.refuse(label, `${loc.file}: ${err.message}`);
      return false;
    }
  }

  result(): PromotionPlan {
    const edits = [...this.texts].filter(([, t]) => t.before !== t.after).map(([path, t]) => ({ path, before: t.before, after: t.after }));
    const r = this.req;
    return { from: r.from, to: r.to, what: r.what, edits, changes: this.changes, refused: this.refused, notes: this.notes };
  }
}

const escape = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');
const pointerOf = (segments: readonly string[]): string => segments.map((s) => `/${escape(s)}`).join('');

// --- plain folders ----------------------------------------------------------------------------------

/**
 * Two plain folders (no kustomize, no Helm): an image tag is written into the target's own manifest,
 * the container's `image:` in the document that declares the object, nothing else of it touched. Other
 * fields of plain manifests are not carried: a folder of manifests has no place that is the
 * environment's own beside them, so they are left to the person editing.
 */
function promoteDirectory(ctx: PlanContext): void {
  const { req } = ctx;
  const { group, to, from } = req;
  const cmp = req.comparison;
  if (cmp === undefined) {
    ctx.refuse(req.what, `${from.label} and ${to.label} could not both be read: nothing to compare`);
    return;
  }
  const chosen = (p: string): boolean => req.keys === undefined || req.keys.length === 0 || req.keys.some((k) => p === k || p.startsWith(`${k}/`));
  const readBy = (file: string): string[] =>
    group.environments
      .filter((e) => e.id !== to.id && e.deploy.type === 'directory' && inFolder(file, e.deploy.folder, e.deploy.recurse))
      .map((e) => e.label);
  const others: string[] = [];
  for (const r of cmp.resources) {
    if (r.status !== 'changed') continue;
    for (const d of r.changes) {
      if (!chosen(d.path)) continue;
      if (!isImageDifference(d)) {
        others.push(`${r.kind} ${r.name} ${fieldLabel(d)}`);
        continue;
      }
      if (req.what !== 'image' && req.what !== 'all') continue;
      const image = splitImage(d.to as string);
      const label = `${r.kind} ${r.name} image ${image?.repo ?? String(d.to)}`;
      const file = r.toSource;
      if (file === undefined) {
        ctx.refuse(label, `the file ${to.label} declares ${r.kind} ${r.toName ?? r.name} in is not known`);
        continue;
      }
      const reaches = readBy(file);
      if (reaches.length > 0) {
        ctx.refuse(label, `${file} is read by ${reaches.join(', ')} too; the change can only be made there, where it would reach them as well; not changed.`, { file, reaches });
        continue;
      }
      const text = ctx.text(file);
      const doc = text === undefined ? undefined : parseManifests(text).documents.find((x) => isRecord(x.value) && x.value.kind === r.kind && stringOf(recordOf(x.value.metadata).name) === r.toName);
      const at = doc ? pathIn(doc.value, d.steps, builtinListKeys({ group: r.group, kind: r.kind })) : undefined;
      if (!doc || !at) {
        ctx.refuse(label, `${r.kind} ${r.toName ?? r.name} in ${file}: its container image was not found where the manifest writes it`);
        continue;
      }
      const expect: Expectation = { type: 'field', group: r.group, kind: r.kind, name: r.name, steps: d.steps, value: d.from };
      if (ctx.edit(label, { file, documentIndex: doc.index }, [{ path: pointerOf(at), value: d.from }])) {
        ctx.changes.push({ what: 'image', label, before: d.to, after: d.from, file, pointer: pointerOf(at), expect, key: d.path });
      }
    }
  }
  if (others.length > 0 && req.what !== 'image') {
    ctx.notes.push(`${to.label} is a plain folder: only image tags are carried; edit ${others.join(', ')} by hand`);
  }
}

/** Whether a repository file is one a plain folder deploys (its own files, or every file below with `recurse`). */
function inFolder(file: string, folder: string, recurse: boolean): boolean {
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
  if (dir === folder) return true;
  return recurse && (folder === '' || file.startsWith(`${folder}/`));
}

// --- kustomize --------------------------------------------------------------------------------------

/** The files a kustomize environment's build reads (its kustomizations and their patch files). */
function filesOf(env: Environment, graph: KustomizeGraph): Set<string> {
  const out = new Set<string>();
  if (env.deploy.type !== 'kustomize') return out;
  for (const f of graph.closure(env.deploy.folder)) {
    const info = graph.info(f);
    if (!info) continue;
    out.add(info.file);
    for (const p of info.patchFiles) out.add(p.path);
  }
  return out;
}

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);
const REPLICA_KINDS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

function isImageDifference(d: FieldDifference): boolean {
  const s = d.steps;
  const last = s[s.length - 1];
  const list = s[s.length - 3];
  return last !== undefined && 'field' in last && last.field === 'image' && list !== undefined && 'field' in list && CONTAINER_LISTS.has(list.field) && typeof d.from === 'string' && typeof d.to === 'string';
}

function promoteKustomize(ctx: PlanContext): void {
  const { req } = ctx;
  const { graph, group, to, from } = req;
  const cmp = req.comparison;
  if (cmp === undefined) {
    ctx.refuse(req.what, `${from.label} and ${to.label} could not both be rendered: nothing to compare`);
    return;
  }
  const toFolder = (to.deploy as { folder: string }).folder;
  const others = group.environments.filter((e) => e.id !== to.id);
  const otherFiles = others.map((e) => ({ env: e, files: filesOf(e, graph) }));
  const reachOf = (file: string): string[] => otherFiles.filter((o) => o.files.has(file)).map((o) => o.env.label);
  const ownFolders = graph.closure(toFolder).filter((f) => {
    const info = graph.info(f);
    return info !== undefined && reachOf(info.file).length === 0;
  });
  const sharedRefusal = (label: string, what: string): void => {
    const file = graph.info(toFolder)?.file ?? toFolder;
    ctx.refuse(label, `${to.label} has no kustomization of its own: ${toFolder} is built by ${reachOf(file).join(', ')} too. ${what} can only be made in ${file}, where it would reach them as well; not changed.`, { file, reaches: reachOf(file) });
  };
  const wantImages = req.what === 'image' || req.what === 'all';
  const wantFields = req.what === 'values' || req.what === 'all';
  const chosen = (path: string): boolean => req.keys === undefined || req.keys.length === 0 || req.keys.some((k) => path === k || path.startsWith(`${k}/`));

  // Images: one entry per image repository the target runs.
  const images = new Map<string, { from: string; to: string; resource: ResourceComparison; d: FieldDifference }>();
  const fields: Array<{ r: ResourceComparison; d: FieldDifference }> = [];
  for (const r of cmp.resources) {
    if (r.status === 'onlyFrom' || r.status === 'onlyTo') {
      if (wantFields) ctx.notes.push(`${r.kind} ${r.name} is only in ${r.status === 'onlyFrom' ? from.label : to.label}: objects are not added or removed by a promotion; edit the overlay by hand`);
      continue;
    }
    for (const d of r.changes) {
      if (!chosen(d.path)) continue;
      if (isImageDifference(d)) {
        const t = splitImage(d.to as string);
        if (wantImages && t) {
          const prev = images.get(t.repo);
          if (prev && prev.from !== d.from) ctx.notes.push(`${t.repo} runs as ${prev.from} and ${String(d.from)} in ${from.label}: ${prev.from} is carried`);
          else images.set(t.repo, { from: d.from as string, to: d.to as string, resource: r, d });
        }
      } else if (wantFields) fields.push({ r, d });
    }
  }

  for (const [repo, img] of images) {
    const label = `image ${repo}`;
    const f = splitImage(img.from);
    if (!f) {
      ctx.refuse(label, `${img.from} is not an image reference`);
      continue;
    }
    if (ownFolders.length === 0) {
      sharedRefusal(label, 'An image change');
      continue;
    }
    const set: Obj = { ...(f.repo !== repo ? { newName: f.repo } : {}), ...(f.digest !== undefined ? { digest: f.digest } : { newTag: f.tag ?? 'latest' }) };
    const expect: Expectation = { type: 'field', group: img.resource.group, kind: img.resource.kind, name: img.resource.name, steps: img.d.steps, value: img.from };
    let placed = false;
    for (const folder of ownFolders) {
      const info = graph.info(folder);
      const entry = info?.images.find((e) => (e.newName !== undefined ? e.newName === repo : e.name === repo));
      if (!info || !entry) continue;
      const changes: AdoptChange[] = Object.entries(set).map(([k, v]) => ({ path: `/images/${entry.index}/${k}`, value: v }));
      if (f.digest !== undefined && entry.newTag !== undefined) changes.push({ path: `/images/${entry.index}/newTag`, remove: true });
      if (f.digest === undefined && entry.digest !== undefined) changes.push({ path: `/images/${entry.index}/digest`, remove: true });
      if (ctx.edit(label, { file: info.file, documentIndex: 0 }, changes)) {
        ctx.changes.push({ what: 'image', label, before: img.to, after: img.from, file: info.file, pointer: `/images/${entry.index}`, expect, key: img.d.path });
      }
      placed = true;
      break;
    }
    if (placed) continue;
    const top = graph.info(ownFolders[0] as string);
    if (!top) continue;
    const entry = { name: repo, ...set };
    const change: AdoptChange = top.hasImages ? { path: '/images/-', value: entry, insert: true } : { path: '/images', value: [entry] };
    if (ctx.edit(label, { file: top.file, documentIndex: 0 }, [change])) {
      ctx.changes.push({ what: 'image', label, before: img.to, after: img.from, file: top.file, pointer: '/images', expect, key: img.d.path });
    }
  }

  if (fields.length === 0) return;
  if (ownFolders.length === 0) {
    for (const { r, d } of fields) sharedRefusal(`${r.kind} ${r.name} ${d.path}`, 'The change');
    return;
  }
  const patches: Map<ResourceComparison, FieldDifference[]> = new Map();
  for (const { r, d } of fields) {
    const label = `${r.kind} ${r.name} ${fieldLabel(d)}`;
    if (containsMask(d.from) || containsMask(d.to)) {
      ctx.refuse(label, `${d.path} holds a Secret value, which is masked: copy it by hand`);
      continue;
    }
    if (r.generated) {
      ctx.refuse(label, `${r.kind} ${r.name} is made by a kustomize generator: change its literals or files in ${to.label} by hand`);
      continue;
    }
    const expect: Expectation = { type: 'field', group: r.group, kind: r.kind, name: r.name, steps: d.steps, value: d.from };
    // `replicas:` entries where the overlay has them, or for a workload's replica count.
    if (d.path === '/spec/replicas' && REPLICA_KINDS.has(r.kind) && typeof d.from === 'number') {
      if (placeReplicas(ctx, ownFolders, r, d, expect)) continue;
    }
    if (placeInPatchFile(ctx, ownFolders, r, d, expect)) continue;
    patches.set(r, [...(patches.get(r) ?? []), d]);
  }
  // Anything else: one strategic-merge patch per object in the target's overlay.
  const top = graph.info(ownFolders[0] as string);
  if (!top) return;
  for (const [r, ds] of patches) addInlinePatch(ctx, top, r, ds);
}

function containsMask(v: unknown): boolean {
  if (isMask(v)) return true;
  if (Array.isArray(v)) return v.some(containsMask);
  return isRecord(v) && Object.values(v).some(containsMask);
}

function placeReplicas(ctx: PlanContext, ownFolders: readonly string[], r: ResourceComparison, d: FieldDifference, expect: Expectation): boolean {
  const label = `replicas ${r.name}`;
  const graph = ctx.req.graph;
  for (const folder of ownFolders) {
    const info = graph.info(folder);
    const entry = info?.replicas.find((e) => e.name === r.name || e.name === r.toName);
    if (!info || !entry) continue;
    if (ctx.edit(label, { file: info.file, documentIndex: 0 }, [{ path: `/replicas/${entry.index}/count`, value: d.from }])) {
      ctx.changes.push({ what: 'replicas', label, before: d.to, after: d.from, file: info.file, pointer: `/replicas/${entry.index}/count`, expect, key: d.path });
    }
    return true;
  }
  const top = graph.info(ownFolders[0] as string);
  if (!top || !top.hasReplicas) return false;
  // The overlay lists replica counts already: this one goes there too (kustomize matches the original name).
  const change: AdoptChange = { path: '/replicas/-', value: { name: r.name, count: d.from }, insert: true };
  if (ctx.edit(label, { file: top.file, documentIndex: 0 }, [change])) ctx.changes.push({ what: 'replicas', label, before: d.to, after: d.from, file: top.file, pointer: '/replicas', expect, key: d.path });
  return true;
}

/**
 * The same field in a patch file of the target's own overlay (a strategic-merge patch of the object,
 * or a JSON 6902 operation on that path): edited in place.
 */
function placeInPatchFile(ctx: PlanContext, ownFolders: readonly string[], r: ResourceComparison, d: FieldDifference, expect: Expectation): boolean {
  const graph = ctx.req.graph;
  const label = `${r.kind} ${r.name} ${fieldLabel(d)}`;
  const names = new Set([r.name, r.toName].filter((n): n is string => n !== undefined));
  const listKeys = builtinListKeys({ group: r.group, kind: r.kind });
  for (const folder of ownFolders) {
    const info = graph.info(folder);
    for (const pf of info?.patchFiles ?? []) {
      const text = ctx.text(pf.path);
      if (text === undefined) continue;
      for (const doc of parseManifests(text).documents) {
        const v = doc.value;
        if (Array.isArray(v)) {
          // JSON 6902: an op whose path is this field, on a target naming this object.
          const target = recordOf(pf.target);
          if (stringOf(target.kind) !== r.kind || !names.has(stringOf(target.name))) continue;
          const toPath = r.toObject ? pathIn(r.toObject, d.steps, listKeys) : undefined;
          const i = v.findIndex((op) => isRecord(op) && (op.op === 'replace' || op.op === 'add') && op.path === (toPath ? pointerOf(toPath) : d.path));
          if (i < 0) continue;
          if (d.from === undefined) continue;
          if (ctx.edit(label, { file: pf.path, documentIndex: doc.index }, [{ path: `/${i}/value`, value: d.from }])) {
            ctx.changes.push({ what: 'field', label, before: d.to, after: d.from, file: pf.path, pointer: `/${i}/value`, expect, key: d.path });
          }
          return true;
        }
        if (!isRecord(v) || v.kind !== r.kind || !names.has(stringOf(recordOf(v.metadata).name))) continue;
        const at = pathIn(v, d.steps, listKeys);
        if (at === undefined) continue;
        const change: AdoptChange = d.from === undefined ? { path: pointerOf(at), remove: true } : { path: pointerOf(at), value: d.from };
        if (ctx.edit(label, { file: pf.path, documentIndex: doc.index }, [change])) {
          ctx.changes.push({ what: 'field', label, before: d.to, after: d.from, file: pf.path, pointer: pointerOf(at), expect, key: d.path });
        }
        return true;
      }
    }
  }
  return false;
}

/**
 * The path of a difference inside another object of the same kind (a patch, the target's render):
 * list items found by their keys (containers by name), else at the same index. Undefined when the
 * object does not have the field.
 */
function pathIn(obj: unknown, steps: readonly FoundStep[], listKeys: ReturnType<typeof builtinListKeys>): string[] | undefined {
  const out: string[] = [];
  const schema: string[] = [];
  let v: unknown = obj;
  for (const s of steps) {
    if ('field' in s) {
      if (!isRecord(v) || !(s.field in v)) return undefined;
      v = v[s.field];
      out.push(s.field);
      schema.push(s.field);
      continue;
    }
    if (!Array.isArray(v)) return undefined;
    const sem = listKeys.listAt(schema);
    let i = s.index;
    if (sem?.type === 'map' && isRecord(s.item)) {
      const item = s.item;
      i = v.findIndex((x) => isRecord(x) && sem.keys.every((k) => JSON.stringify(x[k]) === JSON.stringify(item[k])));
    }
    if (i < 0 || i >= v.length) return undefined;
    v = v[i];
    out.push(String(i));
  }
  return out;
}

/** A strategic-merge patch carrying the differences of one object, added to the overlay's `patches:`. */
function addInlinePatch(ctx: PlanContext, top: NonNullable<ReturnType<KustomizeGraph['info']>>, r: ResourceComparison, ds: readonly FieldDifference[]): void {
  const listKeys = builtinListKeys({ group: r.group, kind: r.kind });
  const fromObj = r.fromObject ?? {};
  const patch: Obj = { apiVersion: fromObj.apiVersion, kind: r.kind, metadata: { name: r.name } };
  const label = `${r.kind} ${r.name}`;
  const carried: FieldDifference[] = [];
  for (const d of ds) {
    if (setInPatch(patch, d, fromObj, listKeys)) carried.push(d);
    else ctx.refuse(`${label} ${fieldLabel(d)}`, `${d.path} cannot be written as a strategic-merge patch: edit ${top.file} by hand`);
  }
  if (carried.length === 0) return;
  const text = dumpPatch(patch);
  const change: AdoptChange = top.hasPatches ? { path: '/patches/-', value: { patch: text }, insert: true } : { path: '/patches', value: [{ patch: text }] };
  if (!ctx.edit(label, { file: top.file, documentIndex: 0 }, [change])) return;
  for (const d of carried) {
    ctx.changes.push({ what: 'field', label: `${label} ${fieldLabel(d)}`, before: d.to, after: d.from, file: top.file, pointer: '/patches', expect: { type: 'field', group: r.group, kind: r.kind, name: r.name, steps: d.steps, value: d.from }, key: d.path });
  }
}

/**
 * Writes one difference into a strategic-merge patch: maps nest, keyed list items carry their keys
 * (kustomize merges them by key), an atomic list is written whole; a field only the target has
 * becomes `null` (SMP: delete), a keyed item only it has `$patch: delete` (kubernetes
 * community/contributors/devel/sig-api-machinery/strategic-merge-patch.md).
 */
function setInPatch(patch: Obj, d: FieldDifference, fromObj: Obj, listKeys: ReturnType<typeof builtinListKeys>): boolean {
  let node: Obj = patch;
  let fromNode: unknown = fromObj;
  const schema: string[] = [];
  const steps = d.steps;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i] as FoundStep;
    const last = i === steps.length - 1;
    if (!('field' in s)) return false;
    const next = steps[i + 1];
    if (last) {
      node[s.field] = d.kind === 'onlyTo' ? null : d.from;
      return true;
    }
    fromNode = isRecord(fromNode) ? fromNode[s.field] : undefined;
    schema.push(s.field);
    if (next !== undefined && 'index' in next) {
      const sem = listKeys.listAt(schema);
      if (sem?.type !== 'map' || !isRecord(next.item)) {
        // An atomic list: the source's whole list.
        if (!Array.isArray(fromNode)) return false;
        node[s.field] = fromNode;
        return true;
      }
      const keys = Object.fromEntries(sem.keys.map((k) => [k, (next.item as Obj)[k]]));
      const list = Array.isArray(node[s.field]) ? (node[s.field] as Obj[]) : [];
      node[s.field] = list;
      let item = list.find((x) => sem.keys.every((k) => JSON.stringify(x[k]) === JSON.stringify(keys[k])));
      if (item === undefined) {
        item = { ...keys };
        list.push(item);
      }
      if (i + 1 === steps.length - 1) {
        if (d.kind === 'onlyTo') item.$patch = 'delete';
        else Object.assign(item, next.item as Obj);
        return true;
      }
      fromNode = Array.isArray(fromNode) ? fromNode.find((x) => isRecord(x) && sem.keys.every((k) => JSON.stringify(x[k]) === JSON.stringify(keys[k]))) : undefined;
      node = item;
      i += 1;
      continue;
    }
    const child = isRecord(node[s.field]) ? (node[s.field] as Obj) : {};
    node[s.field] = child;
    node = child;
  }
  return false;
}

function dumpPatch(patch: Obj): string {
  // The same YAML package adoptEdit renders with; block style, sequences indented like kubectl writes them.
  return stringify(patch, { lineWidth: 0, indentSeq: false });
}

// --- Helm --------------------------------------------------------------------------------------------

function promoteChart(ctx: PlanContext, from: HelmDeploy, to: HelmDeploy): void {
  const { req } = ctx;
  if (from.chart.type === 'local' || to.chart.type === 'local') {
    if (req.what === 'chart') {
      const path = from.chart.type === 'local' ? from.chart.path : (to.chart as { path: string }).path;
      ctx.notes.push(`${req.from.label} and ${req.to.label} use the chart in ${path}: its version is its Chart.yaml's, one file for every environment; there is no chart version to carry`);
    }
    return;
  }
  const fv = from.chart.version;
  const tv = to.chart.version;
  if (fv === undefined || fv === tv) return;
  const label = `chart ${to.chart.chart}`;
  const at = req.to.declaration?.chartVersionAt;
  if (at === undefined) {
    const why = req.to.declaration === undefined
      ? `the manifest of ${req.to.label} is not in this repository`
      : req.to.generatedBy !== undefined
        ? `${req.to.label} is generated by the ApplicationSet ${req.to.generatedBy}, whose template sets the version of every app it generates`
        : (req.to.declaration.notes.find((n) => n.includes('chart version')) ?? `${req.to.label} names no chart version of its own`);
    ctx.refuse(label, `${why}; not changed.`);
    return;
  }
  const sharing = req.group.environments.filter((e) => e.id !== req.to.id && sameLocation(e.declaration?.chartVersionAt, at));
  if (sharing.length > 0) {
    ctx.refuse(label, `the version is written in ${at.file}, which ${sharing.map((e) => e.label).join(', ')} read too; not changed.`, { file: at.file, reaches: sharing.map((e) => e.label) });
    return;
  }
  if (ctx.edit(label, at, [{ path: at.pointer, value: fv }])) {
    ctx.changes.push({ what: 'chart', label, before: tv, after: fv, file: at.file, pointer: at.pointer, expect: { type: 'chart', value: fv } });
  }
}

const sameLocation = (a: FieldLocation | undefined, b: FieldLocation): boolean => a !== undefined && a.file === b.file && a.documentIndex === b.documentIndex && a.pointer === b.pointer;

interface LoadedLayer {
  readonly layer: ValuesLayer;
  values: Obj;
  readonly own: boolean;
  /** Environments of the app that read this layer too. */
  readonly sharedWith: readonly string[];
}

/** An environment's values layers, read; files that are missing or broken are noted and read as empty. */
export function loadValuesLayers(env: Environment, group: EnvironmentGroup, readFile: (path: string) => string | undefined, notes: string[] = []): LoadedLayer[] {
  const deploy = env.deploy;
  if (deploy.type !== 'helm') return [];
  // Values written into the manifest where it had none (a promotion's edit standing in for the file): the top layer.
  const at = deploy.inlineAt;
  const layers: ValuesLayer[] = [...deploy.values];
  if (at !== undefined && !layers.some((l) => l.type === 'inline' && l.file === at.file && l.documentIndex === at.documentIndex && l.pointer === at.pointer)) {
    const text = readFile(at.file);
    const value = text === undefined ? undefined : pointerValue(parseManifests(text).documents.find((x) => x.index === at.documentIndex)?.value, at.pointer);
    if (isRecord(value)) layers.push({ type: 'inline', file: at.file, documentIndex: at.documentIndex, pointer: at.pointer, values: value });
  }
  return layers.map((layer) => {
    const sharedWith = group.environments
      .filter((e) => e.id !== env.id && e.deploy.type === 'helm' && e.deploy.values.some((l) => sameLayer(l, layer)))
      .map((e) => e.label);
    let values: Obj = {};
    if (layer.type === 'inline' && layer.templated === true) values = { ...layer.values };
    else if (layer.type === 'inline') {
      // Read again from the file when it can be (a planned edit stands in for it), else as the map read it.
      const text = readFile(layer.file);
      const doc = text === undefined ? undefined : parseManifests(text).documents.find((x) => x.index === layer.documentIndex);
      let at = doc === undefined ? undefined : pointerValue(doc.value, layer.pointer);
      if (layer.text === true && typeof at === 'string') {
        try {
          at = loadYaml(at);
        } catch {
          at = layer.values;
        }
      }
      values = isRecord(at) ? { ...at } : doc !== undefined && at === undefined ? {} : { ...layer.values };
    } else {
      const text = readFile(layer.path);
      if (text === undefined) notes.push(`values file ${layer.path} of ${env.label} is not in the repository`);
      else {
        try {
          values = recordOf(loadYaml(text));
        } catch (err) {
          notes.push(`values file ${layer.path}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
    // A string of YAML is never edited in place: a value set there goes into the layer above it.
    return { layer, values, own: sharedWith.length === 0 && !(layer.type === 'inline' && layer.text === true), sharedWith };
  });
}

function pointerValue(root: unknown, pointer: string): unknown {
  let v = root;
  for (const seg of pointer.split('/').slice(1).map((x) => x.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    if (Array.isArray(v)) v = v[Number(seg)];
    else if (isRecord(v)) v = v[seg];
    else return undefined;
  }
  return v;
}

const sameLayer = (a: ValuesLayer, b: ValuesLayer): boolean =>
  a.type === 'file' ? b.type === 'file' && a.path === b.path : b.type === 'inline' && a.file === b.file && a.documentIndex === b.documentIndex && a.pointer === b.pointer;

/** The values an environment's release gets from the repository (the chart's own defaults aside). */
export function effectiveValues(layers: readonly LoadedLayer[]): Obj {
  return mergeLayers(layers.map((l) => l.values));
}

function promoteValues(ctx: PlanContext, from: HelmDeploy, to: HelmDeploy): void {
  const { req } = ctx;
  const fromLayers = loadValuesLayers(req.from, req.group, ctx.text.bind(ctx), ctx.notes);
  const toLayers = loadValuesLayers(req.to, req.group, ctx.text.bind(ctx), ctx.notes);
  if (from.valuesFrom.length > 0 || to.valuesFrom.length > 0) ctx.notes.push('values from the cluster (valuesFrom) are not compared');
  const diffs = diffValues(effectiveValues(fromLayers), effectiveValues(toLayers)).filter(
    (d) => keySelected(d.key, req.keys) && (req.what === 'image' ? isImageKey(d.key) : true),
  );
  for (const d of diffs) {
    const label = keyText(d.key);
    if (containsMask(d.from)) {
      ctx.refuse(label, 'a Secret value: not carried');
      continue;
    }
    const what: CarriedChange['what'] = isImageKey(d.key) ? 'image' : 'values';
    const expect: Expectation = { type: 'values', key: d.key, value: d.from };
    const own = toLayers.map((l, i) => [l, i] as const).filter(([l]) => l.own);
    const mergedWith = (i: number | 'inline'): { found: boolean; value?: unknown } => {
      const layers = toLayers.map((l, j) => (j === i ? withValueAt(l.values, d.key, d.from) : l.values));
      return valueAtKey(mergeLayers(i === 'inline' ? [...layers, withValueAt({}, d.key, d.from)] : layers), d.key);
    };
    const gives = (r: { found: boolean; value?: unknown }): boolean => (d.from === undefined ? !r.found : r.found && JSON.stringify(r.value) === JSON.stringify(d.from));
    if (d.from === undefined) {
      // The source leaves it to the defaults: the target's own layers stop setting it.
      const removeFrom = own.filter(([l]) => valueAtKey(l.values, d.key).found);
      const trial = valueAtKey(mergeLayers(toLayers.map((l) => (removeFrom.some(([x]) => x === l) ? withValueAt(l.values, d.key, undefined) : l.values))), d.key);
      if (removeFrom.length === 0 || !gives(trial)) {
        refuseValues(ctx, label, toLayers, d.key, removeFrom.length === 0);
        continue;
      }
      for (const [l, i] of removeFrom) {
        const loc = layerLocation(l.layer);
        const pointer = `${loc.pointer}${pointerOf(d.key)}`;
        if (ctx.edit(label, loc, [{ path: pointer, remove: true }])) {
          toLayers[i] = { ...l, values: withValueAt(l.values, d.key, undefined) };
          ctx.changes.push({ what, label, before: d.to, after: d.from, file: loc.file, pointer, expect, key: d.key.join('.') });
        }
      }
      continue;
    }
    // Where the value goes, the first that gives the target the source's value: the last own layer
    // setting it; an own layer of the kind the source sets it in (its values file → the target's values
    // file, its manifest → the target's manifest); the last own layer; the values of the target's own
    // manifest (Flux `spec.values`, Argo CD `helm.valuesObject`, which win over every file).
    const setting = [...own].reverse().find(([l]) => valueAtKey(l.values, d.key).found);
    const sourceKind = [...fromLayers].reverse().find((l) => valueAtKey(l.values, d.key).found)?.layer.type;
    const counterpart = [...own].reverse().find(([l]) => l.layer.type === sourceKind);
    const inlineOwn = to.inlineAt !== undefined && !req.group.environments.some((e) => e.id !== req.to.id && e.deploy.type === 'helm' && e.deploy.inlineAt && sameLocation(e.deploy.inlineAt, to.inlineAt as FieldLocation));
    const candidates: Array<number | 'inline'> = [...new Set([setting?.[1], counterpart?.[1], own[own.length - 1]?.[1], inlineOwn ? ('inline' as const) : undefined])].filter((c): c is number | 'inline' => c !== undefined);
    // Check before writing: with the edit, does the target's merged value become the source's?
    const target = candidates.find((c) => gives(mergedWith(c)));
    if (target === undefined) {
      refuseValues(ctx, label, toLayers, d.key, candidates.length === 0);
      continue;
    }
    const loc = target === 'inline' ? (to.inlineAt as FieldLocation) : layerLocation((toLayers[target] as LoadedLayer).layer);
    const pointer = `${loc.pointer}${pointerOf(d.key)}`;
    if (ctx.edit(label, loc, [{ path: pointer, value: d.from }])) {
      if (target !== 'inline') toLayers[target] = { ...(toLayers[target] as LoadedLayer), values: withValueAt((toLayers[target] as LoadedLayer).values, d.key, d.from) };
      ctx.changes.push({ what, label, before: d.to, after: d.from, file: loc.file, pointer, expect, key: d.key.join('.') });
    }
  }
}

/** Why a values key cannot be carried: the target has no values of its own, or a shared layer above them sets it again. */
function refuseValues(ctx: PlanContext, label: string, toLayers: readonly LoadedLayer[], key: readonly string[], noOwn: boolean): void {
  const to = ctx.req.to.label;
  if (noOwn) {
    const setBy = [...toLayers].reverse().find((l) => valueAtKey(l.values, key).found) ?? toLayers[toLayers.length - 1];
    const file = setBy ? layerFile(setBy.layer) : undefined;
    const others = setBy && setBy.sharedWith.length > 0 ? `, which ${setBy.sharedWith.join(', ')} read too. The change can only be made there, where it would reach them as well` : '';
    ctx.refuse(label, `${to} has no values of its own to set it in${file ? `: it comes from ${file}${others}` : ''}; not changed.`, file && setBy && setBy.sharedWith.length > 0 ? { file, reaches: setBy.sharedWith } : undefined);
    return;
  }
  const winner = [...toLayers].reverse().find((l) => !l.own && valueAtKey(l.values, key).found);
  const shared = winner !== undefined && winner.sharedWith.length > 0;
  ctx.refuse(
    label,
    `set again in ${winner ? layerFile(winner.layer) : 'a layer it cannot edit'}, which takes precedence over ${to}'s own values${shared ? ` and is read by ${winner.sharedWith.join(', ')} too` : ''}; not changed.`,
    shared ? { file: layerFile(winner.layer), reaches: winner.sharedWith } : undefined,
  );
}

function layerFile(l: ValuesLayer): string {
  return l.type === 'file' ? l.path : l.file;
}

function layerLocation(l: ValuesLayer): { file: string; documentIndex: number; pointer: string } {
  return l.type === 'file' ? { file: l.path, documentIndex: 0, pointer: '' } : { file: l.file, documentIndex: l.documentIndex, pointer: l.pointer };
}

// --- words ------------------------------------------------------------------------------------------

/** One line per carried change: `image registry/acme/storefront 2.4.0 → 2.5.1 (apps/…/kustomization.yaml)`. */
export function describeChanges(plan: Pick<PromotionPlan, 'changes'>): string[] {
  return plan.changes.map((c) => {
    const [now, next] = shortValues(c.before, c.after);
    return `${c.label}: ${now} → ${next} (${c.file})`;
  });
}

/** What a pull request for the promotion says about it, above the impact table (core/pr/plan.ts `summary`). */
export function promotionSummary(plan: PromotionPlan, groupName: string): string {
  const lines = [`Promote **${groupName}** from **${plan.from.label}** to **${plan.to.label}**.`, ''];
  for (const l of describeChanges(plan)) lines.push(`- ${l}`);
  if (plan.refused.length > 0) {
    lines.push('', 'Not carried:');
    for (const r of plan.refused) lines.push(`- ${r.label}: ${r.reason}`);
  }
  return lines.join('\n');
}

/** The branch slug the PR flow puts under its prefix (core/pr/plan.ts `branchFor`). */
export function promotionSlug(plan: PromotionPlan, groupName: string): string {
  return `promote-${groupName}-to-${plan.to.label}`;
}

// --- checking a promotion against the target's render after it ----------------------------------

export interface VerifiedChange {
  readonly change: CarriedChange;
  /** True when the target, rendered with the edits, has the source's value. */
  readonly ok: boolean;
  /** What it has instead (undefined: the field is absent, or the object is not found). */
  readonly actual?: unknown;
}

/**
 * Each carried change checked against the target after the edits: its rendered objects (normalized,
 * found by kind and the name with its prefixes set aside) or its merged values. Changes without a
 * check (a chart version, written where the manifest says it) count as done.
 */
export function verifyPromotion(
  plan: Pick<PromotionPlan, 'changes'>,
  after: { readonly objects?: readonly { readonly desired: Readonly<Obj>; readonly generatedBy?: string }[]; readonly names?: NameRules; readonly values?: Readonly<Obj> },
): VerifiedChange[] {
  return plan.changes.map((change) => {
    const e = change.expect;
    if (e === undefined || e.type === 'chart') return { change, ok: true };
    if (e.type === 'values') {
      if (after.values === undefined) return { change, ok: true };
      const got = valueAtKey(after.values, e.key);
      const ok = e.value === undefined ? !got.found : got.found && JSON.stringify(got.value) === JSON.stringify(e.value);
      return { change, ok, ...(got.found ? { actual: got.value } : {}) };
    }
    if (after.objects === undefined) return { change, ok: true };
    const obj = after.objects.find((o) => {
      const d = o.desired;
      const gk = `${groupOf(typeof d.apiVersion === 'string' ? d.apiVersion : '')}/${String(d.kind)}`;
      const name = typeof recordOf(d.metadata).name === 'string' ? (recordOf(d.metadata).name as string) : '';
      return gk === `${e.group}/${e.kind}` && canonicalName(name, after.names ?? { prefixes: [], suffixes: [], namespaces: [] }, o.generatedBy !== undefined) === e.name;
    });
    if (!obj) return { change, ok: false };
    const norm = normalize(obj.desired);
    const at = pathIn(norm, e.steps, builtinListKeys({ group: e.group, kind: e.kind }));
    const actual = at === undefined ? undefined : at.reduce<unknown>((v, s) => (Array.isArray(v) ? v[Number(s)] : recordOf(v)[s]), norm);
    const want = e.value === undefined || e.value === null ? undefined : e.value;
    return { change, ok: JSON.stringify(actual) === JSON.stringify(want), ...(actual !== undefined ? { actual } : {}) };
  });
}
