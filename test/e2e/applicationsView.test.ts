/**
 * Drives the real VS Code UI (code-server 4.100.3) in headless Chromium: opens the GitOps view and
 * checks what a user sees, by accessible names, then keeps a screenshot of it.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startCodeServer, workbenchUrl, type CodeServer } from '../support/codeServer';
import { REPO_ROOT } from '../support/paths';
import { prepareWorkspace, type TestWorkspace } from '../support/workspace';

const SCREENSHOTS = path.join(REPO_ROOT, 'test', 'e2e', 'screenshots');

describe('GitOps view in VS Code (e2e)', function () {
  this.timeout(180_000);
  let ws: TestWorkspace;
  let server: CodeServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    ws = prepareWorkspace();
    server = await startCodeServer({ env: { KUBECONFIG: ws.kubeconfig } });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(workbenchUrl(server.url, ws.folder));
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (ws) fs.rmSync(ws.root, { recursive: true, force: true });
  });

  it('opens from the GitOps activity-bar item with the Applications view title', async () => {
    await page.getByRole('tab', { name: /^GitOps/ }).click();
    // A container with a single view shows the view's name in the sidebar title ("GitOps: Applications").
    const title = page.locator('.sidebar .composite.title').filter({ hasText: /GitOps: Applications/i });
    await title.waitFor({ timeout: 30_000 });
    await page.getByRole('tree', { name: 'Applications' }).waitFor({ timeout: 30_000 });
    assert.equal(await page.getByRole('tree', { name: 'Applications' }).count(), 1);
  });

  it('lists one item per kubeconfig context, the current one marked', async () => {
    const prod = page.getByRole('treeitem', { name: /^Cluster prod-eu, 127\.0\.0\.1:16443 · current$/ });
    const staging = page.getByRole('treeitem', { name: /^Cluster staging, 127\.0\.0\.1:26443$/ });
    await prod.waitFor({ timeout: 30_000 });
    await staging.waitFor();
    assert.equal(await page.getByRole('treeitem').count(), 2);
  });

  it('saves a screenshot of the populated view', async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const file = path.join(SCREENSHOTS, 'applications-view.png');
    fs.rmSync(file, { force: true });
    await page.screenshot({ path: file });
    const png = fs.readFileSync(file);
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    // IHDR holds width and height as big-endian 32-bit integers at bytes 16-23.
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1280, 800]);
  });

  it('shows the server, user and source file in the item tooltip', async () => {
    await page.getByRole('treeitem', { name: /^Cluster prod-eu/ }).hover();
    const hover = page.locator('.monaco-hover').filter({ hasText: 'Server: https://127.0.0.1:16443' });
    await hover.waitFor({ timeout: 15_000 });
    const text = await hover.innerText();
    assert.match(text, /User: prod-admin/);
    assert.match(text, /Namespace: argocd/);
    assert.ok(!text.includes('fake-token'), 'a credential reached the tooltip');
    await page.mouse.move(900, 500);
  });

  it('follows an edit of the kubeconfig file without a reload', async () => {
    const original = fs.readFileSync(ws.kubeconfig, 'utf8');
    fs.writeFileSync(ws.kubeconfig, original.replace('current-context: prod-eu', 'current-context: staging'));
    await page.getByRole('treeitem', { name: /^Cluster staging, 127\.0\.0\.1:26443 · current$/ }).waitFor({ timeout: 15_000 });
    await page.getByRole('treeitem', { name: /^Cluster prod-eu, 127\.0\.0\.1:16443$/ }).waitFor();
  });
});
