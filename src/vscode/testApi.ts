/**
 * Hooks for the in-host tests (test/integration), kept out of the public `getAPI(1)` (STYLE.md rule
 * 12: other extensions get a versioned facade, never internals). Internal and unversioned: present as
 * `getTestApi()` on the exports only when VS Code runs the extension for tests
 * (`ExtensionMode.Test`, i.e. with `extensionTestsPath`), never in a user's window.
 */
import type * as vscode from 'vscode';
import type { HealthStatus } from '../core/model/app';
import type { AppStore } from '../core/store/appStore';
import type { ResourceHealthEntry, ResourceHealthStore } from '../core/store/resourceHealthStore';
import { ApplicationsTreeProvider } from './views/applicationsTree';
import type { TreeNavigator } from './views/navigator';

/** One managed resource's health as computed from its live object (Argo CD 3.x apps). */
export interface ResourceHealthInfo {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** 'loading' until the first GET answered; 'none' for kinds Argo CD has no health check for. */
  readonly health: HealthStatus | 'loading' | 'none' | 'unavailable';
  readonly message: string | undefined;
}

/** A tree item as the Applications view shows it, read back (issue 6: an app's Pull Requests node). */
export interface TreeItemInfo {
  readonly id: string | undefined;
  readonly label: string;
  readonly description: string | undefined;
  /** The tooltip text (a Markdown tooltip's source). */
  readonly tooltip: string | undefined;
  readonly contextValue: string | undefined;
  /** The command a click runs. */
  readonly command: string | undefined;
}

export interface GitOpsLensTestApi {
  /**
   * Health per managed resource of an Argo CD 3.x Application, computed from the live objects once the
   * app was expanded in the Applications view; undefined for other apps and unknown keys.
   */
  resourceHealth(key: string): readonly ResourceHealthInfo[] | undefined;
  /** Reveals the app in the Applications view and expands it, as a user click would. */
  revealApp(key: string, options?: { readonly expand?: boolean }): Promise<void>;
  /**
   * The children of the app's node in the Applications view, as the tree provider builds them
   * (getChildren, then getTreeItem for each), or of the descendant reached by following `path` (child
   * labels, e.g. `['Pull Requests']`). Building children is what expanding or refreshing that node in
   * the view does. undefined when the app is not listed or a label in `path` is not found.
   */
  treeChildren(key: string, path?: readonly string[]): readonly TreeItemInfo[] | undefined;
}

export function createTestApi(apps: AppStore, tree: ApplicationsTreeProvider, navigator: TreeNavigator, liveHealth: ResourceHealthStore): GitOpsLensTestApi {
  return {
    resourceHealth: (key) => {
      const app = apps.get(key);
      if (!app || !ApplicationsTreeProvider.needsLiveHealth(app)) return undefined;
      return app.resources.map((r, i) => ({
        group: r.group,
        kind: r.kind,
        namespace: r.namespace,
        name: r.name,
        ...healthInfo(liveHealth.get(app.key, i, r)),
      }));
    },
    revealApp: (key, options) => navigator.revealApp(key, { focus: false, expand: options?.expand ?? false }),
    treeChildren: (key, labels = []) => {
      // Through the provider's own getChildren/getTreeItem, as VS Code calls them when a node is expanded.
      let node: Parameters<typeof tree.getChildren>[0] = tree.nodeOf(key);
      for (const label of labels) node = node && tree.getChildren(node).find((c) => treeItemInfo(tree.getTreeItem(c)).label === label);
      return node ? tree.getChildren(node).map((c) => treeItemInfo(tree.getTreeItem(c))) : undefined;
    },
  };
}

export function treeItemInfo(item: vscode.TreeItem): TreeItemInfo {
  const text = (v: string | vscode.MarkdownString | undefined): string | undefined => (typeof v === 'string' || v === undefined ? v : v.value);
  return {
    id: item.id,
    label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
    description: typeof item.description === 'string' ? item.description : undefined,
    tooltip: text(item.tooltip),
    contextValue: item.contextValue,
    command: item.command?.command,
  };
}

function healthInfo(e: ResourceHealthEntry | undefined): Pick<ResourceHealthInfo, 'health' | 'message'> {
  if (e === undefined) return { health: 'loading', message: undefined };
  if ('unavailable' in e) return { health: 'unavailable', message: e.unavailable };
  if ('noHealth' in e) return { health: 'none', message: e.note };
  return { health: e.status, message: e.message };
}
