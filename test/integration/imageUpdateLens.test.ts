/**
 * The image-update lens (issue 15) in the real extension host: a cluster (a Flux 2.7-era simulator run
 * in this process) whose ImagePolicy selects registry.example.test/web:1.4.2, and a clone (from the
 * forge simulator started by runner.ts) whose Deployment runs 1.4.1. The image line shows
 * "1.4.2 available: open PR"; its command opens a pull request with the new tag through the PR flow,
 * and neither the file on disk nor the editor's buffer is written.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parse } from 'yaml';
import type { ForgeSimAccess } from './simClusters';
import { startSimCluster, type SimCluster } from '../sim/k8s/cluster';
import { fluxCrds } from '../fixtures/sim/fluxEras';
import { seedable } from '../support/simObjects';
import { waitFor } from '../support/waitFor';
import { pollFor } from './driftWorkspace';
import { api } from './extensionApi';

const CONTEXT = 'images-2-7';
const FULL_NAME = 'org/web-images';

const DEPLOYMENT = `# web (comment kept)
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: apps
spec:
  replicas: 2
  template:
    spec:
      containers:
      - name: web
        image: registry.example.test/web:1.4.1 # bumped by hand
`;

/** An ImagePolicy as image-reflector-controller v1.0 (Flux 2.7) writes it: `latestRef`. */
const POLICY = parse(`apiVersion: image.toolkit.fluxcd.io/v1
kind: ImagePolicy
metadata: {name: web, namespace: flux-system, generation: 1}
spec:
  imageRepositoryRef: {name: web}
  policy: {semver: {range: ">=1.0.0"}}
status:
  observedGeneration: 1
  latestRef: {name: registry.example.test/web, tag: 1.4.2}
  observedPreviousRef: {name: registry.example.test/web, tag: 1.4.1}
  conditions:
  - {type: Ready, status: "True", reason: Succeeded, message: "Latest image tag for registry.example.test/web resolved to 1.4.2", observedGeneration: 1}
`) as unknown;

function forge(): ForgeSimAccess {
  const raw = process.env.GITOPS_LENS_FORGE_SIM;
  assert.ok(raw, 'GITOPS_LENS_FORGE_SIM is not set by the runner');
  return JSON.parse(raw) as ForgeSimAccess;
}

function git(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('git', args, { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' } }, (err, stdout, stderr) => (err ? reject(new Error(`git ${args.join(' ')}: ${stderr}`)) : resolve(stdout))),
  );
}

type CommandResult = { url: string; branch: string; title: string } | { error: string } | undefined;

describe('Image-update lens opens a pull request (issue 15)', function () {
  this.timeout(120_000);
  const cfg = () => vscode.workspace.getConfiguration('gitopsLens');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-img-'));
  let sim: SimCluster | undefined;
  let host = '';
  let root = '';
  let file = '';

  before(async () => {
    sim = await startSimCluster({ objects: [...fluxCrds('2.7'), seedable(POLICY)] });
    const kubeconfig = path.join(tmp, 'kubeconfig.yaml');
    fs.writeFileSync(kubeconfig, sim.kubeconfig(CONTEXT));
    const v1 = await api();
    await cfg().update('kubeconfig', [kubeconfig], vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('gitopsLens.applications.focus');
    await waitFor('the ImagePolicy', () => v1.apps().find((a) => a.cluster === CONTEXT && a.kind === 'ImagePolicy'), 30_000);

    host = new URL(forge().url).host;
    const created = await fetch(`${forge().control}/repos`, { method: 'POST', body: JSON.stringify({ fullName: FULL_NAME, files: { 'apps/web/deployment.yaml': DEPLOYMENT } }) });
    const { cloneUrls } = (await created.json()) as { cloneUrls: Record<string, string> };
    root = path.join(tmp, 'web');
    await git(tmp, ['clone', '--quiet', cloneUrls.gitlab!, root]);
    await git(root, ['config', 'user.name', 'Dev One']);
    await git(root, ['config', 'user.email', 'dev@example.test']);
    await cfg().update('forges', { [host]: 'gitlab' }, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('gitopsLens.setForgeToken', { host, token: forge().token });
    file = path.join(root, 'apps', 'web', 'deployment.yaml');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await cfg().update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
    await cfg().update('forges', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('gitopsLens.forgetForgeToken', { host });
    await sim?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('shows "1.4.2 available: open PR" on the image line and opens a PR with the new tag, writing nothing locally', async () => {
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    const lens = await pollFor('the image lens', async () => {
      const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100)) ?? [];
      return lenses.find((l) => l.command?.command === 'gitopsLens.updateImage');
    });
    assert.equal(lens.command?.title, '1.4.2 available: open PR');
    assert.equal(lens.range.start.line, 12);
    assert.match(lens.command?.tooltip ?? '', /ImagePolicy flux-system\/web on images-2-7 selects registry\.example\.test\/web:1\.4\.2/);

    // The lens's own arguments, plus those that skip the preview and the title prompt.
    const args = { ...(lens.command?.arguments?.[0] as Record<string, unknown>), yes: true, returnErrors: true };
    const result = (await vscode.commands.executeCommand('gitopsLens.updateImage', args)) as CommandResult;
    assert.ok(result && 'url' in result, JSON.stringify(result));
    assert.equal(result.title, 'Update web to 1.4.2');
    await git(root, ['fetch', '--quiet', 'origin', result.branch]);
    assert.equal(await git(root, ['show', 'FETCH_HEAD:apps/web/deployment.yaml']), DEPLOYMENT.replace('web:1.4.1 # bumped', 'web:1.4.2 # bumped'));
    const pulls = (await (await fetch(`${forge().control}/pulls?repo=${encodeURIComponent(FULL_NAME)}`)).json()) as Array<{ head: string; body: string }>;
    const pr = pulls.find((p) => p.head === result.branch);
    assert.ok(pr, 'no PR for the branch');
    assert.match(pr.body, /ImagePolicy flux-system\/web on images-2-7 selects 1\.4\.2/);
    // Never a direct write: the file, the buffer and the working tree are as they were.
    assert.equal(fs.readFileSync(file, 'utf8'), DEPLOYMENT);
    assert.equal(doc.getText(), DEPLOYMENT);
    assert.ok(!doc.isDirty);
    assert.equal(await git(root, ['status', '--porcelain=v1']), '');
  });
});
