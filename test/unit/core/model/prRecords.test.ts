import * as assert from 'node:assert/strict';
import type { AppKey } from '../../../../src/core/model/app';
import { PullRequestRecords, type PullRequestRecord } from '../../../../src/vscode/pr/records';

/** workspaceState as far as the records use it. */
function memento() {
  const m = new Map<string, unknown>();
  return {
    get: <T>(key: string, dflt?: T) => (m.has(key) ? (m.get(key) as T) : dflt) as T,
    update: (key: string, value: unknown) => {
      m.set(key, value);
      return Promise.resolve();
    },
  };
}

const APP = 'prod/argocd/Application/argocd/web' as AppKey;
const OTHER = 'prod/argocd/Application/argocd/api' as AppKey;
const REMOTE = 'https://git.example.test/org/apps.git';

const record = (n: number, apps: readonly AppKey[], remoteUrl = REMOTE): PullRequestRecord => ({
  url: `https://git.example.test/org/apps/pulls/${n}`,
  title: `PR ${n}`,
  number: n,
  head: `gitops/change-${n}`,
  base: 'main',
  host: 'git.example.test',
  ...(remoteUrl ? { remoteUrl } : {}),
  apps,
  files: ['apps/web/deploy.yaml'],
  openedAt: n,
});

describe('vscode/pr/records: the Pull Requests node refreshes from the forge', () => {
  it('drops the app\'s PRs the forge no longer lists as open, keeps the rest, and fires once', async () => {
    const records = new PullRequestRecords(memento());
    await records.add(record(1, [APP]));
    await records.add(record(2, [APP, OTHER]));
    await records.add(record(3, [OTHER]));
    await records.add(record(4, [APP], '')); // an older record without its remote
    const asked: string[] = [];
    // PR 2 was merged and PR 3 closed on the forge; only 1 is still open.
    records.setOpenCheck((remote, recs) => {
      asked.push(`${remote} ${recs.map((r) => r.number).join(',')}`);
      return Promise.resolve(new Set([record(1, []).url]));
    });
    let fired = 0;
    const sub = records.onDidChange(() => fired++);
    await records.refreshApp(APP);
    sub.dispose();
    // Only the app's records with a known remote are checked, in one call per remote.
    assert.deepEqual(asked, [`${REMOTE} 2,1`]);
    assert.deepEqual(records.all().map((r) => r.number).sort(), [1, 3, 4]);
    assert.deepEqual(records.forApp(APP).map((r) => r.number).sort(), [1, 4]);
    assert.equal(fired, 1);
  });

  it('drops nothing when the forge cannot be asked, and runs one refresh per app at a time', async () => {
    const records = new PullRequestRecords(memento());
    await records.add(record(1, [APP]));
    let calls = 0;
    records.setOpenCheck(() => {
      calls++;
      return Promise.resolve(undefined);
    });
    const a = records.refreshApp(APP);
    const b = records.refreshApp(APP);
    assert.equal(a, b);
    await a;
    assert.equal(calls, 1);
    assert.deepEqual(records.all().map((r) => r.number), [1]);
    // A failing check is the same as no answer.
    records.setOpenCheck(() => Promise.reject(new Error('offline')));
    await records.refreshApp(APP);
    assert.deepEqual(records.all().map((r) => r.number), [1]);
  });
});
