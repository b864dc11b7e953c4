import * as assert from 'node:assert/strict';
import { Emitter } from '../../../../src/core/lifecycle';
import type { ConfigSnapshot, KubeconfigFile, KubeconfigSource } from '../../../../src/core/ports';
import { ClusterStore, type ClusterSnapshot } from '../../../../src/core/store/clusterStore';
import { recordingLogger } from '../../../support/fakes';

class FakeSource implements KubeconfigSource {
  readonly changed = new Emitter<void>();
  readonly onDidChange = this.changed.event;
  reads = 0;
  constructor(public files: KubeconfigFile[]) {}
  read(): Promise<readonly KubeconfigFile[]> {
    this.reads++;
    return Promise.resolve(this.files);
  }
}

const KC = (ctx: string, server: string) =>
  `clusters:\n- name: ${ctx}\n  cluster: {server: "${server}"}\ncontexts:\n- name: ${ctx}\n  context: {cluster: ${ctx}, user: u}\n`;
const config = (disabled: string[] = []): ConfigSnapshot => ({ kubeconfigPaths: [], disabledContexts: disabled });

describe('core/store/ClusterStore', () => {
  it('starts empty and not loaded, then publishes one snapshot per reload', async () => {
    const source = new FakeSource([{ path: '/a', text: KC('a', 'https://a') }]);
    const store = new ClusterStore(source, config(), recordingLogger().logger);
    assert.equal(store.snapshot.loaded, false);
    const events: ClusterSnapshot[] = [];
    store.onDidChange((s) => events.push(s));
    await store.reload();
    assert.equal(events.length, 1);
    assert.equal(store.snapshot.loaded, true);
    assert.deepEqual(store.snapshot.clusters.map((c) => [c.name, c.server, c.enabled]), [['a', 'https://a', true]]);
    store.dispose();
  });

  it('reloads when the source reports a change', async () => {
    const source = new FakeSource([{ path: '/a', text: KC('a', 'https://a') }]);
    const store = new ClusterStore(source, config(), recordingLogger().logger);
    await store.reload();
    const next = new Promise<ClusterSnapshot>((resolve) => store.onDidChange(resolve));
    source.files = [{ path: '/a', text: KC('b', 'https://b') }];
    source.changed.fire();
    assert.deepEqual((await next).clusters.map((c) => c.name), ['b']);
    store.dispose();
  });

  it('applies disabled contexts without re-reading files', async () => {
    const source = new FakeSource([{ path: '/a', text: KC('a', 'https://a') + '' }, { path: '/b', text: KC('b', 'https://b') }]);
    const store = new ClusterStore(source, config(), recordingLogger().logger);
    await store.reload();
    store.updateConfig(config(['b']));
    assert.equal(source.reads, 1);
    assert.deepEqual(store.snapshot.clusters.map((c) => [c.name, c.enabled]), [['a', true], ['b', false]]);
    store.dispose();
  });

  it('lets the newest of overlapping reloads win', async () => {
    let release: (files: KubeconfigFile[]) => void = () => undefined;
    const slow: KubeconfigSource = {
      onDidChange: new Emitter<void>().event,
      read: () => new Promise((resolve) => (release = resolve)),
    };
    const store = new ClusterStore(slow, config(), recordingLogger().logger);
    const first = store.reload();
    const releaseFirst = release;
    const second = store.reload();
    release([{ path: '/x', text: KC('new', 'https://new') }]);
    await second;
    releaseFirst([{ path: '/x', text: KC('old', 'https://old') }]);
    await first;
    assert.deepEqual(store.snapshot.clusters.map((c) => c.name), ['new']);
    store.dispose();
  });

  it('logs kubeconfig problems with file and line, never the credentials', async () => {
    const log = recordingLogger();
    const source = new FakeSource([
      { path: '/bad', text: 'users:\n- name: u\n  user: {token: do-not-log-me}\nclusters: [\n' },
    ]);
    const store = new ClusterStore(source, config(), log.logger);
    await store.reload();
    assert.ok(log.lines.some((l) => l.startsWith('warn [ClusterStore][reload] /bad:')), log.lines.join('\n'));
    assert.ok(!log.lines.join('\n').includes('do-not-log-me'));
    store.dispose();
  });
});
