/**
 * The "Applications" view. Nodes are plain data; getTreeItem builds TreeItems from the store's
 * snapshot without any I/O (STYLE.md rules 5 and 13). For now the roots are the kubeconfig
 * contexts; the GitOps model adds tools, apps and resources under them.
 */
import * as vscode from 'vscode';
import type { Disposable } from '../../core/lifecycle';
import type { ClusterEntry, ClusterStore } from '../../core/store/clusterStore';
import type { KubeconfigProblem } from '../../core/model/cluster';

export type AppTreeNode =
  | { readonly type: 'cluster'; readonly name: string; readonly cluster: ClusterEntry }
  | { readonly type: 'kubeconfigProblems'; readonly name: string; readonly problems: readonly KubeconfigProblem[] };

export class ApplicationsTreeProvider implements vscode.TreeDataProvider<AppTreeNode>, Disposable {
  private readonly _onDidChangeTreeData = new vscode.EventEmitter<AppTreeNode | undefined>();
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  private readonly disposables: Disposable[] = [this._onDidChangeTreeData];

  constructor(private readonly clusters: ClusterStore) {
    clusters.onDidChange(() => this._onDidChangeTreeData.fire(undefined), this, this.disposables);
  }

  getChildren(node?: AppTreeNode): AppTreeNode[] {
    if (node) return [];
    const snap = this.clusters.snapshot;
    const roots: AppTreeNode[] = snap.clusters.map((c) => ({ type: 'cluster', name: c.name, cluster: c }));
    if (snap.problems.length > 0) {
      roots.push({ type: 'kubeconfigProblems', name: 'kubeconfig problems', problems: snap.problems });
    }
    return roots;
  }

  getParent(): AppTreeNode | undefined {
    return undefined;
  }

  getTreeItem(node: AppTreeNode): vscode.TreeItem {
    switch (node.type) {
      case 'cluster':
        return clusterItem(node.cluster);
      case 'kubeconfigProblems':
        return problemsItem(node.problems);
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

function clusterItem(c: ClusterEntry): vscode.TreeItem {
  const item = new vscode.TreeItem(c.name, vscode.TreeItemCollapsibleState.None);
  item.id = `cluster/${c.name}`;
  const host = hostOf(c.server);
  const parts = [host ?? 'no server', c.isCurrent ? 'current' : undefined, c.enabled ? undefined : 'disabled'];
  item.description = parts.filter(Boolean).join(' · ');
  item.iconPath = new vscode.ThemeIcon(c.enabled ? 'server-environment' : 'circle-slash');
  item.contextValue = c.enabled ? 'cluster.enabled' : 'cluster.disabled';
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${escapeMd(c.name)}**\n\n`);
  md.appendMarkdown(`- Server: ${escapeMd(c.server ?? '(cluster entry missing)')}\n`);
  md.appendMarkdown(`- User: ${escapeMd(c.user)}\n`);
  if (c.namespace) md.appendMarkdown(`- Namespace: ${escapeMd(c.namespace)}\n`);
  md.appendMarkdown(`- From: ${escapeMd(c.sourceFile)}\n`);
  item.tooltip = md;
  item.accessibilityInformation = { label: `Cluster ${c.name}, ${item.description}`, role: 'treeitem' };
  return item;
}

function problemsItem(problems: readonly KubeconfigProblem[]): vscode.TreeItem {
  const item = new vscode.TreeItem(
    `${problems.length} kubeconfig problem${problems.length === 1 ? '' : 's'}`,
    vscode.TreeItemCollapsibleState.None,
  );
  item.id = 'kubeconfig-problems';
  item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
  item.contextValue = 'kubeconfigProblems';
  item.tooltip = problems.map((p) => `${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`).join('\n');
  item.command = { command: 'gitopsLens.showLog', title: 'Show Log' };
  return item;
}

function hostOf(server: string | undefined): string | undefined {
  if (!server) return undefined;
  try {
    return new URL(server).host;
  } catch {
    return server;
  }
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
