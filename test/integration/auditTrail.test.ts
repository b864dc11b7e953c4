/**
 * The audit trail in the real extension host (issue 17): a repository on the forge simulator (Gitea
 * face) with a direct push by one person and a pull request written by a second, committed by a third,
 * approved by a fourth and merged by a fifth through the forge's merge button; the workspace folder a
 * real clone of it; an Argo CD Application on `sim-argo` that deployed both commits and a Flux
 * Kustomization on `sim-flux` still on the first. The app's History node lists its deployments joined
 * with the commits and the pull request, flags the direct push and the unprotected branch; the Flux
 * app lists the change it does not run; the blame hover on the manifest says who changed a line,
 * through which pull request, and where it runs.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ForgeSimAccess, SimAccess } from './simClusters';
import { api, testApi } from './extensionApi';
import { closeCheckoutClone, connectSimsAndWaitFor, pollFor } from './driftWorkspace';
import type { TreeItemInfo } from '../../src/vscode/testApi';
import { buildAuditStory, storyGit as git, type AuditStory } from '../support/auditStory';

function forgeSim(): ForgeSimAccess {
  const raw = process.env.GITOPS_LENS_FORGE_SIM;
  assert.ok(raw, 'GITOPS_LENS_FORGE_SIM is not set by the runner');
  return JSON.parse(raw) as ForgeSimAccess;
}

function sims(): SimAccess {
  const raw = process.env.GITOPS_LENS_SIM;
  assert.ok(raw, 'GITOPS_LENS_SIM is not set by the runner');
  return JSON.parse(raw) as SimAccess;
}

const label = (i: TreeItemInfo) => `${i.label} | ${i.description ?? ''}`;

describe('Audit trail: History node and blame hover (issue 17)', function () {
  this.timeout(120_000);
  const suffix = randomBytes(3).toString('hex');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-audit-'));
  let story: AuditStory | undefined;
  let folder = '';
  let direct = '';
  let change = '';
  let merge = '';
  let argoApp = '';
  let fluxApp = '';

  before(async () => {
    const sim = forgeSim();
    const host = new URL(sim.url).host;
    story = await buildAuditStory(sim, sims(), tmp, suffix);
    ({ direct, change, merge } = story);
    argoApp = fluxApp = story.app;

    // The workspace folder becomes a real clone (plain URL) with the manifest checked out.
    folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
    assert.ok(folder, 'no workspace folder');
    const bare = path.join(tmp, 'clone');
    await git(tmp, ['clone', '--quiet', '--no-checkout', story.url, bare]);
    fs.renameSync(path.join(bare, '.git'), path.join(folder, '.git'));
    await git(folder, ['reset', '--quiet']);
    await git(folder, ['checkout', '--', 'apps/web']);

    await vscode.workspace.getConfiguration('gitopsLens').update('forges', { [host]: 'gitea' }, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('gitopsLens.setForgeToken', { host, token: sim.token });
    await connectSimsAndWaitFor(
      'both audit apps and the GitRepository',
      (apps) => apps.some((a) => a.cluster === 'sim-argo' && a.name === argoApp) && apps.some((a) => a.cluster === 'sim-flux' && a.name === fluxApp) && apps.some((a) => a.cluster === 'sim-flux' && a.name === `audit-${suffix}`),
    );
  });

  after(async () => {
    // VS Code's git extension checks open files against .gitignore shortly after they change; closing
    // them and letting that run before .git goes keeps its git process from dying mid-write (EPIPE).
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await new Promise((r) => setTimeout(r, 1500));
    await story?.removeObjects();
    if (folder) {
      fs.rmSync(path.join(folder, '.git'), { recursive: true, force: true });
      fs.rmSync(path.join(folder, 'apps', 'web'), { recursive: true, force: true });
    }
    await closeCheckoutClone(undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** The History rows of an app once loaded (expanding the node asks the store; the rows come with its change event). */
  async function historyRows(cluster: string, name: string, ready: (rows: readonly TreeItemInfo[]) => boolean): Promise<readonly TreeItemInfo[]> {
    const t = await testApi();
    const app = (await api()).apps().find((a) => a.cluster === cluster && a.name === name);
    assert.ok(app, `${cluster}/${name} is not listed`);
    let last: readonly TreeItemInfo[] = [];
    try {
      return await pollFor(`the History of ${cluster}/${name}`, () => {
        last = t.treeChildren(app.key, ['History']) ?? [];
        return ready(last) ? last : undefined;
      }, 60_000);
    } catch (err) {
      throw new Error(`${err instanceof Error ? err.message : String(err)}; rows: ${JSON.stringify(last.map(label))}`);
    }
  }

  it('History of the Argo CD app: each deployment with its commit, pull request, approvals and policy flags', async () => {
    const rows = await historyRows('sim-argo', argoApp, (r) => r.filter((x) => x.contextValue === 'history.deployment').length === 2 && r.some((x) => /#1/.test(x.description ?? '')));
    const deployments = rows.filter((r) => r.contextValue === 'history.deployment');
    // Newest first: the merge deployed bob's change, committed by dave, approved by erin, merged by frank.
    assert.equal(deployments[0]!.label, `${merge.slice(0, 7)} web: 3 replicas`);
    assert.match(deployments[0]!.description ?? '', /bob \(committed by dave\) in #1 \(approved by erin, merged by frank\)/);
    assert.match(deployments[0]!.description ?? '', /auto-sync/);
    assert.match(deployments[0]!.description ?? '', /running$/);
    assert.doesNotMatch(deployments[0]!.description ?? '', /⚠/);
    // The first was alice's direct push: flagged.
    assert.equal(deployments[1]!.label, `${direct.slice(0, 7)} web: first deployment`);
    assert.match(deployments[1]!.description ?? '', /synced by alice · alice in no pull request · ⚠ not through a merged pull request/);
    // The tooltip has author, committer, signature, the review and where the change runs on every cluster.
    const tip = deployments[0]!.tooltip ?? '';
    assert.match(tip, /author: bob \\<bob@example\.invalid\\>/);
    assert.match(tip, /committer: dave \\<dave@example\.invalid\\>/);
    assert.match(tip, /unsigned/);
    assert.match(tip, /reviews: erin approved/);
    assert.match(tip, /merged by frank/);
    assert.match(tip, /where it runs now: sim-argo since 2026-03-02 10:32 UTC, sim-flux at /);
    // Where the path runs now, for its newest change: this cluster since the merge's deployment, sim-flux behind.
    const where = rows.find((r) => r.contextValue === 'history.where');
    assert.equal(where?.label, 'Where apps/web runs now');
    assert.match(where?.description ?? '', /^sim-argo since 2026-03-02 10:32 UTC, sim-flux at main@[0-9a-f]{7}$/);
    // The tracked branch is not protected on the forge: shown on the app.
    assert.ok(rows.some((r) => r.contextValue === 'history.protection' && /main is not protected/.test(r.label)), JSON.stringify(rows.map(label)));
    const key = (await api()).apps().find((a) => a.name === argoApp && a.cluster === 'sim-argo')!.key;
    const node = (await testApi()).treeChildren(key)?.find((c) => c.label === 'History');
    assert.match(node?.description ?? '', /2 deployments · 1 flagged · main unprotected/);
  });

  it('History of the Flux app: the merged change it does not run yet', async () => {
    const rows = await historyRows('sim-flux', fluxApp, (r) => r.some((x) => x.contextValue === 'history.pending'));
    const pending = rows.filter((r) => r.contextValue === 'history.pending');
    assert.deepEqual(pending.map((p) => p.label), [`${change.slice(0, 7)} web: 3 replicas`]);
    assert.match(pending[0]!.description ?? '', /^not deployed here · bob \(committed by dave\) in #1 \(approved by erin, merged by frank\)/);
    const deployments = rows.filter((r) => r.contextValue === 'history.deployment');
    assert.equal(deployments.length, 1);
    assert.match(deployments[0]!.description ?? '', /deployed 2026-03-01 09:07 UTC/);
  });

  it('blame hover on the manifest: who changed the line, through which pull request, where it runs', async () => {
    const uri = vscode.Uri.file(path.join(folder, 'apps', 'web', 'deployment.yaml'));
    await vscode.window.showTextDocument(uri);
    const text = (h: vscode.Hover[]) => h.flatMap((x) => x.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    const at = async (line: number) => text((await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line, 4))) ?? []);
    // Line 6 (0-based) is `  replicas: 3`: bob's change.
    const replicas = await pollFor('the blame hover of the replicas line', async () => {
      const t = await at(6);
      return /changed by bob/.test(t) && /sim-flux/.test(t) ? t : undefined;
    }, 60_000);
    assert.match(replicas, /\*\*This line\*\* changed by bob in #1 \(approved by erin, merged by frank\)/);
    assert.match(replicas, /live in sim-argo since 2026-03-02 10:32 UTC/);
    assert.match(replicas, /not yet in sim-flux/);
    // Line 2 `metadata:` is alice's, deployed on both clusters; it came through no pull request.
    const meta = await at(2);
    assert.match(meta, /\*\*This line\*\* changed by alice in no pull request/);
    assert.match(meta, /live in sim-argo since 2026-03-01 09:05 UTC · live in sim-flux since 2026-03-01 09:07 UTC/);
    assert.match(meta, /policy: not through a merged pull request/);
    // The document's first line: its newest change.
    assert.match(await at(0), /\*\*This document\*\* changed by bob/);
  });
});
