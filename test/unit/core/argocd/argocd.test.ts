import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { mapArgoAppProject, mapArgoApplication, mapArgoApplicationSet } from '../../../../src/core/argocd/application';
import { parse } from 'yaml';
import { compareObjects } from '../../../../src/core/drift/compare';
import { ignoreSpecsOf, rulesFor } from '../../../../src/core/drift/ignore';
import { builtinListKeys } from '../../../../src/core/drift/listKeys';
import * as F from '../../../fixtures/gitops/argocd';

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
    // The tracked ref and the short commit, as Flux revisions read (`main@5f3ae2b`).
    assert.equal(app.revision, `main@${SHORT}`);
    assert.equal(app.fullRevision, F.ARGO_SHA);
    assert.equal(app.lastReconciled, '2025-05-04T10:00:00Z');
    assert.deepEqual(app.sources, [
      { repoURL: 'https://git.example.test/org/apps.git', path: 'apps/guestbook', targetRevision: 'main', chart: undefined, revision: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' },
    ]);
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

  it('shows the revision as <ref>@<short sha> like Flux: HEAD when no targetRevision, the commit alone when pinned', () => {
    const withSource = (source: Record<string, unknown>) => {
      const o = structuredClone(F.ARGO2_SYNCED_HEALTHY) as { spec: Record<string, unknown> };
      o.spec.source = source;
      return mapArgoApplication('prod', o).revision;
    };
    assert.equal(withSource({ repoURL: 'https://git.example.test/org/apps.git', path: 'apps/guestbook' }), `HEAD@${SHORT}`);
    assert.equal(withSource({ repoURL: 'https://git.example.test/org/apps.git', path: 'apps/guestbook', targetRevision: 'v1.4.0' }), `v1.4.0@${SHORT}`);
    assert.equal(withSource({ repoURL: 'https://git.example.test/org/apps.git', path: 'apps/guestbook', targetRevision: F.ARGO_SHA.slice(0, 12) }), SHORT);
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

  // The Application of Argo CD's diffing docs (user-guide/diffing.md, "Application Level Configuration").
  const WITH_IGNORE = parse(`apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: guestbook, namespace: argocd}
spec:
  project: default
  source: {repoURL: https://git.example.test/org/apps.git, path: apps/guestbook, targetRevision: main}
  destination: {server: https://kubernetes.default.svc, namespace: guestbook}
  ignoreDifferences:
  - group: apps
    kind: Deployment
    jsonPointers:
    - /spec/replicas
  - kind: ConfigMap
    jqPathExpressions:
    - '.data["config.yaml"].auth'
  - group: "*"
    kind: "*"
    managedFieldsManagers:
    - kube-controller-manager
  - group: apps
    kind: Deployment
    name: guestbook
    namespace: default
    jqPathExpressions:
    - .spec.template.spec.initContainers[] | select(.name == "injected-init-container")
`) as unknown;

  it('keeps spec.ignoreDifferences as written (docs example), absent lists empty', () => {
    const app = mapArgoApplication('prod', WITH_IGNORE);
    assert.deepEqual(app.problems, []);
    assert.deepEqual(app.ignore, {
      tool: 'argocd',
      where: 'spec.ignoreDifferences',
      entries: [
        { group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'], jqPathExpressions: [], managedFieldsManagers: [] },
        { kind: 'ConfigMap', jsonPointers: [], jqPathExpressions: ['.data["config.yaml"].auth'], managedFieldsManagers: [] },
        { group: '*', kind: '*', jsonPointers: [], jqPathExpressions: [], managedFieldsManagers: ['kube-controller-manager'] },
        {
          group: 'apps',
          kind: 'Deployment',
          name: 'guestbook',
          namespace: 'default',
          jsonPointers: [],
          jqPathExpressions: ['.spec.template.spec.initContainers[] | select(.name == "injected-init-container")'],
          managedFieldsManagers: [],
        },
      ],
    });
    // An Application without the field carries none (and AppStore's JSON comparison sees no new key).
    assert.equal('ignore' in mapArgoApplication('prod', F.ARGO2_SYNCED_HEALTHY), false);
  });

  it('the kept rules hide the fields they name and nothing else', () => {
    const specs = ignoreSpecsOf(mapArgoApplication('prod', WITH_IGNORE));
    assert.equal(specs.length, 4);
    const keys = builtinListKeys({ group: 'apps', kind: 'Deployment' });
    const deploy = (replicas: number, image: string) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'guestbook' },
      spec: { replicas, template: { spec: { containers: [{ name: 'web', image }] } } },
    });
    const id = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'guestbook' };
    const paths = (d: Record<string, unknown>, l: Record<string, unknown>) => compareObjects(d, l, { listKeys: keys, ignore: rulesFor(specs, id, l) }).map((f) => f.path);
    assert.deepEqual(paths(deploy(1, 'web:1'), deploy(4, 'web:1')), []);
    assert.deepEqual(paths(deploy(1, 'web:1'), deploy(4, 'web:2')), ['/spec/template/spec/containers/0/image']);
    // A ConfigMap's `.data["config.yaml"]` is a string: jq's `.auth` on it cannot match; the key itself is not hidden.
    const cm = (v: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'guestbook' }, data: { 'config.yaml': v, other: 'x' } });
    const cmId = { apiVersion: 'v1', kind: 'ConfigMap', name: 'c', namespace: 'guestbook' };
    assert.deepEqual(compareObjects(cm('a'), cm('b'), { listKeys: keys, ignore: rulesFor(specs, cmId, cm('b')) }).map((f) => f.path), ['/data/config.yaml']);
    // The same parsed specs are returned for the same mapped app (parsed once, not per comparison).
    const app = mapArgoApplication('prod', WITH_IGNORE);
    assert.equal(ignoreSpecsOf(app), ignoreSpecsOf(app));
  });

  it('reports ignoreDifferences entries it cannot apply, keeping the rest', () => {
    const obj = parse(`metadata: {name: a, namespace: argocd}
spec:
  ignoreDifferences:
  - group: apps
    jsonPointers: [/spec/replicas]
  - kind: Deployment
    jsonPointers: [spec/replicas]
    jqPathExpressions: ['.spec | del(.replicas)', .spec.paused]
  - 7
`) as unknown;
    const app = mapArgoApplication('prod', obj);
    assert.deepEqual(app.problems, [
      'spec.ignoreDifferences[2] is number 7, expected an object',
      'spec.ignoreDifferences[0].kind is missing',
      'spec.ignoreDifferences[1].jsonPointers[0]: JSON pointer "spec/replicas" must start with "/"',
      'spec.ignoreDifferences[1].jqPathExpressions[0]: unsupported jqPathExpression ".spec | del(.replicas)": "del(.replicas)" is not a path; supported: .a.b, ."key", ["key"], [], [N], | select(.f == "v"), | .path',
    ]);
    assert.equal(app.ignore?.entries.length, 1);
    assert.equal(ignoreSpecsOf(app)[0]?.rules.length, 1, 'only .spec.paused is usable');
  });

  it('maps an AppProject as a grouping object', () => {
    const p = mapArgoAppProject('prod', F.APP_PROJECT);
    assert.equal(p.role, 'project');
    assert.equal(p.key, 'prod/argocd/AppProject/argocd/team-a');
    assert.deepEqual(p.sources, [{ repoURL: 'https://git.example.test/org/apps.git' }]);
  });
});
