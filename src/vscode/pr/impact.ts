/**
 * The impact of a change on the clusters, for the preview and the PR body (issue 6): which apps on
 * which clusters deploy each changed file (core/drift/deployedBy), and per resource the fields the new
 * desired documents change in the LIVE objects, from the drift engine (core/pr/plan `impactOf`:
 * Secrets masked, normalized, list semantics of the kind). Live objects are read through the same
 * client as the drift lenses (KubeClusterAccess.get); an unreadable cluster is reported per app.
 */
import type { App, AppKey } from '../../core/model/app';
import { appsDeployingFile, type Deployment } from '../../core/drift/deployedBy';
import { liveClusterOf, type KnownContext } from '../../core/drift/destination';
import { isMask } from '../../core/drift/mask';
import { describeAttribution } from '../../core/audit/managedFields';
import { impactOf, type AppImpact, type ChangedFile as CoreChangedFile } from '../../core/pr/plan';
import { describeLiveReadFailure, liveReadFailure } from '../../core/kube/k8sFailure';
import type { LiveObjectReader } from '../../core/ports';
import type { PreviewAppImpact, PreviewFieldChange, PreviewFile } from './previewHtml';

export interface ChangedManifest {
  /** Repo-relative, posix. */
  readonly path: string;
  readonly status: PreviewFile['status'];
  /** HEAD version; undefined for a new file. */
  readonly before: string | undefined;
  /** New version; null for a deletion. */
  readonly after: string | null;
}

/** A live object by reference, as the lenses read it (core/ports LiveObjectReader, `KubeClusterAccess.get`). */
export type LiveRead = LiveObjectReader['get'];

export type { KnownContext } from '../../core/drift/destination';

export interface Impact {
  /** Per cluster and app (the app's own cluster or its Argo CD destination). */
  readonly impact: readonly AppImpact[];
  /** Changed files no known app deploys. */
  readonly undeployed: readonly string[];
  /** Apps the change reaches (for the tree's Pull Requests node). */
  readonly apps: readonly AppKey[];
  /** `Argo CD Application`… per `cluster\0app name`, for the preview. */
  readonly kinds: ReadonlyMap<string, string>;
}

export const NO_IMPACT: Impact = { impact: [], undeployed: [], apps: [], kinds: new Map() };

/** How long one live read may take before the cluster counts as unreachable for the preview. */
const READ_TIMEOUT_MS = 10_000;

const kindLabel = (app: App): string => `${app.tool === 'argocd' ? 'Argo CD' : 'Flux'} ${app.kind}`;

/**
 * The cluster holding a deployment's live objects, as the drift lenses pick it: an Argo CD app's
 * destination (`in-cluster` / kubernetes.default.svc = the app's own cluster; another server = the
 * kubeconfig context with that URL; a destination name = the context of that name), a Flux app's own.
 */

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Why a cluster could not be compared, in the words core/kube/k8sFailure gives every failed read; our
 * own time limit (withTimeout) says so itself. A refused answer (not the object asked for, a name that
 * cannot be a URL) says what was refused, not "unreachable".
 */
function reasonOf(err: unknown, cluster: string): string {
  const f = liveReadFailure(err);
  if (f.kind === 'unreachable' && err instanceof Error && err.message.startsWith(`${cluster} did not answer`)) return err.message;
  return describeLiveReadFailure(f, cluster);
}

export interface LiveImpactInput {
  readonly files: readonly ChangedManifest[];
  readonly apps: readonly App[];
  readonly repo: { readonly root: string; readonly remotes: readonly string[]; readonly branch?: string };
  readonly read: LiveRead;
  readonly contexts?: readonly KnownContext[];
  /**
   * Deployments to use for a file no app deploys from this repository (Suspend/Resume edits the app's
   * own manifest, which lives in its cluster even when no app of apps deploys it).
   */
  readonly fallback?: (file: string) => readonly Deployment[];
}

/** Per cluster and app, what the new files change in the live objects (core `impactOf`). */
export async function liveImpact(input: LiveImpactInput): Promise<Impact> {
  const byFile = new Map<string, Deployment[]>();
  const undeployed: string[] = [];
  for (const f of input.files) {
    let deps = appsDeployingFile({ repo: input.repo, file: f.path, apps: input.apps });
    if (deps.length === 0) deps = [...(input.fallback?.(f.path) ?? [])];
    if (deps.length === 0) undeployed.push(f.path);
    // Keyed by the cluster holding the live objects, so the impact says where it lands.
    byFile.set(
      f.path,
      deps.map((d) => ({ ...d, cluster: liveClusterOf(d.app, d.cluster, input.contexts ?? []).cluster })),
    );
  }
  const kinds = new Map<string, string>();
  const apps = new Set<AppKey>();
  for (const deps of byFile.values()) {
    for (const d of deps) {
      kinds.set(`${d.cluster}\u0000${d.app.name}`, kindLabel(d.app));
      apps.add(d.app.key);
    }
  }
  const changed: CoreChangedFile[] = input.files.map((f) => ({ path: f.path, before: f.before, after: f.after ?? undefined }));
  const impact = await impactOf(
    changed,
    (file) => byFile.get(file) ?? [],
    async (d, id) => {
      const unknown = liveClusterOf(d.app, d.app.cluster, input.contexts ?? []).unknown;
      if (unknown) throw new Error(unknown);
      try {
        const obj = await withTimeout(input.read(d.cluster, { apiVersion: id.apiVersion, kind: id.kind, namespace: id.namespace ?? '', name: id.name }), READ_TIMEOUT_MS, d.cluster);
        return typeof obj === 'object' && obj !== null && !Array.isArray(obj) ? (obj as Record<string, unknown>) : undefined;
      } catch (err) {
        // Not found: the change creates the object.
        if (liveReadFailure(err).kind === 'absent') return undefined;
        throw new Error(reasonOf(err, d.cluster));
      }
    },
    { keepUnaffected: true },
  );
  return { impact, undeployed, apps: [...apps], kinds };
}

/** `/spec/template/spec/containers/0/image` → `spec.template.spec.containers[0].image`. */
export function dottedPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '');
}

function show(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

const resourceLabel = (id: AppImpact['resources'][number]['id']): string => `${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name}`;

/** The preview's rows: per app the live value now and after the merge; Secret values masked. */
export function previewImpacts(impact: Impact): PreviewAppImpact[] {
  return impact.impact.map((a) => {
    const changes: PreviewFieldChange[] = [];
    const notes: string[] = [];
    for (const r of a.resources) {
      const label = resourceLabel(r.id);
      if (r.change === 'create') notes.push(`${label}: not in the cluster yet, created by the merge`);
      else if (r.change === 'delete') notes.push(`${label}: removed from Git (pruned if the app prunes)`);
      const secret = r.id.kind === 'Secret' && !r.id.apiVersion.includes('/');
      for (const f of r.change === 'update' ? r.fields : []) {
        const masked = secret || isMask(f.from) || isMask(f.to);
        changes.push({ resource: label, path: dottedPath(f.path), ...(masked ? { masked: true } : { before: show(f.from), after: show(f.to) }) } as PreviewFieldChange);
        // Issue 17: the merge overwrites a live value someone set outside Git.
        if (f.setOutsideGit) notes.push(`${label}: ${describeAttribution(f.setOutsideGit)}`);
      }
    }
    if (a.unreachable !== undefined) notes.push(`Live state not compared: ${a.unreachable}.`);
    else if (a.resources.length === 0) notes.push('No change to the live objects.');
    return { cluster: a.cluster, app: a.app, appKind: impact.kinds.get(`${a.cluster}\u0000${a.app}`) ?? 'App', changes, ...(notes.length ? { notes } : {}) };
  });
}
