import type { CommandFactory } from './types';

export const clearFilter: CommandFactory = (deps) => () => deps.filter.set({});
