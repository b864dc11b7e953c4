// Shared helpers for the forge simulator's tests: a hermetic git environment and "push a change on a
// new branch through the forge's clone URL", which is what the product does before opening a PR.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { git, hermeticGitEnv } from '../git/httpBackend';

export class GitWorkspace {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  private n = 0;

  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-forge-ws-'));
    fs.mkdirSync(path.join(this.dir, 'home'));
    this.env = hermeticGitEnv(path.join(this.dir, 'home'));
  }

  /** Put credentials into an http URL the way users do for HTTPS remotes. */
  static withCredentials(url: string, user: string, password: string): string {
    const u = new URL(url);
    u.username = user;
    u.password = password;
    return u.toString();
  }

  /** Clone `cloneUrl`, commit one file on `branch`, push it with `user:password`. Returns the commit id. */
  async pushBranch(cloneUrl: string, branch: string, creds: { user: string; password: string }): Promise<string> {
    const work = path.join(this.dir, `w${++this.n}`);
    await git(['clone', '--quiet', GitWorkspace.withCredentials(cloneUrl, creds.user, creds.password), work], { env: this.env });
    await git(['checkout', '--quiet', '-b', branch], { cwd: work, env: this.env });
    fs.writeFileSync(path.join(work, `${branch.replace(/\W/g, '_')}.yaml`), `replicas: ${this.n}\n`);
    await git(['add', '-A'], { cwd: work, env: this.env });
    await git(['commit', '--quiet', '-m', `Change on ${branch}`], { cwd: work, env: this.env });
    await git(['push', '--quiet', 'origin', branch], { cwd: work, env: this.env });
    return (await git(['rev-parse', 'HEAD'], { cwd: work, env: this.env })).trim();
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function call(url: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<{ status: number; json: unknown; headers: Headers }> {
  const r = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { accept: 'application/json', ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await r.text();
  let json: unknown = text;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON; keep the text
  }
  return { status: r.status, json, headers: r.headers };
}

export const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
