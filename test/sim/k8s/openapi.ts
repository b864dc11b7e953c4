/**
 * OpenAPI v3: the index at /openapi/v3 and one document per group-version, shaped like the API
 * server's (paths with x-kubernetes-group-version-kind / x-kubernetes-action, components.schemas with
 * x-kubernetes-group-version-kind). kubectl reads these for `explain`, for the fieldValidation support
 * probe before apply/create (it looks for the PATCH operation's `fieldValidation` query parameter) and
 * for strategic-merge metadata.
 */
import { createHash } from 'node:crypto';
import type { Registry, ServedType } from './registry';
import { apiVersionOf } from './registry';

type Json = Record<string, unknown>;

const groupPackages: Record<string, string> = {
  '': 'io.k8s.api.core',
  apps: 'io.k8s.api.apps',
  batch: 'io.k8s.api.batch',
  'networking.k8s.io': 'io.k8s.api.networking',
  'apiextensions.k8s.io': 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions',
};

/** Definition name the API server uses: io.k8s.api.apps.v1.Deployment, or reversed group for CRDs (io.argoproj.v1alpha1.Application). */
function definitionName(t: ServedType): string {
  const pkg = t.builtin ? groupPackages[t.group] : undefined;
  const prefix = pkg ?? t.group.split('.').reverse().join('.');
  return `${prefix}.${t.version}.${t.kind}`;
}

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

const qp = (name: string, description: string, type = 'string'): Json => ({ name, in: 'query', description, schema: { type, uniqueItems: true } });
const pathParam = (name: string): Json => ({ name, in: 'path', required: true, description: `${name} of the resource`, schema: { type: 'string', uniqueItems: true } });
const writeParams = [
  qp('dryRun', 'When present, indicates that modifications should not be persisted.'),
  qp('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  qp('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields.'),
];
const listParams = ['allowWatchBookmarks', 'continue', 'fieldSelector', 'labelSelector', 'limit', 'resourceVersion', 'resourceVersionMatch', 'sendInitialEvents', 'timeoutSeconds', 'watch']
  .map((n) => qp(n, n, ['limit', 'timeoutSeconds'].includes(n) ? 'integer' : ['watch', 'allowWatchBookmarks', 'sendInitialEvents'].includes(n) ? 'boolean' : 'string'));

function op(t: ServedType, action: string, verb: string, ref: string, extra: Json = {}, gvk: Json = { group: t.group, version: t.version, kind: t.kind }): Json {
  return {
    description: `${action} ${t.kind}`,
    operationId: `${verb}${t.kind}`,
    responses: { '200': { description: 'OK', content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } }, '401': { description: 'Unauthorized' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
    ...extra,
  };
}

const patchBody = (t: ServedType, ref: string): Json => ({
  requestBody: {
    content: Object.fromEntries(
      ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', ...(t.builtin ? ['application/strategic-merge-patch+json'] : [])]
        .map((ct) => [ct, { schema: { $ref: `#/components/schemas/${ref}` } }]),
    ),
    required: true,
  },
});

/** The schema of a kind as published: CRD schemas get apiVersion/kind/metadata filled in like apiextensions does. */
function publishedSchema(t: ServedType): Json {
  const base: Json = t.schema ? structuredClone(t.schema) : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  if (!t.builtin) {
    const props = { ...((base.properties ?? {}) as Json) };
    props.apiVersion = { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object.' };
    props.kind = { type: 'string', description: 'Kind is a string value representing the REST resource this object represents.' };
    props.metadata = { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' };
    base.properties = props;
    base.type = 'object';
  }
  base['x-kubernetes-group-version-kind'] = [{ group: t.group, kind: t.kind, version: t.version }];
  return base;
}

export function groupVersionDocument(reg: Registry, group: string, version: string): Json | undefined {
  const types = reg.all().filter((t) => t.group === group && t.version === version);
  if (!types.length) return undefined;
  const paths: Json = {};
  const schemas: Json = {
    'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
      description: 'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
      type: 'object', properties: { name: { type: 'string' }, namespace: { type: 'string' }, labels: { type: 'object', additionalProperties: { type: 'string', default: '' } }, annotations: { type: 'object', additionalProperties: { type: 'string', default: '' } }, resourceVersion: { type: 'string' }, uid: { type: 'string' }, generation: { type: 'integer', format: 'int64' }, creationTimestamp: { type: 'string', format: 'date-time' }, managedFields: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
    },
    'io.k8s.apimachinery.pkg.apis.meta.v1.Status': { type: 'object', 'x-kubernetes-group-version-kind': [{ group: '', kind: 'Status', version: 'v1' }] },
    'io.k8s.api.autoscaling.v1.Scale': { type: 'object', properties: { spec: { type: 'object', properties: { replicas: { type: 'integer', format: 'int32' } } }, status: { type: 'object' } }, 'x-kubernetes-group-version-kind': [{ group: 'autoscaling', kind: 'Scale', version: 'v1' }] },
  };
  const root = `/${gvPath(group, version)}`;
  for (const t of types) {
    const ref = definitionName(t);
    schemas[ref] = publishedSchema(t);
    schemas[`${ref.replace(/\.[^.]+$/, '')}.${t.listKind}`] = {
      type: 'object', properties: { items: { type: 'array', items: { $ref: `#/components/schemas/${ref}` } } },
      'x-kubernetes-group-version-kind': [{ group: t.group, kind: t.listKind, version: t.version }],
    };
    const nsPrefix = t.namespaced ? `${root}/namespaces/{namespace}` : root;
    const nsParams = t.namespaced ? [pathParam('namespace')] : [];
    paths[`${nsPrefix}/${t.plural}`] = {
      get: op(t, 'list', 'list', ref, { parameters: listParams }),
      post: op(t, 'post', 'create', ref, { parameters: writeParams }),
      delete: op(t, 'deletecollection', 'deleteCollection', ref),
      parameters: nsParams,
    };
    if (t.namespaced) paths[`${root}/${t.plural}`] = { get: op(t, 'list', 'list', ref, { parameters: listParams }) };
    paths[`${nsPrefix}/${t.plural}/{name}`] = {
      get: op(t, 'get', 'read', ref),
      put: op(t, 'put', 'replace', ref, { parameters: writeParams }),
      patch: op(t, 'patch', 'patch', ref, { parameters: [...writeParams, qp('force', 'Force is going to "force" Apply requests.', 'boolean')], ...patchBody(t, ref) }),
      delete: op(t, 'delete', 'delete', ref),
      parameters: [pathParam('name'), ...nsParams],
    };
    for (const s of t.subresources) {
      const sref = s === 'scale' ? 'io.k8s.api.autoscaling.v1.Scale' : ref;
      const gvk = s === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : undefined;
      paths[`${nsPrefix}/${t.plural}/{name}/${s}`] = {
        get: op(t, 'get', `read${s}`, sref, {}, gvk),
        put: op(t, 'put', `replace${s}`, sref, { parameters: writeParams }, gvk),
        patch: op(t, 'patch', `patch${s}`, sref, { parameters: [...writeParams, qp('force', 'force', 'boolean')], ...patchBody(t, sref) }, gvk),
        parameters: [pathParam('name'), ...nsParams],
      };
    }
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas } };
}

function hashOf(doc: unknown): string {
  return createHash('sha512').update(JSON.stringify(doc)).digest('hex').toUpperCase();
}

export function openApiIndex(reg: Registry): Json {
  const paths: Json = {};
  const gvs = new Set(reg.all().map((t) => apiVersionOf(t.group, t.version)));
  for (const gv of [...gvs].sort()) {
    const [group, version] = gv.includes('/') ? (gv.split('/') as [string, string]) : ['', gv];
    const doc = groupVersionDocument(reg, group, version);
    const p = gvPath(group, version);
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hashOf(doc)}` };
  }
  return { paths };
}
