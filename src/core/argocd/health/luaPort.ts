/**
 * The port through which core runs a cluster's own Lua health scripts (argocd-cm). The adapter
 * (src/infra/lua) runs them in a sandboxed Lua VM with bounded time and memory; core only interprets
 * what the script returned, as Argo CD does (assess.ts).
 */

/** A value the script returned, converted from Lua: tables become arrays (keys 1..n) or objects. */
export type LuaValue = null | boolean | number | string | readonly LuaValue[] | { readonly [key: string]: LuaValue };

export type LuaType = 'nil' | 'boolean' | 'number' | 'string' | 'table' | 'function' | 'userdata' | 'thread';

export type LuaRunResult =
  | { readonly ok: true; readonly type: LuaType; readonly value: LuaValue }
  | {
      readonly ok: false;
      /** script: the script raised an error or did not compile; timeout / memory: it ran out of its budget; unavailable: no VM could run it. */
      readonly reason: 'script' | 'timeout' | 'memory' | 'unavailable';
      readonly error: string;
    };

export interface LuaRunOptions {
  /** Argo CD's `useOpenLibs`: string, math and coroutine are opened as well. */
  readonly openLibs: boolean;
}

export interface LuaHealthRunner {
  /** Runs `script` with the global `obj` set to `live`; never rejects. */
  run(script: string, live: unknown, opts: LuaRunOptions): Promise<LuaRunResult>;
}
