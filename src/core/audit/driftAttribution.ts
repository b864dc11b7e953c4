/**
 * Live drift attribution for the editor (issue 17): the field manager that last set each drifted field,
 * from the live object the drift session already holds (its `metadata.managedFields` stay on the raw
 * object; normalization drops them only from the copy it compares). One decoding per live object,
 * however many findings and readers ask (hover, diff title, PR body).
 */
import type { FoundStep } from '../drift/compare';
import { attributeField, readManagedFields, type FieldAttribution, type ManagedFieldsEntry } from './managedFields';

const decoded = new WeakMap<object, readonly ManagedFieldsEntry[]>();

/** Who last set the field at `steps` of `live`; the live object's managedFields are decoded once. */
export function attributeFinding(live: Readonly<Record<string, unknown>>, steps: readonly FoundStep[], gitopsManagers: readonly string[] = []): FieldAttribution {
  let entries = decoded.get(live);
  if (!entries) {
    entries = readManagedFields(live).entries;
    decoded.set(live, entries);
  }
  return attributeField(live, steps, { entries, gitopsManagers });
}

/** `HH:MM UTC` today, else `YYYY-MM-DD HH:MM UTC` (trail.ts describes times the same way). */
export function shortUtc(iso: string, now: number): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  const d = new Date(ms).toISOString();
  const date = d.slice(0, 10);
  return date === new Date(now).toISOString().slice(0, 10) ? `${d.slice(11, 16)} UTC` : `${date} ${d.slice(11, 16)} UTC`;
}

/**
 * One short phrase for a hover line, a diff title or a PR body: `set by kubectl-scale (Update, scale)
 * at 14:02 UTC, not through Git`; undefined when no manager covers the field.
 */
export function setByPhrase(a: FieldAttribution | undefined, now: number): string | undefined {
  const o = a?.lastSetBy;
  if (!o) return undefined;
  const how = [o.operation, o.subresource].filter((x) => x).join(', ');
  const when = o.time ? ` at ${shortUtc(o.time, now)}` : '';
  const verdict = o.controller ? `through Git (${o.controller === 'argocd' ? 'Argo CD' : 'Flux'})` : 'not through Git';
  return `${o.match === 'below' ? 'fields below it ' : ''}set by ${o.manager}${how ? ` (${how})` : ''}${when}, ${verdict}`;
}
