/**
 * Takes the user to an app: its node in the Applications view (`TreeView.reveal`, found through the
 * provider's stable nodes, STYLE.md rule 13) or its live YAML (`gitops-live:` document, read-only).
 */
import * as vscode from 'vscode';
import type { AppKey } from '../../core/model/app';
import type { AppStore } from '../../core/store/appStore';
import type { AppNavigator } from '../commands/types';
import { liveUri } from '../liveDocuments';
import type { AppTreeNode, ApplicationsTreeProvider } from './applicationsTree';

export class TreeNavigator implements AppNavigator {
  constructor(
    private readonly apps: AppStore,
    private readonly tree: ApplicationsTreeProvider,
    private readonly treeView: vscode.TreeView<AppTreeNode>,
  ) {}

  /** Selects and focuses the app's node (a notification's "Show" action). */
  reveal(key: AppKey): Promise<void> {
    return this.revealApp(key, { focus: true, expand: false });
  }

  /** Reveals the app's node; `expand` opens it as a click on its twistie would. */
  async revealApp(key: AppKey, options: { readonly focus: boolean; readonly expand: boolean }): Promise<void> {
    const node = this.tree.nodeOf(key);
    if (node) await this.treeView.reveal(node, { select: true, focus: options.focus, expand: options.expand });
  }

  async showLiveYaml(key: AppKey): Promise<void> {
    const app = this.apps.get(key);
    if (!app) return;
    const doc = await vscode.workspace.openTextDocument(liveUri(key, app.cluster, app.kind, app.namespace, app.name));
    await vscode.languages.setTextDocumentLanguage(doc, 'yaml');
    await vscode.window.showTextDocument(doc, { preview: true });
  }
}
