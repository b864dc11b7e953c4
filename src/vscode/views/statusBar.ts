/**
 * Status bar totals over enabled clusters (AppStore.totals already skips disabled ones): synced, out
 * of sync, degraded. Clicking focuses the Applications view. Hidden until there is an app to count.
 */
import * as vscode from 'vscode';
import type { Disposable, Event } from '../../core/lifecycle';
import type { AppStore, Totals } from '../../core/store/appStore';

/**
 * The Argo CD API merge (core/argocd/api/mergedApps.ts ApiPreferredApps): totals without the copies the
 * Applications view hides, so that an app seen both through a kubeconfig and an Argo CD API counts once.
 */
interface MergedTotals {
  totals(): Totals;
  readonly onDidChange: Event<void>;
}

function statusBarText(t: Totals): string {
  return `$(check) ${t.synced} $(diff) ${t.outOfSync} $(error) ${t.degraded}`;
}

function statusBarLabel(t: Totals): string {
  return `GitOps: ${t.synced} synced, ${t.outOfSync} out of sync, ${t.degraded} degraded, of ${t.apps} apps`;
}

export class GitOpsStatusBar implements Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: Disposable[] = [];

  constructor(
    private readonly apps: AppStore,
    private readonly merged?: MergedTotals,
  ) {
    this.item = vscode.window.createStatusBarItem('gitopsLens.totals', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'GitOps Lens totals';
    this.item.command = { command: 'gitopsLens.applications.focus', title: 'Show GitOps Applications' };
    this.disposables.push(this.item);
    apps.onDidChange(() => this.update(), this, this.disposables);
    merged?.onDidChange(() => this.update(), this, this.disposables);
    this.update();
  }

  /** What the item shows now, for tests through the public API. */
  get text(): string | undefined {
    return this.totals().apps > 0 ? this.item.text : undefined;
  }

  private totals(): Totals {
    return this.merged?.totals() ?? this.apps.totals();
  }

  private update(): void {
    const t = this.totals();
    if (t.apps === 0) {
      this.item.hide();
      return;
    }
    this.item.text = statusBarText(t);
    this.item.tooltip = `${statusBarLabel(t)}. Click to show the Applications view.`;
    this.item.accessibilityInformation = { label: statusBarLabel(t) };
    this.item.backgroundColor =
      t.degraded > 0 ? new vscode.ThemeColor('statusBarItem.errorBackground') : t.outOfSync > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
