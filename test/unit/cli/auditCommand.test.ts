/**
 * `gitops-lens audit` (src/cli/audit.ts → src/infra/audit/auditCommand.ts) end to end: a repository on the forge simulator with
 * commits by several authors and committers (a merged and approved pull request, a squash-merged one
 * nobody approved, a direct push), two simulated clusters whose Argo CD Applications and Flux
 * Kustomization carry deployment history (one with Flux 2.7 snapshots, one old Flux with Events), and
 * live Deployments whose fields were changed outside Git. Real git, real forge client, real kube client.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../src/cli/main';
import { parseSince, forgeCredentials } from '../../../src/infra/audit/auditCommand';
import { createForgeClient } from '../../../src/infra/forge/createForgeClient';
import { detectForge } from '../../../src/core/forge/detect';
import { startForge, type ForgeServer } from '../../sim/forge/server';
import { startSimCluster, type SimCluster } from '../../sim/k8s/cluster';
import { call } from '../../sim/k8s/testKit';
import { seedable } from '../../support/simObjects';
import { REPO_ROOT } from '../../support/paths';
import { TestRepo, at, person } from '../../support/auditRepo';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CRDS = path.join(REPO_ROOT, 'test', 'fixtures', 'sim', 'crds');
const TOKEN = 'sim-audit-cli-token-7d21';
const NOW = Date.now();
const T0 = new Date(NOW - 3 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const bob = person('Bob Builder');
const dave = person('Dave Dev');
const eve = person('Eve Oncall');

const deployment = (name: string, replicas: number, image: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: ${name}\nspec:\n  replicas: ${replicas}\n  selector:\n    matchLabels: {app: ${name}}\n  template:\n    metadata:\n      labels: {app: ${name}}\n    spec:\n      containers:\n        - name: ${name}\n          image: ${image}\n`;

const argoApp = (name: string, repoURL: string, history: Array<{ id: number; revision: string; deployedAt: string; initiatedBy?: Any }>, current: string) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name, namespace: 'argocd' },
  spec: { project: 'default', source: { repoURL, path: `apps/${name}`, targetRevision: 'main' }, destination: { server: 'https://kubernetes.default.svc', namespace: name } },
  status: {
    sync: { status: 'Synced', revision: current },
    health: { status: 'Healthy' },
    history: history.map((h) => ({ ...h, deployStartedAt: h.deployedAt, source: { repoURL, path: `apps/${name}`, targetRevision: 'main' } })),
  },
});

async function ok(p: Promise<{ status: number; body: unknown }>): Promise<Any> {
  const r = await p;
  assert.ok(r.status < 300, `HTTP ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
  return r.body as Any;
}

async function capture(args: string[], env: NodeJS.ProcessEnv, now = NOW): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['audit', ...args], { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`), env, now: () => now });
  return { code, out, err };
}

describe('audit command (forge simulator, two simulated clusters, real git)', function () {
  this.timeout(120_000);
  let forge: ForgeServer;
  let staging: SimCluster;
  let production: SimCluster;
  let repo: TestRepo;
  let dir: string;
  let cloneUrl = '';
  let kubeconfigs: string[] = [];
  let env: NodeJS.ProcessEnv;
  const ids = {} as Record<'c0' | 'b1' | 'm1' | 'd1' | 's2' | 'e1', string>;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-cli-'));
    forge = await startForge({ tokens: { [TOKEN]: 'alice' } });
    forge.addUser('carol');
    const sim = await forge.createRepo('acme/gitops', { admins: ['alice'] });
    cloneUrl = sim.cloneUrl('github');
    const authed = new URL(cloneUrl);
    authed.username = 'x-access-token';
    authed.password = TOKEN;
    repo = await TestRepo.clone(authed.toString());
    await repo.git('remote', 'set-url', 'origin', cloneUrl);
    await repo.git('config', `http.${new URL(cloneUrl).origin}/.extraHeader`, `Authorization: Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`);
    // Alice lays out the apps, straight on main, before the audited window.
    ids.c0 = await repo.commit('apps: web and api', { author: person('Alice Admin'), at: at(T0, -10) }, { 'apps/web/deploy.yaml': deployment('web', 2, 'web:1.0'), 'apps/api/deploy.yaml': deployment('api', 1, 'api:1') });
    await repo.git('push', '--quiet', 'origin', 'main');
    const client = createForgeClient(detectForge(cloneUrl, { forges: { [new URL(forge.url).host]: 'github' }, apiBaseUrl: forge.url })!, { token: TOKEN });

    // PR #1: Bob scales web; Carol approves and merges it (a merge commit).
    await repo.git('checkout', '--quiet', '-b', 'web-replicas');
    ids.b1 = await repo.commit('web: 3 replicas', { author: bob, at: at(T0, 10) }, { 'apps/web/deploy.yaml': deployment('web', 3, 'web:1.0') });
    await repo.git('push', '--quiet', 'origin', 'web-replicas');
    await client.createPullRequest({ head: 'web-replicas', base: 'main', title: 'web: 3 replicas', body: '' });
    forge.reviewPullRequest('acme/gitops', 1, { user: 'carol', state: 'approved', at: at(T0, 20) });
    ids.m1 = (await forge.mergePullRequest('acme/gitops', 1, { by: 'carol', at: at(T0, 30) })).mergeCommitSha!;
    // PR #2: Dave's api image, squash-merged by Carol without any approval.
    await repo.git('fetch', '--quiet', 'origin');
    await repo.git('checkout', '--quiet', '-b', 'api-image', 'origin/main');
    ids.d1 = await repo.commit('api: image 2', { author: dave, at: at(T0, 40) }, { 'apps/api/deploy.yaml': deployment('api', 1, 'api:2') });
    await repo.git('push', '--quiet', 'origin', 'api-image');
    await client.createPullRequest({ head: 'api-image', base: 'main', title: 'api: image 2', body: '' });
    ids.s2 = (await forge.mergePullRequest('acme/gitops', 2, { by: 'carol', method: 'squash', at: at(T0, 50) })).mergeCommitSha!;
    // Eve pushes a hotfix straight to main; its message has control characters and a token in it.
    await repo.git('fetch', '--quiet', 'origin');
    await repo.git('checkout', '--quiet', '-B', 'main', 'origin/main');
    ids.e1 = await repo.commit('web: hotfix image \x1b[31mred\x1b[0m token=ghp_abcdefghijklmnopqrstuvwx', { author: eve, at: at(T0, 60) }, { 'apps/web/deploy.yaml': deployment('web', 3, 'web:1.1') });
    await repo.git('push', '--quiet', 'origin', 'main');
    await repo.git('fetch', '--quiet', 'origin');

    // staging runs everything; production is still at the merge of PR #1 (web) and runs api through
    // old Flux (no history, Events only).
    staging = await startSimCluster({ seed: [CRDS], objects: [
      seedable(argoApp('web', cloneUrl, [
        { id: 1, revision: ids.m1, deployedAt: at(T0, 32), initiatedBy: { automated: true } },
        { id: 2, revision: ids.e1, deployedAt: at(T0, 63), initiatedBy: { username: 'oncall@example.invalid' } },
      ], ids.e1)),
      seedable({
        apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'gitops', namespace: 'flux-system' },
        spec: { url: cloneUrl, ref: { branch: 'main' }, interval: '1m' },
        status: { artifact: { revision: `main@sha1:${ids.e1}`, digest: 'sha256:0', lastUpdateTime: at(T0, 61), path: 'x', url: 'http://x' }, conditions: [{ type: 'Ready', status: 'True', reason: 'Succeeded', message: 'ok', lastTransitionTime: at(T0, 61) }] },
      }),
      seedable({
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'api', namespace: 'flux-system' },
        spec: { path: './apps/api', sourceRef: { kind: 'GitRepository', name: 'gitops' }, interval: '5m', prune: true, targetNamespace: 'api' },
        status: {
          lastAppliedRevision: `main@sha1:${ids.e1}`,
          conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: `Applied revision: main@sha1:${ids.e1}`, lastTransitionTime: at(T0, 5) }],
          history: [
            { digest: 'sha256:api2', firstReconciled: at(T0, 52), lastReconciled: at(T0, 62), lastReconciledDuration: '1s', lastReconciledStatus: 'ReconciliationSucceeded', totalReconciliations: 3, metadata: { revision: `main@sha1:${ids.e1}` } },
            { digest: 'sha256:api1', firstReconciled: at(T0, -60), lastReconciled: at(T0, 45), lastReconciledDuration: '1s', lastReconciledStatus: 'ReconciliationSucceeded', totalReconciliations: 9, metadata: { revision: `main@sha1:${ids.b1}` } },
          ],
        },
      }),
    ] });
    production = await startSimCluster({ seed: [CRDS], objects: [
      seedable(argoApp('web', cloneUrl, [{ id: 7, revision: ids.m1, deployedAt: at(T0, 45) }], ids.m1)),
      seedable({
        apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'gitops', namespace: 'flux-system' },
        spec: { url: `${cloneUrl.replace(/\.git$/, '')}`, ref: { branch: 'main' }, interval: '1m' },
      }),
      seedable({
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'api', namespace: 'flux-system' },
        spec: { path: './apps/api', sourceRef: { kind: 'GitRepository', name: 'gitops' }, interval: '5m', prune: true, targetNamespace: 'api' },
        status: { lastAppliedRevision: `main@sha1:${ids.s2}` },
      }),
      seedable({
        apiVersion: 'v1', kind: 'Event', metadata: { name: 'api.1', namespace: 'flux-system', annotations: { 'kustomize.toolkit.fluxcd.io/revision': `main@sha1:${ids.s2}` } },
        involvedObject: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name: 'api', namespace: 'flux-system' },
        reason: 'ReconciliationSucceeded', type: 'Normal', message: 'Reconciliation finished in 1s, next run in 5m0s', source: { component: 'kustomize-controller' },
        firstTimestamp: at(T0, 55), lastTimestamp: at(T0, 70), count: 4,
      }),
    ] });
    // Live objects: Argo CD applied web server-side; on staging someone scaled it by hand afterwards.
    for (const [sim, image, replicas] of [[staging, 'web:1.1', 3], [production, 'web:1.0', 3]] as const) {
      await ok(call(sim, 'POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } } }));
      const body = JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'web' }, spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } } } });
      await ok(call(sim, 'PATCH', '/apis/apps/v1/namespaces/web/deployments/web?fieldManager=argocd-controller&force=true', { body, contentType: 'application/apply-patch+yaml' }));
    }
    await ok(call(staging, 'PATCH', '/apis/apps/v1/namespaces/web/deployments/web/scale?fieldManager=kubectl-scale', { body: { spec: { replicas: 5 } }, contentType: 'application/merge-patch+json' }));
    kubeconfigs = [path.join(dir, 'staging.yaml'), path.join(dir, 'production.yaml')];
    fs.writeFileSync(kubeconfigs[0]!, staging.kubeconfig('staging'));
    fs.writeFileSync(kubeconfigs[1]!, production.kubeconfig('production'));
    env = { GITOPS_LENS_FORGE_TOKEN: TOKEN, GITOPS_LENS_CACHE_DIR: path.join(dir, 'cache'), PATH: process.env.PATH };
  });

  after(async () => {
    await staging?.stop();
    await production?.stop();
    await forge?.stop().catch(() => undefined);
    repo?.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const args = (...extra: string[]) => ['--repo', repo.dir, '--kubeconfig', kubeconfigs[0]!, '--kubeconfig', kubeconfigs[1]!, '--forge', 'github', '--forge-api', forge.url, ...extra];

  it('--format json: exactly changes and drift, one row per change, app and cluster', async () => {
    const r = await capture(args('--format', 'json', '--since', T0), env);
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out) as Any;
    assert.deepEqual(Object.keys(doc), ['changes', 'drift']);
    for (const c of doc.changes) assert.deepEqual(Object.keys(c), ['app', 'cluster', 'revision', 'author', 'committer', 'authoredAt', 'committedAt', 'pullRequest', 'approvedBy', 'deployedAt']);
    for (const d of doc.drift) assert.deepEqual(Object.keys(d), ['app', 'cluster', 'object', 'path', 'manager', 'operation', 'time']);
    const row = (app: string, cluster: string, rev: string) => doc.changes.find((c: Any) => c.app === app && c.cluster === cluster && c.revision === rev);
    assert.deepEqual(
      doc.changes.map((c: Any) => [c.app, c.cluster, c.revision]),
      [
        ['api', 'production', ids.s2],
        ['api', 'staging', ids.s2],
        ['web', 'production', ids.e1],
        ['web', 'production', ids.b1],
        ['web', 'staging', ids.e1],
        ['web', 'staging', ids.b1],
      ],
    );
    // Bob's commit came through PR #1, approved by Carol; staging deployed the merge 2 minutes later.
    assert.deepEqual(row('web', 'staging', ids.b1), {
      app: 'web', cluster: 'staging', revision: ids.b1,
      author: 'Bob Builder <bob.builder@example.invalid>', committer: 'Bob Builder <bob.builder@example.invalid>',
      authoredAt: at(T0, 10), committedAt: at(T0, 10),
      pullRequest: 1, approvedBy: ['carol'], deployedAt: at(T0, 32),
    });
    assert.equal(row('web', 'production', ids.b1).deployedAt, at(T0, 45));
    // Eve's direct push: no pull request, no approval; production has not applied it.
    assert.deepEqual([row('web', 'staging', ids.e1).pullRequest, row('web', 'staging', ids.e1).approvedBy, row('web', 'staging', ids.e1).deployedAt], [null, [], at(T0, 63)]);
    assert.equal(row('web', 'production', ids.e1).deployedAt, null);
    // The squash merge: authored by Dave, committed by GitHub, PR #2 nobody approved. Flux 2.7 snapshots
    // date it on staging (the snapshot that first held it), old Flux's Events on production.
    const api = row('api', 'staging', ids.s2);
    assert.deepEqual([api.author, api.committer, api.pullRequest, api.approvedBy, api.deployedAt], ['alice <alice@example.invalid>', 'GitHub <noreply@github.com>', 2, [], at(T0, 52)]);
    assert.equal(row('api', 'production', ids.s2).deployedAt, at(T0, 55));
    // Live drift: replicas scaled by hand on staging; production's image is Git's older value, set by Argo CD.
    const drift = (cluster: string) => doc.drift.filter((d: Any) => d.cluster === cluster).map((d: Any) => [d.app, d.object, d.path, d.manager, d.operation]);
    assert.deepEqual(drift('staging'), [['web', 'Deployment/web/web', '/spec/replicas', 'kubectl-scale', 'Update']]);
    assert.deepEqual(drift('production'), [['web', 'Deployment/web/web', '/spec/template/spec/containers/0/image', 'argocd-controller', 'Apply']]);
    assert.equal(doc.drift.length, 2);
    assert.match(doc.drift[0].time ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // The token in Eve's message never reaches the output, nor does the escape sequence.
    assert.ok(!r.out.includes('ghp_abcdefghijklmnopqrstuvwx') && !r.out.includes('\x1b'));
  });

  it('--format md: who, which PR, approvals, merged by, deployed where; flags; unprotected branch; escapes', async () => {
    const r = await capture(args('--app', 'web'), env);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^# Audit of /);
    assert.match(r.out, /\| main \| no \| no \| 0 \| no \| main is not protected: anyone with write access can push to it \| staging\/web, production\/web \|/);
    assert.match(r.out, new RegExp(`\\| ${ids.b1.slice(0, 12)} \\| web: 3 replicas \\| Bob Builder <bob.builder@example.invalid> \\| .* \\| #1 web: 3 replicas \\| carol \\| carol \\| ${at(T0, 45)} \\| - \\|`));
    assert.match(r.out, new RegExp(`\\| ${ids.e1.slice(0, 12)} \\| web: hotfix image \\^\\[\\[31mred\\^\\[\\[0m token=\\*\\*\\* \\|.*\\| none \\| nobody \\| - \\| not yet \\(at ${ids.m1.slice(0, 7)}\\) \\| no pull request \\|`));
    assert.ok(!r.out.includes('api:'), '--app web leaves api out');
    assert.match(r.out, /\| web \| staging \| Deployment\/web\/web \| \/spec\/replicas \| kubectl-scale \| Update \|/);
  });

  it('the forge answers once: merged pull requests come from the disk cache when the forge is gone, the rest is unverified', async () => {
    forge.protectBranch('acme/gitops', 'main', { requirePullRequest: true, requiredApprovals: 1, allowForcePush: false });
    const warm = await capture(args('--format', 'csv', '--no-drift'), env);
    assert.equal(warm.code, 0, warm.err);
    const header = 'app,cluster,revision,author,committer,authoredAt,committedAt,pullRequest,approvedBy,deployedAt';
    assert.equal(warm.out.split('\r\n')[0], header);
    await forge.stop();
    // Eleven minutes later: what may change (no pull request, protection) has expired from the cache.
    const cold = await capture(args('--format', 'json', '--no-drift'), env, NOW + 11 * 60_000);
    assert.equal(cold.code, 0, cold.err);
    const doc = JSON.parse(cold.out) as Any;
    const b1 = doc.changes.find((c: Any) => c.revision === ids.b1 && c.cluster === 'staging');
    assert.deepEqual([b1.pullRequest, b1.approvedBy], [1, ['carol']], 'a merged PR and its reviews are kept');
    const e1 = doc.changes.find((c: Any) => c.revision === ids.e1 && c.cluster === 'staging');
    assert.deepEqual([e1.pullRequest, e1.approvedBy], [null, null], '"no pull request" is not kept for ever: unverified now');
    assert.match(cold.err, /note: protection of main not read/);
  });

  it('--offline: Git alone; pull request numbers from the merge and squash messages, approvals unknown', async () => {
    const r = await capture(args('--offline', '--format', 'json', '--no-drift', '--since', at(T0, -1).slice(0, 10)), {});
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out) as Any;
    const pr = (rev: string) => doc.changes.find((c: Any) => c.revision === rev && c.cluster === 'staging');
    assert.deepEqual([pr(ids.b1).pullRequest, pr(ids.b1).approvedBy], [1, null]);
    assert.deepEqual([pr(ids.s2).pullRequest, pr(ids.s2).approvedBy], [2, null]);
    assert.deepEqual([pr(ids.e1).pullRequest, pr(ids.e1).approvedBy], [null, null]);
    assert.match(r.err, /not checked with the forge: --offline/);
    // A window after every change: nothing listed.
    const none = await capture(args('--offline', '--format', 'json', '--no-drift', '--since', '1h'), {});
    assert.deepEqual(JSON.parse(none.out).changes, []);
  });

  it('exit 2: usage, unknown context, a folder that is not a repository, an unreachable cluster', async () => {
    assert.equal((await capture([], env)).code, 2);
    assert.match((await capture(['--repo', repo.dir, '--format', 'xml'], env)).err, /--format takes md, json or csv/);
    assert.match((await capture([...args('--offline'), '--since', 'yesterday'], env)).err, /--since takes a duration/);
    assert.match((await capture([...args('--offline'), '--context', 'nope'], env)).err, /no context named "nope"/);
    const empty = fs.mkdtempSync(path.join(dir, 'plain-'));
    const notRepo = await capture(['--repo', empty, '--kubeconfig', kubeconfigs[0]!, '--offline'], { GIT_CEILING_DIRECTORIES: dir });
    assert.equal(notRepo.code, 2);
    assert.match(notRepo.err, /has no remote "origin"|not a Git repository/);
    await production.down();
    const partial = await capture(args('--offline', '--format', 'json', '--no-drift'), env);
    assert.equal(partial.code, 2);
    assert.match(partial.err, /context "production" could not be read/);
    assert.ok(JSON.parse(partial.out).changes.every((c: Any) => c.cluster === 'staging'));
    await production.up();
  });

  it('parseSince and forgeCredentials', () => {
    assert.equal(parseSince('30d', NOW), NOW - 30 * 86_400_000);
    assert.equal(parseSince('12h', NOW), NOW - 12 * 3_600_000);
    assert.equal(parseSince('2w', NOW), NOW - 14 * 86_400_000);
    assert.equal(parseSince('2026-01-31', NOW), Date.parse('2026-01-31'));
    assert.throws(() => parseSince('-1d', NOW));
    assert.deepEqual(forgeCredentials('gitlab', { GITLAB_TOKEN: ' t1 ' }), { token: 't1' });
    assert.deepEqual(forgeCredentials('bitbucket-cloud', { BITBUCKET_TOKEN: 't', BITBUCKET_USERNAME: 'u' }), { token: 't', username: 'u' });
    assert.deepEqual(forgeCredentials('github', { GITOPS_LENS_FORGE_TOKEN: 'a', GITHUB_TOKEN: 'b' }), { token: 'a' });
    assert.equal(forgeCredentials('gitea', { GITHUB_TOKEN: 'b' }), undefined);
  });
});
