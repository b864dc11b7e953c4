import * as assert from 'node:assert/strict';
import { mapArgoApplication } from '../../../../src/core/argocd/application';
import { mapFluxKustomization } from '../../../../src/core/flux/mapFlux';
import { FieldReader, GITOPS_KINDS, appKey, chooseServedVersion, gitOpsKind, healthRank, readConditions, shortRevision, watchedKinds } from '../../../../src/core/model/app';

describe('core/model/app', () => {
  it('lists every watched kind once, with every version Flux 2.x and Argo CD served, newest first', () => {
    const names = GITOPS_KINDS.map((k) => k.kind);
    assert.equal(new Set(names).size, names.length);
    assert.deepEqual(
      GITOPS_KINDS.map((k) => `${k.group} ${k.plural} ${k.versions.join(',')}`),
      [
        'argoproj.io applications v1alpha1',
        'argoproj.io applicationsets v1alpha1',
        'argoproj.io appprojects v1alpha1',
        'kustomize.toolkit.fluxcd.io kustomizations v1,v1beta2,v1beta1',
        'helm.toolkit.fluxcd.io helmreleases v2,v2beta2,v2beta1',
        'source.toolkit.fluxcd.io gitrepositories v1,v1beta2,v1beta1',
        'source.toolkit.fluxcd.io ocirepositories v1,v1beta2',
        'source.toolkit.fluxcd.io helmrepositories v1,v1beta2,v1beta1',
        'source.toolkit.fluxcd.io buckets v1,v1beta2,v1beta1',
        'source.toolkit.fluxcd.io helmcharts v1,v1beta2,v1beta1',
        'source.toolkit.fluxcd.io externalartifacts v1',
        'image.toolkit.fluxcd.io imagerepositories v1,v1beta2,v1beta1',
        'image.toolkit.fluxcd.io imagepolicies v1,v1beta2,v1beta1',
        'image.toolkit.fluxcd.io imageupdateautomations v1,v1beta2,v1beta1',
        'notification.toolkit.fluxcd.io alerts v1beta3,v1beta2,v1beta1',
        'notification.toolkit.fluxcd.io providers v1beta3,v1beta2,v1beta1',
        'notification.toolkit.fluxcd.io receivers v1,v1beta2,v1beta1',
      ],
    );
    for (const k of GITOPS_KINDS) assert.equal(k.version, k.versions[0], `${k.kind}.version is the newest`);
    assert.equal(gitOpsKind('HelmRelease')?.tool, 'flux');
    assert.equal(gitOpsKind('Deployment'), undefined);
  });

  it('chooses, per kind, the newest version the cluster serves', () => {
    // A Flux 2.2 cluster: HelmRelease v2beta2/v2beta1, OCIRepository v1beta2 only, HelmChart v1beta2.
    const served = new Set([
      'helm.toolkit.fluxcd.io/v2beta2/helmreleases',
      'helm.toolkit.fluxcd.io/v2beta1/helmreleases',
      'source.toolkit.fluxcd.io/v1beta2/ocirepositories',
      'source.toolkit.fluxcd.io/v1beta2/helmcharts',
      'source.toolkit.fluxcd.io/v1beta1/helmcharts',
      'source.toolkit.fluxcd.io/v1/gitrepositories',
      'source.toolkit.fluxcd.io/v1beta2/gitrepositories',
    ]);
    const is = (gv: string, plural: string) => served.has(`${gv}/${plural}`);
    assert.equal(chooseServedVersion(gitOpsKind('HelmRelease')!, is), 'v2beta2');
    assert.equal(chooseServedVersion(gitOpsKind('OCIRepository')!, is), 'v1beta2');
    assert.equal(chooseServedVersion(gitOpsKind('GitRepository')!, is), 'v1');
    assert.equal(chooseServedVersion(gitOpsKind('Kustomization')!, is), undefined);
    const { watched, absent } = watchedKinds(is);
    assert.deepEqual(
      watched.map((w) => `${w.kind.kind}@${w.version}`),
      ['HelmRelease@v2beta2', 'GitRepository@v1', 'OCIRepository@v1beta2', 'HelmChart@v1beta2'],
    );
    assert.ok(absent.includes('Kustomization') && absent.includes('Application') && !absent.includes('HelmChart'));
    // A version no Flux release served is not guessed at.
    assert.equal(chooseServedVersion(gitOpsKind('HelmRelease')!, (gv) => gv === 'helm.toolkit.fluxcd.io/v3'), undefined);
  });

  it('builds stable keys cluster/tool/kind/namespace/name', () => {
    assert.equal(appKey('prod', 'argocd', 'Application', 'argocd', 'guestbook'), 'prod/argocd/Application/argocd/guestbook');
  });

  const revisions: Array<[string, string]> = [
    ['main@sha1:a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', 'main@a1b2c3d'],
    ['refs/heads/feature/x@sha1:a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', 'refs/heads/feature/x@a1b2c3d'],
    ['v1.2.0@sha1:a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', 'v1.2.0@a1b2c3d'],
    ['sha1:a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', 'a1b2c3d'],
    ['latest@sha256:3b1f0a8c2d7e9f4b6a5c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1', 'latest@3b1f0a8'],
    ['sha256:8d1fa3b2c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f', '8d1fa3b'],
    ['main/a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', 'main@a1b2c3d'],
    ['a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', 'a1b2c3d'],
    ['6.5.4', '6.5.4'],
    ['6.5.4+a1b2c3d4e5f6', '6.5.4+a1b2c3d4e5f6'],
    ['user@example', 'user@example'],
  ];
  for (const [full, short] of revisions) {
    it(`shortens revision ${full.slice(0, 40)} → ${short}`, () => assert.equal(shortRevision(full), short));
  }

  it('orders health like Argo CD: Unknown worst, Healthy best', () => {
    const order = (['Healthy', 'Degraded', 'Unknown', 'Suspended', 'Missing', 'Progressing'] as const)
      .slice()
      .sort((a, b) => healthRank(a) - healthRank(b));
    assert.deepEqual(order, ['Unknown', 'Degraded', 'Missing', 'Progressing', 'Suspended', 'Healthy']);
  });

  it('records wrong field types as problems instead of throwing', () => {
    const r = new FieldReader();
    const status = { conditions: [{ type: 'Ready', status: 'Maybe' }, 'junk', { status: 'True' }], sync: 5 };
    const conds = readConditions(r, status);
    assert.equal(r.record(status, 'status.sync'), undefined);
    assert.deepEqual(conds.map((c) => [c.type, c.status]), [['Ready', 'Unknown']]);
    assert.deepEqual([...r.problems].sort(), [
      'status.conditions[0].status is "Maybe", expected True, False or Unknown',
      'status.conditions[1] is string "junk", expected an object',
      'status.conditions[2].type is missing',
      'status.sync is number 5, expected an object',
    ]);
  });

  it("names the list item's field in a problem of a mapped object (fields of list items read without building their path, issue 18)", () => {
    const meta = { name: 'web', namespace: 'argocd' };
    const argo = mapArgoApplication('c', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: meta,
      spec: { source: { repoURL: 'https://git.example.test/r.git', path: 'web' }, destination: { namespace: 'web' } },
      status: {
        resources: [{ kind: 'Service', name: 'web', health: 'Healthy' }, { kind: 5, name: 'db', requiresPruning: 'yes', health: { status: 7 } }],
        history: [{ revision: 8, deployedAt: '2026-01-01T00:00:00Z' }],
      },
    });
    assert.deepEqual(
      argo.problems.filter((p) => p.startsWith('status.')).sort(),
      [
        'status.history[0].revision is number 8, expected a string',
        'status.resources[0].health is string "Healthy", expected an object',
        'status.resources[1].health.status is number 7, expected a string',
        'status.resources[1].kind is number 5, expected a string',
        'status.resources[1].requiresPruning is string "yes", expected a boolean',
      ],
    );
    assert.deepEqual(argo.resources.map((r) => [r.kind, r.name, r.requiresPruning]), [['Service', 'web', false], ['', 'db', false]]);
    const ks = mapFluxKustomization('c', {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'apps', namespace: 'flux-system' },
      spec: { sourceRef: { kind: 'GitRepository', name: 'fleet' }, path: './apps' },
      status: { inventory: { entries: [{ id: 5, v: 'v1' }, { id: 'default_web_apps_Deployment', v: 1 }] } },
    });
    assert.deepEqual(ks.problems.filter((p) => p.startsWith('status.')).sort(), [
      'status.inventory.entries[0].id is missing',
      'status.inventory.entries[0].id is number 5, expected a string',
      'status.inventory.entries[1].v is number 1, expected a string',
    ]);
  });
});
