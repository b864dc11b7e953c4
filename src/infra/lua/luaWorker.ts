/**
 * Entry point of the Lua worker thread (`dist/luaWorker.js`, or out/src/infra/lua/luaWorker.js under
 * test): loads the WebAssembly Lua once, says `ready`, then evaluates one job per message. luaRunner.ts
 * owns it and terminates it when a job overruns. Importing starts it, as a worker entry must.
 */
import { parentPort } from 'node:worker_threads';
import type { LuaRunResult } from '../../core/argocd/health/luaPort';
import type { SandboxLimits } from './limits';
import { LuaSandbox } from './luaSandbox';

export interface LuaJob {
  readonly id: number;
  readonly script: string;
  readonly live: unknown;
  readonly openLibs: boolean;
  readonly limits: SandboxLimits;
}

export type LuaWorkerMessage = { readonly ready: true } | { readonly fatal: string } | { readonly id: number; readonly result: LuaRunResult };

const WARM_UP = 'local hs = {} for _, c in ipairs(obj.status.conditions) do if c.type == "Ready" then hs.status = string.upper("x") hs.message = c.message .. #obj.status.conditions end end return hs';

const port = parentPort;
if (port) {
  LuaSandbox.create().then(
    (sandbox) => {
      // WebAssembly functions compile on first call: warm the paths every script takes before saying
      // ready, so that the first real script does not spend its deadline compiling.
      for (let i = 0; i < 3; i++) sandbox.evaluate(WARM_UP, { status: { conditions: [{ type: 'Ready', status: 'True', message: 'ok' }] } }, { openLibs: true });
      port.on('message', (job: LuaJob) => {
        let result: LuaRunResult;
        try {
          result = sandbox.evaluate(job.script, job.live, { openLibs: job.openLibs }, job.limits);
        } catch (e) {
          // The WebAssembly module aborted: answer, then exit so that a fresh worker replaces this one.
          port.postMessage({ id: job.id, result: { ok: false, reason: 'unavailable', error: `the Lua runtime failed: ${e instanceof Error ? e.message : String(e)}` } } satisfies LuaWorkerMessage);
          process.exit(1);
        }
        port.postMessage({ id: job.id, result } satisfies LuaWorkerMessage);
      });
      port.postMessage({ ready: true } satisfies LuaWorkerMessage);
    },
    (e: unknown) => port.postMessage({ fatal: e instanceof Error ? e.message : String(e) } satisfies LuaWorkerMessage),
  );
}
