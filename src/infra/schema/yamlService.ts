/**
 * yaml-language-server's language service in-process, fed by a SchemaRegistry the same way the
 * server process is (custom schema provider → `gitops-lens-schema:` URI → content from the registry).
 * Used where no language server runs: unit tests, the validation bench and snippet checks.
 */
import { getLanguageService, type LanguageService } from 'yaml-language-server';
import { YamlDocuments } from 'yaml-language-server/out/server/src/languageservice/parser/yaml-documents';
import { YAMLSchemaService } from 'yaml-language-server/out/server/src/languageservice/services/yamlSchemaService';
import { YAMLValidation, yamlDiagToLSDiag } from 'yaml-language-server/out/server/src/languageservice/services/yamlValidation';
import { parse } from 'yaml-language-server/out/server/src/languageservice/parser/yamlParser07';
import { filterSuppressedDiagnostics } from 'yaml-language-server/out/server/src/languageservice/utils/diagnostic-filter';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { SchemaRegistry } from '../../core/schema/registry';
import { boundYamlDocuments } from './boundedDocuments';
import { cacheCustomSchemaResolution } from './customSchemaCache';
import { recordDocumentChanges, validateChangedDocumentsOnly, type ValidationModules } from './incrementalValidation';

// The classes `getLanguageService` above instantiates (same module instance).
cacheCustomSchemaResolution(YAMLSchemaService);
boundYamlDocuments(YamlDocuments);
validateChangedDocumentsOnly({ YAMLValidation, yamlDiagToLSDiag, parse, filterSuppressedDiagnostics } as unknown as ValidationModules);
// Callers that apply edits with `TextDocument.update`, as the server's document store does, get the
// same per-keystroke path (incrementalValidation.ts recordDocumentChanges).
recordDocumentChanges(TextDocument);

/** The language-service settings the extension's server runs with too (src/vscode/yaml/yamlClient.ts). */
const YAML_SERVICE_SETTINGS = {
  validate: true,
  hover: true,
  completion: true,
  format: false,
  // Kubernetes YAML is YAML 1.2 as sigs.k8s.io/yaml reads it.
  yamlVersion: '1.2',
  keyOrdering: false,
} as const;

/** `textOf(uri)` gives the current text of a document the service is asked about. */
export function createYamlService(registry: SchemaRegistry, textOf: (uri: string) => string | undefined): LanguageService {
  const ls = getLanguageService({
    schemaRequestService: async (uri: string) => {
      const content = registry.contentFor(uri);
      if (content === undefined) throw new Error(`no schema ${uri}`);
      return content;
    },
    workspaceContext: { resolveRelativePath: (relativePath: string) => relativePath },
  });
  const configure = () => ls.configure({ ...YAML_SERVICE_SETTINGS, schemas: [] });
  configure();
  // As the extension does for its server (src/vscode/yaml/yamlClient.ts schemasChanged): new schemas
  // are a configuration change, which is what tells validation that the file's schema URI moved on
  // (incrementalValidation.ts keeps it while a keystroke leaves the file's kinds alone). The
  // subscription lives as long as the registry, which its owner disposes.
  registry.onDidChange(configure);
  ls.registerCustomSchemaProvider(async (uri: string) => {
    const text = textOf(uri);
    return (text === undefined ? undefined : registry.schemaUriFor(text)) ?? [];
  });
  return ls;
}
