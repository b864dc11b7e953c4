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

export function createRenderer(opts: RendererOptions = {}): DesiredRenderer {
  const shared = { ...opts, findExecutable: opts.findExecutable ?? pathLookup() };
  const helm = new HelmRenderer(shared);
  const kustomize = new KustomizeRenderer(shared);
  return async (file) => (await helm.render(file)) ?? (await kustomize.render(file));
}
