// Bundles the extension and the CLI with esbuild: CommonJS for Node 20, `vscode` left external.
// The ESM-only dependencies (@kubernetes/client-node) are converted by esbuild into the bundle.
import { build } from 'esbuild';
import { readFileSync, statSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const production = !process.argv.includes('--dev');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: production ? false : 'linked',
  minify: production,
  keepNames: true,
  legalComments: 'none',
  logLevel: 'warning',
  define: { GITOPS_LENS_VERSION: JSON.stringify(pkg.version) },
  // Optional native speed-ups of ws; their absence is handled at run time.
  external: ['vscode', 'bufferutil', 'utf-8-validate'],
  // ESM packages that use import.meta.url get a CommonJS equivalent.
  banner: { js: "const __import_meta_url = require('url').pathToFileURL(__filename).href;" },
  inject: [],
};

const entries = [
  // The first statement of the bundle starts the activation clock (read in src/extension.ts).
  {
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    banner: { js: `var __gitopsLensLoadStart = performance.now();\n${common.banner.js}` },
  },
  { entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', banner: { js: `#!/usr/bin/env node\n${common.banner.js}` } },
];

await Promise.all(
  entries.map((e) => build({ ...common, ...e, define: { ...common.define, 'import.meta.url': '__import_meta_url' } })),
);
for (const e of entries) console.log(`${e.outfile}  ${(statSync(e.outfile).size / 1024).toFixed(1)} KiB`);
