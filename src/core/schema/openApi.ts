/**
 * A cluster's OpenAPI v3 documents (`GET /openapi/v3` lists one per group-version, each with
 * `components.schemas`) as a schema layer. Kinds come from each schema's
 * `x-kubernetes-group-version-kind`; this covers built-in kinds and every served CRD version, whose
 * structural schema the API server publishes there too (Kubernetes docs, "Publish Validation Schema in
 * OpenAPI", GA in 1.27).
 *
 * OpenAPI 3.0 dialect → JSON Schema (draft-07, what yaml-language-server validates):
 * - `$ref: #/components/schemas/X` → `#/definitions/<prefix>X`;
 * - `nullable: true` adds `null` to `type`;
 * - `x-kubernetes-int-or-string` becomes `type: [integer, string]`;
 * - `allOf: [{$ref}]` with only annotations beside it (how the API server keeps a field's description
 *   and default next to a reference) becomes `$ref` with those annotations as siblings, which
 *   yaml-language-server keeps for hover without evaluating one more subschema per node;
 * - meta/v1 Time and MicroTime also accept `null`: Go marshals their zero value as `null`
 *   (apimachinery pkg/apis/meta/v1/time.go), hence `creationTimestamp: null` in `kubectl … -o yaml`;
 * - an object with `properties` and no `additionalProperties` or `x-kubernetes-preserve-unknown-fields`
 *   gets `additionalProperties: false`: the API server drops or, with strict field validation (the
 *   kubectl default since 1.27), rejects unknown fields, so an unknown field is worth a diagnostic.
 */
import type { JsonSchema, SchemaLayer } from './layers';
import { kindKey } from './kinds';
import { isRecord } from '../json';

const COMPONENT_REF = '#/components/schemas/';
const NULLABLE_TIME = /^io\.k8s\.apimachinery\.pkg\.apis\.meta\.v1\.(Micro)?Time$/;
/** Keywords that annotate rather than constrain: safe beside a `$ref` (yaml-language-server REF_SIBLING_NONCONSTRAINT_KEYS). */
const ANNOTATIONS = new Set(['description', 'default', 'title', 'example', 'examples']);

interface GroupVersionKindExt {
  readonly group?: unknown;
  readonly version?: unknown;
  readonly kind?: unknown;
}

/** `paths` of the `/openapi/v3` index: group-version path → `serverRelativeURL` to fetch. */
export function openApiDocumentUrls(index: unknown): string[] {
  const paths = isRecord(index) && isRecord(index.paths) ? index.paths : {};
  const out: string[] = [];
  for (const [p, entry] of Object.entries(paths)) {
    // Group-version documents only (`api/v1`, `apis/apps/v1`); `apis`, `version`, `.well-known/…` carry no kinds.
    if (!/^(api\/v1|apis\/[^/]+\/[^/]+)$/.test(p)) continue;
    const url = isRecord(entry) && typeof entry.serverRelativeURL === 'string' ? entry.serverRelativeURL : `/openapi/v3/${p}`;
    out.push(url);
  }
  return out.sort();
}

export function layerFromOpenApi(documents: readonly unknown[], opts: { readonly prefix: string; readonly label: string }): SchemaLayer {
  const definitions: Record<string, JsonSchema> = {};
  const kinds = new Map<string, string>();
  for (const doc of documents) {
    const schemas = isRecord(doc) && isRecord(doc.components) && isRecord(doc.components.schemas) ? doc.components.schemas : {};
    for (const [name, schema] of Object.entries(schemas)) {
      if (!isRecord(schema)) continue;
      const defName = `${opts.prefix}${name}`;
      if (definitions[defName] !== undefined) continue;
      const converted = convert(schema, opts.prefix) as JsonSchema;
      if (NULLABLE_TIME.test(name) && converted.type === 'string') converted.type = ['string', 'null'];
      definitions[defName] = converted;
      const raw = schema['x-kubernetes-group-version-kind'];
      const gvks = Array.isArray(raw) ? (raw as GroupVersionKindExt[]) : [];
      for (const g of gvks) {
        if (typeof g.version !== 'string' || typeof g.kind !== 'string') continue;
        const group = typeof g.group === 'string' ? g.group : '';
        const key = kindKey(group ? `${group}/${g.version}` : g.version, g.kind);
        // A schema listing several kinds (DeleteOptions, WatchEvent) is shared; the one naming a single kind is the kind's own.
        if (!kinds.has(key) || gvks.length === 1) kinds.set(key, defName);
      }
    }
  }
  return { label: opts.label, kinds, definitions };
}

function convert(node: unknown, prefix: string): unknown {
  if (Array.isArray(node)) return node.map((n) => convert(n, prefix));
  if (!isRecord(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string') out.$ref = v.startsWith(COMPONENT_REF) ? `#/definitions/${prefix}${v.slice(COMPONENT_REF.length)}` : v;
    else if (k === 'nullable') continue;
    // Maps of schemas: their keys are names, not keywords.
    else if ((k === 'properties' || k === 'patternProperties' || k === 'definitions') && isRecord(v)) {
      out[k] = Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, convert(pv, prefix)]));
    } else if (k === 'default' || k === 'example' || k === 'enum' || k === 'const' || k.startsWith('x-kubernetes-')) out[k] = v;
    else out[k] = convert(v, prefix);
  }
  if (node['x-kubernetes-int-or-string'] === true) {
    out.type = ['integer', 'string'];
    delete out.anyOf;
  }
  if (node.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  const wrapped = Array.isArray(out.allOf) && out.allOf.length === 1 && isRecord(out.allOf[0]) ? out.allOf[0] : undefined;
  if (wrapped && Object.keys(wrapped).length === 1 && typeof wrapped.$ref === 'string' && Object.keys(out).every((k) => k === 'allOf' || ANNOTATIONS.has(k))) {
    delete out.allOf;
    out.$ref = wrapped.$ref;
  }
  if (
    isRecord(node.properties) &&
    node.additionalProperties === undefined &&
    node['x-kubernetes-preserve-unknown-fields'] !== true
  ) {
    out.additionalProperties = false;
  }
  return out;
}

