/**
 * Finds the workspace folder that is a clone of an app's repository, by comparing the app's repo URL
 * with the folders' Git remotes. Reads `.git/config` directly (no git process): activation-free and
 * enough for `[remote "…"] url = …` (git-config(1) syntax; `insteadOf` rewrites are not applied).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { normalizeRemoteUrl } from '../core/git/remoteUrl';

/** Remote URLs of the repository containing `folder` (walking up to the `.git` directory). */
export function gitRemotes(folder: string): { root: string; urls: string[] } | undefined {
  let dir = folder;
  for (;;) {
    const dotGit = path.join(dir, '.git');
    if (fs.existsSync(dotGit)) {
      let gitDir = dotGit;
      if (fs.statSync(dotGit).isFile()) {
        // Worktrees and submodules: `.git` is a file `gitdir: <path>`.
        const m = /^gitdir:\s*(.+)$/m.exec(fs.readFileSync(dotGit, 'utf8'));
        if (!m?.[1]) return undefined;
        gitDir = path.resolve(dir, m[1].trim());
        const common = path.join(gitDir, 'commondir');
        if (fs.existsSync(common)) gitDir = path.resolve(gitDir, fs.readFileSync(common, 'utf8').trim());
      }
      const configFile = path.join(gitDir, 'config');
      if (!fs.existsSync(configFile)) return { root: dir, urls: [] };
      return { root: dir, urls: parseRemoteUrls(fs.readFileSync(configFile, 'utf8')) };
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function parseRemoteUrls(config: string): string[] {
  const urls: string[] = [];
  let inRemote = false;
  for (const raw of config.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('[')) {
      inRemote = /^\[remote\s+"[^"]*"\]$/.test(line);
      continue;
    }
    const m = /^url\s*=\s*(.+)$/.exec(line);
    if (inRemote && m?.[1]) urls.push(m[1].replace(/^"(.*)"$/, '$1'));
  }
  return urls;
}

/** The local repository roots among `folders` whose remotes match `repoUrl`. */
export function findClones(folders: readonly string[], repoUrl: string): string[] {
  const want = normalizeRemoteUrl(repoUrl);
  const out = new Set<string>();
  for (const f of folders) {
    const r = gitRemotes(f);
    if (r && r.urls.some((u) => normalizeRemoteUrl(u) === want)) out.add(r.root);
  }
  return [...out];
}
