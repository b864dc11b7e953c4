/**
 * The only module that reads settings (STYLE.md rule 10). Produces an immutable ConfigSnapshot and
 * says which changes need the cluster connections rebuilt.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConfigSnapshot } from '../core/ports';
import { FORGE_KINDS, type ForgeKind } from '../core/forge/types';

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
  /** `gitopsLens.drift.serverSideDryRun`: drift lenses compare live with a server-side dry-run apply (needs RBAC patch). */
  readonly serverSideDryRun: boolean;
}

export function readUiSettings(): UiSettings {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  return Object.freeze({
    notificationsEnabled: cfg.get<boolean>('notifications.enabled', false) === true,
    serverSideDryRun: cfg.get<boolean>('drift.serverSideDryRun', false) === true,
  });
}

/** Settings of the pull-request commands (issue 6), read when a command runs. */
export interface PullRequestSettings {
  /** Branch names are `<prefix>/<slug>`; `gitopsLens.pullRequests.branchPrefix`, default "gitops". */
  readonly branchPrefix: string;
  readonly draft: boolean;
  readonly labels: readonly string[];
  readonly reviewers: readonly string[];
  /** Self-hosted forges: host (with a non-default port) → forge kind, from `gitopsLens.forges`. */
  readonly forges: Readonly<Record<string, ForgeKind>>;
}

export function readPullRequestSettings(): PullRequestSettings {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const strings = (key: string) => Object.freeze(cfg.get<unknown[]>(key, []).filter((s): s is string => typeof s === 'string' && s.trim() !== '').map((s) => s.trim()));
  const rawPrefix = cfg.get<unknown>('pullRequests.branchPrefix', 'gitops');
  // A ref component may not start with '.' or end with '/' (git-check-ref-format(1)); keep it plain.
  const prefix = typeof rawPrefix === 'string' ? rawPrefix.trim().replace(/^[./]+|[./]+$/g, '') : '';
  const forges: Record<string, ForgeKind> = {};
  const rawForges = cfg.get<unknown>('forges', {});
  if (rawForges && typeof rawForges === 'object') {
    for (const [host, kind] of Object.entries(rawForges as Record<string, unknown>)) {
      if (typeof kind === 'string' && (FORGE_KINDS as readonly string[]).includes(kind)) forges[host.trim().toLowerCase()] = kind as ForgeKind;
    }
  }
  return Object.freeze({
    branchPrefix: prefix === '' ? 'gitops' : prefix,
    draft: cfg.get<unknown>('pullRequests.draft', false) === true,
    labels: strings('pullRequests.labels'),
    reviewers: strings('pullRequests.reviewers'),
    forges: Object.freeze(forges),
  });
}
