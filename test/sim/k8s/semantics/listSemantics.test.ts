import { strict as assert } from 'node:assert';
import { builtinListTable, builtinSchemaInfo, schemaInfoFromOpenAPI } from './listSemantics';

const p = (s: string): string[] => s.split('.');

describe('semantics/listSemantics', () => {
  it('answers the Kubernetes OpenAPI list types for a Deployment', () => {
    const s = builtinSchemaInfo({ group: 'apps', version: 'v1', kind: 'Deployment' });
    const pod = 'spec.template.spec';
    assert.deepEqual(s.listAt(p(`${pod}.containers`)), { type: 'map', keys: ['name'] });
    assert.deepEqual(s.listAt(p(`${pod}.initContainers`)), { type: 'map', keys: ['name'] });
    assert.deepEqual(s.listAt(p(`${pod}.containers.ports`)), { type: 'map', keys: ['containerPort', 'protocol'] });
    assert.deepEqual(s.listAt(p(`${pod}.containers.env`)), { type: 'map', keys: ['name'] });
    assert.deepEqual(s.listAt(p(`${pod}.containers.volumeMounts`)), { type: 'map', keys: ['mountPath'] });
    assert.deepEqual(s.listAt(p(`${pod}.volumes`)), { type: 'map', keys: ['name'] });
    assert.deepEqual(s.listAt(p(`${pod}.imagePullSecrets`)), { type: 'map', keys: ['name'] });
    assert.deepEqual(s.listAt(p(`${pod}.tolerations`)), { type: 'atomic' });
    assert.deepEqual(s.listAt(p('metadata.finalizers')), { type: 'set' });
    assert.deepEqual(s.listAt(p('metadata.ownerReferences')), { type: 'map', keys: ['uid'] });
    assert.deepEqual(s.listAt(p('status.conditions')), { type: 'map', keys: ['type'] });
    assert.equal(s.listAt(p('spec.replicas')), undefined);
    // SMP keys differ from the apply keys for container ports.
    assert.deepEqual(s.patchMetaAt(p(`${pod}.containers.ports`)), { patchMergeKey: 'containerPort', patchStrategy: 'merge' });
    assert.deepEqual(s.patchMetaAt(p(`${pod}.volumes`)), { patchMergeKey: 'name', patchStrategy: 'merge,retainKeys' });
    assert.equal(s.patchMetaAt(p(`${pod}.tolerations`)), undefined);
    assert.equal(s.isOpaqueAt?.(p('spec.strategy.rollingUpdate.maxSurge')), true);
    assert.equal(s.isOpaqueAt?.(p(`${pod}.containers.readinessProbe.httpGet.port`)), true);
    assert.equal(s.isOpaqueAt?.(p('spec.replicas')), false);
  });

  it('keys Service ports by port and protocol, CronJob pods under the job template', () => {
    const svc = builtinSchemaInfo({ group: '', version: 'v1', kind: 'Service' });
    assert.deepEqual(svc.listAt(p('spec.ports')), { type: 'map', keys: ['port', 'protocol'] });
    assert.deepEqual(svc.patchMetaAt(p('spec.ports')), { patchMergeKey: 'port', patchStrategy: 'merge' });
    const cj = builtinSchemaInfo({ group: 'batch', version: 'v1', kind: 'CronJob' });
    assert.deepEqual(cj.listAt(p('spec.jobTemplate.spec.template.spec.containers')), { type: 'map', keys: ['name'] });
    const pod = builtinSchemaInfo({ group: '', version: 'v1', kind: 'Pod' });
    assert.deepEqual(pod.listAt(p('spec.ephemeralContainers')), { type: 'map', keys: ['name'] });
    assert.ok(builtinListTable({ group: 'apps', version: 'v1', kind: 'StatefulSet' }).some((e) => e.path.join('.') === 'spec.volumeClaimTemplates' && e.semantics.type === 'atomic'));
    assert.deepEqual(builtinListTable({ group: '', version: 'v1', kind: 'ConfigMap' }).map((e) => e.path.join('.')).sort(), ['metadata.finalizers', 'metadata.managedFields', 'metadata.ownerReferences']);
  });

  it('reads x-kubernetes-list-type from a CRD schema; untyped lists are atomic', () => {
    const s = schemaInfoFromOpenAPI({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            sources: {
              type: 'array',
              'x-kubernetes-list-type': 'map',
              'x-kubernetes-list-map-keys': ['repoURL', 'path'],
              items: { type: 'object', properties: { repoURL: { type: 'string' }, path: { type: 'string' }, tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' } } },
            },
            args: { type: 'array', items: { type: 'string' } },
            byName: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' } },
            port: { 'x-kubernetes-int-or-string': true },
            values: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          },
        },
      },
    });
    assert.deepEqual(s.listAt(p('spec.sources')), { type: 'map', keys: ['repoURL', 'path'] });
    assert.deepEqual(s.listAt(p('spec.sources.tags')), { type: 'set' });
    assert.deepEqual(s.listAt(p('spec.args')), { type: 'atomic' });
    assert.deepEqual(s.listAt(p('spec.byName.anyKey')), { type: 'set' });
    assert.equal(s.listAt(p('spec.port')), undefined);
    assert.equal(s.listAt(p('spec.nothing')), undefined);
    assert.equal(s.isOpaqueAt?.(p('spec.port')), true);
    assert.equal(s.isOpaqueAt?.(p('spec.values')), true);
    assert.equal(s.isOpaqueAt?.(p('spec.args')), false);
    assert.equal(s.strategicMergeSupported, false);
    assert.equal(schemaInfoFromOpenAPI(undefined).listAt(p('spec.x')), undefined);
  });
});
