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
import type { SourcesTreeProvider } from './views/sourcesTree';
import type { EnvironmentIndex } from './env/environmentIndex';

/** One managed resource's health as computed from its live object (Argo CD 3.x apps). */
interface ResourceHealthInfo {
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
  /** The tooltip text (a Markdown tooltip's source), resolved as on hover when the row leaves it to resolveTreeItem. */
  readonly tooltip: string | undefined;
  /** The tooltip came from resolveTreeItem (built on hover), not with the row (issue 18: not on every expand). */
  readonly tooltipOnHover: boolean;
  readonly contextValue: string | undefined;
  /** The command a click runs. */
  readonly command: string | undefined;
  /** What a screen reader says for the row. */
  readonly accessibleLabel: string | undefined;
  /** Whether the row can be expanded. */
  readonly expandable: boolean;
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
  /**
   * The rows of the Sources view below the row reached by following `path` (labels from the top: a
   * cluster, "Flux sources", a source…), built as VS Code builds them; the top rows for `[]`.
   */
  sourcesChildren(path: readonly string[]): readonly TreeItemInfo[] | undefined;
  /** The same for the Applications view, from its top rows (clusters). */
  applicationsChildren(path: readonly string[]): readonly TreeItemInfo[] | undefined;
  /**
   * Rebuilds the environment maps now (issue 19) instead of after the AppStore's debounce, first
   * tracking `root` (a clone outside the workspace folders, as a Compare or Promote run there does).
   */
  refreshEnvironments(root?: string): Promise<void>;
}

const NEVER_CANCELLED: vscode.CancellationToken = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose: () => undefined }) };

/** The children of the node reached from `start` by child labels, read through the provider as VS Code reads it. */
function childrenAlong<T>(provider: vscode.TreeDataProvider<T>, start: T | undefined, labels: readonly string[]): TreeItemInfo[] | undefined {
  const children = (n: T | undefined) => (provider.getChildren(n) ?? []) as T[];
  // resolveTreeItem as VS Code calls it on hover (tooltips built then, not on expand): the rows read here are whole.
  const info = (n: T) => {
    const item = provider.getTreeItem(n) as vscode.TreeItem;
    const withRow = item.tooltip !== undefined;
    const resolved = withRow ? undefined : provider.resolveTreeItem?.(item, n, NEVER_CANCELLED);
    // Our providers resolve synchronously; a Thenable here would be a provider this helper cannot read.
    if (resolved !== undefined && resolved !== null && 'then' in resolved) throw new Error('resolveTreeItem answered asynchronously');
    const whole = resolved ?? item;
    return treeItemInfo(whole, !withRow && whole.tooltip !== undefined);
  };
  let node = start;
  for (const label of labels) {
    node = children(node).find((c) => info(c).label === label);
    if (node === undefined) return undefined;
  }
  return children(node).map(info);
}

export function createTestApi(apps: AppStore, tree: ApplicationsTreeProvider, sources: SourcesTreeProvider, navigator: TreeNavigator, liveHealth: ResourceHealthStore, environments: EnvironmentIndex): GitOpsLensTestApi {
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
    // Through the providers' own getChildren/getTreeItem, as VS Code calls them when a node is expanded.
    treeChildren: (key, labels = []) => {
      const node = tree.nodeOf(key);
      return node ? childrenAlong(tree, node, labels) : undefined;
    },
    sourcesChildren: (labels) => childrenAlong(sources, undefined, labels),
    applicationsChildren: (labels) => childrenAlong(tree, undefined, labels),
    refreshEnvironments: (root) => {
      if (root !== undefined) environments.track(root);
      return environments.refresh();
    },
  };
}

function treeItemInfo(item: vscode.TreeItem, tooltipOnHover: boolean): TreeItemInfo {
  const text = (v: string | vscode.MarkdownString | undefined): string | undefined => (typeof v === 'string' || v === undefined ? v : v.value);
  return {
    id: item.id,
    label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
    description: typeof item.description === 'string' ? item.description : undefined,
    tooltip: text(item.tooltip),
    tooltipOnHover,
    contextValue: item.contextValue,
    command: item.command?.command,
    accessibleLabel: item.accessibilityInformation?.label,
    // TreeItemCollapsibleState.None is 0.
    expandable: item.collapsibleState !== undefined && item.collapsibleState !== 0,
  };
}

function healthInfo(e: ResourceHealthEntry | undefined): Pick<ResourceHealthInfo, 'health' | 'message'> {
  if (e === undefined) return { health: 'loading', message: undefined };
  if ('unavailable' in e) return { health: 'unavailable', message: e.unavailable };
  if ('noHealth' in e) return { health: 'none', message: e.note };
  return { health: e.status, message: e.message };
}
