/**
 * Runs the integration layer inside a real VS Code extension host.
 * - With a desktop VS Code (env VSCODE_EXECUTABLE, or a download cached in .vscode-test/ by
 *   @vscode/test-electron), it uses @vscode/test-electron.
 * - Otherwise it uses code-server 4.100.3 (VS Code 1.100.3) driven by headless Chromium; the
 *   workbench reports the test exit code through `codeAutomationExit`.
 * Writes counts to GITOPS_LENS_COUNTS_FILE (through the reporter in the extension host).
 *
 * Order independence (every in-host suite must pass alone and in any order), for CI and by hand:
 * - GITOPS_LENS_TEST_SHUFFLE=<seed>|random runs the top-level suites in a shuffled order; the host
 *   prints the seed, and the same seed gives the same order (test/index.ts).
 * - GITOPS_LENS_TEST_EACH_SUITE=1 runs every top-level suite alone, each in a fresh extension host
 *   with fresh simulators and workspace, and adds up the counts.
 * - GITOPS_LENS_TEST_SUITE=<title> runs one top-level suite.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as util from 'node:util';
import { launchChromium, startCodeServer, workbenchUrl } from '../support/codeServer';
import { REPO_ROOT } from '../support/paths';
import { TEST_OUTPUT_TAG } from '../support/hostLog';
import { prepareWorkspace } from '../support/workspace';
import { FORGE_SIM_TOKEN, startArgoCdApiSim, startForgeSim, startSims } from './simClusters';

const TESTS_ENTRY = path.join(REPO_ROOT, 'out', 'test', 'index.js');
const TIMEOUT_MS = Number(process.env.GITOPS_LENS_INTEGRATION_TIMEOUT_MS ?? 300_000);

interface Counts {
  passed: number;
  failed: number;
  pending: number;
}

/** One extension host over a fresh workspace and fresh simulators; `hostEnv` reaches test/index.ts. */
async function runOnce(hostEnv: NodeJS.ProcessEnv): Promise<number> {
  const ws = prepareWorkspace();
  // Simulated clusters for the Applications view tests; their kubeconfig is not on KUBECONFIG, so the
  // kubeconfig tests keep their two fixture contexts, and simulatorApps.test adds it through the setting.
  const sims = await startSims(ws.fixtures);
  // The forge simulator (every forge's REST API + Git smart HTTP) for the pull-request tests.
  const forge = await startForgeSim();
  // An Argo CD reached only through its API (issue 16); its argocd CLI config is read once a test sets it.
  const argocdApi = await startArgoCdApiSim(ws.fixtures);
  const env: NodeJS.ProcessEnv = {
    GITOPS_LENS_SIM: JSON.stringify(sims.access),
    GITOPS_LENS_FORGE_SIM: JSON.stringify(forge.access),
    GITOPS_LENS_SIM_KUBECONFIG: sims.kubeconfigFile,
    GITOPS_LENS_ARGOCD_API_SIM: JSON.stringify(argocdApi.access),
    GITOPS_LENS_COUNTS_FILE: process.env.GITOPS_LENS_COUNTS_FILE,
    GITOPS_LENS_TEST_GREP: process.env.GITOPS_LENS_TEST_GREP,
    GITOPS_LENS_TEST_SHUFFLE: process.env.GITOPS_LENS_TEST_SHUFFLE,
    GITOPS_LENS_TEST_SUITE: process.env.GITOPS_LENS_TEST_SUITE,
    GITOPS_LENS_FIXTURES: ws.fixtures,
    KUBECONFIG: ws.kubeconfig,
    ...hostEnv,
  };
  const desktop = findDesktopVsCode();
  try {
    return desktop ? await runDesktop(desktop, ws.folder, env) : await runCodeServer(ws.folder, env);
  } finally {
    await forge.stop();
    await argocdApi.stop();
    await sims.stop();
    fs.rmSync(ws.root, { recursive: true, force: true });
  }
}

/** Every top-level suite alone, one host each; the counts file gets the sum. */
async function runEachSuite(): Promise<number> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-each-'));
  try {
    const listFile = path.join(tmp, 'suites.json');
    await runOnce({ GITOPS_LENS_TEST_LIST_FILE: listFile, GITOPS_LENS_COUNTS_FILE: path.join(tmp, 'list-counts.json') });
    const titles = JSON.parse(fs.readFileSync(listFile, 'utf8')) as string[];
    const total: Counts = { passed: 0, failed: 0, pending: 0 };
    const results: string[] = [];
    for (const [i, title] of titles.entries()) {
      console.log(`\n[integration] suite ${i + 1}/${titles.length} alone: ${title}`);
      const counts = path.join(tmp, `counts-${i}.json`);
      const code = await runOnce({ GITOPS_LENS_TEST_SUITE: title, GITOPS_LENS_TEST_SHUFFLE: undefined, GITOPS_LENS_COUNTS_FILE: counts });
      const c: Counts = fs.existsSync(counts) ? (JSON.parse(fs.readFileSync(counts, 'utf8')) as Counts) : { passed: 0, failed: 1, pending: 0 };
      if (code !== 0 && c.failed === 0) c.failed = 1;
      total.passed += c.passed;
      total.failed += c.failed;
      total.pending += c.pending;
      results.push(`  ${c.failed === 0 ? 'ok  ' : 'FAIL'} ${c.passed} passed, ${c.failed} failed: ${title}`);
    }
    console.log(`\n[integration] each suite alone:\n${results.join('\n')}`);
    const out = process.env.GITOPS_LENS_COUNTS_FILE;
    if (out) fs.writeFileSync(out, JSON.stringify(total));
    return total.failed > 0 ? 1 : 0;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  return process.env.GITOPS_LENS_TEST_EACH_SUITE === '1' ? runEachSuite() : runOnce({});
}

function findDesktopVsCode(): string | undefined {
  const explicit = process.env.VSCODE_EXECUTABLE;
  if (explicit) return explicit;
  const cache = path.join(REPO_ROOT, '.vscode-test');
  if (!fs.existsSync(cache)) return undefined;
  for (const d of fs.readdirSync(cache)) {
    for (const candidate of ['code', 'Code', path.join('VSCode-linux-x64', 'code')]) {
      const p = path.join(cache, d, candidate);
      if (fs.existsSync(p) && fs.statSync(p).isFile()) return p;
    }
  }
  return undefined;
}

async function runDesktop(executable: string, folder: string, env: NodeJS.ProcessEnv): Promise<number> {
  console.log(`[integration] desktop VS Code: ${executable}`);
  const { runTests } = await import('@vscode/test-electron');
  try {
    await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: REPO_ROOT,
      extensionTestsPath: TESTS_ENTRY,
      extensionTestsEnv: env,
      launchArgs: [folder, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome'],
    });
    return 0;
  } catch {
    return 1;
  }
}

async function runCodeServer(folder: string, env: NodeJS.ProcessEnv): Promise<number> {
  const server = await startCodeServer({ env });
  console.log(`[integration] code-server ${server.url} (VS Code 1.100.3), workspace ${folder}`);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const exit = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
    });
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const line = Array.isArray(args) ? util.format(...(args as [unknown, ...unknown[]])) : String(args);
      if (line.startsWith(TEST_OUTPUT_TAG)) console.log(line.slice(TEST_OUTPUT_TAG.length + 1));
      else if (process.env.GITOPS_LENS_VERBOSE) console.log(`[workbench:${type}] ${line}`);
    });
    page.on('pageerror', (err) => console.log(`[page error] ${err.message}`));
    await page.goto(workbenchUrl(server.url, folder, TESTS_ENTRY));
    const timeout = new Promise<number>((resolve) =>
      setTimeout(() => {
        console.log(`[integration] no exit code from the extension host after ${TIMEOUT_MS} ms`);
        resolve(1);
      }, TIMEOUT_MS).unref(),
    );
    let code = await Promise.race([exit, timeout]);
    console.log(`[integration] extension host exit code ${code}`);
    // The pull-request tests store the forge simulator's token; it must appear in no log file.
    const leaked = filesContaining(path.join(server.userDataDir, 'logs'), FORGE_SIM_TOKEN);
    if (leaked.length > 0) {
      console.log(`[integration] the forge token appears in ${leaked.join(', ')}`);
      code = 1;
    }
    // The extension host's own log proves where the tests ran and how the extension activated.
    const hostLog = findExtensionHostLog(server.userDataDir);
    if (hostLog) {
      const lines = hostLog.split('\n').filter((l) => /^---|Extension host with pid|gitops-lens/.test(l));
      console.log(lines.join('\n'));
    }
    return code;
  } finally {
    await browser.close();
    await server.stop();
  }
}

function filesContaining(dir: string, needle: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesContaining(p, needle));
    else if (e.isFile() && fs.readFileSync(p, 'latin1').includes(needle)) out.push(p);
  }
  return out;
}

/** The extension host's own log, which holds the mocha output of the in-host run. */
function findExtensionHostLog(userDataDir: string): string | undefined {
  const logs = path.join(userDataDir, 'logs');
  if (!fs.existsSync(logs)) return undefined;
  const found: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'remoteexthost.log' || e.name === 'exthost.log') found.push(p);
    }
  };
  walk(logs);
  return found.map((f) => `--- ${path.relative(os.tmpdir(), f)}\n${fs.readFileSync(f, 'utf8')}`).join('\n');
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
