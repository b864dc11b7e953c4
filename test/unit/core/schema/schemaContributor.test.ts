/**
 * Red Hat YAML coexistence (issue 7): when redhat.vscode-yaml is installed its exported API gets our
 * schemas and we run no server. The fake below implements that API the way vscode-yaml does
 * (`src/schema-extension-api.ts`): contributors keyed by scheme, `requestCustomSchema(resource)` asks
 * every contributor, a content request goes to the contributor registered for the URI's scheme.
 */
import * as assert from 'node:assert/strict';
import { chooseSchemaHost, isYamlExtensionApi, registerWithYamlExtension, schemaProviderFunctions, type YamlExtensionApi } from '../../../../src/core/schema/contributor';
import { SCHEMA_SCHEME, SchemaRegistry } from '../../../../src/core/schema/registry';
import { readBuiltinLayer } from '../../../../src/infra/schema/builtinBundle';
import { REPO_ROOT } from '../../../support/paths';

class VscodeYamlSchemaApi implements YamlExtensionApi {
  private readonly contributors = new Map<string, { requestSchema: (r: string) => string | undefined; requestSchemaContent: (u: string) => Promise<string> | string; label?: string }>();

  registerContributor(schema: string, requestSchema: (r: string) => string | undefined, requestSchemaContent: (u: string) => Promise<string> | string, label?: string): boolean {
    if (this.contributors.has(schema)) return false;
    this.contributors.set(schema, { requestSchema, requestSchemaContent, ...(label ? { label } : {}) });
    return true;
  }

  requestCustomSchema(resource: string): string[] {
    return [...this.contributors.values()].map((c) => c.requestSchema(resource)).filter((u): u is string => u !== undefined);
  }

  async requestCustomSchemaContent(uri: string): Promise<string | undefined> {
    const scheme = uri.slice(0, uri.indexOf(':'));
    return this.contributors.get(scheme)?.requestSchemaContent(uri);
  }

  labels(): Array<string | undefined> {
    return [...this.contributors.values()].map((c) => c.label);
  }
}

describe('schema: Red Hat YAML coexistence', () => {
  const files = new Map<string, string>([
    ['file:///repo/app.yaml', 'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\n'],
    ['file:///repo/.github/workflows/ci.yaml', 'name: ci\non: [push]\n'],
  ]);

  it('uses Red Hat YAML when its API is exported, our own server otherwise', () => {
    const api = new VscodeYamlSchemaApi();
    assert.ok(isYamlExtensionApi(api));
    assert.equal(chooseSchemaHost(api).kind, 'redhat');
    assert.equal(chooseSchemaHost(undefined).kind, 'own');
    assert.equal(chooseSchemaHost({ registerContributor: 'no' }).kind, 'own');
    assert.equal(chooseSchemaHost({}).kind, 'own');
  });

  it('answers vscode-yaml schema and content requests for Kubernetes files only', async () => {
    const api = new VscodeYamlSchemaApi();
    const registry = new SchemaRegistry(() => readBuiltinLayer(REPO_ROOT));
    assert.ok(registerWithYamlExtension(api, schemaProviderFunctions(registry, (r) => files.get(r))));
    assert.deepEqual(api.labels(), ['GitOps Lens']);

    const [uri, ...more] = api.requestCustomSchema('file:///repo/app.yaml');
    assert.deepEqual(more, []);
    assert.ok(uri?.startsWith(`${SCHEMA_SCHEME}://`), uri);
    assert.ok(uri);
    const schema = JSON.parse((await api.requestCustomSchemaContent(uri)) ?? 'null') as { allOf: Array<{ if: { properties: { kind: { const: string } } } }> };
    assert.equal(schema.allOf[0]?.if.properties.kind.const, 'Application');

    assert.deepEqual(api.requestCustomSchema('file:///repo/.github/workflows/ci.yaml'), []);
    assert.deepEqual(api.requestCustomSchema('file:///not/open.yaml'), []);
    // A URI from before a layer change still gets a (permissive) schema rather than a load error.
    assert.equal(await api.requestCustomSchemaContent(`${SCHEMA_SCHEME}://kinds/9/example.com~v1~Gone.json`), '{}');
  });
});
