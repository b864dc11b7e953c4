import { appFromArg } from './appArg';
import type { CommandFactory } from './types';

/**
 * Argo CD re-compares an Application with Git when `argocd.argoproj.io/refresh` is set to `normal`
 * (or `hard`, which also drops the manifest cache), then removes the annotation itself
 * (Argo CD docs, "Application refresh": argocd-application-controller `refreshAppConditions`).
 */
export function argoRefresh(type: 'normal' | 'hard'): CommandFactory {
  return (deps) => async (arg: unknown) => {
    const app = await appFromArg(deps.apps, arg, { tool: 'argocd', role: 'app' });
    if (deps.argocd.isApi(app.cluster)) {
      // Through Argo CD's API (issue 16): `GET /api/v1/applications/{name}?refresh=normal|hard`, the
      // call `argocd app get --refresh` makes; it answers once the controller re-compared the app.
      const { client, ref } = deps.argocd.clientFor(app);
      await deps.operations.run('argocdApi', () => client.refresh(ref, type === 'hard'));
      deps.log.info(`[Commands][refreshApp] ${app.key}: ${type} refresh through the Argo CD API`);
      return;
    }
    await deps.operations.run('annotate', () =>
      deps.writer.annotate(app.cluster, app.kind, app.namespace, app.name, { 'argocd.argoproj.io/refresh': type }),
    );
    deps.log.info(`[Commands][refreshApp] ${app.key}: requested ${type} refresh`);
  };
}

export const refreshApp: CommandFactory = argoRefresh('normal');
