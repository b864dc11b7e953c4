/**
 * Read-only documents for "Show Events" of an Argo CD app reached through the API (issue 16), under
 * the `gitops-argocd-events:` scheme: the text is made once per command (core/argocd/api/events.ts)
 * and kept for the tab; only the latest few are kept.
 */
import * as vscode from 'vscode';
import type { Disposable } from '../../core/lifecycle';

/** Registered at activation (src/activation.ts), so a tab of it restored after a reload resolves before the features load. */
export const EVENTS_SCHEME = 'gitops-argocd-events';
/** Documents kept for reopening a tab; older ones are dropped (their tabs show an empty document). */
const KEEP = 20;

export class ArgoCdEventsDocuments implements vscode.TextDocumentContentProvider, Disposable {
  private readonly _onDidChange = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this._onDidChange.event;
  private readonly texts = new Map<string, string>();
  private counter = 0;

  /** A document for `text`, named after the server and the app (`prod/guestbook events` in the tab). */
  put(server: string, app: string, text: string): vscode.Uri {
    const id = ++this.counter;
    const name = `${server}/${app}`.replace(/[^A-Za-z0-9._/-]+/g, '-');
    const uri = vscode.Uri.from({ scheme: EVENTS_SCHEME, path: `/${name} events`, query: `c=${id}` });
    this.texts.set(uri.toString(), text);
    while (this.texts.size > KEEP) this.texts.delete(this.texts.keys().next().value as string);
    this._onDidChange.fire(uri);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  dispose(): void {
    this._onDidChange.dispose();
    this.texts.clear();
  }
}
