/**
 * Publishes a change as a new branch on the remote without touching the user's working tree, index,
 * HEAD or stash: the commit is built from objects only, in a temporary index file
 * (GIT_INDEX_FILE + read-tree/update-index/write-tree + commit-tree, git's plumbing for exactly this,
 * https://git-scm.com/book/en/v2/Git-Internals-Git-Objects), then pushed as `<sha>:refs/heads/<branch>`.
 *
 * Credentials: an HTTP header goes through GIT_CONFIG_COUNT/GIT_CONFIG_KEY_n/GIT_CONFIG_VALUE_n
 * (git-config(1) ENVIRONMENT, git ≥ 2.31) as `http.extraHeader`, so it is in no argv (visible in `ps`),
 * no config file and no URL; credential helpers and askpass are switched off for that process so a
 * refused token fails instead of prompting.
 *
 * Over SSH the user's own ssh and agent authenticate (SSH_AUTH_SOCK passes through); ssh runs with
 * BatchMode=yes unless the user chose an ssh command, so a key that is not loaded fails at once instead
 * of waiting on a passphrase or host-key prompt nobody can answer.
 *
 * Plain `git` processes rather than simple-git: every call needs its own environment (temporary
 * index, per-process config) and stdin, which simple-git's shared instance does not fit.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tokenDestinationProblem } from '../../core/forge/transport';
import { redact } from '../../core/log/redact';
import { PublishError } from '../../core/pr/ports';
import type { FileEdit, GitAuth, GitPublisher, PublishProgress, PublishRequest, PublishResult } from '../../core/pr/ports';

export interface NodeGitOptions {
  /** git executable; default `git` on PATH. */
  readonly git?: string;
  /** Environment for git processes; default process.env (minus variables that redirect git to another repository). */
  readonly env?: NodeJS.ProcessEnv;
  /** Where temporary index and merge files go; default os.tmpdir(). */
  readonly tmpDir?: string;
}

interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

interface RunOptions {
  readonly input?: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly network?: boolean;
}

/** How many fresh names (`-2` … `-N`) a create tries before giving up on rejected pushes. */
const MAX_ATTEMPTS = 5;

// Variables that would point git at another repository or index than the one we name.
const DROPPED_ENV = /^(GIT_DIR|GIT_WORK_TREE|GIT_INDEX_FILE|GIT_OBJECT_DIRECTORY|GIT_ALTERNATE_OBJECT_DIRECTORIES|GIT_COMMON_DIR|GIT_NAMESPACE|GIT_CONFIG_COUNT|GIT_CONFIG_KEY_\d+|GIT_CONFIG_VALUE_\d+|GIT_CONFIG_PARAMETERS)$/;

/**
 * ssh_config(5) BatchMode: "user interaction such as password prompts and host key confirmation requests
 * will be disabled". git runs GIT_SSH_COMMAND through the shell and appends host and command (git(1)).
 */
const BATCH_SSH_COMMAND = 'ssh -o BatchMode=yes';

class GitRunner {
  private readonly env: NodeJS.ProcessEnv;
  private readonly netEnv: NodeJS.ProcessEnv;
  private sshChecked = false;
  private readonly secret: string | undefined;

  constructor(
    private readonly cwd: string,
    auth: GitAuth,
    private readonly opts: NodeGitOptions,
    private readonly signal: AbortSignal | undefined,
  ) {
    const base: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(opts.env ?? process.env)) if (!DROPPED_ENV.test(k)) base[k] = v;
    // Never wait on a terminal prompt (there is none in an extension host).
    base.GIT_TERMINAL_PROMPT = '0';
    this.env = base;
    if (auth.kind === 'header') {
      // gitHttpAuthHeader gives the value; a full `Name: value` line passes through.
      const line = /^[A-Za-z0-9-]+:\s/.test(auth.header) ? auth.header : `Authorization: ${auth.header}`;
      this.secret = line;
      const net: NodeJS.ProcessEnv = { ...base };
      delete net.GIT_ASKPASS;
      delete net.SSH_ASKPASS;
      const config: Array<[string, string]> = [
        ['http.extraHeader', line],
        // An empty helper resets the list (gitcredentials(7)): a refused header fails, it does not fall back to a stored password.
        ['credential.helper', ''],
      ];
      net.GIT_CONFIG_COUNT = String(config.length);
      config.forEach(([k, v], i) => {
        net[`GIT_CONFIG_KEY_${i}`] = k;
        net[`GIT_CONFIG_VALUE_${i}`] = v;
      });
      this.netEnv = net;
    } else {
      this.netEnv = base;
    }
  }

  /**
   * Makes ssh non-interactive (BATCH_SSH_COMMAND) unless the user picked an ssh command: GIT_SSH_COMMAND
   * and GIT_SSH win over core.sshCommand (git-config(1) core.sshCommand), and overriding any of them would
   * drop the user's own key or proxy settings. Once per runner; before the first network command.
   */
  async ensureBatchSsh(): Promise<void> {
    if (this.sshChecked) return;
    this.sshChecked = true;
    if (this.netEnv.GIT_SSH_COMMAND || this.netEnv.GIT_SSH) return;
    const configured = await this.run(['config', '--get', 'core.sshCommand']);
    if (configured.code === 0 && configured.stdout.trim()) return;
    this.netEnv.GIT_SSH_COMMAND = BATCH_SSH_COMMAND;
  }

  /** Removes the header (and anything redact knows) from text shown to the user. */
  scrub(text: string): string {
    const s = this.secret;
    let out = s ? text.split(s).join('***') : text;
    const value = s?.replace(/^[^:]*:\s*/, '');
    const credential = value?.replace(/^\S+\s+/, '');
    for (const part of [value, credential]) if (part) out = out.split(part).join('***');
    return redact(out);
  }

  async run(args: readonly string[], ro: RunOptions = {}): Promise<RunResult> {
    if (ro.network) await this.ensureBatchSsh();
    return this.spawnGit(args, ro);
  }

  private spawnGit(args: readonly string[], ro: RunOptions): Promise<RunResult> {
    if (this.signal?.aborted) return Promise.reject(new PublishError('cancelled', 'Cancelled.'));
    return new Promise((resolve, reject) => {
      const env = { ...(ro.network ? this.netEnv : this.env), ...(ro.env ?? {}) };
      const child = spawn(this.opts.git ?? 'git', ['-c', 'gc.auto=0', '-c', 'maintenance.auto=false', ...args], {
        cwd: this.cwd,
        env,
        stdio: [ro.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        ...(this.signal ? { signal: this.signal } : {}),
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout?.on('data', (d: Buffer) => out.push(d));
      child.stderr?.on('data', (d: Buffer) => err.push(d));
      child.on('error', (e: NodeJS.ErrnoException) => {
        if (e.name === 'AbortError') reject(new PublishError('cancelled', 'Cancelled.'));
        else reject(new PublishError('git', `Could not run git: ${e.message}`));
      });
      child.on('close', (code) => {
        if (this.signal?.aborted) return reject(new PublishError('cancelled', 'Cancelled.'));
        resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
      });
      if (ro.input !== undefined && child.stdin) {
        child.stdin.on('error', () => undefined);
        child.stdin.end(ro.input);
      }
    });
  }

  /** run, throwing a typed error on a non-zero exit. */
  async ok(args: readonly string[], ro: RunOptions = {}): Promise<string> {
    const r = await this.run(args, ro);
    if (r.code !== 0) throw this.failure(args, r, ro.network === true);
    return r.stdout;
  }

  failure(args: readonly string[], r: RunResult, network: boolean): PublishError {
    const detail = this.scrub(r.stderr.trim().split('\n').slice(-3).join(' '));
    if (network) {
      // OpenSSH's words (sshconnect2.c, sshconnect.c): the server took none of the keys offered, or ssh does not trust the host.
      // The line itself ("git@host: Permission denied (publickey)."), not git's generic closing lines.
      const sshLine = (re: RegExp): string => this.scrub(r.stderr.split('\n').find((l) => re.test(l))?.trim() ?? detail);
      if (/Permission denied \(publickey/.test(r.stderr)) {
        return new PublishError('auth', `The SSH server refused every key offered: load your key into ssh-agent (ssh-add; ssh-add -l lists the loaded keys) or add it to your forge account. (${sshLine(/Permission denied/)})`);
      }
      if (/Host key verification failed|host key is known/.test(r.stderr)) {
        return new PublishError('auth', `ssh could not verify the remote's host key (unknown, or changed since it was accepted): check it from a terminal (ssh -T to the host), then try again. (${sshLine(/host key/i)})`);
      }
      if (/Authentication failed|returned error: 40[13]|could not read (Username|Password)|terminal prompts disabled|Permission denied \(publickey|Invalid username or (password|token)|HTTP Basic: Access denied/i.test(r.stderr)) {
        return new PublishError('auth', `The remote refused the credentials: ${detail}`);
      }
      if (/Could not resolve host|Failed to connect|Connection refused|Connection timed out|Could not read from remote repository|unable to access/i.test(r.stderr)) {
        return new PublishError('network', `Could not reach the remote: ${detail}`);
      }
    }
    return new PublishError('git', `git ${args[0] ?? ''} failed: ${detail}`);
  }
}

function parseLsRemote(text: string): Map<string, string> {
  const refs = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{40,64})\t(\S+)$/.exec(line);
    if (m?.[1] && m[2]) refs.set(m[2], m[1]);
  }
  return refs;
}

async function remoteUrls(g: GitRunner, remote: string): Promise<{ fetch: string; push: string }> {
  const f = await g.run(['remote', 'get-url', remote]);
  if (f.code !== 0) throw new PublishError('noRemote', `The repository has no remote named "${remote}".`);
  const p = await g.run(['remote', 'get-url', '--push', remote]);
  return { fetch: f.stdout.trim(), push: p.code === 0 ? p.stdout.trim() : f.stdout.trim() };
}

/**
 * With a header credential, the URLs git will contact over HTTP(S) must be where the token may go
 * (core/forge/transport): never plain http to another machine, and the push URL on the fetch URL's host,
 * since the caller picked the token for the host of the fetch URL. git itself (through curl ≥ 7.58,
 * CVE-2018-1000007) does not forward a custom Authorization header when a server redirects to another
 * host; test/unit/core/forge/tokenTransport.test.ts checks that with a real redirecting server.
 */
function assertHeaderDestinations(auth: GitAuth, urls: { fetch: string; push: string }): void {
  if (auth.kind !== 'header') return;
  const web = (u: string) => /^https?:\/\//i.test(u);
  if (!web(urls.fetch) && !web(urls.push)) return;
  let tokenHost: string;
  try {
    tokenHost = new URL(web(urls.fetch) ? urls.fetch : urls.push).host;
  } catch {
    throw new PublishError('git', `The remote URL ${redact(urls.fetch)} is not a valid URL.`);
  }
  for (const u of new Set([urls.fetch, urls.push])) {
    if (!web(u)) continue;
    const problem = tokenDestinationProblem(tokenHost, u);
    if (problem) throw new PublishError('git', problem);
  }
}

async function lsRemoteDefault(g: GitRunner, url: string): Promise<string> {
  const out = await g.ok(['ls-remote', '--symref', url, 'HEAD'], { network: true });
  const m = /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(out);
  if (!m?.[1]) throw new PublishError('git', 'The remote does not name a default branch (is the repository empty?).');
  return m[1];
}

async function identity(g: GitRunner, given: PublishRequest['author']): Promise<{ name: string; email: string }> {
  if (given) return given;
  const name = (await g.run(['config', 'user.name'])).stdout.trim();
  const email = (await g.run(['config', 'user.email'])).stdout.trim();
  if (!name || !email) throw new PublishError('noIdentity', 'Git does not know who you are: set user.name and user.email (git config) in this repository or globally.');
  return { name, email };
}

/** The blob at `rev:path`, or undefined when the path does not exist there. */
async function blobAt(g: GitRunner, rev: string, file: string): Promise<{ mode: string; sha: string } | undefined> {
  const out = await g.ok(['ls-tree', '-z', rev, '--', file]);
  const m = /^(\d+) (\w+) ([0-9a-f]+)\t/.exec(out);
  return m?.[1] && m[2] === 'blob' && m[3] ? { mode: m[1], sha: m[3] } : undefined;
}

async function hashBlob(g: GitRunner, content: string): Promise<string> {
  return (await g.ok(['hash-object', '-w', '--stdin'], { input: content })).trim();
}

const normalizeEditPath = (p: string): string => p.replace(/\\/g, '/').replace(/^\.\//, '').replace(/^\/+/, '');

/** The tree of `parent` with the edits applied, built in the temporary index `indexEnv`. */
async function treeWithEdits(g: GitRunner, indexEnv: Record<string, string>, parent: string, checkBase: string | undefined, edits: readonly FileEdit[]): Promise<string> {
  await g.ok(['read-tree', parent], { env: indexEnv });
  const zero = '0'.repeat(parent.length);
  const lines: string[] = [];
  const moved: string[] = [];
  for (const edit of edits) {
    const file = normalizeEditPath(edit.path);
    if (!file || file.split('/').includes('..')) throw new PublishError('git', `Not a path inside the repository: ${edit.path}`);
    if (checkBase !== undefined && 'before' in edit) {
      const atBase = await blobAt(g, checkBase, file);
      const baseText = atBase ? await g.ok(['cat-file', 'blob', atBase.sha]) : undefined;
      if (baseText !== edit.before) moved.push(file);
    }
    const existing = await blobAt(g, parent, file);
    if (edit.content === null) {
      if (existing) lines.push(`0 ${zero}\t${file}`);
      continue;
    }
    const sha = await hashBlob(g, edit.content);
    lines.push(`${existing?.mode ?? '100644'} ${sha}\t${file}`);
  }
  if (moved.length > 0) {
    throw new PublishError('conflict', `The base branch changed ${moved.length === 1 ? 'this file' : 'these files'} since your edit: ${moved.join(', ')}. Pull, then try again.`, moved);
  }
  if (lines.length > 0) await g.ok(['update-index', '-z', '--index-info'], { env: indexEnv, input: lines.map((l) => `${l}\0`).join('') });
  return (await g.ok(['write-tree'], { env: indexEnv })).trim();
}

/**
 * The tree of `parent` with `commits` reverted, newest first, each as a three-way merge with the
 * commit as base and its parent as "theirs" (what `git revert` does, sequencer.c do_pick_commit),
 * done by `read-tree -m` in the temporary index plus `git merge-file` for files both sides changed.
 */
async function treeWithReverts(g: GitRunner, indexEnv: Record<string, string>, tmp: string, parent: string, baseSha: string, commits: readonly string[]): Promise<string> {
  if (commits.length === 0) throw new PublishError('badRevert', 'No commits to revert.');
  const resolved: string[] = [];
  for (const c of commits) {
    const r = await g.run(['rev-parse', '--verify', '--quiet', `${c}^{commit}`]);
    if (r.code !== 0) throw new PublishError('badRevert', `Commit ${c} is not in the repository (fetch it first).`);
    const sha = r.stdout.trim();
    if ((await g.run(['merge-base', '--is-ancestor', sha, baseSha])).code !== 0) {
      throw new PublishError('badRevert', `Commit ${sha.slice(0, 12)} is not on the base branch.`);
    }
    const parents = (await g.ok(['rev-list', '--parents', '-n', '1', sha])).trim().split(' ').slice(1);
    if (parents.length !== 1) throw new PublishError('badRevert', `Commit ${sha.slice(0, 12)} is ${parents.length === 0 ? 'a root commit' : 'a merge'}; it cannot be reverted here.`);
    resolved.push(sha);
  }
  const ordered = (await g.ok(['rev-list', '--no-walk=sorted', ...resolved])).trim().split('\n').filter(Boolean);
  let tree = (await g.ok(['rev-parse', `${parent}^{tree}`])).trim();
  const zero = '0'.repeat(parent.length);
  for (const c of ordered) {
    await g.ok(['read-tree', tree], { env: indexEnv });
    await g.ok(['read-tree', '-i', '-m', '--aggressive', `${c}^{tree}`, tree, `${c}^^{tree}`], { env: indexEnv });
    const unmerged = new Map<string, Map<number, { mode: string; sha: string }>>();
    for (const entry of (await g.ok(['ls-files', '-u', '-z'], { env: indexEnv })).split('\0')) {
      const m = /^(\d+) ([0-9a-f]+) (\d)\t(.+)$/s.exec(entry);
      if (!m?.[1] || !m[2] || !m[3] || !m[4]) continue;
      const stages = unmerged.get(m[4]) ?? new Map<number, { mode: string; sha: string }>();
      stages.set(Number(m[3]), { mode: m[1], sha: m[2] });
      unmerged.set(m[4], stages);
    }
    const conflicts: string[] = [];
    const lines: string[] = [];
    for (const [file, stages] of unmerged) {
      const base = stages.get(1);
      const ours = stages.get(2);
      const theirs = stages.get(3);
      if (!base || !ours || !theirs || ours.mode !== theirs.mode) {
        conflicts.push(file);
        continue;
      }
      const files = [ours, base, theirs].map((s, i) => {
        const f = path.join(tmp, `merge-${i}`);
        return { f, s };
      });
      for (const { f, s } of files) fs.writeFileSync(f, await g.ok(['cat-file', 'blob', s.sha]));
      const merged = await g.run(['merge-file', '-p', ...files.map((x) => x.f)]);
      if (merged.code !== 0) {
        conflicts.push(file);
        continue;
      }
      const sha = await hashBlob(g, merged.stdout);
      lines.push(`0 ${zero}\t${file}`, `${ours.mode} ${sha}\t${file}`);
    }
    if (conflicts.length > 0) {
      throw new PublishError('conflict', `Reverting ${c.slice(0, 12)} conflicts with later changes in: ${conflicts.join(', ')}.`, conflicts);
    }
    if (lines.length > 0) await g.ok(['update-index', '-z', '--index-info'], { env: indexEnv, input: lines.map((l) => `${l}\0`).join('') });
    tree = (await g.ok(['write-tree'], { env: indexEnv })).trim();
  }
  return tree;
}

export async function publishBranch(req: PublishRequest, opts: NodeGitOptions = {}): Promise<PublishResult> {
  const g = new GitRunner(req.repoRoot, req.auth, opts, req.signal);
  const progress = (step: PublishProgress['step'], message: string): void => req.onProgress?.({ step, message });
  const remote = req.remote ?? 'origin';
  const mode = req.mode ?? 'create';

  progress('resolve', `Reading ${remote}…`);
  const urls = await remoteUrls(g, remote);
  assertHeaderDestinations(req.auth, urls);
  const defaultBranch = await lsRemoteDefault(g, urls.fetch);
  const base = req.base ?? defaultBranch;
  const who = await identity(g, req.author);
  const isForbidden = (b: string): boolean => b === base || b === defaultBranch || (req.isProtected?.(b) ?? false);
  if ((await g.run(['check-ref-format', `refs/heads/${req.branch}`])).code !== 0) {
    throw new PublishError('git', `"${req.branch}" is not a valid branch name.`);
  }
  if (isForbidden(req.branch)) throw new PublishError('protectedBranch', `Refusing to push to ${req.branch}: it is the base, default or a protected branch.`);

  const tmp = fs.mkdtempSync(path.join(opts.tmpDir ?? os.tmpdir(), 'gitops-lens-publish-'));
  const nonce = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmpRef = `refs/gitops-lens/tmp/${nonce}`;
  const indexEnv = { GIT_INDEX_FILE: path.join(tmp, 'index') };
  const commitEnv = { GIT_AUTHOR_NAME: who.name, GIT_AUTHOR_EMAIL: who.email, GIT_COMMITTER_NAME: who.name, GIT_COMMITTER_EMAIL: who.email };
  const tried = new Set<string>();
  try {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      progress('fetch', attempt === 1 ? `Fetching ${base}…` : `Fetching ${base} again…`);
      const heads = parseLsRemote(await g.ok(['ls-remote', '--heads', urls.fetch], { network: true }));
      if (!heads.has(`refs/heads/${base}`)) throw new PublishError('git', `The remote has no branch ${base}.`);
      let target: string;
      if (mode === 'update') {
        if (!heads.has(`refs/heads/${req.branch}`)) throw new PublishError('branchMissing', `The branch ${req.branch} no longer exists on ${remote}.`);
        target = req.branch;
      } else {
        target = freshName(req.branch, (b) => heads.has(`refs/heads/${b}`) || tried.has(b) || isForbidden(b));
      }
      tried.add(target);
      const refspecs = [`+refs/heads/${base}:${tmpRef}/base`];
      if (mode === 'update') refspecs.push(`+refs/heads/${target}:${tmpRef}/head`);
      // A URL, not the remote name: no remote-tracking ref of the user's is updated, and --no-write-fetch-head leaves FETCH_HEAD alone.
      await g.ok(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--recurse-submodules=no', urls.fetch, ...refspecs], { network: true });
      const baseSha = (await g.ok(['rev-parse', `${tmpRef}/base`])).trim();
      const parent = mode === 'update' ? (await g.ok(['rev-parse', `${tmpRef}/head`])).trim() : baseSha;

      progress('commit', 'Committing…');
      const tree = req.revert
        ? await treeWithReverts(g, indexEnv, tmp, parent, baseSha, req.revert)
        : await treeWithEdits(g, indexEnv, parent, mode === 'create' ? baseSha : undefined, req.edits);
      const parentTree = (await g.ok(['rev-parse', `${parent}^{tree}`])).trim();
      if (tree === parentTree) throw new PublishError('noChanges', `The change is already on ${mode === 'update' ? target : base}: nothing to commit.`);
      const commitSha = (await g.ok(['commit-tree', tree, '-p', parent], { input: req.message, env: commitEnv })).trim();
      const files = (await g.ok(['diff-tree', '-r', '-z', '--name-only', '--no-renames', parentTree, tree])).split('\0').filter(Boolean);

      progress('push', `Pushing ${target}…`);
      // No force, ever: a branch created meanwhile by someone else rejects a non-fast-forward push.
      const push = await g.run(['push', '--porcelain', '--no-verify', '--recurse-submodules=no', urls.push, `${commitSha}:refs/heads/${target}`], { network: true });
      if (push.code === 0) return { branch: target, base, baseSha, commitSha, files, defaultBranch };
      const rejected = /^!\t/m.test(push.stdout) || /\[rejected\]|non-fast-forward|fetch first|stale info/.test(push.stdout + push.stderr);
      if (!rejected) throw g.failure(['push'], push, true);
      if (mode === 'update') throw new PublishError('branchMoved', `Someone else pushed to ${target}; fetch it and try again.`);
      progress('retry', `${target} was taken meanwhile; trying another name…`);
    }
    throw new PublishError('rejected', `The remote kept rejecting the push (tried ${[...tried].join(', ')}).`);
  } finally {
    // Not under the signal: a cancelled publish still removes its temporary refs.
    const cleanup = new GitRunner(req.repoRoot, { kind: 'none' }, opts, undefined);
    await cleanup.run(['update-ref', '-d', `${tmpRef}/base`]).catch(() => undefined);
    await cleanup.run(['update-ref', '-d', `${tmpRef}/head`]).catch(() => undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** `name`, else `name-2`, `name-3`, … (the first one `taken` says no to). */
export function freshName(name: string, taken: (b: string) => boolean): string {
  if (!taken(name)) return name;
  for (let i = 2; ; i++) if (!taken(`${name}-${i}`)) return `${name}-${i}`;
}

export class NodeGitPublisher implements GitPublisher {
  constructor(private readonly opts: NodeGitOptions = {}) {}

  async defaultBranch(repoRoot: string, remote: string, auth: GitAuth, signal?: AbortSignal): Promise<string> {
    const g = new GitRunner(repoRoot, auth, this.opts, signal);
    const urls = await remoteUrls(g, remote);
    assertHeaderDestinations(auth, urls);
    return lsRemoteDefault(g, urls.fetch);
  }

  async remoteUrl(repoRoot: string, remote: string): Promise<string> {
    return (await remoteUrls(new GitRunner(repoRoot, { kind: 'none' }, this.opts, undefined), remote)).fetch;
  }

  publish(req: PublishRequest): Promise<PublishResult> {
    return publishBranch(req, this.opts);
  }
}
