/**
 * Finds the workspace folder that is a clone of an app's repository, by comparing the app's repo URL
 * with the folders' Git remotes. Reads `.git/config` directly (no git process): activation-free and
 * enough for `[remote "…"] url = …` (git-config(1) syntax; `insteadOf` rewrites are not applied).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { normalizeRemoteUrl } from '../core/git/remoteUrl';

export interface GitWorkspace {
  readonly root: string;
  readonly urls: string[];
  /** The checked-out branch (without `refs/heads/`); undefined on a detached HEAD. */
  readonly branch?: string;
}

/**
 * Remote URLs and current branch of the repository containing `folder` (walking up to `.git`).
 * Layout per gitrepository-layout(5): a linked worktree's or submodule's `.git` is a file
 * `gitdir: <path>`; that directory holds the worktree's own `HEAD`, and its `commondir` (worktrees
 * only) points at the directory holding the shared `config`.
 */
export function gitRemotes(folder: string): GitWorkspace | undefined {
  let dir = folder;
  for (;;) {
    const dotGit = path.join(dir, '.git');
    if (fs.existsSync(dotGit)) {
      let gitDir = dotGit;
      if (fs.statSync(dotGit).isFile()) {
        const m = /^gitdir:\s*(.+)$/m.exec(fs.readFileSync(dotGit, 'utf8'));
        if (!m?.[1]) return undefined;
        gitDir = path.resolve(dir, m[1].trim());
      }
      const branch = headBranch(gitDir);
      const common = path.join(gitDir, 'commondir');
      const commonDir = fs.existsSync(common) ? path.resolve(gitDir, fs.readFileSync(common, 'utf8').trim()) : gitDir;
      const configFile = path.join(commonDir, 'config');
      const urls = fs.existsSync(configFile) ? parseRemoteUrls(fs.readFileSync(configFile, 'utf8')) : [];
      return branch === undefined ? { root: dir, urls } : { root: dir, urls, branch };
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The branch `HEAD` names in a git directory: `ref: refs/heads/<branch>` (a symbolic ref, also on an
 * unborn branch); a detached HEAD holds a commit id, and other refs are no branch either.
 */
export function headBranch(gitDir: string): string | undefined {
  let head: string;
  try {
    head = fs.readFileSync(path.join(gitDir, 'HEAD'), 'utf8');
  } catch {
    return undefined;
  }
  return parseHead(head);
}

export function parseHead(head: string): string | undefined {
  const m = /^ref:\s*refs\/heads\/(\S+)\s*$/.exec(head.trim());
  return m?.[1];
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
