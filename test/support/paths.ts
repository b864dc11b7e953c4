import * as path from 'node:path';

/** Repository root, whether running from `test/` sources or compiled `out/test/`. */
export const REPO_ROOT = findRoot(__dirname);

function findRoot(dir: string): string {
  // out/test/support -> repo root; test/support -> repo root
  const parts = dir.split(path.sep);
  const outIdx = parts.lastIndexOf('out');
  if (outIdx > 0) return parts.slice(0, outIdx).join(path.sep) || path.sep;
  return path.resolve(dir, '..', '..');
}

const CODE_SERVER_VERSION = '4.100.3';
const CACHE_DIR = process.env.GITOPS_LENS_CACHE ?? path.join(REPO_ROOT, '.cache');
export const CODE_SERVER_DIR = path.join(CACHE_DIR, `code-server-${CODE_SERVER_VERSION}`);
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
