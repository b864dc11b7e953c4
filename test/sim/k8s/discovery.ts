/**
 * Discovery documents: legacy (/api, /api/v1, /apis, /apis/G/V) and aggregated discovery
 * (apidiscovery.k8s.io v2 and v2beta1, KEP-3352), which kubectl 1.32 asks for first.
 */
import { createHash } from 'node:crypto';
import type { Registry, ServedType } from './registry';
import { apiVersionOf, compareVersions } from './registry';

const subVerbs = ['get', 'patch', 'update'];

function groupsOf(reg: Registry): Map<string, Map<string, ServedType[]>> {
  const groups = new Map<string, Map<string, ServedType[]>>();
  for (const t of reg.all()) {
    let g = groups.get(t.group);
    if (!g) groups.set(t.group, (g = new Map()));
    let v = g.get(t.version);
    if (!v) g.set(t.version, (v = []));
    v.push(t);
  }
  return groups;
}

function sortedVersions(vs: Map<string, ServedType[]>): string[] {
  return [...vs.keys()].sort(compareVersions);
}

const storageVersionHash = (t: ServedType): string => createHash('sha256').update(`${t.group}/${t.version}/${t.kind}`).digest('base64').slice(0, 11);

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export function apiGroupList(reg: Registry): Record<string, unknown> {
  const groups = [...groupsOf(reg).entries()].filter(([g]) => g !== '').map(([name, vs]) => {
    const versions = sortedVersions(vs).map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
    return { name, versions, preferredVersion: versions[0] };
  });
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroup(reg: Registry, group: string): Record<string, unknown> | undefined {
  const vs = groupsOf(reg).get(group);
  if (!vs || group === '') return undefined;
  const versions = sortedVersions(vs).map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions, preferredVersion: versions[0] };
}

export function apiResourceList(reg: Registry, group: string, version: string): Record<string, unknown> | undefined {
  const ts = groupsOf(reg).get(group)?.get(version);
  if (!ts) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const t of ts) {
    resources.push({
      name: t.plural, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs: [...t.verbs],
      ...(t.shortNames.length ? { shortNames: [...t.shortNames] } : {}), ...(t.categories.length ? { categories: [...t.categories] } : {}),
      storageVersionHash: storageVersionHash(t),
    });
    for (const s of t.subresources) {
      resources.push({
        name: `${t.plural}/${s}`, singularName: '', namespaced: t.namespaced,
        ...(s === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : { kind: t.kind }), verbs: subVerbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version), resources };
}

/** One APIGroupDiscovery per group; `legacy` selects the core group (served at /api) or the rest (/apis). */
export function aggregatedDiscovery(reg: Registry, legacy: boolean, apiVersion: 'apidiscovery.k8s.io/v2' | 'apidiscovery.k8s.io/v2beta1'): Record<string, unknown> {
  const items = [...groupsOf(reg).entries()].filter(([g]) => (g === '') === legacy).map(([name, vs]) => ({
    metadata: name ? { name, creationTimestamp: null } : { creationTimestamp: null },
    versions: sortedVersions(vs).map((v) => ({
      version: v,
      resources: vs.get(v)!.map((t) => ({
        resource: t.plural,
        responseKind: { group: t.group, version: t.version, kind: t.kind },
        scope: t.namespaced ? 'Namespaced' : 'Cluster',
        singularResource: t.singular,
        verbs: [...t.verbs],
        ...(t.shortNames.length ? { shortNames: [...t.shortNames] } : {}),
        ...(t.categories.length ? { categories: [...t.categories] } : {}),
        ...(t.subresources.length
          ? {
            subresources: t.subresources.map((s) => ({
              subresource: s,
              responseKind: s === 'scale' ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : { group: t.group, version: t.version, kind: t.kind },
              verbs: subVerbs,
            })),
          }
          : {}),
      })),
      freshness: 'Current',
    })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion, metadata: {}, items };
}
