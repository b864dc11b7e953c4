import type { KubeObject } from '../sim/k8s/types';

/**
 * A fixture object ready to seed into the Kubernetes simulator: server-owned metadata removed, and no
 * finalizers (no controller here would remove them, so deletes would only set deletionTimestamp).
 */
export function seedable(o: unknown, patch: (o: KubeObject) => void = () => undefined): KubeObject {
  const c = structuredClone(o) as KubeObject;
  delete c.metadata.resourceVersion;
  delete c.metadata.uid;
  delete c.metadata.finalizers;
  patch(c);
  return c;
}
