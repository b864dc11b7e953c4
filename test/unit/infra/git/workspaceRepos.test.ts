/**
 * The workspace repository as the lenses see it: remotes from `.git/config` and the checked-out branch
 * from `HEAD`, read without a git process, on repositories real git made (plain clone, linked
 * worktree, detached HEAD, submodule).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { git, hermeticGitEnv } from '../../../sim/git/httpBackend';
import { parseHead } from '../../../../src/core/git/gitFiles';
import { gitRemotes } from '../../../../src/infra/git/workspaceRepos';

const REMOTE = 'git@git.example.test:org/apps.git';

describe('infra/git/workspaceRepos gitRemotes', () => {
  let tmp: string;
  let env: NodeJS.ProcessEnv;
  let repo: string;
  const run = (args: string[], cwd: string) => git(args, { cwd, env });

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-repos-'));
    env = hermeticGitEnv(tmp, { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.test', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.test' });
    repo = path.join(tmp, 'apps');
    fs.mkdirSync(path.join(repo, 'apps', 'guestbook'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'apps', 'guestbook', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n');
    await run(['init', '-q', '-b', 'main'], repo);
    await run(['remote', 'add', 'origin', REMOTE], repo);
    await run(['add', '.'], repo);
    await run(['commit', '-q', '-m', 'init'], repo);
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads remotes and the branch from a file deep in a clone', async () => {
    assert.deepEqual(gitRemotes(path.join(repo, 'apps', 'guestbook')), { root: repo, urls: [REMOTE], branch: 'main' });
    await run(['checkout', '-q', '-b', 'feat/x-1'], repo);
    assert.equal(gitRemotes(repo)?.branch, 'feat/x-1', 'branch names with slashes');
    await run(['checkout', '-q', 'main'], repo);
  });

  it('has no branch on a detached HEAD', async () => {
    await run(['checkout', '-q', '--detach'], repo);
    try {
      const r = gitRemotes(repo);
      assert.deepEqual(r, { root: repo, urls: [REMOTE] });
    } finally {
      await run(['checkout', '-q', 'main'], repo);
    }
  });

  it('a linked worktree has its own branch and the main repository\'s remotes', async () => {
    const wt = path.join(tmp, 'apps-wt');
    await run(['worktree', 'add', '-q', '-b', 'feat-x', wt], repo);
    assert.ok(fs.statSync(path.join(wt, '.git')).isFile(), 'git wrote a gitdir file');
    assert.deepEqual(gitRemotes(path.join(wt, 'apps', 'guestbook')), { root: wt, urls: [REMOTE], branch: 'feat-x' });
    // The main checkout still says main: HEAD is per worktree.
    assert.equal(gitRemotes(repo)?.branch, 'main');
    await run(['-C', wt, 'checkout', '-q', '--detach'], tmp);
    assert.equal(gitRemotes(wt)?.branch, undefined);
  });

  it('a submodule reads its own HEAD and config through its gitdir file', async () => {
    const sub = path.join(tmp, 'lib');
    fs.mkdirSync(sub);
    fs.writeFileSync(path.join(sub, 'x.yaml'), 'a: 1\n');
    await run(['init', '-q', '-b', 'trunk'], sub);
    await run(['add', '.'], sub);
    await run(['commit', '-q', '-m', 'lib'], sub);
    await run(['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub, 'vendor/lib'], repo);
    const inRepo = path.join(repo, 'vendor', 'lib');
    const r = gitRemotes(inRepo);
    assert.equal(r?.root, inRepo);
    assert.deepEqual(r?.urls, [sub]);
    assert.equal(r?.branch, 'trunk');
  });

  it('parseHead: symbolic refs to branches only', () => {
    assert.equal(parseHead('ref: refs/heads/main\n'), 'main');
    assert.equal(parseHead('ref: refs/heads/release/2.x\n'), 'release/2.x');
    assert.equal(parseHead('5f3ae2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5\n'), undefined);
    assert.equal(parseHead('ref: refs/remotes/origin/main\n'), undefined);
    assert.equal(parseHead(''), undefined);
  });

  it('a hostile folder (issue 12): a FIFO HEAD, config linked to /dev/zero, a .git file pointing at /proc: no hang, no repository details', function () {
    this.timeout(20_000); // a synchronous FIFO read would block here forever
    const fake = path.join(tmp, 'fake');
    const gitDir = path.join(fake, '.git');
    fs.mkdirSync(gitDir, { recursive: true });
    execFileSync('mkfifo', [path.join(gitDir, 'HEAD')]);
    fs.symlinkSync('/dev/zero', path.join(gitDir, 'config'));
    assert.deepEqual(gitRemotes(fake), { root: fake, urls: [] });
    const wt = path.join(tmp, 'fakeWorktree');
    fs.mkdirSync(wt);
    fs.writeFileSync(path.join(wt, '.git'), 'gitdir: /proc/self\n');
    assert.deepEqual(gitRemotes(wt), { root: wt, urls: [] });
    execFileSync('mkfifo', [path.join(tmp, 'fifoGit')]);
    const fifoRepo = path.join(tmp, 'fifoRepo');
    fs.mkdirSync(fifoRepo);
    fs.symlinkSync(path.join(tmp, 'fifoGit'), path.join(fifoRepo, '.git'));
    assert.equal(gitRemotes(fifoRepo), undefined);
  });
});
