/**
 * Served resource types: the built-ins kubectl users know, plus whatever CustomResourceDefinitions
 * register. Names, short names and categories follow `kubectl api-resources` of a v1.32 cluster.
 */
import type { KubeObject, PrinterColumn, ResourceType, SchemaInfo } from './types';
import { builtinOpenApiSchema } from './builtinSchemas';
import { semantics } from './semanticsBridge';

const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;

interface BuiltinSpec {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  subresources?: ('status' | 'scale')[];
  /** Whether the registry strategy maintains metadata.generation (workloads do; ConfigMaps, Pods, Services do not in v1.32). */
  generation?: boolean;
}

const builtinSpecs: BuiltinSpec[] = [
  { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false, shortNames: ['ns'], subresources: ['status'] },
  { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'] },
  { group: '', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true },
  { group: '', version: 'v1', plural: 'services', kind: 'Service', namespaced: true, shortNames: ['svc'], categories: ['all'], subresources: ['status'] },
  { group: '', version: 'v1', plural: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true, shortNames: ['sa'] },
  { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true, shortNames: ['po'], categories: ['all'], subresources: ['status'] },
  { group: '', version: 'v1', plural: 'events', kind: 'Event', namespaced: true, shortNames: ['ev'] },
  { group: '', version: 'v1', plural: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', namespaced: true, shortNames: ['pvc'], subresources: ['status'] },
  { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'], subresources: ['status', 'scale'], generation: true },
  { group: 'apps', version: 'v1', plural: 'statefulsets', kind: 'StatefulSet', namespaced: true, shortNames: ['sts'], categories: ['all'], subresources: ['status', 'scale'], generation: true },
  { group: 'apps', version: 'v1', plural: 'daemonsets', kind: 'DaemonSet', namespaced: true, shortNames: ['ds'], categories: ['all'], subresources: ['status'], generation: true },
  { group: 'apps', version: 'v1', plural: 'replicasets', kind: 'ReplicaSet', namespaced: true, shortNames: ['rs'], categories: ['all'], subresources: ['status', 'scale'], generation: true },
  { group: 'batch', version: 'v1', plural: 'jobs', kind: 'Job', namespaced: true, categories: ['all'], subresources: ['status'], generation: true },
  { group: 'batch', version: 'v1', plural: 'cronjobs', kind: 'CronJob', namespaced: true, shortNames: ['cj'], categories: ['all'], subresources: ['status'], generation: true },
  { group: 'networking.k8s.io', version: 'v1', plural: 'ingresses', kind: 'Ingress', namespaced: true, shortNames: ['ing'], subresources: ['status'], generation: true },
  {
    group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false,
    shortNames: ['crd', 'crds'], categories: ['api-extensions'], subresources: ['status'], generation: true,
  },
];

/** Internal extras the server needs beyond the shared ResourceType. */
export interface ServedType extends ResourceType {
  builtin: boolean;
  tracksGeneration: boolean;
  /** For CRD-served types: the CRD's metadata.name. */
  crdName?: string;
  /** Whether this is the group's preferred version (objects of all versions share storage; in-process access uses this one). */
  preferred: boolean;
  /**
   * For a CRD version marked `deprecated: true`: the warning kube-apiserver sends with every request to
   * it (its `deprecationWarning`, else "<group>/<version> <Kind> is deprecated", apiextensions-apiserver
   * `defaultDeprecationWarning`).
   */
  deprecationWarning?: string;
}

export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** `deployments.apps` / `pods`: how the API server names a resource in messages (GroupResource.String()). */
export function groupResource(rt: { group: string; plural: string }): string {
  return rt.group ? `${rt.plural}.${rt.group}` : rt.plural;
}

/** Kubernetes version priority: GA > beta > alpha, then by number (k8s.io/apimachinery version.CompareKubeAwareVersionStrings). */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string): [number, number, number] | undefined => {
    const m = v.match(/^v(\d+)(?:(alpha|beta)(\d+))?$/);
    if (!m) return undefined;
    return [m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1, Number(m[1]), Number(m[3] ?? 0)];
  };
  const pa = parse(a);
  const pb = parse(b);
  if (!pa && !pb) return a < b ? -1 : a > b ? 1 : 0;
  if (!pa) return 1;
  if (!pb) return -1;
  return pb[0] - pa[0] || pb[1] - pa[1] || pb[2] - pa[2];
}

function emptySchemaInfo(): SchemaInfo {
  return { listAt: () => undefined };
}

export class Registry {
  private readonly types = new Map<string, ServedType>();

  constructor() {
    for (const b of builtinSpecs) {
      const gvk = { group: b.group, version: b.version, kind: b.kind };
      const schemaInfo = semantics.builtinSchemaInfo(gvk) ?? emptySchemaInfo();
      this.add({
        group: b.group, version: b.version, plural: b.plural, singular: b.kind.toLowerCase(), kind: b.kind, listKind: `${b.kind}List`,
        namespaced: b.namespaced, shortNames: b.shortNames ?? [], categories: b.categories ?? [], verbs: allVerbs, subresources: b.subresources ?? [],
        scale: b.subresources?.includes('scale')
          ? { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' }
          : undefined,
        schema: builtinOpenApiSchema(b.kind), schemaInfo, printerColumns: [], builtin: true, tracksGeneration: b.generation === true, preferred: true,
      });
    }
  }

  private key(group: string, version: string, plural: string): string {
    return `${group}/${version}/${plural}`;
  }

  private add(rt: ServedType): void {
    this.types.set(this.key(rt.group, rt.version, rt.plural), rt);
  }

  all(): ServedType[] {
    return [...this.types.values()];
  }

  byPlural(group: string, version: string, plural: string): ServedType | undefined {
    return this.types.get(this.key(group, version, plural));
  }

  byKind(apiVersion: string, kind: string): ServedType | undefined {
    const { group, version } = splitApiVersion(apiVersion);
    return this.all().find((t) => t.group === group && t.version === version && t.kind === kind);
  }

  /** Any served version of group/kind (used when an object names a version we do not serve). */
  kindServed(group: string, kind: string): boolean {
    return this.all().some((t) => t.group === group && t.kind === kind);
  }

  /**
   * Registers (or re-registers) the resource types of a CRD: one per served version. Mirrors what the
   * apiextensions-apiserver serves from spec.names / spec.versions[] (see
   * https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/).
   */
  registerCrd(crd: KubeObject): ServedType[] {
    const name = crd.metadata.name ?? '';
    this.unregisterCrd(name);
    const spec = (crd.spec ?? {}) as Record<string, unknown>;
    const names = (spec.names ?? {}) as Record<string, unknown>;
    const group = String(spec.group ?? '');
    const plural = String(names.plural ?? '');
    const kind = String(names.kind ?? '');
    const versions = Array.isArray(spec.versions) ? (spec.versions as Record<string, unknown>[]) : [];
    const served: ServedType[] = [];
    // The preferred version is the highest by Kubernetes version priority (GA > beta > alpha), as discovery reports it.
    const preferredName = versions.filter((v) => v.served !== false).map((v) => String(v.name)).sort(compareVersions)[0];
    for (const v of versions) {
      if (v.served === false) continue;
      const sub = (v.subresources ?? {}) as Record<string, unknown>;
      const scale = sub.scale as Record<string, string> | undefined;
      const schema = ((v.schema ?? {}) as Record<string, unknown>).openAPIV3Schema as Record<string, unknown> | undefined;
      const cols = Array.isArray(v.additionalPrinterColumns) ? (v.additionalPrinterColumns as PrinterColumn[]) : [];
      const rt: ServedType = {
        group, version: String(v.name), plural, singular: String(names.singular ?? kind.toLowerCase()), kind,
        listKind: String(names.listKind ?? `${kind}List`), namespaced: spec.scope !== 'Cluster',
        shortNames: Array.isArray(names.shortNames) ? (names.shortNames as string[]) : [],
        categories: Array.isArray(names.categories) ? (names.categories as string[]) : [],
        verbs: allVerbs,
        subresources: [...(sub.status !== undefined ? (['status'] as const) : []), ...(scale ? (['scale'] as const) : [])],
        scale: scale ? { specReplicasPath: scale.specReplicasPath ?? '.spec.replicas', statusReplicasPath: scale.statusReplicasPath ?? '.status.replicas', labelSelectorPath: scale.labelSelectorPath } : undefined,
        schema,
        schemaInfo: schema ? (semantics.schemaInfoFromOpenAPI(schema) ?? emptySchemaInfo()) : emptySchemaInfo(),
        printerColumns: cols,
        builtin: false, tracksGeneration: true, crdName: name, preferred: String(v.name) === preferredName,
        ...(v.deprecated === true
          ? { deprecationWarning: typeof v.deprecationWarning === 'string' ? v.deprecationWarning : `${group}/${String(v.name)} ${kind} is deprecated` }
          : {}),
      };
      this.add(rt);
      served.push(rt);
    }
    return served;
  }

  unregisterCrd(name: string): void {
    for (const [k, t] of this.types) if (t.crdName === name) this.types.delete(k);
  }
}
