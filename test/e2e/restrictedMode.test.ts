/**
 * Restricted Mode (issue 12) in the real VS Code UI (code-server + Chromium) with Workspace Trust ON and
 * the folder untrusted, as a user who just cloned a stranger's repository would open it. The repository
 * is hostile:
 * - `.vscode/settings.json` names a kubeconfig inside the repository whose exec credential plugin writes
 *   a marker file, maps a plain-http host on another machine to `github`, and turns on server-side dry-run;
 * - the user's own settings name a kubeconfig under `${workspaceFolder}` (another marker);
 * - `.git/config` sets `core.fsmonitor` to a script that writes a marker whenever git runs there;
 * - its `origin` is that plain-http host, a listener recording every request.
 * GitOps Lens must still show the clusters of the user's KUBECONFIG, say in its views what Restricted
 * Mode turns off, refuse "Open Pull Request" in words, and never write a marker nor send anything
 * (let alone a token) to the listener.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { hostileKubeconfig, nonLoopbackAddress, requestsCarry, startRecordingServer, type RecordingServer } from '../support/hostile';
import { answerInputBox, keepScreenshot, openWorkbench, runCommand, type WorkbenchSession } from './workbenchSession';

const VIEWPORT = { width: 1280, height: 900 };
const TOKEN = 'glpat-restricted-4b7d2e';
const USER_KUBECONFIG_ENTRY = '${workspaceFolder}/hostile/user-kubeconfig.yaml';

function git(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('git', args, { cwd }, (err, stdout, stderr) => (err ? reject(new Error(`git ${args.join(' ')}: ${stderr}`)) : resolve(stdout))),
  );
}

describe('Restricted Mode: a hostile repository in an untrusted workspace (e2e)', function () {
  this.timeout(180_000);
  let session: WorkbenchSession | undefined;
  let page: Page;
  let forge: RecordingServer | undefined;
  let cluster: RecordingServer | undefined;
  const markers: Record<string, string> = {};

  const markersWritten = () => Object.entries(markers).filter(([, file]) => fs.existsSync(file)).map(([what]) => what);

  before(async () => {
    forge = await startRecordingServer(nonLoopbackAddress());
    cluster = await startRecordingServer('127.0.0.1');
    try {
      session = await openWorkbench({
        viewport: VIEWPORT,
        prepare: async (ws) => {
          markers['workspace kubeconfig exec plugin'] = path.join(ws.root, 'marker-workspace-kubeconfig');
          markers['user-setting kubeconfig exec plugin'] = path.join(ws.root, 'marker-user-kubeconfig');
          markers['git core.fsmonitor'] = path.join(ws.root, 'marker-git');
          const hostile = path.join(ws.folder, 'hostile');
          fs.mkdirSync(hostile, { recursive: true });
          fs.writeFileSync(path.join(hostile, 'ws-kubeconfig.yaml'), hostileKubeconfig(cluster!.url, markers['workspace kubeconfig exec plugin']!));
          fs.writeFileSync(path.join(hostile, 'user-kubeconfig.yaml'), hostileKubeconfig(cluster!.url, markers['user-setting kubeconfig exec plugin']!));
          fs.mkdirSync(path.join(ws.folder, '.vscode'), { recursive: true });
          fs.writeFileSync(
            path.join(ws.folder, '.vscode', 'settings.json'),
            JSON.stringify({
              'gitopsLens.kubeconfig': ['${workspaceFolder}/hostile/ws-kubeconfig.yaml'],
              'gitopsLens.forges': { [forge!.host]: 'github' },
              'gitopsLens.drift.serverSideDryRun': true,
            }),
          );
          await git(ws.folder, ['init', '--quiet', '-b', 'main']);
          await git(ws.folder, ['config', 'user.name', 'Dev One']);
          await git(ws.folder, ['config', 'user.email', 'dev@example.test']);
          await git(ws.folder, ['add', '.']);
          await git(ws.folder, ['commit', '--quiet', '-m', 'init']);
          await git(ws.folder, ['remote', 'add', 'origin', `${forge!.url}/acme/gitops.git`]);
          const hook = path.join(ws.root, 'fsmonitor.sh');
          fs.writeFileSync(hook, `#!/bin/sh\necho ran > '${markers['git core.fsmonitor']}'\n`, { mode: 0o755 });
          await git(ws.folder, ['config', 'core.fsmonitor', hook]);
          // An uncommitted manifest change, so that a pull request would have something to carry.
          const manifest = fs.readdirSync(path.join(ws.folder, 'apps'), { recursive: true, encoding: 'utf8' }).find((f) => f.endsWith('.yaml'));
          assert.ok(manifest, 'the workspace fixture has no manifest');
          fs.appendFileSync(path.join(ws.folder, 'apps', manifest), '# changed\n');
        },
        codeServer: (_ws, sims) => ({
          workspaceTrust: true,
          env: { KUBECONFIG: sims.kubeconfigFile },
          // The user's own settings: a forge mapping for the host (so the token prompt offers it) and a
          // kubeconfig entry that points into whatever folder is open.
          userSettings: { 'gitopsLens.forges': { [forge!.host]: 'gitlab' }, 'gitopsLens.kubeconfig': [USER_KUBECONFIG_ENTRY] },
        }),
      });
    } catch (e) {
      await forge.stop();
      await cluster.stop();
      throw e;
    }
    ({ page } = session);
  });

  after(async () => {
    await session?.close();
    await forge?.stop();
    await cluster?.stop();
  });

  it('opens in Restricted Mode and still lists the apps of the user\'s own clusters', async () => {
    await page.locator('.statusbar').getByText('Restricted Mode').waitFor({ timeout: 60_000 });
    await page.getByRole('tab', { name: /^GitOps/ }).click();
    const tree = page.getByRole('tree', { name: 'Applications' });
    await tree.getByRole('treeitem', { name: /^Argo CD Application checkout/ }).waitFor({ timeout: 60_000 });
    await tree.getByRole('treeitem', { name: /^Cluster sim-argo, / }).waitFor();
    assert.equal(await tree.getByRole('treeitem', { name: /^Cluster hostile/ }).count(), 0, 'a hostile kubeconfig context is listed');
  });

  it('says in its views what Restricted Mode turns off', async () => {
    const message = page.getByText(/^Restricted Mode: pull requests are off/);
    await message.waitFor({ timeout: 30_000 });
    const text = await message.innerText();
    assert.match(text, /kubeconfig files and forge settings are ignored/);
    assert.ok(text.includes(USER_KUBECONFIG_ENTRY), `the skipped user entry is not named: ${text}`);
  });

  it('refuses to open a pull request, in words, without running git or sending the token', async () => {
    // A token stored through the UI for the repository's host (as a user might have done before).
    await runCommand(page, 'GitOps: Set Forge Token');
    await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: forge!.host }).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
    await answerInputBox(page, /^GitLab token for /, TOKEN);
    await page.locator('.notifications-toasts').getByText(`token for ${forge!.host} saved`).waitFor({ timeout: 15_000 });

    await runCommand(page, 'GitOps: Open Pull Request for Changes');
    const refusal = page.locator('.notifications-toasts').getByText(/Pull requests are off in Restricted Mode/);
    await refusal.waitFor({ timeout: 30_000 });
    assert.match(await refusal.innerText(), /Manage Workspace Trust/);
    await keepScreenshot(page, 'restricted-mode.png', VIEWPORT);
  });

  it('ran nothing of the repository and sent nothing to its hosts', async () => {
    // The views have connected and refreshed meanwhile; give a late connection attempt time to show.
    await runCommand(page, 'GitOps: Refresh');
    await new Promise((r) => setTimeout(r, 3_000));
    assert.deepEqual(markersWritten(), []);
    assert.ok(!requestsCarry(forge!.requests, TOKEN), 'the token reached the plain-http host');
    assert.deepEqual(forge!.requests.map((r) => `${r.method} ${r.url}`), []);
    assert.deepEqual(cluster!.requests.map((r) => `${r.method} ${r.url}`), []);
  });
});
