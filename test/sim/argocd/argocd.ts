/**
 * Entry point of the Argo CD API simulator: tests, benches and `npm run sim` start one through
 * startArgoCdSim, optionally over a Kubernetes simulator whose Argo CD objects it then serves (the
 * way argocd-server serves what its informers see in its own cluster).
 */
import * as YAML from 'yaml';
import type { SimCluster } from '../k8s/cluster';
import type { KubeObject } from '../k8s/types';
import { ArgoCdSimServer, type ArgoCdSimOptions, type RbacRule } from './server';

export interface ArgoCdSim {
  readonly server: ArgoCdSimServer;
  /** `https://127.0.0.1:PORT[/root]` (http with plainText). */
  readonly url: string;
  /** The admin token (role:admin). */
  readonly token: string;
  /** PEM of the self-signed serving certificate (for certificate-authority-data). */
  readonly caPem: string;
  /** A token for a restricted account: allow rules in Argo CD's `resource, action, object` form. */
  addToken(token: string, subject: string, rules: readonly RbacRule[]): void;
  /** Marks a token as expired (Argo CD then answers "token is expired"). */
  expireToken(token: string): void;
  /**
   * An `argocd` CLI config (YAML) with one context for this server, as `argocd login` writes it:
   * server `127.0.0.1:PORT`, `plain-text` / `grpc-web-root-path` as the server needs, user = context.
   */
  cliConfig(context: string, opts?: { token?: string; insecure?: boolean; withCa?: boolean; extra?: Record<string, unknown> }): string;
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): Promise<void>;
}

export async function startArgoCdSim(opts: ArgoCdSimOptions & { apps?: readonly Record<string, unknown>[] } = {}): Promise<ArgoCdSim> {
  const server = new ArgoCdSimServer(opts);
  for (const app of opts.apps ?? []) server.putApp(app);
  await server.listen(opts.port ?? 0);
  return {
    server,
    get url() {
      return server.url;
    },
    token: server.adminToken,
    caPem: server.caPem,
    addToken: (token, subject, rules) => server.addToken(token, { subject, rules }),
    expireToken: (token) => {
      const a = server.accounts.get(token);
      if (a) a.expired = true;
    },
    cliConfig: (context, o = {}) => {
      const entry: Record<string, unknown> = { server: server.address };
      if (server.plainText) entry['plain-text'] = true;
      if (server.rootPath) entry['grpc-web-root-path'] = server.rootPath;
      if (o.insecure) entry.insecure = true;
      if (o.withCa) entry['certificate-authority-data'] = Buffer.from(server.caPem).toString('base64');
      return YAML.stringify({
        contexts: [{ name: context, server: server.address, user: context }],
        'current-context': context,
        servers: [{ ...entry, ...o.extra }],
        users: [{ name: context, 'auth-token': o.token ?? server.adminToken }],
      });
    },
    down: () => server.close(),
    up: () => server.reopen(),
    stop: () => server.close(),
  };
}

const ARGO_GROUP = 'argoproj.io/';

/**
 * Serves the Argo CD objects of a Kubernetes simulator: its Applications (status as stored there),
 * AppProjects and ApplicationSets, following every change; refresh and sync write back to it.
 * Returns a disposable that stops following.
 */
export function mirrorCluster(sim: ArgoCdSim, cluster: SimCluster): { dispose(): void } {
  const s = sim.server;
  const isKind = (o: KubeObject, kind: string): boolean => o.kind === kind && o.apiVersion.startsWith(ARGO_GROUP);
  for (const o of cluster.objects.all()) {
    if (isKind(o, 'Application')) s.putApp(o, { keepVersion: true });
    else if (isKind(o, 'AppProject')) s.putProject(o);
    else if (isKind(o, 'ApplicationSet')) s.putApplicationSet(o);
  }
  s.writer = (app) => {
    const meta = app.metadata as { namespace?: string; name?: string };
    const current = cluster.objects.get('argoproj.io/v1alpha1', 'Application', meta.namespace, meta.name ?? '');
    if (!current) return;
    cluster.objects.put({ ...current, ...app, apiVersion: current.apiVersion, kind: current.kind, metadata: { ...current.metadata } });
  };
  const sub = cluster.objects.onDidChange((e) => {
    if (isKind(e.object, 'Application')) {
      if (e.type === 'DELETED') s.deleteApp(e.object.metadata.namespace ?? '', e.object.metadata.name ?? '', e.object.metadata.resourceVersion);
      else s.putApp(e.object, { keepVersion: true });
    } else if (isKind(e.object, 'AppProject') && e.type !== 'DELETED') s.putProject(e.object);
    else if (isKind(e.object, 'ApplicationSet') && e.type !== 'DELETED') s.putApplicationSet(e.object);
  });
  return {
    dispose: () => {
      sub.dispose();
      s.writer = undefined;
    },
  };
}
