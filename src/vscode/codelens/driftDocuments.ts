/**
 * Read-only `gitops-drift:` documents: the two sides of a lens's comparison, normalized and with
 * Secret values masked (core/drift/mask.ts), as DriftSession computed them when the diff was opened.
 * Held in memory per URI; nothing is written to disk, so no Secret value can end up in a file.
 */
import * as vscode from 'vscode';
import type { Disposable } from '../../core/lifecycle';
import type { DriftSession } from '../../core/drift/session';
import { diffTitleAttribution } from '../audit/attributionText';

export const DRIFT_SCHEME = 'gitops-drift';

export interface DriftDiff {
  readonly title: string;
  readonly live: vscode.Uri;
  readonly desired: vscode.Uri;
}

export class DriftDocumentProvider implements vscode.TextDocumentContentProvider, Disposable {
  private readonly _onDidChange = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this._onDidChange.event;
  private readonly texts = new Map<string, string>();

  constructor(
    private readonly results: DriftSession,
    /** For the time a field manager set a drifted field ("at 14:02 UTC" today). */
    private readonly now: () => number = Date.now,
  ) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '# This comparison is no longer available; click the lens again.\n';
  }

  /** Stores both sides of one lens's comparison; undefined when the lens no longer exists. */
  prepare(uri: string, documentIndex: number, cluster: string): DriftDiff | undefined {
    const view = this.results.view(uri, documentIndex, cluster);
    if (!view) return undefined;
    const { kind, namespace, name } = view.ref;
    // The path makes the tab and the diff title readable; the query keeps two files' objects apart.
    const at = (side: string) =>
      vscode.Uri.from({ scheme: DRIFT_SCHEME, path: `/${side}/${cluster}/${kind}/${namespace || '_'}/${name}.yaml`, query: uri });
    const live = at('live');
    const desired = at('desired');
    this.set(live, view.live);
    this.set(desired, view.desired);
    // Issue 17: the title says who set a drifted field outside Git (from the live object's managedFields).
    const lens = this.results.details(uri).find((d) => d.documentIndex === documentIndex && d.cluster === cluster);
    const setBy = diffTitleAttribution(lens?.changes ?? [], this.now());
    return { title: setBy ? `${view.title} · ${setBy}` : view.title, live, desired };
  }

  dispose(): void {
    this.texts.clear();
    this._onDidChange.dispose();
  }

  private set(uri: vscode.Uri, text: string): void {
    const key = uri.toString();
    const changed = this.texts.has(key) && this.texts.get(key) !== text;
    this.texts.set(key, text);
    // An already open side shows the new text.
    if (changed) this._onDidChange.fire(uri);
  }
}
