/**
 * The History node's deployments: an app read through a kubeconfig is read again from its cluster; an
 * app read through Argo CD's API (no kubeconfig context to read it from) takes the object as the API
 * sent it, which may come without its type.
 */
import * as assert from 'node:assert/strict';
import { mapArgoApplication } from '../../../../src/core/argocd/application';
import { readAppDeployments } from '../../../../src/infra/audit/appDeployments';
import type { AuditClusterAccess } from '../../../../src/infra/audit/clusterApps';

const SHA_1 = 'a'.repeat(40);
const SHA_2 = 'b'.repeat(40);
/** An Application as Argo CD's list API sends its items: no apiVersion or kind. */
const fromApi = {
  metadata: { name: 'shop', namespace: 'argocd', uid: 'u-1' },
  spec: { project: 'default', source: { repoURL: 'https://git.example.com/shop.git', path: 'apps/shop', targetRevision: 'main' }, destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' } },
  status: {
    sync: { status: 'Synced', revision: SHA_2 },
    health: { status: 'Healthy' },
    history: [
      { id: 1, revision: SHA_1, deployedAt: '2026-12-01T10:00:00Z', source: { repoURL: 'https://git.example.com/shop.git', path: 'apps/shop' } },
      { id: 2, revision: SHA_2, deployedAt: '2026-12-02T10:00:00Z', source: { repoURL: 'https://git.example.com/shop.git', path: 'apps/shop' }, initiatedBy: { username: 'alice' } },
    ],
  },
};

describe('readAppDeployments', () => {
  const gets: string[] = [];
  const access: AuditClusterAccess = {
    get: async (cluster, ref) => {
      gets.push(`${cluster} ${ref.kind}/${ref.name}`);
      return { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', ...fromApi, status: { ...fromApi.status, history: fromApi.status.history.slice(0, 1) } };
    },
    getJson: async () => ({ items: [] }),
  };
  beforeEach(() => (gets.length = 0));

  it('an API app: every entry of status.history from the object the API sent, with no cluster read', async () => {
    const app = mapArgoApplication('argocd:prod', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', ...fromApi });
    const history = await readAppDeployments(access, app, fromApi);
    assert.deepEqual(gets, []);
    assert.deepEqual(history.problems, []);
    assert.deepEqual(
      history.deployments.map((d) => [d.revision, d.deployedAt, d.initiatedBy?.username]),
      [
        [SHA_2, '2026-12-02T10:00:00Z', 'alice'],
        [SHA_1, '2026-12-01T10:00:00Z', undefined],
      ],
    );
  });

  it('a kubeconfig app: read again from its cluster', async () => {
    const app = mapArgoApplication('prod', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', ...fromApi });
    const history = await readAppDeployments(access, app, undefined);
    assert.deepEqual(gets, ['prod Application/shop']);
    assert.deepEqual(history.deployments.map((d) => d.revision), [SHA_1]);
  });
});
