/**
 * "Sync from Git" through Argo CD's API (issue 16): what the editor may offer and how it asks. Only a
 * revision from Git is ever sent (never local content; the workspace writes desired state through pull
 * requests only), only for apps without automated sync (Argo CD syncs those itself; a manual sync
 * there would race the controller), and the confirmation names the app, the revision and whether
 * resources are pruned.
 */
import { isRecord } from '../../json';
import { automatedSync } from './managedLive';
import { revisionProblem } from './names';

export interface RevisionChoice {
  readonly revision: string;
  /** Why it is offered, for the quick pick. */
  readonly detail: string;
}

/**
 * The revisions an Application may be synced to, from its own object: the source's targetRevision (a
 * branch, tag or chart version; `HEAD` when empty, as Argo CD reads it), then the commit Argo CD last
 * compared with (`status.sync.revision`) when it differs. A problem instead when the app must not be
 * synced from here.
 */
export function syncRevisions(raw: unknown): { readonly choices: readonly RevisionChoice[] } | { readonly problem: string } {
  if (!isRecord(raw) || !isRecord(raw.spec)) return { problem: 'the Application has no spec' };
  if (automatedSync(raw)) return { problem: 'its sync policy is automated: Argo CD syncs it from Git itself' };
  // Multi-source apps sync with `revisions` + `sourcePositions`: not offered (one revision would be ambiguous).
  if (Array.isArray(raw.spec.sources) && raw.spec.sources.length > 0) return { problem: 'it has several sources; sync it from Argo CD' };
  const source = isRecord(raw.spec.source) ? raw.spec.source : {};
  const target = typeof source.targetRevision === 'string' && source.targetRevision.trim() !== '' ? source.targetRevision.trim() : 'HEAD';
  const choices: RevisionChoice[] = [];
  if (revisionProblem(target) === undefined) choices.push({ revision: target, detail: 'the target revision in the Application (latest commit there)' });
  const status = isRecord(raw.status) && isRecord(raw.status.sync) ? raw.status.sync : {};
  const compared = typeof status.revision === 'string' ? status.revision : undefined;
  if (compared !== undefined && compared !== target && revisionProblem(compared) === undefined) {
    choices.push({ revision: compared, detail: 'the commit Argo CD last compared with' });
  }
  return choices.length > 0 ? { choices } : { problem: `its target revision ${JSON.stringify(target.slice(0, 80))} is not a revision` };
}

/** The confirmation's words: app, server, revision, prune. */
export function syncConfirmation(app: string, server: string, revision: string): { readonly message: string; readonly detail: string } {
  return {
    message: `Sync ${app} on Argo CD ${server} to ${revision}?`,
    detail:
      `Argo CD applies the manifests of revision ${revision} from Git (nothing from this workspace).\n` +
      '"Sync" keeps resources no longer in Git; "Sync and Prune" deletes them from the cluster.',
  };
}
