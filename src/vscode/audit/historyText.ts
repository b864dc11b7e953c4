/**
 * The words of the audit trail in the editor (issue 17): the History node under each app, its
 * deployment and pending-change rows, and the blame hover. Free of `vscode` so the unit layer pins
 * them; the tree (historyNodes.ts) and the hover (blameHover.ts) only place them.
 *
 * One vocabulary with `gitops-lens audit` (core/audit/report.ts, trail.ts describeWhereItRuns): times in
 * UTC, people as `Name <email>`, "where it runs" as "staging since 10:32 UTC, production at abc1234".
 */
import type { AppTrail, TrailChange, TrailDeployment } from '../../core/audit/appTrail';
import type { BlameAnswer } from '../../core/audit/trailStore';
import { formatPerson, type CommitRecord } from '../../core/audit/commits';
import { shortUtc } from '../../core/audit/driftAttribution';
import type { ChangeFlag, PullRequestLookup } from '../../core/audit/pullRequests';
import { describeWhereItRuns } from '../../core/audit/trail';
import { shortRevision } from '../../core/model/app';

const FLAG_TEXT: Readonly<Record<ChangeFlag, string>> = {
  noPullRequest: 'not through a merged pull request',
  notApproved: 'pull request merged without approval',
  unverified: 'pull request not checked',
};

/** Policy flags an auditor must look at (unverified is not a finding, only a gap). */
export function policyFlags(c: TrailChange | undefined): ChangeFlag[] {
  return (c?.flags ?? []).filter((f) => f !== 'unverified');
}

function flagText(f: ChangeFlag): string {
  return FLAG_TEXT[f];
}

const short = (id: string): string => shortRevision(id);

/** `#42 (approved by bob, merged by carol)`, `no pull request`, or `pull request not checked (…)`. */
function pullRequestPhrase(l: PullRequestLookup): string {
  if (l.kind === 'none') return `no pull request${l.note ? ` (${l.note})` : ''}`;
  if (l.kind === 'unknown') return l.hint ? `#${l.hint.number} per the commit message (forge not asked: ${l.reason})` : `pull request not checked (${l.reason})`;
  const pr = l.pr;
  const parts: string[] = [];
  if (pr.approvedBy !== undefined) parts.push(pr.approvedBy.length > 0 ? `approved by ${pr.approvedBy.join(', ')}` : 'no approval');
  if (pr.mergedBy) parts.push(`merged by ${pr.mergedBy}`);
  return `#${pr.number}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

/** The change's author, and its committer when another person accepted it. */
function whoPhrase(c: CommitRecord): string {
  const same = c.author.email.toLowerCase() === c.committer.email.toLowerCase() && c.author.name === c.committer.name;
  return same ? c.author.name : `${c.author.name} (committed by ${c.committer.name})`;
}

function signaturePhrase(c: CommitRecord): string {
  const s = c.signature;
  if (s.state === 'unsigned') return 'unsigned';
  return `signature ${s.state}${s.signer ? ` (${s.signer})` : ''}`;
}

/** What the History node says next to its label, from the snapshot. */
export function historyDescription(state: { readonly kind: 'loading' | 'ready' | 'failed'; readonly trail?: AppTrail; readonly reason?: string } | undefined): string {
  if (!state) return 'expand to load';
  if (state.kind === 'failed') return `not loaded: ${state.reason ?? ''}`;
  const t = state.trail;
  if (!t) return 'loading…';
  const parts = [`${t.deployments.length} deployment${t.deployments.length === 1 ? '' : 's'}`];
  if (t.pending.length > 0) parts.push(`${t.pending.length} not deployed here`);
  const flagged = t.changes.filter((c) => policyFlags(c).length > 0).length;
  if (flagged > 0) parts.push(`${flagged} flagged`);
  if (t.protectionProblems.length > 0 && t.protection && !t.protection.protected) parts.push(`${t.branch ?? 'branch'} unprotected`);
  if (state.kind === 'loading') parts.push('refreshing…');
  return parts.join(' · ');
}

/** Whether the History node warns: a flagged change, or a tracked branch whose protection lacks something. */
export function historyWarns(t: AppTrail): boolean {
  return t.changes.some((c) => policyFlags(c).length > 0) || (t.protection !== undefined && t.protectionProblems.length > 0);
}

/** A deployment row: `abc1234 web: 3 replicas`. */
export function deploymentLabel(d: TrailDeployment): string {
  const id = d.commitId ?? d.deployment.commit?.id ?? d.deployment.revision;
  const subject = d.change?.commit.subject ?? d.revisionCommit?.subject;
  return `${short(id)}${subject ? ` ${subject}` : ''}`;
}

/** `deployed 10:32 UTC · alice in #42 (approved by bob, merged by carol) · running`. */
export function deploymentDescription(d: TrailDeployment, now: number): string {
  const dep = d.deployment;
  const parts: string[] = [];
  const at = dep.deployedAt ?? dep.lastSeenAt;
  if (!dep.succeeded) parts.push(`failed${dep.status ? ` (${dep.status})` : ''}`);
  if (at) parts.push(`${dep.deployedAt ? 'deployed' : 'seen'} ${shortUtc(at, now)}`);
  if (dep.initiatedBy) parts.push(dep.initiatedBy.automated ? 'auto-sync' : `synced by ${dep.initiatedBy.username ?? 'a user'}`);
  if (d.change) parts.push(`${whoPhrase(d.change.commit)} in ${pullRequestPhrase(d.change.pullRequest)}`);
  if (d.rollback) parts.push('rollback');
  for (const f of policyFlags(d.change)) parts.push(`⚠ ${flagText(f)}`);
  if (d.current) parts.push('running');
  return parts.join(' · ');
}

/** Markdown lines (for a tooltip or a hover) of one change: commit, people, signature, pull request, policy, where it runs. */
export function changeLines(c: TrailChange, now: number, esc: (s: string) => string = (s) => s): string[] {
  const k = c.commit;
  const lines = [
    `**${esc(short(k.id))}** ${esc(k.subject)}`,
    `- author: ${esc(formatPerson(k.author))}, ${shortUtc(k.authoredAt, now)}`,
    `- committer: ${esc(formatPerson(k.committer))}, ${shortUtc(k.committedAt, now)}`,
    `- ${esc(signaturePhrase(k))}`,
  ];
  const l = c.pullRequest;
  if (l.kind === 'pullRequest') {
    const pr = l.pr;
    lines.push(`- pull request #${pr.number}: ${esc(pr.title ?? '')}${pr.author ? ` by ${esc(pr.author)}` : ''}`);
    if (pr.reviewers && pr.reviewers.length > 0) lines.push(`- reviews: ${esc(pr.reviewers.map((r) => `${r.user} ${r.state}`).join(', '))}`);
    lines.push(`- ${pr.approvedBy === undefined ? 'approvals not known' : pr.approvedBy.length > 0 ? `approved by ${esc(pr.approvedBy.join(', '))}` : 'no approval'}${pr.mergedBy ? ` · merged by ${esc(pr.mergedBy)}` : ''}${pr.mergedAt ? ` at ${shortUtc(pr.mergedAt, now)}` : ''}`);
  } else {
    lines.push(`- ${esc(pullRequestPhrase(l))}`);
  }
  for (const f of policyFlags(c)) lines.push(`- ⚠ policy: ${flagText(f)}`);
  if (c.where.length > 0) lines.push(`- where it runs now: ${esc(describeWhereItRuns(c.where, now))}`);
  return lines;
}

/** The deployment row's tooltip (Markdown). */
export function deploymentTooltip(d: TrailDeployment, t: AppTrail, now: number, esc: (s: string) => string = (s) => s): string {
  const dep = d.deployment;
  const out = [`**Deployment on ${esc(t.cluster)}** of ${esc(dep.revision)}${d.current ? ' (running now)' : ''}`, ''];
  out.push(`- ${esc(deploymentDescription(d, now))}`, `- recorded by ${dep.from}${dep.id ? ` (${esc(dep.id)})` : ''}`, '');
  if (d.brought.length > 0) {
    out.push(`Changes of \`${esc(t.path ?? '')}\` it brought:`, '');
    for (const c of d.brought) out.push(...changeLines(c, now, esc), '');
  } else if (d.change) {
    out.push('It deployed:', '', ...changeLines(d.change, now, esc), '');
  } else if (d.revisionCommit) {
    out.push(`Commit ${esc(short(d.revisionCommit.id))} ${esc(d.revisionCommit.subject)} by ${esc(formatPerson(d.revisionCommit.author))}`);
  }
  return out.join('\n');
}

/** A change of the branch this cluster does not run. */
export function pendingLabel(c: TrailChange): string {
  return `${short(c.commit.id)} ${c.commit.subject}`;
}

export function pendingDescription(c: TrailChange, now: number): string {
  return [`not deployed here`, `${whoPhrase(c.commit)} in ${pullRequestPhrase(c.pullRequest)}`, shortUtc(c.via?.committedAt ?? c.commit.committedAt, now), ...policyFlags(c).map((f) => `⚠ ${flagText(f)}`)].join(' · ');
}

/**
 * The blame hover: "changed by A in #42 (approved by B, merged by C) · live in staging since … · not yet in
 * production", then the details. Markdown; `esc` escapes text from outside.
 */
export function blameHoverMarkdown(a: BlameAnswer, now: number, esc: (s: string) => string = (s) => s): string {
  const what = a.scope === 'document' ? 'This document' : 'This line';
  if (!a.commit) return `${what}: no committed change yet.`;
  if (a.commit.uncommitted) return `${what}: not committed yet.`;
  const c = a.change;
  const pr = c ? ` in ${pullRequestPhrase(c.pullRequest)}` : '';
  const rows = [...(c?.where ?? [])].sort((x, y) => x.cluster.localeCompare(y.cluster) || x.app.localeCompare(y.app));
  const live = rows.map((w) =>
    w.state === 'running' ? `live in ${w.cluster}${w.deployedAt ? ` since ${shortUtc(w.deployedAt, now)}` : ''}` : w.state === 'behind' ? `not yet in ${w.cluster}` : `${w.cluster}: not known`,
  );
  const head = [`**${what}** changed by ${esc(a.commit.author.name)}${esc(pr)}`, ...live.map(esc)].join(' · ');
  const out = [head, ''];
  if (c) out.push(...changeLines(c, now, esc));
  else out.push(`**${esc(short(a.commit.id))}** ${esc(a.commit.summary)} — ${esc(a.commit.author.name)}, ${a.commit.committedAt ? shortUtc(a.commit.committedAt, now) : ''}`);
  for (const n of a.notes) out.push('', `_${esc(n)}_`);
  return out.join('\n');
}
