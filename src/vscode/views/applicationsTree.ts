/**
 * The "Applications" view: cluster → Argo CD / Flux → project or namespace → app → managed resources.
 * Nodes are plain data keyed by a stable id and reused across refreshes, so that a store event can
 * refresh exactly the nodes it touched (VS Code finds elements of `onDidChangeTreeData` by identity).
 * getTreeItem reads AppStore/ClusterStore snapshots only, never the cluster (STYLE.md rules 5, 13).
 */
import * as vscode from 'vscode';
import type { Disposable } from '../../core/lifecycle';
import type { App, AppKey, ManagedResource, Tool } from '../../core/model/app';
import type { KubeconfigProblem } from '../../core/model/cluster';
import type { Clock } from '../../core/ports';
import type { AppStore, AppStoreChange } from '../../core/store/appStore';
import type { ClusterEntry, ClusterStore } from '../../core/store/clusterStore';
import type { ResourceHealthStore } from '../../core/store/resourceHealthStore';
import { appContextValue, appTooltip, resourceDescription, resourceIcon, resourceLabel, statusIcon, withLiveHealth } from './appPresentation';
import { appAccessibleLabel, appDescription } from './appText';
import { clusterTreeItem } from './clusterItem';
import { TOOL_LABEL } from './tooltipMarkdown';
import type { ViewFilter } from './viewFilter';
import { pullRequestChildren, pullRequestTreeItem, pullRequestsNode, type PullRequestSource, type PullRequestTreeNode } from '../pr/pullRequestNodes';
import { keyParts } from '../../core/model/app';
import { historyChildren, historyNode, historyTreeItem, type HistorySource, type HistoryTreeNode } from '../audit/historyNodes';
import type { Event } from '../../core/lifecycle';
import type { ArgoCdServerEntry } from '../../core/argocd/api/servers';
import { treeKey, type TreeNode, type TreeNodeRef } from '../../core/argocd/api/resourceTree';
import type { ApiResourceTrees } from '../../core/argocd/api/treeStore';
import { serverTreeItem } from '../argocd/serverItem';
import type { EnvironmentSource } from '../env/environmentIndex';
import { environmentChildren, environmentTreeItem, environmentsNode, type EnvironmentTreeNode } from '../env/environmentNodes';
import { imageAutomationOf, isImageAutomation, isNotification, nestedApps, nestingParent, notificationsOf, notificationsSummary, objectDetail, providerOf } from './appTreeShape';
import { objectDescription } from './appText';

export type AppTreeNode =
  | { readonly type: 'cluster'; readonly id: string; readonly name: string }
  | { readonly type: 'kubeconfigProblems'; readonly id: string; readonly name: string }
  | { readonly type: 'forbidden'; readonly id: string; readonly name: string; readonly cluster: string }
  | { readonly type: 'empty'; readonly id: string; readonly name: string; readonly cluster: string }
  | { readonly type: 'tool'; readonly id: string; readonly name: string; readonly cluster: string; readonly tool: Tool }
  | { readonly type: 'group'; readonly id: string; readonly name: string; readonly cluster: string; readonly tool: Tool }
  /** `parent`: the Argo CD Application it is nested under (app of apps), else it is listed in `group`. */
  | { readonly type: 'app'; readonly id: string; readonly name: string; readonly key: AppKey; readonly cluster: string; readonly tool: Tool; readonly group: string; readonly parent?: AppKey }
  /** The Alerts and Receivers watching a Flux app (issue 15). */
  | { readonly type: 'notifications'; readonly id: string; readonly name: string; readonly appKey: AppKey }
  /** The image automation objects of a cluster (issue 15). */
  | { readonly type: 'images'; readonly id: string; readonly name: string; readonly cluster: string }
  /** A Flux object shown for what it does to an app: Alert, Provider, Receiver, image automation. */
  | { readonly type: 'object'; readonly id: string; readonly name: string; readonly key: AppKey; readonly parentId: string }
  | { readonly type: 'resource'; readonly id: string; readonly name: string; readonly appKey: AppKey; readonly index: number }
  /** A node Argo CD tracks below a managed resource (a Deployment's ReplicaSets, their Pods): API apps only. */
  | { readonly type: 'treeNode'; readonly id: string; readonly name: string; readonly appKey: AppKey; readonly ref: TreeNodeRef; readonly parentId: string }
  | PullRequestTreeNode
  | HistoryTreeNode
  | EnvironmentTreeNode;

/**
 * The Argo CD servers reached through their API (issue 16), as the view needs them: their rows after
 * the kubeconfig clusters, which app copies are shown through the other path (an app seen both ways
 * appears once), and the resource trees Argo CD computed (health of each resource, and what it tracks
 * below it). Built in src/vscode/argocd; the provider only reads it.
 */
export interface ApiServersView {
  readonly onDidChangeServers: Event<unknown>;
  readonly onDidChangeHidden: Event<void>;
  serverEntries(): readonly ArgoCdServerEntry[];
  isApi(cluster: string): boolean;
  hidden(key: AppKey): boolean;
  shown(key: AppKey): AppKey;
  /** The Application's sync policy is not automated ("Sync from Git" is offered). */
  manualSync(key: AppKey): boolean;
  readonly trees: ApiResourceTrees;
}

export type AppNode = Extract<AppTreeNode, { type: 'app' }>;

export function isAppNode(v: unknown): v is AppNode {
  return typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'app' && typeof (v as { key?: unknown }).key === 'string';
}

/** Only deploying objects are listed here; Flux sources have their own view. */
function listedInApplications(app: App): boolean {
  return app.role === 'app';
}

export class ApplicationsTreeProvider implements vscode.TreeDataProvider<AppTreeNode>, Disposable {
  private readonly _onDidChangeTreeData = new vscode.EventEmitter<AppTreeNode | AppTreeNode[] | undefined>();
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  private readonly _onDidRequestLiveHealth = new vscode.EventEmitter<AppKey>();
  /**
   * VS Code listed the resources of an Argo CD 3.x app whose health nobody loaded yet: an expansion
   * that `TreeView.onDidExpandElement` does not report (expansion state restored on reload). The
   * provider only asks; composition loads (the provider never calls the cluster, STYLE.md rule 5).
   */
  readonly onDidRequestLiveHealth = this._onDidRequestLiveHealth.event;
  private readonly _onDidRequestApiTree = new vscode.EventEmitter<AppKey>();
  /** The same for an app reached through Argo CD's API: its resource tree was never loaded. */
  readonly onDidRequestApiTree = this._onDidRequestApiTree.event;
  private readonly disposables: Disposable[] = [this._onDidChangeTreeData, this._onDidRequestLiveHealth, this._onDidRequestApiTree];
  private readonly nodes = new Map<string, AppTreeNode>();

  constructor(
    private readonly clusters: ClusterStore,
    private readonly apps: AppStore,
    private readonly filter: ViewFilter,
    private readonly clock: Clock,
    private readonly extensionPath: string,
    /** Health computed from live objects, for apps whose object does not carry it (Argo CD 3.x). */
    private readonly liveHealth?: ResourceHealthStore,
    /** Pull requests GitOps Lens opened per app (issue 6), listed under a "Pull Requests" child. */
    private readonly pullRequests?: PullRequestSource,
    /** Each app's audit trail (issue 17), listed under a "History" child. */
    private readonly history?: HistorySource,
    /** Argo CD servers reached through their API (issue 16). */
    private readonly api?: ApiServersView,
    /** Environments of the app's repository (issue 19), listed under an "Environments" child. */
    private readonly environments?: EnvironmentSource,
  ) {
    if (api) {
      api.onDidChangeServers(() => this.fireAll(), this, this.disposables);
      api.onDidChangeHidden(() => this.fireAll(), this, this.disposables);
      api.trees.onDidChange(
        (key) => {
          const n = this.nodes.get(`app/${key}`);
          if (n) this._onDidChangeTreeData.fire([n]);
        },
        this,
        this.disposables,
      );
    }
    if (pullRequests) this.disposables.push(pullRequests.onDidChange(() => this.fireAll()));
    // A loaded trail refreshes its History node only (its children are read again with it).
    if (history)
      this.disposables.push(
        history.onDidChange((key) => {
          const n = this.nodes.get(`app/${key}/history`);
          if (n) this._onDidChangeTreeData.fire([n]);
        }),
      );
    if (environments) this.disposables.push(environments.onDidChange(() => this.fireAll()));
    clusters.onDidChange(() => this.fireAll(), this, this.disposables);
    filter.onDidChange(() => this.fireAll(), this, this.disposables);
    apps.onDidChange(this.onAppsChanged, this, this.disposables);
    // Refreshing the app node makes VS Code re-read its children, the resource nodes.
    liveHealth?.onDidChange(
      (key) => {
        const n = this.nodes.get(`app/${key}`);
        if (n) this._onDidChangeTreeData.fire([n]);
      },
      this,
      this.disposables,
    );
  }

  /** Whether the app's resource health comes from the live objects (ResourceHealthStore), not the app. */
  static needsLiveHealth(app: App): boolean {
    return app.tool === 'argocd' && app.kind === 'Application' && app.resourceHealth.kind === 'unavailable';
  }

  /** The node of an app, for `reveal`; undefined when the app is unknown or filtered out. */
  nodeOf(key: AppKey): AppNode | undefined {
    const app = this.apps.get(this.api?.shown(key) ?? key);
    if (!app || !listedInApplications(app)) return undefined;
    return this.appNode(app);
  }

  getChildren(node?: AppTreeNode): AppTreeNode[] {
    if (!node) return this.roots();
    switch (node.type) {
      case 'cluster': {
        const entry = this.entry(node.name);
        if (entry && !entry.enabled) return [];
        const status = this.apps.status(node.name);
        const out: AppTreeNode[] = [];
        if (status.forbiddenNamespaces.length > 0) {
          out.push(this.node({ type: 'forbidden', id: `cluster/${node.name}/forbidden`, name: 'forbidden', cluster: node.name }));
        }
        // A tool without apps is shown (as "0 apps") only once the cluster answered and serves its CRDs.
        const ready = status.connection.phase === 'ready';
        const tools = this.apps.tools(node.name).filter((t) => this.groupsOf(node.name, t).length > 0 || (ready && !this.filter.isActive));
        for (const tool of tools) {
          out.push(this.node({ type: 'tool', id: `cluster/${node.name}/${tool}`, name: TOOL_LABEL[tool], cluster: node.name, tool }));
        }
        if (tools.length === 0 && status.connection.phase === 'ready' && !this.filter.isActive) {
          out.push(this.node({ type: 'empty', id: `cluster/${node.name}/empty`, name: 'No Argo CD or Flux found', cluster: node.name }));
        }
        return out;
      }
      case 'tool': {
        const groups: AppTreeNode[] = this.groupsOf(node.cluster, node.tool).map((g) =>
          this.node({ type: 'group', id: `cluster/${node.cluster}/${node.tool}/${g}`, name: g, cluster: node.cluster, tool: node.tool }),
        );
        if (node.tool === 'flux' && !this.filter.isActive && imageAutomationOf(this.apps, node.cluster).length > 0) {
          groups.push(this.node({ type: 'images', id: `cluster/${node.cluster}/flux/~images`, name: 'Image automation', cluster: node.cluster }));
        }
        return groups;
      }
      case 'group': {
        // The apps listed at the top of the group: not nested under another (looked up once per app).
        const out: AppTreeNode[] = [];
        for (const a of this.appsOf(node.cluster, node.tool, node.name)) if (this.nestedUnder(a) === undefined) out.push(this.appNode(a, undefined));
        return out;
      }
      case 'images':
        return imageAutomationOf(this.apps, node.cluster).map((a) => this.objectNode(node.id, a));
      case 'notifications': {
        const app = this.apps.get(node.appKey);
        if (!app) return [];
        const n = notificationsOf(this.apps, app);
        return [...n.alerts, ...n.receivers].map((a) => this.objectNode(node.id, a));
      }
      case 'object': {
        // An Alert shows the Provider its events go to.
        const app = this.apps.get(node.key);
        const provider = app ? providerOf(this.apps, app) : undefined;
        return provider ? [this.objectNode(node.id, provider)] : [];
      }
      case 'app': {
        const app = this.apps.get(node.key);
        const h = this.liveHealth;
        const api = this.api;
        if (app && api?.isApi(app.cluster)) {
          if (!api.trees.isLoaded(node.key) && !api.trees.isLoading(node.key)) this._onDidRequestApiTree.fire(node.key);
        } else if (app && h && ApplicationsTreeProvider.needsLiveHealth(app) && h.entries(node.key) === undefined && !h.isLoading(node.key)) {
          this._onDidRequestLiveHealth.fire(node.key);
        }
        // Children in one order: the Applications it manages (app of apps), the Alerts and Receivers
        // watching it, then its Environments, Pull Requests and History, then its resources.
        const nested: AppTreeNode[] = app && !this.filter.isActive ? nestedApps(this.apps, app, listedInApplications).map((c) => this.appNode(c)) : [];
        const watching = app ? notificationsOf(this.apps, app) : undefined;
        const notes: AppTreeNode[] =
          watching && watching.alerts.length + watching.receivers.length > 0 ? [this.node({ type: 'notifications', id: `${node.id}/notifications`, name: 'Notifications', appKey: node.key })] : [];
        const envNode = this.environments ? environmentsNode(node.id, node.key, this.environments) : undefined;
        const about: AppTreeNode[] = [
          ...(envNode ? [this.node(envNode)] : []),
          ...(this.pullRequests && this.pullRequests.forApp(node.key).length > 0 ? [this.node(pullRequestsNode(node.id, node.key))] : []),
          ...(this.history ? [this.node(historyNode(node.id, node.key))] : []),
        ];
        return [...nested, ...notes, ...about].concat(this.apps.resources(node.key).map((r, index) =>
          this.node({
            type: 'resource',
            id: `${node.id}/r/${r.group}/${r.kind}/${r.namespace}/${r.name}`,
            name: r.name,
            appKey: node.key,
            index,
          }),
        ));
      }
      case 'pullRequests':
        return this.pullRequests ? pullRequestChildren(node, this.pullRequests).map((n) => this.node(n)) : [];
      case 'history':
        return this.history ? historyChildren(node, this.history).map((n) => this.node(n)) : [];
      case 'resource': {
        const r = this.apps.resources(node.appKey)[node.index];
        return r ? this.trackedBelow(node.appKey, r, node.id) : [];
      }
      case 'treeNode':
        return this.trackedBelow(node.appKey, node.ref, node.id);
      case 'environments':
        return this.environments ? environmentChildren(node, this.environments).map((n) => this.node(n)) : [];
      default:
        return [];
    }
  }

  getParent(node: AppTreeNode): AppTreeNode | undefined {
    switch (node.type) {
      case 'cluster':
      case 'kubeconfigProblems':
        return undefined;
      case 'forbidden':
      case 'empty':
      case 'tool':
        return this.nodes.get(`cluster/${node.cluster}`) ?? this.node({ type: 'cluster', id: `cluster/${node.cluster}`, name: node.cluster });
      case 'group':
        return this.node({ type: 'tool', id: `cluster/${node.cluster}/${node.tool}`, name: TOOL_LABEL[node.tool], cluster: node.cluster, tool: node.tool });
      case 'app': {
        const parent = node.parent === undefined ? undefined : this.apps.get(node.parent);
        if (parent) return this.appNode(parent);
        return this.node({ type: 'group', id: `cluster/${node.cluster}/${node.tool}/${node.group}`, name: node.group, cluster: node.cluster, tool: node.tool });
      }
      case 'images':
        return this.node({ type: 'tool', id: `cluster/${node.cluster}/flux`, name: TOOL_LABEL.flux, cluster: node.cluster, tool: 'flux' });
      case 'object':
        return this.nodes.get(node.parentId);
      case 'notifications':
      case 'resource':
      case 'history':
      case 'pullRequests':
      case 'environments': {
        const app = this.apps.get(node.appKey);
        return app ? this.appNode(app) : undefined;
      }
      case 'pullRequest':
        return this.nodes.get(node.id.slice(0, node.id.lastIndexOf('/pullRequests/') + '/pullRequests'.length));
      case 'historyItem':
        return this.nodes.get(node.id.slice(0, node.id.lastIndexOf('/history/') + '/history'.length));
      case 'treeNode':
        return this.nodes.get(node.parentId);
      case 'environment':
        return this.nodes.get(node.id.slice(0, node.id.lastIndexOf('/environments/') + '/environments'.length));
    }
  }

  /**
   * The tooltip of an app or Flux object row, built when VS Code asks for it (on hover: the API calls
   * this only for items whose tooltip is undefined), not for every row of an expand. Built from the
   * App as it is now, with the time of the hover, so "ago" texts are as fresh as the row.
   */
  resolveTreeItem(item: vscode.TreeItem, node: AppTreeNode): vscode.TreeItem {
    if (item.tooltip !== undefined || (node.type !== 'app' && node.type !== 'object')) return item;
    const app = this.apps.get(node.key);
    if (app) item.tooltip = appTooltip(app, this.apps.status(app.cluster).connection, this.clock.now());
    return item;
  }

  getTreeItem(node: AppTreeNode): vscode.TreeItem {
    switch (node.type) {
      case 'cluster':
        return this.clusterItem(node);
      case 'kubeconfigProblems':
        return problemsItem(this.clusters.snapshot.problems);
      case 'forbidden':
        return this.forbiddenItem(node);
      case 'empty': {
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('info');
        item.contextValue = 'empty';
        return item;
      }
      case 'tool': {
        const count = this.groupsOf(node.cluster, node.tool).reduce((n, g) => n + this.appsOf(node.cluster, node.tool, g).length, 0);
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
        item.id = node.id;
        item.description = `${count} app${count === 1 ? '' : 's'}`;
        item.iconPath = new vscode.ThemeIcon(node.tool === 'argocd' ? 'octoface' : 'sync');
        item.contextValue = `tool.${node.tool}`;
        item.accessibilityInformation = { label: `${node.name}, ${item.description}`, role: 'treeitem' };
        return item;
      }
      case 'group': {
        const apps = this.appsOf(node.cluster, node.tool, node.name);
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
        item.id = node.id;
        const bad = apps.filter((a) => a.sync.status === 'OutOfSync' || a.health.status === 'Degraded').length;
        item.description = `${apps.length}${bad > 0 ? ` · ${bad} need attention` : ''}`;
        item.iconPath = new vscode.ThemeIcon(node.tool === 'argocd' ? 'project' : 'symbol-namespace');
        item.contextValue = `group.${node.tool}`;
        item.tooltip = `${node.tool === 'argocd' ? 'Project' : 'Namespace'} ${node.name}`;
        item.accessibilityInformation = {
          label: `${node.tool === 'argocd' ? 'Project' : 'Namespace'} ${node.name}, ${apps.length} apps${bad > 0 ? `, ${bad} need attention` : ''}`,
          role: 'treeitem',
        };
        return item;
      }
      case 'app':
        return this.appItem(node);
      case 'images': {
        const count = imageAutomationOf(this.apps, node.cluster).length;
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.id;
        item.description = `${count}`;
        item.iconPath = new vscode.ThemeIcon('package');
        item.contextValue = 'images.flux';
        item.tooltip = 'Flux image automation: ImageRepositories scanned, ImagePolicies selecting a tag, ImageUpdateAutomations committing it';
        item.accessibilityInformation = { label: `Image automation, ${count} objects`, role: 'treeitem' };
        return item;
      }
      case 'notifications': {
        const app = this.apps.get(node.appKey);
        const summary = app ? notificationsSummary(notificationsOf(this.apps, app)) : '';
        const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = node.id;
        item.description = summary;
        item.iconPath = new vscode.ThemeIcon('bell');
        item.contextValue = 'notifications.flux';
        item.tooltip = 'Flux Alerts sending this object\'s events, and Receivers whose webhooks make it reconcile';
        item.accessibilityInformation = { label: `Notifications, ${summary}`, role: 'treeitem' };
        return item;
      }
      case 'object':
        return this.objectItem(node);
      case 'resource':
        return this.resourceItem(node);
      case 'treeNode':
        return this.trackedItem(node);
      case 'pullRequests':
      case 'pullRequest':
        return this.pullRequests ? pullRequestTreeItem(node, this.pullRequests) : new vscode.TreeItem(node.name);
      case 'history':
      case 'historyItem':
        return this.history ? historyTreeItem(node, this.history, this.clock.now()) : new vscode.TreeItem(node.name);
      case 'environments':
      case 'environment':
        return this.environments ? environmentTreeItem(node, this.environments) : new vscode.TreeItem(node.name);
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    this.nodes.clear();
  }

  // ---- internals -----------------------------------------------------------------------------------

  private roots(): AppTreeNode[] {
    const snap = this.clusters.snapshot;
    const roots: AppTreeNode[] = snap.clusters.map((c) => this.node({ type: 'cluster', id: `cluster/${c.name}`, name: c.name }));
    for (const s of this.api?.serverEntries() ?? []) roots.push(this.node({ type: 'cluster', id: `cluster/${s.cluster}`, name: s.cluster }));
    if (snap.problems.length > 0) roots.push(this.node({ type: 'kubeconfigProblems', id: 'kubeconfig-problems', name: 'kubeconfig problems' }));
    return roots;
  }

  private groupsOf(cluster: string, tool: Tool): string[] {
    return this.apps
      .groups(cluster, tool, this.filter.value)
      .map((g) => g.name)
      .filter((g) => this.appsOf(cluster, tool, g).length > 0);
  }

  private appsOf(cluster: string, tool: Tool, group: string): App[] {
    const api = this.api;
    // An app seen both through a kubeconfig context and Argo CD's API is listed once (issue 16).
    return this.apps.apps(cluster, tool, group, this.filter.value).filter((a) => listedInApplications(a) && !api?.hidden(a.key));
  }

  /** The nodes Argo CD's resource tree tracks below a resource of an API app (none for other apps). */
  private trackedBelow(appKey: AppKey, parent: TreeNodeRef, parentId: string): AppTreeNode[] {
    if (!this.api || !this.api.isApi(keyParts(appKey).cluster)) return [];
    return this.api.trees.children(appKey, parent).map((n) =>
      this.node({ type: 'treeNode', id: `${parentId}/t/${treeKey(n)}`, name: n.name, appKey, ref: { group: n.group, kind: n.kind, namespace: n.namespace, name: n.name }, parentId }),
    );
  }

  private trackedItem(node: Extract<AppTreeNode, { type: 'treeNode' }>): vscode.TreeItem {
    const n: TreeNode | undefined = this.api?.trees.node(node.appKey, node.ref);
    const below = this.api ? this.api.trees.children(node.appKey, node.ref).length : 0;
    const item = new vscode.TreeItem(`${node.ref.kind} ${node.name}`, below > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    const health = n?.health;
    const info = (n?.info ?? []).map((i) => `${i.name}: ${i.value}`);
    item.description = [health?.status, ...info.slice(0, 1)].filter(Boolean).join(' · ') || undefined;
    const r: ManagedResource = { group: node.ref.group, kind: node.ref.kind, namespace: node.ref.namespace, name: node.name, requiresPruning: false, hook: false, ...(health ? { health: health.status } : {}) };
    item.iconPath = resourceIcon(r);
    item.tooltip = [`${node.ref.group ? `${node.ref.group}/` : ''}${node.ref.kind} ${node.ref.namespace ? `${node.ref.namespace}/` : ''}${node.name}`, health ? `Health (Argo CD): ${health.status}` : undefined, health?.message, ...info].filter(Boolean).join('\n');
    item.contextValue = 'resource.tracked';
    item.accessibilityInformation = { label: `${node.ref.kind} ${node.name}${item.description ? `, ${item.description}` : ''}`, role: 'treeitem' };
    return item;
  }

  /** `parent`: the key of the app it is nested under when the caller already looked it up. */
  private appNode(app: App, ...known: [parent: AppKey | undefined] | []): AppNode {
    const group = app.project ?? app.namespace;
    const parent = known.length > 0 ? known[0] : this.nestedUnder(app)?.key;
    const id = `app/${app.key}`;
    const existing = this.nodes.get(id);
    // The group and parent are part of the node (getParent needs them); a move replaces the node.
    if (existing?.type === 'app' && existing.group === group && existing.parent === parent) return existing;
    const node: AppNode = { type: 'app', id, name: app.name, key: app.key, cluster: app.cluster, tool: app.tool, group, ...(parent === undefined ? {} : { parent }) };
    this.nodes.set(id, node);
    return node;
  }

  /** The app this one is nested under (app of apps); never while a filter is active (a flat list of matches). */
  private nestedUnder(app: App): App | undefined {
    return this.filter.isActive ? undefined : nestingParent(this.apps, app, listedInApplications);
  }

  private objectNode(parentId: string, app: App): AppTreeNode {
    return this.node({ type: 'object', id: `${parentId}/${app.key}`, name: app.name, key: app.key, parentId });
  }

  private node<T extends AppTreeNode>(n: T): T {
    const existing = this.nodes.get(n.id);
    if (existing && existing.type === n.type) return existing as T;
    this.nodes.set(n.id, n);
    return n;
  }

  private entry(name: string): ClusterEntry | undefined {
    return this.clusters.snapshot.clusters.find((c) => c.name === name);
  }

  private fireAll(): void {
    this._onDidChangeTreeData.fire(undefined);
  }

  /**
   * Updated apps refresh their own node; added or removed apps refresh the group that lists them (or
   * the nearest ancestor VS Code already knows); cluster status changes refresh the cluster node.
   */
  private onAppsChanged(change: AppStoreChange): void {
    if (this.filter.isActive) {
      // A status change can move an app in or out of the filter: the affected groups change shape.
      this.fireAll();
      return;
    }
    const out = new Set<AppTreeNode>();
    const clusterNode = (c: string) => this.nodes.get(`cluster/${c}`);
    for (const c of change.clusters) {
      // A cluster VS Code never asked for needs no refresh; the roots list comes from ClusterStore.
      const n = clusterNode(c);
      if (n !== undefined) out.add(n);
    }
    for (const key of change.updated) {
      const app = this.apps.get(key);
      const n = this.nodes.get(`app/${key}`);
      if (app === undefined || n === undefined) continue;
      if (n.type === 'app' && (n.group !== (app.project ?? app.namespace) || n.parent !== this.nestedUnder(app)?.key)) {
        this.nearest(key, out);
      } else {
        out.add(n);
        // Group descriptions count apps needing attention.
        const g = this.nodes.get(`cluster/${app.cluster}/${app.tool}/${n.type === 'app' ? n.group : ''}`);
        if (g) out.add(g);
      }
    }
    // Alerts, Receivers, Providers and image objects appear under other nodes: their cluster's Flux
    // node is refreshed, which re-reads the apps they watch and the image automation node.
    for (const key of change.updated) {
      const app = this.apps.get(key);
      if (app && (isNotification(app) || isImageAutomation(app))) this.nearest(key, out);
    }
    for (const key of change.added) this.nearest(key, out);
    for (const key of change.removed) {
      this.nodes.delete(`app/${key}`);
      this.nearest(key, out);
    }
    if (out.size > 0) this._onDidChangeTreeData.fire([...out]);
  }

  /** Refreshing the tool node re-reads its groups, so a group that appeared or vanished shows up. */
  private nearest(key: AppKey, out: Set<AppTreeNode>): void {
    const { cluster, tool } = keyParts(key);
    const n = this.nodes.get(`cluster/${cluster}/${tool}`) ?? this.nodes.get(`cluster/${cluster}`);
    if (n) out.add(n);
  }

  private clusterItem(node: Extract<AppTreeNode, { type: 'cluster' }>): vscode.TreeItem {
    const server = this.api?.isApi(node.name) ? this.api.serverEntries().find((s) => s.cluster === node.name) : undefined;
    if (server) return serverTreeItem(node.id, server, this.apps.status(node.name).connection, this.clock.now());
    return clusterTreeItem(node.id, node.name, this.entry(node.name), this.apps.status(node.name).connection, this.clock.now());
  }

  private forbiddenItem(node: Extract<AppTreeNode, { type: 'forbidden' }>): vscode.TreeItem {
    const namespaces = this.apps.status(node.cluster).forbiddenNamespaces;
    const label = `No access to ${namespaces.length} namespace${namespaces.length === 1 ? '' : 's'}`;
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.description = namespaces.join(', ');
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    item.contextValue = 'warning.forbidden';
    item.tooltip = `RBAC denied listing GitOps objects in: ${namespaces.join(', ')}. Apps there are not shown.`;
    item.accessibilityInformation = { label: `Warning: ${label}: ${namespaces.join(', ')}`, role: 'treeitem' };
    return item;
  }

  private appItem(node: AppNode): vscode.TreeItem {
    const app = this.apps.get(node.key);
    if (!app) {
      const gone = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.None);
      gone.id = node.id;
      return gone;
    }
    const item = new vscode.TreeItem(
      app.name,
      // Every app has a History child (issue 17), so every app expands when the audit trail is wired.
      app.resources.length > 0 || this.history !== undefined || (this.pullRequests?.forApp(app.key).length ?? 0) > 0 || (this.environments?.forApp(app.key)?.group.environments.length ?? 0) > 1 || this.hasNestedRows(app)
        ? vscode.TreeItemCollapsibleState.Collapsed
        : vscode.TreeItemCollapsibleState.None,
    );
    item.id = node.id;
    item.description = appDescription(app);
    item.iconPath = statusIcon(this.extensionPath, app.sync.status, app.suspended ? 'Suspended' : app.health.status);
    // API apps (issue 16): `.api`, and `.manualSync` where "Sync from Git" is offered (no automated sync).
    item.contextValue = this.api?.isApi(app.cluster) ? `${appContextValue(app)}.api${this.api.manualSync(app.key) ? '.manualSync' : ''}` : appContextValue(app);
    // No tooltip here: resolveTreeItem builds it on hover (expanding 1,000 apps built 1,000, issue 18).
    item.accessibilityInformation = { label: appAccessibleLabel(app), role: 'treeitem' };
    return item;
  }

  /** Child Applications or notifications to show under the app. */
  private hasNestedRows(app: App): boolean {
    if (app.tool === 'flux') {
      const n = notificationsOf(this.apps, app);
      return n.alerts.length + n.receivers.length > 0;
    }
    return !this.filter.isActive && nestedApps(this.apps, app, listedInApplications).length > 0;
  }

  /** A notification or image automation row: its status, kind and what it does; the app tooltip. */
  private objectItem(node: Extract<AppTreeNode, { type: 'object' }>): vscode.TreeItem {
    const app = this.apps.get(node.key);
    const provider = app ? providerOf(this.apps, app) : undefined;
    const item = new vscode.TreeItem(node.name, provider ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    if (!app) return item;
    item.description = objectDescription(app, objectDetail(app, provider));
    item.iconPath = statusIcon(this.extensionPath, app.sync.status, app.suspended ? 'Suspended' : app.health.status);
    item.contextValue = `object.flux.${app.kind}`;
    item.accessibilityInformation = { label: appAccessibleLabel(app), role: 'treeitem' };
    return item;
  }

  private resourceItem(node: Extract<AppTreeNode, { type: 'resource' }>): vscode.TreeItem {
    const app = this.apps.get(node.appKey);
    const raw: ManagedResource | undefined = this.apps.resources(node.appKey)[node.index];
    const item = new vscode.TreeItem(raw ? resourceLabel(raw) : node.name, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    if (raw) {
      // Through Argo CD's API (issue 16): the health Argo CD computed, from its resource tree. Argo CD
      // 3.x through a kubeconfig: the health computed from the live object, read from the store.
      const viaApi = app !== undefined && this.api?.isApi(app.cluster) === true;
      const live = viaApi
        ? withLiveHealth(raw, this.api!.trees.health(node.appKey, node.index, raw))
        : app && this.liveHealth && ApplicationsTreeProvider.needsLiveHealth(app)
          ? withLiveHealth(raw, this.liveHealth.get(node.appKey, node.index, raw))
          : undefined;
      const r = live?.resource ?? raw;
      item.description = resourceDescription(r, live?.note);
      item.iconPath = live?.loading
        ? new vscode.ThemeIcon('loading~spin')
        : live?.reason !== undefined
          ? new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('problemsWarningIcon.foreground'))
          : resourceIcon(r);
      const what = `${r.group ? `${r.group}/` : ''}${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
      const from = viaApi ? 'Argo CD' : 'from the live object';
      const healthLine = live?.reason !== undefined ? `Health unavailable: ${live.reason}` : live ? (live.loading ? `Health: loading (${from})…` : r.health ? `Health (${from}): ${r.health}` : 'No health check for this kind') : undefined;
      if (viaApi && app && this.api!.trees.children(app.key, raw).length > 0) item.collapsibleState = vscode.TreeItemCollapsibleState.Collapsed;
      item.tooltip = [what, healthLine, r.healthMessage].filter(Boolean).join('\n');
      item.accessibilityInformation = { label: `${r.kind} ${r.name}${item.description ? `, ${item.description}` : ''}`, role: 'treeitem' };
    }
    item.contextValue = 'resource';
    return item;
  }
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
