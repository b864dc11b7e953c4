import { appFromArg } from './appArg';
import type { CommandFactory } from './types';

/**
 * Flux controllers reconcile an object out of schedule when `reconcile.fluxcd.io/requestedAt` changes;
 * the value is opaque and echoed in `status.lastHandledReconcileAt` (fluxcd/pkg `meta.ReconcileRequestAnnotation`;
 * `flux reconcile` writes the current time in RFC 3339). Works on Kustomizations, HelmReleases and sources.
 */
export const reconcile: CommandFactory = (deps) => async (arg: unknown) => {
  const app = await appFromArg(deps.apps, arg, { tool: 'flux' });
  const requestedAt = new Date(deps.clock.now()).toISOString();
  await deps.operations.run('annotate', () =>
    deps.writer.annotate(app.cluster, app.kind, app.namespace, app.name, { 'reconcile.fluxcd.io/requestedAt': requestedAt }),
  );
  deps.log.info(`[Commands][reconcile] ${app.key}: requested reconcile at ${requestedAt}`);
};
