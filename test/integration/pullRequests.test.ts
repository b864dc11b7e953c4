/**
 * Pull requests (issue 6) in the real extension host: "GitOps: Open Pull Request for Changes" driven
 * with arguments (no UI), against the forge simulator started by runner.ts (every forge's REST API and
 * real Git over smart HTTP through git http-backend), for every forge kind: the PR is created with the
 * right head/base/title/body, a second run updates it instead of opening a duplicate, a bad token fails
 * in the forge's words, the user's working tree, index, HEAD and stash are byte-for-byte unchanged, and
 * no token lands in the repository's git config. (runner.ts also fails the run if the token appears in
 * any log file of the extension host.)
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ForgeSimAccess } from './simClusters';
import { api, testApi } from './extensionApi';
import { connectSimsAndWaitFor } from './driftWorkspace';
import { CHECKOUT_GIT_IMAGE, checkoutDeploymentYaml } from '../fixtures/gitops/checkoutRepo';
import { FORGE_LABELS } from '../../src/core/forge/types';

const KINDS = ['github', 'github-enterprise', 'gitlab', 'bitbucket-cloud', 'bitbucket-server', 'azure-devops', 'gitea'] as const;
type Kind = (typeof KINDS)[number];

const DEPLOYMENT = `# guestbook UI (comment kept)
apiVersion: apps/v1
kind: Deployment
metadata:
  name: guestbook-ui
  namespace: guestbook
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: ui
          image: registry.example.test/guestbook:1.0.0
`;

function sim(): ForgeSimAccess {
  const raw = process.env.GITOPS_LENS_FORGE_SIM;
  assert.ok(raw, 'GITOPS_LENS_FORGE_SIM is not set by the runner');
  return JSON.parse(raw) as ForgeSimAccess;
}

// GIT_OPTIONAL_LOCKS=0: the test's own `git status` must not refresh the index it compares.
function git(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('git', args, { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' } }, (err, stdout, stderr) => (err ? reject(new Error(`git ${args.join(' ')}: ${stderr}`)) : resolve(stdout))),
  );
}

interface PullRecord {
  number: number;
  title: string;
  body: string;
  head: string;
  base: string;
  state: string;
  commits: number;
}

async function pulls(fullName: string): Promise<PullRecord[]> {
  const r = await fetch(`${sim().control}/pulls?repo=${encodeURIComponent(fullName)}`);
  return (await r.json()) as PullRecord[];
}

/** Everything a publish must not touch: working-tree files, index bytes, HEAD, refs, stash. */
async function snapshot(root: string): Promise<string> {
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name === '.git') continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else h.update(`${path.relative(root, p)}\0`).update(fs.readFileSync(p));
    }
  };
  walk(root);
  h.update(fs.readFileSync(path.join(root, '.git', 'index')));
  h.update(fs.readFileSync(path.join(root, '.git', 'HEAD')));
  h.update(await git(root, ['for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads', 'refs/stash']));
  h.update(await git(root, ['stash', 'list']));
  h.update(await git(root, ['status', '--porcelain=v1']));
  return h.digest('hex');
}

async function setForge(host: string, kind: Kind): Promise<void> {
  await vscode.workspace.getConfiguration('gitopsLens').update('forges', { [host]: kind }, vscode.ConfigurationTarget.Global);
}

const TEMPLATE = `## Description

## Checklist
- [ ] Reviewed by a second person
`;
const TEMPLATE_KINDS: readonly Kind[] = ['github', 'github-enterprise', 'gitea'];

/** The forge REST call an author would make to edit the PR body, for the forges whose simulator routes are simple to reach. */
function authorEdit(kind: Kind, fullName: string, number: number): { url: string; auth: string } | undefined {
  if (kind === 'github') return { url: `${sim().url}/repos/${fullName}/pulls/${number}`, auth: `Bearer ${sim().token}` };
  if (kind === 'gitea') return { url: `${sim().url}/api/v1/repos/${fullName}/pulls/${number}`, auth: `token ${sim().token}` };
  return undefined;
}

type CommandResult = { url: string; number?: number; branch: string; base: string; updated: boolean; title: string } | { error: string; code?: string } | undefined;

/** Undoes a suite's setup: the forge mapping and token it stored, its temp folder, and its kubeconfig setting. */
async function forgetSetup(host: string, tmp: string, opts: { kubeconfig?: boolean } = {}): Promise<void> {
  if (opts.kubeconfig) await vscode.workspace.getConfiguration('gitopsLens').update('kubeconfig', undefined, vscode.ConfigurationTarget.Global);
  await vscode.workspace.getConfiguration('gitopsLens').update('forges', undefined, vscode.ConfigurationTarget.Global);
  await vscode.commands.executeCommand('gitopsLens.forgetForgeToken', { host });
  fs.rmSync(tmp, { recursive: true, force: true });
}

describe('Pull requests on every forge (issue 6)', function () {
  this.timeout(120_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-pr-'));
  let host = '';

  before(async () => {
    await api();
    host = new URL(sim().url).host;
  });

  after(async () => {
    await forgetSetup(host, tmp);
  });

  for (const kind of KINDS) {
    it(`${kind}: opens a PR, updates it on a second run, leaves the user's repository untouched`, async () => {
      const fullName = `acme/gitops-${kind}`;
      const created = await fetch(`${sim().control}/repos`, {
        method: 'POST',
        body: JSON.stringify({ fullName, files: { 'apps/guestbook/deployment.yaml': DEPLOYMENT, 'README.md': '# gitops\n', '.github/pull_request_template.md': TEMPLATE } }),
      });
      assert.equal(created.status, 200, await created.clone().text());
      const { cloneUrls } = (await created.json()) as { cloneUrls: Record<Kind, string> };
      const root = path.join(tmp, kind);
      await git(tmp, ['clone', '--quiet', cloneUrls[kind], root]);
      await git(root, ['config', 'user.name', 'Dev One']);
      await git(root, ['config', 'user.email', 'dev@example.test']);
      // A stash, a staged unrelated file and an unstaged manifest edit: all must survive unchanged.
      fs.writeFileSync(path.join(root, 'README.md'), '# gitops (stashed)\n');
      await git(root, ['stash', 'push', '--quiet', '-m', 'keep me']);
      fs.writeFileSync(path.join(root, 'notes.txt'), 'staged, not part of the PR\n');
      await git(root, ['add', 'notes.txt']);
      const file = path.join(root, 'apps', 'guestbook', 'deployment.yaml');
      fs.writeFileSync(file, DEPLOYMENT.replace('replicas: 3', 'replicas: 5'));

      await setForge(host, kind);
      // A token alone, no user name: each forge's push header form (Gitea `token …`, Bitbucket Server Bearer).
      await vscode.commands.executeCommand('gitopsLens.setForgeToken', { host, token: sim().token });
      const before = await snapshot(root);

      const first = (await vscode.commands.executeCommand('gitopsLens.openPullRequest', { root, title: 'Scale guestbook to 5', yes: true, returnErrors: true })) as CommandResult;
      assert.ok(first && 'url' in first, `no PR: ${JSON.stringify(first)}`);
      assert.equal(first.updated, false);
      assert.equal(first.base, 'main');
      assert.match(first.branch, /^gitops\/[a-z0-9-]+$/);
      let prs = await pulls(fullName);
      assert.equal(prs.length, 1, JSON.stringify(prs));
      const pr = prs[0]!;
      assert.equal(pr.head, first.branch);
      assert.equal(pr.base, 'main');
      assert.equal(pr.title, 'Scale guestbook to 5');
      assert.equal(pr.state, 'open');
      assert.match(pr.body, /apps\/guestbook\/deployment\.yaml/);
      assert.match(pr.body, /### Impact/);
      assert.ok(pr.body.includes('<!-- gitops-lens:start -->') && pr.body.includes('<!-- gitops-lens:end -->'), 'our section is not marked');
      // GitHub and Gitea read .github/pull_request_template.md; the others have their own places (core/pr/plan templateCandidates).
      assert.equal(pr.body.includes('- [ ] Reviewed by a second person'), TEMPLATE_KINDS.includes(kind), `template use on ${kind}: ${pr.body}`);
      // The branch holds the working-tree version of the manifest (with its comment), not the staged note.
      const branchFile = await git(root, ['ls-remote', '--heads', 'origin', first.branch]);
      assert.ok(branchFile.includes(first.branch));
      await git(root, ['fetch', '--quiet', 'origin', first.branch]);
      const pushed = await git(root, ['show', `FETCH_HEAD:apps/guestbook/deployment.yaml`]);
      assert.match(pushed, /^# guestbook UI \(comment kept\)/);
      assert.match(pushed, /replicas: 5/);
      assert.equal((await git(root, ['show', '--name-only', '--format=', 'FETCH_HEAD'])).trim(), 'apps/guestbook/deployment.yaml');
      assert.equal((await git(root, ['log', '-1', '--format=%an <%ae>', 'FETCH_HEAD'])).trim(), 'Dev One <dev@example.test>');

      // The author edits the description on the forge (where this test can reach the forge's API).
      const edit = authorEdit(kind, fullName, pr.number);
      if (edit) {
        const r = await fetch(edit.url, { method: 'PATCH', headers: { authorization: edit.auth, 'content-type': 'application/json' }, body: JSON.stringify({ body: `Author note: keep me.\n\n${pr.body}` }) });
        assert.ok(r.ok, `editing the PR body: ${r.status}`);
      }

      // Second change to the same app: the open PR's branch gets a new commit; no second PR.
      fs.writeFileSync(file, DEPLOYMENT.replace('replicas: 3', 'replicas: 6'));
      const before2 = await snapshot(root);
      const second = (await vscode.commands.executeCommand('gitopsLens.openPullRequest', { root, title: 'Scale guestbook to 6', yes: true, returnErrors: true })) as CommandResult;
      assert.ok(second && 'url' in second, `no PR update: ${JSON.stringify(second)}`);
      assert.equal(second.updated, true);
      assert.equal(second.branch, first.branch);
      prs = await pulls(fullName);
      assert.equal(prs.length, 1, 'a duplicate PR was opened');
      // An update keeps the title and the author's text; only our marked section is replaced.
      assert.equal(prs[0]!.title, 'Scale guestbook to 5');
      if (edit) assert.match(prs[0]!.body, /^Author note: keep me\./);
      assert.equal(prs[0]!.body.split('<!-- gitops-lens:start -->').length, 2, 'our section appears twice');
      assert.equal(await snapshot(root), before2, 'the second run changed the working tree, index, refs or stash');

      // Fetching above added FETCH_HEAD only; everything the user owns is as it was.
      fs.writeFileSync(file, DEPLOYMENT.replace('replicas: 3', 'replicas: 5'));
      assert.equal(await snapshot(root), before, "the user's working tree, index, HEAD, refs or stash changed");
      const config = fs.readFileSync(path.join(root, '.git', 'config'), 'utf8');
      assert.ok(!config.includes(sim().token), 'the token reached .git/config');
      assert.ok(!config.toLowerCase().includes('extraheader'), 'an auth header reached .git/config');
    });
  }

  for (const kind of KINDS) {
    it(`${kind}: fails with the forge's words on a bad token, and opens nothing`, async () => {
      const fullName = `acme/gitops-badtoken-${kind}`;
      const created = await fetch(`${sim().control}/repos`, { method: 'POST', body: JSON.stringify({ fullName, files: { 'apps/guestbook/deployment.yaml': DEPLOYMENT } }) });
      const { cloneUrls } = (await created.json()) as { cloneUrls: Record<Kind, string> };
      const root = path.join(tmp, `badtoken-${kind}`);
      await git(tmp, ['clone', '--quiet', cloneUrls[kind], root]);
      await git(root, ['config', 'user.name', 'Dev One']);
      await git(root, ['config', 'user.email', 'dev@example.test']);
      fs.writeFileSync(path.join(root, 'apps', 'guestbook', 'deployment.yaml'), DEPLOYMENT.replace('replicas: 3', 'replicas: 4'));
      await setForge(host, kind);
      await vscode.commands.executeCommand('gitopsLens.setForgeToken', { host, token: 'not-a-valid-token' });
      const before = await snapshot(root);
      const result = (await vscode.commands.executeCommand('gitopsLens.openPullRequest', { root, yes: true, returnErrors: true })) as CommandResult;
      assert.ok(result && 'error' in result, `expected an error, got ${JSON.stringify(result)}`);
      assert.equal(result.code, 'auth', result.error);
      assert.ok(result.error.startsWith(`${FORGE_LABELS[kind]}:`) || result.error.includes(FORGE_LABELS[kind]), result.error);
      assert.match(result.error, /401/);
      assert.ok(!result.error.includes('not-a-valid-token'), 'the token is in the message');
      assert.equal((await pulls(fullName)).length, 0);
      assert.equal(await snapshot(root), before);
    });
  }

  it('without a stored token and without UI, says how to add one', async () => {
    const forgot = await vscode.commands.executeCommand('gitopsLens.forgetForgeToken', { host });
    assert.equal(forgot, true);
    const root = path.join(tmp, 'badtoken-gitea'); // the last bad-token clone; its forge mapping is still set
    const result = (await vscode.commands.executeCommand('gitopsLens.openPullRequest', { root, yes: true, returnErrors: true })) as CommandResult;
    assert.ok(result && 'error' in result);
    assert.match(result.error, /Set Forge Token/);
  });

  it('refuses a remote whose forge is unknown, naming the setting', async () => {
    await vscode.workspace.getConfiguration('gitopsLens').update('forges', undefined, vscode.ConfigurationTarget.Global);
    const result = (await vscode.commands.executeCommand('gitopsLens.openPullRequest', { root: path.join(tmp, 'badtoken-gitea'), yes: true, returnErrors: true })) as CommandResult;
    assert.ok(result && 'error' in result);
    assert.match(result.error, /gitopsLens\.forges/);
  });
});

const KUSTOMIZATION = `# podinfo, reconciled by Flux (comment kept)
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: podinfo
  namespace: flux-system
spec:
  interval: 10m
  path: ./apps/podinfo
  prune: true
  sourceRef:
    kind: GitRepository
    name: fleet
`;

describe('Rollback and suspend via pull requests (issue 6)', function () {
  this.timeout(120_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-pr2-'));
  const key = 'sim-flux/flux/Kustomization/flux-system/podinfo';
  const fullName = 'fleet/podinfo-gitops';
  let host = '';
  let root = '';
  let bad = '';

  before(async () => {
    host = new URL(sim().url).host;
    await connectSimsAndWaitFor(key, (apps) => apps.find((a) => a.key === key), 30_000);
    const created = await fetch(`${sim().control}/repos`, {
      method: 'POST',
      body: JSON.stringify({ fullName, files: { 'apps/podinfo/deployment.yaml': DEPLOYMENT, 'clusters/sim/podinfo.yaml': KUSTOMIZATION } }),
    });
    const { cloneUrls } = (await created.json()) as { cloneUrls: Record<Kind, string> };
    root = path.join(tmp, 'podinfo');
    await git(tmp, ['clone', '--quiet', cloneUrls.gitlab, root]);
    await git(root, ['config', 'user.name', 'Dev One']);
    await git(root, ['config', 'user.email', 'dev@example.test']);
    // A bad change lands on main (pushed with a one-off header, as a teammate would).
    fs.writeFileSync(path.join(root, 'apps', 'podinfo', 'deployment.yaml'), DEPLOYMENT.replace('1.0.0', '2.0.0-broken'));
    await git(root, ['commit', '--quiet', '-am', 'podinfo: bump to 2.0.0-broken']);
    bad = (await git(root, ['rev-parse', 'HEAD'])).trim();
    const header = `Authorization: Basic ${Buffer.from(`oauth2:${sim().token}`).toString('base64')}`;
    await git(root, ['-c', `http.extraHeader=${header}`, 'push', '--quiet', 'origin', 'main']);
    await setForge(host, 'gitlab');
    await vscode.commands.executeCommand('gitopsLens.setForgeToken', { host, token: sim().token });
  });

  after(async () => {
    await forgetSetup(host, tmp, { kubeconfig: true });
  });

  it('Propose Rollback reverts the chosen commit on a new branch and opens a PR', async () => {
    const before = await snapshot(root);
    const result = (await vscode.commands.executeCommand('gitopsLens.proposeRollback', { key, root, commits: [bad], yes: true, returnErrors: true })) as CommandResult;
    assert.ok(result && 'url' in result, JSON.stringify(result));
    assert.match(result.title, /^Roll back podinfo: revert [0-9a-f]{7}$/);
    const pr = (await pulls(fullName)).find((p) => p.head === result.branch);
    assert.ok(pr, 'no PR for the rollback branch');
    assert.match(pr.body, new RegExp(bad.slice(0, 7)));
    await git(root, ['fetch', '--quiet', 'origin', result.branch]);
    assert.equal(await git(root, ['show', 'FETCH_HEAD:apps/podinfo/deployment.yaml']), DEPLOYMENT);
    assert.equal((await git(root, ['rev-parse', 'FETCH_HEAD~1'])).trim(), bad);
    assert.equal(await snapshot(root), before);
  });

  it('Suspend via Pull Request sets spec.suspend in the app\'s own manifest, comments kept', async () => {
    const before = await snapshot(root);
    const result = (await vscode.commands.executeCommand('gitopsLens.suspendViaPullRequest', { key, root, yes: true, returnErrors: true })) as CommandResult;
    assert.ok(result && 'url' in result, JSON.stringify(result));
    assert.match(result.title, /^Suspend podinfo/);
    await git(root, ['fetch', '--quiet', 'origin', result.branch]);
    const text = await git(root, ['show', 'FETCH_HEAD:clusters/sim/podinfo.yaml']);
    assert.match(text, /^# podinfo, reconciled by Flux \(comment kept\)/);
    assert.match(text, /\n {2}suspend: true\n/);
    assert.equal(text.replace(/\n {2}suspend: true/, ''), KUSTOMIZATION);
    assert.equal(await snapshot(root), before);
  });

  it('Resume via Pull Request says so when Git does not suspend the app', async () => {
    const result = (await vscode.commands.executeCommand('gitopsLens.resumeViaPullRequest', { key, root, yes: true, returnErrors: true })) as CommandResult;
    assert.ok(result && 'error' in result, JSON.stringify(result));
    assert.match(result.error, /podinfo is already not suspended in Git \(clusters\/sim\/podinfo\.yaml\)/);
  });
});

// The Deployment sim-argo's `checkout` app runs live with image 1.4.2 (test/fixtures/gitops/liveResources.ts);
// Git says 1.5.0: one drifted field.
const CHECKOUT = checkoutDeploymentYaml({ header: "# checkout: the image differs from the cluster's (comment kept)", image: `${CHECKOUT_GIT_IMAGE}  # bumped by CI` });

describe('Adopt live state via pull request (issue 6)', function () {
  this.timeout(120_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-pr3-'));
  let host = '';
  let file = '';

  before(async () => {
    host = new URL(sim().url).host;
    await connectSimsAndWaitFor('the checkout app', (apps) => apps.find((a) => a.cluster === 'sim-argo' && a.name === 'checkout'), 30_000);
    // The forge hosts org/apps; the clone names it as the app does (https://git.example.test/org/apps.git)
    // and git's insteadOf sends its traffic to the simulator.
    const created = await fetch(`${sim().control}/repos`, { method: 'POST', body: JSON.stringify({ fullName: 'org/apps', files: { 'apps/checkout/deployment.yaml': CHECKOUT } }) });
    const { cloneUrls } = (await created.json()) as { cloneUrls: Record<Kind, string> };
    const root = path.join(tmp, 'apps');
    await git(tmp, ['clone', '--quiet', cloneUrls.gitlab, root]);
    await git(root, ['config', 'user.name', 'Dev One']);
    await git(root, ['config', 'user.email', 'dev@example.test']);
    await git(root, ['remote', 'set-url', 'origin', 'https://git.example.test/org/apps.git']);
    await git(root, ['config', `url.${sim().url}/.insteadOf`, 'https://git.example.test/']);
    await setForge(host, 'gitlab');
    await vscode.commands.executeCommand('gitopsLens.setForgeToken', { host, token: sim().token });
    file = path.join(root, 'apps', 'checkout', 'deployment.yaml');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await forgetSetup(host, tmp, { kubeconfig: true });
  });

  it('writes the live image into the buffer (comments kept) and opens a PR with it', async () => {
    const doc = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(doc);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100)) ?? [];
      if (lenses.some((l) => l.command?.title.startsWith('Drift: 1 field'))) break;
      assert.ok(Date.now() < deadline, `no drift lens: ${lenses.map((l) => l.command?.title).join(', ')}`);
      await new Promise((r) => setTimeout(r, 300));
    }
    const result = (await vscode.commands.executeCommand('gitopsLens.adoptLiveState', { uri: doc.uri.toString(), title: 'checkout: adopt live image', yes: true, returnErrors: true })) as CommandResult;
    assert.ok(result && 'url' in result, JSON.stringify(result));
    const expected = CHECKOUT.replace('checkout:1.5.0  # bumped by CI', 'checkout:1.4.2  # bumped by CI');
    assert.equal(doc.getText(), expected, 'the buffer does not hold the live value with comments kept');
    assert.equal(fs.readFileSync(file, 'utf8'), CHECKOUT, 'the file on disk changed');
    // The dirty flag reaches the extension host after the text does.
    for (let i = 0; i < 50 && !doc.isDirty; i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(doc.isDirty, 'the adopt saved the file instead of editing the buffer');
    const root = path.dirname(path.dirname(path.dirname(file)));
    await git(root, ['fetch', '--quiet', 'origin', result.branch]);
    assert.equal(await git(root, ['show', 'FETCH_HEAD:apps/checkout/deployment.yaml']), expected);
    const pr = (await pulls('org/apps')).find((p) => p.head === result.branch);
    assert.ok(pr);
    assert.equal(pr.title, 'checkout: adopt live image');
    // Adopting the live value changes nothing live; the body still names the app it reaches.
    assert.match(pr.body, /sim-argo · checkout: no change to the live objects/);
  });
});

describe('Pull Requests node of an app in the Applications view (issue 6)', function () {
  this.timeout(120_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-pr4-'));
  // A repository of its own on the forge; the clone names it as the checkout app does and git's insteadOf
  // sends the traffic there, so the change's impact reaches sim-argo's checkout app.
  const fullName = 'org/apps-pr-node';
  let host = '';
  let root = '';
  let key = '';

  /** The PR items under the app's "Pull Requests" node, building them as expanding or refreshing the node does; [] when the node is gone. */
  async function prItems() {
    return (await testApi()).treeChildren(key, ['Pull Requests']) ?? [];
  }

  before(async () => {
    host = new URL(sim().url).host;
    key = (await connectSimsAndWaitFor('the checkout app', (apps) => apps.find((a) => a.cluster === 'sim-argo' && a.name === 'checkout' && a.kind === 'Application'), 30_000)).key;
    const created = await fetch(`${sim().control}/repos`, { method: 'POST', body: JSON.stringify({ fullName, files: { 'apps/checkout/deployment.yaml': checkoutDeploymentYaml() } }) });
    assert.equal(created.status, 200, await created.clone().text());
    const { cloneUrls } = (await created.json()) as { cloneUrls: Record<Kind, string> };
    root = path.join(tmp, 'apps');
    await git(tmp, ['clone', '--quiet', cloneUrls.gitlab, root]);
    await git(root, ['config', 'user.name', 'Dev One']);
    await git(root, ['config', 'user.email', 'dev@example.test']);
    await git(root, ['remote', 'set-url', 'origin', 'https://git.example.test/org/apps.git']);
    await git(root, ['config', `url.${sim().url}/${fullName}.git.insteadOf`, 'https://git.example.test/org/apps.git']);
    await setForge(host, 'gitlab');
    await vscode.commands.executeCommand('gitopsLens.setForgeToken', { host, token: sim().token });
  });

  after(async () => {
    await forgetSetup(host, tmp, { kubeconfig: true });
  });

  it('lists the PR opened for the app (title, link) under its Pull Requests node, and drops it once the PR is closed on the forge', async () => {
    fs.writeFileSync(path.join(root, 'apps', 'checkout', 'deployment.yaml'), checkoutDeploymentYaml({ replicas: 4 }));
    const result = (await vscode.commands.executeCommand('gitopsLens.openPullRequest', { root, title: 'checkout: replicas 2 → 4', yes: true, returnErrors: true })) as CommandResult;
    assert.ok(result && 'url' in result, JSON.stringify(result));
    assert.ok(result.number !== undefined, 'the forge gave the PR no number');
    const pr = (await pulls(fullName)).find((p) => p.head === result.branch);
    assert.ok(pr && pr.state === 'open', 'the forge has no open PR for the branch');

    // The app's own children: a "Pull Requests" node counting its PRs, before the resources.
    const t = await testApi();
    const children = t.treeChildren(key);
    assert.ok(children, `the app ${key} is not in the Applications view`);
    const node = children.find((c) => c.label === 'Pull Requests');
    assert.ok(node, `no Pull Requests node under ${key}: ${children.map((c) => c.label).join(', ')}`);
    assert.equal(node.contextValue, 'pullRequests');
    assert.match(node.description ?? '', /^[1-9]\d*$/);
    const items = await prItems();
    assert.equal(Number(node.description), items.length, 'the node counts a different number of PRs than it lists');
    const item = items.find((i) => i.tooltip?.split('\n').includes(result.url));
    assert.ok(item, `the PR ${result.url} is not listed: ${JSON.stringify(items)}`);
    assert.equal(item.label, 'checkout: replicas 2 → 4');
    assert.equal(item.description, `#${result.number} · ${result.branch} → main`);
    assert.equal(item.contextValue, 'pullRequest');
    assert.equal(item.command, 'gitopsLens.openPullRequestPage');

    // Someone closes the PR on the forge; the recorded list only learns it when the node is refreshed.
    const closed = await fetch(`${sim().control}/pulls/state`, { method: 'POST', body: JSON.stringify({ repo: fullName, number: pr.number, state: 'closed' }) });
    assert.equal(closed.status, 200, await closed.clone().text());
    assert.equal((await pulls(fullName)).find((p) => p.number === pr.number)?.state, 'closed');
    // Building the node's children (a refresh) asks the forge in the background; the change event renders it again.
    const deadline = Date.now() + 30_000;
    while ((await prItems()).some((i) => i.tooltip?.split('\n').includes(result.url))) {
      assert.ok(Date.now() < deadline, 'the closed PR is still listed under the app');
      await new Promise((r) => setTimeout(r, 250));
    }
    const after = t.treeChildren(key) ?? [];
    const left = await prItems();
    const count = after.find((c) => c.label === 'Pull Requests')?.description;
    // Other PRs for the app (other tests in this run) may remain; the node disappears with the last one.
    assert.equal(count === undefined ? 0 : Number(count), left.length);
  });
});
