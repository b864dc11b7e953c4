/**
 * Walking and reading folders of a repository someone else wrote (issue 12). A clone can hold
 * symbolic links out of itself (`secret.env -> /proc/self/environ`, `-> ~/.kube/config`), links in
 * loops (`a -> .`, `b -> .`: a walk that follows them never ends), FIFOs and devices (a read that never
 * returns, or never ends), and more files or bytes than anyone meant to read.
 *
 * So a walk never follows a link: it lists each one with what it resolves to (`fs.realpath`, which
 * refuses loops with ELOOP) and whether that stays inside the walked roots; its callers decide (the
 * render copy recreates links inside the copy and refuses the rest, the CLI reads file links inside
 * its folder). Special files are listed, never opened. Entries, depth and bytes are bounded, with an
 * error naming the folder. Reads open with O_NOFOLLOW|O_NONBLOCK and check the open file itself
 * (`fstat`), so a FIFO is not waited on and a file swapped for a link after the walk is not followed.
 *
 * One walk for the asynchronous callers (the extension host) and the synchronous CLI: the steps are a
 * generator of file-system requests, run by either driver.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';

interface TreeLimits {
  /** Files, links and folders listed (default 5,000). */
  readonly maxEntries: number;
  /** Folder levels below a root (default 32). */
  readonly maxDepth: number;
  /** Bytes of the regular files listed, together, and of one read (default 64 MiB). */
  readonly maxBytes: number;
}

const TREE_LIMITS: TreeLimits = { maxEntries: 5000, maxDepth: 32, maxBytes: 64 * 1024 * 1024 };

/** `outside`: a path given by someone else (a cluster object's source path) climbs out of its root. */
export type RepoFileErrorCode = 'outside' | 'linkOutside' | 'linkLoop' | 'notRegular' | 'tooMany' | 'tooDeep' | 'tooLarge';

/** A walk or read refused; `path` is the entry at fault. */
export class RepoFileError extends Error {
  override readonly name = 'RepoFileError';
  constructor(
    readonly code: RepoFileErrorCode,
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

interface FileEntry {
  readonly kind: 'file';
  /** The path as walked (under its root). */
  readonly path: string;
  readonly size: number;
}

/** What a link resolves to: a file or folder inside the roots, outside them, something else, nothing, or a loop. */
type LinkTarget =
  | { readonly kind: 'file' | 'dir'; readonly real: string; readonly inside: boolean }
  | { readonly kind: 'special'; readonly real: string; readonly inside: boolean }
  | { readonly kind: 'missing' | 'loop' };

export interface LinkEntry {
  readonly kind: 'link';
  readonly path: string;
  /** The link's own text, as `readlink` gives it. */
  readonly text: string;
  readonly target: LinkTarget;
}

export interface Tree {
  /** The roots as given, and their real paths (the same order). */
  readonly roots: readonly string[];
  readonly realRoots: readonly string[];
  readonly dirs: readonly string[];
  readonly files: readonly FileEntry[];
  readonly links: readonly LinkEntry[];
  /** FIFOs, sockets, devices: never opened. */
  readonly special: readonly string[];
  /** Files, links and special files in walk order: folders depth first, names sorted. */
  readonly entries: readonly (FileEntry | LinkEntry | { readonly kind: 'special'; readonly path: string })[];
}

export interface WalkOptions {
  readonly limits?: Partial<TreeLimits>;
  /** Entries not listed (default `.git` and `node_modules`); a skipped folder is not entered. */
  readonly skip?: (name: string) => boolean;
  /** Files whose bytes count against `maxBytes`: those the caller will read (default all). */
  readonly countBytes?: (name: string) => boolean;
}

const DEFAULT_SKIP = (name: string): boolean => name === '.git' || name === 'node_modules';

/** Whether `p` is `root` or below it (both absolute, normalized). */
export function isInside(p: string, root: string): boolean {
  return p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

const mib = (n: number): string => `${Math.round(n / (1024 * 1024))} MiB`;

// --- the walk as file-system requests ---------------------------------------------------------------

interface DirEntry {
  readonly name: string;
  readonly type: 'dir' | 'file' | 'link' | 'special';
}

type Request =
  | { readonly op: 'realpath'; readonly path: string }
  | { readonly op: 'readdir'; readonly path: string }
  | { readonly op: 'lstat'; readonly path: string }
  | { readonly op: 'stat'; readonly path: string }
  | { readonly op: 'readlink'; readonly path: string };

interface StatLike {
  readonly size: number;
  readonly type: 'dir' | 'file' | 'special';
}

type Answer = string | DirEntry[] | StatLike;

function* walkSteps(roots: readonly string[], opts: WalkOptions): Generator<Request, Tree, Answer> {
  const limits = { ...TREE_LIMITS, ...opts.limits };
  const skip = opts.skip ?? DEFAULT_SKIP;
  const abs = roots.map((r) => path.resolve(r));
  const realRoots: string[] = [];
  for (const r of abs) realRoots.push((yield { op: 'realpath', path: r }) as string);
  const dirs: string[] = [];
  const files: FileEntry[] = [];
  const links: LinkEntry[] = [];
  const special: string[] = [];
  const ordered: Tree['entries'][number][] = [];
  let entries = 0;
  let bytes = 0;
  const count = (where: string): void => {
    if (++entries > limits.maxEntries) throw new RepoFileError('tooMany', `more than ${limits.maxEntries} files and folders under ${abs.join(', ')}: not read`, where);
  };
  // Inside means inside a root and not under a folder the walk skips: a link to `.git/config` (which
  // may hold a token in a remote URL) is no more readable than the folder itself.
  const inRoots = (real: string): boolean => realRoots.some((r) => isInside(real, r) && !path.relative(r, real).split(path.sep).some(skip));

  function* resolve(link: string): Generator<Request, LinkTarget, Answer> {
    let real: string;
    try {
      real = (yield { op: 'realpath', path: link }) as string;
    } catch (err) {
      return { kind: (err as NodeJS.ErrnoException).code === 'ELOOP' ? 'loop' : 'missing' };
    }
    let st: StatLike;
    try {
      st = (yield { op: 'stat', path: real }) as StatLike;
    } catch {
      return { kind: 'missing' };
    }
    return { kind: st.type, real, inside: inRoots(real) };
  }

  function* walk(dir: string, depth: number): Generator<Request, void, Answer> {
    if (depth > limits.maxDepth) throw new RepoFileError('tooDeep', `folders nested deeper than ${limits.maxDepth} levels under ${abs.join(', ')}: not read`, dir);
    dirs.push(dir);
    const list = ((yield { op: 'readdir', path: dir }) as DirEntry[]).slice().sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of list) {
      if (skip(e.name)) continue;
      const full = path.join(dir, e.name);
      count(full);
      if (e.type === 'dir') yield* walk(full, depth + 1);
      else if (e.type === 'file') {
        const st = (yield { op: 'lstat', path: full }) as StatLike;
        if (opts.countBytes?.(e.name) ?? true) bytes += st.size;
        if (bytes > limits.maxBytes) throw new RepoFileError('tooLarge', `more than ${mib(limits.maxBytes)} of files under ${abs.join(', ')}, reached at ${full}: not read`, full);
        const f: FileEntry = { kind: 'file', path: full, size: st.size };
        files.push(f);
        ordered.push(f);
      } else if (e.type === 'link') {
        const text = (yield { op: 'readlink', path: full }) as string;
        const l: LinkEntry = { kind: 'link', path: full, text, target: yield* resolve(full) };
        links.push(l);
        ordered.push(l);
      } else {
        special.push(full);
        ordered.push({ kind: 'special', path: full });
      }
    }
  }

  // A root nested in another is walked once, with the outer one.
  const outer = abs.filter((r) => !abs.some((o) => o !== r && isInside(r, o)));
  for (const r of [...new Set(outer)]) yield* walk(r, 0);
  return { roots: abs, realRoots, dirs, files, links, special, entries: ordered };
}

const typeOf = (d: { isDirectory(): boolean; isFile(): boolean; isSymbolicLink(): boolean }): DirEntry['type'] =>
  d.isSymbolicLink() ? 'link' : d.isDirectory() ? 'dir' : d.isFile() ? 'file' : 'special';

function statLike(st: fs.Stats): StatLike {
  return { size: st.size, type: st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'special' };
}

function answerSync(r: Request): Answer {
  switch (r.op) {
    case 'realpath':
      return fs.realpathSync.native(r.path);
    case 'readdir':
      return fs.readdirSync(r.path, { withFileTypes: true }).map((d) => ({ name: d.name, type: typeOf(d) }));
    case 'lstat':
      return statLike(fs.lstatSync(r.path));
    case 'stat':
      return statLike(fs.statSync(r.path));
    case 'readlink':
      return fs.readlinkSync(r.path);
  }
}

async function answerAsync(r: Request): Promise<Answer> {
  switch (r.op) {
    case 'realpath':
      return fsp.realpath(r.path);
    case 'readdir':
      return (await fsp.readdir(r.path, { withFileTypes: true })).map((d) => ({ name: d.name, type: typeOf(d) }));
    case 'lstat':
      return statLike(await fsp.lstat(r.path));
    case 'stat':
      return statLike(await fsp.stat(r.path));
    case 'readlink':
      return fsp.readlink(r.path);
  }
}

/** The folders, files, links and special files under `roots`, without following any link. */
export async function walkTree(roots: readonly string[], opts: WalkOptions = {}): Promise<Tree> {
  const steps = walkSteps(roots, opts);
  let next = steps.next();
  while (!next.done) {
    let answer: Answer;
    try {
      answer = await answerAsync(next.value);
    } catch (err) {
      next = steps.throw(err);
      continue;
    }
    next = steps.next(answer);
  }
  return next.value;
}

/** walkTree for synchronous callers (the CLI). */
export function walkTreeSync(roots: readonly string[], opts: WalkOptions = {}): Tree {
  const steps = walkSteps(roots, opts);
  let next = steps.next();
  while (!next.done) {
    let answer: Answer;
    try {
      answer = answerSync(next.value);
    } catch (err) {
      next = steps.throw(err);
      continue;
    }
    next = steps.next(answer);
  }
  return next.value;
}

/** Why a link is not followed, naming it as `shown`; `scope` names the roots (e.g. "the repository"). */
export function linkProblem(link: LinkEntry, shown: string, scope: string): string {
  const t = link.target;
  switch (t.kind) {
    case 'loop':
      return `${shown} is a symbolic link in a loop (${link.text})`;
    case 'missing':
      return `${shown} is a symbolic link to ${link.text}, which does not exist`;
    case 'special':
      return `${shown} is a symbolic link to ${t.real}, not a regular file`;
    default:
      return t.inside ? `${shown} is a symbolic link to ${link.text}` : `${shown} is a symbolic link to ${t.real}, outside ${scope}: not followed`;
  }
}

// --- reads ------------------------------------------------------------------------------------------

// O_NOFOLLOW: the path itself, never a link put in its place; O_NONBLOCK: opening a FIFO returns at
// once instead of waiting for a writer (fstat then refuses it). Neither exists on Windows.
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);

function refuseStat(file: string, st: fs.Stats, maxBytes: number): void {
  if (!st.isFile()) throw new RepoFileError('notRegular', `${file} is not a regular file: not read`, file);
  if (st.size > maxBytes) throw new RepoFileError('tooLarge', `${file} is ${mib(st.size)}, more than the ${mib(maxBytes)} read`, file);
}

function refuseLink(file: string, err: unknown): never {
  // ELOOP from O_NOFOLLOW: the path is a link.
  if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new RepoFileError('notRegular', `${file} is a symbolic link: not followed`, file);
  throw err;
}

/** A regular file's bytes (never a link, FIFO or device), at most `maxBytes` (default TREE_LIMITS.maxBytes). */
export async function readRegularFile(file: string, maxBytes = TREE_LIMITS.maxBytes): Promise<Buffer> {
  const h = await fsp.open(file, OPEN_FLAGS).catch((err: unknown) => refuseLink(file, err));
  try {
    const st = await h.stat();
    refuseStat(file, st, maxBytes);
    // Read to the end, and no further than the bound: the size may have changed since fstat.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.alloc(Math.min(Math.max(st.size - total, 0) + 1, 1024 * 1024));
      const { bytesRead } = await h.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) throw new RepoFileError('tooLarge', `${file} is more than the ${mib(maxBytes)} read`, file);
      chunks.push(buf.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total);
  } finally {
    await h.close();
  }
}

/** readRegularFile for synchronous callers. */
export function readRegularFileSync(file: string, maxBytes = TREE_LIMITS.maxBytes): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch (err) {
    refuseLink(file, err);
  }
  try {
    const st = fs.fstatSync(fd);
    refuseStat(file, st, maxBytes);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.alloc(Math.min(Math.max(st.size - total, 0) + 1, 1024 * 1024));
      const bytesRead = fs.readSync(fd, buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) throw new RepoFileError('tooLarge', `${file} is more than the ${mib(maxBytes)} read`, file);
      chunks.push(buf.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A small text file that may be reached through links (a repository's `.git/HEAD`, `config`): the
 * path is resolved first, and only a regular file within `maxBytes` is read. Undefined otherwise.
 */
export function readSmallTextSync(file: string, maxBytes = 1024 * 1024): string | undefined {
  try {
    return readRegularFileSync(fs.realpathSync.native(file), maxBytes).toString('utf8');
  } catch {
    return undefined;
  }
}
