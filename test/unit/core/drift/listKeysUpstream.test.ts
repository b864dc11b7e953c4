import { strict as assert } from 'node:assert';
import { builtinIntOrStringPaths, builtinListTable } from '../../../../src/core/drift/listKeys';
import * as sim from '../../../sim/k8s/semantics/listSemantics';

/**
 * The drift engine's list table (src/core/drift/listKeys.ts) against the simulator's own facts
 * (test/sim/k8s/semantics/builtinDefinitions.ts, transcribed from the markers of the Kubernetes API
 * types). A wrong merge key or a list wrongly taken as atomic in the product shows here, entry by entry.
 */

/** The built-in kinds both tables know. */
const kinds = [
  ['', 'Namespace'], ['', 'ConfigMap'], ['', 'Secret'], ['', 'Service'], ['', 'ServiceAccount'], ['', 'Pod'],
  ['', 'Event'], ['', 'PersistentVolumeClaim'], ['apps', 'Deployment'], ['apps', 'StatefulSet'], ['apps', 'DaemonSet'],
  ['apps', 'ReplicaSet'], ['batch', 'Job'], ['batch', 'CronJob'], ['networking.k8s.io', 'Ingress'],
  ['apiextensions.k8s.io', 'CustomResourceDefinition'],
].map(([group, kind]) => ({ group: group ?? '', version: 'v1', kind: kind ?? '' }));

interface Facts {
  semantics: unknown;
  patchMergeKey?: string;
  patchStrategy?: string;
}

const show = (f: Facts | undefined): string =>
  f ? `${JSON.stringify(f.semantics)} smp(${f.patchMergeKey ?? '-'}, ${f.patchStrategy ?? '-'})` : 'not a list';

const atomicNoPatch = (f: Facts): boolean => (f.semantics as { type: string }).type === 'atomic' && !f.patchMergeKey && !f.patchStrategy;

describe('drift/listKeys against the simulator\'s upstream facts', () => {
  it('every list entry of the product agrees with the upstream markers, and no upstream keyed list or set is missing', () => {
    const disagreements: string[] = [];
    for (const gvk of kinds) {
      const product = new Map(builtinListTable(gvk).map((e) => [e.path.join('.'), e as Facts]));
      const schema = sim.builtinSchemaInfo(gvk);
      for (const [p, mine] of product) {
        const path = p.split('.');
        const sem = schema.listAt(path);
        const meta = schema.patchMetaAt(path);
        const theirs: Facts | undefined = sem && { semantics: sem, ...meta };
        if (show(mine) !== show(theirs)) disagreements.push(`${gvk.group}/${gvk.kind} ${p}: product ${show(mine)}, upstream ${show(theirs)}`);
      }
      // A list the product leaves out is atomic with no SMP key for it: only say so where upstream differs.
      for (const e of sim.builtinListTable(gvk)) {
        const p = e.path.join('.');
        if (!product.has(p) && !atomicNoPatch(e)) disagreements.push(`${gvk.group}/${gvk.kind} ${p}: product atomic (absent), upstream ${show(e)}`);
      }
    }
    assert.deepEqual(disagreements, []);
  });

  it('the product\'s int-or-string fields are the upstream ones', () => {
    const disagreements: string[] = [];
    for (const gvk of kinds) {
      const product = new Set(builtinIntOrStringPaths(gvk).map((p) => p.join('.')));
      const upstream = new Set(sim.builtinIntOrStringPaths(gvk).map((p) => p.join('.')));
      for (const p of product) if (!upstream.has(p)) disagreements.push(`${gvk.group}/${gvk.kind} ${p}: product int-or-string, upstream not`);
      for (const p of upstream) if (!product.has(p)) disagreements.push(`${gvk.group}/${gvk.kind} ${p}: upstream int-or-string, product not`);
    }
    assert.deepEqual(disagreements, []);
  });
});
