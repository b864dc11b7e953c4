import { strict as assert } from 'node:assert';
import * as fc from 'fast-check';
import { StatusError } from '../types';
import { applyJsonPatch, parsePointer } from './jsonPatch';
import { applyMergePatch, createMergePatch } from './mergePatch';

const deployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', labels: { app: 'web', 'app.kubernetes.io/name': 'web' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          { name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }] },
          { name: 'sidecar', image: 'busybox', ports: [{ containerPort: 9090, name: 'metrics' }] },
        ],
      },
    },
  },
});

function rejects(fn: () => unknown, code: number, reason: string, message?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof StatusError, String(e));
    assert.equal(e.code, code);
    assert.equal(e.reason, reason);
    if (message !== undefined) assert.equal(e.message, message);
    return true;
  });
}

describe('semantics/jsonPatch', () => {
  it('applies RFC 6902 operations to a Deployment', () => {
    const out = applyJsonPatch(deployment(), [
      { op: 'replace', path: '/spec/replicas', value: 5 },
      { op: 'add', path: '/metadata/labels/app.kubernetes.io~1part-of', value: 'shop' },
      { op: 'add', path: '/spec/template/spec/containers/-', value: { name: 'third', image: 'x:1' } },
      { op: 'remove', path: '/spec/template/spec/containers/1' },
      { op: 'copy', from: '/spec/template/spec/containers/0/image', path: '/metadata/annotations' },
      { op: 'move', from: '/metadata/annotations', path: '/metadata/labels/img' },
      { op: 'test', path: '/spec/template/spec/containers/1/name', value: 'third' },
      { op: 'add', path: '/spec/template/spec/containers/0/ports/0', value: { containerPort: 443 } },
    ]) as ReturnType<typeof deployment>;
    assert.equal(out.spec.replicas, 5);
    assert.deepEqual(out.metadata.labels, { app: 'web', 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/part-of': 'shop', img: 'nginx:1.27' });
    assert.deepEqual(out.spec.template.spec.containers.map((c) => c.name), ['nginx', 'third']);
    assert.deepEqual(out.spec.template.spec.containers[0]?.ports, [{ containerPort: 443 }, { containerPort: 80 }]);
    assert.equal((out.metadata as Record<string, unknown>).annotations, undefined);
  });

  it('decodes ~0 and ~1 in pointers', () => {
    assert.deepEqual(parsePointer('/a~1b/c~0d/~01'), ['a/b', 'c~d', '~1']);
    assert.deepEqual(applyJsonPatch({ 'a~b': 1 }, [{ op: 'replace', path: '/a~0b', value: 2 }]), { 'a~b': 2 });
  });

  it('answers a failed test with 422 Invalid and the apiserver wording', () => {
    rejects(
      () => applyJsonPatch(deployment(), [{ op: 'test', path: '/spec/replicas', value: 3 }, { op: 'replace', path: '/spec/replicas', value: 9 }]),
      422,
      'Invalid',
      'the server rejected our request due to an error in our request',
    );
  });

  it('rejects bad operations with 422 and a non-array body with 400', () => {
    rejects(() => applyJsonPatch(deployment(), [{ op: 'frobnicate', path: '/spec' }]), 422, 'Invalid');
    rejects(() => applyJsonPatch(deployment(), [{ op: 'remove', path: '/spec/nope' }]), 422, 'Invalid');
    rejects(() => applyJsonPatch(deployment(), [{ op: 'replace', path: '/spec/nope', value: 1 }]), 422, 'Invalid');
    rejects(() => applyJsonPatch(deployment(), [{ op: 'add', path: '/spec/template/spec/containers/7', value: {} }]), 422, 'Invalid');
    rejects(() => applyJsonPatch(deployment(), [{ op: 'add', path: '/spec/template/spec/containers/01', value: {} }]), 422, 'Invalid');
    rejects(() => applyJsonPatch(deployment(), [{ op: 'move', from: '/spec', path: '/spec/template/x' }]), 422, 'Invalid');
    rejects(() => applyJsonPatch(deployment(), [{ op: 'add', path: '/spec/x' }]), 422, 'Invalid');
    rejects(() => applyJsonPatch(deployment(), { op: 'add', path: '/x', value: 1 }), 400, 'BadRequest');
  });

  it('replaces the whole document at the empty pointer', () => {
    assert.deepEqual(applyJsonPatch({ a: 1 }, [{ op: 'replace', path: '', value: [1] }]), [1]);
  });

  it('never mutates its input, whether the patch succeeds or fails (property)', () => {
    const op = fc.oneof(
      fc.record({ op: fc.constant('add'), path: fc.constantFrom('/a', '/a/b', '/l/0', '/l/-', '/n'), value: fc.jsonValue() }),
      fc.record({ op: fc.constant('remove'), path: fc.constantFrom('/a', '/a/b', '/l/0', '/n') }),
      fc.record({ op: fc.constant('replace'), path: fc.constantFrom('/a', '/a/b', '/l/0'), value: fc.jsonValue() }),
      fc.record({ op: fc.constant('move'), from: fc.constantFrom('/a/b', '/l/0'), path: fc.constantFrom('/c', '/l/-') }),
      fc.record({ op: fc.constant('copy'), from: fc.constantFrom('/a', '/l'), path: fc.constantFrom('/c', '/a/z') }),
      fc.record({ op: fc.constant('test'), path: fc.constantFrom('/a/b', '/l/0'), value: fc.jsonValue() }),
    );
    fc.assert(
      fc.property(fc.record({ a: fc.dictionary(fc.string(), fc.jsonValue()), l: fc.array(fc.jsonValue()), n: fc.integer() }), fc.array(op, { maxLength: 6 }), (doc, ops) => {
        const before = JSON.stringify(doc);
        const opsBefore = JSON.stringify(ops);
        let result: unknown;
        try {
          result = applyJsonPatch(doc, ops);
        } catch (e) {
          assert.ok(e instanceof StatusError && e.code === 422, String(e));
        }
        assert.equal(JSON.stringify(doc), before);
        assert.equal(JSON.stringify(ops), opsBefore);
        if (result !== undefined && typeof result === 'object' && result !== null) {
          // The result shares no structure with the input.
          (result as Record<string, unknown>).mutated = true;
          assert.equal(JSON.stringify(doc), before);
        }
      }),
    );
  });
});

describe('semantics/mergePatch', () => {
  it('merges objects, deletes with null and replaces lists (RFC 7386)', () => {
    const out = applyMergePatch(deployment(), {
      metadata: { labels: { 'app.kubernetes.io/name': null, tier: 'front' } },
      spec: { replicas: 3, template: { spec: { containers: [{ name: 'only', image: 'x' }] } } },
    }) as ReturnType<typeof deployment>;
    assert.deepEqual(out.metadata.labels, { app: 'web', tier: 'front' });
    assert.equal(out.spec.replicas, 3);
    assert.deepEqual(out.spec.template.spec.containers, [{ name: 'only', image: 'x' }]);
    assert.deepEqual(out.spec.selector, { matchLabels: { app: 'web' } });
  });

  it('follows the RFC 7386 appendix examples', () => {
    const cases: Array<[unknown, unknown, unknown]> = [
      [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
      [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
      [{ a: 'b' }, { a: null }, {}],
      [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
      [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
      [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
      [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
      [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
      [['a', 'b'], ['c', 'd'], ['c', 'd']],
      [{ a: 'b' }, ['c'], ['c']],
      [{ a: 'foo' }, null, null],
      [{ a: 'foo' }, 'bar', 'bar'],
      [{ e: null }, { a: 1 }, { e: null, a: 1 }],
      [[1, 2], { a: 'b', c: null }, { a: 'b' }],
      [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    ];
    for (const [target, patch, want] of cases) assert.deepEqual(applyMergePatch(target, patch), want, JSON.stringify([target, patch]));
  });

  it('a merge patch of the diff reproduces the target (property)', () => {
    // RFC 7386 cannot express "set to null", so generated documents hold no nulls.
    const noNull = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, fc.string(), fc.integer(), fc.boolean(), fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 3 }), tie('v'), { maxKeys: 4, noNullPrototype: true })),
    })).v;
    const doc = fc.dictionary(fc.string({ maxLength: 3 }), noNull, { maxKeys: 5, noNullPrototype: true });
    fc.assert(
      fc.property(doc, doc, (from, to) => {
        const before = JSON.stringify(from);
        assert.deepEqual(applyMergePatch(from, createMergePatch(from, to)), to);
        assert.equal(JSON.stringify(from), before);
      }),
    );
  });
});
