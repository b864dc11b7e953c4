// Runs the three test layers (unit, integration in a real VS Code, e2e in Chromium), prints each
// layer's counts, and ends with one line `N passed, N failed` over all layers. Before anything, what
// the layers need from the machine is checked or installed (scripts/preflight.mjs): Debian packages,
// kubectl, code-server.
// Usage: node scripts/test.mjs [unit|integration|e2e]...
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preflight } from './preflight.mjs';

const LAYERS = {
  // Tests that run real git, kubectl or a simulator take seconds on a loaded 2-core CI machine; the
  // timeout only catches hangs (speed is measured by `npm run bench`, never asserted in tests).
  unit: ['node', ['node_modules/mocha/bin/mocha.js', '--timeout', '60000', '--reporter', 'out/test/support/countingReporter.js', 'out/test/{unit,sim}/**/*.test.js']],
  integration: ['node', ['out/test/integration/runner.js']],
  e2e: ['node', ['node_modules/mocha/bin/mocha.js', '--timeout', '180000', '--reporter', 'out/test/support/countingReporter.js', 'out/test/e2e/**/*.test.js']],
};

const wanted = process.argv.slice(2);
const layers = wanted.length > 0 ? wanted : Object.keys(LAYERS);
for (const l of layers) {
  if (!LAYERS[l]) {
    console.error(`unknown test layer "${l}"; choose from ${Object.keys(LAYERS).join(', ')}`);
    process.exit(2);
  }
}

// The machine first: a layer must never fail on something the machine lacks (issue 12, "fresh machine").
try {
  preflight(layers);
} catch (e) {
  console.error(`[preflight] ${e instanceof Error ? e.message : String(e)}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// tsc never deletes what it compiled from a file that is gone: a stale out/test/**/*.test.js would
// still run (and fail) after its source was removed or moved, so every run compiles into a clean out/.
rmSync('out', { recursive: true, force: true });
for (const [what, cmd, args] of [
  ['compile', 'node', ['node_modules/typescript/bin/tsc', '-p', '.']],
  ['build', 'node', ['scripts/build.mjs', '--dev']],
]) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`${what} failed`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'gitops-lens-test-'));
const results = [];
for (const layer of layers) {
  const countsFile = join(dir, `${layer}.json`);
  const [cmd, args] = LAYERS[layer];
  console.log(`\n=== ${layer} ===`);
  const started = Date.now();
  const code = await new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, GITOPS_LENS_COUNTS_FILE: countsFile } });
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
  let counts = { passed: 0, failed: 0, pending: 0 };
  if (existsSync(countsFile)) counts = JSON.parse(readFileSync(countsFile, 'utf8'));
  // A layer that crashed before its tests reported anything counts as one failure.
  if (code !== 0 && counts.failed === 0) counts.failed = 1;
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`[${layer}] ${counts.passed} passed, ${counts.failed} failed${counts.pending ? `, ${counts.pending} pending` : ''} (${secs} s)`);
  results.push({ layer, ...counts });
}
rmSync(dir, { recursive: true, force: true });

const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log('');
for (const r of results) console.log(`  ${r.layer.padEnd(12)} ${r.passed} passed, ${r.failed} failed`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
