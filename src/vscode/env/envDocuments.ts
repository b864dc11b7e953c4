/**
 * Read-only documents for "Compare Environments" (issue 19): each side of a comparison, rendered,
 * normalized and with Secret values masked (core/env/compare.ts comparisonDocuments), served under the
 * `gitops-env:` scheme so VS Code's diff editor can show them. Only the latest comparisons are kept.
 */
import * as vscode from 'vscode';
import type { Disposable } from '../../core/lifecycle';

export const ENV_SCHEME = 'gitops-env';

/** Comparisons kept for reopening a diff tab; older ones are dropped (their tabs show an empty side). */
const KEEP = 40;

export class EnvDocuments implements vscode.TextDocumentContentProvider, Disposable {
  private readonly _onDidChange = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this._onDidChange.event;
  private readonly texts = new Map<string, string>();
  private counter = 0;

  /** A document for `text`, named after the environment (`production.yaml` in the tab). */
  put(app: string, env: string, text: string): vscode.Uri {
    const id = ++this.counter;
    const name = `${app}/${env}`.replace(/[^A-Za-z0-9._/-]+/g, '-');
    const uri = vscode.Uri.from({ scheme: ENV_SCHEME, path: `/${name}.yaml`, query: `c=${id}` });
    this.texts.set(uri.toString(), text);
    while (this.texts.size > KEEP) {
      const oldest = this.texts.keys().next().value as string;
      this.texts.delete(oldest);
    }
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
