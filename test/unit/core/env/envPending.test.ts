/**
 * What is pending where (issue 19), with real git: commits on the followed branch that an
 * environment's cluster has not applied, all of them and those touching its files; commits one
 * environment is behind another; the revisions the tools write, and the one an app object says its
 * cluster runs (objects shaped like Argo CD's and Flux's).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mapArgoApplication } from '../../../../src/core/argocd/application';
import { mapFluxKustomization } from '../../../../src/core/flux/mapFlux';
import { KustomizeGraph } from '../../../../src/core/env/kustomize';
import { buildEnvironmentMap, findEnvironment, findGroup } from '../../../../src/core/env/map';
import { appliedRevisionOf, commitOf, commitsBetween, pathsOf, pendingFor } from '../../../../src/core/env/pending';
import type { Environment, EnvironmentGroup, LiveApp } from '../../../../src/core/env/types';
import { GitCliHistory } from '../../../../src/infra/env/gitHistory';
import { withAppliedRevisions } from '../../../../src/infra/env/liveApps';
import { scanRepository } from '../../../../src/infra/env/repoScan';
import type { ObjectRef } from '../../../../src/core/ports';
import { commitRepo, git, gitEnv, writeRepo } from '../../../support/envRepo';

describe('environments: what is pending where', function () {
  this.timeout(60_000);
  let dir: string;
  let commits: Record<'bootstrap' | 'base' | 'staging' | 'docs', string>;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'env-pending-'));
    writeRepo(dir);
    const bootstrap = commitRepo(dir, 'bootstrap');
    const edit = (f: string, a: string, b: string): void => fs.writeFileSync(path.join(dir, f), fs.readFileSync(path.join(dir, f), 'utf8').replace(a, b));
    edit('apps/storefront/base/deployment.yaml', 'cpu: 100m', 'cpu: 200m');
    const base = commitRepo(dir, 'storefront: more cpu everywhere');
    edit('apps/storefront/overlays/staging/kustomization.yaml', 'count: 5', 'count: 6');
    const staging = commitRepo(dir, 'storefront: 6 replicas in staging');
    fs.writeFileSync(path.join(dir, 'README.md'), '# docs\n');
    const docs = commitRepo(dir, 'docs');
    commits = { bootstrap, base, staging, docs };
    // The clone's view of the remote: origin/main is what the controllers fetch.
    git(dir, 'update-ref', 'refs/remotes/origin/main', docs);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const argo = (cluster: string, env: string, compared: string, synced: string, sync: 'Synced' | 'OutOfSync'): LiveApp => {
    const raw = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'storefront', namespace: 'argocd' },
      spec: { source: { repoURL: 'https://git.example.com/acme/gitops.git', targetRevision: 'main', path: `apps/storefront/overlays/${env}` }, destination: { server: 'https://kubernetes.default.svc' } },
      status: {
        sync: { status: sync, revision: compared },
        health: { status: 'Healthy' },
        operationState: { phase: 'Succeeded', syncResult: { revision: synced } },
        history: [{ id: 0, revision: synced }],
      },
    };
    const applied = appliedRevisionOf(raw);
    return { app: mapArgoApplication(cluster, raw), ...(applied ? { appliedRevision: applied } : {}) };
  };

  async function envsOf(live: LiveApp[]): Promise<{ group: EnvironmentGroup; graph: KustomizeGraph; env: (n: string) => Environment }> {
    const scan = await scanRepository(dir);
    const map = buildEnvironmentMap({ declarations: scan.declarations, layout: scan.layout, live });
    const g = findGroup(map, 'storefront');
    assert.ok(g.ok);
    return {
      group: g.value,
      graph: new KustomizeGraph(scan.layout),
      env: (n) => {
        const e = findEnvironment(g.value, n);
        assert.ok(e.ok, n);
        return e.value;
      },
    };
  }

  it('per environment: commits not applied, and those touching its files', async () => {
    const { env, graph } = await envsOf([argo('staging', 'staging', commits.docs, commits.docs, 'Synced'), argo('production', 'production', commits.docs, commits.bootstrap, 'OutOfSync')]);
    const history = new GitCliHistory(dir, { env: gitEnv() });
    const prod = await pendingFor(env('production'), graph, history);
    assert.deepEqual([prod.applied, prod.tip, prod.branch, prod.total, prod.touchingTotal], [commits.bootstrap, commits.docs, 'main', 3, 1]);
    assert.deepEqual(prod.touching?.map((c) => [c.sha, c.subject, c.author]), [[commits.base, 'storefront: more cpu everywhere', 'Test']]);
    const staging = await pendingFor(env('staging'), graph, history);
    assert.deepEqual([staging.total, staging.touchingTotal], [0, 0]);
    assert.deepEqual(pathsOf(env('production'), graph), ['apps/storefront/overlays/production', 'apps/storefront/base', 'clusters/production/argocd/storefront.yaml']);
  });

  it('how many commits one environment runs behind (and ahead of) another', async () => {
    const { env } = await envsOf([argo('staging', 'staging', commits.staging, commits.staging, 'Synced'), argo('production', 'production', commits.staging, commits.bootstrap, 'OutOfSync')]);
    const history = new GitCliHistory(dir, { env: gitEnv() });
    assert.deepEqual(await commitsBetween(env('staging'), env('production'), history), { behind: 2, ahead: 0 });
    assert.deepEqual(await commitsBetween(env('production'), env('staging'), history), { behind: 0, ahead: 2 });
  });

  it('says why when it cannot tell', async () => {
    const { env, graph } = await envsOf([]);
    const history = new GitCliHistory(dir, { env: gitEnv() });
    assert.deepEqual(await pendingFor(env('production'), graph, history), { env: env('production'), unknown: 'not read from a cluster' });
    // A Flux Kustomization that never applied anything.
    const flux = mapFluxKustomization('production', { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'storefront', namespace: 'flux-system' }, spec: { path: './apps/storefront/overlays/production', sourceRef: { kind: 'GitRepository', name: 'flux-system' } }, status: {} });
    const never: Environment = { ...env('production'), live: true, app: { tool: 'flux', kind: 'Kustomization', namespace: 'flux-system', name: 'storefront' }, ...(flux.fullRevision ? { fullRevision: flux.fullRevision } : {}) };
    assert.equal((await pendingFor(never, graph, history)).unknown, 'the cluster reports no applied revision');
    // A branch the clone does not have.
    const e = { ...env('production'), live: true, appliedRevision: commits.bootstrap, trackedRevision: 'release-9' };
    assert.equal((await pendingFor(e, graph, history)).unknown, 'release-9 is not in the clone (fetch it)');
  });

  it('GitCliHistory: resolves the remote-tracking branch first, refuses option-like refs and non-commits', async () => {
    const history = new GitCliHistory(dir, { env: gitEnv() });
    git(dir, 'update-ref', 'refs/remotes/origin/main', commits.base);
    try {
      assert.equal(await history.resolve('main'), commits.base, 'origin/main, not the local branch ahead of it');
    } finally {
      git(dir, 'update-ref', 'refs/remotes/origin/main', commits.docs);
    }
    assert.equal(await history.resolve('--output=/tmp/x'), undefined);
    assert.equal(await history.resolve('no-such-branch'), undefined);
    await assert.rejects(history.commits({ from: '--all', to: commits.docs, max: 1 }), /not a commit/);
    const all = await history.commits({ from: commits.bootstrap, to: commits.docs, max: 2 });
    assert.deepEqual([all.total, all.commits.map((c) => c.subject)], [3, ['docs', 'storefront: 6 replicas in staging']]);
  });

  it('withAppliedRevisions: one GET per Argo CD app not Synced, its synced revision kept; an unreadable one left as it is', async () => {
    const make = (name: string, sync: string) => mapArgoApplication('c1', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name, namespace: 'argocd' }, status: { sync: { status: sync, revision: 'f'.repeat(40) }, health: { status: 'Healthy' } } });
    const asked: ObjectRef[] = [];
    const reader = {
      get: async (cluster: string, ref: ObjectRef): Promise<unknown> => {
        asked.push(ref);
        assert.equal(cluster, 'c1');
        if (ref.name === 'gone') throw new Error('404');
        return { kind: 'Application', status: { operationState: { phase: 'Succeeded', syncResult: { revision: commits.bootstrap } } } };
      },
    };
    const flux = mapFluxKustomization('c1', { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'k', namespace: 'flux-system' }, spec: { sourceRef: { kind: 'GitRepository', name: 'x' } } });
    const out = await withAppliedRevisions([make('synced', 'Synced'), make('behind', 'OutOfSync'), make('gone', 'Unknown'), flux], reader);
    assert.deepEqual(asked.map((r) => `${r.apiVersion} ${r.kind} ${r.namespace}/${r.name}`), ['argoproj.io/v1alpha1 Application argocd/behind', 'argoproj.io/v1alpha1 Application argocd/gone']);
    assert.deepEqual(out.map((l) => [l.app.name, l.appliedRevision ?? null]), [['synced', null], ['behind', commits.bootstrap], ['gone', null], ['k', null]]);
  });

  it('revisions as the tools write them, and the one an app object says its cluster runs', () => {
    const sha = 'a'.repeat(40);
    assert.equal(commitOf(sha), sha);
    assert.equal(commitOf(`main@sha1:${sha}`), sha);
    assert.equal(commitOf(`sha1:${sha}`), sha);
    assert.equal(commitOf(`main/${sha}`), sha);
    assert.equal(commitOf('4.11.3'), undefined);
    assert.equal(commitOf('sha256:' + 'b'.repeat(64)), undefined);
    const app = (status: Record<string, unknown>) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'a' }, status });
    // A sync that failed leaves the cluster on what the history says it last deployed.
    assert.equal(appliedRevisionOf(app({ sync: { revision: 'c'.repeat(40) }, operationState: { phase: 'Failed', syncResult: { revision: 'd'.repeat(40) } }, history: [{ revision: 'e'.repeat(40) }] })), 'e'.repeat(40));
    assert.equal(appliedRevisionOf(app({ operationState: { phase: 'Succeeded', syncResult: { revision: sha } } })), sha);
    assert.equal(appliedRevisionOf(app({ sync: { revision: sha } })), undefined, 'compared is not applied');
    assert.equal(appliedRevisionOf({ kind: 'Kustomization', status: { lastAppliedRevision: `main@sha1:${sha}` } }), `main@sha1:${sha}`);
  });
});
