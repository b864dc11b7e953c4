/**
 * What environments read of a repository on disk: one bounded walk (infra/repoFiles.ts: no link
 * followed out, `.git` and dot folders skipped) giving its folders, kustomizations and charts, and the
 * Argo CD / Flux manifests among its YAML files (core/env/declarations.ts reads them). Files are read
 * as regular files within the YAML bound; a file that breaks it or does not parse is noted and left out.
 * Also the reads and writes of single repository files a promotion needs, confined to the repository.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readDeclarations, type RepoDocument } from '../../core/env/declarations';
import type { AppDeclaration, RepoLayout } from '../../core/env/types';
import { isRecord } from '../../core/json';
import { YAML_LIMITS } from '../../core/manifest/boundedYaml';
import { parseManifests } from '../../core/manifest/documents';
import { KUSTOMIZATION_FILE_NAMES } from '../../core/render/kustomization';
import { RepoFileError, isInside, readRegularFile, readRegularFileSync, walkTree } from '../repoFiles';

export interface RepoScan {
  /** Absolute, real path of the repository root. */
  readonly root: string;
  readonly layout: RepoLayout;
  readonly declarations: readonly AppDeclaration[];
  /** Files left out and why, for the log or stderr. */
  readonly problems: readonly string[];
}

/** A repository of more entries than this is not scanned (a monorepo with vendored trees: name a sub-folder). */
const MAX_ENTRIES = 100_000;
/** GitOps manifests are small; a YAML file over this is not searched for apps. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

const isYaml = (f: string): boolean => /\.ya?ml$/i.test(f);
const toPosix = (p: string): string => p.split(path.sep).join('/');

export async function scanRepository(root: string): Promise<RepoScan> {
  const real = await fs.promises.realpath(path.resolve(root));
  const tree = await walkTree([real], {
    limits: { maxEntries: MAX_ENTRIES },
    skip: (name) => name.startsWith('.') || name === 'node_modules',
    countBytes: isYaml,
  });
  const rel = (p: string): string => toPosix(path.relative(real, p));
  const folders = new Set<string>(tree.dirs.map(rel));
  const charts = new Set<string>();
  const kustomizations = new Map<string, { file: string; text: string }>();
  const problems: string[] = [];
  const docs: RepoDocument[] = [];
  const files = [
    ...tree.files.map((f) => ({ path: f.path, size: f.size })),
    // A link to a file inside the repository counts as that file (read through it, bounded the same way).
    ...tree.links.filter((l) => l.target.kind === 'file' && l.target.inside).map((l) => ({ path: l.path, size: 0 })),
  ];
  for (const f of files) {
    const name = path.basename(f.path);
    const dir = rel(path.dirname(f.path));
    if (name === 'Chart.yaml') charts.add(dir);
    const isKustomization = KUSTOMIZATION_FILE_NAMES.includes(name);
    if (!isKustomization && !isYaml(name)) continue;
    if (f.size > (isKustomization ? YAML_LIMITS.maxChars : MAX_MANIFEST_BYTES)) {
      problems.push(`${rel(f.path)}: larger than ${MAX_MANIFEST_BYTES / (1024 * 1024)} MiB, not read`);
      continue;
    }
    let text: string;
    try {
      text = (await readRegularFile(await fs.promises.realpath(f.path), isKustomization ? YAML_LIMITS.maxChars : MAX_MANIFEST_BYTES)).toString('utf8');
    } catch (err) {
      problems.push(`${rel(f.path)}: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    if (isKustomization) {
      const prev = kustomizations.get(dir);
      // kustomize reads the first of its file names that exists (core/render/kustomization.ts KUSTOMIZATION_FILE_NAMES).
      if (!prev || KUSTOMIZATION_FILE_NAMES.indexOf(name) < KUSTOMIZATION_FILE_NAMES.indexOf(path.posix.basename(prev.file))) kustomizations.set(dir, { file: rel(f.path), text });
      continue;
    }
    // Only files that can hold an app are parsed.
    if (!/argoproj\.io|toolkit\.fluxcd\.io/.test(text)) continue;
    const parsed = parseManifests(text);
    const broken = parsed.problems[0];
    if (broken) problems.push(`${rel(f.path)}:${broken.line + 1}: ${broken.message}`);
    for (const d of parsed.documents) if (isRecord(d.value)) docs.push({ file: rel(f.path), documentIndex: d.index, obj: d.value });
  }
  folders.add('');
  return { root: real, layout: { kustomizations, charts, folders }, declarations: readDeclarations(docs, folders), problems };
}

/** `rel` (repository-relative, posix) as an absolute path inside `root`, or an error naming it. */
function inside(root: string, rel: string): string {
  const abs = path.resolve(root, ...rel.split('/'));
  if (rel.split('/').includes('..') || path.isAbsolute(rel) || !isInside(abs, root)) throw new RepoFileError('linkOutside', `${rel} is not a path inside the repository`, abs);
  return abs;
}

/** A repository file's text (a regular file inside the repository, within the YAML bound), undefined when absent. */
export function readRepoFile(root: string, rel: string): string | undefined {
  let real: string;
  try {
    real = fs.realpathSync.native(inside(root, rel));
  } catch {
    return undefined;
  }
  if (!isInside(real, root)) return undefined;
  try {
    return readRegularFileSync(real, YAML_LIMITS.maxChars).toString('utf8');
  } catch {
    return undefined;
  }
}

export class StaleFileError extends Error {
  override readonly name = 'StaleFileError';
}

/**
 * Writes each edit's `after` over its file, after checking the file still holds `before` (it changed
 * on disk since the plan was made: nothing is written). Files are written in place (their mode and
 * links kept); a path leaving the repository is refused.
 */
export function writeRepoEdits(root: string, edits: readonly { readonly path: string; readonly before: string; readonly after: string }[]): void {
  const targets = edits.map((e) => {
    const abs = inside(root, e.path);
    const real = fs.realpathSync.native(abs);
    if (!isInside(real, root)) throw new RepoFileError('linkOutside', `${e.path} leads out of the repository: not written`, abs);
    if (readRegularFileSync(real, YAML_LIMITS.maxChars).toString('utf8') !== e.before) throw new StaleFileError(`${e.path} changed since the promotion was planned: nothing written`);
    return { real, after: e.after };
  });
  for (const t of targets) fs.writeFileSync(t.real, t.after);
}
