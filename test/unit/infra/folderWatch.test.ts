/**
 * FolderWatch: one call per burst of writes to a watched file, none for other files in the folder,
 * a file created after the watch began is noticed, and the set of files can change under a watched
 * folder (the kubeconfig list from settings, the argocd config file setting).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FolderWatch } from '../../../src/infra/folderWatch';
import { FileKubeconfigSource } from '../../../src/infra/kubeconfigFiles';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Longer than the 20 ms debounce used here plus fs.watch's own delivery on a loaded machine. */
const SETTLE = 400;

describe('FolderWatch', () => {
  let dir: string;
  let calls: number;
  let watch: FolderWatch;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-folderwatch-'));
    calls = 0;
    watch = new FolderWatch(() => calls++, 20);
  });
  afterEach(() => {
    watch.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('calls once for a burst of writes to a file created after the watch began', async () => {
    watch.watch([path.join(dir, 'config')]);
    for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(dir, 'config'), `v${i}`);
    await sleep(SETTLE);
    assert.equal(calls, 1);
  });

  it('ignores other files in the folder', async () => {
    watch.watch([path.join(dir, 'config')]);
    fs.writeFileSync(path.join(dir, 'other'), 'x');
    await sleep(SETTLE);
    assert.equal(calls, 0);
  });

  it('follows a change of file within an already watched folder', async () => {
    watch.watch([path.join(dir, 'a')]);
    watch.watch([path.join(dir, 'b')]);
    fs.writeFileSync(path.join(dir, 'a'), 'x');
    await sleep(SETTLE);
    assert.equal(calls, 0, 'a is no longer watched');
    fs.writeFileSync(path.join(dir, 'b'), 'x');
    await sleep(SETTLE);
    assert.equal(calls, 1);
  });

  it('stops watching a folder no file is in any more, and everything on dispose', async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-folderwatch-'));
    try {
      watch.watch([path.join(dir, 'a'), path.join(other, 'b')]);
      watch.watch([path.join(other, 'b')]);
      fs.writeFileSync(path.join(dir, 'a'), 'x');
      await sleep(SETTLE);
      assert.equal(calls, 0);
      watch.dispose();
      fs.writeFileSync(path.join(other, 'b'), 'x');
      await sleep(SETTLE);
      assert.equal(calls, 0);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it('waits for a folder that does not exist yet (two levels down) and watches it once it appears', async () => {
    const later = path.join(dir, 'later', 'argocd');
    watch.watch([path.join(later, 'config')]);
    fs.mkdirSync(later, { recursive: true });
    await sleep(SETTLE);
    calls = 0;
    fs.writeFileSync(path.join(later, 'config'), 'x');
    await sleep(SETTLE);
    assert.equal(calls, 1, 'a write in the folder made after the watch began went unnoticed');
  });

  it('follows a folder removed and made again (rm -rf ~/.config/argocd, then argocd login)', async () => {
    const folder = path.join(dir, 'argocd');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'config'), 'old');
    watch.watch([path.join(folder, 'config')]);
    fs.rmSync(folder, { recursive: true });
    await sleep(SETTLE);
    assert.ok(calls >= 1, 'the removal went unnoticed');
    fs.mkdirSync(folder);
    await sleep(SETTLE);
    calls = 0;
    fs.writeFileSync(path.join(folder, 'config'), 'new');
    await sleep(SETTLE);
    assert.equal(calls, 1, 'a write in the folder made again went unnoticed');
  });

  it('notices a missing folder appearing under a folder it watches for another file', async () => {
    watch.watch([path.join(dir, 'config'), path.join(dir, 'sub', 'config')]);
    fs.mkdirSync(path.join(dir, 'sub'));
    await sleep(SETTLE);
    calls = 0;
    fs.writeFileSync(path.join(dir, 'sub', 'config'), 'x');
    await sleep(SETTLE);
    assert.equal(calls, 1);
  });

  it('FileKubeconfigSource reports a change to a kubeconfig it read, and none when told not to watch', async () => {
    const file = path.join(dir, 'config');
    const log = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
    for (const watchFolders of [true, false]) {
      fs.writeFileSync(file, 'apiVersion: v1\nkind: Config\n');
      await sleep(SETTLE);
      const source = new FileKubeconfigSource([file], log, watchFolders);
      let changes = 0;
      source.onDidChange(() => changes++);
      try {
        assert.equal((await source.read())[0]?.text, 'apiVersion: v1\nkind: Config\n');
        fs.writeFileSync(file, 'apiVersion: v1\nkind: Config\nclusters: []\n');
        await sleep(SETTLE + 100);
        assert.equal(changes, watchFolders ? 1 : 0, `watchFolders=${watchFolders}`);
      } finally {
        source.dispose();
      }
    }
  });
});
