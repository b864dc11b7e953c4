import * as vscode from 'vscode';
import { UserError } from './appArg';
import type { CommandFactory } from './types';

/**
 * Run by a manifest CodeLens with (document URI, document index, cluster): opens VS Code's diff
 * editor with the live object on the left and the desired document on the right, both normalized.
 */
export const showDrift: CommandFactory = (ctx) => async (uri: unknown, documentIndex: unknown, cluster: unknown) => {
  if (typeof uri !== 'string' || typeof documentIndex !== 'number' || typeof cluster !== 'string') {
    throw new UserError('Show Drift runs from a manifest CodeLens.');
  }
  const diff = ctx.drift.prepare(uri, documentIndex, cluster);
  if (!diff) throw new UserError('That document no longer has a drift result; edit or reopen the file.');
  await vscode.commands.executeCommand('vscode.diff', diff.live, diff.desired, diff.title, { preview: true });
};
