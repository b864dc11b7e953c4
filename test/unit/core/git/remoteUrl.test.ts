import * as assert from 'node:assert/strict';
import { normalizeRemoteUrl, remoteHost, sameRemote } from '../../../../src/core/git/remoteUrl';

describe('core/git/remoteUrl normalizeRemoteUrl', () => {
  const table: Array<[string, string]> = [
    ['https://github.com/acme/gitops.git', 'github.com/acme/gitops'],
    ['https://github.com/acme/gitops', 'github.com/acme/gitops'],
    ['https://github.com/acme/gitops/', 'github.com/acme/gitops'],
    ['https://github.com/acme/gitops.git/', 'github.com/acme/gitops'],
    ['http://github.com/acme/gitops', 'github.com/acme/gitops'],
    ['git@github.com:acme/gitops.git', 'github.com/acme/gitops'],
    ['github.com:acme/gitops', 'github.com/acme/gitops'],
    ['ssh://git@github.com/acme/gitops', 'github.com/acme/gitops'],
    ['ssh://git@github.com:22/acme/gitops.git', 'github.com/acme/gitops'],
    ['ssh://git@GitHub.com:2222/acme/gitops.git', 'github.com/acme/gitops'],
    ['git+ssh://git@github.com/acme/gitops.git', 'github.com/acme/gitops'],
    ['git://github.com/acme/gitops.git', 'github.com/acme/gitops'],
    ['https://user:token@github.com/acme/gitops', 'github.com/acme/gitops'],
    ['https://x-access-token:p@ss@github.com/acme/gitops', 'github.com/acme/gitops'],
    ['HTTPS://GitHub.COM/Acme/GitOps.GIT', 'github.com/acme/gitops'],
    ['  https://github.com/acme/gitops  ', 'github.com/acme/gitops'],
    ['https://github.com//acme//gitops', 'github.com/acme/gitops'],
    // Ports: kept for http(s) unless default.
    ['https://git.example.com:8443/acme/gitops.git', 'git.example.com:8443/acme/gitops'],
    ['https://git.example.com:443/acme/gitops.git', 'git.example.com/acme/gitops'],
    ['http://git.example.com:80/acme/gitops', 'git.example.com/acme/gitops'],
    ['http://git.example.com:8080/acme/gitops', 'git.example.com:8080/acme/gitops'],
    // GitLab subgroups keep every segment.
    ['git@gitlab.com:acme/platform/gitops.git', 'gitlab.com/acme/platform/gitops'],
    ['https://gitlab.com/acme/platform/gitops', 'gitlab.com/acme/platform/gitops'],
    // Azure DevOps.
    ['https://dev.azure.com/org/proj/_git/repo', 'dev.azure.com/org/proj/repo'],
    ['https://org@dev.azure.com/org/proj/_git/repo', 'dev.azure.com/org/proj/repo'],
    ['git@ssh.dev.azure.com:v3/org/proj/repo', 'dev.azure.com/org/proj/repo'],
    ['org@vs-ssh.visualstudio.com:v3/org/proj/repo', 'dev.azure.com/org/proj/repo'],
    ['https://org.visualstudio.com/proj/_git/repo', 'dev.azure.com/org/proj/repo'],
    ['https://org.visualstudio.com/DefaultCollection/proj/_git/repo', 'dev.azure.com/org/proj/repo'],
    ['https://dev.azure.com/org/My%20Project/_git/repo', 'dev.azure.com/org/my project/repo'],
    ['git@ssh.dev.azure.com:v3/org/My%20Project/repo', 'dev.azure.com/org/my project/repo'],
    ['https://dev.azure.com/org/_git/repo', 'dev.azure.com/org/repo/repo'],
    // Local paths.
    ['/srv/git/gitops.git', '/srv/git/gitops'],
    ['file:///srv/git/gitops.git', '/srv/git/gitops'],
    ['C:\\repos\\gitops', '/c:/repos/gitops'],
  ];
  for (const [url, want] of table) {
    it(`${JSON.stringify(url)} → ${want}`, () => assert.equal(normalizeRemoteUrl(url), want));
  }

  it('makes every form of one repository equal, and keeps other repositories apart', () => {
    const same = ['https://github.com/acme/gitops.git', 'git@github.com:acme/gitops.git', 'ssh://git@github.com/acme/gitops', 'https://user:token@github.com/acme/gitops/'];
    for (const a of same) for (const b of same) assert.ok(sameRemote(a, b), `${a} vs ${b}`);
    assert.ok(!sameRemote('https://github.com/acme/gitops', 'https://github.com/acme/gitops-infra'));
    assert.ok(!sameRemote('https://github.com/acme/gitops', 'https://gitlab.com/acme/gitops'));
    assert.ok(!sameRemote('https://github.com/acme/gitops', 'https://github.com/other/gitops'));
    assert.ok(!sameRemote('https://git.example.com:8443/acme/gitops', 'https://git.example.com/acme/gitops'));
    const azure = ['https://dev.azure.com/org/proj/_git/repo', 'org@vs-ssh.visualstudio.com:v3/org/proj/repo', 'git@ssh.dev.azure.com:v3/org/proj/repo'];
    for (const a of azure) for (const b of azure) assert.ok(sameRemote(a, b), `${a} vs ${b}`);
  });
});

describe('core/git/remoteUrl remoteHost (the host a "which forge?" message names)', () => {
  it('takes host and port from every git URL form, never the user or the path', () => {
    assert.equal(remoteHost('https://oauth2:tok@git.example.test:8443/org/apps.git'), 'git.example.test:8443');
    assert.equal(remoteHost('ssh://git@git.example.test:2222/org/apps.git'), 'git.example.test:2222');
    assert.equal(remoteHost('git@git.example.test:org/apps.git'), 'git.example.test');
    assert.equal(remoteHost('http://[::1]:3000/org/apps'), '[::1]:3000');
  });

  it('has no host for local repositories', () => {
    assert.equal(remoteHost('/srv/git/apps.git'), undefined);
    assert.equal(remoteHost('file:///srv/git/apps.git'), undefined);
    assert.equal(remoteHost('C:\\repos\\apps'), undefined);
  });
});
