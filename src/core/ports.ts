/**
 * Interfaces the outside world implements. Core code depends only on these; `src/infra` provides
 * Node implementations and tests provide fakes (STYLE.md rule 14).
 */
import type { Event } from './lifecycle';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/**
 * Log sink. Callers prefix lines with `[Component][method]`; implementations must never be handed a
 * token or Secret value (STYLE.md rule 11), and `redact` is applied on the way in as a safety net.
 */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, err?: unknown): void;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): { dispose(): void };
}

/** The settings the core reads, as one immutable value (STYLE.md rule 10). */
export interface ConfigSnapshot {
  /** Extra kubeconfig files from the `gitopsLens.kubeconfig` setting, already expanded. */
  readonly kubeconfigPaths: readonly string[];
  readonly disabledContexts: readonly string[];
}

/** A kubeconfig file as read from disk; `text` is undefined when the file does not exist. */
export interface KubeconfigFile {
  readonly path: string;
  readonly text: string | undefined;
}

/** Supplies the kubeconfig files to merge and tells when any of them changes. */
export interface KubeconfigSource {
  read(): Promise<readonly KubeconfigFile[]>;
  readonly onDidChange: Event<void>;
}
