/**
 * Temp copies of the folders a renderer reads, with editor buffers standing in for files on disk:
 * unsaved edits render, and the user's tree is never written (kustomize and helm both read from disk).
 *
 * Links are copied as links, never followed out (issue 12). Reading through them would hand the tool
 * whatever they point at: a `configMapGenerator` file linked to `/proc/self/environ` or `~/.kube/config`
 * was rendered into a ConfigMap and shown. A link to a file or folder inside the copied folders becomes
 * the same relative link in the copy, so kustomize's load restrictor (LoadRestrictionsRootOnly, which
 * resolves links: kustomize api/internal/loader/loadrestrictions.go RestrictionRootOnly) judges it as
 * it would in the user's tree. A link leaving those folders, to a FIFO or device, or in a loop, refuses
 * the copy with an error naming it; so do folder links that contain themselves (`a -> .`), which helm
 * follows forever (helm internal/sympath/walk.go follows every link). Dangling links are left out.
 * The walk is bounded (repoFiles.ts): entries, depth, bytes.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { RepoFileError, isInside, linkProblem, readRegularFile, walkTree, type LinkEntry, type Tree } from '../repoFiles';

/** A link in the copy: its text (relative, inside the copy) and whether it names a folder. */
export interface LinkCopy {
  readonly link: string;
  readonly dir: boolean;
}

/** A file's content, or a link. */
export type TreeFile = string | Buffer | LinkCopy;

export const isLinkCopy = (f: TreeFile): f is LinkCopy => typeof f === 'object' && !Buffer.isBuffer(f);

/**
 * Files under the folders a build reads: path relative to `base` → content or link. Throws RepoFileError
 * (a link leaving the folders, a loop, a special file behind a link, too many entries or bytes).
 */
export async function collectFiles(roots: readonly string[], base: string, overrides: ReadonlyMap<string, string>, maxFiles: number): Promise<Map<string, TreeFile>> {
  const tree = await walkTree(roots, { limits: { maxEntries: maxFiles } });
  const out = new Map<string, TreeFile>();
  const shown = (p: string): string => path.relative(base, p) || p;
  const scope = roots.map(shown).join(', ');
  refuseLoops(tree, shown);
  for (const l of tree.links) {
    const rel = path.relative(base, l.path);
    const text = overrides.get(l.path);
    if (text !== undefined) {
      out.set(rel, text); // the editor's buffer of a linked file stands in for it, as for any file
      continue;
    }
    const t = l.target;
    if (t.kind === 'missing') continue;
    if ((t.kind === 'file' || t.kind === 'dir') && t.inside) {
      out.set(rel, { link: path.relative(path.dirname(l.path), lexicalOf(tree, t.real)), dir: t.kind === 'dir' });
      continue;
    }
    throw new RepoFileError(t.kind === 'loop' ? 'linkLoop' : t.kind === 'special' ? 'notRegular' : 'linkOutside', linkProblem(l, shown(l.path), `${scope} (the folders the build reads)`), l.path);
  }
  for (const f of tree.files) out.set(path.relative(base, f.path), overrides.get(f.path) ?? (await readRegularFile(f.path)));
  // Unsaved new files (an override for a path not on disk yet) take part too.
  for (const [file, text] of overrides) {
    const rel = path.relative(base, file);
    if (!rel.startsWith('..') && !out.has(rel) && roots.some((r) => file.startsWith(r + path.sep))) out.set(rel, text);
  }
  return out;
}

/** Where a real path inside the roots lies in the walked (lexical) tree. */
function lexicalOf(tree: Tree, real: string): string {
  const i = tree.realRoots.findIndex((r) => isInside(real, r));
  return path.join(tree.roots[i] as string, path.relative(tree.realRoots[i] as string, real));
}

/**
 * Folder links a tool walking the copy would follow forever: a link whose target holds the link
 * itself, or links leading into each other (x/l -> ../y, y/m -> ../x).
 */
function refuseLoops(tree: Tree, shown: (p: string) => string): void {
  const dirLinks = tree.links.filter((l) => l.target.kind === 'dir' && l.target.inside);
  const targetOf = new Map(dirLinks.map((l) => [l, lexicalOf(tree, (l.target as { real: string }).real)]));
  const state = new Map<LinkEntry, 'open' | 'done'>();
  const visit = (l: LinkEntry): void => {
    if (state.get(l) === 'done') return;
    if (state.get(l) === 'open') throw new RepoFileError('linkLoop', `${shown(l.path)} is a symbolic link to ${l.text}, a folder that leads back to it (a loop)`, l.path);
    state.set(l, 'open');
    const target = targetOf.get(l) as string;
    for (const m of dirLinks) if (isInside(m.path, target)) visit(m);
    state.set(l, 'done');
  };
  for (const l of dirLinks) visit(l);
}

/** The deepest folder containing every one of `dirs`. */
export function commonAncestor(dirs: readonly string[]): string {
  let base = dirs[0] ?? path.sep;
  for (const d of dirs) while (base !== path.dirname(base) && d !== base && !d.startsWith(base + path.sep)) base = path.dirname(base);
  return base;
}

/** A digest of every path and content or link (and a caller's prefix, e.g. the tool and target): the cache key of a render. */
export function treeHash(prefix: string, files: ReadonlyMap<string, TreeFile>): string {
  const hash = createHash('sha256').update(`${prefix}\0`);
  for (const [rel, content] of [...files].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (isLinkCopy(content)) hash.update(`${rel}\0link\0${content.link}\0`);
    else hash.update(`${rel}\0${content.length}\0`).update(content);
  }
  return hash.digest('hex');
}

/** Writes the files and links into a new temp folder and returns it; the caller removes it. */
export async function writeTree(prefix: string, files: ReadonlyMap<string, TreeFile>): Promise<string> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  for (const [rel, content] of files) {
    const dest = path.join(tmp, rel);
    await fs.mkdir(path.dirname(dest), { recursive: true });
    if (isLinkCopy(content)) await fs.symlink(content.link, dest, content.dir ? 'dir' : 'file');
    else await fs.writeFile(dest, content);
  }
  return tmp;
}

/** Runs `fn` on a temp copy of the files (writeTree) and removes the copy afterwards, whatever happens. */
export async function withTempTree<T>(prefix: string, files: ReadonlyMap<string, TreeFile>, fn: (dir: string) => Promise<T>): Promise<T> {
  const tmp = await writeTree(prefix, files);
  try {
    return await fn(tmp);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
  }
}
