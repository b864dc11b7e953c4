/**
 * The one place objects are built and wired (STYLE.md rule 1). Everything created here is owned by
 * the returned scope, which extension.ts folds into `context.subscriptions`.
 */
import * as vscode from 'vscode';
import { DisposableStore } from './core/lifecycle';
import { ClusterStore } from './core/store/clusterStore';
import { FileKubeconfigSource, defaultKubeconfigPaths } from './infra/kubeconfigFiles';
import { createApi, type GitOpsLensExtensionExports } from './vscode/api';
import { registerCommands } from './vscode/commands/registry';
import { affectsConfig, needsReconnect, readConfig } from './vscode/config';
import { createLogger } from './vscode/log';
import { OperationRunner } from './vscode/operations';
import { ApplicationsTreeProvider } from './vscode/views/applicationsTree';

export interface Composed {
  readonly scope: DisposableStore;
  readonly exports: GitOpsLensExtensionExports;
}

export function compose(channel: vscode.LogOutputChannel, activationMillis: () => number): Composed {
  const scope = new DisposableStore();
  const log = createLogger(channel);
  let config = readConfig();

  const kubeconfigPaths = () => [...defaultKubeconfigPaths(), ...config.kubeconfigPaths];
  const source = scope.add(new FileKubeconfigSource(kubeconfigPaths(), log));
  const clusters = scope.add(new ClusterStore(source, config, log));
  const operations = scope.add(new OperationRunner());

  const tree = scope.add(new ApplicationsTreeProvider(clusters));
  scope.add(vscode.window.createTreeView('gitopsLens.applications', { treeDataProvider: tree, showCollapseAll: true }));

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
  return { scope, exports: createApi(clusters, firstLoad, activationMillis) };
}
