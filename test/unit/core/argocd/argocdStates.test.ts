/**
 * Argo CD states as Argo CD's own UI and CLI show them, on objects shaped like Argo CD 2.4–3.x ones
 * (test/fixtures/gitops/stateCases.ts), plus the app-of-apps tracking rule.
 */
import * as assert from 'node:assert/strict';
import { mapArgoApplication, trackedByOf } from '../../../../src/core/argocd/application';
import { STATE_CASES } from '../../../fixtures/gitops/stateCases';
import { runCase } from '../../../support/stateConformance';

const ARGO_CASES = STATE_CASES.filter((c) => c.era === 'argocd');

describe('Argo CD states (conformance cases)', () => {
  for (const c of ARGO_CASES) {
    it(`${c.id} — ${c.upstream}`, () => {
      const { result } = runCase(c);
      assert.deepEqual(result.failures, []);
    });
  }

  it('a pending operation is a sync in progress with its initiator, over the last finished one', () => {
    const c = ARGO_CASES.find((x) => x.id === 'argo-pending-operation')!;
    const { app } = runCase(c);
    assert.deepEqual(
      { phase: app.operation.phase, title: app.operation.title, pending: app.operation.pending, initiatedBy: app.operation.initiatedBy, revisions: app.operation.revisions },
      { phase: 'Running', title: 'Syncing', pending: true, initiatedBy: 'admin', revisions: ['HEAD'] },
    );
  });

  it('a deletion shows as the Deleting operation and the deletion time', () => {
    const { app } = runCase(ARGO_CASES.find((x) => x.id === 'argo-deleting')!);
    assert.deepEqual([app.operation.title, app.operation.type, app.deletingSince], ['Deleting', 'delete', '2025-08-08T09:40:00Z']);
  });

  it('a failed sync keeps its retry count and initiator', () => {
    const { app } = runCase(ARGO_CASES.find((x) => x.id === 'argo-failed')!);
    assert.deepEqual([app.operation.title, app.operation.retryCount, app.operation.initiatedBy], ['Sync failed', 2, 'automated']);
  });

  it('a child knows its parent only while the parent exists, and a parent lists only its own children', () => {
    const c = ARGO_CASES.find((x) => x.id === 'argo-app-of-apps-annotation')!;
    const { store } = runCase(c);
    const root = 'prod/argocd/Application/argocd/root';
    assert.deepEqual(store.childrenOf(root).map((a) => a.name), ['child-a']);
    assert.equal(store.parentOf(root), undefined);
    store.apply('prod', { type: 'DELETED', kind: 'Application', object: { metadata: { name: 'root', namespace: 'argocd' } } });
    assert.equal(store.parentOf('prod/argocd/Application/argocd/child-a'), undefined);
  });
});

describe('Argo CD API version', () => {
  it('is v1alpha1 whether or not the object says so (argocd-server list items carry no apiVersion)', () => {
    const c = ARGO_CASES.find((x) => x.id === 'argo-synced')!;
    const withVersion = mapArgoApplication('prod', c.objects[0]![1]);
    const { apiVersion: _dropped, ...bare } = c.objects[0]![1] as Record<string, unknown>;
    assert.equal(_dropped, 'argoproj.io/v1alpha1');
    assert.deepEqual(mapArgoApplication('prod', bare), withVersion);
    assert.equal(withVersion.apiVersion, 'argoproj.io/v1alpha1');
  });
});

describe('Argo CD resource tracking', () => {
  it('reads the tracking annotation first, the instance label second (util/argo/resource_tracking.go)', () => {
    assert.equal(trackedByOf({ 'argocd.argoproj.io/tracking-id': 'root:argoproj.io/Application:argocd/child' }, undefined), 'root');
    assert.equal(trackedByOf({ 'argocd.argoproj.io/tracking-id': 'team-a_root:argoproj.io/Application:argocd/child' }, { 'app.kubernetes.io/instance': 'other' }), 'team-a/root');
    assert.equal(trackedByOf(undefined, { 'app.kubernetes.io/instance': 'root' }), 'root');
    // A malformed tracking id is ignored (ParseAppInstanceValue refuses it), the label still counts.
    assert.equal(trackedByOf({ 'argocd.argoproj.io/tracking-id': 'root' }, { 'app.kubernetes.io/instance': 'x' }), 'x');
    assert.equal(trackedByOf(undefined, undefined), undefined);
  });
});
