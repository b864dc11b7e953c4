/**
 * An optional controller for the simulated clusters: computes Argo CD Application and Flux
 * GitRepository/Kustomization status from a local Git repository and the live objects, so that the demo
 * and tests see real-looking, changing status. It reacts to every object change in the clusters it
 * watches (debounced), and polls Git for new commits (`gitPollMs`), as Argo CD and Flux poll sources.
 * `kubectl edit` on a live object thus turns its Argo CD application OutOfSync within a second.
 */
import type { SimCluster } from '../k8s/cluster';
import type { KubeObject } from '../k8s/types';
import { reconcileApplication } from './argocd';
import { acknowledgeRequest, reconcileGitRepository, reconcileKustomization } from './flux';
import { NO_HEALTH_FACTS, type HealthFacts } from './health';
import { Renderer } from './render';

type ClusterObjects = SimCluster['objects'];

export interface ReconcilerOptions {
  /** The cluster the controllers run in: their custom resources live here; it is Argo CD's in-cluster destination. */
  cluster: SimCluster;
  /** Other Argo CD destinations, by `spec.destination.server` URL or `spec.destination.name`. */
  destinations?: Record<string, SimCluster>;
  /** Maps a repository URL (Argo CD repoURL, Flux GitRepository url) to a local repository directory. */
  repoDir(url: string): string | undefined;
  gitPollMs?: number;
  debounceMs?: number;
  now?: () => Date;
  onError?: (error: unknown) => void;
  /** The health the simulated Argo CD reports per live object (facts, see health.ts); none by default. */
  health?: HealthFacts;
}

/** What the per-tool reconcile functions may use. */
export interface ControllerContext {
  readonly cluster: ClusterObjects;
  repoDir(url: string): string | undefined;
  destination(dest: Record<string, unknown>): ClusterObjects | undefined;
  /** Runs the controller's own writes; their change events do not trigger another pass. */
  writing(fn: () => void): void;
  now(): string;
  /** The stated health of a live object. */
  health: HealthFacts;
}

const IN_CLUSTER = new Set(['https://kubernetes.default.svc', 'in-cluster']);

export class SimReconciler {
  private readonly renderer = new Renderer();
  private readonly lastApplied = new Map<string, number>();
  private readonly subscriptions: Array<{ dispose(): void }> = [];
  private timer: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private dirty = false;
  private selfWrites = 0;
  private stopped = false;
  readonly ctx: ControllerContext;

  constructor(private readonly options: ReconcilerOptions) {
    this.ctx = {
      cluster: options.cluster.objects,
      repoDir: (url) => options.repoDir(url),
      destination: (dest) => {
        const key = String(dest.server ?? dest.name ?? '');
        if (IN_CLUSTER.has(key)) return options.cluster.objects;
        return options.destinations?.[key]?.objects;
      },
      writing: (fn) => {
        this.selfWrites++;
        try {
          fn();
        } finally {
          this.selfWrites--;
        }
      },
      now: () => (options.now?.() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      health: options.health ?? NO_HEALTH_FACTS,
    };
  }

  /** Starts watching; resolves after the first full pass. */
  async start(): Promise<void> {
    const clusters = [this.options.cluster, ...Object.values(this.options.destinations ?? {})];
    for (const c of new Set(clusters)) {
      this.subscriptions.push(c.objects.onDidChange(() => {
        if (this.selfWrites === 0) this.schedule();
      }));
    }
    this.timer = setInterval(() => this.schedule(), this.options.gitPollMs ?? 1000);
    this.timer.unref();
    await this.reconcileNow();
  }

  /** One full pass now (waits for a running pass, then runs again so the caller sees fresh state). */
  async reconcileNow(): Promise<void> {
    while (this.running) await this.running;
    this.running = this.pass().finally(() => (this.running = undefined));
    await this.running;
  }

  /** `argocd app sync NAME`: applies the Application's desired objects, then re-compares everything. */
  async sync(namespace: string, name: string): Promise<void> {
    while (this.running) await this.running;
    const app = this.options.cluster.objects.get('argoproj.io/v1alpha1', 'Application', namespace, name);
    if (!app) throw new Error(`application ${namespace}/${name} not found`);
    this.running = reconcileApplication(app, this.ctx, this.renderer, { sync: true }).finally(() => (this.running = undefined));
    await this.running;
    await this.reconcileNow();
  }

  stop(): void {
    this.stopped = true;
    for (const s of this.subscriptions.splice(0)) s.dispose();
    if (this.timer) clearInterval(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
  }

  private schedule(): void {
    if (this.stopped) return;
    if (this.running) {
      this.dirty = true;
      return;
    }
    if (this.debounce) return;
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.reconcileNow().catch((e: unknown) => this.options.onError?.(e));
    }, this.options.debounceMs ?? 50);
  }

  private async pass(): Promise<void> {
    do {
      this.dirty = false;
      const objects = this.options.cluster.objects;
      // Sources first: Kustomizations read their artifact revision.
      for (const repo of list(objects, 'source.toolkit.fluxcd.io/v1', 'GitRepository')) await this.guard(repo, (o) => reconcileGitRepository(o, this.ctx));
      for (const ks of list(objects, 'kustomize.toolkit.fluxcd.io/v1', 'Kustomization')) await this.guard(ks, (o) => reconcileKustomization(o, this.ctx, this.renderer, this.lastApplied));
      for (const [apiVersion, kind] of [['helm.toolkit.fluxcd.io/v2', 'HelmRelease'], ['source.toolkit.fluxcd.io/v1', 'HelmRepository'], ['source.toolkit.fluxcd.io/v1beta2', 'OCIRepository'], ['source.toolkit.fluxcd.io/v1', 'OCIRepository']] as const) {
        for (const o of list(objects, apiVersion, kind)) await this.guard(o, async (fresh) => acknowledgeRequest(fresh, this.ctx));
      }
      for (const app of list(objects, 'argoproj.io/v1alpha1', 'Application')) await this.guard(app, (o) => reconcileApplication(o, this.ctx, this.renderer));
    } while (this.dirty && !this.stopped);
  }

  /** One broken object must not stop the others (a controller keeps reconciling the rest). */
  private async guard(obj: KubeObject, fn: (fresh: KubeObject) => Promise<void>): Promise<void> {
    if (this.stopped) return;
    try {
      // Re-read: an earlier step of this pass may have changed it.
      const fresh = this.options.cluster.objects.get(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name ?? '');
      if (fresh) await fn(fresh);
    } catch (e) {
      this.options.onError?.(e);
    }
  }
}

/** Kinds whose CRD the cluster does not serve simply have no objects. */
function list(objects: ClusterObjects, apiVersion: string, kind: string): KubeObject[] {
  try {
    return objects.list(apiVersion, kind);
  } catch {
    return [];
  }
}
