/**
 * Shows the impact preview in a webview panel and resolves with the user's answer: true for
 * "Open PR", false for Cancel or closing the panel. One panel at a time: a new preview replaces it.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { PREVIEW_CSS } from './previewCss';
import { renderPreviewHtml, type PreviewModel } from './previewHtml';

const VIEW_TYPE = 'gitopsLens.prPreview';

let current: { panel: vscode.WebviewPanel; settle: (ok: boolean) => void } | undefined;

export function showImpactPreview(model: PreviewModel): Promise<boolean> {
  current?.settle(false);
  current?.panel.dispose();
  const panel = vscode.window.createWebviewPanel(
    VIEW_TYPE,
    `${model.heading}: ${model.title}`,
    { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
    // Scripts only for the two buttons; nothing is loaded from disk or the network.
    { enableScripts: true, localResourceRoots: [], retainContextWhenHidden: false },
  );
  panel.webview.html = renderPreviewHtml(model, { nonce: randomBytes(16).toString('base64'), css: PREVIEW_CSS, cspSource: panel.webview.cspSource });
  return new Promise<boolean>((resolve) => {
    let done = false;
    const subs: vscode.Disposable[] = [];
    const settle = (ok: boolean) => {
      if (done) return;
      done = true;
      for (const s of subs) s.dispose();
      if (current?.panel === panel) current = undefined;
      resolve(ok);
    };
    current = { panel, settle };
    subs.push(
      panel.webview.onDidReceiveMessage((m: unknown) => {
        const type = typeof m === 'object' && m !== null ? (m as { type?: unknown }).type : undefined;
        if (type !== 'confirm' && type !== 'cancel') return;
        settle(type === 'confirm');
        panel.dispose();
      }),
      panel.onDidDispose(() => settle(false)),
    );
  });
}

