/**
 * `gitops-lens`: the same core as the extension, on the command line.
 * Exit codes: 0 success, 1 a finding (drift from `diff`, not Healthy from `health`, environments that
 * differ from `compare`, a change `promote` could not carry), 2 an error or bad usage.
 */
import { UsageError } from './args';
import { audit, AUDIT_USAGE } from './audit';
import { contexts } from './contexts';
import { diff } from './diff';
import { health } from './health';
import type { CliIo } from './io';
import { CliOutput } from './output';
import { compare, envs, promote } from './promote';
import { status } from './status';

export type { CliIo } from './io';
export { UsageError } from './args';

declare const GITOPS_LENS_VERSION: string | undefined;
const VERSION = typeof GITOPS_LENS_VERSION === 'string' ? GITOPS_LENS_VERSION : '0.0.0-dev';

const USAGE = `Usage: gitops-lens <command> [options]

Commands:
  contexts [--kubeconfig FILE]... [--json]   List the kubeconfig contexts GitOps Lens would connect to
  status [--context NAME]... [--kubeconfig FILE]... [--json]
                                             Show every Argo CD and Flux app of the contexts (default: all)
  status (--argocd-config FILE [--argocd-context NAME]... | --argocd-server URL --argocd-token-file F [--insecure]) [--json]
                                             The same, through Argo CD's API with an Argo CD login (the
                                             argocd CLI's config; default: your own), no kubeconfig
  diff --desired PATH (--live PATH | --context NAME [--kubeconfig FILE]...) [--ignore FILE]... [--argocd-cm FILE]
       [--no-render] [--json]
                                             Compare manifests (a file or a directory of .yaml/.yml) with
                                             live objects; --ignore reads ignore rules of Argo CD
                                             Applications and Flux HelmReleases/Kustomizations;
                                             --argocd-cm the system-level ignoreDifferences and
                                             compareoptions of an argocd-cm (with --context it is
                                             read from the cluster).
                                             Kustomize folders and Helm charts under PATH are rendered
                                             (kustomize build, else kubectl kustomize; helm template)
                                             unless --no-render. With --context, a manifest without a
                                             namespace goes where the app deploying it puts it, else
                                             to the context's namespace, else to default.
                                             Exit 0 in sync, 1 drift, 2 error
  health --live FILE... [--argocd-cm FILE] [--json]
                                             Each live object's health as Argo CD computes it (files as
                                             kubectl get -o yaml writes them), with the Lua checks of an
                                             argocd-cm ConfigMap, and the app health Argo CD aggregates.
                                             Exit 0 Healthy, 1 otherwise, 2 error
${AUDIT_USAGE}
  envs --repo DIR [--app NAME] [--context NAME]... [--kubeconfig FILE]... [--json]
                                             Each app of the repository's Argo CD and Flux manifests
                                             with its environments (overlays sharing a base, releases
                                             of one chart, ApplicationSet siblings); with --context,
                                             their clusters' revision, sync and health
  compare --repo DIR --app NAME --from ENV --to ENV [--context NAME]... [--json]
                                             The two environments rendered (kustomize, helm) and
                                             compared, Secrets masked. Exit 0 same, 1 different, 2 error
  promote --repo DIR --app NAME --from ENV --to ENV [--only image|chart|values] [--key KEY]...
          [--dry-run] [--context NAME]...    Carry image tags, the chart version or values from one
                                             environment to the other, editing the target's own files
                                             (never a shared base); --dry-run prints the edit as a
                                             unified diff, else the files are written. ENV is an
                                             overlay folder or a cluster. Exit 0 done, 1 something
                                             could not be carried, 2 error
  help                                       Show this help
  --version                                  Print the version

Kubeconfig files are read from KUBECONFIG (or ~/.kube/config) and every --kubeconfig FILE.`;

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  // Every line goes through CliOutput: text from clusters, kubeconfig files and manifests is redacted
  // and its control characters shown escaped (core/log/redact.ts).
  const out = new CliOutput(io);
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        out.text(USAGE);
        return command === undefined ? 2 : 0;
      case '--version':
      case 'version':
        out.text(VERSION);
        return 0;
      case 'contexts':
        return await contexts(rest, io, out);
      case 'status':
        return await status(rest, io, out);
      case 'diff':
        return await diff(rest, io, out);
      case 'health':
        return await health(rest, out);
      case 'audit':
        return await audit(rest, io, out);
      case 'envs':
        return await envs(rest, io, out);
      case 'compare':
        return await compare(rest, io, out);
      case 'promote':
        return await promote(rest, io, out);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      out.error(`gitops-lens: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    out.error(`gitops-lens: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
}

// Runs only as the bundled entry point, never when a test imports this module.
if (require.main === module) {
  void main(process.argv.slice(2), {
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(`${s}\n`),
    env: process.env,
    isTty: process.stdout.isTTY === true,
  }).then((code) => {
    process.exitCode = code;
  });
}
