/**
 * Throughput of the Kubernetes simulator, the ground every other bench stands on: listing 5,000
 * objects (one request, paged, and with the real kubectl), and 1,000 updates delivered to a watch.
 * If these are slow, a product bench through the simulator measures the simulator, not the product.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { startSimCluster, type SimCluster } from '../test/sim/k8s/cluster';
import type { KubeObject } from '../test/sim/k8s/types';
import type { BenchCase } from './harness';

const OBJECTS = 5_000;
const UPDATES = 1_000;
let sim: Promise<SimCluster> | undefined;
let home: string | undefined;

function cluster(): Promise<SimCluster> {
  sim ??= startSimCluster({
    objects: [
      ...Array.from({ length: 10 }, (_, i): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `team-${i}` } })),
      ...Array.from({ length: OBJECTS }, (_, i): KubeObject => ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `config-${i}`, namespace: `team-${i % 10}`, labels: { app: `app-${i % 50}` } },
        data: { 'settings.yaml': `replicas: ${i % 7}\nimage: registry.example.com/app-${i % 50}:1.${i % 30}.0\n`, index: String(i) },
      })),
    ],
  });
  return sim;
}

async function get(c: SimCluster, pathAndQuery: string): Promise<{ items: unknown[]; metadata: { continue?: string; resourceVersion: string } }> {
  const res = await fetch(`${c.url}${pathAndQuery}`, { headers: { authorization: `Bearer ${c.token}` } });
  if (!res.ok) throw new Error(`${pathAndQuery}: HTTP ${res.status}`);
  return (await res.json()) as { items: unknown[]; metadata: { continue?: string; resourceVersion: string } };
}

export const cases: BenchCase[] = [
  {
    name: `sim: list ${OBJECTS} ConfigMaps, one request`,
    unit: 'ms',
    runs: 10,
    warmup: 1,
    better: 'lower',
    async measure() {
      const c = await cluster();
      const t = performance.now();
      const list = await get(c, '/api/v1/configmaps');
      if (list.items.length !== OBJECTS) throw new Error(`listed ${list.items.length}`);
      return performance.now() - t;
    },
  },
  {
    name: `sim: list ${OBJECTS} ConfigMaps, pages of 500`,
    unit: 'ms',
    runs: 10,
    warmup: 1,
    better: 'lower',
    async measure() {
      const c = await cluster();
      const t = performance.now();
      let n = 0;
      let token: string | undefined;
      do {
        const page = await get(c, `/api/v1/configmaps?limit=500${token ? `&continue=${encodeURIComponent(token)}` : ''}`);
        n += page.items.length;
        token = page.metadata.continue || undefined;
      } while (token);
      if (n !== OBJECTS) throw new Error(`listed ${n}`);
      return performance.now() - t;
    },
  },
  {
    name: `sim: kubectl get configmaps -A (${OBJECTS}, real kubectl)`,
    unit: 'ms',
    runs: 5,
    warmup: 1,
    better: 'lower',
    async measure() {
      const c = await cluster();
      home ??= fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-bench-kube-'));
      const kubeconfig = path.join(home, 'config');
      if (!fs.existsSync(kubeconfig)) fs.writeFileSync(kubeconfig, c.kubeconfig('bench'));
      const t = performance.now();
      // Asynchronously: the simulator answering kubectl runs in this process.
      const r = await promisify(execFile)('kubectl', ['get', 'configmaps', '-A', '--no-headers'], { env: { ...process.env, HOME: home, KUBECONFIG: kubeconfig }, maxBuffer: 64 * 1024 * 1024 });
      const ms = performance.now() - t;
      const rows = r.stdout.trim().split('\n').length;
      if (rows !== OBJECTS) throw new Error(`kubectl listed ${rows}`);
      return ms;
    },
  },
  {
    name: `sim: ${UPDATES} updates delivered to a watch`,
    unit: 'ms',
    runs: 5,
    warmup: 1,
    better: 'lower',
    async measure() {
      const c = await cluster();
      const rv = (await get(c, '/api/v1/namespaces/team-0/configmaps?limit=1')).metadata.resourceVersion;
      const controller = new AbortController();
      const res = await fetch(`${c.url}/api/v1/configmaps?watch=1&resourceVersion=${rv}`, { headers: { authorization: `Bearer ${c.token}` }, signal: controller.signal });
      if (!res.ok || !res.body) throw new Error(`watch: HTTP ${res.status}`);
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let received = 0;
      let buffer = '';
      const done = (async () => {
        while (received < UPDATES) {
          const { value, done: eof } = await reader.read();
          if (eof) throw new Error(`watch ended after ${received} events`);
          buffer += decoder.decode(value, { stream: true });
          let nl: number;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, nl);
            buffer = buffer.slice(nl + 1);
            if (line.includes('"MODIFIED"')) received++;
          }
        }
      })();
      const t = performance.now();
      for (let i = 0; i < UPDATES; i++) {
        const name = `config-${i * 5}`;
        const ns = `team-${(i * 5) % 10}`;
        const live = c.objects.get('v1', 'ConfigMap', ns, name)!;
        c.objects.put({ ...live, data: { ...(live.data as Record<string, string>), index: `${i}-${t}` } });
      }
      await done;
      const ms = performance.now() - t;
      controller.abort();
      return ms;
    },
  },
];

export async function teardown(): Promise<void> {
  if (sim) await (await sim).stop();
  if (home) fs.rmSync(home, { recursive: true, force: true });
}
