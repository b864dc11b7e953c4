/**
 * List merge semantics of built-in kinds and of CRDs.
 *
 * Built-ins: a table transcribed from the Kubernetes OpenAPI (api/openapi-spec/v3, generated from the
 * `+listType` / `+listMapKey` / `+patchMergeKey` / `+patchStrategy` markers in k8s.io/api). Server-side
 * apply uses `x-kubernetes-list-type` / `-list-map-keys`; strategic merge patch uses
 * `x-kubernetes-patch-merge-key` / `-patch-strategy`. They mostly agree, but not always: container
 * ports are a map keyed by containerPort+protocol for apply but merge by containerPort alone for SMP;
 * tolerations are atomic for both. A list absent from the table is atomic (structured-merge-diff's
 * default for lists without a list type) and replaced wholesale by SMP.
 *
 * CRDs: read from spec.versions[].schema.openAPIV3Schema; a list without x-kubernetes-list-type is atomic.
 */
import type { GroupVersionKind, ListSemantics, SchemaInfo } from '../types';
import { isObject } from './json';

export interface ListTableEntry {
  /** Field path from the object root with list items elided. */
  path: string[];
  semantics: ListSemantics;
  /** x-kubernetes-patch-merge-key, when SMP merges the list's items by a key. */
  patchMergeKey?: string;
  /** x-kubernetes-patch-strategy: 'merge', 'replace', 'retainKeys' or 'merge,retainKeys'. */
  patchStrategy?: string;
}

/** Strategic-merge metadata for one path; the SchemaInfo objects built here answer it too. */
export interface PatchMeta {
  patchMergeKey?: string;
  patchStrategy?: string;
}

export interface PatchSchemaInfo extends SchemaInfo {
  patchMetaAt(path: readonly string[]): PatchMeta | undefined;
  /** True for built-in kinds: the apiserver accepts strategic merge patch only for them. */
  readonly strategicMergeSupported: boolean;
  /**
   * True for an object field that server-side apply treats as one value (`+structType=atomic`,
   * `x-kubernetes-map-type: atomic`), e.g. LabelSelector: managedFields then say `f:selector: {}`.
   */
  mapAtomicAt(path: readonly string[]): boolean;
  /**
   * True where the Go zero value of a built-in kind already holds the field (a non-omitempty struct
   * or slice, e.g. spec, spec.template, spec.template.spec.containers). The apiserver diffs an update
   * against such a value, so these fields are never "added" and get no `.` entry in managedFields.
   */
  zeroValueAt(path: readonly string[]): boolean;
}

const map = (...keys: string[]): ListSemantics => ({ type: 'map', keys });
const set: ListSemantics = { type: 'set' };
const atomic: ListSemantics = { type: 'atomic' };

type Row = [path: string, semantics: ListSemantics, patchMergeKey?: string, patchStrategy?: string];

/** Lists of every object's metadata (io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta). */
const objectMetaRows: Row[] = [
  ['metadata.finalizers', set, undefined, 'merge'],
  ['metadata.ownerReferences', map('uid'), 'uid', 'merge'],
  ['metadata.managedFields', atomic],
];

/** io.k8s.api.core.v1.Container (also used for initContainers; EphemeralContainer has the same lists). */
const containerRows: Row[] = [
  ['ports', map('containerPort', 'protocol'), 'containerPort', 'merge'],
  ['env', map('name'), 'name', 'merge'],
  ['envFrom', atomic],
  ['volumeMounts', map('mountPath'), 'mountPath', 'merge'],
  ['volumeDevices', map('devicePath'), 'devicePath', 'merge'],
  ['command', atomic],
  ['args', atomic],
  ['resizePolicy', atomic],
  ['resources.claims', map('name')],
  ['securityContext.capabilities.add', atomic],
  ['securityContext.capabilities.drop', atomic],
  ['lifecycle.postStart.exec.command', atomic],
  ['lifecycle.preStop.exec.command', atomic],
  ['livenessProbe.exec.command', atomic],
  ['readinessProbe.exec.command', atomic],
  ['startupProbe.exec.command', atomic],
  ['livenessProbe.httpGet.httpHeaders', atomic],
  ['readinessProbe.httpGet.httpHeaders', atomic],
  ['startupProbe.httpGet.httpHeaders', atomic],
];

/** io.k8s.api.core.v1.PodSpec */
const podSpecRows: Row[] = [
  ...['containers', 'initContainers', 'ephemeralContainers'].flatMap((c): Row[] => [
    [c, map('name'), 'name', 'merge'],
    ...containerRows.map(([p, s, k, st]): Row => [`${c}.${p}`, s, k, st]),
  ]),
  ['volumes', map('name'), 'name', 'merge,retainKeys'],
  ['volumes.projected.sources', atomic],
  ['volumes.configMap.items', atomic],
  ['volumes.secret.items', atomic],
  ['volumes.downwardAPI.items', atomic],
  ['imagePullSecrets', map('name'), 'name', 'merge'],
  ['tolerations', atomic],
  ['hostAliases', map('ip'), 'ip', 'merge'],
  ['hostAliases.hostnames', atomic],
  ['topologySpreadConstraints', map('topologyKey', 'whenUnsatisfiable'), 'topologyKey', 'merge'],
  ['topologySpreadConstraints.matchLabelKeys', atomic],
  ['readinessGates', atomic],
  ['resourceClaims', map('name'), 'name', 'merge,retainKeys'],
  ['schedulingGates', map('name'), 'name', 'merge'],
  ['dnsConfig.nameservers', atomic],
  ['dnsConfig.searches', atomic],
  ['dnsConfig.options', atomic],
  ['securityContext.supplementalGroups', atomic],
  ['securityContext.sysctls', atomic],
  ['affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms', atomic],
  ['affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution', atomic],
  ['affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution', atomic],
  ['affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution', atomic],
  ['affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution', atomic],
  ['affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution', atomic],
];

/** io.k8s.api.core.v1.PodStatus */
const podStatusRows: Row[] = [
  ['conditions', map('type'), 'type', 'merge'],
  ['podIPs', map('ip'), 'ip', 'merge'],
  ['hostIPs', atomic, 'ip', 'merge'],
  ['containerStatuses', atomic],
  ['initContainerStatuses', atomic],
  ['ephemeralContainerStatuses', atomic],
];

const labelSelectorRows = (at: string): Row[] => [[`${at}.matchExpressions`, atomic], [`${at}.matchExpressions.values`, atomic]];

/** Workload status conditions (DeploymentStatus, ReplicaSetStatus, StatefulSetStatus, DaemonSetStatus). */
const conditionsByType: Row = ['status.conditions', map('type'), 'type', 'merge'];

const prefix = (at: string, rows: Row[]): Row[] => rows.map(([p, s, k, st]): Row => [`${at}.${p}`, s, k, st]);

const podTemplateRows = (at: string): Row[] => prefix(`${at}.spec`, podSpecRows);

const kindRows: Record<string, Row[]> = {
  '/Pod': [...prefix('spec', podSpecRows), ...prefix('status', podStatusRows)],
  '/PodTemplate': podTemplateRows('template'),
  '/ReplicationController': [...podTemplateRows('spec.template'), conditionsByType],
  'apps/Deployment': [...podTemplateRows('spec.template'), ...labelSelectorRows('spec.selector'), conditionsByType],
  'apps/ReplicaSet': [...podTemplateRows('spec.template'), ...labelSelectorRows('spec.selector'), conditionsByType],
  'apps/DaemonSet': [...podTemplateRows('spec.template'), ...labelSelectorRows('spec.selector'), conditionsByType],
  'apps/StatefulSet': [...podTemplateRows('spec.template'), ...labelSelectorRows('spec.selector'), ['spec.volumeClaimTemplates', atomic], conditionsByType],
  'batch/Job': [
    ...podTemplateRows('spec.template'),
    ...labelSelectorRows('spec.selector'),
    ['spec.podFailurePolicy.rules', atomic],
    ['spec.successPolicy.rules', atomic],
    // JobStatus.conditions: +listType=atomic but +patchMergeKey=type +patchStrategy=merge.
    ['status.conditions', atomic, 'type', 'merge'],
  ],
  'batch/CronJob': [...podTemplateRows('spec.jobTemplate.spec.template'), ...labelSelectorRows('spec.jobTemplate.spec.selector'), ['status.active', atomic]],
  '/Service': [
    ['spec.ports', map('port', 'protocol'), 'port', 'merge'],
    ['spec.clusterIPs', atomic],
    ['spec.ipFamilies', atomic],
    ['spec.externalIPs', atomic],
    ['spec.loadBalancerSourceRanges', atomic],
    ['status.loadBalancer.ingress', atomic],
    ['status.conditions', map('type'), 'type', 'merge'],
  ],
  '/Namespace': [['spec.finalizers', atomic], ['status.conditions', map('type'), 'type', 'merge']],
  '/PersistentVolumeClaim': [['spec.accessModes', atomic], ['status.accessModes', atomic], ['status.conditions', map('type'), 'type', 'merge']],
  '/ServiceAccount': [['secrets', map('name'), 'name', 'merge'], ['imagePullSecrets', atomic]],
  'networking.k8s.io/Ingress': [
    ['spec.rules', atomic],
    ['spec.rules.http.paths', atomic],
    ['spec.tls', atomic],
    ['spec.tls.hosts', atomic],
    ['status.loadBalancer.ingress', atomic],
  ],
  'apiextensions.k8s.io/CustomResourceDefinition': [
    ['spec.versions', atomic],
    ['spec.names.shortNames', atomic],
    ['spec.names.categories', atomic],
    ['status.conditions', map('type')],
    ['status.storedVersions', atomic],
  ],
};

/** The list table of a built-in kind (empty for unknown kinds), metadata lists included. */
export function builtinListTable(gvk: GroupVersionKind): ListTableEntry[] {
  const rows = [...objectMetaRows, ...(kindRows[`${gvk.group}/${gvk.kind}`] ?? [])];
  return rows.map(([p, semantics, patchMergeKey, patchStrategy]) => ({
    path: p.split('.'),
    semantics,
    ...(patchMergeKey ? { patchMergeKey } : {}),
    ...(patchStrategy ? { patchStrategy } : {}),
  }));
}

/** Fields declared integer-or-string (intstr.IntOrString) in built-in kinds. */
const intOrStringRows: Record<string, string[]> = {
  'apps/Deployment': ['spec.strategy.rollingUpdate.maxUnavailable', 'spec.strategy.rollingUpdate.maxSurge'],
  'apps/DaemonSet': ['spec.updateStrategy.rollingUpdate.maxUnavailable', 'spec.updateStrategy.rollingUpdate.maxSurge'],
  'apps/StatefulSet': ['spec.updateStrategy.rollingUpdate.maxUnavailable'],
  '/Service': ['spec.ports.targetPort'],
};

/** LabelSelector is `+structType=atomic` (k8s.io/apimachinery/pkg/apis/meta/v1/types.go). */
const atomicMapRows: Record<string, string[]> = {
  'apps/Deployment': ['spec.selector'],
  'apps/ReplicaSet': ['spec.selector'],
  'apps/DaemonSet': ['spec.selector'],
  'apps/StatefulSet': ['spec.selector'],
  'batch/Job': ['spec.selector'],
  'batch/CronJob': ['spec.jobTemplate.spec.selector'],
};

const templateZero = (at: string): string[] => [at, `${at}.metadata`, `${at}.spec`, `${at}.spec.containers`];

/** Fields present in the Go zero value of each kind (json tags without omitempty on struct/slice fields). */
const zeroValueRows: Record<string, string[]> = {
  'apps/Deployment': ['spec.strategy', ...templateZero('spec.template')],
  'apps/ReplicaSet': templateZero('spec.template'),
  'apps/DaemonSet': ['spec.updateStrategy', ...templateZero('spec.template')],
  'apps/StatefulSet': ['spec.updateStrategy', ...templateZero('spec.template')],
  'batch/Job': templateZero('spec.template'),
  'batch/CronJob': ['spec.jobTemplate', 'spec.jobTemplate.spec', ...templateZero('spec.jobTemplate.spec.template')],
  '/Pod': ['spec.containers'],
  '/PodTemplate': templateZero('template'),
  '/Service': ['status.loadBalancer'],
};

const probePorts = ['livenessProbe', 'readinessProbe', 'startupProbe'].flatMap((p) => [`${p}.httpGet.port`, `${p}.tcpSocket.port`]);

const key = (path: readonly string[]): string => path.join('\u0000');

export function builtinSchemaInfo(gvk: GroupVersionKind): PatchSchemaInfo {
  const table = new Map(builtinListTable(gvk).map((e) => [key(e.path), e]));
  const opaque = new Set((intOrStringRows[`${gvk.group}/${gvk.kind}`] ?? []).map((p) => key(p.split('.'))));
  for (const row of kindRows[`${gvk.group}/${gvk.kind}`] ?? []) {
    const [p, s] = row;
    if (s.type === 'map' && s.keys[0] === 'name' && /(^|\.)(containers|initContainers|ephemeralContainers)$/.test(p)) {
      for (const pp of probePorts) opaque.add(key(`${p}.${pp}`.split('.')));
    }
  }
  const kindKey = `${gvk.group}/${gvk.kind}`;
  const atomicMaps = new Set((atomicMapRows[kindKey] ?? []).map((p) => key(p.split('.'))));
  const zero = new Set(['metadata', 'spec', 'status', ...(zeroValueRows[kindKey] ?? [])].map((p) => key(p.split('.'))));
  return {
    strategicMergeSupported: true,
    mapAtomicAt: (path) => atomicMaps.has(key(path)),
    zeroValueAt: (path) => zero.has(key(path)),
    listAt: (path) => table.get(key(path))?.semantics,
    patchMetaAt: (path) => {
      const e = table.get(key(path));
      return e && (e.patchMergeKey || e.patchStrategy) ? { patchMergeKey: e.patchMergeKey, patchStrategy: e.patchStrategy } : undefined;
    },
    isOpaqueAt: (path) => opaque.has(key(path)),
  };
}

type Schema = Record<string, unknown>;

/** Walks an OpenAPI v3 schema along a path whose list items are elided. */
function resolve(schema: Schema | undefined, path: readonly string[]): Schema | undefined {
  let node = schema;
  for (const seg of path) {
    while (node && isObject(node.items)) node = node.items;
    if (!node) return undefined;
    const props = node.properties;
    if (isObject(props) && isObject(props[seg])) node = props[seg] as Schema;
    else if (isObject(node.additionalProperties)) node = node.additionalProperties;
    else return undefined;
  }
  return node;
}

/** SchemaInfo of a CRD version from its openAPIV3Schema (undefined schema: nothing is known, lists are atomic). */
export function schemaInfoFromOpenAPI(schema: Record<string, unknown> | undefined): PatchSchemaInfo {
  return {
    // apiextensions-apiserver does not serve strategic merge patch for custom resources.
    strategicMergeSupported: false,
    mapAtomicAt: (path) => resolve(schema, path)?.['x-kubernetes-map-type'] === 'atomic',
    // Custom resources are unstructured: there is no Go zero value.
    zeroValueAt: () => false,
    listAt: (path) => {
      const n = resolve(schema, path);
      if (!n || (n.type !== 'array' && !isObject(n.items))) return undefined;
      const t = n['x-kubernetes-list-type'];
      if (t === 'map') {
        const keys = n['x-kubernetes-list-map-keys'];
        return { type: 'map', keys: Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [] };
      }
      if (t === 'set') return set;
      return atomic;
    },
    patchMetaAt: (path) => {
      const n = resolve(schema, path);
      const k = n?.['x-kubernetes-patch-merge-key'];
      const s = n?.['x-kubernetes-patch-strategy'];
      return typeof k === 'string' || typeof s === 'string' ? { patchMergeKey: typeof k === 'string' ? k : undefined, patchStrategy: typeof s === 'string' ? s : undefined } : undefined;
    },
    isOpaqueAt: (path) => {
      const n = resolve(schema, path);
      if (!n) return false;
      if (n['x-kubernetes-int-or-string'] === true) return true;
      // A free-form map: unknown fields preserved and no declared structure below.
      return n['x-kubernetes-preserve-unknown-fields'] === true && !isObject(n.properties) && !isObject(n.additionalProperties);
    },
  };
}
