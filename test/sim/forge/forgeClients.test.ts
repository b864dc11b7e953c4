// The product's forge clients (src/infra/forge) against the forge simulator, one block per forge:
// detection from the clone URL, default branch, protection, create (head/base/title/body/draft),
// find and list the open PR, update it, duplicate → ForgeError 'duplicate', bad token → 'auth', and no
// token in any error message.
import * as assert from 'node:assert/strict';
import { detectForge } from '../../../src/core/forge/detect';
import { ForgeError } from '../../../src/core/forge/types';
import type { ForgeClient, ForgeKind, ForgeRepo } from '../../../src/core/forge/types';
import { createForgeClient } from '../../../src/infra/forge/createForgeClient';
import { giteaRuleMatches } from '../../../src/infra/forge/gitea';
import { GitWorkspace } from './forgeTestKit';
import { startForge } from './server';
import type { ForgeServer } from './server';

const TOKEN = 'sim-forge-token-6f1d2c';
const BAD = 'sim-forge-bad-token-9a8b';

const CASES: Array<{ kind: ForgeKind; fullName: string; owner: string; titlePrefix?: string }> = [
  { kind: 'github', fullName: 'gh/deploy', owner: 'gh' },
  { kind: 'github-enterprise', fullName: 'ghe/deploy', owner: 'ghe' },
  { kind: 'gitlab', fullName: 'gl/platform/deploy', owner: 'gl/platform', titlePrefix: 'Draft: ' },
  { kind: 'bitbucket-cloud', fullName: 'bbc/deploy', owner: 'bbc' },
  { kind: 'bitbucket-server', fullName: 'bbs/deploy', owner: 'BBS' },
  { kind: 'azure-devops', fullName: 'az/deploy', owner: 'az/az' },
  { kind: 'gitea', fullName: 'gt/deploy', owner: 'gt', titlePrefix: 'WIP: ' },
];

async function rejects(p: Promise<unknown>): Promise<ForgeError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ForgeError, `expected ForgeError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a ForgeError');
}

describe('infra/forge clients against the forge simulator', function () {
  this.timeout(60000);
  let forge: ForgeServer;
  let ws: GitWorkspace;
  const messages: string[] = [];

  before(async () => {
    forge = await startForge({ tokens: { [TOKEN]: 'alice' } });
    forge.addUser('bob');
    ws = new GitWorkspace();
  });
  after(async () => {
    // Every error any client raised in these tests, in the words a user would see.
    for (const m of messages) {
      assert.ok(!m.includes(TOKEN) && !m.includes(BAD), `token in message: ${m}`);
    }
    assert.deepEqual(forge.githubViolations, [], 'GitHub traffic matches @octokit/openapi');
    ws.dispose();
    await forge.stop();
  });

  for (const c of CASES) {
    describe(c.kind, () => {
      let repo: ForgeRepo;
      let client: ForgeClient;
      let simApiBase = '';
      let cloneUrl = '';
      const head = `gitops/replicas-${c.kind}`;

      before(async () => {
        // alice administers the repository: Gitea lists protection rules to repository admins only.
        const r = await forge.createRepo(c.fullName, { admins: ['alice'], labels: ['gitops'] });
        simApiBase = r.apiBase(c.kind);
        cloneUrl = r.cloneUrl(c.kind);
        const host = new URL(forge.url).host;
        const detected = detectForge(r.cloneUrl(c.kind), { forges: { [host]: c.kind }, ...(c.kind === 'github' ? { apiBaseUrl: forge.url } : {}) });
        assert.ok(detected);
        repo = detected;
        client = createForgeClient(repo, { token: TOKEN });
        await ws.pushBranch(r.cloneUrl(c.kind), head, { user: c.kind === 'github' ? 'x-access-token' : 'alice', password: TOKEN });
      });

      it('detects the repository from its clone URL and reads the default branch', async () => {
        assert.equal(repo.kind, c.kind);
        assert.equal(repo.owner, c.owner);
        assert.equal(repo.repo, 'deploy');
        assert.equal(repo.apiBaseUrl, simApiBase);
        assert.equal(await client.defaultBranch(), 'main');
      });

      it('reports branch protection', async () => {
        assert.equal(await client.isProtected('main'), false);
        forge.protectBranch(c.fullName, 'main');
        assert.equal(await client.isProtected('main'), true);
        assert.equal(await client.isProtected(head), false);
      });

      it('a branch that does not exist yet is unprotected unless a wildcard rule covers its name', async () => {
        assert.equal(await client.isProtected('gitops/not-pushed-yet'), false);
        forge.protectBranch(c.fullName, 'release/*');
        // GitHub lists protected branches that exist only (branches?protected=true); a pattern rule over a
        // branch not pushed yet is enforced by the push itself, not seen here.
        assert.equal(await client.isProtected('release/not-pushed-yet'), !c.kind.startsWith('github'));
        assert.equal(await client.isProtected('gitops/not-pushed-yet'), false);
      });

      it('creates a draft PR with the right head, base, title and body, finds and lists it', async () => {
        const pr = await client.createPullRequest({ head, base: 'main', title: 'deploy: replicas 3 → 5', body: '| app | field |\n|---|---|\n| deploy | replicas |', draft: true });
        assert.deepEqual([pr.head, pr.base, pr.state, pr.draft], [head, 'main', 'open', true]);
        assert.equal(pr.title, `${c.titlePrefix ?? ''}deploy: replicas 3 → 5`);
        assert.match(pr.url, /^http:\/\/127\.0\.0\.1:\d+\//);
        const stored = forge.pullRequests(c.fullName);
        assert.equal(stored.length, 1);
        assert.deepEqual([stored[0]?.head, stored[0]?.base, stored[0]?.body, stored[0]?.draft], [head, 'main', '| app | field |\n|---|---|\n| deploy | replicas |', true]);

        const found = await client.findOpenPullRequest(head, 'main');
        assert.equal(found?.id, pr.id);
        assert.equal(found?.url, pr.url);
        assert.equal(await client.findOpenPullRequest(head, 'release'), undefined);
        assert.equal(await client.findOpenPullRequest('gitops/other', 'main'), undefined);
        assert.deepEqual((await client.listOpenPullRequests({ headPrefix: 'gitops/' })).map((p) => p.id), [pr.id]);
        assert.deepEqual(await client.listOpenPullRequests({ headPrefix: 'renovate/' }), []);
      });

      it('a second PR for the same branches is a ForgeError "duplicate" carrying the forge message; the existing one is updated instead', async () => {
        const e = await rejects(client.createPullRequest({ head, base: 'main', title: 'again', body: 'b' }));
        messages.push(e.message);
        assert.equal(e.code, 'duplicate', e.message);
        assert.ok(e.forgeMessage && e.message.includes(e.forgeMessage), e.message);
        assert.equal(forge.pullRequests(c.fullName).length, 1);

        const existing = await client.findOpenPullRequest(head, 'main');
        assert.ok(existing);
        const updated = await client.updatePullRequest(existing, { title: 'deploy: replicas 3 → 6', body: 'new body' });
        assert.equal(updated.id, existing.id);
        assert.equal(updated.title, `${c.titlePrefix ?? ''}deploy: replicas 3 → 6`);
        assert.equal(forge.pullRequests(c.fullName)[0]?.body, 'new body');
        // A second update (Bitbucket Server: with the new version) works too.
        await client.updatePullRequest(updated, { body: 'newer body' });
        assert.equal(forge.pullRequests(c.fullName)[0]?.body, 'newer body');
      });

      it('sends labels and reviewers where the forge takes them, and says which it could not apply', async () => {
        const branch = `gitops/labels-${c.kind}`;
        await ws.pushBranch(cloneUrl, branch, { user: c.kind === 'github' ? 'x-access-token' : 'alice', password: TOKEN });
        const reviewers = c.kind === 'gitlab' ? ['bob', 'ghost'] : ['bob'];
        const pr = await client.createPullRequest({ head: branch, base: 'main', title: 'labels', body: 'b', labels: ['gitops', 'urgent'], reviewers });
        const stored = forge.pullRequests(c.fullName).find((p) => p.head === branch);
        assert.ok(stored);
        const expected: Record<ForgeKind, { labels: string[]; reviewers: string[]; warnings: RegExp[] }> = {
          github: { labels: ['gitops', 'urgent'], reviewers: ['bob'], warnings: [] },
          'github-enterprise': { labels: ['gitops', 'urgent'], reviewers: ['bob'], warnings: [] },
          gitlab: { labels: ['gitops', 'urgent'], reviewers: ['bob'], warnings: [/no user named ghost/] },
          gitea: { labels: ['gitops'], reviewers: ['bob'], warnings: [/no label urgent/] },
          'bitbucket-server': { labels: [], reviewers: ['bob'], warnings: [/not supported on this forge: gitops, urgent/] },
          'bitbucket-cloud': { labels: [], reviewers: [], warnings: [/not supported on this forge by name: bob/, /not supported on this forge: gitops, urgent/] },
          'azure-devops': { labels: [], reviewers: [], warnings: [/not supported on this forge by name: bob/, /not supported on this forge yet: gitops, urgent/] },
        };
        const want = expected[c.kind];
        assert.deepEqual(stored.labels, want.labels);
        assert.deepEqual(stored.reviewers, want.reviewers);
        const warnings = pr.warnings ?? [];
        assert.equal(warnings.length, want.warnings.length, warnings.join(' | '));
        want.warnings.forEach((re, i) => assert.match(warnings[i] ?? '', re));
      });

      it('a missing source branch is a validation or not-found error with the forge message', async () => {
        const e = await rejects(client.createPullRequest({ head: 'gitops/ghost', base: 'main', title: 't', body: '' }));
        messages.push(e.message);
        assert.ok(['validation', 'notFound'].includes(e.code), `${e.code}: ${e.message}`);
        assert.ok(e.forgeMessage, e.message);
      });

      it('a bad token is a ForgeError "auth" whose message never holds the token', async () => {
        const bad = createForgeClient(repo, { token: BAD });
        const e = await rejects(bad.defaultBranch());
        messages.push(e.message);
        assert.equal(e.code, 'auth', e.message);
        assert.equal(e.status, 401);
        assert.match(e.message, /token was rejected/);
        const e2 = await rejects(bad.createPullRequest({ head, base: 'main', title: 't', body: '' }));
        messages.push(e2.message);
        assert.equal(e2.code, 'auth');
      });
    });
  }

  it('gitea: without admin rights the rules of a not-yet-existing branch cannot be read, so it counts as unprotected', async () => {
    const r = await forge.createRepo('gt/no-admin');
    forge.protectBranch('gt/no-admin', 'release/*');
    const repo = detectForge(r.cloneUrl('gitea'), { forges: { [new URL(forge.url).host]: 'gitea' } });
    assert.ok(repo);
    const client = createForgeClient(repo, { token: TOKEN });
    assert.equal(await client.isProtected('release/x'), false);
    assert.ok(forge.requests.some((q) => q.path.endsWith('/gt/no-admin/branch_protections') && q.status === 403));
  });

  it('gitea rule names: plain names case-insensitive, `*` within a segment, `**` across, braces and classes', () => {
    assert.equal(giteaRuleMatches('Main', 'main'), true);
    assert.equal(giteaRuleMatches('release/*', 'release/1.2'), true);
    assert.equal(giteaRuleMatches('release/*', 'release/1/2'), false);
    assert.equal(giteaRuleMatches('release/**', 'release/1/2'), true);
    assert.equal(giteaRuleMatches('{main,prod}', 'prod'), true);
    assert.equal(giteaRuleMatches('v[0-9]', 'v7'), true);
    assert.equal(giteaRuleMatches('v[0-9]', 'vx'), false);
    assert.equal(giteaRuleMatches('gitops.x', 'gitopsax'), false);
  });

  it('an unreachable forge is a ForgeError "network"', async () => {
    const repo = detectForge('http://127.0.0.1:9/acme/deploy.git', { forges: { '127.0.0.1:9': 'gitea' } });
    assert.ok(repo);
    const e = await rejects(createForgeClient(repo, { token: TOKEN }).defaultBranch());
    messages.push(e.message);
    assert.equal(e.code, 'network');
  });
});
