import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectForge } from '../../../../src/core/forge/detect';
import { ForgeError, gitHttpAuthHeader } from '../../../../src/core/forge/types';
import type { ForgeCredentials, ForgeKind } from '../../../../src/core/forge/types';
import { openPullRequest, updatedBody } from '../../../../src/core/pr/openPullRequest';
import type { OpenPrProgress } from '../../../../src/core/pr/openPullRequest';
import { BODY_END, BODY_START, planPullRequest } from '../../../../src/core/pr/plan';
import { PublishError } from '../../../../src/core/pr/ports';
import { createForgeClient } from '../../../../src/infra/forge/createForgeClient';
import { NodeGitPublisher } from '../../../../src/infra/git/publish';
import { startForge } from '../../../sim/forge/server';
import type { ForgeServer } from '../../../sim/forge/server';
import { branchSha, git, hermeticGitEnv } from '../../../sim/git/httpBackend';

const TOKEN = 'tok-open-pr-7f3a9c';
const USER = 'alice';
const DEPLOY = 'apps/guestbook/deployment.yaml';
const deployment = (replicas: number) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: guestbook\nspec:\n  replicas: ${replicas}\n`;

describe('core/pr/openPullRequest over real git and the forge simulator', () => {
  let tmp: string;
  let env: NodeJS.ProcessEnv;
  let forge: ForgeServer;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-open-pr-'));
    fs.mkdirSync(path.join(tmp, 'home'));
    env = hermeticGitEnv(path.join(tmp, 'home'));
    forge = await startForge({ tokens: { [TOKEN]: USER } });
  });

  after(async () => {
    await forge?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function setup(kind: ForgeKind, fullName: string, token = TOKEN) {
    const dir = fullName.replace(/\//g, '-');
    const fixture = path.join(tmp, `fixture-${dir}`);
    fs.mkdirSync(path.join(fixture, 'apps/guestbook'), { recursive: true });
    fs.writeFileSync(path.join(fixture, DEPLOY), deployment(3));
    const sim = await forge.createRepo(fullName, { from: fixture });
    const user = path.join(tmp, `user-${dir}`);
    await git(['clone', '--quiet', sim.cloneUrl(kind), user], { env });
    await git(['config', 'user.name', 'Ursula User'], { cwd: user, env });
    await git(['config', 'user.email', 'ursula@example.invalid'], { cwd: user, env });
    const host = new URL(forge.url).host;
    // The ForgeRepo the product derives from the remote URL (Azure org/project, Bitbucket Server key…).
    const repo = detectForge(sim.cloneUrl(kind), { forges: { [host]: kind }, ...(kind === 'github' ? { apiBaseUrl: forge.url } : {}) });
    assert.ok(repo, `detected ${kind}`);
    assert.equal(repo.apiBaseUrl, sim.apiBase(kind));
    const creds: ForgeCredentials = kind === 'gitea' ? { token, username: USER } : { token };
    return { sim, user, deps: { git: new NodeGitPublisher({ env }), forge: createForgeClient(repo, creds) }, auth: { kind: 'header', header: gitHttpAuthHeader(kind, creds) } as const };
  }

  const plan = (replicas: number) =>
    planPullRequest({ impact: [{ cluster: 'prod-eu', app: 'guestbook', resources: [{ id: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'web', name: 'guestbook' }, change: 'update', fields: [{ path: '/spec/replicas', from: 3, to: replicas }] }] }], files: [DEPLOY] });

  const FORGES = [
    ['github', 'acme/gitops'],
    ['github-enterprise', 'acme/ghe-gitops'],
    ['gitlab', 'acme/platform/gitops'],
    ['gitea', 'acme/fleet'],
    ['bitbucket-cloud', 'acme/bbc-gitops'],
    ['bitbucket-server', 'ops/bbs-gitops'],
    ['azure-devops', 'contoso/az-gitops'],
  ] as const;
  for (const [kind, fullName] of FORGES) {
    it(`${kind}: opens the PR with head, base, title and body, then updates it with a new commit instead of a second PR`, async () => {
      const { sim, user, deps, auth } = await setup(kind, fullName);
      const steps: OpenPrProgress[] = [];
      const first = await openPullRequest(deps, { repoRoot: user, plan: plan(5), change: { edits: [{ path: DEPLOY, content: deployment(5) }] }, auth, onProgress: (p) => steps.push(p) });
      assert.equal(first.created, true);
      assert.equal(first.pullRequest.head, 'gitops/guestbook-replicas');
      assert.equal(first.pullRequest.base, 'main');
      assert.equal(first.pullRequest.title, 'guestbook: replicas 3 → 5 in prod-eu');
      const records = forge.pullRequests(fullName);
      assert.equal(records.length, 1);
      assert.equal(records[0]?.body, plan(5).body);
      assert.equal(records[0]?.headSha, first.push.commitSha);
      assert.equal(await branchSha(sim.bareDir, 'gitops/guestbook-replicas'), first.push.commitSha);
      assert.deepEqual([...new Set(steps.map((s) => s.step))], ['forge', 'resolve', 'fetch', 'commit', 'push', 'pullRequest']);
      assert.ok(!JSON.stringify(steps).includes(TOKEN));

      // The author writes around our section on the forge.
      const authored = `Rolling out more replicas for the sale.\n\n${plan(5).body}\n\nRollback: revert this PR.`;
      await deps.forge.updatePullRequest(first.pullRequest, { body: authored });

      // Same branch again (the user changed the value once more): new commit on the PR's branch, our section updated.
      const second = await openPullRequest(deps, { repoRoot: user, plan: { ...plan(6), title: 'ignored on update' }, change: { edits: [{ path: DEPLOY, content: deployment(6) }] }, auth });
      assert.equal(second.created, false);
      assert.equal(second.push.branch, 'gitops/guestbook-replicas');
      assert.equal((await git(['rev-parse', `${second.push.commitSha}^`], { cwd: sim.bareDir, env })).trim(), first.push.commitSha);
      const after = forge.pullRequests(fullName);
      assert.equal(after.length, 1);
      assert.equal(after[0]?.body, `Rolling out more replicas for the sale.\n\n${plan(6).body}\n\nRollback: revert this PR.`);
      assert.ok(!after[0]?.body.includes('3 → 5'), 'the old impact section is gone');
      assert.equal(second.pullRequest.body, after[0]?.body);
      // The PR's head follows the push (the forge reads the branch tip).
      assert.equal(after[0]?.headSha, second.push.commitSha);
      assert.equal(after[0]?.title, 'guestbook: replicas 3 → 5 in prod-eu');
      assert.equal(await branchSha(sim.bareDir, 'gitops/guestbook-replicas'), second.push.commitSha);
    });
  }

  for (const [kind, fullName] of FORGES) {
    it(`${kind}: another window opening the same PR between our lookup and our create gives theirs, never a duplicate`, async () => {
      const { deps, user, auth } = await setup(kind, `${fullName}-race`);
      // The other window is a second real client of the same forge: it opens the PR for our freshly
      // pushed branch just before our create reaches the forge, which then refuses ours as a duplicate.
      const other = deps.forge;
      let raced: string | undefined;
      const racing = Object.create(deps.forge) as typeof deps.forge;
      racing.createPullRequest = async (input) => {
        raced = (await other.createPullRequest({ ...input, title: 'opened in another window' })).url;
        return other.createPullRequest(input);
      };
      const result = await openPullRequest({ ...deps, forge: racing }, { repoRoot: user, plan: plan(5), change: { edits: [{ path: DEPLOY, content: deployment(5) }] }, auth });
      assert.equal(result.created, false);
      assert.equal(result.pullRequest.url, raced);
      assert.equal(result.pullRequest.title, 'opened in another window');
      assert.equal(forge.pullRequests(`${fullName}-race`).length, 1);
    });
  }

  for (const [kind, fullName] of FORGES) {
    it(`${kind}: a refused API token and a refused push token are both ForgeError auth, and no PR is opened`, async () => {
      const { user, deps, auth } = await setup(kind, `${fullName}-denied`);
      const badCreds: ForgeCredentials = kind === 'gitea' ? { token: 'tok-bad-000000', username: USER } : { token: 'tok-bad-000000' };
      const badDeps = { ...deps, forge: createForgeClient(deps.forge.repo, badCreds) };
      const req = { repoRoot: user, plan: plan(5), change: { edits: [{ path: DEPLOY, content: deployment(5) }] } };
      await assert.rejects(openPullRequest(badDeps, { ...req, auth }), (e: unknown) => e instanceof ForgeError && e.code === 'auth' && !e.message.includes('tok-bad'));
      await assert.rejects(
        openPullRequest(deps, { ...req, auth: { kind: 'header', header: gitHttpAuthHeader(kind, badCreds) } }),
        (e: unknown) => e instanceof ForgeError && e.code === 'auth' && !e.message.includes('tok-bad'),
      );
      assert.equal(forge.pullRequests(`${fullName}-denied`).length, 0);
    });
  }

  it('updatedBody keeps text outside the markers and falls back to the planned body', () => {
    const planned = `${BODY_START}\nnew\n${BODY_END}`;
    assert.equal(updatedBody(`intro\n${BODY_START}\nold\n${BODY_END}\noutro`, planned), `intro\n${planned}\noutro`);
    assert.equal(updatedBody(undefined, planned), planned);
    assert.equal(updatedBody('', planned), planned);
    // Markers removed by the author: ours goes on top, their text stays.
    assert.equal(updatedBody('only mine', planned), `${planned}\n\nonly mine`);
  });

  it('a refused token surfaces as ForgeError auth (API 401), and a refused push the same way', async () => {
    const { user, deps, auth } = await setup('github', 'acme/denied');
    const badDeps = { ...deps, forge: createForgeClient(deps.forge.repo, { token: 'tok-bad-000000' }) };
    await assert.rejects(
      openPullRequest(badDeps, { repoRoot: user, plan: plan(5), change: { edits: [{ path: DEPLOY, content: deployment(5) }] }, auth }),
      (e: unknown) => e instanceof ForgeError && e.code === 'auth' && !e.message.includes('tok-bad'),
    );
    // API token fine, git header refused.
    await assert.rejects(
      openPullRequest(deps, { repoRoot: user, plan: plan(5), change: { edits: [{ path: DEPLOY, content: deployment(5) }] }, auth: { kind: 'header', header: gitHttpAuthHeader('github', { token: 'tok-bad-000000' }) } }),
      (e: unknown) => e instanceof ForgeError && e.code === 'auth' && e.status === 401 && !e.message.includes('tok-bad'),
    );
    assert.equal(forge.pullRequests('acme/denied').length, 0);
    assert.equal(auth.kind, 'header');
  });

  it('refuses to target the default branch and stops when cancelled', async () => {
    const { sim, user, deps, auth } = await setup('gitlab', 'acme/cancel');
    await assert.rejects(
      openPullRequest(deps, { repoRoot: user, plan: { ...plan(5), branch: 'main' }, change: { edits: [{ path: DEPLOY, content: deployment(5) }] }, auth }),
      (e: unknown) => e instanceof PublishError && e.code === 'protectedBranch',
    );
    const ac = new AbortController();
    await assert.rejects(
      openPullRequest(deps, { repoRoot: user, plan: plan(5), change: { edits: [{ path: DEPLOY, content: deployment(5) }] }, auth, signal: ac.signal, onProgress: (p) => p.step === 'push' && ac.abort() }),
      (e: unknown) => e instanceof PublishError && e.code === 'cancelled',
    );
    assert.equal(forge.pullRequests('acme/cancel').length, 0);
    assert.equal(await branchSha(sim.bareDir, 'gitops/guestbook-replicas'), undefined);
  });
});
