/**
 * The row of an Argo CD server reached through its API (issue 16), after the kubeconfig clusters in the
 * Applications view: the context (or added server) name, where it is and its connection state, and a
 * contextValue saying whether it came from the argocd CLI's config or was added in the view (only
 * those can be removed here; the config's belong to `argocd logout`/`argocd context`).
 */
import * as vscode from 'vscode';
import type { ArgoCdServerEntry } from '../../core/argocd/api/servers';
import type { ClusterConnection } from '../../core/store/appStore';
import { serverStateText } from './serverText';

export function serverTreeItem(id: string, server: ArgoCdServerEntry, connection: ClusterConnection, now: number): vscode.TreeItem {
  const usable = server.target !== undefined;
  const item = new vscode.TreeItem(server.name, usable ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
  item.id = id;
  const state = serverStateText(server, connection, now);
  item.description = `Argo CD API · ${state}`;
  const unreachable = !usable || connection.phase === 'unreachable';
  item.iconPath = unreachable ? new vscode.ThemeIcon('debug-disconnect', new vscode.ThemeColor('problemsWarningIcon.foreground')) : new vscode.ThemeIcon('cloud');
  item.contextValue = `argocdServer.${server.origin}${unreachable ? '.unreachable' : ''}`;
  const lines = [
    `Argo CD server ${server.name} (${server.origin === 'config' ? 'argocd CLI config' : 'added in GitOps Lens'})`,
    server.address,
    server.problem ?? (connection.phase === 'unreachable' ? connection.lastError.message : undefined),
    server.token === 'none' ? 'No login stored: run "Log In to Argo CD Server".' : undefined,
  ];
  item.tooltip = lines.filter(Boolean).join('\n');
  item.accessibilityInformation = { label: `Argo CD server ${server.name}, ${state}`, role: 'treeitem' };
  return item;
}
