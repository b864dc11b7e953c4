/**
 * Every command the extension contributes. Kept free of `vscode` imports so that a unit test can
 * check it against package.json (STYLE.md rule 9).
 */
export const COMMAND_IDS = [
  'gitopsLens.refresh',
  'gitopsLens.showLog',
  'gitopsLens.copyName',
  'gitopsLens.refreshApp',
  'gitopsLens.hardRefreshApp',
  'gitopsLens.reconcile',
  'gitopsLens.openSource',
  'gitopsLens.openManifest',
  'gitopsLens.showLiveYaml',
  'gitopsLens.filterApps',
  'gitopsLens.filterOutOfSync',
  'gitopsLens.filterUnhealthy',
  'gitopsLens.clearFilter',
  'gitopsLens.showDrift',
  'gitopsLens.openPullRequest',
  'gitopsLens.adoptLiveState',
  'gitopsLens.proposeRollback',
  'gitopsLens.suspendViaPullRequest',
  'gitopsLens.resumeViaPullRequest',
  'gitopsLens.setForgeToken',
  'gitopsLens.forgetForgeToken',
  'gitopsLens.openPullRequestPage',
  'gitopsLens.syncFromGit',
  'gitopsLens.showArgoCdEvents',
  'gitopsLens.addArgoCdServer',
  'gitopsLens.removeArgoCdServer',
  'gitopsLens.argocdLogin',
  'gitopsLens.compareEnvironments',
  'gitopsLens.promoteEnvironment',
  'gitopsLens.updateImage',
] as const;

export type CommandId = (typeof COMMAND_IDS)[number];

/** Commands that write to a cluster; package.json must disable them while an operation runs. */
export const CLUSTER_WRITE_COMMANDS: readonly CommandId[] = ['gitopsLens.refreshApp', 'gitopsLens.hardRefreshApp', 'gitopsLens.reconcile', 'gitopsLens.syncFromGit'];

export const VIEW_IDS = ['gitopsLens.applications', 'gitopsLens.sources'] as const;
/** Context keys set by the extension and read by `when`/`enablement` clauses in package.json. */
export const CONTEXT_KEYS = {
  operationInProgress: 'gitopsLens.operationInProgress',
  /** True while the Applications view filters by text or state. */
  filterActive: 'gitopsLens.filterActive',
} as const;
