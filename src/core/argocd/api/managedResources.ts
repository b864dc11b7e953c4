/**
 * Argo CD's own comparison (`GET /api/v1/applications/{name}/managed-resources`,
 * applicationManagedResourcesResponse): per managed resource the target state (rendered from Git), the
 * live state, the live state normalised with Argo CD's ignore rules (ignoreDifferences, the
 * resource.customizations, known-types normalisation) and the predicted live state (what the live
 * object would be after a sync; server-side diff). Each state is a JSON document inside a string
 * (v1alpha1.ResourceDiff), or the string "null" when there is none (the object is missing live, or
 * should be pruned).
 *
 * Each embedded document is measured before use (size, depth: boundedYaml.measureValue), because a
 * deep document overflows every recursive walk that comes after (normalize, compare, masking).
 */
import { isRecord } from '../../json';
import { measureValue } from '../../manifest/boundedYaml';
import { FieldReader } from '../../model/app';

/** One state document: 16 MiB, the bound of one Kubernetes watch event (etcd itself stops at 1.5 MiB). */
const MAX_STATE_CHARS = 16 * 1024 * 1024;
const STATE_DEPTH = 100;

export interface ManagedResourceState {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** Desired state from Git; undefined when the resource is to be pruned. */
  readonly target?: Record<string, unknown>;
  readonly live?: Record<string, unknown>;
  /** Live state with Argo CD's ignore rules and normalisations applied: compare the target with this. */
  readonly normalizedLive?: Record<string, unknown>;
  /** The live object as a sync would leave it (server-side diff / apply prediction). */
  readonly predictedLive?: Record<string, unknown>;
  /** Argo CD's verdict: the resource differs from Git. */
  readonly modified: boolean;
  readonly hook: boolean;
  /** What was malformed; the states concerned are left undefined. */
  readonly problems: readonly string[];
}

/** The response's items, each state parsed and measured; never throws. */
export function readManagedResources(value: unknown): { readonly items: readonly ManagedResourceState[]; readonly problems: readonly string[] } {
  const r = new FieldReader();
  if (!isRecord(value)) return { items: [], problems: ['the managed resources answer is not an object'] };
  const items = r.records(value, 'items').map(([it, p]): ManagedResourceState => {
    const problems: string[] = [];
    const state = (key: 'targetState' | 'liveState' | 'normalizedLiveState' | 'predictedLiveState'): Record<string, unknown> | undefined => {
      const raw = r.string(it, `${p}.${key}`);
      if (raw === undefined || raw === '' || raw === 'null') return undefined;
      if (raw.length > MAX_STATE_CHARS) {
        problems.push(`${key} is larger than ${MAX_STATE_CHARS / 1024 / 1024} MiB; not read`);
        return undefined;
      }
      let doc: unknown;
      try {
        doc = JSON.parse(raw);
      } catch {
        problems.push(`${key} is not JSON`);
        return undefined;
      }
      const violation = measureValue(doc, { maxChars: MAX_STATE_CHARS, maxDepth: STATE_DEPTH });
      if (violation) {
        problems.push(`${key}: ${violation.message}`);
        return undefined;
      }
      if (doc === null) return undefined;
      if (!isRecord(doc)) {
        problems.push(`${key} is not an object`);
        return undefined;
      }
      return doc;
    };
    const target = state('targetState');
    const live = state('liveState');
    const normalizedLive = state('normalizedLiveState');
    const predictedLive = state('predictedLiveState');
    return {
      group: r.string(it, `${p}.group`) ?? '',
      kind: r.string(it, `${p}.kind`) ?? '',
      namespace: r.string(it, `${p}.namespace`) ?? '',
      name: r.string(it, `${p}.name`) ?? '',
      ...(target ? { target } : {}),
      ...(live ? { live } : {}),
      ...(normalizedLive ? { normalizedLive } : {}),
      ...(predictedLive ? { predictedLive } : {}),
      modified: r.boolean(it, `${p}.modified`) ?? false,
      hook: r.boolean(it, `${p}.hook`) ?? false,
      problems,
    };
  });
  return { items, problems: r.problems };
}

