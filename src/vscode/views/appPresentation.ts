/**
 * How an App looks in the views: icon files, description, tooltip, contextValue and the accessible
 * label. Pure functions of the App snapshot (STYLE.md rule 5); the tree providers only assemble them.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { App, HealthStatus, ManagedResource, SyncStatus } from '../../core/model/app';
import type { ClusterConnection } from '../../core/store/appStore';
import type { ResourceHealthEntry } from '../../core/store/resourceHealthStore';
import { appTooltipMarkdown } from './tooltipMarkdown';

/** `outOfSync`, `synced`, `unknown`: the form used in contextValues and icon file names. */
function syncSlug(s: SyncStatus): 'synced' | 'outOfSync' | 'unknown' {
  return s === 'OutOfSync' ? 'outOfSync' : s === 'Synced' ? 'synced' : 'unknown';
}

/**
 * `app.argocd.outOfSync`, matched by menus in package.json with `viewItem =~ /^app\.argocd\./`.
 * Suspended Flux objects get a `.suspended` suffix so a future resume command can target them.
 */
export function appContextValue(app: App): string {
  return `app.${app.tool}.${syncSlug(app.sync.status)}${app.suspended ? '.suspended' : ''}`;
}

const icons = new Map<string, { readonly light: vscode.Uri; readonly dark: vscode.Uri }>();

/** media/status-<sync>-<health>-<theme>.svg: one icon per sync × health state, light and dark (flat: the VSIX ships media/*). */
export function statusIcon(extensionPath: string, sync: SyncStatus, health: HealthStatus): { light: vscode.Uri; dark: vscode.Uri } {
  const base = `${sync.toLowerCase()}-${health.toLowerCase()}`;
  // A Uri never changes: rows in the same state share one pair (issue 18, a row per app on expand).
  const id = `${extensionPath}\n${base}`;
  const known = icons.get(id);
  if (known) return { ...known };
  const pair = {
    light: vscode.Uri.file(path.join(extensionPath, 'media', `status-${base}-light.svg`)),
    dark: vscode.Uri.file(path.join(extensionPath, 'media', `status-${base}-dark.svg`)),
  };
  // Bounded: the states are a few dozen, whatever a cluster reports.
  if (icons.size < 256) icons.set(id, pair);
  return { ...pair };
}

/**
 * The app tooltip: Markdown whose outside text is escaped (tooltipMarkdown.ts: no links, no commands,
 * no icons, no HTML from cluster text). Never trusted, no HTML; theme icons only for our own warning.
 */
export function appTooltip(app: App, connection: ClusterConnection, now: number): vscode.MarkdownString {
  const md = new vscode.MarkdownString(appTooltipMarkdown(app, connection, now), true);
  md.isTrusted = false;
  md.supportHtml = false;
  return md;
}

export function resourceLabel(r: ManagedResource): string {
  return `${r.kind}/${r.name}`;
}

export function resourceDescription(r: ManagedResource, note?: string): string {
  return [r.namespace || undefined, r.sync, r.health, note, r.requiresPruning ? 'requires pruning' : undefined].filter(Boolean).join(' · ');
}

/**
 * A resource of an app whose health is not in the object (Argo CD 3.x), with the health computed from
 * its live object (ResourceHealthStore) merged in. `note` is what the description says instead of a
 * health when there is none to show: still loading, or unavailable (`reason` says why, for the tooltip).
 */
export interface LiveHealthView {
  readonly resource: ManagedResource;
  readonly note?: string;
  readonly reason?: string;
  readonly loading: boolean;
}

export function withLiveHealth(r: ManagedResource, entry: ResourceHealthEntry | undefined): LiveHealthView {
  if (entry === undefined) return { resource: r, note: 'health loading…', loading: true };
  if ('unavailable' in entry) return { resource: r, note: 'health unavailable', reason: entry.unavailable, loading: false };
  if ('noHealth' in entry) return { resource: r, loading: false };
  return { resource: { ...r, health: entry.status, healthMessage: entry.message }, loading: false };
}

export function resourceIcon(r: ManagedResource): vscode.ThemeIcon {
  if (r.health === 'Degraded') return new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
  if (r.sync === 'OutOfSync') return new vscode.ThemeIcon('diff-modified', new vscode.ThemeColor('problemsWarningIcon.foreground'));
  if (r.health === 'Progressing') return new vscode.ThemeIcon('sync');
  if (r.health === 'Missing') return new vscode.ThemeIcon('question', new vscode.ThemeColor('problemsWarningIcon.foreground'));
  return new vscode.ThemeIcon('symbol-object');
}
