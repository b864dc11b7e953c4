import { isRecord } from '../json';
/**
 * List map keys and integer-or-string fields of built-in kinds, plus the same answers read from an
 * OpenAPI v3 schema (a CRD's openAPIV3Schema, or a cluster's /openapi/v3 document).
 *
 * Built-ins: a table transcribed from the Kubernetes OpenAPI (api/openapi-spec/v3, generated from the
 * `+listType` / `+listMapKey` / `+patchMergeKey` / `+patchStrategy` markers in k8s.io/api). Server-side
 * apply uses `x-kubernetes-list-type` / `-list-map-keys`; strategic merge patch uses
 * `x-kubernetes-patch-merge-key` / `-patch-strategy`. They mostly agree, but not always: container
 * ports are a map keyed by containerPort+protocol for apply but merge by containerPort alone for SMP;
 * tolerations are atomic for both. A list absent from the table is atomic (structured-merge-diff's
 * default for lists without a list type).
 *
 * The API simulator keeps its own copy of these facts (test/sim/k8s/semantics/builtinDefinitions.ts) and
 * test/unit/core/drift/listKeysUpstream.test.ts compares the two entry by entry.
 */

/** How a list field merges, as OpenAPI `x-kubernetes-list-type` / `x-kubernetes-list-map-keys` say. */
type ListSemantics =
  | { type: 'map'; keys: readonly string[] }
  | { type: 'set' }
  | { type: 'atomic' };

/** The part of a group/version/kind the tables are keyed by ('' group for the core group). */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
  /** Ignored: list types do not change between the served versions of a built-in kind. */
  readonly version?: string;
}

export interface ListTableEntry {
  /** Field path from the object root with list items elided. */
  path: string[];
  semantics: ListSemantics;
  /** x-kubernetes-patch-merge-key, when SMP merges the list's items by a key. */
  patchMergeKey?: string;
  /** x-kubernetes-patch-strategy: 'merge', 'replace', 'retainKeys' or 'merge,retainKeys'. */
  patchStrategy?: string;
}

/**
 * Schema answers the drift comparison needs. `path` is the field path from the object root with
 * list items elided (spec.template.spec.containers.ports).
 */
export interface ListKeys {
  listAt(path: readonly string[]): ListSemantics | undefined;
  /** True for an intstr.IntOrString field (targetPort, maxSurge): 8080 and "8080" are different values. */
  isIntOrStringAt(path: readonly string[]): boolean;
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

const prefix = (at: string, rows: Row[]): Row[] => rows.map(([p, s, k, st]): Row => [`${at}.${p}`, s, k, st]);

/** io.k8s.api.core.v1.Container (also used for initContainers; EphemeralContainer has the same lists). */
const containerRows: Row[] = [
  ['ports', map('containerPort', 'protocol'), 'containerPort', 'merge'],
  ['env', map('name'), 'name', 'merge'],
  ['envFrom', atomic],
  ['volumeMounts', map('mountPath'), 'mountPath', 'merge'],
  ['volumeDevices', map('devicePath'), 'devicePath', 'merge'],
  ['command', atomic],
  ['args', atomic],
  ['volumeMounts.bindMountOptions', set],
  ['resizePolicy', atomic],
  ['restartPolicyRules', atomic],
  ['restartPolicyRules.exitCodes.values', set],
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
  ...prefix('volumes.ephemeral.volumeClaimTemplate', objectMetaRows),
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
  ['resources.claims', map('name')],
  ['evictionResponders', map('name'), 'name', 'merge'],
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
  ...['containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses'].flatMap((c): Row[] => [
    [c, atomic],
    [`${c}.volumeMounts`, map('mountPath'), 'mountPath', 'merge'],
    [`${c}.resources.claims`, map('name')],
    [`${c}.allocatedResourcesStatus`, map('name'), 'name', 'merge'],
    [`${c}.allocatedResourcesStatus.resources`, map('resourceID')],
  ]),
  ['resourceClaimStatuses', map('name'), 'name', 'merge,retainKeys'],
  ['resources.claims', map('name')],
  ['nodeAllocatableResourceClaimStatuses', map('resourceClaimName'), 'resourceClaimName', 'merge'],
  ['nodeAllocatableResourceClaimStatuses.containers', set],
  ['nodeAllocatableResourceClaimStatuses.mapping', map('name'), 'name', 'merge'],
  ['nodeAllocatableResourceClaimStatuses.overhead', map('name'), 'name', 'merge'],
  ['volumeHealth', map('name')],
  ['volumeHealth.healthConditions', map('status', 'reason'), 'status', 'merge'],
];

const labelSelectorRows = (at: string): Row[] => [[`${at}.matchExpressions`, atomic], [`${at}.matchExpressions.values`, atomic]];

/** Workload status conditions (DeploymentStatus, ReplicaSetStatus, StatefulSetStatus, DaemonSetStatus). */
const conditionsByType: Row = ['status.conditions', map('type'), 'type', 'merge'];

const podTemplateRows = (at: string): Row[] => [...prefix(at, objectMetaRows), ...prefix(`${at}.spec`, podSpecRows)];

/** io.k8s.api.core.v1.PersistentVolumeClaimStatus */
const pvcStatusRows: Row[] = [
  ['accessModes', atomic],
  ['conditions', map('type'), 'type', 'merge'],
  ['healthStatus.healthConditions', map('status', 'reason'), 'status', 'merge'],
];

/** io.k8s.api.batch.v1.JobSpec */
const jobSpecRows = (at: string): Row[] => [
  ...podTemplateRows(`${at}.template`),
  ...labelSelectorRows(`${at}.selector`),
  [`${at}.podFailurePolicy.rules`, atomic],
  [`${at}.podFailurePolicy.rules.onExitCodes.values`, set],
  [`${at}.successPolicy.rules`, atomic],
  [`${at}.scheduling.resourceClaims`, map('name'), 'name', 'merge'],
];

const kindRows: Record<string, Row[]> = {
  '/Pod': [...prefix('spec', podSpecRows), ...prefix('status', podStatusRows)],
  '/PodTemplate': podTemplateRows('template'),
  '/ReplicationController': [...podTemplateRows('spec.template'), conditionsByType],
  'apps/Deployment': [...podTemplateRows('spec.template'), ...labelSelectorRows('spec.selector'), conditionsByType],
  'apps/ReplicaSet': [...podTemplateRows('spec.template'), ...labelSelectorRows('spec.selector'), conditionsByType],
  'apps/DaemonSet': [...podTemplateRows('spec.template'), ...labelSelectorRows('spec.selector'), conditionsByType],
  'apps/StatefulSet': [
    ...podTemplateRows('spec.template'),
    ...labelSelectorRows('spec.selector'),
    ['spec.volumeClaimTemplates', atomic],
    ...prefix('spec.volumeClaimTemplates', objectMetaRows),
    ...prefix('spec.volumeClaimTemplates.status', pvcStatusRows),
    conditionsByType,
  ],
  'batch/Job': [
    ...jobSpecRows('spec'),
    ['status.uncountedTerminatedPods.succeeded', set],
    ['status.uncountedTerminatedPods.failed', set],
    // JobStatus.conditions: +listType=atomic but +patchMergeKey=type +patchStrategy=merge.
    ['status.conditions', atomic, 'type', 'merge'],
  ],
  'batch/CronJob': [...prefix('spec.jobTemplate', objectMetaRows), ...jobSpecRows('spec.jobTemplate.spec'), ['status.active', atomic]],
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
  '/PersistentVolumeClaim': [['spec.accessModes', atomic], ...prefix('status', pvcStatusRows)],
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
export function builtinListTable(gvk: GroupKind): ListTableEntry[] {
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

const probePorts = ['livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle.postStart', 'lifecycle.preStop'].flatMap((p) => [`${p}.httpGet.port`, `${p}.tcpSocket.port`]);

/**
 * The intstr fields of a built-in kind, as field paths with list items elided: the table above plus
 * the httpGet.port / tcpSocket.port of the probes and lifecycle hooks (ProbeHandler, LifecycleHandler in
 * k8s.io/api core/v1 types.go) of every container list of the kind.
 */
export function builtinIntOrStringPaths(gvk: GroupKind): string[][] {
  const out = (intOrStringRows[`${gvk.group}/${gvk.kind}`] ?? []).map((p) => p.split('.'));
  for (const [p, s] of kindRows[`${gvk.group}/${gvk.kind}`] ?? []) {
    if (s.type === 'map' && s.keys[0] === 'name' && /(^|\.)(containers|initContainers|ephemeralContainers)$/.test(p)) {
      for (const pp of probePorts) out.push(`${p}.${pp}`.split('.'));
    }
  }
  return out;
}

const key = (path: readonly string[]): string => path.join('\u0000');

/** ListKeys of a built-in kind; an unknown kind has only the metadata lists (everything else atomic). */
export function builtinListKeys(gvk: GroupKind): ListKeys {
  const table = new Map(builtinListTable(gvk).map((e) => [key(e.path), e.semantics]));
  const intstr = new Set(builtinIntOrStringPaths(gvk).map(key));
  return { listAt: (path) => table.get(key(path)), isIntOrStringAt: (path) => intstr.has(key(path)) };
}

type Schema = Record<string, unknown>;

/** Walks an OpenAPI v3 schema along a path whose list items are elided. */
function resolveSchemaPath(schema: Schema | undefined, path: readonly string[]): Schema | undefined {
  let node = schema;
  for (const seg of path) {
    while (node && isRecord(node.items)) node = node.items;
    if (!node) return undefined;
    const props = node.properties;
    if (isRecord(props) && isRecord(props[seg])) node = props[seg];
    else if (isRecord(node.additionalProperties)) node = node.additionalProperties;
    else return undefined;
  }
  return node;
}

/**
 * ListKeys from an OpenAPI v3 object schema (a CRD version's `schema.openAPIV3Schema`, or a
 * components.schemas entry with $refs already inlined). `x-kubernetes-list-type: map` with
 * `x-kubernetes-list-map-keys` makes a keyed list; `set` a set; anything else is atomic
 * (https://kubernetes.io/docs/reference/using-api/server-side-apply/#merge-strategy).
 * `x-kubernetes-int-or-string: true` marks an intstr field.
 */
export function fromOpenAPI(schema: Record<string, unknown> | undefined): ListKeys {
  return {
    listAt: (path) => {
      const n = resolveSchemaPath(schema, path);
      if (!n || (n.type !== 'array' && !isRecord(n.items))) return undefined;
      const t = n['x-kubernetes-list-type'];
      if (t === 'map') {
        const keys = n['x-kubernetes-list-map-keys'];
        return { type: 'map', keys: Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [] };
      }
      if (t === 'set') return set;
      return atomic;
    },
    isIntOrStringAt: (path) => resolveSchemaPath(schema, path)?.['x-kubernetes-int-or-string'] === true,
  };
}
