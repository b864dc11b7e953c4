/**
 * Show Events of an Argo CD app reached through the API (issue 16, "events and the last operation's
 * result"): `GET /api/v1/applications/{name}/events` with the app's last operation above them, in a
 * read-only document (core/argocd/api/events.ts eventsDocument). A read: no operation lock.
 */
import * as vscode from 'vscode';
import { eventsDocument } from '../../core/argocd/api/events';
import { appFromArg, UserError } from './appArg';
import type { CommandFactory } from './types';

export const showArgoCdEvents: CommandFactory = (deps) => async (arg: unknown) => {
  await deps.argocd.activate();
  const picked = await appFromArg(deps.apps, arg, { tool: 'argocd', role: 'app' });
  // A kubeconfig copy of an app also seen through the API: its events come through the API copy.
  const app = deps.apps.get(deps.argocd.shown(picked.key)) ?? picked;
  if (!deps.argocd.isApi(app.cluster)) throw new UserError(`${app.name} is not reached through an Argo CD server's API; "Show Events" needs an Argo CD login (add the server in the Applications view).`);
  const { client, ref } = deps.argocd.clientFor(app);
  const events = await client.events(ref);
  const server = deps.argocd.nameOf(app.cluster);
  const uri = deps.argocd.events.put(server, app.name, eventsDocument(app, server, events, deps.clock.now()));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: true });
  deps.log.info(`[Commands][showArgoCdEvents] ${app.key}: ${events.length} events`);
  return uri;
};
