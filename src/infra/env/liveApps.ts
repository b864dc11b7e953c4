/**
 * The clusters' apps as environments take them (core/env/types.ts LiveApp): each with the revision
 * its cluster runs. The App model holds the revision Argo CD last compared (`status.sync.revision`),
 * which an OutOfSync app has not applied; for those one GET of the Application reads the last synced
 * revision (core/env/pending.ts appliedRevisionOf). Synced Argo CD apps and Flux apps carry theirs.
 * The CLI passes its cluster access, the editor its LiveObjectReader.
 */
import { appliedRevisionOf } from '../../core/env/pending';
import type { LiveApp } from '../../core/env/types';
import type { App } from '../../core/model/app';
import type { LiveObjectReader } from '../../core/ports';
import { mapLimit } from '../../core/concurrency';

/** At most this many Applications read at once. */
const CONCURRENCY = 8;

export async function withAppliedRevisions(apps: readonly App[], reader: LiveObjectReader): Promise<LiveApp[]> {
  const out: LiveApp[] = apps.map((app) => ({ app }));
  const wanted = apps.map((app, i) => [app, i] as const).filter(([app]) => app.kind === 'Application' && app.sync.status !== 'Synced');
  await mapLimit(wanted, CONCURRENCY, async ([app, i]) => {
    try {
      const raw = await reader.get(app.cluster, { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', namespace: app.namespace, name: app.name });
      const applied = appliedRevisionOf(raw);
      if (applied !== undefined) out[i] = { app, appliedRevision: applied };
    } catch {
      // Unreadable (gone, forbidden): the environment shows what the App model says, pending unknown.
    }
  });
  return out;
}
