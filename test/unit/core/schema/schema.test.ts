/**
 * Schemas matched by apiVersion + kind per document (issue 7): the kind scan, the composed per-file
 * schema, cluster OpenAPI v3 layers taking precedence, and yaml-language-server validating,
 * completing and hovering with them in-process (the same service the extension's server runs).
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { LanguageService } from 'yaml-language-server';
import { documentKinds, distinctKinds } from '../../../../src/core/schema/kinds';
import { composeSchema, type SchemaLayer } from '../../../../src/core/schema/layers';
import { layerFromOpenApi, openApiDocumentUrls } from '../../../../src/core/schema/openApi';
import { SCHEMA_SCHEME, SchemaRegistry } from '../../../../src/core/schema/registry';
import { readBuiltinLayer } from '../../../../src/infra/schema/builtinBundle';
import { createYamlService } from '../../../../src/infra/schema/yamlService';
import { REPO_ROOT } from '../../../support/paths';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'yaml');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

let builtin: SchemaLayer | undefined;
const builtinLayer = () => (builtin ??= readBuiltinLayer(REPO_ROOT));

function service(registry: SchemaRegistry): { ls: LanguageService; open: (uri: string, text: string) => TextDocument } {
  const docs = new Map<string, TextDocument>();
  const ls = createYamlService(registry, (uri) => docs.get(uri)?.getText());
  return {
    ls,
    open: (uri, text) => {
      const d = TextDocument.create(uri, 'yaml', 1, text);
      docs.set(uri, d);
      return d;
    },
  };
}

/** Line/character of the first occurrence of `needle` in `text`. */
function positionOf(text: string, needle: string): { line: number; character: number } {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, `${needle} not in text`);
  const before = text.slice(0, i).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}

describe('schema: kinds per document', () => {
  it('reads apiVersion and kind of each document, skipping documents without both', () => {
    assert.deepEqual(documentKinds(fixture('mixed.yaml')), [
      { apiVersion: 'apps/v1', kind: 'Deployment' },
      { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' },
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application' },
      undefined,
    ]);
    assert.deepEqual(documentKinds(fixture('workflow.yaml')), [undefined]);
  });

  it('accepts quoted scalars and comments, ignores nested keys, Helm actions and empty documents', () => {
    const text = [
      '---',
      '# only a comment',
      '---',
      'apiVersion: "v1"  # core',
      "kind: 'ConfigMap'",
      'data:',
      '  kind: Nested',
      '---',
      'apiVersion: apps/v1',
      'kind: {{ .Values.kind }}',
      '...',
      'apiVersion: v1\r',
      'kind: Secret\r',
    ].join('\n');
    assert.deepEqual(documentKinds(text), [{ apiVersion: 'v1', kind: 'ConfigMap' }, undefined, { apiVersion: 'v1', kind: 'Secret' }]);
    assert.deepEqual(distinctKinds('apiVersion: v1\nkind: A\n---\nkind: A\napiVersion: v1\n'), [{ apiVersion: 'v1', kind: 'A' }]);
  });
});

describe('schema: offline bundle and composition', () => {
  it('covers the core groups and every Argo CD and Flux kind people author', () => {
    const kinds = builtinLayer().kinds;
    for (const key of [
      'v1/ConfigMap', 'v1/Secret', 'v1/Service', 'v1/Namespace', 'v1/Pod', 'v1/ServiceAccount', 'v1/PersistentVolumeClaim',
      'apps/v1/Deployment', 'apps/v1/StatefulSet', 'apps/v1/DaemonSet', 'batch/v1/Job', 'batch/v1/CronJob',
      'networking.k8s.io/v1/Ingress', 'networking.k8s.io/v1/NetworkPolicy', 'rbac.authorization.k8s.io/v1/ClusterRole',
      'rbac.authorization.k8s.io/v1/RoleBinding', 'policy/v1/PodDisruptionBudget', 'autoscaling/v2/HorizontalPodAutoscaler',
      'apiextensions.k8s.io/v1/CustomResourceDefinition',
      'argoproj.io/v1alpha1/Application', 'argoproj.io/v1alpha1/ApplicationSet', 'argoproj.io/v1alpha1/AppProject',
      'kustomize.toolkit.fluxcd.io/v1/Kustomization', 'helm.toolkit.fluxcd.io/v2/HelmRelease',
      'source.toolkit.fluxcd.io/v1/GitRepository', 'source.toolkit.fluxcd.io/v1/OCIRepository', 'source.toolkit.fluxcd.io/v1beta2/OCIRepository',
      'source.toolkit.fluxcd.io/v1/HelmRepository', 'source.toolkit.fluxcd.io/v1/Bucket', 'source.toolkit.fluxcd.io/v1/HelmChart',
      'notification.toolkit.fluxcd.io/v1beta3/Alert', 'notification.toolkit.fluxcd.io/v1beta3/Provider', 'notification.toolkit.fluxcd.io/v1/Receiver',
      'image.toolkit.fluxcd.io/v1beta2/ImagePolicy', 'image.toolkit.fluxcd.io/v1beta2/ImageRepository', 'image.toolkit.fluxcd.io/v1beta2/ImageUpdateAutomation',
    ]) {
      assert.ok(kinds.has(key), `${key} missing from the offline bundle`);
    }
  });

  it('composes one if/then per known kind with only the definitions they reach', () => {
    const schema = composeSchema([builtinLayer()], [
      { apiVersion: 'v1', kind: 'ConfigMap' },
      { apiVersion: 'example.com/v1', kind: 'Unknown' },
    ]);
    assert.ok(schema);
    const allOf = schema.allOf as Array<{ if: { properties: Record<string, { const: string }> }; then: { $ref: string } }>;
    assert.equal(allOf.length, 1);
    assert.equal(allOf[0]?.if.properties.kind?.const, 'ConfigMap');
    const defs = Object.keys(schema.definitions as object);
    assert.ok(defs.includes(allOf[0]!.then.$ref.replace('#/definitions/', '')));
    assert.ok(defs.some((d) => d.endsWith('ObjectMeta')));
    assert.ok(!defs.some((d) => d.includes('PodSpec')), 'a ConfigMap does not reach PodSpec');
    assert.equal(composeSchema([builtinLayer()], [{ apiVersion: 'example.com/v1', kind: 'Unknown' }]), undefined);
  });

  it('keeps descriptions beside $ref, never in allOf/anyOf/oneOf wrappers that every node would evaluate', () => {
    const wrappers: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}/${i}`));
      if (node === null || typeof node !== 'object') return;
      for (const [k, v] of Object.entries(node)) {
        // Keys of these maps are field names (JSONSchemaProps has fields called allOf and anyOf).
        if (k === 'properties' || k === 'definitions') {
          for (const [name, sub] of Object.entries(v as object)) walk(sub, `${at}/${k}/${name}`);
          continue;
        }
        if ((k === 'allOf' || k === 'oneOf') || (k === 'anyOf' && (v as unknown[]).some((x) => typeof x === 'object' && x !== null && '$ref' in x))) wrappers.push(`${at}/${k}`);
        walk(v, `${at}/${k}`);
      }
    };
    const layer = builtinLayer();
    walk(layer.definitions, '');
    assert.deepEqual(wrappers, []);
    const spec = layer.definitions[layer.kinds.get('apps/v1/Deployment')!]!.properties as Record<string, Record<string, unknown>>;
    assert.equal(spec.spec?.$ref, '#/definitions/IoK8sApiAppsV1DeploymentSpec');
    assert.match(String(spec.spec?.description), /desired behavior of the Deployment/);
  });

  it('accepts null for Time fields (creationTimestamp: null, as kubectl prints an unset metav1.Time)', () => {
    const meta = builtinLayer().definitions.IoK8sApimachineryPkgApisMetaV1ObjectMeta!.properties as Record<string, { type: unknown }>;
    assert.deepEqual(meta.creationTimestamp?.type, ['string', 'null']);
    assert.deepEqual(meta.deletionTimestamp?.type, ['string', 'null']);
    assert.equal(meta.name?.type, 'string');
  });

  it('regenerating from the installed packages gives the committed bundle', async function () {
    this.timeout(120_000);
    const tsx = path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    // Async: a sync child would block nothing here, but keep the house rule.
    const r = await promisify(execFile)(process.execPath, [tsx, path.join(REPO_ROOT, 'scripts', 'generateSchemas.ts'), '--check'], { cwd: REPO_ROOT }).catch(
      (err: { stderr?: string; code?: number }) => ({ stderr: err.stderr ?? String(err), failed: true }),
    );
    assert.ok(!('failed' in r), `schemas/kubernetes.schema.json is stale: ${r.stderr}`);
  });
});

describe('schema: registry URIs and cluster layers', () => {
  const crdDoc = {
    openapi: '3.0.0',
    components: {
      schemas: {
        'com.example.v1.Widget': {
          type: 'object',
          properties: {
            apiVersion: { type: 'string' },
            kind: { type: 'string' },
            metadata: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
            spec: {
              type: 'object',
              required: ['size'],
              properties: { size: { type: 'integer' }, port: { 'x-kubernetes-int-or-string': true }, note: { type: 'string', nullable: true } },
            },
            status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          },
          'x-kubernetes-group-version-kind': [{ group: 'example.com', version: 'v1', kind: 'Widget' }],
        },
        'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': { type: 'object', properties: { name: { type: 'string' } } },
      },
    },
  };

  it('lists group-version documents of the /openapi/v3 index', () => {
    const index = {
      paths: {
        'api/v1': { serverRelativeURL: '/openapi/v3/api/v1?hash=A' },
        'apis/apps/v1': { serverRelativeURL: '/openapi/v3/apis/apps/v1?hash=B' },
        apis: { serverRelativeURL: '/openapi/v3/apis?hash=C' },
        '.well-known/openid-configuration': { serverRelativeURL: '/openapi/v3/.well-known/openid-configuration?hash=D' },
      },
    };
    assert.deepEqual(openApiDocumentUrls(index), ['/openapi/v3/api/v1?hash=A', '/openapi/v3/apis/apps/v1?hash=B']);
  });

  it('converts OpenAPI v3 to draft-07: refs, int-or-string, nullable, closed objects unless unknown fields are kept', () => {
    const layer = layerFromOpenApi([crdDoc], { prefix: 'c0.', label: 'cluster test' });
    assert.equal(layer.kinds.get('example.com/v1/Widget'), 'c0.com.example.v1.Widget');
    const widget = layer.definitions['c0.com.example.v1.Widget'] as { additionalProperties: unknown; properties: Record<string, Record<string, unknown>> };
    assert.equal(widget.additionalProperties, false);
    assert.equal(widget.properties.metadata?.$ref, '#/definitions/c0.io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    const spec = widget.properties.spec as { properties: Record<string, Record<string, unknown>> };
    assert.deepEqual(spec.properties.port?.type, ['integer', 'string']);
    assert.deepEqual(spec.properties.note?.type, ['string', 'null']);
    assert.equal(widget.properties.status?.additionalProperties, undefined);
  });

  it('unwraps the API server\'s allOf:[{$ref}] around annotated fields, and lets meta/v1 Time be null', () => {
    const layer = layerFromOpenApi(
      [
        {
          components: {
            schemas: {
              'com.example.v1.Gadget': {
                type: 'object',
                properties: {
                  metadata: { allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }], default: {}, description: 'Standard object metadata.' },
                  spec: { allOf: [{ $ref: '#/components/schemas/S' }], minProperties: 1 },
                },
              },
              'io.k8s.apimachinery.pkg.apis.meta.v1.Time': { type: 'string', format: 'date-time' },
            },
          },
        },
      ],
      { prefix: 'c0.', label: 'cluster test' },
    );
    const props = (layer.definitions['c0.com.example.v1.Gadget'] as { properties: Record<string, Record<string, unknown>> }).properties;
    assert.deepEqual(props.metadata, { $ref: '#/definitions/c0.io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', default: {}, description: 'Standard object metadata.' });
    // A constraint beside the wrapper stays inside allOf: moving it next to $ref would change its meaning in draft-07.
    assert.deepEqual(props.spec, { allOf: [{ $ref: '#/definitions/c0.S' }], minProperties: 1 });
    assert.deepEqual(layer.definitions['c0.io.k8s.apimachinery.pkg.apis.meta.v1.Time']?.type, ['string', 'null']);
  });

  it('puts cluster layers first, and changes the URI when they change so cached content is not reused', () => {
    const registry = new SchemaRegistry(builtinLayer);
    const text = 'apiVersion: example.com/v1\nkind: Widget\n---\napiVersion: v1\nkind: ConfigMap\n';
    const before = registry.schemaUriFor(text);
    assert.equal(before, `${SCHEMA_SCHEME}://kinds/0/v1~ConfigMap.json`);
    let changed = 0;
    registry.onDidChange(() => changed++);
    registry.setClusterLayer('sim', layerFromOpenApi([crdDoc], { prefix: 'c0.', label: 'cluster sim' }));
    const after = registry.schemaUriFor(text);
    assert.equal(after, `${SCHEMA_SCHEME}://kinds/1/example.com~v1~Widget_v1~ConfigMap.json`);
    assert.equal(changed, 1);
    assert.deepEqual(SchemaRegistry.kindsOf(after!), [
      { apiVersion: 'example.com/v1', kind: 'Widget' },
      { apiVersion: 'v1', kind: 'ConfigMap' },
    ]);
    assert.match(registry.contentFor(after!) ?? '', /cluster sim, offline bundle/);
    assert.equal(registry.contentFor('https://example.test/schema.json'), undefined);
    registry.setClusterLayer('sim', undefined);
    assert.equal(registry.schemaUriFor('apiVersion: example.com/v1\nkind: Widget\n'), undefined);
    assert.equal(changed, 2);
    assert.equal(registry.schemaUriFor(fixture('workflow.yaml')), undefined);
  });
});

describe('schema: yaml-language-server with the composed schemas', function () {
  this.timeout(30_000);

  it('reports a wrong field of a Flux Kustomization at its key, and nothing on valid or non-Kubernetes documents', async () => {
    const { ls, open } = service(new SchemaRegistry(builtinLayer));
    const text = fixture('mixed.yaml');
    const diagnostics = await ls.doValidation(open('file:///repo/mixed.yaml', text), false);
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    const d = diagnostics[0]!;
    assert.match(d.message, /targetNamespce/);
    const at = positionOf(text, 'targetNamespce');
    assert.deepEqual(d.range.start, at);
    assert.deepEqual(d.range.end, { line: at.line, character: at.character + 'targetNamespce'.length });

    const none = await ls.doValidation(open('file:///repo/.github/workflows/ci.yaml', fixture('workflow.yaml')), false);
    assert.deepEqual(none, []);
  });

  it('reports wrong types and enum values, per document', async () => {
    const { ls, open } = service(new SchemaRegistry(builtinLayer));
    const text = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: web}',
      'spec:',
      '  replicas: three',
      '  selector: {}',
      '  template: {}',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: web}',
      'spec:',
      '  type: Sideways',
    ].join('\n');
    const diagnostics = await ls.doValidation(open('file:///repo/two.yaml', text), false);
    const lines = diagnostics.map((d) => d.range.start.line).sort((a, b) => a - b);
    assert.deepEqual(lines, [4, 12], JSON.stringify(diagnostics.map((d) => d.message)));
  });

  it('completes `automated` inside spec.syncPolicy of an Application, and hovers with the field description', async () => {
    const { ls, open } = service(new SchemaRegistry(builtinLayer));
    const text = 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\nspec:\n  syncPolicy:\n    \n';
    const doc = open('file:///repo/app.yaml', text);
    const list = await ls.doComplete(doc, { line: 6, character: 4 }, false);
    const labels = list.items.map((i) => i.label);
    assert.ok(labels.includes('automated'), labels.join(', '));
    assert.ok(labels.includes('syncOptions'));
    assert.ok(!labels.includes('replicas'));

    const hover = await ls.doHover(doc, { line: 5, character: 4 });
    const contents = JSON.stringify(hover?.contents ?? '');
    assert.match(contents, /SyncPolicy controls when and how a sync will be performed/);
  });

  it('validates a kind only a cluster layer knows', async () => {
    const registry = new SchemaRegistry(builtinLayer);
    const { ls, open } = service(registry);
    const text = 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec:\n  size: big\n';
    assert.deepEqual(await ls.doValidation(open('file:///repo/w.yaml', text), false), []);
    registry.setClusterLayer('sim', layerFromOpenApi([{ components: { schemas: { W: { type: 'object', properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, spec: { type: 'object', properties: { size: { type: 'integer' } } } }, 'x-kubernetes-group-version-kind': [{ group: 'example.com', version: 'v1', kind: 'Widget' }] } } } }], { prefix: 'c0.', label: 'cluster sim' }));
    const diagnostics = await ls.doValidation(open('file:///repo/w.yaml', text), false);
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    assert.equal(diagnostics[0]?.range.start.line, 4);
    assert.match(diagnostics[0]?.message ?? '', /integer/i);
  });

  it('accepts creationTimestamp: null and still rejects a number there', async () => {
    const { ls, open } = service(new SchemaRegistry(builtinLayer));
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  creationTimestamp: null\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\n  creationTimestamp: 5\n';
    const diagnostics = await ls.doValidation(open('file:///repo/dry-run.yaml', text), false);
    assert.deepEqual(diagnostics.map((d) => d.range.start.line), [10], JSON.stringify(diagnostics.map((d) => d.message)));
  });

  it('hovers a $ref field with the field\'s own description', async () => {
    const { ls, open } = service(new SchemaRegistry(builtinLayer));
    const doc = open('file:///repo/deploy.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n');
    const hover = JSON.stringify((await ls.doHover(doc, { line: 4, character: 1 }))?.contents ?? '');
    assert.match(hover, /Specification of the desired behavior of the Deployment/);
  });

  it('loads and resolves a file\'s schema once, not once per document, until the URI changes', async () => {
    const requested: string[] = [];
    class CountingRegistry extends SchemaRegistry {
      override contentFor(uri: string): string | undefined {
        requested.push(uri);
        return super.contentFor(uri);
      }
    }
    const registry = new CountingRegistry(builtinLayer);
    const { ls, open } = service(registry);
    const docs = Array.from({ length: 20 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\n`).join('---\n');
    // New file names each time: yaml-language-server caches parses by URI and version, and `open` gives version 1.
    assert.deepEqual(await ls.doValidation(open('file:///repo/many-1.yaml', docs), false), []);
    assert.deepEqual(await ls.doValidation(open('file:///repo/many-2.yaml', docs + '---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: last}\n'), false), []);
    assert.equal(requested.length, 1, requested.join('\n'));
    // A new kind in the file is a new URI, loaded once.
    const withService = docs + '---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {type: Sideways}\n';
    const diagnostics = await ls.doValidation(open('file:///repo/many-3.yaml', withService), false);
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics.map((d) => d.message)));
    assert.equal(requested.length, 2);
    assert.match(requested[1] ?? '', /v1~ConfigMap_v1~Service\.json$/);
  });

  it('lists the documents\' top-level keys as symbols', () => {
    const { ls, open } = service(new SchemaRegistry(builtinLayer));
    const symbols = ls.findDocumentSymbols2(open('file:///repo/mixed.yaml', fixture('mixed.yaml')), {});
    assert.ok(symbols.filter((s) => s.name === 'kind').length >= 3);
  });
});
