/**
 * Issue 6: time from request to PR URL on local servers — the GitHub forge simulator (REST, validated
 * against GitHub's OpenAPI description) and real `git http-backend` — through openPullRequest:
 * default branch, protection and open-PR lookups, the object-only commit and push, then the PR.
 * A second case updates the open PR (new commit + body). `npx tsx bench/run.ts pr.` runs only these.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gitHttpAuthHeader } from '../src/core/forge/types';
import type { ForgeClient } from '../src/core/forge/types';
import { openPullRequest } from '../src/core/pr/openPullRequest';
import { createForgeClient } from '../src/infra/forge/createForgeClient';
import { NodeGitPublisher } from '../src/infra/git/publish';
import { startForge } from '../test/sim/forge/server';
import type { ForgeServer } from '../test/sim/forge/server';
import { git, hermeticGitEnv } from '../test/sim/git/httpBackend';
import type { BenchCase } from './harness';

// Made per run: the simulator accepts whatever it is given, and no token-like literal sits in the repository.
const TOKEN = `bench-${randomBytes(12).toString('hex')}`;
const FILE = 'apps/guestbook/deployment.yaml';
const deployment = (replicas: number) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: guestbook\nspec:\n  replicas: ${replicas}\n`;

interface Env {
  tmp: string;
  forge: ForgeServer;
  user: string;
  client: ForgeClient;
  publisher: NodeGitPublisher;
}

let env: Env | undefined;
let n = 0;

async function setup(): Promise<Env> {
  if (env) return env;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pr-'));
  fs.mkdirSync(path.join(tmp, 'home'));
  const gitEnv = hermeticGitEnv(path.join(tmp, 'home'));
  const forge = await startForge({ tokens: { [TOKEN]: 'alice' } });
  const fixture = path.join(tmp, 'fixture');
  fs.mkdirSync(path.join(fixture, 'apps/guestbook'), { recursive: true });
  fs.writeFileSync(path.join(fixture, FILE), deployment(3));
  const sim = await forge.createRepo('acme/gitops', { from: fixture });
  const user = path.join(tmp, 'user');
  await git(['clone', '--quiet', sim.cloneUrl('github'), user], { env: gitEnv });
  await git(['config', 'user.name', 'Bench'], { cwd: user, env: gitEnv });
  await git(['config', 'user.email', 'bench@example.invalid'], { cwd: user, env: gitEnv });
  const client = createForgeClient(
    { kind: 'github', host: new URL(forge.url).host, apiBaseUrl: sim.apiBase('github'), webUrl: `${forge.url}/acme/gitops`, owner: 'acme', repo: 'gitops', cloneUrl: sim.cloneUrl('github') },
    { token: TOKEN },
  );
  env = { tmp, forge, user, client, publisher: new NodeGitPublisher({ env: gitEnv }) };
  return env;
}

async function open(branch: string, replicas: number): Promise<string> {
  const e = await setup();
  const r = await openPullRequest(
    { git: e.publisher, forge: e.client },
    {
      repoRoot: e.user,
      plan: { branch, title: `guestbook: replicas → ${replicas}`, body: `replicas ${replicas}`, commitMessage: `replicas ${replicas}` },
      change: { edits: [{ path: FILE, content: deployment(replicas) }] },
      auth: { kind: 'header', header: gitHttpAuthHeader('github', { token: TOKEN }) },
    },
  );
  return r.pullRequest.url;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export const cases: BenchCase[] = [
  { name: 'pr.open: request → PR URL (GitHub sim + git http-backend)', unit: 'ms', runs: 10, warmup: 2, better: 'lower', measure: () => timed(() => open(`gitops/bench-${++n}`, 4 + n)) },
  { name: 'pr.update: existing PR → new commit + body', unit: 'ms', runs: 10, warmup: 2, better: 'lower', measure: () => timed(() => open('gitops/bench-update', 100 + ++n)) },
];

export async function teardown(): Promise<void> {
  if (!env) return;
  await env.forge.stop();
  fs.rmSync(env.tmp, { recursive: true, force: true });
  env = undefined;
}
