// The audit side of the product's forge clients (src/infra/forge) against the forge simulator, for
// every forge kind: the pull request that brought a commit (author, who merged it, when, the merge
// commit), its reviews and approvals, and what the branch protection enforces. The simulator merges
// pull requests in its bare repositories as each forge's merge button does, so commits are real.
import * as assert from 'node:assert/strict';
import { approversOf } from '../../../src/core/forge/types';
import type { ForgeClient, ForgeKind, PullRequestDetails } from '../../../src/core/forge/types';
import { detectForge } from '../../../src/core/forge/detect';
import { createForgeClient } from '../../../src/infra/forge/createForgeClient';
import { git, hermeticGitEnv } from '../git/httpBackend';
import { GitWorkspace } from './forgeTestKit';
import { startForge } from './server';
import type { ForgeServer, MergeMethod } from './server';

const TOKEN = 'sim-audit-token-5e0c41';
const BOB_TOKEN = 'sim-audit-token-b0b';

const CASES: Array<{ kind: ForgeKind; fullName: string; method: MergeMethod; user: (u: string) => string; subject: RegExp }> = [
  { kind: 'github', fullName: 'gh/audit', method: 'merge', user: (u) => u, subject: /^Merge pull request #1 from gh\/audit\/web$/ },
  { kind: 'github-enterprise', fullName: 'ghe/audit', method: 'squash', user: (u) => u, subject: /^web: 3 replicas \(#1\)$/ },
  { kind: 'gitlab', fullName: 'gl/platform/audit', method: 'merge', user: (u) => u, subject: /^Merge branch 'audit\/web' into 'main'$/ },
  { kind: 'bitbucket-cloud', fullName: 'bbc/audit', method: 'merge', user: (u) => u, subject: /^Merged in audit\/web \(pull request #1\)$/ },
  { kind: 'bitbucket-server', fullName: 'bbs/audit', method: 'squash', user: (u) => u, subject: /^Pull request #1: web: 3 replicas$/ },
  { kind: 'azure-devops', fullName: 'az/audit', method: 'merge', user: (u) => `${u}@example.invalid`, subject: /^Merged PR 1: web: 3 replicas$/ },
  { kind: 'gitea', fullName: 'gt/audit', method: 'merge', user: (u) => u, subject: /^Merge pull request 'web: 3 replicas' \(#1\) from audit\/web into main$/ },
];

describe('forge clients: pull requests of commits, reviews and branch protection (audit)', function () {
  this.timeout(60000);
  let forge: ForgeServer;
  let ws: GitWorkspace;
  const gitEnv = hermeticGitEnv(process.env.TMPDIR ?? '/tmp');

  before(async () => {
    forge = await startForge({ tokens: { [TOKEN]: 'alice', [BOB_TOKEN]: 'bob' } });
    forge.addUser('carol');
    ws = new GitWorkspace();
  });
  after(async () => {
    assert.deepEqual(forge.githubViolations, [], 'GitHub traffic matches @octokit/openapi');
    ws.dispose();
    await forge.stop();
  });

  for (const c of CASES) {
    describe(c.kind, () => {
      let client: ForgeClient;
      let branchCommit = '';
      let merged: PullRequestDetails | undefined;
      let mergeCommit = '';
      let bare = '';

      before(async () => {
        const r = await forge.createRepo(c.fullName, { admins: ['alice'] });
        bare = r.bareDir;
        const host = new URL(forge.url).host;
        const repo = detectForge(r.cloneUrl(c.kind), { forges: { [host]: c.kind }, ...(c.kind === 'github' ? { apiBaseUrl: forge.url } : {}) });
        assert.ok(repo);
        client = createForgeClient(repo, { token: TOKEN });
        branchCommit = await ws.pushBranch(r.cloneUrl(c.kind), 'audit/web', { user: c.kind === 'github' ? 'x-access-token' : 'alice', password: TOKEN });
        const pr = await client.createPullRequest({ head: 'audit/web', base: 'main', title: 'web: 3 replicas', body: 'scale' });
        forge.reviewPullRequest(c.fullName, Number(pr.number), { user: 'bob', state: 'changesRequested', at: '2026-03-02T10:00:00Z' });
        forge.reviewPullRequest(c.fullName, Number(pr.number), { user: 'carol', state: 'commented', at: '2026-03-02T10:05:00Z' });
        forge.reviewPullRequest(c.fullName, Number(pr.number), { user: 'bob', state: 'approved', at: '2026-03-02T10:10:00Z' });
        const record = await forge.mergePullRequest(c.fullName, Number(pr.number), { by: 'carol', method: c.method, at: '2026-03-02T10:30:00Z' });
        mergeCommit = record.mergeCommitSha ?? '';
      });

      it('the forge merged it into the bare repository as that forge does', async () => {
        const log = await git(['log', '-1', '--format=%H%n%P%n%an%n%cn%n%s', 'main'], { cwd: bare, env: gitEnv });
        const [sha, parents, author, committer, subject] = log.trim().split('\n');
        assert.equal(sha, mergeCommit);
        assert.equal(parents?.split(' ').length, c.method === 'merge' ? 2 : 1);
        assert.match(subject ?? '', c.subject);
        if (c.kind.startsWith('github')) assert.equal(committer, 'GitHub');
        else assert.deepEqual([author, committer], ['carol', 'carol']);
      });

      it('finds the pull request that made the merge commit: author, merged by, when, and the commit', async () => {
        const found = await client.pullRequestsForCommit(mergeCommit);
        assert.equal(found.length, 1, JSON.stringify(found));
        merged = found[0];
        assert.equal(merged?.number, 1);
        assert.equal(merged?.state, 'merged');
        assert.equal(merged?.title, 'web: 3 replicas');
        assert.equal(merged?.author, c.user('alice'));
        assert.equal(merged?.mergedBy, c.user('carol'));
        assert.equal(Date.parse(merged?.mergedAt ?? ''), Date.parse('2026-03-02T10:30:00Z'));
        assert.equal(merged?.mergeCommit, mergeCommit);
      });

      it('finds it from a commit of its branch too (Gitea answers for merge commits only)', async () => {
        const found = await client.pullRequestsForCommit(branchCommit);
        if (c.kind === 'gitea') assert.deepEqual(found, []);
        else assert.deepEqual(found.map((p) => [p.number, p.state]), [[1, 'merged']]);
      });

      it('reads the reviews: the approval counts, the earlier change request and the comment do not', async () => {
        const reviews = await client.pullRequestReviews(merged!);
        assert.deepEqual(approversOf(reviews, merged?.author), [c.user('bob')]);
        assert.ok(!reviews.some((r) => r.user === c.user('carol') && r.state === 'approved'));
      });

      it('a commit pushed straight to the branch belongs to no pull request', async () => {
        const direct = await pushDirect(bare);
        assert.deepEqual(await client.pullRequestsForCommit(direct), []);
      });

      it('reads what the branch protection enforces', async () => {
        const none = await client.branchProtection('main');
        assert.equal(none.protected, false);
        assert.equal(none.pullRequestRequired ?? false, false);
        forge.protectBranch(c.fullName, 'main', { requirePullRequest: true, requiredApprovals: 2, allowForcePush: false });
        const p = await client.branchProtection('main');
        assert.deepEqual([p.protected, p.pullRequestRequired, p.requiredApprovals, p.forcePushBlocked], [true, true, 2, true], JSON.stringify(p));
        assert.deepEqual(p.notes, []);
      });
    });
  }

  it('GitHub: a ruleset is read by anyone; classic protection only by admins, else a note says so', async () => {
    const r = await forge.createRepo('gh/rules', { admins: ['alice'] });
    const host = new URL(forge.url).host;
    const repo = detectForge(r.cloneUrl('github'), { forges: { [host]: 'github' }, apiBaseUrl: forge.url })!;
    const asBob = createForgeClient(repo, { token: BOB_TOKEN });
    forge.protectBranch('gh/rules', 'main', { requirePullRequest: true, requiredApprovals: 1, allowForcePush: false, githubRuleset: true });
    // What the ruleset enforces is known; whether classic protection adds to it only an admin may read.
    const ruleset = await asBob.branchProtection('main');
    assert.deepEqual([ruleset.protected, ruleset.pullRequestRequired, ruleset.requiredApprovals, ruleset.forcePushBlocked], [true, true, 1, true]);
    assert.match(ruleset.notes.join(' '), /admin rights/);
    const r2 = await forge.createRepo('gh/classic', { admins: ['alice'] });
    forge.protectBranch('gh/classic', 'main', { requirePullRequest: false, allowForcePush: true });
    const classic = detectForge(r2.cloneUrl('github'), { forges: { [host]: 'github' }, apiBaseUrl: forge.url })!;
    assert.deepEqual(await createForgeClient(classic, { token: TOKEN }).branchProtection('main'), { branch: 'main', protected: true, pullRequestRequired: false, requiredApprovals: 0, forcePushBlocked: false, notes: [] });
    const bobView = await createForgeClient(classic, { token: BOB_TOKEN }).branchProtection('main');
    assert.equal(bobView.protected, true);
    assert.equal(bobView.pullRequestRequired, undefined);
    assert.match(bobView.notes[0] ?? '', /admin rights/);
  });

  it('approversOf: the latest decisive review per user counts; self-approval does not', () => {
    assert.deepEqual(
      approversOf([
        { user: 'a', state: 'approved' },
        { user: 'b', state: 'approved' },
        { user: 'b', state: 'changesRequested' },
        { user: 'c', state: 'approved' },
        { user: 'c', state: 'commented' },
        { user: 'd', state: 'approved' },
        { user: 'd', state: 'dismissed' },
        { user: 'Author', state: 'approved' },
      ], 'author'),
      ['a', 'c'],
    );
  });
});

/** A commit pushed to main without a pull request (straight into the bare repository). */
async function pushDirect(bare: string): Promise<string> {
  const env = hermeticGitEnv(process.env.TMPDIR ?? '/tmp', { GIT_AUTHOR_NAME: 'eve', GIT_COMMITTER_NAME: 'eve' });
  const tree = (await git(['rev-parse', 'main^{tree}'], { cwd: bare, env })).trim();
  const parent = (await git(['rev-parse', 'main'], { cwd: bare, env })).trim();
  const sha = (await git(['commit-tree', tree, '-p', parent, '-m', 'hotfix straight to main'], { cwd: bare, env })).trim();
  await git(['update-ref', 'refs/heads/main', sha, parent], { cwd: bare, env });
  return sha;
}
