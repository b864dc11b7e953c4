/** A kubeconfig context, the unit GitOps Lens calls a cluster. */
export interface ClusterContext {
  /** Context name, unique after merging (first file wins, as kubectl does). */
  readonly name: string;
  readonly cluster: string;
  readonly user: string;
  /** API server URL from the context's cluster entry; undefined if the entry is missing. */
  readonly server: string | undefined;
  readonly namespace: string | undefined;
  /** The kubeconfig file that defined the context. */
  readonly sourceFile: string;
  readonly isCurrent: boolean;
}

export interface KubeconfigProblem {
  readonly file: string;
  /** 1-based line, when the problem has a position. */
  readonly line: number | undefined;
  readonly message: string;
}

export interface MergedKubeconfig {
  readonly contexts: readonly ClusterContext[];
  readonly currentContext: string | undefined;
  readonly problems: readonly KubeconfigProblem[];
}
