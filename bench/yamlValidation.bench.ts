/**
 * Validation latency of a 1,000-document manifest file (Deployments, Services, ConfigMaps) through
 * yaml-language-server with our composed schemas, as the extension's server validates a file after
 * an edit: the schema is resolved once (first case), then each validation re-parses and re-checks
 * every document (second case). Also the per-request work on the extension side: the kind scan and
 * schema URI of the file, which runs on every validation request.
 *
 * First figures (2 cores shared with other work): cold 37–49 s, warm 16–49 s, schema URI 5–12 ms.
 * Far too slow for a 1,000-document file; see the report of issue 7 for where the time is likely spent.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import { SchemaRegistry } from '../src/core/schema/registry';
import { readBuiltinLayer } from '../src/infra/schema/builtinBundle';
import { createYamlService } from '../src/infra/schema/yamlService';
import { REPO_ROOT } from '../test/support/paths';
import type { BenchCase } from './harness';
import { generateManifests } from './yamlParse.bench';

const TEXT = generateManifests(1000);
let version = 0;

function fresh(): { validate: () => Promise<number>; registry: SchemaRegistry } {
  const registry = new SchemaRegistry(() => readBuiltinLayer(REPO_ROOT));
  const ls = createYamlService(registry, () => TEXT);
  return {
    registry,
    validate: async () => (await ls.doValidation(TextDocument.create('file:///bench/manifests.yaml', 'yaml', ++version, TEXT), false)).length,
  };
}

const warm = fresh();

const timed = async (fn: () => unknown): Promise<number> => {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
};

export const cases: BenchCase[] = [
  {
    name: 'yamlValidation: 1,000 docs cold (bundle + schema resolve + validate)',
    unit: 'ms',
    runs: 1,
    better: 'lower',
    measure: () => timed(() => fresh().validate()),
  },
  {
    name: 'yamlValidation: 1,000 docs warm (validate after an edit)',
    unit: 'ms',
    runs: 3,
    warmup: 1,
    better: 'lower',
    measure: () => timed(() => warm.validate()),
  },
  {
    name: 'yamlValidation: schema URI of a 1,000-doc file (per request)',
    unit: 'ms',
    runs: 50,
    warmup: 2,
    better: 'lower',
    measure: () => timed(() => warm.registry.schemaUriFor(TEXT)),
  },
];
