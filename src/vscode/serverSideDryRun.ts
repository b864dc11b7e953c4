/**
 * Server-side dry-run for the drift lenses (gitopsLens.drift.serverSideDryRun, issue 5): the desired
 * document as the API server would store it, through the same client as the GETs. A refusal (403
 * without RBAC `patch`, 401) is shown in the lens; the notification comes once per cluster, so a
 * manifest with many documents does not raise one per document.
 */
import * as vscode from 'vscode';
import type { Logger } from '../core/ports';
import { userMessage } from '../core/text';

export type DryRunApply = (cluster: string, desired: Record<string, unknown>) => Promise<Record<string, unknown>>;

export class ServerSideDryRun {
  private readonly refused = new Set<string>();

  constructor(
    private readonly dryRunApply: DryRunApply,
    /** Read per evaluation, so the setting applies without a reload. */
    private readonly enabled: () => boolean,
    private readonly log: Logger,
  ) {}

  /** The prediction function while the setting is on; undefined while it is off. */
  get predict(): DryRunApply | undefined {
    return this.enabled() ? this.run : undefined;
  }

  private readonly run: DryRunApply = async (cluster, desired) => {
    try {
      return await this.dryRunApply(cluster, desired);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if ((code === 'Forbidden' || code === 'Unauthorized') && !this.refused.has(cluster)) {
        this.refused.add(cluster);
        const message = err instanceof Error ? err.message : String(err);
        this.log.warn(`[ServerSideDryRun][predict] ${message}`);
        void vscode.window.showWarningMessage(userMessage(message));
      }
      throw err;
    }
  };
}
