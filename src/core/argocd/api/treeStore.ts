/**
 * Resource trees of apps reached through Argo CD's API (issue 16), loaded when the app is expanded in
 * the Applications view and again while it stays expanded and changes: each managed resource's health
 * as Argo CD computed it (resourceTree.ts `treeHealthEntries`, the API server's own rule) in place of
 * the health GitOps Lens computes from live objects for kubeconfig apps (ResourceHealthStore), and the
 * children Argo CD tracks under each (ReplicaSets, Pods, Endpoints…). Views read snapshots; only
 * `load` calls the server, through the port it was given.
 */
import type { Disposable, Event } from '../../lifecycle';
import type { App, AppKey, ManagedResource } from '../../model/app';
import type { ResourceHealthEntry } from '../../store/resourceHealthStore';
import { NewestLoads } from '../../store/newestLoads';
import { childrenOf, treeHealthEntries, treeKey, type ResourceTree, type TreeNode, type TreeNodeRef } from './resourceTree';

interface Loaded {
  /** Resource identity per index at load time: a shifted list never shows a neighbour's health. */
  readonly ids: readonly string[];
  readonly entries: readonly ResourceHealthEntry[];
  readonly tree: ResourceTree;
}

const idOf = (r: ManagedResource): string => treeKey(r);
const EMPTY_TREE: ResourceTree = { nodes: [], orphanedNodes: [], problems: [] };

export class ApiResourceTrees implements Disposable {
  private readonly loads = new NewestLoads<Loaded>();
  /** Fires with the app key after a load finished (or the app was forgotten). */
  readonly onDidChange: Event<AppKey> = this.loads.onDidChange;

  constructor(
    /** `GET /api/v1/applications/{name}/resource-tree` of the app's server; rejects with a message worth showing. */
    private readonly read: (app: App) => Promise<ResourceTree>,
  ) {}

  /** The health of resource `index`; undefined while not loaded (the view says "health loading…"). */
  health(appKey: AppKey, index: number, resource: ManagedResource): ResourceHealthEntry | undefined {
    const l = this.loads.get(appKey);
    if (l === undefined || l.ids[index] !== idOf(resource)) return undefined;
    return l.entries[index];
  }

  /** Nodes Argo CD tracks under a node of the app's tree (a Deployment's ReplicaSets, their Pods). */
  children(appKey: AppKey, parent: TreeNodeRef): TreeNode[] {
    const l = this.loads.get(appKey);
    return l ? childrenOf(l.tree, parent) : [];
  }

  /** The node of the app's tree for a resource, once loaded. */
  node(appKey: AppKey, ref: TreeNodeRef): TreeNode | undefined {
    const key = treeKey(ref);
    return this.loads.get(appKey)?.tree.nodes.find((n) => treeKey(n) === key);
  }

  isLoaded(appKey: AppKey): boolean {
    return this.loads.isLoaded(appKey);
  }

  isLoading(appKey: AppKey): boolean {
    return this.loads.isLoading(appKey);
  }

  /** Reads the app's tree; a load started later wins over one still running. Never rejects. */
  async load(app: App): Promise<void> {
    const pending = this.loads.begin(app.key);
    if (!pending) return;
    let next: Loaded;
    try {
      const tree = await this.read(app);
      next = { ids: app.resources.map(idOf), entries: treeHealthEntries(app.resources, tree), tree };
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      next = { ids: app.resources.map(idOf), entries: app.resources.map(() => ({ unavailable: why })), tree: this.loads.get(app.key)?.tree ?? EMPTY_TREE };
    }
    pending.finish(next);
  }

  forget(appKey: AppKey): void {
    this.loads.forget(appKey);
  }

  dispose(): void {
    this.loads.dispose();
  }
}
