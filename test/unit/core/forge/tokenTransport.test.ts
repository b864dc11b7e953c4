/**
 * Where forge tokens travel (issue 12): never over plain HTTP to another machine, never to a host the
 * token was not issued for, not even through a redirect or a next-page link. Against real HTTP
 * listeners: one on this machine's non-loopback address (plain http over a real interface), and pairs
 * on 127.0.0.1 and 127.0.0.2 (two hosts) where the first redirects or links to the second. The forge
 * clients and `git` (the push) are the real ones.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectForge } from '../../../../src/core/forge/detect';
import { githubSessionProvider, isLoopbackHost, tokenAudience, tokenDestinationProblem } from '../../../../src/core/forge/transport';
import { FORGE_KINDS, ForgeError, gitHttpAuthHeader, type ForgeKind, type ForgeRepo } from '../../../../src/core/forge/types';
import { PublishError } from '../../../../src/core/pr/ports';
import { createForgeClient } from '../../../../src/infra/forge/createForgeClient';
import { publishBranch } from '../../../../src/infra/git/publish';
import { runGit, hermeticGitEnv } from '../../../sim/git/httpBackend';
import { nonLoopbackAddress, requestsCarry, startRecordingServer, type RecordingServer } from '../../../support/hostile';

const TOKEN = 'tok-3f9a1c7e5b';

/** What `p` rejected with (undefined when it resolved), so that what reached the servers is asserted first. */
const failureOf = (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (e: unknown) => e);

/** A remote path each forge's URL layout accepts (core/forge/detect). */
function remotePath(kind: ForgeKind): string {
  if (kind === 'bitbucket-server') return '/scm/acme/gitops.git';
  if (kind === 'azure-devops') return '/acme/gitops/_git/gitops';
  return '/acme/gitops.git';
}

function repoAt(server: { url: string; host: string }, kind: ForgeKind): ForgeRepo {
  const repo = detectForge(`${server.url}${remotePath(kind)}`, { forges: { [server.host]: kind } });
  assert.ok(repo, `no ${kind} repository at ${server.url}`);
  return repo;
}

describe('Token transport rules (core/forge/transport)', () => {
  it('trusts plain http only for loopback hosts', () => {
    for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1', 'LOCALHOST']) assert.equal(isLoopbackHost(h), true, h);
    for (const h of ['192.0.2.2', '10.0.0.1', 'localhost.example.test', '127.0.0.1.nip.io', '[::ffff:7f00:1]x', 'example.test']) assert.equal(isLoopbackHost(h), false, h);
  });

  it('sends a token to its own host and to the API host its forge documents', () => {
    assert.deepEqual(tokenAudience('github.com'), ['github.com', 'api.github.com']);
    assert.deepEqual(tokenAudience('acme.visualstudio.com'), ['acme.visualstudio.com', 'dev.azure.com']);
    assert.deepEqual(tokenAudience('git.example.test:8443'), ['git.example.test:8443']);
    const cases: Array<[string, string, RegExp | undefined]> = [
      ['github.com', 'https://api.github.com/repos/a/b', undefined],
      ['bitbucket.org', 'https://api.bitbucket.org/2.0/repositories', undefined],
      ['git.example.test', 'https://git.example.test/api/v4', undefined],
      ['127.0.0.1:3000', 'http://127.0.0.1:3000/api/v1', undefined],
      ['git.example.test', 'http://git.example.test/api/v4', /plain HTTP/],
      ['192.0.2.2:3000', 'http://192.0.2.2:3000/api/v1', /plain HTTP/],
      ['git.example.test', 'https://api.git.example.test/2.0', /only to git\.example\.test, not to api\.git\.example\.test/],
      ['git.example.test', 'https://git.example.test:8443/api/v4', /not to git\.example\.test:8443/],
      ['127.0.0.1:3000', 'http://127.0.0.2:3000/api/v1', /not to 127\.0\.0\.2:3000/],
      ['github.com', 'https://github.com.evil.test/api/v3', /not to github\.com\.evil\.test/],
      ['git.example.test', 'ftp://git.example.test/x', /not HTTP/],
      ['git.example.test', 'not a url', /not a URL/],
    ];
    for (const [host, url, problem] of cases) {
      const got = tokenDestinationProblem(host, url);
      if (problem) assert.match(got ?? '', problem, `${host} → ${url}`);
      else assert.equal(got, undefined, `${host} → ${url}`);
    }
  });

  it('lets every public forge remote form reach its own API (no legitimate destination refused)', () => {
    const remotes = [
      'https://github.com/acme/gitops.git',
      'git@github.com:acme/gitops.git',
      'ssh://git@ssh.github.com:443/acme/gitops.git',
      'https://gitlab.com/acme/platform/gitops.git',
      'ssh://git@altssh.gitlab.com:443/acme/gitops.git',
      'https://bitbucket.org/acme/gitops.git',
      'ssh://git@altssh.bitbucket.org:443/acme/gitops.git',
      'https://dev.azure.com/acme/platform/_git/gitops',
      'git@ssh.dev.azure.com:v3/acme/platform/gitops',
      'https://acme.visualstudio.com/platform/_git/gitops',
      'acme@vs-ssh.visualstudio.com:v3/acme/platform/gitops',
      'https://codeberg.org/acme/gitops.git',
      'https://gitea.com/acme/gitops.git',
    ];
    for (const remote of remotes) {
      const repo = detectForge(remote);
      assert.ok(repo, remote);
      assert.equal(tokenDestinationProblem(repo.host, repo.apiBaseUrl), undefined, `${remote} → ${repo.apiBaseUrl}`);
      if (/^https:/.test(remote)) assert.equal(tokenDestinationProblem(repo.host, remote), undefined, remote);
    }
    const selfHosted = detectForge('https://git.example.test:8443/acme/gitops.git', { forges: { 'git.example.test:8443': 'gitlab' } });
    assert.equal(tokenDestinationProblem(selfHosted!.host, selfHosted!.apiBaseUrl), undefined);
  });

  it("uses VS Code's GitHub session for github.com only, and the Enterprise session for the configured server only", () => {
    assert.equal(githubSessionProvider({ kind: 'github', host: 'github.com' }), 'github');
    assert.equal(githubSessionProvider({ kind: 'github', host: 'ssh.github.com' }), 'github');
    assert.equal(githubSessionProvider({ kind: 'github', host: '192.0.2.2:8080' }), undefined);
    assert.equal(githubSessionProvider({ kind: 'github', host: 'github.example.test' }, 'https://github.example.test'), undefined);
    assert.equal(githubSessionProvider({ kind: 'github-enterprise', host: 'ghe.example.test' }, 'https://ghe.example.test/'), 'github-enterprise');
    assert.equal(githubSessionProvider({ kind: 'github-enterprise', host: 'ghe.example.test' }), undefined);
    assert.equal(githubSessionProvider({ kind: 'github-enterprise', host: 'evil.example.test' }, 'https://ghe.example.test'), undefined);
    assert.equal(githubSessionProvider({ kind: 'github-enterprise', host: 'ghe.example.test' }, 'http://ghe.example.test'), undefined, 'a session over plain http');
    assert.equal(githubSessionProvider({ kind: 'gitlab', host: 'github.com' }), undefined);
  });
});

describe('Forge clients send a token only where it belongs', function () {
  this.timeout(60_000);
  const servers: RecordingServer[] = [];
  const start = async (...args: Parameters<typeof startRecordingServer>) => {
    const s = await startRecordingServer(...args);
    servers.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  for (const kind of FORGE_KINDS) {
    it(`${kind}: refuses plain http to another machine before sending anything`, async () => {
      const remote = await start(nonLoopbackAddress());
      const repo = repoAt(remote, kind);
      const err = await failureOf((async () => createForgeClient(repo, { token: TOKEN }).defaultBranch())());
      assert.ok(!requestsCarry(remote.requests, TOKEN), 'the token went over plain http to another machine');
      assert.equal(remote.requests.length, 0, JSON.stringify(remote.requests.map((r) => r.url)));
      assert.ok(err instanceof ForgeError && err.code === 'insecure' && /plain HTTP/.test(err.message) && !err.message.includes(TOKEN), String(err));
    });

    it(`${kind}: a redirect to another host never carries the token`, async () => {
      const other = await start('127.0.0.2', (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"default_branch":"main","name":"main","defaultBranch":"refs/heads/main","values":[{"displayId":"main","isDefault":true}]}');
      });
      const api = await start('127.0.0.1', (req, res) => {
        res.writeHead(req.method === 'GET' ? 302 : 307, { location: `${other.url}${req.url ?? '/'}` });
        res.end();
      });
      await createForgeClient(repoAt(api, kind), { token: TOKEN })
        .defaultBranch()
        .catch(() => undefined);
      assert.ok(requestsCarry(api.requests, TOKEN), 'the first request did not carry the token (nothing was tested)');
      assert.ok(!requestsCarry(other.requests, TOKEN), `the token reached the other host: ${JSON.stringify(other.requests.map((r) => r.headers))}`);
      // gitbeaker follows redirects inside global fetch, which drops Authorization on the way; the other
      // clients do not follow a redirect off the token's host at all.
      if (kind !== 'gitlab') assert.equal(other.requests.length, 0, JSON.stringify(other.requests.map((r) => r.url)));
    });
  }

  it('github: follows a redirect on the same host with the token (a renamed repository)', async () => {
    const api = await start('127.0.0.1', (req, res) => {
      if (req.url === '/api/v3/repos/acme/gitops') {
        res.writeHead(301, { location: '/api/v3/repositories/42' });
        return res.end();
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 42, default_branch: 'trunk' }));
    });
    assert.equal(await createForgeClient(repoAt(api, 'github'), { token: TOKEN }).defaultBranch(), 'trunk');
    assert.deepEqual(
      api.requests.map((r) => [r.url, requestsCarry([r], TOKEN)]),
      [
        ['/api/v3/repos/acme/gitops', true],
        ['/api/v3/repositories/42', true],
      ],
    );
  });

  it('github: a next-page link to another host is not followed with the token', async () => {
    const other = await start('127.0.0.2', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('[]');
    });
    const api = await start('127.0.0.1', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', link: `<${other.url}/api/v3/repos/acme/gitops/pulls?page=2>; rel="next"` });
      res.end('[]');
    });
    const err = await failureOf(createForgeClient(repoAt(api, 'github'), { token: TOKEN }).listOpenPullRequests());
    assert.ok(!requestsCarry(other.requests, TOKEN), 'the token reached the other host');
    assert.equal(other.requests.length, 0);
    assert.ok(err instanceof ForgeError && err.code === 'insecure', String(err));
  });

  it('bitbucket-cloud: a `next` page on another host is not fetched with the token', async () => {
    const other = await start('127.0.0.2', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"values":[]}');
    });
    const api = await start('127.0.0.1', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ values: [], next: `${other.url}/2.0/repositories/acme/gitops/pullrequests?page=2` }));
    });
    const err = await failureOf(createForgeClient(repoAt(api, 'bitbucket-cloud'), { token: TOKEN }).listOpenPullRequests());
    assert.ok(!requestsCarry(other.requests, TOKEN), 'the token reached the other host');
    assert.equal(other.requests.length, 0);
    assert.ok(err instanceof ForgeError && err.code === 'insecure', String(err));
  });
});

describe('git pushes send the token header only where it belongs (infra/git/publish)', function () {
  this.timeout(60_000);
  const servers: RecordingServer[] = [];
  let tmp = '';
  const header = gitHttpAuthHeader('gitea', { token: TOKEN });
  const env = () => hermeticGitEnv(tmp);

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-transport-'));
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function clone(fetchUrl: string, pushUrl?: string): Promise<string> {
    const root = path.join(tmp, 'repo');
    fs.mkdirSync(root);
    const git = async (args: string[]) => {
      const r = await runGit(args, { cwd: root, env: env() });
      assert.equal(r.code, 0, r.stderr);
    };
    await git(['init', '--quiet', '-b', 'main']);
    fs.writeFileSync(path.join(root, 'a.yaml'), 'a: 1\n');
    await git(['add', '.']);
    await git(['commit', '--quiet', '-m', 'init']);
    await git(['remote', 'add', 'origin', fetchUrl]);
    if (pushUrl) await git(['remote', 'set-url', '--push', 'origin', pushUrl]);
    return root;
  }

  const publish = (repoRoot: string) =>
    publishBranch(
      { repoRoot, branch: 'gitops/change', message: 'change', edits: [{ path: 'a.yaml', content: 'a: 2\n' }], auth: { kind: 'header', header }, author: { name: 'A', email: 'a@example.test' } },
      { env: env(), tmpDir: tmp },
    );

  it('refuses a plain-http remote on another machine before git runs', async () => {
    const remote = await startRecordingServer(nonLoopbackAddress());
    servers.push(remote);
    const root = await clone(`${remote.url}/acme/gitops.git`);
    const err = await failureOf(publish(root));
    assert.ok(!requestsCarry(remote.requests, TOKEN), 'git sent the token over plain http to another machine');
    assert.equal(remote.requests.length, 0, JSON.stringify(remote.requests.map((r) => r.url)));
    assert.ok(err instanceof PublishError && /plain HTTP/.test(err.message) && !err.message.includes(TOKEN), String(err));
  });

  it('refuses a push URL on another host than the fetch URL the token was chosen for', async () => {
    const fetchHost = await startRecordingServer('127.0.0.1');
    const pushHost = await startRecordingServer('127.0.0.2');
    servers.push(fetchHost, pushHost);
    const root = await clone(`${fetchHost.url}/acme/gitops.git`, `${pushHost.url}/acme/gitops.git`);
    const err = await failureOf(publish(root));
    assert.equal(fetchHost.requests.length + pushHost.requests.length, 0, 'git ran against the remote before the push URL was checked');
    assert.ok(err instanceof PublishError && /not to 127\.0\.0\.2/.test(err.message), String(err));
  });

  it("git does not carry the header through a redirect to another host (curl's rule, checked)", async () => {
    const other = await startRecordingServer('127.0.0.2');
    const first = await startRecordingServer('127.0.0.1', (req, res) => {
      res.writeHead(301, { location: `${other.url}${req.url ?? '/'}` });
      res.end();
    });
    servers.push(other, first);
    const root = await clone(`${first.url}/acme/gitops.git`);
    await assert.rejects(publish(root));
    assert.ok(requestsCarry(first.requests, TOKEN), 'git did not send the header to the remote itself (nothing was tested)');
    assert.ok(other.requests.length > 0, 'git did not follow the redirect (nothing was tested)');
    assert.ok(!requestsCarry(other.requests, TOKEN), 'the header reached the other host');
  });
});
