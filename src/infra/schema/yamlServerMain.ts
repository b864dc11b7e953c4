/**
 * Entry point of `dist/yamlServer.js`: Red Hat's yaml-language-server, run by the extension as a Node
 * process over IPC (src/vscode/yaml/yamlClient.ts). Schemas come from the extension through the
 * server's custom schema requests (`custom/schema/request`, `custom/schema/content`), never from the
 * network (the client turns the JSON Schema Store and the CRD store off). Importing starts the server;
 * each schema URI is resolved once, not once per document (customSchemaCache.ts), and an edit
 * re-validates only the documents it changed (incrementalValidation.ts).
 */
import { YamlDocuments } from 'yaml-language-server/lib/esm/languageservice/parser/yaml-documents.js';
import { YAMLSchemaService } from 'yaml-language-server/lib/esm/languageservice/services/yamlSchemaService.js';
import { YAMLValidation, yamlDiagToLSDiag } from 'yaml-language-server/lib/esm/languageservice/services/yamlValidation.js';
import { parse } from 'yaml-language-server/lib/esm/languageservice/parser/yamlParser07.js';
import { filterSuppressedDiagnostics } from 'yaml-language-server/lib/esm/languageservice/utils/diagnostic-filter.js';
import { TextDocument } from 'vscode-languageserver-textdocument';
import 'yaml-language-server/lib/esm/server.js';
import { boundYamlDocuments } from './boundedDocuments';
import { cacheCustomSchemaResolution } from './customSchemaCache';
import { recordDocumentChanges, validateChangedDocumentsOnly, type ValidationModules } from './incrementalValidation';

// Before the first request: the server builds its schema service on `initialize`, and the patch is on
// the prototype of the class that bundle uses (see customSchemaCache.ts for why).
cacheCustomSchemaResolution(YAMLSchemaService);
boundYamlDocuments(YamlDocuments);
// An edit validates the documents it changed, not the whole file (incrementalValidation.ts).
validateChangedDocumentsOnly({ YAMLValidation, yamlDiagToLSDiag, parse, filterSuppressedDiagnostics } as unknown as ValidationModules);
// The server's document store applies each didChange through this namespace's `update`: a keystroke's
// range reaches validation, which then reads only the document it is in.
recordDocumentChanges(TextDocument);
