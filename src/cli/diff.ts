/**
 * `gitops-lens diff`: desired manifests against live objects from files (`--live`) or from a cluster
 * (`--context`, one GET per desired object; Extra is not computed then, as nothing lists the cluster).
 * The same core as the editor's lenses: folders rendered by the same renderer (kustomize and Helm,
 * infra/render/renderer.ts), ignore rules from the same mappers (Argo CD / Flux → App.ignore →
 * `ignoreSpecsOf`), the same comparison (core/drift/comparer.ts through engine.ts diffPair), the same
 * live reader (infra/k8s/clusterAccess.ts) and failure words (core/kube/k8sFailure.ts).
 */
import * as path from 'node:path';
import { mapArgoApplication } from '../core/argocd/application';
import { toPosix, appsDeployingFile } from '../core/drift/deployedBy';
import { liveClusterOf } from '../core/drift/destination';
import { diffPair } from '../core/drift/engine';
import { ignoreSpecsOf, type IgnoreSpec } from '../core/drift/ignore';
import { builtinListKeys, fromOpenAPI, type ListKeys } from '../core/drift/listKeys';
import { pairDesiredWithLive } from '../core/drift/pairing';
import { exitCodeOf, oneSided, summarize, type ResourceDrift } from '../core/drift/report';
import type { DiffSettings } from '../core/drift/settings';
import { parseDiffSettings } from '../core/argocd/settings/diffSettings';
import { fluxSkipReason, hasCompareOption } from '../core/drift/objectOptions';
import { isSopsEncrypted, SOPS_NOTE } from '../core/drift/sops';
import { mapFluxHelmRelease, mapFluxKustomization } from '../core/flux/mapFlux';
import { liveReadFailure } from '../core/kube/k8sFailure';
import { objectRefProblem } from '../core/kube/names';
import { groupOf, identityOf } from '../core/manifest/documents';
import { resolveNamespace } from '../core/manifest/namespace';
import type { App } from '../core/model/app';
import { isRecord } from '../core/json';
import { KubeClusterAccess } from '../infra/k8s/clusterAccess';
import { gitRemotes } from '../infra/git/workspaceRepos';
import { UsageError, parseArgs } from './args';
import { readKubeconfig } from './contexts';
import type { CliIo } from './io';
import { InputError, readDesired, readObjects, type SourcedObject } from './manifests';
import type { CliOutput } from './output';
import { loadApps } from './status';

type Obj = Record<string, unknown>;

export async function diff(args: readonly string[], io: CliIo, out: CliOutput): Promise<number> {
  const a = parseArgs('diff', args, {
    flags: ['--json', '--no-render'],
    values: { '--desired': 'path', '--live': 'path', '--context': 'name', '--kubeconfig': 'path', '--ignore': 'path', '--argocd-cm': 'path' },
  });
  const desiredPath = a.one('--desired');
  const livePath = a.one('--live');
  const context = a.one('--context');
  if (!desiredPath) throw new UsageError('diff needs --desired PATH');
  if ((livePath === undefined) === (context === undefined)) throw new UsageError('diff needs exactly one of --live PATH and --context NAME');
  if (livePath !== undefined && a.all('--kubeconfig').length > 0) throw new UsageError('--kubeconfig goes with --context');

  try {
    const desired = await readDesired(desiredPath, { render: !a.has('--no-render'), env: io.env, out });
    // Names become URL segments with --context: `.`, `..`, `a/b`, `%2e` are refused for every mode,
    // before any request, at the document that says them (issue 12; core/kube/names.ts).
    const invalid = desired.flatMap((d) => {
      const problem = objectRefProblem(refOf(d.obj));
      return problem === undefined ? [] : [`${d.file}:${d.line}: ${problem}`];
    });
    if (invalid.length > 0) throw new InputError(invalid.join('\n'));
    const ignore = readIgnore(a.all('--ignore'));
    const argocdCm = a.one('--argocd-cm');
    const settings = argocdCm === undefined ? undefined : readDiffSettings(argocdCm, out);
    const results =
      livePath !== undefined
        ? compareWithFiles(desired, readObjects(livePath), ignore, settings)
        : await compareWithCluster(desired, context as string, a.all('--kubeconfig'), ignore, io, out, settings);
    if (a.has('--json')) out.driftJson(results);
    else out.driftText(results, io.isTty === true);
    return exitCodeOf(summarize(results), results);
  } catch (err) {
    if (err instanceof InputError) {
      out.error(`gitops-lens: ${err.message}`);
      return 2;
    }
    throw err;
  }
}

/** `--live` mode: desired and live objects paired by identity, then compared (exported for scripts/conformance.ts). */
export function compareWithFiles(desired: readonly SourcedObject[], live: readonly SourcedObject[], ignore: readonly IgnoreSpec[], settings?: DiffSettings): ResourceDrift[] {
  const keysOf = listKeysFor([...desired, ...live].map((o) => o.obj));
  const pairing = pairDesiredWithLive(
    desired.map((d) => d.obj),
    live.map((l) => l.obj),
  );
  const results: ResourceDrift[] = desired.map((d, i) => {
    const j = pairing.live[i];
    const l = j === undefined ? undefined : live[j];
    return l === undefined ? oneSided('Missing', d.obj, sourceOf(d)) : drifted(d, l.obj, keysOf(d.obj), ignore, undefined, settings);
  });
  for (const i of pairing.extra) {
    const obj = (live[i] as SourcedObject).obj;
    const extra = oneSided('Extra', obj);
    // Argo CD: an extraneous object annotated IgnoreExtraneous does not make the app OutOfSync (objectOptions.ts).
    results.push(hasCompareOption(obj, 'IgnoreExtraneous') ? { ...extra, ignoredExtra: true, note: 'compare-options IgnoreExtraneous: not counted as drift' } : extra);
  }
  return results;
}

/**
 * One GET per desired object in the context. A namespaced manifest without `metadata.namespace` lands
 * where the app deploying its file puts it (Argo CD `destination.namespace`, Flux `targetNamespace`,
 * as the lenses read it: core/drift/deployedBy), else in the context's namespace, else `default`, as
 * kubectl would (core/manifest/namespace.ts). The deploying apps are read from the context only when
 * such a manifest is in a Git clone.
 */
async function compareWithCluster(desired: readonly SourcedObject[], context: string, kubeconfigs: readonly string[], ignore: readonly IgnoreSpec[], io: CliIo, out: CliOutput, given?: DiffSettings): Promise<ResourceDrift[]> {
  const kubeconfig = await readKubeconfig(kubeconfigs, io, out);
  const ctx = kubeconfig.merged.contexts.find((c) => c.name === context);
  const cluster = io.cluster ?? new KubeClusterAccess({ kubeconfig: () => kubeconfig.files });
  const keysOf = listKeysFor(desired.map((o) => o.obj));
  const deployer = await deployersOf(desired, context, kubeconfig, out);
  // The context's Argo CD settings (argocd-cm), read once per namespace, unless --argocd-cm gives them.
  const settingsByNamespace = new Map<string, Promise<DiffSettings | undefined>>();
  const settingsOf = (app: App | undefined): Promise<DiffSettings | undefined> => {
    if (given !== undefined) return Promise.resolve(given);
    if (app !== undefined && app.tool !== 'argocd') return Promise.resolve(undefined);
    const ns = app?.namespace ?? 'argocd';
    let got = settingsByNamespace.get(ns);
    if (got === undefined) {
      got = readClusterDiffSettings(cluster, context, ns, out);
      settingsByNamespace.set(ns, got);
    }
    return got;
  };
  try {
    const results: ResourceDrift[] = [];
    for (const d of desired) {
      const app = deployer.of(d.absFile);
      const id = identityOf(d.obj);
      const namespace = id === undefined ? '' : (resolveNamespace(id, { ...(app?.namespace ? { defaultNamespace: app.namespace } : ctx?.namespace ? { defaultNamespace: ctx.namespace } : {}), namespaced: () => undefined }) ?? '');
      const obj = withNamespace(d.obj, namespace);
      let live: unknown;
      try {
        live = await cluster.get(context, refOf(obj));
      } catch (err) {
        const f = liveReadFailure(err);
        if (f.kind !== 'absent') throw new Error(`cannot read ${String(d.obj.kind)} ${refOf(d.obj).name} (${d.file}:${d.line}) from context "${context}": ${err instanceof Error ? err.message : String(err)}`);
        live = undefined;
      }
      if (!isRecord(live)) results.push(oneSided('Missing', obj, sourceOf(d)));
      else results.push(drifted({ ...d, obj }, live, keysOf(d.obj), app === undefined ? ignore : [...ignore, ...ignoreSpecsOf(app.app)], app?.app, await settingsOf(app?.app)));
    }
    return results;
  } finally {
    deployer.dispose();
    if (cluster instanceof KubeClusterAccess) cluster.dispose();
  }
}

/**
 * The app deploying each desired file into `context` (the first, as the lenses list them), read from
 * the context's Argo CD and Flux objects; none are read when every namespaced manifest names its
 * namespace, or no manifest is in a Git clone with remotes.
 */
async function deployersOf(
  desired: readonly SourcedObject[],
  context: string,
  kubeconfig: Awaited<ReturnType<typeof readKubeconfig>>,
  out: CliOutput,
): Promise<{ of(file: string): { app: App; namespace: string | undefined } | undefined; dispose(): void }> {
  const none = { of: () => undefined, dispose: () => undefined };
  const needs = desired.filter((d) => {
    const id = identityOf(d.obj);
    return id !== undefined && id.namespace === undefined && resolveNamespace(id, { namespaced: () => undefined }) !== undefined;
  });
  const repos = new Map<string, ReturnType<typeof gitRemotes>>();
  const repoOf = (file: string): ReturnType<typeof gitRemotes> => {
    const dir = path.dirname(file);
    if (!repos.has(dir)) repos.set(dir, gitRemotes(dir));
    return repos.get(dir);
  };
  if (!needs.some((d) => (repoOf(d.absFile)?.urls.length ?? 0) > 0)) return none;
  const loaded = await loadApps(kubeconfig.files, [context], out);
  const contexts = kubeconfig.merged.contexts.map((c) => ({ name: c.name, server: c.server }));
  const byFile = new Map<string, { app: App; namespace: string | undefined } | undefined>();
  return {
    of(file) {
      if (!byFile.has(file)) {
        const repo = repoOf(file);
        const deps = repo
          ? appsDeployingFile({ repo: { remotes: repo.urls, root: toPosix(repo.root), ...(repo.branch !== undefined ? { branch: repo.branch } : {}) }, file: toPosix(file), apps: loaded.all })
          : [];
        const dep = deps.find((x) => liveClusterOf(x.app, x.cluster, contexts).cluster === context);
        byFile.set(file, dep && { app: dep.app, namespace: dep.namespace });
      }
      return byFile.get(file);
    },
    dispose: () => loaded.dispose(),
  };
}

/** --argocd-cm FILE: the first ConfigMap in it (argocd-cm), read as Argo CD reads its diff settings. */
function readDiffSettings(file: string, out: CliOutput): DiffSettings {
  const cm = readObjects(file).find((o) => o.obj.kind === 'ConfigMap' && o.obj.apiVersion === 'v1');
  if (cm === undefined) throw new InputError(`${file}: no ConfigMap in it (expected argocd-cm)`);
  const parsed = parseDiffSettings(cm.obj);
  for (const p of parsed.problems) out.error(`gitops-lens: ${file}: ${p}`);
  return parsed.settings;
}

/**
 * argocd-cm of the context, in the namespace of the Argo CD deploying the file (else `argocd`, then
 * none): absent means Argo CD's defaults; unreadable is said on stderr and the defaults are used.
 */
async function readClusterDiffSettings(cluster: Pick<KubeClusterAccess, 'get'>, context: string, namespace: string, out: CliOutput): Promise<DiffSettings | undefined> {
  for (const ns of namespace === 'argocd' ? ['argocd'] : [namespace, 'argocd']) {
    try {
      const cm = await cluster.get(context, { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'argocd-cm' });
      const parsed = parseDiffSettings(cm);
      for (const p of parsed.problems) out.error(`gitops-lens: argocd-cm in ${ns} on "${context}": ${p}`);
      return parsed.settings;
    } catch (err) {
      const f = liveReadFailure(err);
      if (f.kind === 'absent') continue;
      out.error(`gitops-lens: cannot read argocd-cm in ${ns} on "${context}" (${err instanceof Error ? err.message : String(err)}): Argo CD's system-level ignoreDifferences are not applied`);
      return undefined;
    }
  }
  return undefined;
}

/** One resource's result: the comparer's findings for the pair (core/drift/engine diffPair). */
function drifted(desired: SourcedObject, live: Obj, listKeys: ListKeys, ignore: readonly IgnoreSpec[], app?: App, settings?: DiffSettings): ResourceDrift {
  // Flux leaves an object alone when told so (objectOptions.ts); the annotations are Flux's, so an
  // object of no known app that carries them is taken as Flux's.
  const skip = app === undefined || app.tool === 'flux' ? fluxSkipReason(desired.obj, live) : undefined;
  if (skip !== undefined) {
    const { id } = diffPair(desired.obj, live, listKeys, [], app, settings);
    return { ...id, status: 'InSync', changes: [], source: sourceOf(desired), note: `Flux leaves it alone: ${skip}` };
  }
  const { id, changes } = diffPair(desired.obj, live, listKeys, ignore, app, settings);
  const note = isSopsEncrypted(desired.obj) ? SOPS_NOTE : undefined;
  return { ...id, status: changes.length > 0 ? 'Drifted' : 'InSync', changes, source: sourceOf(desired), ...(note === undefined ? {} : { note }) };
}

const sourceOf = (d: SourcedObject): ResourceDrift['source'] => ({ file: d.file, line: d.line });

function refOf(o: Obj): { apiVersion: string; kind: string; namespace: string; name: string } {
  const id = identityOf(o);
  return { apiVersion: typeof o.apiVersion === 'string' ? o.apiVersion : '', kind: id?.kind ?? '', namespace: id?.namespace ?? '', name: id?.name ?? '' };
}

function withNamespace(o: Obj, namespace: string): Obj {
  if (namespace === '' || refOf(o).namespace === namespace) return o;
  return { ...o, metadata: { ...(isRecord(o.metadata) ? o.metadata : {}), namespace } };
}

/** List keys per group/kind: CRD schemas found among the objects, else the built-in table. */
function listKeysFor(objects: readonly Obj[]): (o: Obj) => ListKeys {
  const crds = new Map<string, ListKeys>();
  for (const o of objects) {
    if (o.kind !== 'CustomResourceDefinition' || !isRecord(o.spec) || !isRecord(o.spec.names)) continue;
    const versions = Array.isArray(o.spec.versions) ? o.spec.versions.filter(isRecord) : [];
    for (const v of versions) {
      const schema = isRecord(v.schema) && isRecord(v.schema.openAPIV3Schema) ? v.schema.openAPIV3Schema : undefined;
      crds.set(`${String(o.spec.group)}/${String(v.name)}/${String(o.spec.names.kind)}`, fromOpenAPI(schema));
    }
  }
  return (o) => {
    const apiVersion = o.apiVersion as string;
    const group = groupOf(apiVersion);
    return crds.get(`${group}/${apiVersion.slice(apiVersion.lastIndexOf('/') + 1)}/${o.kind as string}`) ?? builtinListKeys({ group, kind: o.kind as string });
  };
}

/** Fields of an app's ignore rules, for telling their problems from the rest of a manifest's (its missing status). */
const IGNORE_FIELDS = ['spec.ignoreDifferences', 'spec.ignore', 'spec.driftIgnoreRules', 'spec.driftDetection.ignore'];

/**
 * Ignore rules of the Argo CD Applications and Flux HelmReleases/Kustomizations in the --ignore files,
 * read by the same mappers as the apps of a cluster (App.ignore, then `ignoreSpecsOf`).
 */
function readIgnore(files: readonly string[]): IgnoreSpec[] {
  const specs: IgnoreSpec[] = [];
  for (const f of files) {
    for (const { obj, file, line } of readObjects(f)) {
      const where = `${file}:${line}: ${String(obj.kind)} ${refOf(obj).name}`;
      const group = groupOf(String(obj.apiVersion));
      const app =
        obj.kind === 'Application' && group === 'argoproj.io' ? mapArgoApplication('', obj)
        : obj.kind === 'HelmRelease' && group === 'helm.toolkit.fluxcd.io' ? mapFluxHelmRelease('', obj)
        : obj.kind === 'Kustomization' && group === 'kustomize.toolkit.fluxcd.io' ? mapFluxKustomization('', obj)
        : undefined;
      if (app === undefined) throw new InputError(`${where}: --ignore takes Argo CD Applications, Flux HelmReleases or Flux Kustomizations`);
      const problems = app.problems.filter((p) => IGNORE_FIELDS.some((field) => p.startsWith(`${field}[`) || p.startsWith(`${field} `) || p.startsWith(`${field}:`)));
      if (problems.length > 0) throw new InputError(problems.map((p) => `${where}: ${p}`).join('\n'));
      specs.push(...ignoreSpecsOf(app));
    }
  }
  return specs;
}
