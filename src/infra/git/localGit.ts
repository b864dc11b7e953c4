/**
 * Read-only questions to the user's repository for the pull-request commands: what changed against
 * HEAD, a file's HEAD version, the log of a path. Nothing here writes to the working tree, the index
 * or refs; publishing happens in a temporary index (src/infra/git/publish.ts).
 *
 * Runs `git` asynchronously (a synchronous child would block the extension host), and never in an
 * untrusted workspace: the repository's own `.git/config` may name programs git runs (core.fsmonitor,
 * core.pager, diff/filter drivers…). The guard is given by the editor (src/vscode/trust.ts
 * requireTrust, which throws in Restricted Mode) and runs before every process.
 */
import { execFile } from 'node:child_process';
import type { ChangedFile, LocalGit, LogEntry } from '../../core/git/ports';

const MANIFEST = /\.ya?ml$/i;
const MAX_OUTPUT = 64 * 1024 * 1024;

export class NodeLocalGit implements LocalGit {
  /** `beforeGit` throws to refuse a git process (Restricted Mode); it runs before each one. */
  constructor(private readonly beforeGit: () => void) {}

  private git(cwd: string, args: readonly string[], opts: { allowFail?: boolean } = {}): Promise<string> {
    this.beforeGit();
    return new Promise((resolve, reject) => {
      // GIT_OPTIONAL_LOCKS=0: `git status` must not refresh the user's index file (git(1) "GIT_OPTIONAL_LOCKS").
      execFile('git', [...args], { cwd, maxBuffer: MAX_OUTPUT, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0' } }, (err, stdout, stderr) => {
        if (err && !opts.allowFail) reject(new Error(`git ${args[0] ?? ''} failed: ${(stderr || err.message).trim()}`));
        else resolve(stdout);
      });
    });
  }

  async repoRootOf(dir: string): Promise<string | undefined> {
    const out = await this.git(dir, ['rev-parse', '--show-toplevel'], { allowFail: true });
    return out.trim() || undefined;
  }

  /** From `git status --porcelain=v1 -z` (git-status(1) "Porcelain Format Version 1"). */
  async changedFiles(root: string, all = false): Promise<ChangedFile[]> {
    const out = await this.git(root, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames']);
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

  async headContent(root: string, rel: string): Promise<string | undefined> {
    this.beforeGit();
    return new Promise((resolve) => {
      execFile('git', ['show', `HEAD:${rel}`], { cwd: root, maxBuffer: MAX_OUTPUT, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0' } }, (err, stdout) =>
        resolve(err ? undefined : stdout),
      );
    });
  }

  async logOfPath(root: string, rel: string, max = 50): Promise<LogEntry[]> {
    const out = await this.git(root, ['log', `-n${max}`, '--format=%H%x1f%an%x1f%ad%x1f%s%x1e', '--date=short', '--', rel || '.']);
    return out
      .split('\x1e')
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => {
        const [sha = '', author = '', date = '', subject = ''] = l.split('\x1f');
        return { sha, author, date, subject };
      });
  }

  /** Argo CD history revisions may not be fetched locally. */
  async hasCommit(root: string, sha: string): Promise<boolean> {
    const out = await this.git(root, ['cat-file', '-t', sha], { allowFail: true });
    return out.trim() === 'commit';
  }

  async commitSubject(root: string, sha: string): Promise<string | undefined> {
    const out = await this.git(root, ['log', '-n1', '--format=%s', sha], { allowFail: true });
    return out.trim() || undefined;
  }

  /** `git ls-tree --name-only HEAD dir/`. */
  async headDirFiles(root: string, dir: string): Promise<string[]> {
    const out = await this.git(root, ['ls-tree', '--name-only', 'HEAD', `${dir.replace(/\/+$/, '')}/`], { allowFail: true });
    return out
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .map((p) => p.slice(p.lastIndexOf('/') + 1));
  }
}
