/**
 * "The image-update lens opens a PR" (issue 15) in the real VS Code UI (code-server + Chromium): the
 * workspace is a clone of a GitLab repository on the forge simulator (run in this process) whose
 * Deployment runs registry.example.test/web:1.4.1; the cluster (a Flux 2.7-era simulator, also run
 * here) has an ImagePolicy selecting 1.4.2. The user opens the file, clicks "1.4.2 available: open PR",
 * confirms the preview and the title, and the forge holds one PR with the new tag, while the file in
 * the workspace is unchanged.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { parse } from 'yaml';
import { startForgeSim, type StartedForgeSim } from '../integration/simClusters';
import { startSimCluster, type SimCluster } from '../sim/k8s/cluster';
import { fluxCrds } from '../fixtures/sim/fluxEras';
import { seedable } from '../support/simObjects';
import { answerInputBox, keepScreenshot, openWorkbench, runCommand, type WorkbenchSession } from './workbenchSession';

const VIEWPORT = { width: 1280, height: 900 };
const FULL_NAME = 'acme/web-images';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: apps
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: registry.example.test/web:1.4.1
`;

/** An ImagePolicy as image-reflector-controller v1.0 (Flux 2.7) writes it. */
const POLICY = parse(`apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: web, namespace: flux-system, generation: 1}
spec:
  imageRepositoryRef: {name: web}
  policy: {semver: {range: ">=1.0.0"}}
status:
  observedGeneration: 1
  latestRef: {name: registry.example.test/web, tag: 1.4.2}
  conditions:
  - {type: Ready, status: "True", reason: Succeeded, message: "Latest image tag for registry.example.test/web resolved to 1.4.2", observedGeneration: 1}
`) as unknown;

interface PullRecord {
  readonly title: string;
  readonly head: string;
  readonly state: string;
}

// Async: the simulators run in this process, a synchronous child would block their event loop.
function git(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('git', args, { cwd }, (err, stdout, stderr) => (err ? reject(new Error(`git ${args.join(' ')}: ${stderr}`)) : resolve(stdout))),
  );
}

describe('Image-update lens opens a pull request (e2e)', function () {
  this.timeout(180_000);
  let forge: StartedForgeSim | undefined;
  let cluster: SimCluster | undefined;
  let session: WorkbenchSession | undefined;
  let page: Page;
  let host = '';

  async function pulls(): Promise<PullRecord[]> {
    const r = await fetch(`${forge!.access.control}/pulls?repo=${encodeURIComponent(FULL_NAME)}`);
    return (await r.json()) as PullRecord[];
  }

  before(async () => {
    forge = await startForgeSim();
    cluster = await startSimCluster({ objects: [...fluxCrds('2.7'), seedable(POLICY)] });
    host = new URL(forge.access.url).host;
    const created = await fetch(`${forge.access.control}/repos`, { method: 'POST', body: JSON.stringify({ fullName: FULL_NAME, files: { 'apps/web/deployment.yaml': DEPLOYMENT } }) });
    assert.equal(created.status, 200, await created.clone().text());
    const { cloneUrls } = (await created.json()) as { cloneUrls: Record<string, string> };
    const cloneUrl = cloneUrls['gitlab'];
    assert.ok(cloneUrl, 'no GitLab clone URL');
    try {
      session = await openWorkbench({
        viewport: VIEWPORT,
        prepare: async (ws) => {
          fs.rmSync(ws.folder, { recursive: true, force: true });
          await git(path.dirname(ws.folder), ['clone', '--quiet', cloneUrl, ws.folder]);
          await git(ws.folder, ['config', 'user.name', 'Dev One']);
          await git(ws.folder, ['config', 'user.email', 'dev@example.test']);
          fs.writeFileSync(path.join(ws.fixtures, 'images-kubeconfig.yaml'), cluster!.kubeconfig('images'));
        },
        codeServer: (ws) => ({
          env: { KUBECONFIG: path.join(ws.fixtures, 'images-kubeconfig.yaml') },
          userSettings: { 'gitopsLens.forges': { [host]: 'gitlab' } },
        }),
      });
    } catch (e) {
      await cluster.stop();
      await forge.stop();
      cluster = undefined;
      forge = undefined;
      throw e;
    }
    ({ page } = session);
  });

  after(async () => {
    await session?.close();
    await cluster?.stop();
    await forge?.stop();
  });

  it('clicking "1.4.2 available: open PR" opens a PR with the new tag and leaves the file alone', async () => {
    // The clusters connect once a GitOps view is visible.
    await page.getByRole('tab', { name: /^GitOps/ }).click();
    await page.getByRole('treeitem', { name: /^Image automation/ }).waitFor({ timeout: 60_000 });
    await runCommand(page, 'GitOps: Set Forge Token');
    await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: host }).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
    await answerInputBox(page, new RegExp(`^GitLab token for ${host.replace(/[.]/g, '\\.')}$`), forge!.access.token);

    // Open the manifest through Quick Open, as a user would.
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('apps/web/deployment.yaml');
    await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'deployment.yaml' }).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
    const lens = page.locator('.contentWidgets .codelens-decoration a, .codelens-decoration a').filter({ hasText: '1.4.2 available: open PR' }).first();
    await lens.waitFor({ timeout: 60_000 });
    await lens.click();

    const preview = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await preview.getByRole('button', { name: 'Open PR' }).click({ timeout: 60_000 });
    const quickInput = page.locator('.quick-input-widget');
    await quickInput.getByText('Pull request title').waitFor({ timeout: 30_000 });
    assert.equal(await quickInput.locator('input').inputValue(), 'Update web to 1.4.2');
    await page.keyboard.press('Enter');
    const toast = page.locator('.notifications-toasts .notification-toast').filter({ has: page.getByRole('button', { name: 'Open PR' }) });
    await toast.waitFor({ timeout: 60_000 });

    const prs = await pulls();
    assert.equal(prs.length, 1, JSON.stringify(prs));
    assert.deepEqual([prs[0]!.title, prs[0]!.state], ['Update web to 1.4.2', 'open']);
    const folder = session!.ws.folder;
    await git(folder, ['fetch', '--quiet', 'origin', prs[0]!.head]);
    assert.equal(await git(folder, ['show', 'FETCH_HEAD:apps/web/deployment.yaml']), DEPLOYMENT.replace('web:1.4.1', 'web:1.4.2'));
    // Never a direct write.
    assert.equal(fs.readFileSync(path.join(folder, 'apps', 'web', 'deployment.yaml'), 'utf8'), DEPLOYMENT);
    assert.equal(await git(folder, ['status', '--porcelain=v1']), '');
    await keepScreenshot(page, 'image-update-pr.png', VIEWPORT);
  });
});
