/**
 * Registers the command table with one wrapper that logs failures and shows them once, with an
 * "Open Log" action, without awaiting the notification (STYLE.md rule 8).
 */
import * as vscode from 'vscode';
import { COMMAND_IDS } from '../commandIds';
import { describeError } from '../log';
import { copyName } from './copyName';
import { refresh } from './refresh';
import { showLog } from './showLog';
import type { CommandDeps, CommandTable } from './types';

export const COMMANDS: CommandTable = {
  'gitopsLens.refresh': refresh,
  'gitopsLens.showLog': showLog,
  'gitopsLens.copyName': copyName,
};

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  return COMMAND_IDS.map((id) => {
    const handler = COMMANDS[id](deps);
    return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (err) {
        deps.log.error(`[Commands][${id}] failed`, err);
        void vscode.window.showErrorMessage(`GitOps Lens: ${describeError(err)}`, 'Open Log').then((choice) => {
          if (choice === 'Open Log') deps.channel.show(true);
        });
        return undefined;
      }
    });
  });
}
