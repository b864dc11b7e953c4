/**
 * `gitops-lens audit --repo DIR [--context NAME]... [--since 30d] [--app NAME]... [--format md|json|csv]`
 * (issue 17, "CLI for evidence"): every desired-state change per app with author, committer, pull
 * request, approvals, merge and deploy times per cluster, plus observed live drift with its field
 * manager. Exit 0 when the report is complete, 2 on bad usage, an unreadable repository, or a context
 * that could not be read (the report then covers the others).
 *
 * Thin on purpose: Git through infra/git/history, clusters through the kube client, the forge through
 * the existing clients behind a memory + disk cache; the joins, policy and rendering are core/audit.
 *
 * Options beyond the issue's: `--kubeconfig FILE` (as the other commands), `--branch NAME` (the branch
 * of apps whose source names none; default the checked-out one), `--remote NAME` (default origin),
 * `--offline` (Git alone), `--no-drift`, `--forge KIND` and `--forge-api URL` (a self-hosted forge the
 * remote's host does not reveal). Forge tokens come from the environment: GITOPS_LENS_FORGE_TOKEN
 * (and GITOPS_LENS_FORGE_USERNAME), else the variable each forge's own CLI reads (GITHUB_TOKEN/GH_TOKEN,
 * GITLAB_TOKEN, BITBUCKET_TOKEN + BITBUCKET_USERNAME, AZURE_DEVOPS_EXT_PAT, GITEA_TOKEN).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { collectAudit, type AuditApp, type AuditGit } from '../../core/audit/collect';
import { cachedAuditForge, layeredCache, MemoryCacheStore } from '../../core/audit/forgeCache';
import type { AuditForge } from '../../core/audit/pullRequests';
import { changeRows, renderCsv, renderMarkdown, reportJson, type AuditDriftRow } from '../../core/audit/report';
import { auditTargets } from '../../core/audit/trail';
import { detectForge } from '../../core/forge/detect';
import { FORGE_LABELS, type ForgeCredentials, type ForgeKind, type ForgeRepo } from '../../core/forge/types';
import { mergeKubeconfigs } from '../../core/kube/kubeconfig';
import { terminalJson, terminalText } from '../../core/log/redact';
import type { App } from '../../core/model/app';
import type { KubeconfigFile } from '../../core/ports';
import { GitHistory } from '../git/history';
import { createForgeClient } from '../forge/createForgeClient';
import { KustomizeRenderer } from '../render/kustomize';
import { pathLookup } from '../render/process';
import { historyOf, readClusterApps, type AuditClusterAccess, type ClusterAppsSnapshot } from './clusterApps';
import { DiskCacheStore, defaultAuditCacheDir } from './diskCache';
import { appDrift, desiredObjects } from './liveDrift';

/** Where the report goes (src/cli/audit.ts passes its sanitizing output), and what tests pin. */
export interface AuditIo {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly isTty?: boolean;
  /** Cluster reads; used when it can list (has getJson), else `AuditDeps.clusterAccess`. */
  readonly cluster?: Partial<AuditClusterAccess>;
  /** The clock (tests); default Date.now. */
  readonly now?: () => number;
}

/**
 * What the CLI may pass so the audit reads kubeconfig files and clusters exactly as its other commands
 * (src/cli/audit.ts passes the CLI's own). `kubeconfig` rejects when a file named on the command line is unreadable.
 */
export interface AuditDeps {
  readonly kubeconfig: (extra: readonly string[], env: NodeJS.ProcessEnv) => Promise<readonly KubeconfigFile[]>;
  readonly clusterAccess: (files: readonly KubeconfigFile[]) => AuditClusterAccess & { dispose?(): void };
}

/** A request the audit cannot carry out as given (a folder that is not a repository, an unknown context). */
export class AuditInputError extends Error {}

/** What `gitops-lens audit` asks for (src/cli/audit.ts parses it with the CLI's one argument parser). */
export interface AuditOptions {
  readonly repo: string;
  readonly contexts: readonly string[];
  readonly kubeconfigs: readonly string[];
  /** Epoch ms: changes from then on (parseSince). */
  readonly since: number;
  readonly apps: readonly string[];
  readonly format: 'md' | 'json' | 'csv';
  readonly branch?: string;
  readonly remote: string;
  readonly offline: boolean;
  readonly drift: boolean;
  readonly forgeKind?: ForgeKind;
  readonly forgeApi?: string;
}

/** `30d`, `12h`, `2w` before now, or a date/time; epoch ms. */
export function parseSince(s: string, now: number): number {
  const m = /^(\d{1,5})([hdw])$/.exec(s.trim());
  if (m) return now - Number(m[1]) * { h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as 'h' | 'd' | 'w'];
  if (/^\d{4}-\d\d-\d\d([T ][\d:.]+(Z|[+-]\d\d:?\d\d)?)?$/.test(s.trim())) {
    const ms = Date.parse(s.trim());
    if (Number.isFinite(ms)) return ms;
  }
  throw new AuditInputError(`--since takes a duration such as 30d, 12h or 2w, or a date such as 2026-01-31, not "${s}"`);
}

/** The token for a forge from the environment, as the forges' own CLIs name it. */
export function forgeCredentials(kind: ForgeKind, env: NodeJS.ProcessEnv): ForgeCredentials | undefined {
  const names: Record<ForgeKind, string[]> = {
    github: ['GITHUB_TOKEN', 'GH_TOKEN'],
    'github-enterprise': ['GH_ENTERPRISE_TOKEN', 'GITHUB_ENTERPRISE_TOKEN', 'GITHUB_TOKEN', 'GH_TOKEN'],
    gitlab: ['GITLAB_TOKEN'],
    'bitbucket-cloud': ['BITBUCKET_TOKEN'],
    'bitbucket-server': ['BITBUCKET_TOKEN'],
    'azure-devops': ['AZURE_DEVOPS_EXT_PAT', 'SYSTEM_ACCESSTOKEN'],
    gitea: ['GITEA_TOKEN'],
  };
  const token = [env.GITOPS_LENS_FORGE_TOKEN, ...names[kind].map((n) => env[n])].find((t) => typeof t === 'string' && t.trim() !== '')?.trim();
  if (!token) return undefined;
  const username = env.GITOPS_LENS_FORGE_USERNAME ?? (kind === 'bitbucket-cloud' ? env.BITBUCKET_USERNAME : undefined);
  return { token, ...(username ? { username } : {}) };
}

/** The report of `gitops-lens audit` on io; exit 0 when complete, 2 when a context or an app could not be read. */
export async function runAudit(a: AuditOptions, io: AuditIo, deps: AuditDeps): Promise<number> {
  const now = (io.now ?? Date.now)();
  const since = a.since;
  const repoDir = path.resolve(a.repo);
  if (!fs.statSync(repoDir, { throwIfNoEntry: false })?.isDirectory()) throw new AuditInputError(`${a.repo} is not a folder`);
  const git = new GitHistory(repoDir, { env: { ...process.env, ...io.env } });
  const remoteUrl = await git.remoteUrl(a.remote);
  if (!remoteUrl) throw new AuditInputError(`the repository in ${a.repo} has no remote "${a.remote}": the apps' sources are matched against its URL`);
  const defaultBranch = a.branch ?? (await git.currentBranch()) ?? 'main';
  let failed = false;
  const notes: string[] = [];

  // Clusters: every chosen context, as `status` chooses them.
  let files: readonly KubeconfigFile[];
  try {
    files = await deps.kubeconfig(a.kubeconfigs, io.env);
  } catch (err) {
    throw new AuditInputError(err instanceof Error ? err.message : String(err));
  }
  const merged = mergeKubeconfigs(files);
  const known = new Set(merged.contexts.map((c) => c.name));
  const unknown = a.contexts.filter((c) => !known.has(c));
  if (unknown.length > 0) throw new AuditInputError(`no context named ${unknown.map((u) => `"${u}"`).join(', ')} in the kubeconfig`);
  const contexts = a.contexts.length > 0 ? [...new Set(a.contexts)] : merged.contexts.map((c) => c.name);
  if (contexts.length === 0) throw new AuditInputError('no kubeconfig contexts found (KUBECONFIG, ~/.kube/config or --kubeconfig)');
  const own = io.cluster?.getJson && io.cluster.get ? undefined : deps.clusterAccess(files);
  const access: AuditClusterAccess = own ?? (io.cluster as AuditClusterAccess);
  try {
    const snapshots: ClusterAppsSnapshot[] = [];
    for (const c of contexts) {
      try {
        const s = await readClusterApps(access, c);
        snapshots.push(s);
        notes.push(...s.notes);
      } catch (err) {
        failed = true;
        io.err(`gitops-lens: context "${c}" could not be read: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    const allApps: App[] = snapshots.flatMap((s) => s.apps);
    let targets = auditTargets(allApps, remoteUrl);
    if (a.apps.length > 0) {
      targets = targets.filter((t) => a.apps.includes(t.app.name));
      const missing = a.apps.filter((n) => !targets.some((t) => t.app.name === n));
      if (missing.length > 0) notes.push(`No app named ${missing.join(', ')} deploys from ${remoteUrl} on the chosen contexts.`);
    }
    if (targets.length === 0) notes.push(`No app on ${contexts.join(', ')} deploys from ${remoteUrl}.`);
    const events = new Map<string, Promise<unknown[]>>();
    const auditApps: AuditApp[] = [];
    for (const t of targets) {
      const snapshot = snapshots.find((s) => s.cluster === t.app.cluster)!;
      const history = await historyOf(access, snapshot, t.app, events);
      for (const p of history.problems) notes.push(`${t.app.cluster}/${t.app.name}: ${p}`);
      auditApps.push({ target: t, history });
    }

    // Forge: the remote's, with a token from the environment, through the caches.
    let forge: AuditForge | undefined;
    let forgeUnavailable: string | undefined;
    const forgeRepo: ForgeRepo | undefined = detectForge(remoteUrl, {
      ...(a.forgeKind ? { forges: { [hostOf(remoteUrl)]: a.forgeKind } } : {}),
      ...(a.forgeApi ? { apiBaseUrl: a.forgeApi } : {}),
    });
    if (a.offline) forgeUnavailable = '--offline';
    else if (!forgeRepo) forgeUnavailable = `the forge of ${remoteUrl} is not known (use --forge KIND)`;
    else {
      const creds = forgeCredentials(forgeRepo.kind, io.env);
      if (!creds) forgeUnavailable = `no ${FORGE_LABELS[forgeRepo.kind]} token in the environment (GITOPS_LENS_FORGE_TOKEN)`;
      else {
        try {
          const client = createForgeClient(forgeRepo, creds, { userAgent: 'gitops-lens-audit' });
          const cacheDir = io.env.GITOPS_LENS_CACHE_DIR || defaultAuditCacheDir(io.env);
          forge = cachedAuditForge(client, layeredCache(new MemoryCacheStore(), new DiskCacheStore(cacheDir)), { scope: `${forgeRepo.kind}:${forgeRepo.apiBaseUrl}/${forgeRepo.owner}/${forgeRepo.repo}`, now: () => (io.now ?? Date.now)() });
        } catch (err) {
          forgeUnavailable = err instanceof Error ? err.message : String(err);
        }
      }
    }
    if (forgeUnavailable) notes.push(`Pull requests and approvals were not checked with the forge: ${forgeUnavailable}; pull request numbers come from commit messages.`);

    const gitPort: AuditGit = {
      changes: (q) => git.changes({ ref: q.ref, since: q.since }),
      graph: (q) => git.graph({ refs: q.refs, ...(q.maxCount ? { maxCount: q.maxCount } : {}) }),
      resolve: (names) => git.resolve(names),
    };
    const result = await collectAudit(auditApps, gitPort, { since, defaultBranch, remote: a.remote, ...(forge ? { forge } : {}), ...(forgeUnavailable ? { forgeUnavailable } : {}) });

    const drift: AuditDriftRow[] = [];
    if (a.drift) {
      const renderer = new KustomizeRenderer({ findExecutable: pathLookup(io.env.PATH ?? process.env.PATH) });
      const desiredByPath = new Map<string, Awaited<ReturnType<typeof desiredObjects>>>();
      for (const t of targets) {
        if (t.app.kind === 'HelmRelease') {
          notes.push(`${t.app.cluster}/${t.app.name}: Helm charts are not rendered; its live drift is not listed`);
          continue;
        }
        let desired = desiredByPath.get(t.path);
        if (!desired) {
          desired = await desiredObjects(repoDir, t.path, renderer);
          desiredByPath.set(t.path, desired);
        }
        try {
          const d = await appDrift(access, t.app, desired);
          drift.push(...d.rows);
          notes.push(...d.notes.map((n) => `${t.app.cluster}/${t.app.name}: ${n}`));
        } catch (err) {
          failed = true;
          io.err(`gitops-lens: live objects of ${t.app.name} on "${t.app.cluster}" could not be read: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }

    const allNotes = [...new Set([...result.notes, ...notes])];
    const report = { changes: changeRows(result.changes), drift };
    if (a.format === 'json') io.out(terminalJson(reportJson(report)));
    else if (a.format === 'csv') io.out(renderCsv(report, (s) => terminalText(s)));
    else io.out(renderMarkdown({ ...result, notes: allNotes }, drift, { since, now, repo: remoteUrl, cell: (s) => terminalText(s) }));
    // JSON and CSV hold the rows only: what the branches lack and the notes go to stderr.
    if (a.format !== 'md') for (const n of [...result.branches.flatMap((b) => b.problems), ...allNotes]) io.err(`note: ${n}`);
    return failed ? 2 : 0;
  } finally {
    own?.dispose?.();
  }
}

function hostOf(remoteUrl: string): string {
  try {
    return new URL(remoteUrl).host;
  } catch {
    return /^(?:[^@/]+@)?([^:/]+)[:/]/.exec(remoteUrl)?.[1] ?? remoteUrl;
  }
}
