/**
 * The informer pool against a simulated cluster that serves Flux's CRDs as an older Flux release does
 * (test/fixtures/sim/fluxEras.ts): every kind is listed at the newest version that cluster serves, no
 * request goes to a version it does not serve, and every object reaches the AppStore in its state.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { GITOPS_KINDS, type App } from '../../../../src/core/model/app';
import type { Clock, ClusterConnectionEvent } from '../../../../src/core/ports';
import { AppStore } from '../../../../src/core/store/appStore';
import { InformerPool } from '../../../../src/infra/k8s/informerPool';
import { startSimCluster } from '../../../sim/k8s/cluster';
import type { KubeObject } from '../../../sim/k8s/types';
import * as V from '../../../fixtures/gitops/fluxVersions';
import { fluxCrds, storageVersions, type FluxEra } from '../../../fixtures/sim/fluxEras';
import { recordingLogger } from '../../../support/fakes';
import { REPO_ROOT } from '../../../support/paths';
import { seedable } from '../../../support/simObjects';
import { waitFor } from '../../../support/waitFor';

const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return { dispose: () => clearTimeout(t) };
  },
};

/** One object of every Flux kind, written at the version the era stores it in. */
function objectsOf(era: FluxEra): KubeObject[] {
  const v = storageVersions(era);
  const policyShape = era === '2.7' ? 'latestRef' : 'latestImage';
  const list: unknown[] = [
    V.gitRepository(v.GitRepository!),
    V.ociRepository(v.OCIRepository!),
    V.helmRepository(v.HelmRepository!),
    V.helmChart(v.HelmChart!),
    V.bucket(v.Bucket!),
    V.kustomization(v.Kustomization!),
    V.helmRelease(v.HelmRelease!),
    V.imageRepository(v.ImageRepository!),
    V.imagePolicy(v.ImagePolicy!, policyShape),
    V.imageUpdateAutomation(v.ImageUpdateAutomation!),
    V.alert(v.Alert!),
    V.provider(v.Provider!),
    V.receiver(v.Receiver!),
  ];
  return list.map((o) => seedable(o));
}

async function run(era: FluxEra) {
  const sim = await startSimCluster({ seed: [path.join(REPO_ROOT, 'test', 'fixtures', 'sim', 'crds', 'argocd.yaml')], objects: [...fluxCrds(era), ...objectsOf(era)] });
  const { logger, lines } = recordingLogger();
  const pool = new InformerPool({ kubeconfig: () => [{ path: '/virtual/kubeconfig', text: sim.kubeconfig('sim') }], log: logger, clock: realClock, backoff: { initialMs: 50, maxMs: 400 } });
  const store = new AppStore(realClock);
  const connections: ClusterConnectionEvent[] = [];
  const subs = [store.connect(pool), pool.onDidChangeConnection((e) => connections.push(e))];
  const dispose = async () => {
    subs.forEach((s) => s.dispose());
    pool.dispose();
    store.dispose();
    await sim.stop();
  };
  try {
    pool.start('sim');
    const r = await waitFor('ready', () => connections.find((e) => e.state === 'ready'));
    assert.ok(r.state === 'ready');
    const counts = sim.counts.snapshot();
    const apps = new Map<string, App>(store.all().map((a) => [a.kind, a]));
    return { r, counts, apps, store, lines };
  } finally {
    await dispose();
  }
}

describe('InformerPool against clusters serving older Flux releases (simulator)', function () {
  this.timeout(30_000);

  it('a Flux 2.2 cluster: HelmRelease v2beta2, OCIRepository/HelmChart/Bucket v1beta2, Alert v1beta3, image kinds v1beta2/v1beta1; every kind listed with its state', async () => {
    const { r, counts, apps, store } = await run('2.2');
    assert.ok(r.state === 'ready');
    assert.deepEqual(r.watchedVersions, {
      Application: 'v1alpha1',
      ApplicationSet: 'v1alpha1',
      AppProject: 'v1alpha1',
      ...storageVersions('2.2'),
    });
    // Not served by Flux 2.2: nothing else is absent.
    assert.deepEqual(r.absentKinds, ['ExternalArtifact']);
    // Each kind listed once, at its served version only.
    const fluxLists = Object.keys(counts).filter((k) => k.startsWith('list ') && k.includes('fluxcd.io'));
    assert.equal(fluxLists.length, GITOPS_KINDS.filter((k) => k.tool === 'flux').length - 1, fluxLists.join(', '));
    for (const k of fluxLists) assert.equal(counts[k], 1, k);

    const states = [...apps.values()].filter((a) => a.tool === 'flux').map((a) => `${a.kind}@${a.apiVersion?.split('/')[1]} ${a.sync.status}/${a.health.status} ${a.revision ?? '-'}`).sort();
    assert.deepEqual(states, [
      'Alert@v1beta3 Synced/Healthy -',
      'Bucket@v1beta2 Synced/Healthy 8d1fa3b',
      'GitRepository@v1 Synced/Healthy main@5f3ae2b',
      'HelmChart@v1beta2 Synced/Healthy 6.5.4',
      'HelmRelease@v2beta2 Synced/Healthy 6.5.4',
      'HelmRepository@v1beta2 Synced/Healthy 4f1e2d3',
      'ImagePolicy@v1beta2 Synced/Healthy 6.5.4',
      'ImageRepository@v1beta2 Synced/Healthy 42 tags',
      'ImageUpdateAutomation@v1beta1 Synced/Healthy 9c8b7a6',
      'Kustomization@v1 Synced/Healthy main@5f3ae2b',
      'OCIRepository@v1beta2 Synced/Healthy 1.14.4@3b1f0a8',
      'Provider@v1beta3 Synced/Healthy -',
      'Receiver@v1 Synced/Healthy -',
    ]);
    // Joins across versions: the HelmRelease (v2beta2) took its desired revision from the HelmChart (v1beta2).
    const hr = apps.get('HelmRelease')!;
    assert.deepEqual(store.dependentsOf(apps.get('HelmChart')!.key).map((a) => a.key), [hr.key]);
    assert.deepEqual(store.alertsFor(apps.get('Kustomization')!.key).map((a) => a.name), ['on-call']);
    assert.deepEqual(store.receiversFor(apps.get('GitRepository')!.key).map((a) => a.name), ['github']);
  });

  it('a Flux 2.0 cluster: HelmRelease only as v2beta1 (no history), Alerts reconciled at v1beta2', async () => {
    const { r, apps } = await run('2.0');
    assert.ok(r.state === 'ready');
    assert.equal(r.watchedVersions?.HelmRelease, 'v2beta1');
    assert.equal(r.watchedVersions?.Alert, 'v1beta2');
    assert.equal(r.watchedVersions?.ImageUpdateAutomation, 'v1beta1');
    const hr = apps.get('HelmRelease')!;
    assert.deepEqual([hr.apiVersion, hr.sync.status, hr.health.status, hr.revision], ['helm.toolkit.fluxcd.io/v2beta1', 'Synced', 'Healthy', '6.5.4']);
    assert.equal(apps.get('Alert')?.health.message, 'Initialized');
  });

  it('a Flux 2.7 cluster: the newest versions, deprecated ones left alone, and ExternalArtifact watched', async () => {
    const { r, apps, lines } = await run('2.7');
    assert.ok(r.state === 'ready');
    assert.deepEqual(r.absentKinds, []);
    assert.equal(r.watchedVersions?.OCIRepository, 'v1');
    assert.equal(r.watchedVersions?.HelmRelease, 'v2');
    // Objects stored by Flux 2.7 are read at the newest version, never at the deprecated ones beside it.
    for (const a of apps.values()) if (a.tool === 'flux') assert.equal(a.apiVersion?.split('/')[1], storageVersions('2.7')[a.kind], a.kind);
    assert.ok(!lines.some((l) => l.includes('older versions')), 'all kinds at their newest version');
  });
});
