/**
 * Environments (issue 19) in the real extension host, on a real git clone of a repository the forge
 * simulator serves (test/support/envRepo.ts: storefront base + staging + production overlays) and an
 * Argo CD Application on sim-argo that deploys its production overlay: the app's "Environments" node
 * (revision, sync, health, the commit its cluster has not applied), "Compare Environments" opening a
 * diff editor of the two rendered overlays (real `kubectl kustomize`, Secrets masked), and "Promote…"
 * opening a PR on the forge simulator whose only file is the production overlay with the new tag and
 * every comment kept, and whose body names the change and its impact on sim-argo.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import * as YAML from 'yaml';
import { ENV_REPO_FILES, STOREFRONT_PRODUCTION } from '../support/envRepo';
import { connectSimsAndWaitFor, pollFor } from './driftWorkspace';
import { api, testApi } from './extensionApi';
import type { ForgeSimAccess, SimAccess } from './simClusters';

function forge(): ForgeSimAccess {
  const raw = process.env.GITOPS_LENS_FORGE_SIM;
  assert.ok(raw, 'GITOPS_LENS_FORGE_SIM is not set by the runner');
  return JSON.parse(raw) as ForgeSimAccess;
}

function argo(): SimAccess['argo'] {
  const raw = process.env.GITOPS_LENS_SIM;
  assert.ok(raw, 'GITOPS_LENS_SIM is not set by the runner');
  return (JSON.parse(raw) as SimAccess).argo;
}

function run(cmd: string, cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(cmd, args, { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' }, maxBuffer: 8 << 20 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${cmd} ${args.join(' ')}: ${stderr}`)) : resolve(stdout),
    ),
  );
}
const git = (cwd: string, args: string[]): Promise<string> => run('git', cwd, args);

/** One call to sim-argo's API as its admin; 404 on DELETE and 409 on POST are fine (cleanup, re-runs). */
async function kube(method: string, apiPath: string, body?: unknown): Promise<void> {
  const s = argo();
  const res = await fetch(`${s.url}${apiPath}`, {
    method,
    headers: { authorization: `Bearer ${s.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.ok || (method === 'DELETE' && res.status === 404) || (method === 'POST' && res.status === 409)) return;
  assert.fail(`${method} ${apiPath}: ${res.status} ${await res.text()}`);
}

const APPS = '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications';
const DEPLOYMENTS = '/apis/apps/v1/namespaces/storefront/deployments';
const FULL_NAME = 'acme/env-gitops';

type PromoteResult = { url: string; branch: string; title: string; carried: { label: string; file: string }[]; refused: unknown[] } | { error: string };
type CompareResult = { summary: string; title: string; left: string; right: string } | { error: string };

describe('Environments: map node, compare and promote (issue 19)', function () {
  this.timeout(180_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-env-'));
  let root = '';
  let host = '';
  let applied = '';
  let key = '';

  before(async () => {
    await api();
    host = new URL(forge().url).host;
    const created = await fetch(`${forge().control}/repos`, { method: 'POST', body: JSON.stringify({ fullName: FULL_NAME, files: ENV_REPO_FILES }) });
    assert.equal(created.status, 200, await created.clone().text());
    const { cloneUrls } = (await created.json()) as { cloneUrls: Record<string, string> };
    const url = cloneUrls.github as string;
    root = path.join(tmp, 'gitops');
    await git(tmp, ['clone', '--quiet', url, root]);
    await git(root, ['config', 'user.name', 'Dev One']);
    await git(root, ['config', 'user.email', 'dev@example.test']);
    // What production runs is this commit; one more on main touches its base: one pending.
    applied = (await git(root, ['rev-parse', 'HEAD'])).trim();
    fs.appendFileSync(path.join(root, 'apps/storefront/base/deployment.yaml'), '# reviewed for the next release\n');
    await git(root, ['commit', '--quiet', '-am', 'base: note the review']);
    // The test pushes as the author would, with the simulator's token (never stored in the clone's config).
    const basic = Buffer.from(`${forge().user}:${forge().token}`).toString('base64');
    await git(root, ['-c', `http.extraHeader=Authorization: Basic ${basic}`, 'push', '--quiet', 'origin', 'HEAD:main']);
    await git(root, ['fetch', '--quiet', 'origin']);

    // sim-argo: the production Application, synced at `applied`, and the Deployment it runs (production as rendered).
    const rendered = YAML.parseAllDocuments(await run('kubectl', root, ['kustomize', 'apps/storefront/overlays/production'])).map((d) => d.toJS() as Record<string, unknown>);
    const deployment = rendered.find((o) => o.kind === 'Deployment') as Record<string, unknown> & { metadata: Record<string, unknown> };
    await kube('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'storefront' } });
    await kube('POST', DEPLOYMENTS, { ...deployment, metadata: { ...deployment.metadata, namespace: 'storefront' } });
    await kube('POST', APPS, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'storefront', namespace: 'argocd' },
      spec: {
        project: 'default',
        source: { repoURL: url, targetRevision: 'main', path: 'apps/storefront/overlays/production' },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'storefront' },
      },
      // Argo CD's Application CRD has no status subresource: the controller writes status with the object.
      status: {
        sync: { status: 'Synced', revision: applied },
        health: { status: 'Healthy' },
        operationState: { phase: 'Succeeded', syncResult: { revision: applied } },
      },
    });

    await vscode.workspace.getConfiguration('gitopsLens').update('forges', { [host]: 'github' }, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('gitopsLens.setForgeToken', { host, token: forge().token });
    key = (await connectSimsAndWaitFor('the storefront app, synced', (apps) => apps.find((a) => a.cluster === 'sim-argo' && a.name === 'storefront' && a.sync === 'Synced'), 30_000)).key;
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await kube('DELETE', `${APPS}/storefront`).catch(() => undefined);
    await kube('DELETE', `${DEPLOYMENTS}/prod-storefront`).catch(() => undefined);
    const cfg = vscode.workspace.getConfiguration('gitopsLens');
    await cfg.update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
    await cfg.update('forges', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('gitopsLens.forgetForgeToken', { host });
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('the app has an Environments node: each environment with its revision, sync, health and what is pending', async () => {
    const t = await testApi();
    const rows = await pollFor(
      'the Environments node with the pending commit',
      async () => {
        await t.refreshEnvironments(root);
        const envs = t.treeChildren(key, ['Environments']);
        return envs && envs.some((r) => r.description?.includes('pending')) ? envs : undefined;
      },
      60_000,
    );
    const node = t.treeChildren(key)?.find((r) => r.label === 'Environments');
    assert.ok(node, 'no Environments node');
    assert.equal(node.description, '2 of storefront · 1 behind');
    assert.deepEqual(rows.map((r) => r.label), ['overlays/production', 'overlays/staging']);
    const [production, staging] = rows;
    assert.equal(production?.description, `main@${applied.slice(0, 7)} · Synced · Healthy · 1 pending`);
    assert.equal(production?.contextValue, 'environment.self');
    assert.match(production?.tooltip ?? '', /base: note the review/);
    // Staging is only in the repository here: no cluster says what it runs.
    assert.equal(staging?.description, 'no revision · Unknown · Unknown');
    assert.equal(staging?.contextValue, 'environment');
  });

  it('Compare Environments opens the two rendered overlays in a diff editor, titled with the summary, Secrets masked', async () => {
    const r = (await vscode.commands.executeCommand('gitopsLens.compareEnvironments', { root, app: 'storefront', from: 'staging', to: 'production', returnErrors: true })) as CompareResult;
    assert.ok(r && 'summary' in r, JSON.stringify(r));
    assert.match(r.summary, /^overlays\/production is 4 fields behind overlays\/staging: image 2\.4\.0 → 2\.5\.1, replicas 3 → 5/);
    const tab = await pollFor('the diff tab', () => {
      const active = vscode.window.tabGroups.activeTabGroup.activeTab;
      return active?.input instanceof vscode.TabInputTextDiff ? active : undefined;
    });
    const input = tab.input as vscode.TabInputTextDiff;
    assert.equal(input.original.toString(), r.left);
    assert.equal(input.modified.toString(), r.right);
    assert.equal(tab.label, r.title);
    const left = (await vscode.workspace.openTextDocument(input.original)).getText();
    const right = (await vscode.workspace.openTextDocument(input.modified)).getText();
    assert.match(left, /image: registry\.example\.com\/acme\/storefront:2\.4\.0/);
    assert.match(right, /image: registry\.example\.com\/acme\/storefront:2\.5\.1/);
    // Paired objects under one name, the real ones in a comment alike on both sides: no prefix line shows as changed.
    for (const text of [left, right]) assert.match(text, /# storefront: staging-storefront in overlays\/staging, prod-storefront in overlays\/production\n[\s\S]*?\n {2}name: storefront\n/);
    assert.ok(!/^\s*name: (prod|staging)-/m.test(left + right), 'a prefixed name is shown');
    for (const text of [left, right]) {
      assert.ok(!text.includes('base-password-not-shown'), 'a Secret value is shown');
      assert.match(text, /kind: Secret/);
    }
  });

  it('Promote… opens a PR on the forge: the production overlay alone, new tag, comments kept, impact on sim-argo in the body', async () => {
    const before = fs.readFileSync(path.join(root, STOREFRONT_PRODUCTION), 'utf8');
    const r = (await vscode.commands.executeCommand('gitopsLens.promoteEnvironment', { root, app: 'storefront', from: 'staging', to: 'production', what: 'image', yes: true, returnErrors: true })) as PromoteResult;
    assert.ok(r && 'url' in r, JSON.stringify(r));
    assert.deepEqual(r.carried.map((c) => [c.label, c.file]), [['image registry.example.com/acme/storefront', STOREFRONT_PRODUCTION]]);
    assert.deepEqual(r.refused, []);
    await git(root, ['fetch', '--quiet', 'origin', r.branch]);
    assert.equal((await git(root, ['show', '--name-only', '--format=', 'FETCH_HEAD'])).trim(), STOREFRONT_PRODUCTION);
    const pushed = await git(root, ['show', `FETCH_HEAD:${STOREFRONT_PRODUCTION}`]);
    assert.equal(pushed, (ENV_REPO_FILES[STOREFRONT_PRODUCTION] as string).replace('newTag: "2.4.0"   # keep quoted', 'newTag: "2.5.1"   # keep quoted'));
    // The user's working tree is not touched: the PR is made from a temporary index.
    assert.equal(fs.readFileSync(path.join(root, STOREFRONT_PRODUCTION), 'utf8'), before);
    const prs = (await (await fetch(`${forge().control}/pulls?repo=${encodeURIComponent(FULL_NAME)}`)).json()) as { head: string; title: string; body: string }[];
    const pr = prs.find((p) => p.head === r.branch);
    assert.ok(pr, JSON.stringify(prs.map((p) => p.head)));
    assert.equal(pr.title, r.title);
    assert.match(pr.title, /^Promote storefront to overlays\/production/);
    assert.match(pr.body, /Promote \*\*storefront\*\* from \*\*overlays\/staging\*\* to \*\*overlays\/production\*\*/);
    assert.match(pr.body, /image registry\.example\.com\/acme\/storefront: 2\.4\.0 → 2\.5\.1/);
    assert.match(pr.body, /### Impact/);
    assert.match(pr.body, /sim-argo/);
    assert.match(pr.body, /storefront:2\.4\.0[\s\S]*storefront:2\.5\.1/, 'the live image and the new one are not in the impact');
  });

  it('Promote… from its quick pick: every change offered picked, and only those left picked reach the PR', async () => {
    const PRODUCTION_ENV = 'apps/storefront/overlays/production/env.yaml';
    // A spy, not a stub: the real quick pick shows, the test sees when and with what, and answers it through the workbench's own commands.
    const offered: vscode.QuickPickItem[][] = [];
    type Pick = (items: unknown, ...rest: unknown[]) => Thenable<unknown>;
    const window = vscode.window as unknown as { showQuickPick: Pick };
    const original = window.showQuickPick;
    window.showQuickPick = (items, ...rest) =>
      Promise.resolve(items).then((list) => {
        offered.push([...(list as vscode.QuickPickItem[])]);
        return original.call(vscode.window, list, ...rest);
      });
    let pending: Thenable<unknown>;
    try {
      // `yes` skips the PR's preview and title prompt; `pick` still asks what to carry.
      pending = vscode.commands.executeCommand('gitopsLens.promoteEnvironment', { root, app: 'storefront', from: 'staging', to: 'production', yes: true, pick: true, returnErrors: true });
      const items = (await pollFor('the quick pick of what to carry', () => offered[0], 60_000)).filter((i) => i.kind !== vscode.QuickPickItemKind.Separator);
      assert.deepEqual(items.map((i) => [i.label, i.detail, i.picked]), [
        ['image registry.example.com/acme/storefront', STOREFRONT_PRODUCTION, true],
        ['replicas storefront', STOREFRONT_PRODUCTION, true],
        ['Deployment storefront LOG_LEVEL', PRODUCTION_ENV, true],
        ['Deployment storefront FEATURE_CHECKOUT_V2', STOREFRONT_PRODUCTION, true],
      ]);
      // Leave replicas and LOG_LEVEL picked: the image and the new variable stay behind.
      const keep = new Set(['replicas storefront', 'Deployment storefront LOG_LEVEL']);
      await new Promise((r) => setTimeout(r, 500));
      await vscode.commands.executeCommand('quickInput.first');
      for (const item of items) {
        if (!keep.has(item.label)) await vscode.commands.executeCommand('workbench.action.quickPickManyToggle');
        await vscode.commands.executeCommand('quickInput.next');
      }
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    } finally {
      window.showQuickPick = original;
    }
    const r = (await pending) as PromoteResult;
    assert.ok(r && 'url' in r, JSON.stringify(r));
    assert.deepEqual(r.carried.map((c) => [c.label, c.file]), [
      ['replicas storefront', STOREFRONT_PRODUCTION],
      ['Deployment storefront LOG_LEVEL', PRODUCTION_ENV],
    ]);
    await git(root, ['fetch', '--quiet', 'origin', r.branch]);
    assert.deepEqual((await git(root, ['show', '--name-only', '--format=', 'FETCH_HEAD'])).trim().split('\n').sort(), [PRODUCTION_ENV, STOREFRONT_PRODUCTION]);
    // Each file with the picked value alone, comments kept: the tag and the new variable are not carried.
    assert.equal(await git(root, ['show', `FETCH_HEAD:${STOREFRONT_PRODUCTION}`]), (ENV_REPO_FILES[STOREFRONT_PRODUCTION] as string).replace('count: 3 # peak traffic needs 3', 'count: 5 # peak traffic needs 3'));
    assert.equal(await git(root, ['show', `FETCH_HEAD:${PRODUCTION_ENV}`]), (ENV_REPO_FILES[PRODUCTION_ENV] as string).replace('value: warn # quiet in production', 'value: debug # quiet in production'));
    const prs = (await (await fetch(`${forge().control}/pulls?repo=${encodeURIComponent(FULL_NAME)}`)).json()) as { head: string; body: string }[];
    const pr = prs.find((p) => p.head === r.branch);
    assert.ok(pr, JSON.stringify(prs.map((p) => p.head)));
    assert.match(pr.body, /replicas storefront: 3 → 5/);
    assert.match(pr.body, /LOG_LEVEL: warn → debug/);
    assert.ok(!/2\.5\.1|FEATURE_CHECKOUT_V2/.test(pr.body.split('### Impact')[0] as string), 'the PR carries a change that was not picked');
  });

  it('Promote… says what only a shared values file could take, and opens the PR with the rest only when told to', async () => {
    // shop as ApplicationSet siblings whose production reads a pinned values file last, which staging reads
    // too (working-tree changes: a command scans the files as they are). A Flux HelmRelease always has a
    // place of its own for a value (its spec.values win over every file); a generated app's inline values
    // are the template's, shared.
    const manifests = ['staging', 'production'].map((env) => `clusters/${env}/flux-system/shop.yaml`);
    const pinned = path.join(root, 'charts/shop/pinned.yaml');
    const appSet = path.join(root, 'argocd/shop.yaml');
    for (const m of manifests) fs.rmSync(path.join(root, m));
    fs.writeFileSync(pinned, 'replicaCount: 1 # every environment\n');
    fs.mkdirSync(path.dirname(appSet), { recursive: true });
    fs.writeFileSync(
      appSet,
      `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: shop
  namespace: argocd
spec:
  generators:
    - list:
        elements:
          - env: staging
            first: pinned.yaml
            last: values-staging.yaml
          - env: production
            first: values-production.yaml
            last: pinned.yaml
  template:
    metadata:
      name: 'shop-{{env}}'
    spec:
      project: default
      source:
        repoURL: https://git.example.com/acme/gitops.git
        path: charts/shop
        helm:
          valueFiles:
            - '{{first}}'
            - '{{last}}'
      destination:
        name: '{{env}}'
        namespace: shop
`,
    );
    type Pick = (items: unknown, ...rest: unknown[]) => Thenable<unknown>;
    type Warn = (message: string, ...rest: unknown[]) => Thenable<unknown>;
    const window = vscode.window as unknown as { showQuickPick: Pick; showWarningMessage: Warn };
    const [originalPick, originalWarn] = [window.showQuickPick, window.showWarningMessage];
    const offered: vscode.QuickPickItem[][] = [];
    const warned: { message: string; detail: string | undefined }[] = [];
    let answer: string | undefined;
    // The quick pick shows for real (a spy); a modal dialog has no command that presses its buttons, so it is answered here.
    window.showQuickPick = (items, ...rest) =>
      Promise.resolve(items).then((list) => {
        offered.push([...(list as vscode.QuickPickItem[])]);
        return originalPick.call(vscode.window, list, ...rest);
      });
    window.showWarningMessage = (message, ...rest) => {
      const options = rest[0] as vscode.MessageOptions | undefined;
      warned.push({ message, detail: options?.detail });
      return Promise.resolve(answer);
    };
    const count = async () => ((await (await fetch(`${forge().control}/pulls?repo=${encodeURIComponent(FULL_NAME)}`)).json()) as unknown[]).length;
    const promoteAll = async (): Promise<PromoteResult> => {
      const asked = offered.length;
      const pending = vscode.commands.executeCommand('gitopsLens.promoteEnvironment', { root, app: 'shop', from: 'staging', to: 'production', yes: true, pick: true, returnErrors: true });
      const items = (await pollFor('the quick pick of what to carry', () => offered[asked], 60_000)).filter((i) => i.kind !== vscode.QuickPickItemKind.Separator);
      assert.deepEqual(items.map((i) => [i.label, i.picked ?? false]), [
        ['image.tag', true],
        ['$(circle-slash) replicaCount', false],
      ]);
      await new Promise((r) => setTimeout(r, 500));
      // Everything left picked: the whole difference, the refused key with it.
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return (await pending) as PromoteResult;
    };
    try {
      const before = await count();
      answer = undefined;
      const dismissed = await promoteAll();
      assert.deepEqual(dismissed, { error: 'cancelled' });
      assert.equal(await count(), before, 'a PR was opened although the dialog was dismissed');
      assert.equal(warned.length, 1);
      assert.equal(warned[0]?.message, 'Some changes can only be made in a shared file and are not carried.');
      assert.match(warned[0]?.detail ?? '', /^replicaCount: set again in charts\/shop\/pinned\.yaml, which takes precedence over production's own values and is read by staging too; not changed\.\n\nOpen the pull request with the rest\?$/);

      answer = 'Open Pull Request';
      const r = await promoteAll();
      assert.ok(r && 'url' in r, JSON.stringify(r));
      assert.deepEqual(r.carried.map((c) => [c.label, c.file]), [['image.tag', 'charts/shop/values-production.yaml']]);
      assert.deepEqual(r.refused.map((x) => x as { label: string; sharedFile?: string; reaches?: string[] }).map((x) => [x.label, x.sharedFile, x.reaches]), [['replicaCount', 'charts/shop/pinned.yaml', ['staging']]]);
      await git(root, ['fetch', '--quiet', 'origin', r.branch]);
      const changed = (await git(root, ['show', '--name-only', '--format=', 'FETCH_HEAD'])).trim().split('\n');
      assert.ok(!changed.includes('charts/shop/pinned.yaml') && !changed.includes('charts/shop/values.yaml'), `a shared file is in the PR: ${changed.join(', ')}`);
      const pr = ((await (await fetch(`${forge().control}/pulls?repo=${encodeURIComponent(FULL_NAME)}`)).json()) as { head: string; body: string }[]).find((p) => p.head === r.branch);
      assert.ok(pr);
      assert.match(pr.body, /Not carried:\n- replicaCount: set again in charts\/shop\/pinned\.yaml/);
    } finally {
      window.showQuickPick = originalPick;
      window.showWarningMessage = originalWarn;
      fs.rmSync(pinned, { force: true });
      fs.rmSync(path.dirname(appSet), { recursive: true, force: true });
      await git(root, ['checkout', '--', ...manifests]);
    }
  });

  it('Promote… refuses an edit only the shared base could make, naming the file and the environments it would reach; no PR', async () => {
    // qa deploys the base itself (a manifest not committed yet: a command scans the files as they are).
    const qa = path.join(root, 'clusters/qa/argocd/storefront.yaml');
    fs.mkdirSync(path.dirname(qa), { recursive: true });
    fs.writeFileSync(qa, (ENV_REPO_FILES['clusters/staging/argocd/storefront.yaml'] as string).replace('apps/storefront/overlays/staging', 'apps/storefront/base'));
    try {
      const count = async () => ((await (await fetch(`${forge().control}/pulls?repo=${encodeURIComponent(FULL_NAME)}`)).json()) as unknown[]).length;
      const before = await count();
      const base = fs.readFileSync(path.join(root, 'apps/storefront/base/kustomization.yaml'), 'utf8');
      const r = (await vscode.commands.executeCommand('gitopsLens.promoteEnvironment', { root, app: 'storefront', from: 'staging', to: 'qa', what: 'image', yes: true, returnErrors: true })) as PromoteResult;
      assert.ok(r && 'error' in r, JSON.stringify(r));
      assert.match(r.error, /^Nothing promoted from overlays\/staging to base\./);
      assert.match(r.error, /can only be made in apps\/storefront\/base\/kustomization\.yaml, where it would reach them as well/);
      assert.match(r.error, /built by overlays\/production, overlays\/staging too/);
      assert.equal(await count(), before, 'a PR was opened');
      assert.equal(fs.readFileSync(path.join(root, 'apps/storefront/base/kustomization.yaml'), 'utf8'), base);
    } finally {
      fs.rmSync(path.join(root, 'clusters/qa'), { recursive: true, force: true });
    }
  });
});
