/**
 * Optional notification when apps turn OutOfSync or Degraded (`gitopsLens.notifications.enabled`).
 * Throttled: at most one notification per window; transitions arriving in between are summarised in
 * the next one, so a relist that flips fifty apps produces one message, not fifty.
 */
import * as vscode from 'vscode';
import type { Disposable } from '../core/lifecycle';
import type { Clock } from '../core/ports';
import type { AppStore, AppTransition } from '../core/store/appStore';
import type { AppNavigator } from './commands/types';
import { TOOL_LABEL } from './views/tooltipMarkdown';
import { userMessage } from '../core/text';

const NOTIFICATION_WINDOW_MS = 60_000;
/**
 * Transitions right after a cluster (re)connects are not news: the initial lists arrive kind by kind,
 * so a Flux Kustomization listed before its GitRepository turns Unknown → OutOfSync once the source
 * joins. Those are dropped for this long after the cluster becomes ready.
 */
const SETTLE_MS = 10_000;

export class TransitionNotifier implements Disposable {
  private readonly disposables: Disposable[] = [];
  private pending = new Map<string, AppTransition>();
  private lastShown = -Infinity;
  private timer: { dispose(): void } | undefined;
  private readonly readyAt = new Map<string, number>();

  constructor(
    private readonly apps: AppStore,
    private readonly enabled: () => boolean,
    private readonly navigator: AppNavigator,
    private readonly clock: Clock,
  ) {
    apps.onDidChange((c) => {
      for (const cluster of c.clusters) {
        const ready = apps.status(cluster).connection.phase === 'ready';
        if (!ready) this.readyAt.delete(cluster);
        else if (!this.readyAt.has(cluster)) this.readyAt.set(cluster, this.clock.now());
      }
    }, this, this.disposables);
    apps.onDidTransition(this.onTransitions, this, this.disposables);
  }

  private onTransitions(ts: readonly AppTransition[]): void {
    if (!this.enabled()) return;
    const now = this.clock.now();
    for (const t of ts) {
      const since = this.readyAt.get(t.app.cluster);
      if (since === undefined || now - since < SETTLE_MS) continue;
      this.pending.set(`${t.key}#${t.kind}`, t);
    }
    if (this.pending.size === 0) return;
    const wait = this.lastShown + NOTIFICATION_WINDOW_MS - this.clock.now();
    if (wait <= 0) this.flush();
    else this.timer ??= this.clock.setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.timer = undefined;
    const items = [...this.pending.values()];
    this.pending.clear();
    if (items.length === 0 || !this.enabled()) return;
    this.lastShown = this.clock.now();
    const first = items[0]!;
    const what = (t: AppTransition) => (t.kind === 'outOfSync' ? 'is out of sync' : 'is degraded');
    const message =
      items.length === 1
        ? userMessage(`${first.app.name} (${TOOL_LABEL[first.app.tool]}, ${first.app.cluster}) ${what(first)}${first.app.message ? `: ${first.app.message}` : ''}`)
        : userMessage(`${items.length} changes need attention — ${first.app.name} ${what(first)} and ${items.length - 1} more.`);
    const show = items.length === 1 ? vscode.window.showWarningMessage(message, 'Show Drift', 'Open Source') : vscode.window.showWarningMessage(message, 'Show Drift');
    void show.then(async (choice) => {
      if (choice === 'Show Drift') {
        await this.navigator.reveal(first.key);
        await this.navigator.showLiveYaml(first.key);
      } else if (choice === 'Open Source') {
        await vscode.commands.executeCommand('gitopsLens.openSource', first.key);
      }
    });
  }

  dispose(): void {
    this.timer?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
