/** The extension's one log channel, adapted to the core Logger port (STYLE.md rule 11). */
import type * as vscode from 'vscode';
import { redact } from '../core/log/redact';
import type { Logger } from '../core/ports';

export function createLogger(channel: vscode.LogOutputChannel): Logger {
  // VS Code disposes `context.subscriptions` in order, so the channel (pushed first) is gone while
  // connections still log their shutdown; a write to a disposed channel must not fail the disposal.
  const safe = (fn: () => void) => {
    try {
      fn();
    } catch {
      // Channel closed: nothing left to log to.
    }
  };
  return {
    trace: (m) => safe(() => channel.trace(redact(m))),
    debug: (m) => safe(() => channel.debug(redact(m))),
    info: (m) => safe(() => channel.info(redact(m))),
    warn: (m) => safe(() => channel.warn(redact(m))),
    error: (m, err) => safe(() => channel.error(redact(err === undefined ? m : `${m}: ${describeError(err)}`))),
  };
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
