/** What `gitops-lens` runs with: its streams, environment and (for tests) a live-object reader. */
import type { LiveObjectReader } from '../core/ports';
import type { CliStreams } from './output';

export interface CliIo extends CliStreams {
  readonly env: NodeJS.ProcessEnv;
  /** True when stdout is a terminal: text output is coloured. */
  readonly isTty?: boolean;
  /** `diff --context` reads live objects through this (tests pass a fake); default: the cluster access of the extension. */
  readonly cluster?: LiveObjectReader;
  /** The time commands count back from (`audit --since 30d`); tests pin it. Default: Date.now. */
  readonly now?: () => number;
}
