/**
 * One environment rendered as its controller renders it, through the renderer the lenses and the CLI
 * use (infra/render/renderer.ts): a kustomize overlay built by kustomize (or kubectl kustomize), a
 * chart in the repository by `helm template` with the release's name, namespace and merged values, a
 * plain folder read as its documents. `overrides` (repository path → text) stand in for files, so a
 * promotion's result can be rendered before anything is written.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as jsyaml from 'js-yaml';
import { effectiveValues, loadValuesLayers } from '../../core/env/promote';
import type { Environment, EnvironmentGroup } from '../../core/env/types';
import { isRecord } from '../../core/json';
import { YAML_LIMITS } from '../../core/manifest/boundedYaml';
import { parseManifests } from '../../core/manifest/documents';
import { KUSTOMIZATION_FILE_NAMES } from '../../core/render/kustomization';
import type { RenderedObject } from '../../core/render/types';
import type { Renderer } from '../render/renderer';
import { readRegularFile, walkTree } from '../repoFiles';

export type EnvRender =
  | { readonly ok: true; readonly tool: string; readonly objects: readonly RenderedObject[]; readonly values?: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly reason: string; readonly values?: Readonly<Record<string, unknown>> };

export interface RenderEnvironmentOptions {
  readonly root: string;
  readonly group: EnvironmentGroup;
  readonly readFile: (rel: string) => string | undefined;
  /** Repository path → text standing in for the file. */
  readonly overrides?: ReadonlyMap<string, string>;
  readonly notes?: string[];
}

const abs = (root: string, rel: string): string => path.join(root, ...rel.split('/').filter((s) => s !== ''));

export async function renderEnvironment(renderer: Renderer, env: Environment, opts: RenderEnvironmentOptions): Promise<EnvRender> {
  const d = env.deploy;
  const overrides = opts.overrides ?? new Map<string, string>();
  if (d.type === 'kustomize') {
    const byAbs = new Map([...overrides].map(([rel, text]) => [abs(opts.root, rel), text]));
    const r = await renderer.kustomize.renderFolder(abs(opts.root, d.folder), { overrides: byAbs });
    return r.ok ? { ok: true, tool: r.tool, objects: r.objects } : { ok: false, reason: r.fallback };
  }
  if (d.type === 'directory') return readFolder(opts.root, d.folder, d.recurse, overrides);
  const readFile = (rel: string): string | undefined => overrides.get(rel) ?? opts.readFile(rel);
  // The repository's layers merged, passed over the chart's own values.yaml. (Flux replaces the chart's
  // values.yaml by `valuesFiles` when they are set — source-controller HelmChart spec.valuesFiles — so a
  // default the listed files do not repeat can differ from what helm-controller renders.)
  const values = effectiveValues(loadValuesLayers(env, opts.group, readFile, opts.notes));
  if (d.chart.type === 'remote') return { ok: false, reason: `the chart ${d.chart.chart} comes from ${d.chart.repo}: not rendered here (its version and values are compared)`, values };
  const r = await renderer.helm.renderFolder(abs(opts.root, d.chart.path), {
    name: d.releaseName,
    ...(d.namespace ? { namespace: d.namespace } : {}),
    values: jsyaml.dump(values, { noRefs: true, lineWidth: -1 }),
  });
  return r.ok ? { ok: true, tool: r.tool, objects: r.objects, values } : { ok: false, reason: r.fallback, values };
}

/** A plain folder's documents (Argo CD Directory: sub-folders only with `recurse`; Flux reads them all). */
async function readFolder(root: string, folder: string, recurse: boolean, overrides: ReadonlyMap<string, string>): Promise<EnvRender> {
  const dir = abs(root, folder);
  let tree;
  try {
    tree = await walkTree([dir], { limits: { maxEntries: 10_000 }, skip: (n) => n.startsWith('.') });
  } catch (err) {
    return { ok: false, reason: `${folder}: ${err instanceof Error ? err.message : String(err)}` };
  }
  const objects: RenderedObject[] = [];
  for (const f of tree.files) {
    const name = path.basename(f.path);
    if (!/\.ya?ml$/i.test(name) || KUSTOMIZATION_FILE_NAMES.includes(name)) continue;
    if (!recurse && path.dirname(f.path) !== dir) continue;
    const rel = path.relative(root, f.path).split(path.sep).join('/');
    let text = overrides.get(rel);
    if (text === undefined) {
      try {
        text = (await readRegularFile(await fs.promises.realpath(f.path), YAML_LIMITS.maxChars)).toString('utf8');
      } catch (err) {
        return { ok: false, reason: `${rel}: ${err instanceof Error ? err.message : String(err)}` };
      }
    }
    for (const doc of parseManifests(text).documents) {
      if (isRecord(doc.value) && typeof doc.value.kind === 'string' && typeof doc.value.apiVersion === 'string') objects.push({ desired: doc.value, file: f.path });
    }
  }
  return { ok: true, tool: 'directory', objects };
}
