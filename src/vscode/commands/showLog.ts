import type { CommandFactory } from './types';

export const showLog: CommandFactory = (deps) => () => {
  deps.channel.show(true);
};
