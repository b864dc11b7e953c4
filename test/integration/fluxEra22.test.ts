/**
 * A cluster serving only the versions Flux 2.2 serves (test/fixtures/sim/fluxEras.ts: HelmRelease
 * v2beta2, OCIRepository/HelmRepository/HelmChart/Bucket v1beta2, Alert/Provider v1beta3, image kinds
 * v1beta2/v1beta1, no ExternalArtifact), in the real extension host (issue 15, "Show it"): every Flux
 * kind appears in the views with its state. Apps in their namespace groups, the Alert (with its
 * Provider) and a Receiver under the Kustomization they watch, the image automation objects under
 * their own node, and the sources in the Sources view. The simulator runs in this process for this
 * suite only and is stopped after it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parse } from 'yaml';
import type { TreeItemInfo } from '../../src/vscode/testApi';
import { startSimCluster, type SimCluster } from '../sim/k8s/cluster';
import * as V from '../fixtures/gitops/fluxVersions';
import { fluxCrds, storageVersions } from '../fixtures/sim/fluxEras';
import { seedable } from '../support/simObjects';
import { waitFor } from '../support/waitFor';
import { api, testApi } from './extensionApi';

const CONTEXT = 'flux22-era';

function objects() {
  const v = storageVersions('2.2');
  // A Receiver of the Kustomization (the fixture's own Receiver watches the GitRepository, a source).
  const deployHook = parse(`apiVersion: notification.toolkit.fluxcd.io/${v.Receiver}
kind: Receiver
metadata: {name: deploy-hook, namespace: flux-system, generation: 1}
spec:
  type: generic
  secretRef: {name: webhook-token}
  resources:
  - {kind: Kustomization, name: podinfo}
status:
  observedGeneration: 1
  conditions:
  - {type: Ready, status: "True", reason: Succeeded, message: "Receiver initialized", observedGeneration: 1}
`) as unknown;
  return [
    V.gitRepository(v.GitRepository!),
    V.ociRepository(v.OCIRepository!),
    V.helmRepository(v.HelmRepository!),
    V.helmChart(v.HelmChart!),
    V.bucket(v.Bucket!),
    V.kustomization(v.Kustomization!),
    V.helmRelease(v.HelmRelease!),
    V.imageRepository(v.ImageRepository!),
    V.imagePolicy(v.ImagePolicy!, 'latestImage'),
    V.imageUpdateAutomation(v.ImageUpdateAutomation!),
    V.alert(v.Alert!),
    V.provider(v.Provider!),
    V.receiver(v.Receiver!),
    deployHook,
  ].map((o) => seedable(o));
}

const rows = (r: readonly TreeItemInfo[] | undefined) => (r ?? []).map((x) => `${x.label}: ${x.description ?? ''}`);

describe('A cluster serving Flux 2.2-era versions only (issue 15)', function () {
  this.timeout(90_000);
  const cfg = () => vscode.workspace.getConfiguration('gitopsLens');
  let sim: SimCluster | undefined;
  let dir = '';

  before(async () => {
    sim = await startSimCluster({ objects: [...fluxCrds('2.2'), ...objects()] });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flux22-'));
    const file = path.join(dir, 'kubeconfig.yaml');
    fs.writeFileSync(file, sim.kubeconfig(CONTEXT));
    const v1 = await api();
    await cfg().update('kubeconfig', [file], vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('gitopsLens.applications.focus');
    await waitFor('the 2.2 cluster ready', () => v1.clusterStates().find((s) => s.cluster === CONTEXT && s.connection === 'ready'), 30_000);
  });

  after(async () => {
    const v1 = await api();
    await cfg().update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
    await waitFor('the 2.2 cluster gone', () => !v1.clusters().some((c) => c.name === CONTEXT) || undefined, 20_000).catch(() => undefined);
    await sim?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists every Flux kind at the version the cluster serves, in its state', async () => {
    const v1 = await api();
    const kinds = await waitFor('every object', () => {
      const a = v1.apps().filter((x) => x.cluster === CONTEXT);
      return a.length === 14 ? a : undefined;
    });
    const state = kinds.map((a) => `${a.kind} ${a.namespace}/${a.name} ${a.sync}/${a.health}`).sort();
    assert.deepEqual(state, [
      'Alert flux-system/on-call Synced/Healthy',
      'Bucket flux-system/manifests Synced/Healthy',
      'GitRepository flux-system/fleet Synced/Healthy',
      'HelmChart flux-system/apps-podinfo Synced/Healthy',
      'HelmRelease apps/podinfo Synced/Healthy',
      'HelmRepository flux-system/charts Synced/Healthy',
      'ImagePolicy flux-system/podinfo Synced/Healthy',
      'ImageRepository flux-system/podinfo Synced/Healthy',
      'ImageUpdateAutomation flux-system/fleet Synced/Healthy',
      'Kustomization flux-system/podinfo Synced/Healthy',
      'OCIRepository flux-system/cert-manager Synced/Healthy',
      'Provider flux-system/slack Synced/Healthy',
      'Receiver flux-system/deploy-hook Synced/Healthy',
      'Receiver flux-system/github Synced/Healthy',
    ]);
    const status = v1.clusterStates().find((s) => s.cluster === CONTEXT);
    assert.deepEqual(status?.absentTools, ['argocd']);
  });

  it('shows apps, notifications and image automation in the Applications view, and sources in the Sources view', async () => {
    const t = await testApi();
    const flux = await waitFor('the Flux node', () => t.applicationsChildren([CONTEXT, 'Flux']));
    assert.deepEqual(rows(flux), ['apps: 1', 'flux-system: 1', 'Image automation: 3']);
    assert.deepEqual(rows(t.applicationsChildren([CONTEXT, 'Flux', 'apps'])), ['podinfo: Synced · 6.5.4']);
    assert.deepEqual(rows(t.applicationsChildren([CONTEXT, 'Flux', 'flux-system'])), ['podinfo: Synced · main@5f3ae2b']);

    // The Kustomization: its Alert and its Receiver, above its resources.
    const ks = t.applicationsChildren([CONTEXT, 'Flux', 'flux-system', 'podinfo']) ?? [];
    assert.equal(rows(ks)[0], 'Notifications: 1 alert · 1 receiver');
    const notes = t.applicationsChildren([CONTEXT, 'Flux', 'flux-system', 'podinfo', 'Notifications']);
    assert.deepEqual(rows(notes), ['on-call: Synced · Alert · error events → slack (slack on-call)', 'deploy-hook: Synced · Receiver · generic']);
    assert.ok(notes?.[0]?.expandable, 'the Alert opens to its Provider');
    assert.deepEqual(rows(t.applicationsChildren([CONTEXT, 'Flux', 'flux-system', 'podinfo', 'Notifications', 'on-call'])), [
      'slack: Synced · Provider · slack · on-call · hooks.slack.example.test',
    ]);
    // The HelmRelease (v2beta2) is an event source of the same Alert.
    assert.deepEqual(rows(t.applicationsChildren([CONTEXT, 'Flux', 'apps', 'podinfo', 'Notifications'])), ['on-call: Synced · Alert · error events → slack (slack on-call)']);

    assert.deepEqual(rows(t.applicationsChildren([CONTEXT, 'Flux', 'Image automation'])), [
      'fleet: Synced · ImageUpdateAutomation · pushes to image-updates · 9c8b7a6',
      'podinfo: Synced · ImagePolicy · ghcr.io/stefanprodan/podinfo:6.5.4',
      'podinfo: Synced · ImageRepository · ghcr.io/stefanprodan/podinfo · 42 tags',
    ]);

    const sources = rows(t.sourcesChildren([CONTEXT, 'Flux sources'])).sort();
    assert.deepEqual(sources, [
      'apps-podinfo: Synced · HelmChart · 6.5.4',
      'cert-manager: Synced · OCIRepository · 1.14.4@3b1f0a8',
      'charts: Synced · HelmRepository · 4f1e2d3',
      'fleet: Synced · GitRepository · main@5f3ae2b',
      'manifests: Synced · Bucket · 8d1fa3b',
      // Image kinds are sources too (what the image automation scans and selects).
      'podinfo: Synced · ImagePolicy · 6.5.4',
      'podinfo: Synced · ImageRepository · 42 tags',
    ]);
  });
});
