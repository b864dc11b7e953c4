/**
 * Entry of `dist/yamlLibs.js`: the two YAML libraries, bundled apart from the extension and required
 * on the first parse (scripts/build.mjs lazyYamlLibraries), so activation neither parses nor runs their
 * 160 KiB (issue 18). The CLI and the tests import `yaml` and `js-yaml` directly.
 */
export * as yaml from 'yaml';
export * as jsyaml from 'js-yaml';
