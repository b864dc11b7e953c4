/**
 * Manifest CodeLenses (issue 5) in the real extension host against the `sim-argo` simulator: a
 * workspace clone of the repository the Argo CD app `checkout` deploys (apps/checkout, destination
 * namespace `checkout`, whose Deployment and ConfigMap exist live — see simClusters.ts), with one
 * document per lens state, an unsaved edit that removes the drift, and the diff the lens opens.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SimAccess } from './simClusters';
import { CHECKOUT_GIT_IMAGE as GIT_IMAGE, CHECKOUT_LIVE_IMAGE as LIVE_IMAGE, checkoutConfigMapYaml, checkoutDeploymentYaml } from '../fixtures/gitops/checkoutRepo';
import { closeCheckoutClone, lensTitles, openCheckoutClone, pollFor as waitFor, type CheckoutClone } from './driftWorkspace';

/** A merge patch to the sim-argo simulator over its HTTP API, as the cluster's users would make it. */
async function patchArgo(apiPath: string, body: unknown): Promise<void> {
  const raw = process.env.GITOPS_LENS_SIM;
  assert.ok(raw, 'GITOPS_LENS_SIM is not set by the runner');
  const s = (JSON.parse(raw) as SimAccess).argo;
  const res = await fetch(`${s.url}${apiPath}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/merge-patch+json' },
    body: JSON.stringify(body),
  });
  assert.ok(res.ok, `PATCH ${apiPath}: ${res.status} ${await res.text()}`);
}

// The live ConfigMap and Deployment are test/fixtures/gitops/liveResources.ts.
const MANIFEST = `${checkoutConfigMapYaml()}---
${checkoutDeploymentYaml({ header: "# the image differs from the cluster's" })}---
apiVersion: v1
kind: ConfigMap
metadata:
  name: checkout-flags
  namespace: checkout
data:
  NEW_CHECKOUT: "true"
`;

/** Waits for one lens title; a timeout names the titles shown instead. */
async function waitForLens(what: string, uri: vscode.Uri, index: number, title: string): Promise<void> {
  try {
    await waitFor(what, async () => (await lensTitles(uri))[index] === title || undefined);
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}; lenses: ${JSON.stringify(await lensTitles(uri))}`);
  }
}

describe('Drift CodeLenses on manifests', function () {
  this.timeout(60_000);
  let clone: CheckoutClone | undefined;
  let file = '';

  before(async () => {
    clone = await openCheckoutClone('resources.yaml', MANIFEST);
    file = clone.file;
  });

  after(() => closeCheckoutClone(clone));

  it('shows In sync, Drift and Not in cluster per document, follows unsaved edits, and opens the diff', async () => {
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'yaml');
    const expected = ['0: In sync · sim-argo', '8: Drift: 1 field · sim-argo', '24: Not in cluster · sim-argo'];
    const first = await waitFor('lenses with results', async () => {
      const t = await lensTitles(doc.uri);
      return t.length === 3 && !t.some((s) => s.includes('Checking')) ? t : undefined;
    });
    assert.deepEqual(first, expected);

    // The diff: live on the left (normalized, so the live image is there), the edited text on the right.
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100)) ?? [];
    const drift = lenses.find((l) => l.range.start.line === 8);
    assert.ok(drift?.command);
    await vscode.commands.executeCommand(drift.command.command, ...(drift.command.arguments ?? []));
    const tab = await waitFor('diff editor', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputTextDiff ? { input, label: vscode.window.tabGroups.activeTabGroup.activeTab?.label } : undefined;
    });
    // Issue 17: the title names who set the drifted field, from the live object's managedFields (the
    // simulator wrote the seeded Deployment as field manager `sim`, not Argo CD's controller).
    assert.match(tab.label ?? '', /^checkout \(live sim-argo ↔ desired\) · spec\.template\.spec\.containers\[0\]\.image set by sim \(Update\) at (\d{4}-\d\d-\d\d )?\d\d:\d\d UTC, not through Git$/);
    assert.equal(tab.input.original.scheme, 'gitops-drift');
    const left = (await vscode.workspace.openTextDocument(tab.input.original)).getText();
    const right = (await vscode.workspace.openTextDocument(tab.input.modified)).getText();
    assert.match(left, new RegExp(`image: ${LIVE_IMAGE.replace(/\./g, '\\.')}`));
    assert.ok(!left.includes('managedFields') && !left.includes('status:'), 'live side not normalized');
    assert.match(right, new RegExp(`image: ${GIT_IMAGE.replace(/\./g, '\\.')}`));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

    // Typing the live image (unsaved) removes the drift: re-diffed against the live object already read.
    const editor = await vscode.window.showTextDocument(doc);
    const line = doc.lineAt(22);
    assert.ok(line.text.includes(GIT_IMAGE));
    const start = line.text.indexOf(GIT_IMAGE);
    const ok = await editor.edit((e) => e.replace(new vscode.Range(22, start, 22, start + GIT_IMAGE.length), LIVE_IMAGE));
    assert.ok(ok);
    assert.ok(doc.isDirty);
    await waitFor('drift gone after the edit', async () => (await lensTitles(doc.uri))[1] === '8: In sync · sim-argo' || undefined);
    assert.deepEqual(await lensTitles(doc.uri), ['0: In sync · sim-argo', '8: In sync · sim-argo', '24: Not in cluster · sim-argo']);
    // Someone changes the live ConfigMap; Argo CD then reports its app OutOfSync, which makes us read again.
    const cm = '/api/v1/namespaces/checkout/configmaps/checkout-config';
    const app = '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/checkout';
    try {
      await patchArgo(cm, { data: { LOG_LEVEL: 'debug' } });
      await patchArgo(app, { status: { sync: { status: 'OutOfSync' } } });
      await waitFor('drift after the app changed', async () => (await lensTitles(doc.uri))[0] === '0: Drift: 1 field · sim-argo' || undefined);
    } finally {
      await patchArgo(cm, { data: { LOG_LEVEL: 'info' } });
      await patchArgo(app, { status: { sync: { status: 'Synced' } } });
    }
    await waitFor('in sync again', async () => (await lensTitles(doc.uri))[0] === '0: In sync · sim-argo' || undefined);

    // Revert first: closing a dirty editor would ask whether to save.
    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.ok(!doc.isDirty);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it("honours the app's spec.ignoreDifferences: the ignored field's drift does not count, another field's does", async () => {
    // A file of its own: the test above may leave its edit saved (auto save).
    const own = path.join(path.dirname(file), 'deployment.yaml');
    fs.writeFileSync(own, checkoutDeploymentYaml());
    const doc = await vscode.workspace.openTextDocument(own);
    const editor = await vscode.window.showTextDocument(doc);
    await waitForLens('image drift', doc.uri, 0, '0: Drift: 1 field · sim-argo');
    const replicas = async (n: number) => {
      const line = doc.lineAt(6);
      assert.match(line.text, /^ {2}replicas: \d$/);
      assert.ok(await editor.edit((e) => e.replace(line.range, `  replicas: ${n}`)));
    };
    const app = '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/checkout';
    try {
      // The jq form of Argo CD's diffing docs (user-guide/diffing.md): the image of one container.
      await patchArgo(app, {
        spec: { ignoreDifferences: [{ group: 'apps', kind: 'Deployment', jqPathExpressions: ['.spec.template.spec.containers[] | select(.name == "checkout") | .image'] }] },
      });
      await waitForLens('image drift ignored', doc.uri, 0, '0: In sync · sim-argo');
      // Another field of the same object still counts (live has 2 replicas).
      await replicas(3);
      await waitForLens('replicas drift', doc.uri, 0, '0: Drift: 1 field · sim-argo');
    } finally {
      // JSON merge patch: null removes the field.
      await patchArgo(app, { spec: { ignoreDifferences: null } });
    }
    // Without the rule the image counts again, next to the edited replicas.
    await waitForLens('image drift counts again', doc.uri, 0, '0: Drift: 2 fields · sim-argo');
    await replicas(2);
    await waitForLens('back to the image drift only', doc.uri, 0, '0: Drift: 1 field · sim-argo');
    if (doc.isDirty) await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
