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
import { detectForge, isForgeKind } from '../../core/forge/detect';
import { FORGE_LABELS, type ForgeCredentials, type ForgeKind, type ForgeRepo } from '../../core/forge/types';
import { mergeKubeconfigs } from '../../core/kube/kubeconfig';
import { terminalJson, terminalText } from '../../core/log/redact';
import type { App } from '../../core/model/app';
import type { KubeconfigFile } from '../../core/ports';
import { GitHistory, GitHistoryError } from '../git/history';
import { createForgeClient } from '../forge/createForgeClient';
import { K8sRequestError } from '../k8s/errors';
import { KustomizeRenderer } from '../render/kustomize';
import { pathLookup } from '../render/process';
import { historyOf, readClusterApps, type AuditClusterAccess, type ClusterAppsSnapshot } from './clusterApps';
import { DiskCacheStore, defaultAuditCacheDir } from './diskCache';
import { auditClusterAccess, readAuditKubeconfig } from './kubeDefaults';
import { appDrift, desiredObjects } from './liveDrift';

/** The same shape as the CLI's `CliIo` (src/cli.ts), so `main` passes its io as it is. */
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
 * (default: ./kubeDefaults). `kubeconfig` rejects when a file named on the command line is unreadable.
 */
export interface AuditDeps {
  readonly kubeconfig: (extra: readonly string[], env: NodeJS.ProcessEnv) => Promise<readonly KubeconfigFile[]>;
  readonly clusterAccess: (files: readonly KubeconfigFile[]) => AuditClusterAccess & { dispose?(): void };
}

export const AUDIT_USAGE = `Usage: gitops-lens audit --repo DIR [--context NAME]... [--kubeconfig FILE]... [--since 30d] [--app NAME]...
                         [--format md|json|csv] [--branch NAME] [--remote NAME] [--offline] [--no-drift]
                         [--forge KIND] [--forge-api URL]

Every desired-state change of the apps that deploy from the repository in DIR: author, committer,
pull request, approvals, who merged it, and when each cluster deployed it; the tracked branches'
protection; and live drift with the field manager that set each drifted field.
--since takes 30d, 12h, 2w or a date (2026-01-31). Forge tokens are read from GITOPS_LENS_FORGE_TOKEN
or the forge's usual variable (GITHUB_TOKEN, GITLAB_TOKEN, BITBUCKET_TOKEN, AZURE_DEVOPS_EXT_PAT,
GITEA_TOKEN); without one, pull requests come from commit messages and approvals are not known.
Exit 0 complete, 2 on errors.`;

class AuditUsageError extends Error {}

interface AuditArgs {
  repo: string;
  contexts: string[];
  kubeconfigs: string[];
  since: string;
  apps: string[];
  format: 'md' | 'json' | 'csv';
  branch?: string;
  remote: string;
  offline: boolean;
  drift: boolean;
  forgeKind?: ForgeKind;
  forgeApi?: string;
}

function parseArgs(args: readonly string[]): AuditArgs {
  const out: Partial<AuditArgs> & { contexts: string[]; kubeconfigs: string[]; apps: string[] } = { contexts: [], kubeconfigs: [], apps: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--offline') {
      out.offline = true;
      continue;
    }
    if (a === '--no-drift') {
      out.drift = false;
      continue;
    }
    const v = args[i + 1];
    const need = (what: string): string => {
      if (v === undefined || v.startsWith('--')) throw new AuditUsageError(`${a} needs ${what}`);
      i++;
      return v;
    };
    switch (a) {
      case '--repo':
        out.repo = need('a folder');
        break;
      case '--context':
        out.contexts.push(need('a name'));
        break;
      case '--kubeconfig':
        out.kubeconfigs.push(need('a file'));
        break;
      case '--since':
        out.since = need('a duration (30d) or a date');
        break;
      case '--app':
        out.apps.push(need('a name'));
        break;
      case '--format': {
        const f = need('md, json or csv');
        if (f !== 'md' && f !== 'json' && f !== 'csv') throw new AuditUsageError(`--format takes md, json or csv, not "${f}"`);
        out.format = f;
        break;
      }
      case '--branch':
        out.branch = need('a branch name');
        break;
      case '--remote':
        out.remote = need('a remote name');
        break;
      case '--forge': {
        const k = need('a forge kind');
        if (!isForgeKind(k)) throw new AuditUsageError(`--forge takes one of ${Object.keys(FORGE_LABELS).join(', ')}, not "${k}"`);
        out.forgeKind = k;
        break;
      }
      case '--forge-api':
        out.forgeApi = need('a URL');
        break;
      default:
        throw new AuditUsageError(`unknown option "${a}" for audit`);
    }
  }
  if (!out.repo) throw new AuditUsageError('audit needs --repo DIR');
  return { repo: out.repo, contexts: out.contexts, kubeconfigs: out.kubeconfigs, since: out.since ?? '30d', apps: out.apps, format: out.format ?? 'md', ...(out.branch ? { branch: out.branch } : {}), remote: out.remote ?? 'origin', offline: out.offline ?? false, drift: out.drift ?? true, ...(out.forgeKind ? { forgeKind: out.forgeKind } : {}), ...(out.forgeApi ? { forgeApi: out.forgeApi } : {}) };
}

/** `30d`, `12h`, `2w` before now, or a date/time; epoch ms. */
export function parseSince(s: string, now: number): number {
  const m = /^(\d{1,5})([hdw])$/.exec(s.trim());
  if (m) return now - Number(m[1]) * { h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as 'h' | 'd' | 'w'];
  if (/^\d{4}-\d\d-\d\d([T ][\d:.]+(Z|[+-]\d\d:?\d\d)?)?$/.test(s.trim())) {
    const ms = Date.parse(s.trim());
    if (Number.isFinite(ms)) return ms;
  }
  throw new AuditUsageError(`--since takes a duration such as 30d, 12h or 2w, or a date such as 2026-01-31, not "${s}"`);
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

export async function runAudit(args: readonly string[], rawIo: AuditIo, deps: Partial<AuditDeps> = {}): Promise<number> {
  const io: AuditIo = { ...rawIo, err: (s) => rawIo.err(terminalText(s, { multiline: true })) };
  let a: AuditArgs;
  try {
    a = parseArgs(args);
  } catch (err) {
    if (err instanceof AuditUsageError) {
      io.err(`gitops-lens: ${err.message}\n\n${AUDIT_USAGE}`);
      return 2;
    }
    throw err;
  }
  try {
    return await audit(a, io, { kubeconfig: deps.kubeconfig ?? readAuditKubeconfig, clusterAccess: deps.clusterAccess ?? auditClusterAccess });
  } catch (err) {
    if (err instanceof AuditUsageError || err instanceof GitHistoryError || err instanceof K8sRequestError) {
      io.err(`gitops-lens: ${err.message}`);
      return 2;
    }
    io.err(`gitops-lens: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
}

async function audit(a: AuditArgs, io: AuditIo, deps: AuditDeps): Promise<number> {
  const now = (io.now ?? Date.now)();
  const since = parseSince(a.since, now);
  const repoDir = path.resolve(a.repo);
  if (!fs.statSync(repoDir, { throwIfNoEntry: false })?.isDirectory()) throw new AuditUsageError(`${a.repo} is not a folder`);
  const git = new GitHistory(repoDir, { env: { ...process.env, ...io.env } });
  const remoteUrl = await git.remoteUrl(a.remote);
  if (!remoteUrl) throw new AuditUsageError(`the repository in ${a.repo} has no remote "${a.remote}": the apps' sources are matched against its URL`);
  const defaultBranch = a.branch ?? (await git.currentBranch()) ?? 'main';
  let failed = false;
  const notes: string[] = [];

  // Clusters: every chosen context, as `status` chooses them.
  let files: readonly KubeconfigFile[];
  try {
    files = await deps.kubeconfig(a.kubeconfigs, io.env);
  } catch (err) {
    throw new AuditUsageError(err instanceof Error ? err.message : String(err));
  }
  const merged = mergeKubeconfigs(files);
  const known = new Set(merged.contexts.map((c) => c.name));
  const unknown = a.contexts.filter((c) => !known.has(c));
  if (unknown.length > 0) throw new AuditUsageError(`no context named ${unknown.map((u) => `"${u}"`).join(', ')} in the kubeconfig`);
  const contexts = a.contexts.length > 0 ? [...new Set(a.contexts)] : merged.contexts.map((c) => c.name);
  if (contexts.length === 0) throw new AuditUsageError('no kubeconfig contexts found (KUBECONFIG, ~/.kube/config or --kubeconfig)');
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
