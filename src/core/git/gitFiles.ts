/**
 * The few `.git` files GitOps Lens reads without a git process, parsed (gitrepository-layout(5),
 * git-config(1)). The reads themselves, bounded, are in src/infra/git/workspaceRepos.ts.
 */

/**
 * The branch a `HEAD` file names: `ref: refs/heads/<branch>` (a symbolic ref, also on an unborn
 * branch); a detached HEAD holds a commit id, and other refs are no branch either.
 */
export function parseHead(head: string): string | undefined {
  const m = /^ref:\s*refs\/heads\/(\S+)\s*$/.exec(head.trim());
  return m?.[1];
}

/** The directory a `.git` file (linked worktree, submodule) points at: `gitdir: <path>`, as written. */
export function parseGitdirFile(text: string): string | undefined {
  const m = /^gitdir:\s*(.+)$/m.exec(text);
  return m?.[1]?.trim() || undefined;
}

/** The `url` of every `[remote "…"]` section of a git config file, in order. `insteadOf` rewrites are not applied. */
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
