/**
 * Makes yaml-language-server resolve each of our schema URIs once instead of once per document.
 *
 * yaml-language-server 1.25 validates a multi-document file document by document, and for each one
 * `YAMLSchemaService.getSchemaForResource` asks the custom schema provider for the file's schema URI
 * and then calls `resolveCustomSchema(uri)`, which loads the content (in the server: a
 * `custom/schema/content` round trip to the extension carrying the whole schema), parses the JSON and
 * resolves every `$ref`, with no cache (languageservice/services/yamlSchemaService.ts). Schemas
 * associated any other way (settings, modeline, `$schema`) go through a `SchemaHandle` that keeps the
 * resolved schema until the configuration changes. On a 1,000-document file the uncached path was
 * almost all of the 16–49 s a validation took (bench/yamlValidation.bench.ts).
 *
 * Our URIs name their content exactly (`gitops-lens-schema://kinds/<generation>/<kinds>.json`, see
 * src/core/schema/registry.ts: the generation changes whenever a cluster layer does), so the resolved
 * schema of a URI can be kept as long as the service keeps its handles. We route our URIs through
 * the same handle the other association paths use; other URIs keep the original behaviour.
 */
import { SCHEMA_SCHEME } from '../../core/schema/registry';

/** The private members of yaml-language-server's YAMLSchemaService this relies on. */
interface SchemaServiceInternals {
  resolveCustomSchema(uri: string, doc: unknown): Promise<unknown>;
  getOrAddSchemaHandle(id: string): { getResolvedSchema(): Promise<unknown> | unknown };
  finalizeResolvedSchema(schema: unknown, uri: string, doc: unknown, includeErrorsForSequence: boolean): unknown;
}

const PATCHED = Symbol.for('gitops-lens.customSchemaCache');

/**
 * Patches `YAMLSchemaService.prototype` (the class of the module instance the service or server in
 * this process uses: CommonJS `out/server/src/…` in-process, `lib/esm/…` in dist/yamlServer.js).
 * Returns false if the class no longer has the members we expect (a yaml-language-server upgrade):
 * validation then still works, only uncached.
 */
export function cacheCustomSchemaResolution(schemaServiceClass: { prototype: object }): boolean {
  const proto = schemaServiceClass.prototype as Partial<SchemaServiceInternals> & { [PATCHED]?: true };
  if (proto[PATCHED]) return true;
  const original = proto.resolveCustomSchema;
  if (typeof original !== 'function' || typeof proto.getOrAddSchemaHandle !== 'function' || typeof proto.finalizeResolvedSchema !== 'function') return false;
  proto.resolveCustomSchema = async function (this: SchemaServiceInternals, uri: string, doc: unknown): Promise<unknown> {
    if (!uri.startsWith(`${SCHEMA_SCHEME}:`)) return original.call(this, uri, doc);
    // `getOrAddSchemaHandle` keys by the normalized id the way the settings path does; a handle that
    // failed to load retries after yaml-language-server's FAILED_SCHEMA_CACHE_MS.
    const resolved = await this.getOrAddSchemaHandle(uri).getResolvedSchema();
    return this.finalizeResolvedSchema(resolved, uri, doc, true);
  };
  proto[PATCHED] = true;
  return true;
}
