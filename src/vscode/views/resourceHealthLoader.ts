/**
 * When the per-resource health of Argo CD 3.x apps is read from the live objects (issue 14): when the
 * user expands the app in the Applications view (or VS Code lists the children of an app whose
 * expansion it restored without telling), and again whenever that app changes while it stays
 * expanded, since its status changes when its resources do. Expanding re-reads the cluster's argocd-cm
 * (an edited health check applies), and so does the refresh command. The providers never call the
 * cluster (STYLE.md rule 5); this class does, on those events only.
 */
import type * as vscode from 'vscode';
import type { ArgoCdSettingsCache } from '../../core/argocd/settings/cache';
import { DisposableStore, type Disposable } from '../../core/lifecycle';
import type { AppKey } from '../../core/model/app';
import type { Logger } from '../../core/ports';
import type { AppStore } from '../../core/store/appStore';
import type { ResourceHealthStore } from '../../core/store/resourceHealthStore';
import type { OperationRunner } from '../operations';
import { ApplicationsTreeProvider, isAppNode, type AppTreeNode } from './applicationsTree';

export class ResourceHealthLoader implements Disposable {
  private readonly disposables = new DisposableStore();
  /** Apps whose node is expanded: their health is reloaded when they change. */
  private readonly expanded = new Set<AppKey>();

  constructor(
    private readonly apps: AppStore,
    tree: ApplicationsTreeProvider,
    treeView: vscode.TreeView<AppTreeNode>,
    private readonly liveHealth: ResourceHealthStore,
    private readonly healthSettings: ArgoCdSettingsCache,
    operations: OperationRunner,
    private readonly log: Logger,
  ) {
    operations.onDidRunOperation((kind) => kind === 'refresh' && healthSettings.invalidate(), undefined, this.disposables);
    this.disposables.add(treeView.onDidExpandElement((e) => isAppNode(e.element) && this.expand(e.element.key)));
    this.disposables.add(treeView.onDidCollapseElement((e) => isAppNode(e.element) && this.expanded.delete(e.element.key)));
    this.disposables.add(
      tree.onDidRequestLiveHealth((key) => {
        this.expanded.add(key);
        this.load(key, true);
      }),
    );
    apps.onDidChange(
      (change) => {
        for (const key of change.removed) {
          this.expanded.delete(key);
          liveHealth.forget(key);
        }
        for (const key of change.updated) if (this.expanded.has(key)) this.load(key);
      },
      undefined,
      this.disposables,
    );
  }

  private expand(key: AppKey): void {
    this.expanded.add(key);
    // Expanding an app reads argocd-cm again, so an edited health check applies.
    const app = this.apps.get(key);
    if (app) this.healthSettings.invalidate(app.cluster);
    this.load(key, true);
  }

  private load(key: AppKey, unlessLoading = false): void {
    const app = this.apps.get(key);
    if (!app || !ApplicationsTreeProvider.needsLiveHealth(app) || (unlessLoading && this.liveHealth.isLoading(key))) return;
    this.liveHealth.load(app).catch((err: unknown) => this.log.error('[ResourceHealthLoader][load] resource health load failed', err));
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
