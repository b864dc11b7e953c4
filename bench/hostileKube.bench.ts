/**
 * The worst hostile clusters for `gitops-lens status` (issue 12): a server whose list answers never
 * end (with the default 256 MiB limit), and an exec credential plugin that never answers. Each is
 * run as the real CLI in a child process against the Kubernetes simulator; the figures are its wall
 * time and peak RSS (VmHWM from /proc, Linux). Before the limits the first grew to 4.6 GB and the
 * second never exited.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { startSimCluster } from '../test/sim/k8s/cluster';
import type { BenchCase } from './harness';

function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return process.cwd();
  }
}

const ROOT = repoRoot();
const CLI = path.join(ROOT, 'out', 'src', 'cli.js');

interface Figures {
  readonly seconds: number;
  readonly peakRssMiB: number;
}

/** Runs `status` on a kubeconfig; returns wall time and the child's peak RSS. */
function runStatus(kubeconfig: string): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [CLI, 'status', '--kubeconfig', kubeconfig], { stdio: 'ignore', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.tmpdir() } });
    let peakKiB = 0;
    const poll = setInterval(() => {
      try {
        const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKiB = Math.max(peakKiB, Number(m[1]));
      } catch {
        // exited between polls
      }
    }, 25);
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', () => {
      clearInterval(poll);
      clearTimeout(guard);
      resolve({ seconds: (Date.now() - started) / 1000, peakRssMiB: peakKiB / 1024 });
    });
  });
}

const memo = new Map<string, Promise<Figures>>();

function scenario(name: 'endless-list' | 'hung-plugin'): Promise<Figures> {
  let p = memo.get(name);
  if (!p) {
    p = (async () => {
      const sim = await startSimCluster({ seed: [path.join(ROOT, 'test', 'fixtures', 'sim', 'crds', 'argocd.yaml')] });
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-hostile-'));
      try {
        let text = sim.kubeconfig('hostile');
        if (name === 'endless-list') sim.faults.hostileStream('endless-list');
        else {
          const doc = YAML.parse(text) as { users: unknown[] };
          doc.users = [{ name: 'hostile', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', interactiveMode: 'Never', command: path.join(ROOT, 'test', 'fixtures', 'hostile', 'kube', 'plugins', 'hang.sh'), env: [{ name: 'PLUGIN_STATE', value: dir }] } } }];
          text = YAML.stringify(doc);
        }
        const file = path.join(dir, 'kubeconfig');
        fs.writeFileSync(file, text);
        return await runStatus(file);
      } finally {
        await sim.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    })();
    memo.set(name, p);
  }
  return p;
}

export const cases: BenchCase[] = [
  { name: 'status, list answers that never end (256 MiB limit): wall time', unit: 's', runs: 1, better: 'lower', measure: async () => (await scenario('endless-list')).seconds },
  { name: 'status, list answers that never end (256 MiB limit): peak RSS', unit: 'MiB', runs: 1, better: 'lower', measure: async () => (await scenario('endless-list')).peakRssMiB },
  { name: 'status, exec plugin that never answers: wall time', unit: 's', runs: 1, better: 'lower', measure: async () => (await scenario('hung-plugin')).seconds },
  { name: 'status, exec plugin that never answers: peak RSS', unit: 'MiB', runs: 1, better: 'lower', measure: async () => (await scenario('hung-plugin')).peakRssMiB },
];
