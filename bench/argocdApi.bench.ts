/**
 * Argo CD through its API, end to end on the Argo CD API simulator (HTTPS, validation off so the
 * client is timed, not the validator): 2,000 apps arriving on `/api/v1/stream/applications` until the
 * AppStore holds them all (target < 1 s), a source starting against 2,000 apps (list + stream open),
 * and one status change on the stream → AppStore change event (target < 100 ms).
 */
import { DisposableStore } from '../src/core/lifecycle';
import type { Clock, Logger } from '../src/core/ports';
import { AppStore } from '../src/core/store/appStore';
import { ArgoCdApiSource } from '../src/infra/argocd/apiSource';
import { startArgoCdSim, type ArgoCdSim } from '../test/sim/argocd/argocd';
import { ARGO2_SYNCED_HEALTHY } from '../test/fixtures/gitops/argocd';
import type { BenchCase } from './harness';

const APPS = 2_000;

const clock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return { dispose: () => clearTimeout(t) };
  },
};
const quiet: Logger = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

type Obj = Record<string, unknown>;

function app(i: number, run: number): Obj {
  const a = structuredClone(ARGO2_SYNCED_HEALTHY) as Obj;
  const meta = a.metadata as Obj;
  delete meta.uid;
  delete meta.resourceVersion;
  meta.name = `app-${run}-${i}`;
  return a;
}

interface Connected {
  readonly store: AppStore;
  readonly scope: DisposableStore;
}

/** A source + store on `sim`, resolved once ready with its stream open. */
async function connect(sim: ArgoCdSim, expectApps: number): Promise<Connected> {
  const scope = new DisposableStore();
  const source = scope.add(new ArgoCdApiSource({ target: () => ({ name: 'bench', baseUrl: sim.url, insecure: false, certificateAuthority: sim.caPem, token: sim.token, grpcWeb: false }), clock, log: quiet }));
  const store = scope.add(new AppStore(clock));
  scope.add(store.connect(source));
  const streams = (): number => sim.server.requests.filter((r) => r.path === '/api/v1/stream/applications').length;
  const before = streams();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`after 30 s: ${store.status('bench').connection.phase}, ${store.status('bench').totals.apps} apps, ${sim.server.openStreams()} streams`)), 30_000);
    const poll = (): void => {
      if (store.status('bench').connection.phase === 'ready' && store.status('bench').totals.apps === expectApps && streams() > before) {
        clearTimeout(timer);
        resolve();
      } else setTimeout(poll, 1);
    };
    source.start('bench');
    poll();
  });
  return { store, scope };
}

let sim: ArgoCdSim | undefined;
let run = 0;
let live: Connected | undefined;

async function simulator(): Promise<ArgoCdSim> {
  sim ??= await startArgoCdSim({ validate: false });
  return sim;
}

export const cases: BenchCase[] = [
  {
    name: `argocd api: ${APPS} apps through the stream → AppStore populated`,
    unit: 'ms',
    runs: 5,
    warmup: 1,
    better: 'lower',
    async measure() {
      const s = await simulator();
      for (const a of s.server.allApps()) s.server.deleteApp(String((a.metadata as Obj).namespace), String((a.metadata as Obj).name));
      const c = await connect(s, 0);
      run++;
      const apps = Array.from({ length: APPS }, (_, i) => app(i, run));
      try {
        return await new Promise<number>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`only ${c.store.status('bench').totals.apps} apps after 10 s`)), 10_000);
          c.store.onDidChange(() => {
            if (c.store.status('bench').totals.apps !== APPS) return;
            clearTimeout(timer);
            resolve(performance.now() - t);
          }, undefined, c.scope);
          const t = performance.now();
          // Each put goes out on the open stream as one ADDED line, as argocd-server's broadcaster sends it.
          for (const a of apps) s.server.putApp(a);
        });
      } finally {
        c.scope.dispose();
      }
    },
  },
  {
    name: `argocd api: source start against ${APPS} apps → AppStore populated, stream open`,
    unit: 'ms',
    runs: 5,
    warmup: 1,
    better: 'lower',
    async measure() {
      const s = await simulator();
      if (s.server.allApps().length !== APPS) {
        for (const a of s.server.allApps()) s.server.deleteApp(String((a.metadata as Obj).namespace), String((a.metadata as Obj).name));
        run++;
        for (let i = 0; i < APPS; i++) s.server.putApp(app(i, run));
      }
      const t = performance.now();
      const c = await connect(s, APPS);
      const ms = performance.now() - t;
      c.scope.dispose();
      return ms;
    },
  },
  {
    name: 'argocd api: status change on the stream → AppStore change event',
    unit: 'ms',
    runs: 20,
    warmup: 2,
    better: 'lower',
    async measure() {
      const s = await simulator();
      live ??= await connect(s, s.server.allApps().length);
      const store = live.store;
      const target = s.server.allApps()[0]!;
      const name = String((target.metadata as Obj).name);
      const status = structuredClone(target.status) as { sync: { status: string } };
      const next = status.sync.status === 'Synced' ? 'OutOfSync' : 'Synced';
      status.sync.status = next;
      return new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no change event in 5 s')), 5000);
        const sub = store.onDidChange((change) => {
          const key = `bench/argocd/Application/argocd/${name}`;
          if (!change.updated.includes(key) || store.get(key)?.sync.status !== next) return;
          clearTimeout(timer);
          sub.dispose();
          resolve(performance.now() - t);
        });
        const t = performance.now();
        s.server.putApp({ ...target, status });
      });
    },
  },
];

export async function teardown(): Promise<void> {
  live?.scope.dispose();
  live = undefined;
  await sim?.stop();
  sim = undefined;
}
