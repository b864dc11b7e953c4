import * as assert from 'node:assert/strict';
import { AbortError } from '../../../../src/infra/render/process';
import { RenderCache } from '../../../../src/infra/render/renderCache';

/** A run that resolves when told to, and records whether its signal was aborted. */
function controllable<T>() {
  let resolve!: (v: T) => void;
  const runs: AbortSignal[] = [];
  const start = (signal: AbortSignal) => {
    runs.push(signal);
    return new Promise<T>((res, rej) => {
      resolve = res;
      signal.addEventListener('abort', () => rej(new AbortError()), { once: true });
    });
  };
  return { start, runs, finish: (v: T) => resolve(v) };
}

describe('infra/render RenderCache (kustomize and helm)', () => {
  it("one waiter's abort never cancels the run another waits for (helm's first caller used to abort it)", async () => {
    const cache = new RenderCache<{ ok: boolean }>(4, (r) => r.ok);
    const run = controllable<{ ok: boolean }>();
    const first = new AbortController();
    const a = cache.run('k', run.start, first.signal);
    const b = cache.run('k', run.start, new AbortController().signal);
    assert.equal(run.runs.length, 1, 'the same render runs once');
    first.abort();
    await assert.rejects(a, AbortError);
    assert.equal(run.runs[0]?.aborted, false, 'still running for the second waiter');
    run.finish({ ok: true });
    assert.deepEqual(await b, { ok: true });
  });

  it('kills the run when every waiter gave up, and a later request starts anew', async () => {
    const cache = new RenderCache<{ ok: boolean }>(4, (r) => r.ok);
    const run = controllable<{ ok: boolean }>();
    const one = new AbortController();
    const a = cache.run('k', run.start, one.signal);
    one.abort();
    await assert.rejects(a, AbortError);
    assert.equal(run.runs[0]?.aborted, true);
    const again = cache.run('k', run.start);
    assert.equal(run.runs.length, 2);
    run.finish({ ok: true });
    assert.deepEqual(await again, { ok: true });
  });

  it('keeps successes (no second run) but not failures, which are tried again', async () => {
    const cache = new RenderCache<{ ok: boolean }>(4, (r) => r.ok);
    let runs = 0;
    let answer = { ok: false };
    const start = async () => {
      runs++;
      return answer;
    };
    assert.deepEqual(await cache.run('k', start), { ok: false });
    answer = { ok: true };
    assert.deepEqual(await cache.run('k', start), { ok: true });
    assert.deepEqual(await cache.run('k', start), { ok: true });
    assert.equal(runs, 2);
  });

  it('evicts the oldest entry past its size', async () => {
    const cache = new RenderCache<string>(2, () => true);
    let runs = 0;
    const start = (v: string) => async () => {
      runs++;
      return v;
    };
    await cache.run('a', start('a'));
    await cache.run('b', start('b'));
    await cache.run('a', start('a')); // refreshed: b is now the oldest
    await cache.run('c', start('c'));
    assert.equal(runs, 3);
    await cache.run('a', start('a'));
    assert.equal(runs, 3, 'a was kept');
    await cache.run('b', start('b'));
    assert.equal(runs, 4, 'b was evicted');
  });
});
