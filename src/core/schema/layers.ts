/**
 * Schema layers and the per-file schema the language server validates with.
 *
 * A layer maps `apiVersion/kind` to a definition in its own definition table: the offline bundle
 * generated from kubernetes-models (schemas/kubernetes.schema.json) is one layer, and each connected
 * cluster's `/openapi/v3` is another that takes precedence for the kinds it serves, so a document is
 * checked against the version the cluster actually runs.
 *
 * yaml-language-server applies one schema to every document of a file (it validates the documents of
 * a multi-document file one by one against the same schema). So the schema of a file is an `allOf`
 * of draft-07 `if`/`then` pairs, one per kind the file holds: a document gets the constraints of the
 * kind whose `apiVersion` and `kind` it names, and a document naming none gets none.
 */
import { kindKey, type GroupVersionKind } from './kinds';

export type JsonSchema = { [key: string]: unknown };

export interface SchemaLayer {
  /** For logs and the schema's `$comment`: `offline bundle`, `cluster sim-argo`. */
  readonly label: string;
  /** `apiVersion/kind` → definition name in `definitions`. */
  readonly kinds: ReadonlyMap<string, string>;
  /** Definition names are unique across layers (cluster layers prefix theirs); refs are `#/definitions/<name>`. */
  readonly definitions: Readonly<Record<string, JsonSchema>>;
}

/** The shape of schemas/kubernetes.schema.json (written by scripts/generateSchemas.ts). */
export interface SchemaBundleJson {
  readonly sources?: Record<string, string>;
  readonly kinds: Record<string, string>;
  readonly definitions: Record<string, JsonSchema>;
}

export function layerFromBundle(bundle: SchemaBundleJson, label = 'offline bundle'): SchemaLayer {
  return { label, kinds: new Map(Object.entries(bundle.kinds)), definitions: bundle.definitions };
}

const REF_PREFIX = '#/definitions/';

/** Definition names a schema refers to, directly or through other definitions of the layer. */
function referencedDefinitions(layer: SchemaLayer, root: string, into = new Set<string>()): Set<string> {
  const stack = [root];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (into.has(name)) continue;
    const def = layer.definitions[name];
    if (def === undefined) continue;
    into.add(name);
    collectRefs(def, stack);
  }
  return into;
}

function collectRefs(node: unknown, out: string[]): void {
  if (Array.isArray(node)) {
    for (const n of node) collectRefs(n, out);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith(REF_PREFIX)) out.push(v.slice(REF_PREFIX.length));
    else if (typeof v === 'object') collectRefs(v, out);
  }
}

/** The first layer that knows the kind, and its definition. */
export function resolveKind(layers: readonly SchemaLayer[], gvk: GroupVersionKind): { layer: SchemaLayer; definition: string } | undefined {
  const key = kindKey(gvk.apiVersion, gvk.kind);
  for (const layer of layers) {
    const definition = layer.kinds.get(key);
    if (definition !== undefined && layer.definitions[definition] !== undefined) return { layer, definition };
  }
  return undefined;
}

/**
 * The schema for a file holding these kinds (earlier layers win), or undefined when no layer knows
 * any of them. Only definitions the kinds reach are included.
 */
export function composeSchema(layers: readonly SchemaLayer[], kinds: readonly GroupVersionKind[]): JsonSchema | undefined {
  const allOf: JsonSchema[] = [];
  const definitions: Record<string, JsonSchema> = {};
  const sources = new Set<string>();
  for (const gvk of kinds) {
    const found = resolveKind(layers, gvk);
    if (!found) continue;
    sources.add(found.layer.label);
    for (const name of referencedDefinitions(found.layer, found.definition)) definitions[name] ??= found.layer.definitions[name]!;
    allOf.push({
      if: {
        properties: { apiVersion: { const: gvk.apiVersion }, kind: { const: gvk.kind } },
        required: ['apiVersion', 'kind'],
      },
      then: { $ref: `${REF_PREFIX}${found.definition}` },
    });
  }
  if (allOf.length === 0) return undefined;
  return { $comment: `GitOps Lens: ${[...sources].join(', ')}`, allOf, definitions };
}
