/**
 * The Lua VM behind argocd-cm health scripts (src/infra/lua): the real WebAssembly Lua in a real worker
 * thread. What a script may reach (Argo CD's sandbox: no io, no full os, no debug), that a script which
 * loops, allocates or hangs in a library call gets an answer and never blocks the caller, and that the
 * runner keeps working afterwards. How fast those answers come is measured in bench/lua.bench.ts.
 */
import * as assert from 'node:assert/strict';
import { assessHealth } from '../../../../../src/core/argocd/health/assess';
import { parseHealthCustomizations } from '../../../../../src/core/argocd/health/customizations';
import { WorkerLuaRunner } from '../../../../../src/infra/lua/luaRunner';

const WIDGET = {
  apiVersion: 'widgets.example.test/v1',
  kind: 'Widget',
  metadata: { name: 'blue', namespace: 'shop', generation: 3, labels: { tier: 'web' } },
  spec: { size: 2.5, colors: ['blue', 'green'] },
  status: { phase: 'Melting', observedGeneration: 3, conditions: [{ type: 'Ready', status: 'False', message: 'too hot' }] },
};

describe('infra/lua WorkerLuaRunner', function () {
  this.timeout(30_000);
  let lua: WorkerLuaRunner;
  const run = (script: string, openLibs = false, live: unknown = WIDGET) => lua.run(script, live, { openLibs });
  const value = async (script: string, openLibs = false): Promise<unknown> => {
    const r = await run(script, openLibs);
    assert.ok(r.ok, `script failed: ${JSON.stringify(r)}`);
    return r.value;
  };

  // A generous deadline: these tests check what the VM does, not how fast a loaded machine runs it
  // (the watchdog has its own test below, and bench/lua.bench.ts measures the times).
  before(() => {
    lua = new WorkerLuaRunner({ deadlineMs: 5000 });
  });
  after(() => lua.dispose());

  it('hands the object to the script as the global obj, JSON types as Lua types', async () => {
    assert.deepEqual(
      await value(`
        local c = obj.status.conditions[1]
        return { status = "Degraded", message = c.message .. " (gen " .. obj.metadata.generation .. ", " .. #obj.spec.colors .. " colors, size " .. obj.spec.size .. ")" }`),
      { status: 'Degraded', message: 'too hot (gen 3, 2 colors, size 2.5)' },
    );
    assert.deepEqual(await value('return { a = obj.metadata.missing == nil, b = obj.spec.colors[2], c = type(obj.status.observedGeneration) }'), { a: true, b: 'green', c: 'number' });
    assert.deepEqual(await value('return {}'), []);
    assert.deepEqual(await value('return { "x", "y" }'), ['x', 'y']);
    const nilResult = await run('return nil');
    assert.deepEqual(nilResult, { ok: true, type: 'nil', value: null });
  });

  it('offers what Argo CD offers by default: base, table, os.time/os.date, require("os"); not string or math', async () => {
    assert.deepEqual(await value('return { os = type(os.time()), date = type(os.date("!%Y")), req = type(require("os").time), getn = table.getn({1, 2, 3}), unpack = select("#", unpack({1, 2})) }'), {
      os: 'number',
      date: 'string',
      req: 'function',
      getn: 3,
      unpack: 2,
    });
    assert.deepEqual(await value('return { string = type(string), math = type(math), coroutine = type(coroutine) }'), { string: 'nil', math: 'nil', coroutine: 'nil' });
    const noString = await run('return { status = ("x"):upper() }');
    assert.equal(noString.ok, false);
  });

  it('with useOpenLibs adds string, math and coroutine, never io, the full os, debug or file loading', async () => {
    assert.deepEqual(
      await value('return { up = string.upper("ok"), floor = math.floor(2.7), pow = math.pow(2, 3), co = type(coroutine.create), io = type(io), debug = type(debug), exec = type(os.execute), getenv = type(os.getenv), remove = type(os.remove), dofile = type(dofile), loadfile = type(loadfile), dump = type(string.dump) }', true),
      { up: 'OK', floor: 2, pow: 8, co: 'function', io: 'nil', debug: 'nil', exec: 'nil', getenv: 'nil', remove: 'nil', dofile: 'nil', loadfile: 'nil', dump: 'nil' },
    );
    const requireIo = await run('return require("io")', true);
    assert.equal(requireIo.ok, false);
    assert.match(!requireIo.ok ? requireIo.error : '', /module 'io' not found/);
    // Binary chunks are refused (the `load` of the sandbox is text-only).
    assert.deepEqual(await value('local f, err = load("\\27Lua\\84\\0") return { f = type(f), err = err ~= nil }', true), { f: 'nil', err: true });
  });

  it('reports a script error and a syntax error as such', async () => {
    const err = await run('return obj.nope.deeper');
    assert.equal(err.ok, false);
    assert.equal(!err.ok && err.reason, 'script');
    assert.match(!err.ok ? err.error : '', /attempt to index a nil value/);
    const syntax = await run('if then');
    assert.equal(!syntax.ok && syntax.reason, 'script');
  });

  it('stops a script that loops forever, and one that allocates forever, with Unknown and a message', async () => {
    const loop = await run('while true do end');
    assert.deepEqual(loop, { ok: false, reason: 'timeout', error: 'the health script exceeded its budget of 2,000,000 Lua instructions (does it loop forever?)' });
    // The budget counts instructions wherever they run, and catching its error does not escape it.
    const inCoroutine = await run('local co = coroutine.create(function() while true do end end) coroutine.resume(co) return {}', true);
    assert.equal(!inCoroutine.ok && inCoroutine.reason, 'timeout');
    const caught = await run('while true do pcall(function() while true do end end) end');
    assert.equal(!caught.ok && caught.reason, 'timeout');
    const grow = await run('local t = {} local s = "x" while true do s = s .. s t[#t + 1] = s end', true);
    assert.equal(grow.ok, false);
    assert.equal(!grow.ok && grow.reason, 'memory');
    const huge = await run('return { status = string.rep("x", 2^30) }', true);
    assert.equal(!huge.ok && huge.reason, 'memory');
    // Lua runs finalizers with hooks off: a looping __gc is refused rather than run.
    const gc = await run('setmetatable({}, { __gc = function() while true do end end }) return { status = "Healthy" }');
    assert.match(!gc.ok ? gc.error : '', /__gc metamethods are not available/);
    // The VM is fine afterwards.
    assert.deepEqual(await value('return { status = "Healthy" }'), { status: 'Healthy' });
  });

  it('terminates a worker stuck inside a library call and answers the next script from a fresh one', async () => {
    const watched = new WorkerLuaRunner({ deadlineMs: 300 });
    try {
      assert.deepEqual(await watched.run('return { status = "Healthy" }', {}, { openLibs: false }), { ok: true, type: 'table', value: { status: 'Healthy' } });
      assert.equal(watched.starts, 1);
      // A pattern match that backtracks for minutes inside one C call: no instruction hook runs there.
      const stuck = await watched.run('return string.rep("a", 200000):find(".-.-.-.-.-.-.-b")', {}, { openLibs: true });
      assert.deepEqual(stuck, { ok: false, reason: 'timeout', error: 'the health script did not finish within 300 ms and was stopped' });
      assert.deepEqual(await watched.run('return { status = "Degraded" }', {}, { openLibs: false }), { ok: true, type: 'table', value: { status: 'Degraded' } });
      assert.equal(watched.starts, 2, 'a new worker replaced the stuck one');
    } finally {
      watched.dispose();
    }
  });

  it('answers every queued script in turn, and a health assessment end to end', async () => {
    const results = await Promise.all(['Healthy', 'Degraded', 'Suspended'].map((s) => run(`return { status = "${s}" }`)));
    assert.deepEqual(
      results.map((r) => r.ok && (r.value as { status: string }).status),
      ['Healthy', 'Degraded', 'Suspended'],
    );
    const c = parseHealthCustomizations({
      data: { 'resource.customizations.health.widgets.example.test_Widget': 'hs = {}\nif obj.status.phase == "Melting" then hs.status = "Degraded" hs.message = "widget " .. obj.metadata.name .. " is melting" return hs end\nhs.status = "Healthy"\nreturn hs' },
    });
    assert.deepEqual((await assessHealth(WIDGET, { customizations: c, lua })).health, { status: 'Degraded', message: 'widget blue is melting' });
  });

  it('refuses oversized objects and answers pending scripts when disposed', async () => {
    const small = new WorkerLuaRunner({ maxInputBytes: 100 });
    const big = await small.run('return {}', WIDGET, { openLibs: false });
    assert.equal(!big.ok && big.reason, 'memory');
    const pending = small.run('while true do end', {}, { openLibs: false });
    small.dispose();
    assert.equal((await pending).ok, false);
    assert.equal((await small.run('return {}', {}, { openLibs: false })).ok, false);
  });
});
