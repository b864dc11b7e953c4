import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { isMask, maskSecret, maskSecrets, maskValue } from '../../../../src/core/drift/mask';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

function secret(data: Record<string, string> | undefined, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, ...(data ? { data } : {}), ...extra };
}

describe('core/drift/mask', () => {
  it('masks like Argo CD HideSecretData: 8 plus signs first, +4 per further distinct value of a key', () => {
    assert.equal(maskValue(0), '++++++++');
    assert.equal(maskValue(1), '++++++++++++');
    const { desired, live } = maskSecrets(
      secret({ user: b64('admin'), pw: b64('old') }),
      secret({ user: b64('admin'), pw: b64('new'), extra: b64('x') }),
    );
    assert.deepEqual((desired as { data: unknown }).data, { user: '++++++++', pw: '++++++++' });
    assert.deepEqual((live as { data: unknown }).data, { user: '++++++++', pw: '++++++++++++', extra: '++++++++' });
    assert.ok(isMask('++++++++++++'));
    assert.ok(!isMask('+++++++++'));
    assert.ok(!isMask('secret'));
  });

  it('folds stringData first, so the same value written as stringData and data gets the same mask', () => {
    const { desired, live } = maskSecrets(
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { pw: 'hunter2' } },
      secret({ pw: b64('hunter2') }),
    );
    assert.deepEqual(desired, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, data: { pw: '++++++++' } });
    assert.deepEqual((live as { data: unknown }).data, { pw: '++++++++' });
  });

  it('gives a base64 value wrapped over lines in Git the same mask as the unwrapped live value', () => {
    const { desired, live } = maskSecrets(secret({ pw: 'aHVu\ndGVyMg==\n' }), secret({ pw: 'aHVudGVyMg==' }));
    assert.deepEqual((desired as { data: unknown }).data, (live as { data: unknown }).data);
  });

  it('masks the live last-applied annotation consistently with both sides', () => {
    const lastApplied = JSON.stringify(secret(undefined, { stringData: { pw: 'older' } }));
    const live = secret({ pw: b64('current') }, { metadata: { name: 'db', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied } } });
    const out = maskSecrets(secret({ pw: b64('current') }), live);
    const annotation = ((out.live as { metadata: { annotations: Record<string, string> } }).metadata.annotations)['kubectl.kubernetes.io/last-applied-configuration'];
    assert.ok(annotation);
    assert.deepEqual((JSON.parse(annotation) as { data: unknown }).data, { pw: '++++++++++++' });
    assert.ok(!annotation.includes('older'));
    const broken = secret({ pw: b64('x') }, { metadata: { name: 'db', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"stringData":{"pw":"leak' } } });
    assert.ok(!JSON.stringify(maskSecret(broken)).includes('leak'));
  });

  it('leaves non-Secrets and absent sides alone and never mutates inputs', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'plain' } };
    const s = secret({ pw: b64('p') });
    const before = JSON.stringify(s);
    const out = maskSecrets(cm, undefined);
    assert.equal(out.desired, cm);
    assert.equal(out.live, undefined);
    const one = maskSecrets(undefined, s);
    assert.equal(one.desired, undefined);
    assert.deepEqual((one.live as { data: unknown }).data, { pw: '++++++++' });
    assert.equal(JSON.stringify(s), before);
    // A null data value (argo-cd#5584) is masked, not a crash.
    assert.deepEqual((maskSecret(secret({ pw: null as unknown as string })) as { data: unknown }).data, { pw: '++++++++' });
  });

  // Secret values distinctive enough that finding them in the output can only be a leak.
  const raw = fc.stringMatching(/^[a-z0-9]{10,24}$/).map((s) => `sv${s}`);
  const keys = fc.constantFrom('k0', 'k1', 'k2', 'k3');
  const side = fc.dictionary(keys, raw, { maxKeys: 4 });

  it('never leaks a value, base64 or decoded, anywhere in the output (property)', () => {
    fc.assert(
      fc.property(side, side, side, fc.boolean(), (d, l, applied, asStringData) => {
        const desired = asStringData
          ? secret(undefined, { stringData: d })
          : secret(Object.fromEntries(Object.entries(d).map(([k, v]) => [k, b64(v)])));
        const live = secret(Object.fromEntries(Object.entries(l).map(([k, v]) => [k, b64(v)])), {
          metadata: { name: 'db', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(secret(undefined, { stringData: applied })) } },
        });
        const text = JSON.stringify(maskSecrets(desired, live));
        for (const v of [...Object.values(d), ...Object.values(l), ...Object.values(applied)]) {
          assert.ok(!text.includes(v), `decoded value ${v} leaked`);
          assert.ok(!text.includes(b64(v)), `base64 of ${v} leaked`);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('maps equal values to equal masks and different values to different masks (property)', () => {
    fc.assert(
      fc.property(side, side, (d, l) => {
        const out = maskSecrets(
          secret(Object.fromEntries(Object.entries(d).map(([k, v]) => [k, b64(v)]))),
          secret(Object.fromEntries(Object.entries(l).map(([k, v]) => [k, b64(v)]))),
        );
        const md = (out.desired as { data?: Record<string, string> }).data ?? {};
        const ml = (out.live as { data?: Record<string, string> }).data ?? {};
        for (const k of Object.keys(d)) {
          const dv = d[k];
          const lv = l[k];
          assert.ok(isMask(md[k]));
          if (lv !== undefined) assert.equal(md[k] === ml[k], dv === lv, k);
        }
      }),
      { numRuns: 300 },
    );
  });
});
