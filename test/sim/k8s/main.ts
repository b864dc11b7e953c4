/**
 * `npm run sim -- --seed DIR --kubeconfig FILE [--context NAME] [--port N] [--token T] [--argocd-config FILE2]`
 * Starts one simulated cluster, writes a kubeconfig for it, prints `ready <url>`, runs until SIGTERM/SIGINT.
 * With `--argocd-config`, also serves the Argo CD API for the cluster's Argo CD objects (status as
 * seeded, test/sim/argocd), writes an `argocd` CLI config for it (context NAME, a token, the server's
 * certificate authority) into FILE2 and prints `argocd <url>` after the `ready` line.
 * Exit codes: 0 clean stop, 2 bad seed or arguments.
 */
import * as fs from 'node:fs';
import { mirrorCluster, startArgoCdSim, type ArgoCdSim } from '../argocd/argocd';
import { startSimCluster } from './cluster';
import { SeedError } from './seed';

interface Args {
  seed: string[];
  kubeconfig?: string;
  context: string;
  port: number;
  token?: string;
  argocdConfig?: string;
}

function parseArgs(argv: string[]): Args {
  const out: Args = { seed: [], context: 'sim', port: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new SeedError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--seed') out.seed.push(value());
    else if (flag === '--kubeconfig') out.kubeconfig = value();
    else if (flag === '--context') out.context = value();
    else if (flag === '--port') out.port = Number(value());
    else if (flag === '--token') out.token = value();
    else if (flag === '--argocd-config') out.argocdConfig = value();
    else throw new SeedError(`unknown argument ${a}`);
  }
  return out;
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
    const cluster = await startSimCluster({ seed: args.seed, port: args.port, ...(args.token ? { token: args.token } : {}) });
    if (args.kubeconfig) fs.writeFileSync(args.kubeconfig, cluster.kubeconfig(args.context), { mode: 0o600 });
    process.stdout.write(`ready ${cluster.url}\n`);
    let argocd: ArgoCdSim | undefined;
    if (args.argocdConfig) {
      argocd = await startArgoCdSim();
      mirrorCluster(argocd, cluster);
      fs.writeFileSync(args.argocdConfig, argocd.cliConfig(args.context, { withCa: true }), { mode: 0o600 });
      // The argocd CLI (and GitOps Lens, after it) refuses a config others can read; a file that existed keeps its mode otherwise.
      fs.chmodSync(args.argocdConfig, 0o600);
      process.stdout.write(`argocd ${argocd.url}\n`);
    }
    const stop = (): void => {
      void Promise.all([cluster.stop(), argocd?.stop()]).then(() => process.exit(0));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(e instanceof SeedError ? 2 : 1);
  }
}

void main();
