/**
 * Everything `gitops-lens` prints goes through here: text from clusters, kubeconfig files and
 * manifests is redacted and its control characters shown escaped (core/log/redact.ts terminalText /
 * terminalJson), so a name or server message can neither move the cursor nor leak a credential.
 * Colours are added after that, by us only.
 */
import type { DriftFinding } from '../core/drift/compare';
import { renderJson, renderText, type ResourceDrift } from '../core/drift/report';
import { terminalJson, terminalText } from '../core/log/redact';
import { isRecord } from '../core/json';

/** Where the CLI writes: stdout and stderr, one call per line block. */
export interface CliStreams {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
}

export class CliOutput {
  constructor(private readonly io: CliStreams) {}

  /** Text of ours that may carry outside text (names, messages); line feeds kept. */
  text(s: string): void {
    this.io.out(terminalText(s, { multiline: true }));
  }

  /** A message on stderr; line feeds kept. */
  error(s: string): void {
    this.io.err(terminalText(s, { multiline: true }));
  }

  json(value: unknown): void {
    this.io.out(terminalJson(value));
  }

  /** Columns padded to the widest cell (at most `maxWidths[i]` when given); each cell made one inert line. */
  table(rawRows: readonly (readonly string[])[], opts: { readonly maxWidths?: readonly number[] } = {}): void {
    const rows = rawRows.map((r) => r.map((cell) => terminalText(cell)));
    const widths = rows[0]?.map((_, i) => Math.min(opts.maxWidths?.[i] ?? Infinity, Math.max(...rows.map((r) => (r[i] ?? '').length)))) ?? [];
    const cut = opts.maxWidths !== undefined;
    this.io.out(
      rows
        .map((r) => r.map((cell, i) => (cut && i === r.length - 1 ? cell : (cut ? cell.slice(0, widths[i]) : cell).padEnd(widths[i] ?? 0))).join('  ').trimEnd())
        .join('\n'),
    );
  }

  /** A drift report as JSON (core/drift/report renderJson), strings redacted. */
  driftJson(resources: readonly ResourceDrift[]): void {
    this.json(JSON.parse(renderJson(resources)));
  }

  /** A drift report as text; `color` adds our ANSI colours after the outside text is made inert. */
  driftText(resources: readonly ResourceDrift[], color: boolean): void {
    this.io.out(renderText(resources.map(forTerminal), { color }));
  }
}

/** Every string of a drift result redacted and its control characters escaped. */
function forTerminal(r: ResourceDrift): ResourceDrift {
  const deep = (v: unknown): unknown =>
    typeof v === 'string' ? terminalText(v) : Array.isArray(v) ? v.map(deep) : isRecord(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [terminalText(k), deep(x)])) : v;
  return { ...(deep(r) as ResourceDrift), changes: r.changes.map((c) => deep(c) as DriftFinding) };
}
