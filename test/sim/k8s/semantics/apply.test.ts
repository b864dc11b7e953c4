import { strict as assert } from 'node:assert';
import * as fc from 'fast-check';
import type { KubeObject } from '../types';
import { StatusError } from '../types';
import { fieldPaths, fieldsV1Of, recordUpdate, serverSideApply } from './apply';
import { applyDefaults } from './defaults';
import { builtinSchemaInfo, schemaInfoFromOpenAPI } from './listSemantics';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const schema = builtinSchemaInfo({ group: 'apps', version: 'v1', kind: 'Deployment' });
const T0 = '2026-01-01T10:00:00Z';
const T1 = '2026-01-01T10:05:00Z';
const T2 = '2026-01-01T10:10:00Z';

interface Opts { replicas?: number; sidecar?: boolean; labels?: Record<string, string>; image?: string }

function manifest(o: Opts = {}): KubeObject {
  const containers: Any[] = [{ name: 'nginx', image: o.image ?? 'nginx:1.27', ports: [{ containerPort: 80 }, { containerPort: 443 }] }];
  if (o.sidecar !== false) containers.push({ name: 'sidecar', image: 'busybox:1', ports: [{ containerPort: 9090, name: 'metrics' }] });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', labels: o.labels ?? { app: 'web' } },
    spec: {
      ...(o.replicas !== undefined ? { replicas: o.replicas } : {}),
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers } },
    },
  };
}

const apply = (live: Any | undefined, applied: KubeObject, manager = 'kubectl', now = T0, force = false): Any =>
  serverSideApply({ live: live as KubeObject | undefined, applied, manager, force, schema, now });

const entry = (o: Any, manager: string): Any | undefined => (o as KubeObject).metadata.managedFields?.find((e) => e.manager === manager);

describe('semantics/apply', () => {
  it('records the applied field set in FieldsV1 the way the apiserver does', () => {
    const out = apply(undefined, manifest({ replicas: 2 }));
    assert.equal(out.metadata.managedFields?.length, 1);
    const e = entry(out, 'kubectl');
    assert.equal(e?.operation, 'Apply');
    assert.equal(e?.apiVersion, 'apps/v1');
    assert.equal(e?.time, T0);
    assert.equal(e?.fieldsType, 'FieldsV1');
    assert.deepEqual(e?.fieldsV1, {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"nginx"}': {
                '.': {},
                'f:image': {},
                'f:name': {},
                'f:ports': {
                  'k:{"containerPort":443,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} },
                  'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} },
                },
              },
              'k:{"name":"sidecar"}': {
                '.': {},
                'f:image': {},
                'f:name': {},
                'f:ports': { 'k:{"containerPort":9090,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:name': {} } },
              },
            },
          },
        },
      },
    });
    assert.ok(fieldPaths(e?.fieldsV1).includes('.spec.template.spec.containers[name="sidecar"].ports[containerPort=9090,protocol="TCP"].name'));
  });

  it('is idempotent: applying the same manifest twice changes nothing, not even the time', () => {
    const once = apply(undefined, manifest({ replicas: 2 }));
    const twice = apply(once, manifest({ replicas: 2 }), 'kubectl', T1);
    assert.deepEqual(twice, once);
  });

  it('removes fields the manager stopped applying, and takes back list items', () => {
    const once = applyDefaults(apply(undefined, manifest({ replicas: 2, labels: { app: 'web', tier: 'front' } })) as KubeObject);
    const less = apply(once, manifest({ sidecar: false }), 'kubectl', T1) as Any;
    assert.deepEqual(less.spec.template.spec.containers.map((c: Any) => c.name), ['nginx']);
    assert.equal(less.spec.replicas, undefined, 'replicas was only owned by this applier');
    assert.deepEqual(less.metadata.labels, { app: 'web' });
    assert.ok(!fieldPaths(entry(less, 'kubectl')?.fieldsV1).some((p) => p.includes('sidecar')));
    // Defaulted fields nobody applied stay (the applier never owned them).
    assert.equal(less.spec.template.spec.containers[0].terminationMessagePath, '/dev/termination-log');
  });

  it('keeps a field another manager also owns when the applier drops it', () => {
    const a = apply(undefined, manifest({ replicas: 2 }), 'argocd-controller');
    const b = apply(a, manifest({ replicas: 2 }), 'kubectl', T1);
    assert.ok(fieldPaths(entry(b, 'kubectl')?.fieldsV1).includes('.spec.replicas'), 'same value: shared ownership, no conflict');
    const c = apply(b, manifest({}), 'kubectl', T2) as Any;
    assert.equal(c.spec.replicas, 2);
    assert.ok(!fieldPaths(entry(c, 'kubectl')?.fieldsV1).includes('.spec.replicas'));
  });

  it('answers a conflict with the apiserver message and causes, and force takes the field', () => {
    // kubectl create / client-side apply: an Update by "kubectl-client-side-apply".
    const created = applyDefaults(manifest({ replicas: 2 }));
    created.metadata.managedFields = recordUpdate({ before: undefined, after: created, manager: 'kubectl-client-side-apply', schema, now: T0, apiVersion: 'apps/v1' });
    assert.throws(
      () => apply(created, manifest({ replicas: 3 }), 'kubectl', T1),
      (e: unknown) => {
        assert.ok(e instanceof StatusError);
        assert.equal(e.code, 409);
        assert.equal(e.reason, 'Conflict');
        assert.equal(e.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
        assert.deepEqual(e.details?.causes, [{ type: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }]);
        return true;
      },
    );
    assert.throws(
      () => apply(created, manifest({ replicas: 3, image: 'nginx:1.28' }), 'kubectl', T1),
      (e: unknown) =>
        e instanceof StatusError &&
        e.message ===
          'Apply failed with 2 conflicts: conflicts with "kubectl-client-side-apply" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image' &&
        e.details?.causes?.length === 2,
    );
    const forced = apply(created, manifest({ replicas: 3 }), 'kubectl', T1, true) as Any;
    assert.equal(forced.spec.replicas, 3);
    assert.ok(fieldPaths(entry(forced, 'kubectl')?.fieldsV1).includes('.spec.replicas'));
    assert.ok(!fieldPaths(entry(forced, 'kubectl-client-side-apply')?.fieldsV1).includes('.spec.replicas'));
    // Unchanged values are shared, not conflicts: the old manager keeps the image.
    assert.ok(fieldPaths(entry(forced, 'kubectl-client-side-apply')?.fieldsV1).includes('.spec.template.spec.containers[name="nginx"].image'));
    assert.deepEqual(forced.metadata.managedFields.map((e: Any) => [e.manager, e.operation]), [['kubectl', 'Apply'], ['kubectl-client-side-apply', 'Update']]);
  });

  it('records Update ownership with "." on maps and lists the write created, like kubectl create', () => {
    const created = applyDefaults(manifest({ replicas: 2 }));
    const mf = recordUpdate({ before: undefined, after: created, manager: 'kubectl-create', schema, now: T0, apiVersion: 'apps/v1' });
    assert.equal(mf.length, 1);
    const f = mf[0]?.fieldsV1 as Any;
    assert.deepEqual(f['f:metadata'], { 'f:labels': { '.': {}, 'f:app': {} } });
    assert.equal(f['f:spec']['.'], undefined, 'spec exists in the Go zero value');
    assert.deepEqual(f['f:spec']['f:strategy'], { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} }, 'f:type': {} });
    assert.deepEqual(f['f:spec']['f:selector'], {});
    const nginx = f['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"nginx"}'];
    assert.deepEqual(nginx['.'], {});
    assert.deepEqual(nginx['f:ports']['.'], {});
    assert.deepEqual(nginx['f:resources'], {});
    assert.deepEqual(nginx['f:imagePullPolicy'], {});
    assert.equal(f['f:spec']['f:template']['f:spec']['f:containers']['.'], undefined);
    assert.deepEqual(f['f:spec']['f:template']['f:spec']['f:securityContext'], {});
    assert.equal((f['f:metadata'] as Any)['f:name'], undefined, 'name is not tracked');
  });

  it('moves a changed field from its owner to the writer and drops owners left with nothing', () => {
    const created = applyDefaults(manifest({ replicas: 2 }));
    created.metadata.managedFields = recordUpdate({ before: undefined, after: created, manager: 'kubectl-create', schema, now: T0, apiVersion: 'apps/v1' });
    const scaled = clone(created);
    scaled.spec.replicas = 5;
    const mf = recordUpdate({ before: created, after: scaled, manager: 'hpa', schema, now: T1, apiVersion: 'apps/v1', subresource: 'scale' });
    const hpa = mf.find((e) => e.manager === 'hpa');
    assert.deepEqual(hpa?.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
    assert.equal(hpa?.subresource, 'scale');
    assert.equal(hpa?.time, T1);
    assert.ok(!fieldPaths(mf.find((e) => e.manager === 'kubectl-create')?.fieldsV1).includes('.spec.replicas'));
    // A no-op write leaves managedFields as they were.
    const same = recordUpdate({ before: scaled as KubeObject, after: scaled as KubeObject, manager: 'other', schema, now: T2, apiVersion: 'apps/v1' });
    assert.deepEqual(same, scaled.metadata.managedFields ?? created.metadata.managedFields);
    // A manager whose only field is removed disappears.
    scaled.metadata.managedFields = mf;
    const unscaled = clone(scaled);
    delete unscaled.spec.replicas;
    const after = recordUpdate({ before: scaled as KubeObject, after: unscaled as KubeObject, manager: 'kubectl-edit', schema, now: T2, apiVersion: 'apps/v1' });
    assert.equal(after.find((e) => e.manager === 'hpa'), undefined);
  });

  it('tracks only status for the status subresource (status is in the Go zero value: no ".")', () => {
    const before = applyDefaults(manifest({ replicas: 2 }));
    const after = { ...clone(before), status: { replicas: 2, conditions: [{ type: 'Available', status: 'True' }] } } as KubeObject;
    const mf = recordUpdate({ before, after, manager: 'kube-controller-manager', schema, now: T0, apiVersion: 'apps/v1', subresource: 'status' });
    assert.deepEqual(mf[0]?.fieldsV1, { 'f:status': { 'f:conditions': { '.': {}, 'k:{"type":"Available"}': { '.': {}, 'f:status': {}, 'f:type': {} } }, 'f:replicas': {} } });
  });

  it('uses x-kubernetes-list-type from a CRD schema for set lists and keys', () => {
    const crd = schemaInfoFromOpenAPI({
      type: 'object',
      properties: {
        spec: { type: 'object', properties: { hosts: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' }, args: { type: 'array', items: { type: 'string' } } } },
      },
    });
    const cr = (hosts: string[]): KubeObject => ({ apiVersion: 'example.com/v1', kind: 'Site', metadata: { name: 's' }, spec: { hosts, args: ['-v'] } });
    assert.deepEqual(fieldsV1Of(cr(['a', 'b']), crd), { 'f:spec': { 'f:args': {}, 'f:hosts': { 'v:"a"': {}, 'v:"b"': {} } } });
    const a = serverSideApply({ live: undefined, applied: cr(['a']), manager: 'one', force: false, schema: crd, now: T0 });
    const b = serverSideApply({ live: a, applied: cr(['b']), manager: 'two', force: false, schema: crd, now: T1 }) as Any;
    assert.deepEqual(b.spec.hosts, ['a', 'b'], 'sets merge by value across managers');
  });

  it('properties: apply is idempotent, and re-applying fewer containers removes the others', () => {
    const names = fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(names, fc.integer({ min: 0, max: 5 }), fc.nat(), (all, replicas, cut) => {
        const mk = (ns: string[]): KubeObject => ({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'w' },
          spec: { replicas, template: { spec: { containers: ns.map((n) => ({ name: n, image: `${n}:1`, ports: [{ containerPort: 8000 + n.charCodeAt(0) }] })) } } },
        });
        const first = apply(undefined, mk(all));
        assert.deepEqual(apply(first, mk(all), 'kubectl', T1), first);
        const fewer = all.slice(0, (cut % all.length) + 1);
        const second = apply(first, mk(fewer), 'kubectl', T1) as Any;
        assert.deepEqual(second.spec.template.spec.containers.map((c: Any) => c.name), fewer);
      }),
    );
  });
});

function clone<T>(v: T): T & Any {
  return JSON.parse(JSON.stringify(v)) as T & Any;
}
