/**
 * "GitOps: Suspend via Pull Request" / "Resume via Pull Request" (issue 6): edits the app's own
 * manifest in Git and opens a PR, instead of patching the cluster.
 * - Flux: `spec.suspend: true|false` (Flux docs, Kustomization/HelmRelease "Suspend").
 * - Argo CD: automated sync off = `spec.syncPolicy.automated` removed; on = restored (the value removed
 *   by an earlier Suspend in this workspace, else `{}`: automated sync without prune or self-heal,
 *   Argo CD docs "Automated Sync Policy").
 * The app's manifest is the workspace YAML document with its kind, name and namespace; the edit is
 * made on the HEAD version (comment-preserving, core/manifest/adoptEdit), never on the working tree.
 *
 * Arguments: `{ key, title?, yes: true }`.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { App } from '../../core/model/app';
import { adoptEdit, type AdoptChange } from '../../core/manifest/adoptEdit';
import { parseManifests } from '../../core/manifest/documents';
import { RepoFileError } from '../../infra/repoFiles';
import { appFromArg, UserError } from './appArg';
import { deliver, prArgs, resultOrError } from '../pr/deliver';
import { impactFor } from './openPullRequest';
import type { Deployment } from '../../core/drift/deployedBy';
import type { CommandContext, CommandFactory } from './types';

interface Found {
  readonly root: string;
  readonly rel: string;
  readonly text: string;
  readonly documentIndex: number;
  readonly value: Record<string, unknown>;
}

const ARGO_AUTOMATED_KEY = 'gitopsLens.suspendedAutomated.v1';

/** The workspace document declaring the app (kind, name, namespace), read at HEAD. */
async function findAppManifest(ctx: CommandContext, app: App, under?: string): Promise<Found> {
  const uris = under ? (await yamlFilesUnder(ctx, under)).map((f) => vscode.Uri.file(f)) : await vscode.workspace.findFiles('**/*.{yaml,yml}', '**/{node_modules,.git}/**', 5000);
  const nameRe = new RegExp(`^\\s*name:\\s*["']?${app.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*$`, 'm');
  for (const uri of uris) {
    const root = await ctx.pr.git.repoRootOf(path.dirname(uri.fsPath));
    if (!root) continue;
    const rel = path.relative(root, uri.fsPath).split(path.sep).join('/');
    const text = await ctx.pr.git.headContent(root, rel);
    if (!text || !text.includes(app.kind) || !nameRe.test(text)) continue;
    for (const d of parseManifests(text, { file: rel }).documents) {
      const id = d.identity;
      if (!id || id.kind !== app.kind || id.name !== app.name) continue;
      if (id.namespace !== undefined && id.namespace !== app.namespace) continue;
      return { root, rel, text, documentIndex: d.index, value: d.value as Record<string, unknown> };
    }
  }
  throw new UserError(`No ${app.kind} ${app.namespace}/${app.name} manifest is committed in the workspace repositories.`);
}

/**
 * YAML files below `dir` (a repository given by argument, outside the workspace folders): the bounded
 * walk of infra/repoFiles (no link followed, at most 5,000 entries, as findFiles above). Only their
 * committed text is read (headContent).
 */
async function yamlFilesUnder(ctx: CommandContext, dir: string): Promise<string[]> {
  try {
    return await ctx.files.yamlFilesUnder(dir);
  } catch (err) {
    if (err instanceof RepoFileError) throw new UserError(err.message);
    throw err;
  }
}

const obj = (v: unknown): Record<string, unknown> | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

const suspendResume =
  (suspend: boolean): CommandFactory =>
  (ctx) =>
  (arg?: unknown) =>
    resultOrError(arg, () => run(suspend, ctx, arg));

async function run(suspend: boolean, deps: CommandContext, arg: unknown) {
  const args = prArgs(arg);
  const app = await appFromArg(deps.apps, typeof args.key === 'string' ? args.key : arg);
  const found = await findAppManifest(deps, app, typeof args.root === 'string' ? args.root : undefined);
  const spec = obj(found.value.spec) ?? {};
  let changes: AdoptChange[];
  if (app.tool === 'flux') {
    if ((spec.suspend === true) === suspend) throw new UserError(`${app.name} is already ${suspend ? 'suspended' : 'not suspended'} in Git (${found.rel}).`);
    changes = [{ path: '/spec/suspend', value: suspend, ...(spec.suspend === undefined ? { insert: true } : {}) }];
  } else {
    const policy = obj(spec.syncPolicy);
    const automated = policy?.automated;
    const saved = deps.state.get<Record<string, unknown>>(ARGO_AUTOMATED_KEY) ?? {};
    if (suspend) {
      if (automated === undefined) throw new UserError(`${app.name} has no automated sync in Git (${found.rel}); nothing to suspend.`);
      changes = [{ path: '/spec/syncPolicy/automated', remove: true }];
      await deps.state.update(ARGO_AUTOMATED_KEY, { ...saved, [app.key]: automated });
    } else {
      if (automated !== undefined) throw new UserError(`${app.name} already syncs automatically in Git (${found.rel}).`);
      const restored = saved[app.key] ?? {};
      changes = policy ? [{ path: '/spec/syncPolicy/automated', value: restored, insert: true }] : [{ path: '/spec/syncPolicy', value: { automated: restored }, insert: true }];
    }
  }
  const after = adoptEdit(found.text, found.documentIndex, changes);
  const file = { path: found.rel, status: 'modified' as const, before: found.text, after };
  // The app's own manifest is often deployed by another app (app of apps) or by none; then its impact
  // is on the app object itself, in the app's own cluster (not an Argo CD destination).
  const self: App = { ...app };
  delete (self as { destination?: unknown }).destination;
  const selfDeployment: Deployment = { app: self, cluster: app.cluster, appPath: '', namespace: app.namespace, revisionMatches: undefined, revision: undefined, branch: undefined, inSubdirectory: false, chart: false };
  const own = await impactFor(deps, found.root, [file], { fallback: (f) => (f === found.rel ? [selfDeployment] : []) });
  const verb = suspend ? 'Suspend' : 'Resume';
  return deliver(
    deps.pr,
    {
      repoRoot: found.root,
      heading: `${verb} via pull request`,
      title: `${verb} ${app.name}${app.tool === 'argocd' ? ` automated sync` : ''} (${app.cluster})`,
      slug: `${verb}-${app.name}`,
      files: [{ path: found.rel, status: 'modified' }],
      impact: { ...own, apps: [...new Set([app.key, ...own.apps])] },
      summary: app.tool === 'flux' ? `Sets \`spec.suspend: ${suspend}\` on ${app.kind} ${app.namespace}/${app.name}.` : `${suspend ? 'Removes' : 'Restores'} \`spec.syncPolicy.automated\` on Application ${app.namespace}/${app.name}.`,
      change: { edits: [{ path: found.rel, content: after, before: found.text }] },
    },
    args,
  );
}

export const suspendViaPullRequest = suspendResume(true);
export const resumeViaPullRequest = suspendResume(false);
