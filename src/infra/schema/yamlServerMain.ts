/**
 * Entry point of `dist/yamlServer.js`: Red Hat's yaml-language-server, run by the extension as a Node
 * process over IPC (src/vscode/yaml/yamlClient.ts). Schemas come from the extension through the
 * server's custom schema requests (`custom/schema/request`, `custom/schema/content`), never from the
 * network (the client turns the JSON Schema Store and the CRD store off). Importing starts the server.
 */
import 'yaml-language-server/lib/esm/server.js';
