/**
 * Repository-relative paths as environments use them: posix, no `./`, no trailing slash, '' for the
 * root. src/core may not import node:path, and these are never platform paths anyway (a manifest says
 * `../../base` on Windows too).
 */
import { normalizePath } from '../drift/deployedBy';

export { normalizePath };

/** `a/b` + `../c` → `a/c`; undefined when it leaves the repository. */
export function joinPath(dir: string, rel: string): string | undefined {
  if (rel.startsWith('/')) return undefined;
  return normalizePath(dir === '' ? rel : `${dir}/${rel}`);
}

/** `a/b/c` → `c`. */
export function basenameOf(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** `a/b/c` relative to `a` → `b/c`; to a folder it is not below, the path itself. */
export function relativeTo(p: string, dir: string): string {
  if (dir === '') return p;
  if (p === dir) return '.';
  return p.startsWith(`${dir}/`) ? p.slice(dir.length + 1) : p;
}

/** The deepest folder holding every path given ('' when they share none). */
export function commonFolder(paths: readonly string[]): string {
  if (paths.length === 0) return '';
  let parts = (paths[0] as string).split('/').filter((s) => s !== '');
  for (const p of paths.slice(1)) {
    const q = p.split('/').filter((s) => s !== '');
    let i = 0;
    while (i < parts.length && i < q.length && parts[i] === q[i]) i++;
    parts = parts.slice(0, i);
  }
  return parts.join('/');
}
