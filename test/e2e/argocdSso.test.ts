/**
 * Argo CD SSO login answered in the browser (issue 16), in the real VS Code UI (code-server +
 * Chromium): an Argo CD reached only through its API (the stand-in, test/sim/argocd, with its bundled
 * Dex) is known from an `argocd` CLI config whose token has expired. The Applications view says the
 * server needs a login and the editor asks once; "GitOps: Log In to Argo CD Server…" → "Sign in with
 * SSO in the browser" opens Dex's sign-in page in a new browser tab (vscode.env.openExternal), the
 * person presses "Log in", Dex sends the browser back to the editor (asExternalUri → the extension's
 * URI handler), the code is exchanged with the PKCE verifier, and the server's apps appear.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { GUESTBOOK_APP } from '../fixtures/gitops/argocdApi';
import { startArgoCdSim, type ArgoCdSim } from '../sim/argocd/argocd';
import { keepScreenshot, openWorkbench, runCommand, type WorkbenchSession } from './workbenchSession';

const VIEWPORT = { width: 1280, height: 900 };
const CONTEXT = 'sim-sso';
const EXPIRED = 'expired-token-5e1a';

describe('Argo CD SSO login in the browser (e2e)', function () {
  this.timeout(240_000);
  let sim: ArgoCdSim | undefined;
  let session: WorkbenchSession | undefined;
  let page: Page;

  before(async () => {
    // Plain HTTP on a loopback address (argocd-server --insecure behind a port-forward): the browser
    // reaches Dex without a certificate to trust. Not 127.0.0.1: code-server turns an openExternal of a
    // localhost / 127.0.0.1 URL into its own port proxy URL without the path and query (its
    // resolveExternalUri with proxyEndpointTemplate), as if the page were served by the remote machine.
    sim = await startArgoCdSim({ apps: [GUESTBOOK_APP], plainText: true, host: '127.0.0.2' });
    sim.server.enableSso({ email: 'dev@example.test', name: 'Dev' });
    sim.addToken(EXPIRED, 'dev@example.test', [{ resource: '*', action: '*', object: '*' }]);
    sim.expireToken(EXPIRED);
    const s = sim;
    try {
      session = await openWorkbench({
        viewport: VIEWPORT,
        prepare: async (ws) => {
          const file = path.join(ws.fixtures, 'argocd-config');
          fs.writeFileSync(file, s.cliConfig(CONTEXT, { token: EXPIRED }), { mode: 0o600 });
        },
        codeServer: (ws) => ({ userSettings: { 'gitopsLens.argocd.configFile': path.join(ws.fixtures, 'argocd-config') } }),
      });
    } catch (e) {
      await sim.stop();
      sim = undefined;
      throw e;
    }
    ({ page } = session);
  });

  after(async () => {
    await session?.close();
    await sim?.stop();
  });

  const row = (text: string) => page.locator('.monaco-list-row').filter({ hasText: text });

  it('says the login expired once, signs in with SSO in the browser, and lists the apps', async () => {
    await page.getByRole('tab', { name: /^GitOps/ }).click();
    await page.getByRole('tree', { name: 'Applications' }).waitFor({ timeout: 30_000 });
    await row(CONTEXT).filter({ hasText: 'login needed' }).first().waitFor({ timeout: 90_000 });
    const toast = page.locator('.notification-toast').filter({ hasText: 'the Argo CD login has expired' });
    await toast.first().waitFor({ timeout: 30_000 });
    assert.equal(await toast.count(), 1, 'the expired login is asked about once');

    await runCommand(page, 'GitOps: Log In to Argo CD Server…');
    const quick = page.locator('.quick-input-widget');
    await quick.locator('.monaco-list-row').filter({ hasText: CONTEXT }).first().waitFor({ timeout: 15_000 });
    await page.keyboard.press('Enter');
    await quick.locator('.monaco-list-row').filter({ hasText: 'Sign in with SSO in the browser' }).first().waitFor({ timeout: 15_000 });
    const popup = page.context().waitForEvent('page', { timeout: 60_000 });
    await quick.locator('.monaco-list-row').filter({ hasText: 'Sign in with SSO in the browser' }).first().click();
    // VS Code's link protection asks before opening a domain it does not trust yet: the person says Open.
    const open = page.locator('.monaco-dialog-box').getByRole('button', { name: 'Open', exact: true });
    await open.waitFor({ timeout: 30_000 }).then(() => open.click(), () => undefined);

    // The provider's page in a new tab: the person answers the login there.
    const dex = await popup;
    await dex.locator('#login').waitFor({ timeout: 30_000 }).catch(async (e: unknown) => {
      throw new Error(`${e instanceof Error ? e.message : String(e)}; the tab shows ${dex.url()}: ${(await dex.content().catch(() => '')).slice(0, 500)}`);
    });
    assert.match(dex.url(), /\/api\/dex\/auth\?/);
    assert.match(dex.url(), /code_challenge_method=S256/);
    await dex.locator('#login').click();

    // Back in the editor: signed in, the server's app listed.
    await page.locator('.notification-toast').filter({ hasText: `signed in to Argo CD ${CONTEXT} as dev@example.test` }).first().waitFor({ timeout: 60_000 });
    await row('guestbook').first().waitFor({ timeout: 60_000 });
    await row(CONTEXT).filter({ hasText: 'login needed' }).waitFor({ state: 'detached', timeout: 30_000 });
    assert.deepEqual(sim!.server.dex?.logins, [{ email: 'dev@example.test', clientId: 'argo-cd-cli' }]);
    // The token is the id_token Dex issued, sent as a bearer token: the API saw the new session.
    assert.ok(sim!.server.requests.some((r) => r.path === '/api/v1/applications' && r.status === 200));
    await keepScreenshot(page, 'argocd-sso.png', VIEWPORT);
  });
});
