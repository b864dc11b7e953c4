/**
 * Read-only documents for "Show Events" of an Argo CD app reached through the API (issue 16), under
 * the `gitops-argocd-events:` scheme: the text is made once per command (core/argocd/api/events.ts)
 * and kept for the tab; only the latest 20 are kept.
 */
import type * as vscode from 'vscode';
import { KeptDocuments } from '../keptDocuments';

/** Registered at activation (src/activation.ts), so a tab of it restored after a reload resolves before the features load. */
export const EVENTS_SCHEME = 'gitops-argocd-events';

export class ArgoCdEventsDocuments extends KeptDocuments {
  constructor() {
    super(EVENTS_SCHEME, 20, ' events');
  }

  /** A document for `text`, named after the server and the app (`prod/guestbook events` in the tab). */
  put(server: string, app: string, text: string): vscode.Uri {
    return this.add([server, app], text);
  }
}
