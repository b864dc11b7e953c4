/**
 * App load against its floor (issue 18). The floor is the least work any client must do to show the
 * same apps: fetch the same lists with one keep-alive TLS agent per cluster and JSON.parse them.
 * Side by side in one process, on the same simulated clusters, alternating runs:
 * - informer pool start → AppStore holding every app, as a ratio to the floor (target ≤ 1.5×) at
 *   2,000 apps over 3 clusters and 10,000 apps over 10 clusters;
 * - heap the pool and AppStore hold once loaded, as a ratio to the parsed lists (target ≤ 1.3×);
 * - TLS handshakes per cluster for the pool's start plus GETs through the cluster access;
 * - 30,000 apps over 10 clusters: load time and heap, then expanding a 1,000-app group in the
 *   Applications tree (getChildren and every child's getTreeItem, through the stubbed `vscode`;
 *   target ≤ 16 ms). App tooltips are built on hover (resolveTreeItem), not on expand: the case
 *   checks a row's tooltip still resolves.
 */
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { Emitter } from '../src/core/lifecycle';
import { gitOpsKind, type GitOpsKindName } from '../src/core/model/app';
import type { Clock, KubeconfigFile, Logger } from '../src/core/ports';
import { AppStore } from '../src/core/store/appStore';
import { InformerPool } from '../src/infra/k8s/informerPool';
import { KubeClusterAccess } from '../src/infra/k8s/clusterAccess';
import { KubeConnections } from '../src/infra/k8s/kubeClient';
import { startSimCluster, type SimCluster } from '../test/sim/k8s/cluster';
import { servingCert } from '../test/sim/k8s/tlsCert';
import type { KubeObject } from '../test/sim/k8s/types';
import { ARGO2_SYNCED_HEALTHY } from '../test/fixtures/gitops/argocd';
import { GIT_REPOSITORY, HR_READY, KS_READY } from '../test/fixtures/gitops/flux';
import type { BenchCase } from './harness';
// Types only: the modules load after the vscode stub is installed (treeExpand).
import type * as TreeModuleNs from '../src/vscode/views/applicationsTree';
import type * as FilterModuleNs from '../src/vscode/views/viewFilter';
import type * as ClusterStoreModuleNs from '../src/core/store/clusterStore';
import { installVscodeStub } from './support/vscodeStub';

const clock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return { dispose: () => clearTimeout(t) };
  },
};
const quiet: Logger = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** The repo holding the CRD fixtures: above this file, or the working directory when compiled elsewhere. */
function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}

let gcFn: (() => void) | undefined;
/** Full collection (twice, so weak and finalized objects go too); `--expose-gc` switched on at run time. */
function gc(): void {
  if (!gcFn) {
    v8.setFlagsFromString('--expose-gc');
    gcFn = vm.runInNewContext('gc') as () => void;
  }
  gcFn();
  gcFn();
}
/**
 * Heap in use once the garbage is gone: closed connections and ended watches (of a client disposed
 * just before) are freed only after their sockets close, so the reading waits until it stops falling.
 */
async function heapUsed(): Promise<number> {
  let last = Infinity;
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 100));
    gc();
    const now = process.memoryUsage().heapUsed;
    if (now > last * 0.995) return Math.min(now, last);
    last = now;
  }
  return last;
}

function named(o: unknown, name: string, project?: string): KubeObject {
  const c = structuredClone(o) as KubeObject;
  delete c.metadata.resourceVersion;
  delete c.metadata.uid;
  delete c.metadata.finalizers;
  c.metadata.name = name;
  if (project !== undefined) (c.spec as Record<string, unknown>).project = project;
  return c;
}

interface Scenario {
  readonly apps: number;
  readonly clusters: number;
  /** Argo CD Applications of cluster c0 in project `big` (a group the tree lists at once). */
  readonly bigGroup: number;
}

/** Apps of cluster `i`: half Argo CD Applications, a quarter each Kustomizations and HelmReleases, and their GitRepository. */
function objectsOf(s: Scenario, i: number): KubeObject[] {
  const n = Math.floor(s.apps / s.clusters) + (i < s.apps % s.clusters ? 1 : 0);
  const out: KubeObject[] = [named(GIT_REPOSITORY(), 'fleet')];
  let argo = 0;
  for (let j = 0; j < n; j++) {
    const m = j % 4;
    if (m < 2) out.push(named(ARGO2_SYNCED_HEALTHY, `app-${i}-${j}`, i === 0 && argo++ < s.bigGroup ? 'big' : undefined));
    else out.push(named(m === 2 ? KS_READY : HR_READY, `app-${i}-${j}`));
  }
  return out;
}

interface Env {
  readonly scenario: Scenario;
  readonly sims: SimCluster[];
  readonly files: KubeconfigFile[];
  readonly names: string[];
  /** Per cluster, the list paths the pool reads (the versions its discovery chose). */
  readonly lists: string[][];
}

async function startEnv(s: Scenario): Promise<Env> {
  const crds = path.join(repoRoot(), 'test', 'fixtures', 'sim', 'crds');
  const sims = await Promise.all(Array.from({ length: s.clusters }, (_, i) => startSimCluster({ seed: [crds], objects: objectsOf(s, i), bookmarkIntervalMs: 60_000 })));
  const files = sims.map((sim, i) => ({ path: `/virtual/c${i}.yaml`, text: sim.kubeconfig(`c${i}`) }));
  const names = sims.map((_, i) => `c${i}`);
  const env = { scenario: s, sims, files, names, lists: [] as string[][] };
  // One load of ours tells which versions discovery chooses: the floor lists exactly those.
  const r = await loadOurs(env);
  for (const c of names) {
    const versions = r.store.status(c).watchedVersions;
    env.lists.push(
      Object.entries(versions).map(([kind, version]) => {
        const k = gitOpsKind(kind as GitOpsKindName)!;
        return `/apis/${k.group}/${version}/${k.plural}`;
      }),
    );
  }
  r.dispose();
  return env;
}

async function stopEnv(e: Env): Promise<void> {
  await Promise.all(e.sims.map((s) => s.stop()));
}

/** The floor: every list with one keep-alive TLS agent per cluster, bodies parsed. */
async function loadFloor(e: Env): Promise<{ ms: number; parsed: unknown[][] }> {
  const ca = servingCert().cert;
  const t = performance.now();
  const parsed = await Promise.all(
    e.sims.map(async (sim, i) => {
      const agent = new https.Agent({ keepAlive: true, ca });
      const base = sim.url.replace('http://', 'https://');
      try {
        return await Promise.all(
          (e.lists[i] ?? []).map(
            (p) =>
              new Promise<unknown>((resolve, reject) => {
                const req = https.get(`${base}${p}`, { agent, headers: { Authorization: `Bearer ${sim.token}`, Accept: 'application/json' } }, (res) => {
                  const chunks: Buffer[] = [];
                  res.on('data', (c: Buffer) => chunks.push(c));
                  res.on('end', () => {
                    try {
                      resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
                    } catch (err) {
                      reject(err as Error);
                    }
                  });
                  res.on('error', reject);
                });
                req.on('error', reject);
              }),
          ),
        );
      } finally {
        agent.destroy();
      }
    }),
  );
  const ms = performance.now() - t;
  const items = parsed.flat().reduce<number>((n, l) => n + ((l as { items?: unknown[] }).items?.length ?? 0), 0);
  if (items !== e.scenario.apps + e.scenario.clusters) throw new Error(`the floor listed ${items} objects`);
  return { ms, parsed };
}

interface Loaded {
  readonly ms: number;
  readonly pool: InformerPool;
  readonly store: AppStore;
  dispose(): void;
}

/**
 * Ours: pool start on every cluster until the AppStore holds every app and every cluster is ready;
 * on `connections` when given (the extension shares them with the cluster access, composition.ts).
 */
async function loadOurs(e: Env, connections?: KubeConnections): Promise<Loaded> {
  const t = performance.now();
  const pool = new InformerPool({ kubeconfig: () => e.files, log: quiet, clock, ...(connections ? { connections } : {}) });
  const store = new AppStore(clock);
  const sub = store.connect(pool);
  const count = (): number => e.names.reduce((n, c) => n + store.status(c).totals.apps, 0);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${count()} apps after 120 s`)), 120_000);
    const check = (): void => {
      if (count() === e.scenario.apps && e.names.every((c) => store.status(c).connection.phase === 'ready')) {
        clearTimeout(timer);
        listener.dispose();
        resolve();
      }
    };
    const listener = store.onDidChange(check);
    for (const c of e.names) pool.start(c);
  });
  const ms = performance.now() - t;
  return {
    ms,
    pool,
    store,
    dispose: () => {
      sub.dispose();
      pool.dispose();
      store.dispose();
    },
  };
}

const med = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)] as number) : NaN;
};

const SMALL: Scenario = { apps: 2_000, clusters: 3, bigGroup: 0 };
const LARGE: Scenario = { apps: 10_000, clusters: 10, bigGroup: 0 };
const HUGE: Scenario = { apps: 30_000, clusters: 10, bigGroup: 1_000 };

const envs = new Map<Scenario, Promise<Env>>();
/** The scenario's clusters; the clusters of other scenarios are stopped first (cases run one size after another). */
async function env(s: Scenario): Promise<Env> {
  for (const other of [...envs.keys()]) if (other !== s) await closeEnv(other);
  let e = envs.get(s);
  if (!e) envs.set(s, (e = startEnv(s)));
  return e;
}
async function closeEnv(s: Scenario): Promise<void> {
  const e = envs.get(s);
  envs.delete(s);
  if (e) await stopEnv(await e);
}

const label = (s: Scenario): string => `${s.apps.toLocaleString('en-US')} apps / ${s.clusters} clusters`;

/** Cases comparing ours with the floor at one size: runs alternate floor and ours, the ratio is per pair. */
function ratioCases(s: Scenario, runs: number): BenchCase[] {
  const floorMs: number[] = [];
  const oursMs: number[] = [];
  return [
    {
      name: `app load ${label(s)}: pool → AppStore / floor (keep-alive TLS agent per cluster + JSON.parse)`,
      unit: 'x',
      runs,
      warmup: 1,
      better: 'lower',
      async measure() {
        const e = await env(s);
        const f = await loadFloor(e);
        const o = await loadOurs(e);
        o.dispose();
        floorMs.push(f.ms);
        oursMs.push(o.ms);
        return o.ms / f.ms;
      },
    },
    { name: `app load ${label(s)}: floor`, unit: 'ms', runs: 1, better: 'lower', measure: () => med(floorMs.slice(1)) },
    { name: `app load ${label(s)}: pool → AppStore`, unit: 'ms', runs: 1, better: 'lower', measure: () => med(oursMs.slice(1)) },
  ];
}

/**
 * TLS handshakes per cluster, as the simulator counts them: the floor's lists, then the pool's start
 * plus 5 GETs through the cluster access on the connections they share (as composition.ts wires
 * them), all of them and those that did not resume a TLS session (a full handshake: key exchange and
 * certificate checks).
 */
function handshakeCases(s: Scenario): BenchCase[] {
  let floor = { handshakes: NaN, resumed: NaN };
  let ours = { handshakes: NaN, resumed: NaN };
  const perCluster = (e: Env): { handshakes: number; resumed: number } => {
    const sum = e.sims.reduce((n, sim) => ({ handshakes: n.handshakes + sim.tls.snapshot().handshakes, resumed: n.resumed + sim.tls.snapshot().resumed }), { handshakes: 0, resumed: 0 });
    return { handshakes: sum.handshakes / e.sims.length, resumed: sum.resumed / e.sims.length };
  };
  return [
    {
      name: `app load ${label(s)}: TLS handshakes per cluster, pool start + 5 GETs through the cluster access`,
      unit: 'handshakes',
      runs: 1,
      better: 'lower',
      async measure() {
        const e = await env(s);
        for (const sim of e.sims) sim.tls.reset();
        await loadFloor(e);
        floor = perCluster(e);
        for (const sim of e.sims) sim.tls.reset();
        const kube = new KubeConnections({ kubeconfig: () => e.files });
        const o = await loadOurs(e, kube);
        const access = new KubeClusterAccess({ kubeconfig: () => e.files, connections: kube });
        for (const c of e.names) {
          for (let i = 0; i < 5; i++) await access.get(c, { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', namespace: 'argocd', name: `app-${c.slice(1)}-${i * 4}` });
        }
        ours = perCluster(e);
        access.dispose();
        o.dispose();
        kube.dispose();
        return ours.handshakes;
      },
    },
    { name: `app load ${label(s)}: TLS handshakes per cluster, pool + GETs, full (not resumed)`, unit: 'handshakes', runs: 1, better: 'lower', measure: () => ours.handshakes - ours.resumed },
    { name: `app load ${label(s)}: TLS handshakes per cluster, floor`, unit: 'handshakes', runs: 1, better: 'lower', measure: () => floor.handshakes },
    { name: `app load ${label(s)}: TLS handshakes per cluster, floor, full (not resumed)`, unit: 'handshakes', runs: 1, better: 'lower', measure: () => floor.handshakes - floor.resumed },
  ];
}

let heapFloor = NaN;
let heapOurs = NaN;
let hugeLoaded: Loaded | undefined;
let hugeFloorMs = NaN;

export const cases: BenchCase[] = [
  ...ratioCases(SMALL, 5),
  {
    name: `app load ${label(SMALL)}: heap held by pool + AppStore / parsed lists`,
    unit: 'x',
    runs: 1,
    better: 'lower',
    async measure() {
      const e = await env(SMALL);
      let before = await heapUsed();
      const f = await loadFloor(e);
      heapFloor = (await heapUsed()) - before;
      if (f.parsed.length !== e.sims.length) throw new Error('lost the lists');
      f.parsed.length = 0;
      before = await heapUsed();
      const o = await loadOurs(e);
      heapOurs = (await heapUsed()) - before;
      o.dispose();
      return heapOurs / heapFloor;
    },
  },
  { name: `app load ${label(SMALL)}: parsed lists, per app`, unit: 'KB', runs: 1, better: 'lower', measure: () => heapFloor / SMALL.apps / 1000 },
  { name: `app load ${label(SMALL)}: pool + AppStore, per app`, unit: 'KB', runs: 1, better: 'lower', measure: () => heapOurs / SMALL.apps / 1000 },
  ...handshakeCases(SMALL),
  ...ratioCases(LARGE, 3),
  {
    name: `app load ${label(HUGE)}: pool → AppStore`,
    unit: 'ms',
    runs: 1,
    better: 'lower',
    async measure() {
      const e = await env(HUGE);
      hugeFloorMs = (await loadFloor(e)).ms;
      const before = await heapUsed();
      hugeLoaded = await loadOurs(e);
      heapOurs = (await heapUsed()) - before;
      return hugeLoaded.ms;
    },
  },
  { name: `app load ${label(HUGE)}: floor (one run)`, unit: 'ms', runs: 1, better: 'lower', measure: () => hugeFloorMs },
  { name: `app load ${label(HUGE)}: pool → AppStore / floor (one run)`, unit: 'x', runs: 1, better: 'lower', measure: () => (hugeLoaded?.ms ?? NaN) / hugeFloorMs },
  { name: `app load ${label(HUGE)}: heap held by pool + AppStore`, unit: 'MB', runs: 1, better: 'lower', measure: () => heapOurs / 1e6 },
  {
    name: `app load ${label(HUGE)}: tree expand of a 1,000-app group (getChildren + getTreeItem each)`,
    unit: 'ms',
    runs: 20,
    warmup: 2,
    better: 'lower',
    measure() {
      const loaded = hugeLoaded;
      if (!loaded) throw new Error('the 30,000 apps are not loaded');
      return treeExpand(loaded.store);
    },
  },
];

type TreeModule = typeof TreeModuleNs;
type FilterModule = typeof FilterModuleNs;
type ClusterStoreModule = typeof ClusterStoreModuleNs;
let tree: { provider: InstanceType<TreeModule['ApplicationsTreeProvider']>; store: AppStore } | undefined;

/** Expands the `big` group of cluster c0 as VS Code does: its children, then a TreeItem for each. */
function treeExpand(store: AppStore): number {
  if (tree?.store !== store) {
    installVscodeStub();
    /* eslint-disable @typescript-eslint/no-require-imports -- after the vscode stub is installed */
    const { ApplicationsTreeProvider } = require('../src/vscode/views/applicationsTree') as TreeModule;
    const { ViewFilter } = require('../src/vscode/views/viewFilter') as FilterModule;
    const { ClusterStore } = require('../src/core/store/clusterStore') as ClusterStoreModule;
    /* eslint-enable @typescript-eslint/no-require-imports */
    const source = { read: () => Promise.resolve([] as KubeconfigFile[]), onDidChange: new Emitter<void>().event };
    const clusters = new ClusterStore(source, { kubeconfigPaths: [], disabledContexts: [] }, quiet);
    tree = { provider: new ApplicationsTreeProvider(clusters, store, new ViewFilter(), clock, repoRoot()), store };
  }
  const provider = tree.provider;
  const group = { type: 'group', id: 'cluster/c0/argocd/big', name: 'big', cluster: 'c0', tool: 'argocd' } as const;
  const t = performance.now();
  const children = provider.getChildren(group);
  for (const c of children) provider.getTreeItem(c);
  const ms = performance.now() - t;
  if (children.length !== HUGE.bigGroup) throw new Error(`the group lists ${children.length} apps`);
  // What a hover shows: the row's tooltip, resolved as VS Code asks for it.
  const first = children[0]!;
  const tip = provider.resolveTreeItem(provider.getTreeItem(first), first).tooltip;
  if (typeof tip !== 'object' || !tip.value.includes('- Sync: **')) throw new Error(`no tooltip on ${first.name}`);
  return ms;
}

export async function teardown(): Promise<void> {
  tree?.provider.dispose();
  tree = undefined;
  hugeLoaded?.dispose();
  hugeLoaded = undefined;
  for (const s of [...envs.keys()]) await closeEnv(s);
}
