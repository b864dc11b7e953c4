/**
 * package.json is the extension's contract with VS Code; these checks keep it in line with the
 * code (STYLE.md rule 9) and with the brief (engines, activation, bin).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMAND_IDS, VIEW_IDS } from '../../src/vscode/commandIds';
import { REPO_ROOT } from '../support/paths';

interface Manifest {
  name: string;
  displayName: string;
  main: string;
  engines: { vscode: string };
  bin: Record<string, string>;
  activationEvents: string[];
  devDependencies: Record<string, string>;
  contributes: {
    commands: Array<{ command: string; title: string; category?: string }>;
    views: Record<string, Array<{ id: string; name: string }>>;
    viewsContainers: { activitybar: Array<{ id: string; title: string; icon: string }> };
    menus: Record<string, Array<{ command: string }>>;
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
    assert.equal(views[0]?.name, 'Applications');
  });

  it('every setting is under gitopsLens.', () => {
    for (const key of Object.keys(pkg.contributes.configuration.properties)) assert.match(key, /^gitopsLens\./);
  });
});
