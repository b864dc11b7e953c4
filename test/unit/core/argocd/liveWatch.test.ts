/**
 * Lenses follow the live objects themselves (issue 15): DriftSession with a fake LiveObjectWatcher.
 * A watch delivery re-lenses with no GET; one watch per (cluster, object) however many documents use
 * it, ended with the last one; a bounded number of watches with a note on the lenses beyond it.
 */
import * as assert from 'node:assert/strict';
import { mapArgoApplication } from '../../../../src/core/argocd/application';
import type { App } from '../../../../src/core/model/app';
import type { Disposable } from '../../../../src/core/lifecycle';
import type { LiveObjectEvent, LiveObjectWatcher, ObjectRef } from '../../../../src/core/ports';
import { DriftSession, type DriftSessionOptions } from '../../../../src/core/drift/session';
import { lensTitle } from '../../../../src/vscode/codelens/lensTitle';
import * as F from '../../../fixtures/gitops/argocd';
import { FakeReader, guestbookConfigMapYaml, guestbookDeploymentYaml, liveOf, repoOf, ROOT, settle, uriOf } from '../../../support/driftFixtures';
import { recordingLogger } from '../../../support/fakes';

const DEPLOYMENT = guestbookDeploymentYaml();
const CONFIGMAP = guestbookConfigMapYaml();
const FILE = `${ROOT}/apps/guestbook/guestbook.yaml`;
const OTHER = `${ROOT}/apps/guestbook/deployment.yaml`;
const CONFIG_FILE = `${ROOT}/apps/guestbook/config.yaml`;
const prod = mapArgoApplication('prod', F.ARGO2_SYNCED_HEALTHY);
const DEPLOYMENT_KEY = 'prod Deployment guestbook/guestbook-ui';
const CONFIGMAP_KEY = 'prod ConfigMap guestbook/guestbook-config';

/** A watcher whose deliveries the test makes; it refuses a second watch of one object. */
class FakeWatcher implements LiveObjectWatcher {
  readonly open = new Map<string, (e: LiveObjectEvent) => void>();
  readonly started: string[] = [];
  readonly stopped: string[] = [];

  watch(cluster: string, ref: ObjectRef, onEvent: (e: LiveObjectEvent) => void): Disposable {
    const key = FakeReader.key(cluster, ref);
    assert.ok(!this.open.has(key), `${key} watched twice`);
    this.open.set(key, onEvent);
    this.started.push(key);
    return {
      dispose: () => {
        this.open.delete(key);
        this.stopped.push(key);
      },
    };
  }

  deliver(key: string, e: LiveObjectEvent): void {
    const on = this.open.get(key);
    assert.ok(on, `${key} is not watched`);
    on(e);
  }
}

function setup(apps: readonly App[], extra: Partial<DriftSessionOptions> = {}) {
  const reader = new FakeReader();
  reader.set('prod', 'Deployment', 'guestbook', 'guestbook-ui', { obj: liveOf(DEPLOYMENT, 'guestbook') });
  reader.set('prod', 'ConfigMap', 'guestbook', 'guestbook-config', { obj: liveOf(CONFIGMAP, 'guestbook') });
  const watcher = new FakeWatcher();
  const results = new DriftSession({ apps: () => apps, reader, repoOf, log: recordingLogger().logger, watcher, ...extra });
  const changes: string[] = [];
  results.onDidChange((u) => changes.push(u));
  const open = async (fsPath: string, text: string) => {
    results.track({ uri: uriOf(fsPath), fsPath, text });
    await settle(results, uriOf(fsPath));
  };
  const titles = (fsPath: string) => results.lenses(uriOf(fsPath)).map((l) => lensTitle(l));
  return { reader, watcher, results, changes, open, titles };
}

/** The live Deployment after `kubectl scale --replicas=3`: a new resourceVersion. */
const scaled = () =>
  liveOf(DEPLOYMENT, 'guestbook', (o) => {
    (o.spec as { replicas: number }).replicas = 3;
    (o.metadata as { resourceVersion: string }).resourceVersion = '4712';
  });

const turn = () => new Promise((r) => setImmediate(r));

describe('DriftSession follows live objects through watches (issue 15)', () => {
  it('a live edit the watch delivers turns the lens to drift with no GET, and back when it is undone', async () => {
    const s = setup([prod]);
    await s.open(FILE, `${DEPLOYMENT}---\n${CONFIGMAP}`);
    assert.deepEqual(s.titles(FILE), ['In sync · prod', 'In sync · prod']);
    assert.deepEqual(s.watcher.started.sort(), [CONFIGMAP_KEY, DEPLOYMENT_KEY]);
    assert.equal(s.results.watchedLiveObjects(), 2);
    const gets = s.reader.calls.length;
    s.changes.length = 0;
    s.watcher.deliver(DEPLOYMENT_KEY, { type: 'changed', object: scaled() });
    await turn();
    assert.deepEqual(s.titles(FILE), ['Drift: 1 field · prod', 'In sync · prod']);
    assert.deepEqual(s.changes, [uriOf(FILE)]);
    assert.equal(s.reader.calls.length, gets, 'no GET after a watch delivery');
    // Scaled back: the watch delivers the next version, the lens follows.
    s.watcher.deliver(DEPLOYMENT_KEY, { type: 'changed', object: liveOf(DEPLOYMENT, 'guestbook', (o) => ((o.metadata as { resourceVersion: string }).resourceVersion = '4713')) });
    await turn();
    assert.deepEqual(s.titles(FILE), ['In sync · prod', 'In sync · prod']);
    // Deleted live: Not in cluster.
    s.watcher.deliver(CONFIGMAP_KEY, { type: 'deleted' });
    await turn();
    assert.deepEqual(s.titles(FILE), ['In sync · prod', 'Not in cluster · prod']);
  });

  it('the same resourceVersion again (the synthetic ADDED a watch starts with) changes nothing; a failure keeps what is shown', async () => {
    const s = setup([prod]);
    await s.open(FILE, DEPLOYMENT);
    await turn();
    s.changes.length = 0;
    s.watcher.deliver(DEPLOYMENT_KEY, { type: 'changed', object: liveOf(DEPLOYMENT, 'guestbook') });
    s.watcher.deliver(DEPLOYMENT_KEY, { type: 'failed', error: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    await turn();
    assert.deepEqual(s.changes, []);
    assert.deepEqual(s.titles(FILE), ['In sync · prod']);
    // Another object than the watched one (a misbehaving server) is never compared.
    s.watcher.deliver(DEPLOYMENT_KEY, { type: 'changed', object: { ...scaled(), metadata: { name: 'other', namespace: 'guestbook', resourceVersion: '9' } } });
    await turn();
    assert.deepEqual(s.titles(FILE), ['In sync · prod']);
  });

  it('one watch per object however many documents use it; the last document closed ends it', async () => {
    const s = setup([prod]);
    await s.open(FILE, `${DEPLOYMENT}---\n${CONFIGMAP}`);
    await s.open(OTHER, DEPLOYMENT);
    assert.deepEqual(s.watcher.started.filter((k) => k === DEPLOYMENT_KEY), [DEPLOYMENT_KEY]);
    // Both documents' lenses follow the one watch.
    s.watcher.deliver(DEPLOYMENT_KEY, { type: 'changed', object: scaled() });
    await turn();
    assert.deepEqual(s.titles(OTHER), ['Drift: 1 field · prod']);
    assert.equal(s.titles(FILE)[0], 'Drift: 1 field · prod');
    s.results.forget(uriOf(FILE));
    // The ConfigMap only FILE used is no longer watched; the Deployment is, for OTHER.
    assert.deepEqual(s.watcher.stopped, [CONFIGMAP_KEY]);
    assert.deepEqual([...s.watcher.open.keys()], [DEPLOYMENT_KEY]);
    s.results.forget(uriOf(OTHER));
    assert.deepEqual(s.watcher.stopped.sort(), [CONFIGMAP_KEY, DEPLOYMENT_KEY]);
    assert.equal(s.watcher.open.size, 0, 'a watch was left behind');
    assert.equal(s.results.watchedLiveObjects(), 0);
    // An edit that removes a document ends its watch too; a dispose ends them all.
    await s.open(FILE, `${DEPLOYMENT}---\n${CONFIGMAP}`);
    s.results.track({ uri: uriOf(FILE), fsPath: FILE, text: DEPLOYMENT });
    assert.deepEqual([...s.watcher.open.keys()], [DEPLOYMENT_KEY]);
    s.results.dispose();
    assert.equal(s.watcher.open.size, 0);
  });

  it('bounded: beyond maxWatches a lens says it does not follow live edits, until a watch is freed', async () => {
    const s = setup([prod], { maxWatches: 1 });
    await s.open(OTHER, DEPLOYMENT);
    await s.open(CONFIG_FILE, CONFIGMAP);
    assert.deepEqual([...s.watcher.open.keys()], [DEPLOYMENT_KEY]);
    assert.deepEqual(s.titles(CONFIG_FILE), ['In sync · prod (live edits not followed: watch limit 1 reached)']);
    assert.deepEqual(s.titles(OTHER), ['In sync · prod']);
    s.changes.length = 0;
    s.results.forget(uriOf(OTHER));
    // The waiting object takes the freed watch; its lens says so at once.
    assert.deepEqual([...s.watcher.open.keys()], [CONFIGMAP_KEY]);
    await turn();
    assert.ok(s.changes.includes(uriOf(CONFIG_FILE)));
    assert.deepEqual(s.titles(CONFIG_FILE), ['In sync · prod']);
    s.watcher.deliver(CONFIGMAP_KEY, { type: 'changed', object: liveOf(CONFIGMAP, 'guestbook', (o) => ((o.data = { LOG_LEVEL: 'debug' }), ((o.metadata as { resourceVersion: string }).resourceVersion = '5000'))) });
    await turn();
    assert.deepEqual(s.titles(CONFIG_FILE), ['Drift: 1 field · prod']);
  });

  it('a GET answered after a watch delivery it started before does not overwrite the newer state', async () => {
    const s = setup([prod]);
    s.reader.hold = true;
    s.results.track({ uri: uriOf(OTHER), fsPath: OTHER, text: DEPLOYMENT });
    assert.deepEqual(s.titles(OTHER), ['Checking… · prod']);
    s.watcher.deliver(DEPLOYMENT_KEY, { type: 'changed', object: scaled() });
    await turn();
    assert.deepEqual(s.titles(OTHER), ['Drift: 1 field · prod']);
    // The GET was answered with the object as it was before the scale.
    s.reader.release();
    for (let i = 0; i < 5; i++) await turn();
    assert.deepEqual(s.titles(OTHER), ['Drift: 1 field · prod']);
  });

  it('without a watcher nothing is watched and lenses carry no note', async () => {
    const s = setup([prod], { watcher: undefined });
    await s.open(OTHER, DEPLOYMENT);
    assert.equal(s.watcher.started.length, 0);
    assert.deepEqual(s.titles(OTHER), ['In sync · prod']);
  });
});
