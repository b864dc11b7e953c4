import type * as vscode from 'vscode';
import type { RepositoryDiscovery, RepositoryFiles } from '../../core/git/ports';
import type { GitOpsKindName } from '../../core/model/app';
import type { Clock, Logger } from '../../core/ports';
import type { AppStore } from '../../core/store/appStore';
import type { ClusterStore } from '../../core/store/clusterStore';
import type { DocumentDrift } from '../../core/drift/session';
import type { DriftDiff } from '../codelens/driftDocuments';
import type { CommandId } from '../commandIds';
import type { OperationRunner } from '../operations';
import type { PrDeps } from '../pr/deliver';
import type { ViewFilter } from '../views/viewFilter';
import type { ArgoCdApi } from '../argocd/feature';
import type { EnvironmentIndex } from '../env/environmentIndex';
import type { EnvDocuments } from '../env/envDocuments';

/**
 * The cluster writes GitOps Lens makes: annotation merge patches only (implemented by
 * src/infra/k8s/annotate.ts). Kept this small so that a review sees every write in one place.
 */
interface ClusterWriter {
  annotate(cluster: string, kind: GitOpsKindName, namespace: string, name: string, annotations: Readonly<Record<string, string>>): Promise<unknown>;
}

/** Reveals an app in the Applications view and opens its live YAML. */
export interface AppNavigator {
  reveal(key: string): Promise<void>;
  showLiveYaml(key: string): Promise<void>;
}

/** Both sides of a drift lens's comparison as documents (Show Drift). */
interface DriftDiffSource {
  prepare(uri: string, documentIndex: number, cluster: string): DriftDiff | undefined;
}

/** What every command handler may use; built once in composition.ts. */
export interface CommandContext {
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
  /** Show Drift: both sides of a CodeLens comparison. */
  readonly drift: DriftDiffSource;
  /** Per document and cluster the drifted fields (DriftResults.details), for Adopt Live State. */
  readonly driftDetails: (uri: string) => readonly DocumentDrift[];
  /** The pull-request machinery (forge auth, records, publisher, the user's repository through git). */
  readonly pr: PrDeps;
  /** Workspace state (Suspend remembers an Argo CD app's automated policy for Resume). */
  readonly state: vscode.Memento;
  /** The workspace's repositories, found from `.git` files. */
  readonly repos: RepositoryDiscovery;
  /** Working-tree files, read with bounds. */
  readonly files: RepositoryFiles;
  /** Argo CD servers reached through their API (issue 16): refresh and sync go there for their apps. */
  readonly argocd: ArgoCdApi;
  /** Environments of the workspace's repositories and the Compare documents (issue 19). */
  readonly environments?: { readonly index: EnvironmentIndex; readonly documents: EnvDocuments };
}

export type CommandHandler = (...args: unknown[]) => unknown;
export type CommandFactory = (ctx: CommandContext) => CommandHandler;
export type CommandTable = Record<CommandId, CommandFactory>;
