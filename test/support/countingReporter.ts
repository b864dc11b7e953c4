/**
 * Mocha's spec reporter plus a counts file: every layer (unit, in-host integration, e2e) writes
 * `{passed, failed, pending}` to GITOPS_LENS_COUNTS_FILE so scripts/test.mjs can print one total.
 * In the extension host the console goes to VS Code's log, so the file is the reliable channel.
 */
import * as fs from 'node:fs';
import Mocha = require('mocha');

const { EVENT_RUN_END } = Mocha.Runner.constants;

class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const file = process.env.GITOPS_LENS_COUNTS_FILE;
      const stats = runner.stats;
      if (file && stats) {
        const failures = stats.failures;
        fs.writeFileSync(file, JSON.stringify({ passed: stats.passes, failed: failures, pending: stats.pending }));
      }
    });
  }
}

export = CountingReporter;
