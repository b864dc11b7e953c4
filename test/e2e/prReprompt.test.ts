/**
 * "A 401 asks for a new token once" (issue 6, src/vscode/pr/auth.ts withCredentials → renew →
 * promptToken) in the real VS Code UI (code-server + Chromium): the workspace is a clone of a GitLab
 * repository on the forge simulator (test/sim/forge, run in this process), a WRONG token is stored
 * through "GitOps: Set Forge Token", and "GitOps: Open Pull Request for Changes" runs from the Command
 * Palette. After the preview and the title, the forge answers 401, the "GitLab token for …" InputBox
 * appears, the right token is typed, and the PR is opened: the final notification offers "Open PR" /
 * "Copy link", the forge holds exactly one PR, and neither token is shown anywhere on the page.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { startForgeSim, type StartedForgeSim } from '../integration/simClusters';
import { answerInputBox as answerInputBoxOn, keepScreenshot, openWorkbench, runCommand as runCommandOn, type WorkbenchSession } from './workbenchSession';

const VIEWPORT = { width: 1280, height: 900 };
const FULL_NAME = 'acme/gitops-reprompt';
const WRONG_TOKEN = 'glpat-wrong-7d3e0b';

const DEPLOYMENT = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: guestbook
  namespace: guestbook
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: guestbook}}
  template:
    metadata: {labels: {app: guestbook}}
    spec:
      containers:
      - name: guestbook
        image: registry.example.test/guestbook:1.0.0
`;

interface PullRecord {
  readonly number: number;
  readonly title: string;
  readonly state: string;
}

// Async: the forge simulator runs in this process, a synchronous child would block its event loop.
function git(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('git', args, { cwd }, (err, stdout, stderr) => (err ? reject(new Error(`git ${args.join(' ')}: ${stderr}`)) : resolve(stdout))),
  );
}

describe('Pull request token re-prompt on 401 (e2e)', function () {
  this.timeout(180_000);
  let forge: StartedForgeSim | undefined;
  let session: WorkbenchSession | undefined;
  let page: Page;
  let host = '';

  async function pulls(): Promise<PullRecord[]> {
    const r = await fetch(`${forge!.access.control}/pulls?repo=${encodeURIComponent(FULL_NAME)}`);
    return (await r.json()) as PullRecord[];
  }

  before(async () => {
    forge = await startForgeSim();
    host = new URL(forge.access.url).host;
    const created = await fetch(`${forge.access.control}/repos`, {
      method: 'POST',
      body: JSON.stringify({ fullName: FULL_NAME, files: { 'apps/guestbook/deployment.yaml': DEPLOYMENT(3) } }),
    });
    assert.equal(created.status, 200, await created.clone().text());
    const { cloneUrls } = (await created.json()) as { cloneUrls: Record<string, string> };
    const cloneUrl = cloneUrls['gitlab'];
    assert.ok(cloneUrl, 'no GitLab clone URL');
    try {
      session = await openWorkbench({
        viewport: VIEWPORT,
        // The workspace folder is the clone itself, with an uncommitted change of replicas.
        prepare: async (ws) => {
          fs.rmSync(ws.folder, { recursive: true, force: true });
          await git(path.dirname(ws.folder), ['clone', '--quiet', cloneUrl, ws.folder]);
          await git(ws.folder, ['config', 'user.name', 'Dev One']);
          await git(ws.folder, ['config', 'user.email', 'dev@example.test']);
          fs.writeFileSync(path.join(ws.folder, 'apps', 'guestbook', 'deployment.yaml'), DEPLOYMENT(5));
        },
        codeServer: (_ws, sims) => ({
          env: { KUBECONFIG: sims.kubeconfigFile },
          userSettings: { 'gitopsLens.forges': { [host]: 'gitlab' } },
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
  });

  const quickInput = () => page.locator('.quick-input-widget');

  const runCommand = (title: string) => runCommandOn(page, title);
  const answerInputBox = (title: RegExp, text: string) => answerInputBoxOn(page, title, text);

  /**
   * What the page and its frames (webviews included) hold: `text` is what is rendered as text, `all`
   * adds the markup and every input's value (VS Code keeps the last value in the hidden quick input).
   */
  async function pageContents(): Promise<{ text: string; all: string }> {
    const text: string[] = [];
    const all: string[] = [];
    for (const frame of page.frames()) {
      try {
        // A string, so that the DOM types stay out of this Node project's compilation.
        const [t, markup, values] = await frame.evaluate<[string, string, string]>(`[
          document.body ? document.body.innerText : '',
          document.documentElement.outerHTML,
          [...document.querySelectorAll('input, textarea')].map((e) => e.value).join('\\n'),
        ]`);
        text.push(t);
        all.push(t, markup, values);
      } catch {
        // A frame detached while we read: nothing of it is on the page any more.
      }
    }
    return { text: text.join('\n'), all: all.join('\n') };
  }

  it('asks for a new token after a 401, opens the PR with it, and shows no token', async () => {
    const escHost = host.replace(/[.]/g, '\\.');
    // The extension is up once its view lists the simulated clusters' apps.
    await page.getByRole('tab', { name: /^GitOps/ }).click();
    await page.getByRole('treeitem', { name: /^Argo CD Application checkout/ }).waitFor({ timeout: 60_000 });
    // A wrong token stored through the UI: the workspace's forge host is offered in the pick.
    await runCommand('GitOps: Set Forge Token');
    await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: host }).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
    await answerInputBox(new RegExp(`^GitLab token for ${escHost}$`), WRONG_TOKEN);
    await page.locator('.notifications-toasts').getByText(`token for ${host} saved`).waitFor({ timeout: 15_000 });

    await runCommand('GitOps: Open Pull Request for Changes');
    // One changed manifest, preselected in the pick (when a pick is shown at all).
    const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'apps/guestbook/deployment.yaml' });
    const preview = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    const openPr = preview.getByRole('button', { name: 'Open PR' });
    // Whichever comes first; the other wait must not reject unobserved later.
    await Promise.race([row.waitFor({ timeout: 30_000 }).catch(() => undefined), openPr.waitFor({ timeout: 30_000 }).catch(() => undefined)]);
    if (await row.isVisible()) await page.keyboard.press('Enter');
    await openPr.click({ timeout: 30_000 });
    // The title InputBox, with the plan's title: accepted as is.
    await quickInput().locator('input').waitFor({ state: 'visible', timeout: 30_000 });
    await quickInput().getByText('Pull request title').waitFor({ timeout: 30_000 });
    assert.equal(await pulls().then((p) => p.length), 0, 'a PR was opened before the title was accepted');
    await page.keyboard.press('Enter');

    // The forge answered 401 for the wrong token: asked once for a new one, in the forge's words.
    const reprompt = quickInput().locator('.quick-input-title').filter({ hasText: new RegExp(`^GitLab token for ${escHost}$`) });
    await reprompt.waitFor({ timeout: 60_000 });
    assert.match(await quickInput().innerText(), new RegExp(`${escHost} (said|rejected)`));
    assert.equal((await pulls()).length, 0, 'a PR was opened with the wrong token');
    await answerInputBox(new RegExp(`^GitLab token for ${escHost}$`), forge!.access.token);

    const toast = page.locator('.notifications-toasts .notification-toast').filter({ has: page.getByRole('button', { name: 'Open PR' }) });
    await toast.waitFor({ timeout: 60_000 });
    await toast.getByRole('button', { name: 'Copy link' }).waitFor();
    const prs = await pulls();
    assert.equal(prs.length, 1, JSON.stringify(prs));
    assert.equal(prs[0]!.state, 'open');
    // Asked once: no second token prompt is open.
    assert.equal(await reprompt.isVisible(), false, 'the token was asked for again');

    const shown = await pageContents();
    assert.ok(!shown.all.includes(WRONG_TOKEN), 'the wrong token is on the page');
    assert.ok(!shown.text.includes(forge!.access.token), 'the right token is shown on the page');
    await keepScreenshot(page, 'pr-reprompt.png', VIEWPORT);
  });
});
