/**
 * Workspace settings never reach credentials (issue 12), in the real extension host (trusted: the
 * runner turns Workspace Trust off; test/e2e/restrictedMode.test.ts covers an untrusted workspace):
 * - a repository's `.vscode/settings.json` naming a kubeconfig inside the repository (whose exec plugin
 *   would write a marker file) and mapping a host to `github` changes nothing: no context appears, the
 *   plugin never runs, and the mapping is not used;
 * - a GitHub session goes to github.com only, an Enterprise session to the user's github-enterprise.uri
 *   host only, never to a host merely mapped to `github`;
 * - a pull request on a plain-http remote on another machine is refused before any request, in words;
 * - package.json keeps the two settings machine-scoped and lists config.ts RESTRICTED_SETTINGS as
 *   restrictedConfigurations.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ForgeError } from '../../src/core/forge/types';
import { RESTRICTED_SETTINGS, USER_LEVEL_SETTINGS, readConfig, readPullRequestSettings, readTrustRestrictions } from '../../src/vscode/config';
import { ForgeAuth, type GetSession } from '../../src/vscode/pr/auth';
import { memorySecrets } from '../../src/vscode/pr/memoryState';
import { recordingLogger } from '../support/fakes';
import { hostileKubeconfig, nonLoopbackAddress, requestsCarry, startRecordingServer, type RecordingServer } from '../support/hostile';
import { REPO_ROOT } from '../support/paths';
import { waitFor } from '../support/waitFor';
import { api } from './extensionApi';

const cfg = () => vscode.workspace.getConfiguration('gitopsLens');

function git(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('git', args, { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } }, (err, stdout, stderr) => (err ? reject(new Error(`git ${args.join(' ')}: ${stderr}`)) : resolve(stdout))),
  );
}

describe('Workspace settings never reach credentials (issue 12)', function () {
  this.timeout(60_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-trust-'));
  let listener: RecordingServer | undefined;

  after(async () => {
    await listener?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('ignores a kubeconfig and a forge mapping from .vscode/settings.json: no context, no exec plugin run, no mapping', async () => {
    const v1 = await api();
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder, 'no workspace folder');
    listener = await startRecordingServer('127.0.0.1');
    const marker = path.join(tmp, 'exec-plugin-ran');
    const vscodeDir = path.join(folder, '.vscode');
    const kubeconfig = path.join(folder, 'hostile-kubeconfig.yaml');
    fs.writeFileSync(kubeconfig, hostileKubeconfig(listener.url, marker));
    fs.mkdirSync(vscodeDir, { recursive: true });
    fs.writeFileSync(
      path.join(vscodeDir, 'settings.json'),
      JSON.stringify({
        'gitopsLens.kubeconfig': ['${workspaceFolder}/hostile-kubeconfig.yaml'],
        'gitopsLens.forges': { [listener.host]: 'github' },
        // A setting workspaces may set: it shows when VS Code has read the file.
        'gitopsLens.pullRequests.branchPrefix': 'hostile-sentinel',
      }),
    );
    try {
      await waitFor('VS Code to read .vscode/settings.json', () => cfg().inspect('pullRequests.branchPrefix')?.workspaceValue === 'hostile-sentinel', 20_000);
      // Connect every context as a visible view does, and let a reload run.
      await vscode.commands.executeCommand('gitopsLens.applications.focus');
      await vscode.commands.executeCommand('gitopsLens.refresh');
      const deadline = Date.now() + 3_000;
      while (Date.now() < deadline) {
        assert.ok(!v1.clusters().some((c) => c.name === 'hostile'), 'the workspace kubeconfig added its context');
        assert.ok(!fs.existsSync(marker), "the workspace kubeconfig's exec plugin ran");
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(!readConfig().kubeconfigPaths.includes(kubeconfig), 'readConfig returns the workspace kubeconfig');
      assert.equal(readPullRequestSettings().forges[listener.host], undefined, 'the workspace forge mapping is used');
      assert.equal(readPullRequestSettings().branchPrefix, 'hostile-sentinel', 'an ordinary workspace setting is not read');
      assert.deepEqual(readTrustRestrictions(), { trusted: true, skippedKubeconfigEntries: [] });
      assert.equal(listener.requests.length, 0, JSON.stringify(listener.requests));
    } finally {
      fs.rmSync(vscodeDir, { recursive: true, force: true });
      fs.rmSync(kubeconfig, { force: true });
      await waitFor('the workspace settings gone', () => cfg().inspect('pullRequests.branchPrefix')?.workspaceValue === undefined, 20_000);
    }
  });

  it('still reads both from user settings, and VS Code refuses to write them to the workspace', async () => {
    const v1 = await api();
    const fixtures = process.env.GITOPS_LENS_FIXTURES;
    assert.ok(fixtures, 'GITOPS_LENS_FIXTURES is not set by the runner');
    try {
      await cfg().update('kubeconfig', [path.join(fixtures, 'extra.yaml')], vscode.ConfigurationTarget.Global);
      await waitFor('the dev context from the user setting', () => v1.clusters().some((c) => c.name === 'dev'), 20_000);
      await cfg().update('forges', { 'git.example.test': 'gitlab' }, vscode.ConfigurationTarget.Global);
      assert.equal(readPullRequestSettings().forges['git.example.test'], 'gitlab');
      // Writing them to the workspace is refused by VS Code itself (machine scope).
      await assert.rejects(Promise.resolve(cfg().update('kubeconfig', ['/tmp/x.yaml'], vscode.ConfigurationTarget.Workspace)));
    } finally {
      await cfg().update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
      await cfg().update('forges', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitFor('the dev context gone', () => !v1.clusters().some((c) => c.name === 'dev'), 20_000);
  });

  it('gives a GitHub session only to the host it was issued for', async () => {
    const asked: string[] = [];
    const getSession: GetSession = (provider) => {
      asked.push(provider);
      return Promise.resolve({ id: provider, accessToken: `session-of-${provider}`, account: { id: 'me', label: 'me' }, scopes: ['repo'] });
    };
    const { logger, lines } = recordingLogger();
    const auth = new ForgeAuth(memorySecrets(), logger, { getSession, githubEnterpriseUri: () => 'https://ghe.example.test' });
    const interactive = { interactive: false };
    assert.deepEqual(await auth.credentials({ kind: 'github', host: 'github.com' }, interactive), { token: 'session-of-github' });
    assert.deepEqual(await auth.credentials({ kind: 'github-enterprise', host: 'ghe.example.test' }, interactive), { token: 'session-of-github-enterprise' });
    asked.length = 0;
    // A host mapped to github (or to github-enterprise without being the configured server) gets no session.
    for (const repo of [
      { kind: 'github', host: '127.0.0.1:8080' },
      { kind: 'github', host: 'github.com.evil.test' },
      { kind: 'github-enterprise', host: 'other.example.test' },
    ] as const) {
      await assert.rejects(auth.credentials(repo, interactive), (e: unknown) => e instanceof ForgeError && e.code === 'auth' && /Set Forge Token/.test(e.message));
    }
    assert.deepEqual(asked, [], 'a session was asked for another host');
    // A stored token belongs to its host only.
    await auth.setToken('git.example.test', 'stored-for-git-example');
    await assert.rejects(auth.credentials({ kind: 'gitea', host: 'git.example.test:8443' }, interactive));
    assert.deepEqual(await auth.credentials({ kind: 'gitea', host: 'git.example.test' }, interactive), { token: 'stored-for-git-example' });
    assert.ok(!lines.join('\n').includes('session-of-'), 'a token reached the log');
  });

  it('refuses a pull request whose remote is plain http on another machine, before any request', async () => {
    const address = nonLoopbackAddress();
    const remote = await startRecordingServer(address);
    try {
      const root = path.join(tmp, 'plain-http');
      fs.mkdirSync(path.join(root, 'apps'), { recursive: true });
      await git(root, ['init', '--quiet', '-b', 'main']);
      await git(root, ['config', 'user.name', 'Dev One']);
      await git(root, ['config', 'user.email', 'dev@example.test']);
      fs.writeFileSync(path.join(root, 'apps', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: default\ndata:\n  k: v\n');
      await git(root, ['add', '.']);
      await git(root, ['commit', '--quiet', '-m', 'init']);
      await git(root, ['remote', 'add', 'origin', `${remote.url}/acme/gitops.git`]);
      fs.writeFileSync(path.join(root, 'apps', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: default\ndata:\n  k: changed\n');
      const token = 'plain-http-token-5c1e';
      await cfg().update('forges', { [remote.host]: 'gitea' }, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('gitopsLens.setForgeToken', { host: remote.host, token });
      const result = (await vscode.commands.executeCommand('gitopsLens.openPullRequest', { root, yes: true, returnErrors: true })) as { error?: string } | undefined;
      assert.ok(!requestsCarry(remote.requests, token), 'the token went over plain http');
      assert.equal(remote.requests.length, 0, JSON.stringify(remote.requests.map((r) => r.url)));
      assert.ok(result && typeof result.error === 'string', `expected an error, got ${JSON.stringify(result)}`);
      assert.match(result.error, /plain HTTP/);
      assert.ok(!result.error.includes(token));
    } finally {
      await vscode.commands.executeCommand('gitopsLens.forgetForgeToken', { host: remote.host });
      await cfg().update('forges', undefined, vscode.ConfigurationTarget.Global);
      await remote.stop();
    }
  });

  it('package.json: the credential settings are machine-scoped and every restricted setting is declared', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      capabilities?: { untrustedWorkspaces?: { supported?: unknown; restrictedConfigurations?: string[] } };
      contributes: { configuration: { properties: Record<string, { scope?: string }> } };
    };
    for (const key of USER_LEVEL_SETTINGS) assert.equal(pkg.contributes.configuration.properties[key]?.scope, 'machine', key);
    assert.equal(pkg.capabilities?.untrustedWorkspaces?.supported, 'limited');
    assert.deepEqual([...(pkg.capabilities?.untrustedWorkspaces?.restrictedConfigurations ?? [])].sort(), [...RESTRICTED_SETTINGS].sort());
  });
});
