/**
 * Our own yaml-language-server (dist/yamlServer.js) through vscode-languageclient, over IPC. Loaded
 * with `require` on the first Kubernetes YAML document (see yamlAuthoring.ts), so activation neither
 * loads the client library nor spawns the process.
 *
 * The server asks us for the schema of a file (`custom/schema/request`, after we send
 * `yaml/registerCustomSchemaRequest`) and for the content of our URIs (`custom/schema/content`), as
 * vscode-yaml's client does (vscode-yaml `src/extension.ts`). Results on YAML that holds no Kubernetes
 * document are dropped: a workflow file with a syntax slip is not ours to report.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { SchemaProviderFunctions } from '../../core/schema/contributor';
import { YAML_DOCUMENTS } from '../yamlDocuments';

export interface YamlClientOptions {
  readonly serverModule: string;
  readonly provider: SchemaProviderFunctions;
  /** Whether the document holds a Kubernetes document we have a schema for. */
  readonly isKubernetes: (doc: vscode.TextDocument) => boolean;
}

/** yaml-language-server's `yaml` settings section, answered for it (we do not read Red Hat's settings). */
export const SERVER_SETTINGS = {
  validate: true,
  hover: true,
  completion: true,
  format: { enable: false },
  schemaStore: { enable: false, url: '' },
  kubernetesCRDStore: { enable: false, url: '' },
  yamlVersion: '1.2',
  keyOrdering: false,
  maxItemsComputed: 5000,
  schemas: {},
  customTags: [],
};

export interface YamlClient extends vscode.Disposable {
  /** Revalidate open documents (a cluster layer changed the schemas). */
  schemasChanged(): void;
}

export async function startYamlClient(opts: YamlClientOptions): Promise<YamlClient> {
  const serverOptions: ServerOptions = {
    run: { module: opts.serverModule, transport: TransportKind.ipc },
    debug: { module: opts.serverModule, transport: TransportKind.ipc },
  };
  const docOf = (uri: string | vscode.Uri) => {
    const s = typeof uri === 'string' ? uri : uri.toString();
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === s);
  };
  const ours = (doc: vscode.TextDocument) => opts.isKubernetes(doc);
  const clientOptions: LanguageClientOptions = {
    // The server loads its messages from here (its default path points inside its own package).
    initializationOptions: { l10nPath: path.join(path.dirname(opts.serverModule), 'l10n') },
    documentSelector: YAML_DOCUMENTS,
    middleware: {
      workspace: {
        configuration: (params) => params.items.map((item) => (item.section === 'yaml' ? SERVER_SETTINGS : item.section === 'http' ? {} : null)),
      },
      handleDiagnostics: (uri, diagnostics, next) => {
        const doc = docOf(uri);
        // Schema problems only (source `yaml-schema: <uri>`): YAML syntax errors of manifests are
        // reported by ManifestDiagnostics (issue 5), and one problem must not show twice.
        next(uri, doc && ours(doc) ? diagnostics.filter((d) => d.source?.startsWith('yaml-schema') === true) : []);
      },
      provideCompletionItem: (doc, position, context, token, next) => (ours(doc) ? next(doc, position, context, token) : undefined),
      provideHover: (doc, position, token, next) => (ours(doc) ? next(doc, position, token) : undefined),
      provideDocumentSymbols: (doc, token, next) => (ours(doc) ? next(doc, token) : undefined),
      provideCodeLenses: () => undefined,
      provideDocumentLinks: () => undefined,
      provideDocumentFormattingEdits: () => undefined,
    },
  };
  const client = new LanguageClient('gitopsLens.yaml', 'GitOps Lens YAML', serverOptions, clientOptions);
  client.onRequest('custom/schema/request', (resource: string) => opts.provider.requestSchema(resource) ?? []);
  client.onRequest('custom/schema/content', (uri: string) => opts.provider.requestSchemaContent(uri));
  await client.start();
  await client.sendNotification('yaml/registerCustomSchemaRequest');
  await client.sendNotification('workspace/didChangeConfiguration', { settings: null });
  return {
    // The server revalidates every open document when its settings change.
    schemasChanged: () => void client.sendNotification('workspace/didChangeConfiguration', { settings: null }),
    dispose: () => void client.stop().catch(() => undefined),
  };
}
