/**
 * infra/git/localGit: the read-only git questions of the pull-request commands, on a real repository,
 * and the Restricted Mode guard: in an untrusted workspace not one git process starts (the
 * repository's own .git/config may name programs git runs, here core.fsmonitor).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeLocalGit } from '../../../../src/infra/git/localGit';
import { git } from '../../../sim/git/httpBackend';

describe('infra/git/localGit', () => {
  let tmp: string;
  let repo: string;
  let first: string;

  before(async () => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-localgit-')));
    repo = path.join(tmp, 'apps');
    fs.mkdirSync(path.join(repo, 'apps', 'guestbook'), { recursive: true });
    const env = { ...process.env, GIT_AUTHOR_NAME: 'Dev One', GIT_AUTHOR_EMAIL: 'dev@example.test', GIT_COMMITTER_NAME: 'Dev One', GIT_COMMITTER_EMAIL: 'dev@example.test' };
    fs.writeFileSync(path.join(repo, 'apps', 'guestbook', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\n');
    await git(['init', '-q', '-b', 'main'], { cwd: repo, env });
    await git(['add', '.'], { cwd: repo, env });
    await git(['commit', '-q', '-m', 'guestbook: first'], { cwd: repo, env });
    first = (await git(['rev-parse', 'HEAD'], { cwd: repo, env })).trim();
    fs.writeFileSync(path.join(repo, 'apps', 'guestbook', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n');
    fs.writeFileSync(path.join(repo, 'apps', 'guestbook', 'new.yaml'), 'kind: x\n');
    fs.writeFileSync(path.join(repo, 'notes.txt'), 'not a manifest\n');
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('answers what changed, what HEAD holds and what touched a path', async () => {
    const g = new NodeLocalGit(() => undefined);
    assert.equal(await g.repoRootOf(path.join(repo, 'apps', 'guestbook')), repo);
    assert.equal(await g.repoRootOf(tmp), undefined);
    assert.deepEqual(await g.changedFiles(repo), [
      { path: 'apps/guestbook/cm.yaml', status: 'modified' },
      { path: 'apps/guestbook/new.yaml', status: 'added' },
    ]);
    assert.equal((await g.changedFiles(repo, true)).length, 3);
    assert.equal(await g.headContent(repo, 'apps/guestbook/cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\n');
    assert.equal(await g.headContent(repo, 'apps/guestbook/new.yaml'), undefined);
    assert.deepEqual((await g.logOfPath(repo, 'apps/guestbook')).map((e) => [e.sha, e.author, e.subject]), [[first, 'Dev One', 'guestbook: first']]);
    assert.equal(await g.hasCommit(repo, first), true);
    assert.equal(await g.hasCommit(repo, 'f'.repeat(40)), false);
    assert.equal(await g.commitSubject(repo, first), 'guestbook: first');
    assert.deepEqual(await g.headDirFiles(repo, 'apps/guestbook'), ['cm.yaml']);
  });

  it('starts no git process when the guard refuses (Restricted Mode)', async () => {
    // A program git would run for `git status` if it were started in this repository.
    const marker = path.join(tmp, 'fsmonitor-ran');
    const hook = path.join(tmp, 'fsmonitor.sh');
    fs.writeFileSync(hook, `#!/bin/sh\ntouch '${marker}'\n`, { mode: 0o755 });
    await git(['config', 'core.fsmonitor', hook], { cwd: repo });
    const refused = new Error('Pull requests are off in Restricted Mode');
    const g = new NodeLocalGit(() => {
      throw refused;
    });
    for (const call of [() => g.repoRootOf(repo), () => g.changedFiles(repo), () => g.headContent(repo, 'apps/guestbook/cm.yaml'), () => g.logOfPath(repo, ''), () => g.hasCommit(repo, first), () => g.commitSubject(repo, first), () => g.headDirFiles(repo, 'apps')]) {
      await assert.rejects(call(), (e: unknown) => e === refused);
    }
    assert.equal(fs.existsSync(marker), false, 'a git process ran');
    // The same call with the guard passing does start git, which runs the repository's program.
    await new NodeLocalGit(() => undefined).changedFiles(repo);
    assert.equal(fs.existsSync(marker), true, 'the fsmonitor program would not have run anyway');
    await git(['config', '--unset', 'core.fsmonitor'], { cwd: repo });
  });
});
