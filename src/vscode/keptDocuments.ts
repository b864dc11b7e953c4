/**
 * Read-only documents made once by a command and kept for their tabs, under a scheme of their own:
 * the latest `keep` are held, older ones are dropped (their tabs then show an empty document). The
 * Compare Environments sides and the Argo CD Show Events documents are this.
 */
import * as vscode from 'vscode';
import type { Disposable } from '../core/lifecycle';

export class KeptDocuments implements vscode.TextDocumentContentProvider, Disposable {
  private readonly _onDidChange = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this._onDidChange.event;
  private readonly texts = new Map<string, string>();
  private counter = 0;

  constructor(
    private readonly scheme: string,
    private readonly keep: number,
    /** After the name in the tab's title (`.yaml` gives the document YAML colouring). */
    private readonly suffix: string,
  ) {}

  /** A document for `text`, named after `parts` (`prod/guestbook`) in its tab. */
  protected add(parts: readonly string[], text: string): vscode.Uri {
    const id = ++this.counter;
    const name = parts.join('/').replace(/[^A-Za-z0-9._/-]+/g, '-');
    const uri = vscode.Uri.from({ scheme: this.scheme, path: `/${name}${this.suffix}`, query: `c=${id}` });
    this.texts.set(uri.toString(), text);
    while (this.texts.size > this.keep) this.texts.delete(this.texts.keys().next().value as string);
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
