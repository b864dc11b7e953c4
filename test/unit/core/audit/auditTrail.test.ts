/**
 * The pure joins of core/audit: apps that deploy from a repository, where a commit runs now, the pull
 * request lookup with its offline fallback and policy flags, the forge cache, and the report's
 * renderings. Apps come from the product's own mappers over objects shaped like the controllers'.
 */
import * as assert from 'node:assert/strict';
import type { CommitRecord } from '../../../../src/core/audit/commits';
import { argoDeployments, fluxKustomizationDeployments } from '../../../../src/core/audit/deployments';
import { cachedAuditForge, layeredCache, MemoryCacheStore } from '../../../../src/core/audit/forgeCache';
import { CommitGraph } from '../../../../src/core/audit/graph';
import { changeFlags, lookupPullRequest, protectionProblems, type AuditForge } from '../../../../src/core/audit/pullRequests';
import { csvCell, renderCsv, reportJson, utc } from '../../../../src/core/audit/report';
import { auditTargets, describeWhereItRuns, placementOf, whereItRuns } from '../../../../src/core/audit/trail';
import { mapArgoApplication } from '../../../../src/core/argocd/application';
import { mapFluxHelmRelease, mapFluxKustomization, mapFluxSource } from '../../../../src/core/flux/mapFlux';
import { ForgeError, type BranchProtection, type PullRequestDetails, type PullRequestReview } from '../../../../src/core/forge/types';

const REPO = 'https://git.example.test/acme/gitops.git';
const hex = (c: string) => c.repeat(40);
const [A, B, C, D, X] = ['a', 'b', 'c', 'd', 'e'].map(hex) as [string, string, string, string, string];

function commit(id: string, parents: string[], subject: string, committedAt: string, extra: Partial<CommitRecord> = {}): CommitRecord {
  const p = { name: 'Dev', email: 'dev@example.invalid' };
  return { id, parents, author: p, committer: p, authoredAt: committedAt, committedAt, subject, body: '', signature: { code: 'N', state: 'unsigned' }, files: [], ...extra };
}

// main: A ← B ← D (D merges C, whose parent is B); X is a commit on no branch.
const graph = new CommitGraph([
  { id: A, parents: [] },
  { id: B, parents: [A] },
  { id: C, parents: [B] },
  { id: D, parents: [B, C] },
  { id: X, parents: [A] },
]);

const argo = (name: string, history: Array<{ id: number; revision: string; deployedAt: string }>, current: string, source: Record<string, unknown> = { repoURL: REPO, path: `apps/${name}`, targetRevision: 'main' }) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name, namespace: 'argocd' },
  spec: { project: 'default', source, destination: { server: 'https://kubernetes.default.svc', namespace: name } },
  status: { sync: { status: 'Synced', revision: current }, health: { status: 'Healthy' }, history: history.map((h) => ({ ...h, source })) },
});

describe('core/audit trail, pull requests, cache and report', () => {
  it('auditTargets: Argo CD sources, Flux Kustomizations through their GitRepository, HelmReleases through HelmChart → GitRepository', () => {
    const apps = [
      mapArgoApplication('staging', argo('web', [], A)),
      mapArgoApplication('staging', argo('other', [], A, { repoURL: 'https://git.example.test/acme/other.git', path: 'x', targetRevision: 'main' })),
      mapArgoApplication('staging', {
        ...argo('multi', [], A),
        spec: { project: 'default', sources: [{ repoURL: 'https://charts.example.test', chart: 'redis', targetRevision: '1.2.3' }, { repoURL: 'git@git.example.test:acme/gitops', path: './apps/multi/', targetRevision: 'HEAD' }] },
      }),
      mapFluxSource('prod', 'GitRepository', { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'gitops', namespace: 'flux-system' }, spec: { url: 'https://git.example.test/acme/gitops', ref: { branch: 'release' } } }),
      mapFluxKustomization('prod', { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'api', namespace: 'flux-system' }, spec: { path: './apps/api', sourceRef: { kind: 'GitRepository', name: 'gitops' } } }),
      mapFluxSource('prod', 'HelmChart', { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmChart', metadata: { name: 'apps-cache', namespace: 'flux-system' }, spec: { chart: './charts/cache', sourceRef: { kind: 'GitRepository', name: 'gitops' } } }),
      mapFluxHelmRelease('prod', { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'cache', namespace: 'apps' }, spec: { chart: { spec: { chart: './charts/cache', sourceRef: { kind: 'GitRepository', name: 'gitops', namespace: 'flux-system' } } } }, status: { helmChart: 'flux-system/apps-cache' } }),
    ];
    const t = auditTargets(apps, REPO).map((x) => [x.app.cluster, x.app.name, x.path, x.branch ?? null, x.sourceIndex]);
    assert.deepEqual(t, [
      ['staging', 'web', 'apps/web', 'main', 0],
      ['staging', 'multi', 'apps/multi', null, 1],
      ['prod', 'api', 'apps/api', 'release', 0],
      ['prod', 'cache', 'charts/cache', 'release', 0],
    ]);
  });

  it('placementOf: running since the first deployment that included the commit after it landed; behind when the cluster lacks it', () => {
    const h = argoDeployments(argo('web', [
      { id: 1, revision: B, deployedAt: '2026-03-01T10:00:00Z' },
      { id: 2, revision: D, deployedAt: '2026-03-01T12:00:00Z' },
    ], D));
    assert.deepEqual(placementOf(C, '2026-03-01T11:30:00Z', h, graph), { state: 'running', deployedAt: '2026-03-01T12:00:00Z', deployment: h.deployments[0], runningRevision: D });
    // B was deployed at 10:00 itself (its landing time is before).
    assert.equal(placementOf(B, '2026-03-01T09:59:00Z', h, graph).deployedAt, '2026-03-01T10:00:00Z');
    const behind = placementOf(C, '2026-03-01T11:30:00Z', argoDeployments(argo('web', [{ id: 1, revision: B, deployedAt: '2026-03-01T10:00:00Z' }], B)), graph);
    assert.deepEqual([behind.state, behind.deployedAt, behind.runningRevision], ['behind', undefined, B]);
    // Rolled back: it ran once (deployedAt stays), the cluster is behind now.
    const rolledBack = placementOf(C, '2026-03-01T11:30:00Z', argoDeployments(argo('web', [{ id: 1, revision: D, deployedAt: '2026-03-01T12:00:00Z' }, { id: 2, revision: B, deployedAt: '2026-03-01T13:00:00Z' }], B)), graph);
    assert.deepEqual([rolledBack.state, rolledBack.deployedAt], ['behind', '2026-03-01T12:00:00Z']);
    // A revision the graph does not hold: unknown, never "behind".
    assert.equal(placementOf(C, undefined, argoDeployments(argo('web', [], hex('f'))), graph).state, 'unknown');
  });

  it('placementOf: a Flux snapshot reused for old content does not date a newer commit', () => {
    // Digest of B's content first applied 09:00, seen again (revision D) after a revert; D itself was
    // first applied at 12:00 in its own snapshot.
    const h = fluxKustomizationDeployments({
      status: {
        lastAppliedRevision: `main@sha1:${D}`,
        history: [
          { digest: 'sha256:1', firstReconciled: '2026-03-01T09:00:00Z', lastReconciled: '2026-03-01T13:00:00Z', lastReconciledStatus: 'ReconciliationSucceeded', metadata: { revision: `main@sha1:${D}` } },
          { digest: 'sha256:2', firstReconciled: '2026-03-01T12:00:00Z', lastReconciled: '2026-03-01T12:30:00Z', lastReconciledStatus: 'ReconciliationSucceeded', metadata: { revision: `main@sha1:${D}` } },
        ],
      },
    });
    assert.equal(placementOf(C, '2026-03-01T11:30:00Z', h, graph).deployedAt, '2026-03-01T12:00:00Z');
  });

  it('whereItRuns and its one-line description', () => {
    const targets = auditTargets([mapArgoApplication('staging', argo('web', [], D)), mapArgoApplication('production', argo('web', [], B))], REPO);
    const histories = [
      argoDeployments(argo('web', [{ id: 1, revision: D, deployedAt: '2026-03-01T10:32:00Z' }], D)),
      argoDeployments(argo('web', [{ id: 1, revision: B, deployedAt: '2026-02-20T08:00:00Z' }], B)),
    ];
    const rows = whereItRuns(commit(C, [B], 'web: 3 replicas', '2026-03-01T10:00:00Z', { files: ['apps/web/deploy.yaml'] }), '2026-03-01T10:30:00Z', targets.map((target, i) => ({ target, history: histories[i]! })), graph);
    assert.equal(describeWhereItRuns(rows, Date.parse('2026-03-01T18:00:00Z')), `staging since 10:32 UTC, production at ${B.slice(0, 7)}`);
    assert.equal(describeWhereItRuns(rows, Date.parse('2026-03-05T18:00:00Z')), `staging since 2026-03-01 10:32 UTC, production at ${B.slice(0, 7)}`);
    assert.deepEqual(whereItRuns(commit(C, [B], 'docs', '2026-03-01T10:00:00Z', { files: ['README.md'] }), undefined, targets.map((target, i) => ({ target, history: histories[i]! })), graph), []);
  });

  it('lookupPullRequest: the forge first (merge commit, then the commit), message hints only when it cannot be asked', async () => {
    const merged: PullRequestDetails = { id: 7, number: 7, url: 'u', title: 'web', head: 'feat', base: 'main', state: 'merged', draft: false, author: 'bob', mergedBy: 'carol', mergeCommit: D };
    const reviews: PullRequestReview[] = [{ user: 'carol', state: 'approved' }, { user: 'bob', state: 'approved' }];
    const asked: string[] = [];
    const forge: AuditForge = {
      async pullRequestsForCommit(sha) {
        asked.push(sha);
        return sha === C ? [merged, { ...merged, id: 8, number: 8, base: 'other', mergeCommit: hex('9') }] : [];
      },
      async pullRequestReviews() {
        return reviews;
      },
      async branchProtection(): Promise<BranchProtection> {
        throw new Error('not used');
      },
    };
    const c = commit(C, [B], 'web: 3 replicas', '2026-03-01T10:00:00Z');
    const m = commit(D, [B, C], 'Merge pull request #7 from acme/feat', '2026-03-01T10:30:00Z');
    const found = await lookupPullRequest(c, m, 'main', forge);
    assert.deepEqual(asked, [D, C]);
    assert.deepEqual(found, { kind: 'pullRequest', pr: { number: 7, title: 'web', url: 'u', author: 'bob', mergedBy: 'carol', approvedBy: ['carol'], reviewers: [{ user: 'carol', state: 'approved' }], source: 'forge' } });
    assert.deepEqual(changeFlags(found), []);
    // A direct push whose message pretends a PR: the forge's answer wins, with a note.
    const fake = await lookupPullRequest(commit(X, [A], 'hotfix (#9)', '2026-03-01T11:00:00Z'), undefined, 'main', forge);
    assert.deepEqual(fake, { kind: 'none', note: 'the message names #9, but the forge has no merged pull request for this commit' });
    assert.deepEqual(changeFlags(fake), ['noPullRequest']);
    // Unapproved (only its author approved).
    const selfApproved = await lookupPullRequest(c, m, 'main', { ...forge, pullRequestReviews: async () => [{ user: 'bob', state: 'approved' }] });
    assert.deepEqual(changeFlags(selfApproved), ['notApproved']);
    // Offline, and a forge error: unknown, with the message's number.
    assert.deepEqual(await lookupPullRequest(c, m, 'main', undefined, '--offline'), { kind: 'unknown', reason: '--offline', hint: { number: 7, source: 'message' } });
    const failing: AuditForge = { ...forge, pullRequestsForCommit: async () => Promise.reject(new ForgeError('network', 'GitHub: looking up failed: ECONNREFUSED')) };
    const down = await lookupPullRequest(c, m, 'main', failing);
    assert.deepEqual(down, { kind: 'unknown', reason: 'GitHub: looking up failed: ECONNREFUSED', hint: { number: 7, source: 'message' } });
    assert.deepEqual(changeFlags(down), ['unverified']);
    await assert.rejects(lookupPullRequest(c, m, 'main', { ...forge, pullRequestsForCommit: async () => Promise.reject(new TypeError('bug')) }), TypeError);
  });

  it('protectionProblems names what a branch lacks', () => {
    assert.deepEqual(protectionProblems({ branch: 'main', protected: false, notes: [] }), ['main is not protected: anyone with write access can push to it']);
    assert.deepEqual(protectionProblems({ branch: 'main', protected: true, pullRequestRequired: false, requiredApprovals: 0, forcePushBlocked: false, notes: ['x'] }), [
      'main accepts direct pushes (pull requests are not required)',
      'main merges pull requests without an approval',
      'main accepts force pushes (history can be rewritten)',
      'main: x',
    ]);
    assert.deepEqual(protectionProblems({ branch: 'main', protected: true, pullRequestRequired: true, requiredApprovals: 1, forcePushBlocked: true, notes: [] }), []);
  });

  it('cachedAuditForge: merged answers are kept, the rest expires; damaged entries are misses', async () => {
    let now = 0;
    const calls: string[] = [];
    const pr: PullRequestDetails = { id: 1, number: 1, url: 'u', title: 't', head: 'h', base: 'main', state: 'merged', draft: false };
    const forge: AuditForge = {
      pullRequestsForCommit: async (sha) => (calls.push(`c:${sha}`), sha === A ? [pr] : []),
      pullRequestReviews: async () => (calls.push('r'), [{ user: 'u', state: 'approved' }]),
      branchProtection: async (b) => (calls.push(`p:${b}`), { branch: b, protected: true, notes: [] }),
    };
    const disk = new MemoryCacheStore();
    const cached = cachedAuditForge(forge, layeredCache(new MemoryCacheStore(), disk), { scope: 'github:x/y', now: () => now, ttlMs: 1000 });
    for (let i = 0; i < 2; i++) {
      await cached.pullRequestsForCommit(A);
      await cached.pullRequestsForCommit(B);
      await cached.pullRequestReviews(pr);
      await cached.branchProtection('main');
    }
    assert.deepEqual(calls, [`c:${A}`, `c:${B}`, 'r', 'p:main']);
    now = 5000;
    for (const f of [() => cached.pullRequestsForCommit(A), () => cached.pullRequestsForCommit(B), () => cached.pullRequestReviews(pr), () => cached.branchProtection('main')]) await f();
    assert.deepEqual(calls.slice(4), [`c:${B}`, 'p:main'], 'only what may change is asked again');
    // A fresh process reads the disk layer; a damaged or foreign entry is asked again.
    const again = cachedAuditForge(forge, disk, { scope: 'github:x/y', now: () => now });
    await disk.set(`github:x/y|commit|${C}`, '{"at":0,"final":true,"value":[{"id":1,"url":5}]}');
    await again.pullRequestsForCommit(A);
    await again.pullRequestsForCommit(C);
    assert.deepEqual(calls.slice(6), [`c:${C}`]);
  });

  it('report: exact JSON fields, CSV cells safe from formulas, UTC times', () => {
    const row = { app: 'web', cluster: 'staging', revision: A, author: '=HYPERLINK("x") <a@b>', committer: 'C <c@d>', authoredAt: '2026-03-01T10:00:00Z', committedAt: '2026-03-01T10:00:00Z', pullRequest: 3, approvedBy: ['carol', 'dan'], deployedAt: null };
    const drift = { app: 'web', cluster: 'staging', object: 'Deployment/web/web', path: '/spec/replicas', manager: null, operation: null, time: null };
    assert.deepEqual(reportJson({ changes: [row], drift: [drift] }), { changes: [row], drift: [drift] });
    const csv = renderCsv({ changes: [row], drift: [drift] });
    assert.equal(csv.split('\r\n')[1], `web,staging,${A},"'=HYPERLINK(""x"") <a@b>",C <c@d>,2026-03-01T10:00:00Z,2026-03-01T10:00:00Z,3,carol;dan,`);
    assert.equal(csv.split('\r\n')[4], 'web,staging,Deployment/web/web,/spec/replicas,,,');
    assert.deepEqual(['+1', '-x', '@a', 'plain', 'a,b', 'line\nbreak'].map(csvCell), ["'+1", "'-x", "'@a", 'plain', '"a,b"', '"line\nbreak"']);
    assert.equal(utc('2026-03-01T11:00:00+01:00'), '2026-03-01T10:00:00Z');
  });
});
