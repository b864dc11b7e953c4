/**
 * Environments of one repository on disk, for the CLI and the editor alike (STYLE.md rule 16: one
 * behaviour, one place): the map (core/env/map.ts) over a scan of the repository and, when given, the
 * clusters' apps; compare (renders through infra/render/renderer.ts, core/env/compare.ts); promote
 * (core/env/promote.ts, then the target rendered again with the edits standing in for its files, each
 * carried change checked there); what is pending where (core/env/pending.ts over git).
 *
 * The editor wires it as: `RepoEnvironments.load(folder, { renderer, history: new GitCliHistory(folder),
 * live: await withAppliedRevisions(appStore.all(), liveReader) })` per workspace repository (infra/env/
 * liveApps.ts), `compare()` into a diff editor (`documents.from` / `documents.to`, `summary` as its
 * title), `promote()` then `toFileEdits(plan)` into core/pr/openPullRequest.ts with `promotionSummary`
 * as the PR body's summary and `promotionSlug` as its branch slug.
 */
import * as path from 'node:path';
import * as jsyaml from 'js-yaml';
import { comparisonDocuments, comparisonSummary, compareRendered, nameRulesOf, shortValues, type EnvComparison, type RenderedSide } from '../../core/env/compare';
import { KustomizeGraph } from '../../core/env/kustomize';
import { buildEnvironmentMap, findEnvironment, findGroup, type LookupResult } from '../../core/env/map';
import { commitsBetween, pendingFor, type GitHistory, type PendingInfo } from '../../core/env/pending';
import { effectiveValues, loadValuesLayers, planPromotion, verifyPromotion, type PromoteWhat, type PromotionPlan, type VerifiedChange } from '../../core/env/promote';
import type { Environment, EnvironmentGroup, EnvironmentMap, LiveApp } from '../../core/env/types';
import { diffValues, keyText } from '../../core/env/values';
import type { Renderer } from '../render/renderer';
import { renderEnvironment, type EnvRender } from './renderEnvironment';
import { readRepoFile, scanRepository, writeRepoEdits, type RepoScan } from './repoScan';

export interface EnvironmentsOptions {
  /** Apps of the clusters, with applied revisions where read (pending, commits behind). */
  readonly live?: readonly LiveApp[];
  readonly renderer: Renderer;
  readonly history?: GitHistory;
}

export interface CompareResult {
  readonly comparison?: EnvComparison;
  /** "production is 3 commits and 2 fields behind staging: image 2.4.0 → 2.5.1, replicas 3 → 5". */
  readonly summary: string;
  /** Both sides as YAML for a diff editor (empty when not rendered). */
  readonly documents: { readonly from: string; readonly to: string };
  /** Differences outside the rendered objects: chart version, and values when the chart is not rendered. */
  readonly extra: readonly { readonly label: string; readonly from: unknown; readonly to: unknown }[];
  readonly commits?: { readonly behind: number; readonly ahead: number };
  /** Why a side was not rendered, in words. */
  readonly notes: readonly string[];
}

export interface PromoteResult {
  readonly plan: PromotionPlan;
  /** Each carried change checked against the target rendered with the edits. */
  readonly verified: readonly VerifiedChange[];
}

export class RepoEnvironments {
  readonly graph: KustomizeGraph;

  private constructor(
    readonly scan: RepoScan,
    readonly map: EnvironmentMap,
    private readonly opts: EnvironmentsOptions,
  ) {
    this.graph = new KustomizeGraph(scan.layout);
    for (const k of scan.layout.kustomizations.values()) this.scanned.set(k.file, k.text);
  }

  static async load(root: string, opts: EnvironmentsOptions): Promise<RepoEnvironments> {
    const scan = await scanRepository(root);
    const map = buildEnvironmentMap({ declarations: scan.declarations, layout: scan.layout, ...(opts.live ? { live: opts.live } : {}) });
    return new RepoEnvironments(scan, map, opts);
  }

  /** The same scan with other live apps (AppStore changed): the map is rebuilt, the repository not read again. */
  withLive(live: readonly LiveApp[]): RepoEnvironments {
    const map = buildEnvironmentMap({ declarations: this.scan.declarations, layout: this.scan.layout, live });
    return new RepoEnvironments(this.scan, map, { ...this.opts, live });
  }

  get root(): string {
    return this.scan.root;
  }

  /** Kustomization texts as scanned (the map was built from them), by file. */
  private readonly scanned = new Map<string, string>();

  /** A repository file's text: a kustomization as scanned, any other file read now (bounded, inside the repository). */
  readonly readFile = (rel: string): string | undefined => this.scanned.get(rel) ?? readRepoFile(this.scan.root, rel);

  group(name: string): LookupResult<EnvironmentGroup> {
    return findGroup(this.map, name);
  }

  environment(group: EnvironmentGroup, name: string): LookupResult<Environment> {
    return findEnvironment(group, name);
  }

  render(group: EnvironmentGroup, env: Environment, overrides?: ReadonlyMap<string, string>, notes?: string[]): Promise<EnvRender> {
    return renderEnvironment(this.opts.renderer, env, { root: this.scan.root, group, readFile: this.readFile, ...(overrides ? { overrides } : {}), ...(notes ? { notes } : {}) });
  }

  private side(group: EnvironmentGroup, env: Environment, r: EnvRender & { ok: true }): RenderedSide {
    // A plain folder's objects are edited where they are written: their repository file.
    const root = this.scan.root;
    const objects = r.objects.map((o) => {
      const rel = o.file !== undefined && env.deploy.type === 'directory' ? path.relative(root, o.file).split(path.sep).join('/') : undefined;
      return rel !== undefined && !rel.startsWith('..') ? { ...o, source: rel } : o;
    });
    return { env, objects, names: nameRulesOf(env, group, this.graph) };
  }

  async compare(group: EnvironmentGroup, from: Environment, to: Environment): Promise<CompareResult> {
    const notes: string[] = [];
    const [a, b] = await Promise.all([this.render(group, from, undefined, notes), this.render(group, to, undefined, notes)]);
    for (const [env, r] of [[from, a], [to, b]] as const) if (!r.ok) notes.push(`${env.label}: ${r.reason}`);
    const extra: Array<{ label: string; from: unknown; to: unknown }> = [];
    if (from.deploy.type === 'helm' && to.deploy.type === 'helm' && from.deploy.chart.type === 'remote' && to.deploy.chart.type === 'remote' && from.deploy.chart.version !== to.deploy.chart.version) {
      extra.push({ label: 'chart', from: from.deploy.chart.version, to: to.deploy.chart.version });
    }
    const comparison = a.ok && b.ok ? compareRendered(this.side(group, from, a), this.side(group, to, b)) : undefined;
    // Unrendered Helm charts: their values are what can be compared.
    if (!comparison && a.values !== undefined && b.values !== undefined) {
      for (const d of diffValues(a.values, b.values)) extra.push({ label: keyText(d.key), from: d.from, to: d.to });
    }
    const commits = this.opts.history ? await commitsBetween(from, to, this.opts.history).catch(() => undefined) : undefined;
    const base = comparison ?? { from, to, resources: [] };
    const summary = comparisonSummary({ comparison: base, ...(commits ? { commitsBehind: commits.behind, commitsAhead: commits.ahead } : {}), extra });
    const documents = comparison
      ? comparisonDocuments(comparison)
      : { from: a.values ? jsyaml.dump(a.values, { noRefs: true, lineWidth: -1 }) : '', to: b.values ? jsyaml.dump(b.values, { noRefs: true, lineWidth: -1 }) : '' };
    return { ...(comparison ? { comparison } : {}), summary, documents, extra, ...(commits ? { commits } : {}), notes };
  }

  async promote(group: EnvironmentGroup, from: Environment, to: Environment, what: PromoteWhat, keys?: readonly string[]): Promise<PromoteResult> {
    let comparison: EnvComparison | undefined;
    const notes: string[] = [];
    if ((from.deploy.type === 'kustomize' && to.deploy.type === 'kustomize') || (from.deploy.type === 'directory' && to.deploy.type === 'directory')) {
      const [a, b] = await Promise.all([this.render(group, from), this.render(group, to)]);
      if (a.ok && b.ok) comparison = compareRendered(this.side(group, from, a), this.side(group, to, b));
      else for (const [env, r] of [[from, a], [to, b]] as const) if (!r.ok) notes.push(`${env.label} not rendered: ${r.reason}`);
    }
    const plan = planPromotion({ group, from, to, what, ...(keys ? { keys } : {}), ...(comparison ? { comparison } : {}), graph: this.graph, readFile: this.readFile });
    const withNotes = notes.length > 0 ? { ...plan, notes: [...notes, ...plan.notes] } : plan;
    if (plan.edits.length === 0) return { plan: withNotes, verified: [] };
    // The target as it would be: rendered (kustomize, local charts) and its values merged, with the edits.
    const overrides = new Map(plan.edits.map((e) => [e.path, e.after]));
    const after = await this.render(group, to, overrides);
    const readAfter = (rel: string): string | undefined => overrides.get(rel) ?? this.readFile(rel);
    const values = to.deploy.type === 'helm' ? effectiveValues(loadValuesLayers(to, group, readAfter)) : undefined;
    const verified = verifyPromotion(plan, {
      ...(after.ok && (to.deploy.type === 'kustomize' || to.deploy.type === 'directory') ? { objects: after.objects, names: nameRulesOf(to, group, this.graph) } : {}),
      ...(values ? { values } : {}),
    });
    if (!after.ok && to.deploy.type === 'kustomize') {
      // The edits broke the build: nothing of it is checked, and the caller must not write it as done.
      return { plan: { ...withNotes, notes: [...withNotes.notes, `${to.label} does not build with the edits: ${after.reason}`] }, verified: plan.changes.map((change) => ({ change, ok: false })) };
    }
    return { plan: withNotes, verified };
  }

  /** What each environment of the group has not applied yet (needs live apps and git). */
  async pending(group: EnvironmentGroup): Promise<PendingInfo[]> {
    const history = this.opts.history;
    if (!history) return group.environments.map((env) => ({ env, unknown: 'no git history available' }));
    return Promise.all(group.environments.map((env) => pendingFor(env, this.graph, history).catch((err: unknown) => ({ env, unknown: err instanceof Error ? err.message : String(err) }))));
  }

  /** Writes a plan's edits into the repository (checking each file still holds what the plan was made from). */
  write(plan: PromotionPlan): void {
    writeRepoEdits(this.scan.root, plan.edits);
  }
}

/** `image 2.4.0 → 2.5.1`, for one extra difference. */
export function describeExtra(e: { readonly label: string; readonly from: unknown; readonly to: unknown }): string {
  const [now, next] = shortValues(e.to, e.from);
  return `${e.label} ${now} → ${next}`;
}
