/**
 * "GitOps: Compare Environments" (issue 19): one app rendered as the controllers render it (kustomize /
 * helm) for the target environment on the left and the source on the right in VS Code's diff editor,
 * normalized and with Secret values masked (infra/env/environments.ts `compare`, the CLI's `compare`),
 * titled with the summary ("production is 3 commits and 2 fields behind staging: …"), which a
 * notification repeats.
 *
 * Arguments for callers without UI: `{ root?, app, from, to }` or an app / environment node; returns
 * `{ summary, title, left, right }` (the documents' URIs).
 */
import * as vscode from 'vscode';
import { userMessage } from '../../core/text';
import { environmentTarget } from '../env/envTarget';
import { resultOrError } from '../pr/deliver';
import { UserError } from './appArg';
import type { CommandContext, CommandFactory } from './types';

export const compareEnvironments: CommandFactory = (ctx) => (arg?: unknown) => resultOrError(arg, () => compare(ctx, arg));

async function compare(ctx: CommandContext, arg: unknown) {
  const env = ctx.environments;
  if (!env) throw new UserError('Environments are not available in this window.');
  const t = await environmentTarget(ctx, env.index, arg, 'Compare');
  const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: userMessage(`rendering ${t.group.name} in ${t.from.label} and ${t.to.label}…`) }, () =>
    t.envs.compare(t.group, t.from, t.to),
  );
  for (const n of r.notes) ctx.log.info(`[Commands][compareEnvironments] ${t.group.name}: ${n}`);
  if (r.documents.from === '' && r.documents.to === '' && r.extra.length === 0) {
    throw new UserError(`${t.group.name} could not be rendered in ${t.from.label} or ${t.to.label}: ${r.notes.join('; ') || 'no objects'}.`);
  }
  // Differences outside the rendered objects (a chart version) go at the top of each side, as comments.
  const head = (side: 'from' | 'to'): string => (r.extra.length === 0 ? '' : `${r.extra.map((e) => `# ${e.label}: ${String(side === 'from' ? e.from : e.to)}`).join('\n')}\n`);
  const left = env.documents.put(t.group.name, t.to.label, head('to') + r.documents.to);
  const right = env.documents.put(t.group.name, t.from.label, head('from') + r.documents.from);
  const title = `${t.group.name}: ${r.summary}`;
  await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true });
  void vscode.window.showInformationMessage(userMessage(`${t.group.name}: ${r.summary}`));
  return { summary: r.summary, title, left: left.toString(), right: right.toString(), notes: r.notes };
}
