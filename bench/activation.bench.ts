import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../test/support/paths';
import type { BenchCase } from './harness';

const BUNDLE = path.join(REPO_ROOT, 'dist', 'extension.js');
const PROBE = path.join(__dirname, 'support', 'activateProbe.js');
const REQUIRE_PROBE = path.join(__dirname, 'support', 'requireProbe.js');
/** The floor of issue 18: `yaml` and `js-yaml` alone, bundled with the extension's esbuild options. */
const FLOOR_BUNDLE = path.join(REPO_ROOT, 'out', 'bench', 'yamlFloor.js');

let floorBuilt: Promise<void> | undefined;
function buildFloor(): Promise<void> {
  floorBuilt ??= (async () => {
    const { build } = await import('esbuild');
    // A dynamic import() that TypeScript's CommonJS output keeps as import() (the config is ESM).
    const load = new Function('u', 'return import(u)') as (u: string) => Promise<{ bundleOptions(o: { production: boolean }): Record<string, unknown> }>;
    const { bundleOptions } = await load(pathToFileURL(path.join(REPO_ROOT, 'scripts', 'esbuild.config.mjs')).href);
    await build({ ...bundleOptions({ production: true }), entryPoints: [path.join(REPO_ROOT, 'bench', 'support', 'yamlFloorEntry.ts')], outfile: FLOOR_BUNDLE });
  })();
  return floorBuilt;
}

async function floorMs(): Promise<number> {
  await buildFloor();
  const r = spawnSync(process.execPath, [REQUIRE_PROBE, FLOOR_BUNDLE], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`floor probe failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { requireMs: number }).requireMs;
}

interface ProbeResult {
  requireMs: number;
  activateMs: number;
  totalMs: number;
  firstUseMs?: number;
  featuresLoaded: { atActivation: boolean; atEnd: boolean };
  commands: string[];
  treeViews: string[];
  filesTouched: string[];
}

/** `command`: run it after activation, as the first use that loads dist/features.js. */
function probe(command?: string): ProbeResult {
  const env: NodeJS.ProcessEnv = { ...process.env, KUBECONFIG: '' };
  if (command) env.GITOPS_LENS_PROBE_COMMAND = command;
  else delete env.GITOPS_LENS_PROBE_COMMAND;
  const r = spawnSync(process.execPath, [PROBE, BUNDLE], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(`activation probe failed: ${r.stderr}`);
  const result = JSON.parse(r.stdout) as ProbeResult;
  // A probe that registered nothing measured nothing.
  if (result.commands.length === 0 || result.treeViews.length === 0) throw new Error('activate() registered no commands or views');
  // Activation must not load the features; a first use must (else it measured nothing).
  if (result.featuresLoaded.atActivation) throw new Error('activate() loaded dist/features.js');
  if (command && !result.featuresLoaded.atEnd) throw new Error(`${command} did not load dist/features.js`);
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
    name: 'bundle size dist/features.js (everything past the stand-ins, loaded on first use)',
    unit: 'KiB',
    runs: 1,
    better: 'lower',
    measure: () => fs.statSync(path.join(REPO_ROOT, 'dist', 'features.js')).size / 1024,
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
    name: 'activation floor: cold require of yaml + js-yaml alone (bundled)',
    unit: 'ms',
    runs: 20,
    warmup: 2,
    better: 'lower',
    measure: () => floorMs(),
  },
  {
    // Both in each run, one after the other, so machine load touches both alike (target ≤ 1).
    name: 'activation ratio: require + activate / floor (target ≤ 1)',
    unit: '×',
    runs: 20,
    warmup: 2,
    better: 'lower',
    measure: async () => {
      const floor = await floorMs();
      return probe().totalMs / floor;
    },
  },
  {
    // Issue 18: nothing reads files before a view is shown (the kubeconfig is read for the views).
    name: 'activation: files read or stat-ed from activate() with no view shown (target 0)',
    unit: 'files',
    runs: 1,
    better: 'lower',
    measure: () => probe().filesTouched.length,
  },
  {
    // What activation no longer does: the first command (or view shown, YAML document…) pays it once.
    name: 'first use after activation: require dist/features.js + compose, running Clear Filter (stubbed host)',
    unit: 'ms',
    runs: 20,
    warmup: 2,
    better: 'lower',
    measure: () => probe('gitopsLens.clearFilter').firstUseMs ?? Number.NaN,
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
