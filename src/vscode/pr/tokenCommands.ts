/**
 * "GitOps: Set Forge Token" and "GitOps: Forget Forge Token". Arguments `{ host, token, username? }`
 * / `{ host }` skip the prompts (tests, other extensions); interactively the host is picked from the
 * workspace repositories' remotes or typed.
 */
import * as vscode from 'vscode';
import { detectForge, forgeKindForHost } from '../../core/forge/detect';
import type { ForgeKind } from '../../core/forge/types';
import { Cancelled, UserError } from '../commands/appArg';
import type { CommandFactory } from '../commands/types';
import { readPullRequestSettings } from '../config';
import type { RepositoryDiscovery } from '../../core/git/ports';
import { FORGE_LABEL, normalizeHost } from './auth';
import { userMessage } from '../../core/text';

interface TokenArgs {
  readonly host?: unknown;
  readonly token?: unknown;
  readonly username?: unknown;
}

function workspaceForges(repos: RepositoryDiscovery): Array<{ host: string; kind: ForgeKind }> {
  const forges = readPullRequestSettings().forges;
  const out = new Map<string, ForgeKind>();
  for (const f of vscode.workspace.workspaceFolders ?? []) {
    for (const url of repos.workspaceOf(f.uri.fsPath)?.urls ?? []) {
      const repo = detectForge(url, { forges });
      if (repo) out.set(repo.host, repo.kind);
    }
  }
  return [...out].map(([host, kind]) => ({ host, kind }));
}

async function pickHost(repos: RepositoryDiscovery, placeHolder: string): Promise<{ host: string; kind: ForgeKind | undefined }> {
  const known = workspaceForges(repos);
  const other = { label: '$(edit) Another host…', host: '' };
  const items = [...known.map((k) => ({ label: k.host, description: FORGE_LABEL[k.kind], host: k.host })), other];
  const picked = known.length ? await vscode.window.showQuickPick(items, { placeHolder }) : other;
  if (!picked) throw new Cancelled();
  let host = picked.host;
  if (!host) {
    const typed = await vscode.window.showInputBox({ prompt: 'Forge host name (with :port when not the default)', placeHolder: 'git.example.com', ignoreFocusOut: true });
    if (!typed?.trim()) throw new Cancelled();
    host = normalizeHost(typed);
  }
  return { host, kind: known.find((k) => k.host === host)?.kind ?? forgeKindForHost(host, readPullRequestSettings().forges) };
}

export const setForgeToken: CommandFactory = (deps) => async (arg?: unknown) => {
  const a = (typeof arg === 'object' && arg !== null ? arg : {}) as TokenArgs;
  if (typeof a.host === 'string' && typeof a.token === 'string') {
    if (a.token.trim() === '') throw new UserError('The token is empty.');
    await deps.pr.auth.setToken(a.host, a.token.trim(), typeof a.username === 'string' && a.username ? a.username : undefined);
    return true;
  }
  const { host, kind } = await pickHost(deps.repos, 'Which forge is the token for?');
  await deps.pr.auth.promptToken({ host, kind: kind ?? 'gitea' });
  void vscode.window.showInformationMessage(userMessage(`token for ${host} saved in VS Code's secret storage.`));
  return true;
};

export const forgetForgeToken: CommandFactory = (deps) => async (arg?: unknown) => {
  const a = (typeof arg === 'object' && arg !== null ? arg : {}) as TokenArgs;
  const host = typeof a.host === 'string' ? a.host : (await pickHost(deps.repos, 'Forget the token of which forge?')).host;
  const had = await deps.pr.auth.forget(host);
  if (typeof a.host !== 'string') void vscode.window.showInformationMessage(userMessage(had ? `forgot the token for ${host}.` : `had no token for ${host}.`));
  return had;
};
