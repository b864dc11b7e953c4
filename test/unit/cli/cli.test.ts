import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../../support/paths';
import { runCli } from '../../support/cliRun';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'kubeconfig');

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { env });

describe('cli', () => {
  it('contexts --json merges every KUBECONFIG file and marks the current context', async () => {
    const r = await run(['contexts', '--json'], {
      KUBECONFIG: [path.join(FIXTURES, 'two-clusters.yaml'), path.join(FIXTURES, 'extra.yaml')].join(path.delimiter),
    });
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out) as { currentContext: string; contexts: Array<{ name: string; server: string; current: boolean }> };
    assert.equal(json.currentContext, 'prod-eu');
    assert.deepEqual(json.contexts.map((c) => [c.name, c.server, c.current]), [
      ['prod-eu', 'https://127.0.0.1:16443', true],
      ['staging', 'https://127.0.0.1:26443', false],
      ['dev', 'https://127.0.0.1:36443', false],
    ]);
    assert.ok(!r.out.includes('fake-token'), 'credentials leaked into the output');
  });

  it('contexts prints an aligned table with --kubeconfig', async () => {
    const r = await run(['contexts', '--kubeconfig', path.join(FIXTURES, 'two-clusters.yaml')]);
    assert.equal(r.code, 0);
    assert.deepEqual(r.out.trimEnd().split('\n'), [
      '   CONTEXT  SERVER                   NAMESPACE',
      '*  prod-eu  https://127.0.0.1:16443  argocd',
      '   staging  https://127.0.0.1:26443  -',
    ]);
  });

  it('exits 2 naming the file and line of broken YAML', async () => {
    const broken = path.join(FIXTURES, 'broken.yaml');
    const r = await run(['contexts', '--kubeconfig', broken]);
    assert.equal(r.code, 2);
    assert.match(r.err, new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: `, 'm'));
  });

  it('exits 2 for a missing --kubeconfig file and for unknown commands or options', async () => {
    assert.equal((await run(['contexts', '--kubeconfig', '/nonexistent/kubeconfig'])).code, 2);
    const unknown = await run(['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /unknown command "frobnicate"/);
    assert.match(unknown.err, /Usage: gitops-lens/);
    assert.equal((await run(['contexts', '--bogus'])).code, 2);
  });

  it('the bundled dist/cli.js runs as the gitops-lens bin', () => {
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), '--version'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.equal(r.stdout.trim(), pkg.version);
    const help = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), 'help'], { encoding: 'utf8' });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /contexts/);
  });
});
