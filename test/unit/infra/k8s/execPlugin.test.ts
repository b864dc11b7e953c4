/**
 * Exec credential plugins that misbehave, as real scripts (test/fixtures/hostile/kube/plugins): one
 * that never answers, one that forks a helper and hangs, one that prints garbage, one that prints
 * without end, one that refuses. Each must end in bounded time with an error that says what
 * happened, and leave no process behind (checked by pid). Well-behaved plugins run once per user
 * entry however many callers wait, and their credential is cached until it expires.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as YAML from 'yaml';
import type { Clock, ClusterConnectionEvent } from '../../../../src/core/ports';
import { KubeClusterAccess } from '../../../../src/infra/k8s/clusterAccess';
import { InformerPool } from '../../../../src/infra/k8s/informerPool';
import { startSimCluster, type SimCluster } from '../../../sim/k8s/cluster';
import { recordingLogger } from '../../../support/fakes';
import { REPO_ROOT } from '../../../support/paths';
import { waitFor } from '../../../support/waitFor';

const PLUGINS = path.join(REPO_ROOT, 'test', 'fixtures', 'hostile', 'kube', 'plugins');
const CLI = path.join(REPO_ROOT, 'out', 'src', 'cli', 'main.js');

const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return { dispose: () => clearTimeout(t) };
  },
};

/** Alive = the pid exists and is not a zombie waiting for a parent that will never reap it. */
function alive(pid: number): boolean {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return !/^State:\s+Z/m.test(status);
  } catch {
    return false;
  }
}

const pidIn = (file: string): Promise<number> => waitFor(`pid in ${path.basename(file)}`, () => (fs.existsSync(file) && Number(fs.readFileSync(file, 'utf8').trim())) || undefined);
const runsIn = (dir: string): number => (fs.existsSync(path.join(dir, 'runs')) ? fs.readFileSync(path.join(dir, 'runs'), 'utf8').split('\n').filter(Boolean).length : 0);

describe('exec credential plugins (real scripts)', function () {
  this.timeout(60_000);
  let sim: SimCluster;
  let tmp: string;
  const cleanup: Array<() => void> = [];

  before(async () => {
    sim = await startSimCluster();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'exec-plugin-'));
  });
  afterEach(() => {
    while (cleanup.length) cleanup.pop()?.();
  });
  after(async () => {
    await sim.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** A kubeconfig whose user runs `plugin`; PLUGIN_STATE is a fresh folder the scripts write pids and run counts to. */
  const setup = (plugin: string, o: { env?: Record<string, string>; interactiveMode?: string; context?: string; provideClusterInfo?: boolean } = {}): { file: string; state: string; text: string } => {
    const state = fs.mkdtempSync(path.join(tmp, 'state-'));
    const context = o.context ?? 'exec';
    const doc = YAML.parse(sim.kubeconfig(context)) as { users: { name: string; user: unknown }[]; clusters: { cluster: Record<string, unknown> }[] };
    doc.users = [{
      name: context,
      user: {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1',
          command: path.join(PLUGINS, plugin),
          interactiveMode: o.interactiveMode ?? 'Never',
          env: Object.entries({ PLUGIN_STATE: state, ...o.env }).map(([name, value]) => ({ name, value })),
          ...(o.provideClusterInfo ? { provideClusterInfo: true } : {}),
        },
      },
    }];
    if (o.provideClusterInfo && doc.clusters[0]) {
      doc.clusters[0].cluster['tls-server-name'] = 'localhost';
      doc.clusters[0].cluster.extensions = [{ name: 'client.authentication.k8s.io/exec', extension: { audience: 'sim', region: 'test' } }];
    }
    const text = YAML.stringify(doc);
    const file = path.join(state, 'kubeconfig');
    fs.writeFileSync(file, text);
    return { file, state, text };
  };

  const pool = (text: string, execTimeoutMs = 1500): { pool: InformerPool; events: ClusterConnectionEvent[]; log: string[] } => {
    const { logger, lines } = recordingLogger();
    const p = new InformerPool({ kubeconfig: () => [{ path: '/virtual/kubeconfig', text }], log: logger, clock: realClock, backoff: { initialMs: 60_000, maxMs: 60_000 }, limits: { execTimeoutMs } });
    const events: ClusterConnectionEvent[] = [];
    p.onDidChangeConnection((e) => events.push(e));
    cleanup.push(() => p.dispose());
    return { pool: p, events, log: lines };
  };
  const unreachable = (events: ClusterConnectionEvent[], timeoutMs = 10_000) =>
    waitFor('unreachable', () => events.find((e): e is Extract<ClusterConnectionEvent, { state: 'unreachable' }> => e.state === 'unreachable'), timeoutMs);

  it('`gitops-lens status` with a plugin that never answers exits in bounded time, says why, and leaves no process', async () => {
    const { file, state } = setup('hang.sh');
    const started = Date.now();
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'status', '--kubeconfig', file], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmp }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // Far above the bound asserted below: only here so a hung CLI fails the test instead of the run.
      const guard = setTimeout(() => child.kill('SIGKILL'), 45_000);
      child.on('close', (code) => {
        clearTimeout(guard);
        resolve({ code, stderr });
      });
    });
    const secs = (Date.now() - started) / 1000;
    assert.equal(r.code, 2, `exit code ${String(r.code)} after ${secs} s: ${r.stderr}`);
    assert.ok(secs < 25, `status took ${secs} s`);
    assert.match(r.stderr, /context "exec" is unreachable: CredentialsFailed: the exec credential plugin ".*hang\.sh" of user "exec" did not finish within \d+ s; it was stopped/);
    const pid = await pidIn(path.join(state, 'hang.pid'));
    await waitFor('plugin gone', () => !alive(pid), 5000);
  });

  it('a plugin that forks a helper and hangs: the timeout kills both', async () => {
    const { state, text } = setup('fork-hang.sh');
    const p = pool(text);
    p.pool.start('exec');
    const parent = await pidIn(path.join(state, 'parent.pid'));
    const child = await pidIn(path.join(state, 'child.pid'));
    assert.ok(alive(parent) && alive(child));
    const e = await unreachable(p.events);
    assert.equal(e.error.code, 'CredentialsFailed');
    assert.match(e.error.message, /fork-hang\.sh" of user "exec" did not finish within 2 s; it was stopped \(with every process it started\)/);
    await waitFor('parent and helper gone', () => !alive(parent) && !alive(child), 5000);
  });

  it('a plugin that prints garbage: a clear error, control characters removed', async () => {
    const { state, text } = setup('garbage.sh');
    const p = pool(text);
    p.pool.start('exec');
    const e = await unreachable(p.events);
    assert.equal(e.error.code, 'CredentialsFailed');
    assert.match(e.error.message, /garbage\.sh" of user "exec" printed something that is not an ExecCredential/);
    assert.ok(!alive(await pidIn(path.join(state, 'garbage.pid'))));
  });

  it('a plugin that prints without end is stopped at the output bound', async () => {
    const { state, text } = setup('huge.sh');
    const before = process.memoryUsage().rss;
    const p = pool(text, 20_000);
    const started = Date.now();
    p.pool.start('exec');
    const e = await unreachable(p.events);
    assert.equal(e.error.code, 'CredentialsFailed');
    assert.match(e.error.message, /huge\.sh" of user "exec" printed more than 1 MiB/);
    assert.ok(Date.now() - started < 10_000, 'stopped at the bound, not at the timeout');
    const pid = await pidIn(path.join(state, 'huge.pid'));
    await waitFor('plugin gone', () => !alive(pid), 5000);
    assert.ok(process.memoryUsage().rss - before < 200 * 1024 * 1024, 'memory grew by more than 200 MiB');
  });

  it('a plugin that refuses: its exit code and the end of its stderr', async () => {
    const { text } = setup('fail.sh');
    const p = pool(text);
    p.pool.start('exec');
    const e = await unreachable(p.events);
    assert.equal(e.error.code, 'CredentialsFailed');
    assert.match(e.error.message, /fail\.sh" of user "exec" failed with exit code 3: error: you are not logged in; run 'login' first/);
  });

  it('interactiveMode Always is refused without running the plugin', async () => {
    const { state, text } = setup('credential.sh', { interactiveMode: 'Always', env: { TOKEN: sim.token } });
    const p = pool(text);
    p.pool.start('exec');
    const e = await unreachable(p.events);
    assert.equal(e.error.code, 'CredentialsFailed');
    assert.match(e.error.message, /needs a terminal \(interactiveMode: Always\)/);
    assert.equal(runsIn(state), 0, 'the plugin ran');
  });

  it('stopping and starting a connection (Refresh) leaves no plugin process behind', async () => {
    const { state, text } = setup('hang.sh');
    const p = pool(text, 30_000);
    const pids: number[] = [];
    for (let i = 0; i < 3; i++) {
      fs.rmSync(path.join(state, 'hang.pid'), { force: true });
      p.pool.start('exec');
      pids.push(await pidIn(path.join(state, 'hang.pid')));
      p.pool.stop('exec');
    }
    await waitFor('every plugin gone', () => pids.every((pid) => !alive(pid)), 5000);
  });

  it('many callers of one user entry wait for one plugin run; the credential is reused until it expires', async () => {
    const expires = new Date(Date.now() + 2500).toISOString();
    const { state, text } = setup('credential.sh', { env: { TOKEN: sim.token, EXPIRES: expires } });
    const access = new KubeClusterAccess({ kubeconfig: () => [{ path: '/virtual/kubeconfig', text }] });
    const ns = { apiVersion: 'v1', kind: 'Namespace', namespace: '', name: 'default' };
    const got = await Promise.all(Array.from({ length: 6 }, () => access.get('exec', ns)));
    assert.ok(got.every((o) => (o as { metadata: { name: string } }).metadata.name === 'default'));
    // The informer pool of the same process shares the run and its cached credential.
    const p = pool(text);
    p.pool.start('exec');
    await waitFor('ready', () => p.events.find((e) => e.state === 'ready'));
    assert.equal(runsIn(state), 1, 'one plugin run for every caller');
    const info = JSON.parse(fs.readFileSync(path.join(state, 'exec-info.json'), 'utf8')) as { kind: string; apiVersion: string; spec: { interactive: boolean } };
    assert.deepEqual(info, { apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', spec: { interactive: false } });
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(expires) - Date.now() + 100)));
    await access.get('exec', ns);
    assert.equal(runsIn(state), 2, 'an expired credential is asked for again');
  });

  it('a 401 drops the cached credential: the next request runs the plugin again (client-go maybeRefreshCreds)', async () => {
    const tokenFile = path.join(tmp, `token-${Date.now()}`);
    fs.writeFileSync(tokenFile, 'revoked-token');
    const { state, text } = setup('credential.sh', { env: { TOKEN_FILE: tokenFile } });
    const access = new KubeClusterAccess({ kubeconfig: () => [{ path: '/virtual/kubeconfig', text }] });
    const ns = { apiVersion: 'v1', kind: 'Namespace', namespace: '', name: 'default' };
    await assert.rejects(access.get('exec', ns), (e: Error & { code?: unknown }) => e.code === 'Unauthorized');
    fs.writeFileSync(tokenFile, sim.token);
    assert.equal(((await access.get('exec', ns)) as { metadata: { name: string } }).metadata.name, 'default');
    await access.get('exec', ns);
    assert.equal(runsIn(state), 2, 'one run for the revoked token, one after the 401, then the cached credential');
  });

  it('provideClusterInfo: the plugin learns the same KUBERNETES_EXEC_INFO from GitOps Lens as from kubectl', async () => {
    const { file, state, text } = setup('credential.sh', { env: { TOKEN: sim.token }, provideClusterInfo: true });
    const home = fs.mkdtempSync(path.join(tmp, 'home-'));
    const k = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn('/usr/bin/kubectl', ['--context', 'exec', 'get', 'namespace', 'default', '-o', 'name'], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, KUBECONFIG: file }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stderr }));
    });
    assert.equal(k.code, 0, k.stderr);
    const fromKubectl = JSON.parse(fs.readFileSync(path.join(state, 'exec-info.json'), 'utf8')) as unknown;
    fs.rmSync(path.join(state, 'exec-info.json'));
    const access = new KubeClusterAccess({ kubeconfig: () => [{ path: file, text }] });
    await access.get('exec', { apiVersion: 'v1', kind: 'Namespace', namespace: '', name: 'default' });
    const fromUs = JSON.parse(fs.readFileSync(path.join(state, 'exec-info.json'), 'utf8')) as { spec: { cluster: { config: unknown } } };
    assert.deepEqual(fromUs.spec.cluster.config, { audience: 'sim', region: 'test' });
    assert.deepEqual(fromUs, fromKubectl);
  });
});
