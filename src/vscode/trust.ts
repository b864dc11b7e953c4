/**
 * Restricted Mode (VS Code Workspace Trust, issue 12). package.json declares
 * `capabilities.untrustedWorkspaces: { supported: "limited" }`: in a workspace the user has not trusted,
 * GitOps Lens shows the clusters of the user's own kubeconfig files and the drift of the workspace's
 * manifests, but runs no git command in the repository (its `.git/config` can name programs git runs,
 * e.g. `core.fsmonitor`) and sends no forge token, so every pull-request command stops here with words
 * saying why. The views say what is restricted.
 * (VS Code docs, "Workspace Trust Extension Guide": `workspace.isTrusted`, `onDidGrantWorkspaceTrust`.)
 */
import * as vscode from 'vscode';
import { DisposableStore, type Disposable } from '../core/lifecycle';
import type { Logger } from '../core/ports';
import { UserError } from './commands/appArg';
import { affectsConfig, readTrustRestrictions, type TrustRestrictions } from './config';

class RestrictedModeError extends UserError {}

/** Throws RestrictedModeError in an untrusted workspace; `what` names the refused action ("Pull requests"). */
export function requireTrust(what: string): void {
  if (vscode.workspace.isTrusted) return;
  throw new RestrictedModeError(
    `${what} are off in Restricted Mode: GitOps Lens runs no git command in an untrusted workspace and sends no forge token from it. ` +
      'Trust this folder (command "Workspaces: Manage Workspace Trust") to open pull requests.',
  );
}

/** The views' message for `r`, or undefined when nothing is restricted. */
function restrictionMessage(r: TrustRestrictions): string | undefined {
  if (r.trusted) return undefined;
  const parts = ["Restricted Mode: pull requests are off, and this workspace's kubeconfig files and forge settings are ignored."];
  if (r.skippedKubeconfigEntries.length) parts.push(`Not read until you trust it: ${r.skippedKubeconfigEntries.join(', ')}.`);
  return parts.join(' ');
}

/** Keeps the message of `views` and the log in step with trust and settings. */
export class TrustNotice implements Disposable {
  private readonly disposables = new DisposableStore();
  private logged: string | undefined;

  constructor(
    private readonly views: ReadonlyArray<{ message?: string | undefined }>,
    private readonly log: Logger,
  ) {
    this.disposables.add(vscode.workspace.onDidGrantWorkspaceTrust(() => this.update()));
    this.disposables.add(vscode.workspace.onDidChangeConfiguration((e) => affectsConfig(e) && this.update()));
    this.update();
  }

  dispose(): void {
    this.disposables.dispose();
  }

  update(): void {
    const message = restrictionMessage(readTrustRestrictions());
    for (const view of this.views) view.message = message;
    if (message && message !== this.logged) this.log.warn(`[Trust][update] ${message}`);
    this.logged = message;
  }
}
