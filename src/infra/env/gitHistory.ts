/**
 * The GitHistory port of core/env/pending.ts over plain `git` in the user's clone: `rev-parse` to
 * resolve a branch (its remote-tracking ref first: that is what the cluster's controller fetched, not
 * the local branch the user may be ahead on), `rev-list --count` and `log` for the commits between two
 * revisions, optionally only those touching some paths. Read-only; bounded in time and output; refs
 * and paths are validated and passed after `--end-of-options` / `--`, never as options.
 *
 * A minimal port of our own: src/infra/git/history.ts (issue 17) reads history for the audit views;
 * when it lands, this can sit on it.
 */
import { execFile } from 'node:child_process';
import type { CommitInfo, GitHistory } from '../../core/env/pending';

const TIMEOUT_MS = 15_000;
const MAX_OUTPUT = 4 * 1024 * 1024;
/** git-check-ref-format(1), roughly: no leading '-', no '..', no control characters or spaces. */
const REF = /^(?!-)(?!.*\.\.)[\w./@+-]{1,200}$/;
const SHA = /^[0-9a-f]{7,64}$/i;

export class GitCliHistory implements GitHistory {
  constructor(
    private readonly root: string,
    private readonly opts: { readonly remote?: string; readonly env?: NodeJS.ProcessEnv } = {},
  ) {}

  async resolve(ref: string): Promise<string | undefined> {
    if (!REF.test(ref)) return undefined;
    const remote = this.opts.remote ?? 'origin';
    const candidates = SHA.test(ref) ? [ref] : ref === 'HEAD' ? [`refs/remotes/${remote}/HEAD`, 'HEAD'] : [`refs/remotes/${remote}/${ref}`, `refs/heads/${ref}`, `refs/tags/${ref}`, ref];
    for (const c of candidates) {
      const out = await this.git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${c}^{commit}`]).catch(() => undefined);
      const sha = out?.trim();
      if (sha && /^[0-9a-f]{40,64}$/.test(sha)) return sha;
    }
    return undefined;
  }

  async commits(range: { readonly from: string; readonly to: string; readonly paths?: readonly string[]; readonly max: number }): Promise<{ readonly commits: readonly CommitInfo[]; readonly total: number }> {
    if (!SHA.test(range.from) || !SHA.test(range.to)) throw new Error(`not a commit: ${SHA.test(range.from) ? range.to : range.from}`);
    const paths = (range.paths ?? []).filter((p) => p !== '' && !p.startsWith('-') && !p.split('/').includes('..'));
    const spec = [`${range.from}..${range.to}`];
    const tail = paths.length > 0 ? ['--', ...paths.map((p) => `:(literal)${p}`)] : [];
    const total = Number((await this.git(['rev-list', '--count', '--end-of-options', ...spec, ...tail])).trim());
    if (range.max <= 0 || total === 0) return { commits: [], total: Number.isFinite(total) ? total : 0 };
    const out = await this.git(['log', `--max-count=${Math.min(range.max, 1000)}`, '--format=%H%x00%an%x00%aI%x00%s%x1e', '--end-of-options', ...spec, ...tail]);
    const commits = out
      .split('\x1e')
      .map((r) => r.replace(/^\n/, ''))
      .filter((r) => r !== '')
      .map((r) => {
        const [sha = '', author = '', date = '', subject = ''] = r.split('\0');
        return { sha, author, date, subject };
      });
    return { commits, total };
  }

  private git(args: readonly string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile(
        'git',
        ['-C', this.root, '-c', 'core.quotePath=off', ...args],
        {
          timeout: TIMEOUT_MS,
          killSignal: 'SIGKILL',
          maxBuffer: MAX_OUTPUT,
          encoding: 'utf8',
          windowsHide: true,
          // No pager, no prompt, no system config: read-only plumbing.
          env: { ...(this.opts.env ?? process.env), GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C' },
        },
        (err, stdout, stderr) => (err ? reject(new Error(`git ${args[0] ?? ''} failed: ${(stderr || err.message).trim().split('\n')[0] ?? ''}`)) : resolve(stdout)),
      );
    });
  }
}
