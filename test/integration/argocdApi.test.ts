/**
 * An Argo CD reached only through its API (issue 16), in the real extension host: the Argo CD API
 * stand-in started by runner.ts (simClusters.ts startArgoCdApiSim) is known only from an `argocd` CLI
 * config file (no kubeconfig names it). Pointing `gitopsLens.argocd.configFile` at that file lists its
 * apps under the server's row; expanding an app shows the resource tree with Argo CD's health; a
 * manifest of the repository the app deploys gets a drift lens computed against managed-resources'
 * normalized live state; the refresh command goes through the API.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AppInfoV1 } from '../../src/vscode/api';
import type { TreeItemInfo } from '../../src/vscode/testApi';
import { GUESTBOOK_CLONE_GIT_CONFIG, GUESTBOOK_MANIFEST, GUESTBOOK_RECONCILED_AT, GUESTBOOK_REPO_URL } from '../fixtures/gitops/argocdApi';
import type { ArgoCdApiSimAccess } from './simClusters';
import { lensTitles, pollFor } from './driftWorkspace';
import { api, testApi } from './extensionApi';

function argocdSim(): ArgoCdApiSimAccess {
  const raw = process.env.GITOPS_LENS_ARGOCD_API_SIM;
  assert.ok(raw, 'GITOPS_LENS_ARGOCD_API_SIM is not set by the runner');
  return JSON.parse(raw) as ArgoCdApiSimAccess;
}

const config = () => vscode.workspace.getConfiguration('gitopsLens');
/** A Markdown tooltip's text without its escapes (tooltipMarkdown.ts mdText). */
const plain = (md: string | undefined): string => (md ?? '').replace(/\\(.)/g, '$1');

describe('Argo CD reached only through its API', function () {
  this.timeout(90_000);
  const sim = argocdSim();
  const cluster = `argocd:${sim.context}`;
  let app: AppInfoV1;
  let folder: string | undefined;

  const guestbook = async (): Promise<AppInfoV1 | undefined> => (await api()).apps().find((a) => a.cluster === cluster && a.name === 'guestbook');
  const appRow = async (): Promise<TreeItemInfo | undefined> => (await testApi()).applicationsChildren([sim.context, 'Argo CD', 'default'])?.find((r) => r.id === `app/${app.key}`);

  before(async () => {
    await config().update('argocd.configFile', sim.configFile, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('gitopsLens.applications.focus');
    app = await pollFor('guestbook through the Argo CD API', guestbook, 30_000);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (folder) {
      fs.rmSync(path.join(folder, '.git'), { recursive: true, force: true });
      fs.rmSync(path.join(folder, 'guestbook'), { recursive: true, force: true });
    }
    await config().update('argocd.configFile', undefined, vscode.ConfigurationTarget.Global);
    // The server leaves with its context: its apps go (the next suite starts without it).
    await pollFor('the API server gone', async () => (await guestbook()) === undefined || undefined);
  });

  it('lists its apps under the server row, with no kubeconfig for it', async () => {
    const t = await testApi();
    const v1 = await api();
    assert.ok(!v1.clusterStates().some((c) => c.cluster === sim.context), 'the Argo CD context must not come from a kubeconfig');
    const row = await pollFor('the server row ready', () => t.applicationsChildren([])?.find((r) => r.label === sim.context && r.description?.startsWith('Argo CD API ·') && !r.description.includes('connecting')));
    assert.equal(row.id, `cluster/${cluster}`);
    assert.equal(row.contextValue, 'argocdServer.config');
    assert.match(row.description ?? '', /^Argo CD API · https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(app.sync, 'OutOfSync');
    assert.equal(app.health, 'Degraded');
    const item = await pollFor('the guestbook row', appRow);
    // No automated sync: "Sync from Git" is offered on the row (package.json matches `.api.manualSync`).
    assert.equal(item.contextValue, 'app.argocd.outOfSync.api.manualSync');
  });

  it('lists the repository its apps deploy from in the Sources view, under the server', async () => {
    const t = await testApi();
    const server = await pollFor('the server in the Sources view', () => t.sourcesChildren([])?.find((r) => r.label === sim.context));
    assert.equal(server.id, `cluster/${cluster}`);
    const repos = await pollFor('its repositories', () => t.sourcesChildren([sim.context, 'Argo CD repositories']));
    assert.deepEqual(repos.map((r) => [r.label, r.description]), [[GUESTBOOK_REPO_URL, '1 app']]);
    assert.deepEqual(t.sourcesChildren([sim.context, 'Argo CD repositories', GUESTBOOK_REPO_URL])?.map((r) => r.label), ['guestbook']);
  });

  it("expands an app into its resource tree, with Argo CD's health", async () => {
    const t = await testApi();
    await t.revealApp(app.key, { expand: true });
    const rows = await pollFor('resource health from the resource tree', () => {
      // The app's resources (its History node, issue 17, is not one of them).
      const r = t.treeChildren(app.key)?.filter((x) => x.label !== 'History');
      return r && r.length === 2 && r.every((x) => !x.description?.includes('loading')) ? r : undefined;
    }).catch((err: unknown) => {
      throw new Error(`${err instanceof Error ? err.message : String(err)}; rows: ${JSON.stringify(t.treeChildren(app.key)?.map((r) => [r.label, r.description]))}`);
    });
    assert.deepEqual(
      rows.map((r) => [r.label, r.description, r.expandable]),
      [
        ['Deployment/guestbook-ui', 'guestbook · OutOfSync · Degraded', true],
        ['Service/guestbook-ui', 'guestbook · Synced · Healthy', false],
      ],
    );
    assert.match(rows[0]!.tooltip ?? '', /Health \(Argo CD\): Degraded/);
    // What Argo CD tracks below the Deployment: its ReplicaSet, and the ReplicaSet's Pod.
    const below = t.treeChildren(app.key, ['Deployment/guestbook-ui']);
    assert.deepEqual(below?.map((r) => [r.label, r.description]), [['ReplicaSet guestbook-ui-6c5b', 'Progressing']]);
    const pods = t.treeChildren(app.key, ['Deployment/guestbook-ui', 'ReplicaSet guestbook-ui-6c5b']);
    assert.deepEqual(pods?.map((r) => [r.label, r.description]), [['Pod guestbook-ui-6c5b-q7x2', 'Degraded · Status Reason: ImagePullBackOff']]);
  });

  it("shows a drift lens computed against managed-resources' normalized live state", async () => {
    folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    assert.ok(folder, 'no workspace folder');
    fs.mkdirSync(path.join(folder, '.git'), { recursive: true });
    fs.writeFileSync(path.join(folder, '.git', 'config'), GUESTBOOK_CLONE_GIT_CONFIG);
    const file = path.join(folder, 'guestbook', 'guestbook.yaml');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, GUESTBOOK_MANIFEST);
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    // The image differs from Argo CD's live Deployment; `spec.replicas` (5 live, 2 here) is not reported:
    // the app ignores it, and Argo CD's normalized live state has no such field. The Service matches.
    const titles = await pollFor('lenses from managed-resources', async () => {
      const t = await lensTitles(doc.uri);
      return t.length === 2 && !t.some((s) => s.includes('Checking')) ? t : undefined;
    }, 30_000).catch(async (err: unknown) => {
      throw new Error(`${err instanceof Error ? err.message : String(err)}; lenses: ${JSON.stringify(await lensTitles(doc.uri))}`);
    });
    // The lens names the server as the user knows it (the argocd context), not the store's `argocd:<context>`.
    assert.deepEqual(titles, [`0: Drift: 1 field · ${sim.context}`, `19: In sync · ${sim.context}`]);
    // So does the hover of the document's drifted fields.
    const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(0, 0))) ?? [];
    const hover = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(hover, /1 drifted field/);
    assert.ok(hover.includes(`${sim.context}: desired`) && !hover.includes('argocd:'), hover);
  });

  it('shows the Application as Argo CD sent it (Show Live YAML)', async () => {
    await vscode.commands.executeCommand('gitopsLens.showLiveYaml', app.key);
    const text = await pollFor('the live YAML editor', () => {
      const d = vscode.window.activeTextEditor?.document;
      return d?.uri.scheme === 'gitops-live' && d.getText().length > 0 ? d.getText() : undefined;
    });
    assert.match(text, new RegExp(`^# Live Application argocd/guestbook on ${cluster} \\(read-only\\)`));
    assert.match(text, /repoURL: https:\/\/git\.example\.test\/org\/guestbook\.git/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('shows the last operation in the tooltip and the events of the app (Show Events)', async () => {
    const row = await pollFor('the guestbook row', appRow);
    // Built when hovered (resolveTreeItem), not for every row of an expand (issue 18).
    assert.equal(row.tooltipOnHover, true);
    const tip = plain(row.tooltip);
    assert.match(tip, /- Last operation: Sync OK by admin — successfully synced \(all tasks run\)/, tip);
    assert.match(tip, /Revision: `0a1b2c3`/, tip);
    assert.match(tip, /Finished: 2025-05-04T09:58:04Z \(/, tip);
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('gitopsLens.showArgoCdEvents', app.key);
    assert.ok(uri, 'Show Events opened no document');
    const text = await pollFor('the events document', () => {
      const d = vscode.window.activeTextEditor?.document;
      return d?.uri.toString() === uri.toString() && d.getText().length > 0 ? d.getText() : undefined;
    });
    const lines = text.split('\n');
    assert.equal(lines[0], `Events of Argo CD application argocd/guestbook on ${sim.context}`);
    assert.equal(lines[2], 'Last operation: Sync OK, initiated by admin');
    assert.equal(lines[4], '  Revision: 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567');
    assert.match(lines[7] ?? '', /^2025-05-04T09:58:04Z \(.* ago\) {2}Normal {2}OperationCompleted: Sync operation to 0a1b2c3 succeeded$/);
    assert.match(lines[8] ?? '', /OperationStarted: admin initiated sync to 0a1b2c3$/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('refreshes the app through the API', async () => {
    const before = await pollFor('the guestbook row', appRow);
    assert.ok(plain(before.tooltip).includes(`Last reconcile: ${GUESTBOOK_RECONCILED_AT}`), plain(before.tooltip));
    await vscode.commands.executeCommand('gitopsLens.refreshApp', app.key);
    // The stand-in controller re-stamps status.reconciledAt on `?refresh=normal`; the stream brings it back.
    const after = await pollFor('a new reconcile time', async () => {
      const r = await appRow();
      return r && !plain(r.tooltip).includes(GUESTBOOK_RECONCILED_AT) && /Last reconcile: \d{4}-/.test(plain(r.tooltip)) ? r : undefined;
    });
    assert.match(plain(after.tooltip), /Last reconcile: 20\d\d-\d\d-\d\dT/);
  });
});
