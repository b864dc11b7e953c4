/**
 * Run in a fresh Node process by activation.bench.ts: require()s the bundled extension with a cold
 * module cache and calls activate(), printing the milliseconds both took as JSON.
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { installVscodeStub } from './vscodeStub';

const record = installVscodeStub();
const bundle = path.resolve(process.argv[2] ?? 'dist/extension.js');
const context = { subscriptions: [] as Array<{ dispose(): void }>, extensionPath: path.dirname(path.dirname(bundle)) };

const t0 = performance.now();
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle's path is only known at run time
const ext = require(bundle) as { activate(ctx: unknown): unknown };
const t1 = performance.now();
ext.activate(context);
const t2 = performance.now();
process.stdout.write(JSON.stringify({ requireMs: t1 - t0, activateMs: t2 - t1, totalMs: t2 - t0, ...record }) + '\n');
for (const d of context.subscriptions) d.dispose();
