/**
 * The working-tree files the editor commands read (core/git/ports RepositoryFiles), with the bounds of
 * infra/repoFiles (issue 12): reads open the path itself (never a link), refuse FIFOs and devices, and
 * stop at a size; walks follow no link and stop at 5,000 entries. A path a cluster object names
 * (an Argo CD `spec.source.path`, a Flux `spec.path`) is joined onto the repository only when it stays
 * inside: lexically, and after resolving links, and not into `.git` (whose config may hold a token in a
 * remote URL).
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { LocatedEntry, RepositoryFiles } from '../../core/git/ports';
import { RepoFileError, isInside, readRegularFile, walkTree } from '../repoFiles';

const YAML_FILE = /\.ya?ml$/i;

const missing = (err: unknown): boolean => ['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '');

async function readText(file: string): Promise<string | null> {
  try {
    return (await readRegularFile(file)).toString('utf8');
  } catch (err) {
    if (missing(err)) return null;
    throw err;
  }
}

async function locate(root: string, rel: string): Promise<LocatedEntry | undefined> {
  const base = path.resolve(root);
  const shown = rel === '' ? '.' : rel;
  // Argo CD and Flux paths are relative to the repository root; a leading `./` or `/` means the root.
  const target = path.resolve(base, rel.replace(/^\.?\/+/, ''));
  if (!isInside(target, base) || path.relative(base, target).split(path.sep).includes('.git')) {
    throw new RepoFileError('outside', `${shown} leads outside the repository ${base}: not opened`, target);
  }
  let real: string;
  try {
    real = await fsp.realpath(target);
  } catch (err) {
    if (missing(err)) return undefined;
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new RepoFileError('linkLoop', `${shown} is a symbolic link in a loop: not opened`, target);
    throw err;
  }
  const realBase = await fsp.realpath(base);
  if (!isInside(real, realBase) || path.relative(realBase, real).split(path.sep).includes('.git')) {
    throw new RepoFileError('linkOutside', `${shown} is a symbolic link to ${real}, outside the repository ${base}: not opened`, target);
  }
  const st = await fsp.stat(real);
  if (st.isDirectory()) return { path: target, type: 'dir' };
  if (st.isFile()) return { path: target, type: 'file' };
  throw new RepoFileError('notRegular', `${shown} is not a regular file: not opened`, target);
}

async function yamlFilesUnder(dir: string): Promise<string[]> {
  return (await walkTree([dir])).files.map((f) => f.path).filter((p) => YAML_FILE.test(p));
}

export const nodeRepositoryFiles: RepositoryFiles = { readText, locate, yamlFilesUnder };
