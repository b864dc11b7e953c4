import * as assert from 'node:assert/strict';
import { DisposableStore, Emitter, toDisposable } from '../../../src/core/lifecycle';

describe('core/lifecycle', () => {
  it('Emitter delivers to every listener with its thisArgs and stops after dispose of the subscription', () => {
    const e = new Emitter<number>();
    const seen: string[] = [];
    const owner = { tag: 'owner' };
    const sub = e.event(function (this: { tag: string }, n) {
      seen.push(`${this.tag}:${n}`);
    }, owner);
    e.event((n) => seen.push(`plain:${n}`));
    e.fire(1);
    sub.dispose();
    e.fire(2);
    assert.deepEqual(seen, ['owner:1', 'plain:1', 'plain:2']);
    assert.equal(e.listenerCount, 1);
  });

  it('Emitter lets a listener unsubscribe itself while firing without skipping the next one', () => {
    const e = new Emitter<void>();
    const calls: string[] = [];
    const a = e.event(() => {
      calls.push('a');
      a.dispose();
    });
    e.event(() => calls.push('b'));
    e.fire();
    e.fire();
    assert.deepEqual(calls, ['a', 'b', 'b']);
  });

  it('Emitter routes a throwing listener to onListenerError and still calls the others', () => {
    const e = new Emitter<void>();
    const errors: unknown[] = [];
    e.onListenerError = (err) => errors.push(err);
    let reached = false;
    e.event(() => {
      throw new Error('boom');
    });
    e.event(() => (reached = true));
    e.fire();
    assert.equal(reached, true);
    assert.equal((errors[0] as Error).message, 'boom');
  });

  it('subscriptions land in the given DisposableStore or array (subscribe where you create)', () => {
    const e = new Emitter<void>();
    const store = new DisposableStore();
    const arr: { dispose(): void }[] = [];
    e.event(() => undefined, undefined, store);
    e.event(() => undefined, undefined, arr);
    assert.equal(e.listenerCount, 2);
    store.dispose();
    assert.equal(e.listenerCount, 1);
    arr.forEach((d) => d.dispose());
    assert.equal(e.listenerCount, 0);
  });

  it('DisposableStore disposes newest first, once, continues past failures and reports them', () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => order.push('first')));
    store.add(
      toDisposable(() => {
        order.push('failing');
        throw new Error('dispose failed');
      }),
    );
    store.add(toDisposable(() => order.push('last')));
    assert.throws(() => store.dispose(), /dispose failed/);
    assert.deepEqual(order, ['last', 'failing', 'first']);
    store.dispose();
    assert.deepEqual(order, ['last', 'failing', 'first']);
  });

  it('DisposableStore disposes at once what is added after it was disposed', () => {
    const store = new DisposableStore();
    store.dispose();
    let disposed = false;
    store.add(toDisposable(() => (disposed = true)));
    assert.equal(disposed, true);
  });

  it('a disposed Emitter ignores fire and new listeners', () => {
    const e = new Emitter<number>();
    const seen: number[] = [];
    e.event((n) => seen.push(n));
    e.dispose();
    e.fire(1);
    e.event((n) => seen.push(n)).dispose();
    assert.deepEqual(seen, []);
  });
});
