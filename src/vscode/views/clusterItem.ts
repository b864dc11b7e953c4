/**
 * A cluster's row, built once for both views (Applications and Sources), so it reads the same in each:
 * `Cluster <name>` to a screen reader, host · current · connection state as the description, the
 * kubeconfig entry in the tooltip, and an icon and contextValue saying disabled or unreachable.
 */
import * as vscode from 'vscode';
import type { ClusterConnection } from '../../core/store/appStore';
import type { ClusterEntry } from '../../core/store/clusterStore';
import { clusterRowText } from './appText';
import { clusterTooltipMarkdown } from './tooltipMarkdown';

export function clusterTreeItem(id: string, name: string, entry: ClusterEntry | undefined, connection: ClusterConnection, now: number): vscode.TreeItem {
  const enabled = entry?.enabled ?? false;
  const item = new vscode.TreeItem(name, enabled ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
  item.id = id;
  const text = clusterRowText(name, entry, connection, now);
  item.description = text.description;
  const unreachable = enabled && connection.phase === 'unreachable';
  item.iconPath = unreachable
    ? new vscode.ThemeIcon('debug-disconnect', new vscode.ThemeColor('problemsWarningIcon.foreground'))
    : new vscode.ThemeIcon(enabled ? 'server-environment' : 'circle-slash');
  item.contextValue = !enabled ? 'cluster.disabled' : unreachable ? 'cluster.unreachable' : 'cluster.enabled';
  // Outside text escaped (tooltipMarkdown.ts); never trusted, no HTML, no icons.
  const md = new vscode.MarkdownString(clusterTooltipMarkdown(name, entry, connection));
  md.isTrusted = false;
  md.supportHtml = false;
  item.tooltip = md;
  item.accessibilityInformation = { label: text.accessibleLabel, role: 'treeitem' };
  return item;
}
