/**
 * The bundled language server (dist/yamlServer.js, built by scripts/build.mjs) as the extension runs
 * it, spoken to over LSP: a keystroke arrives as an incremental `didChange` with its range, and the
 * server validates the document it is in with the file's schema answer it kept (issue 18,
 * src/infra/schema/incrementalValidation.ts recordDocumentChanges). Observable from outside: the
 * server asks us for the file's schema (`custom/schema/request`, which makes the extension read the
 * whole text) only when an edit changes the file's kinds, and its diagnostics are those of the edited
 * text.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic } from 'vscode-languageserver-types';
import { SchemaRegistry } from '../../../../src/core/schema/registry';
import { readBuiltinLayer } from '../../../../src/infra/schema/builtinBundle';
import { REPO_ROOT } from '../../../support/paths';

const SERVER = path.join(REPO_ROOT, 'dist', 'yamlServer.js');

type Handler = (params: never) => unknown;

/** JSON-RPC over the server's stdio with LSP's `Content-Length` framing: the little the test needs. */
class Connection {
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly requests = new Map<string, Handler>();
  private readonly notifications = new Map<string, Handler>();

  constructor(private readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
  }

  onRequest(method: string, handler: Handler): void {
    this.requests.set(method, handler);
  }

  onNotification(method: string, handler: Handler): void {
    this.notifications.set(method, handler);
  }

  sendRequest(method: string, params?: unknown): Promise<unknown> {
    const id = this.nextId++;
    this.write({ jsonrpc: '2.0', id, method, params });
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  sendNotification(method: string, params?: unknown): void {
    this.write({ jsonrpc: '2.0', method, params });
  }

  private write(message: object): void {
    const json = JSON.stringify(message);
    this.child.stdin!.write(`Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
  }

  private drain(): void {
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString('ascii'))?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8')) as {
        id?: number;
        method?: string;
        params?: never;
        result?: unknown;
        error?: { message: string };
      };
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      if (message.method !== undefined && message.id !== undefined) {
        const handler = this.requests.get(message.method);
        this.write({ jsonrpc: '2.0', id: message.id, result: handler ? (handler(message.params as never) ?? null) : null });
      } else if (message.method !== undefined) {
        this.notifications.get(message.method)?.(message.params as never);
      } else if (message.id !== undefined) {
        const waiting = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error) waiting?.reject(new Error(message.error.message));
        else waiting?.resolve(message.result);
      }
    }
  }
}
const URI = 'file:///w/keystrokes.yaml';

const configMap = (i: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-${i}\ndata:\n  mode: "prod"\n`;
const deployment = (i: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-${i}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web-${i}}
  template:
    metadata:
      labels: {app: web-${i}}
    spec:
      containers:
        - name: main
          image: registry.example.test/web:${i}
`;
const TEXT = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? deployment(i) : configMap(i))).join('---\n');

describe('the bundled YAML server: keystrokes as incremental changes', function () {
  this.timeout(60_000);
  let child: ChildProcess | undefined;
  let connection: Connection | undefined;

  after(async () => {
    await Promise.race([connection?.sendRequest('shutdown').catch(() => undefined), new Promise((r) => setTimeout(r, 2_000))]);
    child?.kill();
  });

  it('validates the edited document with the schema it kept, and asks again when a kind changes', async () => {
    assert.ok(fs.existsSync(SERVER), 'dist/yamlServer.js is built (node scripts/build.mjs)');
    const registry = new SchemaRegistry(() => readBuiltinLayer(REPO_ROOT));
    // The text the client has, kept as the editor keeps it: the same changes applied.
    const document = TextDocument.create(URI, 'yaml', 1, TEXT);
    let schemaRequests = 0;
    child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const conn = (connection = new Connection(child));
    // The `yaml` settings section the extension answers (src/vscode/yaml/yamlClient.ts SERVER_SETTINGS).
    const settings = { validate: true, hover: false, completion: false, format: { enable: false }, schemaStore: { enable: false, url: '' }, kubernetesCRDStore: { enable: false, url: '' }, yamlVersion: '1.2', schemas: {}, customTags: [] };
    conn.onRequest('workspace/configuration', (params: { items: Array<{ section?: string }> }) => params.items.map((item) => (item.section === 'yaml' ? settings : item.section === 'http' ? {} : null)));
    // vscode-jsonrpc sends a single string parameter by position: `[resource]`.
    const first = (params: string | string[]): string => (Array.isArray(params) ? (params[0] as string) : params);
    conn.onRequest('custom/schema/request', (params: string | string[]) => {
      const resource = first(params);
      schemaRequests++;
      return (resource === URI ? registry.schemaUriFor(document.getText()) : undefined) ?? [];
    });
    conn.onRequest('custom/schema/content', (params: string | string[]) => registry.contentFor(first(params)));
    const published: Array<{ uri: string; diagnostics: Diagnostic[] }> = [];
    let onPublish: (() => void) | undefined;
    conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: Diagnostic[] }) => {
      published.push(p);
      onPublish?.();
    });
    const nextDiagnostics = (): Promise<Diagnostic[]> => {
      const seen = published.length;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no diagnostics within 20 s')), 20_000);
        onPublish = () => {
          const p = published.slice(seen).find((x) => x.uri === URI);
          if (!p) return;
          clearTimeout(timer);
          onPublish = undefined;
          resolve(p.diagnostics);
        };
      });
    };
    await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: {} } },
      initializationOptions: { l10nPath: path.join(REPO_ROOT, 'dist', 'l10n') },
    });
    conn.sendNotification('initialized', {});
    conn.sendNotification('yaml/registerCustomSchemaRequest');
    conn.sendNotification('workspace/didChangeConfiguration', { settings: null });

    let diagnostics = nextDiagnostics();
    conn.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'yaml', version: 1, text: TEXT } });
    assert.deepEqual(await diagnostics, []);
    const afterOpen = schemaRequests;
    assert.ok(afterOpen >= 1);

    /** One keystroke: the change applied here and sent with its range, as the editor sends it. */
    const type = async (offset: number, length: number, text: string): Promise<Diagnostic[]> => {
      const range = { start: document.positionAt(offset), end: document.positionAt(offset + length) };
      TextDocument.update(document, [{ range, text }], document.version + 1);
      const next = nextDiagnostics();
      conn.sendNotification('textDocument/didChange', { textDocument: { uri: URI, version: document.version }, contentChanges: [{ range, text }] });
      return next;
    };

    // `replicas: 2` of web-10 becomes `replicas: 2x`: an error in that document, at its line.
    const replicas = document.getText().indexOf('replicas: 2', document.getText().indexOf('name: web-10')) + 'replicas: 2'.length;
    diagnostics = type(replicas, 0, 'x');
    const found = await diagnostics;
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.equal(found[0]!.range.start.line, document.positionAt(replicas).line);
    assert.match(found[0]!.message, /Incorrect type/);
    assert.equal(schemaRequests, afterOpen, 'the file’s kinds did not change: no schema request');

    // ConfigMap config-11 becomes a Service whose port is a word: a kind the file's schema did not name.
    const kind = document.getText().lastIndexOf('kind: ConfigMap', document.getText().indexOf('name: config-11'));
    await type(kind, 'kind: ConfigMap'.length, 'kind: Service');
    const data = document.getText().indexOf('data:', document.getText().indexOf('name: config-11'));
    const withService = await type(data, 'data:\n  mode: "prod"\n'.length, 'spec:\n  ports: [{port: http}]\n');
    assert.ok(schemaRequests > afterOpen, 'a new kind: the schema is asked for again');
    const portLine = document.positionAt(document.getText().indexOf('ports: [{port: http}]')).line;
    assert.deepEqual(
      withService.map((d) => d.range.start.line).sort((a, b) => a - b),
      [document.positionAt(replicas).line, portLine],
      JSON.stringify(withService.map((d) => d.message)),
    );
  });
});
