/**
 * The forge behind the editor's audit trail (issue 17): the client of the repository's forge with the
 * credentials the user stored for pull requests (never a prompt from a tree expansion or a hover),
 * behind the audit cache (core/audit/forgeCache.ts; composition passes memory + the CLI's disk cache).
 * In Restricted Mode no forge is asked, and a token only goes where core/forge/transport allows.
 */
import * as vscode from 'vscode';
import { cachedAuditForge, type CacheStore } from '../../core/audit/forgeCache';
import type { ForgeAccess } from '../../core/audit/trailStore';
import { detectForge } from '../../core/forge/detect';
import { tokenDestinationProblem } from '../../core/forge/transport';
import type { ForgeClient, ForgeCredentials, ForgeRepo } from '../../core/forge/types';
import type { Logger } from '../../core/ports';
import { readPullRequestSettings } from '../config';
import type { ForgeAuth } from '../pr/auth';

export interface AuditForgeDeps {
  readonly auth: Pick<ForgeAuth, 'credentials'>;
  readonly createClient: (repo: ForgeRepo, creds: ForgeCredentials) => ForgeClient;
  readonly cache: CacheStore;
  readonly now: () => number;
  readonly log: Logger;
}

export function auditForgeAccess(deps: AuditForgeDeps): (repoUrl: string) => Promise<ForgeAccess> {
  return async (repoUrl) => {
    if (!vscode.workspace.isTrusted) return { unavailable: 'Restricted Mode: no forge is asked from an untrusted workspace' };
    const repo = detectForge(repoUrl, { forges: readPullRequestSettings().forges });
    if (!repo) return { unavailable: `GitOps Lens does not know which forge serves ${repoUrl} (map its host in the gitopsLens.forges setting)` };
    const problem = tokenDestinationProblem(repo.host, repo.apiBaseUrl);
    if (problem) return { unavailable: problem };
    try {
      const creds = await deps.auth.credentials(repo, { interactive: false });
      return { forge: cachedAuditForge(deps.createClient(repo, creds), deps.cache, { scope: `${repo.kind}:${repo.apiBaseUrl}/${repo.owner}/${repo.repo}`, now: deps.now }) };
    } catch (e) {
      deps.log.debug(`[AuditTrail][forge] ${repo.host}: ${e instanceof Error ? e.message : String(e)}`);
      return { unavailable: e instanceof Error ? e.message : String(e) };
    }
  };
}
