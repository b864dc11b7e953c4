/**
 * Real Git repositories for the audit tests and benches: commits by named authors and committers at
 * fixed dates, merges, squash merges, direct pushes and (when gpg is on the machine) a signed commit.
 * Everything runs real `git` in a hermetic environment (no user or system config).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { git, hermeticGitEnv } from '../sim/git/httpBackend';

export interface Who {
  readonly name: string;
  readonly email: string;
}

export const person = (name: string): Who => ({ name, email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.invalid` });

export interface CommitOptions {
  readonly author: Who;
  /** Default: the author. */
  readonly committer?: Who;
  /** ISO 8601; the committer date too unless `committedAt` says otherwise. */
  readonly at: string;
  readonly committedAt?: string;
  /** Sign with the repository's test key (needs `withSigningKey`). */
  readonly sign?: boolean;
}

/** Whether gpg can make a key here (it needs a writable home and no agent problems). */
export function gpgAvailable(): boolean {
  try {
    execFileSync('gpg', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export class TestRepo {
  readonly env: NodeJS.ProcessEnv;

  private constructor(
    readonly dir: string,
    readonly home: string,
  ) {
    this.env = hermeticGitEnv(home);
  }

  /** A fresh repository on `branch` in a new temp folder (removed by `dispose`). */
  static async create(branch = 'main'): Promise<TestRepo> {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-repo-'));
    const home = path.join(root, 'home');
    fs.mkdirSync(home);
    const r = new TestRepo(path.join(root, 'repo'), home);
    fs.mkdirSync(r.dir);
    await r.git('init', '--quiet', '-b', branch);
    await r.git('config', 'commit.gpgsign', 'false');
    return r;
  }

  /** Clones `url` into a new temp folder. */
  static async clone(url: string, env?: NodeJS.ProcessEnv): Promise<TestRepo> {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-clone-'));
    const home = path.join(root, 'home');
    fs.mkdirSync(home);
    const r = new TestRepo(path.join(root, 'repo'), home);
    await git(['clone', '--quiet', url, r.dir], { env: env ?? r.env });
    await r.git('config', 'commit.gpgsign', 'false');
    return r;
  }

  git(...args: string[]): Promise<string> {
    return git(args, { cwd: this.dir, env: this.env });
  }

  /** git with author/committer identity and dates for one commit-making command. */
  gitAs(o: CommitOptions, ...args: string[]): Promise<string> {
    const c = o.committer ?? o.author;
    const env = {
      ...this.env,
      GIT_AUTHOR_NAME: o.author.name,
      GIT_AUTHOR_EMAIL: o.author.email,
      GIT_AUTHOR_DATE: o.at,
      GIT_COMMITTER_NAME: c.name,
      GIT_COMMITTER_EMAIL: c.email,
      GIT_COMMITTER_DATE: o.committedAt ?? o.at,
    };
    return git(args, { cwd: this.dir, env });
  }

  write(file: string, content: string): void {
    const p = path.join(this.dir, file);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }

  /** Writes the files, commits everything, returns the commit id. */
  async commit(message: string, o: CommitOptions, files: Record<string, string> = {}): Promise<string> {
    for (const [f, c] of Object.entries(files)) this.write(f, c);
    await this.git('add', '-A');
    await this.gitAs(o, 'commit', '--quiet', '--allow-empty', ...(o.sign ? ['-S'] : []), '-m', message);
    return this.head();
  }

  async head(ref = 'HEAD'): Promise<string> {
    return (await this.git('rev-parse', ref)).trim();
  }

  /** `git merge --no-ff` of `branch` into the checked-out branch with this message. */
  async mergeNoFf(branch: string, message: string, o: CommitOptions): Promise<string> {
    await this.gitAs(o, 'merge', '--quiet', '--no-ff', '--no-edit', '-m', message, branch);
    return this.head();
  }

  /** A squash of `branch` onto the checked-out branch as one commit with this message. */
  async squash(branch: string, message: string, o: CommitOptions): Promise<string> {
    await this.gitAs(o, 'merge', '--quiet', '--squash', branch);
    await this.gitAs(o, 'commit', '--quiet', '-m', message);
    return this.head();
  }

  /**
   * A throwaway gpg key (no passphrase) for signing in this repository: GNUPGHOME in the repository's
   * home, user.signingkey set. Returns the key's fingerprint.
   */
  withSigningKey(who: Who): string {
    const gnupg = path.join(this.home, '.gnupg');
    fs.mkdirSync(gnupg, { recursive: true, mode: 0o700 });
    (this.env as Record<string, string>).GNUPGHOME = gnupg;
    execFileSync('gpg', ['--batch', '--pinentry-mode', 'loopback', '--passphrase', '', '--quick-gen-key', `${who.name} <${who.email}>`, 'ed25519', 'sign', '1d'], { env: this.env, stdio: 'ignore' });
    const list = execFileSync('gpg', ['--batch', '--with-colons', '--list-secret-keys'], { env: this.env, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    const fpr = /^fpr:+([0-9A-F]{40}):/m.exec(list)?.[1];
    if (!fpr) throw new Error('gpg made no key');
    execFileSync('git', ['config', 'user.signingkey', fpr], { cwd: this.dir, env: this.env });
    return fpr;
  }

  dispose(): void {
    fs.rmSync(path.dirname(this.dir), { recursive: true, force: true });
  }
}

/** ISO time `minutes` after a base time. */
export function at(base: string, minutes: number): string {
  return new Date(Date.parse(base) + minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
