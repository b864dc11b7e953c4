/**
 * A server that answers every watch with 410 Gone (the simulator's goneOnWatch fault) must not get
 * a list+watch pair per round trip, nor one warning each: the informer pool relists at once the
 * first time, then with capped backoff on the injected clock, warns once for the burst, and is back
 * to immediate relists after a watch delivered events. Requests are counted by the simulator while
 * the test moves the clock.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Clock, ClusterConnectionEvent } from '../../../../src/core/ports';
import { InformerPool } from '../../../../src/infra/k8s/informerPool';
import { startSimCluster, type SimCluster } from '../../../sim/k8s/cluster';
import { recordingLogger } from '../../../support/fakes';
import { REPO_ROOT } from '../../../support/paths';
import { waitFor } from '../../../support/waitFor';

const CRDS = path.join(REPO_ROOT, 'test', 'fixtures', 'sim', 'crds');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A clock that moves only when the test says; timers due by then run in order. */
class ManualClock implements Clock {
  private t = 0;
  private timers: { at: number; fn: () => void; live: boolean }[] = [];
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): { dispose(): void } {
    const timer = { at: this.t + ms, fn, live: true };
    this.timers.push(timer);
    return { dispose: () => (timer.live = false) };
  }
  /** Moves `ms` forward in steps, letting real I/O (the simulator's answers) happen between steps. */
  async advance(ms: number, step = 500): Promise<void> {
    const end = this.t + ms;
    while (this.t < end) {
      this.t = Math.min(end, this.t + step);
      const due = this.timers.filter((x) => x.live && x.at <= this.t).sort((a, b) => a.at - b.at);
      this.timers = this.timers.filter((x) => !due.includes(x));
      for (const x of due) if (x.live) x.fn();
      await sleep(10);
    }
  }
}

describe('relist storm: every watch answered with 410 Gone', function () {
  this.timeout(60_000);
  let sim: SimCluster;
  let pool: InformerPool | undefined;

  beforeEach(async () => {
    sim = await startSimCluster({ seed: [CRDS], bookmarkIntervalMs: 100 });
  });
  afterEach(async () => {
    pool?.dispose();
    await sim.stop();
  });

  it('relists at once the first time, then with capped backoff, warns once, and recovers after a healthy watch', async () => {
    sim.faults.goneOnWatch(true);
    const clock = new ManualClock();
    const { logger, lines } = recordingLogger();
    const text = sim.kubeconfig('storm');
    pool = new InformerPool({ kubeconfig: () => [{ path: '/virtual/kubeconfig', text }], log: logger, clock, backoff: { initialMs: 1000, maxMs: 30_000 } });
    const connections: ClusterConnectionEvent[] = [];
    const errors: string[] = [];
    pool.onDidChangeConnection((e) => connections.push(e));
    pool.onDidError((e) => errors.push(e.error.code));
    pool.start('storm');
    await waitFor('ready', () => connections.find((e) => e.state === 'ready'));
    // One stream per served kind: the `list group/plural` keys of the counts.
    const streams = Object.keys(sim.counts.snapshot()).filter((k) => k.startsWith('list ')).length;
    assert.ok(streams >= 5, `lists of the served kinds: ${streams}`);

    // Real time passes, the clock does not: only the immediate relist after the first 410 happens.
    await sleep(1500);
    let counts = sim.counts.snapshot();
    assert.equal(counts.list, 2 * streams, `lists with the clock standing still: ${JSON.stringify(counts)}`);
    assert.equal(counts.watch, 2 * streams, `watches with the clock standing still: ${JSON.stringify(counts)}`);

    // A minute of backoff: relists at 1, 3, 7, 15 and 31 s after the second 410 (1, 2, 4, 8, 16 s apart, then 30 s).
    await clock.advance(60_000);
    counts = sim.counts.snapshot();
    const perStream = (counts.list ?? 0) / streams - 2;
    assert.ok(perStream >= 4 && perStream <= 6, `relists per kind in a minute: ${perStream} (${JSON.stringify(counts)})`);
    const warnings = lines.filter((l) => l.startsWith('warn '));
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0] ?? '', /answered 3 watches in a row with 410 Gone right after a relist; relisting with backoff up to 30 s/);
    assert.deepEqual(errors, ['Gone'], 'one onDidError (one WARN line in the AppStore log) for the burst');
    assert.notEqual(connections[connections.length - 1]?.state, 'unreachable');

    // The server heals: the next relist's watch delivers bookmarks, and the burst is over.
    sim.faults.goneOnWatch(false);
    await clock.advance(31_000);
    await waitFor('burst over', () => lines.find((l) => l.includes('the 410 Gone burst is over')));
    sim.counts.reset();
    await clock.advance(60_000);
    await sleep(500);
    assert.equal(sim.counts.snapshot().list, undefined, `relists while watches are healthy: ${JSON.stringify(sim.counts.snapshot())}`);

    // A plain compaction after that: relisted at once again, with the clock standing still.
    sim.objects.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'advance-rv', namespace: 'default' } });
    sim.faults.expireResourceVersions();
    sim.faults.cutWatches();
    await waitFor('relisted at once', () => (sim.counts.snapshot().list ?? 0) >= streams, 5000);
    assert.equal(lines.filter((l) => l.startsWith('warn ')).length, 1, 'no new warning for a single 410');
  });
});
