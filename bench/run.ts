/**
 * `npm run bench`: runs every compiled bench/*.bench.ts (optionally only names matching argv[2]),
 * prints a table and writes bench/results.json. Speed targets are checked here, never in tests.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatTable, runCase, type BenchCase, type BenchResult } from './harness';
import { REPO_ROOT } from '../test/support/paths';

async function main(): Promise<void> {
  const filter = process.argv[2];
  // Compiled (`npm run bench`) or straight from source (`npx tsx bench/run.ts NAME`) for one case.
  const ext = __filename.endsWith('.ts') ? '.bench.ts' : '.bench.js';
  const files = fs.readdirSync(__dirname).filter((f) => f.endsWith(ext)).sort();
  const results: BenchResult[] = [];
  for (const f of files) {
    // A bench module may hold servers open for its cases; `teardown` closes them.
    const mod = (await import(path.join(__dirname, f))) as { cases: BenchCase[]; teardown?: () => Promise<void> };
    try {
      for (const c of mod.cases) {
        if (filter && !c.name.includes(filter)) continue;
        process.stderr.write(`running ${c.name} ...\n`);
        results.push(await runCase(c));
      }
    } finally {
      await mod.teardown?.();
    }
  }
  console.log(formatTable(results));
  const out = path.join(REPO_ROOT, 'bench', 'results.json');
  const machine = { node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', platform: `${os.platform()} ${os.arch()}` };
  fs.writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), machine, results }, null, 2) + '\n');
  console.log(`\nwrote ${path.relative(process.cwd(), out)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
