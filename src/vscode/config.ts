/**
 * The only module that reads settings (STYLE.md rule 10). Produces an immutable ConfigSnapshot and
 * says which changes need the cluster connections rebuilt.
 *
 * Trust (issue 12): a repository's `.vscode/settings.json` (or a `.code-workspace` file) is written by
 * whoever wrote the repository. Settings that reach credentials are read from user settings (and remote
 * machine settings) only, whatever the workspace says and whether or not it is trusted:
 * `gitopsLens.kubeconfig` (a kubeconfig's exec plugin runs a program on connect) and `gitopsLens.forges`
 * (which forge API, and so which token, a host gets). package.json gives both `machine` scope, which
 * VS Code already keeps out of workspace settings; reading `inspect().globalValue` here makes that hold
 * whatever a VS Code version does with scopes (`machine-overridable` lets a workspace value win).
 * In Restricted Mode (an untrusted workspace) the workspace values of every setting in
 * RESTRICTED_SETTINGS are ignored too (package.json `restrictedConfigurations`, read the same way), and
 * user-level kubeconfig entries that point into the workspace are not read.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConfigSnapshot } from '../core/ports';
import { forgeMapping } from '../core/forge/detect';
import type { ForgeKind } from '../core/forge/types';
import { Emitter, type Disposable, type Event } from '../core/lifecycle';

const SECTION = 'gitopsLens';

/** Settings whose change means re-reading kubeconfig files and reconnecting. */
const RECONNECT_SETTINGS = ['gitopsLens.kubeconfig'] as const;

/** Read from user (and remote machine) settings only, never from a workspace or folder. */
export const USER_LEVEL_SETTINGS = ['gitopsLens.kubeconfig', 'gitopsLens.forges', 'gitopsLens.argocd.configFile'] as const;

/**
 * Whose workspace values are ignored in Restricted Mode; package.json
 * `capabilities.untrustedWorkspaces.restrictedConfigurations` lists the same (a test checks it).
 * `drift.serverSideDryRun` sends the repository's manifests to every cluster as dry-run patches.
 */
export const RESTRICTED_SETTINGS = [...USER_LEVEL_SETTINGS, 'gitopsLens.drift.serverSideDryRun'] as const;

/**
 * The value of `key` in user settings (remote machine settings merged in by VS Code), else its default:
 * `globalValue` of `inspect`, which never holds a workspace or folder value.
 */
function userValue(cfg: vscode.WorkspaceConfiguration, key: string): unknown {
  const i = cfg.inspect<unknown>(key);
  return i?.globalValue !== undefined ? i.globalValue : i?.defaultValue;
}

/** `get(key)` in a trusted workspace; in Restricted Mode the user-level value only. */
function trustedValue(cfg: vscode.WorkspaceConfiguration, key: string): unknown {
  return vscode.workspace.isTrusted ? cfg.get<unknown>(key) : userValue(cfg, key);
}

const workspaceFolders = (): string[] => (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);

/** The `gitopsLens.kubeconfig` entries read, and those left out because they point into an untrusted workspace. */
function kubeconfigEntries(): { readonly read: string[]; readonly skipped: string[] } {
  const raw = userValue(vscode.workspace.getConfiguration(SECTION), 'kubeconfig');
  const entries = (Array.isArray(raw) ? raw : []).filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  const folders = workspaceFolders();
  const folder = folders[0];
  const read: string[] = [];
  const skipped: string[] = [];
  for (const entry of entries) {
    const file = expand(entry, folder);
    // A kubeconfig in the repository is the repository's code (its exec plugin runs on connect): read
    // only once the workspace is trusted, even when the user's own settings name it.
    const inWorkspace = entry.includes('${workspaceFolder}') || folders.some((f) => isInside(file, f));
    if (inWorkspace && !vscode.workspace.isTrusted) skipped.push(entry);
    else read.push(file);
  }
  return { read, skipped };
}

export function readConfig(): ConfigSnapshot {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  return Object.freeze({
    kubeconfigPaths: Object.freeze(kubeconfigEntries().read),
    disabledContexts: Object.freeze(cfg.get<string[]>('disabledContexts', []).filter((c) => typeof c === 'string')),
  });
}

/**
 * What the trust rules leave out right now, for the views' message and the log. (Which workspace
 * values are ignored is not known here: VS Code drops machine-scoped and, in Restricted Mode, restricted
 * settings from the workspace model before `inspect` sees them, and says so itself, in the settings
 * editor and the Workspace Trust editor.)
 */
export interface TrustRestrictions {
  readonly trusted: boolean;
  /** `gitopsLens.kubeconfig` entries (as written) not read because they point into the untrusted workspace. */
  readonly skippedKubeconfigEntries: readonly string[];
}

export function readTrustRestrictions(): TrustRestrictions {
  return Object.freeze({ trusted: vscode.workspace.isTrusted, skippedKubeconfigEntries: Object.freeze(kubeconfigEntries().skipped) });
}

export function affectsConfig(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(SECTION);
}

function needsReconnect(e: vscode.ConfigurationChangeEvent): boolean {
  return RECONNECT_SETTINGS.some((s) => e.affectsConfiguration(s));
}

function isInside(file: string, folder: string): boolean {
  const rel = path.relative(folder, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
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
  /**
   * `gitopsLens.argocd.configFile`: the `argocd` CLI config whose contexts are Argo CD servers of the
   * Applications view (issue 16); undefined: the CLI's own (ARGOCD_CONFIG_DIR, ~/.config/argocd/config).
   * User settings only: the file holds logins.
   */
  readonly argocdConfigFile: string | undefined;
}

function argocdConfigFile(cfg: vscode.WorkspaceConfiguration): string | undefined {
  const raw = userValue(cfg, 'argocd.configFile');
  return typeof raw === 'string' && raw.trim() !== '' ? expand(raw, workspaceFolders()[0]) : undefined;
}

function readUiSettings(): UiSettings {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  return Object.freeze({
    notificationsEnabled: cfg.get<boolean>('notifications.enabled', false) === true,
    serverSideDryRun: trustedValue(cfg, 'drift.serverSideDryRun') === true,
    argocdConfigFile: argocdConfigFile(cfg),
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
  return Object.freeze({
    branchPrefix: prefix === '' ? 'gitops' : prefix,
    draft: cfg.get<unknown>('pullRequests.draft', false) === true,
    labels: strings('pullRequests.labels'),
    reviewers: strings('pullRequests.reviewers'),
    forges: forgeMapping(userValue(cfg, 'forges')),
  });
}

/**
 * The `github-enterprise.uri` setting of VS Code's github-authentication extension, which names the one
 * server its `github-enterprise` sessions are for; from user settings, and only while no workspace value
 * overrides it (the session would then be for another server). Undefined otherwise.
 */
export function readGithubEnterpriseUri(): string | undefined {
  const cfg = vscode.workspace.getConfiguration('github-enterprise');
  const user = userValue(cfg, 'uri');
  return typeof user === 'string' && user.trim() !== '' && cfg.get<unknown>('uri') === user ? user.trim() : undefined;
}

/**
 * The settings as one current value each (STYLE.md rule 10), read again when a `gitopsLens` setting
 * changes or the workspace becomes trusted (which lets the user's kubeconfig entries that point into it
 * be read). `reconnect`: the kubeconfig files to read changed.
 */
export class LiveSettings implements Disposable {
  private _config = readConfig();
  private _ui = readUiSettings();
  private readonly _onDidChange = new Emitter<{ readonly reconnect: boolean }>();
  readonly onDidChange: Event<{ readonly reconnect: boolean }> = this._onDidChange.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      vscode.workspace.onDidChangeConfiguration((e) => affectsConfig(e) && this.reread(needsReconnect(e))),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.reread(true)),
    ];
  }

  get config(): ConfigSnapshot {
    return this._config;
  }

  get ui(): UiSettings {
    return this._ui;
  }

  private reread(reconnect: boolean): void {
    this._config = readConfig();
    this._ui = readUiSettings();
    this._onDidChange.fire({ reconnect });
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this._onDidChange.dispose();
  }
}
