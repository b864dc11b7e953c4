/**
 * Manifest authoring (issue 7): validation, completion, hover and document symbols for the Kubernetes
 * documents of YAML files, with schemas matched per document by apiVersion + kind.
 *
 * Nothing happens at activation: right after it, a line scan of open YAML documents; then, until the
 * machinery starts, only edits that touch an `apiVersion:` or `kind:` line are looked at. The first
 * document that names an apiVersion and kind starts the machinery — Red Hat YAML gets our schemas through its API if it
 * is installed (so nothing is reported twice), otherwise our own yaml-language-server process starts.
 * Clusters that are connected contribute their `/openapi/v3` schemas (fetched once per connection
 * and kept until the cluster goes away), which take precedence over the offline bundle.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DisposableStore, type Disposable, type Event } from '../../core/lifecycle';
import type { Logger } from '../../core/ports';
import { REDHAT_YAML_EXTENSION_ID, chooseSchemaHost, registerWithYamlExtension, schemaProviderFunctions } from '../../core/schema/contributor';
import { KindLineAnswers } from '../../core/schema/kindLineAnswers';
import { distinctKinds } from '../../core/schema/kinds';
import { SchemaRegistry } from '../../core/schema/registry';
import { readBuiltinLayer } from '../../infra/schema/builtinBundle';
import { fetchClusterLayer, type GetJson } from '../../infra/schema/clusterSchemas';
import { afterActivation } from '../deferred';
import { isYamlDocument, touchesKindLine } from '../yamlDocuments';
import type * as YamlClientModule from './yamlClient';

export interface YamlAuthoringDeps {
  readonly extensionPath: string;
  readonly log: Logger;
  /** Clusters whose connection is active (no schemas are fetched from a cluster we are not connected to). */
  readonly connectedClusters: () => readonly string[];
  readonly onDidChangeClusters: Event<unknown>;
  readonly getJson: GetJson;
}

/** How long a failed schema fetch keeps a cluster from being asked again. */
const RETRY_AFTER_MS = 5 * 60_000;

/**
 * The text of each open document, copied once per version: yaml-language-server asks once per
 * document of a file (1,000 times for a 1,000-document file) between two edits, and `getText()` builds
 * the whole string each time; the same string also lets the registry recognise it without comparing.
 */
class DocumentTexts {
  private last: { resource: string; version: number; text: string } | undefined;

  of(doc: vscode.TextDocument): string {
    const resource = doc.uri.toString();
    if (this.last?.resource !== resource || this.last.version !== doc.version) this.last = { resource, version: doc.version, text: doc.getText() };
    return this.last.text;
  }

  ofResource(resource: string): string | undefined {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === resource);
    return doc && this.of(doc);
  }
}

function loadYamlClient(): typeof YamlClientModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred: vscode-languageclient loads on the first manifest
  return require('./yamlClient') as typeof YamlClientModule;
}

export class YamlAuthoring implements Disposable {
  readonly registry: SchemaRegistry;
  private readonly disposables = new DisposableStore();
  private starting: Promise<void> | undefined;
  private client: YamlClientModule.YamlClient | undefined;
  private host: 'redhat' | 'own' | undefined;
  private readonly fetching = new Set<string>();
  private readonly failedAt = new Map<string, number>();
  private prefixes = 0;
  private readonly texts = new DocumentTexts();
  /** Whether each open document is a Kubernetes file, kept while edits leave its kind lines alone. */
  private readonly kubernetes = new KindLineAnswers<boolean>();

  constructor(private readonly deps: YamlAuthoringDeps) {
    this.registry = this.disposables.add(new SchemaRegistry(() => readBuiltinLayer(deps.extensionPath)));
    this.registry.onDidChange(
      () => {
        this.kubernetes.clear();
        this.client?.schemasChanged();
      },
      undefined,
      this.disposables,
    );
    this.disposables.add(vscode.workspace.onDidChangeTextDocument((e) => this.documentChanged(e)));
    this.disposables.add(vscode.workspace.onDidCloseTextDocument((d) => this.kubernetes.forget(d.uri.toString())));
    this.disposables.add(vscode.workspace.onDidOpenTextDocument((d) => this.consider(d)));
    deps.onDidChangeClusters(() => this.starting && this.refreshClusters(), undefined, this.disposables);
    this.disposables.add(
      afterActivation(() => {
        for (const d of vscode.workspace.textDocuments) this.consider(d);
      }),
    );
  }

  private documentChanged(e: vscode.TextDocumentChangeEvent): void {
    const doc = e.document;
    this.kubernetes.changed(
      doc.uri.toString(),
      e.contentChanges.map((c) => ({ startLine: c.range.start.line, endLine: c.range.end.line, text: c.text })),
      (line) => (line < doc.lineCount ? doc.lineAt(line).text : ''),
    );
    // Before the start, a keystroke in a YAML file that holds no manifest costs a look at the changed lines only.
    if (this.starting === undefined && touchesKindLine(doc, e.contentChanges)) this.consider(doc);
  }

  /** Which validator runs, once started: for the log and tests. */
  get schemaHost(): 'redhat' | 'own' | undefined {
    return this.host;
  }

  /** Resolves when the schemas are being served (starts them if a Kubernetes document is open). */
  whenStarted(): Promise<void> | undefined {
    return this.starting;
  }

  private consider(doc: vscode.TextDocument): void {
    if (!isYamlDocument(doc)) return;
    if (this.starting) {
      this.refreshClusters();
      return;
    }
    if (distinctKinds(this.texts.of(doc)).length === 0) return;
    this.starting = this.start().catch((err: unknown) => this.deps.log.error('[YamlAuthoring][start] YAML language features could not start', err));
  }

  private isKubernetes(doc: vscode.TextDocument): boolean {
    return this.kubernetes.get(doc.uri.toString(), () => this.texts.of(doc), (text) => this.registry.schemaUriFor(text) !== undefined);
  }

  private async start(): Promise<void> {
    const started = performance.now();
    const provider = schemaProviderFunctions(this.registry, (resource) => this.texts.ofResource(resource));
    const redhat = vscode.extensions.getExtension(REDHAT_YAML_EXTENSION_ID);
    const host = chooseSchemaHost(redhat ? (redhat.isActive ? redhat.exports : await redhat.activate()) : undefined);
    this.refreshClusters();
    if (host.kind === 'redhat' && registerWithYamlExtension(host.api, provider)) {
      this.host = 'redhat';
      this.deps.log.info('[YamlAuthoring][start] schemas registered with Red Hat YAML; not starting a second YAML server');
      return;
    }
    this.client = this.disposables.add(
      await loadYamlClient().startYamlClient({
        serverModule: path.join(this.deps.extensionPath, 'dist', 'yamlServer.js'),
        provider,
        isKubernetes: (d) => this.isKubernetes(d),
      }),
    );
    this.host = 'own';
    this.deps.log.info(`[YamlAuthoring][start] YAML language server started in ${(performance.now() - started).toFixed(0)} ms`);
  }

  /** Fetches schemas of newly connected clusters, drops those of clusters no longer connected. */
  private refreshClusters(): void {
    const connected = new Set(this.deps.connectedClusters());
    for (const name of [...this.failedAt.keys()]) if (!connected.has(name)) this.failedAt.delete(name);
    for (const name of connected) {
      if (this.registry.hasCluster(name) || this.fetching.has(name)) continue;
      const failed = this.failedAt.get(name);
      if (failed !== undefined && Date.now() - failed < RETRY_AFTER_MS) continue;
      this.fetching.add(name);
      const prefix = `c${this.prefixes++}.`;
      fetchClusterLayer(this.deps.getJson, name, prefix).then(
        (layer) => {
          this.fetching.delete(name);
          if (!new Set(this.deps.connectedClusters()).has(name) || this.disposables.isDisposed) return;
          this.registry.setClusterLayer(name, layer);
          this.deps.log.info(`[YamlAuthoring][refreshClusters] ${layer.kinds.size} kinds from ${name}'s OpenAPI v3`);
        },
        (err: unknown) => {
          this.fetching.delete(name);
          this.failedAt.set(name, Date.now());
          this.deps.log.warn(`[YamlAuthoring][refreshClusters] no schemas from ${name}; the offline schemas apply: ${err instanceof Error ? err.message : String(err)}`);
        },
      );
    }
    for (const name of this.registry.clusterNames()) if (!connected.has(name)) this.registry.setClusterLayer(name, undefined);
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
