/**
 * core/audit/deployments: deployment history from Argo CD and Flux objects shaped like the controllers
 * write them (argo-cd RevisionHistory and OperationInitiator; fluxcd/pkg meta.Snapshot; helm-controller
 * v2 Snapshot; kustomize-controller Events with the revision annotation).
 */
import * as assert from 'node:assert/strict';
import { argoDeployments, commitOfRevision, deploymentsOf, fluxKustomizationDeployments, helmReleaseDeployments, sameCommit } from '../../../../src/core/audit/deployments';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

const argoApp = (status: Record<string, unknown>) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'web', namespace: 'argocd' },
  spec: { project: 'default', source: { repoURL: 'https://git.example/acme/gitops.git', path: 'apps/web', targetRevision: 'main' }, destination: { server: 'https://kubernetes.default.svc', namespace: 'web' } },
  status,
});

describe('core/audit/deployments', () => {
  it('Argo CD: status.history newest first, with times, sources and who initiated each sync (2.10+)', () => {
    const h = argoDeployments(
      argoApp({
        sync: { status: 'Synced', revision: C },
        history: [
          { id: 0, revision: A, deployedAt: '2026-03-01T10:00:05Z', deployStartedAt: '2026-03-01T10:00:00Z', source: { repoURL: 'https://git.example/acme/gitops.git', path: 'apps/web', targetRevision: 'main' }, initiatedBy: { automated: true } },
          { id: 1, revision: B, deployedAt: '2026-03-02T11:00:05Z', deployStartedAt: '2026-03-02T11:00:00Z', source: { repoURL: 'https://git.example/acme/gitops.git', path: 'apps/web', targetRevision: 'main' }, initiatedBy: { username: 'alice@example.com' } },
          { id: 2, revision: C, deployedAt: '2026-03-03T12:00:05Z', deployStartedAt: '2026-03-03T12:00:00Z', source: { repoURL: 'https://git.example/acme/gitops.git', path: 'apps/web', targetRevision: 'main' }, initiatedBy: { automated: true } },
        ],
      }),
    );
    assert.deepEqual(h.problems, []);
    assert.deepEqual(h.deployments.map((d) => [d.id, d.revision, d.deployedAt, d.initiatedBy]), [
      ['2', C, '2026-03-03T12:00:05Z', { automated: true }],
      ['1', B, '2026-03-02T11:00:05Z', { username: 'alice@example.com', automated: false }],
      ['0', A, '2026-03-01T10:00:05Z', { automated: true }],
    ]);
    assert.deepEqual(h.deployments[0]?.sources, [{ repoURL: 'https://git.example/acme/gitops.git', path: 'apps/web', targetRevision: 'main', revision: C }]);
    assert.equal(h.deployments[0]?.startedAt, '2026-03-03T12:00:00Z');
    assert.deepEqual(h.current, { revision: C, commit: { id: C, exact: true }, since: '2026-03-03T12:00:05Z' });
  });

  it('Argo CD before 2.10: the last operation’s initiator goes to the newest entry it synced, and only there', () => {
    const app = (opRevision: string, phase = 'Succeeded') =>
      argoDeployments(
        argoApp({
          sync: { status: 'Synced', revision: B },
          history: [
            { id: 4, revision: A, deployedAt: '2026-03-01T10:00:05Z', source: {} },
            { id: 5, revision: B, deployedAt: '2026-03-02T10:00:05Z', source: {} },
          ],
          operationState: { operation: { sync: { revision: opRevision }, initiatedBy: { username: 'bob' } }, phase, syncResult: { revision: opRevision }, finishedAt: '2026-03-02T10:00:05Z' },
        }),
      );
    assert.deepEqual(app(B).deployments.map((d) => d.initiatedBy), [{ username: 'bob', automated: false }, undefined]);
    assert.deepEqual(app(A).deployments.map((d) => d.initiatedBy), [undefined, undefined]);
    assert.deepEqual(app(B, 'Failed').deployments.map((d) => d.initiatedBy), [undefined, undefined]);
  });

  it('Argo CD multi-source: one revision per source; malformed entries are problems, not exceptions', () => {
    const h = argoDeployments(
      argoApp({
        sync: { revisions: [A, '1.2.3'] },
        history: [
          { id: 1, revisions: [A, '1.2.3'], sources: [{ repoURL: 'https://git.example/acme/gitops.git', path: 'apps/web' }, { repoURL: 'https://charts.example', chart: 'web' }], deployedAt: '2026-03-01T10:00:00Z' },
          { id: 2, deployedAt: '2026-03-01T11:00:00Z' },
          'junk',
        ],
      }),
    );
    assert.deepEqual(h.deployments[0]?.sources.map((s) => [s.repoURL, s.chart, s.revision]), [
      ['https://git.example/acme/gitops.git', undefined, A],
      ['https://charts.example', 'web', '1.2.3'],
    ]);
    assert.deepEqual([...h.problems].sort(), ['status.history[1] has neither revision nor revisions', 'status.history[2] is not an object']);
    assert.equal(h.current?.revision, A);
    assert.deepEqual(argoDeployments({ status: { history: 'x' } }).problems, ['status.history is not a list']);
    assert.deepEqual(argoDeployments(undefined), { deployments: [], problems: [] });
  });

  it('Flux Kustomization (2.7+): snapshots are deployments when ReconciliationSucceeded; failed attempts are kept as such', () => {
    const ks = {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'web', namespace: 'flux-system' },
      spec: { path: './apps/web', sourceRef: { kind: 'GitRepository', name: 'gitops' } },
      status: {
        lastAppliedRevision: `main@sha1:${B}`,
        lastAttemptedRevision: `main@sha1:${C}`,
        history: [
          { digest: 'sha256:ccc', firstReconciled: '2026-03-03T12:00:00Z', lastReconciled: '2026-03-03T12:10:00Z', lastReconciledDuration: '2.1s', lastReconciledStatus: 'HealthCheckFailed', totalReconciliations: 3, metadata: { revision: `main@sha1:${C}` } },
          { digest: 'sha256:bbb', firstReconciled: '2026-03-02T11:00:00Z', lastReconciled: '2026-03-03T11:50:00Z', lastReconciledDuration: '1.2s', lastReconciledStatus: 'ReconciliationSucceeded', totalReconciliations: 40, metadata: { revision: `main@sha1:${B}` } },
          { digest: 'sha256:aaa', firstReconciled: '2026-03-01T10:00:00Z', lastReconciled: '2026-03-02T10:50:00Z', lastReconciledDuration: '1.0s', lastReconciledStatus: 'ReconciliationSucceeded', totalReconciliations: 20, metadata: { revision: `main@sha1:${A}` } },
        ],
      },
    };
    const h = fluxKustomizationDeployments(ks, [], { gitSource: true });
    assert.deepEqual(h.deployments.map((d) => [d.commit?.id, d.succeeded, d.status, d.deployedAt, d.lastSeenAt]), [
      [C, false, 'HealthCheckFailed', '2026-03-03T12:00:00Z', '2026-03-03T12:10:00Z'],
      [B, true, 'ReconciliationSucceeded', '2026-03-02T11:00:00Z', '2026-03-03T11:50:00Z'],
      [A, true, 'ReconciliationSucceeded', '2026-03-01T10:00:00Z', '2026-03-02T10:50:00Z'],
    ]);
    assert.deepEqual(h.current, { revision: `main@sha1:${B}`, commit: { id: B, exact: true }, since: '2026-03-02T11:00:00Z' });
    assert.equal(deploymentsOf(ks)?.deployments.length, 3);
  });

  it('older Flux: lastAppliedRevision plus the controller’s Events for this object (annotation, or the old message)', () => {
    const ks = { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'web', namespace: 'flux-system' }, status: { lastAppliedRevision: `main@sha1:${B}` } };
    const event = (name: string, reason: string, revision: string | undefined, first: string, last: string, extra: Record<string, unknown> = {}) => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `web.${first}`, namespace: 'flux-system', ...(revision ? { annotations: { 'kustomize.toolkit.fluxcd.io/revision': revision } } : {}) },
      involvedObject: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', name, namespace: 'flux-system' },
      reason,
      type: 'Normal',
      message: 'Reconciliation finished in 1.2s, next run in 10m0s',
      source: { component: 'kustomize-controller' },
      firstTimestamp: first,
      lastTimestamp: last,
      count: 3,
      ...extra,
    });
    const events = [
      event('web', 'ReconciliationSucceeded', `main@sha1:${A}`, '2026-03-01T10:00:00Z', '2026-03-01T10:20:00Z'),
      event('web', 'ReconciliationSucceeded', `main@sha1:${B}`, '2026-03-01T10:30:00Z', '2026-03-01T10:50:00Z'),
      event('web', 'ReconciliationSucceeded', `main@sha1:${B}`, '2026-03-01T10:25:00Z', '2026-03-01T10:26:00Z'),
      event('web', 'ReconciliationFailed', `main@sha1:${C}`, '2026-03-01T10:40:00Z', '2026-03-01T10:40:00Z'),
      event('other', 'ReconciliationSucceeded', `main@sha1:${C}`, '2026-03-01T10:45:00Z', '2026-03-01T10:45:00Z'),
      // Flux 0.x: no annotation, the revision in the message.
      event('web', 'ReconciliationSucceeded', undefined, '2026-03-01T09:00:00Z', '2026-03-01T09:00:00Z', { message: `Applied revision: main/${C}` }),
    ];
    const h = fluxKustomizationDeployments(ks, events);
    assert.deepEqual(h.deployments.map((d) => [d.revision, d.deployedAt, d.lastSeenAt, d.from]), [
      [`main@sha1:${B}`, '2026-03-01T10:25:00Z', '2026-03-01T10:50:00Z', 'flux-event'],
      [`main@sha1:${A}`, '2026-03-01T10:00:00Z', '2026-03-01T10:20:00Z', 'flux-event'],
      [`main/${C}`, '2026-03-01T09:00:00Z', '2026-03-01T09:00:00Z', 'flux-event'],
    ]);
    assert.equal(h.current?.since, '2026-03-01T10:25:00Z');
    // No Events at all: the applied revision is still a deployment, without a time.
    const bare = fluxKustomizationDeployments(ks);
    assert.deepEqual(bare.deployments.map((d) => [d.revision, d.deployedAt, d.from]), [[`main@sha1:${B}`, undefined, 'flux-status']]);
    assert.deepEqual(bare.current, { revision: `main@sha1:${B}`, commit: { id: B, exact: true } });
  });

  it('Flux HelmRelease: release versions from status.history by version; chart versions built from Git carry a commit prefix', () => {
    const hr = {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'api', namespace: 'apps' },
      status: {
        history: [
          { apiVersion: 'v2', digest: 'sha256:3', name: 'api', namespace: 'apps', version: 3, status: 'failed', chartName: 'api', chartVersion: '0.2.0+cccccccccccc', configDigest: 'sha256:x', firstDeployed: '2026-03-01T10:00:00Z', lastDeployed: '2026-03-03T10:00:00Z' },
          { apiVersion: 'v2', digest: 'sha256:2', name: 'api', namespace: 'apps', version: 2, status: 'deployed', chartName: 'api', chartVersion: '0.2.0+bbbbbbbbbbbb', configDigest: 'sha256:y', firstDeployed: '2026-03-01T10:00:00Z', lastDeployed: '2026-03-02T10:00:00Z' },
          { apiVersion: 'v2', digest: 'sha256:1', name: 'api', namespace: 'apps', version: 1, status: 'superseded', chartName: 'api', chartVersion: '0.1.0', configDigest: 'sha256:z', firstDeployed: '2026-03-01T10:00:00Z', lastDeployed: '2026-03-01T10:00:00Z' },
        ],
      },
    };
    const h = helmReleaseDeployments(hr);
    assert.deepEqual(h.deployments.map((d) => [d.id, d.revision, d.succeeded, d.deployedAt, d.commit]), [
      ['3', '0.2.0+cccccccccccc', false, '2026-03-03T10:00:00Z', { id: 'cccccccccccc', exact: false }],
      ['2', '0.2.0+bbbbbbbbbbbb', true, '2026-03-02T10:00:00Z', { id: 'bbbbbbbbbbbb', exact: false }],
      ['1', '0.1.0', true, '2026-03-01T10:00:00Z', undefined],
    ]);
    assert.equal(h.current?.revision, '0.2.0+bbbbbbbbbbbb');
    assert.equal(h.current?.since, '2026-03-02T10:00:00Z');
    assert.ok(sameCommit(h.current?.commit, B), 'a prefix names the full commit');
    assert.ok(!sameCommit(h.current?.commit, A));
  });

  it('reads commits out of every revision form, and refuses OCI digests', () => {
    assert.deepEqual(commitOfRevision(A.toUpperCase()), { id: A, exact: true });
    assert.deepEqual(commitOfRevision(`main@sha1:${A}`), { id: A, exact: true });
    assert.deepEqual(commitOfRevision(`sha1:${A}`), { id: A, exact: true });
    assert.deepEqual(commitOfRevision(`release/v1/${A}`), { id: A, exact: true });
    assert.equal(commitOfRevision(`latest@sha256:${'d'.repeat(64)}`), undefined);
    assert.deepEqual(commitOfRevision(`main@sha256:${'d'.repeat(64)}`, { gitSource: true }), { id: 'd'.repeat(64), exact: true });
    assert.equal(commitOfRevision('1.2.3'), undefined);
    assert.equal(commitOfRevision('v1.2.3+build.5'), undefined);
    assert.equal(commitOfRevision('main'), undefined);
    assert.equal(deploymentsOf({ apiVersion: 'v1', kind: 'ConfigMap' }), undefined);
  });
});
