import type { CommandFactory } from './types';

/** Shows only apps whose sync status is OutOfSync (keeps the text filter). */
export const filterOutOfSync: CommandFactory = (deps) => () => deps.filter.set({ ...deps.filter.value, only: 'outOfSync' });
