/**
 * The "Pull Requests" child of an app in the Applications view (issue 6): the open PRs GitOps Lens
 * opened for the app (PullRequestRecords, kept in workspaceState), each opening its page. Plain data
 * nodes; the tree builds items from the snapshot only (STYLE.md rules 5, 13).
 */
import * as vscode from 'vscode';
import type { AppKey } from '../../core/model/app';
import { UserError } from '../commands/appArg';
import type { CommandHandler } from '../commands/types';
import type { PullRequestRecord } from './records';

export interface PullRequestSource {
  forApp(key: AppKey): readonly PullRequestRecord[];
  readonly onDidChange: (listener: () => void) => { dispose(): void };
  /** Drops PRs the forge no longer lists as open, in the background; onDidChange follows when some went. */
  refreshApp?(key: AppKey): Promise<void>;
}

export type PullRequestTreeNode =
  | { readonly type: 'pullRequests'; readonly id: string; readonly name: string; readonly appKey: AppKey }
  | { readonly type: 'pullRequest'; readonly id: string; readonly name: string; readonly appKey: AppKey; readonly url: string };

export function pullRequestsNode(appNodeId: string, appKey: AppKey): PullRequestTreeNode {
  return { type: 'pullRequests', id: `${appNodeId}/pullRequests`, name: 'Pull Requests', appKey };
}

export function pullRequestChildren(parent: Extract<PullRequestTreeNode, { type: 'pullRequests' }>, source: PullRequestSource): PullRequestTreeNode[] {
  // Expanding or refreshing the node asks the forge (never while rendering: the answer arrives as a
  // change event, and the node renders again from the snapshot; STYLE.md rule 5).
  void source.refreshApp?.(parent.appKey);
  return source.forApp(parent.appKey).map((r) => ({ type: 'pullRequest', id: `${parent.id}/${r.url}`, name: r.title, appKey: parent.appKey, url: r.url }));
}

export function pullRequestTreeItem(node: PullRequestTreeNode, source: PullRequestSource): vscode.TreeItem {
  if (node.type === 'pullRequests') {
    const n = source.forApp(node.appKey).length;
    const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = node.id;
    item.description = String(n);
    item.iconPath = new vscode.ThemeIcon('git-pull-request');
    item.contextValue = 'pullRequests';
    item.accessibilityInformation = { label: `Pull Requests, ${n}`, role: 'treeitem' };
    return item;
  }
  const r = source.forApp(node.appKey).find((x) => x.url === node.url);
  const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.description = r ? `${r.number !== undefined ? `#${r.number} · ` : ''}${r.head} → ${r.base}` : undefined;
  item.tooltip = r ? `${r.title}\n${r.url}\n${r.files.join('\n')}` : node.url;
  item.iconPath = new vscode.ThemeIcon('git-pull-request');
  item.contextValue = 'pullRequest';
  item.command = { command: 'gitopsLens.openPullRequestPage', title: 'Open Pull Request Page', arguments: [node] };
  item.accessibilityInformation = { label: `Pull request ${node.name}`, role: 'treeitem' };
  return item;
}

/** Opens a PR's page: from its tree node or a URL. */
export const openPullRequestPage = (): CommandHandler => async (arg?: unknown) => {
  const url = typeof arg === 'string' ? arg : typeof arg === 'object' && arg !== null && typeof (arg as { url?: unknown }).url === 'string' ? (arg as { url: string }).url : undefined;
  if (!url || !/^https?:\/\//.test(url)) throw new UserError('Open Pull Request Page runs from a pull request in the Applications view.');
  return vscode.env.openExternal(vscode.Uri.parse(url));
};
