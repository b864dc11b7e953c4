/**
 * The only module that reads settings (STYLE.md rule 10). Produces an immutable ConfigSnapshot and
 * says which changes need the cluster connections rebuilt.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConfigSnapshot } from '../core/ports';

const SECTION = 'gitopsLens';

/** Settings whose change means re-reading kubeconfig files and reconnecting. */
export const RECONNECT_SETTINGS = ['gitopsLens.kubeconfig'] as const;

export function readConfig(): ConfigSnapshot {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return Object.freeze({
    kubeconfigPaths: Object.freeze(
      cfg.get<string[]>('kubeconfig', []).filter((p) => typeof p === 'string' && p.trim() !== '').map((p) => expand(p, folder)),
    ),
    disabledContexts: Object.freeze(cfg.get<string[]>('disabledContexts', []).filter((c) => typeof c === 'string')),
  });
}

export function affectsConfig(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(SECTION);
}

export function needsReconnect(e: vscode.ConfigurationChangeEvent): boolean {
  return RECONNECT_SETTINGS.some((s) => e.affectsConfiguration(s));
}

function expand(p: string, folder: string | undefined): string {
  let out = p.trim();
  if (folder) out = out.replace(/\$\{workspaceFolder\}/g, folder);
  if (out === '~' || out.startsWith('~/')) out = path.join(os.homedir(), out.slice(1));
  if (!path.isAbsolute(out) && folder) out = path.join(folder, out);
  return out;
}

/** Settings of the vscode layer only (the core never reads them). */
export interface UiSettings {
  readonly notificationsEnabled: boolean;
}

export function readUiSettings(): UiSettings {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  return Object.freeze({ notificationsEnabled: cfg.get<boolean>('notifications.enabled', false) === true });
}
