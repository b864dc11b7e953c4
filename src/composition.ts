/**
 * The one place objects are built and wired (STYLE.md rule 1). Everything created here is owned by
 * the returned scope, which activation.ts folds into the extension's subscriptions. Behaviour lives in
 * the classes built here, not in this file.
 *
 * This module is bundled apart (dist/features.js) and built on first use (issue 18): activation.ts
 * registers every contribution with a stand-in at activation and hands in what it created (the output
 * channel, the tree views); compose returns the real providers and command handlers it delegates to.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DisposableStore } from './core/lifecycle';
import { AppStore } from './core/store/appStore';
import { ClusterStore } from './core/store/clusterStore';
import { ResourceHealthStore } from './core/store/resourceHealthStore';
import { ArgoCdSettingsCache } from './core/argocd/settings/cache';
import { WorkerLuaRunner } from './infra/lua/luaRunner';
import { LazyKubeConnections, lazyClusterAccess, loadInformerPool } from './infra/k8s/lazy';
import { FileKubeconfigSource, defaultKubeconfigPaths } from './infra/kubeconfigFiles';
import { createApi, type GitOpsLensExtensionExports } from './vscode/api';
import { systemClock } from './vscode/clock';
import { commandHandlers } from './vscode/commands/registry';
import type { CommandId } from './vscode/commandIds';
import { ClusterConnections } from './vscode/connections';
import { DriftDocumentProvider } from './vscode/codelens/driftDocuments';
import { DriftLensProvider, trackDriftDocuments } from './vscode/codelens/driftLensProvider';
import { ImageUpdateLensProvider } from './vscode/codelens/imageUpdateLens';
import { DriftSession } from './core/drift/session';
import { ignoreSpecsOf } from './core/drift/ignore';
import { AdoptLiveActionProvider } from './vscode/codelens/adoptLiveAction';
import { DriftDecorations } from './vscode/codelens/driftDecorations';
import { DriftFieldCache } from './vscode/codelens/driftFields';
import { DriftHoverProvider } from './vscode/codelens/driftHover';
import { ManifestDiagnostics } from './vscode/codelens/manifestDiagnostics';
import { LiveDocumentProvider } from './vscode/liveDocuments';
import { LiveSettings } from './vscode/config';
import { afterActivation } from './vscode/deferred';
import { createLogger } from './vscode/log';
import { TransitionNotifier } from './vscode/notifications';
import { OperationRunner } from './vscode/operations';
import { ServerSideDryRun } from './vscode/serverSideDryRun';
import { createTestApi, type GitOpsLensTestApi } from './vscode/testApi';
import { ApplicationsTreeProvider, type AppTreeNode } from './vscode/views/applicationsTree';
import { TreeNavigator } from './vscode/views/navigator';
import { ResourceHealthLoader } from './vscode/views/resourceHealthLoader';
import { SourcesTreeProvider, type SourceTreeNode } from './vscode/views/sourcesTree';
import { GitOpsStatusBar } from './vscode/views/statusBar';
import { ViewFilter } from './vscode/views/viewFilter';
import { NodeLocalGit } from './infra/git/localGit';
import { nodeRepositoryDiscovery } from './infra/git/workspaceRepos';
import { nodeRepositoryFiles } from './infra/git/repositoryFiles';
import { Renderer } from './infra/render/renderer';
import { createForgeClientLazily } from './infra/forge/lazy';
import { NodeGitPublisher } from './infra/git/publish';
import { ForgeAuth } from './vscode/pr/auth';
import { memoryMemento, memorySecrets } from './vscode/pr/memoryState';
import { PullRequestRecords } from './vscode/pr/records';
import { openPullRequestCheck, type PrDeps } from './vscode/pr/deliver';
import { YamlAuthoring } from './vscode/yaml/yamlAuthoring';
import { TrustNotice, requireTrust } from './vscode/trust';
import { AuditTrailStore } from './core/audit/trailStore';
import { MemoryCacheStore } from './core/audit/forgeCache';
import { GitHistory } from './infra/git/history';
import { readAppDeployments } from './infra/audit/appDeployments';
import { auditForgeAccess } from './vscode/audit/forgeAccess';
import { BlameHoverProvider } from './vscode/audit/blameHover';
import { ArgoCdConfigSource } from './infra/argocd/configSource';
import { ArgoCdApi } from './vscode/argocd/feature';
import { EnvironmentIndex } from './vscode/env/environmentIndex';
import { EnvDocuments } from './vscode/env/envDocuments';

/** What activation.ts created and hands in: one of each, shared with its stand-ins. */
export interface Shell {
  readonly channel: vscode.LogOutputChannel;
  readonly activationMillis: () => number;
  /** Secrets and workspace state for the pull-request commands (issue 6); absent in the activation bench. */
  readonly context?: Partial<Pick<vscode.ExtensionContext, 'secrets' | 'workspaceState'>> | undefined;
  readonly options: ComposeOptions;
  /** The views, registered at activation with stand-in providers that delegate to `Features.trees`. */
  readonly views: { readonly applications: vscode.TreeView<AppTreeNode>; readonly sources: vscode.TreeView<SourceTreeNode> };
}

/** The real implementations behind activation.ts's stand-ins, registered there under the same ids. */
export interface Features {
  readonly scope: DisposableStore;
  readonly exports: GitOpsLensExtensionExports;
  /** Runs a command as its registration would (errors logged and shown once). */
  run(id: CommandId, args: readonly unknown[]): Promise<unknown>;
  /** The in-host tests' hooks (throws unless ComposeOptions.testApi). */
  testApi(): GitOpsLensTestApi;
  readonly trees: { readonly applications: vscode.TreeDataProvider<AppTreeNode>; readonly sources: vscode.TreeDataProvider<SourceTreeNode> };
  readonly contents: {
    readonly live: vscode.TextDocumentContentProvider;
    readonly drift: vscode.TextDocumentContentProvider;
    readonly env: vscode.TextDocumentContentProvider;
    readonly events: vscode.TextDocumentContentProvider;
  };
  readonly lenses: { readonly drift: vscode.CodeLensProvider; readonly image: vscode.CodeLensProvider };
  readonly hovers: { readonly drift: vscode.HoverProvider; readonly blame: vscode.HoverProvider };
  readonly codeActions: vscode.CodeActionProvider;
  readonly uriHandler: vscode.UriHandler;
}

/** Our own id from package.json (`publisher.name`), to find the extension's folder for media/. */
const EXTENSION_ID = 'gitops-lens.gitops-lens';

export interface ComposeOptions {
  /** Expose `getTestApi()` on the exports (VS Code runs the extension for tests: ExtensionMode.Test). */
  readonly testApi?: boolean;
}

export function compose({ channel, activationMillis, context, options, views }: Shell): Features {
  // extension.ts does not pass the ExtensionContext; the bundle lives in <extension>/dist as a fallback.
  const extensionPath = vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath ?? path.resolve(__dirname, '..');
  const scope = new DisposableStore();
  const log = createLogger(channel);
  const settings = scope.add(new LiveSettings());

  const kubeconfigPaths = () => [...defaultKubeconfigPaths(), ...settings.config.kubeconfigPaths];
  const source = scope.add(new FileKubeconfigSource(kubeconfigPaths(), log));
  const clusters = scope.add(new ClusterStore(source, settings.config, log));
  settings.onDidChange((e) => (e.reconnect ? source.setPaths(kubeconfigPaths()) : clusters.updateConfig(settings.config)), undefined, scope);
  const operations = scope.add(new OperationRunner());
  const apps = scope.add(new AppStore(systemClock, log));
  const filter = scope.add(new ViewFilter());
  // One connection (keep-alive agent) per context for the pool's lists and watches and every GET (issue 18).
  const kube = scope.add(new LazyKubeConnections({ kubeconfig: () => source.read(), log, clock: systemClock }));
  const access = lazyClusterAccess({ kubeconfig: () => source.read(), log }, kube);
  // The informer pool is created on first use: no cluster call before a view is visible or a
  // command needs the clusters (activation must stay cheap).
  const connections = scope.add(
    new ClusterConnections(clusters, apps, () => new (loadInformerPool().InformerPool)({ kubeconfig: () => source.read(), log, clock: systemClock, connections: kube.get() }), log),
  );
  // Argo CD servers reached through their API (issue 16): the argocd CLI config's contexts and servers
  // added in the view, logins in SecretStorage; connected with the kubeconfig clusters.
  const argocdConfig = scope.add(new ArgoCdConfigSource(settings.ui.argocdConfigFile, log));
  settings.onDidChange(() => argocdConfig.setFile(settings.ui.argocdConfigFile), undefined, scope);
  const argocd = scope.add(new ArgoCdApi({ apps, config: argocdConfig, secrets: context?.secrets ?? memorySecrets(), clock: systemClock, log }));
  // SSO logins come back through the extension's URI handler (…/argocd/sso?code=…&state=…): argocd.sso.
  // The kubeconfig files are read (and their folders watched) the first time something needs the
  // clusters: a GitOps view shown, a command, a manifest deployed from the workspace, or ready() of the
  // API. Nothing reads files at activation (issue 18).
  let firstLoad: Promise<unknown> | undefined;
  const loadClusters = (): Promise<unknown> =>
    (firstLoad ??= clusters.reload().catch((err: unknown) => log.error('[Composition][compose] first kubeconfig load failed', err)));
  const connectAll = (): void => {
    void loadClusters();
    connections.activate();
    void argocd.activate();
  };

  // The user's repositories: discovery from .git files; git processes never in Restricted Mode (issue 12).
  const repos = nodeRepositoryDiscovery;
  const files = nodeRepositoryFiles;
  const git = new NodeLocalGit(() => requireTrust('Pull requests'));

  // Each GET goes through the same lazily loaded client as Show Live YAML; nothing runs while rendering.
  // The cluster's own Lua health checks come from its argocd-cm and run in a worker (issue 14).
  const argoSettings = scope.add(new ArgoCdSettingsCache((cluster, namespace, name) => access.get(cluster, { apiVersion: 'v1', kind: 'ConfigMap', namespace, name }), log));
  const lua = scope.add(new WorkerLuaRunner({ log }));
  const liveHealth = scope.add(
    new ResourceHealthStore((cluster, ref) => access.get(cluster, ref), { concurrency: 8, log, customizations: (cluster, namespace) => argoSettings.health(cluster, namespace), lua }),
  );
  // Pull requests (issue 6): tokens in SecretStorage, the PRs opened per app in workspaceState.
  const workspaceState = context?.workspaceState ?? memoryMemento();
  const pullRequests = scope.add(new PullRequestRecords(workspaceState));
  const pr: PrDeps = {
    auth: new ForgeAuth(context?.secrets ?? memorySecrets(), log),
    records: pullRequests,
    publisher: new NodeGitPublisher(),
    createClient: createForgeClientLazily,
    extensionPath,
    log,
    git,
    // The impact preview reads live objects through the lenses' client, and Argo CD destinations by context.
    live: (cluster, ref) => access.get(cluster, ref),
    contexts: () => clusters.snapshot.clusters,
  };
  pullRequests.setOpenCheck(openPullRequestCheck(pr));

  // The audit trail (issue 17): per app its deployments joined with Git and the forge, loaded when its
  // History node is expanded; git never runs in Restricted Mode, the forge only with stored credentials.
  const trails = scope.add(
    new AuditTrailStore({
      apps: () => apps.all(),
      cloneOf: (repoUrl) => {
        const clone = repos.findClones((vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath), repoUrl)[0];
        return clone && { root: clone.root, ...(clone.branch !== undefined ? { branch: clone.branch } : {}) };
      },
      gitRefused: () => (vscode.workspace.isTrusted ? undefined : 'Restricted Mode: GitOps Lens runs no git command in an untrusted workspace, so only the deployments are shown.'),
      history: (root) => new GitHistory(root, { beforeGit: () => requireTrust('Audit trails') }),
      deployments: (app) => readAppDeployments(access, app, apps.raw(app.key)),
      forge: auditForgeAccess({ auth: pr.auth, createClient: createForgeClientLazily, cache: new MemoryCacheStore(), now: () => systemClock.now(), log }),
      clock: systemClock,
      log,
    }),
  );
  apps.onDidChange((change) => trails.appsChanged(change), undefined, scope);
  scope.add(vscode.workspace.onDidGrantWorkspaceTrust(() => trails.reset()));
  scope.add(vscode.workspace.onDidChangeWorkspaceFolders(() => trails.reset()));
  // Environments (issue 19): the workspace repositories' environment maps fed by the AppStore, and the
  // documents Compare Environments shows. One renderer (kustomize/helm processes, caches) for the lenses too.
  const renderer = new Renderer({ log });
  const environments = scope.add(new EnvironmentIndex({ apps, repos, reader: access, renderer, log }));
  const envDocuments = scope.add(new EnvDocuments());

  const tree = scope.add(new ApplicationsTreeProvider(clusters, apps, filter, systemClock, extensionPath, liveHealth, pullRequests, trails, argocd, environments));
  const treeView = views.applications;
  scope.add(new ResourceHealthLoader(apps, tree, treeView, liveHealth, argoSettings, operations, log, (cluster) => argocd.isApi(cluster)));
  argocd.attachView(tree, treeView);
  filter.onDidChange(() => (treeView.description = filter.describe()), undefined, scope);
  const sources = scope.add(new SourcesTreeProvider(clusters, apps, systemClock, extensionPath, argocd));
  const sourcesView = views.sources;
  for (const view of [treeView, sourcesView]) {
    if (view.visible) connectAll();
    scope.add(view.onDidChangeVisibility((e) => e.visible && connectAll()));
  }
  scope.add(new GitOpsStatusBar(apps, argocd.merged));
  // What Restricted Mode turns off is said at the top of the Applications view (issue 12).
  scope.add(new TrustNotice([treeView], log));

  const live = scope.add(new LiveDocumentProvider(apps, argocd.objectReader(access)));
  const navigator = new TreeNavigator(apps, tree, treeView);
  scope.add(new TransitionNotifier(apps, () => settings.ui.notificationsEnabled, navigator, systemClock));

  // Manifest CodeLenses (issue 5): results are read from the clusters here, never while rendering.
  const dryRun = new ServerSideDryRun((cluster, desired) => access.dryRunApply(cluster, desired), () => settings.ui.serverSideDryRun, log);
  const renderDesired = renderer.render;
  const driftSession = scope.add(
    new DriftSession({
      // An app seen both through a kubeconfig context and Argo CD's API counts once (issue 16).
      apps: () => apps.all().filter((a) => !argocd.hidden(a.key)),
      // Apps of API servers: Argo CD's normalized live state from managed-resources.
      reader: argocd.liveReader(access),
      liveThroughApp: (cluster) => argocd.isApi(cluster),
      // Lenses follow live edits: one watch per live object of the open documents (issue 15).
      watcher: access,
      repoOf: (file) => {
        const r = repos.workspaceOf(path.dirname(file));
        // The branch lets a lens say "app tracks main, you are on feat-x".
        return r && { root: r.root, remotes: [...r.urls], ...(r.branch !== undefined ? { branch: r.branch } : {}) };
      },
      log,
      // A manifest deployed from this workspace needs the apps: connect as a visible view would.
      needApps: connectAll,
      concurrency: 4,
      // kustomize / helm folders render to the desired state (issue 5).
      render: renderDesired,
      // Read per evaluation, so the setting applies without a reload.
      get predict() {
        return dryRun.predict;
      },
      // An Argo CD app's objects live in its destination cluster: the context whose server it names.
      contexts: () => clusters.snapshot.clusters,
      lastSeen: (cluster) => apps.status(cluster).lastSeenAt,
      clock: systemClock,
      // Argo CD spec.ignoreDifferences / Flux drift ignore rules the mappers kept on each app.
      // For API apps also what Argo CD's own normalisation removed (managedLive.ts).
      ignoreOf: (app) => (argocd.isApi(app.cluster) ? [...ignoreSpecsOf(app), ...argocd.managedLive.ignoreOf(app)] : ignoreSpecsOf(app)),
      // The Argo CD instance's argocd-cm (system-level ignoreDifferences, compareoptions), read once per cluster.
      // (Not for API apps: Argo CD applied them to the normalized live state already.)
      diffSettingsOf: (app) => (app.tool === 'argocd' && !argocd.isApi(app.cluster) ? argoSettings.diffNow(app.cluster, app.namespace) : undefined),
    }),
  );
  argoSettings.onDidRead(() => driftSession.settingsChanged(), undefined, scope);
  const driftDocuments = scope.add(new DriftDocumentProvider(driftSession, () => systemClock.now()));
  const driftLenses = scope.add(new DriftLensProvider(driftSession, (cluster) => argocd.nameOf(cluster)));
  // The documents already open are read after activation returns, not inside it.
  scope.add(afterActivation(() => trackDriftDocuments(driftSession, apps)));
  // Image lines whose Flux ImagePolicy selects a newer tag: "1.4.2 available: open PR" (issue 15).
  const imageLenses = scope.add(new ImageUpdateLensProvider(apps));
  // Around the lenses (issue 5): hover, gutter marks and "adopt live value" read the same results; YAML
  // syntax errors of manifests become diagnostics. The field cache subscribes first so readers see fresh entries.
  const driftFields = scope.add(new DriftFieldCache(driftSession));
  const driftHover = new DriftHoverProvider(driftFields, () => systemClock.now(), (cluster) => argocd.nameOf(cluster));
  const adoptLive = new AdoptLiveActionProvider(driftFields);
  scope.add(new DriftDecorations(driftSession, driftFields, vscode.Uri.file(extensionPath)));
  // Blame with deployment (issue 17): who changed a manifest line, through which PR, and where it runs.
  const blameHover = new BlameHoverProvider({ store: trails, repos, apps: () => apps.all(), now: () => systemClock.now(), log });
  scope.add(new ManifestDiagnostics());

  // Manifest authoring (issue 7): schemas for the Kubernetes documents of YAML files; starts on the
  // first such document, and fetches schemas only from clusters already connected.
  scope.add(
    new YamlAuthoring({
      extensionPath,
      log,
      connectedClusters: () => connections.connectedClusters(),
      onDidChangeClusters: clusters.onDidChange,
      getJson: (cluster, apiPath) => access.getJson(cluster, apiPath),
    }),
  );

  const commands = commandHandlers({
    clusters,
    apps,
    operations,
    writer: access,
    filter,
    clock: systemClock,
    navigator,
    connect: (restart) => {
      if (!restart) return connectAll();
      connections.restartAll();
      argocd.restartAll();
    },
    log,
    channel,
    drift: driftDocuments,
    driftDetails: (uri) => driftSession.details(uri),
    pr,
    state: workspaceState,
    repos,
    files,
    argocd,
    environments: { index: environments, documents: envDocuments },
  });

  const testApi = options.testApi ? createTestApi(apps, tree, sources, navigator, liveHealth, environments) : undefined;
  return {
    scope,
    exports: createApi(clusters, apps, loadClusters, activationMillis, testApi),
    run: (id, args) => commands[id](...args),
    testApi: () => {
      if (!testApi) throw new Error('the test API exists only when VS Code runs the extension for tests');
      return testApi;
    },
    trees: { applications: tree, sources },
    contents: { live, drift: driftDocuments, env: envDocuments, events: argocd.events },
    lenses: { drift: driftLenses, image: imageLenses },
    hovers: { drift: driftHover, blame: blameHover },
    codeActions: adoptLive,
    uriHandler: argocd.sso,
  };
}
