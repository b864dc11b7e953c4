/**
 * Entry point the VS Code extension host loads as `extensionTestsPath` (both @vscode/test-electron
 * and the code-server runner). Runs every compiled test under out/test/integration.
 *
 * Every in-host suite must pass alone and in any order: before the first suite and after each
 * top-level suite the host is put back as the runner started it (integration/hostState.ts). From the
 * environment (test/integration/runner.ts passes them on):
 * - GITOPS_LENS_TEST_SHUFFLE=<seed>|random: top-level suites in an order drawn from the seed (printed,
 *   so a failing order can be run again); tests inside a suite keep their order.
 * - GITOPS_LENS_TEST_SUITE=<title>: only the top-level suite of that exact title.
 * - GITOPS_LENS_TEST_LIST_FILE=<file>: writes the top-level suite titles there as JSON and runs nothing.
 * - GITOPS_LENS_TEST_GREP=<pattern>: mocha's grep over full test titles.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha = require('mocha');
import { hostLog } from './support/hostLog';
import { recordHostState, resetHostState } from './integration/hostState';

/** mulberry32: a small seeded generator, so an order can be replayed from its printed seed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates with the seeded generator. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  const next = seeded(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export async function run(): Promise<void> {
  // In code-server the host console reaches the runner mixed with the workbench's own messages;
  // mocha's reporters write through Base.consoleLog, so tagging it lets the runner show them.
  const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
  const baseLog = base.consoleLog;
  base.consoleLog = hostLog;
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: 30_000,
    reporter: path.join(__dirname, 'support', 'countingReporter.js'),
  });
  const dir = path.join(__dirname, 'integration');
  for (const f of fs.readdirSync(dir).sort()) {
    if (f.endsWith('.test.js')) mocha.addFile(path.join(dir, f));
  }
  // Load now (not in run) so the top-level suites can be chosen, ordered and given the reset hook.
  // (loadFiles is mocha's own synchronous `require` of each file; typed protected in @types/mocha.)
  const loader = mocha as unknown as { loadFiles(): void; lazyLoadFiles(enable: boolean): void };
  loader.loadFiles();
  loader.lazyLoadFiles(true);
  const root = mocha.suite;
  const titles = root.suites.map((s) => s.title);

  const listFile = process.env.GITOPS_LENS_TEST_LIST_FILE;
  if (listFile) {
    fs.writeFileSync(listFile, JSON.stringify(titles));
    root.suites = [];
  }
  const only = process.env.GITOPS_LENS_TEST_SUITE;
  if (only) {
    root.suites = root.suites.filter((s) => s.title === only);
    if (root.suites.length === 0) throw new Error(`no top-level suite is titled "${only}"; there are: ${titles.join(' | ')}`);
  }
  const shuffle = process.env.GITOPS_LENS_TEST_SHUFFLE;
  if (shuffle) {
    const seed = /^\d+$/.test(shuffle) ? Number(shuffle) : Math.floor(Math.random() * 2 ** 31);
    root.suites = shuffled(root.suites, seed);
    hostLog(`suites in shuffled order, GITOPS_LENS_TEST_SHUFFLE=${seed}:\n${root.suites.map((s, i) => `  ${i + 1}. ${s.title}`).join('\n')}`);
  }
  if (root.suites.length > 0) {
    root.beforeAll('record the host state the runner laid out, and start from it', async () => {
      recordHostState();
      await resetHostState();
    });
    // Added after the files loaded: runs after each suite's own `after` hooks.
    for (const suite of root.suites) suite.afterAll('reset the host state for the next suite', resetHostState);
  }

  const grep = process.env.GITOPS_LENS_TEST_GREP;
  if (grep) mocha.grep(grep);
  try {
    await new Promise<void>((resolve, reject) => {
      mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} integration test(s) failed`)) : resolve()));
    });
  } finally {
    base.consoleLog = baseLog;
  }
}
