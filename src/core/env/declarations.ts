/**
 * The apps a GitOps repository declares in its own manifests — Argo CD Applications (and those its
 * ApplicationSets generate), Flux Kustomizations and HelmReleases — read as environments need them:
 * where each takes its desired state from (a folder, a chart with values per environment), which
 * cluster it runs in, which branch it follows, and where its chart version is written.
 *
 * Field names: Argo CD pkg/apis/application/v1alpha1/types.go (ApplicationSource, ApplicationSourceHelm:
 * valueFiles relative to the source path, `$ref/…` for a `ref` source, valuesObject, releaseName
 * defaulting to the app name); Flux helm-controller api/v2 (HelmChartTemplateSpec: chart, version,
 * sourceRef, valuesFiles relative to the source root; HelmReleaseSpec: values, valuesFrom, releaseName
 * defaulting to `[targetNamespace-]name`, targetNamespace); kustomize-controller api/v1 (path relative to
 * the source root). ApplicationSet parameters: argo-cd applicationset/generators/list.go (element keys)
 * and git.go (`path`, `path.basename`, `path.basenameNormalized`, `path[n]`; with goTemplate `.path.path`
 * and friends), rendered by applicationset/utils (fasttemplate `{{key}}`, or Go templates).
 */
import { mapArgoApplication } from '../argocd/application';
import { mapFluxHelmRelease, mapFluxKustomization } from '../flux/mapFlux';
import { isRecord, recordOf, recordsOf, stringOf } from '../json';
import { groupOf } from '../manifest/documents';
import { formatPointer } from '../manifest/documents';
import { loadYaml } from '../manifest/boundedYaml';
import type { App } from '../model/app';
import { basenameOf, joinPath, normalizePath } from './repoPath';
import type { AppDeclaration, DeclaredHelm, DeclaredSource, FieldLocation, RemoteChart, ValuesLayer } from './types';

type Obj = Record<string, unknown>;

/** One parsed document of a repository file. */
export interface RepoDocument {
  /** Repository-relative, posix. */
  readonly file: string;
  readonly documentIndex: number;
  readonly obj: Obj;
}

/** ApplicationSet expansion bounds: a generator listing thousands of elements is someone else's problem. */
const MAX_GENERATED = 500;
/** argo-cd: a matrix or merge child may be a matrix or merge once more (ApplicationSetNestedGenerator), not deeper. */
const MAX_GENERATOR_NESTING = 2;

const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

const isKind = (o: Obj, group: string, kind: string): boolean => o.kind === kind && typeof o.apiVersion === 'string' && groupOf(o.apiVersion) === group;

/**
 * The cluster a manifest's place names: Flux's layout `clusters/<name>/…` (flux bootstrap `--path`),
 * which Argo CD repositories follow too.
 */
function clusterOfFile(file: string): string | undefined {
  const parts = file.split('/');
  for (let i = 0; i < parts.length - 2; i++) if (parts[i] === 'clusters' || parts[i] === 'cluster') return parts[i + 1];
  return undefined;
}

/** Every app the documents declare. `folders` lists the repository's folders, for git directory generators. */
export function readDeclarations(docs: readonly RepoDocument[], folders: ReadonlySet<string> = new Set()): AppDeclaration[] {
  const sources = fluxSources(docs);
  const clusters = clusterSecrets(docs);
  const out: AppDeclaration[] = [];
  for (const d of docs) {
    const o = d.obj;
    if (isKind(o, 'argoproj.io', 'Application')) out.push(argoDeclaration(d.file, d.documentIndex, o, { pointerBase: '' }));
    else if (isKind(o, 'argoproj.io', 'ApplicationSet')) out.push(...applicationSetDeclarations(d, folders, clusters));
    else if (isKind(o, 'kustomize.toolkit.fluxcd.io', 'Kustomization')) out.push(fluxKustomizationDeclaration(d, sources));
    else if (isKind(o, 'helm.toolkit.fluxcd.io', 'HelmRelease')) out.push(helmReleaseDeclaration(d, sources));
  }
  return out;
}

// --- Argo CD ---------------------------------------------------------------------------------------

interface ArgoOptions {
  /** Set for generated apps: the ApplicationSet's name, and edits never go into the generated object. */
  readonly generatedBy?: string;
  readonly pointerBase: string;
  readonly notes?: readonly string[];
  /** For generated apps: where a templated `targetRevision` comes from (a list element's field). */
  readonly revisionFrom?: (sourcePointer: string) => FieldLocation | undefined;
}

function argoDeclaration(file: string, documentIndex: number, o: Obj, opts: ArgoOptions): AppDeclaration {
  const spec = recordOf(o.spec);
  const destination = recordOf(spec.destination);
  const cluster = clusterOfFile(file) ?? argoDestinationCluster(destination);
  const app = mapArgoApplication(cluster ?? '', o);
  const notes: string[] = [...(opts.notes ?? [])];
  // The source that renders: spec.source, else the first of spec.sources with a path or a chart;
  // `ref`-only sources just lend their files to `$ref/…` value files.
  const single = isRecord(spec.source) ? [{ s: spec.source, ptr: '/spec/source' }] : [];
  const multi = recordsOf(spec.sources).map((s, i) => ({ s, ptr: `/spec/sources/${i}` }));
  const all = [...single, ...multi];
  const primary = all.find((x) => typeof x.s.chart === 'string' || typeof x.s.path === 'string') ?? all[0];
  const refs = new Set(multi.map((x) => stringOf(x.s.ref)).filter((r) => r !== ''));
  const generated = opts.generatedBy !== undefined;
  let source: DeclaredSource;
  let chartVersionAt: FieldLocation | undefined;
  if (!primary) source = { type: 'unknown', why: 'the Application has no source' };
  else {
    const s = primary.s;
    const helm = isRecord(s.helm) ? s.helm : undefined;
    const chartName = stringOf(s.chart);
    const srcPath = typeof s.path === 'string' ? normalizePath(s.path) : undefined;
    const declaredHelm = (base: string | undefined): DeclaredHelm => {
      const valueFiles: string[] = [];
      for (const vf of helm ? (Array.isArray(helm.valueFiles) ? helm.valueFiles : []) : []) {
        if (typeof vf !== 'string') continue;
        const ref = /^\$([^/]+)\/(.*)$/.exec(vf);
        // `$values/envs/prod.yaml`: a file of the `ref: values` source, taken as this repository.
        const resolved = ref && refs.has(ref[1] as string) ? normalizePath(ref[2] as string) : base !== undefined ? joinPath(base, vf) : undefined;
        if (resolved === undefined) notes.push(`value file ${vf} is inside the chart, not in this repository`);
        else valueFiles.push(resolved);
      }
      // Argo CD: valuesObject takes precedence over values, and both over the value files (ApplicationSourceHelm).
      const inline: Extract<ValuesLayer, { type: 'inline' }>[] = [];
      const templated = generated ? { templated: true } : {};
      if (helm && typeof helm.values === 'string' && helm.values.trim() !== '') {
        try {
          inline.push({ type: 'inline', file, documentIndex, pointer: `${opts.pointerBase}${primary.ptr}/helm/values`, values: recordOf(loadYaml(helm.values)), text: true, ...templated });
        } catch (err) {
          notes.push(`helm.values does not parse: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      if (helm && isRecord(helm.valuesObject)) inline.push({ type: 'inline', file, documentIndex, pointer: `${opts.pointerBase}${primary.ptr}/helm/valuesObject`, values: helm.valuesObject, ...templated });
      if (helm && Array.isArray(helm.parameters) && helm.parameters.length > 0) notes.push('helm.parameters are not read');
      const releaseName = stringOf(helm?.releaseName) || app.name;
      const namespace = stringOf(destination.namespace);
      const inlineAt: FieldLocation | undefined = generated ? undefined : { file, documentIndex, pointer: `${primary.ptr}/helm/valuesObject` };
      return { valueFiles, inline, valuesFrom: [], releaseName, ...(namespace ? { namespace } : {}), ...(inlineAt ? { inlineAt } : {}) };
    };
    if (chartName !== '') {
      const version = stringOf(s.targetRevision);
      const chart: RemoteChart = { type: 'remote', repo: stringOf(s.repoURL), chart: chartName, ...(version ? { version } : {}) };
      source = { type: 'chart', chart, helm: declaredHelm(undefined) };
      chartVersionAt = generated ? opts.revisionFrom?.(`${primary.ptr}/targetRevision`) : { file, documentIndex, pointer: `${primary.ptr}/targetRevision` };
    } else if (srcPath !== undefined || typeof s.repoURL === 'string') {
      const path = srcPath ?? '';
      const recurse = recordOf(s.directory).recurse === true;
      source = { type: 'path', path, recurse, ...(helm ? { helm: declaredHelm(path) } : {}) };
    } else source = { type: 'unknown', why: 'the source has neither path nor chart' };
  }
  // The branch a path source follows; '' and HEAD are the repository's default branch (Argo CD docs, "Tracking strategies").
  const tracked = primary && source.type === 'path' ? stringOf(primary.s.targetRevision) || 'HEAD' : undefined;
  return {
    app,
    file,
    documentIndex,
    cluster,
    source,
    ...(opts.generatedBy !== undefined ? { generatedBy: opts.generatedBy } : {}),
    ...(tracked !== undefined ? { trackedRevision: tracked } : {}),
    ...(chartVersionAt ? { chartVersionAt } : {}),
    notes,
  };
}

function argoDestinationCluster(destination: Obj): string | undefined {
  const name = stringOf(destination.name);
  if (name !== '' && name !== 'in-cluster') return name;
  const server = stringOf(destination.server);
  if (server !== '' && server !== IN_CLUSTER_SERVER) return server;
  return undefined;
}

// --- ApplicationSet --------------------------------------------------------------------------------

/** One parameter set of a generator, and where each parameter was written (list elements). */
interface ParamSet {
  readonly params: ReadonlyMap<string, string>;
  readonly from: ReadonlyMap<string, FieldLocation>;
}

function applicationSetDeclarations(d: RepoDocument, folders: ReadonlySet<string>, clusters: readonly ClusterSecret[]): AppDeclaration[] {
  const o = d.obj;
  const name = stringOf(recordOf(o.metadata).name);
  const spec = recordOf(o.spec);
  const template = recordOf(spec.template);
  const goTemplate = spec.goTemplate === true;
  const notes: string[] = [];
  const ctx: GeneratorContext = { d, folders, clusters, goTemplate, name, notes };
  const sets: ParamSet[] = [];
  recordsOf(spec.generators).forEach((g, gi) => sets.push(...generatorSets(ctx, g, ['spec', 'generators', String(gi)], 0)));
  if (sets.length > MAX_GENERATED) notes.push(`ApplicationSet ${name}: only the first ${MAX_GENERATED} generated apps are read`);
  const out: AppDeclaration[] = [];
  for (const set of sets.slice(0, MAX_GENERATED)) {
    const generated = substitute(template, set.params) as Obj;
    const meta = recordOf(generated.metadata);
    const obj: Obj = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      ...generated,
      metadata: { ...meta, namespace: stringOf(meta.namespace) || stringOf(recordOf(o.metadata).namespace) },
    };
    // A templated targetRevision that is one list parameter is written in that element: its own field.
    const revisionFrom = (sourcePointer: string): FieldLocation | undefined => {
      const raw = valueAt(template, sourcePointer);
      const m = typeof raw === 'string' ? /^\{\{-?\s*\.?([\w.[\]-]+)\s*-?\}\}$/.exec(raw.trim()) : null;
      return m ? set.from.get(m[1] as string) : undefined;
    };
    out.push(argoDeclaration(d.file, d.documentIndex, obj, { generatedBy: name, pointerBase: '/spec/template', notes, revisionFrom }));
  }
  return out;
}

interface GeneratorContext {
  readonly d: RepoDocument;
  readonly folders: ReadonlySet<string>;
  readonly clusters: readonly ClusterSecret[];
  readonly goTemplate: boolean;
  readonly name: string;
  readonly notes: string[];
}

/**
 * The parameter sets of one generator (argo-cd applicationset/generators): list, git directories and
 * clusters read here; matrix and merge combine their children's sets, nesting as Argo CD allows (a
 * child of a matrix or merge may itself be one, one level down). `at` is the generator's place in the
 * document, for the list elements' field locations.
 */
function generatorSets(ctx: GeneratorContext, g: Obj, at: readonly string[], depth: number): ParamSet[] {
  const { d, name, notes } = ctx;
  if (isRecord(g.list)) {
    return recordsOf(g.list.elements).map((el, ei) => {
      const params = new Map<string, string>();
      const from = new Map<string, FieldLocation>();
      flatten(el, '', params, from, (segments) => ({ file: d.file, documentIndex: d.documentIndex, pointer: formatPointer([...at, 'list', 'elements', String(ei), ...segments]) }));
      return { params, from };
    });
  }
  if (isRecord(g.git) && Array.isArray(g.git.directories)) {
    const dirs = recordsOf(g.git.directories);
    const include = dirs.filter((x) => x.exclude !== true).map((x) => globRegExp(stringOf(x.path)));
    const exclude = dirs.filter((x) => x.exclude === true).map((x) => globRegExp(stringOf(x.path)));
    return [...ctx.folders]
      .sort()
      .filter((folder) => folder !== '' && include.some((r) => r.test(folder)) && !exclude.some((r) => r.test(folder)))
      .map((folder) => ({ params: gitDirectoryParams(folder, ctx.goTemplate), from: new Map() }));
  }
  if (isRecord(g.clusters)) {
    if (g.clusters.flatList !== true) return clusterGeneratorParams(g.clusters, ctx.clusters).map((params) => ({ params, from: new Map() }));
    notes.push(`ApplicationSet ${name}: the clusters generator's flatList is not expanded here`);
    return [];
  }
  if ((isRecord(g.matrix) || isRecord(g.merge)) && depth < MAX_GENERATOR_NESTING) {
    return isRecord(g.matrix) ? matrixSets(ctx, g.matrix, [...at, 'matrix'], depth) : mergeSets(ctx, recordOf(g.merge), [...at, 'merge'], depth);
  }
  const kind = Object.keys(g).find((k) => k !== 'selector' && k !== 'values') ?? 'unknown';
  notes.push(`ApplicationSet ${name}: the ${kind} generator is not expanded here${isRecord(g.matrix) || isRecord(g.merge) ? ' (nested deeper than Argo CD allows)' : ''}`);
  return [];
}

/**
 * argo-cd applicationset/generators/matrix.go GenerateParams: exactly two children; the second is
 * read once per set of the first with the first's parameters written into it (a git path named by a
 * list element, say), and each pair is one set. Go templates: the first's values win a shared key;
 * otherwise a shared key with two values is an error (utils.CombineStringMaps) and nothing is generated.
 */
function matrixSets(ctx: GeneratorContext, matrix: Obj, at: readonly string[], depth: number): ParamSet[] {
  const children = recordsOf(matrix.generators);
  if (children.length !== 2) {
    ctx.notes.push(`ApplicationSet ${ctx.name}: a matrix generator needs exactly two generators (it has ${children.length}); Argo CD generates nothing`);
    return [];
  }
  const [first, second] = children as [Obj, Obj];
  const out: ParamSet[] = [];
  for (const a of generatorSets(ctx, first, [...at, 'generators', '0'], depth + 1)) {
    for (const b of generatorSets(ctx, substitute(second, a.params) as Obj, [...at, 'generators', '1'], depth + 1)) {
      if (!ctx.goTemplate) {
        const clash = [...a.params].find(([k, v]) => b.params.has(k) && b.params.get(k) !== v);
        if (clash) {
          ctx.notes.push(`ApplicationSet ${ctx.name}: the matrix generator's children both set ${clash[0]} with different values; Argo CD generates nothing`);
          return [];
        }
      }
      out.push({ params: new Map([...b.params, ...a.params]), from: new Map([...b.from, ...a.from]) });
      if (out.length > MAX_GENERATED) return out;
    }
  }
  return out;
}

/**
 * argo-cd applicationset/generators/merge.go GenerateParams: the first child's sets, each overridden
 * by the set of every later child with the same values of `mergeKeys`; a child whose sets repeat a
 * merge key value is an error and nothing is generated. Sets of later children with no base are dropped.
 */
function mergeSets(ctx: GeneratorContext, merge: Obj, at: readonly string[], depth: number): ParamSet[] {
  const children = recordsOf(merge.generators);
  const keys = [...new Set(Array.isArray(merge.mergeKeys) ? merge.mergeKeys.map(String) : [])].sort();
  const refuse = (why: string): ParamSet[] => {
    ctx.notes.push(`ApplicationSet ${ctx.name}: ${why}; Argo CD generates nothing`);
    return [];
  };
  if (children.length < 2) return refuse(`a merge generator needs two generators or more (it has ${children.length})`);
  if (keys.length === 0) return refuse('a merge generator needs mergeKeys');
  // A key may name a map (Go templates keep list elements whole: `cluster: {name: eu}`), held here flattened as `cluster.name`.
  const valueOf = (set: ParamSet, k: string): unknown => {
    const own = set.params.get(k);
    if (own !== undefined) return own;
    const nested = [...set.params].filter(([p]) => p.startsWith(`${k}.`)).sort(([a], [b]) => a.localeCompare(b));
    return nested.length > 0 ? nested : null;
  };
  const keyOf = (set: ParamSet): string => JSON.stringify(keys.map((k) => valueOf(set, k)));
  const byKey = (sets: readonly ParamSet[]): Map<string, ParamSet> | undefined => {
    const m = new Map<string, ParamSet>();
    for (const set of sets) {
      if (m.has(keyOf(set))) return undefined;
      m.set(keyOf(set), set);
    }
    return m;
  };
  const childSets = children.map((c, ci) => byKey(generatorSets(ctx, c, [...at, 'generators', String(ci)], depth + 1)));
  if (childSets.some((m) => m === undefined)) return refuse(`a merge generator's child repeats a value of mergeKeys (${keys.join(', ')})`);
  const [base, ...overrides] = childSets as Map<string, ParamSet>[];
  return [...(base as Map<string, ParamSet>)].map(([key, set]) =>
    overrides.reduce<ParamSet>((acc, o) => {
      const over = o.get(key);
      return over ? { params: new Map([...acc.params, ...over.params]), from: new Map([...acc.from, ...over.from]) } : acc;
    }, set),
  );
}

/** List elements as fasttemplate sees them: nested maps flattened to `a.b` (and kept whole for Go templates' `.a.b`). */
function flatten(v: unknown, prefix: string, params: Map<string, string>, from: Map<string, FieldLocation>, at: (segments: string[]) => FieldLocation, segments: string[] = []): void {
  if (isRecord(v)) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix === '' ? k : `${prefix}.${k}`, params, from, at, [...segments, k]);
    return;
  }
  if (prefix === '') return;
  params.set(prefix, typeof v === 'string' ? v : JSON.stringify(v));
  from.set(prefix, at(segments));
}

/** An Argo CD cluster Secret declared in the repository: what the clusters generator reads of it (never its `config`). */
interface ClusterSecret {
  readonly name: string;
  readonly server: string;
  readonly project: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/**
 * Declarative cluster Secrets (label `argocd.argoproj.io/secret-type: cluster`, Argo CD's
 * operator-manual/declarative-setup): `name`, `server`, `project` from `stringData`, else base64 `data`.
 * Later ones of one name replace earlier ones, as the generator keys them by name.
 */
function clusterSecrets(docs: readonly RepoDocument[]): ClusterSecret[] {
  const byName = new Map<string, ClusterSecret>();
  for (const d of docs) {
    const o = d.obj;
    if (o.kind !== 'Secret' || o.apiVersion !== 'v1') continue;
    const meta = recordOf(o.metadata);
    const labels = stringMap(meta.labels);
    if (labels['argocd.argoproj.io/secret-type'] !== 'cluster') continue;
    const field = (k: string): string => {
      const plain = recordOf(o.stringData)[k];
      if (typeof plain === 'string') return plain;
      const encoded = recordOf(o.data)[k];
      if (typeof encoded !== 'string') return '';
      try {
        return atob(encoded.replace(/[\r\n]/g, ''));
      } catch {
        return '';
      }
    };
    const name = field('name');
    if (name === '') continue;
    byName.set(name, { name, server: field('server'), project: field('project'), labels, annotations: stringMap(meta.annotations) });
  }
  return [...byName.values()];
}

function stringMap(v: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(recordOf(v)).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/**
 * argo-cd applicationset/generators/cluster.go GenerateParams: one parameter set per cluster Secret the
 * selector matches (`name`, `nameNormalized`, `server`, `project`, `metadata.labels.<k>` /
 * `metadata.annotations.<k>`), then the local cluster (`in-cluster`) when the selector is empty and no
 * Secret names its address; `values.<k>` each with the cluster's parameters substituted
 * (value_interpolation.go appendTemplatedValues).
 */
function clusterGeneratorParams(gen: Obj, clusters: readonly ClusterSecret[]): Map<string, string>[] {
  const selector = recordOf(gen.selector);
  const matchLabels = stringMap(selector.matchLabels);
  const expressions = recordsOf(selector.matchExpressions);
  const hasSelector = Object.keys(matchLabels).length > 0 || expressions.length > 0;
  const matches = (labels: Readonly<Record<string, string>>): boolean =>
    Object.entries(matchLabels).every(([k, v]) => labels[k] === v) &&
    expressions.every((e) => {
      const key = stringOf(e.key);
      const values = Array.isArray(e.values) ? e.values.filter((x): x is string => typeof x === 'string') : [];
      const has = Object.prototype.hasOwnProperty.call(labels, key);
      switch (e.operator) {
        case 'In':
          return has && values.includes(labels[key] as string);
        case 'NotIn':
          return !has || !values.includes(labels[key] as string);
        case 'Exists':
          return has;
        case 'DoesNotExist':
          return !has;
        default:
          return false;
      }
    });
  const values = stringMap(gen.values);
  const withValues = (params: Map<string, string>): Map<string, string> => {
    const extra = Object.entries(values).map(([k, v]) => [`values.${k}`, substitute(v, params) as string] as const);
    for (const [k, v] of extra) params.set(k, v);
    return params;
  };
  const out: Map<string, string>[] = [];
  for (const c of clusters) {
    if (!matches(c.labels)) continue;
    const params = new Map<string, string>([
      ['name', c.name],
      ['nameNormalized', sanitizeName(c.name)],
      ['server', c.server],
      ['project', c.project],
    ]);
    // Go templates read `.metadata.labels.x` as nested maps, fasttemplate the flat names: one key here for both.
    for (const [k, v] of Object.entries(c.labels)) params.set(`metadata.labels.${k}`, v);
    for (const [k, v] of Object.entries(c.annotations)) params.set(`metadata.annotations.${k}`, v);
    out.push(withValues(params));
  }
  if (!hasSelector && !clusters.some((c) => c.server === IN_CLUSTER_SERVER)) {
    out.push(withValues(new Map([['name', 'in-cluster'], ['nameNormalized', 'in-cluster'], ['server', IN_CLUSTER_SERVER], ['project', '']])));
  }
  return out;
}

/** argo-cd applicationset/utils/template_functions.go SanitizeName: lowercase DNS-safe, at most 253 characters. */
function sanitizeName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^-a-z0-9.]/g, '-')
    .slice(0, 253)
    .replace(/^[-.]+|[-.]+$/g, '');
}

/** argo-cd applicationset/generators/git.go: the parameters of one matched directory. */
function gitDirectoryParams(folder: string, goTemplate: boolean): Map<string, string> {
  const base = basenameOf(folder);
  const normalized = base.toLowerCase().replace(/[^a-z0-9-.]/g, '-');
  const params = new Map<string, string>();
  if (goTemplate) {
    params.set('path.path', folder);
    params.set('path.basename', base);
    params.set('path.basenameNormalized', normalized);
  } else {
    params.set('path', folder);
    params.set('path.basename', base);
    params.set('path.basenameNormalized', normalized);
    folder.split('/').forEach((seg, i) => params.set(`path[${i}]`, seg));
  }
  return params;
}

/** A git generator path pattern (Go's path.Match: `*` within one segment) as a regular expression. */
function globRegExp(pattern: string): RegExp {
  const p = normalizePath(pattern) ?? pattern;
  let re = '';
  for (const ch of p) re += ch === '*' ? '[^/]*' : ch === '?' ? '[^/]' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${re}$`);
}

/** Every `{{ key }}` / `{{ .key }}` of the template's strings replaced by its parameter; unknown ones stay. */
function substitute(v: unknown, params: ReadonlyMap<string, string>): unknown {
  if (typeof v === 'string') return v.replace(/\{\{-?\s*\.?([\w.[\]-]+)\s*-?\}\}/g, (all, key: string) => params.get(key) ?? all);
  if (Array.isArray(v)) return v.map((x) => substitute(x, params));
  if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substitute(x, params)]));
  return v;
}

function valueAt(root: unknown, pointer: string): unknown {
  let v = root;
  for (const seg of pointer.split('/').slice(1)) {
    if (Array.isArray(v)) v = v[Number(seg)];
    else if (isRecord(v)) v = v[seg];
    else return undefined;
  }
  return v;
}

// --- Flux ------------------------------------------------------------------------------------------

interface FluxSources {
  /** `Kind/namespace/name` → the branch/tag a GitRepository follows, or a HelmRepository's URL. */
  readonly ref: ReadonlyMap<string, string>;
}

function fluxSources(docs: readonly RepoDocument[]): FluxSources {
  const ref = new Map<string, string>();
  for (const d of docs) {
    const o = d.obj;
    const meta = recordOf(o.metadata);
    const key = (kind: string): string => `${kind}/${stringOf(meta.namespace)}/${stringOf(meta.name)}`;
    const spec = recordOf(o.spec);
    if (isKind(o, 'source.toolkit.fluxcd.io', 'GitRepository')) {
      const r = recordOf(spec.ref);
      // source-controller: with no ref, the default branch `master` (api/v1 GitRepositoryRef).
      ref.set(key('GitRepository'), stringOf(r.branch) || stringOf(r.tag) || stringOf(r.semver) || stringOf(r.name) || stringOf(r.commit) || 'master');
    } else if (isKind(o, 'source.toolkit.fluxcd.io', 'HelmRepository') || isKind(o, 'source.toolkit.fluxcd.io', 'OCIRepository')) {
      ref.set(key(String(o.kind)), stringOf(spec.url));
    }
  }
  return { ref };
}

function refKey(ref: Obj, defaultNamespace: string, defaultKind: string): string {
  return `${stringOf(ref.kind) || defaultKind}/${stringOf(ref.namespace) || defaultNamespace}/${stringOf(ref.name)}`;
}

function fluxKustomizationDeclaration(d: RepoDocument, sources: FluxSources): AppDeclaration {
  const o = d.obj;
  const cluster = clusterOfFile(d.file);
  const app: App = mapFluxKustomization(cluster ?? '', o);
  const spec = recordOf(o.spec);
  const ns = stringOf(recordOf(o.metadata).namespace);
  const path = normalizePath(stringOf(spec.path) || './');
  const tracked = sources.ref.get(refKey(recordOf(spec.sourceRef), ns, 'GitRepository'));
  return {
    app,
    file: d.file,
    documentIndex: d.documentIndex,
    cluster,
    // kustomize-controller builds every manifest below the path when it has no kustomization.yaml.
    source: path === undefined ? { type: 'unknown', why: `spec.path ${stringOf(spec.path)} leaves the repository` } : { type: 'path', path, recurse: true },
    ...(tracked !== undefined ? { trackedRevision: tracked } : {}),
    notes: [],
  };
}

function helmReleaseDeclaration(d: RepoDocument, sources: FluxSources): AppDeclaration {
  const o = d.obj;
  const cluster = clusterOfFile(d.file);
  const app: App = mapFluxHelmRelease(cluster ?? '', o);
  const meta = recordOf(o.metadata);
  const ns = stringOf(meta.namespace);
  const name = stringOf(meta.name);
  const spec = recordOf(o.spec);
  const notes: string[] = [];
  const targetNamespace = stringOf(spec.targetNamespace);
  const valuesFrom = recordsOf(spec.valuesFrom).map((v) => `${stringOf(v.kind)}/${stringOf(v.name)}`);
  const inline: Extract<ValuesLayer, { type: 'inline' }>[] = isRecord(spec.values) ? [{ type: 'inline', file: d.file, documentIndex: d.documentIndex, pointer: '/spec/values', values: spec.values }] : [];
  const helm = (valueFiles: string[]): DeclaredHelm => ({
    valueFiles,
    inline,
    valuesFrom,
    // helm-controller api/v2 GetReleaseName: `[targetNamespace-]name` unless spec.releaseName.
    releaseName: stringOf(spec.releaseName) || (targetNamespace ? `${targetNamespace}-${name}` : name),
    namespace: targetNamespace || ns,
    inlineAt: { file: d.file, documentIndex: d.documentIndex, pointer: '/spec/values' },
  });
  const chartSpec = recordOf(recordOf(spec.chart).spec);
  const sourceRef = recordOf(chartSpec.sourceRef);
  const sourceKind = stringOf(sourceRef.kind);
  let source: DeclaredSource;
  let chartVersionAt: FieldLocation | undefined;
  let tracked: string | undefined;
  if (isRecord(spec.chartRef)) {
    const key = refKey(spec.chartRef, ns, 'OCIRepository');
    source = { type: 'chart', chart: { type: 'remote', repo: sources.ref.get(key) || key, chart: stringOf(spec.chartRef.name) }, helm: helm([]) };
    notes.push(`the chart version is set in ${key}, not in the HelmRelease`);
  } else if (sourceKind === 'GitRepository' || sourceKind === 'Bucket') {
    // A chart from a GitRepository is a folder of it; values files are relative to the source root too.
    const chartPath = normalizePath(stringOf(chartSpec.chart));
    const files = [...(Array.isArray(chartSpec.valuesFiles) ? chartSpec.valuesFiles : []), ...(typeof chartSpec.valuesFile === 'string' ? [chartSpec.valuesFile] : [])]
      .filter((f): f is string => typeof f === 'string')
      .map((f) => normalizePath(f))
      .filter((f): f is string => f !== undefined);
    tracked = sources.ref.get(refKey(sourceRef, ns, 'GitRepository'));
    source = chartPath === undefined ? { type: 'unknown', why: `spec.chart.spec.chart ${stringOf(chartSpec.chart)} leaves the repository` } : { type: 'path', path: chartPath, recurse: false, helm: helm(files) };
  } else {
    const key = refKey(sourceRef, ns, 'HelmRepository');
    const version = stringOf(chartSpec.version);
    source = { type: 'chart', chart: { type: 'remote', repo: sources.ref.get(key) || key, chart: stringOf(chartSpec.chart), ...(version ? { version } : {}) }, helm: helm([]) };
    if (Array.isArray(chartSpec.valuesFiles) && chartSpec.valuesFiles.length > 0) notes.push('spec.chart.spec.valuesFiles are files of the chart, not of this repository');
    chartVersionAt = { file: d.file, documentIndex: d.documentIndex, pointer: '/spec/chart/spec/version' };
  }
  if (valuesFrom.length > 0) notes.push(`values from the cluster (${valuesFrom.join(', ')}) are not read`);
  return {
    app,
    file: d.file,
    documentIndex: d.documentIndex,
    cluster,
    source,
    ...(tracked !== undefined ? { trackedRevision: tracked } : {}),
    ...(chartVersionAt ? { chartVersionAt } : {}),
    notes,
  };
}
