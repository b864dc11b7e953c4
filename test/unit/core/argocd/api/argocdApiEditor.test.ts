/**
 * The core pieces behind Argo CD servers in the editor (issue 16): server names and entries, the
 * API-preferred merge kept up to date over the AppStore, the one prompt for a rejected login, resource
 * trees per app, the managed-resources live side of the lenses, and what "Sync from Git" offers.
 */
import * as assert from 'node:assert/strict';
import { parseArgoCdConfig } from '../../../../../src/core/argocd/api/localConfig';
import { LoginPrompts } from '../../../../../src/core/argocd/api/loginPrompts';
import { ArgoCdManagedLive, normalizedAwaySpec, removedPaths } from '../../../../../src/core/argocd/api/managedLive';
import type { ManagedResourceState } from '../../../../../src/core/argocd/api/managedResources';
import { ApiPreferredApps } from '../../../../../src/core/argocd/api/mergedApps';
import { readResourceTree } from '../../../../../src/core/argocd/api/resourceTree';
import { apiClusterName, apiContextName, argoCdServerEntries, clusterLabel } from '../../../../../src/core/argocd/api/servers';
import { syncConfirmation, syncRevisions } from '../../../../../src/core/argocd/api/syncFromGit';
import { ApiResourceTrees } from '../../../../../src/core/argocd/api/treeStore';
import type { App } from '../../../../../src/core/model/app';
import type { Clock } from '../../../../../src/core/ports';
import { AppStore } from '../../../../../src/core/store/appStore';
import { GUESTBOOK_APP, GUESTBOOK_MANAGED_RESOURCES, GUESTBOOK_TREE } from '../../../../fixtures/gitops/argocdApi';
import { recordingLogger } from '../../../../support/fakes';
import { lensTitle } from '../../../../../src/vscode/codelens/lensTitle';

type Obj = Record<string, unknown>;

const clock: Clock = { now: () => 1_000_000, setTimeout: () => ({ dispose: () => undefined }) };
const store = () => new AppStore(clock, recordingLogger().logger);
const ready = { state: 'ready', absentKinds: [], forbiddenNamespaces: [] } as const;

/** Feeds a cluster of the store as a source would: connection state, then objects. */
function feed(apps: AppStore, cluster: string, objects: readonly Obj[], state: 'ready' | 'unreachable' = 'ready'): void {
  // AppStore.connect is the path a source takes; drive it through a minimal source.
  const listeners: { conn?: (e: unknown) => void; events?: (e: unknown) => void } = {};
  const source = {
    onDidReceiveEvents: (l: (e: unknown) => void) => ((listeners.events = l), { dispose: () => undefined }),
    onDidChangeConnection: (l: (e: unknown) => void) => ((listeners.conn = l), { dispose: () => undefined }),
    onDidError: () => ({ dispose: () => undefined }),
    start: () => undefined,
    stop: () => undefined,
  };
  const d = apps.connect(source as never);
  listeners.events?.({ cluster, events: [{ type: 'SYNC', kind: 'Application', objects }] });
  listeners.conn?.(state === 'ready' ? { cluster, ...ready } : { cluster, state: 'unreachable', error: { code: 'Unreachable', message: 'connection refused' } });
  void d;
}

const appOf = (apps: AppStore, cluster: string, name: string): App => {
  const a = apps.all().find((x) => x.cluster === cluster && x.name === name);
  assert.ok(a, `${name} on ${cluster} not in the store`);
  return a;
};

describe('core/argocd/api (editor): servers', () => {
  it('names an argocd context as an AppStore cluster and back, with `/` (root paths) encoded', () => {
    for (const ctx of ['prod', 'cd.example.com:443/argo-cd', '50%/x']) {
      const c = apiClusterName(ctx);
      assert.ok(c.startsWith('argocd:') && !c.slice('argocd:'.length).includes('/'), c);
      assert.equal(apiContextName(c), ctx);
    }
  });

  it('lists config contexts first (core ones left out), then added servers; a name clash is a problem, not a second server', () => {
    const config = parseArgoCdConfig(
      'config',
      [
        'contexts:',
        '- {name: prod, server: cd.example.com, user: prod}',
        '- {name: local, server: kubernetes, user: local}',
        'servers:',
        '- {server: cd.example.com}',
        '- {server: kubernetes, core: true}',
        'users:',
        '- {name: prod, auth-token: file-token}',
        '- {name: local}',
      ].join('\n'),
    );
    const entries = argoCdServerEntries({
      config,
      added: [
        { name: 'prod', url: 'https://other.example.com', insecure: false },
        { name: 'lab', url: 'https://lab.example.com/argo', insecure: false },
      ],
      storedToken: (cluster) => (cluster === 'argocd:lab' ? 'lab-token' : undefined),
    });
    assert.deepEqual(
      entries.map((e) => [e.cluster, e.origin, e.token, e.target?.baseUrl, e.problem !== undefined]),
      [
        ['argocd:prod', 'config', 'config', 'https://cd.example.com', false],
        ['argocd:lab', 'added', 'stored', 'https://lab.example.com/argo', false],
        ['argocd:prod#added', 'added', 'none', undefined, true],
      ],
    );
    assert.equal(entries[0]!.target?.token, 'file-token');
    assert.equal(entries[1]!.target?.token, 'lab-token');
  });
});

describe('core/argocd/api (editor): what a lens calls an API server', () => {
  it("names the server (its entry's name), not the store's argocd:<context>; other clusters as named", () => {
    const config = parseArgoCdConfig('config', ['contexts:', '- {name: "cd.example.com:443/argo-cd", server: "cd.example.com:443/argo-cd", user: u}', 'servers:', '- {server: "cd.example.com:443/argo-cd"}', 'users:', '- {name: u, auth-token: t}'].join('\n'));
    const entries = argoCdServerEntries({ config, added: [{ name: 'lab', url: 'https://lab.example.com', insecure: false }], storedToken: () => undefined });
    const rooted = apiClusterName('cd.example.com:443/argo-cd');
    assert.equal(clusterLabel(entries, rooted), 'cd.example.com:443/argo-cd', 'the context name as written, `/` decoded');
    assert.equal(clusterLabel(entries, 'argocd:lab'), 'lab');
    // A server removed meanwhile: still its name, from the cluster name.
    assert.equal(clusterLabel(entries, 'argocd:gone'), 'gone');
    assert.equal(clusterLabel(entries, 'argocd-prod'), 'argocd-prod', 'a kubeconfig context that merely looks alike');
    assert.equal(lensTitle({ state: { kind: 'drift', fields: 1 }, cluster: clusterLabel(entries, 'argocd:lab') }), 'Drift: 1 field · lab');
  });
});

describe('core/argocd/api (editor): an app seen both ways appears once', () => {
  it('AppStore.uid reads the uid back for a cluster name the key encodes (argocd:ctx, ARNs); raw only for API apps', () => {
    const apps = store();
    for (const cluster of ['argocd:prod', 'arn:aws:eks:eu-west-1:123456789012:cluster/prod']) {
      feed(apps, cluster, [GUESTBOOK_APP]);
      const app = appOf(apps, cluster, 'guestbook');
      assert.equal(apps.uid(app.key), (GUESTBOOK_APP.metadata as Obj).uid, cluster);
    }
    // The API commands read the Application as Argo CD sent it; objects read through a kubeconfig are not kept (issue 18).
    assert.equal(((apps.raw(appOf(apps, 'argocd:prod', 'guestbook').key) as Obj).metadata as Obj).uid, (GUESTBOOK_APP.metadata as Obj).uid);
    assert.equal(apps.raw(appOf(apps, 'arn:aws:eks:eu-west-1:123456789012:cluster/prod', 'guestbook').key), undefined);
  });

  it('hides the kubeconfig copy while Argo CD answers, and the API copy while only the kubeconfig one is live', () => {
    const apps = store();
    const merged = new ApiPreferredApps(apps, (c) => c.startsWith('argocd:'));
    let fired = 0;
    merged.onDidChange(() => fired++);
    feed(apps, 'prod', [GUESTBOOK_APP]);
    feed(apps, 'argocd:prod', [GUESTBOOK_APP]);
    const kube = appOf(apps, 'prod', 'guestbook');
    const viaApi = appOf(apps, 'argocd:prod', 'guestbook');
    assert.equal(merged.hidden(kube.key), true);
    assert.equal(merged.hidden(viaApi.key), false);
    assert.equal(merged.shown(kube.key), viaApi.key);
    assert.ok(fired >= 1);
    // Argo CD goes down while the cluster still answers: the live kubeconfig copy is the one shown.
    feed(apps, 'argocd:prod', [GUESTBOOK_APP], 'unreachable');
    assert.equal(merged.hidden(viaApi.key), true);
    assert.equal(merged.hidden(kube.key), false);
    merged.dispose();
  });

  it('the status bar totals count an app seen both ways once, whichever copy is shown', () => {
    const apps = store();
    const merged = new ApiPreferredApps(apps, (c) => c.startsWith('argocd:'));
    const other = { ...GUESTBOOK_APP, metadata: { ...(GUESTBOOK_APP.metadata as Obj), name: 'other', uid: 'uid-other' } };
    feed(apps, 'prod', [GUESTBOOK_APP, other]);
    feed(apps, 'argocd:prod', [GUESTBOOK_APP]);
    // Without the merge rule the store counts three apps; the view lists two.
    assert.equal(apps.totals().apps, 3);
    assert.deepEqual(merged.totals(), { apps: 2, synced: 0, outOfSync: 2, degraded: 2 });
    // Argo CD down: the kubeconfig copy is shown instead, still counted once.
    feed(apps, 'argocd:prod', [GUESTBOOK_APP], 'unreachable');
    assert.deepEqual(merged.totals(), { apps: 2, synced: 0, outOfSync: 2, degraded: 2 });
    // A disabled cluster counts nothing (AppStore.totals), and its hidden copies take nothing away.
    apps.setEnabled('prod', false);
    assert.deepEqual(merged.totals(), { apps: 1, synced: 0, outOfSync: 1, degraded: 1 });
    merged.dispose();
  });

  it('keeps apps with equal names but different uids apart (two Argo CD instances)', () => {
    const apps = store();
    const merged = new ApiPreferredApps(apps, (c) => c.startsWith('argocd:'));
    feed(apps, 'prod', [GUESTBOOK_APP]);
    feed(apps, 'argocd:staging', [{ ...GUESTBOOK_APP, metadata: { ...(GUESTBOOK_APP.metadata as Obj), uid: 'another-uid' } }]);
    assert.equal(merged.hidden(appOf(apps, 'prod', 'guestbook').key), false);
    assert.equal(merged.hidden(appOf(apps, 'argocd:staging', 'guestbook').key), false);
    merged.dispose();
  });
});

describe('core/argocd/api (editor): a rejected login asks once', () => {
  const unauthorized = { phase: 'unreachable', since: 1, lastError: { code: 'Unauthorized', message: 'token is expired' } } as const;
  it('asks on the first 401, not on later changes, and again after the server answered once', () => {
    const p = new LoginPrompts();
    const why = { expired: true, hadToken: true };
    assert.deepEqual(p.observe('argocd:prod', unauthorized, why), { cluster: 'argocd:prod', expired: true, hadToken: true });
    assert.equal(p.observe('argocd:prod', unauthorized, why), undefined);
    assert.equal(p.observe('argocd:prod', unauthorized, why), undefined);
    assert.equal(p.observe('argocd:prod', { phase: 'ready' }, undefined), undefined);
    assert.ok(p.observe('argocd:prod', unauthorized, why));
  });

  it('does not ask for other failures', () => {
    const p = new LoginPrompts();
    assert.equal(p.observe('argocd:prod', { phase: 'unreachable', since: 1, lastError: { code: 'Unreachable', message: 'refused' } }, undefined), undefined);
  });
});

describe('core/argocd/api (editor): resource trees', () => {
  it("gives each managed resource Argo CD's health and lists what Argo CD tracks below it", async () => {
    const apps = store();
    feed(apps, 'argocd:prod', [GUESTBOOK_APP]);
    const app = appOf(apps, 'argocd:prod', 'guestbook');
    const trees = new ApiResourceTrees(async () => readResourceTree(GUESTBOOK_TREE));
    assert.equal(trees.health(app.key, 0, app.resources[0]!), undefined);
    await trees.load(app);
    assert.deepEqual(trees.health(app.key, 0, app.resources[0]!), { status: 'Degraded', message: 'Deployment "guestbook-ui" exceeded its progress deadline' });
    assert.deepEqual(trees.health(app.key, 1, app.resources[1]!), { status: 'Healthy' });
    // An index that now holds another resource never shows its neighbour's health.
    assert.equal(trees.health(app.key, 0, app.resources[1]!), undefined);
    assert.deepEqual(trees.children(app.key, app.resources[0]!).map((n) => `${n.kind}/${n.name}`), ['ReplicaSet/guestbook-ui-6c5b']);
    trees.dispose();
  });

  it('a later load wins over an earlier one still running; a failure says why per resource', async () => {
    const apps = store();
    feed(apps, 'argocd:prod', [GUESTBOOK_APP]);
    const app = appOf(apps, 'argocd:prod', 'guestbook');
    const answers: Array<(t: unknown) => void> = [];
    let fail = false;
    const trees = new ApiResourceTrees(() => (fail ? Promise.reject(new Error('permission denied: applications, get')) : new Promise((r) => answers.push((t) => r(readResourceTree(t))))));
    const first = trees.load(app);
    const second = trees.load(app);
    answers[1]!(GUESTBOOK_TREE);
    await second;
    answers[0]!({ nodes: [] });
    await first;
    assert.equal((trees.health(app.key, 0, app.resources[0]!) as { status: string }).status, 'Degraded');
    fail = true;
    await trees.load(app);
    assert.deepEqual(trees.health(app.key, 0, app.resources[0]!), { unavailable: 'permission denied: applications, get' });
    trees.dispose();
  });
});

describe('core/argocd/api (editor): managed-resources as the live side of lenses', () => {
  const states = (): ManagedResourceState[] =>
    GUESTBOOK_MANAGED_RESOURCES.map((i) => ({
      group: String(i.group ?? ''),
      kind: String(i.kind),
      namespace: String(i.namespace ?? ''),
      name: String(i.name),
      target: JSON.parse(String(i.targetState)) as Obj,
      live: JSON.parse(String(i.liveState)) as Obj,
      normalizedLive: JSON.parse(String(i.normalizedLiveState)) as Obj,
      predictedLive: JSON.parse(String(i.predictedLiveState)) as Obj,
    }) as unknown as ManagedResourceState);

  it("answers with Argo CD's normalized live object, read once per app version", async () => {
    const apps = store();
    feed(apps, 'argocd:prod', [GUESTBOOK_APP]);
    let reads = 0;
    const live = new ArgoCdManagedLive({
      apps: (c) => apps.all().filter((a) => a.cluster === c),
      read: async () => (reads++, { items: states(), problems: [] }),
      errorOf: () => undefined,
    });
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'guestbook', name: 'guestbook-ui' };
    const obj = (await live.get('argocd:prod', ref)) as { spec: Obj };
    assert.equal(obj.spec.replicas, undefined, 'the normalized state has no spec.replicas (ignoreDifferences)');
    await live.get('argocd:prod', { apiVersion: 'v1', kind: 'Service', namespace: 'guestbook', name: 'guestbook-ui' });
    assert.equal(reads, 1);
    await assert.rejects(live.get('argocd:prod', { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'guestbook', name: 'other' }), (e: { code?: string }) => e.code === 'NotFound');
    // What normalisation removed becomes an ignore rule of that object, so the document's replicas are not reported.
    const specs = live.ignoreOf(appOf(apps, 'argocd:prod', 'guestbook'));
    assert.equal(specs.length, 1);
    assert.deepEqual(specs[0]!.rules.map((r) => r.steps), [[{ field: 'spec' }, { field: 'replicas' }]]);
    assert.equal(specs[0]!.appliesTo({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'guestbook', name: 'guestbook-ui' }, undefined), true);
    assert.equal(specs[0]!.appliesTo({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'guestbook', name: 'other' }, undefined), false);
  });

  it('follows list items by name: a removed env var of a container is one path', () => {
    const live = { spec: { containers: [{ name: 'b', env: [{ name: 'X', value: '1' }] }, { name: 'a', image: 'i', env: [{ name: 'Y', value: '2' }] }] } };
    const normalized = { spec: { containers: [{ name: 'a', image: 'i', env: [] }, { name: 'b', env: [{ name: 'X', value: '1' }] }] } };
    assert.deepEqual(removedPaths(live, normalized), []);
    const normalized2 = { spec: { containers: [{ name: 'a', env: [{ name: 'Y', value: '2' }] }, { name: 'b', env: [{ name: 'X', value: '1' }] }] } };
    assert.deepEqual(removedPaths(live, normalized2), [[{ field: 'spec' }, { field: 'containers' }, { select: { name: 'a' } }, { field: 'image' }]]);
    assert.equal(normalizedAwaySpec(states()[1]!), undefined, 'nothing was normalised away from the Service');
  });
});

describe('core/argocd/api (editor): Sync from Git', () => {
  it("offers the app's target revision and the commit Argo CD compared with", () => {
    assert.deepEqual(syncRevisions(GUESTBOOK_APP), {
      choices: [
        { revision: 'main', detail: 'the target revision in the Application (latest commit there)' },
        { revision: '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432', detail: 'the commit Argo CD last compared with' },
      ],
    });
  });

  it('refuses apps with automated sync (unless automated.enabled is false) and multi-source apps', () => {
    const withPolicy = (automated: Obj) => ({ ...GUESTBOOK_APP, spec: { ...(GUESTBOOK_APP.spec as Obj), syncPolicy: { automated } } });
    assert.match((syncRevisions(withPolicy({ prune: true })) as { problem: string }).problem, /automated/);
    assert.ok('choices' in syncRevisions(withPolicy({ enabled: false })));
    const multi = { ...GUESTBOOK_APP, spec: { ...(GUESTBOOK_APP.spec as Obj), sources: [{ repoURL: 'a' }, { repoURL: 'b' }] } };
    assert.match((syncRevisions(multi) as { problem: string }).problem, /several sources/);
  });

  it('names app, server, revision and prune in the confirmation', () => {
    const w = syncConfirmation('guestbook', 'prod', 'main');
    assert.equal(w.message, 'Sync guestbook on Argo CD prod to main?');
    assert.match(w.detail, /revision main from Git/);
    assert.match(w.detail, /Sync and Prune/);
  });
});
