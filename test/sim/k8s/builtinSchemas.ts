/**
 * Reduced OpenAPI v3 schemas of the built-in kinds: the fields GitOps tooling touches, with the list
 * markers the real schemas carry (x-kubernetes-list-type / -list-map-keys, x-kubernetes-patch-merge-key /
 * -patch-strategy, as in the api/openapi-spec/v3 documents of kubernetes/kubernetes). Everything not
 * listed is kept as a free-form object so nothing a client sends is lost.
 */
type Schema = Record<string, unknown>;

const str = (description?: string): Schema => ({ type: 'string', ...(description ? { description } : {}) });
const int = (description?: string): Schema => ({ type: 'integer', format: 'int32', ...(description ? { description } : {}) });
const bool = (): Schema => ({ type: 'boolean' });
const free = (description?: string): Schema => ({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true, ...(description ? { description } : {}) });
const strMap = (description?: string): Schema => ({ type: 'object', additionalProperties: { type: 'string', default: '' }, ...(description ? { description } : {}) });
const obj = (properties: Record<string, Schema>, description?: string, required?: string[]): Schema => ({
  type: 'object', properties, ...(description ? { description } : {}), ...(required ? { required } : {}),
});
const atomic = (items: Schema): Schema => ({ type: 'array', items, 'x-kubernetes-list-type': 'atomic' });
/** A list-map merged by `keys`; strategic merge uses the first key as patch merge key (as upstream does). */
const mapList = (keys: string[], items: Schema, mergeKey = keys[0] ?? 'name'): Schema => ({
  type: 'array', items, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': keys,
  'x-kubernetes-patch-merge-key': mergeKey, 'x-kubernetes-patch-strategy': 'merge',
});
const intOrString = (): Schema => ({ 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] });

const objectMeta = obj({
  name: str('Name must be unique within a namespace.'), generateName: str(), namespace: str('Namespace defines the space within which each name must be unique.'),
  uid: str(), resourceVersion: str(), generation: { type: 'integer', format: 'int64' }, creationTimestamp: { type: 'string', format: 'date-time' },
  deletionTimestamp: { type: 'string', format: 'date-time' }, labels: strMap('Map of string keys and values that can be used to organize and categorize objects.'),
  annotations: strMap('Annotations is an unstructured key value map stored with a resource.'),
  finalizers: { type: 'array', items: { type: 'string', default: '' }, 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' },
  ownerReferences: mapList(['uid'], free()),
  managedFields: atomic(free()),
}, 'ObjectMeta is metadata that all persisted resources must have.');

const labelSelector = obj({ matchLabels: strMap(), matchExpressions: atomic(free()) });

const container = obj({
  name: str('Name of the container specified as a DNS_LABEL.'), image: str('Container image name.'), imagePullPolicy: str('Image pull policy. One of Always, Never, IfNotPresent.'),
  command: atomic(str()), args: atomic(str()), workingDir: str(),
  ports: mapList(['containerPort', 'protocol'], obj({ name: str(), containerPort: int(), protocol: { type: 'string', default: 'TCP' }, hostPort: int() }, undefined, ['containerPort'])),
  env: mapList(['name'], obj({ name: str(), value: str(), valueFrom: free() }, undefined, ['name'])),
  envFrom: atomic(free()), resources: free(), volumeMounts: mapList(['mountPath'], obj({ name: str(), mountPath: str(), readOnly: bool(), subPath: str() })),
  livenessProbe: free(), readinessProbe: free(), startupProbe: free(), securityContext: free(),
  terminationMessagePath: str(), terminationMessagePolicy: str(),
}, 'A single application container that you want to run within a pod.', ['name']);

const podSpec = obj({
  containers: mapList(['name'], container), initContainers: mapList(['name'], container),
  volumes: { ...mapList(['name'], free()), 'x-kubernetes-patch-strategy': 'merge,retainKeys' }, restartPolicy: str(), serviceAccountName: str(), nodeSelector: strMap(), tolerations: atomic(free()),
  affinity: free(), securityContext: free(), imagePullSecrets: mapList(['name'], free()), dnsPolicy: str(), schedulerName: str(),
  terminationGracePeriodSeconds: { type: 'integer', format: 'int64' }, hostNetwork: bool(),
}, 'PodSpec is a description of a pod.');
const podTemplate = obj({ metadata: objectMeta, spec: podSpec });

function kindSchema(description: string, props: Record<string, Schema>): Schema {
  return obj({ apiVersion: str('APIVersion defines the versioned schema of this representation of an object.'), kind: str('Kind is a string value representing the REST resource this object represents.'), metadata: objectMeta, ...props }, description);
}

const workloadSpec = (extra: Record<string, Schema>): Schema => obj({ replicas: int('Number of desired pods.'), selector: labelSelector, template: podTemplate, minReadySeconds: int(), revisionHistoryLimit: int(), ...extra });

const schemas: Record<string, Schema> = {
  Namespace: kindSchema('Namespace provides a scope for Names.', { spec: obj({ finalizers: atomic(str()) }), status: free() }),
  ConfigMap: kindSchema('ConfigMap holds configuration data for pods to consume.', { data: strMap('Data contains the configuration data.'), binaryData: strMap(), immutable: bool() }),
  Secret: kindSchema('Secret holds secret data of a certain type.', { data: strMap(), stringData: strMap(), type: str(), immutable: bool() }),
  Service: kindSchema('Service is a named abstraction of software service.', {
    spec: obj({
      type: str(), selector: strMap(), clusterIP: str(), clusterIPs: atomic(str()), externalName: str(), sessionAffinity: str(),
      ports: mapList(['port', 'protocol'], obj({ name: str(), port: int(), targetPort: intOrString(), protocol: { type: 'string', default: 'TCP' }, nodePort: int(), appProtocol: str() }, undefined, ['port'])),
      ipFamilies: atomic(str()), ipFamilyPolicy: str(), internalTrafficPolicy: str(), externalTrafficPolicy: str(),
    }), status: free(),
  }),
  ServiceAccount: kindSchema('ServiceAccount binds together a name, a principal and a set of secrets.', { secrets: mapList(['name'], free()), imagePullSecrets: atomic(free()), automountServiceAccountToken: bool() }),
  Pod: kindSchema('Pod is a collection of containers that can run on a host.', { spec: podSpec, status: free() }),
  Event: kindSchema('Event is a report of an event somewhere in the cluster.', {
    involvedObject: free(), reason: str(), message: str(), type: str(), count: int(), firstTimestamp: str(), lastTimestamp: str(), eventTime: str(), source: free(), reportingComponent: str(),
  }),
  PersistentVolumeClaim: kindSchema('PersistentVolumeClaim is a user\'s request for and claim to a persistent volume.', {
    spec: obj({ accessModes: atomic(str()), resources: free(), storageClassName: str(), volumeName: str(), volumeMode: str(), selector: labelSelector }), status: free(),
  }),
  Deployment: kindSchema('Deployment enables declarative updates for Pods and ReplicaSets.', { spec: workloadSpec({ strategy: free(), progressDeadlineSeconds: int(), paused: bool() }), status: free() }),
  StatefulSet: kindSchema('StatefulSet represents a set of pods with consistent identities.', {
    spec: workloadSpec({ serviceName: str(), podManagementPolicy: str(), updateStrategy: free(), volumeClaimTemplates: atomic(free()), persistentVolumeClaimRetentionPolicy: free(), ordinals: free() }), status: free(),
  }),
  DaemonSet: kindSchema('DaemonSet represents the configuration of a daemon set.', { spec: obj({ selector: labelSelector, template: podTemplate, updateStrategy: free(), minReadySeconds: int(), revisionHistoryLimit: int() }), status: free() }),
  ReplicaSet: kindSchema('ReplicaSet ensures that a specified number of pod replicas are running at any given time.', { spec: workloadSpec({}), status: free() }),
  Job: kindSchema('Job represents the configuration of a single job.', {
    spec: obj({ template: podTemplate, selector: labelSelector, completions: int(), parallelism: int(), backoffLimit: int(), activeDeadlineSeconds: { type: 'integer', format: 'int64' }, ttlSecondsAfterFinished: int(), suspend: bool(), completionMode: str(), manualSelector: bool(), podReplacementPolicy: str() }),
    status: free(),
  }),
  CronJob: kindSchema('CronJob represents the configuration of a single cron job.', {
    spec: obj({ schedule: str(), timeZone: str(), suspend: bool(), concurrencyPolicy: str(), startingDeadlineSeconds: { type: 'integer', format: 'int64' }, successfulJobsHistoryLimit: int(), failedJobsHistoryLimit: int(), jobTemplate: obj({ metadata: objectMeta, spec: free() }) }),
    status: free(),
  }),
  Ingress: kindSchema('Ingress is a collection of rules that allow inbound connections to reach the endpoints defined by a backend.', {
    spec: obj({ ingressClassName: str(), defaultBackend: free(), tls: atomic(free()), rules: atomic(free()) }), status: free(),
  }),
  CustomResourceDefinition: kindSchema('CustomResourceDefinition represents a resource that should be exposed on the API server.', {
    spec: obj({ group: str(), names: free(), scope: str(), versions: atomic(free()), conversion: free(), preserveUnknownFields: bool() }), status: free(),
  }),
};

export function builtinOpenApiSchema(kind: string): Schema | undefined {
  return schemas[kind];
}
