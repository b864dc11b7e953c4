/**
 * Read-only documents for "Compare Environments" (issue 19): each side of a comparison, rendered,
 * normalized and with Secret values masked (core/env/compare.ts comparisonDocuments), served under the
 * `gitops-env:` scheme so VS Code's diff editor can show them. Only the latest 40 are kept.
 */
import type * as vscode from 'vscode';
import { KeptDocuments } from '../keptDocuments';

export const ENV_SCHEME = 'gitops-env';

export class EnvDocuments extends KeptDocuments {
  constructor() {
    super(ENV_SCHEME, 40, '.yaml');
  }

  /** A document for `text`, named after the environment (`production.yaml` in the tab). */
  put(app: string, env: string, text: string): vscode.Uri {
    return this.add([app, env], text);
  }
}
