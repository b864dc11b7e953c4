/**
 * Runs the state cases of test/fixtures/gitops/stateCases.ts through the product as a cluster of the
 * case's era would deliver them: each object is seen only if the kind table has a version that era's
 * cluster serves, and then at the newest such version (as the informer pool lists it). Written against
 * the App model loosely (`any` below) so that `scripts/stateConformance.ts` can measure an older tree.
 */
import { GITOPS_KINDS } from '../../src/core/model/app';
import type { Clock, ClusterWatchEvent } from '../../src/core/ports';
import { AppStore } from '../../src/core/store/appStore';
import { STATE_CASES, type Era, type StateCase } from '../fixtures/gitops/stateCases';
import { servedVersions } from '../fixtures/sim/fluxEras';

/* eslint-disable @typescript-eslint/no-explicit-any -- the App model of whichever tree is measured */

const clock: Clock = { now: () => 0, setTimeout: () => ({ dispose: () => undefined }) };

export interface CaseResult {
  readonly id: string;
  readonly agree: boolean;
  /** What disagreed, in words. */
  readonly failures: readonly string[];
}

/** The version the watcher reads `kind` at on a cluster of `era`, or undefined when it does not see it. */
export function watchedVersion(kind: string, era: Era): string | undefined {
  const k = (GITOPS_KINDS as readonly any[]).find((x) => x.kind === kind);
  if (k === undefined) return undefined;
  const candidates: string[] = k.versions ?? [k.version];
  const served = k.group === 'argoproj.io' ? ['v1alpha1'] : era === 'argocd' ? [] : (servedVersions(era)[kind] ?? []);
  return candidates.find((v) => served.includes(v));
}

export function runCase(c: StateCase): { result: CaseResult; app: any; store: AppStore } {
  const store = new AppStore(clock);
  const events: ClusterWatchEvent[] = [];
  for (const [kind, obj] of c.objects) {
    const version = watchedVersion(kind, c.era);
    if (version === undefined) continue;
    const group = (GITOPS_KINDS as readonly any[]).find((x) => x.kind === kind).group as string;
    // The API server presents the stored object at the version asked for (CRD conversion: None).
    const presented = { ...(obj as Record<string, unknown>), apiVersion: `${group}/${version}` };
    events.push({ type: 'ADDED', kind: kind as never, object: presented });
  }
  store.applyAll('prod', events);
  const app: any = store.all().find((a) => `${a.kind}/${a.name}` === c.subject);
  const failures: string[] = [];
  const e = c.expect;
  if (app === undefined) failures.push(`${c.subject} not seen`);
  else {
    if (e.sync !== undefined && app.sync?.status !== e.sync) failures.push(`sync ${app.sync?.status}, expected ${e.sync}`);
    if (e.health !== undefined && app.health?.status !== e.health) failures.push(`health ${app.health?.status}, expected ${e.health}`);
    if (e.revision !== undefined && app.revision !== e.revision) failures.push(`revision ${app.revision}, expected ${e.revision}`);
    if (e.message !== undefined && !String(app.message ?? '').includes(e.message)) failures.push(`message ${JSON.stringify(app.message)}, expected to contain ${JSON.stringify(e.message)}`);
    if (e.check !== undefined) {
      let ok = false;
      try {
        ok = e.check(app, store) === true;
      } catch {
        ok = false;
      }
      if (!ok) failures.push(`not shown: ${e.checkText ?? 'check'}`);
    }
  }
  return { result: { id: c.id, agree: failures.length === 0, failures }, app, store };
}

export function runAll(cases: readonly StateCase[] = STATE_CASES): CaseResult[] {
  return cases.map((c) => runCase(c).result);
}
