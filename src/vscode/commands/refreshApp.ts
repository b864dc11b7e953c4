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
    await deps.operations.run('annotate', () =>
      deps.writer.annotate(app.cluster, app.kind, app.namespace, app.name, { 'argocd.argoproj.io/refresh': type }),
    );
    deps.log.info(`[Commands][refreshApp] ${app.key}: requested ${type} refresh`);
  };
}

export const refreshApp: CommandFactory = argoRefresh('normal');
