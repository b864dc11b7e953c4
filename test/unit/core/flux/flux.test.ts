import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatInventoryId, parseInventoryId } from '../../../../src/core/flux/inventory';
import { mapFluxHelmRelease, mapFluxKustomization, mapFluxSource } from '../../../../src/core/flux/mapFlux';
import { fluxHealth, sameRevision, type SourceArtifact, type SourceLookup } from '../../../../src/core/flux/status';
import { compareObjects } from '../../../../src/core/drift/compare';
import { ignoreSpecsOf, rulesFor } from '../../../../src/core/drift/ignore';
import { builtinListKeys } from '../../../../src/core/drift/listKeys';
import type { Condition } from '../../../../src/core/model/app';
import * as F from '../../../fixtures/gitops/flux';

const sources = (m: Record<string, string | undefined>): SourceLookup => (ref) =>
  (ref in m ? { found: true, revision: m[ref] } : { found: false }) satisfies SourceArtifact;

describe('core/flux/inventory', () => {
  const cases: Array<[string, string, string, string, string]> = [
    ['podinfo_podinfo_apps_Deployment', 'podinfo', 'podinfo', 'apps', 'Deployment'],
    ['default_podinfo__Service', 'default', 'podinfo', '', 'Service'],
    ['_flux-system__Namespace', '', 'flux-system', '', 'Namespace'],
    ['_system__podinfo__reader_rbac.authorization.k8s.io_ClusterRole', '', 'system:podinfo:reader', 'rbac.authorization.k8s.io', 'ClusterRole'],
    ['_podinfos.example.com_apiextensions.k8s.io_CustomResourceDefinition', '', 'podinfos.example.com', 'apiextensions.k8s.io', 'CustomResourceDefinition'],
  ];
  for (const [id, namespace, name, group, kind] of cases) {
    it(`parses ${id}`, () => {
      assert.deepEqual(parseInventoryId(id, 'v1'), { ok: true, ref: { namespace, name, group, kind, version: 'v1' } });
      assert.equal(formatInventoryId({ namespace, name, group, kind }), id);
    });
  }

  it('rejects ids with too few or too many fields, without throwing', () => {
    for (const bad of ['', 'nounderscore', 'a_b', 'ns_a_b_c_apps_Deployment', 'ns___apps_Deployment']) {
      const r = parseInventoryId(bad);
      assert.equal(r.ok, false, bad);
    }
  });

  it('round-trips any DNS-1123 name and RBAC name with colons', () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
    fc.assert(
      fc.property(fc.option(label, { nil: '' }), fc.array(label, { minLength: 1, maxLength: 3 }), fc.boolean(), (ns, parts, rbac) => {
        const ref = rbac
          ? { namespace: ns, name: parts.join(':'), group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' }
          : { namespace: ns, name: parts.join('.'), group: 'apps', kind: 'Deployment' };
        assert.deepEqual(parseInventoryId(formatInventoryId(ref)), { ok: true, ref: { ...ref, version: undefined } });
      }),
    );
  });
});

describe('core/flux/status', () => {
  it('compares revisions by digest, or by ref when one side has none', () => {
    assert.ok(sameRevision(F.REV, `sha1:${F.GIT_SHA}`));
    assert.ok(sameRevision(F.REV, `main/${F.GIT_SHA}`));
    assert.ok(!sameRevision(F.REV, F.REV_NEW));
    assert.ok(sameRevision('1.14.4', '1.14.4@sha256:3b1f0a8c'));
    assert.ok(!sameRevision('1.14.3', '1.14.4@sha256:3b1f0a8c'));
    assert.ok(!sameRevision('6.5.4', '6.5.3'));
  });

  const c = (type: string, status: Condition['status'], reason: string, message = '', observedGeneration?: number): Condition => ({ type, status, reason, message, observedGeneration });
  // The table in README.md ("How Flux status maps to sync and health"), row by row.
  const rows: Array<[string, Condition[], boolean, number | undefined, string, RegExp]> = [
    ['suspended wins', [c('Ready', 'False', 'BuildFailed', 'x')], true, 1, 'Suspended', /suspended/],
    ['no conditions', [], false, 1, 'Unknown', /not reconciled/],
    ['Stalled=True', [c('Ready', 'False', 'InvalidPath', 'p'), c('Stalled', 'True', 'InvalidPath', 'path not found')], false, 1, 'Degraded', /^Stalled, InvalidPath: path not found/],
    ['no Ready, Reconciling', [c('Reconciling', 'True', 'Progressing', 'working')], false, 1, 'Progressing', /working/],
    ['no Ready', [c('Healthy', 'True', 'Succeeded')], false, 1, 'Unknown', /no Ready condition/],
    ['Ready for an older generation', [c('Ready', 'True', 'ReconciliationSucceeded', 'ok', 1)], false, 2, 'Progressing', /generation 2/],
    ['Ready=True', [c('Ready', 'True', 'ReconciliationSucceeded', 'Applied revision: x', 2)], false, 2, 'Healthy', /Applied/],
    ['DependencyNotReady', [c('Ready', 'False', 'DependencyNotReady', "dependency 'a/b' is not ready")], false, 1, 'Progressing', /^DependencyNotReady/],
    ['failure being retried', [c('Ready', 'False', 'UpgradeFailed', 'boom'), c('Reconciling', 'True', 'ProgressingWithRetry', '')], false, 1, 'Degraded', /boom \(retrying\)$/],
    ['Ready=False', [c('Ready', 'False', 'HealthCheckFailed', 'timeout')], false, 1, 'Degraded', /^HealthCheckFailed: timeout$/],
    ['Ready=Unknown', [c('Ready', 'Unknown', 'Progressing', 'Reconciliation in progress')], false, 1, 'Progressing', /in progress/],
  ];
  for (const [label, conds, suspended, generation, status, message] of rows) {
    it(`health: ${label} → ${status}`, () => {
      const h = fluxHealth(conds, suspended, generation);
      assert.equal(h.status, status);
      assert.match(h.message ?? '', message);
    });
  }
});

describe('core/flux/mapFlux', () => {
  const FLEET = 'GitRepository/flux-system/fleet';

  it('Kustomization ready and applied at the source revision → Synced/Healthy', () => {
    const app = mapFluxKustomization('prod', F.KS_READY, sources({ [FLEET]: F.REV }));
    assert.equal(app.key, 'prod/flux/Kustomization/flux-system/podinfo');
    assert.deepEqual([app.sync.status, app.health.status], ['Synced', 'Healthy']);
    assert.equal(app.revision, `main@${F.GIT_SHA.slice(0, 7)}`);
    assert.equal(app.lastReconciled, '2025-05-04T10:00:00Z');
    assert.deepEqual(app.sources, [{ ref: FLEET, path: './apps/podinfo', targetRevision: F.REV }]);
    assert.deepEqual(app.destination, { namespace: 'podinfo' });
    assert.equal(app.resourceHealth.kind, 'unavailable');
    assert.deepEqual(app.problems, []);
  });

  it('Kustomization inventory becomes managed resources, RBAC colons restored', () => {
    const app = mapFluxKustomization('prod', F.KS_READY);
    assert.deepEqual(
      app.resources.map((r) => `${r.group}/${r.version}/${r.kind}/${r.namespace}/${r.name}`),
      ['/v1/Namespace//podinfo', '/v1/Service/podinfo/podinfo', 'apps/v1/Deployment/podinfo/podinfo', 'autoscaling/v2/HorizontalPodAutoscaler/podinfo/podinfo', 'rbac.authorization.k8s.io/v1/ClusterRole//system:podinfo:reader'],
    );
    assert.ok(app.resources.every((r) => r.sync === undefined && r.health === undefined));
  });

  it('Kustomization behind a newer source revision → OutOfSync', () => {
    const app = mapFluxKustomization('prod', F.KS_READY, sources({ [FLEET]: F.REV_NEW }));
    assert.equal(app.sync.status, 'OutOfSync');
    assert.match(app.message ?? '', /source GitRepository\/flux-system\/fleet is at main@sha1:9c8b/);
  });

  it('Kustomization whose source is not observed falls back to its own conditions', () => {
    assert.deepEqual(mapFluxKustomization('prod', F.KS_READY).sync.status, 'Synced');
    const failing = mapFluxKustomization('prod', F.KS_NOT_READY);
    assert.equal(failing.sync.status, 'OutOfSync');
    assert.match(failing.sync.status === 'OutOfSync' ? failing.sync.reason : '', /attempted but main@sha1:5f3a.* is applied/);
    assert.equal(mapFluxKustomization('prod', F.KS_STALLED).sync.status, 'Unknown');
  });

  // The source is at REV except where the object attempted REV_NEW (the commit that broke the build).
  const states: Array<[string, unknown, string, string, RegExp]> = [
    ['not ready (build failed)', F.KS_NOT_READY, 'OutOfSync', 'Degraded', /^BuildFailed: kustomize build failed/],
    ['stalled', F.KS_STALLED, 'OutOfSync', 'Degraded', /^Stalled, InvalidPath/],
    ['reconciling', F.KS_RECONCILING, 'Synced', 'Progressing', /Detecting drift/],
    ['suspended', F.KS_SUSPENDED, 'Synced', 'Suspended', /suspended/],
    ['dependency not ready', F.KS_DEPENDENCY_NOT_READY, 'OutOfSync', 'Progressing', /dependency 'flux-system\/infra' is not ready/],
    ['stale generation', F.KS_STALE_GENERATION, 'Synced', 'Progressing', /generation 3/],
  ];
  for (const [label, obj, sync, health, message] of states) {
    it(`Kustomization ${label} → ${sync}/${health}`, () => {
      const at = obj === F.KS_NOT_READY ? F.REV_NEW : F.REV;
      const app = mapFluxKustomization('prod', obj, sources({ [FLEET]: at }));
      assert.deepEqual([app.sync.status, app.health.status], [sync, health]);
      assert.match(app.message ?? '', message);
    });
  }

  it('Kustomization suspended flag is set from spec.suspend', () => {
    assert.equal(mapFluxKustomization('prod', F.KS_SUSPENDED).suspended, true);
    assert.equal(mapFluxKustomization('prod', F.KS_READY).suspended, false);
  });

  const CHART = (name: string) => `HelmChart/flux-system/apps-${name}`;

  it('HelmRelease ready: applied chart version from history, joined with its HelmChart', () => {
    const app = mapFluxHelmRelease('prod', F.HR_READY, sources({ [CHART('podinfo')]: '6.5.4' }));
    assert.deepEqual([app.sync.status, app.health.status], ['Synced', 'Healthy']);
    assert.equal(app.revision, '6.5.4');
    assert.equal(app.lastReconciled, '2025-05-02T10:00:00Z');
    assert.deepEqual(app.sources, [{ ref: CHART('podinfo'), chart: 'podinfo', targetRevision: '>=6.0.0' }]);
    const behind = mapFluxHelmRelease('prod', F.HR_READY, sources({ [CHART('podinfo')]: '6.6.0' }));
    assert.deepEqual(behind.sync, { status: 'OutOfSync', reason: 'applied 6.5.4, source HelmChart/flux-system/apps-podinfo is at 6.6.0' });
  });

  it('HelmRelease install failed (retries exhausted) → OutOfSync/Degraded', () => {
    const app = mapFluxHelmRelease('prod', F.HR_INSTALL_FAILED, sources({ [CHART('redis')]: '18.4.0' }));
    assert.equal(app.sync.status, 'OutOfSync');
    assert.match(app.sync.status === 'OutOfSync' ? app.sync.reason : '', /nothing applied yet/);
    // Stalled says retries ran out; Ready says why, as `flux get helmreleases` shows it.
    assert.deepEqual(app.health, {
      status: 'Degraded',
      message:
        'Stalled, RetriesExceeded: Failed to install after 4 attempt(s); InstallFailed: Helm install failed for release apps/redis with chart redis@18.4.0: context deadline exceeded',
    });
    // Nothing is deployed; the revision shown is the newest snapshot's, as `flux get helmreleases` shows it.
    assert.equal(app.revision, '18.4.0');
  });

  it('HelmRelease upgrade retrying → OutOfSync/Degraded, still running the last deployed version', () => {
    const app = mapFluxHelmRelease('prod', F.HR_UPGRADE_RETRYING, sources({ [CHART('api')]: '2.1.0' }));
    assert.equal(app.revision, '2.0.0');
    assert.equal(app.sync.status, 'OutOfSync');
    assert.equal(app.health.status, 'Degraded');
    assert.match(app.message ?? '', /^UpgradeFailed: Helm upgrade failed .* \(retrying\)$/);
  });

  it('HelmRelease with chartRef joins the OCIRepository by version', () => {
    const ref = 'OCIRepository/flux-system/cert-manager';
    const app = mapFluxHelmRelease('prod', F.HR_CHART_REF, sources({ [ref]: '1.14.4@sha256:3b1f0a8c2d7e9f4b6a5c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1' }));
    assert.equal(app.sources[0]!.ref, ref);
    assert.deepEqual([app.sync.status, app.health.status], ['Synced', 'Healthy']);
  });

  it('HelmRelease without status.helmChart derives the HelmChart name <namespace>-<name>', () => {
    const obj = structuredClone(F.HR_READY) as { status: Record<string, unknown> };
    delete obj.status.helmChart;
    assert.equal(mapFluxHelmRelease('prod', obj).sources[0]!.ref, 'HelmChart/flux-system/apps-podinfo');
  });

  it('sources: revision from status.artifact, health from Ready', () => {
    const git = mapFluxSource('prod', 'GitRepository', F.GIT_REPOSITORY());
    assert.deepEqual([git.role, git.sync.status, git.health.status, git.fullRevision], ['source', 'Synced', 'Healthy', F.REV]);
    assert.equal(git.sources[0]!.targetRevision, 'main');
    assert.equal(git.sources[0]!.repoURL, 'ssh://git@git.example.test/org/fleet.git');
    const broken = mapFluxSource('prod', 'GitRepository', F.GIT_REPOSITORY_FAILING);
    assert.deepEqual([broken.sync.status, broken.health.status], ['Unknown', 'Degraded']);
    assert.match(broken.message ?? '', /^GitOperationFailed: failed to checkout/);
    assert.equal(mapFluxSource('prod', 'OCIRepository', F.OCI_REPOSITORY).revision, '1.14.4@3b1f0a8');
    assert.equal(mapFluxSource('prod', 'OCIRepository', F.OCI_REPOSITORY).sources[0]!.targetRevision, '1.14.x');
    assert.equal(mapFluxSource('prod', 'HelmRepository', F.HELM_REPOSITORY).revision, '4f1e2d3');
    assert.deepEqual(mapFluxSource('prod', 'HelmRepository', F.HELM_REPOSITORY_OCI).health.status, 'Healthy');
    assert.equal(mapFluxSource('prod', 'HelmChart', F.HELM_CHART('podinfo', '6.5.4')).sources[0]!.ref, 'HelmRepository/flux-system/charts');
    assert.equal(mapFluxSource('prod', 'Bucket', F.BUCKET).sources[0]!.repoURL, 'minio.example.test');
  });

  const withSpec = (obj: unknown, extra: Record<string, unknown>): unknown => {
    const o = structuredClone(obj) as { spec: Record<string, unknown> };
    Object.assign(o.spec, extra);
    return o;
  };
  const deploy = (name: string, replicas: number, annotations: Record<string, string> = {}) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'podinfo', labels: { app: name }, annotations },
    spec: { replicas, template: { spec: { containers: [{ name, image: 'podinfo:6.5.4' }] } } },
  });
  const driftOf = (specs: ReturnType<typeof ignoreSpecsOf>, d: Record<string, unknown>, l: Record<string, unknown>) => {
    const m = d.metadata as { name: string; namespace: string };
    const id = { apiVersion: d.apiVersion as string, kind: d.kind as string, name: m.name, namespace: m.namespace };
    return compareObjects(d, l, { listKeys: builtinListKeys({ group: 'apps', kind: 'Deployment' }), ignore: rulesFor(specs, id, l) }).map((f) => f.path);
  };

  it('HelmRelease keeps spec.driftDetection.ignore (helm-controller docs example) and the rules apply', () => {
    const app = mapFluxHelmRelease(
      'prod',
      withSpec(F.HR_READY, {
        driftDetection: {
          mode: 'enabled',
          ignore: [{ paths: ['/spec/replicas'], target: { kind: 'Deployment' } }, { paths: ['/metadata/annotations/injected'] }],
        },
      }),
    );
    assert.deepEqual(app.problems, []);
    assert.deepEqual(app.ignore, {
      tool: 'flux',
      where: 'spec.driftDetection.ignore',
      entries: [{ paths: ['/spec/replicas'], target: { kind: 'Deployment' } }, { paths: ['/metadata/annotations/injected'] }],
    });
    const specs = ignoreSpecsOf(app);
    assert.deepEqual(driftOf(specs, deploy('podinfo', 2, { injected: 'no' }), deploy('podinfo', 5, { injected: 'yes' })), []);
    assert.deepEqual(driftOf(specs, deploy('podinfo', 2), { ...deploy('podinfo', 5), metadata: { ...deploy('podinfo', 5).metadata, labels: { app: 'other' } } }), ['/metadata/labels/app']);
    // No driftDetection, no rules.
    assert.equal('ignore' in mapFluxHelmRelease('prod', F.HR_READY), false);
  });

  it('Kustomization keeps spec.ignore (kustomize-controller #1627), target by kind and label selector', () => {
    const app = mapFluxKustomization(
      'prod',
      withSpec(F.KS_READY, { ignore: [{ paths: ['/spec/replicas'], target: { kind: 'Deployment', labelSelector: 'app=podinfo' } }] }),
    );
    assert.deepEqual(app.problems, []);
    assert.deepEqual(app.ignore, { tool: 'flux', where: 'spec.ignore', entries: [{ paths: ['/spec/replicas'], target: { kind: 'Deployment', labelSelector: 'app=podinfo' } }] });
    const specs = ignoreSpecsOf(app);
    assert.deepEqual(driftOf(specs, deploy('podinfo', 2), deploy('podinfo', 5)), []);
    // The label selector is matched on the live object: another app's replicas still drift.
    assert.deepEqual(driftOf(specs, deploy('redis', 2), deploy('redis', 5)), ['/spec/replicas']);
    // The draft's field name is read too; spec.ignore wins when both are set.
    const draft = mapFluxKustomization('prod', withSpec(F.KS_READY, { driftIgnoreRules: [{ paths: ['/spec/paused'] }] }));
    assert.deepEqual(draft.ignore, { tool: 'flux', where: 'spec.driftIgnoreRules', entries: [{ paths: ['/spec/paused'] }] });
    assert.equal('ignore' in mapFluxKustomization('prod', F.KS_READY), false);
  });

  it('reports Flux ignore rules it cannot apply, under the rule\'s own path', () => {
    const app = mapFluxKustomization(
      'prod',
      withSpec(F.KS_READY, { ignore: ['x', { paths: ['spec/replicas', '/spec/paused'] }, { paths: ['/spec'], target: { labelSelector: 'env in (a,b)' } }] }),
    );
    assert.deepEqual(app.problems, [
      'spec.ignore[0] is string "x", expected an object',
      'spec.ignore[1].paths[0]: JSON pointer "spec/replicas" must start with "/"',
      'spec.ignore[2].target: only equality-based label/annotation selectors are supported',
    ]);
    assert.deepEqual(ignoreSpecsOf(app).map((sp) => sp.rules.length), [1]);
  });

  it('is total over arbitrary input', () => {
    fc.assert(
      fc.property(fc.anything(), (obj) => {
        for (const app of [mapFluxKustomization('c', obj), mapFluxHelmRelease('c', obj), mapFluxSource('c', 'Bucket', obj)]) {
          assert.ok(['Synced', 'OutOfSync', 'Unknown'].includes(app.sync.status));
        }
      }),
      { numRuns: 300 },
    );
    const bad = mapFluxKustomization('c', { metadata: { name: 'k' }, spec: { sourceRef: 'x' }, status: { inventory: { entries: [{ id: 'nope' }, 3] } } });
    assert.deepEqual([...bad.problems].sort(), [
      'inventory id "nope" has no "_" separator',
      'spec.sourceRef is missing',
      'spec.sourceRef is string "x", expected an object',
      'status.inventory.entries[1] is number 3, expected an object',
    ]);
    assert.equal(bad.sync.status, 'Unknown');
  });
});
