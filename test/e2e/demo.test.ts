/**
 * `npm run demo -- --smoke` is what a new user runs first; this runs the same entry (after the test
 * script's build) and requires it to pass, so the demo cannot rot unnoticed.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../support/paths';

describe('npm run demo -- --smoke (e2e)', function () {
  this.timeout(240_000);

  it('starts forge, two simulated clusters and code-server, and the extension lists them in Chromium', async () => {
    const screenshot = path.join(REPO_ROOT, 'test', 'e2e', 'screenshots', 'demo.png');
    fs.mkdirSync(path.dirname(screenshot), { recursive: true });
    fs.rmSync(screenshot, { force: true });
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('test', 'sim', 'demo', 'main.ts'), '--smoke'], {
      cwd: REPO_ROOT,
      env: { ...process.env, GITOPS_LENS_DEMO_SCREENSHOT: screenshot },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, output);
    assert.match(output, /^demo smoke: ok$/m);
    assert.match(output, /^GitOps Lens demo ready in /m);
    assert.doesNotMatch(output, /FAIL/);
    assert.equal(fs.readFileSync(screenshot).subarray(1, 4).toString('latin1'), 'PNG');
  });
});
