/**
 * How many states GitOps Lens shows as Flux's and Argo CD's own tools do, over the cases of
 * test/fixtures/gitops/stateCases.ts (objects shaped after each project's docs and golden files).
 * `npx tsx scripts/stateConformance.ts [--json]`; exit 0 always (a measurement, not a gate: the unit
 * tests fluxStates.test.ts and argocdStates.test.ts are the gate).
 */
import { STATE_CASES } from '../test/fixtures/gitops/stateCases';
import { runAll } from '../test/support/stateConformance';

const results = runAll(STATE_CASES);
const agree = results.filter((r) => r.agree).length;
if (process.argv.includes('--json')) {
  process.stdout.write(`${JSON.stringify({ agree, total: results.length, results }, null, 2)}\n`);
} else {
  for (const r of results) if (!r.agree) process.stdout.write(`✗ ${r.id}: ${r.failures.join('; ')}\n`);
  const by = (p: (id: string) => boolean) => {
    const rs = results.filter((r) => p(r.id));
    return `${rs.filter((r) => r.agree).length} of ${rs.length}`;
  };
  process.stdout.write(`\nFlux: ${by((id) => !id.startsWith('argo') && !id.startsWith('appset') && id !== 'appproject')} · Argo CD: ${by((id) => id.startsWith('argo') || id.startsWith('appset') || id === 'appproject')}\n`);
  process.stdout.write(`${agree} of ${results.length} states agree\n`);
}
