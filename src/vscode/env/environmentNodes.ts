/**
 * The "Environments" child of an app in the Applications view (issue 19): the app's environments
 * (the same base or chart deployed across clusters and folders, core/env/map.ts), each with its
 * revision, sync, health and the commits its cluster has not applied yet. Plain data nodes; items are
 * built from the EnvironmentIndex snapshot only (STYLE.md rules 5, 13).
 */
import * as vscode from 'vscode';
import type { PendingInfo } from '../../core/env/pending';
import type { Environment } from '../../core/env/types';
import type { AppKey } from '../../core/model/app';
import { shortRevision } from '../../core/model/app';
import type { AppEnvironments, EnvironmentSource } from './environmentIndex';

export type EnvironmentTreeNode =
  | { readonly type: 'environments'; readonly id: string; readonly name: string; readonly appKey: AppKey }
  | { readonly type: 'environment'; readonly id: string; readonly name: string; readonly appKey: AppKey; readonly envId: string };

/** The Environments node of an app, when its repository shows it deployed more than once. */
export function environmentsNode(appNodeId: string, appKey: AppKey, source: EnvironmentSource): EnvironmentTreeNode | undefined {
  const found = source.forApp(appKey);
  if (!found || found.group.environments.length < 2) return undefined;
  return { type: 'environments', id: `${appNodeId}/environments`, name: 'Environments', appKey };
}

export function environmentChildren(parent: Extract<EnvironmentTreeNode, { type: 'environments' }>, source: EnvironmentSource): EnvironmentTreeNode[] {
  const found = source.forApp(parent.appKey);
  if (!found) return [];
  return found.group.environments.map((e) => ({ type: 'environment', id: `${parent.id}/${e.id}`, name: e.label, appKey: parent.appKey, envId: e.id }));
}

/** `2 pending`, `up to date`, or undefined when nothing can be said. */
function pendingText(p: PendingInfo | undefined): string | undefined {
  if (p === undefined || p.total === undefined) return undefined;
  if (p.total === 0) return 'up to date';
  const touching = p.touchingTotal ?? 0;
  return touching === p.total ? `${p.total} pending` : `${touching} pending (${p.total} on ${p.branch ?? 'the branch'})`;
}

function revisionOf(e: Environment): string | undefined {
  const applied = e.appliedRevision !== undefined && e.appliedRevision !== e.fullRevision ? shortRevision(e.appliedRevision) : e.revision;
  return applied;
}

/** `rev abc1234 · Synced · Healthy · 2 pending`. */
function environmentDescription(e: Environment, p: PendingInfo | undefined): string {
  const parts = [revisionOf(e) ?? 'no revision', e.sync.status, e.health.status];
  const pending = pendingText(p);
  if (pending) parts.push(pending);
  return parts.join(' · ');
}

function environmentTooltip(found: AppEnvironments, e: Environment, p: PendingInfo | undefined): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = false;
  const esc = (s: string): string => s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
  md.appendMarkdown(`**${esc(e.label)}** of ${esc(found.group.name)}${e.id === found.self.id ? ' (this app)' : ''}\n\n`);
  md.appendMarkdown(`${esc(e.app.kind)} ${esc(e.app.namespace ? `${e.app.namespace}/` : '')}${esc(e.app.name)}${e.cluster ? ` on ${esc(e.cluster)}` : ''}\n\n`);
  md.appendMarkdown(`Revision: ${esc(e.appliedRevision ?? e.fullRevision ?? 'unknown')}${e.trackedRevision ? ` (follows ${esc(e.trackedRevision)})` : ''}\n\n`);
  md.appendMarkdown(`Sync: ${esc(e.sync.status)} · Health: ${esc(e.health.status)}${e.live ? '' : ' (not read from a cluster)'}\n\n`);
  if (p?.unknown !== undefined) md.appendMarkdown(`Pending: unknown, ${esc(p.unknown)}\n\n`);
  else if (p?.total !== undefined) {
    md.appendMarkdown(`Pending: ${esc(pendingText(p) ?? '')}\n\n`);
    for (const c of p.touching ?? []) md.appendMarkdown(`- ${esc(c.sha.slice(0, 7))} ${esc(c.subject)} (${esc(c.author)})\n`);
  }
  return md;
}

export function environmentTreeItem(node: EnvironmentTreeNode, source: EnvironmentSource): vscode.TreeItem {
  const found = source.forApp(node.appKey);
  if (node.type === 'environments') {
    const n = found?.group.environments.length ?? 0;
    const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = node.id;
    const behind = found ? found.group.environments.filter((e) => (found.pending.get(e.id)?.touchingTotal ?? 0) > 0).length : 0;
    item.description = `${n}${found ? ` of ${found.group.name}` : ''}${behind > 0 ? ` · ${behind} behind` : ''}`;
    item.iconPath = new vscode.ThemeIcon('layers');
    item.contextValue = 'environments';
    item.accessibilityInformation = { label: `Environments, ${item.description}`, role: 'treeitem' };
    return item;
  }
  const e = found?.group.environments.find((x) => x.id === node.envId);
  const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  if (!found || !e) return item;
  const p = found.pending.get(e.id);
  item.description = environmentDescription(e, p);
  item.tooltip = environmentTooltip(found, e, p);
  const self = e.id === found.self.id;
  item.iconPath = new vscode.ThemeIcon(self ? 'target' : 'server-environment');
  item.contextValue = self ? 'environment.self' : 'environment';
  item.accessibilityInformation = { label: `Environment ${e.label}${self ? ' (this app)' : ''}, ${item.description}`, role: 'treeitem' };
  return item;
}
