/**
 * The "History" child of an app in the Applications view (issue 17): the app's deployments on its
 * cluster, each joined with the commit and the pull request it deployed, the branch's changes this
 * cluster does not run, policy flags, and the tracked branch's protection. Plain data nodes; items are
 * built from the AuditTrailStore snapshot only. Expanding the node asks the store to load (never while
 * rendering: the answer arrives as a change event, STYLE.md rule 5).
 */
import * as vscode from 'vscode';
import type { AppKey } from '../../core/model/app';
import type { AppTrail } from '../../core/audit/appTrail';
import type { TrailState } from '../../core/audit/trailStore';
import { describeWhereItRuns } from '../../core/audit/trail';
import {
  deploymentDescription,
  deploymentLabel,
  deploymentTooltip,
  changeLines,
  historyDescription,
  historyWarns,
  pendingDescription,
  pendingLabel,
  policyFlags,
} from './historyText';

export interface HistorySource {
  state(key: AppKey): TrailState | undefined;
  request(key: AppKey, opts?: { readonly force?: boolean }): void;
  readonly onDidChange: (listener: (key: AppKey) => void) => { dispose(): void };
}

type HistoryItemKind = 'where' | 'deployment' | 'pending' | 'protection' | 'note' | 'loading';

export type HistoryTreeNode =
  | { readonly type: 'history'; readonly id: string; readonly name: string; readonly appKey: AppKey }
  | { readonly type: 'historyItem'; readonly id: string; readonly name: string; readonly appKey: AppKey; readonly kind: HistoryItemKind; readonly index: number };

export function historyNode(appNodeId: string, appKey: AppKey): HistoryTreeNode {
  return { type: 'history', id: `${appNodeId}/history`, name: 'History', appKey };
}

/** The trail shown: the ready one, or the previous one while a reload runs. */
function shownTrail(s: TrailState | undefined): AppTrail | undefined {
  return s?.kind === 'ready' ? s.trail : s?.kind === 'loading' ? s.previous : undefined;
}

export function historyChildren(parent: Extract<HistoryTreeNode, { type: 'history' }>, source: HistorySource): HistoryTreeNode[] {
  source.request(parent.appKey);
  const s = source.state(parent.appKey);
  const t = shownTrail(s);
  const item = (kind: HistoryItemKind, index: number, name: string): HistoryTreeNode => ({ type: 'historyItem', id: `${parent.id}/${kind}/${index}`, name, appKey: parent.appKey, kind, index });
  if (!t) return s?.kind === 'failed' ? [item('note', -1, s.reason)] : [item('loading', 0, 'Loading history…')];
  const out: HistoryTreeNode[] = [];
  if (t.where.length > 0 && t.path !== undefined) out.push(item('where', 0, `Where ${t.path || 'the repository root'} runs now`));
  t.protectionProblems.forEach((p, i) => out.push(item('protection', i, p)));
  t.pending.forEach((c, i) => out.push(item('pending', i, c.commit.subject)));
  t.deployments.forEach((d, i) => out.push(item('deployment', i, d.deployment.revision)));
  const notes = [...(t.forgeUnavailable ? [`Pull requests not checked: ${t.forgeUnavailable}`] : []), ...t.notes];
  notes.forEach((n, i) => out.push(item('note', i, n)));
  if (t.deployments.length === 0) out.push(item('note', notes.length, 'The cluster recorded no deployment of this app.'));
  return out;
}

export function historyTreeItem(node: HistoryTreeNode, source: HistorySource, now: number): vscode.TreeItem {
  const s = source.state(node.appKey);
  const t = shownTrail(s);
  if (node.type === 'history') {
    const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = node.id;
    item.description = historyDescription(s ? { kind: s.kind, ...(t ? { trail: t } : {}), ...(s.kind === 'failed' ? { reason: s.reason } : {}) } : undefined);
    item.iconPath = t && historyWarns(t) ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')) : new vscode.ThemeIcon('history');
    item.contextValue = 'history';
    item.tooltip = t
      ? `Deployments of ${t.app} on ${t.cluster}${t.repoUrl ? ` from ${t.repoUrl}${t.path ? ` (${t.path})` : ''}` : ''}${t.branch ? `, tracking ${t.branch}` : ''}`
      : 'Deployments of this app with the commits and pull requests they brought';
    item.accessibilityInformation = { label: `History, ${item.description}`, role: 'treeitem' };
    return item;
  }
  const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.contextValue = `history.${node.kind}`;
  const esc = (x: string) => x.replace(/[\\`*_[\]<>|]/g, '\\$&');
  switch (node.kind) {
    case 'loading':
      item.iconPath = new vscode.ThemeIcon('loading~spin');
      break;
    case 'where':
      // Issue 17 "where it runs now": every cluster deploying the app's path, at the newest change or behind it.
      item.description = t ? describeWhereItRuns(t.where, now) : '';
      item.iconPath = new vscode.ThemeIcon('server-environment');
      item.tooltip = t ? `Clusters whose apps deploy ${t.path ?? ''}${t.changes[0] ? `, for its newest change ${t.changes[0].commit.id.slice(0, 7)} ${t.changes[0].commit.subject}` : ''}: running it (since when) or still on an older revision.` : undefined;
      break;
    case 'protection':
      item.label = t?.protectionProblems[node.index] ?? node.name;
      item.iconPath = new vscode.ThemeIcon('shield', new vscode.ThemeColor('problemsWarningIcon.foreground'));
      item.tooltip = 'The tracked branch\'s protection as the forge reports it: changes should reach it only through approved pull requests, with force pushes blocked.';
      break;
    case 'note':
      item.iconPath = new vscode.ThemeIcon('info');
      item.tooltip = node.name;
      break;
    case 'pending': {
      const c = t?.pending[node.index];
      if (!c) break;
      item.label = pendingLabel(c);
      item.description = pendingDescription(c, now);
      item.iconPath = policyFlags(c).length > 0 ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')) : new vscode.ThemeIcon('git-commit');
      item.tooltip = new vscode.MarkdownString(['**Not deployed on this cluster yet**', '', ...changeLines(c, now, esc)].join('\n'));
      break;
    }
    case 'deployment': {
      const d = t?.deployments[node.index];
      if (!d || !t) break;
      item.label = deploymentLabel(d);
      item.description = deploymentDescription(d, now);
      item.iconPath = !d.deployment.succeeded
        ? new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'))
        : policyFlags(d.change).length > 0
          ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
          : d.current
            ? new vscode.ThemeIcon('pass-filled')
            : new vscode.ThemeIcon(d.rollback ? 'discard' : 'rocket');
      item.tooltip = new vscode.MarkdownString(deploymentTooltip(d, t, now, esc));
      break;
    }
  }
  item.accessibilityInformation = { label: `${typeof item.label === 'string' ? item.label : node.name}${item.description ? `, ${String(item.description)}` : ''}`, role: 'treeitem' };
  return item;
}
