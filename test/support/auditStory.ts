/**
 * The audit story the in-host and e2e tests of issue 17 share, made of real things: a repository on the
 * forge simulator (Gitea face) where alice pushes straight to main, bob writes a change that dave
 * commits (a rebase), erin approves its pull request and frank merges it with the forge's merge button;
 * an Argo CD Application on `sim-argo` that deployed both commits and a Flux Kustomization (with its
 * GitRepository) on `sim-flux` still on alice's. Everything goes through the simulators' own HTTP APIs
 * (the forge's REST API and control endpoint, the clusters' Kubernetes API), as users and controllers
 * would write it; nothing here interprets what the product reads.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ForgeSimAccess, SimAccess } from '../integration/simClusters';

interface Identity {
  readonly name: string;
  readonly at: string;
}

/** git with no user or system configuration, and the given author and committer for commit-making commands. */
export function storyGit(cwd: string, args: string[], who?: { author: Identity; committer?: Identity }): Promise<string> {
  const c = who?.committer ?? who?.author;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    ...(who && c
      ? {
          GIT_AUTHOR_NAME: who.author.name,
          GIT_AUTHOR_EMAIL: `${who.author.name}@example.invalid`,
          GIT_AUTHOR_DATE: who.author.at,
          GIT_COMMITTER_NAME: c.name,
          GIT_COMMITTER_EMAIL: `${c.name}@example.invalid`,
          GIT_COMMITTER_DATE: c.at,
        }
      : {}),
  };
  return new Promise((resolve, reject) =>
    execFile('git', ['-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], { cwd, env }, (err, stdout, stderr) => (err ? reject(new Error(`git ${args.join(' ')}: ${stderr}`)) : resolve(stdout))),
  );
}

const storyManifest = (replicas: number): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: web
spec:
  replicas: ${replicas}
  template:
    spec:
      containers:
        - name: web
          image: registry.example.test/web:1.0.0
`;

export interface AuditStory {
  readonly fullName: string;
  /** The Gitea clone URL (no credentials): the apps' repoURL and the workspace clone's origin. */
  readonly url: string;
  readonly direct: string;
  readonly change: string;
  readonly merge: string;
  /** Name of the Argo CD Application (sim-argo, namespace argocd) and of the Flux Kustomization (sim-flux, namespace apps). */
  readonly app: string;
  /** Name of the Flux GitRepository (sim-flux, namespace apps). */
  readonly source: string;
  /** Deletes the cluster objects. */
  removeObjects(): Promise<void>;
}

const ARGO_APPS = '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications';
const KUSTOMIZATIONS = '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/apps/kustomizations';
const GIT_REPOSITORIES = '/apis/source.toolkit.fluxcd.io/v1/namespaces/apps/gitrepositories';

async function control(forge: ForgeSimAccess, route: string, body: unknown): Promise<unknown> {
  const r = await fetch(`${forge.control}${route}`, { method: 'POST', body: JSON.stringify(body) });
  assert.equal(r.status, 200, `${route}: ${await r.clone().text()}`);
  return r.json();
}

/** An object created with the admin token, as `kubectl create` would; the status through its subresource where the kind has one. */
async function create(cluster: { url: string; token: string }, apiPath: string, obj: Record<string, unknown>): Promise<void> {
  const r = await fetch(`${cluster.url}${apiPath}`, { method: 'POST', headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/json' }, body: JSON.stringify(obj) });
  assert.ok(r.ok, `POST ${apiPath}: ${r.status} ${await r.text()}`);
  const name = (obj.metadata as { name: string }).name;
  const st = await fetch(`${cluster.url}${apiPath}/${name}/status`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${cluster.token}`, 'content-type': 'application/merge-patch+json' },
    body: JSON.stringify({ status: obj.status }),
  });
  assert.ok(st.ok || st.status === 404, `PATCH ${apiPath}/${name}/status: ${st.status}`);
}

async function remove(cluster: { url: string; token: string }, apiPath: string): Promise<void> {
  await fetch(`${cluster.url}${apiPath}`, { method: 'DELETE', headers: { authorization: `Bearer ${cluster.token}` } }).catch(() => undefined);
}

/** Builds the story under `tmp` (a working clone is left there); `suffix` keeps names apart between runs. */
export async function buildAuditStory(forge: ForgeSimAccess, sims: SimAccess, tmp: string, suffix: string): Promise<AuditStory> {
  const fullName = `acme/audit-${suffix}`;
  const { cloneUrls } = (await control(forge, '/repos', { fullName, files: { 'README.md': '# fleet\n' } })) as { cloneUrls: Record<string, string> };
  const url = cloneUrls.gitea!;
  for (const name of ['erin', 'frank']) await control(forge, '/users', { name });

  // A working clone whose push URL carries the credentials; the workspace clones the plain URL.
  const work = path.join(tmp, `work-${suffix}`);
  const authed = new URL(url);
  authed.username = forge.user;
  authed.password = forge.token;
  await storyGit(tmp, ['clone', '--quiet', authed.toString(), work]);
  fs.mkdirSync(path.join(work, 'apps', 'web'), { recursive: true });
  fs.writeFileSync(path.join(work, 'apps', 'web', 'deployment.yaml'), storyManifest(2));
  await storyGit(work, ['add', '-A']);
  await storyGit(work, ['commit', '--quiet', '-m', 'web: first deployment'], { author: { name: 'alice', at: '2026-03-01T09:00:00Z' } });
  const direct = (await storyGit(work, ['rev-parse', 'HEAD'])).trim();
  await storyGit(work, ['push', '--quiet', 'origin', 'main']);
  await storyGit(work, ['checkout', '--quiet', '-b', 'web/scale']);
  fs.writeFileSync(path.join(work, 'apps', 'web', 'deployment.yaml'), storyManifest(3));
  await storyGit(work, ['commit', '--quiet', '-am', 'web: 3 replicas'], { author: { name: 'bob', at: '2026-03-02T08:00:00Z' }, committer: { name: 'dave', at: '2026-03-02T09:00:00Z' } });
  const change = (await storyGit(work, ['rev-parse', 'HEAD'])).trim();
  await storyGit(work, ['push', '--quiet', 'origin', 'web/scale']);
  const created = await fetch(`${forge.url}/api/v1/repos/${fullName}/pulls`, {
    method: 'POST',
    headers: { authorization: `token ${forge.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ head: 'web/scale', base: 'main', title: 'web: 3 replicas', body: 'scale out' }),
  });
  assert.equal(created.status, 201, await created.clone().text());
  const number = ((await created.json()) as { number: number }).number;
  await control(forge, '/pulls/review', { repo: fullName, number, user: 'erin', state: 'approved', at: '2026-03-02T10:00:00Z' });
  const merge = ((await control(forge, '/pulls/merge', { repo: fullName, number, by: 'frank', method: 'merge', at: '2026-03-02T10:30:00Z' })) as { mergeCommitSha: string }).mergeCommitSha;
  assert.match(merge, /^[0-9a-f]{40}$/);

  const app = `audit-web-${suffix}`;
  const source = `audit-${suffix}`;
  const src = { repoURL: url, path: 'apps/web', targetRevision: 'main' };
  await create(sims.argo, ARGO_APPS, {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: app, namespace: 'argocd' },
    spec: { project: 'default', source: src, destination: { server: 'https://kubernetes.default.svc', namespace: 'web' } },
    status: {
      sync: { status: 'Synced', revision: merge },
      health: { status: 'Healthy' },
      history: [
        { id: 1, revision: direct, deployedAt: '2026-03-01T09:05:00Z', source: src, initiatedBy: { username: 'alice' } },
        { id: 2, revision: merge, deployedAt: '2026-03-02T10:32:00Z', source: src, initiatedBy: { automated: true } },
      ],
    },
  });
  const applied = `main@sha1:${direct}`;
  await create(sims.flux, GIT_REPOSITORIES, {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name: source, namespace: 'apps' },
    spec: { interval: '1m', url, ref: { branch: 'main' } },
    status: {
      conditions: [{ type: 'Ready', status: 'True', reason: 'Succeeded', message: `stored artifact for revision '${applied}'`, lastTransitionTime: '2026-03-01T09:06:00Z' }],
      artifact: { revision: applied, path: 'x', url: 'http://source-controller/x', digest: 'sha256:00', lastUpdateTime: '2026-03-01T09:06:00Z' },
    },
  });
  await create(sims.flux, KUSTOMIZATIONS, {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: app, namespace: 'apps' },
    spec: { interval: '5m', path: './apps/web', prune: true, sourceRef: { kind: 'GitRepository', name: source } },
    status: {
      conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: `Applied revision: ${applied}`, lastTransitionTime: '2026-03-01T09:07:00Z' }],
      lastAppliedRevision: applied,
      lastAttemptedRevision: applied,
      history: [{ digest: 'sha256:1f2e', firstReconciled: '2026-03-01T09:07:00Z', lastReconciled: '2026-03-03T09:07:00Z', lastReconciledDuration: '1s', lastReconciledStatus: 'ReconciliationSucceeded', totalReconciliations: 12, metadata: { revision: applied } }],
    },
  });
  return {
    fullName,
    url,
    direct,
    change,
    merge,
    app,
    source,
    removeObjects: async () => {
      await remove(sims.argo, `${ARGO_APPS}/${app}`);
      await remove(sims.flux, `${KUSTOMIZATIONS}/${app}`);
      await remove(sims.flux, `${GIT_REPOSITORIES}/${source}`);
    },
  };
}
