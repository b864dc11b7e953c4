/** The words of a drift lens; the state comes from the drift session (core/drift/session.ts). */
import type { DriftLens } from '../../core/drift/session';

/** Lens text, e.g. `Drift: 2 fields · prod-eu`, `In sync · prod (kustomize not found: plain document)`. */
export function lensTitle(lens: Pick<DriftLens, 'state' | 'cluster' | 'note'>): string {
  const s = lens.state;
  const note = lens.note === undefined ? '' : ` (${lens.note})`;
  switch (s.kind) {
    case 'loading':
      return `Checking… · ${lens.cluster}${note}`;
    case 'inSync':
      return `In sync · ${lens.cluster}${note}`;
    case 'drift':
      return `Drift: ${s.fields} ${s.fields === 1 ? 'field' : 'fields'} · ${lens.cluster}${note}`;
    case 'absent':
      return `Not in cluster · ${lens.cluster}${note}`;
    case 'unknown':
      return `Unknown · ${lens.cluster} (${s.reason}${lens.note === undefined ? '' : `; ${lens.note}`})`;
  }
}
