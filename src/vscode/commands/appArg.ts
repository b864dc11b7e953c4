/**
 * Resolves the app a command acts on: a tree node (Applications or Sources view), an app key, or —
 * from the Command Palette — a quick pick over the known apps.
 */
import * as vscode from 'vscode';
import type { App, Tool } from '../../core/model/app';
import type { AppStore } from '../../core/store/appStore';
import { appDescription } from '../views/appText';
import { TOOL_LABEL } from '../views/tooltipMarkdown';

/** An error whose message is already written for the user. */
export class UserError extends Error {}

export async function appFromArg(apps: AppStore, arg: unknown, want?: { tool?: Tool; role?: App['role'] }): Promise<App> {
  const key = typeof arg === 'string' ? arg : typeof arg === 'object' && arg !== null && typeof (arg as { key?: unknown }).key === 'string' ? (arg as { key: string }).key : undefined;
  if (key !== undefined) {
    const app = apps.get(key);
    if (app === undefined) throw new UserError(`GitOps object ${key} is no longer on the cluster.`);
    if (want?.tool && app.tool !== want.tool) throw new UserError(`${app.name} is a ${TOOL_LABEL[app.tool]} ${app.kind}; this command is for ${TOOL_LABEL[want.tool]}.`);
    return app;
  }
  const candidates = apps.all().filter((a) => (!want?.tool || a.tool === want.tool) && (!want?.role || a.role === want.role));
  if (candidates.length === 0) throw new UserError('No matching GitOps apps are known yet; open the GitOps view to connect.');
  const picked = await vscode.window.showQuickPick(
    candidates.map((a) => ({ label: a.name, description: appDescription(a), detail: `${a.cluster} · ${TOOL_LABEL[a.tool]} ${a.kind} · ${a.namespace}`, app: a })),
    { placeHolder: 'Select a GitOps app', matchOnDescription: true, matchOnDetail: true },
  );
  if (!picked) throw new Cancelled();
  return picked.app;
}

/** The user dismissed a prompt; the command wrapper ignores it. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}
