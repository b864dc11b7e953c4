// Keeps the GitHub simulator honest: every request body it accepts and every response body it sends is
// validated against GitHub's own OpenAPI description (npm `@octokit/openapi`, generated from
// github/rest-api-description). api.github.com for github.com, the newest `ghes-3.*` for `/api/v3`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

export type GithubFlavor = 'api.github.com' | 'ghes';

export interface GithubViolation {
  flavor: GithubFlavor;
  method: string;
  path: string;
  status?: number;
  where: 'request' | 'response';
  message: string;
}

interface Operation {
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { $ref?: string; content?: Record<string, { schema?: unknown }> }>;
}

interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, Record<string, unknown>>;
}

/** The repository root, found by walking up to package.json (works from test/ and from out/test/). */
function repoRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'node_modules'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
}

export function githubSpecFile(flavor: GithubFlavor): string {
  const dir = path.join(repoRoot(), 'node_modules', '@octokit', 'openapi', 'generated');
  if (flavor === 'api.github.com') return path.join(dir, 'api.github.com.json');
  // Newest GitHub Enterprise Server description shipped with the package (ghes-3.N.json, not .deref).
  const ghes = fs
    .readdirSync(dir)
    .map((f) => /^ghes-3\.(\d+)\.json$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(b[1]) - Number(a[1]));
  if (!ghes[0]) throw new Error(`no ghes-3.*.json in ${dir}`);
  return path.join(dir, ghes[0][0]);
}

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

export class GithubOpenApiValidator {
  private readonly spec: Spec;
  private readonly ajv: Ajv;
  private readonly templates: Array<{ template: string; re: RegExp; literal: number }>;
  private readonly compiled = new Map<string, ValidateFunction | null>();
  private static readonly ID = 'github-openapi.json';

  constructor(readonly flavor: GithubFlavor) {
    this.spec = JSON.parse(fs.readFileSync(githubSpecFile(flavor), 'utf8')) as Spec;
    // OpenAPI 3.0 schemas are not strict JSON Schema (`nullable`, `example`, `x-github`, `discriminator`,
    // custom formats like `repo.nwo`); strict:false tolerates those, `nullable` is native in Ajv 8.
    this.ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    addFormats(this.ajv);
    // Register the whole document once; only the operation schemas we meet get compiled (lazily).
    this.ajv.addSchema({ $id: GithubOpenApiValidator.ID, paths: this.spec.paths, components: this.spec.components });
    this.templates = Object.keys(this.spec.paths)
      .map((template) => ({
        template,
        re: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
        literal: template.replace(/\{[^}]+\}/g, '').length,
      }))
      // Prefer the most literal template, so /repos/{owner}/{repo}/pulls wins over wider patterns.
      .sort((a, b) => b.literal - a.literal);
  }

  /** `/repos/acme/app/pulls` → `/repos/{owner}/{repo}/pulls` (paths are relative to the API root). */
  templateFor(apiPath: string): string | undefined {
    return this.templates.find((t) => t.re.test(apiPath))?.template;
  }

  private schemaValidator(pointer: string): ValidateFunction | null {
    if (!this.compiled.has(pointer)) {
      this.compiled.set(pointer, this.ajv.compile({ $ref: `${GithubOpenApiValidator.ID}#${pointer}` }));
    }
    return this.compiled.get(pointer) ?? null;
  }

  private operation(method: string, apiPath: string): { template: string; op: Operation } | string {
    const template = this.templateFor(apiPath);
    if (!template) return `no operation in the ${this.flavor} description matches ${apiPath}`;
    const op = this.spec.paths[template]?.[method.toLowerCase()];
    if (!op) return `${method} ${template} is not an operation in the ${this.flavor} description`;
    return { template, op };
  }

  private errors(v: ValidateFunction, body: unknown): string[] {
    if (v(body)) return [];
    return (v.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? 'invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
  }

  validateRequest(method: string, apiPath: string, body: unknown): string[] {
    const found = this.operation(method, apiPath);
    if (typeof found === 'string') return [found];
    if (!found.op.requestBody) return body === undefined ? [] : [`${method} ${found.template} takes no request body`];
    if (!found.op.requestBody.content?.['application/json']?.schema) return [];
    const pointer = `/paths/${escapePointer(found.template)}/${method.toLowerCase()}/requestBody/content/application~1json/schema`;
    const v = this.schemaValidator(pointer);
    return v ? this.errors(v, body) : [];
  }

  validateResponse(method: string, apiPath: string, status: number, body: unknown): string[] {
    const found = this.operation(method, apiPath);
    if (typeof found === 'string') return [found];
    const responses = found.op.responses ?? {};
    let pointer: string;
    let response = responses[String(status)];
    if (response) {
      pointer = `/paths/${escapePointer(found.template)}/${method.toLowerCase()}/responses/${status}`;
    } else if (status === 401) {
      // Most operations do not list 401, but every authenticated endpoint answers a bad token with
      // the shared `requires_authentication` response (basic-error), so that is what we hold it to.
      pointer = '/components/responses/requires_authentication';
      response = this.spec.components.responses?.requires_authentication as typeof response;
    } else {
      return [`${method} ${found.template} does not document status ${status}`];
    }
    const ref = response?.$ref;
    if (ref) {
      pointer = ref.replace(/^#/, '');
      const name = ref.split('/').pop() ?? '';
      response = this.spec.components.responses?.[name] as typeof response;
    }
    const content = response?.content;
    if (!content) return body === undefined || body === '' ? [] : [`${method} ${found.template} ${status} documents no body`];
    if (!content['application/json']?.schema) return [];
    const v = this.schemaValidator(`${pointer}/content/application~1json/schema`);
    return v ? this.errors(v, body) : [];
  }
}

const cache = new Map<GithubFlavor, GithubOpenApiValidator>();

/** One validator per flavor per process: the description is 10+ MB, parse it once. */
export function githubValidator(flavor: GithubFlavor): GithubOpenApiValidator {
  let v = cache.get(flavor);
  if (!v) {
    v = new GithubOpenApiValidator(flavor);
    cache.set(flavor, v);
  }
  return v;
}
