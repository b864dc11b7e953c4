/**
 * Compare environments (issue 19) on repositories on disk, rendered as the controllers render them:
 * kustomize overlays by the real `kubectl kustomize` (through the renderer the lenses and the CLI use),
 * a chart in the repository by a stand-in `helm` (helm is not on the build machines; see
 * test/support/envRepo.ts writeFakeHelm), charts from Helm repositories by version and values.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { comparisonSummary, type EnvComparison } from '../../../../src/core/env/compare';
import type { Environment } from '../../../../src/core/env/types';
import { RepoEnvironments } from '../../../../src/infra/env/environments';
import { pathLookup } from '../../../../src/infra/render/process';
import { Renderer } from '../../../../src/infra/render/renderer';
import { ENV_REPO_FILES, writeFakeHelm, writeRepo } from '../../../support/envRepo';

describe('environments: compare', function () {
  this.timeout(60_000);
  const roots: string[] = [];
  let bin: string;
  before(() => {
    bin = fs.mkdtempSync(path.join(os.tmpdir(), 'env-helm-'));
    writeFakeHelm(bin);
  });
  after(() => {
    for (const d of [...roots, bin]) fs.rmSync(d, { recursive: true, force: true });
  });
  const load = async (files: Readonly<Record<string, string>>, pathValue = `${bin}${path.delimiter}${process.env.PATH ?? ''}`): Promise<RepoEnvironments> => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'env-cmp-'));
    roots.push(dir);
    writeRepo(dir, files);
    return RepoEnvironments.load(dir, { renderer: new Renderer({ findExecutable: pathLookup(pathValue) }) });
  };
  const compare = async (envs: RepoEnvironments, app: string, from: string, to: string) => {
    const g = envs.group(app);
    assert.ok(g.ok, app);
    const a = envs.environment(g.value, from);
    const b = envs.environment(g.value, to);
    assert.ok(a.ok && b.ok);
    return envs.compare(g.value, a.value, b.value);
  };

  it('kustomize overlays: pairs objects across namePrefixes, reports each differing field both ways, says it in one line', async () => {
    const r = await compare(await load(ENV_REPO_FILES), 'storefront', 'staging', 'production');
    assert.deepEqual(r.notes, []);
    const resources = r.comparison?.resources ?? [];
    assert.deepEqual(
      resources.map((x) => [x.kind, x.name, x.fromName, x.toName, x.status]),
      [
        ['Secret', 'storefront-db', 'staging-storefront-db', 'prod-storefront-db', 'same'],
        ['Service', 'storefront', 'staging-storefront', 'prod-storefront', 'same'],
        ['Deployment', 'storefront', 'staging-storefront', 'prod-storefront', 'changed'],
      ],
    );
    const deployment = resources[2];
    assert.deepEqual(
      deployment?.changes.map((c) => [c.path, c.from, c.to, c.kind]),
      [
        ['/spec/replicas', 5, 3, 'changed'],
        ['/spec/template/spec/containers/0/env/0/value', 'debug', 'warn', 'changed'],
        ['/spec/template/spec/containers/0/env/1', { name: 'FEATURE_CHECKOUT_V2', value: 'true' }, undefined, 'onlyFrom'],
        ['/spec/template/spec/containers/0/image', 'registry.example.com/acme/storefront:2.5.1', 'registry.example.com/acme/storefront:2.4.0', 'changed'],
      ],
    );
    // The envFrom secretRef names staging-storefront-db and prod-storefront-db: the prefix, no difference.
    assert.equal(r.summary, 'overlays/production is 4 fields behind overlays/staging: image 2.4.0 → 2.5.1, replicas 3 → 5, LOG_LEVEL warn → debug, +1 more');
  });

  it('never shows a Secret value: both sides masked alike, a changed value as a different mask', async () => {
    const files = {
      ...ENV_REPO_FILES,
      'apps/storefront/overlays/production/secret.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: storefront-db\nstringData:\n  password: production-password-not-shown\n',
      'apps/storefront/overlays/production/kustomization.yaml': `${ENV_REPO_FILES['apps/storefront/overlays/production/kustomization.yaml'] as string}  - path: secret.yaml\n`,
    };
    const r = await compare(await load(files), 'storefront', 'staging', 'production');
    const secret = r.comparison?.resources.find((x) => x.kind === 'Secret');
    assert.deepEqual(secret?.changes.map((c) => [c.path, c.from, c.to]), [['/data/password', '++++++++', '++++++++++++']]);
    const all = JSON.stringify(r);
    for (const clear of ['base-password-not-shown', 'production-password-not-shown']) {
      assert.ok(!all.includes(clear) && !all.includes(Buffer.from(clear).toString('base64')), clear);
    }
    assert.match(r.documents.from, /password: \+{8}\n/);
    assert.match(r.documents.to, /password: \+{12}\n/);
    assert.match(r.summary, /password \(secret\) → \(secret\)/);
  });

  it('sets aside the namespace each overlay puts its objects in', async () => {
    const files = {
      ...ENV_REPO_FILES,
      'apps/storefront/overlays/staging/kustomization.yaml': (ENV_REPO_FILES['apps/storefront/overlays/staging/kustomization.yaml'] as string).replace('namePrefix: staging-\n', 'namespace: shop-staging\n'),
      'apps/storefront/overlays/production/kustomization.yaml': (ENV_REPO_FILES['apps/storefront/overlays/production/kustomization.yaml'] as string).replace('namePrefix: prod-\n', 'namespace: shop-prod\n'),
    };
    const r = await compare(await load(files), 'storefront', 'staging', 'production');
    assert.deepEqual(r.comparison?.resources.map((x) => [x.name, x.status]), [['storefront-db', 'same'], ['storefront', 'same'], ['storefront', 'changed']]);
    assert.ok(!JSON.stringify(r.comparison?.resources.flatMap((x) => x.changes.map((c) => c.path))).includes('namespace'));
    // In the documents too: both sides read `{namespace}`, the real ones in the header.
    const [fromSecret, toSecret] = [r.documents.from.split('---\n')[0] as string, r.documents.to.split('---\n')[0] as string];
    assert.equal(fromSecret, toSecret);
    assert.match(fromSecret, /^# storefront-db: storefront-db \(namespace shop-staging\) in overlays\/staging, storefront-db \(namespace shop-prod\) in overlays\/production\n/);
    assert.match(fromSecret, /namespace: '\{namespace\}'/);
  });

  it('the side-by-side documents put pairs in the same order with the target in the source key order', async () => {
    const r = await compare(await load(ENV_REPO_FILES), 'storefront', 'staging', 'production');
    const from = r.documents.from.split('---\n');
    const to = r.documents.to.split('---\n');
    assert.equal(from.length, 3);
    assert.equal(to.length, 3);
    assert.match(from[2] as string, /^# storefront: staging-storefront in overlays\/staging, prod-storefront in overlays\/production\n/);
    assert.match(to[2] as string, /^# storefront: staging-storefront in overlays\/staging, prod-storefront in overlays\/production\n/);
    // Same keys in the same order: a changed value is one changed line.
    const keys = (doc: string): string[] => doc.split('\n').map((l) => l.replace(/:.*$/, ''));
    assert.deepEqual(keys(from[1] as string), keys(to[1] as string));
  });

  it('the documents show paired objects under one name: prefixes and references to renamed objects are no changed line', async () => {
    const r = await compare(await load(ENV_REPO_FILES), 'storefront', 'staging', 'production');
    const from = r.documents.from.split('---\n');
    const to = r.documents.to.split('---\n');
    // The Secret and the Service are the same in both environments: identical text, name and header alike.
    assert.equal(from[0], to[0]);
    assert.equal(from[1], to[1]);
    assert.match(from[1] as string, /\n {2}name: storefront\n/);
    // The Deployment: only the fields the comparison reports differ, line by line (keys aligned).
    const fromLines = new Set((from[2] as string).split('\n'));
    const changed = (to[2] as string).split('\n').filter((l) => !fromLines.has(l));
    assert.deepEqual(changed.filter((l) => /prod-|staging-/.test(l)), [], 'a prefixed name shows as a changed line');
    assert.ok(changed.some((l) => /replicas: 3/.test(l)) && changed.some((l) => /storefront:2\.4\.0/.test(l)), changed.join('\n'));
    assert.match(from[2] as string, /secretRef:\n\s+name: storefront-db\n/);
    assert.match(to[2] as string, /secretRef:\n\s+name: storefront-db\n/);
  });

  it('a chart of the repository: releases named differently pair by what follows the release name', async () => {
    const app = (name: string, env: string): string => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${name}
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://git.example.com/acme/gitops.git
    targetRevision: main
    path: charts/shop
    helm:
      valueFiles:
        - values-${env}.yaml
      valuesObject:
        ingress:
          host: ${env}.shop.example.com
  destination:
    name: ${env}
    namespace: shop
`;
    const files = Object.fromEntries(Object.entries(ENV_REPO_FILES).filter(([f]) => !f.startsWith('clusters/')));
    const envs = await load({ ...files, 'argocd/shop-staging.yaml': app('shop-staging', 'staging'), 'argocd/shop-production.yaml': app('shop-prod', 'production') });
    const r = await compare(envs, 'shop', 'staging', 'production');
    assert.deepEqual(r.notes, []);
    assert.deepEqual(r.comparison?.resources.map((x) => [x.kind, x.name, x.fromName, x.toName, x.status]), [
      ['Service', '{release}-web', 'shop-staging-web', 'shop-prod-web', 'same'],
      ['Deployment', '{release}-web', 'shop-staging-web', 'shop-prod-web', 'changed'],
    ]);
    assert.equal(r.summary, 'production is 3 fields behind staging: image 1.1.0 → 1.2.0, replicas 1 → 2, HOST production.shop.example.com → staging.shop.example.com');
  });

  it('a chart from a Helm repository: compared by version and values, and it says it was not rendered', async () => {
    const r = await compare(await load(ENV_REPO_FILES), 'ingress-nginx', 'staging', 'production');
    assert.equal(r.comparison, undefined);
    assert.deepEqual(r.extra, [
      { label: 'chart', from: '4.12.0', to: '4.11.3' },
      { label: 'controller.replicaCount', from: 1, to: 2 },
    ]);
    assert.equal(r.summary, 'production is 2 fields behind staging: chart 4.11.3 → 4.12.0, controller.replicaCount 2 → 1');
    assert.match(r.notes[0] as string, /^staging: the chart ingress-nginx comes from https:\/\/kubernetes\.github\.io\/ingress-nginx: not rendered here/);
  });

  it('without kubectl or kustomize on PATH: no comparison, and why', async () => {
    const r = await compare(await load(ENV_REPO_FILES, bin), 'storefront', 'staging', 'production');
    assert.equal(r.comparison, undefined);
    assert.deepEqual(r.notes, ['overlays/staging: kustomize not found: plain document', 'overlays/production: kustomize not found: plain document']);
  });

  it('the summary line: commits and fields, ahead, matching', () => {
    const env = (label: string): Environment => ({ label }) as Environment;
    const c = (changes: number): EnvComparison => ({
      from: env('staging'),
      to: env('production'),
      resources: [{ group: 'apps', kind: 'Deployment', name: 'web', status: changes ? 'changed' : 'same', changes: Array.from({ length: changes }, (_, i) => ({ path: `/spec/f${i}`, from: i + 1, to: i, kind: 'changed' as const, steps: [{ field: 'spec' }, { field: `f${i}` }] })) }],
    });
    assert.equal(comparisonSummary({ comparison: c(2), commitsBehind: 3 }), 'production is 3 commits and 2 fields behind staging: f0 0 → 1, f1 1 → 2');
    assert.equal(comparisonSummary({ comparison: c(1), commitsBehind: 1, commitsAhead: 2 }), 'production is 1 commit and 1 field behind staging (2 commits ahead): f0 0 → 1');
    assert.equal(comparisonSummary({ comparison: c(0), commitsBehind: 0 }), 'production matches staging');
    assert.equal(comparisonSummary({ comparison: c(5) }), 'production is 5 fields behind staging: f0 0 → 1, f1 1 → 2, f2 2 → 3, +2 more');
  });
});
