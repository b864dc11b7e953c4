/**
 * Finds the repository of a folder and the clones of an app's repository among folders, by reading
 * `.git` files directly (no git process): activation-free, cheap enough for every edit, and allowed in
 * Restricted Mode (no program the repository names runs). Parsing is core/git/gitFiles; remote URLs
 * compare with core/git/remoteUrl normalizeRemoteUrl.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseGitdirFile, parseHead, parseRemoteUrls } from '../../core/git/gitFiles';
import type { GitWorkspace, RepositoryDiscovery } from '../../core/git/ports';
import { normalizeRemoteUrl } from '../../core/git/remoteUrl';
import { readSmallTextSync } from '../repoFiles';

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
        const target = parseGitdirFile(readSmallTextSync(dotGit) ?? '');
        if (!target) return undefined;
        gitDir = path.resolve(dir, target);
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

/** The branch `HEAD` of a git directory names (core/git/gitFiles parseHead). */
function headBranch(gitDir: string): string | undefined {
  const head = readSmallTextSync(path.join(gitDir, 'HEAD'));
  return head === undefined ? undefined : parseHead(head);
}

/** The repositories among `folders` whose remotes match `repoUrl`, each once. */
function findClones(folders: readonly string[], repoUrl: string): GitWorkspace[] {
  const want = normalizeRemoteUrl(repoUrl);
  const out = new Map<string, GitWorkspace>();
  for (const f of folders) {
    const r = gitRemotes(f);
    if (r && !out.has(r.root) && r.urls.some((u) => normalizeRemoteUrl(u) === want)) out.set(r.root, r);
  }
  return [...out.values()];
}

export const nodeRepositoryDiscovery: RepositoryDiscovery = { workspaceOf: gitRemotes, findClones };
