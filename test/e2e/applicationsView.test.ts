/**
 * Drives the real VS Code UI (code-server 4.100.3) in headless Chromium: opens the GitOps views
 * populated from two simulated clusters (plus the two unreachable fixture contexts), checks what a
 * user sees by accessible names — status icons, the forbidden-namespace warning, the status bar, a
 * drift notification — and keeps a screenshot of it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { TestWorkspace } from '../support/workspace';
import type { StartedSims } from '../integration/simClusters';
import { keepScreenshot, openWorkbench, SCREENSHOTS, type WorkbenchSession } from './workbenchSession';

const VIEWPORT = { width: 1280, height: 1100 };

describe('GitOps view in VS Code (e2e)', function () {
  this.timeout(180_000);
  let session: WorkbenchSession | undefined;
  let ws: TestWorkspace;
  let sims: StartedSims;
  let page: Page;
  /** When the simulated apps first showed: notifications are held back for a settle time after that. */
  let populatedAt = 0;

  before(async () => {
    session = await openWorkbench({
      viewport: VIEWPORT,
      codeServer: (w, s) => ({
        // The fixture file first: its current-context (prod-eu) wins, as kubectl merges.
        env: { KUBECONFIG: [w.kubeconfig, s.kubeconfigFile].join(path.delimiter) },
        userSettings: { 'gitopsLens.notifications.enabled': true },
      }),
    });
    ({ ws, sims, page } = session);
  });

  after(() => session?.close());

  it('opens from the GitOps activity-bar item with the Applications and Sources views', async () => {
    await page.getByRole('tab', { name: /^GitOps/ }).click();
    await page.getByRole('tree', { name: 'Applications' }).waitFor({ timeout: 30_000 });
    await page.getByRole('tree', { name: 'Sources' }).waitFor({ timeout: 30_000 });
    assert.equal(await page.getByRole('tree', { name: 'Applications' }).count(), 1);
  });

  it('lists one item per kubeconfig context, the current one marked, unreachable ones aged', async () => {
    const tree = page.getByRole('tree', { name: 'Applications' });
    await tree.getByRole('treeitem', { name: /^Cluster prod-eu, 127\.0\.0\.1:16443 · current/ }).waitFor({ timeout: 30_000 });
    await tree.getByRole('treeitem', { name: /^Cluster staging, 127\.0\.0\.1:26443 · unreachable for (under a minute|\d+ min)$/ }).waitFor({ timeout: 30_000 });
    await tree.getByRole('treeitem', { name: /^Cluster sim-argo, 127\.0\.0\.1:\d+$/ }).waitFor();
    await tree.getByRole('treeitem', { name: /^Cluster sim-flux, 127\.0\.0\.1:\d+$/ }).waitFor();
  });

  it('shows apps with one status icon per sync × health state', async () => {
    const tree = page.getByRole('tree', { name: 'Applications' });
    const billing = tree.getByRole('treeitem', { name: /^Argo CD Application billing, out of sync, healthy/ });
    const payments = tree.getByRole('treeitem', { name: /^Argo CD Application payments, synced, degraded/ });
    await billing.waitFor({ timeout: 30_000 });
    await payments.waitFor();
    populatedAt = Date.now();
    const icon = async (item: typeof billing) =>
      item
        .locator('.custom-view-tree-node-item-icon')
        // Runs in the page; tsconfig has no DOM lib, so reach the browser global through globalThis.
        .evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundImage: string } }).getComputedStyle(el).backgroundImage);
    assert.match(decodeURIComponent(await icon(billing)), /media\/status-outofsync-healthy-(dark|light)\.svg/);
    assert.match(decodeURIComponent(await icon(payments)), /media\/status-synced-degraded-(dark|light)\.svg/);
    // Flux is hidden on the Argo-only cluster, Argo CD on the Flux-only one.
    await tree.getByRole('treeitem', { name: /^Flux, \d+ apps?$/ }).first().waitFor();
    assert.equal(await tree.getByRole('treeitem', { name: /^Argo CD, \d+ apps?$/ }).count(), 1);
    assert.equal(await tree.getByRole('treeitem', { name: /^Flux, \d+ apps?$/ }).count(), 1);
  });

  it('warns about namespaces RBAC hides on the limited context', async () => {
    const warning = page.getByRole('tree', { name: 'Applications' }).getByRole('treeitem', { name: /^Warning: No access to \d+ namespaces?: .*team-b/ });
    await warning.waitFor({ timeout: 30_000 });
  });

  it('shows totals over enabled clusters in the status bar', async () => {
    const item = page.locator('.statusbar-item [aria-label^="GitOps: "], .statusbar-item[aria-label^="GitOps: "]').first();
    await item.waitFor({ timeout: 30_000 });
    const label = await item.getAttribute('aria-label');
    const m = /^GitOps: (\d+) synced, (\d+) out of sync, (\d+) degraded, of (\d+) apps$/.exec(label ?? '');
    assert.ok(m, `status bar label: ${label}`);
    assert.ok(Number(m[2]) > 0 && Number(m[3]) > 0, label ?? '');
  });

  // Kept under test/e2e/screenshots (ignored); docs/applications-view.png is copied from it by hand,
  // so a test run never changes a tracked file.
  it('saves a screenshot of the populated view', async () => {
    await keepScreenshot(page, 'applications-view.png', VIEWPORT);
  });

  it('shows sync, health, source and destination in the app tooltip', async () => {
    const hover = page.locator('.monaco-hover').filter({ hasText: 'Sync: OutOfSync' });
    // A row that re-renders (its app changed, a reconnect elsewhere in the tree) closes its hover: hover again.
    for (let attempt = 0; ; attempt++) {
      await page.mouse.move(900, 500);
      await page.getByRole('treeitem', { name: /^Argo CD Application billing/ }).hover();
      if (await hover.waitFor({ timeout: 5_000 }).then(() => true, () => false)) break;
      if (attempt === 3) throw new Error('no tooltip on billing after 4 attempts');
    }
    const text = await hover.innerText();
    assert.match(text, /Source: https:\/\/git\.example\.test\/org\/apps\.git path apps\/billing @ main/);
    assert.match(text, /Destination: https:\/\/kubernetes\.default\.svc \/ billing/);
    await page.mouse.move(900, 500);
  });

  it('shows the server, user and source file in the cluster tooltip, never the token', async () => {
    const hover = page.locator('.monaco-hover').filter({ hasText: 'Server: https://127.0.0.1:16443' });
    // The unreachable cluster's item re-renders on every reconnect attempt, which closes a hover.
    for (let attempt = 0; ; attempt++) {
      await page.mouse.move(900, 500);
      // Both views list the cluster ("Cluster prod-eu, …"); this is the Applications view's row.
      await page.getByRole('tree', { name: 'Applications' }).getByRole('treeitem', { name: /^Cluster prod-eu/ }).hover();
      const shown = await hover.waitFor({ timeout: 5_000 }).then(() => true, () => false);
      if (shown) break;
      if (attempt === 3) throw new Error('no tooltip on prod-eu after 4 attempts');
    }
    const text = await hover.innerText();
    assert.match(text, /User: prod-admin/);
    assert.match(text, /Namespace: argocd/);
    assert.ok(!text.includes('fake-token'), 'a credential reached the tooltip');
    await page.mouse.move(900, 500);
  });

  it('notifies once when an app turns Degraded, offering Show Drift', async () => {
    // Transitions in the first 10 s after a cluster connects are the initial lists settling, not news.
    await page.waitForTimeout(Math.max(0, populatedAt + 11_000 - Date.now()));
    const res = await fetch(`${sims.access.argo.url}/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/guestbook`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${sims.access.argo.token}`, 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ status: { health: { status: 'Degraded', message: 'Deployment guestbook-ui exceeded its progress deadline' } } }),
    });
    assert.equal(res.status, 200);
    // Toasts go straight to the notification center when the workbench decides not to pop them
    // (e.g. an unfocused headless window), so look in both.
    const matching = page.locator('.notification-list-item').filter({ hasText: /guestbook .* is degraded/ });
    const deadline = Date.now() + 30_000;
    while ((await matching.count()) === 0) {
      if (Date.now() > deadline) {
        await page.screenshot({ path: path.join(SCREENSHOTS, 'notification-failure.png') });
        const center = await page.locator('.notifications-center').allInnerTexts();
        throw new Error(`no drift notification; notification center: ${JSON.stringify(center)}`);
      }
      if ((await page.locator('.notifications-center.visible').count()) === 0) {
        await page.locator('[id="status.notifications"] a, [id="status.notifications"]').first().click();
      }
      await page.waitForTimeout(500);
    }
    assert.equal(await matching.count(), 1, 'notified more than once');
    await matching.first().getByRole('button', { name: 'Show Drift' }).waitFor();
  });

  it('follows an edit of the kubeconfig file without a reload', async () => {
    const original = fs.readFileSync(ws.kubeconfig, 'utf8');
    fs.writeFileSync(ws.kubeconfig, original.replace('current-context: prod-eu', 'current-context: staging'));
    const tree = page.getByRole('tree', { name: 'Applications' });
    await tree.getByRole('treeitem', { name: /^Cluster staging, 127\.0\.0\.1:26443 · current/ }).waitFor({ timeout: 15_000 });
    await tree.getByRole('treeitem', { name: /^Cluster prod-eu, 127\.0\.0\.1:16443( · unreachable.*)?$/ }).waitFor();
  });
});
