/**
 * The pure half of rendering a kustomize folder: what a kustomization file refers to, the origin
 * annotation that tells which source file each rendered object came from, and matching rendered
 * objects back to the documents of one file. The process and file-system half is
 * src/infra/render/kustomize.ts.
 */
import * as jsyaml from 'js-yaml';
import { loadYaml } from '../manifest/boundedYaml';
import type { RenderedDocument } from './types';
import { isRecord } from '../json';
import { groupOf } from '../manifest/documents';

/** The file names kustomize accepts for a kustomization, in the order it looks for them (kustomize api/konfig). */
export const KUSTOMIZATION_FILE_NAMES: readonly string[] = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/**
 * `buildMetadata: [originAnnotations]` makes kustomize (v4.5.3+) annotate every output object with
 * where it came from: `path:` (a resource file, relative to the kustomization being built) or, for
 * generated objects, `configuredIn:` (the kustomization file) and `configuredBy:` (the generator).
 * https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/buildmetadata/
 */
const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';

export interface KustomizationRefs {
  /** `resources` and the deprecated `bases`: files or folders (other kustomizations), local only. */
  readonly resources: readonly string[];
  /** `components`: folders of kind Component, built into this kustomization. */
  readonly components: readonly string[];
  /** Files used as patches (`patches[].path`, `patchesStrategicMerge`, `patchesJson6902[].path`): rendered into other objects. */
  readonly patches: readonly string[];
  /** Whether the kustomization already asks for origin annotations (then the live objects carry them too). */
  readonly hasOriginAnnotations: boolean;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** Remote bases (git repositories, URLs) are fetched by kustomize; they are never a workspace file. */
export function isRemoteReference(ref: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(ref) || ref.startsWith('git@') || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(ref);
}

/** What a kustomization refers to; throws the YAML parser's message on a broken file (or one over the bounds of boundedYaml). */
export function readKustomization(text: string): KustomizationRefs {
  const doc = loadYaml(text);
  const k = isRecord(doc) ? doc : {};
  const local = (v: unknown): string[] => strings(v).filter((r) => !isRemoteReference(r));
  const patches: string[] = [];
  for (const p of Array.isArray(k.patches) ? k.patches : []) if (isRecord(p) && typeof p.path === 'string') patches.push(p.path);
  for (const p of Array.isArray(k.patchesJson6902) ? k.patchesJson6902 : []) if (isRecord(p) && typeof p.path === 'string') patches.push(p.path);
  // patchesStrategicMerge entries are file paths or inline patches; inline ones contain a newline.
  patches.push(...strings(k.patchesStrategicMerge).filter((p) => !p.includes('\n')));
  return {
    resources: [...local(k.resources), ...local(k.bases)],
    components: local(k.components),
    patches,
    hasOriginAnnotations: strings(k.buildMetadata).includes('originAnnotations'),
  };
}

/** The kustomization text with `originAnnotations` added to `buildMetadata` (comments are lost: it is only written to a temp copy). */
export function withOriginAnnotations(text: string): string {
  // Bounded: `noRefs` writes every alias out in full.
  const doc = loadYaml(text);
  const k = isRecord(doc) ? { ...doc } : {};
  const meta = strings(k.buildMetadata);
  if (!meta.includes('originAnnotations')) k.buildMetadata = [...meta, 'originAnnotations'];
  return jsyaml.dump(k, { schema: jsyaml.CORE_SCHEMA, lineWidth: -1, noRefs: true });
}

export type Origin =
  | { readonly path: string }
  | { readonly configuredIn: string; readonly configuredBy?: string };

/** The origin annotation of a rendered object, or undefined when it has none (or it is not kustomize's form). */
export function originOf(obj: Readonly<Record<string, unknown>>): Origin | undefined {
  const meta = isRecord(obj.metadata) ? obj.metadata : undefined;
  const value = meta && isRecord(meta.annotations) ? meta.annotations[ORIGIN_ANNOTATION] : undefined;
  if (typeof value !== 'string') return undefined;
  let o: unknown;
  try {
    o = loadYaml(value);
  } catch {
    return undefined;
  }
  if (!isRecord(o)) return undefined;
  if (typeof o.path === 'string') return { path: o.path };
  if (typeof o.configuredIn === 'string') {
    const by = isRecord(o.configuredBy) && typeof o.configuredBy.kind === 'string' ? o.configuredBy.kind : undefined;
    return { configuredIn: o.configuredIn, ...(by ? { configuredBy: by } : {}) };
  }
  return undefined;
}

/** A copy without the origin annotation (and without `annotations` when that was the only one). */
export function withoutOrigin(obj: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const meta = isRecord(obj.metadata) ? obj.metadata : undefined;
  if (!meta || !isRecord(meta.annotations) || !(ORIGIN_ANNOTATION in meta.annotations)) return { ...obj };
  const annotations = { ...meta.annotations };
  delete annotations[ORIGIN_ANNOTATION];
  const metadata: Record<string, unknown> = { ...meta, annotations };
  if (Object.keys(annotations).length === 0) delete metadata.annotations;
  return { ...obj, metadata };
}

/** A document of the source file, as far as matching needs it. */
export interface SourceDocument {
  readonly index: number;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
}

const nameOf = (o: Readonly<Record<string, unknown>>): string => (isRecord(o.metadata) && typeof o.metadata.name === 'string' ? o.metadata.name : '');

/**
 * Which document of the file each rendered object (all known to come from this file) stands for.
 * kustomize keeps group and kind and builds the name as namePrefix + name + nameSuffix (once per
 * overlay level), so the source document is the one of the same group and kind whose name is the
 * rendered name, else the longest one contained in it; when a kind occurs once in the file, that one.
 */
export function matchDocuments(sources: readonly SourceDocument[], rendered: readonly Readonly<Record<string, unknown>>[]): RenderedDocument[] {
  const out: RenderedDocument[] = [];
  const used = new Set<number>();
  for (const obj of rendered) {
    if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') continue;
    const group = groupOf(obj.apiVersion);
    const name = nameOf(obj);
    const sameKind = sources.filter((s) => s.kind === obj.kind && groupOf(s.apiVersion) === group);
    const free = sameKind.filter((s) => !used.has(s.index));
    const pick =
      free.find((s) => s.name === name) ??
      free.filter((s) => s.name !== '' && name.includes(s.name)).sort((a, b) => b.name.length - a.name.length)[0] ??
      (sameKind.length === 1 ? sameKind[0] : undefined);
    if (!pick) continue;
    used.add(pick.index);
    out.push({ documentIndex: pick.index, desired: obj });
  }
  return out.sort((a, b) => a.documentIndex - b.documentIndex);
}
