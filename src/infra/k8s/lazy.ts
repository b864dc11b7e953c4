/**
 * @kubernetes/client-node is about 1 MB of bundled JavaScript, and evaluating it at activation took the
 * in-host activation from 15 ms to 150 ms. These loaders defer it until the first cluster connection
 * or command that needs it: esbuild initialises a module reached only through `require()` lazily, the
 * first time that `require()` runs.
 */
import type * as ClusterAccessModule from './clusterAccess';
import type * as InformerPoolModule from './informerPool';

export function loadInformerPool(): typeof InformerPoolModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose, see above
  return require('./informerPool') as typeof InformerPoolModule;
}

type ClusterAccess = Pick<ClusterAccessModule.KubeClusterAccess, 'annotate' | 'get' | 'getJson' | 'dryRunApply' | 'watch'>;

/** A KubeClusterAccess that loads client-node on its first call. */
export function lazyClusterAccess(opts: ClusterAccessModule.KubeClusterAccessOptions): ClusterAccess {
  let instance: ClusterAccess | undefined;
  const load = (): ClusterAccess => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose, see above
    instance ??= new (require('./clusterAccess') as typeof ClusterAccessModule).KubeClusterAccess(opts);
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
