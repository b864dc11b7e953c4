/**
 * Run in a fresh Node process by activation.bench.ts: the milliseconds a cold require() of one file
 * takes (the activation floor: a bundle of the two YAML libraries alone, bench/support/yamlFloorEntry.ts).
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

const file = path.resolve(process.argv[2] ?? '');
const t0 = performance.now();
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the file is only known at run time
require(file);
process.stdout.write(JSON.stringify({ requireMs: performance.now() - t0 }) + '\n');
