/**
 * `gitops-lens`: the same core as the extension, on the command line.
 * Exit codes: 0 success, 1 a finding (drift, from later commands), 2 an error or bad usage.
 */
import * as fs from 'node:fs';
import { mergeKubeconfigs } from './core/kube/kubeconfig';
import { defaultKubeconfigPaths } from './infra/kubeconfigFiles';
import type { KubeconfigFile } from './core/ports';

declare const GITOPS_LENS_VERSION: string | undefined;
const VERSION = typeof GITOPS_LENS_VERSION === 'string' ? GITOPS_LENS_VERSION : '0.0.0-dev';

const USAGE = `Usage: gitops-lens <command> [options]

Commands:
  contexts [--kubeconfig FILE]... [--json]   List the kubeconfig contexts GitOps Lens would connect to
  help                                       Show this help
  --version                                  Print the version

Kubeconfig files are read from KUBECONFIG (or ~/.kube/config) and every --kubeconfig FILE.`;

export interface CliIo {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

export class UsageError extends Error {}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      case '--version':
      case 'version':
        io.out(VERSION);
        return 0;
      case 'contexts':
        return contexts(rest, io);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`gitops-lens: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    io.err(`gitops-lens: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
}

function contexts(args: readonly string[], io: CliIo): number {
  const extra: string[] = [];
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') json = true;
    else if (a === '--kubeconfig') {
      const v = args[++i];
      if (!v) throw new UsageError('--kubeconfig needs a file');
      extra.push(v);
    } else throw new UsageError(`unknown option "${a}" for contexts`);
  }
  const explicit = extra.length > 0;
  const paths = explicit ? extra : defaultKubeconfigPaths(io.env);
  const files: KubeconfigFile[] = paths.map((p) => {
    try {
      return { path: p, text: fs.readFileSync(p, 'utf8') };
    } catch (err) {
      // A file named on the command line must exist; the implicit default may be absent.
      if (explicit) throw new Error(`cannot read kubeconfig ${p}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      return { path: p, text: undefined };
    }
  });
  const merged = mergeKubeconfigs(files);
  for (const p of merged.problems) io.err(`${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`);
  if (json) {
    io.out(
      JSON.stringify(
        {
          currentContext: merged.currentContext ?? null,
          contexts: merged.contexts.map((c) => ({
            name: c.name,
            cluster: c.cluster,
            user: c.user,
            server: c.server ?? null,
            namespace: c.namespace ?? null,
            current: c.isCurrent,
          })),
        },
        null,
        2,
      ),
    );
  } else if (merged.contexts.length === 0) {
    io.err(`no kubeconfig contexts found in ${paths.join(', ')}`);
  } else {
    const rows = merged.contexts.map((c) => [c.isCurrent ? '*' : ' ', c.name, c.server ?? '-', c.namespace ?? '-']);
    io.out(table([[' ', 'CONTEXT', 'SERVER', 'NAMESPACE'], ...rows]));
  }
  return merged.problems.length > 0 || merged.contexts.length === 0 ? 2 : 0;
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

// Runs only as the bundled entry point, never when a test imports this module.
if (require.main === module) {
  void main(process.argv.slice(2), {
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(`${s}\n`),
    env: process.env,
  }).then((code) => {
    process.exitCode = code;
  });
}
