/**
 * The informer pool end to end on simulated clusters: 2,000 apps over 3 clusters from pool start to a
 * populated AppStore (target < 1 s), simulator status patch → AppStore change (target < 100 ms), list
 * requests per minute while idle (target 0), and the peers' method — one `kubectl get <kind> -A -o json`
 * per cluster and kind, as GitOps Tools polls — on the same simulators, with the ratio.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AppStore } from '../src/core/store/appStore';
import type { Clock, Logger } from '../src/core/ports';
import { InformerPool } from '../src/infra/k8s/informerPool';
import { startSimCluster, type SimCluster } from '../test/sim/k8s/cluster';
import type { KubeObject } from '../test/sim/k8s/types';
import { ARGO2_SYNCED_HEALTHY } from '../test/fixtures/gitops/argocd';
import { GIT_REPOSITORY, HR_READY, KS_READY } from '../test/fixtures/gitops/flux';
import type { BenchCase } from './harness';

const APPS = 2_000;
const CLUSTERS = 3;
const IDLE_MS = 3_000;
const APP_KINDS = [
  { kind: 'applications.argoproj.io' },
  { kind: 'kustomizations.kustomize.toolkit.fluxcd.io' },
  { kind: 'helmreleases.helm.toolkit.fluxcd.io' },
];

/** The repo holding the CRD fixtures: above this file, or the working directory when compiled elsewhere (`--outDir /tmp/…`). */
function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}

const clock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return { dispose: () => clearTimeout(t) };
  },
};
const quiet: Logger = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function named(o: unknown, name: string): KubeObject {
  const c = structuredClone(o) as KubeObject;
  delete c.metadata.resourceVersion;
  delete c.metadata.uid;
  delete c.metadata.finalizers;
  c.metadata.name = name;
  return c;
}

/** Apps of cluster `i`: half Argo CD Applications, a quarter each Kustomizations and HelmReleases. */
function objectsOf(i: number): KubeObject[] {
  const n = Math.floor(APPS / CLUSTERS) + (i < APPS % CLUSTERS ? 1 : 0);
  const out: KubeObject[] = [named(GIT_REPOSITORY(), 'fleet')];
  for (let j = 0; j < n; j++) {
    const src = j % 4 < 2 ? ARGO2_SYNCED_HEALTHY : j % 4 === 2 ? KS_READY : HR_READY;
    out.push(named(src, `app-${i}-${j}`));
  }
  return out;
}

interface Env {
  sims: SimCluster[];
  home: string;
  files: Array<{ path: string; text: string }>;
}
let env: Promise<Env> | undefined;

function setup(): Promise<Env> {
  env ??= (async () => {
    const crds = path.join(repoRoot(), 'test', 'fixtures', 'sim', 'crds');
    const sims = await Promise.all(Array.from({ length: CLUSTERS }, (_, i) => startSimCluster({ seed: [crds], objects: objectsOf(i), bookmarkIntervalMs: 1000 })));
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-bench-apps-'));
    const files = sims.map((s, i) => {
      const p = path.join(home, `c${i}.yaml`);
      const text = s.kubeconfig(`c${i}`);
      fs.writeFileSync(p, text);
      return { path: p, text };
    });
    return { sims, home, files };
  })();
  return env;
}

interface Running {
  pool: InformerPool;
  store: AppStore;
  dispose(): void;
}

/** Starts a pool on every cluster and resolves when the AppStore holds every app. */
async function startPool(e: Env): Promise<Running> {
  const pool = new InformerPool({ kubeconfig: () => e.files, log: quiet, clock });
  const store = new AppStore(clock);
  const sub = store.connect(pool);
  const names = e.files.map((_, i) => `c${i}`);
  const count = (): number => names.reduce((n, c) => n + store.status(c).totals.apps, 0);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${count()} apps after 30 s`)), 30_000);
    const check = (): void => {
      if (count() === APPS && names.every((c) => store.status(c).connection.phase === 'ready')) {
        clearTimeout(timer);
        listener.dispose();
        resolve();
      }
    };
    const listener = store.onDidChange(check);
    for (const c of names) pool.start(c);
  });
  return {
    pool,
    store,
    dispose: () => {
      sub.dispose();
      pool.dispose();
      store.dispose();
    },
  };
}

let live: Running | undefined;
let oursMs: number[] = [];
let peersMs: number[] = [];

const med = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)] as number) : NaN;
};

function kubectl(e: Env, ctx: number, kind: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn('kubectl', ['get', kind, '-A', '-o', 'json'], { env: { ...process.env, HOME: e.home, KUBECONFIG: e.files[ctx]?.path ?? '' } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    p.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    p.on('error', reject);
    p.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`kubectl get ${kind}: ${err}`));
      // The peer parses the JSON too.
      resolve((JSON.parse(out) as { items: unknown[] }).items.length);
    });
  });
}

export const cases: BenchCase[] = [
  {
    name: `apps: pool start → AppStore with ${APPS} apps over ${CLUSTERS} clusters`,
    unit: 'ms',
    runs: 5,
    warmup: 1,
    better: 'lower',
    async measure() {
      const e = await setup();
      const t = performance.now();
      const r = await startPool(e);
      const ms = performance.now() - t;
      r.dispose();
      oursMs.push(ms);
      return ms;
    },
  },
  {
    name: 'apps: objects.patchStatus → AppStore change event',
    unit: 'ms',
    runs: 20,
    warmup: 2,
    better: 'lower',
    async measure() {
      const e = await setup();
      live ??= await startPool(e);
      const store = live.store;
      const sim = e.sims[0] as SimCluster;
      const current = sim.objects.get('argoproj.io/v1alpha1', 'Application', 'argocd', 'app-0-0');
      const status = structuredClone(current?.status) as { sync: { status: string } };
      const next = status.sync.status === 'Synced' ? 'OutOfSync' : 'Synced';
      status.sync.status = next;
      return new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no change event in 5 s')), 5000);
        const sub = store.onDidChange(() => {
          const app = store.all().find((a) => a.cluster === 'c0' && a.name === 'app-0-0');
          if (app?.sync.status !== next) return;
          clearTimeout(timer);
          sub.dispose();
          resolve(performance.now() - t);
        });
        const t = performance.now();
        sim.objects.patchStatus('argoproj.io/v1alpha1', 'Application', 'argocd', 'app-0-0', status);
      });
    },
  },
  {
    name: `apps: list requests per minute while idle (${IDLE_MS / 1000} s scaled, bookmarks every 1 s)`,
    unit: 'lists/min',
    runs: 1,
    better: 'lower',
    async measure() {
      const e = await setup();
      live ??= await startPool(e);
      e.sims.forEach((s) => s.counts.reset());
      await new Promise((r) => setTimeout(r, IDLE_MS));
      const lists = e.sims.reduce((n, s) => n + (s.counts.snapshot().list ?? 0), 0);
      return (lists * 60_000) / IDLE_MS;
    },
  },
  {
    name: `apps: peers' method, kubectl get <kind> -A -o json × ${APP_KINDS.length} kinds × ${CLUSTERS} clusters (parallel)`,
    unit: 'ms',
    runs: 3,
    warmup: 1,
    better: 'lower',
    async measure() {
      const e = await setup();
      const t = performance.now();
      const counts = await Promise.all(e.sims.flatMap((_, i) => APP_KINDS.map((k) => kubectl(e, i, k.kind))));
      const ms = performance.now() - t;
      const total = counts.reduce((a, b) => a + b, 0);
      if (total !== APPS) throw new Error(`kubectl listed ${total} apps`);
      peersMs.push(ms);
      return ms;
    },
  },
  {
    name: "apps: peers' time / ours (one full refresh; ours is a one-time start, then watch-only)",
    unit: 'x',
    runs: 1,
    better: 'higher',
    measure() {
      return med(peersMs) / med(oursMs);
    },
  },
];

export async function teardown(): Promise<void> {
  live?.dispose();
  live = undefined;
  oursMs = [];
  peersMs = [];
  if (!env) return;
  const e = await env;
  env = undefined;
  await Promise.all(e.sims.map((s) => s.stop()));
  fs.rmSync(e.home, { recursive: true, force: true });
}
