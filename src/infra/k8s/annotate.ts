/**
 * The only writes GitOps Lens makes to a cluster: annotation merge patches that ask a controller to
 * look again (Argo CD `argocd.argoproj.io/refresh`, Flux `reconcile.fluxcd.io/requestedAt`), plus the
 * one read behind "Show Live YAML". Both go through client-node's KubernetesObjectApi, which maps
 * kind → resource with discovery. A JSON merge patch (RFC 7386) is used because custom resources do
 * not support strategic merge patch (the API server answers 415 Unsupported Media Type).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as k8s from '@kubernetes/client-node';
import { admitLiveOrThrow } from '../../core/drift/liveAnswer';
import { checkObjectRef } from '../../core/kube/names';
import { gitOpsKind, type GitOpsKindName } from '../../core/model/app';
import type { KubeconfigFile } from '../../core/ports';
import { serverSideDryRun } from './dryRun';

export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  /** '' for cluster-scoped objects. */
  readonly namespace: string;
  readonly name: string;
}

export interface KubeClusterAccessOptions {
  /** Kubeconfig files, searched in order for the context (first file defining it wins, as kubectl). */
  readonly kubeconfig: () => Promise<readonly KubeconfigFile[]> | readonly KubeconfigFile[];
  /** Value of `metadata.managedFields[].manager` for our patches. */
  readonly fieldManager?: string;
}

export class KubeClusterAccess {
  constructor(private readonly opts: KubeClusterAccessOptions) {}

  /** Merge-patches `metadata.annotations`; returns the object as the API server stored it. */
  async annotate(
    cluster: string,
    kind: GitOpsKindName,
    namespace: string,
    name: string,
    annotations: Readonly<Record<string, string>>,
  ): Promise<unknown> {
    const k = gitOpsKind(kind);
    if (k === undefined) throw new Error(`unknown GitOps kind ${kind}`);
    const ref: ObjectRef = { apiVersion: `${k.group}/${k.version}`, kind, namespace, name };
    checkObjectRef(ref);
    const api = await this.objectApi(cluster);
    const spec = {
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}), annotations: { ...annotations } },
    };
    return api.patch(spec, undefined, undefined, this.opts.fieldManager ?? 'gitops-lens', undefined, k8s.PatchStrategy.MergePatch);
  }

  /**
   * The object as the API server returns it now. The reference is checked before a URL is built
   * (InvalidObjectRefError) and the answer must be that object (UnexpectedLiveObjectError): this is
   * where live objects enter for the CLI, the lenses, hover, the diff editor, Show Live YAML, the PR
   * impact and resource health (issue 12).
   */
  async get(cluster: string, ref: ObjectRef): Promise<unknown> {
    checkObjectRef(ref);
    const api = await this.objectApi(cluster);
    const answer: unknown = await api.read({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) } });
    return admitLiveOrThrow(ref, answer);
  }

  /**
   * GET of a raw API path (`/openapi/v3`, `/openapi/v3/apis/apps/v1?hash=…`) with the context's
   * credentials and TLS settings, parsed as JSON. For the manifest schemas (issue 7).
   */
  async getJson(cluster: string, apiPath: string): Promise<unknown> {
    const kc = await this.load(cluster);
    const server = kc.getCurrentCluster()?.server;
    if (!server) throw new Error(`context "${cluster}" has no cluster server`);
    const url = new URL(server.replace(/\/+$/, '') + apiPath);
    const options: https.RequestOptions = { headers: { Accept: 'application/json' } };
    await kc.applyToHTTPSOptions(options);
    const secure = url.protocol === 'https:';
    if (!secure) delete options.agent;
    return new Promise<unknown>((resolve, reject) => {
      const req = (secure ? https : http).request(url, { ...options, method: 'GET', timeout: 30_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 300) return reject(new Error(`GET ${url.pathname}: HTTP ${status}`));
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        });
      });
      req.on('timeout', () => req.destroy(new Error(`GET ${url.pathname}: timed out`)));
      req.on('error', reject);
      req.end();
    });
  }

  /**
   * The API server's prediction of `desired` applied now: a server-side apply with dryRun=All
   * (dryRun.ts). Rejects with a DryRunError (403 when RBAC lacks `patch`).
   */
  async dryRunApply(cluster: string, desired: Readonly<Record<string, unknown>>): Promise<Record<string, unknown>> {
    const ref = refOf(desired);
    checkObjectRef(ref);
    return admitLiveOrThrow(ref, await serverSideDryRun(await this.load(cluster), cluster, desired, this.opts.fieldManager ?? 'gitops-lens'));
  }

  /**
   * One KubeConfig (and ObjectApi, which keeps client-node's resource discovery cache) per context,
   * kept while the kubeconfig texts are the same: reading live objects for lenses and resource health
   * is one GET per object, and re-parsing every kubeconfig file (and re-discovering) per GET was waste.
   */
  private readonly loaded = new Map<string, { readonly texts: string; readonly kc: k8s.KubeConfig; api?: k8s.KubernetesObjectApi }>();

  private async objectApi(cluster: string): Promise<k8s.KubernetesObjectApi> {
    const kc = await this.load(cluster);
    const entry = this.loaded.get(cluster);
    if (entry?.kc !== kc) return k8s.KubernetesObjectApi.makeApiClient(kc);
    entry.api ??= k8s.KubernetesObjectApi.makeApiClient(kc);
    return entry.api;
  }

  private async load(name: string): Promise<k8s.KubeConfig> {
    const files = await this.opts.kubeconfig();
    const texts = files.map((f) => f.text ?? '').join('\u0000');
    const cached = this.loaded.get(name);
    if (cached?.texts === texts) return cached.kc;
    const kc = this.parse(files, name);
    this.loaded.set(name, { texts, kc });
    return kc;
  }

  private parse(files: Awaited<ReturnType<KubeClusterAccessOptions['kubeconfig']>>, name: string): k8s.KubeConfig {
    for (const f of files) {
      if (f.text === undefined) continue;
      const kc = new k8s.KubeConfig();
      try {
        kc.loadFromString(f.text);
      } catch {
        continue; // ClusterStore reports broken files with their line.
      }
      if (kc.getContextObject(name)) {
        kc.setCurrentContext(name);
        return kc;
      }
    }
    throw new Error(`context "${name}" is not in any kubeconfig file`);
  }
}

/** The reference a desired object's URL is built from (absent fields are '' and fail the check). */
function refOf(obj: Readonly<Record<string, unknown>>): ObjectRef {
  const meta = typeof obj.metadata === 'object' && obj.metadata !== null ? (obj.metadata as Record<string, unknown>) : {};
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  return { apiVersion: text(obj.apiVersion), kind: text(obj.kind), namespace: text(meta.namespace), name: text(meta.name) };
}
