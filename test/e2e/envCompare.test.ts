/**
 * "GitOps: Compare Environments" (issue 19) in the real VS Code UI (code-server + Chromium): the
 * workspace is a clone of the environments repository (test/support/envRepo.ts); the command runs from
 * the Command Palette, the app and the source environment are picked in quick picks (the target is the
 * one left), and VS Code's diff editor shows production against staging as rendered by `kubectl
 * kustomize`, titled with the summary. A screenshot of it is kept.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { Page } from 'playwright-core';
import { writeRepo } from '../support/envRepo';
import { keepScreenshot, openWorkbench, runCommand, type WorkbenchSession } from './workbenchSession';

const VIEWPORT = { width: 1400, height: 900 };

describe('Compare Environments (e2e)', function () {
  this.timeout(180_000);
  let session: WorkbenchSession | undefined;
  let page: Page;

  before(async () => {
    session = await openWorkbench({
      viewport: VIEWPORT,
      prepare: async (ws) => {
        writeRepo(ws.folder);
        const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Dev', '-c', 'user.email=dev@example.test', ...args], { cwd: ws.folder, stdio: 'pipe' });
        git('init', '--quiet', '--initial-branch=main');
        git('add', '-A');
        git('commit', '--quiet', '-m', 'environments');
      },
      codeServer: () => ({}),
    });
    ({ page } = session);
  });

  after(() => session?.close());

  async function pick(placeholder: RegExp, text: string): Promise<void> {
    const widget = page.locator('.quick-input-widget');
    await page.getByPlaceholder(placeholder).waitFor({ timeout: 60_000 });
    await widget.locator('input').fill(text);
    await widget.locator('.quick-input-list .monaco-list-row').filter({ hasText: text }).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
  }

  it('opens production against staging in the diff editor, titled with the summary, and keeps a screenshot', async () => {
    // The extension's contributions are in the workbench once its activity-bar container is.
    await page.getByRole('tab', { name: /^GitOps/ }).waitFor({ timeout: 90_000 });
    await runCommand(page, 'GitOps: Compare Environments');
    await pick(/which app/, 'storefront');
    await pick(/from which environment/, 'overlays/staging');
    const diff = page.locator('.monaco-diff-editor');
    await diff.first().waitFor({ timeout: 60_000 });
    const tab = page.locator('.tabs-container .tab.active');
    await tab.filter({ hasText: /behind overlays\/staging/ }).waitFor({ timeout: 30_000 });
    const title = (await tab.getAttribute('aria-label')) ?? (await tab.innerText());
    assert.match(title, /storefront: overlays\/production is 4 fields behind overlays\/staging/);
    // The notification repeats the summary.
    await page.locator('.notifications-toasts').filter({ hasText: /overlays\/production is 4 fields behind/ }).waitFor({ timeout: 15_000 });
    await keepScreenshot(page, 'env-compare.png', VIEWPORT);
  });
});
