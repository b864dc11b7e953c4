/**
 * Run in a fresh Node process by activation.bench.ts: require()s the bundled extension with a cold
 * module cache and calls activate(), printing the milliseconds both took as JSON, and the files the
 * extension read or looked at from activate() until the event loop settled, with no view shown
 * (issue 18: nothing reads files before a view is shown). Also says whether the features (composition.ts,
 * bundled as dist/features.js) were loaded; with GITOPS_LENS_PROBE_COMMAND set to a command id, runs
 * that command after activation as a first use and prints how long it took to start. The window can
 * show the views (GITOPS_LENS_PROBE_VIEWS_VISIBLE=1) or hold an open document (GITOPS_LENS_PROBE_OPEN=
 * languageId:path).
 */
import fs = require('node:fs');
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { commandHandlers, installVscodeStub } from './vscodeStub';

const open = process.env.GITOPS_LENS_PROBE_OPEN?.match(/^([^:]+):(.+)$/);
const record = installVscodeStub(
  {},
  {
    viewsVisible: process.env.GITOPS_LENS_PROBE_VIEWS_VISIBLE === '1',
    documents: open ? [{ languageId: open[1]!, path: open[2]!, text: 'greeting: hello\n' }] : [],
  },
);
const bundle = path.resolve(process.argv[2] ?? 'dist/extension.js');
const context = { subscriptions: [] as Array<{ dispose(): void }>, extensionPath: path.dirname(path.dirname(bundle)) };

/** Wraps the fs calls that read or look at a path; the module loader's own reads happen before. */
function watchFiles(): string[] {
  const touched: string[] = [];
  const target = fs as unknown as Record<string, unknown>;
  const promises = fs.promises as unknown as Record<string, unknown>;
  const names = ['readFileSync', 'readFile', 'statSync', 'stat', 'lstatSync', 'existsSync', 'readdirSync', 'readdir', 'watch', 'watchFile', 'openSync', 'open', 'accessSync', 'access'];
  for (const [owner, prefix] of [
    [target, ''],
    [promises, 'promises.'],
  ] as const) {
    for (const name of names) {
      const original = owner[name];
      if (typeof original !== 'function') continue;
      owner[name] = function (this: unknown, ...args: unknown[]) {
        touched.push(`${prefix}${name} ${String(args[0])}`);
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      };
    }
  }
  return touched;
}

const t0 = performance.now();
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle's path is only known at run time
const ext = require(bundle) as { activate(ctx: unknown): unknown };
const t1 = performance.now();
const touched = watchFiles();
ext.activate(context);
const t2 = performance.now();
/** The features' module, bundled (dist/features.js) or compiled (out/src/composition.js). */
const featuresLoaded = () => ['features.js', 'composition.js'].some((f) => require.cache[path.join(path.dirname(bundle), f)] !== undefined);
const loadedAtActivation = featuresLoaded();
const command = process.env.GITOPS_LENS_PROBE_COMMAND;
let firstUseMs: number | undefined;
if (command) {
  const handler = commandHandlers.get(command);
  if (!handler) throw new Error(`${command} was not registered`);
  const t3 = performance.now();
  void handler();
  firstUseMs = performance.now() - t3;
}
// What activate started without awaiting (a first kubeconfig load, say) runs within a few turns.
setTimeout(() => {
  const loaded = { atActivation: loadedAtActivation, atEnd: featuresLoaded() };
  const out = JSON.stringify({ requireMs: t1 - t0, activateMs: t2 - t1, totalMs: t2 - t0, firstUseMs, featuresLoaded: loaded, filesTouched: touched, ...record }) + '\n';
  for (const d of context.subscriptions) d.dispose();
  // Exit once the output is written: a pipe takes 64 KiB at a time.
  process.stdout.write(out, () => process.exit(0));
}, 50);
