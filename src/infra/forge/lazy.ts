/**
 * The forge clients bring @octokit/rest and @gitbeaker/rest (about 330 KiB bundled); evaluating them
 * at activation more than doubled its cost. This loader defers them to the first pull request command:
 * in the extension bundle, the `require('./createForgeClient')` below becomes a require of
 * `./forge.js` (scripts/build.mjs), which esbuild evaluates only when this function first runs.
 */
import type { ForgeClient, ForgeCredentials, ForgeRepo } from '../../core/forge/types';
import type * as CreateForgeClientModule from './createForgeClient';
import type { ForgeClientOptions } from './http';

export function createForgeClientLazily(repo: ForgeRepo, creds: ForgeCredentials, opts: ForgeClientOptions = {}): ForgeClient {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose, see above
  return (require('./createForgeClient') as typeof CreateForgeClientModule).createForgeClient(repo, creds, opts);
}
