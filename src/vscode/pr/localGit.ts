/**
 * Read-only questions to the user's repository for the pull-request commands: what changed against
 * HEAD, a file's HEAD version, the log of a path. Nothing here writes to the working tree, the index
 * or refs; publishing happens in a temporary worktree (src/infra/git/publish.ts).
 *
 * Runs `git` asynchronously (a synchronous child would block the extension host), and never in an
 * untrusted workspace: the repository's own `.git/config` may name programs git runs (core.fsmonitor,
 * core.pager, diff/filter drivers…), so Restricted Mode refuses here (trust.ts requireTrust).
 */
import { execFile } from 'node:child_process';
import { requireTrust } from '../trust';

export interface ChangedFile {
  /** Repo-relative, posix. */
  readonly path: string;
  readonly status: 'added' | 'modified' | 'deleted';
}

export interface LogEntry {
  readonly sha: string;
  readonly author: string;
  readonly date: string;
  readonly subject: string;
}

function git(cwd: string, args: readonly string[], opts: { allowFail?: boolean } = {}): Promise<string> {
  requireTrust('Pull requests');
  return new Promise((resolve, reject) => {
    // GIT_OPTIONAL_LOCKS=0: `git status` must not refresh the user's index file (git(1) "GIT_OPTIONAL_LOCKS").
    execFile('git', [...args], { cwd, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0' } }, (err, stdout, stderr) => {
      if (err && !opts.allowFail) reject(new Error(`git ${args[0] ?? ''} failed: ${(stderr || err.message).trim()}`));
      else resolve(stdout);
    });
  });
}

/** `git rev-parse --show-toplevel` of a folder or file's directory; undefined outside a repository. */
export async function repoRootOf(dir: string): Promise<string | undefined> {
  const out = await git(dir, ['rev-parse', '--show-toplevel'], { allowFail: true });
  return out.trim() || undefined;
}

const MANIFEST = /\.ya?ml$/i;

/**
 * Files that differ from HEAD in the working tree (staged, unstaged or untracked), YAML only unless
 * `all`. From `git status --porcelain=v1 -z` (git-status(1) "Porcelain Format Version 1").
 */
export async function changedFiles(root: string, all = false): Promise<ChangedFile[]> {
  const out = await git(root, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames']);
  const files: ChangedFile[] = [];
  for (const entry of out.split('\0')) {
    if (entry.length < 4) continue;
    const xy = entry.slice(0, 2);
    const p = entry.slice(3);
    if (!all && !MANIFEST.test(p)) continue;
    const status = xy === '??' || xy.includes('A') ? 'added' : xy.includes('D') ? 'deleted' : 'modified';
    files.push({ path: p, status });
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** The file's content at HEAD, or undefined when HEAD has no such file. */
export async function headContent(root: string, rel: string): Promise<string | undefined> {
  requireTrust('Pull requests');
  return new Promise((resolve) => {
    execFile('git', ['show', `HEAD:${rel}`], { cwd: root, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } }, (err, stdout) =>
      resolve(err ? undefined : stdout),
    );
  });
}

/** Commits touching `rel` (a file or directory), newest first. */
export async function logOfPath(root: string, rel: string, max = 50): Promise<LogEntry[]> {
  const out = await git(root, ['log', `-n${max}`, '--format=%H%x1f%an%x1f%ad%x1f%s%x1e', '--date=short', '--', rel || '.']);
  return out
    .split('\x1e')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [sha = '', author = '', date = '', subject = ''] = l.split('\x1f');
      return { sha, author, date, subject };
    });
}

/** Whether `sha` names a commit in the user's repository (Argo CD history revisions may not be fetched). */
export async function hasCommit(root: string, sha: string): Promise<boolean> {
  const out = await git(root, ['cat-file', '-t', sha], { allowFail: true });
  return out.trim() === 'commit';
}

export async function commitSubject(root: string, sha: string): Promise<string | undefined> {
  const out = await git(root, ['log', '-n1', '--format=%s', sha], { allowFail: true });
  return out.trim() || undefined;
}

/** Names of the files directly in `dir` at HEAD (`git ls-tree --name-only HEAD dir/`); empty when absent. */
export async function headDirFiles(root: string, dir: string): Promise<string[]> {
  const out = await git(root, ['ls-tree', '--name-only', 'HEAD', `${dir.replace(/\/+$/, '')}/`], { allowFail: true });
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((p) => p.slice(p.lastIndexOf('/') + 1));
}
