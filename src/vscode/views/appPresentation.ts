/**
 * How an App looks in the views: icon files, description, tooltip, contextValue and the accessible
 * label. Pure functions of the App snapshot (STYLE.md rule 5); the tree providers only assemble them.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { App, HealthStatus, ManagedResource, SyncStatus, Tool } from '../../core/model/app';
import type { ClusterConnection } from '../../core/store/appStore';
import type { ResourceHealthEntry } from '../../core/store/resourceHealthStore';

export const TOOL_LABEL: Record<Tool, string> = { argocd: 'Argo CD', flux: 'Flux' };

/** `outOfSync`, `synced`, `unknown`: the form used in contextValues and icon file names. */
export function syncSlug(s: SyncStatus): 'synced' | 'outOfSync' | 'unknown' {
  return s === 'OutOfSync' ? 'outOfSync' : s === 'Synced' ? 'synced' : 'unknown';
}

/**
 * `app.argocd.outOfSync`, matched by menus in package.json with `viewItem =~ /^app\.argocd\./`.
 * Suspended Flux objects get a `.suspended` suffix so a future resume command can target them.
 */
export function appContextValue(app: App): string {
  return `app.${app.tool}.${syncSlug(app.sync.status)}${app.suspended ? '.suspended' : ''}`;
}

/** media/status-<sync>-<health>-<theme>.svg: one icon per sync × health state, light and dark (flat: the VSIX ships media/*). */
export function statusIcon(extensionPath: string, sync: SyncStatus, health: HealthStatus): { light: vscode.Uri; dark: vscode.Uri } {
  const base = `${sync.toLowerCase()}-${health.toLowerCase()}`;
  return {
    light: vscode.Uri.file(path.join(extensionPath, 'media', `status-${base}-light.svg`)),
    dark: vscode.Uri.file(path.join(extensionPath, 'media', `status-${base}-dark.svg`)),
  };
}

export function shortStatus(app: App): string {
  const sync = app.sync.status === 'OutOfSync' ? 'OutOfSync' : app.sync.status;
  if (app.suspended) return `${sync} · Suspended`;
  return app.health.status === 'Healthy' ? sync : `${sync} · ${app.health.status}`;
}

/** Description: revision and short status, e.g. `main@5f3ae2b · OutOfSync · Degraded`. */
export function appDescription(app: App): string {
  return [app.revision, shortStatus(app)].filter(Boolean).join(' · ');
}

export function appAccessibleLabel(app: App): string {
  const sync = app.sync.status === 'OutOfSync' ? 'out of sync' : app.sync.status === 'Synced' ? 'synced' : 'sync unknown';
  const parts = [`${TOOL_LABEL[app.tool]} ${app.kind} ${app.name}`, sync, app.health.status.toLowerCase()];
  if (app.suspended) parts.push('suspended');
  if (app.revision) parts.push(`revision ${app.revision}`);
  return parts.join(', ');
}

export function appTooltip(app: App, connection: ClusterConnection, now: number): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.supportThemeIcons = true;
  md.appendMarkdown(`**${esc(app.name)}** — ${esc(TOOL_LABEL[app.tool])} ${esc(app.kind)} in \`${esc(app.namespace || '(cluster)')}\` on \`${esc(app.cluster)}\`\n\n`);
  md.appendMarkdown(`- Sync: **${esc(app.sync.status)}**${app.revision ? ` at \`${esc(app.revision)}\`` : ''}\n`);
  md.appendMarkdown(`- Health: **${esc(app.health.status)}**${app.suspended ? ' (reconciliation suspended)' : ''}\n`);
  if (app.project) md.appendMarkdown(`- Project: ${esc(app.project)}\n`);
  for (const s of app.sources) md.appendMarkdown(`- Source: ${esc(describeSource(s))}\n`);
  if (app.destination) {
    const d = app.destination;
    md.appendMarkdown(`- Destination: ${esc([d.name ?? d.server, d.namespace].filter(Boolean).join(' / ') || '(default)')}\n`);
  }
  if (app.lastReconciled) md.appendMarkdown(`- Last reconcile: ${esc(app.lastReconciled)} (${esc(ago(Date.parse(app.lastReconciled), now))})\n`);
  if (app.operation) md.appendMarkdown(`- Last operation: ${esc(app.operation.phase)}${app.operation.message ? ` — ${esc(app.operation.message)}` : ''}\n`);
  if (app.message) md.appendMarkdown(`\n${esc(app.message)}\n`);
  if (connection.phase === 'unreachable') {
    md.appendMarkdown(`\n$(warning) Cluster unreachable since ${esc(ago(connection.since, now))}; this is the last known state.\n`);
  }
  if (app.resourceHealth.kind === 'unavailable') {
    md.appendMarkdown(`\n_${esc(app.resourceHealth.reason)}: GitOps Lens computes each resource's health from the live object when you expand the app._\n`);
  }
  return md;
}

export function describeSource(s: App['sources'][number]): string {
  const where = s.repoURL ?? s.ref ?? '(unknown source)';
  const what = [s.chart ? `chart ${s.chart}` : undefined, s.path ? `path ${s.path}` : undefined, s.targetRevision ? `@ ${s.targetRevision}` : undefined];
  return [where, ...what].filter(Boolean).join(' ');
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

/** `5m ago`-style age; `now` and `then` are epoch milliseconds. */
export function ago(then: number, now: number): string {
  if (!Number.isFinite(then)) return 'unknown time';
  const s = Math.max(0, Math.round((now - then) / 1000));
  if (s < 60) return `${s}s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ago`;
  return `${Math.floor(h / 24)}d ago`;
}

export function connectionLabel(c: ClusterConnection, now: number): string | undefined {
  switch (c.phase) {
    case 'connecting':
      return 'connecting…';
    case 'unreachable':
      return `unreachable since ${ago(c.since, now)}`;
    default:
      return undefined;
  }
}

export function esc(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
