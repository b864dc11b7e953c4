/**
 * argocd-cm Lua health scripts (src/infra/lua): what one evaluation costs once the worker runs, the
 * worker's cold start, and how long a runaway script takes to come back as Unknown — a loop (stopped
 * by the instruction budget), an allocation (the memory cap) and a hang inside a library call (the
 * watchdog terminates the worker). Issue 14's target: a runaway script answers within 100 ms.
 * Also the native rules for comparison: one built-in or CRD health check without the VM.
 */
import { performance } from 'node:perf_hooks';
import { liveResourceHealth } from '../src/core/argocd/health/assess';
import { WorkerLuaRunner } from '../src/infra/lua/luaRunner';
import type { BenchCase } from './harness';

const CERTIFICATE = {
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: { name: 'shop-tls', namespace: 'shop', generation: 2, labels: { app: 'shop' } },
  spec: { secretName: 'shop-tls', dnsNames: ['shop.example.test'], issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer' } },
  status: { conditions: [{ type: 'Ready', status: 'False', reason: 'Failed', message: 'The certificate request has failed to complete' }] },
};

/** The shape of Argo CD's own cert-manager check, as a user would put it in argocd-cm. */
const SCRIPT = `local hs = {}
if obj.status ~= nil and obj.status.conditions ~= nil then
  for i, condition in ipairs(obj.status.conditions) do
    if condition.type == "Ready" and condition.status == "False" then hs.status = "Degraded" hs.message = condition.message return hs end
    if condition.type == "Ready" and condition.status == "True" then hs.status = "Healthy" hs.message = condition.message return hs end
  end
end
hs.status = "Progressing"
hs.message = "Waiting for certificate"
return hs`;

let runner: WorkerLuaRunner | undefined;
const warm = (): WorkerLuaRunner => (runner ??= new WorkerLuaRunner());

/** Time until a runaway script comes back as a failure (any bound may stop it first). */
async function timed(script: string, openLibs: boolean): Promise<number> {
  const lua = warm();
  await lua.run('return {}', {}, { openLibs: false });
  const t = performance.now();
  const r = await lua.run(script, CERTIFICATE, { openLibs });
  const ms = performance.now() - t;
  if (r.ok) throw new Error(`a runaway script succeeded: ${JSON.stringify(r)}`);
  return ms;
}

export const cases: BenchCase[] = [
  {
    name: 'lua: one argocd-cm health script, warm worker (ms)',
    unit: 'ms',
    runs: 200,
    warmup: 20,
    better: 'lower',
    async measure() {
      const t = performance.now();
      await warm().run(SCRIPT, CERTIFICATE, { openLibs: false });
      return performance.now() - t;
    },
  },
  {
    name: 'lua: worker cold start to the first answer (ms)',
    unit: 'ms',
    runs: 5,
    better: 'lower',
    async measure() {
      const cold = new WorkerLuaRunner();
      const t = performance.now();
      await cold.run(SCRIPT, CERTIFICATE, { openLibs: false });
      const ms = performance.now() - t;
      cold.dispose();
      return ms;
    },
  },
  { name: 'lua: runaway loop answered as Unknown (ms, target < 100)', unit: 'ms', runs: 10, better: 'lower', measure: () => timed('while true do end', false) },
  {
    name: 'lua: runaway allocation answered as Unknown (ms, target < 100)',
    unit: 'ms',
    runs: 10,
    better: 'lower',
    measure: () => timed('local t = {} local i = 0 while true do i = i + 1 t[i] = { i, tostring(i) } end', false),
  },
  {
    name: 'lua: hang inside a library call answered as Unknown (ms, target < 100)',
    unit: 'ms',
    runs: 5,
    better: 'lower',
    measure: () => timed('return string.rep("a", 200000):find(".-.-.-.-.-.-.-b")', true),
  },
  {
    name: 'health: one native CRD rule (cert-manager), no VM (µs)',
    unit: 'µs',
    runs: 20,
    better: 'lower',
    measure() {
      const t = performance.now();
      for (let i = 0; i < 1000; i++) liveResourceHealth(CERTIFICATE);
      return (performance.now() - t) / 1000 * 1000;
    },
  },
];

export async function teardown(): Promise<void> {
  runner?.dispose();
  runner = undefined;
}
