/**
 * Temp copies of the folders a renderer reads, with editor buffers standing in for files on disk:
 * unsaved edits render, and the user's tree is never written (kustomize and helm both read from disk).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

async function kindOf(p: string): Promise<'file' | 'dir' | undefined> {
  try {
    const st = await fs.stat(p);
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

const SKIPPED_DIRS = new Set(['.git', 'node_modules']);

/** Files under the folders a build reads: path relative to `base` → content. */
export async function collectFiles(roots: readonly string[], base: string, overrides: ReadonlyMap<string, string>, maxFiles: number): Promise<Map<string, string | Buffer>> {
  const out = new Map<string, string | Buffer>();
  const walk = async (dir: string): Promise<void> => {
    for (const e of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        const kind = await kindOf(full);
        isDir = kind === 'dir';
        isFile = kind === 'file';
      }
      if (isDir && !SKIPPED_DIRS.has(e.name)) await walk(full);
      else if (isFile) {
        if (out.size >= maxFiles) throw new Error(`more than ${maxFiles} files under ${roots.join(', ')}`);
        out.set(path.relative(base, full), overrides.get(full) ?? (await fs.readFile(full)));
      }
    }
  };
  for (const r of roots) await walk(r);
  // Unsaved new files (an override for a path not on disk yet) take part too.
  for (const [file, text] of overrides) {
    const rel = path.relative(base, file);
    if (!rel.startsWith('..') && !out.has(rel) && roots.some((r) => file.startsWith(r + path.sep))) out.set(rel, text);
  }
  return out;
}

/** The deepest folder containing every one of `dirs`. */
export function commonAncestor(dirs: readonly string[]): string {
  let base = dirs[0] ?? path.sep;
  for (const d of dirs) while (base !== path.dirname(base) && d !== base && !d.startsWith(base + path.sep)) base = path.dirname(base);
  return base;
}

/** A digest of every path and content (and a caller's prefix, e.g. the tool and target): the cache key of a render. */
export function treeHash(prefix: string, files: ReadonlyMap<string, string | Buffer>): string {
  const hash = createHash('sha256').update(`${prefix}\0`);
  for (const [rel, content] of [...files].sort((a, b) => (a[0] < b[0] ? -1 : 1))) hash.update(`${rel}\0${content.length}\0`).update(content);
  return hash.digest('hex');
}

/** Writes the files into a new temp folder and returns it; the caller removes it. */
export async function writeTree(prefix: string, files: ReadonlyMap<string, string | Buffer>): Promise<string> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  for (const [rel, content] of files) {
    const dest = path.join(tmp, rel);
    await fs.mkdir(path.dirname(dest), { recursive: true });
    await fs.writeFile(dest, content);
  }
  return tmp;
}
