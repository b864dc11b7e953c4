// Which namespace a manifest's resource lands in. Rules:
// - cluster-scoped kinds have none (discovery says so, else the built-in list below);
// - a kustomize `namespace:` or Flux Kustomization `spec.targetNamespace` overrides the document's
//   namespace (kustomize namespace transformer; Flux docs: "targetNamespace ... sets or overrides the
//   namespace"), passed as `overrideNamespace`;
// - otherwise the document's `metadata.namespace`, else the deployer's default (Argo CD
//   `spec.destination.namespace`, Flux HelmRelease `targetNamespace`), else `default`, as kubectl does.
import type { ResourceIdentity } from './documents';

export interface NamespaceOptions {
  /** Used when the document names no namespace (Argo CD destination namespace). */
  defaultNamespace?: string;
  /** Replaces the document's namespace (kustomize `namespace:`, Flux `targetNamespace`). */
  overrideNamespace?: string;
  /** Discovery: true namespaced, false cluster-scoped, undefined unknown (then the built-in list decides). */
  namespaced: (group: string, kind: string) => boolean | undefined;
}

/**
 * Cluster-scoped kinds of Kubernetes itself (`kubectl api-resources --namespaced=false` on 1.33) and of
 * common add-ons, keyed `group/Kind` (core group is ``).
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  '/Namespace', '/Node', '/PersistentVolume', '/ComponentStatus',
  'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/MutatingAdmissionPolicy',
  'admissionregistration.k8s.io/MutatingAdmissionPolicyBinding',
  'storage.k8s.io/StorageClass', 'storage.k8s.io/CSIDriver', 'storage.k8s.io/CSINode',
  'storage.k8s.io/VolumeAttachment', 'storage.k8s.io/VolumeAttributesClass',
  'scheduling.k8s.io/PriorityClass',
  'node.k8s.io/RuntimeClass',
  'networking.k8s.io/IngressClass', 'networking.k8s.io/IPAddress', 'networking.k8s.io/ServiceCIDR',
  'certificates.k8s.io/CertificateSigningRequest', 'certificates.k8s.io/ClusterTrustBundle',
  'flowcontrol.apiserver.k8s.io/FlowSchema', 'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'policy/PodSecurityPolicy',
  'authentication.k8s.io/TokenReview', 'authentication.k8s.io/SelfSubjectReview',
  'authorization.k8s.io/SelfSubjectAccessReview', 'authorization.k8s.io/SelfSubjectRulesReview',
  'authorization.k8s.io/SubjectAccessReview',
  'resource.k8s.io/DeviceClass', 'resource.k8s.io/ResourceSlice',
  'storagemigration.k8s.io/StorageVersionMigration',
  'internal.apiserver.k8s.io/StorageVersion',
  // Add-ons often found in GitOps repositories.
  'cert-manager.io/ClusterIssuer',
  'gateway.networking.k8s.io/GatewayClass',
  'external-secrets.io/ClusterSecretStore', 'external-secrets.io/ClusterExternalSecret',
  'kyverno.io/ClusterPolicy', 'wgpolicyk8s.io/ClusterPolicyReport',
  'karpenter.sh/NodePool', 'karpenter.sh/NodeClaim', 'karpenter.k8s.aws/EC2NodeClass',
  'snapshot.storage.k8s.io/VolumeSnapshotClass', 'snapshot.storage.k8s.io/VolumeSnapshotContent',
  'templates.gatekeeper.sh/ConstraintTemplate',
]);

function isClusterScopedBuiltIn(group: string, kind: string): boolean {
  return CLUSTER_SCOPED_KINDS.has(`${group}/${kind}`);
}

/** The namespace the resource lands in, or undefined for a cluster-scoped kind. */
export function resolveNamespace(identity: Pick<ResourceIdentity, 'group' | 'kind' | 'namespace'>, opts: NamespaceOptions): string | undefined {
  const namespaced = opts.namespaced(identity.group, identity.kind) ?? !isClusterScopedBuiltIn(identity.group, identity.kind);
  if (!namespaced) return undefined;
  return nonEmpty(opts.overrideNamespace) ?? nonEmpty(identity.namespace) ?? nonEmpty(opts.defaultNamespace) ?? 'default';
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}
