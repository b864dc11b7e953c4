/**
 * Entry point the VS Code extension host loads as `extensionTestsPath` (both @vscode/test-electron
 * and the code-server runner). Runs every compiled test under out/test/integration.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha = require('mocha');
import { hostLog } from './support/hostLog';

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
