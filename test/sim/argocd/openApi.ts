// Keeps the Argo CD API simulator honest: every request it accepts and every response (and every
// stream chunk) it sends is validated against Argo CD's own OpenAPI description, `assets/swagger.json`
// of argoproj/argo-cd (vendored in ./openapi, see NOTICE.md there).
//
// The description is Swagger 2.0 generated from protobuf, so it never says `additionalProperties:
// false`; Argo CD's server marshals Go structs with encoding/json (util/grpc/json.go JSONMarshaler), so
// a field that is not in the struct can never be in an answer. The validator therefore closes every
// object definition (a misspelt field in the simulator is a violation, not silently accepted), except
// the few whose JSON is not their protobuf shape: runtime.RawExtension, apiextensions JSON and
// managedFields' FieldsV1 are any JSON value, intstr.IntOrString is a number or a string.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { REPO_ROOT } from '../../support/paths';

const ARGOCD_SWAGGER_FILE = path.join(REPO_ROOT, 'test', 'sim', 'argocd', 'openapi', 'swagger.json');

export interface ArgoCdViolation {
  readonly method: string;
  readonly path: string;
  readonly status?: number;
  readonly where: 'request' | 'response' | 'stream';
  readonly message: string;
}

type Schema = Record<string, unknown>;

interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'body' | 'header';
  readonly type?: string;
  readonly items?: { readonly type?: string };
  readonly required?: boolean;
  readonly schema?: Schema;
}

interface Operation {
  readonly parameters?: readonly Parameter[];
  readonly responses: Record<string, { readonly schema?: Schema }>;
}

interface Swagger {
  readonly paths: Record<string, Record<string, Operation>>;
  readonly definitions: Record<string, Schema>;
}

/** Definitions whose JSON is not the protobuf message the description shows. */
const OPEN_DEFINITIONS: Readonly<Record<string, Schema>> = {
  runtimeRawExtension: {},
  v1JSON: {},
  v1FieldsV1: { type: 'object' },
  intstrIntOrString: { type: ['integer', 'string'] },
};

function closeDefinitions(defs: Record<string, Schema>): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  for (const [name, def] of Object.entries(defs)) {
    if (OPEN_DEFINITIONS[name]) {
      out[name] = OPEN_DEFINITIONS[name];
      continue;
    }
    const d: Schema = { ...def };
    // `allOf: [{$ref}]` plus own properties (ResourceNode = ResourceRef + more): fold the referenced
    // properties in, so that the closed object still admits them.
    if (Array.isArray(d.allOf)) {
      const props: Record<string, unknown> = {};
      for (const part of d.allOf as Schema[]) {
        const ref = typeof part.$ref === 'string' ? defs[part.$ref.replace('#/definitions/', '')] : part;
        Object.assign(props, (ref?.properties as Record<string, unknown> | undefined) ?? {});
      }
      Object.assign(props, (d.properties as Record<string, unknown> | undefined) ?? {});
      d.properties = props;
      delete d.allOf;
    }
    if (d.type === 'object' && d.properties !== undefined && d.additionalProperties === undefined) d.additionalProperties = false;
    out[name] = d;
  }
  return out;
}

export class ArgoCdOpenApiValidator {
  private readonly spec: Swagger;
  private readonly ajv: Ajv;
  private readonly templates: Array<{ template: string; re: RegExp; literal: number }>;
  private readonly compiled = new Map<string, ValidateFunction>();
  private static readonly ID = 'argocd-swagger.json';

  constructor(file = ARGOCD_SWAGGER_FILE) {
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Swagger;
    this.spec = { paths: raw.paths, definitions: closeDefinitions(raw.definitions) };
    this.ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: ArgoCdOpenApiValidator.ID, definitions: this.spec.definitions });
    this.templates = Object.keys(this.spec.paths)
      .map((template) => ({
        template,
        re: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
        literal: template.replace(/\{[^}]+\}/g, '').length,
      }))
      // The most literal template first: /api/v1/applications/{name}/sync before /api/v1/applications/{name}.
      .sort((a, b) => b.literal - a.literal);
  }

  /** `/api/v1/applications/guestbook` → `/api/v1/applications/{name}`: the most literal template that has the method. */
  templateFor(method: string, apiPath: string): string | undefined {
    const m = method.toLowerCase();
    const matching = this.templates.filter((t) => t.re.test(apiPath));
    return (matching.find((t) => this.spec.paths[t.template]?.[m] !== undefined) ?? matching[0])?.template;
  }

  private validator(schema: Schema): ValidateFunction {
    const key = JSON.stringify(schema);
    let v = this.compiled.get(key);
    if (!v) {
      // $refs in operation schemas point at #/definitions of the registered document.
      const rewritten = JSON.parse(key.replace(/"#\/definitions\//g, `"${ArgoCdOpenApiValidator.ID}#/definitions/`)) as Schema;
      v = this.ajv.compile(rewritten);
      this.compiled.set(key, v);
    }
    return v;
  }

  private errors(v: ValidateFunction, body: unknown): string[] {
    if (v(body)) return [];
    return (v.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? 'invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
  }

  private operation(method: string, apiPath: string): { template: string; op: Operation } | string {
    const template = this.templateFor(method, apiPath);
    if (!template) return `no operation in Argo CD's description matches ${apiPath}`;
    const op = this.spec.paths[template]?.[method.toLowerCase()];
    if (!op) return `${method} ${template} is not an operation in Argo CD's description`;
    return { template, op };
  }

  /** The query parameters (names and scalar types), path parameters and JSON body of one request. */
  validateRequest(method: string, apiPath: string, query: URLSearchParams, body: unknown): string[] {
    const found = this.operation(method, apiPath);
    if (typeof found === 'string') return [found];
    const params = found.op.parameters ?? [];
    const out: string[] = [];
    for (const name of new Set(query.keys())) {
      const p = params.find((x) => x.in === 'query' && x.name === name);
      if (!p) {
        out.push(`query parameter "${name}" is not a parameter of ${method} ${found.template}`);
        continue;
      }
      const type = p.type === 'array' ? p.items?.type : p.type;
      for (const value of query.getAll(name)) {
        if (type === 'boolean' && value !== 'true' && value !== 'false') out.push(`query parameter "${name}" is "${value}", expected a boolean`);
        if ((type === 'integer' || type === 'number') && !/^-?\d+(\.\d+)?$/.test(value)) out.push(`query parameter "${name}" is "${value}", expected a number`);
      }
      if (p.type !== 'array' && query.getAll(name).length > 1) out.push(`query parameter "${name}" is given more than once`);
    }
    const bodyParam = params.find((x) => x.in === 'body');
    if (!bodyParam) {
      if (body !== undefined) out.push(`${method} ${found.template} takes no request body`);
    } else if (body === undefined) {
      if (bodyParam.required) out.push(`${method} ${found.template} needs a request body`);
    } else if (bodyParam.schema) {
      out.push(...this.errors(this.validator(bodyParam.schema), body));
    }
    return out;
  }

  /** A unary answer: the 200 schema, or `default` (runtimeError) for any other status. */
  validateResponse(method: string, apiPath: string, status: number, body: unknown): string[] {
    const found = this.operation(method, apiPath);
    if (typeof found === 'string') return [found];
    const response = found.op.responses[status === 200 ? '200' : 'default'];
    if (!response) return [`${method} ${found.template} documents no ${status === 200 ? '200' : 'error'} response`];
    if (!response.schema) return [];
    return this.errors(this.validator(response.schema), body);
  }

  /**
   * One chunk of a streaming answer (`/api/v1/stream/...`): grpc-gateway writes one JSON object per
   * line, `{"result": …}` or, when the stream fails, `{"error": runtimeStreamError}`.
   */
  validateStreamChunk(method: string, apiPath: string, chunk: unknown): string[] {
    const found = this.operation(method, apiPath);
    if (typeof found === 'string') return [found];
    const schema = found.op.responses['200']?.schema;
    if (!schema || !/streaming/.test(JSON.stringify(found.op.responses['200']))) return [`${method} ${found.template} is not a streaming operation`];
    return this.errors(this.validator(schema), chunk);
  }
}

let shared: ArgoCdOpenApiValidator | undefined;

/** One validator per process: the description is parsed once. */
export function argoCdValidator(): ArgoCdOpenApiValidator {
  shared ??= new ArgoCdOpenApiValidator();
  return shared;
}
