/**
 * The impact preview of "GitOps: Open Pull Request for Changes" (issue 6) in the real VS Code UI
 * (code-server + Chromium): a workspace clone of the repository the Argo CD app `checkout` deploys on
 * the `sim-argo` simulator, with an unsaved-to-Git change of replicas and image plus a Secret; the
 * command runs from the Command Palette, the webview shows the change per cluster and app with the
 * Secret masked, a screenshot is kept, and Cancel closes it without opening anything. Only the
 * preview is exercised (no forge call happens before the user confirms).
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { CHECKOUT_GIT_IMAGE, CHECKOUT_LIVE_IMAGE, CHECKOUT_REPO_URL, checkoutDeploymentYaml } from '../fixtures/gitops/checkoutRepo';
import { keepScreenshot, openWorkbench, type WorkbenchSession } from './workbenchSession';

const VIEWPORT = { width: 1280, height: 900 };

const DEPLOYMENT = (replicas: number, image: string) => checkoutDeploymentYaml({ header: '# checkout service', replicas, image });

const SECRET = (password: string) => `apiVersion: v1
kind: Secret
metadata:
  name: checkout-db
  namespace: checkout
stringData:
  password: ${password}
`;

function git(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('git', args, { cwd }, (err, stdout, stderr) => (err ? reject(new Error(`git ${args.join(' ')}: ${stderr}`)) : resolve(stdout))),
  );
}

describe('Pull request impact preview (e2e)', function () {
  this.timeout(180_000);
  let session: WorkbenchSession | undefined;
  let page: Page;

  before(async () => {
    session = await openWorkbench({
      viewport: VIEWPORT,
      // A clone of the repository sim-argo's `checkout` app deploys, with the change not yet committed.
      prepare: async (ws) => {
        const repo = ws.folder;
        fs.mkdirSync(path.join(repo, 'apps', 'checkout'), { recursive: true });
        fs.writeFileSync(path.join(repo, 'apps', 'checkout', 'deployment.yaml'), DEPLOYMENT(2, CHECKOUT_LIVE_IMAGE));
        fs.writeFileSync(path.join(repo, 'apps', 'checkout', 'secret.yaml'), SECRET('old-password-1'));
        await git(repo, ['init', '--quiet', '--initial-branch=main']);
        await git(repo, ['-c', 'user.name=Dev', '-c', 'user.email=dev@example.test', 'add', '-A']);
        await git(repo, ['-c', 'user.name=Dev', '-c', 'user.email=dev@example.test', 'commit', '--quiet', '-m', 'initial']);
        await git(repo, ['remote', 'add', 'origin', CHECKOUT_REPO_URL]);
        fs.writeFileSync(path.join(repo, 'apps', 'checkout', 'deployment.yaml'), DEPLOYMENT(5, CHECKOUT_GIT_IMAGE));
        fs.writeFileSync(path.join(repo, 'apps', 'checkout', 'secret.yaml'), SECRET('new-password-2'));
      },
      codeServer: (_ws, sims) => ({
        env: { KUBECONFIG: sims.kubeconfigFile },
        userSettings: { 'gitopsLens.forges': { 'git.example.test': 'gitlab' } },
      }),
    });
    ({ page } = session);
  });

  after(() => session?.close());

  async function runCommand(title: string): Promise<void> {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${title}`);
    await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title }).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
  }

  function preview(): FrameLocator {
    // A webview is an iframe holding the content iframe (VS Code webview host).
    return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  }

  it('shows the change per cluster and app, with the Secret masked, and keeps a screenshot', async () => {
    // Connect the clusters (a visible GitOps view) and wait for the app that deploys apps/checkout.
    await page.getByRole('tab', { name: /^GitOps/ }).click();
    await page.getByRole('treeitem', { name: /^Argo CD Application checkout/ }).waitFor({ timeout: 60_000 });
    await runCommand('GitOps: Open Pull Request for Changes');
    // Two changed manifests: both are preselected in the pick.
    await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'apps/checkout/secret.yaml' }).waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
    const body = preview().locator('body');
    await body.getByRole('heading', { name: /Impact per cluster and app/ }).waitFor({ timeout: 30_000 });
    const text = await body.innerText();
    assert.match(text, /sim-argo · checkout/);
    assert.match(text, /spec\.replicas/);
    assert.match(text, /registry\.example\.test\/checkout:1\.5\.0/);
    assert.match(text, /Secret checkout\/checkout-db/);
    assert.ok(!text.includes('new-password-2') && !text.includes('old-password-1'), 'a Secret value reached the preview');
    assert.match(text, /apps\/checkout\/deployment\.yaml/);
    await keepScreenshot(page, 'pr-preview.png', VIEWPORT);
  });

  it('Cancel closes the preview and opens nothing', async () => {
    await preview().getByRole('button', { name: 'Cancel' }).click();
    await page.locator('iframe.webview.ready').waitFor({ state: 'detached', timeout: 15_000 });
    // No title prompt follows a cancelled preview.
    assert.equal(await page.locator('.quick-input-widget:visible').count(), 0);
  });
});
