/**
 * The one place objects are built and wired (STYLE.md rule 1). Everything created here is owned by
 * the returned scope, which extension.ts folds into `context.subscriptions`.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DisposableStore } from './core/lifecycle';
import { AppStore } from './core/store/appStore';
import { ClusterStore } from './core/store/clusterStore';
import { FileKubeconfigSource, defaultKubeconfigPaths } from './infra/kubeconfigFiles';
import { createApi, type GitOpsLensExtensionExports } from './vscode/api';
import { systemClock } from './vscode/clock';
import { registerCommands } from './vscode/commands/registry';
import { affectsConfig, needsReconnect, readConfig } from './vscode/config';
import { createLogger } from './vscode/log';
import { OperationRunner } from './vscode/operations';
import { ApplicationsTreeProvider } from './vscode/views/applicationsTree';
import { SourcesTreeProvider } from './vscode/views/sourcesTree';
import { GitOpsStatusBar } from './vscode/views/statusBar';
import { ViewFilter } from './vscode/views/viewFilter';

export interface Composed {
  readonly scope: DisposableStore;
  readonly exports: GitOpsLensExtensionExports;
}

/** Our own id from package.json (`publisher.name`), to find the extension's folder for media/. */
const EXTENSION_ID = 'gitops-lens.gitops-lens';

export function compose(channel: vscode.LogOutputChannel, activationMillis: () => number): Composed {
  // extension.ts does not pass the ExtensionContext; the bundle lives in <extension>/dist as a fallback.
  const extensionPath = vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath ?? path.resolve(__dirname, '..');
  const scope = new DisposableStore();
  const log = createLogger(channel);
  let config = readConfig();

  const kubeconfigPaths = () => [...defaultKubeconfigPaths(), ...config.kubeconfigPaths];
  const source = scope.add(new FileKubeconfigSource(kubeconfigPaths(), log));
  const clusters = scope.add(new ClusterStore(source, config, log));
  const operations = scope.add(new OperationRunner());
  const apps = scope.add(new AppStore(systemClock, log));
  const filter = scope.add(new ViewFilter());

  const tree = scope.add(new ApplicationsTreeProvider(clusters, apps, filter, systemClock, extensionPath));
  const treeView = scope.add(
    vscode.window.createTreeView('gitopsLens.applications', { treeDataProvider: tree, showCollapseAll: true }),
  );
  filter.onDidChange(() => (treeView.description = filter.describe()), undefined, scope);
  const sources = scope.add(new SourcesTreeProvider(clusters, apps, systemClock, extensionPath));
  scope.add(vscode.window.createTreeView('gitopsLens.sources', { treeDataProvider: sources, showCollapseAll: true }));
  scope.add(new GitOpsStatusBar(apps));

  for (const d of registerCommands({ clusters, operations, log, channel })) scope.add(d);

  scope.add(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!affectsConfig(e)) return;
      config = readConfig();
      if (needsReconnect(e)) source.setPaths(kubeconfigPaths());
      else clusters.updateConfig(config);
    }),
  );

  // Not awaited: activation must stay cheap; views show their loading state until this settles.
  const firstLoad = clusters.reload().catch((err: unknown) => log.error('[Composition][compose] first kubeconfig load failed', err));
  return { scope, exports: createApi(clusters, apps, firstLoad, activationMillis) };
}
