/**
 * The Applications view's data path in the real extension host against two simulated clusters
 * (started by runner.ts, see simClusters.ts): the informer pool, AppStore, the public API, and the
 * item commands that write annotations, read back from the simulator over its HTTP API.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AppInfoV1, GitOpsLensApiV1 } from '../../src/vscode/api';
import type { GitOpsLensTestApi, TreeItemInfo } from '../../src/vscode/testApi';
import type { SimAccess } from './simClusters';
import { waitFor as waitForState } from '../support/waitFor';
import { api, testApi } from './extensionApi';

/** Simulator round trips through watches: a longer default than waitFor's. */
const waitFor = <T>(what: string, fn: () => T | undefined | false, timeoutMs = 20_000): Promise<T> => waitForState(what, fn, timeoutMs);



function sims(): SimAccess {
  const raw = process.env.GITOPS_LENS_SIM;
  assert.ok(raw, 'GITOPS_LENS_SIM is not set by the runner');
  return JSON.parse(raw) as SimAccess;
}

async function kube(which: 'argo' | 'flux', method: string, apiPath: string, body?: unknown): Promise<Record<string, unknown>> {
  const s = sims()[which];
  const res = await fetch(`${s.url}${apiPath}`, {
    method,
    headers: {
      authorization: `Bearer ${s.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/merge-patch+json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  assert.ok(res.ok, `${method} ${apiPath}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const annotationsOf = (o: Record<string, unknown>) =>
  ((o.metadata as { annotations?: Record<string, string> }).annotations ?? {});

const find = (v1: GitOpsLensApiV1, cluster: string, kind: string, name: string): AppInfoV1 | undefined =>
  v1.apps().find((a) => a.cluster === cluster && a.kind === kind && a.name === name);

/** An app's row in the Applications view (cluster → tool → group → app), as the provider builds it. */
async function appRow(t: GitOpsLensTestApi, cluster: string, kind: string, name: string): Promise<TreeItemInfo | undefined> {
  const v1 = await api();
  const app = v1.apps().find((a) => a.cluster === cluster && a.kind === kind && a.name === name);
  if (!app) return undefined;
  const group = app.project ?? app.namespace;
  return t.applicationsChildren([cluster, app.tool === 'argocd' ? 'Argo CD' : 'Flux', group])?.find((r) => r.id === `app/${app.key}`);
}

describe('Applications against simulated clusters', function () {
  this.timeout(60_000);
  const cfg = () => vscode.workspace.getConfiguration('gitopsLens');

  before(async () => {
    const v1 = await api();
    const file = process.env.GITOPS_LENS_SIM_KUBECONFIG;
    assert.ok(file, 'GITOPS_LENS_SIM_KUBECONFIG is not set by the runner');
    await cfg().update('kubeconfig', [file], vscode.ConfigurationTarget.Global);
    await waitFor('simulated contexts', () => v1.clusters().some((c) => c.name === 'sim-flux') || undefined);
    // Connections start when a GitOps view is visible, never at activation.
    await vscode.commands.executeCommand('gitopsLens.applications.focus');
    await waitFor('apps of both clusters', () => (find(v1, 'sim-argo', 'Application', 'guestbook') && find(v1, 'sim-flux', 'Kustomization', 'podinfo')) || undefined);
    // Each kind is listed on its own: wait until every list of both clusters has arrived (ready).
    await waitFor('both simulated clusters ready', () =>
      ['sim-argo', 'sim-flux'].every((c) => v1.clusterStates().some((s) => s.cluster === c && s.connection === 'ready')) || undefined,
    );
  });

  after(async () => {
    await cfg().update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
    await cfg().update('disabledContexts', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('shows Argo CD and Flux apps in every sync and health state', async () => {
    const v1 = await api();
    const state = (cluster: string, kind: string, name: string) => {
      const a = find(v1, cluster, kind, name);
      return a && `${a.sync}/${a.health}${a.suspended ? '/suspended' : ''}`;
    };
    assert.equal(state('sim-argo', 'Application', 'guestbook'), 'Synced/Healthy');
    assert.equal(state('sim-argo', 'Application', 'billing'), 'OutOfSync/Healthy');
    assert.equal(state('sim-argo', 'Application', 'payments'), 'Synced/Degraded');
    assert.equal(state('sim-argo', 'Application', 'frontend'), 'Synced/Progressing');
    assert.equal(state('sim-argo', 'Application', 'search'), 'OutOfSync/Missing');
    assert.equal(state('sim-flux', 'Kustomization', 'podinfo'), 'Synced/Healthy');
    assert.equal(state('sim-flux', 'Kustomization', 'infra')?.split('/')[1], 'Degraded');
    const argoStates = new Set(v1.apps().filter((a) => a.cluster === 'sim-argo' && a.role === 'app').map((a) => `${a.sync}/${a.health}`));
    const fluxStates = new Set(v1.apps().filter((a) => a.cluster === 'sim-flux' && a.role === 'app').map((a) => `${a.sync}/${a.health}`));
    assert.ok(argoStates.size >= 5, `only ${[...argoStates].join(', ')} on sim-argo`);
    assert.ok(fluxStates.size >= 3, `only ${[...fluxStates].join(', ')} on sim-flux`);
    // Flux sources are listed (they feed the Sources view), with their kind.
    assert.ok(find(v1, 'sim-flux', 'GitRepository', 'fleet'), 'GitRepository fleet missing');
  });

  it('hides the tool whose CRDs a cluster lacks and reports the namespace RBAC denied', async () => {
    const v1 = await api();
    const states = await waitFor('ready states', () => {
      const s = v1.clusterStates().filter((c) => c.cluster.startsWith('sim-'));
      return s.length === 2 && s.every((c) => c.connection === 'ready') ? s : undefined;
    });
    const argo = states.find((s) => s.cluster === 'sim-argo');
    const flux = states.find((s) => s.cluster === 'sim-flux');
    assert.deepEqual(argo?.absentTools, ['flux']);
    assert.deepEqual(flux?.absentTools, ['argocd']);
    // The limited token may read flux-system and apps only; every other namespace is reported.
    assert.ok(flux?.forbiddenNamespaces.includes('team-b'), `forbidden: ${flux?.forbiddenNamespaces.join(', ')}`);
    assert.ok(!flux.forbiddenNamespaces.includes('flux-system'));
    assert.equal(argo?.forbiddenNamespaces.length, 0);
    assert.equal(find(v1, 'sim-flux', 'Kustomization', 'hidden'), undefined, 'an app in the forbidden namespace leaked');
    // The fixture contexts point at nothing: unreachable, with no apps.
    await waitFor('prod-eu unreachable', () => v1.clusterStates().find((c) => c.cluster === 'prod-eu' && c.connection === 'unreachable'));
  });

  it('follows a status change made in the simulator, and the totals with it', async () => {
    const v1 = await api();
    const before = v1.totals();
    let changes = 0;
    const sub = v1.onDidChangeApps(() => changes++);
    try {
      // Argo CD's Application CRD has no status subresource: the controller patches the object itself.
      await kube('argo', 'PATCH', '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/guestbook', {
        status: { sync: { status: 'OutOfSync' } },
      });
      await waitFor('guestbook OutOfSync', () => find(v1, 'sim-argo', 'Application', 'guestbook')?.sync === 'OutOfSync');
      assert.ok(changes > 0);
      const after = v1.totals();
      assert.equal(after.outOfSync, before.outOfSync + 1);
      assert.equal(after.synced, before.synced - 1);
    } finally {
      sub.dispose();
    }
  });

  /** The simulator's request counts and faults are served over plain HTTP, outside the Kubernetes API. */
  async function sim(which: 'argo' | 'flux', method: 'GET' | 'POST', what: string): Promise<Record<string, number>> {
    const res = await fetch(`${sims()[which].url}/sim/${what}`, { method });
    assert.ok(res.ok, `${method} /sim/${what}: ${res.status}`);
    return (await res.json()) as Record<string, number>;
  }

  it('recovers from expired resourceVersions and a cut watch without a reload, relisting only what it must', async () => {
    const v1 = await api();
    const before = await sim('argo', 'GET', 'counts');
    await sim('argo', 'POST', 'faults/expire-resource-versions');
    await sim('argo', 'POST', 'faults/cut-watches');
    // A change made after the cut can only arrive through a new watch (or a relist).
    await kube('argo', 'PATCH', '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/frontend', {
      status: { health: { status: 'Healthy' } },
    });
    await waitFor('frontend Healthy after the watches were cut', () => find(v1, 'sim-argo', 'Application', 'frontend')?.health === 'Healthy');
    const after = await sim('argo', 'GET', 'counts');
    const relists = (after.list ?? 0) - (before.list ?? 0);
    // At most one relist per Argo CD kind the cluster serves (Application, ApplicationSet, AppProject).
    assert.ok(relists <= 3, `${relists} list requests after one cut`);
    assert.ok((after.watch ?? 0) > (before.watch ?? 0), 'no new watch was opened');
    // Nothing was lost or duplicated by the relist.
    assert.equal(v1.apps().filter((a) => a.cluster === 'sim-argo' && a.name === 'frontend').length, 1);
    assert.ok(find(v1, 'sim-argo', 'Application', 'guestbook'));
  });

  it('polls nothing while idle: no list requests after the initial lists, only open watches', async () => {
    // Let the recovery of the previous test settle, then watch both clusters for 3 s.
    await new Promise((r) => setTimeout(r, 1000));
    const before = { argo: await sim('argo', 'GET', 'counts'), flux: await sim('flux', 'GET', 'counts') };
    await new Promise((r) => setTimeout(r, 3000));
    const after = { argo: await sim('argo', 'GET', 'counts'), flux: await sim('flux', 'GET', 'counts') };
    for (const which of ['argo', 'flux'] as const) {
      assert.equal(after[which].list ?? 0, before[which].list ?? 0, `list requests to sim-${which} while idle`);
      assert.equal(after[which].get ?? 0, before[which].get ?? 0, `get requests to sim-${which} while idle`);
    }
  });

  it('counts only enabled clusters in the totals', async () => {
    const v1 = await api();
    const all = v1.totals();
    const fluxApps = v1.apps().filter((a) => a.cluster === 'sim-flux' && a.role === 'app').length;
    assert.ok(fluxApps > 0);
    await cfg().update('disabledContexts', ['sim-flux'], vscode.ConfigurationTarget.Workspace);
    await waitFor('sim-flux out of the totals', () => v1.totals().apps === all.apps - fluxApps || undefined);
    await cfg().update('disabledContexts', undefined, vscode.ConfigurationTarget.Workspace);
    await waitFor('sim-flux back', () => find(v1, 'sim-flux', 'Kustomization', 'podinfo') && v1.totals().apps === all.apps);
  });

  it('refreshes an Argo CD Application by annotation (normal, then hard)', async () => {
    const v1 = await api();
    const app = find(v1, 'sim-argo', 'Application', 'billing');
    assert.ok(app);
    await vscode.commands.executeCommand('gitopsLens.refreshApp', app.key);
    let live = await kube('argo', 'GET', '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/billing');
    assert.equal(annotationsOf(live)['argocd.argoproj.io/refresh'], 'normal');
    await vscode.commands.executeCommand('gitopsLens.hardRefreshApp', { type: 'app', key: app.key });
    live = await kube('argo', 'GET', '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/billing');
    assert.equal(annotationsOf(live)['argocd.argoproj.io/refresh'], 'hard');
    // The patch touched only the annotation.
    assert.equal((live.spec as { project?: string }).project, 'team-a');
  });

  it('asks Flux to reconcile with an RFC 3339 requestedAt annotation, through the RBAC-limited context', async () => {
    const v1 = await api();
    const ks = find(v1, 'sim-flux', 'Kustomization', 'podinfo');
    assert.ok(ks);
    const t0 = Date.now();
    await vscode.commands.executeCommand('gitopsLens.reconcile', ks.key);
    const live = await kube('flux', 'GET', '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/podinfo');
    const at = annotationsOf(live)['reconcile.fluxcd.io/requestedAt'];
    assert.ok(at, 'no requestedAt annotation');
    assert.match(at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    assert.ok(Math.abs(Date.parse(at) - t0) < 10_000);
    // A Flux command on an Argo CD app is refused and writes nothing.
    const argoApp = find(v1, 'sim-argo', 'Application', 'payments');
    assert.ok(argoApp);
    await vscode.commands.executeCommand('gitopsLens.reconcile', argoApp.key);
    const untouched = await kube('argo', 'GET', '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/payments');
    assert.equal(annotationsOf(untouched)['reconcile.fluxcd.io/requestedAt'], undefined);
  });

  it('shows live YAML read-only, without managedFields', async () => {
    const v1 = await api();
    const app = find(v1, 'sim-argo', 'Application', 'payments');
    assert.ok(app);
    await vscode.commands.executeCommand('gitopsLens.showLiveYaml', app.key);
    const editor = await waitFor('live document', () => {
      const e = vscode.window.activeTextEditor;
      return e?.document.uri.scheme === 'gitops-live' ? e : undefined;
    });
    const text = editor.document.getText();
    assert.match(text, /kind: Application/);
    assert.match(text, /name: payments/);
    assert.ok(!text.includes('managedFields'), 'managedFields shown');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('opens the app source from the matching Git remote, and the manifest defining the app', async () => {
    const v1 = await api();
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder);
    // The Applications point at https://git.example.test/org/apps.git; the clone uses the scp-like ssh form.
    fs.mkdirSync(path.join(folder, '.git'), { recursive: true });
    fs.writeFileSync(path.join(folder, '.git', 'config'), '[core]\n\tbare = false\n[remote "origin"]\n\turl = git@git.example.test:org/apps\n');
    const manifest = path.join(folder, 'argocd', 'guestbook-app.yaml');
    fs.mkdirSync(path.dirname(manifest), { recursive: true });
    fs.writeFileSync(
      manifest,
      '# other document first\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: guestbook}\n---\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: guestbook\n  namespace: argocd\nspec: {}\n',
    );
    try {
      const app = find(v1, 'sim-argo', 'Application', 'guestbook');
      assert.ok(app);
      await vscode.commands.executeCommand('gitopsLens.openSource', app.key);
      const src = await waitFor('source opened', () => vscode.window.activeTextEditor?.document.uri.fsPath);
      assert.equal(src, path.join(folder, 'apps', 'guestbook', 'kustomization.yaml'));
      await vscode.commands.executeCommand('gitopsLens.openManifest', app.key);
      const ed = await waitFor('manifest opened', () => {
        const e = vscode.window.activeTextEditor;
        return e?.document.uri.fsPath === manifest ? e : undefined;
      });
      assert.equal(ed.selection.active.line, 5, 'not at the Application document');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      fs.rmSync(path.join(folder, '.git'), { recursive: true, force: true });
      fs.rmSync(path.dirname(manifest), { recursive: true, force: true });
    }
  });
  it('words rows alike in both views: status before revision, "Cluster" rows in Sources, Flux sources expand to their users', async () => {
    const t = await testApi();
    const v1 = await api();
    const payments = find(v1, 'sim-argo', 'Application', 'payments');
    const podinfo = find(v1, 'sim-flux', 'Kustomization', 'podinfo');
    assert.ok(payments && podinfo);
    // Applications view: the app rows of a group, status first, then `<ref>@<short sha>` for both tools.
    const argoRow = await appRow(t, 'sim-argo', 'Application', payments.name);
    assert.match(argoRow?.description ?? '', /^Synced · Degraded · main@[0-9a-f]{7}$/);
    assert.match((await appRow(t, 'sim-flux', 'Kustomization', podinfo.name))?.description ?? '', /^Synced · main@[0-9a-f]{7}$/);
    // A HelmRelease's revision is its chart version.
    assert.match((await appRow(t, 'sim-flux', 'HelmRelease', 'podinfo'))?.description ?? '', /^Synced · 6\.5\.4$/);
    // Sources view: cluster rows say "Cluster" as in the Applications view.
    const clusters = t.sourcesChildren([]) ?? [];
    for (const name of ['sim-argo', 'sim-flux']) {
      const row = clusters.find((c) => c.label === name);
      assert.ok(row, `no ${name} row in the Sources view`);
      assert.match(row.accessibleLabel ?? '', new RegExp(`^Cluster ${name}, 127\\.0\\.0\\.1:\\d+$`));
      assert.match(row.tooltip ?? '', /^\*\*Cluster /);
    }
    // The GitRepository expands to the Kustomizations whose sourceRef names it.
    const fleet = (t.sourcesChildren(['sim-flux', 'Flux sources']) ?? []).find((r) => r.label === 'fleet');
    assert.ok(fleet, 'no GitRepository fleet row');
    assert.equal(fleet.expandable, true);
    assert.match(fleet.description ?? '', /^Synced · GitRepository · main@[0-9a-f]{7}$/);
    const users = (t.sourcesChildren(['sim-flux', 'Flux sources', 'fleet']) ?? []).map((r) => r.label);
    assert.ok(users.includes('podinfo'), `fleet's users: ${users.join(', ')}`);
  });

  it('refuses to open an app source path that leads out of the clone (spec.source.path: ../outside)', async () => {
    const v1 = await api();
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder);
    // Something worth opening outside the clone: the old command joined the path on and opened it.
    const outside = path.join(path.dirname(folder), 'outside');
    fs.mkdirSync(outside, { recursive: true });
    fs.writeFileSync(path.join(outside, 'kustomization.yaml'), 'resources: []\n');
    fs.mkdirSync(path.join(folder, '.git'), { recursive: true });
    fs.writeFileSync(path.join(folder, '.git', 'config'), '[remote "origin"]\n\turl = https://git.example.test/org/apps.git\n');
    const app = find(v1, 'sim-argo', 'Application', 'payments');
    assert.ok(app);
    const original = ((await kube('argo', 'GET', '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/payments')).spec as { source: { path: string } }).source.path;
    try {
      await kube('argo', 'PATCH', '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/payments', { spec: { source: { path: '../outside' } } });
      // The app's tooltip (Sources view, under its repository) shows the new path once the watch delivered
      // it, built on hover as in the Applications view (issue 18).
      const t = await testApi();
      await waitFor('payments with path ../outside', () =>
        t.sourcesChildren(['sim-argo', 'Argo CD repositories', 'https://git.example.test/org/apps.git'])?.some((r) => r.label === 'payments' && r.tooltip?.includes('outside') && r.tooltipOnHover),
      );
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.commands.executeCommand('gitopsLens.openSource', app.key);
      await new Promise((r) => setTimeout(r, 500));
      const opened = vscode.window.visibleTextEditors.map((e) => e.document.uri.fsPath);
      assert.ok(!opened.some((f) => f.startsWith(outside)), `opened outside the clone: ${opened.join(', ')}`);
    } finally {
      await kube('argo', 'PATCH', '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/payments', { spec: { source: { path: original } } });
      fs.rmSync(outside, { recursive: true, force: true });
      fs.rmSync(path.join(folder, '.git'), { recursive: true, force: true });
    }
  });

  it('computes Argo CD 3.x resource health from the live objects once the app is expanded, and follows app changes', async () => {
    const v1 = await api();
    const t = await testApi();
    const app = await waitFor('checkout app', () => find(v1, 'sim-argo', 'Application', 'checkout'));
    const health = () => t.resourceHealth(app.key)?.map((r) => `${r.kind}/${r.name}: ${r.health}`);
    // Nothing is read before the user expands the app (providers never call the cluster).
    assert.deepEqual(health(), ['Deployment/checkout: loading', 'ConfigMap/checkout-config: loading']);
    await vscode.commands.executeCommand('gitopsLens.applications.focus');
    await t.revealApp(app.key, { expand: true });
    await waitFor('resource health loaded', () => t.resourceHealth(app.key)?.every((r) => r.health !== 'loading'));
    assert.deepEqual(health(), ['Deployment/checkout: Degraded', 'ConfigMap/checkout-config: none']);
    assert.equal(t.resourceHealth(app.key)?.[0]?.message, 'Deployment "checkout" exceeded its progress deadline');

    // The rollout recovers; Argo CD then updates the Application, which makes us read the resources again.
    await kube('argo', 'PATCH', '/apis/apps/v1/namespaces/checkout/deployments/checkout/status', {
      status: {
        readyReplicas: 2,
        availableReplicas: 2,
        unavailableReplicas: null,
        conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }],
      },
    });
    await kube('argo', 'PATCH', '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/checkout', { status: { health: { status: 'Healthy' } } });
    await waitFor('Deployment Healthy after the app changed', () => health()?.[0] === 'Deployment/checkout: Healthy');
    await vscode.commands.executeCommand('workbench.actions.treeView.gitopsLens.applications.collapseAll');
  });

  it('shows an Argo CD 3.x app\'s failed cert-manager Certificate Degraded with its message, and a custom resource judged by the cluster\'s argocd-cm Lua check', async () => {
    const v1 = await api();
    const t = await testApi();
    const app = await waitFor('shop app', () => find(v1, 'sim-argo', 'Application', 'shop'));
    const rows = () => t.resourceHealth(app.key)?.map((r) => `${r.kind}/${r.name}: ${r.health}: ${r.message ?? ''}`);
    const expand = async () => {
      await vscode.commands.executeCommand('workbench.actions.treeView.gitopsLens.applications.collapseAll');
      await vscode.commands.executeCommand('gitopsLens.applications.focus');
      await t.revealApp(app.key, { expand: true });
    };
    const widgetCheck = (await kube('argo', 'GET', '/api/v1/namespaces/argocd/configmaps/argocd-cm')).data as Record<string, string>;
    try {
      await expand();
      await waitFor('resource health loaded', () => t.resourceHealth(app.key)?.every((r) => r.health !== 'loading'));
      assert.deepEqual(rows(), [
        'Certificate/shop-tls: Degraded: The certificate request has failed to complete and will be retried: Failed to wait for order resource "shop-tls-1-2740" to become ready',
        // No built-in rule knows example.test/Widget: this verdict can only come from the Lua in argocd-cm.
        'Widget/blue: Degraded: widget blue is melting at 412 degrees',
      ]);
      // The cluster's check is edited; expanding the app again reads argocd-cm again.
      await kube('argo', 'PATCH', '/api/v1/namespaces/argocd/configmaps/argocd-cm', {
        data: { 'resource.customizations.health.example.test_Widget': 'return { status = "Suspended", message = "widgets are on hold (" .. obj.spec.color .. ")" }' },
      });
      await expand();
      await waitFor('the edited check applied', () => rows()?.[1] === 'Widget/blue: Suspended: widgets are on hold (blue)');
    } finally {
      await kube('argo', 'PATCH', '/api/v1/namespaces/argocd/configmaps/argocd-cm', { data: widgetCheck });
      await vscode.commands.executeCommand('workbench.actions.treeView.gitopsLens.applications.collapseAll');
    }
  });
});
