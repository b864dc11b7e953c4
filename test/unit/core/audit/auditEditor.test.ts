/**
 * The audit trail as the editor loads it (issue 17): AuditTrailStore over a real Git repository (commits
 * by several authors and committers, a merge, a direct push) through infra/git/history, a forge
 * answering like the real ones (pull requests of a commit, reviews, protection), apps from the product's
 * own mappers; the History rows' words, the blame porcelain reader and the blame hover's words, and the
 * drift attribution phrase. Offline (no forge) the trail falls back to Git alone.
 */
import * as assert from 'node:assert/strict';
import { argoDeployments, type DeploymentHistory } from '../../../../src/core/audit/deployments';
import { parseBlamePorcelain, newestCommitOf, commitOfLine } from '../../../../src/core/audit/blame';
import { setByPhrase } from '../../../../src/core/audit/driftAttribution';
import type { AuditForge } from '../../../../src/core/audit/pullRequests';
import { AuditTrailStore, type ForgeAccess, type TrailState } from '../../../../src/core/audit/trailStore';
import { mapArgoApplication } from '../../../../src/core/argocd/application';
import { ForgeError, type PullRequestDetails } from '../../../../src/core/forge/types';
import type { App } from '../../../../src/core/model/app';
import { GitHistory } from '../../../../src/infra/git/history';
import { attributionLines, diffTitleAttribution } from '../../../../src/vscode/audit/attributionText';
import { blameHoverMarkdown, deploymentDescription, deploymentLabel, historyDescription, pendingDescription } from '../../../../src/vscode/audit/historyText';
import { TestRepo, person } from '../../../support/auditRepo';

const URL_ = 'https://git.example.test/acme/fleet.git';
const NOW = Date.parse('2026-03-03T12:00:00Z');
const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

const manifest = (replicas: number) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: ${replicas}\n`;

function argoApp(cluster: string, history: Array<{ id: number; revision: string; deployedAt: string; initiatedBy?: unknown }>, current: string): { app: App; raw: unknown } {
  const source = { repoURL: URL_, path: 'apps/web', targetRevision: 'main' };
  const raw = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'web', namespace: 'argocd' },
    spec: { project: 'default', source, destination: { server: 'https://kubernetes.default.svc', namespace: 'web' } },
    status: { sync: { status: 'Synced', revision: current }, health: { status: 'Healthy' }, history: history.map((h) => ({ ...h, source })) },
  };
  return { app: mapArgoApplication(cluster, raw), raw };
}

describe('audit trail in the editor (AuditTrailStore, History and blame words)', function () {
  this.timeout(60_000);
  let repo: TestRepo;
  let direct = '';
  let change = '';
  let merge = '';
  let later = '';

  before(async () => {
    repo = await TestRepo.create();
    direct = await repo.commit('web: first deployment', { author: person('alice'), at: '2026-03-01T09:00:00Z' }, { 'apps/web/deployment.yaml': manifest(2) });
    await repo.git('checkout', '--quiet', '-b', 'web/scale');
    change = await repo.commit('web: 3 replicas', { author: person('bob'), committer: person('dave'), at: '2026-03-02T08:00:00Z', committedAt: '2026-03-02T09:00:00Z' }, { 'apps/web/deployment.yaml': manifest(3) });
    await repo.git('checkout', '--quiet', 'main');
    merge = await repo.mergeNoFf('web/scale', 'Merge pull request #7 from acme/web-scale', { author: person('frank'), at: '2026-03-02T10:30:00Z' });
    later = await repo.commit('web: 4 replicas', { author: person('gina'), at: '2026-03-03T08:00:00Z' }, { 'apps/web/deployment.yaml': manifest(4) });
  });
  after(() => repo.dispose());

  const pr: PullRequestDetails = { id: 70, number: 7, title: 'web: 3 replicas', url: 'https://git.example.test/acme/fleet/pull/7', head: 'acme/web-scale', base: 'main', state: 'merged', author: 'bob', mergedBy: 'frank', mergedAt: '2026-03-02T10:30:00Z', mergeCommit: '' } as PullRequestDetails;

  function forge(asked: string[]): AuditForge {
    return {
      pullRequestsForCommit: async (sha) => {
        asked.push(sha);
        return sha === merge || sha === change ? [{ ...pr, mergeCommit: merge }] : [];
      },
      pullRequestReviews: async () => [
        { user: 'erin', state: 'changesRequested', submittedAt: '2026-03-02T09:30:00Z' },
        { user: 'erin', state: 'approved', submittedAt: '2026-03-02T10:00:00Z' },
      ],
      branchProtection: async (branch) => ({ branch, protected: false, notes: [] }),
    };
  }

  function store(access: () => Promise<ForgeAccess>, staging: { app: App; raw: unknown }, prod?: { app: App; raw: unknown }, opts: { refused?: string; apps?: App[] } = {}): AuditTrailStore {
    const apps = opts.apps ?? [staging.app, ...(prod ? [prod.app] : [])];
    const raws = new Map<string, unknown>([[staging.app.key, staging.raw], ...(prod ? [[prod.app.key, prod.raw] as [string, unknown]] : [])]);
    return new AuditTrailStore({
      apps: () => apps,
      cloneOf: (url) => (url === URL_ ? { root: repo.dir, branch: 'main' } : undefined),
      ...(opts.refused ? { gitRefused: () => opts.refused } : {}),
      history: (root) => new GitHistory(root, { env: repo.env }),
      deployments: async (app): Promise<DeploymentHistory> => argoDeployments(raws.get(app.key)),
      forge: access,
      clock: { now: () => NOW },
      log: silent,
    });
  }

  async function load(s: AuditTrailStore, key: string): Promise<TrailState> {
    s.request(key);
    const state = await s.settled(key);
    assert.ok(state);
    return state;
  }

  const staging = () =>
    argoApp('staging', [
      { id: 1, revision: direct, deployedAt: '2026-03-01T09:05:00Z', initiatedBy: { username: 'alice' } },
      { id: 2, revision: merge, deployedAt: '2026-03-02T10:32:00Z', initiatedBy: { automated: true } },
    ], merge);
  const prod = () => argoApp('prod', [{ id: 1, revision: direct, deployedAt: '2026-03-01T11:00:00Z' }], direct);

  it('joins each deployment with the change it brought, its pull request, approvals and policy flags; pending changes; protection', async () => {
    const asked: string[] = [];
    const s = store(async () => ({ forge: forge(asked) }), staging(), prod());
    const state = await load(s, staging().app.key);
    assert.equal(state.kind, 'ready', JSON.stringify(state));
    if (state.kind !== 'ready') return;
    const t = state.trail;
    assert.deepEqual(t.deployments.map((d) => [d.commitId, d.change?.commit.id, d.brought.map((c) => c.commit.id), d.current]), [
      [merge, change, [change], true],
      [direct, direct, [direct], false],
    ]);
    assert.equal(deploymentLabel(t.deployments[0]!), `${merge.slice(0, 7)} web: 3 replicas`);
    assert.equal(deploymentDescription(t.deployments[0]!, NOW), 'deployed 2026-03-02 10:32 UTC · auto-sync · bob (committed by dave) in #7 (approved by erin, merged by frank) · running');
    assert.equal(deploymentDescription(t.deployments[1]!, NOW), 'deployed 2026-03-01 09:05 UTC · synced by alice · alice in no pull request · ⚠ not through a merged pull request');
    // gina's direct push after the merge is not deployed on staging.
    assert.deepEqual(t.pending.map((c) => c.commit.id), [later]);
    assert.equal(pendingDescription(t.pending[0]!, NOW), 'not deployed here · gina in no pull request · 08:00 UTC · ⚠ not through a merged pull request');
    assert.deepEqual(t.protectionProblems, ['main is not protected: anyone with write access can push to it']);
    assert.equal(historyDescription({ kind: 'ready', trail: t }), '2 deployments · 1 not deployed here · 2 flagged · main unprotected');
    // Where bob's change runs: staging since its deployment, prod still at the first commit.
    const bob = t.changes.find((c) => c.commit.id === change)!;
    assert.deepEqual(bob.where.map((w) => [w.cluster, w.state, w.deployedAt ?? null]), [
      ['staging', 'running', '2026-03-02T10:32:00Z'],
      ['prod', 'behind', null],
    ]);
    // A second request within the freshness window asks nothing again.
    const n = asked.length;
    s.request(staging().app.key);
    await s.settled(staging().app.key);
    assert.equal(asked.length, n);
    s.dispose();
  });

  it('an app added on a cluster later (deploying the same path) reloads the trails shown', async () => {
    const apps = [staging().app];
    const s = store(async () => ({ forge: forge([]) }), staging(), prod(), { apps });
    const first = await load(s, staging().app.key);
    assert.ok(first.kind === 'ready' && first.trail.where.every((w) => w.cluster === 'staging'));
    apps.push(prod().app);
    s.appsChanged({ added: [prod().app.key], updated: [], removed: [] });
    const again = await s.settled(staging().app.key);
    assert.ok(again?.kind === 'ready');
    assert.deepEqual(again.trail.where.map((w) => w.cluster), ['staging', 'prod']);
    s.dispose();
  });

  it('offline: the forge is not reachable, so Git alone answers (the PR named by the merge message, nothing flagged as a finding)', async () => {
    const offline: AuditForge = {
      pullRequestsForCommit: async () => {
        throw new ForgeError('network', 'git.example.test cannot be reached');
      },
      pullRequestReviews: async () => [],
      branchProtection: async () => {
        throw new ForgeError('network', 'git.example.test cannot be reached');
      },
    };
    const s = store(async () => ({ forge: offline }), staging());
    const state = await load(s, staging().app.key);
    assert.equal(state.kind, 'ready');
    if (state.kind !== 'ready') return;
    const d = state.trail.deployments[0]!;
    assert.match(deploymentDescription(d, NOW), /bob \(committed by dave\) in #7 per the commit message \(forge not asked: git\.example\.test cannot be reached\)/);
    assert.deepEqual(state.trail.protectionProblems, ['protection of main not read: git.example.test cannot be reached']);
    assert.equal(historyDescription({ kind: 'ready', trail: state.trail }), '2 deployments · 1 not deployed here');
    s.dispose();
  });

  it('Restricted Mode: deployments only, with the reason', async () => {
    const s = store(async () => ({ unavailable: 'x' }), staging(), undefined, { refused: 'Restricted Mode: no git' });
    const state = await load(s, staging().app.key);
    assert.equal(state.kind, 'ready');
    if (state.kind !== 'ready') return;
    assert.equal(state.trail.changes.length, 0);
    assert.equal(state.trail.deployments.length, 2);
    assert.ok(state.trail.notes.includes('Restricted Mode: no git'));
    await assert.rejects(s.blame({ root: repo.dir, remotes: [URL_], file: 'apps/web/deployment.yaml', version: 'v', startLine: 1, endLine: 6, apps: [staging().app] }), /Restricted Mode/);
    s.dispose();
  });

  it('blame with deployment: the line\'s change, its pull request and where it runs; unsaved lines are not committed', async () => {
    const s = store(async () => ({ forge: forge([]) }), staging(), prod());
    const q = { root: repo.dir, remotes: [URL_], file: 'apps/web/deployment.yaml', version: 'v1', startLine: 1, endLine: 6, apps: [staging().app, prod().app] };
    // Line 6 is gina's (not deployed anywhere), line 3 alice's.
    const gina = await s.blame({ ...q, line: 6 });
    assert.equal(gina.commit?.id, later);
    assert.equal(blameHoverMarkdown(gina, NOW).split('\n')[0], '**This line** changed by gina in no pull request · not yet in prod · not yet in staging');
    const alice = await s.blame({ ...q, line: 3 });
    assert.equal(blameHoverMarkdown(alice, NOW).split('\n')[0], '**This line** changed by alice in no pull request · live in prod since 2026-03-01 11:00 UTC · live in staging since 2026-03-01 09:05 UTC');
    const doc = await s.blame(q);
    assert.equal(doc.scope, 'document');
    assert.equal(doc.commit?.id, later);
    // The editor's text with an unsaved edit on line 6: that line is not committed.
    const dirty = await s.blame({ ...q, version: 'v2', contents: manifest(9), line: 6 });
    assert.equal(dirty.commit?.uncommitted, true);
    assert.equal(blameHoverMarkdown(dirty, NOW), 'This line: not committed yet.');
    s.dispose();
  });

  it('real git blame porcelain at the merge: the line is bob\'s change, author and committer told apart', async () => {
    const out = await repo.git('blame', '--porcelain', '-L', '6,6', merge, '--', 'apps/web/deployment.yaml');
    const parsed = parseBlamePorcelain(out);
    assert.equal(commitOfLine(parsed, 6)?.id, change);
    assert.equal(commitOfLine(parsed, 6)?.author.name, 'bob');
    assert.equal(commitOfLine(parsed, 6)?.committer.name, 'dave');
    assert.equal(commitOfLine(parsed, 6)?.committedAt, '2026-03-02T09:00:00Z');
    assert.equal(newestCommitOf(parsed, 1, 6)?.id, change);
  });

  it('blame porcelain: repeated commits, the all-zero id, bounded and malformed input', () => {
    const a = 'a'.repeat(40);
    const text = [
      `${a} 1 1 2`,
      'author Ann',
      'author-mail <ann@example.invalid>',
      'author-time 1772355600',
      'committer Cy',
      'committer-mail <cy@example.invalid>',
      'committer-time 1772359200',
      'summary first',
      'filename f.yaml',
      '\tline one',
      `${a} 2 2`,
      '\tline two',
      `${'0'.repeat(40)} 3 3 1`,
      'author Not Committed Yet',
      'summary Version of f.yaml from f.yaml',
      '\tline three',
      'garbage line',
    ].join('\n');
    const r = parseBlamePorcelain(text);
    assert.deepEqual(r.lines.map((l) => [l.line, l.commit.slice(0, 1)]), [[1, 'a'], [2, 'a'], [3, '0']]);
    assert.equal(r.commits.get(a)?.committer.email, 'cy@example.invalid');
    assert.equal(r.commits.get(a)?.authoredAt, '2026-03-01T09:00:00Z');
    assert.equal(newestCommitOf(r, 1, 3)?.id, a);
    assert.equal(commitOfLine(r, 3)?.uncommitted, true);
  });

  it('drift attribution in the diff title and the adopt PR body: only fields set outside Git, the first named', () => {
    const owner = (manager: string, controller?: 'argocd' | 'flux') => ({ manager, operation: 'Update', time: '2026-03-03T14:02:00Z', match: 'exact' as const, ...(controller ? { controller } : {}) });
    const changes = [
      { path: '/spec/template/spec/containers/0/image', attribution: { path: '', owners: [], lastSetBy: owner('argocd-controller', 'argocd'), throughGit: true } },
      { path: '/spec/replicas', attribution: { path: '', owners: [], lastSetBy: owner('kubectl-scale'), throughGit: false } },
      { path: '/metadata/labels/team', attribution: { path: '', owners: [], lastSetBy: owner('kubectl-edit'), throughGit: false } },
      { path: '/spec/paused' },
    ];
    assert.equal(diffTitleAttribution(changes, NOW), 'spec.replicas set by kubectl-scale (Update) at 14:02 UTC, not through Git (+1 more set outside Git)');
    assert.equal(diffTitleAttribution(changes.slice(0, 1), NOW), undefined);
    assert.deepEqual(attributionLines([{ cluster: 'prod', changes }], NOW), [
      '- prod: `spec.template.spec.containers[0].image` set by argocd-controller (Update) at 14:02 UTC, through Git (Argo CD)',
      '- prod: `spec.replicas` set by kubectl-scale (Update) at 14:02 UTC, not through Git',
      '- prod: `metadata.labels.team` set by kubectl-edit (Update) at 14:02 UTC, not through Git',
    ]);
  });

  it('drift attribution phrase: manager, operation, time, and whether it came through Git', () => {
    assert.equal(setByPhrase(undefined, NOW), undefined);
    const at = (manager: string, controller?: 'argocd' | 'flux') =>
      setByPhrase({ path: '/spec/replicas', owners: [], throughGit: controller !== undefined, lastSetBy: { manager, operation: 'Update', subresource: 'scale', time: '2026-03-03T11:02:00Z', match: 'exact', ...(controller ? { controller } : {}) } }, NOW);
    assert.equal(at('kubectl-scale'), 'set by kubectl-scale (Update, scale) at 11:02 UTC, not through Git');
    assert.equal(at('argocd-controller', 'argocd'), 'set by argocd-controller (Update, scale) at 11:02 UTC, through Git (Argo CD)');
  });
});
