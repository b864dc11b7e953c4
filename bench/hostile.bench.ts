/**
 * Hostile inputs (issue 12) against their target: refused "within a second, in bounded memory". Each
 * case is the whole read of one file as the CLI and the lenses do it (parseManifests, or the bounded
 * walk and copy of a render): the billion-laughs file refused at its alias, a 17 KB document that
 * aliases as much as Kubernetes accepts (about 400,000 nodes once expanded) read and measured, a
 * document nested 100,000 deep refused, and a folder whose links loop refused. The figures are time;
 * the memory bound is asserted by test/unit/cli/cliHostile.test.ts (the CLI under a 256 MB heap).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseManifests } from '../src/core/manifest/documents';
import { collectFiles } from '../src/infra/render/tempTree';
import { REPO_ROOT } from '../test/support/paths';
import type { BenchCase } from './harness';

const LAUGHS = fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'hostile', 'files', 'billionLaughs.yaml'), 'utf8');

/** Ten strings, ten aliases of them, then 3,270 aliases of those next to 380 plain keys: just under go-yaml's line. */
function widest(): string {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: wide', 'data:'];
  lines.push(`  a: &a [${Array.from({ length: 10 }, (_, i) => `v${i}`).join(', ')}]`, `  c: &c [${Array(10).fill('*a').join(', ')}]`);
  for (let i = 0; i < 380; i++) lines.push(`  u${i}: w`);
  lines.push(`  b: [${Array(3270).fill('*c').join(', ')}]`);
  return `${lines.join('\n')}\n`;
}
const WIDEST = widest();
const DEEP = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n  x: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;

function timed(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function parseCase(name: string, text: string, expect: 'refused' | 'read'): BenchCase {
  return {
    name,
    unit: 'ms',
    runs: 10,
    warmup: 2,
    better: 'lower',
    measure: () =>
      timed(() => {
        const p = parseManifests(text);
        if ((p.problems.length > 0) !== (expect === 'refused')) throw new Error(`${name}: expected ${expect}, got ${JSON.stringify(p.problems)}`);
      }),
  };
}

let loopDir: string | undefined;
function loopFolder(): string {
  if (loopDir) return loopDir;
  loopDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitops-lens-bench-loop-'));
  fs.mkdirSync(path.join(loopDir, 'sub'));
  fs.writeFileSync(path.join(loopDir, 'kustomization.yaml'), 'resources: []\n');
  fs.symlinkSync('.', path.join(loopDir, 'sub', 'a'));
  fs.symlinkSync('.', path.join(loopDir, 'sub', 'b'));
  return loopDir;
}

export const cases: BenchCase[] = [
  parseCase('hostile: billion laughs refused at its alias (target < 1000 ms)', LAUGHS, 'refused'),
  parseCase(`hostile: most aliasing Kubernetes accepts, ${(WIDEST.length / 1024).toFixed(0)} KB read and measured`, WIDEST, 'read'),
  parseCase('hostile: nesting 100,000 deep refused (target < 1000 ms)', DEEP, 'refused'),
  {
    name: 'hostile: render copy of a folder with links a -> ., b -> . refused (target < 1000 ms)',
    unit: 'ms',
    runs: 10,
    warmup: 2,
    better: 'lower',
    measure: async () => {
      const dir = loopFolder();
      const t0 = process.hrtime.bigint();
      const refused = await collectFiles([dir], dir, new Map(), 5000).then(
        () => false,
        () => true,
      );
      if (!refused) throw new Error('the loop was copied');
      return Number(process.hrtime.bigint() - t0) / 1e6;
    },
  },
];

export async function teardown(): Promise<void> {
  if (loopDir) fs.rmSync(loopDir, { recursive: true, force: true });
}
