/**
 * The parts of a kustomization environments read and edit: which folders it builds on (`resources`,
 * the deprecated `bases`, `components`), what an overlay adds to names (`namePrefix`, `nameSuffix`,
 * `namespace`), and the transformers a promotion edits (`images`, `replicas`) or the patches it may edit.
 * Field names: kustomize api/types/kustomization.go (Image: name, newName, newTag, digest; Replica:
 * name, count; Patch: path, patch, target).
 */
import { loadYaml } from '../manifest/boundedYaml';
import { isRecord, recordOf, recordsOf, stringOf } from '../json';
import { isRemoteReference } from '../render/kustomization';
import { joinPath } from './repoPath';
import type { RepoLayout } from './types';

interface KustomizeImage {
  /** Index in the `images:` list. */
  readonly index: number;
  readonly name: string;
  readonly newName?: string;
  readonly newTag?: string;
  readonly digest?: string;
}

interface KustomizeReplica {
  readonly index: number;
  readonly name: string;
  readonly count?: number;
}

/** A patch the kustomization applies from a file (strategic merge or JSON 6902). */
interface KustomizePatchFile {
  /** Repository-relative. */
  readonly path: string;
  /** `patches[].target` / `patchesJson6902[].target`, as written. */
  readonly target?: Readonly<Record<string, unknown>>;
}

export interface KustomizationInfo {
  readonly folder: string;
  /** Repository-relative path of the kustomization file. */
  readonly file: string;
  readonly text: string;
  /** Folders among `resources`/`bases` (kustomizations built into this one). */
  readonly resourceFolders: readonly string[];
  readonly componentFolders: readonly string[];
  readonly namePrefix: string;
  readonly nameSuffix: string;
  readonly namespace?: string;
  /** Whether the file has an `images:` / `replicas:` / `patches:` key at all. */
  readonly hasImages: boolean;
  readonly hasReplicas: boolean;
  readonly hasPatches: boolean;
  readonly images: readonly KustomizeImage[];
  readonly replicas: readonly KustomizeReplica[];
  readonly patchFiles: readonly KustomizePatchFile[];
  /** The YAML parser's message when the file does not parse. */
  readonly broken?: string;
}

/** Reads one kustomization (folder and file repository-relative); never throws. */
function readKustomizationInfo(folder: string, file: string, text: string, folders: ReadonlySet<string>): KustomizationInfo {
  let k: Record<string, unknown> = {};
  let broken: string | undefined;
  try {
    k = recordOf(loadYaml(text));
  } catch (err) {
    broken = err instanceof Error ? err.message : String(err);
  }
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && !isRemoteReference(x)) : []);
  const local = (refs: string[]): string[] => refs.map((r) => joinPath(folder, r)).filter((r): r is string => r !== undefined && folders.has(r));
  const images = recordsOf(k.images).map((e, index) => ({
    index,
    name: stringOf(e.name),
    ...(typeof e.newName === 'string' ? { newName: e.newName } : {}),
    ...(typeof e.newTag === 'string' || typeof e.newTag === 'number' ? { newTag: String(e.newTag) } : {}),
    ...(typeof e.digest === 'string' ? { digest: e.digest } : {}),
  }));
  const replicas = recordsOf(k.replicas).map((e, index) => ({ index, name: stringOf(e.name), ...(typeof e.count === 'number' ? { count: e.count } : {}) }));
  const patchFiles: KustomizePatchFile[] = [];
  for (const p of [...recordsOf(k.patches), ...recordsOf(k.patchesJson6902)]) {
    const path = typeof p.path === 'string' ? joinPath(folder, p.path) : undefined;
    if (path !== undefined) patchFiles.push({ path, ...(isRecord(p.target) ? { target: p.target } : {}) });
  }
  for (const p of strings(k.patchesStrategicMerge)) {
    const path = p.includes('\n') ? undefined : joinPath(folder, p);
    if (path !== undefined) patchFiles.push({ path });
  }
  const namespace = stringOf(k.namespace);
  return {
    folder,
    file,
    text,
    resourceFolders: local([...strings(k.resources), ...strings(k.bases)]),
    componentFolders: local(strings(k.components)),
    namePrefix: stringOf(k.namePrefix),
    nameSuffix: stringOf(k.nameSuffix),
    ...(namespace ? { namespace } : {}),
    hasImages: 'images' in k,
    hasReplicas: 'replicas' in k,
    hasPatches: 'patches' in k,
    images,
    replicas,
    patchFiles,
    ...(broken !== undefined ? { broken } : {}),
  };
}

/** The kustomizations of a layout, read once. */
export class KustomizeGraph {
  private readonly infos = new Map<string, KustomizationInfo>();

  constructor(private readonly layout: RepoLayout) {}

  has(folder: string): boolean {
    return this.layout.kustomizations.has(folder);
  }

  info(folder: string): KustomizationInfo | undefined {
    let i = this.infos.get(folder);
    if (i === undefined) {
      const k = this.layout.kustomizations.get(folder);
      if (k === undefined) return undefined;
      i = readKustomizationInfo(folder, k.file, k.text, this.layout.folders);
      this.infos.set(folder, i);
    }
    return i;
  }

  /**
   * Every kustomization folder a build of `folder` reads, `folder` first, then depth first; each once
   * (a `resources` loop ends). `withComponents: false` follows `resources` only: the bases proper.
   */
  closure(folder: string, opts: { readonly withComponents?: boolean } = {}): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    const visit = (f: string): void => {
      if (seen.has(f) || out.length >= MAX_CLOSURE) return;
      const info = this.info(f);
      if (!info) return;
      seen.add(f);
      out.push(f);
      for (const r of info.resourceFolders) visit(r);
      if (opts.withComponents !== false) for (const c of info.componentFolders) visit(c);
    };
    visit(folder);
    return out;
  }
}

/** Kustomization folders one build may read (the renderer's bound: infra/render/kustomize.ts MAX_KUSTOMIZATIONS). */
const MAX_CLOSURE = 500;
