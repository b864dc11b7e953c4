import * as assert from 'node:assert/strict';
import { startForge } from './server';
import type { ForgeRepo, ForgeServer } from './server';
import { basic, call, GitWorkspace } from './forgeTestKit';

const TOKEN = 'sim-pat-alice';

describe('sim/forge: GitLab, Bitbucket Cloud/Server, Azure DevOps, Gitea', function () {
  this.timeout(60000);
  let server: ForgeServer;
  let repo: ForgeRepo;
  let nested: ForgeRepo;
  let ws: GitWorkspace;

  before(async () => {
    server = await startForge({ tokens: { [TOKEN]: 'alice' } });
    repo = await server.createRepo('acme/deploy', { defaultBranch: 'main' });
    nested = await server.createRepo('acme/platform/infra', { defaultBranch: 'trunk' });
    ws = new GitWorkspace();
  });

  after(async () => {
    await server?.stop();
    ws?.dispose();
  });

  describe('GitLab v4', () => {
    const h = { 'PRIVATE-TOKEN': TOKEN };

    it('reads a project by URL-encoded path (nested groups) and by id', async () => {
      const api = nested.apiBase('gitlab');
      const r = await call(`${api}/projects/${encodeURIComponent('acme/platform/infra')}`, { headers: h });
      assert.equal(r.status, 200);
      const p = r.json as { id: number; default_branch: string; path_with_namespace: string; http_url_to_repo: string };
      assert.equal(p.default_branch, 'trunk');
      assert.equal(p.path_with_namespace, 'acme/platform/infra');
      assert.equal(p.http_url_to_repo, nested.cloneUrl('gitlab'));
      const byId = await call(`${api}/projects/${p.id}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal((byId.json as { path_with_namespace: string }).path_with_namespace, 'acme/platform/infra');
    });

    it('pushes with oauth2:TOKEN, creates an MR, finds it, answers the duplicate with 409', async () => {
      await ws.pushBranch(nested.cloneUrl('gitlab'), 'gl-change', { user: 'oauth2', password: TOKEN });
      const mrs = `${nested.apiBase('gitlab')}/projects/${encodeURIComponent('acme/platform/infra')}/merge_requests`;
      const created = await call(mrs, { method: 'POST', headers: h, body: { source_branch: 'gl-change', target_branch: 'trunk', title: 'Bump', description: 'd' } });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      const mr = created.json as { iid: number; state: string; web_url: string };
      assert.equal(mr.iid, 1);
      assert.equal(mr.state, 'opened');
      assert.equal(mr.web_url, `${server.url}/acme/platform/infra/-/merge_requests/1`);
      const found = await call(`${mrs}?source_branch=gl-change&state=opened`, { headers: h });
      assert.deepEqual((found.json as Array<{ iid: number }>).map((m) => m.iid), [1]);
      assert.deepEqual((await call(`${mrs}?source_branch=other&state=opened`, { headers: h })).json, []);
      const dup = await call(mrs, { method: 'POST', headers: h, body: { source_branch: 'gl-change', target_branch: 'trunk', title: 'Again' } });
      assert.equal(dup.status, 409);
      assert.deepEqual(dup.json, { message: ['Another open merge request already exists for this source branch: !1'] });
    });

    it('rejects a missing source branch, same branches, missing params and a bad token', async () => {
      const mrs = `${repo.apiBase('gitlab')}/projects/${encodeURIComponent('acme/deploy')}/merge_requests`;
      const missing = await call(mrs, { method: 'POST', headers: h, body: { source_branch: 'ghost', target_branch: 'main', title: 't' } });
      // Model validation, not validate_branches: 400 with field errors, as GitLab answers a branch it lacks.
      assert.equal(missing.status, 400);
      assert.deepEqual(missing.json, { message: { source_branch: ['does not exist'] } });
      const same = await call(mrs, { method: 'POST', headers: h, body: { source_branch: 'main', target_branch: 'main', title: 't' } });
      assert.equal(same.status, 409);
      const params = await call(mrs, { method: 'POST', headers: h, body: { source_branch: 'main' } });
      assert.equal(params.status, 400);
      assert.deepEqual(params.json, { error: 'target_branch is missing, title is missing' });
      const bad = await call(`${repo.apiBase('gitlab')}/projects/1`, { headers: { 'PRIVATE-TOKEN': 'nope' } });
      assert.equal(bad.status, 401);
      assert.deepEqual(bad.json, { message: '401 Unauthorized' });
    });
  });

  describe('Bitbucket Cloud 2.0', () => {
    const h = { authorization: basic('alice', TOKEN) };

    it('reads the repository and its main branch', async () => {
      const r = await call(`${repo.apiBase('bitbucket-cloud')}/repositories/acme/deploy`, { headers: h });
      assert.equal(r.status, 200);
      assert.deepEqual((r.json as { mainbranch: unknown }).mainbranch, { type: 'branch', name: 'main' });
    });

    it('creates a PR (destination defaults to main), finds it with BBQL, returns the open PR on a second create', async () => {
      await ws.pushBranch(repo.cloneUrl('bitbucket-cloud'), 'bbc-change', { user: 'alice', password: TOKEN });
      const prs = `${repo.apiBase('bitbucket-cloud')}/repositories/acme/deploy/pullrequests`;
      const created = await call(prs, { method: 'POST', headers: h, body: { title: 'Bump', description: 'd', source: { branch: { name: 'bbc-change' } } } });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      const pr = created.json as { id: number; state: string; destination: { branch: { name: string } }; links: { html: { href: string } } };
      assert.equal(pr.state, 'OPEN');
      assert.equal(pr.destination.branch.name, 'main');
      assert.equal(pr.links.html.href, `${server.url}/acme/deploy/pull-requests/${pr.id}`);
      const q = encodeURIComponent('source.branch.name="bbc-change" AND state="OPEN"');
      const found = await call(`${prs}?q=${q}`, { headers: h });
      assert.deepEqual((found.json as { values: Array<{ id: number }> }).values.map((p) => p.id), [pr.id]);
      const none = await call(`${prs}?q=${encodeURIComponent('source.branch.name="nope"')}`, { headers: h });
      assert.deepEqual((none.json as { values: unknown[] }).values, []);
      const again = await call(prs, { method: 'POST', headers: h, body: { title: 'Bump v2', source: { branch: { name: 'bbc-change' } } } });
      assert.equal(again.status, 200);
      assert.equal((again.json as { id: number; title: string }).id, pr.id);
      assert.equal(server.pullRequests('acme/deploy').filter((p) => p.forge === 'bitbucket-cloud').length, 1);
    });

    it('answers a missing branch with 400 and a bad token with 401 in Bitbucket error shape', async () => {
      const prs = `${repo.apiBase('bitbucket-cloud')}/repositories/acme/deploy/pullrequests`;
      const missing = await call(prs, { method: 'POST', headers: h, body: { title: 't', source: { branch: { name: 'ghost' } } } });
      assert.equal(missing.status, 400);
      assert.deepEqual(missing.json, { type: 'error', error: { message: 'Bad Request', fields: { source: ['branch not found: ghost'] } } });
      const bad = await call(prs, { headers: { authorization: 'Bearer nope' } });
      assert.equal(bad.status, 401);
      assert.equal((bad.json as { type: string }).type, 'error');
    });
  });

  describe('Bitbucket Server 1.0', () => {
    const h = { authorization: `Bearer ${TOKEN}` };
    const base = () => `${repo.apiBase('bitbucket-server')}/projects/ACME/repos/deploy`;

    it('reads the repository and default branch (both endpoints)', async () => {
      const r = await call(base(), { headers: h });
      assert.equal(r.status, 200);
      assert.equal((r.json as { project: { key: string } }).project.key, 'ACME');
      for (const p of ['default-branch', 'branches/default']) {
        const d = await call(`${base()}/${p}`, { headers: h });
        assert.equal((d.json as { id: string; displayId: string }).id, 'refs/heads/main');
      }
      assert.equal(repo.cloneUrl('bitbucket-server'), `${server.url}/scm/ACME/deploy.git`);
    });

    it('creates a PR, finds it OUTGOING at the branch, answers the duplicate with DuplicatePullRequestException', async () => {
      await ws.pushBranch(repo.cloneUrl('bitbucket-server'), 'bbs-change', { user: 'alice', password: TOKEN });
      const ref = (b: string) => ({ id: `refs/heads/${b}`, repository: { slug: 'deploy', project: { key: 'ACME' } } });
      const body = { title: 'Bump', description: 'd', fromRef: ref('bbs-change'), toRef: ref('main') };
      const created = await call(`${base()}/pull-requests`, { method: 'POST', headers: h, body });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      const pr = created.json as { id: number; state: string; links: { self: Array<{ href: string }> } };
      assert.equal(pr.state, 'OPEN');
      assert.equal(pr.links.self[0]?.href, `${server.url}/projects/ACME/repos/deploy/pull-requests/${pr.id}`);
      const found = await call(`${base()}/pull-requests?at=refs/heads/bbs-change&direction=OUTGOING&state=OPEN`, { headers: h });
      assert.deepEqual((found.json as { values: Array<{ id: number }> }).values.map((p) => p.id), [pr.id]);
      // INCOMING (the default direction) matches `at` against the target branch instead.
      const incoming = await call(`${base()}/pull-requests?at=refs/heads/bbs-change&state=OPEN`, { headers: h });
      assert.deepEqual((incoming.json as { values: unknown[] }).values, []);
      const dup = await call(`${base()}/pull-requests`, { method: 'POST', headers: h, body });
      assert.equal(dup.status, 409);
      const e = (dup.json as { errors: Array<{ exceptionName: string; existingPullRequest: { id: number } }> }).errors[0];
      assert.equal(e?.exceptionName, 'com.atlassian.bitbucket.pull.DuplicatePullRequestException');
      assert.equal(e?.existingPullRequest.id, pr.id);
    });

    it('answers a missing branch and a bad token with {"errors":[…]}', async () => {
      const ref = (b: string) => ({ id: `refs/heads/${b}` });
      const missing = await call(`${base()}/pull-requests`, { method: 'POST', headers: h, body: { title: 't', fromRef: ref('ghost'), toRef: ref('main') } });
      assert.equal(missing.status, 404);
      assert.match(JSON.stringify(missing.json), /NoSuchBranchException/);
      const bad = await call(base(), { headers: { authorization: 'Bearer nope' } });
      assert.equal(bad.status, 401);
      assert.ok(Array.isArray((bad.json as { errors: unknown[] }).errors));
    });
  });

  describe('Azure DevOps 7.1', () => {
    const h = { authorization: basic('', TOKEN) };
    const api = () => `${repo.apiBase('azure-devops')}/git/repositories/deploy`;

    it('reads the repository (defaultBranch refs/heads/main) and requires a supported api-version', async () => {
      const r = await call(`${api()}?api-version=7.1`, { headers: h });
      assert.equal(r.status, 200);
      assert.equal((r.json as { defaultBranch: string }).defaultBranch, 'refs/heads/main');
      const none = await call(api(), { headers: h });
      assert.equal(none.status, 400);
      assert.equal((none.json as { typeKey: string }).typeKey, 'VssVersionNotSpecifiedException');
      const future = await call(`${api()}?api-version=9.0`, { headers: h });
      assert.equal(future.status, 400);
      assert.equal((future.json as { typeKey: string }).typeKey, 'VssVersionOutOfRangeException');
      assert.equal((await call(`${api()}?api-version=7.1-preview.1`, { headers: h })).status, 200);
      assert.equal(repo.cloneUrl('azure-devops'), `${server.url}/acme/acme/_git/deploy`);
    });

    it('creates a PR, finds it by sourceRefName, answers the duplicate with TF401179', async () => {
      await ws.pushBranch(repo.cloneUrl('azure-devops'), 'ado-change', { user: 'anything', password: TOKEN });
      const prs = `${api()}/pullrequests?api-version=7.1`;
      const body = { sourceRefName: 'refs/heads/ado-change', targetRefName: 'refs/heads/main', title: 'Bump', description: 'd' };
      const created = await call(prs, { method: 'POST', headers: h, body });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      const pr = created.json as { pullRequestId: number; status: string };
      assert.equal(pr.status, 'active');
      const found = await call(`${api()}/pullrequests?searchCriteria.sourceRefName=refs/heads/ado-change&searchCriteria.status=active&api-version=7.1`, { headers: h });
      assert.deepEqual((found.json as { value: Array<{ pullRequestId: number }>; count: number }).value.map((p) => p.pullRequestId), [pr.pullRequestId]);
      const dup = await call(prs, { method: 'POST', headers: h, body });
      assert.equal(dup.status, 409);
      assert.equal((dup.json as { typeKey: string }).typeKey, 'GitPullRequestExistsException');
      assert.match((dup.json as { message: string }).message, /^TF401179:/);
    });

    it('rejects a missing source branch and a bad PAT', async () => {
      const missing = await call(`${api()}/pullrequests?api-version=7.1`, {
        method: 'POST',
        headers: h,
        body: { sourceRefName: 'refs/heads/ghost', targetRefName: 'refs/heads/main', title: 't' },
      });
      assert.equal(missing.status, 400);
      assert.match((missing.json as { message: string }).message, /^TF401398:/);
      // Azure DevOps answers bad credentials with 203 and a sign-in page unless the client asks for a 401.
      const page = await call(`${api()}?api-version=7.1`, { headers: { authorization: basic('', 'nope') } });
      assert.equal(page.status, 203);
      assert.match(String(page.json), /<html/i);
      const bad = await call(`${api()}?api-version=7.1`, { headers: { authorization: basic('', 'nope'), 'X-TFS-FedAuthRedirect': 'Suppress' } });
      assert.equal(bad.status, 401);
    });
  });

  describe('Gitea v1', () => {
    const h = { authorization: `token ${TOKEN}` };
    const api = () => `${repo.apiBase('gitea')}/repos/acme/deploy`;

    it('creates a PR, finds it open, answers the duplicate with 409', async () => {
      const r = await call(api(), { headers: h });
      assert.equal((r.json as { default_branch: string }).default_branch, 'main');
      await ws.pushBranch(repo.cloneUrl('gitea'), 'gitea-change', { user: 'alice', password: TOKEN });
      const created = await call(`${api()}/pulls`, { method: 'POST', headers: h, body: { head: 'gitea-change', base: 'main', title: 'Bump', body: 'd' } });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      const pr = created.json as { number: number; html_url: string };
      assert.equal(pr.html_url, `${server.url}/acme/deploy/pulls/${pr.number}`);
      const open = await call(`${api()}/pulls?state=open`, { headers: h });
      assert.ok((open.json as Array<{ number: number; head: { ref: string } }>).some((p) => p.number === pr.number && p.head.ref === 'gitea-change'));
      const pair = await call(`${api()}/pulls/main/gitea-change`, { headers: h });
      assert.equal((pair.json as { number: number }).number, pr.number);
      const dup = await call(`${api()}/pulls`, { method: 'POST', headers: h, body: { head: 'gitea-change', base: 'main', title: 'Again' } });
      assert.equal(dup.status, 409);
      assert.match((dup.json as { message: string }).message, /^pull request already exists for these targets/);
    });

    it('rejects a missing head branch and a bad token', async () => {
      const missing = await call(`${api()}/pulls`, { method: 'POST', headers: h, body: { head: 'ghost', base: 'main', title: 't' } });
      assert.equal(missing.status, 404);
      const bad = await call(api(), { headers: { authorization: 'token nope' } });
      assert.equal(bad.status, 401);
      assert.equal((bad.json as { message: string }).message, 'invalid username, password or token');
    });
  });

  // Mocha runs a describe's own tests before its nested describes, so this check sits in the last one.
  describe('shared store', () => {
    it('keeps one store: PR numbers are per repository across forges and every request is logged', () => {
      const prs = server.pullRequests('acme/deploy');
      assert.deepEqual(prs.map((p) => p.number), prs.map((_, i) => i + 1));
      assert.deepEqual(new Set(prs.map((p) => p.forge)), new Set(['bitbucket-cloud', 'bitbucket-server', 'azure-devops', 'gitea']));
      for (const forge of ['gitlab', 'bitbucket-cloud', 'bitbucket-server', 'azure-devops', 'gitea', 'git'] as const) {
        assert.ok(server.requests.some((r) => r.forge === forge), `no ${forge} request logged`);
      }
      assert.ok(server.requests.some((r) => r.forge === 'git' && r.status === 200 && r.path.endsWith('/git-receive-pack')));
    });
  });
});
