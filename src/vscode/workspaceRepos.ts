/**
 * Finds the workspace folder that is a clone of an app's repository, by comparing the app's repo URL
 * with the folders' Git remotes. Reads `.git/config` directly (no git process): activation-free and
 * enough for `[remote "…"] url = …` (git-config(1) syntax; `insteadOf` rewrites are not applied).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { normalizeRemoteUrl } from '../core/git/remoteUrl';
import { readSmallTextSync } from '../infra/repoFiles';

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
 * only) points at the directory holding the shared `config`. A folder someone else wrote may point
 * those anywhere (issue 12): only regular files of at most 1 MiB are read (readSmallTextSync), so a
 * FIFO or `/dev/zero` behind `.git`, `HEAD` or `config` is no repository rather than a hang.
 */
export function gitRemotes(folder: string): GitWorkspace | undefined {
  let dir = folder;
  for (;;) {
    const dotGit = path.join(dir, '.git');
    const st = fs.statSync(dotGit, { throwIfNoEntry: false });
    if (st) {
      let gitDir = dotGit;
      if (!st.isDirectory()) {
        const m = /^gitdir:\s*(.+)$/m.exec(readSmallTextSync(dotGit) ?? '');
        if (!m?.[1]) return undefined;
        gitDir = path.resolve(dir, m[1].trim());
      }
      const branch = headBranch(gitDir);
      const common = readSmallTextSync(path.join(gitDir, 'commondir'));
      const commonDir = common !== undefined ? path.resolve(gitDir, common.trim()) : gitDir;
      const urls = parseRemoteUrls(readSmallTextSync(path.join(commonDir, 'config')) ?? '');
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
  const head = readSmallTextSync(path.join(gitDir, 'HEAD'));
  return head === undefined ? undefined : parseHead(head);
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
