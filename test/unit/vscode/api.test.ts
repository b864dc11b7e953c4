/**
 * The public API (`getAPI(1)`, STYLE.md rule 12) carries no test hooks; those are a separate object
 * (`getTestApi()`) that composition adds only when VS Code runs the extension for tests.
 */
import * as assert from 'node:assert/strict';
import type { AppStore } from '../../../src/core/store/appStore';
import type { ClusterStore } from '../../../src/core/store/clusterStore';
import { createApi } from '../../../src/vscode/api';
import type { GitOpsLensTestApi } from '../../../src/vscode/testApi';

const clusters = { snapshot: { clusters: [] } } as unknown as ClusterStore;
const apps = { all: () => [] } as unknown as AppStore;

describe('vscode/api createApi', () => {
  it('offers getTestApi() only when given the test hooks, and getAPI(1) never carries them', () => {
    const plain = createApi(clusters, apps, () => Promise.resolve(), () => 1);
    assert.equal('getTestApi' in plain, false);
    const hooks = { treeChildren: () => undefined } as unknown as GitOpsLensTestApi;
    const forTests = createApi(clusters, apps, () => Promise.resolve(), () => 1, hooks);
    assert.equal(forTests.getTestApi?.(), hooks);
    for (const exports of [plain, forTests]) {
      const v1 = exports.getAPI(1);
      assert.deepEqual(Object.keys(v1).filter((k) => ['treeChildren', 'resourceHealth', 'revealApp', 'sourcesChildren', 'applicationsChildren'].includes(k)), []);
      assert.deepEqual(v1.apps(), []);
    }
    assert.throws(() => plain.getAPI(2 as 1), /version 2 is not supported/);
  });

  it('ready() starts the first kubeconfig load when called, not createApi (nothing reads files at activation)', async () => {
    let loads = 0;
    const v1 = createApi(clusters, apps, () => {
      loads++;
      return Promise.resolve();
    }, () => 1).getAPI(1);
    assert.equal(loads, 0);
    await v1.ready();
    assert.equal(loads, 1);
  });
});
