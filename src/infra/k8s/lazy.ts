/**
 * @kubernetes/client-node is about 1 MB of bundled JavaScript, and evaluating it at activation took the
 * in-host activation from 15 ms to 150 ms. These loaders defer it until the first cluster connection
 * or command that needs it: esbuild initialises a module reached only through `require()` lazily, the
 * first time that `require()` runs.
 */
import type { Clock, KubeconfigFile, Logger } from '../../core/ports';
import type * as ClusterAccessModule from './clusterAccess';
import type * as InformerPoolModule from './informerPool';
import type * as KubeClientModule from './kubeClient';

export function loadInformerPool(): typeof InformerPoolModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose, see above
  return require('./informerPool') as typeof InformerPoolModule;
}

type ClusterAccess = Pick<ClusterAccessModule.KubeClusterAccess, 'annotate' | 'get' | 'getJson' | 'dryRunApply' | 'watch'>;

/**
 * The connections of one process, one per kubeconfig context, shared by the informer pool and the
 * cluster access so that the lists, watches and GETs of a cluster go through one keep-alive agent
 * (one TLS session; issue 18). Created with the request layer on first use.
 */
export class LazyKubeConnections {
  private instance: KubeClientModule.KubeConnections | undefined;
  private disposed = false;

  constructor(private readonly opts: { readonly kubeconfig: () => Promise<readonly KubeconfigFile[]> | readonly KubeconfigFile[]; readonly log?: Logger; readonly clock?: Clock }) {}

  get(): KubeClientModule.KubeConnections {
    if (this.disposed) throw new Error('the cluster connections were closed');
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose, see above
    this.instance ??= new (require('./kubeClient') as typeof KubeClientModule).KubeConnections(this.opts);
    return this.instance;
  }

  dispose(): void {
    this.disposed = true;
    this.instance?.dispose();
    this.instance = undefined;
  }
}

/** A KubeClusterAccess that loads client-node on its first call, on the shared connections when given. */
export function lazyClusterAccess(opts: ClusterAccessModule.KubeClusterAccessOptions, shared?: LazyKubeConnections): ClusterAccess {
  let instance: ClusterAccess | undefined;
  const load = (): ClusterAccess => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose, see above
    instance ??= new (require('./clusterAccess') as typeof ClusterAccessModule).KubeClusterAccess(shared ? { ...opts, connections: shared.get() } : opts);
    return instance;
  };
  return {
    annotate: (...args) => load().annotate(...args),
    get: (...args) => load().get(...args),
    dryRunApply: (...args) => load().dryRunApply(...args),
    getJson: (...args) => load().getJson(...args),
    watch: (...args) => load().watch(...args),
  };
}
