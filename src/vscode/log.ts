/** The extension's one log channel, adapted to the core Logger port (STYLE.md rule 11). */
import type * as vscode from 'vscode';
import { redact } from '../core/log/redact';
import type { Logger } from '../core/ports';

export function createLogger(channel: vscode.LogOutputChannel): Logger {
  return {
    trace: (m) => channel.trace(redact(m)),
    debug: (m) => channel.debug(redact(m)),
    info: (m) => channel.info(redact(m)),
    warn: (m) => channel.warn(redact(m)),
    error: (m, err) => channel.error(redact(err === undefined ? m : `${m}: ${describeError(err)}`)),
  };
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
