/**
 * What each e2e suite starts before its tests: a throw-away workspace, the two simulated clusters,
 * code-server on that workspace, and headless Chromium showing its workbench; and the screenshot check
 * the suites end with.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startCodeServer, workbenchUrl, type CodeServer, type CodeServerOptions } from '../support/codeServer';
import { REPO_ROOT } from '../support/paths';
import { prepareWorkspace, type TestWorkspace } from '../support/workspace';
import { startSims, type StartedSims } from '../integration/simClusters';

/** Ignored by Git: a test run never changes a tracked file (docs images are copied from here by hand). */
export const SCREENSHOTS = path.join(REPO_ROOT, 'test', 'e2e', 'screenshots');

export interface Viewport {
  readonly width: number;
  readonly height: number;
}

export interface WorkbenchSessionOptions {
  readonly viewport: Viewport;
  /** Runs before code-server starts, e.g. to put files into the workspace folder. */
  prepare?(ws: TestWorkspace, sims: StartedSims): Promise<void>;
  codeServer(ws: TestWorkspace, sims: StartedSims): CodeServerOptions;
}

export interface WorkbenchSession {
  readonly ws: TestWorkspace;
  readonly sims: StartedSims;
  readonly server: CodeServer;
  readonly page: Page;
  /** Stops everything started, in reverse order, and removes the workspace. */
  close(): Promise<void>;
}

/** Starts the session; when a step fails, what had started is stopped before the error is thrown. */
export async function openWorkbench(opts: WorkbenchSessionOptions): Promise<WorkbenchSession> {
  const ws = prepareWorkspace();
  let sims: StartedSims | undefined;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await server?.stop();
    await sims?.stop();
    fs.rmSync(ws.root, { recursive: true, force: true });
  };
  try {
    sims = await startSims(ws.fixtures);
    await opts.prepare?.(ws, sims);
    server = await startCodeServer(opts.codeServer(ws, sims));
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: opts.viewport });
    await page.goto(workbenchUrl(server.url, ws.folder));
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    return { ws, sims, server, page, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Saves a screenshot of the page under SCREENSHOTS and checks it is a PNG of the viewport's size. */
export async function keepScreenshot(page: Page, name: string, viewport: Viewport): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, name);
  fs.rmSync(file, { force: true });
  await page.screenshot({ path: file });
  const png = fs.readFileSync(file);
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  // IHDR holds width and height as big-endian 32-bit integers at bytes 16-23.
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [viewport.width, viewport.height]);
}

/** Runs a command from the Command Palette by its title ("GitOps: Set Forge Token"). */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
}

/** Waits for the InputBox whose title is `title`, types `text` and presses Enter. */
export async function answerInputBox(page: Page, title: RegExp, text: string): Promise<void> {
  const quickInput = page.locator('.quick-input-widget');
  await quickInput.locator('.quick-input-title').filter({ hasText: title }).waitFor({ timeout: 60_000 });
  await quickInput.locator('input').fill(text);
  await page.keyboard.press('Enter');
  await quickInput.locator('.quick-input-title').filter({ hasText: title }).waitFor({ state: 'hidden', timeout: 15_000 });
}
