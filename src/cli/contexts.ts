/**
 * `gitops-lens contexts`, and the kubeconfig every command reads: the extension's own source
 * (src/infra/kubeconfigFiles.ts: KUBECONFIG, else ~/.kube/config, bounded reads) merged by core
 * (core/kube/kubeconfig.ts, as kubectl merges).
 */
import { mergeKubeconfigs } from '../core/kube/kubeconfig';
import type { MergedKubeconfig } from '../core/model/cluster';
import type { KubeconfigFile, Logger } from '../core/ports';
import { FileKubeconfigSource, defaultKubeconfigPaths } from '../infra/kubeconfigFiles';
import { parseArgs } from './args';
import type { CliIo } from './io';
import type { CliOutput } from './output';

const QUIET: Logger = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

export interface Kubeconfig {
  readonly paths: readonly string[];
  readonly files: readonly KubeconfigFile[];
  readonly merged: MergedKubeconfig;
}

/**
 * The kubeconfig files of `--kubeconfig FILE…` (each must be readable), else the default ones (which
 * may be absent), merged; merge problems are printed naming file and line.
 */
export async function readKubeconfig(extra: readonly string[], io: CliIo, out: CliOutput): Promise<Kubeconfig> {
  const explicit = extra.length > 0;
  const paths = explicit ? extra : defaultKubeconfigPaths(io.env);
  const files = await new FileKubeconfigSource(paths, QUIET, false).read();
  if (explicit) {
    // A file named on the command line must exist; the implicit default may be absent.
    const unread = files.find((f) => f.text === undefined);
    if (unread) throw new Error(`cannot read kubeconfig ${unread.path}: ${unread.problem ?? 'ENOENT'}`);
  }
  const merged = mergeKubeconfigs(files);
  for (const p of merged.problems) out.error(`${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`);
  return { paths, files, merged };
}

export async function contexts(args: readonly string[], io: CliIo, out: CliOutput): Promise<number> {
  const a = parseArgs('contexts', args, { flags: ['--json'], values: { '--kubeconfig': 'file' } });
  const { paths, merged } = await readKubeconfig(a.all('--kubeconfig'), io, out);
  if (a.has('--json')) {
    out.json({
      currentContext: merged.currentContext ?? null,
      contexts: merged.contexts.map((c) => ({
        name: c.name,
        cluster: c.cluster,
        user: c.user,
        server: c.server ?? null,
        namespace: c.namespace ?? null,
        current: c.isCurrent,
      })),
    });
  } else if (merged.contexts.length === 0) {
    out.error(`no kubeconfig contexts found in ${paths.join(', ')}`);
  } else {
    const rows = merged.contexts.map((c) => [c.isCurrent ? '*' : ' ', c.name, c.server ?? '-', c.namespace ?? '-']);
    out.table([[' ', 'CONTEXT', 'SERVER', 'NAMESPACE'], ...rows]);
  }
  return merged.problems.length > 0 || merged.contexts.length === 0 ? 2 : 0;
}
