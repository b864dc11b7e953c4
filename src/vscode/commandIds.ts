/**
 * Every command the extension contributes. Kept free of `vscode` imports so that a unit test can
 * check it against package.json (STYLE.md rule 9).
 */
export const COMMAND_IDS = ['gitopsLens.refresh', 'gitopsLens.showLog', 'gitopsLens.copyName'] as const;

export type CommandId = (typeof COMMAND_IDS)[number];

export const VIEW_IDS = ['gitopsLens.applications', 'gitopsLens.sources'] as const;
export type ViewId = (typeof VIEW_IDS)[number];

/** Context keys set by the extension and read by `when`/`enablement` clauses in package.json. */
export const CONTEXT_KEYS = {
  operationInProgress: 'gitopsLens.operationInProgress',
  /** True while the Applications view filters by text or state. */
  filterActive: 'gitopsLens.filterActive',
} as const;
