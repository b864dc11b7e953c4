/**
 * compareObjects on normalized objects: two-way and three-way rules, keyed lists, sets, quantities,
 * intstr types, and a property: a manifest compared with its server-defaulted self is in sync.
 */
import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { compareObjects, lastAppliedOf, type DriftFinding } from '../../../../src/core/drift/compare';
import { builtinListKeys, fromOpenAPI } from '../../../../src/core/drift/listKeys';
import { applyDefaults } from '../../../sim/k8s/semantics/defaults';
import type { KubeObject } from '../../../sim/k8s/types';

const deployKeys = builtinListKeys({ group: 'apps', kind: 'Deployment' });
const svcKeys = builtinListKeys({ group: '', kind: 'Service' });

const brief = (f: readonly DriftFinding[]): { path: string; kind: string; desired: unknown; live: unknown }[] =>
  f.map(({ path, kind, desired, live }) => ({ path, kind, desired, live }));

function deployment(containers: unknown[], extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers } },
      ...extra,
    },
  };
}

describe('drift/compare', () => {
  it('reports a changed scalar and a field live lacks, with desired/live values', () => {
    const d = deployment([{ name: 'app', image: 'web:2' }]);
    const l = deployment([{ name: 'app', image: 'web:1' }]);
    (l.spec as { replicas: number }).replicas = 5;
    delete (l.metadata as { labels?: unknown }).labels;
    assert.deepEqual(brief(compareObjects(d, l, { listKeys: deployKeys })), [
      { path: '/metadata/labels', kind: 'missingLive', desired: { app: 'web' }, live: undefined },
      { path: '/spec/replicas', kind: 'changed', desired: 3, live: 5 },
      { path: '/spec/template/spec/containers/0/image', kind: 'changed', desired: 'web:2', live: 'web:1' },
    ]);
  });

  it('two-way: fields only live has are defaults, not drift', () => {
    const d = deployment([{ name: 'app', image: 'web:1' }]);
    const l = deployment([{ name: 'app', image: 'web:1', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log' }], {
      revisionHistoryLimit: 10,
    });
    l.metadata.annotations = { 'deployment.kubernetes.io/revision': '3' };
    assert.deepEqual(compareObjects(d, l, { listKeys: deployKeys }), []);
  });

  it('ignores the desired document status', () => {
    const d = { ...deployment([{ name: 'a', image: 'x' }]), status: { replicas: 1 } };
    const l = { ...deployment([{ name: 'a', image: 'x' }]), status: { replicas: 2 } };
    assert.deepEqual(compareObjects(d, l, { listKeys: deployKeys }), []);
  });

  it('matches containers by name, so reordering is not drift and paths use the desired index', () => {
    const d = deployment([{ name: 'app', image: 'web:2' }, { name: 'sidecar', image: 'envoy:1' }]);
    const l = deployment([{ name: 'sidecar', image: 'envoy:1' }, { name: 'app', image: 'web:1' }]);
    assert.deepEqual(brief(compareObjects(d, l, { listKeys: deployKeys })), [
      { path: '/spec/template/spec/containers/0/image', kind: 'changed', desired: 'web:2', live: 'web:1' },
    ]);
  });

  it('a keyed item live lacks is missingLive as a whole; a live-only item is a default in two-way mode', () => {
    const d = deployment([{ name: 'app', image: 'a' }, { name: 'log', image: 'b' }]);
    const l = deployment([{ name: 'app', image: 'a' }, { name: 'istio-proxy', image: 'c' }]);
    assert.deepEqual(brief(compareObjects(d, l, { listKeys: deployKeys })), [
      { path: '/spec/template/spec/containers/1', kind: 'missingLive', desired: { name: 'log', image: 'b' }, live: undefined },
    ]);
  });

  it('matches env by name and ports by containerPort+protocol, defaulted protocol included', () => {
    const d = deployment([
      { name: 'app', image: 'a', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 8080 }, { containerPort: 53, protocol: 'UDP' }] },
    ]);
    const l = deployment([
      {
        name: 'app',
        image: 'a',
        env: [{ name: 'B', value: '2' }, { name: 'A', value: '9' }],
        ports: [{ containerPort: 53, protocol: 'UDP' }, { containerPort: 8080, protocol: 'TCP' }],
      },
    ]);
    assert.deepEqual(brief(compareObjects(d, l, { listKeys: deployKeys })), [
      { path: '/spec/template/spec/containers/0/env/0/value', kind: 'changed', desired: '1', live: '9' },
    ]);
  });

  it('compares atomic lists by position: tolerations reordered are drift', () => {
    const t1 = { key: 'a', operator: 'Exists' };
    const t2 = { key: 'b', operator: 'Exists' };
    const d = deployment([{ name: 'a', image: 'x' }]);
    const l = deployment([{ name: 'a', image: 'x' }]);
    (d.spec as { template: { spec: Record<string, unknown> } }).template.spec.tolerations = [t1, t2];
    (l.spec as { template: { spec: Record<string, unknown> } }).template.spec.tolerations = [t2, t1];
    assert.deepEqual(
      compareObjects(d, l, { listKeys: deployKeys }).map((f) => f.path),
      ['/spec/template/spec/tolerations/0/key', '/spec/template/spec/tolerations/1/key'],
    );
  });

  it('compares sets as sets (finalizers)', () => {
    const d = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', finalizers: ['a', 'b'] } };
    const ok = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', finalizers: ['b', 'a', 'c'] } };
    const bad = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', finalizers: ['b'] } };
    const keys = builtinListKeys({ group: '', kind: 'ConfigMap' });
    assert.deepEqual(compareObjects(d, ok, { listKeys: keys }), []);
    assert.deepEqual(compareObjects(d, bad, { listKeys: keys }).map((f) => f.path), ['/metadata/finalizers']);
  });

  it('compares resource quantities by value', () => {
    const d = deployment([{ name: 'a', image: 'x', resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '1024Mi' } } }]);
    const l = deployment([{ name: 'a', image: 'x', resources: { limits: { cpu: '1000m', memory: '1073741824' }, requests: { cpu: '0.5', memory: '1Gi' } } }]);
    assert.deepEqual(compareObjects(d, l, { listKeys: deployKeys }), []);
    const l2 = deployment([{ name: 'a', image: 'x', resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } } }]);
    assert.deepEqual(compareObjects(d, l2, { listKeys: deployKeys }).map((f) => f.path), ['/spec/template/spec/containers/0/resources/limits/cpu']);
  });

  it('keeps the type of intstr fields and of plain fields: "1" vs 1 is drift', () => {
    const svc = (targetPort: unknown): unknown => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's' },
      spec: { ports: [{ port: 80, protocol: 'TCP', targetPort }] },
    });
    assert.deepEqual(compareObjects(svc('http'), svc('http'), { listKeys: svcKeys }), []);
    assert.deepEqual(compareObjects(svc(8080), svc('8080'), { listKeys: svcKeys }).map((f) => f.path), ['/spec/ports/0/targetPort']);
    const a = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { n: '1' } };
    const b = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { n: 1 } };
    assert.deepEqual(brief(compareObjects(a, b, { listKeys: svcKeys })), [{ path: '/data/n', kind: 'changed', desired: '1', live: 1 }]);
  });

  it('escapes JSON Pointer tokens (RFC 6901)', () => {
    const d = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: { 'example.com/a~b': 'x' } } };
    const l = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: { 'example.com/a~b': 'y' } } };
    assert.deepEqual(compareObjects(d, l, { listKeys: svcKeys }).map((f) => f.path), ['/metadata/annotations/example.com~1a~0b']);
  });

  describe('three-way with last-applied-configuration', () => {
    const lastApplied = deployment([{ name: 'app', image: 'a', args: ['--debug'] }, { name: 'old', image: 'o' }]);
    (lastApplied.metadata.labels as Record<string, string>).tier = 'web';
    const live = deployment([{ name: 'app', image: 'a', args: ['--debug'], imagePullPolicy: 'Always' }, { name: 'old', image: 'o' }, { name: 'injected', image: 'i' }]);
    (live.metadata.labels as Record<string, string>).tier = 'web';
    live.metadata.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(lastApplied) };
    const desired = deployment([{ name: 'app', image: 'a' }]);

    it('reports fields and keyed items removed from the desired document but still live', () => {
      const la = lastAppliedOf(live);
      assert.deepEqual(la, lastApplied);
      assert.deepEqual(brief(compareObjects(desired, live, { listKeys: deployKeys, lastApplied: la })), [
        { path: '/metadata/labels/tier', kind: 'removed', desired: undefined, live: 'web' },
        { path: '/spec/template/spec/containers/0/args', kind: 'removed', desired: undefined, live: ['--debug'] },
        { path: '/spec/template/spec/containers/1', kind: 'removed', desired: undefined, live: { name: 'old', image: 'o' } },
      ]);
    });

    it('is two-way without lastApplied', () => {
      assert.deepEqual(compareObjects(desired, live, { listKeys: deployKeys }), []);
    });
  });

  it('fromOpenAPI keys a CRD list by x-kubernetes-list-map-keys', () => {
    const schema = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            routes: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'object', properties: { name: { type: 'string' }, weight: { type: 'integer' } } } },
            port: { 'x-kubernetes-int-or-string': true },
          },
        },
      },
    };
    const keys = fromOpenAPI(schema);
    assert.deepEqual(keys.listAt(['spec', 'routes']), { type: 'map', keys: ['name'] });
    assert.equal(keys.isIntOrStringAt(['spec', 'port']), true);
    assert.equal(keys.isIntOrStringAt(['spec', 'routes', 'weight']), false);
    const d = { apiVersion: 'x.io/v1', kind: 'Route', metadata: { name: 'r' }, spec: { routes: [{ name: 'a', weight: 1 }, { name: 'b', weight: 2 }] } };
    const l = { apiVersion: 'x.io/v1', kind: 'Route', metadata: { name: 'r' }, spec: { routes: [{ name: 'b', weight: 2 }, { name: 'a', weight: 1 }] } };
    assert.deepEqual(compareObjects(d, l, { listKeys: keys }), []);
    // Without the schema the list is atomic and position matters.
    assert.notDeepEqual(compareObjects(d, l, { listKeys: fromOpenAPI(undefined) }), []);
  });

  describe('properties', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
    const container = fc.record({
      name,
      image: fc.constantFrom('nginx', 'nginx:1.27', 'ghcr.io/x/y:latest', 'busybox@sha256:abc'),
      ports: fc.option(fc.uniqueArray(fc.record({ containerPort: fc.integer({ min: 1, max: 65535 }) }), { selector: (p) => p.containerPort, maxLength: 3 }), { nil: undefined }),
      env: fc.option(fc.uniqueArray(fc.record({ name, value: fc.string() }), { selector: (e) => e.name, maxLength: 3 }), { nil: undefined }),
      readinessProbe: fc.option(fc.record({ httpGet: fc.record({ port: fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.constant('http')) }) }), { nil: undefined }),
    }).map((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)));
    const containers = fc.uniqueArray(container, { selector: (c) => c.name, minLength: 1, maxLength: 4 });
    const doc = fc.record({ containers, replicas: fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }) }).map(({ containers: cs, replicas }) => {
      const d = deployment(cs);
      if (replicas === undefined) delete (d.spec as { replicas?: number }).replicas;
      else (d.spec as { replicas?: number }).replicas = replicas;
      return d;
    });

    it('a Deployment compared with its server-defaulted self is in sync', () => {
      fc.assert(
        fc.property(doc, (d) => {
          assert.deepEqual(compareObjects(d, applyDefaults(d), { listKeys: deployKeys }), []);
        }),
      );
    });

    it('reordering keyed lists (containers, env, ports) is not drift', () => {
      fc.assert(
        fc.property(doc, fc.infiniteStream(fc.nat()), (d, rnd) => {
          const shuffle = <T>(xs: T[]): T[] => xs.map((x) => [rnd.next().value, x] as const).sort((a, b) => a[0] - b[0]).map(([, x]) => x);
          const l = structuredClone(d);
          const spec = (l.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec;
          spec.containers = shuffle(spec.containers).map((c) => ({
            ...c,
            ...(Array.isArray(c.env) ? { env: shuffle(c.env) } : {}),
            ...(Array.isArray(c.ports) ? { ports: shuffle(c.ports) } : {}),
          }));
          assert.deepEqual(compareObjects(d, applyDefaults(l), { listKeys: deployKeys }), []);
        }),
      );
    });

    it('changing one container image is exactly one finding at the desired index', () => {
      fc.assert(
        fc.property(doc, fc.nat(), (d, k) => {
          const l = structuredClone(d);
          const cs = (l.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers;
          const i = k % cs.length;
          (cs[i] as { image: string }).image = 'changed:1';
          cs.reverse();
          const f = compareObjects(d, l, { listKeys: deployKeys });
          assert.deepEqual(f.map((x) => x.path), [`/spec/template/spec/containers/${i}/image`]);
        }),
      );
    });
  });
});
