/**
 * How the audit reaches clusters when the caller does not say (runAudit's AuditDeps): the kubeconfig
 * files as the other commands read them, and the kube client's cluster access. The only module of
 * src/infra/audit that names where those live, so the CLI can pass its own instead.
 */
import type { KubeconfigFile } from '../../core/ports';
import { KubeClusterAccess } from '../k8s/annotate';
import { defaultKubeconfigPaths, readKubeconfigTextSync } from '../kubeconfigFiles';
import type { AuditClusterAccess } from './clusterApps';

/** `--kubeconfig FILE…` (each must be readable), else KUBECONFIG / ~/.kube/config (may be absent). */
export async function readAuditKubeconfig(extra: readonly string[], env: NodeJS.ProcessEnv): Promise<readonly KubeconfigFile[]> {
  const explicit = extra.length > 0;
  const paths = explicit ? extra : defaultKubeconfigPaths(env);
  return paths.map((p) => {
    try {
      return { path: p, text: readKubeconfigTextSync(p) };
    } catch (err) {
      if (explicit) throw new Error(`cannot read kubeconfig ${p}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      return { path: p, text: undefined };
    }
  });
}

export function auditClusterAccess(files: readonly KubeconfigFile[]): AuditClusterAccess & { dispose(): void } {
  return new KubeClusterAccess({ kubeconfig: () => files });
}
