import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { normalize } from '../../../../src/core/drift/normalize';

function deployment(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'shop',
      labels: { app: 'web', 'app.kubernetes.io/instance': 'shop', 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' },
      annotations: {
        'argocd.argoproj.io/tracking-id': 'shop:apps/Deployment:shop/web',
        'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Deployment"}',
        'kustomize.toolkit.fluxcd.io/ssa': 'Merge',
        team: 'a',
      },
      managedFields: [{ manager: 'kubectl', operation: 'Apply' }],
      resourceVersion: '42',
      uid: 'u-1',
      generation: 3,
      creationTimestamp: '2026-01-01T00:00:00Z',
      selfLink: '/apis/apps/v1/namespaces/shop/deployments/web',
    },
    spec: {
      replicas: 2,
      template: {
        spec: {
          containers: [{
            name: 'app',
            env: [{ name: 'PORT', value: 8080 }, { name: 'DEBUG', value: true }, { name: 'X', value: 'x' }],
            resources: { limits: { cpu: '1000m', memory: '1024Mi' }, requests: { cpu: 0.5, memory: '128Mi' } },
          }],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '1024Ki' } }],
        },
      },
    },
    status: { readyReplicas: 2 },
    ...extra,
  };
}

describe('core/drift/normalize', () => {
  it('drops status and server-set metadata', () => {
    const n = normalize(deployment());
    assert.equal(n.status, undefined);
    const md = n.metadata as Record<string, unknown>;
    for (const k of ['managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp', 'selfLink']) assert.equal(md[k], undefined, k);
    assert.equal(md.name, 'web');
    assert.equal(md.namespace, 'shop');
  });

  it('drops last-applied, Argo CD tracking-id and every kustomize.toolkit.fluxcd.io/* key, keeps user keys', () => {
    const md = normalize(deployment()).metadata as Record<string, Record<string, string>>;
    assert.deepEqual(md.annotations, { team: 'a' });
    // With annotation tracking (Argo CD 3.x default) app.kubernetes.io/instance belongs to the user.
    assert.deepEqual(md.labels, { app: 'web', 'app.kubernetes.io/instance': 'shop' });
  });

  it('drops the instance label only when Argo CD tracks with it, honouring a custom label key', () => {
    const byLabel = normalize(deployment(), { tracking: 'label' }).metadata as Record<string, unknown>;
    assert.deepEqual(byLabel.labels, { app: 'web' });
    const both = normalize(deployment(), { tracking: 'annotation+label' }).metadata as Record<string, unknown>;
    assert.deepEqual(both.labels, { app: 'web' });
    const custom = normalize(deployment(), { tracking: 'label', trackingLabel: 'app' }).metadata as Record<string, unknown>;
    assert.deepEqual(custom.labels, { 'app.kubernetes.io/instance': 'shop' });
  });

  it('removes label/annotation maps left empty so {} and absent compare equal', () => {
    const n = normalize({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: { 'argocd.argoproj.io/tracking-id': 'x' }, labels: {} } });
    assert.deepEqual(n, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
  });

  it('canonicalizes quantities so 1000m = 1 and 1024Mi = 1Gi', () => {
    const n = normalize(deployment()) as { spec: { template: { spec: { containers: Array<{ resources: unknown }>; volumes: Array<{ emptyDir: unknown }> } } } };
    const c = n.spec.template.spec.containers[0];
    assert.deepEqual(c?.resources, { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '128Mi' } });
    assert.deepEqual(n.spec.template.spec.volumes[0]?.emptyDir, { sizeLimit: '1Mi' });
    const pvc = normalize({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'p' }, spec: { resources: { requests: { storage: '1024Mi' } } } });
    assert.deepEqual(pvc.spec, { resources: { requests: { storage: '1Gi' } } });
  });

  it('turns numbers into strings where the schema says string (env value, labels, ConfigMap data)', () => {
    const n = normalize(deployment()) as { spec: { template: { spec: { containers: Array<{ env: unknown }> } } } };
    assert.deepEqual(n.spec.template.spec.containers[0]?.env, [{ name: 'PORT', value: '8080' }, { name: 'DEBUG', value: 'true' }, { name: 'X', value: 'x' }]);
    assert.equal(n.spec.template.spec.containers.length, 1);
    const cm = normalize({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { v: 1 } }, data: { port: 80, on: true } });
    assert.deepEqual(cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { v: '1' } }, data: { port: '80', on: 'true' } });
    // replicas stays a number: the schema says integer.
    assert.equal((normalize(deployment()).spec as { replicas: unknown }).replicas, 2);
  });

  it('folds Secret stringData into base64 data, stringData winning', () => {
    const s = normalize({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'b2xk', keep: 'eA==' }, stringData: { a: 'new', b: 'ü' } });
    assert.deepEqual(s, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'bmV3', keep: 'eA==', b: 'w7w=' } });
    // Equal content written either way normalizes to the same object.
    assert.deepEqual(
      normalize({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { pw: 'hunter2' } }),
      normalize({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { pw: 'aHVudGVyMg==' } }),
    );
  });

  it('unwraps Secret data base64 split over lines, as the API server stores it', () => {
    const s = normalize({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { pw: 'aHVu\r\ndGVyMg==\n' } });
    assert.deepEqual(s.data, { pw: 'aHVudGVyMg==' });
  });

  it('never mutates its input', () => {
    const input = deployment();
    const before = JSON.stringify(input);
    normalize(input, { tracking: 'label' });
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { a: 'x' } };
    normalize(secret);
    assert.equal(JSON.stringify(input), before);
    assert.deepEqual(secret, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { a: 'x' } });
  });

  it('keeps a __proto__ key as data, not as a prototype', () => {
    const input = JSON.parse('{"kind":"ConfigMap","apiVersion":"v1","data":{"__proto__":"x"}}') as unknown;
    const n = normalize(input) as { data: Record<string, unknown> };
    assert.deepEqual(Object.keys(n.data), ['__proto__']);
    assert.equal(Object.getPrototypeOf(n.data), Object.prototype);
  });

  it('gives {} for non-objects', () => {
    assert.deepEqual(normalize(null), {});
    assert.deepEqual(normalize([1]), {});
    assert.deepEqual(normalize('x'), {});
  });

  it('is idempotent (property)', () => {
    const scalar = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom('1000m', '1024Mi', '0.5', '1e3'));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'limits', 'requests', 'resources', 'env', 'value', 'data', 'cpu'), tie('node'), { maxKeys: 4 })),
    })).node;
    const obj = fc.record({
      apiVersion: fc.constantFrom('v1', 'apps/v1'),
      kind: fc.constantFrom('Secret', 'ConfigMap', 'Deployment', 'ResourceQuota'),
      metadata: fc.record({ name: fc.string(), labels: fc.dictionary(fc.constantFrom('app.kubernetes.io/instance', 'kustomize.toolkit.fluxcd.io/name', 'x'), scalar) }),
      data: fc.dictionary(fc.string(), scalar),
      stringData: fc.dictionary(fc.string(), scalar),
      spec: value,
      status: value,
    });
    const tracking = fc.constantFrom(undefined, 'label' as const, 'annotation' as const, 'annotation+label' as const);
    fc.assert(
      fc.property(obj, tracking, (o, t) => {
        const once = normalize(o, { tracking: t });
        assert.deepEqual(normalize(once, { tracking: t }), once);
      }),
      { numRuns: 300 },
    );
  });

  it('with shareUnchanged gives the deep copy\'s result, leaves the input as it was and shares only untouched subtrees (property)', () => {
    const scalar = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom('1000m', '1024Mi', '0.5', '1e3', 'a\nb'));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'limits', 'requests', 'resources', 'env', 'value', 'data', 'cpu', 'overhead'), tie('node'), { maxKeys: 4, noNullPrototype: true })),
    })).node;
    const obj = fc.record({
      apiVersion: fc.constant('v1'),
      kind: fc.constantFrom('Secret', 'ConfigMap', 'Pod', 'ResourceQuota'),
      metadata: fc.record({ name: fc.string(), uid: fc.string(), labels: fc.dictionary(fc.constantFrom('app.kubernetes.io/instance', 'kustomize.toolkit.fluxcd.io/name', 'x'), scalar, { noNullPrototype: true }), annotations: fc.dictionary(fc.constantFrom('argocd.argoproj.io/tracking-id', 'y'), scalar, { noNullPrototype: true }) }, { noNullPrototype: true }),
      data: fc.dictionary(fc.constantFrom('k', 'l'), scalar, { noNullPrototype: true }),
      stringData: fc.dictionary(fc.constantFrom('k', 'm'), value, { noNullPrototype: true }),
      spec: value,
      status: value,
    }, { noNullPrototype: true });
    // Plain objects, as JSON.parse and js-yaml give.
    fc.assert(
      fc.property(obj, (o) => {
        const before = JSON.stringify(o);
        const shared = normalize(o, { tracking: 'label', shareUnchanged: true });
        assert.equal(JSON.stringify(o), before);
        assert.deepEqual(shared, normalize(o, { tracking: 'label' }));
        // Editing the result must never reach the input where normalization changed something.
        assert.notEqual(shared, o);
        if (shared.metadata !== undefined) assert.notEqual(shared.metadata, o.metadata);
      }),
      { numRuns: 300 },
    );
    const spec = { containers: [{ name: 'a', image: 'x', resources: { limits: { cpu: '1000m' } } }], volumes: [{ name: 'v', emptyDir: {} }] };
    const pod = normalize({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec }, { shareUnchanged: true }) as { spec: typeof spec };
    assert.equal(pod.spec.volumes, spec.volumes, 'an untouched list is shared');
    assert.notEqual(pod.spec.containers, spec.containers, 'a list with a canonicalized quantity is copied');
    assert.equal(pod.spec.containers[0]?.resources.limits.cpu, '1');
    assert.equal(spec.containers[0]?.resources.limits.cpu, '1000m');
  });
});
