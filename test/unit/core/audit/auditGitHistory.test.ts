/**
 * src/infra/git/history.ts with real git, and the pure readings of its output in core/audit
 * (commits.ts, graph.ts): a repository with several authors and committers, a merge commit, a squash
 * merge, a direct push, a commit message with separator characters in it and, where gpg exists, a
 * signed commit.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatPerson, logFormat, parseLog, signatureStateOf, touchesPath } from '../../../../src/core/audit/commits';
import { CommitGraph, landings, pullRequestRefs } from '../../../../src/core/audit/graph';
import { GitHistory, GitHistoryError } from '../../../../src/infra/git/history';
import { TestRepo, at, gpgAvailable, person } from '../../../support/auditRepo';

const T0 = '2026-03-02T09:00:00Z';
const alice = person('Alice Admin');
const bob = person('Bob Builder');
const carol = person('Carol Reviewer');
const dave = person('Dave Dev');
const eve = person('Eve Oncall');
const forge = { name: 'GitHub', email: 'noreply@github.com' };

async function rejectsWith(p: Promise<unknown>, code: string): Promise<GitHistoryError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof GitHistoryError, `expected GitHistoryError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`expected GitHistoryError ${code}`);
}

describe('infra/git/history + core/audit commits and graph', function () {
  this.timeout(60000);
  let repo: TestRepo;
  let history: GitHistory;
  const ids: Record<string, string> = {};
  const signed = gpgAvailable();

  before(async () => {
    repo = await TestRepo.create();
    ids.c0 = await repo.commit('initial apps', { author: alice, at: T0 }, { 'apps/web/deploy.yaml': 'replicas: 1\n', 'apps/api/deploy.yaml': 'image: api:1\n' });
    await repo.git('checkout', '--quiet', '-b', 'feat/web');
    ids.b1 = await repo.commit('web: 2 replicas', { author: bob, at: at(T0, 10) }, { 'apps/web/deploy.yaml': 'replicas: 2\n' });
    ids.b2 = await repo.commit('web: image 1.1', { author: bob, at: at(T0, 20) }, { 'apps/web/image.yaml': 'image: web:1.1\n' });
    await repo.git('checkout', '--quiet', 'main');
    ids.m1 = await repo.mergeNoFf('feat/web', 'Merge pull request #1 from acme/feat-web\n\nweb: scale up', { author: carol, committer: forge, at: at(T0, 30) });
    await repo.git('checkout', '--quiet', '-b', 'feat/api');
    ids.d1 = await repo.commit('api: image 2', { author: dave, at: at(T0, 35) }, { 'apps/api/deploy.yaml': 'image: api:2\n' });
    await repo.git('checkout', '--quiet', 'main');
    ids.s2 = await repo.squash('feat/api', 'api: image 2 (#2)\n\n* api: image 2', { author: dave, committer: forge, at: at(T0, 36), committedAt: at(T0, 40) });
    ids.e1 = await repo.commit('hotfix: web replicas 5', { author: eve, at: at(T0, 50) }, { 'apps/web/deploy.yaml': 'replicas: 5\n' });
    // A subject with the record and field separator characters: it must stay one field of one record.
    ids.x1 = await repo.commit('docs: odd \x1e\x1f\x1d characters', { author: alice, at: at(T0, 55) }, { 'README.md': 'hello\n' });
    if (signed) {
      repo.withSigningKey(alice);
      ids.g1 = await repo.commit('api: signed change', { author: alice, at: at(T0, 60), sign: true }, { 'apps/api/deploy.yaml': 'image: api:3\n' });
    }
    history = new GitHistory(repo.dir, { env: repo.env });
  });
  after(() => repo.dispose());

  it('lists the commits that touched an app path, with author, committer, dates, message and signature state', async () => {
    const web = await history.pathHistory({ ref: 'main', paths: ['apps/web'] });
    assert.deepEqual(web.map((c) => c.id), [ids.e1, ids.b2, ids.b1, ids.c0]);
    const e1 = web[0]!;
    assert.equal(formatPerson(e1.author), 'Eve Oncall <eve.oncall@example.invalid>');
    assert.equal(Date.parse(e1.authoredAt), Date.parse(at(T0, 50)));
    assert.equal(e1.subject, 'hotfix: web replicas 5');
    assert.deepEqual(e1.signature, { code: 'N', state: 'unsigned' });
    assert.deepEqual(e1.parents, [ids.s2]);

    const api = await history.pathHistory({ ref: 'main', paths: ['./apps/api/'] });
    const squash = api.find((c) => c.id === ids.s2)!;
    // The squash commit: Dave wrote it, the forge committed it four minutes later.
    assert.equal(formatPerson(squash.author), 'Dave Dev <dave.dev@example.invalid>');
    assert.equal(formatPerson(squash.committer), 'GitHub <noreply@github.com>');
    assert.equal(Date.parse(squash.authoredAt), Date.parse(at(T0, 36)));
    assert.equal(Date.parse(squash.committedAt), Date.parse(at(T0, 40)));
    assert.equal(squash.body, '* api: image 2');
    assert.ok(!api.some((c) => c.id === ids.d1), 'the unmerged branch commit is not on main');
  });

  it('a signed commit reads as good (when gpg is available)', async function () {
    if (!signed) this.skip();
    const [g1] = await history.pathHistory({ ref: 'main', paths: ['apps/api'], maxCount: 1 });
    assert.equal(g1?.id, ids.g1);
    assert.equal(g1?.signature.code, 'G');
    assert.equal(g1?.signature.state, 'good');
    assert.equal(g1?.signature.signer, 'Alice Admin <alice.admin@example.invalid>');
    assert.match(g1?.signature.key ?? '', /^[0-9A-F]{16,40}$/);
    const quick = await new GitHistory(repo.dir, { env: repo.env, signatures: false }).pathHistory({ ref: 'main', paths: ['apps/api'], maxCount: 1 });
    assert.equal(quick[0]?.signature.state, 'unsigned', 'signatures: false does not ask gpg');
  });

  it('keeps a commit message with separator characters in its own field', async () => {
    const all = await history.changes({ ref: 'main' });
    const x1 = all.find((c) => c.id === ids.x1);
    assert.equal(x1?.subject, 'docs: odd \x1e\x1f\x1d characters');
    assert.deepEqual(x1?.files, ['README.md']);
  });

  it('changes(): every commit of the window with its files, merges with none', async () => {
    const all = await history.changes({ ref: 'main', since: at(T0, 25) });
    const byId = new Map(all.map((c) => [c.id, c]));
    assert.deepEqual(byId.get(ids.m1!)?.files, []);
    assert.deepEqual(byId.get(ids.e1!)?.files, ['apps/web/deploy.yaml']);
    assert.ok(!byId.has(ids.c0!), '--since leaves out older commits');
    assert.ok(touchesPath('apps/web/deploy.yaml', 'apps/web/') && touchesPath('apps/web/deploy.yaml', './apps/web') && !touchesPath('apps/webshop/x.yaml', 'apps/web') && touchesPath('x', '.'));
  });

  it('graph and landings: the merge that brought each side commit, direct for the rest; PR numbers from messages', async () => {
    const graph = new CommitGraph(await history.graph({ refs: ['main', 'feat/api'] }));
    const land = landings(graph, ids.e1!);
    assert.deepEqual(land.get(ids.b1!), { via: ids.m1, kind: 'merge' });
    assert.deepEqual(land.get(ids.b2!), { via: ids.m1, kind: 'merge' });
    for (const c of [ids.c0, ids.m1, ids.s2, ids.e1]) assert.deepEqual(land.get(c!), { via: c, kind: 'direct' });
    assert.equal(land.get(ids.d1!), undefined, 'not on the branch');
    assert.equal(graph.contains(ids.e1!, ids.b1!), true);
    assert.equal(graph.contains(ids.c0!, ids.b1!), false);
    assert.equal(graph.contains(ids.e1!, ids.d1!), false, 'the squashed branch commit is not an ancestor');
    assert.equal(graph.contains('f'.repeat(40), ids.c0!), undefined);
    assert.equal(graph.resolve(ids.b1!.slice(0, 10)), ids.b1);
    assert.deepEqual(pullRequestRefs('Merge pull request #1 from acme/feat-web'), [{ number: 1, style: 'github-merge' }]);
    assert.deepEqual(pullRequestRefs('api: image 2 (#2)'), [{ number: 2, style: 'squash-suffix' }]);
    assert.deepEqual(pullRequestRefs('hotfix: web replicas 5'), []);
  });

  it('reads the pull request forms of every forge', () => {
    const one = (s: string, b = '') => pullRequestRefs(s, b).map((r) => [r.number, r.style, r.project ?? '']);
    assert.deepEqual(one("Merge branch 'feat' into 'main'", "web\n\nSee merge request acme/platform/deploy!7"), [[7, 'gitlab', 'acme/platform/deploy']]);
    assert.deepEqual(one('Merged in feat/web (pull request #8)'), [[8, 'bitbucket-cloud', '']]);
    assert.deepEqual(one('Merge pull request #9 in PROJ/deploy from feat/web to main'), [[9, 'bitbucket-server', '']]);
    assert.deepEqual(one('Pull request #10: web replicas'), [[10, 'bitbucket-server', '']]);
    assert.deepEqual(one('Merged PR 11: web replicas'), [[11, 'azure-devops', '']]);
    assert.deepEqual(one("Merge pull request 'web (#3) replicas' (#12) from feat/web into main"), [[12, 'gitea-merge', '']]);
    assert.deepEqual(one('Merge pull request #0 from x/y'), []);
  });

  it('resolves deployed revisions: full ids, prefixes and branch names; unknown ones are absent', async () => {
    const found = await history.resolve([ids.b1!, ids.e1!.slice(0, 12), 'main', 'f'.repeat(40), '--all']);
    assert.equal(found.get(ids.b1!), ids.b1);
    assert.equal(found.get(ids.e1!.slice(0, 12)), ids.e1);
    assert.equal(found.get('main'), await repo.head('main'));
    assert.equal(found.has('f'.repeat(40)), false);
    assert.equal(found.has('--all'), false);
    const commits = await history.commits([ids.m1!, ids.c0!, 'f'.repeat(40)]);
    assert.deepEqual(commits.map((c) => c.id), [ids.m1, ids.c0]);
    assert.equal(formatPerson(commits[0]!.author), 'Carol Reviewer <carol.reviewer@example.invalid>');
    assert.equal(await history.currentBranch(), 'main');
    assert.equal(await history.remoteUrl(), undefined);
  });

  it('refuses options and unknown revisions, names a folder that is not a repository, and caps output', async () => {
    await rejectsWith(history.pathHistory({ ref: '--output=/tmp/x', paths: ['apps'] }), 'badRevision');
    await rejectsWith(history.pathHistory({ ref: 'main..feat', paths: ['apps'] }), 'badRevision');
    await rejectsWith(history.pathHistory({ ref: 'main', paths: ['../outside'] }), 'badRevision');
    await rejectsWith(history.pathHistory({ ref: 'no-such-branch', paths: ['apps'] }), 'badRevision');
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'not-a-repo-'));
    try {
      await rejectsWith(new GitHistory(empty, { env: { ...repo.env, GIT_CEILING_DIRECTORIES: path.dirname(empty) } }).changes({ ref: 'main' }), 'notARepository');
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
    await rejectsWith(new GitHistory(repo.dir, { env: repo.env, maxOutputBytes: 200 }).changes({ ref: 'main' }), 'tooLarge');
    await rejectsWith(new GitHistory(repo.dir, { env: repo.env, git: '/nonexistent/git' }).changes({ ref: 'main' }), 'notFound');
  });

  it('parseLog drops records that do not carry git’s shapes, and reads %G? letters', () => {
    const nonce = 'abcdef0123456789';
    const f = logFormat(nonce).replace(/%x1e/g, '\x1e').replace(/%x1f/g, '\x1f').replace(/%x1d/g, '\x1d');
    const rec = (id: string, date: string) =>
      f
        .replace('%H', id)
        .replace('%P', '')
        .replace('%an', 'A')
        .replace('%ae', 'a@x')
        .replace('%aI', date)
        .replace('%cn', 'C')
        .replace('%ce', 'c@x')
        .replace('%cI', date)
        .replace('%G?', 'U')
        .replace('%GS', '')
        .replace('%GK', '')
        .replace('%s', 'subject')
        .replace('%b', '');
    const good = rec('a'.repeat(40), '2026-01-01T00:00:00+01:00');
    const { commits, skipped } = parseLog(good + rec('not-a-sha', '2026-01-01T00:00:00Z') + rec('b'.repeat(40), 'yesterday') + '\x1eabcdef0123456789 torn', nonce);
    assert.deepEqual(commits.map((c) => [c.id, c.signature.state]), [['a'.repeat(40), 'untrusted']]);
    assert.equal(skipped, 3);
    assert.deepEqual(['G', 'B', 'U', 'X', 'Y', 'R', 'E', 'N', '?'].map(signatureStateOf), ['good', 'bad', 'untrusted', 'expired', 'expiredKey', 'revokedKey', 'unverifiable', 'unsigned', 'unverifiable']);
    assert.throws(() => logFormat('bad nonce!'));
  });
});
