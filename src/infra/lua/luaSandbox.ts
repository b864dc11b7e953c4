/**
 * Runs one argocd-cm health script in Lua 5.4 (wasmoon: the reference C implementation compiled to
 * WebAssembly), with the library subset Argo CD's gopher-lua sandbox gives (argo-cd `util/lua/lua.go`
 * `runLuaWithResourceActionParameters`, `oslib_safe.go`):
 *
 * - always: the base library (without dofile/loadfile, print silenced, `load` text-only), table, an `os`
 *   with only `time` and `date`, and `require` for the loaded modules;
 * - with `useOpenLibs`: string, math and coroutine as well — never io, the full os or debug;
 * - Lua 5.1 names gopher-lua scripts use: `table.getn`, `unpack`, `loadstring`, `math.pow`, `math.mod`.
 *
 * Every evaluation gets a fresh Lua state with a memory cap enforced by the allocator (an allocation
 * past it fails with "not enough memory", even inside a library call) and an instruction-count hook
 * that stops the script at its instruction budget. A library call that never returns (a pathological pattern
 * match) is not interruptible from inside: luaRunner.ts runs this in a worker it terminates.
 *
 * Differences from gopher-lua that remain: Lua 5.4 prints an integral float as `3.0` (JSON integers are
 * passed as Lua integers, so `obj` fields print as gopher prints them), and string patterns are Lua
 * 5.4's.
 */
import { LuaFactory, LuaGlobal, LuaLibraries, LuaReturn } from 'wasmoon';
import type { LuaRunResult, LuaType, LuaValue } from '../../core/argocd/health/luaPort';
import { DEFAULT_LIMITS, type SandboxLimits } from './limits';

type LuaWasm = Awaited<ReturnType<LuaFactory['getLuaModule']>>;

/** Checked every this many VM instructions. */
const HOOK_EVERY = 1000;
const LUA_MASKCOUNT = 8;
const MAX_DEPTH = 32;
const MAX_RESULT_ENTRIES = 1000;

const TYPES: readonly LuaType[] = ['nil', 'boolean', 'userdata', 'number', 'string', 'table', 'function', 'userdata', 'thread'];

/** Run before the script, with every opened library in reach; it then takes away what the sandbox must not offer. */
const PRELUDE = `
local _load, _os, _setmetatable, _rawget, _type = load, os, setmetatable, rawget, type
-- Lua runs finalizers with hooks off, so a looping __gc would escape the budget (gopher-lua has none).
setmetatable = function(t, mt)
  if _type(mt) == "table" and _rawget(mt, "__gc") ~= nil then error("__gc metamethods are not available to health scripts", 2) end
  return _setmetatable(t, mt)
end
load = function(chunk, name, mode, env) return _load(chunk, name, "t", env) end
loadstring = function(s, name) return _load(s, name, "t") end
dofile, loadfile = nil, nil
print = function() end
unpack = table.unpack
table.getn = function(t) return #t end
if string ~= nil then string.dump = nil end
if math ~= nil then
  math.pow = function(a, b) return a ^ b end
  math.mod = math.fmod
end
os = { time = _os.time, date = _os.date }
local loaded = { os = os, table = table, string = string, math = math, coroutine = coroutine, _G = _G }
package = { loaded = loaded }
require = function(name)
  local m = loaded[name]
  if m == nil then error("module '" .. tostring(name) .. "' not found", 2) end
  return m
end
`;

export class LuaSandbox {
  /** Hook calls left before the script is stopped. */
  private remaining = 0;
  private budget = 0;
  private timedOut = false;
  private readonly hook: number;

  private constructor(private readonly lua: LuaWasm) {
    this.hook = lua.module.addFunction((L: number) => {
      if (--this.remaining > 0) return;
      this.timedOut = true;
      // From now on every instruction of this thread fails, so a script cannot catch the error with
      // pcall (or coroutine.resume) and go on: the next instruction outside the catch fails again.
      lua.lua_sethook(L, this.hook, LUA_MASKCOUNT, 1);
      lua.lua_pushstring(L, 'script exceeded its instruction budget');
      lua.lua_error(L);
    }, 'vii');
  }

  /** Loads the WebAssembly module (`wasmPath`: glue.wasm of the wasmoon package). */
  static async create(wasmPath?: string): Promise<LuaSandbox> {
    const factory = new LuaFactory(wasmPath);
    return new LuaSandbox(await factory.getLuaModule());
  }

  evaluate(script: string, live: unknown, opts: { readonly openLibs: boolean }, limits: SandboxLimits = DEFAULT_LIMITS): LuaRunResult {
    const lua = this.lua;
    const global = new LuaGlobal(lua, true);
    try {
      const L = global.address;
      const libs = [LuaLibraries.Base, LuaLibraries.Table, LuaLibraries.OS, ...(opts.openLibs ? [LuaLibraries.String, LuaLibraries.Math, LuaLibraries.Coroutine] : [])];
      for (const lib of libs) global.loadLibrary(lib);
      const prelude = this.call(L, PRELUDE, '=prelude', 0, limits.instructions);
      if (prelude !== undefined) return prelude;
      // Outside a protected call an allocation failure would abort the module, so `obj` is pushed
      // before the cap is set (its size is bounded by the caller); the script gets the cap on top.
      this.push(L, live, 0);
      lua.lua_setglobal(L, 'obj');
      global.setMemoryMax(global.getMemoryUsed() + limits.memoryBytes);
      const failed = this.call(L, script, '=health.lua', 1, limits.instructions);
      if (failed !== undefined) return failed;
      const type = TYPES[lua.lua_type(L, -1)] ?? 'userdata';
      return { ok: true, type, value: this.read(L, -1, 0, { entries: 0 }) };
    } finally {
      global.close();
    }
  }

  /** Loads and calls a chunk (text only); undefined when it succeeded, leaving `results` values on the stack. */
  private call(L: number, source: string, name: string, results: number, instructions: number): LuaRunResult | undefined {
    const lua = this.lua;
    const bytes = Buffer.byteLength(source);
    const loaded = lua.luaL_loadbufferx(L, source, bytes, name, 't');
    if (loaded !== LuaReturn.Ok) return this.failure(L, loaded);
    this.timedOut = false;
    this.budget = instructions;
    this.remaining = Math.max(1, Math.ceil(instructions / HOOK_EVERY));
    lua.lua_sethook(L, this.hook, LUA_MASKCOUNT, HOOK_EVERY);
    const status = lua.lua_pcallk(L, 0, results, 0, 0, null);
    lua.lua_sethook(L, null, 0, 0);
    // A budget exhausted inside a coroutine or a pcall fails the whole script, even if it went on.
    return status === LuaReturn.Ok && !this.timedOut ? undefined : this.failure(L, status);
  }

  private failure(L: number, status: LuaReturn): LuaRunResult {
    if (this.timedOut) return { ok: false, reason: 'timeout', error: `the health script exceeded its budget of ${this.budget.toLocaleString('en-US')} Lua instructions (does it loop forever?)` };
    if (status === LuaReturn.ErrorMem) return { ok: false, reason: 'memory', error: 'the health script ran out of memory' };
    const lua = this.lua;
    const message = lua.lua_type(L, -1) === 4 ? lua.lua_tolstring(L, -1, null) : `error object is a ${TYPES[lua.lua_type(L, -1)] ?? 'value'}`;
    return { ok: false, reason: 'script', error: message };
  }

  /** Pushes a JSON value as Lua does in Argo CD (`decodeValue`): arrays 1-based, null as nil. */
  private push(L: number, v: unknown, depth: number): void {
    const lua = this.lua;
    if (v === null || v === undefined || depth > MAX_DEPTH) lua.lua_pushnil(L);
    else if (typeof v === 'boolean') lua.lua_pushboolean(L, v ? 1 : 0);
    else if (typeof v === 'number') {
      if (Number.isSafeInteger(v)) (lua.lua_pushinteger as unknown as (l: number, n: bigint) => void)(L, BigInt(v));
      else lua.lua_pushnumber(L, v);
    } else if (typeof v === 'string') lua.lua_pushstring(L, v);
    else if (Array.isArray(v)) {
      lua.lua_createtable(L, v.length, 0);
      v.forEach((x, i) => {
        this.push(L, x, depth + 1);
        (lua.lua_rawseti as unknown as (l: number, idx: number, n: bigint) => void)(L, -2, BigInt(i + 1));
      });
    } else if (typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      lua.lua_createtable(L, 0, entries.length);
      for (const [k, x] of entries) {
        this.push(L, x, depth + 1);
        lua.lua_setfield(L, -2, k);
      }
    } else lua.lua_pushnil(L);
  }

  /** Reads the value at `idx` back as JSON: a table with keys 1..n is an array (an empty one too, as gopher-json encodes it). */
  private read(L: number, idx: number, depth: number, budget: { entries: number }): LuaValue {
    const lua = this.lua;
    const type = lua.lua_type(L, idx);
    switch (type) {
      case 1:
        return lua.lua_toboolean(L, idx) !== 0;
      case 3:
        return lua.lua_tonumberx(L, idx, null);
      case 4:
        return lua.lua_tolstring(L, idx, null);
      case 5: {
        if (depth >= MAX_DEPTH) return null;
        const t = lua.lua_absindex(L, idx);
        const map: Record<string, LuaValue> = {};
        const list: LuaValue[] = [];
        let arrayLike = true;
        lua.lua_pushnil(L);
        while (lua.lua_next(L, t) !== 0) {
          if (++budget.entries > MAX_RESULT_ENTRIES) {
            lua.lua_settop(L, t);
            break;
          }
          const keyType = lua.lua_type(L, -2);
          // Copy the key before converting it: lua_tolstring on a number key would break lua_next.
          lua.lua_pushvalue(L, -2);
          const key = keyType === 3 ? String(lua.lua_tonumberx(L, -1, null)) : keyType === 4 ? lua.lua_tolstring(L, -1, null) : undefined;
          lua.lua_settop(L, -2);
          const value = this.read(L, -1, depth + 1, budget);
          lua.lua_settop(L, -2);
          if (key === undefined) continue;
          map[key] = value;
          if (keyType !== 3) arrayLike = false;
        }
        if (arrayLike) {
          const n = Object.keys(map).length;
          for (let i = 1; i <= n; i++) {
            if (!(String(i) in map)) return map;
            list.push(map[String(i)]!);
          }
          return list;
        }
        return map;
      }
      default:
        return null;
    }
  }
}
