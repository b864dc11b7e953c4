/**
 * `gitops-lens audit` (issue 17, "CLI for evidence"): the options parsed with the CLI's one parser,
 * kubeconfig files read as every other command reads them; the report itself is
 * src/infra/audit/auditCommand.ts over src/core/audit.
 */
import { isForgeKind } from '../core/forge/detect';
import { FORGE_LABELS, type ForgeKind } from '../core/forge/types';
import { AuditInputError, parseSince, runAudit } from '../infra/audit/auditCommand';
import { KubeClusterAccess } from '../infra/k8s/clusterAccess';
import { parseArgs, UsageError } from './args';
import { readKubeconfig } from './contexts';
import type { CliIo } from './io';
import type { CliOutput } from './output';

export const AUDIT_USAGE = `  audit --repo DIR [--context NAME]... [--kubeconfig FILE]... [--since 30d] [--app NAME]...
        [--format md|json|csv] [--branch NAME] [--remote NAME] [--offline] [--no-drift]
        [--forge KIND] [--forge-api URL]
                                             Every desired-state change of the apps deploying from the
                                             repository in DIR: author, committer, pull request,
                                             approvals, who merged it and when each cluster deployed it;
                                             the tracked branches' protection; live drift with the field
                                             manager that set each drifted field. --since takes 30d, 12h,
                                             2w or a date. Forge tokens from GITOPS_LENS_FORGE_TOKEN or
                                             the forge's usual variable (GITHUB_TOKEN, GITLAB_TOKEN,
                                             BITBUCKET_TOKEN, AZURE_DEVOPS_EXT_PAT, GITEA_TOKEN).
                                             Exit 0 complete, 2 error`;

export async function audit(args: readonly string[], io: CliIo, out: CliOutput): Promise<number> {
  const a = parseArgs('audit', args, {
    flags: ['--offline', '--no-drift'],
    values: {
      '--repo': 'folder',
      '--context': 'name',
      '--kubeconfig': 'file',
      '--since': 'duration (30d) or a date',
      '--app': 'name',
      '--format': 'format (md, json or csv)',
      '--branch': 'branch name',
      '--remote': 'remote name',
      '--forge': 'forge kind',
      '--forge-api': 'URL',
    },
  });
  const repo = a.one('--repo');
  if (!repo) throw new UsageError('audit needs --repo DIR');
  const format = a.one('--format') ?? 'md';
  if (format !== 'md' && format !== 'json' && format !== 'csv') throw new UsageError(`--format takes md, json or csv, not "${format}"`);
  const forge = a.one('--forge');
  if (forge !== undefined && !isForgeKind(forge)) throw new UsageError(`--forge takes one of ${Object.keys(FORGE_LABELS).join(', ')}, not "${forge}"`);
  const now = (io.now ?? Date.now)();
  let since: number;
  try {
    since = parseSince(a.one('--since') ?? '30d', now);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const branch = a.one('--branch');
  const forgeApi = a.one('--forge-api');
  try {
    return await runAudit(
      {
        repo,
        contexts: a.all('--context'),
        kubeconfigs: a.all('--kubeconfig'),
        since,
        apps: a.all('--app'),
        format,
        remote: a.one('--remote') ?? 'origin',
        offline: a.has('--offline'),
        drift: !a.has('--no-drift'),
        ...(branch !== undefined ? { branch } : {}),
        ...(forge !== undefined ? { forgeKind: forge as ForgeKind } : {}),
        ...(forgeApi !== undefined ? { forgeApi } : {}),
      },
      // The report is made inert where it is built (terminalText/terminalJson per cell); messages too.
      { out: io.out, err: (s) => out.error(s), env: io.env, now: () => now },
      {
        kubeconfig: async (extra) => (await readKubeconfig(extra, io, out)).files,
        clusterAccess: (files) => new KubeClusterAccess({ kubeconfig: () => files }),
      },
    );
  } catch (err) {
    if (err instanceof AuditInputError) {
      out.error(`gitops-lens: ${err.message}`);
      return 2;
    }
    throw err;
  }
}
