/**
 * The one place objects are built and wired (STYLE.md rule 1). Everything created here is owned by
 * the returned scope, which extension.ts folds into `context.subscriptions`.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DisposableStore } from './core/lifecycle';
import { AppStore } from './core/store/appStore';
import { ClusterStore } from './core/store/clusterStore';
import { ResourceHealthStore, type ResourceHealthEntry } from './core/store/resourceHealthStore';
import { ArgoCdSettingsCache } from './core/argocd/settings/cache';
import { WorkerLuaRunner } from './infra/lua/luaRunner';
import type { AppKey } from './core/model/app';
import { lazyClusterAccess, loadInformerPool } from './infra/k8s/lazy';
import { FileKubeconfigSource, defaultKubeconfigPaths } from './infra/kubeconfigFiles';
import { createApi, type GitOpsLensExtensionExports, type ResourceHealthApiV1, type ResourceHealthInfoV1, type TreeChildrenApiV1, type TreeItemInfoV1 } from './vscode/api';
import { systemClock } from './vscode/clock';
import type { AppNavigator } from './vscode/commands/types';
import { registerCommands } from './vscode/commands/registry';
import { ClusterConnections } from './vscode/connections';
import { DriftDocumentProvider, DRIFT_SCHEME } from './vscode/codelens/driftDocuments';
import { DRIFT_LENS_SELECTOR, DriftLensProvider, trackDriftDocuments } from './vscode/codelens/driftLensProvider';
import { DriftSession } from './core/drift/session';
import { ignoreSpecsOf } from './core/drift/ignore';
import { AdoptLiveActionProvider } from './vscode/codelens/adoptLiveAction';
import { DriftDecorations } from './vscode/codelens/driftDecorations';
import { DriftFieldCache } from './vscode/codelens/driftFields';
import { DriftHoverProvider } from './vscode/codelens/driftHover';
import { ManifestDiagnostics } from './vscode/codelens/manifestDiagnostics';
import { LIVE_SCHEME, LiveDocumentProvider, liveUri } from './vscode/liveDocuments';
import { affectsConfig, needsReconnect, readConfig, readUiSettings } from './vscode/config';
import { createLogger } from './vscode/log';
import { TransitionNotifier } from './vscode/notifications';
import { OperationRunner } from './vscode/operations';
import { ApplicationsTreeProvider, isAppNode } from './vscode/views/applicationsTree';
import { SourcesTreeProvider } from './vscode/views/sourcesTree';
import { GitOpsStatusBar } from './vscode/views/statusBar';
import { ViewFilter } from './vscode/views/viewFilter';
import { gitRemotes } from './vscode/workspaceRepos';
import { createRenderer } from './infra/render/renderer';
import { createForgeClientLazily } from './infra/forge/lazy';
import { NodeGitPublisher } from './infra/git/publish';
import { ForgeAuth } from './vscode/pr/auth';
import { memoryMemento, memorySecrets } from './vscode/pr/memoryState';
import { PullRequestRecords } from './vscode/pr/records';
import { openPullRequestCheck } from './vscode/pr/deliver';
import { YamlAuthoring } from './vscode/yaml/yamlAuthoring';
import { TrustNotice } from './vscode/trust';

export interface Composed {
  readonly scope: DisposableStore;
  readonly exports: GitOpsLensExtensionExports;
}

/** Our own id from package.json (`publisher.name`), to find the extension's folder for media/. */
const EXTENSION_ID = 'gitops-lens.gitops-lens';

export function compose(
  channel: vscode.LogOutputChannel,
  activationMillis: () => number,
  /** Secrets and workspace state for the pull-request commands (issue 6); absent in the activation bench. */
  context?: Partial<Pick<vscode.ExtensionContext, 'secrets' | 'workspaceState'>>,
): Composed {
  // extension.ts does not pass the ExtensionContext; the bundle lives in <extension>/dist as a fallback.
  const extensionPath = vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath ?? path.resolve(__dirname, '..');
  const scope = new DisposableStore();
  const log = createLogger(channel);
  let config = readConfig();
  let ui = readUiSettings();

  const kubeconfigPaths = () => [...defaultKubeconfigPaths(), ...config.kubeconfigPaths];
  const source = scope.add(new FileKubeconfigSource(kubeconfigPaths(), log));
  const clusters = scope.add(new ClusterStore(source, config, log));
  const operations = scope.add(new OperationRunner());
  const apps = scope.add(new AppStore(systemClock, log));
  const filter = scope.add(new ViewFilter());
  const access = lazyClusterAccess({ kubeconfig: () => source.read() });
  // The informer pool is created on first use: no cluster call before a view is visible or a
  // command needs the clusters (activation must stay cheap).
  const connections = scope.add(
    new ClusterConnections(clusters, apps, () => new (loadInformerPool().InformerPool)({ kubeconfig: () => source.read(), log, clock: systemClock }), log),
  );

  // Each GET goes through the same lazily loaded client as Show Live YAML; nothing runs while rendering.
  // The cluster's own Lua health checks come from its argocd-cm and run in a worker (issue 14).
  const argoSettings = scope.add(new ArgoCdSettingsCache((cluster, namespace, name) => access.get(cluster, { apiVersion: 'v1', kind: 'ConfigMap', namespace, name }), log));
  const lua = scope.add(new WorkerLuaRunner({ log }));
  const liveHealth = scope.add(
    new ResourceHealthStore((cluster, ref) => access.get(cluster, ref), { concurrency: 8, log, customizations: (cluster, namespace) => argoSettings.health(cluster, namespace), lua }),
  );
  operations.onDidRunOperation((kind) => kind === 'refresh' && argoSettings.invalidate(), undefined, scope);
  // Pull requests (issue 6): tokens in SecretStorage, the PRs opened per app in workspaceState.
  const workspaceState = context?.workspaceState ?? memoryMemento();
  const pullRequests = scope.add(new PullRequestRecords(workspaceState));
  const pr = {
    auth: new ForgeAuth(context?.secrets ?? memorySecrets(), log),
    records: pullRequests,
    publisher: new NodeGitPublisher(),
    createClient: createForgeClientLazily,
    extensionPath,
    log,
    // The impact preview reads live objects through the lenses' client, and Argo CD destinations by context.
    live: (cluster: string, ref: { apiVersion: string; kind: string; namespace: string; name: string }) => access.get(cluster, ref),
    contexts: () => clusters.snapshot.clusters,
  };
  pullRequests.setOpenCheck(openPullRequestCheck(pr));
  const tree = scope.add(new ApplicationsTreeProvider(clusters, apps, filter, systemClock, extensionPath, liveHealth, pullRequests));
  const treeView = scope.add(
    vscode.window.createTreeView('gitopsLens.applications', { treeDataProvider: tree, showCollapseAll: true }),
  );
  // Argo CD 3.x apps whose node is expanded: their resources' health is loaded, and reloaded when the
  // app changes (its status changes when its resources do), until the node is collapsed.
  const expanded = new Set<AppKey>();
  const loadHealth = (key: AppKey, unlessLoading = false): void => {
    const app = apps.get(key);
    if (!app || !ApplicationsTreeProvider.needsLiveHealth(app) || (unlessLoading && liveHealth.isLoading(key))) return;
    liveHealth.load(app).catch((err: unknown) => log.error('[Composition][loadHealth] resource health load failed', err));
  };
  scope.add(
    treeView.onDidExpandElement((e) => {
      if (!isAppNode(e.element)) return;
      expanded.add(e.element.key);
      // Expanding an app reads argocd-cm again, so an edited health check applies.
      const app = apps.get(e.element.key);
      if (app) argoSettings.invalidate(app.cluster);
      loadHealth(e.element.key, true);
    }),
  );
  scope.add(
    tree.onDidRequestLiveHealth((key) => {
      expanded.add(key);
      loadHealth(key, true);
    }),
  );
  scope.add(treeView.onDidCollapseElement((e) => isAppNode(e.element) && expanded.delete(e.element.key)));
  apps.onDidChange(
    (change) => {
      for (const key of change.removed) {
        expanded.delete(key);
        liveHealth.forget(key);
      }
      for (const key of change.updated) if (expanded.has(key)) loadHealth(key);
    },
    undefined,
    scope,
  );
  filter.onDidChange(() => (treeView.description = filter.describe()), undefined, scope);
  const sources = scope.add(new SourcesTreeProvider(clusters, apps, systemClock, extensionPath));
  const sourcesView = scope.add(vscode.window.createTreeView('gitopsLens.sources', { treeDataProvider: sources, showCollapseAll: true }));
  for (const view of [treeView, sourcesView]) {
    if (view.visible) connections.activate();
    scope.add(view.onDidChangeVisibility((e) => e.visible && connections.activate()));
  }
  scope.add(new GitOpsStatusBar(apps));
  // What Restricted Mode turns off is said at the top of the Applications view (issue 12).
  scope.add(new TrustNotice([treeView], log));

  const live = scope.add(new LiveDocumentProvider(apps, access));
  scope.add(vscode.workspace.registerTextDocumentContentProvider(LIVE_SCHEME, live));
  const navigator: AppNavigator = {
    reveal: async (key) => {
      const node = tree.nodeOf(key);
      if (node) await treeView.reveal(node, { select: true, focus: true, expand: false });
    },
    showLiveYaml: async (key) => {
      const app = apps.get(key);
      if (!app) return;
      const doc = await vscode.workspace.openTextDocument(liveUri(key, app.cluster, app.kind, app.namespace, app.name));
      await vscode.languages.setTextDocumentLanguage(doc, 'yaml');
      await vscode.window.showTextDocument(doc, { preview: true });
    },
  };
  scope.add(new TransitionNotifier(apps, () => ui.notificationsEnabled, navigator, systemClock));
  const connect = (restart: boolean) => (restart ? connections.restartAll() : connections.activate());

  // Manifest CodeLenses (issue 5): results are read from the clusters here, never while rendering.
  // Server-side dry-run (gitopsLens.drift.serverSideDryRun) through the same client as the GETs. A
  // refusal (403 without RBAC patch, 401) is in the lens; the notification comes once per cluster.
  const dryRunRefused = new Set<string>();
  const predict = async (cluster: string, desired: Record<string, unknown>): Promise<Record<string, unknown>> => {
    try {
      return await access.dryRunApply(cluster, desired);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if ((code === 'Forbidden' || code === 'Unauthorized') && !dryRunRefused.has(cluster)) {
        dryRunRefused.add(cluster);
        log.warn(`[Composition][predict] ${err instanceof Error ? err.message : String(err)}`);
        void vscode.window.showWarningMessage(`GitOps Lens: ${err instanceof Error ? err.message : String(err)}`);
      }
      throw err;
    }
  };
  const renderDesired = createRenderer({ log });
  const driftResults = scope.add(
    new DriftSession({
      apps: () => apps.all(),
      reader: access,
      repoOf: (file) => {
        const r = gitRemotes(path.dirname(file));
        // The branch lets a lens say "app tracks main, you are on feat-x".
        return r && { root: r.root, remotes: r.urls, ...(r.branch !== undefined ? { branch: r.branch } : {}) };
      },
      log,
      // A manifest deployed from this workspace needs the apps: connect as a visible view would.
      needApps: () => connections.activate(),
      concurrency: 4,
      // kustomize / helm folders render to the desired state (issue 5).
      render: renderDesired,
      // Read per evaluation, so the setting applies without a reload.
      get predict() {
        return ui.serverSideDryRun ? predict : undefined;
      },
      // An Argo CD app's objects live in its destination cluster: the context whose server it names.
      contexts: () => clusters.snapshot.clusters,
      lastSeen: (cluster) => apps.status(cluster).lastSeenAt,
      clock: systemClock,
      // Argo CD spec.ignoreDifferences / Flux drift ignore rules the mappers kept on each app.
      ignoreOf: ignoreSpecsOf,
      // The Argo CD instance's argocd-cm (system-level ignoreDifferences, compareoptions), read once per cluster.
      diffSettingsOf: (app) => (app.tool === 'argocd' ? argoSettings.diffNow(app.cluster, app.namespace) : undefined),
    }),
  );
  argoSettings.onDidRead(() => driftResults.settingsChanged(), undefined, scope);
  const driftDocuments = scope.add(new DriftDocumentProvider(driftResults));
  scope.add(vscode.workspace.registerTextDocumentContentProvider(DRIFT_SCHEME, driftDocuments));
  scope.add(vscode.languages.registerCodeLensProvider(DRIFT_LENS_SELECTOR, scope.add(new DriftLensProvider(driftResults))));
  scope.add(trackDriftDocuments(driftResults, apps));
  // Around the lenses (issue 5): hover, gutter marks and "adopt live value" read the same results; YAML
  // syntax errors of manifests become diagnostics. The field cache subscribes first so readers see fresh entries.
  const driftFields = scope.add(new DriftFieldCache(driftResults));
  scope.add(vscode.languages.registerHoverProvider(DRIFT_LENS_SELECTOR, new DriftHoverProvider(driftFields)));
  scope.add(vscode.languages.registerCodeActionsProvider(DRIFT_LENS_SELECTOR, new AdoptLiveActionProvider(driftFields), AdoptLiveActionProvider.metadata));
  scope.add(new DriftDecorations(driftResults, driftFields, vscode.Uri.file(extensionPath)));
  scope.add(new ManifestDiagnostics());

  // Manifest authoring (issue 7): schemas for the Kubernetes documents of YAML files; starts on the
  // first such document, and fetches schemas only from clusters already connected.
  scope.add(
    new YamlAuthoring({
      extensionPath,
      log,
      connectedClusters: () => (connections.isActive ? clusters.snapshot.clusters.filter((c) => c.enabled).map((c) => c.name) : []),
      onDidChangeClusters: clusters.onDidChange,
      getJson: (cluster, apiPath) => access.getJson(cluster, apiPath),
    }),
  );

  for (const d of registerCommands({ clusters, apps, operations, writer: access, filter, clock: systemClock, navigator, connect, log, channel, drift: driftDocuments, pr, driftDetails: (uri) => driftResults.details(uri), state: workspaceState })) {
    scope.add(d);
  }

  scope.add(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!affectsConfig(e)) return;
      config = readConfig();
      ui = readUiSettings();
      if (needsReconnect(e)) source.setPaths(kubeconfigPaths());
      else clusters.updateConfig(config);
    }),
  );
  // Granting trust lets the user's kubeconfig entries that point into the workspace be read.
  scope.add(
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      config = readConfig();
      ui = readUiSettings();
      source.setPaths(kubeconfigPaths());
    }),
  );

  // Not awaited: activation must stay cheap; views show their loading state until this settles.
  const firstLoad = clusters.reload().catch((err: unknown) => log.error('[Composition][compose] first kubeconfig load failed', err));
  const additions: ResourceHealthApiV1 & TreeChildrenApiV1 = {
    resourceHealth: (key) => {
      const app = apps.get(key);
      if (!app || !ApplicationsTreeProvider.needsLiveHealth(app)) return undefined;
      return app.resources.map((r, i) => ({
        group: r.group,
        kind: r.kind,
        namespace: r.namespace,
        name: r.name,
        ...healthInfo(liveHealth.get(key, i, r)),
      }));
    },
    revealApp: async (key, options) => {
      const node = tree.nodeOf(key);
      if (node) await treeView.reveal(node, { select: true, focus: false, expand: options?.expand ?? false });
    },
    treeChildren: (key, labels = []) => {
      // Through the provider's own getChildren/getTreeItem, as VS Code calls them when a node is expanded.
      let node: Parameters<typeof tree.getChildren>[0] = tree.nodeOf(key);
      for (const label of labels) node = node && tree.getChildren(node).find((c) => treeItemInfo(tree.getTreeItem(c)).label === label);
      return node ? tree.getChildren(node).map((c) => treeItemInfo(tree.getTreeItem(c))) : undefined;
    },
  };
  const exports = createApi(clusters, apps, firstLoad, activationMillis, additions);
  return { scope, exports };
}

function treeItemInfo(item: vscode.TreeItem): TreeItemInfoV1 {
  const text = (v: string | vscode.MarkdownString | undefined): string | undefined => (typeof v === 'string' || v === undefined ? v : v.value);
  return {
    id: item.id,
    label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
    description: typeof item.description === 'string' ? item.description : undefined,
    tooltip: text(item.tooltip),
    contextValue: item.contextValue,
    command: item.command?.command,
  };
}

function healthInfo(e: ResourceHealthEntry | undefined): Pick<ResourceHealthInfoV1, 'health' | 'message'> {
  if (e === undefined) return { health: 'loading', message: undefined };
  if ('unavailable' in e) return { health: 'unavailable', message: e.unavailable };
  if ('noHealth' in e) return { health: 'none', message: e.note };
  return { health: e.status, message: e.message };
}
