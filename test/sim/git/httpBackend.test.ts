import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { branchSha, createBareRepo, git, hermeticGitEnv, parseBasicAuth, runGit, seedRepo, startGitServer, tokenFromBasic } from './httpBackend';
import type { GitServer } from './httpBackend';

describe('sim/git: git http-backend over smart HTTP', () => {
  let tmp: string;
  let root: string;
  let env: NodeJS.ProcessEnv;
  let server: GitServer;
  let bareDir: string;
  const tokens: Record<string, string> = { 'tok-alice': 'alice' };
  const privateRepos = new Set<string>();

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-git-test-'));
    root = path.join(tmp, 'repos');
    env = hermeticGitEnv(path.join(tmp, 'home'));
    fs.mkdirSync(path.join(tmp, 'home'));
    bareDir = await createBareRepo(root, 'acme/app', { defaultBranch: 'main' });
    const fixture = path.join(tmp, 'fixture');
    fs.mkdirSync(fixture);
    fs.writeFileSync(path.join(fixture, 'kustomization.yaml'), 'resources: []\n');
    await seedRepo(bareDir, fixture);
    await createBareRepo(root, 'acme/secret');
    privateRepos.add('acme/secret.git');
    server = await startGitServer({ projectRoot: root, userForToken: (t) => tokens[t], isPrivate: (p) => privateRepos.has(p), realm: 'Sim Git' });
  });

  after(async () => {
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('seeds the default branch and enables receive-pack', async () => {
    assert.match((await branchSha(bareDir, 'main')) ?? '', /^[0-9a-f]{40}$/);
    assert.equal(await branchSha(bareDir, 'nope'), undefined);
    assert.equal((await git(['config', 'http.receivepack'], { cwd: bareDir, env })).trim(), 'true');
  });

  it('clones anonymously, refuses an anonymous push with 401, accepts a push with the token', async () => {
    const work = path.join(tmp, 'clone1');
    await git(['clone', '--quiet', `${server.url}/acme/app.git`, work], { env });
    assert.equal(fs.readFileSync(path.join(work, 'kustomization.yaml'), 'utf8'), 'resources: []\n');

    await git(['checkout', '--quiet', '-b', 'gitops-lens/bump'], { cwd: work, env });
    fs.writeFileSync(path.join(work, 'kustomization.yaml'), 'resources: [app.yaml]\n');
    await git(['commit', '--quiet', '-am', 'Bump'], { cwd: work, env });
    const local = (await git(['rev-parse', 'HEAD'], { cwd: work, env })).trim();

    const anonymous = await runGit(['push', 'origin', 'gitops-lens/bump'], { cwd: work, env });
    assert.notEqual(anonymous.code, 0);
    assert.match(anonymous.stderr, /Authentication failed|could not read Username|401/);
    assert.equal(await branchSha(bareDir, 'gitops-lens/bump'), undefined);

    const u = new URL(server.url);
    const wrong = await runGit(['push', `http://x-access-token:wrong@${u.host}/acme/app.git`, 'gitops-lens/bump'], { cwd: work, env });
    assert.notEqual(wrong.code, 0);

    await git(['push', '--quiet', `http://x-access-token:tok-alice@${u.host}/acme/app.git`, 'gitops-lens/bump'], { cwd: work, env });
    assert.equal(await branchSha(bareDir, 'gitops-lens/bump'), local);
  });

  it('streams a chunked (large) push body', async () => {
    // Bodies larger than http.postBuffer go out with Transfer-Encoding: chunked and no Content-Length.
    const work = path.join(tmp, 'clone2');
    await git(['clone', '--quiet', `${server.url}/acme/app.git`, work], { env });
    await git(['checkout', '--quiet', '-b', 'big'], { cwd: work, env });
    fs.writeFileSync(path.join(work, 'big.txt'), Array.from({ length: 20000 }, (_, i) => `line ${i} ${Math.sin(i)}`).join('\n'));
    await git(['add', 'big.txt'], { cwd: work, env });
    await git(['commit', '--quiet', '-m', 'Big file'], { cwd: work, env });
    const u = new URL(server.url);
    await git(['-c', 'http.postBuffer=1024', 'push', '--quiet', `http://oauth2:tok-alice@${u.host}/acme/app.git`, 'big'], { cwd: work, env });
    assert.equal(await branchSha(bareDir, 'big'), (await git(['rev-parse', 'HEAD'], { cwd: work, env })).trim());
  });

  it('inflates a gzip-compressed upload-pack request', async () => {
    // git gzips upload-pack POST bodies over 1 KiB (remote-curl.c); send one by hand to prove the path.
    const sha = (await branchSha(bareDir, 'main'))!;
    const pkt = (s: string) => (s.length + 4).toString(16).padStart(4, '0') + s;
    const body = zlib.gzipSync(Buffer.from(pkt(`want ${sha}\n`) + '0000' + pkt('done\n')));
    const r = await fetch(`${server.url}/acme/app.git/git-upload-pack`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-git-upload-pack-request', 'content-encoding': 'gzip' },
      body,
    });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/x-git-upload-pack-result');
    const out = Buffer.from(await r.arrayBuffer());
    assert.equal(out.subarray(0, 8).toString(), '0008NAK\n');
    assert.ok(out.includes(Buffer.from('PACK')), 'a packfile follows the NAK');
  });

  it('requires the token to read a private repository', async () => {
    const anon = await runGit(['ls-remote', `${server.url}/acme/secret.git`], { env });
    assert.notEqual(anon.code, 0);
    const u = new URL(server.url);
    const ok = await runGit(['ls-remote', `http://alice:tok-alice@${u.host}/acme/secret.git`], { env });
    assert.equal(ok.code, 0, ok.stderr);
  });

  it('answers 404 for unknown repositories and path escapes', async () => {
    const r1 = await fetch(`${server.url}/acme/nope.git/info/refs?service=git-upload-pack`);
    assert.equal(r1.status, 404);
    const r2 = await fetch(`${server.url}/acme/app.git/info/refs?service=git-receive-pack`);
    assert.equal(r2.status, 401);
    assert.equal(r2.headers.get('www-authenticate'), 'Basic realm="Sim Git"');
  });

  it('reads tokens from Basic credentials the way forges do', () => {
    const isToken = (t: string) => t === 'T';
    const enc = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
    assert.equal(tokenFromBasic(parseBasicAuth(enc('x-access-token:T'))!, isToken), 'T');
    assert.equal(tokenFromBasic(parseBasicAuth(enc('T:x-oauth-basic'))!, isToken), 'T');
    assert.equal(tokenFromBasic(parseBasicAuth(enc('T:'))!, isToken), 'T');
    assert.equal(tokenFromBasic(parseBasicAuth(enc('T:wrong'))!, isToken), undefined);
    assert.equal(parseBasicAuth('Bearer T'), undefined);
  });
});
