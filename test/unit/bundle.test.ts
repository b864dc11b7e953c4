/**
 * @kubernetes/client-node and yaml-language-server ship ESM; the extension host loads CommonJS.
 * This bundles a probe with the build's own esbuild options and runs it, so a dependency upgrade
 * that breaks the conversion fails here rather than at activation.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../support/paths';

describe('bundling the ESM-only dependencies', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-bundle-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('bundles @kubernetes/client-node and yaml-language-server into CommonJS that runs on Node 20', () => {
    const outfile = path.join(dir, 'probe.js');
    const script = `
      import { build } from 'esbuild';
      import { bundleOptions } from './scripts/esbuild.config.mjs';
      await build({ ...bundleOptions({ production: true }), logLevel: 'error',
        entryPoints: ['test/fixtures/bundleProbe.ts'], outfile: ${JSON.stringify(outfile)} });`;
    const built = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    assert.doesNotMatch(fs.readFileSync(outfile, 'utf8'), /^\s*import\s.+from\s/m, 'ESM import left in the bundle');

    const kubeconfig = fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'kubeconfig', 'two-clusters.yaml'), 'utf8');
    const ran = spawnSync(process.execPath, [outfile, kubeconfig], { encoding: 'utf8' });
    assert.equal(ran.status, 0, ran.stderr);
    const result = JSON.parse(ran.stdout) as { context: string; server: string; apiClient: string; diagnostics: Array<{ line: number; message: string }> };
    assert.equal(result.context, 'prod-eu');
    assert.equal(result.server, 'https://127.0.0.1:16443');
    assert.equal(result.apiClient, 'function');
    assert.equal(result.diagnostics.length, 1, JSON.stringify(result.diagnostics));
    assert.equal(result.diagnostics[0]?.line, 1);
    assert.match(result.diagnostics[0]?.message ?? '', /integer/i);
  });
});
