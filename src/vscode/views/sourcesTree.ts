/**
 * The "Sources" view: per cluster, the Flux source objects (GitRepository, OCIRepository,
 * HelmRepository, Bucket, HelmChart) and the repositories Argo CD Applications point at, each with the
 * apps that use it (a Flux source expands to the objects whose `sourceRef` names it: Kustomizations,
 * HelmReleases through their HelmChart, HelmCharts of a HelmRepository). Argo CD servers reached
 * through their API (issue 16) are listed after the kubeconfig contexts, with their repositories. Reads AppStore snapshots only (STYLE.md rule 5); nodes are reused by id so store
 * events refresh only what they touched.
 */
import * as vscode from 'vscode';
import type { Disposable } from '../../core/lifecycle';
import type { App, AppKey } from '../../core/model/app';
import type { Clock } from '../../core/ports';
import type { AppStore, AppStoreChange } from '../../core/store/appStore';
import type { ClusterStore } from '../../core/store/clusterStore';
import { appContextValue, appTooltip, statusIcon } from './appPresentation';
import { appAccessibleLabel, appDescription, sourceDescription } from './appText';
import { clusterTreeItem } from './clusterItem';
import { keyParts } from '../../core/model/app';
import { serverTreeItem } from '../argocd/serverItem';
import type { ApiServersView } from './applicationsTree';
import { argoRepositories, sourceRootClusters } from './sourcesShape';

/** What this view needs of the Argo CD API servers (issue 16): their rows, and which app copies are listed elsewhere. */
type ApiSources = Pick<ApiServersView, 'serverEntries' | 'isApi' | 'hidden' | 'onDidChangeServers' | 'onDidChangeHidden'>;

export type SourceTreeNode =
  | { readonly type: 'cluster'; readonly id: string; readonly name: string }
  | { readonly type: 'fluxSources'; readonly id: string; readonly name: string; readonly cluster: string }
  | { readonly type: 'argoRepos'; readonly id: string; readonly name: string; readonly cluster: string }
  | { readonly type: 'source'; readonly id: string; readonly name: string; readonly key: AppKey }
  | { readonly type: 'repo'; readonly id: string; readonly name: string; readonly cluster: string; readonly url: string }
  | { readonly type: 'app'; readonly id: string; readonly name: string; readonly key: AppKey };

export class SourcesTreeProvider implements vscode.TreeDataProvider<SourceTreeNode>, Disposable {
  private readonly _onDidChangeTreeData = new vscode.EventEmitter<SourceTreeNode | SourceTreeNode[] | undefined>();
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  private readonly disposables: Disposable[] = [this._onDidChangeTreeData];
  private readonly nodes = new Map<string, SourceTreeNode>();

  constructor(
    private readonly clusters: ClusterStore,
    private readonly apps: AppStore,
    private readonly clock: Clock,
    private readonly extensionPath: string,
    private readonly api?: ApiSources,
  ) {
    clusters.onDidChange(() => this._onDidChangeTreeData.fire(undefined), this, this.disposables);
    api?.onDidChangeServers(() => this._onDidChangeTreeData.fire(undefined), this, this.disposables);
    api?.onDidChangeHidden(() => this._onDidChangeTreeData.fire(undefined), this, this.disposables);
    apps.onDidChange(this.onAppsChanged, this, this.disposables);
  }

  getChildren(node?: SourceTreeNode): SourceTreeNode[] {
    if (!node) {
      return sourceRootClusters(this.clusters.snapshot.clusters, this.api?.serverEntries() ?? []).map((name) => this.node({ type: 'cluster', id: `cluster/${name}`, name }));
    }
    switch (node.type) {
      case 'cluster': {
        const out: SourceTreeNode[] = [];
        if (this.fluxSources(node.name).length > 0) {
          out.push(this.node({ type: 'fluxSources', id: `cluster/${node.name}/flux`, name: 'Flux sources', cluster: node.name }));
        }
        if (this.argoRepos(node.name).size > 0) {
          out.push(this.node({ type: 'argoRepos', id: `cluster/${node.name}/argocd`, name: 'Argo CD repositories', cluster: node.name }));
        }
        return out;
      }
      case 'fluxSources':
        return this.fluxSources(node.cluster).map((a) => this.node({ type: 'source', id: `source/${a.key}`, name: a.name, key: a.key }));
      case 'argoRepos':
        return [...this.argoRepos(node.cluster).keys()]
          .sort()
          .map((url) => this.node({ type: 'repo', id: `cluster/${node.cluster}/argocd/${url}`, name: url, cluster: node.cluster, url }));
      case 'repo':
        return (this.argoRepos(node.cluster).get(node.url) ?? []).map((a) =>
          this.node({ type: 'app', id: `${node.id}/${a.key}`, name: a.name, key: a.key }),
        );
      case 'source':
        return this.usersOf(node.key).map((a) => this.node({ type: 'app', id: `${node.id}/${a.key}`, name: a.name, key: a.key }));
      default:
        return [];
    }
  }

  getParent(node: SourceTreeNode): SourceTreeNode | undefined {
    if (node.type === 'fluxSources' || node.type === 'argoRepos' || node.type === 'repo') {
      return this.nodes.get(`cluster/${node.cluster}`);
    }
    if (node.type === 'source') return this.nodes.get(`cluster/${keyParts(node.key).cluster}/flux`);
    if (node.type === 'app') return this.nodes.get(node.id.slice(0, node.id.length - node.key.length - 1));
    return undefined;
  }

  /** The tooltip of a source or app row, built on hover as the Applications view does (applicationsTree.ts). */
  resolveTreeItem(item: vscode.TreeItem, node: SourceTreeNode): vscode.TreeItem {
    if (item.tooltip !== undefined || (node.type !== 'source' && node.type !== 'app')) return item;
    const app = this.apps.get(node.key);
    if (app) item.tooltip = appTooltip(app, this.apps.status(app.cluster).connection, this.clock.now());
    return item;
  }

  getTreeItem(node: SourceTreeNode): vscode.TreeItem {
    switch (node.type) {
      case 'cluster': {
        const server = this.api?.isApi(node.name) ? this.api.serverEntries().find((s) => s.cluster === node.name) : undefined;
        if (server) return serverTreeItem(node.id, server, this.apps.status(node.name).connection, this.clock.now());
        return clusterTreeItem(
          node.id,
          node.name,
          this.clusters.snapshot.clusters.find((c) => c.name === node.name),
          this.apps.status(node.name).connection,
          this.clock.now(),
        );
      }
      case 'fluxSources':
      case 'argoRepos': {
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon(node.type === 'fluxSources' ? 'package' : 'repo');
        item.contextValue = node.type;
        return item;
      }
      case 'source':
      case 'app': {
        const app = this.apps.get(node.key);
        const users = node.type === 'source' ? this.usersOf(node.key).length : 0;
        const item = new vscode.TreeItem(node.name, users > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        if (app) {
          item.description = node.type === 'source' ? sourceDescription(app) : appDescription(app);
          item.iconPath = statusIcon(this.extensionPath, app.sync.status, app.suspended ? 'Suspended' : app.health.status);
          // No tooltip here: resolveTreeItem builds it on hover (a repository used by 1,000 apps, issue 18).
          item.contextValue = node.type === 'source' ? `source.${app.kind}` : appContextValue(app);
          item.accessibilityInformation = { label: `${appAccessibleLabel(app)}${users > 0 ? `, used by ${users}` : ''}`, role: 'treeitem' };
        }
        return item;
      }
      case 'repo': {
        const users = this.argoRepos(node.cluster).get(node.url) ?? [];
        const item = new vscode.TreeItem(node.url, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.id;
        item.description = `${users.length} app${users.length === 1 ? '' : 's'}`;
        item.iconPath = new vscode.ThemeIcon('repo');
        item.contextValue = 'repo.argocd';
        item.accessibilityInformation = { label: `Repository ${node.url}, used by ${item.description}`, role: 'treeitem' };
        return item;
      }
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    this.nodes.clear();
  }

  private fluxSources(cluster: string): App[] {
    return this.apps
      .all()
      .filter((a) => a.cluster === cluster && a.tool === 'flux' && a.role === 'source')
      .sort((a, b) => a.kind.localeCompare(b.kind) || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  }

  /** The Flux objects whose source reference (`Kind/namespace/name`) names the source `key`. */
  private usersOf(key: AppKey): App[] {
    const source = this.apps.get(key);
    if (!source) return [];
    const ref = `${source.kind}/${source.namespace}/${source.name}`;
    return this.apps
      .all()
      .filter((a) => a.cluster === source.cluster && a.tool === 'flux' && a.key !== key && a.sources.some((s) => s.ref === ref))
      .sort((a, b) => a.kind.localeCompare(b.kind) || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  }

  /** Repository URL → Argo CD Applications that take a source from it. */
  private argoRepos(cluster: string): Map<string, App[]> {
    return argoRepositories(this.apps.all(), cluster, (key) => this.api?.hidden(key) ?? false);
  }

  private node<T extends SourceTreeNode>(n: T): T {
    const existing = this.nodes.get(n.id);
    if (existing && existing.type === n.type) return existing as T;
    this.nodes.set(n.id, n);
    return n;
  }

  /**
   * Updated Flux sources refresh their own node; any Argo CD app change refreshes its cluster's
   * repository list (the repositories are derived from the apps), any Flux change its sources list
   * (what uses a source is derived from the apps); additions and removals refresh the cluster node.
   */
  private onAppsChanged(change: AppStoreChange): void {
    const out = new Set<SourceTreeNode>();
    const cluster = (key: AppKey) => this.nodes.get(`cluster/${keyParts(key).cluster}`);
    for (const key of change.updated) {
      const src = this.nodes.get(`source/${key}`);
      if (src) out.add(src);
      const { cluster, tool } = keyParts(key);
      const list = this.nodes.get(`cluster/${cluster}/${tool === 'argocd' ? 'argocd' : 'flux'}`);
      if (list && (tool === 'argocd' || !src)) out.add(list);
    }
    for (const key of [...change.added, ...change.removed]) {
      if (change.removed.includes(key)) this.nodes.delete(`source/${key}`);
      const c = cluster(key);
      if (c) out.add(c);
    }
    if (out.size > 0) this._onDidChangeTreeData.fire([...out]);
  }
}
