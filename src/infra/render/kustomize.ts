/**
 * Desired state of a file in a kustomize folder (issue 5): `kustomize build`, else `kubectl kustomize`
 * (kubectl has embedded kustomize since v1.14), run on a temp copy of the folders the build reads, with
 * the editor's text standing in for files on disk so unsaved edits render too. The user's tree is only
 * read. Each rendered object is traced to its source file through kustomize's origin annotation
 * (`buildMetadata: [originAnnotations]`, injected into the copy), then to the document of that file by
 * kind and name (core/render/kustomization matchDocuments).
 *
 * Generated objects (configMapGenerator, secretGenerator) have no source document: they map to the
 * first document of the kustomization file that configures them, marked `generatedBy`.
 *
 * Hostile folders (issue 12): the copy never follows a link out (tempTree.ts); the closure of
 * kustomizations is bounded and visits each real folder once (`resources: [loop]` with `loop -> .`
 * was endless); and the YAML of the copy is measured before kustomize reads it, because kustomize
 * itself does not bound aliases: `kubectl kustomize` (v5.5) grew to 10 GB on a 400-byte
 * billion-laughs resource before the time limit.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { parseManifests, yamlLimitProblem, type ParsedFile } from '../../core/manifest/documents';
import { YAML_LIMITS } from '../../core/manifest/boundedYaml';
import type { Logger } from '../../core/ports';
import {
  KUSTOMIZATION_FILE_NAMES,
  matchDocuments,
  originOf,
  readKustomization,
  withOriginAnnotations,
  withoutOrigin,
  type SourceDocument,
} from '../../core/render/kustomization';
import type { DesiredRenderer, FolderRender, RenderedDocument, RenderedObject } from '../../core/render/types';
import { pathLookup, runTool, type FindExecutable } from './process';
import { RenderCache, firstLine } from './renderCache';
import { RepoFileError, readRegularFile } from '../repoFiles';
import { collectFiles, commonAncestor, isLinkCopy, treeHash, withTempTree, type TreeFile } from './tempTree';

export interface KustomizeRendererOptions {
  /** How executables are found (default: this process's PATH). */
  readonly findExecutable?: FindExecutable;
  readonly log?: Logger;
  /** Per build (default 30 s). */
  readonly timeoutMs?: number;
  /** Rendered builds kept, keyed by folder and every input text (default 16). */
  readonly cacheEntries?: number;
  /** A build whose folders hold more files than this is not copied (default 5,000). */
  readonly maxFiles?: number;
}

/** How a file takes part in a kustomize build. */
export type KustomizeRole = 'resource' | 'patch' | 'kustomization';

export interface KustomizeTarget {
  /** The folder whose kustomization is built. */
  readonly dir: string;
  readonly role: KustomizeRole;
  /** Every kustomization folder the build reads (dir, its bases and components, recursively). */
  readonly dirs: readonly string[];
}

const TOOL = 'kustomize';
export const KUSTOMIZE_NOT_FOUND = 'kustomize not found: plain document';

async function exists(p: string): Promise<'file' | 'dir' | undefined> {
  try {
    const st = await fs.stat(p);
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

/** The kustomization file of a folder, if it has one. */
export async function kustomizationFileOf(dir: string): Promise<string | undefined> {
  for (const name of KUSTOMIZATION_FILE_NAMES) {
    const f = path.join(dir, name);
    if ((await exists(f)) === 'file') return f;
  }
  return undefined;
}

/** A kustomization file's text: the editor's buffer, else a bounded read of a regular file (through links inside the tree). */
const readText = async (file: string, overrides: ReadonlyMap<string, string>): Promise<string> =>
  overrides.get(file) ?? (await readRegularFile(await fs.realpath(file), YAML_LIMITS.maxChars)).toString('utf8');

/** Kustomization folders one build may read (its bases and components, recursively). */
const MAX_KUSTOMIZATIONS = 500;

interface Closure {
  readonly dirs: Set<string>;
  readonly files: Map<string, KustomizeRole>;
  /** Real paths of the folders visited: a folder reached again through a link is not read again. */
  readonly real: Set<string>;
}

/**
 * Every kustomization folder and referenced file a build of `dir` reads (remote bases excluded).
 * Throws RepoFileError past MAX_KUSTOMIZATIONS folders.
 */
async function closureOf(dir: string, overrides: ReadonlyMap<string, string>, into: Closure = { dirs: new Set(), files: new Map(), real: new Set() }): Promise<Closure> {
  if (into.dirs.has(dir)) return into;
  const real = await fs.realpath(dir).catch(() => dir);
  if (into.real.has(real)) return into;
  const kfile = await kustomizationFileOf(dir);
  if (!kfile) return into;
  if (into.dirs.size >= MAX_KUSTOMIZATIONS) throw new RepoFileError('tooMany', `more than ${MAX_KUSTOMIZATIONS} kustomizations in one build: not rendered`, dir);
  into.dirs.add(dir);
  into.real.add(real);
  into.files.set(kfile, 'kustomization');
  let refs;
  try {
    refs = readKustomization(await readText(kfile, overrides));
  } catch (err) {
    if (err instanceof RepoFileError) throw err;
    return into; // the build reports the broken file
  }
  for (const r of [...refs.resources, ...refs.components]) {
    const abs = path.resolve(dir, r);
    const kind = await exists(abs);
    if (kind === 'dir') await closureOf(abs, overrides, into);
    else if (kind === 'file' && !into.files.has(abs)) into.files.set(abs, 'resource');
  }
  for (const p of refs.patches) {
    const abs = path.resolve(dir, p);
    if (!into.files.has(abs)) into.files.set(abs, 'patch');
  }
  return into;
}

/** Every kustomization folder and referenced file (with its role) a build of `dir` reads. */
export async function kustomizationClosure(dir: string): Promise<{ readonly dirs: ReadonlySet<string>; readonly files: ReadonlyMap<string, KustomizeRole> }> {
  return closureOf(path.resolve(dir), new Map());
}

/**
 * The kustomization that builds `fsPath`: `root` when given and its build includes the file, else the
 * nearest one up the tree that includes it (directly, or through bases and components). Undefined
 * for files no kustomization refers to: plain manifests.
 */
export async function findKustomizationFor(fsPath: string, opts: { root?: string; overrides?: ReadonlyMap<string, string> } = {}): Promise<KustomizeTarget | undefined> {
  const file = path.resolve(fsPath);
  const overrides = opts.overrides ?? new Map<string, string>();
  const candidates: string[] = [];
  if (opts.root) candidates.push(path.resolve(opts.root));
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    candidates.push(dir);
    if (path.dirname(dir) === dir) break;
  }
  for (const dir of candidates) {
    if (!(await kustomizationFileOf(dir))) continue;
    const c = await closureOf(dir, overrides);
    const role = c.files.get(file);
    if (role) return { dir, role, dirs: [...c.dirs] };
  }
  return undefined;
}

/**
 * kustomize prints `Error: …`; kubectl prints through klog, `E1123 14:36:17.880308 12783 run.go:72]
 * "command failed" err="…"`, or for a multi-line message `err=<` then tab-indented lines and ` >`.
 * Either way, the message itself, on one line (the lens shows the first line).
 */
export function kustomizeMessage(stderr: string): string {
  const klog = /^[EWIF]\d{4} [\d:.]+\s+\d+ [^\]]+\] /;
  const lines = stderr.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const body = (lines[i] as string).replace(klog, '');
    if (/^"command failed" err=<$/.test(body)) {
      const block: string[] = [];
      while (i + 1 < lines.length && (lines[i + 1] as string).startsWith('\t')) block.push((lines[++i] as string).trim());
      if (lines[i + 1]?.trim() === '>') i++;
      out.push(block.join(' '));
      continue;
    }
    const single = /^"command failed" err="(.*)"$/.exec(body);
    out.push((single ? (single[1] as string).replace(/\\"/g, '"') : body).replace(/^Error: /, ''));
  }
  return out.join('\n');
}

export class KustomizeRenderer {
  private readonly find: FindExecutable;
  private readonly timeoutMs: number;
  private readonly maxFiles: number;
  /** Builds by folder and input texts; failed builds are tried again on the next request. */
  private readonly cache: RenderCache<FolderRender>;
  private tool: Promise<{ file: string; args: string[]; name: string } | undefined> | undefined;

  constructor(private readonly opts: KustomizeRendererOptions = {}) {
    this.find = opts.findExecutable ?? pathLookup();
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.cache = new RenderCache(opts.cacheEntries ?? 16, (r) => r.ok);
    this.maxFiles = opts.maxFiles ?? 5000;
  }

  /** The DesiredRenderer of one file (see core/render/types). */
  readonly render: DesiredRenderer = async ({ fsPath, text, signal, root }) => {
    const file = path.resolve(fsPath);
    const overrides = new Map([[file, text]]);
    let target;
    try {
      target = await findKustomizationFor(file, { ...(root ? { root } : {}), overrides });
    } catch (err) {
      if (!(err instanceof RepoFileError)) throw err;
      return { tool: TOOL, documents: [], fallback: `kustomize folder not rendered: ${err.message}` };
    }
    if (!target) return undefined;
    // A patch is folded into the object it patches: it stands for no object of its own.
    if (target.role === 'patch') return { tool: TOOL, documents: [] };
    const r = await this.renderTarget(target, overrides, signal);
    if (!r.ok) return { tool: r.tool, documents: [], fallback: r.fallback };
    return { tool: r.tool, documents: documentsOf(file, text, r.objects) };
  };

  /**
   * Builds the kustomization in `dir` (with `overrides`: absolute path → text standing in for the
   * file); `closure` is kustomizationClosure(dir) when the caller has it already.
   */
  async renderFolder(dir: string, opts: { readonly overrides?: ReadonlyMap<string, string>; readonly signal?: AbortSignal; readonly closure?: { readonly dirs: ReadonlySet<string> } } = {}): Promise<FolderRender> {
    const abs = path.resolve(dir);
    const overrides = opts.overrides ?? new Map<string, string>();
    let c;
    try {
      c = opts.closure ?? (await closureOf(abs, overrides));
    } catch (err) {
      if (!(err instanceof RepoFileError)) throw err;
      return { ok: false, tool: TOOL, fallback: `kustomize folder not rendered: ${err.message}` };
    }
    if (c.dirs.size === 0) return { ok: false, tool: TOOL, fallback: `no kustomization in ${dir}` };
    return this.renderTarget({ dir: abs, role: 'kustomization', dirs: [...c.dirs] }, overrides, opts.signal);
  }

  private resolveTool(): Promise<{ file: string; args: string[]; name: string } | undefined> {
    this.tool ??= (async () => {
      const kustomize = await this.find('kustomize');
      if (kustomize) return { file: kustomize, args: ['build'], name: 'kustomize' };
      const kubectl = await this.find('kubectl');
      return kubectl ? { file: kubectl, args: ['kustomize'], name: 'kubectl kustomize' } : undefined;
    })();
    return this.tool;
  }

  private async renderTarget(target: KustomizeTarget, overrides: ReadonlyMap<string, string>, signal?: AbortSignal): Promise<FolderRender> {
    const tool = await this.resolveTool();
    if (!tool) return { ok: false, tool: TOOL, fallback: KUSTOMIZE_NOT_FOUND };
    // Bases outside the folder (`../base`) are copied too, at the same relative place.
    const roots = target.dirs.filter((d) => !target.dirs.some((o) => o !== d && d.startsWith(o + path.sep)));
    const base = commonAncestor(roots);
    let files;
    try {
      files = await collectFiles(roots, base, overrides, this.maxFiles);
    } catch (err) {
      return { ok: false, tool: tool.name, fallback: `kustomize folder not rendered: ${err instanceof Error ? err.message : String(err)}` };
    }
    const key = `${base}\0${treeHash(`${tool.file}\0${path.relative(base, target.dir)}`, files)}`;

    return this.cache.run(
      key,
      async (abort) => {
        // What kustomize would read as YAML, measured before a build (see the top of this file); cached builds passed already.
        const hostile = hostileYaml(files);
        if (hostile) return { ok: false, tool: tool.name, fallback: `kustomize folder not rendered: ${path.join(base, hostile.rel)}:${hostile.line}: ${hostile.message}` };
        return this.build(tool, target, base, files, abort);
      },
      signal,
    );
  }

  private async build(
    tool: { file: string; args: string[]; name: string },
    target: KustomizeTarget,
    base: string,
    files: ReadonlyMap<string, TreeFile>,
    signal: AbortSignal,
  ): Promise<FolderRender> {
    return withTempTree('gitops-lens-kustomize-', files, async (tmp) => {
        const topRel = path.relative(base, target.dir);
        const kfile = (await kustomizationFileOf(path.join(tmp, topRel))) as string;
        const ktext = await fs.readFile(kfile, 'utf8');
        let injected = false;
        try {
          injected = !readKustomization(ktext).hasOriginAnnotations;
          if (injected) await fs.writeFile(kfile, withOriginAnnotations(ktext));
        } catch {
          // broken YAML: kustomize's own message says where
        }
        const started = Date.now();
        const result = await runTool(tool.file, [...tool.args, path.join(tmp, topRel)], { cwd: tmp, timeoutMs: this.timeoutMs, signal });
        if (!result.ok) {
          // Temp paths mean nothing to the user: name the workspace folder instead.
          const message = kustomizeMessage(result.message).split(tmp + path.sep).join(base + path.sep).split(tmp).join(base);
          this.opts.log?.warn(`[Render][kustomize] ${tool.name} ${target.dir} failed: ${message}`);
          const what = result.reason === 'timeout' ? `${tool.name} ${firstLine(message)}` : `${tool.name} failed: ${firstLine(message)}`;
          return { ok: false, tool: tool.name, fallback: what };
        }
        this.opts.log?.debug(`[Render][kustomize] ${tool.name} ${target.dir} in ${Date.now() - started} ms`);
        const parsed = parseManifests(result.stdout);
        const broken = parsed.problems[0];
        if (broken) return { ok: false, tool: tool.name, fallback: `${tool.name} output not read: line ${broken.line + 1}: ${broken.message}` };
        const objects: RenderedObject[] = [];
        for (const d of parsed.documents) {
          const v = d.value;
          if (typeof v !== 'object' || v === null || Array.isArray(v)) continue;
          const obj = v as Record<string, unknown>;
          const origin = originOf(obj);
          const desired = injected ? withoutOrigin(obj) : obj;
          if (!origin) objects.push({ desired, file: undefined });
          else if ('path' in origin) objects.push({ desired, file: path.resolve(target.dir, origin.path) });
          else objects.push({ desired, file: path.resolve(target.dir, origin.configuredIn), ...(origin.configuredBy ? { generatedBy: origin.configuredBy } : {}) });
        }
        return { ok: true, tool: tool.name, objects };
    });
  }
}

/** The first file kustomize would read as YAML that breaks the bounds of core/manifest/boundedYaml. */
function hostileYaml(files: ReadonlyMap<string, TreeFile>): { rel: string; line: number; message: string } | undefined {
  for (const [rel, content] of files) {
    if (isLinkCopy(content) || !(/\.ya?ml$/i.test(rel) || KUSTOMIZATION_FILE_NAMES.includes(path.basename(rel)))) continue;
    const problem = yamlLimitProblem(typeof content === 'string' ? content : content.toString('utf8'));
    if (problem) return { rel, ...problem };
  }
  return undefined;
}

/** The rendered objects of one file as RenderedDocuments of its text (`parsed`: the text parsed already). */
export function documentsOf(file: string, text: string, objects: readonly RenderedObject[], parsed?: ParsedFile): RenderedDocument[] {
  const mine = objects.filter((o) => o.file === file);
  if (mine.length === 0) return [];
  const docs = (parsed ?? parseManifests(text)).documents;
  const generated = mine.filter((o) => o.generatedBy !== undefined);
  const sources: SourceDocument[] = [];
  for (const d of docs) {
    const v = d.value as Record<string, unknown> | null;
    const meta = v && typeof v === 'object' && typeof v.metadata === 'object' && v.metadata !== null ? (v.metadata as Record<string, unknown>) : {};
    if (v && typeof v.apiVersion === 'string' && typeof v.kind === 'string') sources.push({ index: d.index, apiVersion: v.apiVersion, kind: v.kind, name: typeof meta.name === 'string' ? meta.name : '' });
  }
  const out = matchDocuments(sources, mine.filter((o) => o.generatedBy === undefined).map((o) => o.desired));
  const kustomizationDoc = docs[0]?.index ?? 0;
  for (const g of generated) out.push({ documentIndex: kustomizationDoc, desired: g.desired, generatedBy: g.generatedBy as string });
  return out;
}

