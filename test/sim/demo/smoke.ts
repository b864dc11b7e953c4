/**
 * The demo's smoke check, done as a user would: open the workbench in Chromium, open the GitOps view,
 * and read the tree by accessible names. Each expectation yields one line of the report.
 */
import type { Browser } from 'playwright-core';
import type { DemoEnvironment } from './environment';
import { ENVIRONMENTS } from './sampleRepo';

export interface SmokeResult {
  ok: boolean;
  lines: string[];
}

export async function checkWorkbench(browser: Browser, url: string, env: DemoEnvironment): Promise<SmokeResult> {
  const lines: string[] = [];
  let ok = true;
  const check = async (what: string, fn: () => Promise<void>): Promise<void> => {
    const t = Date.now();
    try {
      await fn();
      lines.push(`  ok    ${what} (${Date.now() - t} ms)`);
    } catch (e) {
      ok = false;
      lines.push(`  FAIL  ${what}: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
    }
  };
  // Tall enough that the whole tree of both clusters is rendered (the tree is virtualised).
  const page = await browser.newPage({ viewport: { width: 1400, height: 2400 } });
  await check('workbench loaded', async () => {
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
  });
  await check('GitOps view opened', async () => {
    await page.getByRole('tab', { name: /^GitOps/ }).click({ timeout: 60_000 });
    await page.getByRole('tree', { name: 'Applications' }).waitFor({ timeout: 30_000 });
  });
  for (const name of ENVIRONMENTS) {
    const host = new URL(env.clusters[name].url).host;
    await check(`cluster ${name} listed (${host})`, () =>
      // The Sources view lists the same cluster rows; the Applications tree is the one checked here.
      page
        .getByRole('tree', { name: 'Applications' })
        .getByRole('treeitem', { name: new RegExp(`^Cluster ${name}, ${host.replace(/\./g, '\\.')}`) })
        .waitFor({ timeout: 30_000 }),
    );
  }
  // The demo's promised states, as the tree announces them (one app of each name per cluster).
  const expectations: Array<[string, RegExp, number]> = [
    ['Argo CD apps listed in both clusters', /^Argo CD Application guestbook, synced, healthy/, 2],
    ['podinfo drifted in staging only', /^Argo CD Application podinfo, out of sync, healthy/, 1],
    ['checkout degraded in production', /^Argo CD Application checkout, synced, degraded/, 1],
    ['Flux Kustomization redis ready in both clusters', /^Flux Kustomization redis, synced, healthy/, 2],
    ['Flux Kustomization experiments failing to build', /^Flux Kustomization experiments, .*degraded/, 1],
    ['Flux HelmRelease ingress-nginx listed in both clusters', /^Flux HelmRelease ingress-nginx, /, 2],
    // Environments (issue 19): storefront overlays per cluster, production waiting for a manual sync; shop's Helm releases.
    ['storefront synced in staging', /^Argo CD Application storefront, synced, healthy/, 1],
    ['storefront out of sync in production', /^Argo CD Application storefront, out of sync, healthy/, 1],
    ['Flux HelmRelease shop listed in both clusters', /^Flux HelmRelease shop, /, 2],
  ];
  for (const [what, name, count] of expectations) {
    await check(what, async () => {
      const items = page.getByRole('treeitem', { name });
      await items.nth(count - 1).waitFor({ timeout: 30_000 });
      const n = await items.count();
      if (n !== count) throw new Error(`expected ${count} item(s) named ${name}, found ${n}`);
    });
  }
  // The drifted manifest, opened as a user would (Quick Open): its lenses tell staging from production.
  await check('podinfo deployment.yaml shows drift in staging, in sync in production', async () => {
    await page.keyboard.press('Control+P');
    await page.keyboard.type('apps/podinfo/deployment.yaml');
    await page.waitForTimeout(500);
    await page.keyboard.press('Enter');
    const lenses = page.locator('.codelens-decoration');
    await lenses.filter({ hasText: /Drift: 2 fields · staging/ }).first().waitFor({ timeout: 30_000 });
    await lenses.filter({ hasText: /In sync · production/ }).first().waitFor({ timeout: 30_000 });
  });
  if (process.env.GITOPS_LENS_DEMO_SCREENSHOT) {
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.screenshot({ path: process.env.GITOPS_LENS_DEMO_SCREENSHOT });
    lines.push(`  screenshot ${process.env.GITOPS_LENS_DEMO_SCREENSHOT}`);
  }
  await page.close();
  return { ok, lines };
}
