/**
 * The VSIX must hold only what runs (the bundles are self-contained, so no node_modules, sources,
 * maps or tests). Asks vsce itself which files it would pack, as `npm run package` does.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from '../support/paths';

const ALLOWED = [
  /^package\.json$/,
  /^README\.md$/,
  /^LICENSE$/,
  /^CHANGELOG\.md$/,
  /^dist\/(extension|features|cli|k8s|forge|yamlLibs|yamlClient|yamlServer|luaWorker)\.js$/,
  /^dist\/glue\.wasm$/,
  /^dist\/l10n\/bundle\.l10n\.json$/,
  /^schemas\/kubernetes\.schema\.json$/,
  /^snippets\/[\w.-]+\.json$/,
  /^media\/[\w.-]+\.(svg|png)$/,
  /^syntaxes\/[\w.-]+\.tmLanguage\.json$/,
];

describe('VSIX contents', function () {
  this.timeout(60_000);

  it('lists only the bundles, manifest, media, grammars, README and LICENSE', () => {
    const vsce = path.join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
    const r = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const files = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
    const unexpected = files.filter((f) => !ALLOWED.some((re) => re.test(f)));
    assert.deepEqual(unexpected, [], `files that do not run would ship: ${unexpected.join(', ')}`);
    for (const required of ['package.json', 'dist/extension.js', 'dist/features.js', 'dist/cli.js', 'dist/k8s.js', 'dist/forge.js', 'dist/yamlLibs.js', 'dist/yamlClient.js', 'dist/yamlServer.js', 'dist/luaWorker.js', 'dist/glue.wasm', 'schemas/kubernetes.schema.json', 'media/gitops.svg', 'README.md', 'LICENSE']) {
      assert.ok(files.includes(required), `${required} is missing from the VSIX`);
    }
  });
});
