/**
 * `gitops-lens envs`, `compare` and `promote` (issue 19): the environments of a repository's apps, the
 * rendered difference between two of them, and the edit that carries one environment's image tags,
 * chart version or values to the next — the editor's core and infra (infra/env/environments.ts) on
 * the command line. Apps come from the repository's own Argo CD and Flux manifests; with `--context`,
 * the clusters' apps bring sync, health and the revisions each applied (one GET per Argo CD
 * Application for the synced revision, as the App model holds the compared one).
 *
 * `promote --dry-run` prints the edit as a unified diff (paths relative to the repository) that
 * `git apply` takes; without it the files are written in the repository (the pull request is the
 * editor's job). Exit codes: 0 done (or nothing to do), 1 something asked for could not be carried
 * (a shared file, an edit the target's render does not confirm) or, for `compare`, the environments
 * differ, 2 an error or bad usage.
 */
import * as path from 'node:path';
import { fieldLabel, shortValues } from '../core/env/compare';
import type { PendingInfo } from '../core/env/pending';
import { describeChanges, type PromoteWhat } from '../core/env/promote';
import type { Environment, EnvironmentGroup, LiveApp } from '../core/env/types';
import { unifiedDiff } from '../core/env/unifiedDiff';
import { shortRevision, withRef } from '../core/model/app';
import { RepoEnvironments, describeExtra } from '../infra/env/environments';
import { GitCliHistory } from '../infra/env/gitHistory';
import { withAppliedRevisions } from '../infra/env/liveApps';
import { StaleFileError } from '../infra/env/repoScan';
import { KubeClusterAccess } from '../infra/k8s/clusterAccess';
import { pathLookup } from '../infra/render/process';
import { Renderer } from '../infra/render/renderer';
import { RepoFileError } from '../infra/repoFiles';
import { UsageError, parseArgs, type ParsedArgs } from './args';
import { readKubeconfig } from './contexts';
import type { CliIo } from './io';
import type { CliOutput } from './output';
import { loadApps } from './status';

const COMMON = { '--repo': 'path', '--context': 'name', '--kubeconfig': 'file' } as const;
const ONLY: Readonly<Record<string, PromoteWhat>> = { image: 'image', chart: 'chart', values: 'values' };

/** The repository's environments, with the contexts' apps when asked. */
async function load(a: ParsedArgs, io: CliIo, out: CliOutput): Promise<{ envs: RepoEnvironments; dispose(): void }> {
  const repo = a.one('--repo');
  if (repo === undefined) throw new UsageError('needs --repo DIR');
  const contexts = [...new Set(a.all('--context'))];
  if (contexts.length === 0 && a.all('--kubeconfig').length > 0) throw new UsageError('--kubeconfig goes with --context');
  let live: LiveApp[] | undefined;
  let dispose = (): void => undefined;
  if (contexts.length > 0) {
    const kubeconfig = await readKubeconfig(a.all('--kubeconfig'), io, out);
    const known = new Set(kubeconfig.merged.contexts.map((c) => c.name));
    const unknown = contexts.filter((c) => !known.has(c));
    if (unknown.length > 0) throw new Error(`no context named ${unknown.map((u) => `"${u}"`).join(', ')} in ${kubeconfig.paths.join(', ')}`);
    const loaded = await loadApps(kubeconfig.files, contexts, out);
    const cluster = io.cluster ?? new KubeClusterAccess({ kubeconfig: () => kubeconfig.files });
    dispose = () => {
      loaded.dispose();
      if (cluster instanceof KubeClusterAccess) cluster.dispose();
    };
    for (const c of contexts) {
      const phase = loaded.store.status(c).connection.phase;
      if (phase !== 'ready') out.error(`warning: context "${c}" ${phase === 'unreachable' ? 'is unreachable' : 'did not answer'}: its apps are not shown`);
    }
    live = await withAppliedRevisions(loaded.all, cluster);
  }
  try {
    const renderer = new Renderer({ findExecutable: pathLookup(io.env.PATH ?? process.env.PATH) });
    const envs = await RepoEnvironments.load(repo, { renderer, history: new GitCliHistory(path.resolve(repo), { env: { ...process.env, ...io.env } }), ...(live ? { live } : {}) });
    for (const p of envs.scan.problems) out.error(`note: ${p}`);
    return { envs, dispose };
  } catch (err) {
    dispose();
    if (err instanceof RepoFileError) throw new Error(`${repo}: ${err.message}`);
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`cannot read ${repo}: no such folder`);
    throw err;
  }
}

function pick(envs: RepoEnvironments, a: ParsedArgs): { group: EnvironmentGroup; from: Environment; to: Environment } {
  const name = a.one('--app');
  const fromName = a.one('--from');
  const toName = a.one('--to');
  if (name === undefined || fromName === undefined || toName === undefined) throw new UsageError('needs --app NAME --from ENV --to ENV');
  const group = envs.group(name);
  if (!group.ok) throw new Error(group.message);
  const from = envs.environment(group.value, fromName);
  if (!from.ok) throw new Error(from.message);
  const to = envs.environment(group.value, toName);
  if (!to.ok) throw new Error(to.message);
  if (from.value.id === to.value.id) throw new UsageError(`--from and --to name the same environment (${from.value.label})`);
  return { group: group.value, from: from.value, to: to.value };
}

const sourceText = (e: Environment): string => {
  const d = e.deploy;
  if (d.type !== 'helm') return d.folder || '.';
  const chart = d.chart.type === 'local' ? d.chart.path : `${d.chart.chart}@${d.chart.version ?? '*'} (${d.chart.repo})`;
  const files = d.values.filter((v) => v.type === 'file').map((v) => (v as { path: string }).path);
  return files.length > 0 ? `${chart} + ${files.map((f) => path.posix.basename(f)).join(', ')}` : chart;
};

export async function envs(args: readonly string[], io: CliIo, out: CliOutput): Promise<number> {
  const a = parseArgs('envs', args, { flags: ['--json'], values: { ...COMMON, '--app': 'name' } });
  const { envs: repo, dispose } = await load(a, io, out);
  try {
    const name = a.one('--app');
    let groups = repo.map.groups;
    if (name !== undefined) {
      const g = repo.group(name);
      if (!g.ok) throw new Error(g.message);
      groups = [g.value];
    }
    // What is pending where: only with the clusters' revisions.
    const live = groups.some((g) => g.environments.some((e) => e.live));
    const pending = new Map<string, PendingInfo>();
    if (live) for (const g of groups) for (const p of await repo.pending(g)) pending.set(p.env.id, p);
    const pendingText = (e: Environment): string => {
      const p = pending.get(e.id);
      if (p === undefined || p.total === undefined) return '-';
      return p.total === p.touchingTotal ? String(p.total) : `${p.touchingTotal ?? 0} (${p.total} on ${p.branch ?? 'the branch'})`;
    };
    if (a.has('--json')) {
      out.json({
        apps: groups.map((g) => ({
          name: g.name,
          type: g.type,
          sharedFolders: g.sharedFolders,
          environments: g.environments.map((e) => ({
            name: e.label,
            aliases: e.aliases,
            cluster: e.cluster ?? null,
            app: e.app,
            deploy: e.deploy.type === 'helm' ? { type: 'helm', chart: e.deploy.chart, values: e.deploy.values.map((v) => (v.type === 'file' ? v.path : `${v.file}#${v.pointer}`)), releaseName: e.deploy.releaseName } : e.deploy,
            manifest: e.declaration ? { file: e.declaration.file, document: e.declaration.documentIndex } : null,
            generatedBy: e.generatedBy ?? null,
            trackedRevision: e.trackedRevision ?? null,
            revision: e.fullRevision ?? null,
            appliedRevision: e.appliedRevision ?? null,
            sync: e.sync.status,
            health: e.health.status,
            live: e.live,
            pending: pendingJson(pending.get(e.id)),
            notes: e.notes,
          })),
        })),
      });
      return 0;
    }
    if (groups.length === 0) {
      out.error('no Argo CD Applications, Flux Kustomizations or HelmReleases found in the repository');
      return 0;
    }
    const rows = [['APP', 'ENVIRONMENT', 'CLUSTER', 'DEPLOYED BY', 'SOURCE', 'REVISION', 'SYNC', 'HEALTH', ...(live ? ['PENDING'] : [])]];
    for (const g of groups) {
      for (const e of g.environments) {
        const applied = e.appliedRevision !== undefined && e.appliedRevision !== e.fullRevision ? shortRevision(withRef(e.trackedRevision, e.appliedRevision) ?? e.appliedRevision) : e.revision;
        rows.push([g.name, e.label, e.cluster ?? '-', `${e.app.kind} ${e.app.namespace ? `${e.app.namespace}/` : ''}${e.app.name}`, sourceText(e), applied ?? '-', e.sync.status, e.health.status, ...(live ? [pendingText(e)] : [])]);
      }
    }
    out.table(rows, { maxWidths: [30, 30, 24, 40, 60, 24, 10, 12, 30] });
    return 0;
  } finally {
    dispose();
  }
}

function pendingJson(p: PendingInfo | undefined): Record<string, unknown> | null {
  if (p === undefined) return null;
  if (p.unknown !== undefined) return { unknown: p.unknown };
  return {
    applied: p.applied ?? null,
    tip: p.tip ?? null,
    branch: p.branch ?? null,
    commits: p.total ?? null,
    touching: p.touchingTotal ?? null,
    touchingCommits: (p.touching ?? []).map((c) => ({ sha: c.sha, subject: c.subject, author: c.author, date: c.date })),
  };
}

export async function compare(args: readonly string[], io: CliIo, out: CliOutput): Promise<number> {
  const a = parseArgs('compare', args, { flags: ['--json'], values: { ...COMMON, '--app': 'name', '--from': 'name', '--to': 'name' } });
  const { envs: repo, dispose } = await load(a, io, out);
  try {
    const { group, from, to } = pick(repo, a);
    const r = await repo.compare(group, from, to);
    for (const n of r.notes) out.error(`note: ${n}`);
    const resources = r.comparison?.resources ?? [];
    const differs = r.extra.length > 0 || resources.some((x) => x.status !== 'same');
    if (a.has('--json')) {
      out.json({
        app: group.name,
        from: from.label,
        to: to.label,
        summary: r.summary,
        commits: r.commits ?? null,
        extra: r.extra.map((e) => ({ field: e.label, from: e.from ?? null, to: e.to ?? null })),
        resources: resources.map((x) => ({
          group: x.group,
          kind: x.kind,
          name: x.name,
          fromName: x.fromName ?? null,
          toName: x.toName ?? null,
          status: x.status,
          changes: x.changes.map((c) => ({ path: c.path, from: c.from ?? null, to: c.to ?? null })),
        })),
      });
      return differs ? 1 : 0;
    }
    out.text(r.summary);
    for (const e of r.extra) out.text(`  ~ ${describeExtra(e)}`);
    for (const x of resources) {
      if (x.status === 'same') continue;
      const name = `${x.kind} ${x.toName ?? x.fromName ?? x.name}`;
      if (x.status === 'onlyFrom') out.text(`  + ${name}: only in ${from.label}`);
      else if (x.status === 'onlyTo') out.text(`  - ${name}: only in ${to.label}`);
      else {
        out.text(`  ~ ${name}`);
        for (const c of x.changes) {
          const [now, next] = shortValues(c.to, c.from);
          out.text(`      ${fieldLabel(c)} (${c.path}): ${now} in ${to.label}, ${next} in ${from.label}`);
        }
      }
    }
    return differs ? 1 : 0;
  } finally {
    dispose();
  }
}

export async function promote(args: readonly string[], io: CliIo, out: CliOutput): Promise<number> {
  const a = parseArgs('promote', args, { flags: ['--dry-run'], values: { ...COMMON, '--app': 'name', '--from': 'name', '--to': 'name', '--only': 'kind', '--key': 'key' } });
  const only = a.one('--only');
  if (only !== undefined && ONLY[only] === undefined) throw new UsageError(`--only takes image, chart or values, not "${only}"`);
  const what: PromoteWhat = only === undefined ? 'all' : (ONLY[only] as PromoteWhat);
  const { envs: repo, dispose } = await load(a, io, out);
  try {
    const { group, from, to } = pick(repo, a);
    const keys = a.all('--key');
    const { plan, verified } = await repo.promote(group, from, to, what, keys.length > 0 ? keys : undefined);
    const unconfirmed = verified.filter((v) => !v.ok);
    for (const n of plan.notes) out.error(`note: ${n}`);
    for (const r of plan.refused) out.error(`not carried: ${r.label}: ${r.reason}`);
    for (const v of unconfirmed) {
      out.error(`not confirmed: ${v.change.label}: ${to.label} rendered with the edit has ${v.actual === undefined ? 'no value' : JSON.stringify(v.actual)}, not ${JSON.stringify(v.change.after)}`);
    }
    if (plan.edits.length === 0) {
      if (plan.refused.length === 0) out.error(`nothing to promote: ${to.label} already has what ${from.label} has${what === 'all' ? '' : ` (${what})`}`);
      return plan.refused.length > 0 ? 1 : 0;
    }
    const header = `promote ${group.name}: ${from.label} → ${to.label}`;
    if (a.has('--dry-run')) {
      for (const e of plan.edits) out.text(unifiedDiff(e.path, e.before, e.after).replace(/\n$/, ''));
      out.error([header, ...describeChanges(plan).map((l) => `  ${l}`)].join('\n'));
    } else {
      if (unconfirmed.length > 0) {
        out.error(`gitops-lens: nothing written: ${to.label} rendered with the edit does not show ${unconfirmed.length === 1 ? 'it' : 'them'}`);
        return 1;
      }
      try {
        repo.write(plan);
      } catch (err) {
        if (err instanceof StaleFileError || err instanceof RepoFileError) {
          out.error(`gitops-lens: ${err.message}`);
          return 2;
        }
        throw err;
      }
      out.text([header, ...describeChanges(plan).map((l) => `  ${l}`), ...plan.edits.map((e) => `wrote ${e.path}`)].join('\n'));
    }
    return plan.refused.length > 0 || unconfirmed.length > 0 ? 1 : 0;
  } finally {
    dispose();
  }
}
