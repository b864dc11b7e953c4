/**
 * Markdown of the app tooltips, built from text clusters provide (names, messages, revisions, URLs).
 * Free of `vscode` on purpose, so the unit layer can render it as VS Code does and check it (issue 12).
 *
 * VS Code renders a MarkdownString with marked (GFM: bare `https://…` and `www.` become links) and,
 * with supportThemeIcons, turns every `$(name)` left in the rendered TEXT into an icon (vscode
 * src/vs/base/browser/markdownRenderer.ts, then ui/iconLabel/iconLabels.ts `renderLabelWithIcons`).
 * Backslash-escaping the brackets is therefore not enough: `$\(warning\)` renders as the text
 * `$(warning)` and so as an icon. Outside text goes through `mdText` / `mdCode` only.
 */
import type { App, ObjectSelector } from '../../core/model/app';
import type { ClusterConnection } from '../../core/store/appStore';
import type { ClusterEntry } from '../../core/store/clusterStore';
import { timeAgo, timeSpan } from '../../core/text';

export const TOOL_LABEL: Record<App['tool'], string> = { argocd: 'Argo CD', flux: 'Flux' };

/** Controls, bidi overrides and line separators: outside text is shown on one line, in its order. */
const NOT_SHOWN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g;
/** NOT_SHOWN without the global flag: a test keeps no `lastIndex` between calls. */
const HAS_NOT_SHOWN = new RegExp(NOT_SHOWN.source);
/** ASCII punctuation, each backslash-escaped by mdText. */
const PUNCTUATION = /[!-/:-@[-`{-~]/g;
/** `$(` with a zero-width space put between: no icon syntax survives, the text still reads `$(`. */
const ICON_START = /\$\(/g;

/**
 * Outside text as Markdown that renders as exactly that text: every ASCII punctuation character
 * backslash-escaped (CommonMark allows it for all of them, and it breaks links, images, autolinks
 * `https\://`, `www\.`, `a\@b`, HTML `\<`, entities `\&`, emphasis, tables, headings), control
 * characters shown as one space, and `$(` broken so VS Code renders no icon from it.
 */
export function mdText(text: string): string {
  // Replacements only where needed: the tree builds a tooltip per app row (issue 18, tree expand).
  const shown = HAS_NOT_SHOWN.test(text) ? text.replace(NOT_SHOWN, ' ') : text;
  const escaped = shown.replace(PUNCTUATION, '\\$&');
  return shown.includes('$(') ? escaped.replace(/\\\$\\\(/g, '\\$\u200b\\(') : escaped;
}

/**
 * Outside text as inline code: a code span shows its content literally (no escapes, no links), with
 * a fence longer than any run of backticks inside (CommonMark 6.1); icons and line breaks as in mdText.
 */
export function mdCode(text: string): string {
  const t = text.replace(NOT_SHOWN, ' ').replace(ICON_START, '$\u200b(');
  const longest = Math.max(0, ...(t.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  const pad = t.startsWith('`') || t.endsWith('`') || t.startsWith(' ') || t.endsWith(' ') ? ' ' : '';
  return `${fence}${pad}${t}${pad}${fence}`;
}


function describeSource(s: App['sources'][number]): string {
  const where = s.repoURL ?? s.ref ?? '(unknown source)';
  const what = [s.chart ? `chart ${s.chart}` : undefined, s.path ? `path ${s.path}` : undefined, s.targetRevision ? `@ ${s.targetRevision}` : undefined];
  return [where, ...what].filter(Boolean).join(' ');
}

function selectorText(s: ObjectSelector): string {
  const labels = s.matchLabels ? Object.entries(s.matchLabels).map(([k, v]) => `${k}=${v}`) : [];
  return `${s.kind}/${s.namespace}/${s.name}${labels.length > 0 ? ` [${labels.join(',')}]` : ''}`;
}

/**
 * What a Flux notification or image automation object does, one Markdown line each (issue 15: "which
 * events go where"). Never an address, token or webhook path: the model keeps none (NotificationInfo).
 */
function automationLines(app: App): string[] {
  const n = app.notification;
  const out: string[] = [];
  if (n?.kind === 'alert') {
    out.push(`Sends: ${mdText(n.severity)} events of ${mdText(n.eventSources.map(selectorText).join(', ') || '(nothing)')}${n.provider ? ` to ${mdText(n.provider)}` : ''}`);
    if (n.inclusionList?.length) out.push(`Only events matching: ${mdText(n.inclusionList.join(', '))}`);
    if (n.exclusionList?.length) out.push(`Except events matching: ${mdText(n.exclusionList.join(', '))}`);
  } else if (n?.kind === 'provider') {
    out.push(`Delivers to: ${mdText([n.type, n.channel ? `channel ${n.channel}` : undefined, n.host].filter(Boolean).join(', ') || '(unknown)')}`);
  } else if (n?.kind === 'receiver') {
    out.push(`Reconciles ${mdText(n.resources.map(selectorText).join(', ') || '(nothing)')} on ${mdText(n.type ?? 'webhook')} webhook${n.events?.length ? ` events ${mdText(n.events.join(', '))}` : ''}`);
  }
  const i = app.image;
  if (i?.kind === 'policy') {
    const ref = (r: { name: string; tag?: string; digest?: string }) => `${r.name}:${r.tag ?? r.digest ?? ''}`;
    if (i.selected) out.push(`Selects: ${mdCode(ref(i.selected))}${i.previous ? ` (before: ${mdCode(ref(i.previous))})` : ''}`);
    if (i.policy || i.repository) out.push(`Policy: ${mdText([i.policy, i.repository ? `from ${i.repository}` : undefined].filter(Boolean).join(' '))}`);
  } else if (i?.kind === 'repository') {
    out.push(`Scans: ${mdText([i.image, i.tagCount === undefined ? undefined : `${i.tagCount} tags`, i.scannedAt ? `last ${i.scannedAt}` : undefined].filter(Boolean).join(', ') || '(not yet)')}`);
  } else if (i?.kind === 'update') {
    out.push(`Commits to: ${mdText([i.source, i.pushBranch ?? i.checkoutBranch ? `branch ${i.pushBranch ?? i.checkoutBranch}` : undefined, i.path ? `path ${i.path}` : undefined].filter(Boolean).join(', ') || '(unknown)')}`);
    if (i.lastPushCommit) out.push(`Last push: ${mdCode(i.lastPushCommit.slice(0, 7))}${i.lastPushTime ? ` at ${mdText(i.lastPushTime)}` : ''}`);
  }
  return out;
}

/**
 * The last tooltip built per App snapshot, with the time-dependent text it holds: the tree asks for
 * every row's tooltip on each expand and refresh (issue 18), and an App is replaced, never changed,
 * when its object changes, so the same snapshot with the same "ago" texts gives the same Markdown.
 */
const tooltips = new WeakMap<App, { readonly times: string; readonly markdown: string }>();

/** The app tooltip's Markdown; only `$(warning)` of our own is an icon. */
export function appTooltipMarkdown(app: App, connection: ClusterConnection, now: number): string {
  const finishedAt = app.operation?.finishedAt ? Date.parse(app.operation.finishedAt) : NaN;
  // Everything the Markdown reads from `connection` and `now`.
  const times = [
    app.lastReconciled ? timeAgo(Date.parse(app.lastReconciled), now) : '',
    Number.isNaN(finishedAt) ? '' : timeAgo(finishedAt, now),
    connection.phase === 'unreachable' ? timeSpan(connection.since, now) : '-',
  ].join('\n');
  const cached = tooltips.get(app);
  if (cached?.times === times) return cached.markdown;
  const markdown = buildAppTooltipMarkdown(app, connection, now);
  tooltips.set(app, { times, markdown });
  return markdown;
}

function buildAppTooltipMarkdown(app: App, connection: ClusterConnection, now: number): string {
  const lines: string[] = [];
  lines.push(`**${mdText(app.name)}** — ${mdText(TOOL_LABEL[app.tool])} ${mdText(app.kind)} in ${mdCode(app.namespace || '(cluster)')} on ${mdCode(app.cluster)}\n\n`);
  lines.push(`- Sync: **${mdText(app.sync.status)}**${app.revision ? ` at ${mdCode(app.revision)}` : ''}\n`);
  lines.push(`- Health: **${mdText(app.health.status)}**${app.suspended ? ' (reconciliation suspended)' : ''}\n`);
  if (app.project) lines.push(`- Project: ${mdText(app.project)}\n`);
  for (const s of app.sources) lines.push(`- Source: ${mdText(describeSource(s))}\n`);
  if (app.destination) {
    const d = app.destination;
    lines.push(`- Destination: ${mdText([d.name ?? d.server, d.namespace].filter(Boolean).join(' / ') || '(default)')}\n`);
  }
  if (app.lastReconciled) lines.push(`- Last reconcile: ${mdText(app.lastReconciled)} (${mdText(timeAgo(Date.parse(app.lastReconciled), now))})\n`);
  if (app.operation) {
    const op = app.operation;
    const by = op.initiatedBy ? ` by ${mdText(op.initiatedBy)}` : '';
    lines.push(`- ${op.phase === 'Running' ? 'Operation' : 'Last operation'}: ${mdText(op.title ?? op.phase)}${by}${op.message ? ` — ${mdText(op.message)}` : ''}\n`);
    // Issue 16, "the last operation's result": which revision it went to and when it ended.
    if (op.revisions?.length) lines.push(`  - Revision: ${op.revisions.map((r) => mdCode(r.length === 40 && /^[0-9a-f]+$/.test(r) ? r.slice(0, 7) : r)).join(', ')}\n`);
    const finished = op.finishedAt ? Date.parse(op.finishedAt) : NaN;
    if (op.finishedAt && !Number.isNaN(finished)) lines.push(`  - Finished: ${mdText(op.finishedAt)} (${mdText(timeAgo(finished, now))})\n`);
  }
  // Conditions beside sync and health (HelmRelease Released/TestSuccess/Remediated/Drifted, SourceVerified…), issue 15.
  for (const c of (app.conditions ?? []).slice(0, 8)) lines.push(`- ${mdText(c.type)}: ${mdText(c.status)}${c.reason ? ` (${mdText(c.reason)})` : ''}\n`);
  for (const l of automationLines(app)) lines.push(`- ${l}\n`);
  if (app.message) lines.push(`\n${mdText(app.message)}\n`);
  if (connection.phase === 'unreachable') lines.push(`\n$(warning) Cluster unreachable for ${mdText(timeSpan(connection.since, now))}; this is the last known state.\n`);
  if (app.resourceHealth.kind === 'unavailable') {
    lines.push(`\n_${mdText(app.resourceHealth.reason)}: GitOps Lens computes each resource's health from the live object when you expand the app._\n`);
  }
  return lines.join('');
}

/**
 * The cluster tooltip's Markdown: server, user, namespace and the kubeconfig file it came from (never a
 * credential), and the last error while unreachable. Names and paths as code spans, so they read as
 * written (no backslashes shown); the error message as text.
 */
export function clusterTooltipMarkdown(name: string, entry: ClusterEntry | undefined, connection: ClusterConnection): string {
  const lines: string[] = [`**Cluster ${mdText(name)}**\n\n`];
  if (entry) {
    lines.push(`- Server: ${mdText(entry.server ?? '(cluster entry missing)')}\n`);
    lines.push(`- User: ${mdCode(entry.user)}\n`);
    if (entry.namespace) lines.push(`- Namespace: ${mdCode(entry.namespace)}\n`);
    lines.push(`- From: ${mdCode(entry.sourceFile)}\n`);
  }
  if (entry?.enabled && connection.phase === 'unreachable') lines.push(`\n${mdText(`Unreachable: ${connection.lastError.code}: ${connection.lastError.message}`)}\n`);
  return lines.join('');
}
