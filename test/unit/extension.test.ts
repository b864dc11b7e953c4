/**
 * Issue 18: activation reads no file. The kubeconfig, the argocd CLI config and the workspace's
 * repositories are read when a view is shown or a command needs them, not in activate(). Runs the
 * compiled extension in a fresh Node process with the stubbed host of the activation bench, a home
 * folder holding a kubeconfig and an argocd config, and every fs read/stat/watch recorded.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { COMMAND_IDS } from '../../src/vscode/commandIds';
import { REPO_ROOT } from '../support/paths';

const PROBE = path.join(REPO_ROOT, 'out', 'bench', 'support', 'activateProbe.js');
const EXTENSION = path.join(REPO_ROOT, 'out', 'src', 'extension.js');

/** The TypeScript files under a folder. */
function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

describe('extension activate()', () => {
  let home: string;
  before(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-home-'));
    fs.mkdirSync(path.join(home, '.kube'));
    fs.writeFileSync(path.join(home, '.kube', 'config'), 'apiVersion: v1\nkind: Config\ncontexts: []\nclusters: []\nusers: []\n');
    fs.mkdirSync(path.join(home, '.config', 'argocd'), { recursive: true });
    fs.writeFileSync(path.join(home, '.config', 'argocd', 'config'), 'contexts: []\nservers: []\nusers: []\n');
  });
  after(() => fs.rmSync(home, { recursive: true, force: true }));

  interface ProbeResult {
    commands: string[];
    treeViews: string[];
    schemes: string[];
    filesTouched: string[];
    featuresLoaded: { atActivation: boolean; atEnd: boolean };
  }

  function activate(command?: string, window: NodeJS.ProcessEnv = {}): ProbeResult {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, USERPROFILE: home };
    delete env.KUBECONFIG;
    delete env.ARGOCD_CONFIG_DIR;
    delete env.GITOPS_LENS_PROBE_COMMAND;
    delete env.GITOPS_LENS_PROBE_OPEN;
    delete env.GITOPS_LENS_PROBE_VIEWS_VISIBLE;
    if (command) env.GITOPS_LENS_PROBE_COMMAND = command;
    Object.assign(env, window);
    const r = spawnSync(process.execPath, [PROBE, EXTENSION], { encoding: 'utf8', env, timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as ProbeResult;
  }

  it('registers the views and commands without reading, stat-ing or watching any file', () => {
    const result = activate();
    assert.ok(result.commands.length > 0 && result.treeViews.includes('gitopsLens.applications'), 'activate() registered nothing');
    assert.deepEqual(result.filesTouched, []);
  });

  it('registers every command and both views with stand-ins, without loading the features (composition.ts)', () => {
    const result = activate();
    assert.deepEqual([...result.commands].sort(), [...COMMAND_IDS].sort());
    assert.deepEqual(result.treeViews, ['gitopsLens.applications', 'gitopsLens.sources']);
    // Every virtual document the features open, so a tab restored after a reload resolves before they load.
    assert.deepEqual([...result.schemes].sort(), ['gitops-argocd-events', 'gitops-drift', 'gitops-env', 'gitops-live']);
    // ... and no feature registers one of its own (it would exist only once the features load).
    const registering = sourceFiles(path.join(REPO_ROOT, 'src')).filter((f) => !f.endsWith('activation.ts') && fs.readFileSync(f, 'utf8').includes('registerTextDocumentContentProvider('));
    assert.deepEqual(registering, []);
    assert.deepEqual(result.featuresLoaded, { atActivation: false, atEnd: false });
  });

  it('loads the features on the first command run through its stand-in', () => {
    const result = activate('gitopsLens.clearFilter');
    assert.deepEqual(result.featuresLoaded, { atActivation: false, atEnd: true });
  });

  it('loads the features after activate() returned when a view is visible', () => {
    const result = activate(undefined, { GITOPS_LENS_PROBE_VIEWS_VISIBLE: '1' });
    assert.deepEqual(result.featuresLoaded, { atActivation: false, atEnd: true });
  });

  it('loads the features after activate() returned when a YAML document is open, not for other documents', () => {
    const yaml = activate(undefined, { GITOPS_LENS_PROBE_OPEN: `yaml:${path.join(home, 'app.yaml')}` });
    assert.deepEqual(yaml.featuresLoaded, { atActivation: false, atEnd: true });
    const json = activate(undefined, { GITOPS_LENS_PROBE_OPEN: `json:${path.join(home, 'app.json')}` });
    assert.deepEqual(json.featuresLoaded, { atActivation: false, atEnd: false });
  });
});
