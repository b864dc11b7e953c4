// Bundles the extension and the CLI (see esbuild.config.mjs). `--dev` keeps them readable with
// source maps for tests and debugging.
import { analyzeMetafile, build } from 'esbuild';
import { copyFileSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { IMPORT_META_BANNER, bundleOptions } from './esbuild.config.mjs';

const options = bundleOptions({ production: !process.argv.includes('--dev') });

// Everything but the stand-ins registered at activation lives in dist/features.js (issue 18): in the
// extension bundle src/activation.ts's require of './composition' becomes a require of './features.js',
// built from src/composition.ts on the first command, view shown, YAML document or provider call. The
// objects both sides use (output channel, tree views) are made in activation.ts and passed in.
const lazyFeatures = {
  name: 'lazy-features',
  setup(b) {
    b.onResolve({ filter: /^\.\/composition$/ }, (args) => (/[\\/]src[\\/]activation\.ts$/.test(args.importer) ? { path: './features.js', external: true } : undefined));
  },
};

// client-node (about 1 MB bundled) lives in dist/k8s.js, loaded on the first cluster connection:
// in the extension bundle, src/infra/k8s/lazy.ts's requires of './informerPool', './clusterAccess' and
// './kubeClient' become a require of './k8s.js', which exports all three (one copy of client-node, and
// the connections lazy.ts builds are the class the informer pool expects).
const lazyK8s = {
  name: 'lazy-k8s',
  setup(b) {
    b.onResolve({ filter: /^\.\/(informerPool|clusterAccess|kubeClient)$/ }, (args) =>
      /[\\/]infra[\\/]k8s[\\/]lazy\.ts$/.test(args.importer) ? { path: './k8s.js', external: true } : undefined,
    );
  },
};

// vscode-languageclient lives in dist/yamlClient.js, required by src/vscode/yaml/yamlAuthoring.ts on
// the first Kubernetes YAML document; yaml-language-server runs as its own process from dist/yamlServer.js.
const lazyYamlClient = {
  name: 'lazy-yaml-client',
  setup(b) {
    b.onResolve({ filter: /^\.\/yamlClient$/ }, (args) =>
      /[\\/]vscode[\\/]yaml[\\/]yamlAuthoring\.ts$/.test(args.importer) ? { path: './yamlClient.js', external: true } : undefined,
    );
  },
};

// The forge clients (@octokit/rest, @gitbeaker/rest) live in dist/forge.js, required by
// src/infra/forge/lazy.ts on the first pull request command.
const lazyForge = {
  name: 'lazy-forge',
  setup(b) {
    b.onResolve({ filter: /^\.\/createForgeClient$/ }, (args) =>
      /[\\/]infra[\\/]forge[\\/]lazy\.ts$/.test(args.importer) ? { path: './forge.js', external: true } : undefined,
    );
  },
};

// yaml and js-yaml (about 160 KiB, as long to load as the rest of activation) live in dist/yamlLibs.js,
// required on the first parse rather than at activation (issue 18): in the extension bundle an import
// of either from our sources gets a module of getters, one per export, that requires dist/yamlLibs.js
// (src/infra/yamlLibraries.ts) the first time one is read.
const require = createRequire(import.meta.url);
const lazyYamlLibraries = {
  name: 'lazy-yaml-libraries',
  setup(b) {
    b.onResolve({ filter: /^(yaml|js-yaml)$/ }, (args) => (/[\\/]src[\\/]/.test(args.importer) ? { path: args.path, namespace: 'lazy-library' } : undefined));
    b.onResolve({ filter: /^\.\/yamlLibs\.js$/, namespace: 'lazy-library' }, () => ({ path: './yamlLibs.js', external: true }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-library' }, (args) => {
      const names = Object.keys(require(args.path)).filter((n) => n !== 'default' && n !== '__esModule');
      const member = args.path === 'yaml' ? 'yaml' : 'jsyaml';
      const contents = [
        'let library;',
        `const load = () => (library ??= require('./yamlLibs.js').${member});`,
        "Object.defineProperty(exports, '__esModule', { value: true });",
        `for (const name of ${JSON.stringify(names)}) Object.defineProperty(exports, name, { enumerable: true, get: () => load()[name] });`,
      ].join('\n');
      return { contents, loader: 'js' };
    });
  },
};

// Node's own modules that load others (http, https and tls load net and streams, crypto and fs/promises
// streams and readline, child_process and worker_threads theirs) cost a fresh process several
// milliseconds to initialise; the views need none of them. In the extension bundle an import of one from our sources gets a module of getters
// that requires the real one the first time a member is read (git, renderers, Argo CD API, Lua).
const LAZY_BUILTINS = /^node:(child_process|crypto|fs\/promises|http|https|tls|worker_threads)$/;
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: LAZY_BUILTINS }, (args) => (/[\\/]src[\\/]/.test(args.importer) && args.namespace === 'file' ? { path: args.path, namespace: 'lazy-builtin' } : undefined));
    b.onResolve({ filter: LAZY_BUILTINS, namespace: 'lazy-builtin' }, (args) => ({ path: args.path, external: true }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => {
      const names = Object.keys(require(args.path)).filter((n) => n !== 'default' && n !== '__esModule');
      const contents = [
        'let mod;',
        `const load = () => (mod ??= require(${JSON.stringify(args.path)}));`,
        "Object.defineProperty(exports, '__esModule', { value: true });",
        `for (const name of ${JSON.stringify(names)}) Object.defineProperty(exports, name, { enumerable: true, get: () => load()[name] });`,
        "Object.defineProperty(exports, 'default', { enumerable: false, get: () => load() });",
      ].join('\n');
      return { contents, loader: 'js' };
    });
  },
};

const entries = [
  // The first statement of the bundle starts the activation clock (read in src/extension.ts).
  { entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', plugins: [lazyFeatures, lazyK8s, lazyYamlClient, lazyForge, lazyYamlLibraries, lazyBuiltins], banner: { js: `var __gitopsLensLoadStart = performance.now();\n${IMPORT_META_BANNER}` } },
  { entryPoints: ['src/composition.ts'], outfile: 'dist/features.js', plugins: [lazyK8s, lazyYamlClient, lazyForge, lazyYamlLibraries, lazyBuiltins] },
  { entryPoints: ['src/infra/k8s/bundleEntry.ts'], outfile: 'dist/k8s.js' },
  { entryPoints: ['src/infra/yamlLibraries.ts'], outfile: 'dist/yamlLibs.js' },
  { entryPoints: ['src/vscode/yaml/yamlClient.ts'], outfile: 'dist/yamlClient.js' },
  { entryPoints: ['src/infra/forge/createForgeClient.ts'], outfile: 'dist/forge.js' },
  { entryPoints: ['src/infra/schema/yamlServerMain.ts'], outfile: 'dist/yamlServer.js' },
  // argocd-cm Lua health scripts run in this worker thread (src/infra/lua/luaRunner.ts), next to glue.wasm.
  { entryPoints: ['src/infra/lua/luaWorker.ts'], outfile: 'dist/luaWorker.js' },
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: `#!/usr/bin/env node\n${IMPORT_META_BANNER}` } },
];
// `--analyze` prints what each module adds to the bundles loaded at activation and on first use (what
// to make lazy next), and writes each bundle's metafile beside it (dist/<name>.meta.json).
const analyze = process.argv.includes('--analyze');
const results = await Promise.all(entries.map((e) => build({ ...options, ...e, metafile: analyze })));
if (analyze) {
  for (const [i, e] of entries.entries()) writeFileSync(e.outfile.replace(/\.js$/, '.meta.json'), JSON.stringify(results[i].metafile));
  for (const i of [0, 1]) console.log(await analyzeMetafile(results[i].metafile));
}
// yaml-language-server reads its English message bundle at initialize (l10nPath, set by src/vscode/yaml/yamlClient.ts).
mkdirSync('dist/l10n', { recursive: true });
copyFileSync('node_modules/yaml-language-server/l10n/bundle.l10n.json', 'dist/l10n/bundle.l10n.json');
// wasmoon's Lua 5.4 in WebAssembly, loaded by dist/luaWorker.js from its own directory.
copyFileSync('node_modules/wasmoon/dist/glue.wasm', 'dist/glue.wasm');
for (const e of entries) console.log(`${e.outfile}  ${(statSync(e.outfile).size / 1024).toFixed(1)} KiB`);
