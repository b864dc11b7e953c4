/**
 * The server's only door to the pure object semantics in ./semantics/ (written in parallel by a
 * colleague). Modules are loaded lazily so the server runs — and says clearly what is missing — while
 * a module has not landed yet. Signatures are the agreed ones from the task brief.
 */
import type { GroupVersionKind, KubeObject, ManagedFieldsEntry, SchemaInfo } from './types';
import { StatusError } from './types';

type AnyFn = (...args: never[]) => unknown;

function load(module: string, fn: string): AnyFn | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require(`./semantics/${module}`) as Record<string, unknown>;
    const f = m[fn];
    return typeof f === 'function' ? (f as AnyFn) : undefined;
  } catch (e) {
    if ((e as { code?: string }).code === 'MODULE_NOT_FOUND' && String((e as Error).message).includes(`semantics/${module}`)) return undefined;
    throw e;
  }
}

function need(module: string, fn: string): (...args: unknown[]) => unknown {
  const f = load(module, fn);
  if (!f) throw new StatusError(500, 'InternalError', `simulator: semantics/${module}.${fn} is not available yet`);
  return f as unknown as (...args: unknown[]) => unknown;
}

export interface ApplyArgs {
  live: KubeObject | undefined;
  applied: KubeObject;
  manager: string;
  force: boolean;
  schema: SchemaInfo;
  now: string;
  subresource?: string;
}

export interface RecordArgs {
  before: KubeObject | undefined;
  after: KubeObject;
  manager: string;
  schema: SchemaInfo;
  now: string;
  subresource?: string;
  apiVersion: string;
}

export const semantics = {
  applyJsonPatch: (doc: unknown, ops: unknown): unknown => need('jsonPatch', 'applyJsonPatch')(doc, ops),
  applyMergePatch: (target: unknown, patch: unknown): unknown => need('mergePatch', 'applyMergePatch')(target, patch),
  applyStrategicMergePatch: (target: KubeObject, patch: unknown, schema: SchemaInfo): KubeObject =>
    need('strategicMerge', 'applyStrategicMergePatch')(target, patch, schema) as KubeObject,
  serverSideApply: (args: ApplyArgs): KubeObject => need('apply', 'serverSideApply')(args) as KubeObject,
  /** managedFields after a non-apply write; undefined when the module has not landed (managedFields then stay as they were). */
  recordUpdate: (args: RecordArgs): ManagedFieldsEntry[] | undefined => {
    const f = load('apply', 'recordUpdate');
    return f ? ((f as unknown as (a: RecordArgs) => ManagedFieldsEntry[])(args)) : undefined;
  },
  /** Defaulted copy; identity until semantics/defaults.ts lands. */
  applyDefaults: (obj: KubeObject): KubeObject => {
    const f = load('defaults', 'applyDefaults');
    return f ? (f as unknown as (o: KubeObject) => KubeObject)(obj) : obj;
  },
  builtinSchemaInfo: (gvk: GroupVersionKind): SchemaInfo | undefined => {
    const f = load('listSemantics', 'builtinSchemaInfo');
    return f ? (f as unknown as (g: GroupVersionKind) => SchemaInfo)(gvk) : undefined;
  },
  schemaInfoFromOpenAPI: (schema: unknown): SchemaInfo | undefined => {
    const f = load('listSemantics', 'schemaInfoFromOpenAPI');
    return f ? (f as unknown as (s: unknown) => SchemaInfo)(schema) : undefined;
  },
};
