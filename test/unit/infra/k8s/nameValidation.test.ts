/**
 * Issue 12, secret disclosure through a crafted name: a desired `Secret` named `.` made
 * `gitops-lens diff --context` GET `/api/v1/namespaces/shop/secrets/` (the SecretList) and print it.
 * Names are now checked with the API server's rules (core/kube/names.ts) before any URL is built.
 * The CLI runs against the real Kubernetes simulator seeded with Secrets
 * (test/fixtures/hostile/secrets/cluster.yaml), whose request counts show that nothing was asked.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkObjectRef, InvalidObjectRefError, namespaceProblem, nameProblem, objectRefProblem } from '../../../../src/core/kube/names';
import type { Clock, ClusterConnectionEvent } from '../../../../src/core/ports';
import { KubeClusterAccess } from '../../../../src/infra/k8s/clusterAccess';
import { InformerPool } from '../../../../src/infra/k8s/informerPool';
import { startSimCluster, type SimCluster } from '../../../sim/k8s/cluster';
import { runCli } from '../../../support/cliRun';
import { startAnswerProxy } from '../../../support/answerProxy';
import { recordingLogger } from '../../../support/fakes';
import { HOSTILE_SECRETS_DIR as HOSTILE, leakedSecretValues as leaks } from '../../../support/hostileSecrets';
import { REPO_ROOT } from '../../../support/paths';
import { waitFor } from '../../../support/waitFor';

const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return { dispose: () => clearTimeout(t) };
  },
};

describe('core/kube/names', () => {
  it('refuses what IsPathSegmentName refuses, and the empty name', () => {
    for (const [name, why] of [
      ['.', "may not be '.'"],
      ['..', "may not be '..'"],
      ['a/b', "may not contain '/'"],
      ['%2e', "may not contain '%'"],
      ['a/%', "may not contain '/', may not contain '%'"],
      ['', 'may not be empty'],
      ['x'.repeat(513), 'may not be longer than 512 characters'],
    ] as const) {
      assert.equal(nameProblem(name), why, name);
    }
  });

  it('accepts the names Kubernetes accepts: DNS subdomains, RBAC names with colons, dots inside', () => {
    for (const name of ['db-credentials', 'a.b', '...x', 'system:controller:deployment-controller', 'x'.repeat(512), 'UPPER_case']) {
      assert.equal(nameProblem(name), undefined, name);
    }
  });

  it('namespaces are DNS-1123 labels', () => {
    for (const ns of ['shop', 'kube-system', 'a', '0abc', 'x'.repeat(63)]) assert.equal(namespaceProblem(ns), undefined, ns);
    for (const ns of ['', '.', '..', 'Shop', 'shop/secrets', 'a.b', '-a', 'a-', 'x'.repeat(64), '%2e']) assert.notEqual(namespaceProblem(ns), undefined, ns);
  });

  it('objectRefProblem names the kind, the field and the value; API versions and kinds are checked too', () => {
    assert.equal(objectRefProblem({ apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: '.' }), `Secret name "." is not valid: may not be '.'`);
    assert.equal(objectRefProblem({ apiVersion: 'v1', kind: 'Secret', namespace: '', name: 'db' }), undefined, 'cluster-scoped or context namespace');
    assert.match(objectRefProblem({ apiVersion: 'v1', kind: 'Secret', namespace: 'a/..', name: 'db' }) ?? '', /^Secret "db": namespace "a\/\.\." is not valid/);
    assert.match(objectRefProblem({ apiVersion: '../api/v1', kind: 'Secret', namespace: 'shop', name: 'db' }) ?? '', /apiVersion "\.\.\/api\/v1" has a group/);
    assert.match(objectRefProblem({ apiVersion: 'v1/..', kind: 'Secret', namespace: 'shop', name: 'db' }) ?? '', /has a version/);
    assert.match(objectRefProblem({ apiVersion: 'v1', kind: 'Secret/..', namespace: 'shop', name: 'db' }) ?? '', /^kind "Secret\/\.\." is not a Kubernetes kind/);
    for (const ok of [
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', namespace: 'argocd', name: 'guestbook' },
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', namespace: '', name: 'system:aggregate-to-admin' },
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
    ]) {
      assert.equal(objectRefProblem(ok), undefined, JSON.stringify(ok));
    }
    // A control character in a value is quoted escaped, never raw, in the message.
    assert.ok(!/\u001b/.test(objectRefProblem({ apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: '\u001b[2J/' }) ?? ''));
    assert.throws(() => checkObjectRef({ apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: '..' }), InvalidObjectRefError);
  });
});

describe('crafted names: no request, no Secret (CLI diff --context and KubeClusterAccess against the simulator)', function () {
  this.timeout(60_000);
  let sim: SimCluster;
  let dir: string;
  let kubeconfig: string;

  before(async () => {
    sim = await startSimCluster({ seed: [path.join(HOSTILE, 'cluster.yaml')] });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-names-'));
    kubeconfig = path.join(dir, 'kubeconfig.yaml');
    fs.writeFileSync(kubeconfig, sim.kubeconfig('sim'));
  });
  after(async () => {
    await sim.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => sim.counts.reset());

  // The hostile Secret is the second document of each file, on line 10 (after a ConfigMap).
  const cases: Array<[file: string, message: RegExp]> = [
    ['dot.yaml', /Secret name "\." is not valid: may not be '\.'/],
    ['dotdot.yaml', /Secret name "\.\." is not valid: may not be '\.\.'/],
    ['slash.yaml', /Secret name "db-credentials\/x" is not valid: may not contain '\/'/],
    ['percent.yaml', /Secret name "%2e" is not valid: may not contain '%'/],
    ['namespace.yaml', /Secret "db-credentials": namespace "shop\/secrets\/payment-api\/\.\." is not valid/],
  ];
  for (const [file, message] of cases) {
    for (const json of [false, true]) {
      it(`${file}${json ? ' --json' : ''}: exit 2 with FILE:LINE, no request to the server, no Secret value`, async () => {
        const desired = path.join(HOSTILE, file);
        const r = await runCli(['diff', '--desired', desired, '--context', 'sim', '--kubeconfig', kubeconfig, ...(json ? ['--json'] : [])]);
        assert.equal(r.code, 2, r.out + r.err);
        assert.ok(r.err.includes(`${desired}:10: `), r.err);
        assert.match(r.err, message);
        assert.equal(r.out, '');
        assert.deepEqual(sim.counts.snapshot(), {}, 'a request reached the API server');
        assert.deepEqual(leaks(r.out + r.err), []);
      });
    }
  }

  it('empty.yaml: exit 2 with FILE:LINE and no request', async () => {
    const desired = path.join(HOSTILE, 'empty.yaml');
    const r = await runCli(['diff', '--desired', desired, '--context', 'sim', '--kubeconfig', kubeconfig]);
    assert.equal(r.code, 2);
    assert.match(r.err, new RegExp(`${desired.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:10: Secret has no metadata\\.name`));
    assert.deepEqual(sim.counts.snapshot(), {});
    assert.deepEqual(leaks(r.out + r.err), []);
  });

  it('every hostile file together: each problem on its own line, still no request', async () => {
    const r = await runCli(['diff', '--desired', HOSTILE, '--context', 'sim', '--kubeconfig', kubeconfig, '--no-render']);
    assert.equal(r.code, 2);
    // The empty name stops the reading of files first; with it left out every other file is named.
    const dir2 = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-names-all-'));
    try {
      for (const [file] of cases) fs.copyFileSync(path.join(HOSTILE, file), path.join(dir2, file));
      const all = await runCli(['diff', '--desired', dir2, '--context', 'sim', '--kubeconfig', kubeconfig, '--no-render']);
      assert.equal(all.code, 2);
      for (const [file, message] of cases) {
        assert.ok(all.err.includes(`${path.join(dir2, file)}:10: `), `${file} not named:\n${all.err}`);
        assert.match(all.err, message);
      }
      assert.deepEqual(leaks(all.out + all.err), []);
    } finally {
      fs.rmSync(dir2, { recursive: true, force: true });
    }
    assert.deepEqual(sim.counts.snapshot(), {});
    assert.deepEqual(leaks(r.out + r.err), []);
  });

  it('a valid Secret is still read and compared: Secret drift is found, with masks only', async () => {
    const desired = path.join(dir, 'db.yaml');
    fs.writeFileSync(
      desired,
      `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-credentials\n  namespace: shop\ntype: Opaque\nstringData:\n  username: shop-admin-5c1e\n  password: not-the-live-one\n`,
    );
    const r = await runCli(['diff', '--desired', desired, '--context', 'sim', '--kubeconfig', kubeconfig, '--json']);
    assert.equal(r.code, 1, r.err);
    const doc = JSON.parse(r.out) as { resources: Array<{ status: string; changes: Array<{ path: string; desired: unknown; live: unknown }> }> };
    // The password differs (two different masks), the username does not (same mask, so no change).
    assert.deepEqual(doc.resources[0]?.changes, [{ path: '/data/password', desired: '++++++++', live: '++++++++++++' }]);
    assert.equal(sim.counts.snapshot()['get /secrets'], 1);
    assert.deepEqual(leaks(r.out + r.err), []);
  });

  it('KubeClusterAccess refuses the reference before any request (get, annotate, dry-run)', async () => {
    const access = new KubeClusterAccess({ kubeconfig: () => [{ path: kubeconfig, text: fs.readFileSync(kubeconfig, 'utf8') }] });
    for (const name of ['.', '..', 'a/b', '%2e', '']) {
      await assert.rejects(access.get('sim', { apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name }), InvalidObjectRefError, name);
    }
    await assert.rejects(access.get('sim', { apiVersion: 'v1', kind: 'Secret', namespace: '..', name: 'db-credentials' }), InvalidObjectRefError);
    await assert.rejects(access.annotate('sim', 'Application', 'argocd', '.', { 'argocd.argoproj.io/refresh': 'normal' }), InvalidObjectRefError);
    await assert.rejects(access.dryRunApply('sim', { apiVersion: 'v1', kind: 'Secret', metadata: { name: '.', namespace: 'shop' }, data: { a: 'eA==' } }), InvalidObjectRefError);
    assert.deepEqual(sim.counts.snapshot(), {});
    // And a valid name still reads.
    const live = (await access.get('sim', { apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 'db-credentials' })) as { metadata: { name: string } };
    assert.equal(live.metadata.name, 'db-credentials');
  });
});

describe('namespace names from the cluster (InformerPool per-namespace fallback)', function () {
  this.timeout(60_000);
  it('lists only namespaces whose names are namespace names: `..` never turns into the cluster-wide URL', async () => {
    const sim = await startSimCluster({ seed: [path.join(REPO_ROOT, 'test', 'fixtures', 'sim', 'crds', 'argocd.yaml')] });
    sim.addToken('limited', [
      { verbs: ['list'], resources: ['namespaces'] },
      { verbs: ['list', 'watch', 'get'], apiGroups: ['*'], resources: ['*'], namespaces: ['argocd'] },
    ]);
    // A server whose namespace list holds names no API server would accept.
    const proxy = await startAnswerProxy(sim.url, () => undefined, (p) =>
      p === '/api/v1/namespaces' ? { apiVersion: 'v1', kind: 'NamespaceList', metadata: {}, items: ['..', 'argocd', 'a/b', '%2e'].map((name) => ({ metadata: { name } })) } : undefined,
    );
    const pool = new InformerPool({ kubeconfig: () => [{ path: 'k', text: proxy.kubeconfig('hostile', 'limited') }], log: recordingLogger().logger, clock: realClock });
    const events: ClusterConnectionEvent[] = [];
    const sub = pool.onDidChangeConnection((e) => events.push(e));
    try {
      pool.start('hostile');
      const r = await waitFor('ready', () => events.find((e) => e.state === 'ready' || e.state === 'unreachable'));
      assert.equal(r.state, 'ready', JSON.stringify(r));
      // One cluster-wide list of Applications (refused), then argocd only: `namespaces/../applications`
      // would have been the cluster-wide URL again once normalized.
      assert.equal(proxy.requests.filter((q) => q === '/apis/argoproj.io/v1alpha1/applications').length, 1, proxy.requests.join('\n'));
      assert.ok(proxy.requests.includes('/apis/argoproj.io/v1alpha1/namespaces/argocd/applications'));
      assert.ok(!proxy.requests.some((q) => q.includes('%2e') || q.includes('a%2Fb')), proxy.requests.join('\n'));
      assert.deepEqual(r.state === 'ready' ? r.forbiddenNamespaces : undefined, []);
    } finally {
      sub.dispose();
      pool.dispose();
      await proxy.stop();
      await sim.stop();
    }
  });
});
