/**
 * Keeps alias bombs away from yaml-language-server (issue 12). It builds its syntax tree with each
 * alias converted once and shared, and then walks that tree as a tree: the document outline of a
 * 600-byte billion-laughs ConfigMap grew past 4 GB, and validating a CustomResourceDefinition whose
 * schema `properties` alias each other never finished (measured on 1.25.0). The server would die or
 * spin, and with it completion and validation of every other file.
 *
 * Each text yaml-language-server parses (`YamlDocuments.ensureCache`, languageservice/parser/
 * yaml-documents.ts, the one cache every feature reads) is measured by core/manifest/boundedYaml's
 * rule on the trees it produced; a text over the limits is then served as a text without documents:
 * no outline, no hover, no schema problems. The editor's own diagnostics (ManifestDiagnostics) say
 * why, at the alias.
 */
import type { Document } from 'yaml';
import { measureDocument } from '../../core/manifest/boundedYaml';

/** The members of yaml-language-server's YamlDocuments / YAMLDocument this relies on. */
interface YamlDocumentsInternals {
  ensureCache(document: { uri: string }, parserOptions: unknown, addRootObject: boolean): void;
  cache: Map<string, { document: { documents: Array<{ internalDocument?: unknown }> } }>;
}

const PATCHED = Symbol.for('gitops-lens.boundedDocuments');

/**
 * Patches `YamlDocuments.prototype` (CommonJS `out/server/src/…` in-process, `lib/esm/…` in
 * dist/yamlServer.js). Returns false if the class no longer has the members we expect.
 */
export function boundYamlDocuments(yamlDocumentsClass: { prototype: object }): boolean {
  const proto = yamlDocumentsClass.prototype as Partial<YamlDocumentsInternals> & { [PATCHED]?: true };
  if (proto[PATCHED]) return true;
  const original = proto.ensureCache;
  if (typeof original !== 'function') return false;
  // Parsed texts already measured (a cache entry keeps its object until the next edit).
  const measured = new WeakSet<object>();
  proto.ensureCache = function (this: YamlDocumentsInternals, document, parserOptions, addRootObject): void {
    original.call(this, document, parserOptions, addRootObject);
    const parsed = this.cache?.get(document.uri)?.document;
    if (!parsed || measured.has(parsed)) return;
    measured.add(parsed);
    if (parsed.documents.some((d) => d.internalDocument !== undefined && measureDocument(d.internalDocument as Document.Parsed) !== undefined)) parsed.documents = [];
  };
  proto[PATCHED] = true;
  return true;
}
