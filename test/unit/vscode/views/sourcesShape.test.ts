/**
 * Issue 16 in the Sources view (src/vscode/views/sourcesShape.ts): the Argo CD servers reached through
 * their API are listed after the kubeconfig contexts, their Applications' repositories under them, and
 * an app seen both through a kubeconfig and through an API is listed once, under the copy the
 * Applications view shows (ApiPreferredApps.hidden over a real AppStore).
 */
import * as assert from 'node:assert/strict';
import { ApiPreferredApps } from '../../../../src/core/argocd/api/mergedApps';
import type { Clock } from '../../../../src/core/ports';
import { AppStore } from '../../../../src/core/store/appStore';
import { argoRepositories, sourceRootClusters } from '../../../../src/vscode/views/sourcesShape';
import { GUESTBOOK_APP, GUESTBOOK_REPO_URL } from '../../../fixtures/gitops/argocdApi';
import { recordingLogger } from '../../../support/fakes';

type Obj = Record<string, unknown>;

const clock: Clock = { now: () => 1_000_000, setTimeout: () => ({ dispose: () => undefined }) };

/** Feeds one cluster of the store as a source does: its Applications, then its connection state. */
function feed(apps: AppStore, cluster: string, objects: readonly Obj[], state: 'ready' | 'unreachable' = 'ready'): void {
  const listeners: { conn?: (e: unknown) => void; events?: (e: unknown) => void } = {};
  const source = {
    onDidReceiveEvents: (l: (e: unknown) => void) => ((listeners.events = l), { dispose: () => undefined }),
    onDidChangeConnection: (l: (e: unknown) => void) => ((listeners.conn = l), { dispose: () => undefined }),
    onDidError: () => ({ dispose: () => undefined }),
    start: () => undefined,
    stop: () => undefined,
  };
  apps.connect(source as never);
  listeners.events?.({ cluster, events: [{ type: 'SYNC', kind: 'Application', objects }] });
  listeners.conn?.(state === 'ready' ? { cluster, state: 'ready', absentKinds: [], forbiddenNamespaces: [] } : { cluster, state: 'unreachable', error: { code: 'Unreachable', message: 'connection refused' } });
}

const OTHER_REPO = 'https://git.example.test/org/other.git';
const other: Obj = {
  ...GUESTBOOK_APP,
  metadata: { name: 'other', namespace: 'argocd', uid: 'uid-other' },
  spec: { ...(GUESTBOOK_APP.spec as Obj), source: { repoURL: OTHER_REPO, path: 'other', targetRevision: 'main' } },
};

const listing = (apps: AppStore, cluster: string, hidden: (k: string) => boolean): Array<[string, string[]]> =>
  [...argoRepositories(apps.all(), cluster, hidden)].map(([url, list]) => [url, list.map((a) => a.name)] as [string, string[]]).sort((a, b) => a[0].localeCompare(b[0]));

describe('vscode/views/sourcesShape: Argo CD API servers in the Sources view', () => {
  it('lists API servers after the enabled kubeconfig contexts', () => {
    assert.deepEqual(
      sourceRootClusters([{ name: 'prod', enabled: true }, { name: 'lab', enabled: false }], [{ cluster: 'argocd:prod' }, { cluster: 'argocd:lab' }]),
      ['prod', 'argocd:prod', 'argocd:lab'],
    );
  });

  it("an API server's Applications' repositories are listed under it; an app seen both ways once", () => {
    const apps = new AppStore(clock, recordingLogger().logger);
    const merged = new ApiPreferredApps(apps, (c) => c.startsWith('argocd:'));
    const hidden = (k: string): boolean => merged.hidden(k);
    feed(apps, 'argocd:prod', [GUESTBOOK_APP, other]);
    // Only through the API: its repositories are there (before, the view listed kubeconfig contexts only).
    assert.deepEqual(listing(apps, 'argocd:prod', hidden), [[GUESTBOOK_REPO_URL, ['guestbook']], [OTHER_REPO, ['other']]]);
    // The kubeconfig context sees guestbook too: it is listed under the API server, not twice.
    feed(apps, 'prod', [GUESTBOOK_APP]);
    assert.deepEqual(listing(apps, 'prod', hidden), []);
    assert.deepEqual(listing(apps, 'argocd:prod', hidden), [[GUESTBOOK_REPO_URL, ['guestbook']], [OTHER_REPO, ['other']]]);
    // Argo CD down, the cluster live: the kubeconfig copy is the one listed, as in the Applications view.
    feed(apps, 'argocd:prod', [GUESTBOOK_APP, other], 'unreachable');
    assert.deepEqual(listing(apps, 'prod', hidden), [[GUESTBOOK_REPO_URL, ['guestbook']]]);
    assert.deepEqual(listing(apps, 'argocd:prod', hidden), [[OTHER_REPO, ['other']]]);
    merged.dispose();
  });
});
