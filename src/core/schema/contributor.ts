/**
 * Red Hat's YAML extension (`redhat.vscode-yaml`) runs its own yaml-language-server. When it is
 * installed we hand it our schemas through the API it exports and start no server of our own, so a
 * problem is never reported twice. Its API (vscode-yaml `src/schema-extension-api.ts`):
 * `registerContributor(schema, requestSchema, requestSchemaContent, label?)`: `schema` is a URI scheme;
 * `requestSchema(resource)` returns a schema URI for a file or undefined, and vscode-yaml routes the
 * content request of a URI whose scheme is `schema` to `requestSchemaContent(uri)`.
 */
import { SCHEMA_SCHEME, type SchemaRegistry } from './registry';

export const REDHAT_YAML_EXTENSION_ID = 'redhat.vscode-yaml';

export interface YamlExtensionApi {
  registerContributor(
    schema: string,
    requestSchema: (resource: string) => string | undefined,
    requestSchemaContent: (uri: string) => Promise<string> | string,
    label?: string,
  ): boolean;
}

export function isYamlExtensionApi(exports: unknown): exports is YamlExtensionApi {
  return typeof exports === 'object' && exports !== null && typeof (exports as { registerContributor?: unknown }).registerContributor === 'function';
}

/** Who validates Kubernetes YAML: Red Hat's server fed with our schemas, or our own server. */
export type SchemaHost = { readonly kind: 'redhat'; readonly api: YamlExtensionApi } | { readonly kind: 'own' };

/** `exports` of redhat.vscode-yaml once activated, or undefined when it is not installed. */
export function chooseSchemaHost(redhatExports: unknown): SchemaHost {
  return isYamlExtensionApi(redhatExports) ? { kind: 'redhat', api: redhatExports } : { kind: 'own' };
}

export interface SchemaProviderFunctions {
  requestSchema(resource: string): string | undefined;
  requestSchemaContent(uri: string): string;
}

/** The two functions a YAML server calls; `textOf(resource)` is the open document's current text. */
export function schemaProviderFunctions(registry: SchemaRegistry, textOf: (resource: string) => string | undefined): SchemaProviderFunctions {
  return {
    requestSchema: (resource) => {
      const text = textOf(resource);
      return text === undefined ? undefined : registry.schemaUriFor(text);
    },
    requestSchemaContent: (uri) => {
      const content = registry.contentFor(uri);
      // yaml-language-server reports a schema that fails to load on the document; an empty schema
      // (a URI from before a cluster layer went away) validates nothing instead.
      return content ?? '{}';
    },
  };
}

/** Registers our schemas with Red Hat YAML; false if it refused. */
export function registerWithYamlExtension(api: YamlExtensionApi, fns: SchemaProviderFunctions): boolean {
  return api.registerContributor(SCHEMA_SCHEME, fns.requestSchema, fns.requestSchemaContent, 'GitOps Lens');
}
