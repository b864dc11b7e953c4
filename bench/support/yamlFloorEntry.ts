/**
 * The activation floor of issue 18: the two YAML libraries the extension loaded at activation,
 * bundled alone with the extension's esbuild options (activation.bench.ts builds it).
 */
import * as yaml from 'yaml';
import * as jsyaml from 'js-yaml';

export const libraries = [yaml, jsyaml];
