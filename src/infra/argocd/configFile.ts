/**
 * Finding and reading the `argocd` CLI's config file, with the CLI's own rules:
 * argo-cd util/localconfig/localconfig.go `DefaultConfigDir` (ARGOCD_CONFIG_DIR, else the legacy
 * ~/.argocd when it exists, else $XDG_CONFIG_HOME/argocd, else ~/.config/argocd; the file is `config`
 * in it) and `ReadLocalConfig` (a missing file is no config; on Unix a file readable by others is
 * refused, file_perm_unix.go `getFilePermission`: 0600 or 0400 only). The parsing is core's.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_ARGOCD_CONFIG_BYTES, parseArgoCdConfig, type ArgoCdLocalConfig } from '../../core/argocd/api/localConfig';

export function defaultArgoCdConfigPath(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir(), exists: (p: string) => boolean = fs.existsSync): string {
  const dir = env.ARGOCD_CONFIG_DIR;
  if (dir) return path.join(dir, 'config');
  const legacy = path.join(home, '.argocd');
  if (exists(legacy)) return path.join(legacy, 'config');
  if (env.XDG_CONFIG_HOME) return path.join(env.XDG_CONFIG_HOME, 'argocd', 'config');
  return path.join(home, '.config', 'argocd', 'config');
}

export type ArgoCdConfigRead =
  | { readonly kind: 'absent'; readonly path: string }
  | { readonly kind: 'refused'; readonly path: string; readonly problem: string }
  | { readonly kind: 'read'; readonly config: ArgoCdLocalConfig };

/** Reads and parses the file; at most one byte past the size core accepts is read (core says "too large"). */
export async function readArgoCdConfig(file: string, platform: NodeJS.Platform = process.platform): Promise<ArgoCdConfigRead> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'absent', path: file };
    return { kind: 'refused', path: file, problem: `cannot read ${file}: ${code ?? String(err)}` };
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return { kind: 'refused', path: file, problem: `${file} is not a regular file` };
    const perm = st.mode & 0o777;
    if (platform !== 'win32' && perm !== 0o600 && perm !== 0o400) {
      return {
        kind: 'refused',
        path: file,
        problem: `${file} has permission ${perm.toString(8).padStart(4, '0')}; it holds Argo CD tokens, and the argocd CLI refuses it too: run chmod 600 ${file}`,
      };
    }
    const buf = Buffer.alloc(MAX_ARGOCD_CONFIG_BYTES + 1);
    let n = 0;
    while (n < buf.length) {
      const { bytesRead } = await handle.read(buf, n, buf.length - n, null);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    return { kind: 'read', config: parseArgoCdConfig(file, buf.subarray(0, n).toString('utf8')) };
  } finally {
    await handle.close();
  }
}

/** A token file (`--argocd-token-file`): its first line, trimmed; bounded, a token is a few KiB at most. */
export async function readTokenFile(file: string): Promise<string> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024 + 1);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    if (bytesRead > 64 * 1024) throw new Error(`${file} is larger than 64 KiB: not a token`);
    const token = (buf.subarray(0, bytesRead).toString('utf8').split(/\r?\n/)[0] ?? '').trim();
    if (token === '') throw new Error(`${file} holds no token`);
    return token;
  } finally {
    await handle.close();
  }
}
