/**
 * Hostile folders under the renderers (issue 12), with the real `kubectl kustomize`: links out of the
 * repository are never followed into a render (a configMapGenerator reading a file outside, or
 * /proc/self/environ), links inside stay links so kustomize's own load restrictor still judges them,
 * loops and FIFOs neither hang nor get read, the kustomization closure ends on link loops, the walk
 * is bounded, and YAML kustomize would expand without bound is refused before kustomize runs.
 * Links and FIFOs are made at run time in a temp folder (a checkout cannot hold a FIFO, and links
 * to absolute paths would point into the developer's machine).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KustomizeRenderer, findKustomizationFor, kustomizationClosure, kustomizeMessage } from '../../../../src/infra/render/kustomize';
import { runTool } from '../../../../src/infra/render/process';
import { collectFiles, writeTree } from '../../../../src/infra/render/tempTree';
import { RepoFileError, readRegularFile, walkTree } from '../../../../src/infra/repoFiles';
import { REPO_ROOT } from '../../../support/paths';

const HOSTILE = path.join(REPO_ROOT, 'test', 'fixtures', 'hostile', 'files');
const SECRET = 'TOKEN=not-for-the-render-7f3a';

let tmp: string;
/** A repository `repo/` with the leak fixture in `repo/app`, and a secret file outside it. */
function leakRepo(): { repo: string; app: string; outside: string } {
  const repo = path.join(tmp, 'repo');
  const app = path.join(repo, 'app');
  fs.mkdirSync(app, { recursive: true });
  for (const f of ['kustomization.yaml', 'web.yaml']) fs.copyFileSync(path.join(HOSTILE, 'leak', f), path.join(app, f));
  const outside = path.join(tmp, 'outside', 'secret.env');
  fs.mkdirSync(path.dirname(outside), { recursive: true });
  fs.writeFileSync(outside, `${SECRET}\n`);
  return { repo, app, outside };
}

/** `kubectl kustomize DIR` on the user's tree itself: what kustomize says without our copy. */
function kustomizeDirectly(dir: string): { ok: boolean; out: string } {
  try {
    return { ok: true, out: execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: 'pipe' }) };
  } catch (err) {
    return { ok: false, out: String((err as { stderr?: unknown }).stderr) };
  }
}

const renderer = (): KustomizeRenderer => new KustomizeRenderer({ timeoutMs: 30_000 });

describe('render: hostile links, loops and special files', () => {
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-hostile-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('a generator file linked outside the repository is refused, naming the link; the secret is never rendered', async () => {
    const { app, outside } = leakRepo();
    fs.symlinkSync(path.relative(app, outside), path.join(app, 'secret.env'));
    const r = await renderer().renderFolder(app);
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.fallback === `kustomize folder not rendered: secret.env is a symbolic link to ${fs.realpathSync(outside)}, outside ${app} (the folders the build reads): not followed`, !r.ok ? r.fallback : '');
    assert.ok(!JSON.stringify(r).includes('not-for-the-render'));
  });

  it('/proc/self/environ behind a link is refused the same way', async () => {
    const { app } = leakRepo();
    fs.writeFileSync(path.join(app, 'kustomization.yaml'), 'resources: [web.yaml]\nconfigMapGenerator:\n- name: env\n  files: [environ]\n');
    fs.symlinkSync('/proc/self/environ', path.join(app, 'environ'));
    const r = await renderer().renderFolder(app);
    assert.ok(!r.ok);
    assert.match(r.fallback, /^kustomize folder not rendered: environ is a symbolic link to \/proc\/\d+\/environ, outside /);
  });

  it('a link inside the folder renders as it does in the user tree (the copy keeps it a link)', async () => {
    const { app } = leakRepo();
    fs.mkdirSync(path.join(app, 'env'));
    fs.writeFileSync(path.join(app, 'env', 'real.env'), 'MODE=prod\n');
    fs.symlinkSync(path.join('env', 'real.env'), path.join(app, 'secret.env'));
    const r = await renderer().renderFolder(app);
    assert.ok(r.ok, !r.ok ? r.fallback : '');
    const cm = r.objects.find((o) => o.desired.kind === 'ConfigMap')?.desired as { data: Record<string, string> } | undefined;
    assert.deepEqual(cm?.data, { MODE: 'prod' });
    // The copy holds the link itself, relative, not the file's content.
    const files = await collectFiles([app], app, new Map(), 100);
    assert.deepEqual(files.get('secret.env'), { link: path.join('env', 'real.env'), dir: false });
    assert.equal(kustomizeDirectly(app).ok, true);
  });

  it("kustomize's load restrictor still judges links: one from an overlay into its base fails in the copy as in the user tree", async () => {
    const { repo } = leakRepo();
    const base = path.join(repo, 'base');
    const overlay = path.join(repo, 'overlay');
    fs.mkdirSync(base);
    fs.mkdirSync(overlay);
    fs.copyFileSync(path.join(HOSTILE, 'leak', 'web.yaml'), path.join(base, 'web.yaml'));
    fs.writeFileSync(path.join(base, 'kustomization.yaml'), 'resources: [web.yaml]\n');
    fs.writeFileSync(path.join(base, 'base.env'), 'FROM=base\n');
    fs.writeFileSync(path.join(overlay, 'kustomization.yaml'), 'resources: [../base]\nconfigMapGenerator:\n- name: settings\n  envs: [linked.env]\n');
    fs.symlinkSync(path.join('..', 'base', 'base.env'), path.join(overlay, 'linked.env'));
    const direct = kustomizeDirectly(overlay);
    assert.equal(direct.ok, false);
    assert.match(direct.out, /security; file '.*linked\.env' is not in or below '.*overlay'/);
    const r = await renderer().renderFolder(overlay);
    assert.ok(!r.ok);
    // The same refusal, word for word: our message names the user's folders, not the temp copy.
    assert.equal(r.fallback, `kubectl kustomize failed: ${kustomizeMessage(direct.out).trim()}`);
  });

  it('folder links in a loop (a -> ., b -> .) end at once with an error naming one', async function () {
    this.timeout(20_000); // before the fix this walk doubled with every level and never ended
    const { app } = leakRepo();
    fs.writeFileSync(path.join(app, 'kustomization.yaml'), 'resources: [web.yaml]\n');
    fs.mkdirSync(path.join(app, 'sub'));
    fs.symlinkSync('.', path.join(app, 'sub', 'a'));
    fs.symlinkSync('.', path.join(app, 'sub', 'b'));
    const r = await renderer().renderFolder(app);
    assert.ok(!r.ok);
    assert.equal(r.fallback, `kustomize folder not rendered: ${path.join('sub', 'a')} is a symbolic link to ., a folder that leads back to it (a loop)`);
    // The lens path (render of one file) says the same.
    const lens = await renderer().render({ fsPath: path.join(app, 'web.yaml'), text: fs.readFileSync(path.join(app, 'web.yaml'), 'utf8') });
    assert.equal(lens?.fallback, r.fallback);
  });

  it('links leading into each other (x/l -> ../y, y/m -> ../x) are a loop too; a folder link elsewhere is kept', async () => {
    const root = path.join(tmp, 'chart');
    for (const d of ['x', 'y', 'z']) fs.mkdirSync(path.join(root, d), { recursive: true });
    fs.writeFileSync(path.join(root, 'z', 'f.txt'), 'z');
    fs.symlinkSync(path.join('..', 'z'), path.join(root, 'x', 'toz'));
    const kept = await collectFiles([root], tmp, new Map(), 100);
    assert.deepEqual(kept.get(path.join('chart', 'x', 'toz')), { link: path.join('..', 'z'), dir: true });
    const copy = await writeTree('gitops-lens-test-', kept);
    try {
      assert.ok(fs.lstatSync(path.join(copy, 'chart', 'x', 'toz')).isSymbolicLink());
      assert.equal(fs.readFileSync(path.join(copy, 'chart', 'x', 'toz', 'f.txt'), 'utf8'), 'z');
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
    fs.symlinkSync(path.join('..', 'y'), path.join(root, 'x', 'l'));
    fs.symlinkSync(path.join('..', 'x'), path.join(root, 'y', 'm'));
    await assert.rejects(collectFiles([root], tmp, new Map(), 100), (err: unknown) => err instanceof RepoFileError && err.code === 'linkLoop' && /a loop/.test(err.message));
  });

  it('FIFOs are never opened: one in the folder is left out of the copy, one behind a link is refused', async function () {
    this.timeout(20_000); // a FIFO read waits for a writer forever
    const { app } = leakRepo();
    fs.writeFileSync(path.join(app, 'kustomization.yaml'), 'resources: [web.yaml]\n');
    execFileSync('mkfifo', [path.join(app, 'pipe')]);
    const r = await renderer().renderFolder(app);
    assert.ok(r.ok, !r.ok ? r.fallback : '');
    assert.deepEqual(r.objects.map((o) => o.desired.kind), ['Service']);
    const files = await collectFiles([app], app, new Map(), 100);
    assert.equal(files.has('pipe'), false);
    await assert.rejects(readRegularFile(path.join(app, 'pipe')), (err: unknown) => err instanceof RepoFileError && err.code === 'notRegular');
    fs.symlinkSync('/dev/zero', path.join(app, 'zero.yaml'));
    const z = await renderer().renderFolder(app);
    assert.ok(!z.ok);
    assert.equal(z.fallback, 'kustomize folder not rendered: zero.yaml is a symbolic link to /dev/zero, not a regular file');
  });

  it('the kustomization closure ends on a base that is a link to its own folder', async function () {
    this.timeout(20_000);
    const { app } = leakRepo();
    fs.writeFileSync(path.join(app, 'kustomization.yaml'), 'resources: [web.yaml, loop, loop2]\n');
    fs.symlinkSync('.', path.join(app, 'loop'));
    fs.symlinkSync('.', path.join(app, 'loop2'));
    const c = await kustomizationClosure(app);
    assert.deepEqual([...c.dirs], [app]);
    const target = await findKustomizationFor(path.join(app, 'web.yaml'));
    assert.equal(target?.dir, app);
  });

  it('the walk is bounded: entries and depth, with errors naming the folder', async () => {
    const root = path.join(tmp, 'many');
    fs.mkdirSync(root);
    for (let i = 0; i < 30; i++) fs.writeFileSync(path.join(root, `f${i}.yaml`), 'a: 1\n');
    await assert.rejects(walkTree([root], { limits: { maxEntries: 20 } }), (err: unknown) => err instanceof RepoFileError && err.code === 'tooMany' && err.message === `more than 20 files and folders under ${root}: not read`);
    let deep = path.join(tmp, 'deep');
    for (let i = 0; i < 40; i++) deep = path.join(deep, 'd');
    fs.mkdirSync(deep, { recursive: true });
    await assert.rejects(walkTree([path.join(tmp, 'deep')]), (err: unknown) => err instanceof RepoFileError && err.code === 'tooDeep');
    await assert.rejects(walkTree([root], { limits: { maxBytes: 100 } }), (err: unknown) => err instanceof RepoFileError && err.code === 'tooLarge');
    const r = await new KustomizeRenderer({ maxFiles: 10 }).renderFolder(path.join(HOSTILE, '..', '..', 'render', 'shop', 'overlays', 'prod'));
    assert.ok(r.ok, 'a small folder is within the bound');
  });

  it('YAML kustomize would expand without bound is refused before kustomize runs, at its file and line', async () => {
    // `kubectl kustomize` itself grew to 10 GB on this 500-byte resource before a time limit stopped it.
    const { app } = leakRepo();
    fs.writeFileSync(path.join(app, 'kustomization.yaml'), 'resources: [web.yaml, lol.yaml]\n');
    fs.copyFileSync(path.join(HOSTILE, 'billionLaughs.yaml'), path.join(app, 'lol.yaml'));
    const r = await renderer().renderFolder(app);
    assert.ok(!r.ok);
    assert.match(r.fallback, new RegExp(`^kustomize folder not rendered: ${path.join(app, 'lol.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:10: excessive aliasing: \\*c `));
    // Legitimate aliases pass: the copy still renders.
    fs.copyFileSync(path.join(HOSTILE, 'manyAliases.yaml'), path.join(app, 'lol.yaml'));
    const ok = await renderer().renderFolder(app);
    assert.ok(ok.ok, !ok.ok ? ok.fallback : '');
  });
});

describe('render: tool output is bounded', () => {
  it('a tool printing more than the YAML reader takes is stopped with a clear message', async () => {
    const r = await runTool(process.execPath, ['-e', 'const b = "x".repeat(1 << 20); for (let i = 0; i < 70; i++) process.stdout.write(b)'], { timeoutMs: 30_000 });
    assert.deepEqual(r, { ok: false, reason: 'exit', message: 'printed more than 64 MiB: output not read' });
  });
});

describe('walk: links into skipped folders', () => {
  it('a link to .git/config counts as leaving the folder (it may hold a token in a remote URL)', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-walk-'));
    try {
      fs.mkdirSync(path.join(root, '.git'));
      fs.writeFileSync(path.join(root, '.git', 'config'), '[remote "origin"]\n\turl = https://me:tok3n@git.example.test/x.git\n');
      fs.symlinkSync(path.join('.git', 'config'), path.join(root, 'cfg.yaml'));
      const tree = await walkTree([root]);
      assert.deepEqual(tree.links.map((l) => [path.basename(l.path), l.target.kind, 'inside' in l.target && l.target.inside]), [['cfg.yaml', 'file', false]]);
      await assert.rejects(collectFiles([root], root, new Map(), 100), (err: unknown) => err instanceof RepoFileError && err.code === 'linkOutside');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
