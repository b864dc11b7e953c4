import * as util from 'node:util';

/**
 * Lines the code-server runner prints from the extension host's console start with this tag; the
 * rest of what reaches it is the workbench's own chatter.
 */
export const TEST_OUTPUT_TAG = '[gitops-lens-test]';

/** console.log for code running inside the extension host, tagged so the runner shows it. */
export function hostLog(...args: unknown[]): void {
  console.log(`${TEST_OUTPUT_TAG} ${util.format(...args)}`);
}
