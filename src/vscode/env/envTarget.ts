/**
 * Which repository, app and environments a Compare / Promote invocation is about (issue 19): from
 * arguments (`{ root, app, from, to }`, environments named as the CLI names them: overlay folder,
 * cluster, app name), from an app or environment node of the Applications view, or asked with quick
 * picks. The repository is scanned afresh, so a command sees the files as they are now.
 */
import * as vscode from 'vscode';
import type { Environment, EnvironmentGroup } from '../../core/env/types';
import type { RepoEnvironments } from '../../infra/env/environments';
import { Cancelled, UserError } from '../commands/appArg';
import type { CommandContext } from '../commands/types';
import type { EnvironmentIndex } from './environmentIndex';

export interface EnvTarget {
  readonly root: string;
  readonly envs: RepoEnvironments;
  readonly group: EnvironmentGroup;
  readonly from: Environment;
  readonly to: Environment;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The app key a tree node or argument carries (`key` of an app node, `appKey` of an environment node). */
function keyOf(arg: Record<string, unknown>): string | undefined {
  return str(arg.appKey) ?? str(arg.key);
}

export async function environmentTarget(ctx: CommandContext, index: EnvironmentIndex, arg: unknown, verb: string): Promise<EnvTarget> {
  if (!vscode.workspace.isTrusted) {
    throw new UserError(`${verb} is off in Restricted Mode: it runs git, kustomize and helm in the repository. Trust this folder (command "Workspaces: Manage Workspace Trust") first.`);
  }
  const a = (typeof arg === 'object' && arg !== null && !Array.isArray(arg) ? arg : {}) as Record<string, unknown>;
  const key = keyOf(a);
  const app = key ? ctx.apps.get(key) : undefined;
  let root: string | undefined;
  if (str(a.root)) root = (await ctx.pr.git.repoRootOf(a.root as string)) ?? (a.root as string);
  else if (key) root = index.forApp(key)?.root ?? (app ? index.rootOf(app) : undefined);
  if (root === undefined) {
    for (const f of vscode.workspace.workspaceFolders ?? []) {
      root = await ctx.pr.git.repoRootOf(f.uri.fsPath);
      if (root) break;
    }
  }
  if (root === undefined) throw new UserError(app ? `No workspace folder is a clone of ${app.name}'s repository.` : 'Open a folder that is a Git repository with Argo CD or Flux apps first.');
  const envs = await index.fresh(root);
  const groups = envs.map.groups.filter((g) => g.environments.length > 1);

  let group: EnvironmentGroup | undefined;
  if (str(a.app)) {
    const g = envs.group(a.app as string);
    if (!g.ok) throw new UserError(g.message);
    group = g.value;
  } else if (key) {
    group = envs.map.groups.find((g) => g.environments.some((e) => e.app.key === key));
    if (!group && app) group = envs.group(app.name).ok ? (envs.group(app.name) as { value: EnvironmentGroup }).value : undefined;
  }
  if (!group) {
    if (groups.length === 0) throw new UserError(`No app of ${root} is deployed in more than one environment.`);
    const picked = groups.length === 1 ? groups[0] : (await vscode.window.showQuickPick(groups.map((g) => ({ label: g.name, description: g.environments.map((e) => e.label).join(', '), g })), { placeHolder: `${verb}: which app?` }))?.g;
    if (!picked) throw new Cancelled();
    group = picked;
  }
  if (group.environments.length < 2) throw new UserError(`${group.name} has one environment only (${group.environments[0]?.label ?? 'none'}): nothing to ${verb.toLowerCase()}.`);
  const g = group;

  const named = (name: string): Environment => {
    const r = envs.environment(g, name);
    if (!r.ok) throw new UserError(r.message);
    return r.value;
  };
  // A clicked environment node is the target; its id is the environment's (the app key for live ones).
  const clicked = str(a.envId) ? g.environments.find((e) => e.id === a.envId) : undefined;
  let to = str(a.to) ? named(a.to as string) : clicked;
  let from = str(a.from) ? named(a.from as string) : undefined;
  const pick = async (placeHolder: string, except?: Environment): Promise<Environment> => {
    const choices = g.environments.filter((e) => e.id !== except?.id);
    if (choices.length === 1) return choices[0] as Environment;
    const p = await vscode.window.showQuickPick(
      choices.map((e) => ({ label: e.label, description: [e.cluster, e.revision, e.sync.status, e.health.status].filter(Boolean).join(' · '), e })),
      { placeHolder },
    );
    if (!p) throw new Cancelled();
    return p.e;
  };
  if (!from) from = await pick(`${verb} ${g.name}: from which environment (the source)?`, to);
  if (!to) to = await pick(`${verb} ${g.name}: from ${from.label} to which environment (the target)?`, from);
  if (from.id === to.id) throw new UserError(`The source and the target are the same environment (${from.label}).`);
  return { root, envs, group: g, from, to };
}
