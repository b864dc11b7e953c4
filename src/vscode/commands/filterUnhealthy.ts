import type { CommandFactory } from './types';

/** Shows only apps whose health is neither Healthy nor Suspended (keeps the text filter). */
export const filterUnhealthy: CommandFactory = (deps) => () => deps.filter.set({ ...deps.filter.value, only: 'unhealthy' });
