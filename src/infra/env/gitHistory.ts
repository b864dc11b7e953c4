/**
 * The GitHistory port of core/env/pending.ts on the audit's git reader (src/infra/git/history.ts):
 * one hermetic, bounded git runner for both. A branch resolves to its remote-tracking ref first, since
 * that is what the cluster's controller fetched, not the local branch the user may be ahead on.
 */
import type { CommitInfo, GitHistory as PendingHistory } from '../../core/env/pending';
import { GitHistory } from '../git/history';

const SHA = /^[0-9a-f]{7,64}$/i;

export class GitCliHistory implements PendingHistory {
  private readonly git: GitHistory;

  constructor(
    root: string,
    private readonly opts: { readonly remote?: string; readonly env?: NodeJS.ProcessEnv } = {},
  ) {
    // Signature states are not shown for pending commits: no gpg per commit.
    this.git = new GitHistory(root, { signatures: false, timeoutMs: 15_000, maxOutputBytes: 4 << 20, ...(opts.env ? { env: opts.env } : {}) });
  }

  async resolve(ref: string): Promise<string | undefined> {
    const remote = this.opts.remote ?? 'origin';
    if (ref.startsWith('-') || !/^[\w./@+-]{1,200}$/.test(ref) || ref.includes('..') || !/^[\w.-]{1,100}$/.test(remote)) return undefined;
    const candidates = SHA.test(ref) ? [ref] : ref === 'HEAD' ? [`refs/remotes/${remote}/HEAD`, 'HEAD'] : [`refs/remotes/${remote}/${ref}`, `refs/heads/${ref}`, `refs/tags/${ref}`, ref];
    const found = await this.git.resolve(candidates).catch(() => new Map<string, string>());
    for (const c of candidates) {
      const sha = found.get(c);
      if (sha) return sha;
    }
    return undefined;
  }

  async commits(range: { readonly from: string; readonly to: string; readonly paths?: readonly string[]; readonly max: number }): Promise<{ readonly commits: readonly CommitInfo[]; readonly total: number }> {
    if (!SHA.test(range.from) || !SHA.test(range.to)) throw new Error(`not a commit: ${SHA.test(range.from) ? range.to : range.from}`);
    const paths = (range.paths ?? []).filter((p) => p !== '' && !p.startsWith('-') && !p.split('/').includes('..'));
    const { commits, total } = await this.git.between({ from: range.from, to: range.to, paths, max: Math.min(range.max, 1000) });
    return { commits: commits.map((c) => ({ sha: c.id, author: c.author.name, date: c.authoredAt, subject: c.subject })), total };
  }
}
