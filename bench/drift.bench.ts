/**
 * The drift engine's raw speed, ahead of the editor lenses of issue 5 (targets there: lenses for a
 * 1,000-document file under 100 ms, re-lens after a keystroke under 15 ms): parsing a 1,000-document
 * file into documents with identities, finding source ranges, and comparing desired/live pairs
 * (mask + normalize + compare) per second.
 */
import { applyDefaults } from '../test/sim/k8s/semantics/defaults';
import type { KubeObject } from '../test/sim/k8s/types';
import { diffPair } from '../src/core/drift/engine';
import { builtinListKeys } from '../src/core/drift/listKeys';
import { parseManifests } from '../src/core/manifest/documents';
import type { BenchCase } from './harness';
import { generateManifests } from './yamlParse.bench';

const TEXT = generateManifests(1000);
const PAIRS = 1000;

/** Live = desired as the API server returns it: defaulted, with server metadata and one drifted field in ten. */
function pairs(): Array<[Record<string, unknown>, Record<string, unknown>]> {
  const docs = parseManifests(TEXT).documents.map((d) => d.value as KubeObject);
  return docs.slice(0, PAIRS).map((desired, i) => {
    const live = applyDefaults(structuredClone(desired)) as KubeObject;
    live.metadata = { ...live.metadata, uid: `uid-${i}`, resourceVersion: String(1000 + i), generation: 1, creationTimestamp: '2026-11-23T10:00:00Z' };
    if (i % 10 === 0 && live.kind === 'Deployment') (live.spec as { replicas: number }).replicas += 1;
    return [desired as Record<string, unknown>, live as Record<string, unknown>];
  });
}

let prepared: ReturnType<typeof pairs> | undefined;

export const cases: BenchCase[] = [
  {
    name: 'drift: parse 1,000-document file (identities, no ranges yet)',
    unit: 'ms',
    runs: 10,
    warmup: 2,
    better: 'lower',
    measure() {
      const t = performance.now();
      const parsed = parseManifests(TEXT);
      const ms = performance.now() - t;
      if (parsed.documents.length !== 1000) throw new Error(`parsed ${parsed.documents.length}`);
      return ms;
    },
  },
  {
    name: 'drift: first source range in one document of that file',
    unit: 'ms',
    runs: 20,
    warmup: 2,
    better: 'lower',
    measure() {
      const doc = parseManifests(TEXT).documents[500]!;
      const t = performance.now();
      const r = doc.rangeOf('/metadata/name');
      const ms = performance.now() - t;
      if (!r) throw new Error('no range for /metadata/name');
      return ms;
    },
  },
  {
    name: `drift: desired/live pairs compared (mask + normalize + compare)`,
    unit: 'pairs/s',
    runs: 10,
    warmup: 2,
    better: 'higher',
    measure() {
      prepared ??= pairs();
      const t = performance.now();
      let drifted = 0;
      for (const [desired, live] of prepared) {
        const kind = String(desired.kind);
        const group = String(desired.apiVersion).includes('/') ? String(desired.apiVersion).split('/')[0]! : '';
        if (diffPair(desired, live, builtinListKeys({ group, kind })).changes.length > 0) drifted++;
      }
      const s = (performance.now() - t) / 1000;
      if (drifted === 0) throw new Error('no drift found where one in ten Deployments was changed');
      return prepared.length / s;
    },
  },
];
