/** The wall clock behind the core Clock port; tests of core code inject fakes instead. */
import type { Clock } from '../core/ports';

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return { dispose: () => clearTimeout(t) };
  },
};
