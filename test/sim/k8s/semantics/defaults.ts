/**
 * Defaulting of built-in kinds, as the apiserver's generated defaulters run on create, update, patch
 * and apply. Each rule cites the Kubernetes function it mirrors (pkg/apis/<group>/v1/defaults.go).
 * Object meta (uid, creationTimestamp, generation, resourceVersion), Service clusterIP allocation,
 * Job selector/labels (strategy PrepareForCreate) and admission-plugin effects (Pod priority,
 * default tolerations, service account token volumes) belong to the server, not to this module.
 */
import type { KubeObject } from '../types';
import { clone, isObject, type JsonObject } from './json';

function obj(parent: JsonObject, key: string): JsonObject {
  const v = parent[key];
  if (isObject(v)) return v;
  const fresh: JsonObject = {};
  parent[key] = fresh;
  return fresh;
}

function dflt(o: JsonObject, key: string, value: unknown): void {
  // Go defaulters test for nil pointers / empty strings; JSON null and "" count as unset here too.
  if (o[key] === undefined || o[key] === null || o[key] === '') o[key] = value;
}

function items(v: unknown): JsonObject[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

/**
 * pkg/apis/core/v1/defaults.go SetDefaults_Container: imagePullPolicy is Always when the tag is
 * `latest` or absent (and no digest), IfNotPresent otherwise.
 */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  const tag = colon >= 0 ? image.slice(colon + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(probe: unknown): void {
  if (!isObject(probe)) return;
  // SetDefaults_Probe
  dflt(probe, 'timeoutSeconds', 1);
  dflt(probe, 'periodSeconds', 10);
  dflt(probe, 'successThreshold', 1);
  dflt(probe, 'failureThreshold', 3);
  // SetDefaults_HTTPGetAction
  if (isObject(probe.httpGet)) {
    dflt(probe.httpGet, 'path', '/');
    dflt(probe.httpGet, 'scheme', 'HTTP');
  }
}

function defaultContainer(c: JsonObject, hostNetwork: boolean): void {
  if (typeof c.image === 'string') dflt(c, 'imagePullPolicy', defaultPullPolicy(c.image));
  dflt(c, 'terminationMessagePath', '/dev/termination-log');
  dflt(c, 'terminationMessagePolicy', 'File');
  // resources is a non-pointer struct in corev1.Container, so it always serialises (as {}).
  obj(c, 'resources');
  for (const p of items(c.ports)) {
    dflt(p, 'protocol', 'TCP'); // SetDefaults_ContainerPort
    if (hostNetwork && p.hostPort === undefined && p.containerPort !== undefined) p.hostPort = p.containerPort; // SetDefaults_PodSpec
  }
  for (const e of items(c.env)) {
    // SetDefaults_ObjectFieldSelector
    if (isObject(e.valueFrom) && isObject(e.valueFrom.fieldRef)) dflt(e.valueFrom.fieldRef, 'apiVersion', 'v1');
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
}

function defaultVolume(v: JsonObject): void {
  // SetDefaults_Volume: a volume without a source is an emptyDir.
  const sources = Object.keys(v).filter((k) => k !== 'name');
  if (sources.length === 0) v.emptyDir = {};
  // SetDefaults_SecretVolumeSource / ConfigMapVolumeSource / ProjectedVolumeSource / DownwardAPIVolumeSource: 0644.
  for (const key of ['secret', 'configMap', 'projected', 'downwardAPI']) {
    if (isObject(v[key])) dflt(v[key] as JsonObject, 'defaultMode', 420);
  }
  if (isObject(v.hostPath)) dflt(v.hostPath, 'type', '');
}

/** SetDefaults_PodSpec plus the per-container and per-volume defaulters it triggers. */
function defaultPodSpec(spec: JsonObject): void {
  dflt(spec, 'dnsPolicy', 'ClusterFirst');
  dflt(spec, 'restartPolicy', 'Always');
  dflt(spec, 'terminationGracePeriodSeconds', 30);
  dflt(spec, 'schedulerName', 'default-scheduler');
  dflt(spec, 'securityContext', {});
  const hostNetwork = spec.hostNetwork === true;
  for (const c of [...items(spec.containers), ...items(spec.initContainers), ...items(spec.ephemeralContainers)]) defaultContainer(c, hostNetwork);
  for (const v of items(spec.volumes)) defaultVolume(v);
}

function defaultTemplate(spec: JsonObject): void {
  const template = spec.template;
  if (isObject(template)) defaultPodSpec(obj(template, 'spec'));
}

function defaultDeployment(spec: JsonObject): void {
  // pkg/apis/apps/v1/defaults.go SetDefaults_Deployment
  dflt(spec, 'replicas', 1);
  const strategy = obj(spec, 'strategy');
  dflt(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = obj(strategy, 'rollingUpdate');
    dflt(ru, 'maxUnavailable', '25%');
    dflt(ru, 'maxSurge', '25%');
  }
  dflt(spec, 'revisionHistoryLimit', 10);
  dflt(spec, 'progressDeadlineSeconds', 600);
  defaultTemplate(spec);
}

function defaultStatefulSet(spec: JsonObject): void {
  // SetDefaults_StatefulSet: rollingUpdate is only created when the strategy type was defaulted.
  dflt(spec, 'podManagementPolicy', 'OrderedReady');
  const strategy = obj(spec, 'updateStrategy');
  if (!strategy.type) {
    strategy.type = 'RollingUpdate';
    obj(strategy, 'rollingUpdate');
  }
  if (strategy.type === 'RollingUpdate' && isObject(strategy.rollingUpdate)) dflt(strategy.rollingUpdate, 'partition', 0);
  const retention = obj(spec, 'persistentVolumeClaimRetentionPolicy');
  dflt(retention, 'whenDeleted', 'Retain');
  dflt(retention, 'whenScaled', 'Retain');
  dflt(spec, 'replicas', 1);
  dflt(spec, 'revisionHistoryLimit', 10);
  for (const pvc of items(spec.volumeClaimTemplates)) defaultPvc(pvc);
  defaultTemplate(spec);
}

function defaultPvc(pvc: JsonObject): void {
  // SetDefaults_PersistentVolumeClaimSpec and SetDefaults_PersistentVolumeClaim (status.phase).
  dflt(obj(pvc, 'spec'), 'volumeMode', 'Filesystem');
  dflt(obj(pvc, 'status'), 'phase', 'Pending');
}

function defaultDaemonSet(spec: JsonObject): void {
  // SetDefaults_DaemonSet
  const strategy = obj(spec, 'updateStrategy');
  dflt(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = obj(strategy, 'rollingUpdate');
    dflt(ru, 'maxUnavailable', 1);
    dflt(ru, 'maxSurge', 0);
  }
  dflt(spec, 'revisionHistoryLimit', 10);
  defaultTemplate(spec);
}

function defaultJobSpec(spec: JsonObject): void {
  // pkg/apis/batch/v1/defaults.go SetDefaults_Job
  if (spec.completions == null && spec.parallelism == null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  dflt(spec, 'parallelism', 1);
  dflt(spec, 'backoffLimit', spec.backoffLimitPerIndex != null ? 2147483647 : 6);
  dflt(spec, 'completionMode', 'NonIndexed');
  dflt(spec, 'suspend', false);
  dflt(spec, 'podReplacementPolicy', spec.podFailurePolicy != null ? 'Failed' : 'TerminatingOrFailed');
  defaultTemplate(spec);
}

function defaultCronJob(spec: JsonObject): void {
  // SetDefaults_CronJob. The job template only gets pod-spec defaults (SetDefaults_Job is per Job object).
  dflt(spec, 'concurrencyPolicy', 'Allow');
  dflt(spec, 'suspend', false);
  dflt(spec, 'successfulJobsHistoryLimit', 3);
  dflt(spec, 'failedJobsHistoryLimit', 1);
  const jobTemplate = spec.jobTemplate;
  if (isObject(jobTemplate) && isObject(jobTemplate.spec)) defaultTemplate(jobTemplate.spec);
}

function defaultService(spec: JsonObject): void {
  // pkg/apis/core/v1/defaults.go SetDefaults_Service
  dflt(spec, 'sessionAffinity', 'None');
  dflt(spec, 'type', 'ClusterIP');
  for (const p of items(spec.ports)) {
    dflt(p, 'protocol', 'TCP');
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (spec.sessionAffinity === 'ClientIP') {
    dflt(obj(obj(spec, 'sessionAffinityConfig'), 'clientIP'), 'timeoutSeconds', 10800);
  }
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') dflt(spec, 'externalTrafficPolicy', 'Cluster');
  if (spec.type !== 'ExternalName') {
    dflt(spec, 'internalTrafficPolicy', 'Cluster');
    // The service REST storage picks families for a single-stack IPv4 cluster (pkg/registry/core/service/storage).
    dflt(spec, 'ipFamilyPolicy', 'SingleStack');
    if (!Array.isArray(spec.ipFamilies) || spec.ipFamilies.length === 0) spec.ipFamilies = ['IPv4'];
  }
  if (spec.type === 'LoadBalancer') dflt(spec, 'allocateLoadBalancerNodePorts', true);
}

function defaultSecret(o: JsonObject): void {
  // SetDefaults_Secret; Convert_v1_Secret_To_core_Secret folds stringData into data (stringData wins)
  // and the internal type has no stringData, so it never reaches storage.
  dflt(o, 'type', 'Opaque');
  if (isObject(o.stringData)) {
    const data = obj(o, 'data');
    for (const [k, v] of Object.entries(o.stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  }
  delete o.stringData;
}

/** Returns a defaulted copy of a built-in object; unknown kinds (CRDs) come back as an unchanged copy. */
export function applyDefaults(input: KubeObject): KubeObject {
  const o = clone(input) as KubeObject & JsonObject;
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  switch (`${group}/${o.kind}`) {
    case 'apps/Deployment':
      defaultDeployment(obj(o, 'spec'));
      break;
    case 'apps/StatefulSet':
      defaultStatefulSet(obj(o, 'spec'));
      break;
    case 'apps/DaemonSet':
      defaultDaemonSet(obj(o, 'spec'));
      break;
    case 'apps/ReplicaSet':
      dflt(obj(o, 'spec'), 'replicas', 1); // SetDefaults_ReplicaSet
      defaultTemplate(obj(o, 'spec'));
      break;
    case '/ReplicationController': {
      const s = obj(o, 'spec'); // SetDefaults_ReplicationController: selector and labels from the template
      dflt(s, 'replicas', 1);
      const tl = isObject(s.template) && isObject(s.template.metadata) ? s.template.metadata.labels : undefined;
      if (isObject(tl)) {
        if (!isObject(s.selector) || Object.keys(s.selector).length === 0) s.selector = clone(tl);
        if (!isObject(o.metadata.labels) || Object.keys(o.metadata.labels).length === 0) o.metadata.labels = clone(tl) as Record<string, string>;
      }
      defaultTemplate(s);
      break;
    }
    case 'batch/Job':
      defaultJobSpec(obj(o, 'spec'));
      break;
    case 'batch/CronJob':
      defaultCronJob(obj(o, 'spec'));
      break;
    case '/Pod':
      defaultPodSpec(obj(o, 'spec'));
      dflt(o.spec as JsonObject, 'enableServiceLinks', true); // SetDefaults_Pod
      break;
    case '/PodTemplate':
      if (isObject(o.template)) defaultPodSpec(obj(o.template, 'spec'));
      break;
    case '/Service':
      defaultService(obj(o, 'spec'));
      break;
    case '/Secret':
      defaultSecret(o);
      break;
    case '/PersistentVolumeClaim':
      defaultPvc(o);
      break;
    case '/Namespace': {
      // SetDefaults_Namespace (immutable name label), SetDefaults_NamespaceSpec, SetDefaults_NamespaceStatus
      if (o.metadata.name) o.metadata.labels = { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name };
      const s = obj(o, 'spec');
      if (!Array.isArray(s.finalizers)) s.finalizers = ['kubernetes'];
      dflt(obj(o, 'status'), 'phase', 'Active');
      break;
    }
    default:
      // ConfigMap, Ingress (pathType is required and kept as given), ServiceAccount, CRDs: no defaults.
      break;
  }
  return o;
}
