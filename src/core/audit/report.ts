/**
 * The audit as evidence (issue 17, "CLI for evidence"): rows of changes and of live drift, rendered as
 * JSON (exactly `{"changes":[…],"drift":[…]}` with the field names the issue lists), CSV or Markdown.
 *
 * Every string comes from outside (commit messages, names, cluster fields): the caller makes the
 * output safe for a terminal (core/log/redact terminalText/terminalJson); CSV cells that a spreadsheet
 * would run as a formula are quoted as text (OWASP "CSV Injection").
 */
import type { App } from '../model/app';
import { shortRevision } from '../model/app';
import type { AuditChange, AuditResult } from './collect';
import { formatPerson } from './commits';
import type { FieldAttribution } from './managedFields';
import type { ChangeFlag } from './pullRequests';

export interface AuditChangeRow {
  readonly app: string;
  readonly cluster: string;
  /** The full commit id. */
  readonly revision: string;
  /** `Name <email>`. */
  readonly author: string;
  readonly committer: string;
  /** RFC 3339 in UTC. */
  readonly authoredAt: string;
  readonly committedAt: string;
  /** The pull request number, null when it came without one or it is not known. */
  readonly pullRequest: number | null;
  /** Who approved it; null when not known (no forge access). */
  readonly approvedBy: readonly string[] | null;
  /** When the cluster first applied a revision that includes it; null where it has not. */
  readonly deployedAt: string | null;
}

export interface AuditDriftRow {
  readonly app: string;
  readonly cluster: string;
  /** `Kind/namespace/name` (`Kind/name` for cluster-scoped objects). */
  readonly object: string;
  /** JSON Pointer of the drifted field. */
  readonly path: string;
  /** The field manager that last set it; null when managedFields do not cover it. */
  readonly manager: string | null;
  readonly operation: string | null;
  readonly time: string | null;
}

export interface AuditReport {
  readonly changes: readonly AuditChangeRow[];
  readonly drift: readonly AuditDriftRow[];
}

/** RFC 3339 in UTC without fractions (`2026-03-02T09:30:00Z`), so rows sort and compare as text. */
export function utc(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z') : iso;
}

function changeRow(c: AuditChange): AuditChangeRow {
  const pr = c.pullRequest.kind === 'pullRequest' ? c.pullRequest.pr : c.pullRequest.kind === 'unknown' ? c.pullRequest.hint : undefined;
  return {
    app: c.target.app.name,
    cluster: c.target.app.cluster,
    revision: c.commit.id,
    author: formatPerson(c.commit.author),
    committer: formatPerson(c.commit.committer),
    authoredAt: utc(c.commit.authoredAt),
    committedAt: utc(c.commit.committedAt),
    pullRequest: pr?.number ?? null,
    approvedBy: c.pullRequest.kind === 'pullRequest' && c.pullRequest.pr.approvedBy ? [...c.pullRequest.pr.approvedBy] : c.pullRequest.kind === 'none' ? [] : null,
    deployedAt: c.placement.deployedAt ? utc(c.placement.deployedAt) : null,
  };
}

/** Rows ordered by app, cluster, then newest change first. */
export function changeRows(changes: readonly AuditChange[]): AuditChangeRow[] {
  return changes
    .map(changeRow)
    .sort((a, b) => cmp(a.app, b.app) || cmp(a.cluster, b.cluster) || cmp(b.committedAt, a.committedAt) || cmp(a.revision, b.revision));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `Kind/namespace/name`. */
function objectName(ref: { readonly kind: string; readonly namespace?: string; readonly name: string }): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}

/** A drift finding with its attribution (managedFields.ts) as a row. */
export function driftRow(app: Pick<App, 'name' | 'cluster'>, object: { readonly kind: string; readonly namespace?: string; readonly name: string }, a: FieldAttribution): AuditDriftRow {
  const o = a.lastSetBy;
  return {
    app: app.name,
    cluster: app.cluster,
    object: objectName(object),
    path: a.path,
    manager: o?.manager ?? null,
    operation: o ? o.operation || null : null,
    time: o?.time ? utc(o.time) : null,
  };
}

/** The JSON document, exactly `{"changes": [...], "drift": [...]}` with the fields in the issue's order. */
export function reportJson(r: AuditReport): { changes: AuditChangeRow[]; drift: AuditDriftRow[] } {
  return {
    changes: r.changes.map((c) => ({
      app: c.app,
      cluster: c.cluster,
      revision: c.revision,
      author: c.author,
      committer: c.committer,
      authoredAt: c.authoredAt,
      committedAt: c.committedAt,
      pullRequest: c.pullRequest,
      approvedBy: c.approvedBy === null ? null : [...c.approvedBy],
      deployedAt: c.deployedAt,
    })),
    drift: r.drift.map((d) => ({ app: d.app, cluster: d.cluster, object: d.object, path: d.path, manager: d.manager, operation: d.operation, time: d.time })),
  };
}

const CHANGE_COLUMNS = ['app', 'cluster', 'revision', 'author', 'committer', 'authoredAt', 'committedAt', 'pullRequest', 'approvedBy', 'deployedAt'] as const;
const DRIFT_COLUMNS = ['app', 'cluster', 'object', 'path', 'manager', 'operation', 'time'] as const;

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote or line break; a leading `=`, `+`, `-`,
 * `@`, tab or carriage return gets a `'` so a spreadsheet shows it as text (OWASP "CSV Injection").
 */
export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? '' : Array.isArray(v) ? v.join(';') : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Two CSV tables, changes then drift, each with its header, separated by an empty line. */
export function renderCsv(r: AuditReport, cell: (s: string) => string = (s) => s): string {
  const table = <T extends object>(cols: readonly (keyof T & string)[], rows: readonly T[]) =>
    [cols.join(','), ...rows.map((row) => cols.map((c) => csvCell(mapCell(row[c], cell))).join(','))].join('\r\n');
  return `${table<AuditChangeRow>(CHANGE_COLUMNS, r.changes)}\r\n\r\n${table<AuditDriftRow>(DRIFT_COLUMNS, r.drift)}\r\n`;
}

function mapCell(v: unknown, cell: (s: string) => string): unknown {
  if (typeof v === 'string') return cell(v);
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? cell(x) : x));
  return v;
}

const FLAG_TEXT: Readonly<Record<ChangeFlag, string>> = {
  noPullRequest: 'no pull request',
  notApproved: 'not approved',
  unverified: 'not verified',
};

/** A Markdown table cell: one line, pipes escaped. */
function md(s: string): string {
  return s.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
}

/**
 * The Markdown report: per branch its protection and what it lacks, per app and cluster a table of
 * changes (commit, subject, author, committer, pull request, approvals, merged by, deployed), the
 * policy flags, then live drift with its field manager, then notes.
 */
export function renderMarkdown(result: AuditResult, drift: readonly AuditDriftRow[], opts: { readonly since: number; readonly now: number; readonly repo: string; readonly cell?: (s: string) => string }): string {
  const cell = (s: string) => md(opts.cell ? opts.cell(s) : s);
  const lines: string[] = [];
  lines.push(`# Audit of ${cell(opts.repo)}`);
  lines.push('');
  lines.push(`Changes from ${utc(new Date(opts.since).toISOString())} to ${utc(new Date(opts.now).toISOString())}.`);
  lines.push('');
  const flagged = result.changes.filter((c) => c.flags.length > 0);
  const unique = (xs: readonly AuditChange[]) => new Set(xs.map((c) => c.commit.id)).size;
  lines.push(`- ${unique(result.changes)} change(s) to ${new Set(result.changes.map((c) => c.target.app.key)).size} app(s); ${unique(flagged.filter((c) => c.flags.includes('noPullRequest')))} without a pull request, ${unique(flagged.filter((c) => c.flags.includes('notApproved')))} not approved, ${unique(flagged.filter((c) => c.flags.includes('unverified')))} not verified with the forge.`);
  lines.push(`- ${drift.length} drifted field(s) live, ${drift.filter((d) => d.manager !== null).length} with the manager that set them.`);
  lines.push('');
  lines.push('## Branches');
  lines.push('');
  lines.push('| Branch | Protected | Pull request required | Approvals required | Force push blocked | Problems | Apps |');
  lines.push('|---|---|---|---|---|---|---|');
  const yn = (b: boolean | undefined) => (b === undefined ? '?' : b ? 'yes' : 'no');
  for (const b of result.branches) {
    const p = b.protection;
    lines.push(`| ${cell(b.branch)} | ${yn(p?.protected)} | ${yn(p?.pullRequestRequired)} | ${p?.requiredApprovals ?? '?'} | ${yn(p?.forcePushBlocked)} | ${cell(b.problems.join('; ')) || '-'} | ${cell(b.apps.join(', '))} |`);
  }
  lines.push('');
  const byApp = new Map<string, AuditChange[]>();
  for (const c of result.changes) byApp.set(c.target.app.key, [...(byApp.get(c.target.app.key) ?? []), c]);
  lines.push('## Changes');
  for (const [, changes] of [...byApp.entries()].sort(([a], [b]) => cmp(a, b))) {
    const app = changes[0]!.target.app;
    lines.push('');
    lines.push(`### ${cell(app.name)} on ${cell(app.cluster)} (${app.kind} ${cell(app.namespace)}, path ${cell(changes[0]!.target.path || '.')}, branch ${cell(changes[0]!.branch)})`);
    lines.push('');
    lines.push('| Commit | Subject | Author | Committer | Committed | Pull request | Approved by | Merged by | Deployed | Flags |');
    lines.push('|---|---|---|---|---|---|---|---|---|---|');
    const sorted = [...changes].sort((a, b) => cmp(utc(b.commit.committedAt), utc(a.commit.committedAt)));
    for (const c of sorted) {
      const row = changeRow(c);
      const pr = c.pullRequest.kind === 'pullRequest' ? c.pullRequest.pr : c.pullRequest.kind === 'unknown' ? c.pullRequest.hint : undefined;
      const prText = pr ? `#${pr.number}${pr.title ? ` ${pr.title}` : ''}${pr.source === 'message' ? ' (from the message)' : ''}` : c.pullRequest.kind === 'none' ? 'none' : '?';
      const deployed = row.deployedAt ?? (c.placement.state === 'behind' ? `not yet (at ${shortRevision(c.placement.runningRevision ?? '')})` : c.placement.state === 'running' ? 'running' : 'not known');
      const signature = c.commit.signature.state === 'unsigned' ? '' : ` (signature: ${c.commit.signature.state})`;
      lines.push(
        `| ${c.commit.id.slice(0, 12)} | ${cell(c.commit.subject)} | ${cell(row.author)} | ${cell(row.committer)}${signature} | ${row.committedAt} | ${cell(prText)} | ${row.approvedBy === null ? '?' : cell(row.approvedBy.join(', ')) || 'nobody'} | ${cell(pr?.mergedBy ?? '-')} | ${cell(deployed)} | ${cell(c.flags.map((f) => FLAG_TEXT[f]).join(', ')) || '-'} |`,
      );
    }
  }
  if (byApp.size === 0) lines.push('', 'No changes in this window.');
  lines.push('');
  lines.push('## Live drift');
  lines.push('');
  if (drift.length === 0) lines.push('No drifted fields.');
  else {
    lines.push('| App | Cluster | Object | Field | Set by | Operation | At |');
    lines.push('|---|---|---|---|---|---|---|');
    for (const d of drift) lines.push(`| ${cell(d.app)} | ${cell(d.cluster)} | ${cell(d.object)} | ${cell(d.path)} | ${cell(d.manager ?? 'unknown')} | ${cell(d.operation ?? '-')} | ${d.time ?? '-'} |`);
  }
  if (result.notes.length > 0) {
    lines.push('');
    lines.push('## Notes');
    lines.push('');
    for (const n of result.notes) lines.push(`- ${cell(n)}`);
  }
  return lines.join('\n');
}
