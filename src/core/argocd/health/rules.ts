/**
 * Which rule judges an object, in Argo CD's order (argo-cd `util/lua/lua.go` `GetHealthScript`, then
 * `gitops-engine/pkg/health/health.go` `GetResourceHealth`): argocd-cm customizations come first (see
 * assess.ts), then Argo CD's built-in Lua checks — re-expressed here in TypeScript for the groups in
 * NATIVE_RULES and WILDCARD_RULES — then gitops-engine's built-in checks (builtin.ts). A kind none of
 * them names has no health.
 */
import { builtinCheck } from './builtin';
import { ARGO_CD_LUA_CHECKS } from './upstreamKinds';
import * as argo from './argo';
import * as cert from './certManager';
import * as capi from './clusterApi';
import * as flux from './flux';
import * as gw from './gatewayApi';
import * as keda from './keda';
import * as k8s from './kubernetes';
import * as secrets from './secrets';
import * as wild from './wildcards';
import { groupKindKey, type ObjectIdentity, type Rec, type ResourceHealth } from './types';

type RuleCheck = (o: Rec, id: ObjectIdentity) => ResourceHealth | undefined;

/** Where a verdict comes from, for the CLI and the conformance table. */
export interface RuleRef {
  /** The family as README's conformance table names it. */
  readonly family: string;
  /** The upstream file the rule follows. */
  readonly source: string;
  readonly check: RuleCheck;
}

const luaSource = (key: string) => `argo-cd resource_customizations/${key}/health.lua`;

const FAMILIES: ReadonlyArray<readonly [family: string, rules: Readonly<Record<string, RuleCheck>>]> = [
  [
    'Flux',
    {
      'kustomize.toolkit.fluxcd.io/Kustomization': flux.fluxKustomization,
      'helm.toolkit.fluxcd.io/HelmRelease': flux.fluxHelmRelease,
      'source.toolkit.fluxcd.io/GitRepository': flux.fluxSource,
      'source.toolkit.fluxcd.io/OCIRepository': flux.fluxSource,
      'source.toolkit.fluxcd.io/Bucket': flux.fluxSource,
      'source.toolkit.fluxcd.io/HelmChart': flux.fluxSource,
      'source.toolkit.fluxcd.io/HelmRepository': flux.fluxHelmRepository,
      'image.toolkit.fluxcd.io/ImageRepository': flux.fluxImageRepository,
      'image.toolkit.fluxcd.io/ImagePolicy': flux.fluxImagePolicy,
      'image.toolkit.fluxcd.io/ImageUpdateAutomation': flux.fluxKustomization,
      'notification.toolkit.fluxcd.io/Receiver': flux.fluxReceiver,
    },
  ],
  ['cert-manager', { 'cert-manager.io/Certificate': cert.certificate, 'cert-manager.io/Issuer': cert.issuer, 'cert-manager.io/ClusterIssuer': cert.clusterIssuer }],
  [
    'Argo',
    {
      'argoproj.io/Rollout': argo.rollout,
      'argoproj.io/AnalysisRun': argo.analysisRun,
      'argoproj.io/Experiment': argo.experiment,
      'argoproj.io/CronWorkflow': argo.cronWorkflow,
      'argoproj.io/EventBus': argo.eventBus,
      'argoproj.io/ApplicationSet': argo.applicationSet,
    },
  ],
  [
    'External Secrets',
    {
      'external-secrets.io/ExternalSecret': secrets.externalSecret,
      'external-secrets.io/SecretStore': secrets.secretStore,
      'external-secrets.io/ClusterSecretStore': secrets.clusterSecretStore,
      'external-secrets.io/PushSecret': secrets.pushSecret,
      'external-secrets.io/ClusterExternalSecret': secrets.clusterExternalSecret,
    },
  ],
  ['Sealed Secrets', { 'bitnami.com/SealedSecret': secrets.sealedSecret }],
  ['KEDA', { 'keda.sh/ScaledObject': keda.scaledObject, 'keda.sh/ScaledJob': keda.scaledJob }],
  [
    'Gateway API',
    {
      'gateway.networking.k8s.io/Gateway': gw.gateway,
      'gateway.networking.k8s.io/GatewayClass': gw.gatewayClass,
      'gateway.networking.k8s.io/HTTPRoute': gw.httpRoute,
      'gateway.networking.k8s.io/GRPCRoute': gw.grpcRoute,
      'gateway.networking.k8s.io/BackendTLSPolicy': gw.backendTlsPolicy,
    },
  ],
  [
    'Cluster API',
    {
      'cluster.x-k8s.io/Cluster': capi.cluster,
      'cluster.x-k8s.io/Machine': capi.machine,
      'cluster.x-k8s.io/MachineDeployment': capi.machineDeployment,
      'cluster.x-k8s.io/MachineHealthCheck': capi.machineHealthCheck,
      'cluster.x-k8s.io/MachinePool': capi.machinePool,
      'addons.cluster.x-k8s.io/ClusterResourceSet': capi.clusterResourceSet,
      'controlplane.cluster.x-k8s.io/AWSManagedControlPlane': capi.awsManagedControlPlane,
    },
  ],
  [
    'Kubernetes (Lua)',
    {
      'batch/CronJob': k8s.cronJob,
      'policy/PodDisruptionBudget': k8s.podDisruptionBudget,
      'apiextensions.k8s.io/CustomResourceDefinition': k8s.customResourceDefinition,
    },
  ],
];

/** Argo CD's built-in Lua checks that we re-express, by `group/kind`. */
export const NATIVE_RULES: ReadonlyMap<string, RuleRef> = new Map(
  FAMILIES.flatMap(([family, rules]) => Object.entries(rules).map(([key, check]) => [key, { family, source: luaSource(key), check }] as const)),
);

/**
 * Argo CD's wildcard checks (`_` directories), in the sorted order Argo CD tries them
 * (lua.go `getGlobHealthScriptPaths`); each matches a group suffix and any kind.
 */
const WILDCARD_RULES: ReadonlyArray<{ readonly groupSuffix: string; readonly rule: RuleRef }> = [
  { groupSuffix: '.cnrm.cloud.google.com', rule: { family: 'Config Connector', source: luaSource('_.cnrm.cloud.google.com/_'), check: wild.configConnector } },
  { groupSuffix: '.crossplane.io', rule: { family: 'Crossplane', source: luaSource('_.crossplane.io/_'), check: wild.crossplane } },
  { groupSuffix: '.services.k8s.aws', rule: { family: 'AWS Controllers', source: luaSource('_.services.k8s.aws/_'), check: wild.awsControllers } },
  { groupSuffix: '.upbound.io', rule: { family: 'Crossplane', source: luaSource('_.upbound.io/_'), check: wild.upbound } },
];

/** Argo CD's built-in rule for an object (a Lua check we re-express, or a gitops-engine check), if any. */
export function builtinRule(id: ObjectIdentity): RuleRef | undefined {
  const key = groupKindKey(id);
  const native = NATIVE_RULES.get(key);
  if (native) return native;
  // Argo CD's own check for exactly this kind wins over a wildcard one; we do not re-express it.
  if (ARGO_CD_LUA_CHECKS.has(key)) return undefined;
  // `_.crossplane.io/_` is the glob `*.crossplane.io/*`: the group needs a prefix before the suffix.
  const wildcard = WILDCARD_RULES.find((w) => id.group.endsWith(w.groupSuffix) && id.group.length > w.groupSuffix.length);
  if (wildcard) return wildcard.rule;
  const check = builtinCheck(id);
  if (check) return { family: id.group === 'argoproj.io' ? 'Argo' : 'Kubernetes (gitops-engine)', source: `argo-cd gitops-engine/pkg/health (${id.kind})`, check };
  return undefined;
}

/**
 * Whether Argo CD judges this kind with a built-in Lua check that we do not re-express: the object then
 * has a health in Argo CD's UI but none here, and the CLI says so.
 */
export function isUncoveredArgoCdCheck(id: ObjectIdentity): boolean {
  return ARGO_CD_LUA_CHECKS.has(groupKindKey(id)) && !NATIVE_RULES.has(groupKindKey(id));
}
