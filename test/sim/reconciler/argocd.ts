/**
 * Argo CD's application controller, reduced to what GitOps Lens reads: for each Application it renders
 * the source at its target revision, compares every desired object with the live one in the
 * destination, and writes `status.sync`, `status.health`, `status.resources[]`, `status.conditions`,
 * `status.reconciledAt` and `status.sourceType` as Argo CD 2.x does (application_types.go). Automated
 * sync (and self-heal) applies the desired objects, recording `status.operationState`.
 */
import type { KubeObject } from '../k8s/types';
import { driftedFields } from './compare';
import { worst, type Health, type HealthStatus } from './health';
import { RenderError, resolveRevision, type Renderer } from './render';
import type { ControllerContext } from './reconciler';

type Obj = Record<string, unknown>;

const ARGO_INSTANCE_LABEL = 'app.kubernetes.io/instance';
const REFRESH_ANNOTATION = 'argocd.argoproj.io/refresh';

interface ResourceStatus {
  group?: string;
  version: string;
  kind: string;
  namespace?: string;
  name: string;
  status: 'Synced' | 'OutOfSync';
  health?: Health;
  requiresPruning?: boolean;
}

/**
 * Compares (and, for automated sync or an explicit `sync`, applies) one Application. `sync: true` is
 * what `argocd app sync` does: apply the desired objects now, whatever the sync policy.
 */
export async function reconcileApplication(app: KubeObject, ctx: ControllerContext, renderer: Renderer, opts: { sync?: boolean } = {}): Promise<void> {
  const spec = (app.spec ?? {}) as Obj;
  const old = (app.status ?? {}) as Obj;
  const source = (spec.source ?? (Array.isArray(spec.sources) ? spec.sources[0] : undefined) ?? {}) as Obj;
  const destination = (spec.destination ?? {}) as Obj;
  const refresh = app.metadata.annotations?.[REFRESH_ANNOTATION];
  const comparedTo = { source, destination };
  const now = ctx.now();

  const fail = (message: string): Obj => ({
    ...old,
    sync: { status: 'Unknown', comparedTo, ...(old.sync && (old.sync as Obj).revision ? { revision: (old.sync as Obj).revision } : {}) },
    health: old.health ?? { status: 'Unknown' },
    conditions: [{ type: 'ComparisonError', message, lastTransitionTime: now }],
    reconciledAt: now,
  });

  let status: Obj;
  const repoDir = ctx.repoDir(String(source.repoURL ?? ''));
  const dest = ctx.destination(destination);
  if (!repoDir) {
    status = fail(`Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: code = Unknown desc = repository not found: ${String(source.repoURL ?? '')}`);
  } else if (!dest) {
    status = fail(`Failed to load live state: there are no clusters with this URL: ${String(destination.server ?? destination.name ?? '')}`);
  } else {
    try {
      const sha = await resolveRevision(repoDir, source.targetRevision as string | undefined);
      const recurse = ((source.directory as Obj | undefined)?.recurse ?? false) === true;
      const rendered = await renderer.render(repoDir, sha, String(source.path ?? '.'), { recurse, generateKustomization: false });
      const appName = app.metadata.name ?? '';
      const destNs = typeof destination.namespace === 'string' ? destination.namespace : undefined;
      const desired = rendered.objects.map((o) => placed(o, destNs, appName));

      const automated = (spec.syncPolicy as Obj | undefined)?.automated as Obj | undefined;
      let compared = compare(desired, dest, appName, ctx.health);
      let operationState = old.operationState as Obj | undefined;
      const lastSynced = operationState ? (((operationState.syncResult ?? {}) as Obj).revision as string | undefined) : undefined;
      const outOfSync = compared.resources.some((r) => r.status === 'OutOfSync');
      if (opts.sync || (automated && outOfSync && (lastSynced !== sha || automated.selfHeal === true))) {
        const syncOptions = ((spec.syncPolicy as Obj | undefined)?.syncOptions ?? []) as string[];
        ctx.writing(() => {
          if (destNs && syncOptions.includes('CreateNamespace=true') && !dest.get('v1', 'Namespace', undefined, destNs)) {
            dest.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: destNs } });
          }
          for (const o of desired) dest.put(o);
          if (automated?.prune === true) for (const r of compared.resources.filter((x) => x.requiresPruning)) dest.delete(apiVersionOf(r), r.kind, r.namespace, r.name);
        });
        operationState = {
          operation: { sync: { revision: sha }, initiatedBy: opts.sync ? { username: 'admin' } : { automated: true } },
          phase: 'Succeeded',
          message: 'successfully synced (all tasks run)',
          startedAt: now,
          finishedAt: now,
          syncResult: { revision: sha, source, resources: desired.map((o) => ({ ...identity(o), status: 'Synced', message: `${o.kind.toLowerCase()}/${o.metadata.name} configured`, syncPhase: 'Sync' })) },
        };
        compared = compare(desired, dest, appName, ctx.health);
      }
      const anyOutOfSync = compared.resources.some((r) => r.status === 'OutOfSync');
      status = {
        ...old,
        sync: { status: anyOutOfSync ? 'OutOfSync' : 'Synced', comparedTo, revision: sha },
        health: compared.health,
        resources: compared.resources,
        sourceType: rendered.sourceType,
        summary: { images: images(desired) },
        reconciledAt: now,
        ...(operationState ? { operationState } : {}),
      };
      delete status.conditions;
    } catch (e) {
      if (!(e instanceof RenderError)) throw e;
      status = fail(`Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: code = Unknown desc = ${e.message}`);
    }
  }

  if (refresh !== undefined) {
    // Argo CD drops the annotation once the refresh it asked for is done (appcontroller.go).
    const annotations = { ...(app.metadata.annotations ?? {}) };
    delete annotations[REFRESH_ANNOTATION];
    ctx.writing(() => ctx.cluster.put({ ...app, metadata: { ...app.metadata, annotations }, status }));
    return;
  }
  if (!sameIgnoringTimes(old, status)) {
    ctx.writing(() => ctx.cluster.patchStatus(app.apiVersion, app.kind, app.metadata.namespace, app.metadata.name ?? '', status));
  }
}

/**
 * Sync per resource, and health as the simulation was told it (`healthOf`); the app is as healthy as
 * its worst live resource, and Missing only when none of them exists (Argo CD's controller/health.go).
 */
function compare(desired: KubeObject[], dest: ControllerContext['cluster'], appName: string, healthOf: ControllerContext['health']): { resources: ResourceStatus[]; health: Health } {
  const resources: ResourceStatus[] = [];
  let health: HealthStatus = 'Healthy';
  let anyLive = false;
  const seen = new Set<string>();
  for (const d of desired) {
    const live = dest.get(d.apiVersion, d.kind, d.metadata.namespace, d.metadata.name ?? '');
    seen.add(keyOf(d));
    if (live) anyLive = true;
    const h: Health | undefined = live ? healthOf(live) : { status: 'Missing' };
    if (h && live) health = worst(health, h.status);
    resources.push({ ...identity(d), status: live && driftedFields(d, live).length === 0 ? 'Synced' : 'OutOfSync', ...(h ? { health: h } : {}) });
  }
  if (desired.length > 0 && !anyLive) health = worst(health, 'Missing');
  // Live objects that carry this app's tracking label but are no longer in Git need pruning.
  for (const live of dest.all()) {
    if (live.metadata.labels?.[ARGO_INSTANCE_LABEL] !== appName || seen.has(keyOf(live))) continue;
    resources.push({ ...identity(live), status: 'OutOfSync', requiresPruning: true });
  }
  resources.sort((a, b) => `${a.kind}/${a.namespace ?? ''}/${a.name}`.localeCompare(`${b.kind}/${b.namespace ?? ''}/${b.name}`));
  return { resources, health: { status: health } };
}

/** Namespaced objects without a namespace go to the destination namespace; Argo CD labels what it applies. */
function placed(o: KubeObject, destNs: string | undefined, appName: string): KubeObject {
  const namespace = o.metadata.namespace ?? (CLUSTER_SCOPED.has(o.kind) ? undefined : destNs);
  return { ...o, metadata: { ...o.metadata, ...(namespace ? { namespace } : {}), labels: { ...(o.metadata.labels ?? {}), [ARGO_INSTANCE_LABEL]: appName } } };
}

export const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass', 'Node', 'PriorityClass', 'IngressClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'APIService']);

function identity(o: KubeObject): { group?: string; version: string; kind: string; namespace?: string; name: string } {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  return { ...(group ? { group } : {}), version: version ?? '', kind: o.kind, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}), name: o.metadata.name ?? '' };
}

function apiVersionOf(r: { group?: string; version: string }): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

function keyOf(o: KubeObject): string {
  return `${o.apiVersion.split('/').length > 1 ? o.apiVersion.split('/')[0] : ''}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

function images(objects: KubeObject[]): string[] {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if ((k === 'containers' || k === 'initContainers') && Array.isArray(x)) for (const c of x) if (typeof (c as Obj).image === 'string') out.add((c as Obj).image as string);
        walk(x);
      }
    }
  };
  objects.forEach((o) => walk(o.spec));
  return [...out].sort();
}

/** Status equality that ignores the reconcile timestamps, so an unchanged app is not rewritten. */
export function sameIgnoringTimes(a: unknown, b: unknown): boolean {
  return JSON.stringify(a, dropTimes) === JSON.stringify(b, dropTimes);
}

function dropTimes(key: string, value: unknown): unknown {
  return key === 'reconciledAt' || key === 'lastTransitionTime' || key === 'lastHandledReconcileAt' ? undefined : value;
}
