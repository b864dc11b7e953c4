// esbuild options shared by the build and the bundling test (test/unit/bundle.test.ts), so the test
// proves what the build does: CommonJS for Node 20 with ESM-only dependencies converted inline.
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

// ESM packages that read import.meta.url get the CommonJS equivalent.
export const IMPORT_META_BANNER = "const __import_meta_url = require('url').pathToFileURL(__filename).href;";

export function bundleOptions({ production = true } = {}) {
  return {
    bundle: true,
    platform: 'node',
    // Prefer ESM entry points: the UMD builds of jsonc-parser and vscode-json-languageservice (used
    // by yaml-language-server) load their parts with a dynamic require that a bundle cannot resolve.
    mainFields: ['module', 'main'],
    format: 'cjs',
    target: 'node20',
    sourcemap: production ? false : 'linked',
    minify: production,
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
    define: { GITOPS_LENS_VERSION: JSON.stringify(pkg.version), 'import.meta.url': '__import_meta_url' },
    // vscode is provided by the host; bufferutil/utf-8-validate are optional native speed-ups of ws.
    external: ['vscode', 'bufferutil', 'utf-8-validate'],
    banner: { js: IMPORT_META_BANNER },
  };
}
