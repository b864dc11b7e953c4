/**
 * The History node of an app (issue 17) in the real VS Code UI (code-server + headless Chromium): the
 * audit story of test/support/auditStory.ts (a direct push, a pull request approved by one person and
 * merged by another on the forge simulator, an Argo CD app that deployed both, a Flux app behind), the
 * workspace a clone of that repository, the forge token entered through "GitOps: Set Forge Token".
 * Expanding the app and its History shows each deployment with the pull request and approvals, the
 * direct push flagged, the unprotected branch, and where the path runs; a screenshot is kept.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { startForgeSim, type StartedForgeSim } from '../integration/simClusters';
import { buildAuditStory, storyGit, type AuditStory } from '../support/auditStory';
import { answerInputBox, keepScreenshot, openWorkbench, runCommand, type WorkbenchSession } from './workbenchSession';

const VIEWPORT = { width: 1440, height: 1000 };

describe('History view of an app (e2e)', function () {
  this.timeout(240_000);
  let forge: StartedForgeSim | undefined;
  let session: WorkbenchSession | undefined;
  let story: AuditStory | undefined;
  let page: Page;
  let host = '';
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-history-e2e-'));

  before(async () => {
    forge = await startForgeSim();
    const access = forge.access;
    host = new URL(access.url).host;
    try {
      session = await openWorkbench({
        viewport: VIEWPORT,
        // The story on the simulators, and the workspace folder a clone of its repository.
        prepare: async (ws, sims) => {
          story = await buildAuditStory(access, sims.access, tmp, randomBytes(3).toString('hex'));
          fs.rmSync(ws.folder, { recursive: true, force: true });
          await storyGit(path.dirname(ws.folder), ['clone', '--quiet', story.url, ws.folder]);
        },
        codeServer: (_ws, sims) => ({
          env: { KUBECONFIG: sims.kubeconfigFile },
          userSettings: { 'gitopsLens.forges': { [host]: 'gitea' } },
        }),
      });
    } catch (e) {
      await forge.stop();
      forge = undefined;
      throw e;
    }
    ({ page } = session);
  });

  after(async () => {
    await session?.close();
    await forge?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('shows each deployment with its commit, pull request and approvals, the policy flags, and keeps a screenshot', async () => {
    const escHost = host.replace(/[.]/g, '\\.');
    await page.getByRole('tab', { name: /^GitOps/ }).click();
    const tree = page.getByRole('tree', { name: 'Applications' });
    const app = tree.getByRole('treeitem', { name: new RegExp(`^Argo CD Application ${story!.app}`) });
    await app.waitFor({ timeout: 60_000 });
    // The token for the forge, stored through the UI (no user name: a Gitea access token).
    await runCommand(page, 'GitOps: Set Forge Token');
    await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: host }).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
    await answerInputBox(page, new RegExp(`^Gitea token for ${escHost}$`), forge!.access.token);
    await answerInputBox(page, new RegExp(`^Gitea user name for ${escHost}$`), '');
    await page.locator('.notifications-toasts').getByText(`token for ${host} saved`).waitFor({ timeout: 15_000 });
    await page.keyboard.press('Escape');

    await app.click();
    const history = tree.getByRole('treeitem', { name: /^History, / });
    await history.waitFor({ timeout: 15_000 });
    await history.click();
    // The merge's deployment: bob's change, committed by dave, approved by erin, merged by frank.
    const merged = tree.getByRole('treeitem', { name: new RegExp(`^${story!.merge.slice(0, 7)} web: 3 replicas, .*bob \\(committed by dave\\) in #1 \\(approved by erin, merged by frank\\).*running`) });
    await merged.waitFor({ timeout: 60_000 });
    await tree.getByRole('treeitem', { name: new RegExp(`^${story!.direct.slice(0, 7)} web: first deployment, .*alice in no pull request · ⚠ not through a merged pull request`) }).waitFor();
    await tree.getByRole('treeitem', { name: /^main is not protected: anyone with write access can push to it/ }).waitFor();
    await tree.getByRole('treeitem', { name: /^Where apps\/web runs now, sim-argo since 2026-03-02 10:32 UTC, sim-flux at main@[0-9a-f]{7}$/ }).waitFor();
    assert.match((await history.getAttribute('aria-label')) ?? '', /2 deployments · 1 flagged · main unprotected/);
    // The tooltip of the merge's deployment, in the screenshot with the rows.
    await merged.hover();
    await page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'where it runs now' }).first().waitFor({ timeout: 15_000 });
    await keepScreenshot(page, 'history-view.png', VIEWPORT);
  });
});
