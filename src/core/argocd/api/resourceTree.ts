/**
 * Argo CD's application tree (`GET /api/v1/applications/{name}/resource-tree`, v1alpha1ApplicationTree):
 * every managed resource and its children (ReplicaSets, Pods, Endpoints…) with health as Argo CD
 * computed it — its built-in checks, the Lua checks of argocd-cm and the resource customizations. Since
 * Argo CD 3.0 this is where per-resource health lives (`status.resourceHealthSource: appTree`).
 */
import { isRecord } from '../../json';
import { FieldReader, type ManagedResource } from '../../model/app';
import type { ResourceHealth } from '../health/types';
import { isHealthStatus } from '../health/types';
import type { ResourceHealthEntry } from '../../store/resourceHealthStore';

export interface TreeNodeRef {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

export interface TreeNode extends TreeNodeRef {
  readonly version: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly createdAt?: string;
  /** Undefined when Argo CD has no health check for the kind. */
  readonly health?: ResourceHealth;
  readonly parents: readonly TreeNodeRef[];
  readonly images: readonly string[];
  /** `info[]` name/value pairs Argo CD shows beside a node (a Pod's "Status Reason", "Containers"). */
  readonly info: ReadonlyArray<{ readonly name: string; readonly value: string }>;
}

export interface ResourceTree {
  readonly nodes: readonly TreeNode[];
  readonly orphanedNodes: readonly TreeNode[];
  readonly problems: readonly string[];
}

/** An identity key for matching managed resources to nodes (kube.NewResourceKey: group, kind, namespace, name). */
export function treeKey(r: TreeNodeRef): string {
  return `${r.group}/${r.kind}/${r.namespace}/${r.name}`;
}

/** A tree as sent; malformed nodes are dropped with a problem each, never thrown. */
export function readResourceTree(value: unknown): ResourceTree {
  const r = new FieldReader();
  if (!isRecord(value)) return { nodes: [], orphanedNodes: [], problems: ['the resource tree is not an object'] };
  const nodes = (key: 'nodes' | 'orphanedNodes'): TreeNode[] =>
    r.records(value, key).flatMap(([n, p]) => {
      const kind = r.string(n, `${p}.kind`);
      const name = r.string(n, `${p}.name`);
      if (!kind || !name) {
        r.problems.push(`${p} has no kind or name`);
        return [];
      }
      const h = r.record(n, `${p}.health`);
      const status = r.string(h, `${p}.health.status`);
      const message = r.string(h, `${p}.health.message`);
      let health: ResourceHealth | undefined;
      if (status !== undefined) {
        // An unknown status from a newer Argo CD reads as Unknown, with what it said.
        health = isHealthStatus(status) ? { status, ...(message ? { message } : {}) } : { status: 'Unknown', message: `Argo CD reports health "${status}"${message ? `: ${message}` : ''}` };
      }
      const node: TreeNode = {
        group: r.string(n, `${p}.group`) ?? '',
        version: r.string(n, `${p}.version`) ?? '',
        kind,
        namespace: r.string(n, `${p}.namespace`) ?? '',
        name,
        ...optional('uid', r.string(n, `${p}.uid`)),
        ...optional('resourceVersion', r.string(n, `${p}.resourceVersion`)),
        ...optional('createdAt', r.string(n, `${p}.createdAt`)),
        ...(health ? { health } : {}),
        parents: r.records(n, `${p}.parentRefs`).map(([ref, rp]) => ({
          group: r.string(ref, `${rp}.group`) ?? '',
          kind: r.string(ref, `${rp}.kind`) ?? '',
          namespace: r.string(ref, `${rp}.namespace`) ?? '',
          name: r.string(ref, `${rp}.name`) ?? '',
        })),
        images: r.strings(n, `${p}.images`),
        info: r.records(n, `${p}.info`).map(([i, ip]) => ({ name: r.string(i, `${ip}.name`) ?? '', value: r.string(i, `${ip}.value`) ?? '' })),
      };
      return [node];
    });
  return { nodes: nodes('nodes'), orphanedNodes: nodes('orphanedNodes'), problems: r.problems };
}

/**
 * Each managed resource's health as Argo CD computed it, in `app.resources` order, in the shape the
 * view already shows for health computed locally (ResourceHealthStore entries). The rule is the API
 * server's own (server/application/application.go `inferResourcesStatusHealth`): a node's health; a node
 * that was never created (no resourceVersion, uid or creation time) is Missing, "Resource has not been
 * created"; a node without health, or no node, has no health.
 */
export function treeHealthEntries(resources: readonly ManagedResource[], tree: ResourceTree): ResourceHealthEntry[] {
  const byKey = new Map<string, TreeNode>();
  for (const n of tree.nodes) if (!byKey.has(treeKey(n))) byKey.set(treeKey(n), n);
  return resources.map((res): ResourceHealthEntry => {
    const node = byKey.get(treeKey(res));
    if (node?.health) return node.health;
    if (node && node.resourceVersion === undefined && node.uid === undefined && node.createdAt === undefined) {
      return { status: 'Missing', message: 'Resource has not been created' };
    }
    return { noHealth: true };
  });
}

/** The children of a node (nodes naming it as a parent), for expanding a resource into Pods and the like. */
export function childrenOf(tree: ResourceTree, parent: TreeNodeRef): TreeNode[] {
  const key = treeKey(parent);
  return tree.nodes.filter((n) => n.parents.some((p) => treeKey(p) === key));
}

function optional<K extends string>(key: K, v: string | undefined): { [P in K]?: string } {
  return (v === undefined || v === '' ? {} : { [key]: v }) as { [P in K]?: string };
}
