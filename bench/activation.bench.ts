import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../test/support/paths';
import type { BenchCase } from './harness';

const BUNDLE = path.join(REPO_ROOT, 'dist', 'extension.js');
const PROBE = path.join(__dirname, 'support', 'activateProbe.js');

function probe(): { requireMs: number; activateMs: number; totalMs: number; commands: string[]; treeViews: string[] } {
  const r = spawnSync(process.execPath, [PROBE, BUNDLE], { encoding: 'utf8', env: { ...process.env, KUBECONFIG: '' } });
  if (r.status !== 0) throw new Error(`activation probe failed: ${r.stderr}`);
  const result = JSON.parse(r.stdout) as ReturnType<typeof probe>;
  // A probe that registered nothing measured nothing.
  if (result.commands.length === 0 || result.treeViews.length === 0) throw new Error('activate() registered no commands or views');
  return result;
}

export const cases: BenchCase[] = [
  {
    name: 'bundle size dist/extension.js',
    unit: 'KiB',
    runs: 1,
    better: 'lower',
    measure: () => fs.statSync(BUNDLE).size / 1024,
  },
  {
    name: 'bundle size dist/k8s.js (client-node, loaded on first connection)',
    unit: 'KiB',
    runs: 1,
    better: 'lower',
    measure: () => fs.statSync(path.join(REPO_ROOT, 'dist', 'k8s.js')).size / 1024,
  },
  {
    name: 'bundle size dist/forge.js (forge clients, loaded on the first pull request command)',
    unit: 'KiB',
    runs: 1,
    better: 'lower',
    measure: () => fs.statSync(path.join(REPO_ROOT, 'dist', 'forge.js')).size / 1024,
  },
  {
    name: 'bundle size dist/cli.js',
    unit: 'KiB',
    runs: 1,
    better: 'lower',
    measure: () => fs.statSync(path.join(REPO_ROOT, 'dist', 'cli.js')).size / 1024,
  },
  {
    name: 'cold require + activate (stubbed host)',
    unit: 'ms',
    runs: 20,
    warmup: 2,
    better: 'lower',
    measure: () => probe().totalMs,
  },
  {
    name: 'cold require of dist/extension.js',
    unit: 'ms',
    runs: 20,
    warmup: 2,
    better: 'lower',
    measure: () => probe().requireMs,
  },
];
