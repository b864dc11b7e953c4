/**
 * Generates schemas/kubernetes.schema.json, the offline schema bundle of GitOps Lens: JSON Schemas
 * for the built-in Kubernetes kinds and the Argo CD and Flux custom resources, read from the
 * TypeScript declarations of kubernetes-models, @kubernetes-models/argo-cd and
 * @kubernetes-models/flux-cd (they ship typed interfaces with the OpenAPI descriptions as doc
 * comments; their `_schemas/*.js` are compiled ajv validators, not JSON Schemas).
 *
 * The CRDs in test/fixtures/sim/crds are trimmed simulator fixtures, not the upstream CRDs, so
 * they are not a source here.
 *
 * Run: `npx tsx scripts/generateSchemas.ts` (writes the file) or `--check` (exits 1 when the
 * committed file differs from what the installed packages give; test/unit/schemaBundle.test.ts runs
 * the same comparison).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');
export const BUNDLE_PATH = path.join(ROOT, 'schemas', 'kubernetes.schema.json');

interface PackageSource {
  readonly pkg: string;
  /** Directory of a group-version inside the package, relative to it. */
  readonly groupVersions: readonly string[];
}

/** The built-in groups people author in GitOps repositories (issue 7), and every Argo CD/Flux group. */
const SOURCES: readonly PackageSource[] = [
  {
    pkg: 'kubernetes-models',
    groupVersions: [
      'v1',
      'apps/v1',
      'batch/v1',
      'networking.k8s.io/v1',
      'rbac.authorization.k8s.io/v1',
      'policy/v1',
      'autoscaling/v2',
      'autoscaling/v1',
      'apiextensions.k8s.io/v1',
      'storage.k8s.io/v1',
      'scheduling.k8s.io/v1',
      'admissionregistration.k8s.io/v1',
      'coordination.k8s.io/v1',
      'discovery.k8s.io/v1',
      'node.k8s.io/v1',
      'apiregistration.k8s.io/v1',
    ],
  },
  { pkg: '@kubernetes-models/argo-cd', groupVersions: ['argoproj.io/v1alpha1'] },
  {
    pkg: '@kubernetes-models/flux-cd',
    groupVersions: [
      'kustomize.toolkit.fluxcd.io/v1',
      'helm.toolkit.fluxcd.io/v2',
      'source.toolkit.fluxcd.io/v1',
      'source.toolkit.fluxcd.io/v1beta2',
      'notification.toolkit.fluxcd.io/v1',
      'notification.toolkit.fluxcd.io/v1beta3',
      'image.toolkit.fluxcd.io/v1beta2',
      'image.toolkit.fluxcd.io/v1',
    ],
  },
];

export interface JsonSchema {
  [key: string]: unknown;
}

export interface SchemaBundleFile {
  readonly $comment: string;
  readonly sources: Record<string, string>;
  /** `apiVersion/kind` → definition name. */
  readonly kinds: Record<string, string>;
  readonly definitions: Record<string, JsonSchema>;
}

function packageDir(pkg: string): string {
  return path.join(ROOT, 'node_modules', ...pkg.split('/'));
}

function packageVersion(pkg: string): string {
  return (JSON.parse(fs.readFileSync(path.join(packageDir(pkg), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Top-level kind files of a group-version: those declaring literal apiVersion and kind. */
function kindFiles(): string[] {
  const files: string[] = [];
  for (const s of SOURCES) {
    for (const gv of s.groupVersions) {
      const dir = path.join(packageDir(s.pkg), gv);
      if (!fs.existsSync(dir)) throw new Error(`${s.pkg} has no ${gv}`);
      for (const f of fs.readdirSync(dir).sort()) {
        if (!f.endsWith('.d.ts') || f.endsWith('List.d.ts')) continue;
        const text = fs.readFileSync(path.join(dir, f), 'utf8');
        if (/^\s*"kind": "[A-Za-z]+";/m.test(text) && /^\s*"apiVersion": "[^"]+";/m.test(text)) files.push(path.join(dir, f));
      }
    }
  }
  return files;
}

export function generateBundle(): SchemaBundleFile {
  const files = kindFiles();
  const program = ts.createProgram(files, {
    noEmit: true,
    skipLibCheck: true,
    types: [],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
  });
  const checker = program.getTypeChecker();
  const definitions: Record<string, JsonSchema> = {};
  const kinds: Record<string, string> = {};
  const inProgress = new Set<string>();

  const describe = (symbol: ts.Symbol | undefined): string | undefined => {
    if (!symbol) return undefined;
    const text = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
    return text === '' ? undefined : text;
  };

  /** The long, globally unique alias every model file exports (`IIoK8sApiAppsV1DeploymentSpec`). */
  const definitionName = (symbol: ts.Symbol): string | undefined => {
    const decl = symbol.declarations?.[0];
    if (!decl) return undefined;
    const file = decl.getSourceFile();
    if (!/[\\/]node_modules[\\/](kubernetes-models|@kubernetes-models)[\\/]/.test(file.fileName)) return undefined;
    const fileSymbol = checker.getSymbolAtLocation(file);
    let best: string | undefined;
    for (const exp of fileSymbol ? checker.getExportsOfModule(fileSymbol) : []) {
      if (!(exp.flags & ts.SymbolFlags.Alias)) continue;
      const target = checker.getAliasedSymbol(exp);
      if (target === symbol && exp.name.startsWith('I') && (!best || exp.name.length > best.length)) best = exp.name;
    }
    return (best ?? symbol.name).replace(/^I(?=[A-Z])/, '');
  };

  const convert = (type: ts.Type): JsonSchema => {
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return {};
    if (type.isUnion()) {
      const members = type.types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)));
      if (members.length > 0 && members.every((t) => t.isStringLiteral())) {
        return { type: 'string', enum: members.map((t) => (t as ts.StringLiteralType).value) };
      }
      if (members.length > 0 && members.every((t) => t.flags & ts.TypeFlags.BooleanLiteral)) return { type: 'boolean' };
      if (members.length === 1 && members[0]) return convert(members[0]);
      const parts = members.map(convert);
      const simple = parts.every((p) => Object.keys(p).length === 1 && typeof p.type === 'string');
      if (simple) return { type: [...new Set(parts.map((p) => p.type as string))] };
      return { anyOf: parts };
    }
    if (type.flags & ts.TypeFlags.String) return { type: 'string' };
    if (type.flags & ts.TypeFlags.Number) return { type: 'number' };
    if (type.flags & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) return { type: 'boolean' };
    if (type.isStringLiteral()) return { type: 'string', enum: [type.value] };
    if (type.isNumberLiteral()) return { type: 'number', enum: [type.value] };
    if (checker.isArrayType(type)) {
      const [item] = checker.getTypeArguments(type as ts.TypeReference);
      return { type: 'array', items: item ? convert(item) : {} };
    }
    if (type.flags & ts.TypeFlags.Object) {
      const symbol = type.aliasSymbol ?? type.getSymbol();
      const named = symbol && symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias) ? definitionName(symbol) : undefined;
      if (named) {
        if (!definitions[named] && !inProgress.has(named)) {
          inProgress.add(named);
          definitions[named] = objectSchema(type, symbol);
          inProgress.delete(named);
        }
        return { $ref: `#/definitions/${named}` };
      }
      return objectSchema(type, undefined);
    }
    return {};
  };

  /**
   * A field declared as meta/v1 Time or MicroTime. Go's metav1.Time marshals its zero value as `null`
   * (apimachinery pkg/apis/meta/v1/time.go, MarshalJSON), so `kubectl create --dry-run=client -o yaml`
   * and `kubectl get -o yaml` of many objects print `creationTimestamp: null`; the models' declarations
   * say `string` only (they carry no nullable notion, and a `string` alias loses its name in the checker).
   */
  const isTimeReference = (decl: ts.Declaration): boolean => {
    const typeNode = ts.isPropertySignature(decl) || ts.isPropertyDeclaration(decl) ? decl.type : undefined;
    return typeNode !== undefined && ts.isTypeReferenceNode(typeNode) && /MetaV1(Micro)?Time$/.test(typeNode.typeName.getText());
  };

  const objectSchema = (type: ts.Type, symbol: ts.Symbol | undefined): JsonSchema => {
    const out: JsonSchema = {};
    const description = describe(symbol);
    if (description) out.description = description;
    const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
    // An empty interface is a free-form value (apiextensions JSON: any JSON value; RawExtension).
    if (checker.getPropertiesOfType(type).length === 0 && !index) return out;
    out.type = 'object';
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const prop of checker.getPropertiesOfType(type)) {
      const decl = prop.valueDeclaration ?? prop.declarations?.[0];
      if (!decl) continue;
      const propType = checker.getTypeOfSymbolAtLocation(prop, decl);
      const schema = isTimeReference(decl) ? { type: ['string', 'null'] } : convert(propType);
      const doc = describe(prop);
      // The description goes beside a $ref, not into an `allOf: [{$ref}]` wrapper: yaml-language-server
      // keeps `description` next to `$ref` (a non-constraint sibling, yamlSchemaService
      // REF_SIBLING_NONCONSTRAINT_KEYS) and prefers it over the target's for hover, while each allOf
      // is one more subschema it evaluates and collects matches for on every node it validates.
      properties[prop.name] = doc ? { description: doc, ...schema } : schema;
      if (!(prop.flags & ts.SymbolFlags.Optional)) required.push(prop.name);
    }
    if (Object.keys(properties).length > 0) out.properties = properties;
    if (required.length > 0) out.required = required;
    // Kubernetes rejects unknown fields (strict field validation); maps carry an index signature.
    out.additionalProperties = index ? convert(index.type) : Object.keys(properties).length > 0 ? false : true;
    return out;
  };

  for (const file of files) {
    const source = program.getSourceFile(file);
    const fileSymbol = source && checker.getSymbolAtLocation(source);
    if (!fileSymbol) throw new Error(`cannot read ${file}`);
    const kindName = path.basename(file, '.d.ts');
    const iface = checker.getExportsOfModule(fileSymbol).find((s) => s.name === `I${kindName}`);
    if (!iface) continue;
    const type = checker.getDeclaredTypeOfSymbol(iface);
    const apiVersion = checker.getTypeOfSymbol(checker.getPropertyOfType(type, 'apiVersion')!);
    const kind = checker.getTypeOfSymbol(checker.getPropertyOfType(type, 'kind')!);
    if (!apiVersion.isStringLiteral() || !kind.isStringLiteral()) continue;
    const ref = convert(type).$ref as string;
    kinds[`${apiVersion.value}/${kind.value}`] = ref.slice('#/definitions/'.length);
  }

  const sources: Record<string, string> = {};
  for (const s of SOURCES) sources[s.pkg] = packageVersion(s.pkg);
  const sortedDefs: Record<string, JsonSchema> = {};
  for (const k of Object.keys(definitions).sort()) sortedDefs[k] = definitions[k]!;
  const sortedKinds: Record<string, string> = {};
  for (const k of Object.keys(kinds).sort()) sortedKinds[k] = kinds[k]!;
  return {
    $comment: 'Generated by scripts/generateSchemas.ts from the packages in "sources"; do not edit.',
    sources,
    kinds: sortedKinds,
    definitions: sortedDefs,
  };
}

export function serializeBundle(bundle: SchemaBundleFile): string {
  return JSON.stringify(bundle) + '\n';
}

if (require.main === module) {
  const started = performance.now();
  const text = serializeBundle(generateBundle());
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(BUNDLE_PATH) ? fs.readFileSync(BUNDLE_PATH, 'utf8') : '';
    if (current !== text) {
      console.error(`${path.relative(ROOT, BUNDLE_PATH)} is stale: run npx tsx scripts/generateSchemas.ts`);
      process.exit(1);
    }
  } else {
    fs.mkdirSync(path.dirname(BUNDLE_PATH), { recursive: true });
    fs.writeFileSync(BUNDLE_PATH, text);
  }
  console.log(`${path.relative(ROOT, BUNDLE_PATH)}: ${(text.length / 1024).toFixed(0)} KiB in ${(performance.now() - started).toFixed(0)} ms`);
}
