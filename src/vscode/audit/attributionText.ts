/**
 * Live drift attribution in words for the diff editor's title and the adopt PR body (issue 17): which
 * drifted fields someone set outside Git, and by which field manager. Free of `vscode`, unit-tested.
 */
import { setByPhrase } from '../../core/audit/driftAttribution';
import type { FieldAttribution } from '../../core/audit/managedFields';
import { displayPath } from '../codelens/driftFields';

interface AttributedChange {
  readonly path: string;
  readonly attribution?: FieldAttribution;
}

/** The drifted fields a manager other than the GitOps controller set last. */
function outsideGit(changes: readonly AttributedChange[]): AttributedChange[] {
  return changes.filter((c) => c.attribution?.lastSetBy !== undefined && c.attribution.throughGit === false);
}

/**
 * What the diff title adds: `spec.replicas set by kubectl-scale (Update, scale) at 14:02 UTC, not
 * through Git` for the first such field, `(+2 more set outside Git)` for the rest; undefined when none.
 */
export function diffTitleAttribution(changes: readonly AttributedChange[], now: number): string | undefined {
  const out = outsideGit(changes);
  const first = out[0];
  if (!first) return undefined;
  const more = out.length > 1 ? ` (+${out.length - 1} more set outside Git)` : '';
  return `${displayPath(first.path)} ${setByPhrase(first.attribution, now) ?? ''}${more}`;
}

/** Lines for a PR body: one per drifted field with its manager, per cluster (Markdown list items). */
export function attributionLines(byCluster: ReadonlyArray<{ readonly cluster: string; readonly changes: readonly AttributedChange[] }>, now: number): string[] {
  const lines: string[] = [];
  for (const { cluster, changes } of byCluster) {
    for (const c of changes) {
      const phrase = setByPhrase(c.attribution, now);
      if (phrase) lines.push(`- ${cluster}: \`${displayPath(c.path).replace(/`/g, 'ˋ')}\` ${phrase}`);
    }
  }
  return lines;
}
