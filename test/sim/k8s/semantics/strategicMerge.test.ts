import { strict as assert } from 'node:assert';
import type { KubeObject } from '../types';
import { StatusError } from '../types';
import { builtinSchemaInfo, schemaInfoFromOpenAPI } from './listSemantics';
import { applyStrategicMergePatch, strategicMergeSupported } from './strategicMerge';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const deploySchema = builtinSchemaInfo({ group: 'apps', version: 'v1', kind: 'Deployment' });

const deployment = (): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', finalizers: ['a.example/x'], labels: { app: 'web', tier: 'front' } },
  spec: {
    replicas: 2,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          { name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], args: ['--a', '--b'] },
          { name: 'sidecar', image: 'busybox:1', ports: [{ containerPort: 9090, protocol: 'TCP' }] },
        ],
        volumes: [{ name: 'cfg', configMap: { name: 'cfg', defaultMode: 420 } }],
        tolerations: [{ key: 'a', operator: 'Exists' }],
      },
    },
  },
});

const containers = (d: KubeObject): Any[] => (d as Any).spec.template.spec.containers;

describe('semantics/strategicMerge', () => {
  it('merges containers by name, env by name and ports by containerPort, like kubectl patch', () => {
    const input = deployment();
    const before = JSON.stringify(input);
    const out = applyStrategicMergePatch(input, {
      metadata: { labels: { tier: null, team: 'shop' } },
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'sidecar', image: 'busybox:2', ports: [{ containerPort: 9091 }] },
              { name: 'nginx', env: [{ name: 'B', value: 'two' }, { name: 'C', value: '3' }], args: ['--c'] },
              { name: 'new', image: 'x:1' },
            ],
          },
        },
      },
    }, deploySchema);
    assert.equal(JSON.stringify(input), before, 'input untouched');
    assert.deepEqual((out.metadata.labels), { app: 'web', team: 'shop' });
    const [nginx, sidecar, fresh] = containers(out) as [Any, Any, Any];
    assert.deepEqual(containers(out).map((c) => c.name), ['nginx', 'sidecar', 'new']);
    assert.deepEqual(nginx.env, [{ name: 'A', value: '1' }, { name: 'B', value: 'two' }, { name: 'C', value: '3' }]);
    assert.deepEqual(nginx.args, ['--c'], 'args has no patch strategy: replaced');
    assert.equal(sidecar.image, 'busybox:2');
    assert.deepEqual(sidecar.ports, [{ containerPort: 9090, protocol: 'TCP' }, { containerPort: 9091 }]);
    assert.deepEqual(fresh, { name: 'new', image: 'x:1' });
  });

  it('replaces atomic lists and unions merge-strategy primitive lists', () => {
    const out = applyStrategicMergePatch(deployment(), {
      metadata: { finalizers: ['b.example/y', 'a.example/x'] },
      spec: { template: { spec: { tolerations: [{ key: 'b', operator: 'Exists' }] } } },
    }, deploySchema) as Any;
    assert.deepEqual(out.metadata.finalizers, ['a.example/x', 'b.example/y']);
    assert.deepEqual(out.spec.template.spec.tolerations, [{ key: 'b', operator: 'Exists' }]);
  });

  it('honours $patch delete / replace, $deleteFromPrimitiveList, $setElementOrder and $retainKeys', () => {
    const deleted = applyStrategicMergePatch(deployment(), { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } }, deploySchema);
    assert.deepEqual(containers(deleted).map((c) => c.name), ['nginx']);

    const replaced = applyStrategicMergePatch(deployment(), { spec: { template: { spec: { containers: [{ $patch: 'replace' }, { name: 'solo', image: 's:1' }] } } } }, deploySchema);
    assert.deepEqual(containers(replaced), [{ name: 'solo', image: 's:1' }]);

    const mapReplaced = applyStrategicMergePatch(deployment(), { spec: { strategy: { $patch: 'replace', type: 'Recreate' } } }, deploySchema) as Any;
    assert.deepEqual(mapReplaced.spec.strategy, { type: 'Recreate' });

    const mapDeleted = applyStrategicMergePatch(deployment(), { spec: { strategy: { $patch: 'delete' } } }, deploySchema) as Any;
    assert.equal(mapDeleted.spec.strategy, undefined);

    const fin = applyStrategicMergePatch(deployment(), { metadata: { '$deleteFromPrimitiveList/finalizers': ['a.example/x'] } }, deploySchema);
    assert.deepEqual(fin.metadata.finalizers, []);

    const ordered = applyStrategicMergePatch(deployment(), {
      spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'nginx' }], containers: [{ name: 'nginx', image: 'nginx:1.28' }] } } },
    }, deploySchema);
    assert.deepEqual(containers(ordered).map((c) => [c.name, c.image]), [['sidecar', 'busybox:1'], ['nginx', 'nginx:1.28']]);

    // kubectl apply sends $retainKeys for volumes (patchStrategy merge,retainKeys) when the source changes.
    const vol = applyStrategicMergePatch(deployment(), {
      spec: { template: { spec: { volumes: [{ name: 'cfg', $retainKeys: ['name', 'secret'], secret: { secretName: 's' } }] } } },
    }, deploySchema) as Any;
    assert.deepEqual(vol.spec.template.spec.volumes, [{ name: 'cfg', secret: { secretName: 's' } }]);
  });

  it('rejects a merge-list element without its merge key with 400', () => {
    assert.throws(
      () => applyStrategicMergePatch(deployment(), { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, deploySchema),
      (e: unknown) => e instanceof StatusError && e.code === 400 && /does not contain declared merge key: name/.test(e.message),
    );
  });

  it('answers 415 for custom resources', () => {
    const crd = schemaInfoFromOpenAPI({ type: 'object' });
    assert.equal(strategicMergeSupported(crd), false);
    assert.equal(strategicMergeSupported(deploySchema), true);
    assert.throws(
      () => applyStrategicMergePatch({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'a' } }, { spec: {} }, crd),
      (e: unknown) =>
        e instanceof StatusError &&
        e.code === 415 &&
        e.reason === 'UnsupportedMediaType' &&
        e.message === 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
  });

  it('merges Service ports by port', () => {
    const svcSchema = builtinSchemaInfo({ group: '', version: 'v1', kind: 'Service' });
    const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }] } };
    const out = applyStrategicMergePatch(svc, { spec: { ports: [{ port: 80, targetPort: 'http' }, { name: 'https', port: 443 }] } }, svcSchema) as Any;
    assert.deepEqual(out.spec.ports, [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }, { name: 'https', port: 443 }]);
  });
});
