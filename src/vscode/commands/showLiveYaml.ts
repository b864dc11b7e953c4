import { appFromArg } from './appArg';
import type { CommandFactory } from './types';

/** Opens the object as the cluster has it now, read-only (`gitops-live:`), managedFields dropped. */
export const showLiveYaml: CommandFactory = (deps) => async (arg: unknown) => {
  const app = await appFromArg(deps.apps, arg);
  deps.connect(false);
  await deps.navigator.showLiveYaml(app.key);
};
