/**
 * The audit's forge cache on disk (core/audit/forgeCache.ts CacheStore): one file per key, named by
 * the key's SHA-256 so no key becomes a path, written atomically (temporary file + rename), bounded in
 * size per entry; a file that is too large, not a regular file or unreadable is a miss. Entries hold
 * what forges answered about pull requests and protection (no tokens: keys and values never carry one).
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CacheStore } from '../../core/audit/forgeCache';

/** An entry larger than this is neither written nor read. */
const MAX_ENTRY_BYTES = 1 << 20;

/** `$XDG_CACHE_HOME/gitops-lens/audit`, else `~/.cache/gitops-lens/audit` (XDG Base Directory). */
export function defaultAuditCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(env.HOME || os.homedir(), '.cache');
  return path.join(base, 'gitops-lens', 'audit');
}

export class DiskCacheStore implements CacheStore {
  constructor(readonly dir: string) {}

  private file(key: string): string {
    const h = createHash('sha256').update(key).digest('hex');
    return path.join(this.dir, h.slice(0, 2), `${h}.json`);
  }

  async get(key: string): Promise<string | undefined> {
    const f = this.file(key);
    try {
      const st = await fs.promises.lstat(f);
      if (!st.isFile() || st.size > MAX_ENTRY_BYTES) return undefined;
      const text = await fs.promises.readFile(f, 'utf8');
      // The key is stored beside the value: a hash collision or a foreign file is a miss.
      const nl = text.indexOf('\n');
      return nl > 0 && text.slice(0, nl) === JSON.stringify(key) ? text.slice(nl + 1) : undefined;
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: string): Promise<void> {
    const text = `${JSON.stringify(key)}\n${value}`;
    if (Buffer.byteLength(text) > MAX_ENTRY_BYTES) return;
    const f = this.file(key);
    try {
      await fs.promises.mkdir(path.dirname(f), { recursive: true, mode: 0o700 });
      const tmp = `${f}.${randomBytes(6).toString('hex')}.tmp`;
      await fs.promises.writeFile(tmp, text, { mode: 0o600, flag: 'wx' });
      await fs.promises.rename(tmp, f);
    } catch {
      // A cache that cannot be written is only slower.
    }
  }
}
