import type { CommandFactory } from './types';

/** Re-reads the kubeconfig files; later issues extend this to relisting cluster state. */
export const refresh: CommandFactory = (deps) => async () => {
  await deps.operations.run('refresh', () => deps.clusters.reload());
};
