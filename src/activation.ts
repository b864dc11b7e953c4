/**
 * What activate() does (issue 18: activation no longer than requiring the YAML libraries alone):
 * every contribution is registered with the same id, selector or scheme as before, but with a stand-in
 * that builds the extension (composition.ts, bundled apart as dist/features.js) the first time VS Code
 * needs it: a command run, a view shown, a YAML document open, a lens, hover or quick fix asked for, a
 * virtual document read, the URI handler called, or the API used. Then the stand-in delegates.
 *
 * The require of './composition' below is the one way in: scripts/build.mjs turns it into a require of
 * './features.js'. From the features' modules this file takes only types and the constant selectors and
 * schemes, of which esbuild keeps nothing else (dist/extension.js is about 10 KiB; `npm run build --
 * --analyze` lists what is in it). The shared objects (output channel, extension context, the tree
 * views) are created here and passed in, so there is one of each.
 */
import * as vscode from 'vscode';
import { COMMAND_IDS } from './vscode/commandIds';
import type * as CompositionModule from './composition';
import type { Features } from './composition';
import type { GitOpsLensExtensionExports } from './vscode/api';
import { DRIFT_SCHEME } from './vscode/codelens/driftDocuments';
import { DRIFT_LENS_SELECTOR } from './vscode/codelens/driftLensProvider';
import { IMAGE_LENS_SELECTOR } from './vscode/codelens/imageUpdateLens';
import { EVENTS_SCHEME } from './vscode/argocd/eventsDocuments';
import { ENV_SCHEME } from './vscode/env/envDocuments';
import { LIVE_SCHEME } from './vscode/liveDocuments';

export interface Activated {
  /** Disposes the registrations and, once loaded, the features. */
  readonly scope: vscode.Disposable;
  readonly exports: GitOpsLensExtensionExports;
}

type Contents = keyof Features['contents'];

export function activateContributions(
  channel: vscode.LogOutputChannel,
  activationMillis: () => number,
  context: Partial<Pick<vscode.ExtensionContext, 'secrets' | 'workspaceState'>> | undefined,
  options: CompositionModule.ComposeOptions,
): Activated {
  const subscriptions: vscode.Disposable[] = [];
  let features: Features | undefined;
  let failure: { readonly error: unknown } | undefined;
  let loading = false;
  let disposed = false;
  /** Each stand-in's relay of its real provider's change event, connected once the features exist. */
  const relays: Relays = { subscriptions, connect: [] };

  const load = (): Features => {
    if (features) return features;
    if (failure) throw failure.error;
    if (disposed) throw new Error('GitOps Lens was deactivated');
    // Something compose() itself ran reached a stand-in: composing twice would make two of everything.
    if (loading) throw new Error('GitOps Lens is still loading');
    loading = true;
    const started = performance.now();
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose, see above
      const { compose } = require('./composition') as typeof CompositionModule;
      features = compose({ channel, activationMillis, context, options, views: { applications, sources } });
    } catch (err) {
      // Shown once, as a failed activation was: what depends on the features keeps failing with it.
      failure = { error: err };
      const message = err instanceof Error ? err.message : String(err);
      channel.error(`[Extension][load] loading the features failed: ${message}`);
      void vscode.window.showErrorMessage(`GitOps Lens could not start: ${message}`, 'Open Log').then((c) => {
        if (c === 'Open Log') channel.show(true);
      });
      throw err;
    } finally {
      loading = false;
    }
    subscriptions.push(features.scope);
    for (const connect of relays.connect) subscriptions.push(connect(features));
    channel.info(`[Extension][load] features loaded in ${(performance.now() - started).toFixed(1)} ms`);
    return features;
  };
  /** Loads after activate() returned, when something will need the features right away. */
  let scheduled = false;
  const loadSoon = (): void => {
    if (scheduled || features) return;
    scheduled = true;
    setImmediate(() => {
      if (disposed || features || failure) return;
      try {
        load();
      } catch {
        // Logged and shown by load().
      }
    });
  };

  const applications = vscode.window.createTreeView('gitopsLens.applications', { treeDataProvider: lazyTree(load, relays, (f) => f.trees.applications), showCollapseAll: true });
  const sources = vscode.window.createTreeView('gitopsLens.sources', { treeDataProvider: lazyTree(load, relays, (f) => f.trees.sources), showCollapseAll: true });
  subscriptions.push(applications, sources);
  for (const view of [applications, sources]) {
    if (view.visible) loadSoon();
    subscriptions.push(view.onDidChangeVisibility((e) => e.visible && loadSoon()));
  }

  for (const id of COMMAND_IDS) subscriptions.push(vscode.commands.registerCommand(id, (...args: unknown[]) => load().run(id, args)));

  for (const [scheme, key] of [
    [LIVE_SCHEME, 'live'],
    [DRIFT_SCHEME, 'drift'],
    [ENV_SCHEME, 'env'],
    [EVENTS_SCHEME, 'events'],
  ] as Array<[string, Contents]>) {
    const changed = relay<vscode.Uri>(relays, (f) => f.contents[key].onDidChange);
    subscriptions.push(
      vscode.workspace.registerTextDocumentContentProvider(scheme, {
        onDidChange: changed.event,
        provideTextDocumentContent: (uri, token) => load().contents[key].provideTextDocumentContent(uri, token),
      }),
    );
  }

  subscriptions.push(
    vscode.languages.registerCodeLensProvider(DRIFT_LENS_SELECTOR, lazyLenses(load, relays, (f) => f.lenses.drift)),
    vscode.languages.registerCodeLensProvider(IMAGE_LENS_SELECTOR, lazyLenses(load, relays, (f) => f.lenses.image)),
    vscode.languages.registerHoverProvider(DRIFT_LENS_SELECTOR, { provideHover: (doc, pos, token) => load().hovers.drift.provideHover(doc, pos, token) }),
    vscode.languages.registerCodeActionsProvider(
      DRIFT_LENS_SELECTOR,
      { provideCodeActions: (doc, range, ctx, token) => load().codeActions.provideCodeActions(doc, range, ctx, token) },
      // AdoptLiveActionProvider.metadata: importing the class would bring its module into this bundle.
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
    ),
    vscode.languages.registerHoverProvider(DRIFT_LENS_SELECTOR, { provideHover: (doc, pos, token) => load().hovers.blame.provideHover(doc, pos, token) }),
    vscode.window.registerUriHandler({ handleUri: (uri) => load().uriHandler.handleUri(uri) }),
  );

  // Diagnostics, gutter marks, drift tracking and schemas follow the YAML documents open now or later
  // (composition.ts scans the open ones after it ran).
  const isYaml = (d: vscode.TextDocument) => d.languageId === 'yaml';
  if (vscode.workspace.textDocuments.some(isYaml)) loadSoon();
  subscriptions.push(
    vscode.workspace.onDidOpenTextDocument((d) => isYaml(d) && loadSoon()),
    { dispose: () => (disposed = true) },
  );

  const exports: GitOpsLensExtensionExports = {
    getAPI: (version) => load().exports.getAPI(version),
    ...(options.testApi ? { getTestApi: () => load().testApi() } : {}),
  };
  const scope = {
    dispose: () => {
      for (const d of subscriptions.splice(0)) {
        try {
          d.dispose();
        } catch (err) {
          // One failing disposal must not keep the others (the features' scope among them) alive.
          channel.error(`[Extension][dispose] ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    },
  };
  return { scope, exports };
}

interface Relays {
  readonly subscriptions: vscode.Disposable[];
  readonly connect: Array<(f: Features) => vscode.Disposable>;
}

/** An event of the stand-in that repeats the real provider's once the features exist. */
function relay<T>(relays: Relays, pick: (f: Features) => vscode.Event<T> | undefined): vscode.EventEmitter<T> {
  const emitter = new vscode.EventEmitter<T>();
  relays.subscriptions.push(emitter);
  relays.connect.push((f) => pick(f)?.((e) => emitter.fire(e)) ?? { dispose: () => undefined });
  return emitter;
}

function lazyTree<T>(load: () => Features, relays: Relays, pick: (f: Features) => vscode.TreeDataProvider<T>): vscode.TreeDataProvider<T> {
  const changed = relay<T | T[] | undefined | null | void>(relays, (f) => pick(f).onDidChangeTreeData);
  return {
    onDidChangeTreeData: changed.event,
    getChildren: (element) => pick(load()).getChildren(element),
    getTreeItem: (element) => pick(load()).getTreeItem(element),
    getParent: (element) => pick(load()).getParent?.(element),
    // Tooltips are built on hover (issue 18): VS Code calls this only when the provider has it.
    resolveTreeItem: (item, element, token) => {
      const real = pick(load());
      return real.resolveTreeItem ? real.resolveTreeItem(item, element, token) : item;
    },
  };
}

function lazyLenses(load: () => Features, relays: Relays, pick: (f: Features) => vscode.CodeLensProvider): vscode.CodeLensProvider {
  const changed = relay<void>(relays, (f) => pick(f).onDidChangeCodeLenses);
  return {
    onDidChangeCodeLenses: changed.event,
    provideCodeLenses: (doc, token) => pick(load()).provideCodeLenses(doc, token),
    resolveCodeLens: (lens, token) => {
      const real = pick(load());
      return real.resolveCodeLens ? real.resolveCodeLens(lens, token) : lens;
    },
  };
}
