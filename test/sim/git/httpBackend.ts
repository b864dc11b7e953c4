// Real Git over smart HTTP for the simulators: every request runs Debian's `git http-backend` as a
// CGI program, exactly the way Apache or nginx+fcgiwrap host it (git-http-backend(1)). Only the
// authentication in front of it is ours, shaped after what forges accept for HTTPS pushes.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';

const GIT_HTTP_BACKEND = '/usr/lib/git-core/git-http-backend';

/** Environment for every git child process we start: no system/global config leaks in. */
export function hermeticGitEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // Drop GIT_* from the parent (an editor's GIT_ASKPASS or a hook's GIT_DIR would change behaviour).
    if (!k.startsWith('GIT_') && k !== 'SSH_ASKPASS') env[k] = v;
  }
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    // A 401 must fail the command, not wait for a password on a terminal.
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'Sim Author',
    GIT_AUTHOR_EMAIL: 'author@example.invalid',
    GIT_COMMITTER_NAME: 'Sim Committer',
    GIT_COMMITTER_EMAIL: 'committer@example.invalid',
    ...extra,
  };
}

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run git; resolves with the exit code instead of throwing so tests can assert failures. */
export function runGit(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: opts.cwd,
      env: opts.env ?? hermeticGitEnv(os.tmpdir()),
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    if (opts.input !== undefined && child.stdin) {
      child.stdin.on('error', () => undefined); // git may exit before reading all input
      child.stdin.end(opts.input);
    }
  });
}

/** Like runGit but throws with git's stderr on a non-zero exit. */
export async function git(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const r = await runGit(args, opts);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

/**
 * Create `root/<name>.git` (name may contain slashes for nested groups) as a bare repository whose HEAD
 * points at the default branch. `http.receivepack` is switched on because http-backend refuses pushes
 * without it unless REMOTE_USER is set (git-http-backend(1) "SERVICES"); we set both.
 */
export async function createBareRepo(root: string, name: string, opts: { defaultBranch?: string } = {}): Promise<string> {
  const bareDir = path.join(root, `${name}.git`);
  fs.mkdirSync(path.dirname(bareDir), { recursive: true });
  const env = hermeticGitEnv(root);
  await git(['init', '--quiet', '--bare', `--initial-branch=${opts.defaultBranch ?? 'main'}`, bareDir], { env });
  await git(['config', 'http.receivepack', 'true'], { cwd: bareDir, env });
  return bareDir;
}

/**
 * Push `fromWorkTree`'s HEAD to `refs/heads/<branch>` of the bare repository (branch defaults to the bare
 * repo's HEAD). A plain directory without `.git` is committed first into a throwaway repository, so
 * fixture folders can seed repos directly.
 */
export async function seedRepo(bareDir: string, fromWorkTree: string, opts: { branch?: string; message?: string } = {}): Promise<string> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-git-seed-'));
  try {
    const env = hermeticGitEnv(home);
    const branch = opts.branch ?? (await git(['symbolic-ref', '--short', 'HEAD'], { cwd: bareDir, env })).trim();
    let gitDirArgs: string[];
    if (fs.existsSync(path.join(fromWorkTree, '.git'))) {
      gitDirArgs = ['-C', fromWorkTree];
    } else {
      const gitDir = path.join(home, 'seed.git');
      gitDirArgs = [`--git-dir=${gitDir}`, `--work-tree=${fromWorkTree}`];
      await git(['init', '--quiet', '--bare', gitDir], { env });
      await git([...gitDirArgs, 'add', '-A'], { env });
      await git([...gitDirArgs, 'commit', '--quiet', '--allow-empty', '-m', opts.message ?? 'Seed repository'], { env });
    }
    await git([...gitDirArgs, 'push', '--quiet', bareDir, `HEAD:refs/heads/${branch}`], { env });
    return (await git(['rev-parse', `refs/heads/${branch}`], { cwd: bareDir, env })).trim();
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** Commit id of `refs/heads/<branch>` in a bare repository, or undefined when the branch does not exist. */
export async function branchSha(bareDir: string, branch: string): Promise<string | undefined> {
  const r = await runGit(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], { cwd: bareDir, env: hermeticGitEnv(os.tmpdir()) });
  return r.code === 0 ? r.stdout.trim() : undefined;
}

export async function defaultBranchOf(bareDir: string): Promise<string> {
  return (await git(['symbolic-ref', '--short', 'HEAD'], { cwd: bareDir, env: hermeticGitEnv(os.tmpdir()) })).trim();
}

/** Decode HTTP Basic credentials (RFC 7617). */
export function parseBasicAuth(header: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { user: decoded, password: '' };
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * The token in Basic credentials, the way forges read them: the password normally carries it
 * (GitHub `x-access-token:TOKEN`, GitLab `oauth2:TOKEN`, Bitbucket/Azure `user:TOKEN`), but GitHub also
 * accepts the token as the username with an empty or `x-oauth-basic` password.
 */
export function tokenFromBasic(creds: { user: string; password: string }, isToken: (t: string) => boolean): string | undefined {
  if (creds.password && isToken(creds.password)) return creds.password;
  if (creds.user && isToken(creds.user) && (creds.password === '' || creds.password === 'x-oauth-basic')) return creds.user;
  return undefined;
}

function isReceivePackRequest(pathInfo: string, query: string): boolean {
  if (pathInfo.endsWith('/git-receive-pack')) return true;
  return pathInfo.endsWith('/info/refs') && new URLSearchParams(query).get('service') === 'git-receive-pack';
}

export interface GitHandlerOptions {
  /** GIT_PROJECT_ROOT: the directory holding `<name>.git` bare repositories. */
  projectRoot: string;
  /** token → user name; looked up on every request so tokens added later work. */
  userForToken: (token: string) => string | undefined;
  /** Whether the repository behind a path (relative to projectRoot, e.g. `acme/app.git`) needs auth to read. */
  isPrivate?: (repoPath: string) => boolean;
  realm?: string;
}

/**
 * Serve one smart-HTTP request. `pathInfo` is the path below the project root, e.g.
 * `/acme/app.git/info/refs`. Pushes (both the receive-pack advertisement and the POST) need a valid
 * token; reads are anonymous unless the repository is private.
 */
export async function serveGit(req: http.IncomingMessage, res: http.ServerResponse, pathInfo: string, query: string, opts: GitHandlerOptions): Promise<void> {
  const repoMatch = /^\/(.+?\.git)(?:\/|$)/.exec(pathInfo);
  const repoPath = repoMatch?.[1];
  if (!repoPath || repoPath.split('/').includes('..') || !fs.existsSync(path.join(opts.projectRoot, repoPath))) {
    req.resume();
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Repository not found\n');
    return;
  }
  const push = isReceivePackRequest(pathInfo, query);
  const creds = parseBasicAuth(req.headers.authorization);
  const token = creds ? tokenFromBasic(creds, (t) => opts.userForToken(t) !== undefined) : undefined;
  const user = token !== undefined ? opts.userForToken(token) : undefined;
  if ((push || opts.isPrivate?.(repoPath)) && user === undefined) {
    req.resume();
    // git retries with credentials only after a 401 carrying a Basic challenge (RFC 7235 §4.1).
    res.writeHead(401, { 'www-authenticate': `Basic realm="${opts.realm ?? 'Git'}"`, 'content-type': 'text/plain' });
    res.end(creds ? 'Invalid username or token\n' : 'Authentication required\n');
    return;
  }
  await runCgi(req, res, {
    GIT_PROJECT_ROOT: opts.projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: pathInfo,
    QUERY_STRING: query,
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_USER: user ?? '',
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    // git sends large pack requests gzip-compressed; http-backend inflates them itself when told.
    HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
    GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
    ...(req.headers['content-length'] ? { CONTENT_LENGTH: String(req.headers['content-length']) } : {}),
  });
}

function runCgi(req: http.IncomingMessage, res: http.ServerResponse, cgiEnv: Record<string, string>): Promise<void> {
  return new Promise((resolve) => {
    const env = { ...hermeticGitEnv(os.tmpdir()), ...cgiEnv };
    const child = spawn(GIT_HTTP_BACKEND, [], { env });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    req.pipe(child.stdin);
    child.stdin.on('error', () => undefined); // backend may exit before reading everything (e.g. 403)
    let head = Buffer.alloc(0);
    let headersDone = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      // CGI (RFC 3875 §6) ends the header block with an empty line; http-backend uses CRLF.
      const crlf = head.indexOf('\r\n\r\n');
      const lf = head.indexOf('\n\n');
      const end = crlf >= 0 && (lf < 0 || crlf < lf) ? { at: crlf, len: 4 } : lf >= 0 ? { at: lf, len: 2 } : undefined;
      if (!end) return;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end.at).toString('latin1').split(/\r?\n/)) {
        const colon = line.indexOf(':');
        if (colon < 0) continue;
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = parseInt(value, 10) || 200;
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(end.at + end.len));
    });
    child.on('close', (code) => {
      if (!headersDone) {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`git http-backend exited with ${code}: ${stderr}`);
      } else {
        res.end();
      }
      resolve();
    });
    child.on('error', (err) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
      resolve();
    });
  });
}

export interface GitServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** A Git-only server: `http://127.0.0.1:PORT/<name>.git` for every bare repo below `root`. */
export async function startGitServer(opts: GitHandlerOptions & { port?: number }): Promise<GitServer> {
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://localhost');
    serveGit(req, res, decodeURIComponent(u.pathname), u.search.replace(/^\?/, ''), opts).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
