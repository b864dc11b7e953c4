/**
 * A minimal stand-in for the `vscode` module, enough for activate() to run outside VS Code, so the
 * activation bench measures our code and not the editor. It records what activate registered.
 */
import Module = require('node:module');

export interface StubRecord {
  commands: string[];
  treeViews: string[];
  /** Schemes of the text document content providers registered. */
  schemes: string[];
}

/** The handlers registered, by command id (not part of the record, which is printed as JSON). */
export const commandHandlers = new Map<string, (...args: unknown[]) => unknown>();

/** What the window shows at activation: the views visible, the documents open (a file each, by language and text). */
export interface StubWindow {
  readonly viewsVisible?: boolean;
  readonly documents?: ReadonlyArray<{ readonly path: string; readonly languageId: string; readonly text: string }>;
}

export function installVscodeStub(settings: Record<string, unknown> = {}, window: StubWindow = {}): StubRecord {
  const record: StubRecord = { commands: [], treeViews: [], schemes: [] };
  const disposable = { dispose: () => undefined };
  class EventEmitter<T> {
    private listeners: Array<(e: T) => void> = [];
    event = (l: (e: T) => void) => {
      this.listeners.push(l);
      return disposable;
    };
    fire(e: T) {
      for (const l of this.listeners) l(e);
    }
    dispose() {
      this.listeners = [];
    }
  }
  const noop = () => undefined;
  const channel = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, show: noop, append: noop, appendLine: noop, dispose: noop };
  const vscode = {
    version: '1.100.3',
    EventEmitter,
    TreeItem: class {
      constructor(public label: string, public collapsibleState?: number) {}
    },
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    ExtensionMode: { Production: 1, Development: 2, Test: 3 },
    ThemeIcon: class {
      constructor(public id: string, public color?: unknown) {}
    },
    ThemeColor: class {
      constructor(public id: string) {}
    },
    MarkdownString: class {
      constructor(public value = '') {}
      appendMarkdown(s: string) {
        this.value += s;
        return this;
      }
    },
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    CodeLens: class {
      constructor(public range: unknown) {}
    },
    Range: class {
      constructor(...args: number[]) {
        void args;
      }
    },
    Disposable: class {
      constructor(private readonly fn: () => void) {}
      dispose() {
        this.fn();
      }
    },
    window: {
      createOutputChannel: () => channel,
      createTreeView: (id: string) => {
        record.treeViews.push(id);
        return { ...disposable, visible: window.viewsVisible ?? false, description: undefined, onDidChangeVisibility: () => disposable, onDidExpandElement: () => disposable, onDidCollapseElement: () => disposable, reveal: () => Promise.resolve() };
      },
      createStatusBarItem: () => ({ ...disposable, show: noop, hide: noop, text: '', tooltip: undefined, command: undefined }),
      showErrorMessage: () => Promise.resolve(undefined),
      showInformationMessage: () => Promise.resolve(undefined),
      showWarningMessage: () => Promise.resolve(undefined),
      createTextEditorDecorationType: () => disposable,
      visibleTextEditors: [],
      onDidChangeVisibleTextEditors: () => disposable,
      registerUriHandler: () => disposable,
    },
    StatusBarAlignment: { Left: 1, Right: 2 },
    extensions: { getExtension: () => undefined },
    languages: {
      setTextDocumentLanguage: () => Promise.resolve(undefined),
      registerCodeLensProvider: () => disposable,
      registerHoverProvider: () => disposable,
      registerCodeActionsProvider: () => disposable,
      createDiagnosticCollection: () => ({ ...disposable, set: noop, delete: noop, clear: noop }),
    },
    CodeActionKind: { QuickFix: { value: 'quickfix' } },
    OverviewRulerLane: { Left: 1, Center: 2, Right: 4, Full: 7 },
    Uri: { file: (p: string) => ({ fsPath: p, path: p }), joinPath: (base: { path: string }, ...parts: string[]) => ({ path: [base.path, ...parts].join('/') }) },
    commands: {
      registerCommand: (id: string, handler: (...args: unknown[]) => unknown) => {
        record.commands.push(id);
        commandHandlers.set(id, handler);
        return disposable;
      },
      executeCommand: () => Promise.resolve(undefined),
    },
    workspace: {
      workspaceFolders: undefined,
      getConfiguration: () => ({ get: (key: string, def: unknown) => settings[key] ?? def, inspect: (key: string) => ({ key, globalValue: settings[key] }) }),
      isTrusted: true,
      onDidGrantWorkspaceTrust: () => disposable,
      onDidChangeWorkspaceFolders: () => disposable,
      onDidChangeConfiguration: () => disposable,
      registerTextDocumentContentProvider: (scheme: string) => {
        record.schemes.push(scheme);
        return disposable;
      },
      textDocuments: (window.documents ?? []).map((d) => {
        const uri = { scheme: 'file', fsPath: d.path, path: d.path, toString: () => `file://${d.path}` };
        return { uri, fileName: d.path, languageId: d.languageId, version: 1, isClosed: false, lineCount: d.text.split('\n').length, getText: () => d.text };
      }),
      onDidOpenTextDocument: () => disposable,
      onDidChangeTextDocument: () => disposable,
      onDidCloseTextDocument: () => disposable,
    },
    env: { clipboard: { writeText: () => Promise.resolve() } },
  };
  const original = (Module as unknown as { _load: (...a: unknown[]) => unknown })._load;
  (Module as unknown as { _load: (...a: unknown[]) => unknown })._load = function (request: unknown, ...rest: unknown[]) {
    if (request === 'vscode') return vscode;
    return original.call(this, request, ...rest);
  };
  return record;
}
