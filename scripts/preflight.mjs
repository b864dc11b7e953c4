// What the machine must provide before a test layer or the demo runs, checked (and installed where it
// can be) first, so that the README's `npm ci && npm test` and `npm ci && npm run demo` work on a
// machine that never ran them: Debian packages through scripts/system-packages.sh (apt-get as root,
// otherwise a message naming what is missing), the real kubectl (not a Debian package: named when
// absent), and code-server for whatever runs VS Code (scripts/setup-code-server.sh, idempotent).
// Usage: node scripts/preflight.mjs demo|unit|integration|e2e...   (test.mjs imports preflight()).
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** system-packages.sh groups, and whether code-server is needed, per purpose. */
const NEEDS = {
  unit: { groups: ['base'], codeServer: false },
  integration: { groups: ['base', 'ui'], codeServer: true },
  e2e: { groups: ['base', 'ui'], codeServer: true },
  demo: { groups: ['base', 'ui'], codeServer: true },
};

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

function run(what, args) {
  const r = spawnSync('bash', args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${what} failed (see above)`);
}

/** Throws with a message naming what is missing; prints one line per check. */
export function preflight(purposes) {
  const unknown = purposes.filter((p) => !NEEDS[p]);
  if (unknown.length) throw new Error(`unknown purpose ${unknown.join(', ')}; choose from ${Object.keys(NEEDS).join(', ')}`);
  const groups = [...new Set(purposes.flatMap((p) => NEEDS[p].groups))];
  run('scripts/system-packages.sh', [join('scripts', 'system-packages.sh'), ...groups]);
  console.log(`[preflight] Debian packages (${groups.join(', ')}): present`);
  // The simulator's honesty suite drives the machine's own kubectl, and kustomize renders through
  // `kubectl kustomize` when no kustomize binary is installed.
  const kubectl = onPath('kubectl');
  if (!kubectl) throw new Error('kubectl not found on PATH: the tests and the demo need the real kubectl (v1.32; not a Debian package, see https://kubernetes.io/docs/tasks/tools/)');
  console.log(`[preflight] kubectl: ${kubectl}`);
  if (purposes.some((p) => NEEDS[p].codeServer)) {
    run('scripts/setup-code-server.sh', [join('scripts', 'setup-code-server.sh')]);
    console.log('[preflight] code-server: installed');
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    preflight(process.argv.slice(2));
  } catch (e) {
    console.error(`[preflight] ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
