/**
 * Commits as the audit reads them from `git log` (src/infra/git/history.ts runs git; parsing is here,
 * pure, so the editor and the CLI read the same fields the same way).
 *
 * The format puts every field between separators that carry a marker chosen per run by the caller
 * (random), so a commit message cannot forge a record or a field: git prints messages verbatim.
 */
export interface Person {
  readonly name: string;
  readonly email: string;
}

/**
 * `%G?` of git-log(1) PRETTY FORMATS: G good, B bad, U good with unknown validity, X good but
 * expired, Y good by an expired key, R good by a revoked key, E cannot be checked (missing key), N none.
 */
export type SignatureState = 'good' | 'bad' | 'untrusted' | 'expired' | 'expiredKey' | 'revokedKey' | 'unverifiable' | 'unsigned';

const SIGNATURE_STATES: Readonly<Record<string, SignatureState>> = {
  G: 'good',
  B: 'bad',
  U: 'untrusted',
  X: 'expired',
  Y: 'expiredKey',
  R: 'revokedKey',
  E: 'unverifiable',
  N: 'unsigned',
};

export function signatureStateOf(code: string): SignatureState {
  return SIGNATURE_STATES[code.trim()] ?? 'unverifiable';
}

interface CommitSignature {
  /** The `%G?` letter as git printed it. */
  readonly code: string;
  readonly state: SignatureState;
  /** `%GS`: the signer's name as the key says it. */
  readonly signer?: string;
  /** `%GK`: the key id. */
  readonly key?: string;
}

export interface CommitRecord {
  /** Full commit id, lower case. */
  readonly id: string;
  readonly parents: readonly string[];
  readonly author: Person;
  /** Strict ISO 8601 (`%aI`), with the author's offset. */
  readonly authoredAt: string;
  readonly committer: Person;
  readonly committedAt: string;
  readonly subject: string;
  /** The message after the subject, cut at MAX_BODY characters. */
  readonly body: string;
  readonly signature: CommitSignature;
  /** Paths the commit changed (relative to the repository root), when the log was asked for them. */
  readonly files?: readonly string[];
}

/** `Name <email>`, the form the audit's JSON uses for authors and committers. */
export function formatPerson(p: Person): string {
  return `${p.name} <${p.email}>`;
}

/** Fields of the log format, in order; `--format` is built from this list so both sides agree. */
const LOG_FIELDS = ['%H', '%P', '%an', '%ae', '%aI', '%cn', '%ce', '%cI', '%G?', '%GS', '%GK', '%s', '%b'] as const;

/** Bounds: a repository's commit messages are the author's to write. */
const LOG_LIMITS = { maxBody: 4000, maxSubject: 1000, maxFilesPerCommit: 5000 } as const;

/** The separators of one run: `\x1e<marker>` starts a record, `\x1f<marker>\x1f` separates fields, `\x1f<marker>\x1d` ends them. */
interface LogMarkers {
  readonly record: string;
  readonly field: string;
  readonly end: string;
}

function logMarkers(nonce: string): LogMarkers {
  if (!/^[0-9a-z]{8,64}$/i.test(nonce)) throw new Error('the log marker must be 8–64 letters or digits');
  return { record: `\x1e${nonce}`, field: `\x1f${nonce}\x1f`, end: `\x1f${nonce}\x1d` };
}

/** `--format=` value for `git log` with these markers (git expands %x1e, %x1f, %x1d). */
export function logFormat(nonce: string): string {
  const hex = (s: string) => s.replace(/\x1e/g, '%x1e').replace(/\x1f/g, '%x1f').replace(/\x1d/g, '%x1d');
  const m = logMarkers(nonce);
  return `${hex(m.record)}${LOG_FIELDS.join(hex(m.field))}${hex(m.end)}`;
}

const HEX = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * Parses `git log -z [--name-only] --format=<logFormat(nonce)>` output. Records that do not carry a
 * commit id, parents and dates in git's shapes are dropped and counted in `skipped`.
 */
export function parseLog(text: string, nonce: string): { commits: CommitRecord[]; skipped: number } {
  const m = logMarkers(nonce);
  const commits: CommitRecord[] = [];
  let skipped = 0;
  const parts = text.split(m.record);
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    const endAt = part.indexOf(m.end);
    if (endAt < 0) {
      skipped++;
      continue;
    }
    const fields = part.slice(0, endAt).split(m.field);
    if (fields.length !== LOG_FIELDS.length) {
      skipped++;
      continue;
    }
    const [id = '', parents = '', an = '', ae = '', ad = '', cn = '', ce = '', cd = '', g = '', gs = '', gk = '', subject = '', body = ''] = fields;
    const parentList = parents.trim() === '' ? [] : parents.trim().split(' ');
    if (!HEX.test(id) || !parentList.every((p) => HEX.test(p)) || !Number.isFinite(Date.parse(ad)) || !Number.isFinite(Date.parse(cd))) {
      skipped++;
      continue;
    }
    // With -z and --name-only, the names follow the format as NUL-terminated entries (after "\0\n").
    const rest = part.slice(endAt + m.end.length);
    const files = rest.includes('\0') || rest.trim() !== '' ? rest.split('\0').map((f) => f.replace(/^\n/, '')).filter((f) => f !== '') : undefined;
    commits.push({
      id,
      parents: parentList,
      author: { name: an, email: ae },
      authoredAt: ad,
      committer: { name: cn, email: ce },
      committedAt: cd,
      subject: subject.slice(0, LOG_LIMITS.maxSubject),
      body: body.trim().slice(0, LOG_LIMITS.maxBody),
      signature: { code: g, state: signatureStateOf(g), ...(gs ? { signer: gs } : {}), ...(gk ? { key: gk } : {}) },
      ...(files ? { files: files.slice(0, LOG_LIMITS.maxFilesPerCommit) } : {}),
    });
  }
  return { commits, skipped };
}

/** Whether a changed file lies under an app's path (`''` or `.` is the whole repository). */
export function touchesPath(file: string, appPath: string): boolean {
  const p = appPath.replace(/^\.?\/+/, '').replace(/\/+$/, '');
  if (p === '' || p === '.') return true;
  return file === p || file.startsWith(`${p}/`);
}
