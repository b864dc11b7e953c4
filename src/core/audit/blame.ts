/**
 * `git blame --porcelain` read for the audit's blame hover (issue 17, "Blame with deployment"):
 * which commit last changed each line of a manifest. src/infra/git/history.ts runs git; the format is
 * read here, pure (git-blame(1) "THE PORCELAIN FORMAT"):
 *
 *   <40 or 64 hex> <original line> <final line> [<lines in this group>]
 *   author <name> / author-mail <<email>> / author-time <unix seconds> / author-tz <+hhmm>
 *   committer … (the same four) / summary <subject> / [boundary] / [previous <id> <file>] / filename <file>
 *   \t<the line's text>
 *
 * The header keys come only the first time a commit appears in the output; later lines of the same
 * commit repeat the first line and the text. Lines not committed yet carry the all-zero id. Input is
 * bounded: at most BLAME_LIMITS.maxLines lines are read, header values are cut.
 */

export const BLAME_LIMITS = { maxLines: 5000, maxValue: 1000, maxContentChars: 4 << 20 } as const;

/** The id git blame prints for lines of the working tree (or `--contents`) that no commit holds. */
const UNCOMMITTED = /^0+$/;

export interface BlameCommit {
  readonly id: string;
  readonly author: { readonly name: string; readonly email: string };
  /** RFC 3339 in UTC (from the Unix time git prints). */
  readonly authoredAt?: string;
  readonly committer: { readonly name: string; readonly email: string };
  readonly committedAt?: string;
  readonly summary: string;
  /** Not committed yet (the all-zero id). */
  readonly uncommitted: boolean;
}

interface BlameLine {
  /** 1-based line number in the blamed text. */
  readonly line: number;
  /** Full commit id, lower case. */
  readonly commit: string;
}

export interface BlameResult {
  readonly lines: readonly BlameLine[];
  readonly commits: ReadonlyMap<string, BlameCommit>;
}

const HEADER = /^([0-9a-f]{40}|[0-9a-f]{64}) (\d+) (\d+)(?: (\d+))?$/;

const cut = (s: string): string => s.slice(0, BLAME_LIMITS.maxValue);
const unixToIso = (s: string | undefined): string | undefined => {
  const n = Number(s);
  return s !== undefined && /^\d{1,12}$/.test(s) && Number.isFinite(n) ? new Date(n * 1000).toISOString().replace(/\.000Z$/, 'Z') : undefined;
};

/** Parses porcelain output; what does not fit the format is skipped. */
export function parseBlamePorcelain(text: string): BlameResult {
  const lines: BlameLine[] = [];
  const fields = new Map<string, Map<string, string>>();
  const rows = text.split('\n');
  let current: string | undefined;
  for (const row of rows) {
    if (lines.length >= BLAME_LIMITS.maxLines) break;
    if (row.startsWith('\t')) {
      current = undefined;
      continue;
    }
    const h = current === undefined ? HEADER.exec(row) : null;
    if (h) {
      const id = h[1]!.toLowerCase();
      current = id;
      lines.push({ line: Number(h[3]), commit: id });
      if (!fields.has(id)) fields.set(id, new Map());
      continue;
    }
    if (current === undefined) continue;
    const sp = row.indexOf(' ');
    const key = sp < 0 ? row : row.slice(0, sp);
    const value = sp < 0 ? '' : row.slice(sp + 1);
    const f = fields.get(current)!;
    if (!f.has(key) && f.size < 32) f.set(key, cut(value));
  }
  const commits = new Map<string, BlameCommit>();
  for (const [id, f] of fields) {
    const mail = (k: string) => (f.get(k) ?? '').replace(/^<|>$/g, '');
    const authoredAt = unixToIso(f.get('author-time'));
    const committedAt = unixToIso(f.get('committer-time'));
    commits.set(id, {
      id,
      author: { name: f.get('author') ?? '', email: mail('author-mail') },
      ...(authoredAt ? { authoredAt } : {}),
      committer: { name: f.get('committer') ?? '', email: mail('committer-mail') },
      ...(committedAt ? { committedAt } : {}),
      summary: f.get('summary') ?? '',
      uncommitted: UNCOMMITTED.test(id),
    });
  }
  return { lines, commits };
}

/**
 * The commit that last changed a span of lines: the newest by committer time among the committed ones;
 * undefined when every line is uncommitted or the span was not blamed.
 */
export function newestCommitOf(result: BlameResult, fromLine: number, toLine: number): BlameCommit | undefined {
  let best: BlameCommit | undefined;
  for (const l of result.lines) {
    if (l.line < fromLine || l.line > toLine) continue;
    const c = result.commits.get(l.commit);
    if (!c || c.uncommitted) continue;
    if (!best || Date.parse(c.committedAt ?? '') > Date.parse(best.committedAt ?? '')) best = c;
  }
  return best;
}

/** The commit of one line (1-based), uncommitted ones included; undefined when not blamed. */
export function commitOfLine(result: BlameResult, line: number): BlameCommit | undefined {
  const l = result.lines.find((x) => x.line === line);
  return l ? result.commits.get(l.commit) : undefined;
}
