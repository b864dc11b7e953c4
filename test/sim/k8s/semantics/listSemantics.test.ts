import { strict as assert } from 'node:assert';
import { builtinOpenApiSchema } from '../builtinSchemas';
import { builtinIntOrStringPaths, builtinListTable, builtinSchemaInfo, schemaInfoFromOpenAPI } from './listSemantics';

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

  it('follows $refs of the upstream definitions: atomic structs, lifecycle ports, nested object meta', () => {
    const d = builtinSchemaInfo({ group: 'apps', version: 'v1', kind: 'Deployment' });
    const c = 'spec.template.spec.containers';
    // SecretKeySelector and OwnerReference are +structType=atomic; ObjectMeta is not.
    assert.equal(d.mapAtomicAt(p(`${c}.env.valueFrom.secretKeyRef`)), true);
    assert.equal(d.mapAtomicAt(p('metadata.ownerReferences')), true);
    assert.equal(d.mapAtomicAt(p('spec.selector')), true);
    assert.equal(d.mapAtomicAt(p('spec.template.metadata')), false);
    assert.equal(d.mapAtomicAt(p(`${c}.env.valueFrom`)), false);
    assert.equal(d.isOpaqueAt?.(p(`${c}.lifecycle.preStop.httpGet.port`)), true);
    assert.equal(d.isOpaqueAt?.(p(`${c}.lifecycle.preStop.httpGet.path`)), false);
    assert.deepEqual(d.listAt(p('spec.template.metadata.finalizers')), { type: 'set' });
    assert.deepEqual(d.listAt(p(`${c}.volumeMounts.bindMountOptions`)), { type: 'set' });
    // A list the reduced definitions know as a list but with no markers is atomic; a non-list is undefined.
    assert.deepEqual(d.listAt(p(`${c}.command`)), { type: 'atomic' });
    assert.equal(d.listAt(p(`${c}.image`)), undefined);
    const job = builtinSchemaInfo({ group: 'batch', version: 'v1', kind: 'Job' });
    // JobStatus.conditions: atomic for apply, merged by type for strategic merge patch.
    assert.deepEqual(job.listAt(p('status.conditions')), { type: 'atomic' });
    assert.deepEqual(job.patchMetaAt(p('status.conditions')), { patchMergeKey: 'type', patchStrategy: 'merge' });
    assert.deepEqual(builtinIntOrStringPaths({ group: '', version: 'v1', kind: 'Service' }).map((x) => x.join('.')), ['spec.ports.targetPort']);
  });

  it('falls back to the patch strategy for a list without a list type, as kube-openapi schemaconv does', () => {
    const list = (ext: Record<string, unknown>): Record<string, unknown> => ({ type: 'object', properties: { l: { type: 'array', items: { type: 'object' }, ...ext } } });
    assert.deepEqual(schemaInfoFromOpenAPI(list({ 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'name' })).listAt(['l']), { type: 'map', keys: ['name'] });
    assert.deepEqual(schemaInfoFromOpenAPI(list({ 'x-kubernetes-patch-strategy': 'merge,retainKeys', 'x-kubernetes-patch-merge-key': 'ip' })).listAt(['l']), { type: 'map', keys: ['ip'] });
    assert.deepEqual(schemaInfoFromOpenAPI(list({ 'x-kubernetes-patch-strategy': 'merge' })).listAt(['l']), { type: 'set' });
    assert.deepEqual(schemaInfoFromOpenAPI(list({ 'x-kubernetes-patch-strategy': 'retainKeys' })).listAt(['l']), { type: 'atomic' });
    // An explicit list type wins over the patch markers.
    assert.deepEqual(schemaInfoFromOpenAPI(list({ 'x-kubernetes-list-type': 'atomic', 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'type' })).listAt(['l']), { type: 'atomic' });
  });

  it('serves OpenAPI list markers that agree with the facts it merges by', () => {
    const groups: Record<string, string> = {
      Namespace: '', ConfigMap: '', Secret: '', Service: '', ServiceAccount: '', Pod: '', Event: '', PersistentVolumeClaim: '', Deployment: 'apps',
      StatefulSet: 'apps', DaemonSet: 'apps', ReplicaSet: 'apps', Job: 'batch', CronJob: 'batch', Ingress: 'networking.k8s.io', CustomResourceDefinition: 'apiextensions.k8s.io',
    };
    const mismatches: string[] = [];
    let lists = 0;
    for (const [kind, group] of Object.entries(groups)) {
      const servedSchema = builtinOpenApiSchema(kind);
      const served = schemaInfoFromOpenAPI(servedSchema);
      const facts = builtinSchemaInfo({ group, version: 'v1', kind });
      const walk = (n: unknown, path: string[]): void => {
        if (typeof n !== 'object' || n === null) return;
        const node = n as Record<string, unknown>;
        if (node.type === 'array') {
          lists++;
          const a = JSON.stringify([served.listAt(path), served.patchMetaAt(path)]);
          const b = JSON.stringify([facts.listAt(path), facts.patchMetaAt(path)]);
          if (a !== b) mismatches.push(`${kind} ${path.join('.')}: served ${a}, facts ${b}`);
          walk(node.items, path);
          return;
        }
        for (const [k, v] of Object.entries((node.properties ?? {}) as Record<string, unknown>)) walk(v, [...path, k]);
      };
      walk(servedSchema, []);
    }
    assert.ok(lists > 50, `walked ${lists} lists`);
    assert.deepEqual(mismatches, []);
  });
});
