/**
 * Unbounded answers from a hostile API server (the simulator's hostile streams, over real HTTPS):
 * a list body that never ends, a watch line that never ends, a body dripping one byte at a time.
 * Each ends in a typed error naming the request and the limit, having read about the limit and no
 * more (the server counts what it wrote), with bounded memory.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Clock, ClusterConnectionEvent } from '../../../../src/core/ports';
import { KubeClusterAccess } from '../../../../src/infra/k8s/clusterAccess';
import { InformerPool } from '../../../../src/infra/k8s/informerPool';
import { startSimCluster, type SimCluster } from '../../../sim/k8s/cluster';
import { recordingLogger } from '../../../support/fakes';
import { REPO_ROOT } from '../../../support/paths';
import { waitFor } from '../../../support/waitFor';

const CRDS = path.join(REPO_ROOT, 'test', 'fixtures', 'sim', 'crds');
const MiB = 1024 * 1024;

const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return { dispose: () => clearTimeout(t) };
  },
};

describe('response limits (hostile simulator over HTTPS)', function () {
  this.timeout(60_000);
  let sim: SimCluster;
  const open: Array<() => void> = [];

  beforeEach(async () => {
    sim = await startSimCluster({ seed: [path.join(CRDS, 'argocd.yaml')] });
  });
  afterEach(async () => {
    while (open.length) open.pop()?.();
    await sim.stop();
  });

  const pool = (limits: { maxResponseBytes?: number; maxWatchEventBytes?: number }, requestTimeoutMs?: number): { events: ClusterConnectionEvent[]; pool: InformerPool } => {
    const kubeconfig = sim.kubeconfig('hostile');
    const p = new InformerPool({
      kubeconfig: () => [{ path: '/virtual/kubeconfig', text: kubeconfig }],
      log: recordingLogger().logger,
      clock: realClock,
      backoff: { initialMs: 60_000, maxMs: 60_000 },
      limits,
      ...(requestTimeoutMs !== undefined ? { requestTimeoutMs } : {}),
    });
    const events: ClusterConnectionEvent[] = [];
    p.onDidChangeConnection((e) => events.push(e));
    open.push(() => p.dispose());
    return { events, pool: p };
  };
  const unreachable = (events: ClusterConnectionEvent[], timeoutMs = 30_000) =>
    waitFor('unreachable', () => events.find((e): e is Extract<ClusterConnectionEvent, { state: 'unreachable' }> => e.state === 'unreachable'), timeoutMs);

  it('a list body that never ends: TooLarge at the limit, naming the request; memory stays bounded', async () => {
    sim.faults.hostileStream('endless-list');
    const rssBefore = process.memoryUsage().rss;
    const p = pool({ maxResponseBytes: 8 * MiB });
    p.pool.start('hostile');
    const e = await unreachable(p.events);
    assert.equal(e.error.code, 'TooLarge', e.error.message);
    // The lists of the served kinds run in parallel; the limit holds for each answer and for what
    // the connection holds at once, whichever is reached first.
    assert.match(e.error.message, /^GET \/apis\/argoproj\.io\/v1alpha1\/\w+: (the answer is larger than 8 MiB|the answers being read from this cluster at once are larger than 8 MiB together); the rest was not read/);
    const written = sim.faults.hostileBytes();
    // The limit, plus what sat in the socket buffers of both ends. Without a limit: the simulator's 1 GiB stop.
    assert.ok(written < 2 * 8 * MiB, `the server wrote ${Math.round(written / MiB)} MiB`);
    const grown = process.memoryUsage().rss - rssBefore;
    assert.ok(grown < 150 * MiB, `RSS grew by ${Math.round(grown / MiB)} MiB`);
  });

  it('a GET through the cluster access (diff --context, lenses, schemas) is bounded too', async () => {
    sim.faults.hostileStream('endless-list');
    const text = sim.kubeconfig('hostile');
    const access = new KubeClusterAccess({ kubeconfig: () => [{ path: '/virtual/kubeconfig', text }], limits: { maxResponseBytes: 4 * MiB } });
    await assert.rejects(access.getJson('hostile', '/api/v1/namespaces'), (err: Error & { code?: unknown }) => {
      assert.equal(err.code, 'TooLarge');
      assert.match(err.message, /^GET \/api\/v1\/namespaces: the answer is larger than 4 MiB/);
      return true;
    });
    assert.ok(sim.faults.hostileBytes() < 4 * MiB * 2 + 4 * MiB, `the server wrote ${Math.round(sim.faults.hostileBytes() / MiB)} MiB`);
  });

  it('a watch event line that never ends: TooLarge at the event limit', async () => {
    // Lists answer normally; every watch is one line without end.
    sim.faults.hostileStream('endless-watch-line');
    const p = pool({ maxWatchEventBytes: 2 * MiB });
    p.pool.start('hostile');
    await waitFor('ready', () => p.events.find((e) => e.state === 'ready'));
    const e = await unreachable(p.events);
    assert.equal(e.error.code, 'TooLarge', e.error.message);
    assert.match(e.error.message, /^watch \/apis\/argoproj\.io\/v1alpha1\/(applications|appprojects): one watch event is larger than 2 MiB/);
    // Two watches (Application, AppProject), each stopped at the limit (plus socket buffers).
    assert.ok(sim.faults.hostileBytes() < 2 * (2 * MiB + 8 * MiB), `the server wrote ${Math.round(sim.faults.hostileBytes() / MiB)} MiB`);
  });

  it('a body dripping one byte at a time: Timeout after the request deadline', async () => {
    sim.faults.hostileStream('drip-list');
    const text = sim.kubeconfig('hostile');
    const access = new KubeClusterAccess({ kubeconfig: () => [{ path: '/virtual/kubeconfig', text }], limits: { requestTimeoutMs: 1500 } });
    const started = Date.now();
    await assert.rejects(access.getJson('hostile', '/api/v1/namespaces'), (err: Error & { code?: unknown }) => {
      assert.equal(err.code, 'Timeout', err.message);
      assert.match(err.message, /GET \/api\/v1\/namespaces: no complete answer within 2 s/);
      return true;
    });
    assert.ok(Date.now() - started < 10_000);
  });

  it('an error answer is reported by its status and the Status message', async () => {
    sim.faults.setFailureRate(1, 503);
    const text = sim.kubeconfig('hostile');
    const access = new KubeClusterAccess({ kubeconfig: () => [{ path: '/virtual/kubeconfig', text }] });
    await assert.rejects(access.getJson('hostile', '/api/v1/namespaces'), (err: Error & { code?: unknown; statusCode?: unknown }) => {
      assert.equal(err.statusCode, 503);
      assert.match(err.message, /HTTP 503: GET \/api\/v1\/namespaces: an error on the server/);
      return true;
    });
  });
});
