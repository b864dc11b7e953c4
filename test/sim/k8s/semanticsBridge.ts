/**
 * The server's one door to the pure object semantics in ./semantics/, so the server's modules name a
 * single `semantics` object rather than six modules.
 */
import { recordUpdate, serverSideApply } from './semantics/apply';
import { applyDefaults } from './semantics/defaults';
import { applyJsonPatch } from './semantics/jsonPatch';
import { builtinSchemaInfo, schemaInfoFromOpenAPI } from './semantics/listSemantics';
import { applyMergePatch } from './semantics/mergePatch';
import { applyStrategicMergePatch } from './semantics/strategicMerge';
import type { KubeObject, SchemaInfo } from './types';

export const semantics = {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch: (target: KubeObject, patch: unknown, schema: SchemaInfo): KubeObject =>
    applyStrategicMergePatch(target, patch as Record<string, unknown>, schema),
  serverSideApply,
  recordUpdate,
  applyDefaults,
  builtinSchemaInfo,
  schemaInfoFromOpenAPI: (schema: unknown): SchemaInfo => schemaInfoFromOpenAPI(schema as Record<string, unknown> | undefined),
};
