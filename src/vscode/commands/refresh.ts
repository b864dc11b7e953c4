import type { CommandFactory } from './types';

/** Re-reads the kubeconfig files and relists every enabled cluster. */
export const refresh: CommandFactory = (deps) => async () => {
  await deps.operations.run('refresh', () => deps.clusters.reload());
  deps.connect(true);
};
