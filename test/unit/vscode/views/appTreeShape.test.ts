/**
 * The shape of the Applications view beyond a group's apps (issue 15), src/vscode/views/appTreeShape.ts,
 * on a real AppStore fed objects shaped like Argo CD's and Flux 2.2's: child Applications nested under
 * the parent that manages them (never in a loop), Alerts and Receivers under the apps they watch with
 * the Provider each Alert sends to, and a cluster's image automation objects.
 */
import * as assert from 'node:assert/strict';
import { parse } from 'yaml';
import type { App } from '../../../../src/core/model/app';
import type { ClusterWatchEvent } from '../../../../src/core/ports';
import { AppStore } from '../../../../src/core/store/appStore';
import { imageAutomationOf, nestedApps, nestingParent, notificationsOf, notificationsSummary, objectDetail, providerOf } from '../../../../src/vscode/views/appTreeShape';
import { objectDescription } from '../../../../src/vscode/views/appText';
import * as V from '../../../fixtures/gitops/fluxVersions';
import { storageVersions } from '../../../fixtures/sim/fluxEras';

const clock = { now: () => Date.parse('2025-08-08T10:00:00Z'), setTimeout: () => ({ dispose: () => undefined }) };

/** An Argo CD Application; `meta` lines go under metadata, `resources` are status.resources entries. */
function argoApp(name: string, opts: { meta?: string; resources?: readonly string[] } = {}): unknown {
  const res = (opts.resources ?? []).map((r) => `  - {group: argoproj.io, version: v1alpha1, kind: Application, namespace: argocd, name: ${r}, status: Synced, health: {status: Healthy}}\n`).join('');
  return parse(`apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${name}
  namespace: argocd
${opts.meta ?? ''}spec:
  project: default
  source: {repoURL: https://git.example.test/org/apps.git, path: apps/${name}, targetRevision: main}
  destination: {server: https://kubernetes.default.svc, namespace: ${name}}
status:
  sync: {status: Synced, revision: 5f3ae2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5}
  health: {status: Healthy}
${res ? `  resources:\n${res}` : ''}`) as unknown;
}

const tracked = (parent: string, child: string) => `  annotations: {argocd.argoproj.io/tracking-id: "${parent}:argoproj.io/Application:argocd/${child}"}\n`;
const instance = (parent: string) => `  labels: {app.kubernetes.io/instance: ${parent}}\n`;

function storeOf(objects: ReadonlyArray<[string, unknown]>): AppStore {
  const store = new AppStore(clock);
  store.applyAll('prod', objects.map(([kind, object]): ClusterWatchEvent => ({ type: 'ADDED', kind: kind as never, object })));
  return store;
}

const byName = (store: AppStore, kind: string, name: string): App => {
  const a = store.all().find((x) => x.kind === kind && x.name === name);
  assert.ok(a, `${kind}/${name} not in the store`);
  return a;
};
const listed = (a: App) => a.role === 'app';
const names = (apps: readonly App[]) => apps.map((a) => a.name);

describe('Applications view shape: app of apps', () => {
  const store = storeOf([
    ['Application', argoApp('root', { resources: ['team-a', 'team-b'] })],
    ['Application', argoApp('team-a', { meta: tracked('root', 'team-a'), resources: ['team-a-web'] })],
    ['Application', argoApp('team-b', { meta: tracked('root', 'team-b') })],
    ['Application', argoApp('team-a-web', { meta: tracked('team-a', 'team-a-web') })],
    ['Application', argoApp('standalone')],
    // Two apps naming each other as parent (a misconfiguration seen in the field): neither is nested.
    ['Application', argoApp('loop-x', { meta: instance('loop-y') })],
    ['Application', argoApp('loop-y', { meta: instance('loop-x') })],
  ]);

  it('nests each child under the parent that manages it, grandchildren under the child', () => {
    const root = byName(store, 'Application', 'root');
    assert.deepEqual(names(nestedApps(store, root, listed)), ['team-a', 'team-b']);
    assert.deepEqual(names(nestedApps(store, byName(store, 'Application', 'team-a'), listed)), ['team-a-web']);
    assert.equal(nestingParent(store, byName(store, 'Application', 'team-a-web'), listed)?.name, 'team-a');
    assert.equal(nestingParent(store, root, listed), undefined);
    assert.equal(nestingParent(store, byName(store, 'Application', 'standalone'), listed), undefined);
  });

  it('keeps apps whose parents loop back to them at the top, and children of an unlisted parent too', () => {
    for (const n of ['loop-x', 'loop-y']) assert.equal(nestingParent(store, byName(store, 'Application', n), listed), undefined, n);
    assert.deepEqual(names(nestedApps(store, byName(store, 'Application', 'loop-x'), listed)), []);
    const notRoot = (a: App) => a.name !== 'root';
    assert.equal(nestingParent(store, byName(store, 'Application', 'team-a'), notRoot), undefined);
  });

  it('a child whose parent is deleted moves back to the top', () => {
    const s = storeOf([
      ['Application', argoApp('root', { resources: ['team-a'] })],
      ['Application', argoApp('team-a', { meta: tracked('root', 'team-a') })],
    ]);
    s.apply('prod', { type: 'DELETED', kind: 'Application', object: { metadata: { name: 'root', namespace: 'argocd' } } });
    assert.equal(nestingParent(s, byName(s, 'Application', 'team-a'), listed), undefined);
  });
});

describe('Applications view shape: Flux notifications and image automation (Flux 2.2 objects)', () => {
  const v = storageVersions('2.2');
  const webhookReceiver = parse(`apiVersion: notification.toolkit.fluxcd.io/${v.Receiver}
kind: Receiver
metadata: {name: deploy-hook, namespace: flux-system, generation: 1}
spec:
  type: generic
  secretRef: {name: webhook-token}
  resources:
  - {apiVersion: kustomize.toolkit.fluxcd.io/v1, kind: Kustomization, name: podinfo}
`) as unknown;
  const store = storeOf([
    ['GitRepository', V.gitRepository(v.GitRepository!)],
    ['HelmChart', V.helmChart(v.HelmChart!)],
    ['Kustomization', V.kustomization(v.Kustomization!)],
    ['HelmRelease', V.helmRelease(v.HelmRelease!)],
    ['ImageRepository', V.imageRepository(v.ImageRepository!)],
    ['ImagePolicy', V.imagePolicy(v.ImagePolicy!, 'latestImage')],
    ['ImageUpdateAutomation', V.imageUpdateAutomation(v.ImageUpdateAutomation!)],
    ['Alert', V.alert(v.Alert!)],
    ['Provider', V.provider(v.Provider!)],
    ['Receiver', V.receiver(v.Receiver!)],
    ['Receiver', webhookReceiver],
  ]);

  it('lists the Alert (to its Provider) and the Receivers under the Kustomization they watch', () => {
    const ks = byName(store, 'Kustomization', 'podinfo');
    const n = notificationsOf(store, ks);
    assert.deepEqual([names(n.alerts), names(n.receivers)], [['on-call'], ['deploy-hook']]);
    assert.equal(notificationsSummary(n), '1 alert · 1 receiver');
    const alert = n.alerts[0]!;
    const provider = providerOf(store, alert);
    assert.equal(provider?.name, 'slack');
    assert.equal(objectDescription(alert, objectDetail(alert, provider)), 'Synced · Alert · error events → slack (slack on-call)');
    assert.equal(objectDescription(provider!, objectDetail(provider!)), 'Synced · Provider · slack · on-call · hooks.slack.example.test');
    const receiver = n.receivers[0]!;
    assert.equal(objectDetail(receiver), 'generic');
    assert.equal(objectDetail(byName(store, 'Receiver', 'github')), 'github: ping, push');
  });

  it('the HelmRelease has the Alert only; a Receiver of the GitRepository is not under any app', () => {
    const hr = byName(store, 'HelmRelease', 'podinfo');
    const n = notificationsOf(store, hr);
    assert.deepEqual([names(n.alerts), names(n.receivers)], [['on-call'], []]);
    assert.equal(notificationsSummary(n), '1 alert');
  });

  it('never puts a Provider address, token or webhook path in a row', () => {
    const rows = store.all().map((a) => objectDescription(a, objectDetail(a, providerOf(store, a))));
    for (const r of rows) assert.ok(!r.includes('s3cr3t') && !r.includes('/hook/') && !r.includes('services/T0'), r);
  });

  it('lists the image automation objects, automations first, with what each selects or scanned', () => {
    const rows = imageAutomationOf(store, 'prod').map((a) => `${a.name}: ${objectDescription(a, objectDetail(a))}`);
    assert.deepEqual(rows, [
      'fleet: Synced · ImageUpdateAutomation · pushes to image-updates · 9c8b7a6',
      'podinfo: Synced · ImagePolicy · ghcr.io/stefanprodan/podinfo:6.5.4',
      'podinfo: Synced · ImageRepository · ghcr.io/stefanprodan/podinfo · 42 tags',
    ]);
    assert.deepEqual(imageAutomationOf(store, 'other'), []);
  });
});
