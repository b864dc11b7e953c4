import type * as vscode from 'vscode';
import type { ClusterStore } from '../../core/store/clusterStore';
import type { Logger } from '../../core/ports';
import type { CommandId } from '../commandIds';
import type { OperationRunner } from '../operations';

/** What command handlers may use; built once in composition.ts. */
export interface CommandDeps {
  readonly clusters: ClusterStore;
  readonly operations: OperationRunner;
  readonly log: Logger;
  readonly channel: vscode.LogOutputChannel;
}

export type CommandHandler = (...args: unknown[]) => unknown;
export type CommandFactory = (deps: CommandDeps) => CommandHandler;
export type CommandTable = Record<CommandId, CommandFactory>;
