import type * as vscode from 'vscode';
import type { GitOpsKindName } from '../../core/model/app';
import type { Clock, Logger } from '../../core/ports';
import type { AppStore } from '../../core/store/appStore';
import type { ClusterStore } from '../../core/store/clusterStore';
import type { CommandId } from '../commandIds';
import type { OperationRunner } from '../operations';
import type { ViewFilter } from '../views/viewFilter';

/**
 * The cluster writes GitOps Lens makes: annotation merge patches only (implemented by
 * src/infra/k8s/annotate.ts). Kept this small so that a review sees every write in one place.
 */
export interface ClusterWriter {
  annotate(cluster: string, kind: GitOpsKindName, namespace: string, name: string, annotations: Readonly<Record<string, string>>): Promise<unknown>;
}

/** Reveals an app in the Applications view and opens its live YAML. */
export interface AppNavigator {
  reveal(key: string): Promise<void>;
  showLiveYaml(key: string): Promise<void>;
}

/** What command handlers may use; built once in composition.ts. */
export interface CommandDeps {
  readonly clusters: ClusterStore;
  readonly apps: AppStore;
  readonly operations: OperationRunner;
  readonly writer: ClusterWriter;
  readonly filter: ViewFilter;
  readonly clock: Clock;
  readonly navigator: AppNavigator;
  /** Connects to the enabled clusters (first use) or relists them (refresh). */
  readonly connect: (restart: boolean) => void;
  readonly log: Logger;
  readonly channel: vscode.LogOutputChannel;
}

export type CommandHandler = (...args: unknown[]) => unknown;
export type CommandFactory = (deps: CommandDeps) => CommandHandler;
export type CommandTable = Record<CommandId, CommandFactory>;
