/**
 * The manifests `gitops-lens diff` reads: every .yaml/.yml file under a path (one bounded walk that
 * follows no link out of it: infra/repoFiles.ts), with the kustomizations and Helm charts under it
 * rendered by the editor's renderer (infra/render/renderer.ts) unless `--no-render`. Each object names
 * the document it came from (file:line); generated objects (configMapGenerator, secretGenerator) name
 * the kustomization file that configures them, rendered Helm objects their template.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { YAML_LIMITS } from '../core/manifest/boundedYaml';
import { parseManifests } from '../core/manifest/documents';
import { KUSTOMIZATION_FILE_NAMES } from '../core/render/kustomization';
import type { RenderedObject } from '../core/render/types';
import { isRecord } from '../core/json';
import { HELM_NOT_FOUND } from '../infra/render/helm';
import { KUSTOMIZE_NOT_FOUND, documentsOf, kustomizationClosure } from '../infra/render/kustomize';
import { pathLookup } from '../infra/render/process';
import { Renderer } from '../infra/render/renderer';
import { RepoFileError, linkProblem, readRegularFileSync, walkTreeSync } from '../infra/repoFiles';
import type { CliOutput } from './output';

/** A problem with the input files: exit 2 with this message. */
export class InputError extends Error {}

/** A parsed YAML document with the place it came from. */
export interface SourcedObject {
  readonly obj: Record<string, unknown>;
  /** The file as the output names it (relative when the path on the command line was). */
  readonly file: string;
  readonly absFile: string;
  readonly line: number;
}

/** The walk of a --desired/--live folder: a whole repository may be given (bytes: the YAML read, 64 MiB). */
const FOLDER_LIMITS = { maxEntries: 100_000 };

const isYaml = (f: string): boolean => /\.ya?ml$/i.test(f);

interface Walked {
  /** YAML files, as walked from the path given (folders depth first, names sorted). */
  readonly files: readonly string[];
  /** Absolute folders holding a kustomization file, with that file, in walk order. */
  readonly kustomizations: ReadonlyMap<string, string>;
  /** Absolute folders holding a Chart.yaml, in walk order. */
  readonly charts: readonly string[];
}

/**
 * Every .yaml/.yml file under a path (the path itself if it is a file), and the kustomization and
 * chart folders among them, from one walk. A link to a file inside the path is read; one leaving it,
 * in a loop or to a FIFO is an error naming it; folder links are not entered.
 */
function walk(p: string): Walked {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch (err) {
    throw new InputError(`cannot read ${p}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (!st.isDirectory()) {
    // Named on the command line: readYamlFile refuses anything but a regular file. Resolved, so that
    // `k/kustomization.yaml` (relative) renders as its absolute twin does.
    const abs = path.resolve(p);
    const dir = path.dirname(abs);
    return {
      files: [p],
      kustomizations: KUSTOMIZATION_FILE_NAMES.includes(path.basename(abs)) ? new Map([[dir, abs]]) : new Map(),
      charts: path.basename(abs) === 'Chart.yaml' ? [dir] : [],
    };
  }
  let tree;
  try {
    // .git, node_modules and editor folders skipped; only the YAML files' bytes count, as only they are read.
    tree = walkTreeSync([p], { limits: FOLDER_LIMITS, skip: (name) => name.startsWith('.') || name === 'node_modules', countBytes: isYaml });
  } catch (err) {
    if (err instanceof RepoFileError) throw new InputError(err.message);
    throw err;
  }
  const files: string[] = [];
  const kfiles = new Map<string, string>();
  const chartDirs = new Set<string>();
  for (const e of tree.entries) {
    const name = path.basename(e.path);
    const readable = e.kind === 'file' || (e.kind === 'link' && e.target.kind === 'file' && e.target.inside);
    if (readable && KUSTOMIZATION_FILE_NAMES.includes(name)) {
      const dir = path.resolve(path.dirname(e.path));
      if (!kfiles.has(dir) || KUSTOMIZATION_FILE_NAMES.indexOf(name) < KUSTOMIZATION_FILE_NAMES.indexOf(path.basename(kfiles.get(dir) as string))) kfiles.set(dir, path.resolve(e.path));
    }
    if (readable && name === 'Chart.yaml') chartDirs.add(path.resolve(path.dirname(e.path)));
    if (!isYaml(e.path)) continue;
    if (e.kind === 'special') throw new InputError(`${e.path} is not a regular file: not read`);
    if (e.kind === 'link' && (e.target.kind !== 'file' || !e.target.inside)) {
      if (e.target.kind === 'dir' && e.target.inside) continue; // a folder named *.yaml, not entered
      throw new InputError(linkProblem(e, e.path, p));
    }
    files.push(e.path);
  }
  // Folders in the walk's own order (depth first, names sorted).
  const order = tree.dirs.map((d) => path.resolve(d));
  const kustomizations = new Map(order.filter((d) => kfiles.has(d)).map((d) => [d, kfiles.get(d) as string] as const));
  return { files, kustomizations, charts: order.filter((d) => chartDirs.has(d)) };
}

/** A YAML file's text: a regular file (through links the walk allowed) of at most the YAML size bound. */
function readYamlFile(file: string): string {
  try {
    return readRegularFileSync(fs.realpathSync(file), YAML_LIMITS.maxChars).toString('utf8');
  } catch (err) {
    if (err instanceof RepoFileError) throw new InputError(err.message);
    throw new InputError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/**
 * Kubernetes objects of YAML files. Bad YAML and documents without apiVersion/kind/metadata.name are
 * errors that name the file and line. `kind: List` is expanded; kustomize's own files
 * (kustomize.config.k8s.io) are not objects and are skipped.
 */
function objectsOf(files: readonly string[]): SourcedObject[] {
  const out: SourcedObject[] = [];
  for (const file of files) {
    const parsed = parseManifests(readYamlFile(file), { file });
    // Lines and columns of the parser are 0-based; editors and compilers print them 1-based.
    const problem = parsed.problems[0];
    if (problem) throw new InputError(`${file}:${problem.line + 1}:${problem.column + 1}: invalid YAML: ${problem.message}`);
    for (const doc of parsed.documents) {
      const line = doc.headerLine + 1;
      const value = doc.value;
      const items = isRecord(value) && value.kind === 'List' && Array.isArray(value.items) ? (value.items as unknown[]) : [value];
      for (const v of items) {
        if (!isRecord(v) || typeof v.apiVersion !== 'string' || typeof v.kind !== 'string') throw new InputError(`${file}:${line}: not a Kubernetes object (apiVersion and kind are required)`);
        if (v.apiVersion.startsWith('kustomize.config.k8s.io/')) continue;
        if (!isRecord(v.metadata) || typeof v.metadata.name !== 'string' || v.metadata.name === '') throw new InputError(`${file}:${line}: ${v.kind} has no metadata.name`);
        out.push({ obj: v, file, absFile: path.resolve(file), line });
      }
    }
  }
  return out;
}

/** Kubernetes objects of the YAML files under a path, as written (live objects, --ignore files). */
export function readObjects(p: string): SourcedObject[] {
  return objectsOf(walk(p).files);
}

/** The desired objects under a path: rendered folders first, then the files no render read. */
export async function readDesired(p: string, opts: { readonly render: boolean; readonly env: NodeJS.ProcessEnv; readonly out: CliOutput }): Promise<SourcedObject[]> {
  const walked = walk(p);
  const rendered = opts.render ? await renderFolders(walked, p, opts) : { objects: [], consumed: new Set<string>() };
  return [...rendered.objects, ...objectsOf(walked.files.filter((f) => !rendered.consumed.has(path.resolve(f))))];
}

/**
 * Each top-level kustomization (one no other kustomization there builds) and each top-level chart
 * rendered; every file those renders read is left out of the plain reading. Without kustomize or
 * kubectl the kustomizations are compared as plain documents, without helm the charts are left out
 * (templates are no Kubernetes YAML), each with a note on stderr.
 */
async function renderFolders(walked: Walked, p: string, opts: { readonly env: NodeJS.ProcessEnv; readonly out: CliOutput }): Promise<{ objects: SourcedObject[]; consumed: Set<string> }> {
  const shown = (file: string): string => (path.isAbsolute(p) ? file : path.relative(process.cwd(), file));
  const objects: SourcedObject[] = [];
  const consumed = new Set<string>();
  if (walked.kustomizations.size === 0 && walked.charts.length === 0) return { objects, consumed };
  const renderer = new Renderer({ findExecutable: pathLookup(opts.env.PATH ?? process.env.PATH) });

  // Kustomizations: each found once by the walk, its closure read once and handed to the render.
  const dirs = [...walked.kustomizations.keys()];
  const closures = new Map<string, Awaited<ReturnType<typeof kustomizationClosure>>>();
  for (const d of dirs) {
    try {
      closures.set(d, await kustomizationClosure(d));
    } catch (err) {
      if (err instanceof RepoFileError) throw new InputError(`${d}: ${err.message}`);
      throw err;
    }
  }
  for (const dir of dirs.filter((d) => !dirs.some((o) => o !== d && closures.get(o)?.dirs.has(d)))) {
    const kfile = walked.kustomizations.get(dir) as string;
    const closure = closures.get(dir);
    const r = await renderer.kustomize.renderFolder(dir, closure ? { closure } : {});
    if (!r.ok) {
      if (r.fallback === KUSTOMIZE_NOT_FOUND) {
        opts.out.error(`note: neither kustomize nor kubectl is on PATH: ${kfile} and its bases are compared as plain documents`);
        break;
      }
      throw new InputError(`${kfile}: ${r.fallback}`);
    }
    for (const f of closure?.files.keys() ?? []) consumed.add(f);
    objects.push(...sourced(r.objects, kfile, shown));
  }

  // Charts (a subchart renders with its parent).
  for (const chart of walked.charts.filter((c) => !walked.charts.some((o) => o !== c && c.startsWith(o + path.sep)))) {
    for (const f of walked.files) if (path.resolve(f).startsWith(chart + path.sep)) consumed.add(path.resolve(f));
    const r = await renderer.helm.renderFolder(chart);
    if (!r.ok) {
      if (r.fallback === HELM_NOT_FOUND) {
        opts.out.error(`note: helm is not on PATH: the chart ${shown(chart)} is not compared`);
        continue;
      }
      throw new InputError(`${path.join(chart, 'Chart.yaml')}: ${r.fallback}`);
    }
    objects.push(...sourced(r.objects, path.join(chart, 'Chart.yaml'), shown));
  }
  return { objects, consumed };
}

/** Rendered objects with the file and line of the document each came from (each file read and parsed once). */
function sourced(rendered: readonly RenderedObject[], fallbackFile: string, shown: (file: string) => string): SourcedObject[] {
  const byFile = new Map<string, RenderedObject[]>();
  for (const o of rendered) {
    const file = o.file ?? fallbackFile;
    byFile.set(file, [...(byFile.get(file) ?? []), o.file ? o : { ...o, file }]);
  }
  const out: SourcedObject[] = [];
  for (const [file, objs] of byFile) {
    let text = '';
    try {
      text = readRegularFileSync(fs.realpathSync(file), YAML_LIMITS.maxChars).toString('utf8');
    } catch {
      // a file the tool read but we cannot: its objects point at line 1
    }
    const parsed = parseManifests(text);
    const lineOf = new Map(documentsOf(file, text, objs, parsed).map((m) => [m.desired, (parsed.documents.find((d) => d.index === m.documentIndex)?.headerLine ?? 0) + 1]));
    for (const o of objs) out.push({ obj: o.desired as Record<string, unknown>, file: shown(file), absFile: file, line: lineOf.get(o.desired) ?? 1 });
  }
  return out;
}
