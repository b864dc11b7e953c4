import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { mapArgoAppProject, mapArgoApplication, mapArgoApplicationSet } from '../../src/core/argocd/application';
import * as F from '../fixtures/gitops/argocd';

const SHORT = F.ARGO_SHA.slice(0, 7);

describe('core/argocd/application', () => {
  // The mapping table: fixture → sync, health, message (prefix), resource health availability.
  const table: Array<[string, unknown, string, string, string | undefined, 'inline' | 'unavailable']> = [
    ['2.x Synced/Healthy', F.ARGO2_SYNCED_HEALTHY, 'Synced', 'Healthy', undefined, 'inline'],
    ['2.x OutOfSync/Healthy', F.ARGO2_OUT_OF_SYNC_HEALTHY, 'OutOfSync', 'Healthy', undefined, 'inline'],
    ['2.x Synced/Degraded', F.ARGO2_SYNCED_DEGRADED, 'Synced', 'Degraded', 'Deployment "payments" exceeded', 'inline'],
    ['2.x Suspended', F.ARGO2_SUSPENDED, 'Synced', 'Suspended', 'a resource is suspended', 'inline'],
    ['2.x ComparisonError', F.ARGO2_COMPARISON_ERROR, 'Unknown', 'Healthy', 'ComparisonError: Failed to load target state', 'inline'],
    ['3.x Progressing', F.ARGO3_PROGRESSING, 'Synced', 'Progressing', 'resources are progressing', 'unavailable'],
    ['3.x Missing', F.ARGO3_MISSING, 'OutOfSync', 'Missing', 'resources are missing', 'unavailable'],
    ['3.x operation failed', F.ARGO3_OPERATION_FAILED, 'OutOfSync', 'Healthy', 'Sync failed: one or more objects failed to apply', 'unavailable'],
  ];
  for (const [label, obj, sync, health, message, rh] of table) {
    it(`maps ${label}`, () => {
      const app = mapArgoApplication('prod', obj);
      assert.equal(app.sync.status, sync);
      assert.equal(app.health.status, health);
      if (message === undefined) assert.equal(app.message, undefined);
      else assert.ok(app.message?.startsWith(message), `message was ${app.message}`);
      assert.equal(app.resourceHealth.kind, rh);
      assert.deepEqual(app.problems, []);
    });
  }

  it('fills identity, source, destination, revision and reconcile time', () => {
    const app = mapArgoApplication('prod', F.ARGO2_SYNCED_HEALTHY);
    assert.equal(app.key, 'prod/argocd/Application/argocd/guestbook');
    assert.equal(app.project, 'team-a');
    assert.equal(app.revision, SHORT);
    assert.equal(app.fullRevision, F.ARGO_SHA);
    assert.equal(app.lastReconciled, '2025-05-04T10:00:00Z');
    assert.deepEqual(app.sources, [{ repoURL: 'https://git.example.test/org/apps.git', path: 'apps/guestbook', targetRevision: 'main', chart: undefined }]);
    assert.deepEqual(app.destination, { server: 'https://kubernetes.default.svc', name: undefined, namespace: 'guestbook' });
    assert.equal(app.operation?.phase, 'Succeeded');
  });

  it('keeps per-resource sync and health from 2.x, and none from 3.x', () => {
    const v2 = mapArgoApplication('prod', F.ARGO2_SYNCED_DEGRADED).resources;
    assert.deepEqual(v2.map((r) => [r.group, r.kind, r.name, r.sync, r.health, r.healthMessage]), [
      ['apps', 'Deployment', 'payments', 'Synced', 'Degraded', 'Deployment "payments" exceeded its progress deadline'],
    ]);
    const v3 = mapArgoApplication('prod', F.ARGO3_PROGRESSING);
    assert.equal(v3.resources.length, 2);
    assert.ok(v3.resources.every((r) => r.health === undefined && r.sync === 'Synced'));
    assert.equal(v3.resourceHealth.kind, 'unavailable');
  });

  it('says which resources are out of sync and which need pruning', () => {
    const app = mapArgoApplication('prod', F.ARGO2_OUT_OF_SYNC_HEALTHY);
    assert.deepEqual(app.sync, { status: 'OutOfSync', reason: 'Deployment/billing-api and 2 more out of sync' });
    assert.deepEqual(app.resources.filter((r) => r.requiresPruning).map((r) => r.name), ['stale']);
    assert.equal(app.resources[0]!.version, 'v1');
    assert.equal(app.resources[1]!.group, '', 'core group is the empty string');
  });

  it('reports a failed operation with its timing', () => {
    const app = mapArgoApplication('prod', F.ARGO3_OPERATION_FAILED);
    assert.equal(app.operation?.phase, 'Failed');
    assert.equal(app.operation?.finishedAt, '2025-05-04T10:05:03Z');
  });

  it('reads multi-source applications', () => {
    const app = mapArgoApplication('prod', F.ARGO3_MULTI_SOURCE);
    assert.equal(app.sources.length, 2);
    assert.equal(app.sources[0]!.chart, 'prometheus');
    assert.equal(app.revision, '25.8.0');
    assert.deepEqual(app.destination, { server: undefined, name: 'in-cluster', namespace: 'monitoring' });
  });

  it('maps an Application without status to Unknown with a reason', () => {
    const app = mapArgoApplication('prod', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'new', namespace: 'argocd' }, spec: {} });
    assert.equal(app.sync.status, 'Unknown');
    assert.match(app.sync.status === 'Unknown' ? app.sync.reason : '', /not reconciled/);
    assert.equal(app.health.status, 'Unknown');
  });

  it('names unknown status values instead of guessing', () => {
    const app = mapArgoApplication('prod', { metadata: { name: 'x' }, status: { sync: { status: 'Drifting' }, health: { status: 'Sad' } } });
    assert.deepEqual(app.sync, { status: 'Unknown', reason: 'status.sync.status "Drifting" is not a known sync status' });
    assert.deepEqual(app.health, { status: 'Unknown', message: 'status.health.status "Sad" is not a known health status' });
  });

  it('is total: malformed objects give Unknown and problems, never a throw', () => {
    for (const bad of [null, 42, 'x', [], {}, { metadata: 'x' }, { metadata: { name: 1 }, status: [] }, { metadata: { name: 'a' }, status: { resources: 'x', sync: [] } }]) {
      const app = mapArgoApplication('c', bad);
      assert.equal(app.sync.status, 'Unknown');
      assert.ok(app.problems.length > 0, JSON.stringify(bad));
    }
    fc.assert(
      fc.property(fc.anything(), (obj) => {
        const app = mapArgoApplication('c', obj);
        assert.ok(['Synced', 'OutOfSync', 'Unknown'].includes(app.sync.status));
      }),
      { numRuns: 300 },
    );
  });

  it('maps an ApplicationSet from its conditions and lists generated apps', () => {
    const set = mapArgoApplicationSet('prod', F.APPLICATION_SET);
    assert.equal(set.role, 'generator');
    assert.equal(set.sync.status, 'Synced');
    assert.equal(set.health.status, 'Healthy');
    assert.deepEqual(set.resources.map((r) => r.name), ['in-cluster-guestbook']);
    const failing = mapArgoApplicationSet('prod', {
      metadata: { name: 's', namespace: 'argocd' },
      status: { conditions: [{ type: 'ErrorOccurred', status: 'True', reason: 'ApplicationGenerationFromParamsError', message: 'template error' }] },
    });
    assert.deepEqual(failing.health, { status: 'Degraded', message: 'template error' });
  });

  it('maps an AppProject as a grouping object', () => {
    const p = mapArgoAppProject('prod', F.APP_PROJECT);
    assert.equal(p.role, 'project');
    assert.equal(p.key, 'prod/argocd/AppProject/argocd/team-a');
    assert.deepEqual(p.sources, [{ repoURL: 'https://git.example.test/org/apps.git' }]);
  });
});
