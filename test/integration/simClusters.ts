/**
 * Two Kubernetes API simulators for the integration layer, started by runner.ts on the host side
 * before the extension host opens: `sim-argo` serves only the Argo CD CRDs (so Flux is absent there)
 * with one Application per state (and, for the 3.x apps `checkout` and `shop`, the live objects they
 * manage, and an argocd-cm with a Lua health check); `sim-flux` serves only the Flux CRDs with Kustomizations,
 * HelmReleases and sources in every state, and its context's token may not read namespace `team-b`.
 * Tests in the extension host reach them over plain HTTP (the same port also speaks TLS for the
 * extension's client) with the admin token, from GITOPS_LENS_SIM.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { startSimCluster, type SimCluster } from '../sim/k8s/cluster';
import {
  ARGO2_COMPARISON_ERROR,
  ARGO2_OUT_OF_SYNC_HEALTHY,
  ARGO2_SUSPENDED,
  ARGO2_SYNCED_DEGRADED,
  ARGO2_SYNCED_HEALTHY,
  ARGO3_MISSING,
  ARGO3_OPERATION_FAILED,
  ARGO3_PROGRESSING,
  APP_PROJECT,
} from '../fixtures/gitops/argocd';
import {
  GIT_REPOSITORY,
  HELM_REPOSITORY,
  HR_INSTALL_FAILED,
  HR_READY,
  KS_DEPENDENCY_NOT_READY,
  KS_NOT_READY,
  KS_READY,
  KS_RECONCILING,
  KS_STALLED,
  KS_SUSPENDED,
} from '../fixtures/gitops/flux';
import {
  ARGO3_CHECKOUT,
  ARGO3_SHOP,
  ARGOCD_CM_WIDGET_HEALTH,
  CERT_MANAGER_CERTIFICATE_CRD,
  CONFIG_MAP,
  DEPLOYMENT_DEADLINE_EXCEEDED,
  SHOP_CERTIFICATE_FAILED,
  SHOP_WIDGET,
  WIDGET_CRD,
} from '../fixtures/gitops/liveResources';
import { REPO_ROOT } from '../support/paths';
import { seedable } from '../support/simObjects';

/** What the in-host tests need to drive the simulators: admin access over HTTP. */
export interface SimAccess {
  readonly argo: { readonly url: string; readonly token: string; readonly context: string };
  readonly flux: { readonly url: string; readonly token: string; readonly context: string };
}

export interface StartedSims {
  readonly access: SimAccess;
  /** A kubeconfig file with both contexts, for the `gitopsLens.kubeconfig` setting. */
  readonly kubeconfigFile: string;
  stop(): Promise<void>;
}

const CRDS = path.join(REPO_ROOT, 'test', 'fixtures', 'sim', 'crds');
const FORBIDDEN_NAMESPACE = 'team-b';

export async function startSims(dir: string): Promise<StartedSims> {
  const started: SimCluster[] = [];
  try {
    const argo = await startSimCluster({
      seed: [path.join(CRDS, 'argocd.yaml')],
      objects: [
        ARGO2_SYNCED_HEALTHY,
        ARGO2_OUT_OF_SYNC_HEALTHY,
        ARGO2_SYNCED_DEGRADED,
        ARGO2_SUSPENDED,
        ARGO2_COMPARISON_ERROR,
        ARGO3_PROGRESSING,
        ARGO3_MISSING,
        ARGO3_OPERATION_FAILED,
        APP_PROJECT,
        // Argo CD 3.x app whose resources exist live: its resource health is computed from them.
        ARGO3_CHECKOUT,
        DEPLOYMENT_DEADLINE_EXCEEDED,
        CONFIG_MAP,
        // Argo CD 3.x app `shop` (issue 14): a failed cert-manager Certificate, and a custom Widget that
        // only the cluster's argocd-cm Lua check can judge.
        CERT_MANAGER_CERTIFICATE_CRD,
        WIDGET_CRD,
        ARGO3_SHOP,
        SHOP_CERTIFICATE_FAILED,
        SHOP_WIDGET,
        ARGOCD_CM_WIDGET_HEALTH,
      ].map((o) => seedable(o)),
    });
    started.push(argo);
    const flux = await startSimCluster({
      seed: [path.join(CRDS, 'flux.yaml')],
      objects: [
        KS_READY,
        KS_NOT_READY,
        KS_STALLED,
        KS_RECONCILING,
        KS_SUSPENDED,
        KS_DEPENDENCY_NOT_READY,
        HR_READY,
        HR_INSTALL_FAILED,
        GIT_REPOSITORY(),
        HELM_REPOSITORY,
      ]
        .map((o) => seedable(o))
        .concat(seedable(KS_READY, (o) => ((o.metadata.namespace = FORBIDDEN_NAMESPACE), (o.metadata.name = 'hidden')))),
    });
    started.push(flux);
    const limited = 'gitops-lens-limited';
    flux.addToken(limited, [
      { verbs: ['list'], resources: ['namespaces'] },
      { verbs: ['get', 'list', 'watch', 'patch'], apiGroups: ['*'], resources: ['*'], namespaces: ['flux-system', 'apps'] },
    ]);
    const merged = mergeKubeconfigs([YAML.parse(argo.kubeconfig('sim-argo')), YAML.parse(flux.kubeconfig('sim-flux', { token: limited }))]);
    const kubeconfigFile = path.join(dir, 'sim-clusters.yaml');
    fs.writeFileSync(kubeconfigFile, YAML.stringify(merged));
    return {
      access: {
        argo: { url: argo.url, token: argo.token, context: 'sim-argo' },
        flux: { url: flux.url, token: flux.token, context: 'sim-flux' },
      },
      kubeconfigFile,
      stop: async () => {
        await Promise.all(started.map((s) => s.stop()));
      },
    };
  } catch (e) {
    await Promise.all(started.map((s) => s.stop()));
    throw e;
  }
}

function mergeKubeconfigs(docs: Array<Record<string, unknown[]>>): Record<string, unknown> {
  const pick = (k: string) => docs.flatMap((d) => d[k] ?? []);
  return { apiVersion: 'v1', kind: 'Config', clusters: pick('clusters'), users: pick('users'), contexts: pick('contexts'), preferences: {} };
}

// ---------------------------------------------------------------------------------------------------
// Forge simulator for the pull-request tests (issue 6): one server speaking every forge's REST API and
// Git smart HTTP (test/sim/forge/server.ts), plus a small control endpoint the extension host calls to
// create repositories and read the pull requests the forge recorded (the forge runs in this process).

/** What the in-host pull-request tests need: the forge's URL, a valid token, and the control endpoint. */
export interface ForgeSimAccess {
  /** Forge base URL: API roots and clone URLs are below it. */
  readonly url: string;
  readonly token: string;
  readonly user: string;
  /**
   * POST /repos {fullName, files?: {path: content}} → {cloneUrls: {kind: url}}; GET /pulls?repo=fullName → records;
   * POST /pulls/state {repo, number, state: open|closed|merged} → the record; GET /requests.
   * Audit (issue 17): POST /users {name}; POST /pulls/review {repo, number, user, state, at?} → the review;
   * POST /pulls/merge {repo, number, by, method?, at?} → the record (a real merge in the bare repository);
   * POST /protect {repo, pattern, rule?}.
   */
  readonly control: string;
}

export interface StartedForgeSim {
  readonly access: ForgeSimAccess;
  stop(): Promise<void>;
}

export const FORGE_SIM_TOKEN = 'gl-sim-token-4f1c9a';
const FORGE_SIM_USER = 'octo-dev';

export async function startForgeSim(): Promise<StartedForgeSim> {
  const { startForge } = await import('../sim/forge/server');
  const { FORGE_KINDS } = await import('../../src/core/forge/types');
  const forge = await startForge({ tokens: { [FORGE_SIM_TOKEN]: FORGE_SIM_USER } });
  const control = http.createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', 'http://control');
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => {
      void (async () => {
        try {
          if (req.method === 'POST' && url.pathname === '/repos') {
            const body = JSON.parse(data || '{}') as { fullName: string; files?: Record<string, string> };
            let from: string | undefined;
            if (body.files) {
              from = fs.mkdtempSync(path.join(os.tmpdir(), 'forge-seed-'));
              for (const [rel, content] of Object.entries(body.files)) {
                fs.mkdirSync(path.dirname(path.join(from, rel)), { recursive: true });
                fs.writeFileSync(path.join(from, rel), content);
              }
            }
            try {
              const repo = await forge.createRepo(body.fullName, from ? { from } : {});
              reply(200, { cloneUrls: Object.fromEntries(FORGE_KINDS.map((k) => [k, repo.cloneUrl(k)])) });
            } finally {
              if (from) fs.rmSync(from, { recursive: true, force: true });
            }
          } else if (req.method === 'GET' && url.pathname === '/pulls') {
            reply(200, forge.pullRequests(url.searchParams.get('repo') ?? ''));
          } else if (req.method === 'POST' && url.pathname === '/pulls/state') {
            const body = JSON.parse(data || '{}') as { repo: string; number: number; state: 'open' | 'closed' | 'merged' };
            reply(200, forge.setPullRequestState(body.repo, body.number, body.state));
          } else if (req.method === 'POST' && url.pathname === '/users') {
            // Audit (issue 17): reviewers and mergers who hold no token.
            const body = JSON.parse(data || '{}') as { name: string };
            forge.addUser(body.name);
            reply(200, {});
          } else if (req.method === 'POST' && url.pathname === '/pulls/review') {
            const body = JSON.parse(data || '{}') as { repo: string; number: number; user: string; state: 'approved' | 'changesRequested' | 'commented'; at?: string };
            reply(200, forge.reviewPullRequest(body.repo, body.number, { user: body.user, state: body.state, ...(body.at ? { at: body.at } : {}) }));
          } else if (req.method === 'POST' && url.pathname === '/pulls/merge') {
            const body = JSON.parse(data || '{}') as { repo: string; number: number; by: string; method?: 'merge' | 'squash'; at?: string };
            reply(200, await forge.mergePullRequest(body.repo, body.number, { by: body.by, ...(body.method ? { method: body.method } : {}), ...(body.at ? { at: body.at } : {}) }));
          } else if (req.method === 'POST' && url.pathname === '/protect') {
            const body = JSON.parse(data || '{}') as { repo: string; pattern: string; rule?: { requirePullRequest?: boolean; requiredApprovals?: number; allowForcePush?: boolean } };
            forge.protectBranch(body.repo, body.pattern, body.rule);
            reply(200, {});
          } else if (req.method === 'GET' && url.pathname === '/requests') {
            reply(200, forge.requests);
          } else {
            reply(404, { message: 'not found' });
          }
        } catch (e) {
          reply(500, { message: e instanceof Error ? e.message : String(e) });
        }
      })();
    });
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  const port = (control.address() as AddressInfo).port;
  return {
    access: { url: forge.url, token: FORGE_SIM_TOKEN, user: FORGE_SIM_USER, control: `http://127.0.0.1:${port}` },
    stop: async () => {
      await new Promise<void>((resolve) => control.close(() => resolve()));
      await forge.stop();
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// An Argo CD reached only through its API (issue 16): the Argo CD API stand-in (test/sim/argocd) with
// the `guestbook` app, its resource tree and managed resources, and an `argocd` CLI config file for it
// (context ARGOCD_API_CONTEXT, the admin token, the server's CA) that no kubeconfig mentions.

const ARGOCD_API_CONTEXT = 'sim-api';

/** What the in-host Argo CD API tests need: the CLI config file to point the setting at. */
export interface ArgoCdApiSimAccess {
  readonly configFile: string;
  readonly context: string;
  readonly url: string;
}

export interface StartedArgoCdApiSim {
  readonly access: ArgoCdApiSimAccess;
  stop(): Promise<void>;
}

export async function startArgoCdApiSim(dir: string): Promise<StartedArgoCdApiSim> {
  const { startArgoCdSim } = await import('../sim/argocd/argocd');
  const { GUESTBOOK_APP, GUESTBOOK_EVENTS, GUESTBOOK_LAST_OPERATION, GUESTBOOK_MANAGED_RESOURCES, GUESTBOOK_TREE } = await import('../fixtures/gitops/argocdApi');
  const status = { ...(GUESTBOOK_APP.status as Record<string, unknown>), operationState: GUESTBOOK_LAST_OPERATION };
  const sim = await startArgoCdSim({ apps: [{ ...GUESTBOOK_APP, status }] });
  for (const e of GUESTBOOK_EVENTS) sim.server.addEvent('argocd', 'guestbook', e);
  sim.server.setTree('argocd', 'guestbook', GUESTBOOK_TREE);
  sim.server.setManagedResources('argocd', 'guestbook', GUESTBOOK_MANAGED_RESOURCES);
  const configFile = path.join(dir, 'argocd-config');
  // The argocd CLI (and GitOps Lens) refuse a config others can read.
  fs.writeFileSync(configFile, sim.cliConfig(ARGOCD_API_CONTEXT, { withCa: true }), { mode: 0o600 });
  return { access: { configFile, context: ARGOCD_API_CONTEXT, url: sim.url }, stop: () => sim.stop() };
}
