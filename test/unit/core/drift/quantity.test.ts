import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { canonicalQuantity, formatQuantity, isQuantityPath, parseQuantity, sameQuantity } from '../../../../src/core/drift/quantity';

describe('core/drift/quantity', () => {
  it('compares by value across notations (the issue: 1000m = 1, 1Gi = 1024Mi)', () => {
    assert.ok(sameQuantity('1000m', '1'));
    assert.ok(sameQuantity('1Gi', '1024Mi'));
    assert.ok(sameQuantity('1k', '1e3'));
    assert.ok(sameQuantity('1M', '1000k'));
    assert.ok(sameQuantity('1.5', '1500m'));
    assert.ok(sameQuantity(1, '1000m'));
    assert.ok(sameQuantity(0.5, '500m'));
    assert.ok(sameQuantity('.5', '0.5'));
    assert.ok(!sameQuantity('1', '2'));
    assert.ok(!sameQuantity('1Gi', '1G'));
    assert.ok(!sameQuantity('abc', 'abc'), 'non-quantities are never the same quantity');
  });

  it('formats canonically like apimachinery CanonicalizeBytes', () => {
    const cases: Array<[string | number, string]> = [
      ['1000m', '1'], ['100m', '100m'], ['0.5', '500m'], ['1500', '1500'], ['12000', '12k'],
      ['1024Mi', '1Gi'], ['1536Mi', '1536Mi'], ['1000Mi', '1000Mi'], ['512Ki', '512Ki'],
      ['1e3', '1e3'], ['1E3', '1e3'], ['1.5n', '2n'], ['-1k', '-1k'], [0.25, '250m'], ['0', '0'], ['0Gi', '0'],
    ];
    for (const [input, want] of cases) assert.equal(canonicalQuantity(input), want, String(input));
  });

  it('rejects what is not a quantity', () => {
    for (const s of ['', 'abc', '1Gb', '1.2.3', 'Mi', '1 Gi', '1e', '--1']) assert.equal(parseQuantity(s), undefined, s);
    assert.equal(parseQuantity(Number.NaN), undefined);
  });

  it('canonical form is a fixed point and keeps the value', () => {
    const suffix = fc.constantFrom('', 'm', 'k', 'M', 'G', 'Ki', 'Mi', 'Gi', 'n', 'u', 'e3', 'e-2');
    fc.assert(
      fc.property(fc.nat(100000), fc.nat(999), suffix, (whole, frac, sfx) => {
        const text = `${whole}.${frac}${sfx}`;
        const q = parseQuantity(text);
        assert.ok(q, text);
        const canon = formatQuantity(q);
        assert.equal(canonicalQuantity(canon), canon);
        assert.ok(sameQuantity(canon, text));
      }),
    );
  });

  it('knows which fields hold quantities', () => {
    assert.ok(isQuantityPath('Deployment', ['spec', 'template', 'spec', 'containers', '0', 'resources', 'limits', 'cpu']));
    assert.ok(isQuantityPath('PersistentVolumeClaim', ['spec', 'resources', 'requests', 'storage']));
    assert.ok(isQuantityPath('ResourceQuota', ['spec', 'hard', 'pods']));
    assert.ok(isQuantityPath('LimitRange', ['spec', 'limits', '0', 'max', 'cpu']));
    assert.ok(!isQuantityPath('ConfigMap', ['data', 'cpu']));
    assert.ok(!isQuantityPath('Deployment', ['spec', 'replicas']));
  });
});
