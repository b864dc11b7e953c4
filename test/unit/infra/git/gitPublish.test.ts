import * as assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { gitHttpAuthHeader } from '../../../../src/core/forge/types';
import { PublishError } from '../../../../src/core/pr/ports';
import type { PublishProgress } from '../../../../src/core/pr/ports';
import { NodeGitPublisher, freshName, publishBranch } from '../../../../src/infra/git/publish';
import { branchSha, createBareRepo, git, hermeticGitEnv, runGit, seedRepo, startGitServer } from '../../../sim/git/httpBackend';
import type { GitServer } from '../../../sim/git/httpBackend';

const TOKEN = 'tok-publish-5ecret-91c2';
const DEPLOY = 'apps/guestbook/deployment.yaml';
const deployment = (replicas: number, image = 'guestbook:1.0') =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: guestbook\nspec:\n  replicas: ${replicas}\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ${image}\n`;

/** Every file below `dir` (relative path → bytes), `.git` excluded unless asked. */
function snapshotFiles(dir: string, withGit = false): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (!withGit && d === dir && e.name === '.git') continue;
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) out.set(path.relative(dir, p), fs.readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** Everything of the user's repository a publish must not change: working tree, index, HEAD, stash, refs, config, status. */
async function repoState(user: string, env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  const hasStash = fs.existsSync(path.join(user, '.git/logs/refs/stash'));
  return {
    files: snapshotFiles(user),
    index: fs.readFileSync(path.join(user, '.git/index')),
    head: fs.readFileSync(path.join(user, '.git/HEAD')),
    stash: hasStash ? (await git(['rev-parse', 'refs/stash'], { cwd: user, env })).trim() : undefined,
    stashLog: hasStash ? fs.readFileSync(path.join(user, '.git/logs/refs/stash')) : undefined,
    refs: await git(['for-each-ref', '--format=%(refname) %(objectname)'], { cwd: user, env }),
    config: fs.readFileSync(path.join(user, '.git/config')),
    // --no-optional-locks: a plain status would refresh .git/index itself.
    status: await git(['--no-optional-locks', 'status', '--porcelain=v2', '--branch'], { cwd: user, env }),
  };
}

describe('infra/git publishBranch: a branch on the remote, the user repository untouched', () => {
  let tmp: string;
  let root: string;
  let env: NodeJS.ProcessEnv;
  let server: GitServer;
  let bareDir: string;
  let user: string;
  let url: string;
  let trace: string;
  const header = gitHttpAuthHeader('github', { token: TOKEN });
  const auth = { kind: 'header', header } as const;
  const opts = (): { env: NodeJS.ProcessEnv } => ({ env });
  const otherEnv = (): NodeJS.ProcessEnv => ({ ...env, GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: ${header}` });

  /** Another developer pushes to the remote from their own clone. */
  async function pushFromElsewhere(branch: string, file: string, content: string, from = 'main'): Promise<string> {
    const other = fs.mkdtempSync(path.join(tmp, 'other-'));
    await git(['clone', '--quiet', '--branch', from, url, other], { env });
    fs.mkdirSync(path.dirname(path.join(other, file)), { recursive: true });
    fs.writeFileSync(path.join(other, file), content);
    await git(['add', '-A'], { cwd: other, env });
    await git(['commit', '--quiet', '-m', `elsewhere: ${file}`], { cwd: other, env });
    await git(['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`], { cwd: other, env: otherEnv() });
    return (await git(['rev-parse', 'HEAD'], { cwd: other, env })).trim();
  }

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-publish-test-'));
    root = path.join(tmp, 'repos');
    fs.mkdirSync(path.join(tmp, 'home'));
    trace = path.join(tmp, 'trace.log');
    // GIT_TRACE logs every argv, GIT_TRACE_CURL every header git sends (auth redacted by git itself).
    env = hermeticGitEnv(path.join(tmp, 'home'), { GIT_TRACE: trace, GIT_TRACE_CURL: trace });
    bareDir = await createBareRepo(root, 'acme/gitops', { defaultBranch: 'main' });
    const fixture = path.join(tmp, 'fixture');
    fs.mkdirSync(path.join(fixture, 'apps/guestbook'), { recursive: true });
    fs.writeFileSync(path.join(fixture, DEPLOY), deployment(3));
    fs.writeFileSync(path.join(fixture, 'apps/guestbook/service.yaml'), 'apiVersion: v1\nkind: Service\nmetadata:\n  name: guestbook\n');
    fs.writeFileSync(path.join(fixture, 'README.md'), '# fleet\n');
    await seedRepo(bareDir, fixture);
    server = await startGitServer({ projectRoot: root, userForToken: (t) => (t === TOKEN ? 'alice' : undefined) });
    url = `${server.url}/acme/gitops.git`;

    // The user's clone: on a feature branch, with a stash entry, staged and unstaged changes and an untracked file.
    user = path.join(tmp, 'user');
    await git(['clone', '--quiet', url, user], { env });
    await git(['config', 'user.name', 'Ursula User'], { cwd: user, env });
    await git(['config', 'user.email', 'ursula@example.invalid'], { cwd: user, env });
    await git(['checkout', '--quiet', '-b', 'feature/local'], { cwd: user, env });
    fs.writeFileSync(path.join(user, 'README.md'), '# fleet\nlocal commit\n');
    await git(['commit', '--quiet', '-am', 'local only'], { cwd: user, env });
    fs.writeFileSync(path.join(user, 'README.md'), '# fleet\nstashed\n');
    await git(['stash', '--quiet'], { cwd: user, env });
    fs.writeFileSync(path.join(user, 'apps/guestbook/service.yaml'), 'staged: true\n');
    await git(['add', 'apps/guestbook/service.yaml'], { cwd: user, env });
    fs.writeFileSync(path.join(user, DEPLOY), deployment(5));
    fs.writeFileSync(path.join(user, 'untracked.txt'), 'scratch\n');
  });

  after(async () => {
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('pushes the edit as a new branch from the remote default branch, leaving working tree, index, HEAD, stash and refs byte-identical', async () => {
    const state = () => repoState(user, env);
    const before = await state();
    assert.ok(before.stash, 'the user repository has a stash entry to keep');
    const mainSha = await branchSha(bareDir, 'main');
    const steps: PublishProgress[] = [];
    const result = await publishBranch(
      { repoRoot: user, branch: 'gitops/guestbook-replicas', edits: [{ path: DEPLOY, content: deployment(5), before: deployment(3) }], message: 'guestbook: replicas 3 → 5', auth, onProgress: (p) => steps.push(p) },
      opts(),
    );
    const after = await state();
    assert.deepEqual(after, before);

    assert.deepEqual(
      { branch: result.branch, base: result.base, defaultBranch: result.defaultBranch, baseSha: result.baseSha, files: result.files },
      { branch: 'gitops/guestbook-replicas', base: 'main', defaultBranch: 'main', baseSha: mainSha, files: [DEPLOY] },
    );
    assert.equal(await branchSha(bareDir, 'gitops/guestbook-replicas'), result.commitSha);
    assert.equal(await branchSha(bareDir, 'main'), mainSha, 'the base branch is not pushed to');
    assert.equal(await git(['show', `${result.commitSha}:${DEPLOY}`], { cwd: bareDir, env }), deployment(5));
    // Only the edited file differs; the user's staged, stashed and local-branch changes are not in the commit.
    assert.equal(await git(['show', `${result.commitSha}:apps/guestbook/service.yaml`], { cwd: bareDir, env }), 'apiVersion: v1\nkind: Service\nmetadata:\n  name: guestbook\n');
    assert.equal(await git(['show', `${result.commitSha}:README.md`], { cwd: bareDir, env }), '# fleet\n');
    const meta = await git(['log', '-1', '--format=%P|%an <%ae>|%cn|%B', result.commitSha], { cwd: bareDir, env });
    assert.equal(meta.trim(), `${mainSha}|Ursula User <ursula@example.invalid>|Ursula User|guestbook: replicas 3 → 5`);
    assert.deepEqual([...new Set(steps.map((s) => s.step))], ['resolve', 'fetch', 'commit', 'push']);

    // No temporary ref or index is left behind.
    assert.equal(await git(['for-each-ref', 'refs/gitops-lens'], { cwd: user, env }), '');
    assert.equal(fs.existsSync(path.join(user, '.git/refs/gitops-lens/tmp')), false);
  });

  it('puts the token in no file under .git, no argv and no trace line, while git did send it', async () => {
    const encoded = header.replace(/^Basic /, '');
    for (const [file, bytes] of snapshotFiles(path.join(user, '.git'), true)) {
      const text = bytes.toString('latin1');
      assert.ok(!text.includes(TOKEN) && !text.includes(encoded), `token found in .git/${file}`);
    }
    assert.equal(await git(['config', '--get-all', 'http.extraHeader'], { cwd: user, env }).catch(() => ''), '');
    const log = fs.readFileSync(trace, 'utf8');
    assert.ok(!log.includes(TOKEN) && !log.includes(encoded), 'token in the git trace');
    // git redacts the header it sent (GIT_TRACE_REDACT default): proof the header went out per process.
    assert.match(log, /Authorization: Basic <redacted>/);
  });

  it('fails with an auth error, naming no token, when the remote refuses the header or none is sent', async () => {
    const bad = gitHttpAuthHeader('github', { token: 'tok-wrong-1234567' });
    for (const a of [{ kind: 'none' } as const, { kind: 'header', header: bad } as const]) {
      await assert.rejects(
        publishBranch({ repoRoot: user, branch: 'gitops/denied', edits: [{ path: DEPLOY, content: deployment(7) }], message: 'm', auth: a }, opts()),
        (e: unknown) => e instanceof PublishError && e.code === 'auth' && !e.message.includes('tok-wrong') && !e.message.includes(bad.slice(6)),
      );
    }
    assert.equal(await branchSha(bareDir, 'gitops/denied'), undefined);
  });

  it('picks a fresh name when the branch exists with someone else\'s commits, and leaves theirs alone', async () => {
    const theirs = await pushFromElsewhere('gitops/clash', 'notes.txt', 'theirs\n');
    const r = await publishBranch({ repoRoot: user, branch: 'gitops/clash', edits: [{ path: DEPLOY, content: deployment(6) }], message: 'clash', auth }, opts());
    assert.equal(r.branch, 'gitops/clash-2');
    assert.equal(await branchSha(bareDir, 'gitops/clash'), theirs);
    assert.equal(await branchSha(bareDir, 'gitops/clash-2'), r.commitSha);
  });

  it('retries on a fresh name when the push is rejected', async () => {
    // A pre-receive hook refusing the first push to gitops/race, as a branch created in the meantime or a forge policy would.
    const hook = path.join(bareDir, 'hooks', 'pre-receive');
    const marker = path.join(tmp, 'race-rejected');
    fs.writeFileSync(hook, `#!/bin/sh\nwhile read old new ref; do\n  if [ "$ref" = refs/heads/gitops/race ] && [ ! -e "${marker}" ]; then touch "${marker}"; echo "branch taken" >&2; exit 1; fi\ndone\nexit 0\n`, { mode: 0o755 });
    try {
      const steps: string[] = [];
      const r = await publishBranch({ repoRoot: user, branch: 'gitops/race', edits: [{ path: DEPLOY, content: deployment(8) }], message: 'race', auth, onProgress: (p) => steps.push(p.step) }, opts());
      assert.equal(r.branch, 'gitops/race-2');
      assert.ok(fs.existsSync(marker));
      assert.ok(steps.includes('retry'));
      assert.equal(await branchSha(bareDir, 'gitops/race'), undefined);
      assert.equal(await branchSha(bareDir, 'gitops/race-2'), r.commitSha);
    } finally {
      fs.rmSync(hook);
    }
  });

  it('bases the branch on the new tip when the remote moved on, keeping the other change', async () => {
    const tip = await pushFromElsewhere('main', 'apps/other/cm.yaml', 'kind: ConfigMap\n');
    const r = await publishBranch({ repoRoot: user, branch: 'gitops/moved', edits: [{ path: DEPLOY, content: deployment(9), before: deployment(3) }], message: 'moved', auth }, opts());
    assert.equal(r.baseSha, tip);
    assert.equal((await git(['rev-parse', `${r.commitSha}^`], { cwd: bareDir, env })).trim(), tip);
    assert.equal(await git(['show', `${r.commitSha}:apps/other/cm.yaml`], { cwd: bareDir, env }), 'kind: ConfigMap\n');
    assert.deepEqual(r.files, [DEPLOY]);
  });

  it('reports a conflict with the files when the base changed the edited file since the edit', async () => {
    await pushFromElsewhere('main', DEPLOY, deployment(4));
    await assert.rejects(
      publishBranch({ repoRoot: user, branch: 'gitops/stale', edits: [{ path: DEPLOY, content: deployment(10), before: deployment(3) }], message: 'stale', auth }, opts()),
      (e: unknown) => e instanceof PublishError && e.code === 'conflict' && e.files.join() === DEPLOY,
    );
    assert.equal(await branchSha(bareDir, 'gitops/stale'), undefined);
  });

  it('updates an existing branch fast-forward with a new commit (mode update), never rewriting it', async () => {
    const first = await publishBranch({ repoRoot: user, branch: 'gitops/update', edits: [{ path: DEPLOY, content: deployment(11) }], message: 'first', auth }, opts());
    const second = await publishBranch(
      { repoRoot: user, branch: 'gitops/update', mode: 'update', edits: [{ path: DEPLOY, content: deployment(12) }, { path: 'apps/guestbook/service.yaml', content: null }], message: 'second', auth },
      opts(),
    );
    assert.equal(second.branch, 'gitops/update');
    assert.equal((await git(['rev-parse', `${second.commitSha}^`], { cwd: bareDir, env })).trim(), first.commitSha);
    assert.deepEqual([...second.files].sort(), ['apps/guestbook/deployment.yaml', 'apps/guestbook/service.yaml']);
    assert.equal((await runGit(['cat-file', '-e', `${second.commitSha}:apps/guestbook/service.yaml`], { cwd: bareDir, env })).code, 128);
    // Same content again: nothing to commit.
    await assert.rejects(
      publishBranch({ repoRoot: user, branch: 'gitops/update', mode: 'update', edits: [{ path: DEPLOY, content: deployment(12) }], message: 'same', auth }, opts()),
      (e: unknown) => e instanceof PublishError && e.code === 'noChanges',
    );
    await assert.rejects(
      publishBranch({ repoRoot: user, branch: 'gitops/never-made', mode: 'update', edits: [{ path: DEPLOY, content: deployment(1) }], message: 'x', auth }, opts()),
      (e: unknown) => e instanceof PublishError && e.code === 'branchMissing',
    );
  });

  it('refuses the default, base and protected branches', async () => {
    for (const branch of ['main', 'release']) {
      await assert.rejects(
        publishBranch({ repoRoot: user, branch, edits: [{ path: DEPLOY, content: deployment(2) }], message: 'x', auth, isProtected: (b) => b === 'release' }, opts()),
        (e: unknown) => e instanceof PublishError && e.code === 'protectedBranch',
      );
    }
    assert.equal(freshName('a', (b) => ['a', 'a-2'].includes(b)), 'a-3');
  });

  it('reverts commits of the base branch (Propose Rollback), and reports a revert conflict with the files', async () => {
    const fix = await pushFromElsewhere('main', 'apps/guestbook/service.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: guestbook\n  labels: {a: b}\n');
    const publisher = new NodeGitPublisher(opts());
    const r = await publisher.publish({ repoRoot: user, branch: 'gitops/rollback', revert: [fix], message: `Revert ${fix.slice(0, 7)}`, auth });
    assert.deepEqual(r.files, ['apps/guestbook/service.yaml']);
    assert.equal(await git(['show', `${r.commitSha}:apps/guestbook/service.yaml`], { cwd: bareDir, env }), 'apiVersion: v1\nkind: Service\nmetadata:\n  name: guestbook\n');
    assert.equal(await git(['show', `${r.commitSha}:${DEPLOY}`], { cwd: bareDir, env }), deployment(4), 'later changes stay');

    // Reverting the replicas 3 → 4 commit after a later commit changed the same line conflicts.
    const four = (await git(['rev-parse', 'main'], { cwd: bareDir, env })).trim();
    const fourCommit = (await git(['log', '--format=%H', '-1', '--', DEPLOY, 'main'], { cwd: bareDir, env })).trim();
    assert.ok(four);
    await pushFromElsewhere('main', DEPLOY, deployment(4, 'guestbook:2.0').replace('replicas: 4', 'replicas: 6'));
    await assert.rejects(
      publisher.publish({ repoRoot: user, branch: 'gitops/rollback-conflict', revert: [fourCommit], message: 'r', auth }),
      (e: unknown) => e instanceof PublishError && e.code === 'conflict' && e.files.join() === DEPLOY,
    );
    await assert.rejects(
      publisher.publish({ repoRoot: user, branch: 'gitops/rollback-bad', revert: ['0123456789abcdef0123456789abcdef01234567'], message: 'r', auth }),
      (e: unknown) => e instanceof PublishError && e.code === 'badRevert',
    );
    assert.equal(await publisher.defaultBranch(user, 'origin', { kind: 'none' }), 'main');
    assert.equal(await publisher.remoteUrl(user, 'origin'), url);
  });

  it('merges a revert with a later change to other lines of the same file', async () => {
    // One commit changes the image; a later one the replicas; reverting the first keeps the second.
    const img = await pushFromElsewhere('main', 'apps/web.yaml', deployment(1, 'web:1'));
    const imgChange = await pushFromElsewhere('main', 'apps/web.yaml', deployment(1, 'web:2'));
    await pushFromElsewhere('main', 'apps/web.yaml', deployment(2, 'web:2'));
    assert.ok(img);
    const r = await publishBranch({ repoRoot: user, branch: 'gitops/revert-merge', revert: [imgChange], message: 'r', auth }, opts());
    assert.equal(await git(['show', `${r.commitSha}:apps/web.yaml`], { cwd: bareDir, env }), deployment(2, 'web:1'));
  });

  it('stops with a cancelled error when the signal is aborted', async () => {
    const ac = new AbortController();
    const p = publishBranch({ repoRoot: user, branch: 'gitops/cancel', edits: [{ path: DEPLOY, content: deployment(13) }], message: 'c', auth, signal: ac.signal, onProgress: (s) => s.step === 'commit' && ac.abort() }, opts());
    await assert.rejects(p, (e: unknown) => e instanceof PublishError && e.code === 'cancelled');
    assert.equal(await branchSha(bareDir, 'gitops/cancel'), undefined);
    assert.equal(await git(['for-each-ref', 'refs/gitops-lens'], { cwd: user, env }), '');
  });
});

const SSHD = '/usr/sbin/sshd';

/** Runs a program (ssh-keygen, ssh-add) to completion, async; rejects with its stderr. */
function runTool(file: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env: env ?? process.env }, (err, stdout, stderr) => (err ? reject(new Error(`${file} ${args.join(' ')}: ${stderr || err.message}`)) : resolve(stdout)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** Resolves once `child` wrote a line matching `ready` to stderr; rejects with what it wrote if it exits first or takes over 20 s. */
function waitForStderr(child: ChildProcess, ready: RegExp, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start within 20 s: ${text}`)), 20_000);
    child.stderr?.on('data', (d: Buffer) => {
      text += d.toString('utf8');
      if (ready.test(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code ?? 'signal'}) before it was ready: ${text}`));
    });
  });
}

async function waitForFile(file: string, what: string): Promise<void> {
  for (let i = 0; i < 200 && !fs.existsSync(file); i++) await new Promise((r) => setTimeout(r, 50));
  if (!fs.existsSync(file)) throw new Error(`${what} did not create ${file} within 10 s`);
}

/**
 * A real OpenSSH server on 127.0.0.1 (Debian openssh-server, scripts/system-packages.sh) serving a bare
 * repository through git-upload-pack/git-receive-pack, and a real ssh-agent holding the user's key.
 * The client side is the user's `ssh` found on PATH, as git finds it; a wrapper first on PATH logs its
 * arguments and points ssh at a temporary client config (known_hosts, no default identity files), so
 * nothing under ~/.ssh is read or written.
 */
describe('infra/git publishBranch over SSH through the user\'s ssh-agent (issue 6)', function () {
  this.timeout(120_000);
  let tmp: string;
  let env: NodeJS.ProcessEnv;
  let sshd: ChildProcess | undefined;
  let agent: ChildProcess | undefined;
  let agentSock: string;
  let bareDir: string;
  let user: string;
  let sshLog: string;
  let keyFile: string;
  let port: number;

  const withAgent = (): NodeJS.ProcessEnv => ({ ...env, SSH_AUTH_SOCK: agentSock });
  const withoutAgent = (): NodeJS.ProcessEnv => {
    const e = { ...env };
    delete e.SSH_AUTH_SOCK;
    return e;
  };

  before(async () => {
    // Never skipped: CI runs as root on Debian with openssh-server installed by scripts/system-packages.sh.
    if (process.getuid?.() !== 0) throw new Error('The SSH publish test starts its own sshd and needs root (CI runs as root); run it as root.');
    if (!fs.existsSync(SSHD)) throw new Error(`${SSHD} is missing: install Debian's openssh-server (apt-get install -y openssh-server, or run scripts/system-packages.sh as root).`);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-publish-ssh-'));
    const home = path.join(tmp, 'home');
    fs.mkdirSync(home);
    // sshd refuses to start without its privilege separation directory (Debian creates it in the service unit).
    fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

    const hostKey = path.join(tmp, 'ssh_host_ed25519_key');
    keyFile = path.join(tmp, 'user_ed25519');
    await runTool('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'gitops-lens-test-host', '-f', hostKey]);
    await runTool('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'gitops-lens-test-user', '-f', keyFile]);
    const authorized = path.join(tmp, 'authorized_keys');
    fs.writeFileSync(authorized, fs.readFileSync(`${keyFile}.pub`));

    port = await freePort();
    const sshdConfig = path.join(tmp, 'sshd_config');
    fs.writeFileSync(
      sshdConfig,
      [
        `ListenAddress 127.0.0.1:${port}`,
        `HostKey ${hostKey}`,
        `PidFile ${path.join(tmp, 'sshd.pid')}`,
        `AuthorizedKeysFile ${authorized}`,
        // The temporary files live under /tmp, which StrictModes would reject as group/world-writable.
        'StrictModes no',
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        // The test runs as root (CI does), and root may log in with a key only.
        'PermitRootLogin prohibit-password',
        'LogLevel INFO',
        '',
      ].join('\n'),
    );
    // -D: stay in the foreground as our child; -e: log to stderr, where "Server listening" says it is ready.
    sshd = spawn(SSHD, ['-D', '-e', '-f', sshdConfig], { stdio: ['ignore', 'ignore', 'pipe'] });
    await waitForStderr(sshd, /Server listening on 127\.0\.0\.1 port/, 'sshd');

    agentSock = path.join(tmp, 'agent.sock');
    // -D: foreground, so the test owns the process and ends it; -a: a socket path of our own.
    agent = spawn('ssh-agent', ['-D', '-a', agentSock], { stdio: ['ignore', 'ignore', 'pipe'] });
    await waitForFile(agentSock, 'ssh-agent');
    await runTool('ssh-add', ['-q', keyFile], { ...process.env, SSH_AUTH_SOCK: agentSock });

    // The client config the wrapper hands to ssh: a known_hosts of our own that learns the host key on first
    // use, and an identity file that does not exist so ssh tries no default key from ~/.ssh: only the agent's.
    const sshConfig = path.join(tmp, 'ssh_config');
    fs.writeFileSync(
      sshConfig,
      [
        'Host *',
        `  UserKnownHostsFile ${path.join(tmp, 'known_hosts')}`,
        '  GlobalKnownHostsFile /dev/null',
        '  StrictHostKeyChecking accept-new',
        `  IdentityFile ${path.join(tmp, 'no-such-key')}`,
        '',
      ].join('\n'),
    );
    sshLog = path.join(tmp, 'ssh-args.log');
    const bin = path.join(tmp, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'ssh'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${sshLog}'\nexec /usr/bin/ssh -F '${sshConfig}' "$@"\n`, { mode: 0o755 });
    env = hermeticGitEnv(home, { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` });
    delete env.SSH_AUTH_SOCK;
    delete env.SSH_AGENT_PID;

    bareDir = await createBareRepo(path.join(tmp, 'srv'), 'acme/gitops', { defaultBranch: 'main' });
    const fixture = path.join(tmp, 'fixture');
    fs.mkdirSync(path.join(fixture, 'apps/guestbook'), { recursive: true });
    fs.writeFileSync(path.join(fixture, DEPLOY), deployment(3));
    fs.writeFileSync(path.join(fixture, 'README.md'), '# fleet\n');
    await seedRepo(bareDir, fixture);

    // The user's clone over ssh, with a staged, an unstaged and an untracked change.
    user = path.join(tmp, 'user');
    await git(['clone', '--quiet', `ssh://root@127.0.0.1:${port}${bareDir}`, user], { env: withAgent() });
    await git(['config', 'user.name', 'Ursula User'], { cwd: user, env });
    await git(['config', 'user.email', 'ursula@example.invalid'], { cwd: user, env });
    fs.writeFileSync(path.join(user, 'README.md'), '# fleet\nstaged\n');
    await git(['add', 'README.md'], { cwd: user, env });
    fs.writeFileSync(path.join(user, DEPLOY), deployment(5));
    fs.writeFileSync(path.join(user, 'untracked.txt'), 'scratch\n');
    fs.writeFileSync(sshLog, '');
  });

  after(() => {
    sshd?.kill('SIGTERM');
    agent?.kill('SIGTERM');
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('pushes the branch over ssh with the agent\'s key, non-interactively, leaving the user repository byte-identical and no key under .git', async () => {
    const before = await repoState(user, env);
    const mainSha = await branchSha(bareDir, 'main');
    const result = await publishBranch(
      { repoRoot: user, branch: 'gitops/over-ssh', edits: [{ path: DEPLOY, content: deployment(5), before: deployment(3) }], message: 'guestbook: replicas 3 → 5', auth: { kind: 'ssh' } },
      { env: withAgent() },
    );
    assert.deepEqual(await repoState(user, env), before);
    assert.equal(result.branch, 'gitops/over-ssh');
    assert.equal(result.baseSha, mainSha);
    assert.equal(await branchSha(bareDir, 'gitops/over-ssh'), result.commitSha);
    assert.equal(await git(['show', `${result.commitSha}:${DEPLOY}`], { cwd: bareDir, env }), deployment(5));
    assert.equal(await git(['show', `${result.commitSha}:README.md`], { cwd: bareDir, env }), '# fleet\n', 'the staged change stays out');

    // Every ssh that git started (ls-remote, fetch, push) ran in batch mode: no prompt can hang the push.
    const calls = fs.readFileSync(sshLog, 'utf8').trim().split('\n');
    assert.ok(calls.length >= 3, `ssh ran ${calls.length} times`);
    for (const c of calls) assert.match(c, /^-o BatchMode=yes .*127\.0\.0\.1/);
    assert.ok(calls.some((c) => c.includes('git-receive-pack')), 'the push went over ssh');

    // Neither the private nor the public key ended up anywhere under .git.
    const priv = fs.readFileSync(keyFile, 'utf8').split('\n').filter((l) => l && !l.startsWith('-----'));
    const pub = fs.readFileSync(`${keyFile}.pub`, 'utf8').split(' ')[1] ?? '';
    assert.ok(priv.length > 0 && pub.length > 40);
    for (const [file, bytes] of snapshotFiles(path.join(user, '.git'), true)) {
      const text = bytes.toString('latin1');
      for (const part of [...priv, pub]) assert.ok(!text.includes(part), `key material in .git/${file}`);
    }
    assert.equal(await git(['config', '--get-all', 'core.sshCommand'], { cwd: user, env }).catch(() => ''), '');
  });

  it('fails at once with an auth error in words, pushing nothing, when no agent holds the key', async () => {
    fs.writeFileSync(sshLog, '');
    await assert.rejects(
      publishBranch({ repoRoot: user, branch: 'gitops/no-agent', edits: [{ path: DEPLOY, content: deployment(6) }], message: 'm', auth: { kind: 'ssh' } }, { env: withoutAgent() }),
      (e: unknown) => {
        assert.ok(e instanceof PublishError, String(e));
        assert.equal(e.code, 'auth', e.message);
        assert.match(e.message, /refused every key offered: load your key into ssh-agent \(ssh-add/);
        assert.match(e.message, /Permission denied \(publickey\)/);
        return true;
      },
    );
    assert.match(fs.readFileSync(sshLog, 'utf8'), /^-o BatchMode=yes /);
    assert.equal(await branchSha(bareDir, 'gitops/no-agent'), undefined);
  });

  it('fails with an auth error in words, instead of asking, when the host key is not the one known', async () => {
    const knownHosts = path.join(tmp, 'known_hosts');
    const known = fs.readFileSync(knownHosts);
    // Someone else's key recorded for this host: ssh must refuse, and in batch mode it cannot ask to accept a new one.
    fs.writeFileSync(knownHosts, `[127.0.0.1]:${port} ${fs.readFileSync(`${keyFile}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')}\n`);
    try {
      await assert.rejects(
        publishBranch({ repoRoot: user, branch: 'gitops/bad-host', edits: [{ path: DEPLOY, content: deployment(6) }], message: 'm', auth: { kind: 'ssh' } }, { env: withAgent() }),
        (e: unknown) => e instanceof PublishError && e.code === 'auth' && /could not verify the remote's host key/.test(e.message),
      );
    } finally {
      fs.writeFileSync(knownHosts, known);
    }
    assert.equal(await branchSha(bareDir, 'gitops/bad-host'), undefined);
  });

  it('keeps the user\'s own ssh command (GIT_SSH_COMMAND, core.sshCommand) instead of imposing batch mode', async () => {
    const own = 'ssh -o ConnectTimeout=20';
    for (const setup of ['env', 'config'] as const) {
      fs.writeFileSync(sshLog, '');
      const e = withAgent();
      if (setup === 'env') e.GIT_SSH_COMMAND = own;
      else await git(['config', 'core.sshCommand', own], { cwd: user, env });
      try {
        const r = await publishBranch({ repoRoot: user, branch: `gitops/own-ssh-${setup}`, edits: [{ path: DEPLOY, content: deployment(7) }], message: 'm', auth: { kind: 'ssh' } }, { env: e });
        assert.equal(await branchSha(bareDir, r.branch), r.commitSha);
      } finally {
        if (setup === 'config') await git(['config', '--unset', 'core.sshCommand'], { cwd: user, env });
      }
      const calls = fs.readFileSync(sshLog, 'utf8').trim().split('\n');
      assert.ok(calls.length >= 3);
      for (const c of calls) assert.match(c, /^-o ConnectTimeout=20 /, setup);
    }
  });
});
