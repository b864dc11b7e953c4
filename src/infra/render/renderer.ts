/**
 * The one DesiredRenderer the editor and the CLI use: a file under a Helm chart (Chart.yaml up the
 * tree) is helm's, a file a kustomization refers to is kustomize's, anything else is a plain manifest
 * (undefined: the documents are the desired state as they are).
 */
import type { Logger } from '../../core/ports';
import type { DesiredRenderer } from '../../core/render/types';
import { HelmRenderer } from './helm';
import { KustomizeRenderer } from './kustomize';
import { pathLookup, type FindExecutable } from './process';

export interface RendererOptions {
  readonly log?: Logger;
  /** How kustomize, kubectl and helm are found (default: this process's PATH). */
  readonly findExecutable?: FindExecutable;
  /** Per tool run (default 30 s). */
  readonly timeoutMs?: number;
}

/** The lenses' per-file DesiredRenderer and the CLI's folder renders, over the same tools and caches. */
export class Renderer {
  readonly helm: HelmRenderer;
  readonly kustomize: KustomizeRenderer;

  constructor(opts: RendererOptions = {}) {
    const shared = { ...opts, findExecutable: opts.findExecutable ?? pathLookup() };
    this.helm = new HelmRenderer(shared);
    this.kustomize = new KustomizeRenderer(shared);
  }

  /** The desired state of one file (the editor's buffer standing in for it); undefined for a plain manifest. */
  readonly render: DesiredRenderer = async (file) => (await this.helm.render(file)) ?? (await this.kustomize.render(file));
}

export function createRenderer(opts: RendererOptions = {}): DesiredRenderer {
  return new Renderer(opts).render;
}
