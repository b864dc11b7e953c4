/**
 * Argo CD servers of the Applications view (issue 16): add one by URL and token, remove one added
 * here, log in again (a new token). Tokens go to SecretStorage only (vscode/argocd/servers.ts).
 */
import * as vscode from 'vscode';
import { apiClusterName, defaultServerName } from '../../core/argocd/api/servers';
import { targetFromUrl } from '../../core/argocd/api/endpoint';
import { Cancelled, UserError } from './appArg';
import type { CommandFactory } from './types';

/** The cluster of a server row (a tree node `{ type: 'cluster', name }`) or undefined. */
function serverOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  const n = arg as { type?: unknown; name?: unknown } | undefined;
  return n && n.type === 'cluster' && typeof n.name === 'string' ? n.name : undefined;
}

export const addArgoCdServer: CommandFactory = (deps) => async () => {
  await deps.argocd.activate();
  const url = await vscode.window.showInputBox({
    title: 'Add Argo CD Server (1/3)',
    prompt: 'The Argo CD server URL, as in the browser: https://argocd.example.com (with its root path, if any).',
    placeHolder: 'https://argocd.example.com',
    ignoreFocusOut: true,
    validateInput: (v) => {
      const t = targetFromUrl('new', v.trim(), undefined);
      return 'problem' in t ? t.problem : undefined;
    },
  });
  if (url === undefined) throw new Cancelled();
  const suggested = defaultServerName(url) ?? 'argocd';
  const taken = new Set(deps.argocd.servers.snapshot.entries.map((e) => e.name));
  const name = await vscode.window.showInputBox({
    title: 'Add Argo CD Server (2/3)',
    prompt: 'A name for the server in the Applications view.',
    value: suggested,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() === '' ? 'Enter a name' : taken.has(v.trim()) ? `A server is already named ${v.trim()}` : v.length > 200 ? 'At most 200 characters' : undefined),
  });
  if (name === undefined) throw new Cancelled();
  const token = await vscode.window.showInputBox({
    title: 'Add Argo CD Server (3/3)',
    prompt: 'An Argo CD token (argocd account generate-token), kept in the editor\'s secret storage. Leave empty to sign in with SSO in the browser.',
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (/\s/.test(v.trim()) ? 'A token has no spaces' : undefined),
  });
  if (token === undefined) throw new Cancelled();
  const t = targetFromUrl(name.trim(), url.trim(), token.trim() || undefined);
  if ('problem' in t) throw new UserError(t.problem);
  const cluster = apiClusterName(name.trim());
  await deps.argocd.servers.add({ name: name.trim(), url: url.trim(), insecure: false }, cluster, token.trim() || undefined);
  deps.log.info(`[Commands][addArgoCdServer] added ${name.trim()} (${t.target.baseUrl})`);
  if (token.trim() === '') await deps.argocd.ssoLogin(cluster);
};

export const removeArgoCdServer: CommandFactory = (deps) => async (arg: unknown) => {
  await deps.argocd.activate();
  const added = deps.argocd.servers.snapshot.entries.filter((e) => e.origin === 'added');
  let cluster = serverOf(arg);
  if (cluster === undefined) {
    if (added.length === 0) throw new UserError('No Argo CD server was added in GitOps Lens (servers of the argocd CLI config are removed with `argocd context --delete`).');
    const picked = await vscode.window.showQuickPick(added.map((e) => ({ label: e.name, description: e.address, cluster: e.cluster })), { title: 'Remove Argo CD Server' });
    if (picked === undefined) throw new Cancelled();
    cluster = picked.cluster;
  }
  const entry = added.find((e) => e.cluster === cluster);
  if (entry === undefined) throw new UserError('Only servers added in GitOps Lens can be removed here; the argocd CLI config\'s are removed with `argocd context --delete`.');
  await deps.argocd.servers.remove(entry.name, entry.cluster);
  deps.log.info(`[Commands][removeArgoCdServer] removed ${entry.name}`);
};

export const argocdLogin: CommandFactory = (deps) => async (arg: unknown) => {
  await deps.argocd.activate();
  let cluster = serverOf(arg);
  if (cluster === undefined) {
    const entries = deps.argocd.servers.snapshot.entries.filter((e) => e.target !== undefined || e.token === 'none');
    if (entries.length === 0) throw new UserError('No Argo CD server is configured: add one in the Applications view, or run `argocd login`.');
    const picked = await vscode.window.showQuickPick(entries.map((e) => ({ label: e.name, description: e.address, cluster: e.cluster })), { title: 'Log In to Argo CD Server' });
    if (picked === undefined) throw new Cancelled();
    cluster = picked.cluster;
  }
  await deps.argocd.login(cluster);
};
