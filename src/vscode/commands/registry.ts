/**
 * Registers the command table with one wrapper that logs failures and shows them once, with an
 * "Open Log" action, without awaiting the notification (STYLE.md rule 8).
 */
import * as vscode from 'vscode';
import { COMMAND_IDS, type CommandId } from '../commandIds';
import { describeError } from '../log';
import { Cancelled, UserError } from './appArg';
import { clearFilter } from './clearFilter';
import { copyName } from './copyName';
import { filterApps } from './filterApps';
import { filterOutOfSync } from './filterOutOfSync';
import { filterUnhealthy } from './filterUnhealthy';
import { hardRefreshApp } from './hardRefreshApp';
import { openManifest } from './openManifest';
import { openSource } from './openSource';
import { reconcile } from './reconcile';
import { refresh } from './refresh';
import { refreshApp } from './refreshApp';
import { showDrift } from './showDrift';
import { showLiveYaml } from './showLiveYaml';
import { showLog } from './showLog';
import type { CommandContext, CommandTable } from './types';
import { adoptLiveState } from './adoptLiveState';
import { openPullRequest } from './openPullRequest';
import { proposeRollback } from './proposeRollback';
import { updateImage } from './updateImage';
import { resumeViaPullRequest, suspendViaPullRequest } from './suspendResume';
import { forgetForgeToken, setForgeToken } from '../pr/tokenCommands';
import { openPullRequestPage } from '../pr/pullRequestNodes';
import { syncFromGit } from './syncFromGit';
import { showArgoCdEvents } from './showArgoCdEvents';
import { addArgoCdServer, argocdLogin, removeArgoCdServer } from './argocdServers';
import { compareEnvironments } from './compareEnvironments';
import { promoteEnvironment } from './promoteEnvironment';
import { userMessage } from '../../core/text';

const COMMANDS: CommandTable = {
  'gitopsLens.refresh': refresh,
  'gitopsLens.showLog': showLog,
  'gitopsLens.copyName': copyName,
  'gitopsLens.refreshApp': refreshApp,
  'gitopsLens.hardRefreshApp': hardRefreshApp,
  'gitopsLens.reconcile': reconcile,
  'gitopsLens.openSource': openSource,
  'gitopsLens.openManifest': openManifest,
  'gitopsLens.showLiveYaml': showLiveYaml,
  'gitopsLens.filterApps': filterApps,
  'gitopsLens.filterOutOfSync': filterOutOfSync,
  'gitopsLens.filterUnhealthy': filterUnhealthy,
  'gitopsLens.clearFilter': clearFilter,
  'gitopsLens.showDrift': showDrift,
  'gitopsLens.openPullRequest': openPullRequest,
  'gitopsLens.adoptLiveState': adoptLiveState,
  'gitopsLens.proposeRollback': proposeRollback,
  'gitopsLens.suspendViaPullRequest': suspendViaPullRequest,
  'gitopsLens.resumeViaPullRequest': resumeViaPullRequest,
  'gitopsLens.setForgeToken': setForgeToken,
  'gitopsLens.forgetForgeToken': forgetForgeToken,
  'gitopsLens.openPullRequestPage': openPullRequestPage,
  'gitopsLens.syncFromGit': syncFromGit,
  'gitopsLens.showArgoCdEvents': showArgoCdEvents,
  'gitopsLens.addArgoCdServer': addArgoCdServer,
  'gitopsLens.removeArgoCdServer': removeArgoCdServer,
  'gitopsLens.argocdLogin': argocdLogin,
  'gitopsLens.compareEnvironments': compareEnvironments,
  'gitopsLens.promoteEnvironment': promoteEnvironment,
  'gitopsLens.updateImage': updateImage,
};

/**
 * The handler of each command, wrapped. Registered by src/activation.ts under the same ids at
 * activation, with a stand-in that builds these on first use (issue 18).
 */
export function commandHandlers(ctx: CommandContext): Record<CommandId, (...args: unknown[]) => Promise<unknown>> {
  const handlers = {} as Record<CommandId, (...args: unknown[]) => Promise<unknown>>;
  for (const id of COMMAND_IDS) {
    const handler = COMMANDS[id](ctx);
    handlers[id] = async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (err) {
        if (err instanceof Cancelled) return undefined;
        if (err instanceof UserError) ctx.log.warn(`[Commands][${id}] ${err.message}`);
        else ctx.log.error(`[Commands][${id}] failed`, err);
        void vscode.window.showErrorMessage(userMessage(describeError(err)), 'Open Log').then((choice) => {
          if (choice === 'Open Log') ctx.channel.show(true);
        });
        return undefined;
      }
    };
  }
  return handlers;
}
