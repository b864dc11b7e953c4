/**
 * Rendering of a drift run for `gitops-lens diff`: the JSON document scripts read and the text a
 * person reads. Values arrive already masked (mask.ts) for Secrets; nothing here sees clear text.
 */
import type { DriftFinding } from './compare';

type ResourceDriftStatus = 'InSync' | 'Drifted' | 'Missing' | 'Extra';

export interface ResourceDrift {
  readonly apiVersion: string;
  readonly kind: string;
  /** undefined for cluster-scoped objects and for manifests that leave it to the context. */
  readonly namespace?: string;
  readonly name: string;
  readonly status: ResourceDriftStatus;
  readonly changes: readonly DriftFinding[];
  /** Where the desired document came from, for the text output. */
  readonly source?: { readonly file: string; readonly line: number };
  /** Said beside the status: values not compared (SOPS), the deployer skips it (Flux ssa: Ignore)… */
  readonly note?: string;
  /** Extra, but Argo CD's `compare-options: IgnoreExtraneous` keeps it from counting as drift. */
  readonly ignoredExtra?: boolean;
}

export interface DriftSummary {
  readonly inSync: number;
  readonly drifted: number;
  readonly missing: number;
  readonly extra: number;
}

export function summarize(resources: readonly ResourceDrift[]): DriftSummary {
  const n = (s: ResourceDriftStatus): number => resources.filter((r) => r.status === s).length;
  return { inSync: n('InSync'), drifted: n('Drifted'), missing: n('Missing'), extra: n('Extra') };
}

/** CLI exit status: 0 everything in sync, 1 any drift (changed, missing or extra). */
export function exitCodeOf(summary: DriftSummary, resources: readonly ResourceDrift[] = []): 0 | 1 {
  const ignoredExtra = resources.filter((r) => r.status === 'Extra' && r.ignoredExtra === true).length;
  return summary.drifted + summary.missing + summary.extra - ignoredExtra > 0 ? 1 : 0;
}

/**
 * The `--json` document: `{ resources: [{ apiVersion, kind, namespace, name, status, changes: [{ path,
 * desired, live }] }], summary: { inSync, drifted, missing, extra } }`. A side that lacks the field is
 * `null`; `namespace` is `null` when the object has none. A resource may carry a `note` (values not
 * compared because of SOPS, skipped by Flux, an IgnoreExtraneous extra).
 */
export function renderJson(resources: readonly ResourceDrift[]): string {
  const doc = {
    resources: resources.map((r) => ({
      apiVersion: r.apiVersion,
      kind: r.kind,
      namespace: r.namespace ?? null,
      name: r.name,
      status: r.status,
      changes: r.changes.map((c) => ({ path: c.path, desired: c.desired ?? null, live: c.live ?? null })),
      ...(r.note === undefined ? {} : { note: r.note }),
    })),
    summary: summarize(resources),
  };
  return JSON.stringify(doc, null, 2);
}

const ANSI = { red: '\u001b[31m', green: '\u001b[32m', yellow: '\u001b[33m', dim: '\u001b[2m', bold: '\u001b[1m', reset: '\u001b[0m' };

function show(v: unknown): string {
  if (v === undefined) return '(absent)';
  const s = JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 119)}…` : s;
}

/** Text for a terminal; `color` adds ANSI colours (only when stdout is a TTY). */
export function renderText(resources: readonly ResourceDrift[], opts: { readonly color: boolean }): string {
  const paint = (c: keyof typeof ANSI, s: string): string => (opts.color ? `${ANSI[c]}${s}${ANSI.reset}` : s);
  const statusColor: Record<ResourceDriftStatus, keyof typeof ANSI> = { InSync: 'green', Drifted: 'red', Missing: 'red', Extra: 'yellow' };
  const lines: string[] = [];
  for (const r of resources) {
    const id = `${r.apiVersion} ${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
    const where = r.source ? paint('dim', ` (${r.source.file}:${r.source.line})`) : '';
    lines.push(`${paint(statusColor[r.status], r.status.padEnd(7))} ${id}${where}`);
    if (r.status === 'Missing') lines.push('    not found on the cluster');
    if (r.status === 'Extra') lines.push('    live but not in the desired manifests');
    if (r.note !== undefined) lines.push(`    ${paint('dim', r.note)}`);
    for (const c of r.changes) {
      if (c.kind === 'changed') lines.push(`    ${paint('yellow', '~')} ${c.path}: ${paint('green', show(c.desired))} (desired) ≠ ${paint('red', show(c.live))} (live)`);
      else if (c.kind === 'missingLive') lines.push(`    ${paint('green', '+')} ${c.path}: ${paint('green', show(c.desired))} (desired), missing live`);
      else lines.push(`    ${paint('red', '-')} ${c.path}: removed from the desired manifest, still live as ${paint('red', show(c.live))}`);
    }
  }
  const s = summarize(resources);
  lines.push(`${paint('bold', 'Summary:')} ${s.inSync} in sync, ${s.drifted} drifted, ${s.missing} missing, ${s.extra} extra`);
  return lines.join('\n');
}

/** The result of an object found on one side only: Missing (desired, not live) or Extra (live, not desired). */
export function oneSided(status: 'Missing' | 'Extra', obj: Readonly<Record<string, unknown>>, source?: ResourceDrift['source']): ResourceDrift {
  const meta = typeof obj.metadata === 'object' && obj.metadata !== null ? (obj.metadata as Record<string, unknown>) : {};
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  return {
    apiVersion: text(obj.apiVersion),
    kind: text(obj.kind),
    namespace: text(meta.namespace) || undefined,
    name: text(meta.name),
    status,
    changes: [],
    ...(source ? { source } : {}),
  };
}
