import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startForge } from './server';
import type { ForgeKind, ForgeRepo, ForgeServer } from './server';
import { call, GitWorkspace } from './forgeTestKit';
import { githubValidator } from './githubOpenApi';
import { git, runGit } from '../git/httpBackend';

const TOKEN = 'ghp_simAliceToken';

for (const forge of ['github', 'github-enterprise'] as const satisfies readonly ForgeKind[]) {
  describe(`sim/forge: ${forge} REST v3`, function () {
    this.timeout(60000);
    let server: ForgeServer;
    let repo: ForgeRepo;
    let ws: GitWorkspace;
    let api: string;
    const auth = { authorization: `Bearer ${TOKEN}` };

    before(async () => {
      server = await startForge({ tokens: { [TOKEN]: 'alice' } });
      repo = await server.createRepo('acme/deploy', { defaultBranch: 'main' });
      api = repo.apiBase(forge);
      ws = new GitWorkspace();
    });

    after(async () => {
      await server?.stop();
      ws?.dispose();
    });

    it('serves the repository with its default branch and GitHub headers', async () => {
      const r = await call(`${api}/repos/acme/deploy`, { headers: auth });
      assert.equal(r.status, 200);
      const body = r.json as { default_branch: string; full_name: string; clone_url: string };
      assert.equal(body.default_branch, 'main');
      assert.equal(body.full_name, 'acme/deploy');
      assert.equal(body.clone_url, repo.cloneUrl(forge));
      assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.ok(r.headers.get('x-github-request-id'));
      assert.equal(r.headers.get('x-ratelimit-limit'), '5000');
      assert.match(r.headers.get('x-ratelimit-remaining') ?? '', /^\d+$/);
      assert.equal(api.endsWith('/api/v3'), forge === 'github-enterprise');
      assert.equal(r.headers.has('x-github-enterprise-version'), forge === 'github-enterprise');
    });

    it('refuses a push without a token (git fails) and accepts one with x-access-token', async () => {
      const failed = await ws.pushBranch(repo.cloneUrl(forge), 'nope', { user: 'x-access-token', password: 'wrong' }).then(
        () => 'pushed',
        (e: Error) => e.message,
      );
      assert.match(failed, /Authentication failed|401|could not read/);
      const sha = await ws.pushBranch(repo.cloneUrl(forge), 'gitops-lens/replicas', { user: 'x-access-token', password: TOKEN });
      const ls = await runGit(['ls-remote', repo.cloneUrl(forge), 'refs/heads/gitops-lens/replicas'], { env: ws.env });
      assert.equal(ls.stdout.split('\t')[0], sha);
    });

    it('creates a PR, finds it by head, rejects the duplicate with 422', async () => {
      const created = await call(`${api}/repos/acme/deploy/pulls`, {
        method: 'POST',
        headers: auth,
        body: { title: 'Scale to 3', head: 'gitops-lens/replicas', base: 'main', body: 'From GitOps Lens' },
      });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      const pr = created.json as { number: number; html_url: string; state: string; head: { ref: string }; base: { ref: string } };
      assert.equal(pr.number, 1);
      assert.equal(pr.state, 'open');
      assert.equal(pr.html_url, `${server.url}/acme/deploy/pull/1`);
      assert.equal(created.headers.get('location'), `${api}/repos/acme/deploy/pulls/1`);

      const found = await call(`${api}/repos/acme/deploy/pulls?head=acme:gitops-lens/replicas&state=open`, { headers: auth });
      assert.equal(found.status, 200);
      assert.deepEqual((found.json as Array<{ number: number }>).map((p) => p.number), [1]);
      const none = await call(`${api}/repos/acme/deploy/pulls?head=acme:other&state=open`, { headers: auth });
      assert.deepEqual(none.json, []);
      const bare = await call(`${api}/repos/acme/deploy/pulls?head=gitops-lens/replicas&state=open`, { headers: auth });
      assert.deepEqual(bare.json, [], 'head without the owner prefix is not the documented form');

      const dup = await call(`${api}/repos/acme/deploy/pulls`, { method: 'POST', headers: auth, body: { title: 'Again', head: 'acme:gitops-lens/replicas', base: 'main' } });
      assert.equal(dup.status, 422);
      assert.deepEqual((dup.json as { message: string; errors: unknown[] }).message, 'Validation Failed');
      assert.deepEqual((dup.json as { errors: unknown[] }).errors, [{ resource: 'PullRequest', code: 'custom', message: 'A pull request already exists for acme:gitops-lens/replicas.' }]);

      assert.deepEqual(
        server.pullRequests('acme/deploy').map((p) => ({ n: p.number, title: p.title, body: p.body, head: p.head, base: p.base, state: p.state, forge: p.forge })),
        [{ n: 1, title: 'Scale to 3', body: 'From GitOps Lens', head: 'gitops-lens/replicas', base: 'main', state: 'open', forge }],
      );
    });

    it('rejects a missing head branch and head == base with 422', async () => {
      const missing = await call(`${api}/repos/acme/deploy/pulls`, { method: 'POST', headers: auth, body: { title: 'x', head: 'does-not-exist', base: 'main' } });
      assert.equal(missing.status, 422);
      assert.deepEqual((missing.json as { errors: unknown[] }).errors, [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
      const same = await call(`${api}/repos/acme/deploy/pulls`, { method: 'POST', headers: auth, body: { title: 'x', head: 'main', base: 'main' } });
      assert.equal(same.status, 422);
      assert.match(JSON.stringify(same.json), /No commits between main and main/);
    });

    it('answers a bad token with 401 Bad credentials and /user for a good one', async () => {
      const bad = await call(`${api}/repos/acme/deploy`, { headers: { authorization: 'token nope' } });
      assert.equal(bad.status, 401);
      assert.equal((bad.json as { message: string }).message, 'Bad credentials');
      const anonymousCreate = await call(`${api}/repos/acme/deploy/pulls`, { method: 'POST', body: { title: 'x', head: 'gitops-lens/replicas', base: 'main' } });
      assert.equal(anonymousCreate.status, 401);
      const me = await call(`${api}/user`, { headers: { authorization: `token ${TOKEN}` } });
      assert.equal(me.status, 200);
      assert.equal((me.json as { login: string }).login, 'alice');
    });

    it('seeds a repository from a plain directory onto a chosen default branch', async () => {
      const dir = path.join(ws.dir, 'fixture');
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'app.yaml'), 'kind: Deployment\n');
      const seeded = await server.createRepo('acme/seeded', { from: dir, defaultBranch: 'release' });
      const r = await call(`${api}/repos/acme/seeded`, { headers: auth });
      assert.equal((r.json as { default_branch: string }).default_branch, 'release');
      const clone = path.join(ws.dir, 'seeded-clone');
      await git(['clone', '--quiet', seeded.cloneUrl(forge), clone], { env: ws.env });
      assert.equal(fs.readFileSync(path.join(clone, 'app.yaml'), 'utf8'), 'kind: Deployment\n');
      assert.equal((await git(['branch', '--show-current'], { cwd: clone, env: ws.env })).trim(), 'release');
    });

    it('hides private repositories from anonymous callers (404 like GitHub)', async () => {
      await server.createRepo('acme/secret', { private: true });
      assert.equal((await call(`${api}/repos/acme/secret`)).status, 404);
      assert.equal((await call(`${api}/repos/acme/secret`, { headers: auth })).status, 200);
    });

    it('sent and received only what GitHub\'s OpenAPI description allows', () => {
      assert.ok(server.requests.filter((r) => r.forge === forge).length >= 12);
      assert.deepEqual(server.githubViolations, []);
    });
  });
}

describe('sim/forge: the GitHub OpenAPI check can fail', function () {
  this.timeout(60000);

  it('flags a response missing required fields and a wrongly typed request', () => {
    const v = githubValidator('api.github.com');
    const problems = v.validateResponse('GET', '/repos/acme/deploy/pulls', 200, [{ number: '1', title: 'x' }]);
    assert.ok(problems.some((p) => /must have required property 'head'/.test(p)), problems.join('\n'));
    assert.ok(v.validateRequest('POST', '/repos/acme/deploy/pulls', { head: 1, base: 'main' }).some((p) => /head must be string/.test(p)));
    assert.deepEqual(v.validateResponse('GET', '/repos/acme/deploy', 418, {}), ['GET /repos/{owner}/{repo} does not document status 418']);
  });

  it('records a deliberately broken server response as a violation', async () => {
    const server = await startForge({
      tokens: { t: 'alice' },
      rewriteGithubResponse: (info, body) => (info.path === '/repos/acme/app' ? { ...(body as object), default_branch: 42 } : body),
    });
    try {
      await server.createRepo('acme/app');
      const r = await call(`${server.url}/repos/acme/app`, { headers: { authorization: 'token t' } });
      assert.equal(r.status, 200);
      assert.equal(server.githubViolations.length, 1);
      assert.deepEqual({ ...server.githubViolations[0], message: undefined }, { flavor: 'api.github.com', method: 'GET', path: '/repos/acme/app', status: 200, where: 'response', message: undefined });
      assert.match(server.githubViolations[0]?.message ?? '', /default_branch must be string/);
    } finally {
      await server.stop();
    }
  });
});
