import type { Logger } from '../../src/core/ports';

/** A Logger that keeps `level message` lines for assertions. */
export function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (m: string) => lines.push(`${level} ${m}`);
  return {
    lines,
    logger: {
      trace: push('trace'),
      debug: push('debug'),
      info: push('info'),
      warn: push('warn'),
      error: (m, err) => lines.push(`error ${m}${err === undefined ? '' : `: ${String(err)}`}`),
    },
  };
}
