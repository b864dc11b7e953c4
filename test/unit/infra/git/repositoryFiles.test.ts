/**
 * infra/git/repositoryFiles: the working-tree reads behind the editor commands. A path a cluster
 * object names (Argo CD `spec.source.path`) is joined onto the clone only when it stays inside it:
 * `openSource` used to open `../..` (any folder of the machine) as the app's source.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { nodeRepositoryFiles as files } from '../../../../src/infra/git/repositoryFiles';
import { RepoFileError } from '../../../../src/infra/repoFiles';

const refused = (code: string, what: RegExp) => (e: unknown) => e instanceof RepoFileError && e.code === code && what.test(e.message);

describe('infra/git/repositoryFiles', () => {
  let tmp: string;
  let repo: string;

  before(() => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-repofiles-')));
    repo = path.join(tmp, 'repo');
    fs.mkdirSync(path.join(repo, 'apps', 'guestbook'), { recursive: true });
    fs.mkdirSync(path.join(repo, '.git'), { recursive: true });
    fs.writeFileSync(path.join(repo, '.git', 'config'), '[remote "origin"]\n\turl = https://user:token@git.example.test/org/apps\n');
    fs.writeFileSync(path.join(repo, 'apps', 'guestbook', 'kustomization.yaml'), 'resources: []\n');
    fs.mkdirSync(path.join(tmp, 'outside'));
    fs.writeFileSync(path.join(tmp, 'outside', 'kustomization.yaml'), 'resources: []\n');
    fs.symlinkSync(path.join(tmp, 'outside'), path.join(repo, 'apps', 'link-out'));
    fs.symlinkSync(path.join(repo, '.git'), path.join(repo, 'apps', 'link-git'));
    fs.symlinkSync('guestbook', path.join(repo, 'apps', 'link-in'));
    fs.symlinkSync(path.join(tmp, 'outside', 'kustomization.yaml'), path.join(repo, 'apps', 'file-out.yaml'));
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('locates a path inside the clone, as Argo CD and Flux write it', async () => {
    for (const rel of ['apps/guestbook', './apps/guestbook', '/apps/guestbook', 'apps/guestbook/', 'apps/../apps/guestbook']) {
      assert.deepEqual(await files.locate(repo, rel), { path: path.join(repo, 'apps', 'guestbook'), type: 'dir' }, rel);
    }
    assert.deepEqual(await files.locate(repo, 'apps/guestbook/kustomization.yaml'), { path: path.join(repo, 'apps', 'guestbook', 'kustomization.yaml'), type: 'file' });
    assert.deepEqual(await files.locate(repo, ''), { path: repo, type: 'dir' });
    // A link that stays inside is the folder it names.
    assert.deepEqual(await files.locate(repo, 'apps/link-in'), { path: path.join(repo, 'apps', 'link-in'), type: 'dir' });
    assert.equal(await files.locate(repo, 'apps/absent'), undefined);
  });

  it('refuses a path that climbs out of the clone, even when something is there', async () => {
    const up = path.relative(repo, path.join(tmp, 'outside'));
    assert.equal(up, '../outside');
    await assert.rejects(files.locate(repo, up), refused('outside', /^\.\.\/outside leads outside the repository /));
    await assert.rejects(files.locate(repo, '../..'), refused('outside', /leads outside/));
    await assert.rejects(files.locate(repo, 'apps/../../outside/kustomization.yaml'), refused('outside', /leads outside/));
    // `/…` means the repository root (as Argo CD reads it), so an absolute path stays inside…
    assert.equal(await files.locate(repo, path.join(tmp, 'outside')), undefined);
    // …and no path reaches .git, whose config may hold a token.
    await assert.rejects(files.locate(repo, '.git'), refused('outside', /leads outside/));
    await assert.rejects(files.locate(repo, '.git/config'), refused('outside', /leads outside/));
  });

  it('refuses a link out of the clone or into .git', async () => {
    await assert.rejects(files.locate(repo, 'apps/link-out'), refused('linkOutside', /link to .*outside, outside the repository/));
    await assert.rejects(files.locate(repo, 'apps/file-out.yaml'), refused('linkOutside', /outside the repository/));
    await assert.rejects(files.locate(repo, 'apps/link-git'), refused('linkOutside', /outside the repository/));
  });

  it('reads a working-tree file, null when absent, and never through a link', async () => {
    assert.equal(await files.readText(path.join(repo, 'apps', 'guestbook', 'kustomization.yaml')), 'resources: []\n');
    assert.equal(await files.readText(path.join(repo, 'apps', 'gone.yaml')), null);
    await assert.rejects(files.readText(path.join(repo, 'apps', 'file-out.yaml')), refused('notRegular', /symbolic link: not followed/));
  });

  it('lists YAML files under a folder without following links', async () => {
    assert.deepEqual(await files.yamlFilesUnder(repo), [path.join(repo, 'apps', 'guestbook', 'kustomization.yaml')]);
  });
});
