/**
 * Reads the history the audit needs from a local repository with real `git` processes (issue 17,
 * "Git side"): the commits that touched an app's path on the tracked branch (author, committer,
 * dates, message, signature state), the changed files of every commit in a window (one process for
 * all apps), the commit graph (ids and parents, for ancestry and the merge that brought each commit),
 * and lookups of revisions the clusters deployed.
 *
 * - No shell: `spawn('git', args)`; revisions and paths are validated and passed after `--end-of-options`
 *   or `--`, so a name cannot become an option.
 * - Bounded: every process has a time limit and an output cap; past the cap the read fails with a
 *   GitHistoryError rather than returning a silently shortened history.
 * - Hermetic: variables that would point git at another repository are dropped, prompts are off, and
 *   settings that change what `git log` prints (log.showSignature, color, quotePath, renames) are pinned.
 * - Records are parsed in core (core/audit/commits.ts) with separators carrying a random marker per
 *   run, so a commit message cannot forge a record.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { BLAME_LIMITS, parseBlamePorcelain, type BlameResult } from '../../core/audit/blame';
import { logFormat, parseLog, type CommitRecord } from '../../core/audit/commits';
import type { GraphCommit } from '../../core/audit/graph';

export type GitHistoryErrorCode = 'notFound' | 'notARepository' | 'badRevision' | 'tooLarge' | 'timeout' | 'git';

export class GitHistoryError extends Error {
  override readonly name = 'GitHistoryError';
  constructor(
    readonly code: GitHistoryErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface GitHistoryOptions {
  /** git executable; default `git` on PATH. */
  readonly git?: string;
  /** Environment for git; default process.env (minus variables that redirect git). */
  readonly env?: NodeJS.ProcessEnv;
  /** Output cap per process (bytes); default 64 MiB. */
  readonly maxOutputBytes?: number;
  /** Time limit per process; default 30 s. */
  readonly timeoutMs?: number;
  /** Ask git for signature states (`%G?` runs gpg/ssh-keygen per signed commit); default true. */
  readonly signatures?: boolean;
  /**
   * Runs before every git process and throws to refuse it: the editor passes its Restricted Mode guard
   * (src/vscode/trust.ts requireTrust), since a repository's own `.git/config` can name programs git runs.
   */
  readonly beforeGit?: () => void;
}

export interface HistoryQuery {
  /** The tracked branch or any revision (`main`, `origin/main`, a commit id). */
  readonly ref: string;
  /** Only commits newer than this (a Date, epoch ms, or anything `git log --since` takes, e.g. `90.days`). */
  readonly since?: Date | number | string;
  /** At most this many commits (default 10,000). */
  readonly maxCount?: number;
}

const DROPPED_ENV = /^(GIT_DIR|GIT_WORK_TREE|GIT_INDEX_FILE|GIT_OBJECT_DIRECTORY|GIT_ALTERNATE_OBJECT_DIRECTORIES|GIT_COMMON_DIR|GIT_NAMESPACE|GIT_CONFIG_COUNT|GIT_CONFIG_KEY_\d+|GIT_CONFIG_VALUE_\d+|GIT_CONFIG_PARAMETERS|GIT_EXTERNAL_DIFF|GIT_PAGER|PAGER)$/;

/** Settings that would change what `git log` prints, pinned for every call. */
const PINNED = ['-c', 'log.showSignature=false', '-c', 'color.ui=never', '-c', 'core.quotePath=false', '-c', 'diff.renames=false', '-c', 'log.mailmap=false', '-c', 'core.pager=cat', '-c', 'gc.auto=0', '-c', 'maintenance.auto=false'];

const DEFAULT_MAX_COUNT = 10_000;
const MAX_COUNT = 200_000;

/** A revision as a user or a controller wrote it: no option, no range, no pathspec magic. */
function checkRevision(rev: string): void {
  if (rev === '' || rev.length > 256 || rev.startsWith('-') || /[\s\0~^:?*[\\]|\.\.|@\{/.test(rev)) {
    throw new GitHistoryError('badRevision', `"${rev.slice(0, 80)}" is not a branch, tag or commit id GitOps Lens will pass to git`);
  }
}

/** An app path relative to the repository root, as a literal pathspec (no `:(magic)`, no `..`). */
function literalPath(p: string): string {
  const clean = p.replace(/\\/g, '/').replace(/^\.\/+/, '').replace(/^\/+/, '').replace(/\/+$/, '');
  if (clean.split('/').some((s) => s === '..') || clean.includes('\0')) throw new GitHistoryError('badRevision', `"${p.slice(0, 80)}" leaves the repository`);
  return clean === '' ? '.' : clean;
}

function sinceArg(since: HistoryQuery['since']): string[] {
  if (since === undefined) return [];
  if (since instanceof Date) return [`--since=${since.toISOString()}`];
  if (typeof since === 'number') return [`--since=${new Date(since).toISOString()}`];
  if (!/^[\w.:+-]{1,40}$/.test(since)) throw new GitHistoryError('badRevision', `"${since.slice(0, 40)}" is not a date git understands`);
  return [`--since=${since}`];
}

const countArg = (n: number | undefined): string => `--max-count=${Math.max(1, Math.min(MAX_COUNT, Math.floor(n ?? DEFAULT_MAX_COUNT)))}`;

export class GitHistory {
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    readonly repoDir: string,
    private readonly opts: GitHistoryOptions = {},
  ) {
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(opts.env ?? process.env)) if (!DROPPED_ENV.test(k)) env[k] = v;
    env.GIT_TERMINAL_PROMPT = '0';
    env.GIT_OPTIONAL_LOCKS = '0';
    this.env = env;
  }

  private run(args: readonly string[], input?: string): Promise<string> {
    try {
      this.opts.beforeGit?.();
    } catch (err) {
      return Promise.reject(err);
    }
    const max = this.opts.maxOutputBytes ?? 64 << 20;
    const timeoutMs = this.opts.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const child = spawn(this.opts.git ?? 'git', [...PINNED, ...args], { cwd: this.repoDir, env: this.env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let size = 0;
      let failure: GitHistoryError | undefined;
      const stop = (e: GitHistoryError): void => {
        if (failure) return;
        failure = e;
        child.kill('SIGKILL');
      };
      const timer = setTimeout(() => stop(new GitHistoryError('timeout', `git ${args[0] ?? ''} did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
      child.stdout?.on('data', (d: Buffer) => {
        size += d.length;
        if (size > max) stop(new GitHistoryError('tooLarge', `git ${args[0] ?? ''} printed more than ${max >> 20} MiB; narrow the time window (--since) or the paths`));
        else out.push(d);
      });
      child.stderr?.on('data', (d: Buffer) => {
        if (err.length < 64) err.push(d);
      });
      child.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new GitHistoryError(e.code === 'ENOENT' ? 'notFound' : 'git', e.code === 'ENOENT' ? `git was not found (${this.opts.git ?? 'git'}); install git or put it on PATH` : `could not run git: ${e.message}`));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        if (failure) return reject(failure);
        const stderr = Buffer.concat(err).toString('utf8').trim();
        if (code !== 0) {
          if (/not a git repository/i.test(stderr)) return reject(new GitHistoryError('notARepository', `${this.repoDir} is not a Git repository`));
          if (/unknown revision|bad revision|ambiguous argument|bad object|invalid object name/i.test(stderr)) {
            return reject(new GitHistoryError('badRevision', `git does not know ${stderr.split('\n')[0]?.replace(/^fatal: /, '') ?? 'that revision'}`));
          }
          return reject(new GitHistoryError('git', `git ${args[0] ?? ''} failed: ${stderr.split('\n').slice(-2).join(' ')}`));
        }
        resolve(Buffer.concat(out).toString('utf8'));
      });
      if (input !== undefined && child.stdin) {
        child.stdin.on('error', () => undefined);
        child.stdin.end(input);
      }
    });
  }

  private format(): { nonce: string; args: string[] } {
    const nonce = randomBytes(8).toString('hex');
    let format = logFormat(nonce);
    // Without signature checks the fields stay, empty, so the parser reads one shape.
    if (this.opts.signatures === false) format = format.replace('%G?', 'N').replace('%GS', '').replace('%GK', '');
    return { nonce, args: ['-z', `--format=${format}`] };
  }

  private async log(extra: readonly string[], ref: string, paths?: readonly string[]): Promise<CommitRecord[]> {
    checkRevision(ref);
    const { nonce, args } = this.format();
    const text = await this.run(['log', ...args, ...extra, '--end-of-options', ref, '--', ...(paths ?? [])]);
    return parseLog(text, nonce).commits;
  }

  /**
   * Commits reachable from `ref` that changed any of `paths` (git's default history simplification, as
   * `git log REF -- PATH` shows them), newest first. `withFiles` adds each commit's changed files.
   */
  async pathHistory(q: HistoryQuery & { readonly paths: readonly string[]; readonly withFiles?: boolean }): Promise<CommitRecord[]> {
    const paths = q.paths.map(literalPath);
    return this.log([...sinceArg(q.since), countArg(q.maxCount), ...(q.withFiles ? ['--name-only'] : [])], q.ref, paths.map((p) => `:(literal)${p}`));
  }

  /**
   * Every commit reachable from `ref` in the window with the files it changed (merges list none, as in
   * `git log --name-only`): one process answers for every app path of a repository.
   */
  async changes(q: HistoryQuery): Promise<CommitRecord[]> {
    return this.log([...sinceArg(q.since), countArg(q.maxCount), '--name-only'], q.ref);
  }

  /** The commits named (full ids), in the given order; unknown ids are left out. */
  async commits(ids: readonly string[]): Promise<CommitRecord[]> {
    const full = [...new Set(ids.map((i) => i.toLowerCase()))].filter((i) => /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(i));
    // git log stops at the first unknown object: ask which exist first.
    const exists = await this.resolve(full);
    const known = full.filter((i) => exists.get(i) === i);
    if (known.length === 0) return [];
    const { nonce, args } = this.format();
    const out: CommitRecord[] = [];
    // Bounded argv: at most 500 ids per process.
    for (let i = 0; i < known.length; i += 500) {
      const text = await this.run(['log', ...args, '--no-walk=unsorted', '--end-of-options', ...known.slice(i, i + 500), '--']);
      out.push(...parseLog(text, nonce).commits);
    }
    return out;
  }

  /**
   * Commits in `to` that `from` lacks (`git log from..to`), optionally only those touching `paths`,
   * newest first and at most `max`, with how many there are in all (`git rev-list --count`).
   */
  async between(q: { readonly from: string; readonly to: string; readonly paths?: readonly string[]; readonly max: number }): Promise<{ readonly commits: readonly CommitRecord[]; readonly total: number }> {
    checkRevision(q.from);
    checkRevision(q.to);
    const paths = (q.paths ?? []).map((p) => `:(literal)${literalPath(p)}`);
    const range = `${q.from}..${q.to}`;
    const total = Number((await this.run(['rev-list', '--count', '--end-of-options', range, '--', ...paths])).trim());
    if (!Number.isFinite(total) || total === 0 || q.max <= 0) return { commits: [], total: Number.isFinite(total) ? total : 0 };
    const { nonce, args } = this.format();
    const text = await this.run(['log', ...args, countArg(q.max), '--end-of-options', range, '--', ...paths]);
    return { commits: parseLog(text, nonce).commits, total };
  }

  /** Ids and parents of the commits reachable from `refs` in the window (one `git log --format=%H %P`). */
  async graph(q: { readonly refs: readonly string[]; readonly since?: HistoryQuery['since']; readonly maxCount?: number }): Promise<GraphCommit[]> {
    if (q.refs.length === 0) return [];
    q.refs.forEach(checkRevision);
    const text = await this.run(['log', '--format=%H %P', ...sinceArg(q.since), countArg(q.maxCount), '--end-of-options', ...q.refs, '--']);
    const out: GraphCommit[] = [];
    for (const line of text.split('\n')) {
      const ids = line.trim().split(' ');
      if (ids[0] && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(ids[0])) out.push({ id: ids[0], parents: ids.slice(1).filter((p) => p !== '') });
    }
    return out;
  }

  /**
   * Which of these names are commits in the repository: name → full id. Names that are not (a commit
   * the cluster deployed but this clone has not fetched) are absent. One `git cat-file --batch-check`.
   */
  async resolve(names: readonly string[]): Promise<Map<string, string>> {
    const wanted = [...new Set(names)].filter((n) => /^[0-9A-Za-z._\/-]{1,256}$/.test(n) && !n.startsWith('-'));
    const out = new Map<string, string>();
    if (wanted.length === 0) return out;
    const text = await this.run(['cat-file', '--batch-check=%(objectname) %(objecttype)'], wanted.map((n) => `${n}^{commit}`).join('\n') + '\n');
    const lines = text.split('\n');
    wanted.forEach((n, i) => {
      const m = /^([0-9a-f]{40}(?:[0-9a-f]{24})?) commit$/.exec(lines[i] ?? '');
      if (m?.[1]) out.set(n, m[1]);
    });
    return out;
  }

  /**
   * `git blame --porcelain` of lines `startLine`..`endLine` (1-based, inclusive) of a working-tree file
   * (repo-relative), or of `contents` in its place (`--contents -`: an editor buffer with unsaved
   * edits; its lines that differ from HEAD come back as not committed). At most
   * BLAME_LIMITS.maxLines lines per call; parsed in core/audit/blame.ts.
   */
  async blame(q: { readonly file: string; readonly startLine: number; readonly endLine: number; readonly contents?: string }): Promise<BlameResult> {
    const file = literalPath(q.file);
    const start = Math.max(1, Math.floor(q.startLine));
    const end = Math.min(Math.floor(q.endLine), start + BLAME_LIMITS.maxLines - 1);
    if (file === '.' || !(end >= start)) throw new GitHistoryError('badRevision', `lines ${q.startLine}-${q.endLine} of "${q.file.slice(0, 80)}" are not a range git blame takes`);
    if (q.contents !== undefined && q.contents.length > BLAME_LIMITS.maxContentChars) throw new GitHistoryError('tooLarge', `the document is larger than ${BLAME_LIMITS.maxContentChars} characters; it is not blamed`);
    const args = ['blame', '--porcelain', '-L', `${start},${end}`, ...(q.contents !== undefined ? ['--contents', '-'] : []), '--', file];
    return parseBlamePorcelain(await this.run(args, q.contents));
  }

  /** The URL of a remote (default `origin`), or undefined. */
  async remoteUrl(remote = 'origin'): Promise<string | undefined> {
    if (!/^[\w.-]{1,100}$/.test(remote)) return undefined;
    try {
      return (await this.run(['remote', 'get-url', '--end-of-options', remote])).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** The checked-out branch, or undefined (detached HEAD). */
  async currentBranch(): Promise<string | undefined> {
    try {
      return (await this.run(['symbolic-ref', '--quiet', '--short', 'HEAD'])).trim() || undefined;
    } catch {
      return undefined;
    }
  }
}
