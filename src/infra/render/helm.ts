/**
 * Desired state of a Helm chart's templates (issue 5): `helm template` on a temp copy of the chart with
 * the editor's text standing in for the file, objects traced back through helm's `# Source:` comments
 * (core/render/helmSource). Rendered with the chart's own values.yaml and the release name helm uses
 * when none is given ("release-name"); the values an Argo CD Application or Flux HelmRelease adds are
 * not known here. A template is not Kubernetes YAML: when helm is missing or fails, the file gets no
 * lens (`notPlainYaml`), only the fallback text.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { parseManifests } from '../../core/manifest/documents';
import type { Logger } from '../../core/ports';
import { literalKind, matchTemplateDocuments, splitHelmOutput } from '../../core/render/helmSource';
import type { DesiredRenderer, FolderRender, RenderOutcome } from '../../core/render/types';
import { pathLookup, runTool, type FindExecutable } from './process';
import { RenderCache, firstLine } from './renderCache';
import { collectFiles, treeHash, withTempTree, type TreeFile } from './tempTree';

export interface HelmRendererOptions {
  readonly findExecutable?: FindExecutable;
  readonly log?: Logger;
  /** Per render (default 30 s). */
  readonly timeoutMs?: number;
  readonly cacheEntries?: number;
  readonly maxFiles?: number;
}

export const HELM_NOT_FOUND = 'helm not found: templates not rendered';

/** One release of a chart, as an Argo CD Application or Flux HelmRelease renders it. */
export interface HelmRelease {
  readonly name: string;
  readonly namespace?: string;
  /** The merged values, as YAML or JSON text. */
  readonly values?: string;
}

/** The values file written beside the chart copy (outside the chart folder, so the chart's own files are untouched). */
const RELEASE_VALUES = 'gitops-lens-release-values.yaml';
const TOOL = 'helm';

/** The chart a file belongs to (nearest folder up with Chart.yaml) and its path inside the chart. */
export async function findChartFor(fsPath: string): Promise<{ readonly dir: string; readonly rel: string } | undefined> {
  const file = path.resolve(fsPath);
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    try {
      if ((await fs.stat(path.join(dir, 'Chart.yaml'))).isFile()) return { dir, rel: path.relative(dir, file).split(path.sep).join('/') };
    } catch {
      // not a chart folder
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

type ChartRender = { readonly ok: true; readonly docs: readonly { source: string; obj: Record<string, unknown> }[] } | { readonly ok: false; readonly fallback: string };

export class HelmRenderer {
  private readonly find: FindExecutable;
  /** Renders by chart and input texts; failed renders are tried again on the next request. */
  private readonly cache: RenderCache<ChartRender>;
  private helm: Promise<string | undefined> | undefined;

  constructor(private readonly opts: HelmRendererOptions = {}) {
    this.find = opts.findExecutable ?? pathLookup();
    this.cache = new RenderCache(opts.cacheEntries ?? 16, (r) => r.ok);
  }

  readonly render: DesiredRenderer = async ({ fsPath, text, signal }) => {
    const file = path.resolve(fsPath);
    const chart = await findChartFor(file);
    if (!chart) return undefined;
    // crds/ holds plain YAML that helm installs as it is.
    if (chart.rel.startsWith('crds/')) return undefined;
    const none: RenderOutcome = { tool: TOOL, documents: [], notPlainYaml: true };
    // Chart.yaml, values files, helpers (`_*.tpl`) and NOTES.txt stand for no object.
    if (!chart.rel.startsWith('templates/') || !/\.ya?ml$/i.test(chart.rel) || path.basename(chart.rel).startsWith('_')) return none;
    const r = await this.renderChart(chart.dir, new Map([[file, text]]), signal);
    if (!r.ok) return { ...none, fallback: r.fallback };
    // Helm names the chart by its folder name in `# Source:` (chart.Name() is Chart.yaml's name, and
    // that is what helm prints): compare on the part after the first segment.
    const mine = r.docs.filter((d) => d.source.slice(d.source.indexOf('/') + 1) === chart.rel).map((d) => d.obj);
    const templateDocs = parseManifests(text).documents.map((d) => ({ index: d.index, kind: literalKind(text.slice(d.range.start.offset, d.range.end.offset)) }));
    return { tool: TOOL, documents: matchTemplateDocuments(templateDocs, mine), notPlainYaml: true };
  };

  /**
   * Renders the chart in `dir`; each object names its template file (from helm's `# Source:`). With
   * `release`, as a controller renders one release of it (issue 19, compare environments): its name,
   * namespace and values (YAML or JSON text, passed as one `-f` file written into the temp copy, so the
   * user's files are only read by us and the render is cached on the values too).
   */
  async renderFolder(dir: string, release?: HelmRelease): Promise<FolderRender> {
    const abs = path.resolve(dir);
    const r = await this.renderChart(abs, new Map(), undefined, release);
    if (!r.ok) return { ok: false, tool: TOOL, fallback: r.fallback };
    return { ok: true, tool: TOOL, objects: r.docs.map((d) => ({ desired: d.obj, file: path.join(abs, ...d.source.slice(d.source.indexOf('/') + 1).split('/')) })) };
  }

  private async renderChart(dir: string, overrides: ReadonlyMap<string, string>, signal?: AbortSignal, release?: HelmRelease): Promise<ChartRender> {
    this.helm ??= this.find('helm');
    const helm = await this.helm;
    if (!helm) return { ok: false, fallback: HELM_NOT_FOUND };
    let files;
    try {
      files = await collectFiles([dir], path.dirname(dir), overrides, this.opts.maxFiles ?? 5000);
    } catch (err) {
      return { ok: false, fallback: `chart not rendered: ${err instanceof Error ? err.message : String(err)}` };
    }
    const args = (chartCopy: string, tmp: string): string[] =>
      release === undefined
        ? ['template', chartCopy]
        : ['template', release.name, chartCopy, ...(release.namespace ? ['--namespace', release.namespace] : []), ...(release.values !== undefined ? ['-f', path.join(tmp, RELEASE_VALUES)] : [])];
    if (release?.values !== undefined) files.set(RELEASE_VALUES, release.values);
    const key = `${dir}\0${treeHash(`${helm}\0${release ? JSON.stringify([release.name, release.namespace ?? '']) : ''}`, files)}`;
    return this.cache.run(key, (abort) => this.run(helm, dir, files, args, abort), signal);
  }

  private async run(helm: string, dir: string, files: ReadonlyMap<string, TreeFile>, args: (chartCopy: string, tmp: string) => string[], signal: AbortSignal): Promise<ChartRender> {
    return withTempTree('gitops-lens-helm-', files, async (tmp) => {
        const chartCopy = path.join(tmp, path.basename(dir));
        const r = await runTool(helm, args(chartCopy, tmp), { cwd: tmp, timeoutMs: this.opts.timeoutMs ?? 30_000, signal });
        if (!r.ok) {
          const message = r.message.split(tmp).join(path.dirname(dir));
          this.opts.log?.warn(`[Render][helm] helm template ${dir} failed: ${message}`);
          return { ok: false, fallback: `helm template failed: ${firstLine(message)}` };
        }
        const docs: { source: string; obj: Record<string, unknown> }[] = [];
        for (const d of splitHelmOutput(r.stdout)) {
          const v = parseManifests(d.text).documents[0]?.value;
          if (typeof v === 'object' && v !== null && !Array.isArray(v)) docs.push({ source: d.source, obj: v as Record<string, unknown> });
        }
        return { ok: true, docs };
    });
  }
}
