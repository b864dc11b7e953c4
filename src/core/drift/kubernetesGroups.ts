/**
 * The API groups of Kubernetes' own kinds: those client-go's scheme registers
 * (k8s.io/client-go/kubernetes/scheme register.go), the set Argo CD decodes into Go types before
 * diffing (gitops-engine pkg/diff `remarshal`: `scheme.Scheme.New(gvk)`). CustomResourceDefinition
 * (apiextensions.k8s.io) and APIService (apiregistration.k8s.io) live in other modules and are not
 * among them; neither is any custom resource.
 */
const GROUPS: ReadonlySet<string> = new Set([
  '',
  'admissionregistration.k8s.io',
  'internal.apiserver.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'extensions',
  'flowcontrol.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
  'storagemigration.k8s.io',
]);

/** Whether the group is one of Kubernetes' own (`` is the core group). */
export function isKubernetesGroup(group: string): boolean {
  return GROUPS.has(group);
}
