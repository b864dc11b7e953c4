/**
 * The words a tree row shows for an app or a cluster: description and accessible label. Free of
 * `vscode` on purpose (like tooltipMarkdown.ts), so the unit layer checks what users read. The status
 * comes first in a description: at the default side-bar width VS Code cuts a row's description at its
 * end, and a long revision must not push the status out of sight.
 */
import type { App } from '../../core/model/app';
import type { ClusterConnection } from '../../core/store/appStore';
import type { ClusterEntry } from '../../core/store/clusterStore';
import { timeSpan } from '../../core/text';
import { TOOL_LABEL } from './tooltipMarkdown';

function shortStatus(app: App): string {
  if (app.suspended) return `${app.sync.status} · Suspended`;
  return app.health.status === 'Healthy' ? app.sync.status : `${app.sync.status} · ${app.health.status}`;
}

/** An app row: status, then revision, e.g. `OutOfSync · Degraded · main@5f3ae2b`. */
export function appDescription(app: App): string {
  return [shortStatus(app), app.revision].filter(Boolean).join(' · ');
}

/** A Flux source row of the Sources view: status, kind, revision, e.g. `Synced · GitRepository · main@5f3ae2b`. */
export function sourceDescription(app: App): string {
  return [shortStatus(app), app.kind, app.revision].filter(Boolean).join(' · ');
}

/** A notification or image automation row: status, kind, what it does, e.g. `Synced · Alert · error events → slack (slack #ops)`. */
export function objectDescription(app: App, detail: string | undefined): string {
  return [shortStatus(app), app.kind, detail].filter(Boolean).join(' · ');
}

export function appAccessibleLabel(app: App): string {
  const sync = app.sync.status === 'OutOfSync' ? 'out of sync' : app.sync.status === 'Synced' ? 'synced' : 'sync unknown';
  const parts = [`${TOOL_LABEL[app.tool]} ${app.kind} ${app.name}`, sync, app.health.status.toLowerCase()];
  if (app.suspended) parts.push('suspended');
  if (app.revision) parts.push(`revision ${app.revision}`);
  return parts.join(', ');
}

function connectionLabel(c: ClusterConnection, now: number): string | undefined {
  switch (c.phase) {
    case 'connecting':
      return 'connecting…';
    case 'unreachable':
      return `unreachable for ${timeSpan(c.since, now)}`;
    default:
      return undefined;
  }
}

/** `host:port` of a server URL for the row; the URL itself when it does not parse. */
function hostOf(server: string | undefined): string | undefined {
  if (!server) return undefined;
  try {
    return new URL(server).host;
  } catch {
    return server;
  }
}

/**
 * A cluster row, the same in both views: `127.0.0.1:16443 · current · unreachable for 2 min`, and
 * the accessible label `Cluster prod-eu, …` that screen readers (and the e2e tests) find it by.
 */
export function clusterRowText(name: string, entry: ClusterEntry | undefined, connection: ClusterConnection, now: number): { readonly description: string; readonly accessibleLabel: string } {
  const enabled = entry?.enabled ?? false;
  const parts = [hostOf(entry?.server) ?? 'no server', entry?.isCurrent ? 'current' : undefined, enabled ? undefined : 'disabled', enabled ? connectionLabel(connection, now) : undefined];
  const description = parts.filter(Boolean).join(' · ');
  return { description, accessibleLabel: `Cluster ${name}, ${description}` };
}
