/**
 * Starts code-server (the real VS Code 1.100 server and extension host) and headless Chromium for
 * the integration and e2e layers. Used only where no desktop VS Code is available.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM, CODE_SERVER_DIR, REPO_ROOT } from './paths';

export interface CodeServer {
  readonly url: string;
  readonly userDataDir: string;
  /** Everything the server printed, for diagnosing a failed start or test. */
  output(): string;
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly userSettings?: Record<string, unknown>;
  /**
   * Workspace Trust on, as in a default VS Code: a folder nobody trusted opens in Restricted Mode
   * (without the startup dialog). Off by default, so that the other sessions run trusted.
   */
  readonly workspaceTrust?: boolean;
}

/** Workspace Trust on, the folder untrusted, no modal asking about it (test/e2e/restrictedMode.test.ts). */
const TRUST_ON_SETTINGS: Record<string, unknown> = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.untrustedFiles': 'open',
};

const BASE_USER_SETTINGS: Record<string, unknown> = {
  // Without this the window opens in Restricted Mode and extensions stay disabled (see workspaceTrust).
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  // VS Code in a browser saves edited files after a second by default (`files.autoSave` defaults to
  // afterDelay on the web, off on the desktop): a buffer a test edits (Adopt Live State writes the
  // buffer for the user to review) must stay unsaved, as on the desktop.
  'files.autoSave': 'off',
};

/** Installs code-server into the cache folder when missing (idempotent, a few minutes once). */
function ensureCodeServer(): string {
  const entry = path.join(CODE_SERVER_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!fs.existsSync(path.join(CODE_SERVER_DIR, '.installed'))) {
    const r = spawnSync('bash', [path.join(REPO_ROOT, 'scripts', 'setup-code-server.sh')], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('scripts/setup-code-server.sh failed; see its output above');
  }
  return entry;
}

export async function startCodeServer(opts: CodeServerOptions = {}): Promise<CodeServer> {
  const entry = ensureCodeServer();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-cs-'));
  const userDataDir = path.join(root, 'user-data');
  const extensionsDir = path.join(root, 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...BASE_USER_SETTINGS, ...(opts.workspaceTrust ? TRUST_ON_SETTINGS : {}), ...opts.userSettings }, null, 2),
  );

  const child = spawn(
    process.execPath,
    [
      entry,
      '--auth', 'none',
      '--bind-addr', '127.0.0.1:0',
      '--disable-telemetry',
      '--disable-update-check',
      ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
    ],
    { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start in 60 s:\n${output}`)), 60_000);
    const onData = () => {
      const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited with ${code}:\n${output}`));
    });
  });

  return {
    url,
    userDataDir,
    output: () => output,
    stop: () => killTree(child).then(() => fs.rmSync(root, { recursive: true, force: true })),
  };
}

function killTree(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.pid === undefined) return resolve();
    child.once('exit', () => resolve());
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      resolve();
    }
    setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      resolve();
    }, 5_000).unref();
  });
}

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}; install Debian's chromium package (see .ci/run)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-dev-shm-usage',
    ],
  });
}

/** The workbench URL that opens `folder` with this repository as the extension under development. */
export function workbenchUrl(base: string, folder: string, extensionTestsPath?: string): string {
  const host = new URL(base).host;
  const payload: Array<[string, string]> = [
    ['extensionDevelopmentPath', `vscode-remote://${host}${REPO_ROOT}`],
    ['skipWelcome', 'true'],
  ];
  if (extensionTestsPath) payload.push(['extensionTestsPath', `vscode-remote://${host}${extensionTestsPath}`]);
  return `${base}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}
