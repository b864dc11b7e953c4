/**
 * Entry point: activate/deactivate only (STYLE.md rule 1). Importing this module does no work.
 */
import * as vscode from 'vscode';
import { activateContributions } from './activation';
import type { GitOpsLensExtensionExports } from './vscode/api';

/** Set by the bundle's first line (scripts/build.mjs), so load time counts toward activation. */
declare const __gitopsLensLoadStart: number | undefined;

export function activate(context: vscode.ExtensionContext): GitOpsLensExtensionExports {
  const called = performance.now();
  const started = typeof __gitopsLensLoadStart === 'number' ? __gitopsLensLoadStart : called;
  let activationMillis = 0;
  const channel = vscode.window.createOutputChannel('GitOps Lens', { log: true });
  context.subscriptions.push(channel);
  try {
    // The in-host tests' hooks exist only when VS Code runs the extension for tests (src/vscode/testApi.ts).
    // The features themselves are built on first use (activation.ts).
    const { scope, exports } = activateContributions(channel, () => activationMillis, context, { testApi: context.extensionMode === vscode.ExtensionMode.Test });
    context.subscriptions.push(scope);
    activationMillis = performance.now() - started;
    channel.info(
      `[Extension][activate] activated in ${activationMillis.toFixed(1)} ms (bundle load ${(called - started).toFixed(1)} ms)`,
    );
    return exports;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    channel.error(`[Extension][activate] activation failed: ${message}`);
    void vscode.window.showErrorMessage(`GitOps Lens could not start: ${message}`, 'Open Log').then((c) => {
      if (c === 'Open Log') channel.show(true);
    });
    throw err;
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
