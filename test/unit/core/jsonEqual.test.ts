import * as assert from 'node:assert/strict';
import { jsonEqual } from '../../../src/core/json';

describe('core/json jsonEqual', () => {
  it('agrees with comparing JSON.stringify output, key order aside', () => {
    const cases: [unknown, unknown][] = [
      [{ a: 1, b: [1, 'x', { c: true }] }, { b: [1, 'x', { c: true }], a: 1 }],
      [{ a: 1, b: undefined }, { a: 1 }],
      [{ a: 1 }, { a: 2 }],
      [{ a: [1, 2] }, { a: [2, 1] }],
      [{ a: [1] }, { a: { 0: 1 } }],
      [{ a: null }, { a: undefined }],
      [{ a: {} }, { a: { b: 1 } }],
      [[], {}],
      ['1', 1],
      [{ a: { b: { c: 'x' } } }, { a: { b: { c: 'y' } } }],
      [{ a: 1, b: 2 }, { a: 1, c: 2 }],
    ];
    const sorted = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(sorted) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => x.localeCompare(y)).map(([k, x]) => [k, sorted(x)])) : v;
    for (const [a, b] of cases) {
      assert.equal(jsonEqual(a, b), JSON.stringify(sorted(a)) === JSON.stringify(sorted(b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      assert.equal(jsonEqual(b, a), jsonEqual(a, b), 'symmetric');
    }
  });
});
