/**
 * `gitops-lens diff` on hostile repositories (issue 12), run as users run it: the bundled dist/cli.js
 * in its own Node process, with a 256 MB heap and a time limit. Before the fix a 500-byte alias bomb
 * grew the process to 4 GB, a link to /dev/zero to 7 GB, and loops of links or a FIFO never ended.
 * Each must now exit 2 with the file (and line) named, inside the memory cap.
 */
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../../support/paths';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const HOSTILE = path.join(REPO_ROOT, 'test', 'fixtures', 'hostile', 'files');
const LIVE = path.join(REPO_ROOT, 'test', 'fixtures', 'drift', 'live');
/** Far above what these inputs need once bounded, far below what they took before. */
const HEAP_MB = 256;
const TIME_LIMIT_MS = 30_000;

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
  readonly err: string;
  readonly ms: number;
}

/** dist/cli.js with a capped heap; killed (signal SIGKILL) at the time limit. */
function cli(args: readonly string[]): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIME_LIMIT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, err, ms: Date.now() - started });
    });
  });
}

function assertRefused(r: Run, stderr: RegExp): void {
  assert.equal(r.signal, null, `killed at the ${TIME_LIMIT_MS / 1000} s limit: ${r.err.slice(0, 500)}`);
  assert.doesNotMatch(r.err, /heap out of memory|Allocation failed/);
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, stderr);
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('cli diff: hostile repositories (bundled CLI, 256 MB heap)', function () {
  this.timeout(TIME_LIMIT_MS + 30_000);
  let tmp: string;
  beforeEach(() => {
    assert.ok(fs.existsSync(CLI), 'dist/cli.js is built by `node scripts/build.mjs --dev` (npm test does it)');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-cli-hostile-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  for (const [name, what] of [
    ['billionLaughs.yaml', /:10:22: invalid YAML: excessive aliasing: \*c /],
    ['mergeBomb.yaml', /:17:\d+: invalid YAML: excessive aliasing: \*a\d+ /],
    ['aliasCycle.yaml', /:7:13: invalid YAML: the anchor of \*a contains the alias itself/],
  ] as const) {
    it(`${name}: exit 2 at the alias`, async () => {
      const dir = path.join(tmp, 'desired');
      fs.mkdirSync(dir);
      fs.copyFileSync(path.join(HOSTILE, name), path.join(dir, name));
      // Live objects of the same names, so that a diff that got as far as comparing would expand the bomb.
      const live = path.join(tmp, 'live.yaml');
      fs.writeFileSync(live, ['lol', 'fine', 'merged', 'loop'].map((n) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${n}}\ndata: {a: x}\n`).join('---\n'));
      const r = await cli(['diff', '--desired', dir, '--live', live]);
      assertRefused(r, new RegExp(`^gitops-lens: ${esc(path.join(dir, name))}${what.source}`));
    });
  }

  it('nesting 100,000 deep and a 65 MB file: exit 2 naming the file', async () => {
    const dir = path.join(tmp, 'desired');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'deep.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n  x: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
    assertRefused(await cli(['diff', '--desired', dir, '--live', LIVE]), /deep\.yaml:5:\d+: invalid YAML: nesting deeper than 100 levels/);
    fs.rmSync(path.join(dir, 'deep.yaml'));
    fs.writeFileSync(path.join(dir, 'huge.yaml'), `# ${'x'.repeat(65 * 1024 * 1024)}\n`);
    assertRefused(await cli(['diff', '--desired', dir, '--live', LIVE]), new RegExp(`more than 64 MiB of files under ${esc(dir)}, reached at ${esc(path.join(dir, 'huge.yaml'))}: not read`));
    assertRefused(await cli(['diff', '--desired', path.join(dir, 'huge.yaml'), '--live', LIVE]), /huge\.yaml is 65 MiB, more than the 64 MiB read/);
  });

  it('a kustomize folder with links a -> . and b -> .: exit 2 naming the loop (it never ended)', async () => {
    const app = path.join(tmp, 'app');
    fs.mkdirSync(path.join(app, 'sub'), { recursive: true });
    fs.copyFileSync(path.join(HOSTILE, 'leak', 'web.yaml'), path.join(app, 'web.yaml'));
    fs.writeFileSync(path.join(app, 'kustomization.yaml'), 'resources: [web.yaml]\n');
    fs.symlinkSync('.', path.join(app, 'sub', 'a'));
    fs.symlinkSync('.', path.join(app, 'sub', 'b'));
    assertRefused(await cli(['diff', '--desired', tmp, '--live', LIVE]), /kustomize folder not rendered: sub\/a is a symbolic link to \., a folder that leads back to it \(a loop\)/);
  });

  it('a generator file linked out of the repository: exit 2 naming the link, the secret never printed', async () => {
    const app = path.join(tmp, 'repo', 'app');
    fs.mkdirSync(app, { recursive: true });
    for (const f of ['kustomization.yaml', 'web.yaml']) fs.copyFileSync(path.join(HOSTILE, 'leak', f), path.join(app, f));
    fs.writeFileSync(path.join(tmp, 'secret.env'), 'TOKEN=never-print-me-91c2\n');
    fs.symlinkSync(path.join('..', '..', 'secret.env'), path.join(app, 'secret.env'));
    const r = await cli(['diff', '--desired', path.join(tmp, 'repo'), '--live', LIVE, '--json']);
    assertRefused(r, /secret\.env is a symbolic link to .*secret\.env, outside .*: not followed/);
    assert.ok(!`${r.out}${r.err}`.includes('never-print-me'));
  });

  it('plain folders: a YAML link leaving the folder, a FIFO, a link to /dev/zero; links inside are read', async () => {
    const dir = path.join(tmp, 'desired');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(tmp, 'elsewhere.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: elsewhere}\n');
    fs.symlinkSync(path.join('..', 'elsewhere.yaml'), path.join(dir, 'out.yaml'));
    assertRefused(await cli(['diff', '--desired', dir, '--live', LIVE]), new RegExp(`out\\.yaml is a symbolic link to ${esc(fs.realpathSync(path.join(tmp, 'elsewhere.yaml')))}, outside ${esc(dir)}: not followed`));
    fs.rmSync(path.join(dir, 'out.yaml'));
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero.yaml'));
    assertRefused(await cli(['diff', '--desired', dir, '--live', LIVE]), /zero\.yaml is a symbolic link to \/dev\/zero, not a regular file/);
    fs.rmSync(path.join(dir, 'zero.yaml'));
    execFileSync('mkfifo', [path.join(dir, 'pipe.yaml')]);
    assertRefused(await cli(['diff', '--desired', dir, '--live', LIVE]), /pipe\.yaml is not a regular file: not read/);
    assertRefused(await cli(['diff', '--desired', path.join(dir, 'pipe.yaml'), '--live', LIVE]), /pipe\.yaml is not a regular file: not read/);
    fs.rmSync(path.join(dir, 'pipe.yaml'));
    // A link to a file inside the folder is read like the file; folder links are not entered.
    fs.mkdirSync(path.join(dir, 'real'));
    fs.writeFileSync(path.join(dir, 'real', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: linked, namespace: shop}\ndata: {a: "1"}\n');
    fs.symlinkSync(path.join('real', 'cm.yaml'), path.join(dir, 'alias.yaml'));
    fs.symlinkSync('.', path.join(dir, 'self'));
    const ok = await cli(['diff', '--desired', dir, '--live', LIVE, '--json']);
    assert.equal(ok.signal, null);
    const names = (JSON.parse(ok.out) as { resources: { name: string; status: string }[] }).resources.filter((x) => x.status === 'Missing').map((x) => x.name);
    assert.deepEqual(names, ['linked', 'linked']);
  });
});
