/**
 * App of apps in the Applications view (issue 15), in the real extension host against an Argo CD
 * simulator run in this process: child Applications are nested under the Application that manages
 * them (its status.resources and their tracking annotation), not listed again in their project, and a
 * child whose parent is deleted moves back to its project.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parse } from 'yaml';
import type { TreeItemInfo } from '../../src/vscode/testApi';
import { startSimCluster, type SimCluster } from '../sim/k8s/cluster';
import { REPO_ROOT } from '../support/paths';
import { seedable } from '../support/simObjects';
import { waitFor } from '../support/waitFor';
import { api, testApi } from './extensionApi';

const CONTEXT = 'argo-apps-of-apps';

/** An Application as Argo CD 2.x writes it; `children` become status.resources entries. */
function application(name: string, project: string, opts: { parent?: string; children?: readonly string[] } = {}): unknown {
  const meta = opts.parent ? `  annotations: {argocd.argoproj.io/tracking-id: "${opts.parent}:argoproj.io/Application:argocd/${name}"}\n` : '';
  const res = (opts.children ?? []).map((c) => `  - {group: argoproj.io, version: v1alpha1, kind: Application, namespace: argocd, name: ${c}, status: Synced, health: {status: Healthy}}\n`).join('');
  return parse(`apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${name}
  namespace: argocd
${meta}spec:
  project: ${project}
  source: {repoURL: https://git.example.test/org/platform.git, path: apps/${name}, targetRevision: main}
  destination: {server: https://kubernetes.default.svc, namespace: ${name}}
status:
  sync: {status: Synced, revision: 5f3ae2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5}
  health: {status: Healthy}
${res ? `  resources:\n${res}` : ''}`) as unknown;
}

const labels = (r: readonly TreeItemInfo[] | undefined) => (r ?? []).map((x) => x.label);

describe('App of apps nested in the Applications view (issue 15)', function () {
  this.timeout(90_000);
  const cfg = () => vscode.workspace.getConfiguration('gitopsLens');
  let sim: SimCluster | undefined;
  let dir = '';

  before(async () => {
    sim = await startSimCluster({
      seed: [path.join(REPO_ROOT, 'test', 'fixtures', 'sim', 'crds', 'argocd.yaml')],
      objects: [
        application('root', 'platform', { children: ['team-a', 'team-b'] }),
        application('team-a', 'teams', { parent: 'root', children: ['team-a-web'] }),
        application('team-b', 'teams', { parent: 'root' }),
        application('team-a-web', 'teams', { parent: 'team-a' }),
        application('standalone', 'teams'),
      ].map((o) => seedable(o)),
    });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'app-of-apps-'));
    const file = path.join(dir, 'kubeconfig.yaml');
    fs.writeFileSync(file, sim.kubeconfig(CONTEXT));
    const v1 = await api();
    await cfg().update('kubeconfig', [file], vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('gitopsLens.applications.focus');
    await waitFor('the Argo CD cluster ready', () => v1.clusterStates().find((s) => s.cluster === CONTEXT && s.connection === 'ready'), 30_000);
    await waitFor('every app', () => v1.apps().filter((a) => a.cluster === CONTEXT && a.kind === 'Application').length === 5 || undefined);
  });

  after(async () => {
    const v1 = await api();
    await cfg().update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
    await waitFor('the cluster gone', () => !v1.clusters().some((c) => c.name === CONTEXT) || undefined, 20_000).catch(() => undefined);
    await sim?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('nests children under their parent, grandchildren under the child, and lists each app once', async () => {
    const t = await testApi();
    assert.deepEqual(labels(t.applicationsChildren([CONTEXT, 'Argo CD'])), ['platform', 'teams']);
    assert.deepEqual(labels(t.applicationsChildren([CONTEXT, 'Argo CD', 'platform'])), ['root']);
    // Only the app no Application manages stays in its project.
    assert.deepEqual(labels(t.applicationsChildren([CONTEXT, 'Argo CD', 'teams'])), ['standalone']);
    const root = t.applicationsChildren([CONTEXT, 'Argo CD', 'platform', 'root']) ?? [];
    assert.deepEqual(labels(root).slice(0, 2), ['team-a', 'team-b']);
    assert.ok(root[0]?.expandable, 'team-a opens to its own children');
    assert.equal(root[0]?.description, 'Synced · main@5f3ae2b');
    assert.deepEqual(labels(t.applicationsChildren([CONTEXT, 'Argo CD', 'platform', 'root', 'team-a'])).slice(0, 1), ['team-a-web']);
    // Reveal finds a grandchild through its parents (getParent).
    const v1 = await api();
    const web = v1.apps().find((a) => a.cluster === CONTEXT && a.name === 'team-a-web');
    assert.ok(web);
    await t.revealApp(web.key);
  });

  it('moves a child back to its project when its parent is deleted', async () => {
    assert.ok(sim);
    sim.objects.delete('argoproj.io/v1alpha1', 'Application', 'argocd', 'root');
    const t = await testApi();
    const teams = await waitFor('team-a and team-b back in teams', () => {
      const l = labels(t.applicationsChildren([CONTEXT, 'Argo CD', 'teams']));
      return l.includes('team-a') && l.includes('team-b') ? l : undefined;
    });
    assert.deepEqual(teams, ['standalone', 'team-a', 'team-b']);
  });
});
