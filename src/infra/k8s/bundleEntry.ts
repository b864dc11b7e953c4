/**
 * Entry point of `dist/k8s.js`, the separately bundled part of the extension that holds
 * @kubernetes/client-node. `lazy.ts` requires it on first use, so activation neither parses nor runs
 * that megabyte of JavaScript (see scripts/build.mjs). Not a barrel for imports: only the build uses it.
 */
export { InformerPool } from './informerPool';
export { KubeClusterAccess } from './clusterAccess';
export { KubeConnections } from './kubeClient';
