/**
 * Flux's source-controller and kustomize-controller, reduced to what GitOps Lens reads:
 * GitRepository `status.artifact.revision` (`main@sha1:<sha>`) and `Ready`; Kustomization `Ready`,
 * `lastAppliedRevision`, `lastAttemptedRevision`, `status.inventory.entries[].id`
 * (`<namespace>_<name>_<group>_<kind>`, fluxcd/pkg ssa ObjMetadata) and `lastHandledReconcileAt`.
 * Unlike Argo CD, Flux corrects drift: it re-applies at each `spec.interval`, on a new revision, or when
 * `reconcile.fluxcd.io/requestedAt` asks. HelmRelease and Helm/OCI sources keep their seeded status
 * (no Helm here); a requestedAt on them is acknowledged.
 */
import type { KubeObject } from '../k8s/types';
import { CLUSTER_SCOPED, sameIgnoringTimes } from './argocd';
import { driftedFields } from './compare';
import { RenderError, resolveRevision, type Renderer } from './render';
import type { ControllerContext } from './reconciler';

type Obj = Record<string, unknown>;
type Condition = { type: string; status: 'True' | 'False' | 'Unknown'; reason: string; message: string; lastTransitionTime: string; observedGeneration?: number };

const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';
const KUSTOMIZE_NAME = 'kustomize.toolkit.fluxcd.io/name';
const KUSTOMIZE_NAMESPACE = 'kustomize.toolkit.fluxcd.io/namespace';

export async function reconcileGitRepository(repo: KubeObject, ctx: ControllerContext): Promise<void> {
  const spec = (repo.spec ?? {}) as Obj;
  const old = (repo.status ?? {}) as Obj;
  if (spec.suspend === true) return;
  const ref = (spec.ref ?? {}) as Obj;
  const name = (ref.branch ?? ref.tag ?? ref.name ?? 'HEAD') as string;
  const now = ctx.now();
  const url = String(spec.url ?? '');
  const dir = ctx.repoDir(url);
  let status: Obj;
  try {
    if (!dir) throw new RenderError(`unable to clone '${url}': repository not found`);
    const sha = await resolveRevision(dir, (ref.commit as string | undefined) ?? name);
    const revision = ref.commit ? `sha1:${sha}` : `${name}@sha1:${sha}`;
    const message = `stored artifact for revision '${revision}'`;
    status = {
      ...old,
      observedGeneration: repo.metadata.generation ?? 1,
      artifact: (old.artifact as Obj | undefined)?.revision === revision ? old.artifact : { path: `gitrepository/${repo.metadata.namespace}/${repo.metadata.name}/${sha}.tar.gz`, url: `http://source-controller.flux-system.svc.cluster.local./gitrepository/${repo.metadata.namespace}/${repo.metadata.name}/${sha}.tar.gz`, revision, lastUpdateTime: now },
      conditions: conditions(old, now, repo, [
        { type: 'Ready', status: 'True', reason: 'Succeeded', message },
        { type: 'ArtifactInStorage', status: 'True', reason: 'Succeeded', message },
      ]),
    };
  } catch (e) {
    if (!(e instanceof RenderError)) throw e;
    const message = `failed to checkout and determine revision: ${e.message}`;
    status = { ...old, observedGeneration: repo.metadata.generation ?? 1, conditions: conditions(old, now, repo, [{ type: 'Ready', status: 'False', reason: 'GitOperationFailed', message }, { type: 'FetchFailed', status: 'True', reason: 'GitOperationFailed', message }]) };
  }
  writeStatus(repo, old, status, ctx);
}

export async function reconcileKustomization(ks: KubeObject, ctx: ControllerContext, renderer: Renderer, lastApplied: Map<string, number>): Promise<void> {
  const spec = (ks.spec ?? {}) as Obj;
  const old = (ks.status ?? {}) as Obj;
  const ns = ks.metadata.namespace ?? 'flux-system';
  const name = ks.metadata.name ?? '';
  const now = ctx.now();
  const requested = ks.metadata.annotations?.[REQUESTED_AT];
  if (spec.suspend === true) return;

  const sourceRef = (spec.sourceRef ?? {}) as Obj;
  const source = ctx.cluster.get('source.toolkit.fluxcd.io/v1', String(sourceRef.kind ?? 'GitRepository'), String(sourceRef.namespace ?? ns), String(sourceRef.name ?? ''));
  const artifact = ((source?.status ?? {}) as Obj).artifact as Obj | undefined;
  const setReady = (ready: Omit<Condition, 'type' | 'lastTransitionTime'>, extra: Obj = {}): void => {
    const status: Obj = { ...old, observedGeneration: ks.metadata.generation ?? 1, ...extra, conditions: conditions(old, now, ks, [{ type: 'Ready', ...ready }]) };
    if (requested !== undefined) status.lastHandledReconcileAt = requested;
    writeStatus(ks, old, status, ctx);
  };

  for (const dep of (spec.dependsOn ?? []) as Obj[]) {
    const d = ctx.cluster.get(ks.apiVersion, ks.kind, String(dep.namespace ?? ns), String(dep.name ?? ''));
    const ready = (((d?.status ?? {}) as Obj).conditions as Condition[] | undefined)?.find((c) => c.type === 'Ready');
    if (ready?.status !== 'True') {
      setReady({ status: 'False', reason: 'DependencyNotReady', message: `dependency '${String(dep.namespace ?? ns)}/${String(dep.name)}' is not ready` });
      return;
    }
  }
  if (!source || !artifact || typeof artifact.revision !== 'string') {
    setReady({ status: 'False', reason: 'ArtifactFailed', message: `Source artifact not found, retrying in 30s` });
    return;
  }
  const revision = artifact.revision;
  const sha = revision.slice(revision.lastIndexOf(':') + 1);
  const repoDir = ctx.repoDir(String(((source.spec ?? {}) as Obj).url ?? ''));
  const key = `${ns}/${name}`;
  const intervalDue = Date.parse(now) - (lastApplied.get(key) ?? 0) >= parseDuration(String(spec.interval ?? '10m'));
  const due = old.lastAppliedRevision !== revision || (requested !== undefined && requested !== old.lastHandledReconcileAt) || intervalDue;
  if (!due) return;
  try {
    if (!repoDir) throw new RenderError(`source repository not available: ${String(((source.spec ?? {}) as Obj).url ?? '')}`);
    await resolveRevision(repoDir, sha);
    const rendered = await renderer.render(repoDir, sha, String(spec.path ?? './'), { recurse: true, generateKustomization: true });
    const target = typeof spec.targetNamespace === 'string' ? spec.targetNamespace : undefined;
    const desired = rendered.objects.map((o) => {
      const namespace = CLUSTER_SCOPED.has(o.kind) ? undefined : (target ?? o.metadata.namespace ?? ns);
      return { ...o, metadata: { ...o.metadata, ...(namespace ? { namespace } : {}), labels: { ...(o.metadata.labels ?? {}), [KUSTOMIZE_NAME]: name, [KUSTOMIZE_NAMESPACE]: ns } } } as KubeObject;
    });
    const entries = desired.map((o) => ({ id: inventoryId(o), v: o.apiVersion.includes('/') ? o.apiVersion.split('/')[1] : o.apiVersion }));
    ctx.writing(() => {
      for (const o of desired) {
        const live = ctx.cluster.get(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name ?? '');
        if (!live || driftedFields(o, live).length > 0) ctx.cluster.put(o);
      }
      if (spec.prune === true) {
        const keep = new Set(entries.map((e) => e.id));
        for (const e of ((old.inventory as Obj | undefined)?.entries ?? []) as Array<{ id: string; v: string }>) {
          if (keep.has(e.id)) continue;
          const [ens, ename, egroup, ekind] = parseInventoryId(e.id);
          ctx.cluster.delete(egroup ? `${egroup}/${e.v}` : e.v, ekind, ens || undefined, ename);
        }
      }
    });
    lastApplied.set(key, Date.parse(now));
    setReady({ status: 'True', reason: 'ReconciliationSucceeded', message: `Applied revision: ${revision}` }, { lastAppliedRevision: revision, lastAttemptedRevision: revision, inventory: { entries } });
  } catch (e) {
    if (!(e instanceof RenderError)) throw e;
    setReady({ status: 'False', reason: 'BuildFailed', message: e.message }, { lastAttemptedRevision: revision });
  }
}

/** HelmRelease and Helm/OCI sources keep the status they were seeded with; Flux still acknowledges requests. */
export function acknowledgeRequest(obj: KubeObject, ctx: ControllerContext): void {
  const requested = obj.metadata.annotations?.[REQUESTED_AT];
  const old = (obj.status ?? {}) as Obj;
  if (requested === undefined || requested === old.lastHandledReconcileAt) return;
  ctx.writing(() => ctx.cluster.patchStatus(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name ?? '', { ...old, lastHandledReconcileAt: requested }));
}

/** `<namespace>_<name>_<group>_<kind>`; cluster-scoped objects have an empty namespace. */
function inventoryId(o: KubeObject): string {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  return `${o.metadata.namespace ?? ''}_${o.metadata.name ?? ''}_${group}_${o.kind}`;
}

function parseInventoryId(id: string): [string, string, string, string] {
  // Kubernetes names cannot contain '_', so the first and the last two separators are unambiguous.
  const parts = id.split('_');
  const kind = parts.pop() ?? '';
  const group = parts.pop() ?? '';
  const namespace = parts.shift() ?? '';
  return [namespace, parts.join('_'), group, kind];
}

/** Go duration strings as Flux writes intervals: 1h2m3s, 10m, 30s, 500ms. */
function parseDuration(text: string): number {
  let ms = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    const n = Number(m[1]);
    ms += m[2] === 'h' ? n * 3_600_000 : m[2] === 'm' ? n * 60_000 : m[2] === 's' ? n * 1000 : n;
  }
  return ms || 600_000;
}

function conditions(old: Obj, now: string, obj: KubeObject, next: Array<Omit<Condition, 'lastTransitionTime'>>): Condition[] {
  const before = (old.conditions ?? []) as Condition[];
  return next.map((c) => {
    const prev = before.find((b) => b.type === c.type);
    // lastTransitionTime moves only when the condition's status changes (metav1.Condition semantics).
    return { ...c, observedGeneration: obj.metadata.generation ?? 1, lastTransitionTime: prev && prev.status === c.status ? prev.lastTransitionTime : now };
  });
}

function writeStatus(obj: KubeObject, old: Obj, status: Obj, ctx: ControllerContext): void {
  if (sameIgnoringTimes(old, status) && status.lastHandledReconcileAt === old.lastHandledReconcileAt) return;
  ctx.writing(() => ctx.cluster.patchStatus(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name ?? '', status));
}
