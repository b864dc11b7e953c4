/**
 * Every Flux kind at every API version Flux 2.x served maps to the same app: same sync, health, revision
 * and sources, and the AppStore joins a Kustomization or HelmRelease to its source whatever version
 * either was read at. Objects: test/fixtures/gitops/fluxVersions.ts (shaped per controller release).
 */
import * as assert from 'node:assert/strict';
import type { App, GitOpsKindName } from '../../../../src/core/model/app';
import type { Clock } from '../../../../src/core/ports';
import { AppStore } from '../../../../src/core/store/appStore';
import * as V from '../../../fixtures/gitops/fluxVersions';

const clock: Clock = { now: () => 0, setTimeout: () => ({ dispose: () => undefined }) };

/** Maps objects through a fresh AppStore, each kind as one SYNC (what the informer pool delivers). */
function mapAll(objects: ReadonlyArray<readonly [GitOpsKindName, unknown]>): Map<string, App> {
  const store = new AppStore(clock);
  const byKind = new Map<GitOpsKindName, unknown[]>();
  for (const [kind, obj] of objects) byKind.set(kind, [...(byKind.get(kind) ?? []), obj]);
  store.applyAll('prod', [...byKind].map(([kind, list]) => ({ type: 'SYNC' as const, kind, objects: list })));
  return new Map(store.all().map((a) => [`${a.kind}/${a.name}`, a]));
}

/** What must not depend on the version: the state a person reads. */
function state(a: App | undefined) {
  assert.ok(a, 'app mapped');
  const image =
    a.image?.kind === 'policy'
      ? { selected: a.image.selected, previous: a.image.previous, repository: a.image.repository, policy: a.image.policy }
      : a.image?.kind === 'repository'
        ? { image: a.image.image, tagCount: a.image.tagCount, scannedAt: a.image.scannedAt }
        : a.image?.kind === 'update'
          ? { source: a.image.source, checkoutBranch: a.image.checkoutBranch, pushBranch: a.image.pushBranch, lastPushCommit: a.image.lastPushCommit, path: a.image.path }
          : undefined;
  return {
    key: a.key,
    role: a.role,
    sync: a.sync,
    health: a.health.status,
    suspended: a.suspended,
    revision: a.revision,
    fullRevision: a.fullRevision,
    sources: a.sources,
    lastReconciled: a.lastReconciled,
    image,
    notification: a.notification,
    problems: a.problems,
  };
}

function sameAtEveryVersion(kind: string, versions: readonly string[], build: (v: string) => ReadonlyArray<readonly [GitOpsKindName, unknown]>, name: string) {
  const [first, ...rest] = versions;
  const baseline = mapAll(build(first!)).get(`${kind}/${name}`);
  assert.equal(baseline?.apiVersion?.endsWith(`/${first}`), true, `${kind} read at ${first}`);
  for (const v of rest) {
    const app = mapAll(build(v)).get(`${kind}/${name}`);
    assert.equal(app?.apiVersion?.endsWith(`/${v}`), true, `${kind} read at ${v}`);
    assert.deepEqual(state(app), state(baseline), `${kind} at ${v} maps as at ${first}`);
  }
  return baseline!;
}

describe('Flux at every served version', () => {
  it('GitRepository, OCIRepository, HelmRepository, HelmChart, Bucket (v1, v1beta2)', () => {
    const git = sameAtEveryVersion('GitRepository', V.SOURCE_VERSIONS, (v) => [['GitRepository', V.gitRepository(v)]], 'fleet');
    assert.deepEqual([git.sync.status, git.health.status, git.revision], ['Synced', 'Healthy', 'main@5f3ae2b']);
    const oci = sameAtEveryVersion('OCIRepository', V.SOURCE_VERSIONS, (v) => [['OCIRepository', V.ociRepository(v)]], 'cert-manager');
    assert.deepEqual([oci.sync.status, oci.health.status, oci.revision], ['Synced', 'Healthy', '1.14.4@3b1f0a8']);
    // verify: the SourceVerified condition is kept for the tooltip.
    assert.deepEqual(oci.conditions?.find((c) => c.type === 'SourceVerified')?.status, 'True');
    sameAtEveryVersion('HelmRepository', V.SOURCE_VERSIONS, (v) => [['HelmRepository', V.helmRepository(v)]], 'charts');
    const chart = sameAtEveryVersion('HelmChart', V.SOURCE_VERSIONS, (v) => [['HelmChart', V.helmChart(v)]], 'apps-podinfo');
    assert.equal(chart.revision, '6.5.4');
    const bucket = sameAtEveryVersion('Bucket', V.SOURCE_VERSIONS, (v) => [['Bucket', V.bucket(v)]], 'manifests');
    assert.deepEqual([bucket.sync.status, bucket.revision, bucket.sources[0]?.repoURL, bucket.sources[0]?.path], ['Synced', '8d1fa3b', 'minio.example.test', 'manifests']);
  });

  it('Kustomization (v1, v1beta2) joined to its GitRepository at either version', () => {
    for (const gv of V.SOURCE_VERSIONS) {
      const ks = sameAtEveryVersion('Kustomization', V.KUSTOMIZATION_VERSIONS, (v) => [['GitRepository', V.gitRepository(gv)], ['Kustomization', V.kustomization(v)]], 'podinfo');
      assert.deepEqual(ks.sync, { status: 'Synced' }, `joined with GitRepository ${gv}`);
      assert.equal(ks.sources[0]?.targetRevision, V.REV);
    }
  });

  it('HelmRelease (v2, v2beta2, v2beta1) joined to its HelmChart at either version', () => {
    for (const cv of V.SOURCE_VERSIONS) {
      const hr = sameAtEveryVersion('HelmRelease', V.HELM_RELEASE_VERSIONS, (v) => [['HelmChart', V.helmChart(cv)], ['HelmRelease', V.helmRelease(v)]], 'podinfo');
      assert.deepEqual([hr.sync, hr.health.status, hr.revision], [{ status: 'Synced' }, 'Healthy', '6.5.4']);
    }
  });

  it('HelmRelease of an OCIRepository chart (v2, v2beta2): version 1.14.4+<digest> matches the artifact digest', () => {
    for (const ov of V.SOURCE_VERSIONS) {
      const hr = sameAtEveryVersion('HelmRelease', ['v2', 'v2beta2'], (v) => [['OCIRepository', V.ociRepository(ov)], ['HelmRelease', V.helmReleaseFromOci(v as 'v2')]], 'cert-manager');
      assert.deepEqual(hr.sync, { status: 'Synced' });
      assert.equal(hr.revision, `1.14.4+${V.DIGEST12}`);
    }
    // The OCIRepository moves to a new digest of the same tag (a re-pushed chart): OutOfSync until released.
    const moved = structuredClone(V.ociRepository('v1')) as { status: { artifact: { revision: string } } };
    moved.status.artifact.revision = `1.14.4@sha256:${'e'.repeat(64)}`;
    const hr = mapAll([['OCIRepository', moved], ['HelmRelease', V.helmReleaseFromOci('v2')]]).get('HelmRelease/cert-manager');
    assert.equal(hr?.sync.status, 'OutOfSync');
  });

  it('ImageRepository, ImagePolicy, ImageUpdateAutomation (v1, v1beta2, v1beta1) and every ImagePolicy status shape', () => {
    const repo = sameAtEveryVersion('ImageRepository', V.IMAGE_VERSIONS, (v) => [['ImageRepository', V.imageRepository(v)]], 'podinfo');
    assert.deepEqual([repo.role, repo.sync.status, repo.revision], ['source', 'Synced', '42 tags']);
    const shapes: Array<[string, 'latestImage' | 'both' | 'latestRef']> = [
      ['v1', 'latestRef'],
      ['v1beta2', 'both'],
      ['v1beta2', 'latestImage'],
      ['v1beta1', 'latestImage'],
    ];
    const policies = shapes.map(([v, shape]) => mapAll([['ImagePolicy', V.imagePolicy(v, shape)]]).get('ImagePolicy/podinfo'));
    for (const p of policies) assert.deepEqual(state(p), state(policies[0]));
    const p = policies[0]!;
    assert.deepEqual(p.image, {
      kind: 'policy',
      selected: { name: 'ghcr.io/stefanprodan/podinfo', tag: '6.5.4' },
      previous: { name: 'ghcr.io/stefanprodan/podinfo', tag: '6.5.3' },
      repository: 'ImageRepository/flux-system/podinfo',
      policy: 'semver >=6.0.0',
    });
    assert.deepEqual([p.revision, p.fullRevision], ['6.5.4', 'ghcr.io/stefanprodan/podinfo:6.5.4']);
    // A later lens asks which policies select an image it finds in a manifest.
    const store = new AppStore(clock);
    store.applyAll('prod', [{ type: 'SYNC', kind: 'ImagePolicy', objects: [V.imagePolicy('v1beta2', 'latestImage')] }]);
    store.applyAll('stage', [{ type: 'SYNC', kind: 'ImagePolicy', objects: [V.imagePolicy('v1', 'latestRef')] }]);
    assert.deepEqual(store.policiesForImage('ghcr.io/stefanprodan/podinfo').map((a) => a.key), ['prod/flux/ImagePolicy/flux-system/podinfo', 'stage/flux/ImagePolicy/flux-system/podinfo']);
    assert.deepEqual(store.policiesForImage('ghcr.io/stefanprodan/podinfo', 'stage').length, 1);
    assert.deepEqual(store.policiesForImage('ghcr.io/stefanprodan/other'), []);
    const iua = sameAtEveryVersion('ImageUpdateAutomation', V.IMAGE_VERSIONS, (v) => [['ImageUpdateAutomation', V.imageUpdateAutomation(v)]], 'fleet');
    assert.deepEqual([iua.role, iua.sync.status, iua.revision, iua.sources[0]?.ref], ['automation', 'Synced', '9c8b7a6', 'GitRepository/flux-system/fleet']);
    const v1 = mapAll([['ImageUpdateAutomation', V.imageUpdateAutomation('v1')]]).get('ImageUpdateAutomation/fleet');
    assert.deepEqual(v1?.image?.kind === 'update' ? v1.image.policies : undefined, { podinfo: { name: 'ghcr.io/stefanprodan/podinfo', tag: '6.5.4' } });
  });

  it('Alert, Provider (v1beta3 static, v1beta2/v1beta1 reconciled) and Receiver (v1, v1beta2, v1beta1)', () => {
    const alert = sameAtEveryVersion('Alert', V.NOTIFICATION_VERSIONS, (v) => [['Alert', V.alert(v)]], 'on-call');
    assert.deepEqual([alert.role, alert.sync.status, alert.health.status], ['notification', 'Synced', 'Healthy']);
    assert.deepEqual(alert.notification, {
      kind: 'alert',
      provider: 'Provider/flux-system/slack',
      severity: 'error',
      eventSources: [
        { kind: 'Kustomization', namespace: 'flux-system', name: '*' },
        { kind: 'HelmRelease', namespace: 'apps', name: 'podinfo' },
      ],
    });
    const provider = sameAtEveryVersion('Provider', V.NOTIFICATION_VERSIONS, (v) => [['Provider', V.provider(v)]], 'slack');
    // Only the host of the address: a Slack webhook URL carries its token in the path.
    assert.deepEqual(provider.notification, { kind: 'provider', type: 'slack', channel: 'on-call', host: 'hooks.slack.example.test' });
    assert.ok(!JSON.stringify(provider).includes('s3cr3t'));
    const receiver = sameAtEveryVersion('Receiver', V.RECEIVER_VERSIONS, (v) => [['Receiver', V.receiver(v)]], 'github');
    assert.deepEqual(receiver.notification, { kind: 'receiver', type: 'github', events: ['ping', 'push'], resources: [{ kind: 'GitRepository', namespace: 'flux-system', name: 'fleet' }] });
    // The webhook path is the credential of a generic receiver: not kept anywhere in the app.
    assert.ok(!JSON.stringify(receiver).includes(V.WEBHOOK_PATH.slice(6)), JSON.stringify(receiver));
    assert.equal(receiver.message, 'Receiver initialized for path: /hook/…');
  });

  it('an Alert at v1beta2 without conditions is waiting to be reconciled, as on a Flux 2.0 cluster', () => {
    const fresh = structuredClone(V.alert('v1beta2')) as { status?: unknown };
    delete fresh.status;
    const a = mapAll([['Alert', fresh]]).get('Alert/on-call');
    assert.equal(a?.health.status, 'Unknown');
  });
});
