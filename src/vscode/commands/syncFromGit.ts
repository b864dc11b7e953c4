/**
 * Sync an Argo CD app reached through the API to a revision from Git (issue 16), after a confirmation
 * naming the app, the revision and prune (core/argocd/api/syncFromGit.ts). Never local content.
 */
import * as vscode from 'vscode';
import { syncConfirmation, syncRevisions } from '../../core/argocd/api/syncFromGit';
import { appFromArg, Cancelled, UserError } from './appArg';
import type { CommandFactory } from './types';

export const syncFromGit: CommandFactory = (deps) => async (arg: unknown) => {
  await deps.argocd.activate();
  const picked = await appFromArg(deps.apps, arg, { tool: 'argocd', role: 'app' });
  // A kubeconfig copy of an app also seen through the API: sync through the API copy.
  const app = deps.apps.get(deps.argocd.shown(picked.key)) ?? picked;
  if (!deps.argocd.isApi(app.cluster)) throw new UserError(`${app.name} is not reached through an Argo CD server's API; "Sync from Git" needs an Argo CD login (add the server in the Applications view).`);
  const offer = syncRevisions(deps.apps.raw(app.key));
  if ('problem' in offer) throw new UserError(`${app.name} is not synced from here: ${offer.problem}.`);
  const server = deps.argocd.nameOf(app.cluster);
  const choice =
    offer.choices.length === 1
      ? offer.choices[0]!
      : (await vscode.window.showQuickPick(
          offer.choices.map((c) => ({ label: c.revision, detail: c.detail, choice: c })),
          { title: `Sync ${app.name} to which revision from Git?`, ignoreFocusOut: true },
        ))?.choice;
  if (choice === undefined) throw new Cancelled();
  const words = syncConfirmation(app.name, server, choice.revision);
  const answer = await vscode.window.showWarningMessage(words.message, { modal: true, detail: words.detail }, 'Sync', 'Sync and Prune');
  if (answer === undefined) throw new Cancelled();
  const prune = answer === 'Sync and Prune';
  const { client, ref } = deps.argocd.clientFor(app);
  await deps.operations.run('argocdApi', () => client.sync(ref, { revision: choice.revision, prune }));
  deps.log.info(`[Commands][syncFromGit] ${app.key}: sync to ${choice.revision}${prune ? ' with prune' : ''} requested`);
};
