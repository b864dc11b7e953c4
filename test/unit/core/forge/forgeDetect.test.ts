import * as assert from 'node:assert/strict';
import { detectForge, forgeKindForHost, forgeMapping, isForgeKind } from '../../../../src/core/forge/detect';
import { ForgeError, gitHttpAuthHeader } from '../../../../src/core/forge/types';
import type { ForgeRepo } from '../../../../src/core/forge/types';
import type * as ForgeTypes from '../../../../src/core/forge/types';

type Expect = Omit<ForgeRepo, 'cloneUrl' | 'webUrl'> & { cloneUrl?: string; webUrl?: string };

describe('core/forge/detect detectForge', () => {
  const table: Array<[string, Expect]> = [
    // GitHub: https, scp-like, ssh, ssh over 443.
    ['https://github.com/acme/gitops.git', { kind: 'github', host: 'github.com', apiBaseUrl: 'https://api.github.com', owner: 'acme', repo: 'gitops', cloneUrl: 'https://github.com/acme/gitops.git', webUrl: 'https://github.com/acme/gitops' }],
    ['git@github.com:acme/gitops.git', { kind: 'github', host: 'github.com', apiBaseUrl: 'https://api.github.com', owner: 'acme', repo: 'gitops', cloneUrl: 'https://github.com/acme/gitops.git' }],
    ['ssh://git@ssh.github.com:443/acme/gitops.git', { kind: 'github', host: 'ssh.github.com', apiBaseUrl: 'https://api.github.com', owner: 'acme', repo: 'gitops', webUrl: 'https://github.com/acme/gitops' }],
    ['https://x-access-token:secret@github.com/acme/gitops', { kind: 'github', host: 'github.com', apiBaseUrl: 'https://api.github.com', owner: 'acme', repo: 'gitops', cloneUrl: 'https://github.com/acme/gitops.git' }],
    // GitHub Enterprise by name heuristic and by port.
    ['https://github.example.com/platform/deploy.git', { kind: 'github-enterprise', host: 'github.example.com', apiBaseUrl: 'https://github.example.com/api/v3', owner: 'platform', repo: 'deploy', webUrl: 'https://github.example.com/platform/deploy' }],
    ['git@github.example.com:platform/deploy.git', { kind: 'github-enterprise', host: 'github.example.com', apiBaseUrl: 'https://github.example.com/api/v3', owner: 'platform', repo: 'deploy' }],
    // GitLab with nested groups.
    ['git@gitlab.com:acme/platform/team/gitops.git', { kind: 'gitlab', host: 'gitlab.com', apiBaseUrl: 'https://gitlab.com/api/v4', owner: 'acme/platform/team', repo: 'gitops', cloneUrl: 'https://gitlab.com/acme/platform/team/gitops.git', webUrl: 'https://gitlab.com/acme/platform/team/gitops' }],
    ['https://gitlab.com/acme/gitops', { kind: 'gitlab', host: 'gitlab.com', apiBaseUrl: 'https://gitlab.com/api/v4', owner: 'acme', repo: 'gitops' }],
    ['https://gitlab.example.com:8443/a/b/c.git', { kind: 'gitlab', host: 'gitlab.example.com:8443', apiBaseUrl: 'https://gitlab.example.com:8443/api/v4', owner: 'a/b', repo: 'c', cloneUrl: 'https://gitlab.example.com:8443/a/b/c.git' }],
    // Bitbucket Cloud.
    ['git@bitbucket.org:team/gitops.git', { kind: 'bitbucket-cloud', host: 'bitbucket.org', apiBaseUrl: 'https://api.bitbucket.org/2.0', owner: 'team', repo: 'gitops', webUrl: 'https://bitbucket.org/team/gitops' }],
    ['https://alice@bitbucket.org/team/gitops.git', { kind: 'bitbucket-cloud', host: 'bitbucket.org', apiBaseUrl: 'https://api.bitbucket.org/2.0', owner: 'team', repo: 'gitops', cloneUrl: 'https://bitbucket.org/team/gitops.git' }],
    // Bitbucket Server / Data Center: /scm/, /projects/…/repos/…, ssh on 7999, context path, personal repos.
    ['https://bitbucket.example.com/scm/proj/gitops.git', { kind: 'bitbucket-server', host: 'bitbucket.example.com', apiBaseUrl: 'https://bitbucket.example.com/rest/api/1.0', owner: 'PROJ', repo: 'gitops', cloneUrl: 'https://bitbucket.example.com/scm/proj/gitops.git', webUrl: 'https://bitbucket.example.com/projects/PROJ/repos/gitops' }],
    ['https://git.example.com/bitbucket/scm/PROJ/gitops.git', { kind: 'bitbucket-server', host: 'git.example.com', apiBaseUrl: 'https://git.example.com/bitbucket/rest/api/1.0', owner: 'PROJ', repo: 'gitops', webUrl: 'https://git.example.com/bitbucket/projects/PROJ/repos/gitops' }],
    ['https://git.example.com/projects/PROJ/repos/gitops/browse', { kind: 'bitbucket-server', host: 'git.example.com', apiBaseUrl: 'https://git.example.com/rest/api/1.0', owner: 'PROJ', repo: 'gitops' }],
    ['https://git.example.com/scm/~alice/dotfiles.git', { kind: 'bitbucket-server', host: 'git.example.com', apiBaseUrl: 'https://git.example.com/rest/api/1.0', owner: '~alice', repo: 'dotfiles', webUrl: 'https://git.example.com/users/alice/repos/dotfiles' }],
    // Azure DevOps: every documented clone form ends at the same repository.
    ['https://dev.azure.com/contoso/Fabrikam/_git/gitops', { kind: 'azure-devops', host: 'dev.azure.com', apiBaseUrl: 'https://dev.azure.com/contoso/Fabrikam/_apis', owner: 'contoso/Fabrikam', repo: 'gitops', cloneUrl: 'https://dev.azure.com/contoso/Fabrikam/_git/gitops', webUrl: 'https://dev.azure.com/contoso/Fabrikam/_git/gitops' }],
    ['https://contoso@dev.azure.com/contoso/Fabrikam/_git/gitops', { kind: 'azure-devops', host: 'dev.azure.com', apiBaseUrl: 'https://dev.azure.com/contoso/Fabrikam/_apis', owner: 'contoso/Fabrikam', repo: 'gitops' }],
    ['git@ssh.dev.azure.com:v3/contoso/Fabrikam/gitops', { kind: 'azure-devops', host: 'ssh.dev.azure.com', apiBaseUrl: 'https://dev.azure.com/contoso/Fabrikam/_apis', owner: 'contoso/Fabrikam', repo: 'gitops', cloneUrl: 'https://dev.azure.com/contoso/Fabrikam/_git/gitops' }],
    ['contoso@vs-ssh.visualstudio.com:v3/contoso/Fabrikam/gitops', { kind: 'azure-devops', host: 'vs-ssh.visualstudio.com', apiBaseUrl: 'https://dev.azure.com/contoso/Fabrikam/_apis', owner: 'contoso/Fabrikam', repo: 'gitops' }],
    ['https://contoso.visualstudio.com/DefaultCollection/Fabrikam/_git/gitops', { kind: 'azure-devops', host: 'contoso.visualstudio.com', apiBaseUrl: 'https://dev.azure.com/contoso/Fabrikam/_apis', owner: 'contoso/Fabrikam', repo: 'gitops' }],
    ['https://contoso.visualstudio.com/Fabrikam/_git/gitops', { kind: 'azure-devops', host: 'contoso.visualstudio.com', apiBaseUrl: 'https://dev.azure.com/contoso/Fabrikam/_apis', owner: 'contoso/Fabrikam', repo: 'gitops' }],
    ['https://dev.azure.com/contoso/_git/gitops', { kind: 'azure-devops', host: 'dev.azure.com', apiBaseUrl: 'https://dev.azure.com/contoso/gitops/_apis', owner: 'contoso/gitops', repo: 'gitops' }],
    ['https://dev.azure.com/contoso/My%20Project/_git/gitops', { kind: 'azure-devops', host: 'dev.azure.com', apiBaseUrl: 'https://dev.azure.com/contoso/My%20Project/_apis', owner: 'contoso/My Project', repo: 'gitops' }],
    // Azure DevOps Server on premises: collection path kept in the API root.
    ['https://tfs.example.com/tfs/Main/Ops/_git/gitops', { kind: 'azure-devops', host: 'tfs.example.com', apiBaseUrl: 'https://tfs.example.com/tfs/Main/Ops/_apis', owner: 'Main/Ops', repo: 'gitops' }],
    // Gitea / Forgejo.
    ['https://codeberg.org/forgejo/forgejo.git', { kind: 'gitea', host: 'codeberg.org', apiBaseUrl: 'https://codeberg.org/api/v1', owner: 'forgejo', repo: 'forgejo', webUrl: 'https://codeberg.org/forgejo/forgejo' }],
    ['ssh://git@gitea.example.com:2222/ops/gitops.git', { kind: 'gitea', host: 'gitea.example.com', apiBaseUrl: 'https://gitea.example.com/api/v1', owner: 'ops', repo: 'gitops', cloneUrl: 'https://gitea.example.com/ops/gitops.git' }],
  ];
  for (const [url, expected] of table) {
    it(url, () => {
      const got = detectForge(url);
      assert.ok(got, `no forge for ${url}`);
      const { cloneUrl, webUrl, ...rest } = expected;
      assert.deepEqual({ kind: got.kind, host: got.host, apiBaseUrl: got.apiBaseUrl, owner: got.owner, repo: got.repo }, rest);
      if (cloneUrl) assert.equal(got.cloneUrl, cloneUrl);
      if (webUrl) assert.equal(got.webUrl, webUrl);
    });
  }

  it('returns undefined for unknown hosts, local paths and paths that do not fit the forge', () => {
    for (const url of ['https://git.example.com/acme/gitops.git', '/srv/git/repo.git', 'file:///srv/git/repo', 'C:\\repos\\x', 'https://github.com/acme', 'https://github.com/acme/gitops/tree/main', 'https://dev.azure.com/contoso/Fabrikam/gitops', 'git@gitlab.com:gitops.git']) {
      assert.equal(detectForge(url), undefined, url);
    }
  });

  it('the forges mapping names self-hosted hosts, with or without port, and wins over heuristics', () => {
    const forges = { 'git.example.com': 'gitea', 'code.example.com:8443': 'gitlab', 'GitHub.corp.example': 'bitbucket-server', 'bad.example.com': 'svn' };
    assert.equal(detectForge('https://git.example.com/ops/gitops.git', { forges })?.kind, 'gitea');
    assert.equal(detectForge('git@git.example.com:ops/gitops.git', { forges })?.apiBaseUrl, 'https://git.example.com/api/v1');
    const gl = detectForge('https://code.example.com:8443/a/b/c.git', { forges });
    assert.deepEqual([gl?.kind, gl?.owner, gl?.apiBaseUrl], ['gitlab', 'a/b', 'https://code.example.com:8443/api/v4']);
    assert.equal(detectForge('https://code.example.com/a/b/c.git', { forges }), undefined, 'another port is another server');
    assert.equal(detectForge('https://github.corp.example/scm/ops/gitops.git', { forges })?.kind, 'bitbucket-server');
    assert.equal(detectForge('https://bad.example.com/ops/gitops.git', { forges }), undefined, 'an unknown kind is ignored');
    // The SSH port may be named in the mapping for scp-less ssh URLs.
    assert.equal(detectForge('ssh://git@stash.internal:7999/ops/gitops.git', { forges: { 'stash.internal:7999': 'bitbucket-server' } })?.owner, 'OPS');
  });

  it('keeps an http scheme and port, so clients can reach a forge served over plain http (the test simulator)', () => {
    const port = '127.0.0.1:40123';
    const forges = { [port]: 'gitlab' };
    const gl = detectForge(`http://${port}/acme/platform/gitops.git`, { forges });
    assert.deepEqual(gl, {
      kind: 'gitlab',
      host: port,
      apiBaseUrl: `http://${port}/api/v4`,
      webUrl: `http://${port}/acme/platform/gitops`,
      owner: 'acme/platform',
      repo: 'gitops',
      cloneUrl: `http://${port}/acme/platform/gitops.git`,
    });
    assert.equal(detectForge(`http://${port}/acme/gitops.git`, { forges: { [port]: 'bitbucket-cloud' } })?.apiBaseUrl, `http://${port}/2.0`);
    assert.equal(detectForge(`http://${port}/acme/acme/_git/gitops`, { forges: { [port]: 'azure-devops' } })?.apiBaseUrl, `http://${port}/acme/acme/_apis`);
    assert.equal(detectForge(`http://${port}/scm/ACME/gitops.git`, { forges: { [port]: 'bitbucket-server' } })?.apiBaseUrl, `http://${port}/rest/api/1.0`);
    assert.equal(detectForge(`http://${port}/acme/gitops.git`, { forges: { [port]: 'github' }, apiBaseUrl: `http://${port}/` })?.apiBaseUrl, `http://${port}`);
  });
});

describe('core/forge/detect forgeKindForHost', () => {
  it('knows the public hosts and *.visualstudio.com, nothing else', () => {
    assert.equal(forgeKindForHost('GitHub.com'), 'github');
    assert.equal(forgeKindForHost('gitlab.com'), 'gitlab');
    assert.equal(forgeKindForHost('bitbucket.org'), 'bitbucket-cloud');
    assert.equal(forgeKindForHost('dev.azure.com'), 'azure-devops');
    assert.equal(forgeKindForHost('contoso.visualstudio.com'), 'azure-devops');
    assert.equal(forgeKindForHost('codeberg.org'), 'gitea');
    assert.equal(forgeKindForHost('git.example.com'), undefined);
    assert.equal(forgeKindForHost('git.example.com:3000', { 'git.example.com': 'gitea' }), 'gitea');
    assert.equal(forgeKindForHost('github.com', { 'github.com': 'github-enterprise' }), 'github-enterprise');
    assert.ok(isForgeKind('gitea') && !isForgeKind('forgejo'));
  });
});

describe('core/forge/detect forgeMapping (the gitopsLens.forges setting, validated once)', () => {
  it('keeps host → kind entries, hosts trimmed, lower case, without trailing slashes', () => {
    assert.deepEqual(forgeMapping({ ' Git.Example.TEST:8443/ ': 'gitlab', 'gitea.example.test': 'gitea' }), { 'git.example.test:8443': 'gitlab', 'gitea.example.test': 'gitea' });
  });

  it('drops values that are no forge kind, and anything that is not a plain object', () => {
    assert.deepEqual(forgeMapping({ a: 'svn', b: 7, c: null, d: 'github' }), { d: 'github' });
    for (const raw of [undefined, null, 'github', ['github'], 3]) assert.deepEqual(forgeMapping(raw), {});
    // The same validation answers forgeKindForHost, so the setting and detection never disagree.
    assert.equal(forgeKindForHost('GIT.example.test:8443', { ' git.example.test:8443/': 'gitlab' }), 'gitlab');
    assert.equal(forgeKindForHost('git.example.test', { 'git.example.test': 'svn' }), undefined);
  });
});

describe('core/forge/types gitHttpAuthHeader', () => {
  const decode = (h: string) => Buffer.from(h.replace(/^Basic /, ''), 'base64').toString('utf8');
  it('builds the header each forge documents for git over HTTPS', () => {
    const token = 'tok-123';
    assert.equal(decode(gitHttpAuthHeader('github', { token })), 'x-access-token:tok-123');
    assert.equal(decode(gitHttpAuthHeader('github-enterprise', { token })), 'x-access-token:tok-123');
    assert.equal(decode(gitHttpAuthHeader('gitlab', { token })), 'oauth2:tok-123');
    assert.equal(decode(gitHttpAuthHeader('azure-devops', { token })), ':tok-123');
    assert.equal(decode(gitHttpAuthHeader('bitbucket-cloud', { token })), 'x-token-auth:tok-123');
    assert.equal(decode(gitHttpAuthHeader('bitbucket-cloud', { token, username: 'alice' })), 'alice:tok-123');
    assert.equal(gitHttpAuthHeader('bitbucket-server', { token }), 'Bearer tok-123');
    assert.equal(gitHttpAuthHeader('bitbucket-server', { token, username: 'alice' }), 'Bearer tok-123');
    assert.equal(decode(gitHttpAuthHeader('gitea', { token, username: 'alice' })), 'alice:tok-123');
    assert.equal(gitHttpAuthHeader('gitea', { token }), 'token tok-123');
    assert.match(gitHttpAuthHeader('github', { token }), /^Basic [A-Za-z0-9+/=]+$/);
  });
  it('ForgeError carries code, status and the forge message', () => {
    const e = new ForgeError('duplicate', 'A pull request already exists', 422, 'exists');
    assert.ok(e instanceof Error);
    assert.deepEqual([e.name, e.code, e.status, e.forgeMessage, e.message], ['ForgeError', 'duplicate', 422, 'exists', 'A pull request already exists']);
  });
});

describe('core/forge ForgeError across bundles', () => {
  it('is recognised when thrown by another copy of the module (dist/forge.js is bundled apart)', () => {
    // A second evaluation of the module stands for the lazily loaded bundle's own copy of the class.
    const id = require.resolve('../../../../src/core/forge/types');
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh module instance on purpose
    const own = require(id) as typeof ForgeTypes;
    delete require.cache[id];
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh module instance on purpose
    const other = require(id) as typeof ForgeTypes;
    assert.notEqual(other.ForgeError, own.ForgeError);
    const fromOther = new other.ForgeError('auth', 'GitLab: 401 Unauthorized', 401);
    assert.ok(fromOther instanceof own.ForgeError);
    assert.equal(fromOther.code, 'auth');
    assert.ok(!(new Error('plain') instanceof own.ForgeError));
    assert.ok(!(Object.assign(new Error('x'), { name: 'ForgeError' }) instanceof own.ForgeError), 'no code, no ForgeError');
  });
});
