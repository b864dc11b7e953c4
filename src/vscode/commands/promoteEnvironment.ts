/**
 * "GitOps: Promote…" (issue 19): pick what to carry from one environment to the next — image tags,
 * chart versions, values keys, or the whole difference (everything picked) — and open a pull request
 * whose edits land in the target environment's own files (core/env/promote.ts through the
 * comment-preserving splice, the CLI's `promote`), with the impact on the target's cluster in its body:
 * the target rendered before and after the edits, each changed object compared with its live one
 * (core/pr/plan.ts impactOf, Secrets masked). A change only a shared file (the base, a values file every
 * environment reads) could make is never made: the command says which file and which other
 * environments it would reach, and carries the rest only when the user says so.
 *
 * Arguments for callers without UI: `{ root?, app, from, to, what?, keys?, title?, yes: true }`;
 * returns the PR result with `carried` and `refused`. `pick: true` with `yes` still asks what to carry
 * (the quick pick, and whether to go on without what only a shared file could take) and skips only the
 * pull request's prompts: the in-host tests answer those questions.
 */
import * as jsyaml from 'js-yaml';
import * as vscode from 'vscode';
import { userMessage } from '../../core/text';
import type { Deployment } from '../../core/drift/deployedBy';
import { shortValues } from '../../core/env/compare';
import { promotionSlug, promotionSummary, toFileEdits, type CarriedChange, type PromoteWhat, type PromotionPlan } from '../../core/env/promote';
import type { App } from '../../core/model/app';
import type { PromoteResult } from '../../infra/env/environments';
import { environmentTarget, type EnvTarget } from '../env/envTarget';
import { deliver, prArgs, resultOrError } from '../pr/deliver';
import { NO_IMPACT, type Impact } from '../pr/impact';
import { Cancelled, UserError } from './appArg';
import { impactFor } from './openPullRequest';
import type { CommandContext, CommandFactory } from './types';

const WHAT: ReadonlySet<string> = new Set(['image', 'chart', 'values', 'all']);

export const promoteEnvironment: CommandFactory = (ctx) => (arg?: unknown) => resultOrError(arg, () => promote(ctx, arg));

const KIND_LABEL: Record<CarriedChange['what'], string> = { image: 'Image tags', chart: 'Chart version', values: 'Values keys', replicas: 'Replicas', field: 'Overlay fields' };

/** The refusals that name a shared file, in words: what a base edit would reach. */
function refusalText(plan: PromotionPlan): string {
  return plan.refused.map((r) => `${r.label}: ${r.reason}`).join('\n');
}

async function promote(ctx: CommandContext, arg: unknown) {
  const env = ctx.environments;
  if (!env) throw new UserError('Environments are not available in this window.');
  const args = prArgs(arg);
  const t = await environmentTarget(ctx, env.index, arg, 'Promote');
  const run = (what: PromoteWhat, keys?: readonly string[]): Thenable<PromoteResult> =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: userMessage(`promoting ${t.group.name} from ${t.from.label} to ${t.to.label}…`) }, () => t.envs.promote(t.group, t.from, t.to, what, keys));

  let result: PromoteResult;
  if (typeof args.what === 'string' || Array.isArray(args.keys) || (args.yes && args.pick !== true)) {
    const what = typeof args.what === 'string' ? args.what : 'all';
    if (!WHAT.has(what)) throw new UserError(`"what" is image, chart, values or all, not "${what}".`);
    const keys = Array.isArray(args.keys) ? args.keys.filter((k): k is string => typeof k === 'string') : undefined;
    result = await run(what as PromoteWhat, keys && keys.length > 0 ? keys : undefined);
  } else {
    result = await pickAndPlan(t, await run('all'), run);
  }
  const { plan, verified } = result;
  for (const n of plan.notes) ctx.log.info(`[Commands][promoteEnvironment] ${t.group.name}: ${n}`);
  if (plan.edits.length === 0) {
    if (plan.refused.length > 0) throw new UserError(`Nothing promoted from ${t.from.label} to ${t.to.label}. ${refusalText(plan)}`);
    throw new UserError(`Nothing to promote: ${t.to.label} already has what ${t.from.label} has.`);
  }
  const unconfirmed = verified.filter((v) => !v.ok);
  if (unconfirmed.length > 0) {
    throw new UserError(`Not promoted: ${t.to.label} rendered with the edit does not show ${unconfirmed.map((v) => v.change.label).join(', ')} (${plan.notes.join('; ') || 'see the log'}).`);
  }
  if (plan.refused.some((r) => r.sharedFile) && (!args.yes || args.pick === true)) {
    const go = await vscode.window.showWarningMessage(
      `Some changes can only be made in a shared file and are not carried.`,
      { modal: true, detail: `${refusalText(plan)}\n\nOpen the pull request with the rest?` },
      'Open Pull Request',
    );
    if (go !== 'Open Pull Request') throw new Cancelled();
  }

  const impact = await targetImpact(ctx, t, plan);
  const done = await deliver(
    ctx.pr,
    {
      repoRoot: t.root,
      heading: 'Promote',
      title: `Promote ${t.group.name} to ${t.to.label}: ${plan.changes.length === 1 ? plan.changes[0]?.label : `${plan.changes.length} changes`} from ${t.from.label}`,
      slug: promotionSlug(plan, t.group.name),
      files: plan.edits.map((e) => ({ path: e.path, status: 'modified' as const })),
      impact,
      summary: promotionSummary(plan, t.group.name),
      change: { edits: toFileEdits(plan) },
    },
    args,
  );
  return {
    ...done,
    carried: plan.changes.map((c) => ({ label: c.label, file: c.file, before: c.before, after: c.after })),
    refused: plan.refused.map((r) => ({ label: r.label, reason: r.reason, ...(r.sharedFile ? { sharedFile: r.sharedFile, reaches: r.reaches ?? [] } : {}) })),
  };
}

/** The quick pick of what to carry, everything picked (the whole difference); the plan for the picks. */
async function pickAndPlan(t: EnvTarget, all: PromoteResult, run: (what: PromoteWhat, keys?: readonly string[]) => Thenable<PromoteResult>): Promise<PromoteResult> {
  const plan = all.plan;
  if (plan.changes.length === 0) return all;
  type Item = vscode.QuickPickItem & { change?: CarriedChange };
  const items: Item[] = [];
  for (const kind of Object.keys(KIND_LABEL) as CarriedChange['what'][]) {
    const of = plan.changes.filter((c) => c.what === kind);
    if (of.length === 0) continue;
    items.push({ label: KIND_LABEL[kind], kind: vscode.QuickPickItemKind.Separator });
    for (const c of of) {
      const [now, next] = shortValues(c.before, c.after);
      items.push({ label: c.label, description: `${now} → ${next}`, detail: c.file, picked: true, change: c });
    }
  }
  for (const r of plan.refused) items.push({ label: `$(circle-slash) ${r.label}`, description: 'not carried', detail: r.reason, alwaysShow: true });
  const picked = await vscode.window.showQuickPick(items, {
    canPickMany: true,
    title: `Promote ${t.group.name}: ${t.from.label} → ${t.to.label}`,
    placeHolder: 'What to carry (all picked: the whole difference)',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  const chosen = (picked ?? []).flatMap((p) => (p.change ? [p.change] : []));
  if (chosen.length === 0) throw new Cancelled();
  if (chosen.length === plan.changes.length) return all;
  const chart = chosen.some((c) => c.what === 'chart');
  const keys = [...new Set(chosen.flatMap((c) => (c.key !== undefined ? [c.key] : [])))];
  if (keys.length === 0) return run(chart ? 'chart' : 'all');
  return run(chart || t.to.deploy.type !== 'helm' ? 'all' : 'values', keys);
}

/**
 * The impact on the target's cluster: its objects rendered before and after the edits, as one
 * changed "file" deployed by the target's live app, compared with the live objects.
 */
async function targetImpact(ctx: CommandContext, t: EnvTarget, plan: PromotionPlan): Promise<Impact> {
  const key = t.to.app.key;
  const app: App | undefined = key ? ctx.apps.get(key) : undefined;
  if (!app) return NO_IMPACT;
  const overrides = new Map(plan.edits.map((e) => [e.path, e.after]));
  const [before, after] = await Promise.all([t.envs.render(t.group, t.to), t.envs.render(t.group, t.to, overrides)]);
  if (!before.ok || !after.ok) return { ...NO_IMPACT, apps: [app.key] };
  const dump = (objs: readonly { desired: unknown }[]): string => objs.map((o) => jsyaml.dump(o.desired, { noRefs: true, lineWidth: -1 })).join('---\n');
  const rendered = `${t.to.label} (rendered)`;
  const deployment: Deployment = {
    app,
    cluster: app.cluster,
    appPath: t.to.deploy.type === 'helm' ? '' : t.to.deploy.folder,
    namespace: app.destination?.namespace ?? (t.to.deploy.type === 'helm' ? t.to.deploy.namespace : undefined) ?? app.namespace,
    revisionMatches: undefined,
    revision: undefined,
    branch: undefined,
    inSubdirectory: false,
    chart: t.to.deploy.type === 'helm',
  };
  const impact = await impactFor(ctx, t.root, [{ path: rendered, status: 'modified', before: dump(before.objects), after: dump(after.objects) }], { fallback: (f) => (f === rendered ? [deployment] : []) });
  return { ...impact, undeployed: [], apps: [...new Set([app.key, ...impact.apps])] };
}
