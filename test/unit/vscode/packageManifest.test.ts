/**
 * package.json is the extension's contract with VS Code; these checks keep it in line with the
 * code (STYLE.md rule 9) and with the brief (engines, activation, bin).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLUSTER_WRITE_COMMANDS, COMMAND_IDS, CONTEXT_KEYS, VIEW_IDS } from '../../../src/vscode/commandIds';
import { REPO_ROOT } from '../../support/paths';

interface Manifest {
  name: string;
  displayName: string;
  main: string;
  engines: { vscode: string };
  bin: Record<string, string>;
  activationEvents: string[];
  devDependencies: Record<string, string>;
  contributes: {
    commands: Array<{ command: string; title: string; category?: string; enablement?: string }>;
    views: Record<string, Array<{ id: string; name: string }>>;
    viewsContainers: { activitybar: Array<{ id: string; title: string; icon: string }> };
    menus: Record<string, Array<{ command: string; when?: string }>>;
    configuration: { properties: Record<string, unknown> };
  };
}

const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;

function minorOf(range: string): number {
  const m = /^\^?1\.(\d+)\.\d+$/.exec(range);
  if (!m?.[1]) throw new Error(`unexpected version range ${range}`);
  return Number(m[1]);
}

describe('package.json contributions', () => {
  it('is named gitops-lens / GitOps Lens with the bundled entry and the CLI bin', () => {
    assert.equal(pkg.name, 'gitops-lens');
    assert.equal(pkg.displayName, 'GitOps Lens');
    assert.equal(pkg.main, './dist/extension.js');
    assert.deepEqual(pkg.bin, { 'gitops-lens': 'dist/cli.js' });
  });

  it('targets VS Code 1.95 or older, with @types/vscode no newer than the engine', () => {
    const engine = minorOf(pkg.engines.vscode);
    assert.ok(engine <= 95, `engines.vscode ${pkg.engines.vscode} is newer than ^1.95.0`);
    const types = pkg.devDependencies['@types/vscode'];
    assert.ok(types);
    assert.ok(minorOf(types) <= engine, `@types/vscode ${types} is newer than engines.vscode`);
  });

  it('activates narrowly, never on *', () => {
    assert.ok(pkg.activationEvents.length > 0);
    for (const e of pkg.activationEvents) assert.notEqual(e, '*');
    assert.ok(!pkg.activationEvents.includes('onStartupFinished'));
  });

  it('declares exactly the commands the code registers, each in the GitOps category', () => {
    const declared = pkg.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(declared, [...COMMAND_IDS].sort());
    for (const c of pkg.contributes.commands) assert.equal(c.category, 'GitOps', `${c.command} has no GitOps category`);
  });

  it('menus refer only to declared commands', () => {
    const declared = new Set<string>(COMMAND_IDS);
    for (const [menu, items] of Object.entries(pkg.contributes.menus)) {
      for (const item of items) assert.ok(declared.has(item.command), `${menu} refers to unknown ${item.command}`);
    }
  });

  it('has a GitOps activity-bar container holding the Applications view, with an icon that exists', () => {
    const container = pkg.contributes.viewsContainers.activitybar.find((c) => c.id === 'gitopsLens');
    assert.equal(container?.title, 'GitOps');
    assert.ok(container && fs.existsSync(path.join(REPO_ROOT, container.icon)), 'activity bar icon missing');
    const views = pkg.contributes.views.gitopsLens ?? [];
    assert.deepEqual(views.map((v) => v.id), [...VIEW_IDS]);
    assert.deepEqual(views.map((v) => v.name), ['Applications', 'Sources']);
  });

  it('disables every cluster-writing command while an operation runs', () => {
    for (const id of CLUSTER_WRITE_COMMANDS) {
      const c = pkg.contributes.commands.find((x) => x.command === id);
      assert.equal(c?.enablement, `!${CONTEXT_KEYS.operationInProgress}`, `${id} lacks the operationInProgress enablement`);
    }
  });

  it('item menus target the contextValues the trees produce (Argo CD refresh, Flux reconcile)', () => {
    const items = pkg.contributes.menus['view/item/context'] ?? [];
    const shown = (command: string, contextValue: string) =>
      items.some((i) => {
        if (i.command !== command) return false;
        const m = /viewItem =~ \/(.+?)\/(?:\s|$)/.exec(i.when ?? '');
        return m?.[1] !== undefined && new RegExp(m[1]).test(contextValue);
      });
    assert.ok(shown('gitopsLens.refreshApp', 'app.argocd.outOfSync'));
    assert.ok(!shown('gitopsLens.refreshApp', 'app.flux.synced'));
    assert.ok(shown('gitopsLens.reconcile', 'app.flux.outOfSync.suspended'));
    assert.ok(shown('gitopsLens.reconcile', 'source.GitRepository'));
    assert.ok(!shown('gitopsLens.reconcile', 'app.argocd.synced'));
    assert.ok(shown('gitopsLens.openSource', 'app.argocd.unknown'));
    assert.ok(shown('gitopsLens.copyName', 'cluster.enabled'));
  });

  it('ships a light and a dark status icon for every sync × health state', () => {
    for (const sync of ['synced', 'outofsync', 'unknown']) {
      for (const health of ['healthy', 'progressing', 'degraded', 'suspended', 'missing', 'unknown']) {
        for (const theme of ['light', 'dark']) {
          const file = path.join(REPO_ROOT, 'media', `status-${sync}-${health}-${theme}.svg`);
          assert.ok(fs.existsSync(file), `${file} is missing`);
          assert.match(fs.readFileSync(file, 'utf8'), /^<svg [^>]*viewBox="0 0 16 16"/);
        }
      }
    }
  });

  it('every setting is under gitopsLens.', () => {
    for (const key of Object.keys(pkg.contributes.configuration.properties)) assert.match(key, /^gitopsLens\./);
  });
});
