// One HTTP server standing in for GitHub (REST v3, also as Enterprise under /api/v3), GitLab v4,
// Bitbucket Cloud 2.0, Bitbucket Server/Data Center 1.0, Azure DevOps 7.1 and Gitea v1 — only what
// opening pull requests needs — plus real Git over smart HTTP (../git/httpBackend.ts).
//
// Repository `fullName` → each forge's names (one shared store, see store.ts):
//   GitHub, GitHub Enterprise, Gitea, Bitbucket Cloud   owner/name  →  {owner|workspace}/{repo|slug}
//   GitLab                                              any depth   →  namespace path (nested groups OK)
//   Bitbucket Server                                    owner/name  →  project KEY = OWNER upper-cased, slug = name
//   Azure DevOps                                        owner/name  →  org = project = owner, repo = name
//                                                       org/proj/name → org, project, repo
// Clone URLs: /{fullName}.git (GitHub, GHE, GitLab, Gitea, Bitbucket Cloud), /scm/{KEY}/{slug}.git
// (Bitbucket Server), /{org}/{project}/_git/{repo} (Azure DevOps).
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { branchSha, createBareRepo, hermeticGitEnv, parseBasicAuth, runGit, seedRepo, serveGit, tokenFromBasic } from '../git/httpBackend';
import { githubSpecFile, githubValidator } from './githubOpenApi';
import type { GithubFlavor, GithubViolation } from './githubOpenApi';
import { branchProtection, branchRules, fullRepository, githubLabel, privateUser, pullRequest, pullRequestReview, pullRequestSimple, userId } from './githubPayloads';
import type { GithubUrls } from './githubPayloads';
import { ForgeStore } from './store';
import type { CreatePrOutcome, ForgeKind, MergeMethod, ProtectionRule, PullRequestRecord, RepoRecord, ReviewRecord } from './store';

export type { ForgeKind, MergeMethod } from './store';

export interface ForgeRepo {
  fullName: string;
  bareDir: string;
  cloneUrl(forge: ForgeKind): string;
  apiBase(forge: ForgeKind): string;
}

interface ForgeRequestRecord {
  method: string;
  path: string;
  status: number;
  forge: ForgeKind | 'git';
}

export interface ForgeServer {
  readonly url: string;
  readonly root: string;
  /** `admins`: users with admin rights besides the owner (the first segment), for admin-only endpoints. */
  createRepo(fullName: string, opts?: { defaultBranch?: string; from?: string; private?: boolean; admins?: string[]; labels?: string[] }): Promise<ForgeRepo>;
  addToken(token: string, user: string): void;
  /** A user who exists on the forge without a token (a reviewer). */
  addUser(name: string): void;
  pullRequests(fullName: string): PullRequestRecord[];
  /** Closes or merges (or reopens) a PR as a reviewer would on the forge's web page; every forge face then reports the new state. */
  setPullRequestState(fullName: string, number: number, state: PullRequestRecord['state']): PullRequestRecord;
  /**
   * Protect a branch (name or `*` glob) on every forge face: push restrictions, branch policies, rules.
   * `rule` adds what the protection enforces (pull request required, approvals, force pushes).
   */
  protectBranch(fullName: string, pattern: string, rule?: ProtectionRule): void;
  /**
   * Merges an open PR as a user would with the forge's merge button: a merge commit (first parent the
   * base) or a squashed commit in the bare repository, with the message, author and committer that
   * forge writes (the face that opened the PR, or `forge`), and records who merged it and when.
   */
  mergePullRequest(fullName: string, number: number, opts: { by: string; method?: MergeMethod; at?: string; forge?: ForgeKind }): Promise<PullRequestRecord>;
  /** A review submitted on the forge's web page: approve, request changes or comment. */
  reviewPullRequest(fullName: string, number: number, review: { user: string; state: ReviewRecord['state']; at?: string }): ReviewRecord;
  readonly requests: ForgeRequestRecord[];
  /** Every GitHub request/response body that did not match GitHub's OpenAPI description. */
  readonly githubViolations: GithubViolation[];
  stop(): Promise<void>;
}

export interface ForgeServerOptions {
  port?: number;
  /** Where bare repositories live; a fresh temp dir (removed on stop) when omitted. */
  root?: string;
  /** token → user name */
  tokens?: Record<string, string>;
  /** Validate GitHub traffic against @octokit/openapi (default true). */
  validateGithub?: boolean;
  /** Fault injection for tests: rewrite a GitHub response body before it is validated and sent. */
  rewriteGithubResponse?: (info: { method: string; path: string; status: number }, body: unknown) => unknown;
}

interface Ctx {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  method: string;
  /** Raw path segments, each percent-decoded (so GitLab's `acme%2Fapp` stays one segment). */
  segs: string[];
  query: URLSearchParams;
  forge: ForgeKind | 'git';
  /** undefined: no credentials; null: credentials that match no token; string: the user. */
  user: string | null | undefined;
}

const GH_DOCS = 'https://docs.github.com/rest';

/** The GHES release whose description validates /api/v3 (ghes-3.N.json → "3.N.0"). */
function ghesVersion(): string {
  return `${/ghes-(3\.\d+)\.json$/.exec(githubSpecFile('ghes'))?.[1] ?? '3.0'}.0`;
}

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** The token from whichever Authorization form the forge accepts. */
function tokenOf(req: http.IncomingMessage, isToken: (t: string) => boolean, forge: ForgeKind): { present: boolean; token?: string } {
  const h = req.headers.authorization;
  // GitLab reads personal access tokens from PRIVATE-TOKEN (docs: api/rest/authentication).
  if (forge === 'gitlab' && typeof req.headers['private-token'] === 'string') {
    const t = req.headers['private-token'];
    return { present: true, token: isToken(t) ? t : undefined };
  }
  if (!h) return { present: false };
  const m = /^(Bearer|token)\s+(\S+)$/i.exec(h);
  if (m?.[2]) return { present: true, token: isToken(m[2]) ? m[2] : undefined };
  const creds = parseBasicAuth(h);
  if (creds) return { present: true, token: tokenFromBasic(creds, isToken) };
  return { present: true };
}

const email = (user: string) => `${user}@example.invalid`;

/**
 * The commit a forge's merge button makes: message, author and committer.
 * - GitHub: merge `Merge pull request #N from owner/head` + blank line + title; squash `title (#N)`;
 *   the web UI commits as `GitHub <noreply@github.com>` with the merger (merge) or PR author (squash) as author.
 * - GitLab: `Merge branch 'head' into 'base'` + title + `See merge request group/project!N`; a squash
 *   commit carries the title only (the merge request reference is in the merge commit GitLab adds).
 * - Bitbucket Cloud: `Merged in head (pull request #N)` + title (both methods).
 * - Bitbucket Server: `Merge pull request #N in KEY/slug from head to base`; squash `Pull request #N: title`.
 * - Azure DevOps: `Merged PR N: title` (both methods).
 * - Gitea: `Merge pull request 'title' (#N) from head into base`; squash `title (#N)`.
 * Outside GitHub the merger is author and committer.
 */
function mergeStyle(forge: ForgeKind, r: RepoRecord, pr: PullRequestRecord, method: MergeMethod, by: string): { message: string; author: { name: string; email: string }; committer: { name: string; email: string } } {
  const merger = { name: by, email: email(by) };
  const prAuthor = { name: pr.author, email: email(pr.author) };
  const squash = method === 'squash';
  switch (forge) {
    case 'github':
    case 'github-enterprise':
      return {
        message: squash ? `${pr.title} (#${pr.number})\n` : `Merge pull request #${pr.number} from ${r.segments[0] ?? ''}/${pr.head}\n\n${pr.title}\n`,
        author: squash ? prAuthor : merger,
        committer: { name: 'GitHub', email: 'noreply@github.com' },
      };
    case 'gitlab':
      return { message: squash ? `${pr.title}\n` : `Merge branch '${pr.head}' into '${pr.base}'\n\n${pr.title}\n\nSee merge request ${r.fullName}!${pr.number}\n`, author: squash ? prAuthor : merger, committer: merger };
    case 'bitbucket-cloud':
      return { message: `Merged in ${pr.head} (pull request #${pr.number})\n\n${pr.title}\n`, author: merger, committer: merger };
    case 'bitbucket-server':
      return {
        message: squash ? `Pull request #${pr.number}: ${pr.title}\n` : `Merge pull request #${pr.number} in ${(r.segments[0] ?? '').toUpperCase()}/${r.segments[1] ?? ''} from ${pr.head} to ${pr.base}\n`,
        author: merger,
        committer: merger,
      };
    case 'azure-devops':
      return { message: `Merged PR ${pr.number}: ${pr.title}\n`, author: merger, committer: merger };
    case 'gitea':
      return { message: squash ? `${pr.title} (#${pr.number})\n` : `Merge pull request '${pr.title}' (#${pr.number}) from ${pr.head} into ${pr.base}\n`, author: squash ? prAuthor : merger, committer: merger };
  }
}

export async function startForge(opts: ForgeServerOptions = {}): Promise<ForgeServer> {
  const ownRoot = opts.root === undefined;
  const root = opts.root ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sim-forge-'));
  const tokens = new Map<string, string>(Object.entries(opts.tokens ?? {}));
  const store = new ForgeStore();
  const requests: ForgeRequestRecord[] = [];
  const githubViolations: GithubViolation[] = [];
  const validate = opts.validateGithub ?? true;
  let baseUrl = '';

  const isToken = (t: string) => tokens.has(t);
  const extraUsers = new Set<string>();
  /** The canonical name of a user the forge knows (token holders and addUser), case-insensitively. */
  const knownUser = (name: string): string | undefined => [...tokens.values(), ...extraUsers].find((u) => u.toLowerCase() === name.toLowerCase());
  const userById = (id: number): string | undefined => [...tokens.values(), ...extraUsers].find((u) => userId(u) === id);

  // ---------- name mapping ----------
  const bbsKey = (r: RepoRecord) => (r.segments[0] ?? '').toUpperCase();
  const azureNames = (r: RepoRecord) =>
    r.segments.length >= 3
      ? { org: r.segments[0] ?? '', project: r.segments.slice(1, -1).join('/'), repo: r.segments[r.segments.length - 1] ?? '' }
      : { org: r.segments[0] ?? '', project: r.segments[0] ?? '', repo: r.segments[1] ?? '' };
  const twoSeg = (o: string, n: string) => store.find((r) => r.segments.length === 2 && r.fullName.toLowerCase() === `${o}/${n}`.toLowerCase());
  const lower = (s: string) => s.toLowerCase();

  function cloneUrl(r: RepoRecord, forge: ForgeKind): string {
    if (forge === 'bitbucket-server') return `${baseUrl}/scm/${bbsKey(r)}/${r.segments[r.segments.length - 1]}.git`;
    if (forge === 'azure-devops') {
      const a = azureNames(r);
      return `${baseUrl}/${a.org}/${a.project}/_git/${a.repo}`;
    }
    return `${baseUrl}/${r.fullName}.git`;
  }

  function apiBase(r: RepoRecord, forge: ForgeKind): string {
    switch (forge) {
      case 'github':
        return baseUrl;
      case 'github-enterprise':
        return `${baseUrl}/api/v3`;
      case 'gitlab':
        return `${baseUrl}/api/v4`;
      case 'bitbucket-cloud':
        return `${baseUrl}/2.0`;
      case 'bitbucket-server':
        return `${baseUrl}/rest/api/1.0`;
      case 'azure-devops': {
        const a = azureNames(r);
        return `${baseUrl}/${a.org}/${a.project}/_apis`;
      }
      case 'gitea':
        return `${baseUrl}/api/v1`;
    }
  }

  const canRead = (r: RepoRecord, user: string | null | undefined) => !r.private || typeof user === 'string';

  async function branches(r: RepoRecord): Promise<Array<{ name: string; sha: string }>> {
    const out = await runGit(['for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/heads'], { cwd: r.bareDir, env: hermeticGitEnv(os.tmpdir()) });
    return out.stdout
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => {
        const [name = '', sha = ''] = l.trim().split(' ');
        return { name, sha };
      });
  }
  async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown> | undefined> {
    try {
      const v: unknown = JSON.parse((await readBody(req)) || '{}');
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

  // ---------- Git smart HTTP ----------
  async function routeGit(ctx: Ctx, rawPath: string, query: string): Promise<boolean> {
    let repo: RepoRecord | undefined;
    let rest = '';
    let m: RegExpExecArray | null;
    if ((m = /^\/scm\/([^/]+)\/([^/]+?)\.git(\/.*)?$/.exec(rawPath))) {
      const [, key = '', slug = ''] = m;
      repo = store.find((r) => r.segments.length === 2 && bbsKey(r) === key.toUpperCase() && lower(r.segments[1] ?? '') === lower(slug));
      rest = m[3] ?? '';
    } else if ((m = /^\/([^/]+)\/([^/]+)\/_git\/([^/]+?)(\/(?:info\/refs|git-upload-pack|git-receive-pack|HEAD|objects\/.*))$/.exec(rawPath))) {
      const [, org = '', project = '', name = ''] = m;
      repo = store.find((r) => {
        const a = azureNames(r);
        return lower(a.org) === lower(org) && lower(a.project) === lower(project) && lower(a.repo) === lower(name);
      });
      rest = m[4] ?? '';
    } else if ((m = /^\/(.+?)\.git(\/(?:info\/refs|git-upload-pack|git-receive-pack|HEAD|objects\/.*))$/.exec(rawPath))) {
      repo = store.get(m[1] ?? '');
      rest = m[2] ?? '';
    } else {
      return false;
    }
    ctx.forge = 'git';
    if (!repo) {
      ctx.req.resume();
      ctx.res.writeHead(404, { 'content-type': 'text/plain' }).end('Repository not found\n');
      return true;
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(ctx.req.headers.authorization ?? '');
    if (bearer?.[1] && rawPath.startsWith('/scm/')) {
      // Bitbucket Data Center takes HTTP access tokens as Bearer for Git over HTTPS too (docs: "HTTP
      // access tokens"); the git backend reads Basic, so hand the token on in that form.
      ctx.req.headers.authorization = `Basic ${Buffer.from(`x-token-auth:${bearer[1]}`).toString('base64')}`;
    }
    const giteaToken = /^token\s+(\S+)$/i.exec(ctx.req.headers.authorization ?? '');
    if (giteaToken?.[1] && !rawPath.startsWith('/scm/')) {
      // Gitea and Forgejo take `Authorization: token …` (and Bearer) on Git paths too: their OAuth2 /
      // access-token method runs for isGitRawOrAttachPath (info/refs, git-*-pack) and parseToken reads
      // both schemes (go-gitea/gitea services/auth/oauth2.go, modules/auth/httpauth/httpauth.go). The
      // git backend reads Basic, so hand the token on in that form.
      ctx.req.headers.authorization = `Basic ${Buffer.from(`token:${giteaToken[1]}`).toString('base64')}`;
    }
    const relative = path.relative(root, repo.bareDir).split(path.sep).join('/');
    await serveGit(ctx.req, ctx.res, `/${relative}${rest}`, query, {
      projectRoot: root,
      userForToken: (t) => tokens.get(t),
      isPrivate: () => repo.private,
      realm: 'Forge Simulator',
    });
    return true;
  }

  // ---------- shared PR creation answer helpers ----------
  async function create(
    repo: RepoRecord,
    forge: ForgeKind,
    user: string,
    input: { head: string; base: string; title: string; body: string; draft?: boolean },
  ): Promise<CreatePrOutcome> {
    return store.createPull(repo, { ...input, forge, author: user, requireCommits: forge === 'github' || forge === 'github-enterprise' });
  }

  // ---------- GitHub / GitHub Enterprise ----------
  async function routeGithub(ctx: Ctx, segs: string[], flavor: GithubFlavor, prefix: string): Promise<void> {
    const forge: ForgeKind = flavor === 'ghes' ? 'github-enterprise' : 'github';
    ctx.forge = forge;
    const urls: GithubUrls = { api: `${baseUrl}${prefix}`, web: baseUrl };
    const apiPath = '/' + segs.map(encodeURIComponent).join('/');
    const remaining = 5000 - requests.filter((r) => r.forge === forge).length;
    const headers = {
      // Headers GitHub clients read (docs: rest/using-the-rest-api/rate-limits-for-the-rest-api).
      'x-github-request-id': randomUUID().toUpperCase().slice(0, 23),
      'x-github-media-type': 'github.v3; format=json',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(Math.max(0, remaining - 1)),
      'x-ratelimit-used': String(5000 - Math.max(0, remaining - 1)),
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-resource': 'core',
      ...(flavor === 'ghes' ? { 'x-github-enterprise-version': ghesVersion() } : {}),
    };
    const reply = (status: number, body: unknown, extra: Record<string, string> = {}, checked = true) => {
      let out = body;
      if (opts.rewriteGithubResponse) out = opts.rewriteGithubResponse({ method: ctx.method, path: apiPath, status }, body);
      if (validate && checked) {
        for (const message of githubValidator(flavor).validateResponse(ctx.method, apiPath, status, out)) {
          githubViolations.push({ flavor, method: ctx.method, path: apiPath, status, where: 'response', message });
        }
      }
      send(ctx.res, status, out, { ...headers, ...extra });
    };
    const error = (status: number, message: string, extra: Record<string, unknown> = {}) =>
      reply(status, { message, documentation_url: GH_DOCS, status: String(status), ...extra });
    const validationFailed = (errors: Array<Record<string, unknown>>) =>
      reply(422, { message: 'Validation Failed', errors, documentation_url: `${GH_DOCS}/pulls/pulls#create-a-pull-request`, status: '422' });

    if (ctx.user === null) return error(401, 'Bad credentials');
    const user = ctx.user;

    if (ctx.method === 'GET' && apiPath === '/user') {
      if (!user) return error(401, 'Requires authentication');
      return reply(200, privateUser(urls, user), { 'x-oauth-scopes': 'repo' });
    }
    if (segs[0] !== 'repos' || segs.length < 3) return reply(404, { message: 'Not Found', documentation_url: GH_DOCS, status: '404' }, {}, false);
    const repo = twoSeg(segs[1] ?? '', segs[2] ?? '');
    // GitHub answers 404, not 403, for private repositories the caller cannot see.
    if (!repo || !canRead(repo, user)) return error(404, 'Not Found');
    const owner = repo.segments[0] ?? '';
    const defaultBranch = await store.defaultBranch(repo);
    const tail = segs.slice(3);

    if (tail.length === 0 && ctx.method === 'GET') return reply(200, fullRepository(urls, repo, defaultBranch, user));
    if (tail.length === 1 && tail[0] === 'pulls' && ctx.method === 'GET') {
      // GET /repos/{o}/{r}/pulls: state defaults to open, head is `user:ref-name` (docs: pulls#list-pull-requests).
      const state = ctx.query.get('state') ?? 'open';
      const head = ctx.query.get('head');
      const base = ctx.query.get('base');
      const list = repo.pulls
        .filter((p) => state === 'all' || (state === 'open' ? p.state === 'open' : p.state !== 'open'))
        // Only the documented `user:ref-name` form matches; a bare branch name matches nothing here, so a
        // client that forgets the owner prefix finds out in tests rather than on github.com.
        .filter((p) => !head || `${owner}:${p.head}`.toLowerCase() === head.toLowerCase())
        .filter((p) => !base || p.base === base)
        .sort((a, b) => b.number - a.number)
        .map((p) => pullRequestSimple(urls, repo, p, defaultBranch));
      return reply(200, list);
    }
    if (tail.length === 1 && tail[0] === 'branches' && ctx.method === 'GET') {
      // GET /repos/{o}/{r}/branches?protected=true (docs: branches#list-branches) → short-branch items.
      const onlyProtected = ctx.query.get('protected') === 'true';
      const list = (await branches(repo))
        .map((b) => ({ name: b.name, commit: { sha: b.sha, url: `${urls.api}/repos/${repo.fullName}/commits/${b.sha}` }, protected: store.isProtected(repo, b.name) }))
        .filter((b) => !onlyProtected || b.protected);
      return reply(200, list);
    }
    if (tail.length === 3 && tail[0] === 'commits' && tail[2] === 'pulls' && ctx.method === 'GET') {
      // GET /repos/{o}/{r}/commits/{sha}/pulls: the merged PR that brought the commit, else open PRs
      // holding it (docs: commits/commits#list-pull-requests-associated-with-a-commit).
      const list = store.pullsForCommit(repo, tail[1] ?? '');
      const merged = list.filter((p) => p.state === 'merged');
      return reply(200, (merged.length > 0 ? merged : list.filter((p) => p.state === 'open')).map((p) => pullRequestSimple(urls, repo, p, defaultBranch)));
    }
    if (tail.length === 3 && tail[0] === 'pulls' && tail[2] === 'reviews' && ctx.method === 'GET') {
      // GET /repos/{o}/{r}/pulls/{n}/reviews, chronological (docs: pulls/reviews#list-reviews-for-a-pull-request).
      const pr = repo.pulls.find((p) => String(p.number) === tail[1]);
      if (!pr) return error(404, 'Not Found');
      return reply(200, pr.reviews.map((r) => pullRequestReview(urls, repo, pr, r)));
    }
    if (tail.length >= 3 && tail[0] === 'branches' && tail[tail.length - 1] === 'protection' && ctx.method === 'GET') {
      // GET /repos/{o}/{r}/branches/{b}/protection: classic protection, admins only; GitHub answers 404
      // to others and "Branch not protected" when there is none (docs: branches/branch-protection).
      const branch = tail.slice(1, -1).join('/');
      if (!user || !store.isAdmin(repo, user)) return error(404, 'Not Found');
      const found = store.protectionOf(repo, branch);
      if (!found || found.rule.githubRuleset) return error(404, 'Branch not protected');
      return reply(200, branchProtection(urls, repo, branch, found.rule));
    }
    if (tail.length >= 3 && tail[0] === 'rules' && tail[1] === 'branches' && ctx.method === 'GET') {
      // GET /repos/{o}/{r}/rules/branches/{b}: active ruleset rules, for anyone who can read (docs: repos/rules).
      const branch = tail.slice(2).join('/');
      const found = store.protectionOf(repo, branch);
      return reply(200, found?.rule.githubRuleset ? branchRules(repo, found.rule, 4200 + repo.protectedBranches.indexOf(found.pattern)) : []);
    }
    if (tail.length === 2 && tail[0] === 'pulls' && ctx.method === 'PATCH') {
      if (!user) return error(401, 'Requires authentication');
      const body = await readJson(ctx.req);
      if (!body) return error(400, 'Problems parsing JSON');
      if (validate) {
        for (const message of githubValidator(flavor).validateRequest('PATCH', apiPath, body)) {
          githubViolations.push({ flavor, method: 'PATCH', path: apiPath, where: 'request', message });
        }
      }
      const pr = store.updatePull(repo, Number(tail[1]), { title: str(body.title), body: str(body.body) });
      return pr ? reply(200, pullRequest(urls, repo, pr, defaultBranch)) : error(404, 'Not Found');
    }
    if (tail.length === 3 && tail[0] === 'issues' && tail[2] === 'labels' && ctx.method === 'POST') {
      // POST /repos/{o}/{r}/issues/{n}/labels {labels: [names]} → 200 with all labels of the issue/PR;
      // unknown names are created (docs: issues/labels#add-labels-to-an-issue).
      if (!user) return error(401, 'Requires authentication');
      const body = await readJson(ctx.req);
      const pr = repo.pulls.find((p) => String(p.number) === tail[1]);
      if (!pr) return error(404, 'Not Found');
      const names = Array.isArray(body?.labels) ? body.labels.filter((l): l is string => typeof l === 'string') : [];
      for (const n of names) if (!pr.labels.includes(n)) pr.labels.push(n);
      return reply(200, pr.labels.map((n) => githubLabel(urls, repo, n)));
    }
    if (tail.length === 3 && tail[0] === 'pulls' && tail[2] === 'requested_reviewers' && ctx.method === 'POST') {
      // POST /repos/{o}/{r}/pulls/{n}/requested_reviewers {reviewers: [logins]} → 201 pull-request-simple;
      // a login that is not a collaborator is 422 (docs: pulls/review-requests).
      if (!user) return error(401, 'Requires authentication');
      const body = await readJson(ctx.req);
      const pr = repo.pulls.find((p) => String(p.number) === tail[1]);
      if (!pr) return error(404, 'Not Found');
      const logins = Array.isArray(body?.reviewers) ? body.reviewers.filter((l): l is string => typeof l === 'string') : [];
      const unknown = logins.filter((l) => !knownUser(l));
      if (unknown.length) return reply(422, { message: 'Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the repository.', documentation_url: GH_DOCS, status: '422' });
      for (const l of logins) if (!pr.reviewers.includes(l)) pr.reviewers.push(l);
      return reply(201, pullRequestSimple(urls, repo, pr, defaultBranch));
    }
    if (tail.length === 2 && tail[0] === 'pulls' && ctx.method === 'GET') {
      const pr = repo.pulls.find((p) => String(p.number) === tail[1]);
      return pr ? reply(200, pullRequest(urls, repo, pr, defaultBranch)) : error(404, 'Not Found');
    }
    if (tail.length === 1 && tail[0] === 'pulls' && ctx.method === 'POST') {
      if (!user) return error(401, 'Requires authentication');
      let body: Record<string, unknown>;
      try {
        body = JSON.parse((await readBody(ctx.req)) || '{}') as Record<string, unknown>;
      } catch {
        return error(400, 'Problems parsing JSON');
      }
      if (validate) {
        for (const message of githubValidator(flavor).validateRequest('POST', apiPath, body)) {
          githubViolations.push({ flavor, method: 'POST', path: apiPath, where: 'request', message });
        }
      }
      const missing = ['head', 'base'].filter((f) => typeof body[f] !== 'string' || body[f] === '');
      if (missing.length > 0) return validationFailed(missing.map((field) => ({ resource: 'PullRequest', field, code: 'missing_field' })));
      let head = String(body.head);
      const colon = head.indexOf(':');
      if (colon >= 0) {
        // `owner:branch`; another owner would be a fork, which this simulator does not model.
        if (head.slice(0, colon).toLowerCase() !== owner.toLowerCase()) return validationFailed([{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
        head = head.slice(colon + 1);
      }
      const base = String(body.base);
      const outcome = await create(repo, forge, user, {
        head,
        base,
        title: typeof body.title === 'string' ? body.title : '',
        body: typeof body.body === 'string' ? body.body : '',
        draft: body.draft === true,
      });
      switch (outcome.kind) {
        case 'created': {
          const json = pullRequest(urls, repo, outcome.pr, defaultBranch);
          return reply(201, json, { location: String(json.url) });
        }
        case 'duplicate':
          return validationFailed([{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${owner}:${head}.` }]);
        case 'missing-branch':
          return validationFailed([{ resource: 'PullRequest', field: outcome.which, code: 'invalid' }]);
        case 'same-branch':
        case 'no-commits':
          return validationFailed([{ resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head}` }]);
      }
    }
    return reply(404, { message: 'Not Found', documentation_url: GH_DOCS, status: '404' }, {}, false);
  }

  // ---------- GitLab v4 ----------
  function gitlabUser(name: string) {
    return { id: userId(name), username: name, name, state: 'active', avatar_url: null, web_url: `${baseUrl}/${name}` };
  }
  function gitlabProject(r: RepoRecord, defaultBranch: string) {
    const ns = r.segments.slice(0, -1).join('/');
    return {
      id: r.id,
      name: r.segments[r.segments.length - 1],
      path: r.segments[r.segments.length - 1],
      name_with_namespace: r.segments.join(' / '),
      path_with_namespace: r.fullName,
      default_branch: defaultBranch,
      visibility: r.private ? 'private' : 'public',
      web_url: `${baseUrl}/${r.fullName}`,
      http_url_to_repo: cloneUrl(r, 'gitlab'),
      ssh_url_to_repo: `git@${new URL(baseUrl).host}:${r.fullName}.git`,
      namespace: { id: userId(ns), name: r.segments[r.segments.length - 2], path: r.segments[r.segments.length - 2], kind: r.segments.length > 2 ? 'group' : 'user', full_path: ns },
      created_at: r.createdAt,
      last_activity_at: r.createdAt,
    };
  }
  function gitlabMr(r: RepoRecord, p: PullRequestRecord) {
    return {
      id: p.id,
      iid: p.number,
      project_id: r.id,
      title: p.title,
      description: p.body,
      state: p.state === 'open' ? 'opened' : p.state,
      created_at: p.createdAt,
      updated_at: p.updatedAt,
      target_branch: p.base,
      source_branch: p.head,
      source_project_id: r.id,
      target_project_id: r.id,
      author: gitlabUser(p.author),
      draft: p.draft,
      work_in_progress: p.draft,
      merge_status: 'checking',
      detailed_merge_status: 'checking',
      sha: p.headSha,
      // merged_by is deprecated in favour of merge_user (docs: api/merge_requests); both are sent.
      merged_by: p.mergedBy ? gitlabUser(p.mergedBy) : null,
      merge_user: p.mergedBy ? gitlabUser(p.mergedBy) : null,
      merged_at: p.mergedAt ?? null,
      squash: p.mergeMethod === 'squash',
      merge_commit_sha: p.mergeMethod === 'merge' ? (p.mergeCommitSha ?? null) : null,
      squash_commit_sha: p.mergeMethod === 'squash' ? (p.mergeCommitSha ?? null) : null,
      references: { short: `!${p.number}`, relative: `!${p.number}`, full: `${r.fullName}!${p.number}` },
      web_url: `${baseUrl}/${r.fullName}/-/merge_requests/${p.number}`,
    };
  }

  async function routeGitlab(ctx: Ctx, segs: string[]): Promise<void> {
    ctx.forge = 'gitlab';
    const err = (status: number, message: unknown) => send(ctx.res, status, { message });
    if (ctx.user === null) return err(401, '401 Unauthorized');
    const user = ctx.user;
    if (segs[0] === 'user' && segs.length === 1) return user ? send(ctx.res, 200, gitlabUser(user)) : err(401, '401 Unauthorized');
    if (segs[0] === 'users' && segs.length === 1 && ctx.method === 'GET') {
      // GET /users?username=x → [] or [user] (docs: api/users#list-users).
      const name = ctx.query.get('username');
      return send(ctx.res, 200, name && knownUser(name) ? [gitlabUser(knownUser(name)!)] : []);
    }
    if (segs[0] !== 'projects' || segs.length < 2) return send(ctx.res, 404, { error: '404 Not Found' });
    const id = segs[1] ?? '';
    // :id is the numeric id or the URL-encoded full path (docs: api/rest#namespaced-paths).
    const repo = /^\d+$/.test(id) ? store.find((r) => String(r.id) === id) : store.get(id);
    if (!repo || !canRead(repo, user)) return err(404, '404 Project Not Found');
    const defaultBranch = await store.defaultBranch(repo);
    const tail = segs.slice(2);
    if (tail.length === 0 && ctx.method === 'GET') return send(ctx.res, 200, gitlabProject(repo, defaultBranch));
    if (tail.length === 3 && tail[0] === 'repository' && tail[1] === 'branches' && ctx.method === 'GET') {
      // GET /projects/:id/repository/branches/:branch (docs: api/branches) — `protected` applies wildcard rules.
      const b = (await branches(repo)).find((x) => x.name === tail[2]);
      if (!b) return err(404, '404 Branch Not Found');
      return send(ctx.res, 200, {
        name: b.name,
        merged: false,
        protected: store.isProtected(repo, b.name),
        default: b.name === defaultBranch,
        developers_can_push: false,
        developers_can_merge: false,
        can_push: true,
        web_url: `${baseUrl}/${repo.fullName}/-/tree/${b.name}`,
        commit: { id: b.sha, short_id: b.sha.slice(0, 8), title: '' },
      });
    }
    if (tail.length === 1 && tail[0] === 'protected_branches' && ctx.method === 'GET') {
      // GET /projects/:id/protected_branches (docs: api/protected_branches): rule names, `*` wildcards.
      if (!user) return err(401, '401 Unauthorized');
      // Access level 0 is "No one" (docs: api/protected_branches): nobody may push, changes come through merge requests.
      const list = repo.protectedBranches.map((name, i) => {
        const rule = repo.protectionRules.get(name) ?? {};
        const push = rule.requirePullRequest ? { access_level: 0, access_level_description: 'No one' } : { access_level: 40, access_level_description: 'Maintainers' };
        return {
          id: i + 1,
          name,
          push_access_levels: [{ id: i + 1, ...push, deploy_key_id: null, user_id: null, group_id: null }],
          merge_access_levels: [{ id: i + 1, access_level: 40, access_level_description: 'Maintainers', user_id: null, group_id: null }],
          allow_force_push: rule.allowForcePush === true,
          code_owner_approval_required: false,
        };
      });
      return send(ctx.res, 200, list, { 'x-total': String(list.length), 'x-page': '1', 'x-per-page': '100', 'x-total-pages': '1' });
    }
    if (tail.length === 4 && tail[0] === 'repository' && tail[1] === 'commits' && tail[3] === 'merge_requests' && ctx.method === 'GET') {
      // GET /projects/:id/repository/commits/:sha/merge_requests (docs: api/commits#list-merge-requests-associated-with-a-commit).
      return send(ctx.res, 200, store.pullsForCommit(repo, tail[2] ?? '').map((p) => gitlabMr(repo, p)));
    }
    if (tail.length === 3 && tail[0] === 'merge_requests' && tail[2] === 'approvals' && ctx.method === 'GET') {
      // GET /projects/:id/merge_requests/:iid/approvals (docs: api/merge_request_approvals): approved_by [{user}].
      const pr = repo.pulls.find((p) => String(p.number) === tail[1]);
      if (!pr) return err(404, '404 Not found');
      const approvers = [...new Set(pr.reviews.filter((r) => r.state === 'approved').map((r) => r.user))];
      const required = store.protectionOf(repo, pr.base)?.rule.requiredApprovals ?? 0;
      return send(ctx.res, 200, {
        id: pr.id,
        iid: pr.number,
        project_id: repo.id,
        title: pr.title,
        state: pr.state === 'open' ? 'opened' : pr.state,
        created_at: pr.createdAt,
        updated_at: pr.updatedAt,
        merge_status: 'can_be_merged',
        approved: approvers.length >= required,
        approvals_required: required,
        approvals_left: Math.max(0, required - approvers.length),
        approved_by: approvers.map((u) => ({ user: gitlabUser(u) })),
      });
    }
    if (tail.length === 1 && tail[0] === 'approval_rules' && ctx.method === 'GET') {
      // GET /projects/:id/approval_rules (GitLab Premium; docs: api/merge_request_approvals): rules that
      // name their protected branches.
      if (!user) return err(401, '401 Unauthorized');
      const rules = repo.protectedBranches
        .map((pattern, i) => ({ pattern, i, rule: repo.protectionRules.get(pattern) ?? {} }))
        .filter((x) => (x.rule.requiredApprovals ?? 0) > 0)
        .map((x) => ({
          id: 300 + x.i,
          name: `Approvals for ${x.pattern}`,
          rule_type: 'regular',
          eligible_approvers: [],
          approvals_required: x.rule.requiredApprovals,
          users: [],
          groups: [],
          contains_hidden_groups: false,
          protected_branches: [{ id: x.i + 1, name: x.pattern }],
          applies_to_all_protected_branches: false,
        }));
      return send(ctx.res, 200, rules);
    }
    if (tail.length === 2 && tail[0] === 'merge_requests' && ctx.method === 'PUT') {
      if (!user) return err(401, '401 Unauthorized');
      const body = await readJson(ctx.req);
      if (!body) return send(ctx.res, 400, { error: 'The provided content-type is not supported.' });
      const pr = store.updatePull(repo, Number(tail[1]), { title: str(body.title), body: str(body.description) });
      if (!pr) return err(404, '404 Not found');
      if (str(body.title) !== undefined) pr.draft = /^(draft:|\[draft\]|\(draft\))/i.test(pr.title);
      return send(ctx.res, 200, gitlabMr(repo, pr));
    }
    if (tail.length === 1 && tail[0] === 'merge_requests' && ctx.method === 'GET') {
      const state = ctx.query.get('state') ?? 'all';
      const src = ctx.query.get('source_branch');
      const tgt = ctx.query.get('target_branch');
      const list = repo.pulls
        .filter((p) => state === 'all' || (state === 'opened' ? p.state === 'open' : p.state === state))
        .filter((p) => !src || p.head === src)
        .filter((p) => !tgt || p.base === tgt)
        .sort((a, b) => b.number - a.number)
        .map((p) => gitlabMr(repo, p));
      return send(ctx.res, 200, list, { 'x-total': String(list.length), 'x-page': '1', 'x-per-page': '20' });
    }
    if (tail.length === 1 && tail[0] === 'merge_requests' && ctx.method === 'POST') {
      if (!user) return err(401, '401 Unauthorized');
      const raw = await readBody(ctx.req);
      let body: Record<string, unknown>;
      try {
        body = String(ctx.req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')
          ? Object.fromEntries(new URLSearchParams(raw))
          : (JSON.parse(raw || '{}') as Record<string, unknown>);
      } catch {
        return send(ctx.res, 400, { error: 'The provided content-type is not supported.' });
      }
      // Grape reports missing required params as one `error` string (docs: api/rest/troubleshooting).
      const missing = ['source_branch', 'target_branch', 'title'].filter((f) => typeof body[f] !== 'string' || body[f] === '');
      if (missing.length > 0) return send(ctx.res, 400, { error: missing.map((f) => `${f} is missing`).join(', ') });
      const outcome = await create(repo, 'gitlab', user, {
        head: String(body.source_branch),
        base: String(body.target_branch),
        title: String(body.title),
        body: typeof body.description === 'string' ? body.description : '',
        draft: /^(draft:|\[draft\]|\(draft\))/i.test(String(body.title)),
      });
      // MergeRequest#validate_branches errors surface as 409 with an array message (lib/api/merge_requests.rb).
      switch (outcome.kind) {
        case 'created': {
          // labels: comma-separated names; reviewer_ids: user ids (docs: api/merge_requests#create-mr).
          const labels = Array.isArray(body.labels) ? body.labels.map(String) : typeof body.labels === 'string' ? body.labels.split(',') : [];
          outcome.pr.labels.push(...labels.map((l) => l.trim()).filter(Boolean));
          const ids = Array.isArray(body.reviewer_ids) ? body.reviewer_ids.map(Number) : typeof body.reviewer_ids === 'string' ? body.reviewer_ids.split(',').map(Number) : [];
          outcome.pr.reviewers.push(...ids.map((id) => userById(id)).filter((n): n is string => n !== undefined));
          return send(ctx.res, 201, gitlabMr(repo, outcome.pr));
        }
        case 'duplicate':
          return err(409, [`Another open merge request already exists for this source branch: !${outcome.existing.number}`]);
        case 'missing-branch':
          // A branch that does not exist fails model validation: 400 with the field errors
          // (render_validation_error!), e.g. {"message":{"source_branch":["does not exist"]}}.
          return err(400, { [outcome.which === 'head' ? 'source_branch' : 'target_branch']: ['does not exist'] });
        case 'same-branch':
        case 'no-commits':
          return err(409, ["You can't use same project/branch for source and target"]);
      }
    }
    return send(ctx.res, 404, { error: '404 Not Found' });
  }

  // ---------- Bitbucket Cloud 2.0 ----------
  function bbcUser(name: string) {
    return { type: 'user', display_name: name, nickname: name, uuid: `{${name}-uuid}`, account_id: `${userId(name)}`, links: { html: { href: `${baseUrl}/${name}/` } } };
  }
  function bbcRepo(r: RepoRecord, defaultBranch: string) {
    const [ws = '', slug = ''] = r.segments;
    return {
      type: 'repository',
      uuid: `{${r.guid}}`,
      full_name: `${ws}/${slug}`,
      name: slug,
      slug,
      is_private: r.private,
      scm: 'git',
      mainbranch: { type: 'branch', name: defaultBranch },
      workspace: { type: 'workspace', slug: ws, name: ws, uuid: `{${ws}-uuid}` },
      created_on: r.createdAt,
      links: {
        self: { href: `${baseUrl}/2.0/repositories/${ws}/${slug}` },
        html: { href: `${baseUrl}/${ws}/${slug}` },
        clone: [{ name: 'https', href: cloneUrl(r, 'bitbucket-cloud') }],
      },
    };
  }
  /** One participant per user, with their latest review (approved / changes_requested) and when. */
  function bbcParticipants(p: PullRequestRecord) {
    const latest = new Map<string, ReviewRecord>();
    for (const r of p.reviews) latest.set(r.user, r);
    const names = [...new Set([...p.reviewers, ...latest.keys()])];
    return names.map((n) => {
      const r = latest.get(n);
      return {
        type: 'participant',
        user: bbcUser(n),
        role: p.reviewers.includes(n) ? 'REVIEWER' : 'PARTICIPANT',
        approved: r?.state === 'approved',
        state: r?.state === 'approved' ? 'approved' : r?.state === 'changesRequested' ? 'changes_requested' : null,
        participated_on: r?.submittedAt ?? null,
      };
    });
  }
  function bbcPr(r: RepoRecord, p: PullRequestRecord) {
    const [ws = '', slug = ''] = r.segments;
    const repoRef = { type: 'repository', full_name: `${ws}/${slug}`, name: slug, uuid: `{${r.guid}}` };
    return {
      type: 'pullrequest',
      id: p.number,
      title: p.title,
      description: p.body,
      state: p.state === 'open' ? 'OPEN' : p.state === 'merged' ? 'MERGED' : 'DECLINED',
      draft: p.draft,
      author: bbcUser(p.author),
      source: { branch: { name: p.head }, commit: { type: 'commit', hash: p.headSha.slice(0, 12) }, repository: repoRef },
      destination: { branch: { name: p.base }, commit: { type: 'commit', hash: p.baseSha.slice(0, 12) }, repository: repoRef },
      close_source_branch: false,
      // Reviewers and everyone who reviewed; `approved` and `state` say how (docs: api-group-pullrequests, participant).
      reviewers: p.reviewers.map(bbcUser),
      participants: bbcParticipants(p),
      closed_by: p.state === 'open' ? null : p.mergedBy ? bbcUser(p.mergedBy) : null,
      merge_commit: p.mergeCommitSha ? { type: 'commit', hash: p.mergeCommitSha } : null,
      created_on: p.createdAt,
      updated_on: p.updatedAt,
      links: {
        self: { href: `${baseUrl}/2.0/repositories/${ws}/${slug}/pullrequests/${p.number}` },
        html: { href: `${baseUrl}/${ws}/${slug}/pull-requests/${p.number}` },
      },
    };
  }

  /** The subset of Bitbucket's filter language (BBQL) clients use to find PRs: `a.b="x" AND c="y"`. */
  function bbql(q: string): Array<[string, string]> | undefined {
    const out: Array<[string, string]> = [];
    for (const clause of q.split(/\s+AND\s+/i)) {
      const m = /^\s*([\w.]+)\s*=\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(clause);
      if (!m?.[1] || m[2] === undefined) return undefined;
      out.push([m[1], m[2].replace(/\\(.)/g, '$1')]);
    }
    return out;
  }

  async function routeBitbucketCloud(ctx: Ctx, segs: string[]): Promise<void> {
    ctx.forge = 'bitbucket-cloud';
    const err = (status: number, message: string, fields?: Record<string, string[]>) =>
      send(ctx.res, status, { type: 'error', error: { message, ...(fields ? { fields } : {}) } });
    if (ctx.user === null) return err(401, 'Unauthorized');
    const user = ctx.user;
    if (segs[0] === 'user' && segs.length === 1) return user ? send(ctx.res, 200, bbcUser(user)) : err(401, 'Unauthorized');
    if (segs[0] !== 'repositories' || segs.length < 3) return err(404, 'Resource not found');
    const repo = twoSeg(segs[1] ?? '', segs[2] ?? '');
    if (!repo || !canRead(repo, user)) return err(404, `Repository ${segs[1]}/${segs[2]} not found`);
    const defaultBranch = await store.defaultBranch(repo);
    const tail = segs.slice(3);
    if (tail.length === 0 && ctx.method === 'GET') return send(ctx.res, 200, bbcRepo(repo, defaultBranch));
    if (tail.length === 1 && tail[0] === 'branch-restrictions' && ctx.method === 'GET') {
      // GET /2.0/repositories/{ws}/{slug}/branch-restrictions (docs: api-group-branch-restrictions).
      // push: only the listed users/groups may push (none listed: changes come through pull requests);
      // force: force pushes refused; require_approvals_to_merge: `value` approvals before a merge.
      const kind = ctx.query.get('kind');
      let id = 0;
      const values = repo.protectedBranches
        .flatMap((pattern) => {
          const rule = repo.protectionRules.get(pattern) ?? {};
          const base = { type: 'branchrestriction', branch_match_kind: 'glob', pattern, users: [], groups: [] };
          return [
            ...(rule.requirePullRequest !== false ? [{ ...base, id: ++id, kind: 'push' }] : [{ ...base, id: ++id, kind: 'delete' }]),
            ...(rule.allowForcePush !== true && repo.protectionRules.has(pattern) ? [{ ...base, id: ++id, kind: 'force' }] : []),
            ...((rule.requiredApprovals ?? 0) > 0 ? [{ ...base, id: ++id, kind: 'require_approvals_to_merge', value: rule.requiredApprovals }] : []),
          ];
        })
        .filter((r) => !kind || r.kind === kind);
      return send(ctx.res, 200, { pagelen: 100, size: values.length, page: 1, values });
    }
    if (tail.length === 3 && tail[0] === 'commit' && tail[2] === 'pullrequests' && ctx.method === 'GET') {
      // GET /2.0/repositories/{ws}/{slug}/commit/{commit}/pullrequests (docs: api-group-pullrequests,
      // "List pull requests that contain a commit"): paginated.
      const values = store.pullsForCommit(repo, tail[1] ?? '').map((p) => bbcPr(repo, p));
      return send(ctx.res, 200, { pagelen: 50, page: 1, size: values.length, values });
    }
    if (tail.length === 2 && tail[0] === 'pullrequests' && ctx.method === 'GET') {
      const pr = repo.pulls.find((p) => String(p.number) === tail[1]);
      return pr ? send(ctx.res, 200, bbcPr(repo, pr)) : err(404, 'Resource not found');
    }
    if (tail.length === 2 && tail[0] === 'pullrequests' && ctx.method === 'PUT') {
      if (!user) return err(401, 'Unauthorized');
      const body = await readJson(ctx.req);
      if (!body) return err(400, 'Bad Request');
      const pr = store.updatePull(repo, Number(tail[1]), { title: str(body.title), body: str(body.description) });
      return pr ? send(ctx.res, 200, bbcPr(repo, pr)) : err(404, 'Resource not found');
    }
    if (tail.length === 1 && tail[0] === 'pullrequests' && ctx.method === 'GET') {
      const q = ctx.query.get('q');
      const filters = q ? bbql(q) : [];
      if (!filters) return err(400, `Invalid query: ${q}`);
      // Only OPEN pull requests unless `state` says otherwise (docs: api-group-pullrequests, list).
      const states = ctx.query.getAll('state');
      const json = repo.pulls.map((p) => bbcPr(repo, p));
      const get = (o: unknown, dotted: string): unknown => dotted.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);
      const values = json
        .filter((p) => (states.length ? states.includes(p.state) : filters.some(([k]) => k === 'state') || p.state === 'OPEN'))
        .filter((p) => filters.every(([k, v]) => String(get(p, k)) === v))
        .sort((a, b) => b.id - a.id);
      return send(ctx.res, 200, { size: values.length, page: 1, pagelen: 10, values });
    }
    if (tail.length === 1 && tail[0] === 'pullrequests' && ctx.method === 'POST') {
      if (!user) return err(401, 'Unauthorized');
      let body: { title?: unknown; description?: unknown; source?: { branch?: { name?: unknown } }; destination?: { branch?: { name?: unknown } }; draft?: unknown };
      try {
        body = JSON.parse((await readBody(ctx.req)) || '{}') as typeof body;
      } catch {
        return err(400, 'Bad Request');
      }
      const head = body.source?.branch?.name;
      if (typeof body.title !== 'string' || !body.title) return err(400, 'Bad Request', { title: ['This field is required.'] });
      if (typeof head !== 'string' || !head) return err(400, 'Bad Request', { source: ['This field is required.'] });
      // The destination defaults to the repository's main branch (docs: create a pull request).
      const base = typeof body.destination?.branch?.name === 'string' ? body.destination.branch.name : defaultBranch;
      const existing = repo.pulls.find((p) => p.state === 'open' && p.head === head && p.base === base);
      if (existing) {
        // Bitbucket Cloud does not reject a second PR for the same source/destination: it answers
        // 200 with the already-open PR, updated with the new title/description.
        existing.title = body.title;
        if (typeof body.description === 'string') existing.body = body.description;
        existing.updatedAt = now();
        return send(ctx.res, 200, bbcPr(repo, existing));
      }
      const outcome = await create(repo, 'bitbucket-cloud', user, {
        head,
        base,
        title: body.title,
        body: typeof body.description === 'string' ? body.description : '',
        draft: body.draft === true,
      });
      switch (outcome.kind) {
        case 'created':
          return send(ctx.res, 201, bbcPr(repo, outcome.pr));
        case 'missing-branch':
          return err(400, 'Bad Request', { [outcome.which === 'head' ? 'source' : 'destination']: [`branch not found: ${outcome.branch}`] });
        case 'same-branch':
        case 'no-commits':
          return err(400, 'Bad Request', { destination: ['source and destination branches must differ'] });
        case 'duplicate':
          return send(ctx.res, 200, bbcPr(repo, outcome.existing));
      }
    }
    return err(404, 'Resource not found');
  }

  // ---------- Bitbucket Server / Data Center 1.0 ----------
  const bbsVersions = new Map<number, number>();

  /** /rest/branch-permissions/2.0/projects/{key}/repos/{slug}/restrictions (docs: Bitbucket DC REST, "Branch permissions"). */
  async function routeBitbucketServerPermissions(ctx: Ctx, segs: string[]): Promise<void> {
    ctx.forge = 'bitbucket-server';
    if (ctx.user === null) return send(ctx.res, 401, { errors: [{ context: null, message: 'Authentication failed. Please check your credentials and try again.', exceptionName: 'com.atlassian.bitbucket.auth.IncorrectPasswordAuthenticationException' }] });
    const key = (segs[1] ?? '').toUpperCase();
    const slug = segs[3] ?? '';
    const repo = store.find((r) => r.segments.length === 2 && bbsKey(r) === key && lower(r.segments[1] ?? '') === lower(slug));
    if (segs[0] !== 'projects' || segs[2] !== 'repos' || segs[4] !== 'restrictions' || !repo || !canRead(repo, ctx.user)) {
      return send(ctx.res, 404, { errors: [{ context: null, message: `Repository ${key}/${slug} does not exist.`, exceptionName: 'com.atlassian.bitbucket.repository.NoSuchRepositoryException' }] });
    }
    // read-only: no changes at all; pull-request-only: changes through pull requests; fast-forward-only:
    // no history rewrites (force pushes); no-deletes (docs: Bitbucket DC "Branch permissions").
    let id = 0;
    const values = repo.protectedBranches.flatMap((pattern) => {
      const rule = repo.protectionRules.get(pattern);
      const matcher = pattern.includes('*')
        ? { id: pattern, displayId: pattern, type: { id: 'PATTERN', name: 'Pattern' }, active: true }
        : { id: `refs/heads/${pattern}`, displayId: pattern, type: { id: 'BRANCH', name: 'Branch' }, active: true };
      const types = !rule ? ['read-only'] : [...(rule.requirePullRequest !== false ? ['pull-request-only'] : ['no-deletes']), ...(rule.allowForcePush !== true ? ['fast-forward-only'] : [])];
      return types.map((type) => ({ id: ++id, type, matcher, users: [], groups: [], accessKeys: [] }));
    });
    return send(ctx.res, 200, { size: values.length, limit: 100, isLastPage: true, values, start: 0 });
  }
  function bbsUser(name: string) {
    return { name, emailAddress: `${name}@example.invalid`, id: userId(name), displayName: name, active: true, slug: name, type: 'NORMAL' };
  }
  function bbsRepo(r: RepoRecord) {
    const key = bbsKey(r);
    const slug = r.segments[r.segments.length - 1] ?? '';
    return {
      slug,
      id: r.id,
      name: slug,
      hierarchyId: r.guid.replace(/-/g, '').slice(0, 20),
      scmId: 'git',
      state: 'AVAILABLE',
      statusMessage: 'Available',
      forkable: true,
      project: { key, id: userId(key), name: r.segments[0], public: !r.private, type: 'NORMAL', links: { self: [{ href: `${baseUrl}/projects/${key}` }] } },
      public: !r.private,
      archived: false,
      links: {
        clone: [{ href: cloneUrl(r, 'bitbucket-server'), name: 'http' }],
        self: [{ href: `${baseUrl}/projects/${key}/repos/${slug}/browse` }],
      },
    };
  }
  function bbsParticipant(p: PullRequestRecord, name: string, role: 'REVIEWER' | 'PARTICIPANT') {
    const last = [...p.reviews].reverse().find((r) => r.user === name && r.state !== 'commented');
    const status = last?.state === 'approved' ? 'APPROVED' : last?.state === 'changesRequested' ? 'NEEDS_WORK' : 'UNAPPROVED';
    return { user: bbsUser(name), role, approved: status === 'APPROVED', status, ...(last ? { lastReviewedCommit: last.commitId } : {}) };
  }
  /** Activities, newest first: OPENED, APPROVED/REVIEWED/COMMENTED per review, MERGED with the commit (docs: "Get pull request activity"). */
  function bbsActivities(p: PullRequestRecord) {
    const out: Array<Record<string, unknown>> = [{ id: p.id * 1000, createdDate: Date.parse(p.createdAt), user: bbsUser(p.author), action: 'OPENED' }];
    for (const r of p.reviews) {
      out.push({ id: r.id, createdDate: Date.parse(r.submittedAt), user: bbsUser(r.user), action: r.state === 'approved' ? 'APPROVED' : r.state === 'changesRequested' ? 'REVIEWED' : 'COMMENTED' });
    }
    if (p.state === 'merged' && p.mergedBy) {
      out.push({ id: p.id * 1000 + 999, createdDate: Date.parse(p.mergedAt ?? p.updatedAt), user: bbsUser(p.mergedBy), action: 'MERGED', ...(p.mergeCommitSha ? { commit: { id: p.mergeCommitSha, displayId: p.mergeCommitSha.slice(0, 11) } } : {}) });
    }
    return out.sort((a, b) => Number(b.createdDate) - Number(a.createdDate));
  }
  function bbsPr(r: RepoRecord, p: PullRequestRecord) {
    const repoJson = bbsRepo(r);
    const ref = (branch: string, sha: string) => ({ id: `refs/heads/${branch}`, displayId: branch, latestCommit: sha, type: 'BRANCH', repository: repoJson });
    const created = Date.parse(p.createdAt);
    return {
      id: p.number,
      version: bbsVersions.get(p.id) ?? 0,
      title: p.title,
      description: p.body,
      state: p.state === 'open' ? 'OPEN' : p.state === 'merged' ? 'MERGED' : 'DECLINED',
      open: p.state === 'open',
      closed: p.state !== 'open',
      draft: p.draft,
      createdDate: created,
      updatedDate: Date.parse(p.updatedAt),
      fromRef: ref(p.head, p.headSha),
      toRef: ref(p.base, p.baseSha),
      locked: false,
      author: { user: bbsUser(p.author), role: 'AUTHOR', approved: false, status: 'UNAPPROVED' },
      // A reviewer's latest review sets approved/status (APPROVED, NEEDS_WORK, UNAPPROVED); people who
      // reviewed without being asked are participants (docs: "Get pull request", RestPullRequestParticipant).
      reviewers: p.reviewers.map((n) => bbsParticipant(p, n, 'REVIEWER')),
      participants: [...new Set(p.reviews.map((r) => r.user))].filter((n) => !p.reviewers.includes(n)).map((n) => bbsParticipant(p, n, 'PARTICIPANT')),
      links: { self: [{ href: `${baseUrl}/projects/${bbsKey(r)}/repos/${repoJson.slug}/pull-requests/${p.number}` }] },
    };
  }

  async function routeBitbucketServer(ctx: Ctx, segs: string[]): Promise<void> {
    ctx.forge = 'bitbucket-server';
    // Errors are `{"errors":[{context,message,exceptionName}]}` (docs: Bitbucket Server REST, "Errors").
    const err = (status: number, message: string, exceptionName: string | null, extra: Record<string, unknown> = {}) =>
      send(ctx.res, status, { errors: [{ context: null, message, exceptionName, ...extra }] });
    if (ctx.user === null) {
      return err(401, 'Authentication failed. Please check your credentials and try again.', 'com.atlassian.bitbucket.auth.IncorrectPasswordAuthenticationException');
    }
    const user = ctx.user;
    if (segs[0] !== 'projects' || segs[2] !== 'repos' || segs.length < 4) return err(404, 'Not found', null);
    const key = (segs[1] ?? '').toUpperCase();
    const slug = segs[3] ?? '';
    const repo = store.find((r) => r.segments.length === 2 && bbsKey(r) === key && lower(r.segments[1] ?? '') === lower(slug));
    if (!repo || !canRead(repo, user)) {
      if (repo && !user) return err(401, 'You are not permitted to access this resource', 'com.atlassian.bitbucket.AuthorisationException');
      return err(404, `Repository ${key}/${slug} does not exist.`, 'com.atlassian.bitbucket.repository.NoSuchRepositoryException');
    }
    const defaultBranch = await store.defaultBranch(repo);
    const tail = segs.slice(4);
    if (tail.length === 0 && ctx.method === 'GET') return send(ctx.res, 200, bbsRepo(repo));
    if (ctx.method === 'GET' && (tail.join('/') === 'default-branch' || tail.join('/') === 'branches/default')) {
      const sha = await branchSha(repo.bareDir, defaultBranch);
      return send(ctx.res, 200, { id: `refs/heads/${defaultBranch}`, displayId: defaultBranch, type: 'BRANCH', latestCommit: sha, latestChangeset: sha, isDefault: true });
    }
    if (tail.length === 1 && tail[0] === 'pull-requests' && ctx.method === 'GET') {
      // state defaults to OPEN; `at` filters the target ref for INCOMING (the default) and the source ref
      // for OUTGOING (docs: GET /rest/api/1.0/projects/{key}/repos/{slug}/pull-requests).
      const state = (ctx.query.get('state') ?? 'OPEN').toUpperCase();
      const direction = (ctx.query.get('direction') ?? 'INCOMING').toUpperCase();
      const at = ctx.query.get('at');
      const branchOf = (ref: string) => ref.replace(/^refs\/heads\//, '');
      const values = repo.pulls
        .map((p) => bbsPr(repo, p))
        .filter((p) => state === 'ALL' || p.state === state)
        .filter((p) => !at || branchOf(direction === 'OUTGOING' ? p.fromRef.id : p.toRef.id) === branchOf(at))
        .sort((a, b) => b.id - a.id);
      return send(ctx.res, 200, { size: values.length, limit: 25, isLastPage: true, values, start: 0 });
    }
    if (tail.length === 3 && tail[0] === 'commits' && tail[2] === 'pull-requests' && ctx.method === 'GET') {
      // GET …/commits/{commitId}/pull-requests: pull requests containing the commit (docs: "Get pull requests for commit").
      const values = store.pullsForCommit(repo, tail[1] ?? '').map((p) => bbsPr(repo, p));
      return send(ctx.res, 200, { size: values.length, limit: 25, isLastPage: true, values, start: 0 });
    }
    if (tail.length === 2 && tail[0] === 'pull-requests' && ctx.method === 'GET') {
      const pr = repo.pulls.find((p) => String(p.number) === tail[1]);
      return pr ? send(ctx.res, 200, bbsPr(repo, pr)) : err(404, `Pull request ${tail[1]} does not exist in ${key}/${slug}.`, 'com.atlassian.bitbucket.pull.NoSuchPullRequestException');
    }
    if (tail.length === 3 && tail[0] === 'pull-requests' && tail[2] === 'activities' && ctx.method === 'GET') {
      const pr = repo.pulls.find((p) => String(p.number) === tail[1]);
      if (!pr) return err(404, `Pull request ${tail[1]} does not exist in ${key}/${slug}.`, 'com.atlassian.bitbucket.pull.NoSuchPullRequestException');
      const values = bbsActivities(pr);
      return send(ctx.res, 200, { size: values.length, limit: 25, isLastPage: true, values, start: 0 });
    }
    if (tail.join('/') === 'settings/pull-requests' && ctx.method === 'GET') {
      // GET …/settings/pull-requests: merge checks of the repository (requiredApprovers, requiredAllApprovers …).
      const approvals = Math.max(0, ...repo.protectedBranches.map((p) => repo.protectionRules.get(p)?.requiredApprovals ?? 0));
      return send(ctx.res, 200, { mergeConfig: { defaultStrategy: { id: 'no-ff', name: 'No fast-forward', enabled: true } }, requiredAllApprovers: false, requiredAllTasksComplete: false, requiredApprovers: approvals, requiredSuccessfulBuilds: 0 });
    }
    if (tail.length === 2 && tail[0] === 'pull-requests' && ctx.method === 'PUT') {
      if (!user) return err(401, 'You are not permitted to access this resource', 'com.atlassian.bitbucket.AuthorisationException');
      const body = await readJson(ctx.req);
      if (!body) return err(400, 'Unexpected character in JSON body', null);
      const current = repo.pulls.find((p) => p.number === Number(tail[1]));
      if (!current) return err(404, `Pull request ${tail[1]} does not exist in ${key}/${slug}.`, 'com.atlassian.bitbucket.pull.NoSuchPullRequestException');
      // Updates carry the version they were based on; a stale one is refused (docs: "update pull request").
      const version = bbsVersions.get(current.id) ?? 0;
      if (body.version !== version) {
        return err(409, `You are attempting to modify a pull request based on out-of-date information.`, 'com.atlassian.bitbucket.pull.PullRequestOutOfDateException', { expectedVersion: version });
      }
      bbsVersions.set(current.id, version + 1);
      const pr = store.updatePull(repo, current.number, { title: str(body.title), body: str(body.description) })!;
      return send(ctx.res, 200, bbsPr(repo, pr));
    }
    if (tail.length === 1 && tail[0] === 'pull-requests' && ctx.method === 'POST') {
      if (!user) return err(401, 'You are not permitted to access this resource', 'com.atlassian.bitbucket.AuthorisationException');
      let body: { title?: unknown; description?: unknown; draft?: unknown; fromRef?: { id?: unknown }; toRef?: { id?: unknown }; reviewers?: unknown };
      try {
        body = JSON.parse((await readBody(ctx.req)) || '{}') as typeof body;
      } catch {
        return err(400, 'Unexpected character in JSON body', null);
      }
      const head = typeof body.fromRef?.id === 'string' ? body.fromRef.id.replace(/^refs\/heads\//, '') : '';
      const base = typeof body.toRef?.id === 'string' ? body.toRef.id.replace(/^refs\/heads\//, '') : '';
      if (typeof body.title !== 'string' || !body.title) return err(400, 'A title is required.', null, { context: 'title' });
      if (!head || !base) return err(400, 'fromRef and toRef are required.', null);
      const outcome = await create(repo, 'bitbucket-server', user, {
        head,
        base,
        title: body.title,
        body: typeof body.description === 'string' ? body.description : '',
        draft: body.draft === true,
      });
      switch (outcome.kind) {
        case 'created': {
          // reviewers: [{user: {name}}] by user name (docs: "Create pull request").
          const names = Array.isArray(body.reviewers) ? body.reviewers.map((r: { user?: { name?: unknown } }) => r?.user?.name).filter((n): n is string => typeof n === 'string') : [];
          outcome.pr.reviewers.push(...names);
          return send(ctx.res, 201, bbsPr(repo, outcome.pr));
        }
        case 'duplicate':
          return err(409, 'Only one pull request may be open for a given source and target branch', 'com.atlassian.bitbucket.pull.DuplicatePullRequestException', {
            existingPullRequest: bbsPr(repo, outcome.existing),
          });
        case 'missing-branch':
          return err(404, `Repository "${slug}" of project with key "${key}" has no branch "${outcome.branch}"`, 'com.atlassian.bitbucket.repository.NoSuchBranchException');
        case 'same-branch':
        case 'no-commits':
          return err(409, 'The source and target refs must be different', 'com.atlassian.bitbucket.pull.InvalidPullRequestTargetException');
      }
    }
    return err(404, 'Not found', null);
  }

  // ---------- Azure DevOps 7.1 ----------
  const azureError = (message: string, typeKey: string, ns = 'Microsoft.TeamFoundation.Git.Server') => ({
    $id: '1',
    innerException: null,
    message,
    typeName: `${ns}.${typeKey}, ${ns}`,
    typeKey,
    errorCode: 0,
    eventId: 3000,
  });
  function azureRepo(r: RepoRecord, defaultBranch: string) {
    const a = azureNames(r);
    return {
      id: r.guid,
      name: a.repo,
      url: `${baseUrl}/${a.org}/${a.project}/_apis/git/repositories/${r.guid}`,
      project: { id: r.guid.replace(/^.{8}/, 'a11ce000'), name: a.project, url: `${baseUrl}/${a.org}/_apis/projects/${a.project}`, state: 'wellFormed', visibility: r.private ? 'private' : 'public' },
      defaultBranch: `refs/heads/${defaultBranch}`,
      size: 0,
      remoteUrl: cloneUrl(r, 'azure-devops'),
      webUrl: `${baseUrl}/${a.org}/${a.project}/_git/${a.repo}`,
      isDisabled: false,
    };
  }
  function azureIdentity(name: string) {
    return { displayName: name, id: `0000${userId(name)}-0000-0000-0000-000000000000`, uniqueName: `${name}@example.invalid`, url: `${baseUrl}/_apis/Identities/${name}` };
  }
  function azureReviewers(p: PullRequestRecord) {
    const names = [...new Set([...p.reviewers, ...p.reviews.map((r) => r.user)])];
    return names.map((n) => {
      const last = [...p.reviews].reverse().find((r) => r.user === n && r.state !== 'commented');
      const vote = last?.state === 'approved' ? 10 : last?.state === 'changesRequested' ? -5 : 0;
      return { ...azureIdentity(n), vote, hasDeclined: false, isFlagged: false, isRequired: p.reviewers.includes(n), reviewerUrl: `${baseUrl}/_apis/Identities/${n}` };
    });
  }
  function azurePr(r: RepoRecord, p: PullRequestRecord, defaultBranch: string) {
    const a = azureNames(r);
    return {
      repository: azureRepo(r, defaultBranch),
      pullRequestId: p.number,
      codeReviewId: p.number,
      status: p.state === 'open' ? 'active' : p.state === 'merged' ? 'completed' : 'abandoned',
      createdBy: azureIdentity(p.author),
      creationDate: p.createdAt,
      title: p.title,
      description: p.body,
      sourceRefName: `refs/heads/${p.head}`,
      targetRefName: `refs/heads/${p.base}`,
      mergeStatus: 'queued',
      isDraft: p.draft,
      mergeId: r.guid,
      lastMergeSourceCommit: { commitId: p.headSha },
      lastMergeTargetCommit: { commitId: p.baseSha },
      // After completion lastMergeCommit is the commit the merge made on the target (docs: GitPullRequest).
      ...(p.mergeCommitSha ? { lastMergeCommit: { commitId: p.mergeCommitSha } } : {}),
      ...(p.state !== 'open' ? { closedDate: p.mergedAt ?? p.updatedAt } : {}),
      ...(p.mergedBy ? { closedBy: azureIdentity(p.mergedBy), completionOptions: { mergeStrategy: p.mergeMethod === 'squash' ? 'squash' : 'noFastForward' } } : {}),
      // vote: 10 approved, 5 approved with suggestions, 0 none, -5 waiting for the author, -10 rejected.
      reviewers: azureReviewers(p),
      url: `${baseUrl}/${a.org}/${a.project}/_apis/git/repositories/${r.guid}/pullRequests/${p.number}`,
      supportsIterations: true,
      // Not part of the REST object; the web page a user opens: {repo webUrl}/pullrequest/{id}.
      _links: { web: { href: `${baseUrl}/${a.org}/${a.project}/_git/${a.repo}/pullrequest/${p.number}` } },
    };
  }

  async function routeAzure(ctx: Ctx, org: string, project: string, segs: string[]): Promise<void> {
    ctx.forge = 'azure-devops';
    // Azure DevOps needs a PAT for every call here; a bad one is a 401 (docs: authentication-guidance).
    if (!ctx.user && String(ctx.req.headers['x-tfs-fedauthredirect'] ?? '').toLowerCase() !== 'suppress') {
      // Without `X-TFS-FedAuthRedirect: Suppress`, Azure DevOps answers bad or missing credentials with
      // 203 Non-Authoritative Information and its HTML sign-in page rather than 401.
      ctx.res.writeHead(203, { 'content-type': 'text/html; charset=utf-8' });
      ctx.res.end('<!DOCTYPE html><html><head><title>Azure DevOps Services | Sign In</title></head><body>Sign in</body></html>');
      return;
    }
    if (!ctx.user) {
      ctx.res.setHeader('www-authenticate', 'Basic realm="Azure DevOps Simulator"');
      return send(ctx.res, 401, azureError('TF400813: The user is not authorized to access this resource.', 'UnauthorizedRequestException', 'Microsoft.TeamFoundation.Framework.Server'));
    }
    const user = ctx.user;
    // api-version is mandatory and bounded by what the service supports (docs: integrate/concepts/rest-api-versioning).
    const version = ctx.query.get('api-version');
    const webApi = 'Microsoft.VisualStudio.Services.WebApi';
    if (!version) {
      return send(
        ctx.res,
        400,
        azureError(
          `No api-version was supplied for the "${ctx.method}" request. The version must be supplied either as part of the Accept header (e.g. "application/json; api-version=1.0") or as a query parameter (e.g. '?api-version=1.0').`,
          'VssVersionNotSpecifiedException',
          webApi,
        ),
      );
    }
    const vm = /^(\d+)\.(\d+)(-preview(\.\d+)?)?$/.exec(version);
    if (!vm) return send(ctx.res, 400, azureError(`The requested version "${version}" of the resource is not valid.`, 'VssInvalidApiVersionException', webApi));
    if (Number(vm[1]) * 10 + Number(vm[2]) > 71) {
      return send(
        ctx.res,
        400,
        azureError(`The requested REST API version of ${vm[1]}.${vm[2]} is out of range for this server. The latest REST API version this server supports is 7.1.`, 'VssVersionOutOfRangeException', webApi),
      );
    }
    if (segs[0] === 'policy' && segs[1] === 'configurations' && segs.length === 2 && ctx.method === 'GET') {
      // GET _apis/policy/configurations?repositoryId&refName (docs: policy/configurations/list): one blocking
      // "Minimum number of reviewers" policy per protected branch.
      const repoId = ctx.query.get('repositoryId');
      const refName = ctx.query.get('refName');
      const repos = store.repos.size ? [...store.repos.values()].filter((r) => {
        const a = azureNames(r);
        return lower(a.org) === lower(org) && lower(a.project) === lower(project) && (!repoId || r.guid === lower(repoId));
      }) : [];
      const value = repos.flatMap((r) =>
        r.protectedBranches
          .filter((pattern) => !refName || store.isProtected({ ...r, protectedBranches: [pattern] }, refName.replace(/^refs\/heads\//, '')))
          .map((pattern, i) => ({
            id: i + 1,
            isEnabled: true,
            isBlocking: true,
            isDeleted: false,
            type: { id: 'fa4e907d-c16b-4a4c-9dfa-4906e5d171dd', displayName: 'Minimum number of reviewers' },
            settings: { minimumApproverCount: r.protectionRules.get(pattern)?.requiredApprovals ?? 1, creatorVoteCounts: false, scope: [{ repositoryId: r.guid, refName: `refs/heads/${pattern.replace(/\*$/, '')}`, matchKind: pattern.endsWith('*') ? 'prefix' : 'exact' }] },
          })),
      );
      return send(ctx.res, 200, { value, count: value.length });
    }
    if (segs[0] !== 'git' || segs[1] !== 'repositories' || segs.length < 3) return send(ctx.res, 404, azureError('The requested resource was not found.', 'NotFoundException', webApi));
    const name = segs[2] ?? '';
    const repo = store.find((r) => {
      const a = azureNames(r);
      return lower(a.org) === lower(org) && lower(a.project) === lower(project) && (lower(a.repo) === lower(name) || r.guid === lower(name));
    });
    if (!repo) {
      return send(
        ctx.res,
        404,
        azureError(`TF401019: The Git repository with name or identifier ${name} does not exist or you do not have permissions for the operation you are attempting.`, 'GitRepositoryNotFoundException'),
      );
    }
    const defaultBranch = await store.defaultBranch(repo);
    const tail = segs.slice(3).map(lower);
    if (tail.length === 0 && ctx.method === 'GET') return send(ctx.res, 200, azureRepo(repo, defaultBranch));
    if (tail.length === 1 && tail[0] === 'pullrequests' && ctx.method === 'GET') {
      const status = (ctx.query.get('searchCriteria.status') ?? 'active').toLowerCase();
      const src = ctx.query.get('searchCriteria.sourceRefName');
      const tgt = ctx.query.get('searchCriteria.targetRefName');
      const value = repo.pulls
        // Lists carry descriptions cut at 400 characters (docs: "Pull Requests - Get Pull Requests").
        .map((p) => ({ ...azurePr(repo, p, defaultBranch), description: p.body.slice(0, 400) }))
        .filter((p) => status === 'all' || p.status === status)
        .filter((p) => !src || p.sourceRefName === src)
        .filter((p) => !tgt || p.targetRefName === tgt)
        .sort((a, b) => b.pullRequestId - a.pullRequestId);
      return send(ctx.res, 200, { value, count: value.length });
    }
    if (tail.length === 2 && tail[0] === 'pullrequests' && ctx.method === 'GET') {
      const pr = repo.pulls.find((p) => p.number === Number(tail[1]));
      if (!pr) return send(ctx.res, 404, azureError(`TF401180: The requested pull request was not found.`, 'GitPullRequestNotFoundException'));
      return send(ctx.res, 200, azurePr(repo, pr, defaultBranch));
    }
    if (tail.length === 1 && tail[0] === 'pullrequestquery' && ctx.method === 'POST') {
      // POST …/pullrequestquery {queries: [{type: 'lastMergeCommit' | 'commit', items: [sha]}]} → results[n]
      // is a map commit → pull requests for queries[n] (docs: "Pull Request Query - Get").
      const body = await readJson(ctx.req);
      const queries = Array.isArray(body?.queries) ? (body.queries as Array<{ type?: unknown; items?: unknown }>) : [];
      const results = queries.map((q) => {
        const items = Array.isArray(q.items) ? q.items.filter((x): x is string => typeof x === 'string') : [];
        return Object.fromEntries(
          items.map((sha) => {
            const s = sha.toLowerCase();
            const hits = q.type === 'lastMergeCommit' ? repo.pulls.filter((p) => p.mergeCommitSha === s) : q.type === 'commit' ? repo.pulls.filter((p) => p.commitIds.includes(s) || p.headSha === s) : [];
            return [sha, hits.map((p) => azurePr(repo, p, defaultBranch))];
          }),
        );
      });
      return send(ctx.res, 200, { queries, results });
    }
    if (tail.length === 2 && tail[0] === 'pullrequests' && ctx.method === 'PATCH') {
      const body = await readJson(ctx.req);
      if (!body) return send(ctx.res, 400, azureError('Value cannot be null.\r\nParameter name: gitPullRequestToUpdate', 'ArgumentNullException', 'System'));
      const pr = store.updatePull(repo, Number(tail[1]), { title: str(body.title), body: str(body.description) });
      if (!pr) return send(ctx.res, 404, azureError(`TF401180: The requested pull request was not found.`, 'GitPullRequestNotFoundException'));
      return send(ctx.res, 200, azurePr(repo, pr, defaultBranch));
    }
    if (tail.length === 1 && tail[0] === 'pullrequests' && ctx.method === 'POST') {
      let body: { sourceRefName?: unknown; targetRefName?: unknown; title?: unknown; description?: unknown; isDraft?: unknown };
      try {
        body = JSON.parse((await readBody(ctx.req)) || '{}') as typeof body;
      } catch {
        return send(ctx.res, 400, azureError('Value cannot be null.\r\nParameter name: gitPullRequestToCreate', 'ArgumentNullException', 'System'));
      }
      const refOk = (v: unknown): v is string => typeof v === 'string' && v.startsWith('refs/heads/');
      if (!refOk(body.sourceRefName) || !refOk(body.targetRefName)) {
        return send(
          ctx.res,
          400,
          azureError(
            'TF401398: The pull request cannot be activated because the source and/or the target branch no longer exists, or the requested refs are not branches',
            'GitPullRequestCannotBeActivated',
          ),
        );
      }
      const outcome = await create(repo, 'azure-devops', user, {
        head: body.sourceRefName.slice('refs/heads/'.length),
        base: body.targetRefName.slice('refs/heads/'.length),
        title: typeof body.title === 'string' ? body.title : '',
        body: typeof body.description === 'string' ? body.description : '',
        draft: body.isDraft === true,
      });
      switch (outcome.kind) {
        case 'created':
          return send(ctx.res, 201, azurePr(repo, outcome.pr, defaultBranch));
        case 'duplicate':
          return send(ctx.res, 409, azureError('TF401179: An active pull request for the source and target branch already exists.', 'GitPullRequestExistsException'));
        case 'missing-branch':
          return send(
            ctx.res,
            400,
            azureError(
              'TF401398: The pull request cannot be activated because the source and/or the target branch no longer exists, or the requested refs are not branches',
              'GitPullRequestCannotBeActivated',
            ),
          );
        case 'same-branch':
        case 'no-commits':
          return send(ctx.res, 400, azureError('TF401180: The source and target branch of the pull request must be different.', 'InvalidArgumentValueException', webApi));
      }
    }
    return send(ctx.res, 404, azureError('The requested resource was not found.', 'NotFoundException', webApi));
  }

  // ---------- Gitea v1 ----------
  function giteaUser(name: string) {
    return { id: userId(name), login: name, full_name: name, email: `${name}@example.invalid`, avatar_url: `${baseUrl}/avatars/${name}`, username: name };
  }
  function giteaRepo(r: RepoRecord, defaultBranch: string) {
    const [owner = '', name = ''] = r.segments;
    return {
      id: r.id,
      owner: giteaUser(owner),
      name,
      full_name: `${owner}/${name}`,
      private: r.private,
      fork: false,
      empty: false,
      html_url: `${baseUrl}/${owner}/${name}`,
      clone_url: cloneUrl(r, 'gitea'),
      default_branch: defaultBranch,
      created_at: r.createdAt,
      updated_at: r.createdAt,
    };
  }
  function giteaPr(r: RepoRecord, p: PullRequestRecord, defaultBranch: string) {
    const [owner = '', name = ''] = r.segments;
    const repoJson = giteaRepo(r, defaultBranch);
    const html = `${baseUrl}/${owner}/${name}/pulls/${p.number}`;
    return {
      id: p.id,
      url: html,
      number: p.number,
      user: giteaUser(p.author),
      title: p.title,
      body: p.body,
      state: p.state === 'open' ? 'open' : 'closed',
      draft: p.draft,
      merged: p.state === 'merged',
      mergeable: true,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      head: { label: p.head, ref: p.head, sha: p.headSha, repo_id: r.id, repo: repoJson },
      base: { label: p.base, ref: p.base, sha: p.baseSha, repo_id: r.id, repo: repoJson },
      merged_at: p.mergedAt ?? null,
      merged_by: p.mergedBy ? giteaUser(p.mergedBy) : null,
      merge_commit_sha: p.mergeCommitSha ?? null,
      created_at: p.createdAt,
      updated_at: p.updatedAt,
      closed_at: p.state === 'open' ? null : (p.mergedAt ?? p.updatedAt),
    };
  }
  /** PullReview (swagger): state APPROVED | REQUEST_CHANGES | COMMENT | PENDING | REQUEST_REVIEW. */
  function giteaReview(r: RepoRecord, p: PullRequestRecord, rv: ReviewRecord) {
    return {
      id: rv.id,
      user: giteaUser(rv.user),
      team: null,
      state: rv.state === 'approved' ? 'APPROVED' : rv.state === 'changesRequested' ? 'REQUEST_CHANGES' : 'COMMENT',
      body: '',
      commit_id: rv.commitId,
      stale: false,
      official: rv.state !== 'commented',
      dismissed: false,
      comments_count: 0,
      submitted_at: rv.submittedAt,
      updated_at: rv.submittedAt,
      html_url: `${baseUrl}/${r.fullName}/pulls/${p.number}#issuecomment-${rv.id}`,
      pull_request_url: `${baseUrl}/${r.fullName}/pulls/${p.number}`,
    };
  }

  async function routeGitea(ctx: Ctx, segs: string[]): Promise<void> {
    ctx.forge = 'gitea';
    const apiUrl = `${baseUrl}/api/swagger`;
    const err = (status: number, message: string) => send(ctx.res, status, { message, url: apiUrl });
    // routers/api/v1/api.go: a token that authenticates nobody → 401 with this message.
    if (ctx.user === null) return err(401, 'invalid username, password or token');
    const user = ctx.user;
    if (segs[0] === 'user' && segs.length === 1) return user ? send(ctx.res, 200, giteaUser(user)) : err(401, 'token is required');
    if (segs[0] !== 'repos' || segs.length < 3) return err(404, 'not found');
    const repo = twoSeg(segs[1] ?? '', segs[2] ?? '');
    if (!repo || !canRead(repo, user)) return err(404, 'The target couldn\'t be found.');
    const defaultBranch = await store.defaultBranch(repo);
    const tail = segs.slice(3);
    if (tail.length === 0 && ctx.method === 'GET') return send(ctx.res, 200, giteaRepo(repo, defaultBranch));
    if (tail.length === 2 && tail[0] === 'branches' && ctx.method === 'GET') {
      // GET /repos/{owner}/{repo}/branches/{branch} → Branch (swagger: repoGetBranch).
      const b = (await branches(repo)).find((x) => x.name === tail[1]);
      if (!b) return err(404, 'branch does not exist [name: ' + tail[1] + ']');
      const found = store.protectionOf(repo, b.name);
      const prot = found !== undefined;
      const canPush = !prot || found.rule.requirePullRequest === false;
      return send(ctx.res, 200, { name: b.name, commit: { id: b.sha }, protected: prot, required_approvals: found?.rule.requiredApprovals ?? 0, enable_status_check: false, user_can_push: canPush, user_can_merge: true, effective_branch_protection_name: found?.pattern ?? '' });
    }
    if (tail.length === 1 && tail[0] === 'labels' && ctx.method === 'GET') {
      // GET /repos/{owner}/{repo}/labels → Label[] (swagger: issueListLabels).
      return send(ctx.res, 200, repo.labels.map((name, i) => ({ id: i + 1, name, color: 'ededed', description: '', exclusive: false, is_archived: false, url: `${baseUrl}/api/v1/repos/${repo.fullName}/labels/${i + 1}` })));
    }
    if (tail.length === 3 && tail[0] === 'pulls' && tail[2] === 'requested_reviewers' && ctx.method === 'POST') {
      // POST /repos/{owner}/{repo}/pulls/{index}/requested_reviewers {reviewers: [names]} → 201 PullReview[].
      if (!user) return err(401, 'token is required');
      const body = await readJson(ctx.req);
      const pr = repo.pulls.find((p) => String(p.number) === tail[1]);
      if (!pr) return err(404, 'pull request does not exist');
      const names = Array.isArray(body?.reviewers) ? body.reviewers.filter((l): l is string => typeof l === 'string') : [];
      const missing = names.find((n) => !knownUser(n));
      if (missing) return err(422, `user does not exist [uid: 0, name: ${missing}]`);
      for (const n of names) if (!pr.reviewers.includes(n)) pr.reviewers.push(n);
      return send(ctx.res, 201, names.map((n, i) => ({ id: i + 1, user: giteaUser(n), state: 'REQUEST_REVIEW', body: '', commit_id: pr.headSha, submitted_at: now() })));
    }
    if (tail.length === 3 && tail[0] === 'commits' && tail[2] === 'pull' && ctx.method === 'GET') {
      // GET /repos/{owner}/{repo}/commits/{sha}/pull: the pull request whose merge made this commit
      // (swagger: repoGetCommitPullRequest; routers/api/v1/repo/pull.go GetPullRequestByMergedCommit).
      const sha = (tail[1] ?? '').toLowerCase();
      const pr = repo.pulls.find((p) => p.state === 'merged' && p.mergeCommitSha === sha);
      return pr ? send(ctx.res, 200, giteaPr(repo, pr, defaultBranch)) : err(404, 'pull request does not exist');
    }
    if (tail.length === 3 && tail[0] === 'pulls' && tail[2] === 'reviews' && ctx.method === 'GET') {
      // GET /repos/{owner}/{repo}/pulls/{index}/reviews (swagger: repoListPullReviews).
      const pr = repo.pulls.find((p) => String(p.number) === tail[1]);
      if (!pr) return err(404, 'pull request does not exist');
      return send(ctx.res, 200, pr.reviews.map((r) => giteaReview(repo, pr, r)));
    }
    if (tail.length === 2 && tail[0] === 'pulls' && ctx.method === 'GET') {
      const pr = repo.pulls.find((p) => String(p.number) === tail[1]);
      return pr ? send(ctx.res, 200, giteaPr(repo, pr, defaultBranch)) : err(404, 'pull request does not exist');
    }
    if (tail.length === 1 && tail[0] === 'branch_protections' && ctx.method === 'GET') {
      // GET /repos/{owner}/{repo}/branch_protections → BranchProtection[]; reqToken + reqAdmin
      // (routers/api/v1/api.go), so a collaborator without admin rights gets 403.
      if (!user) return err(401, 'token is required');
      if (!store.isAdmin(repo, user)) return err(403, 'user should be an owner or a collaborator with admin write of a repository');
      return send(
        ctx.res,
        200,
        repo.protectedBranches.map((rule, i) => {
          const r = repo.protectionRules.get(rule) ?? {};
          // enable_force_push: Gitea ≥ 1.22 (models/git/protected_branch.go CanForcePush).
          return { branch_name: rule, rule_name: rule, priority: i + 1, enable_push: r.requirePullRequest === false, enable_push_whitelist: false, push_whitelist_usernames: [], enable_force_push: r.allowForcePush === true, enable_force_push_allowlist: false, required_approvals: r.requiredApprovals ?? 0, block_on_rejected_reviews: false, dismiss_stale_approvals: false, created_at: repo.createdAt, updated_at: repo.createdAt };
        }),
      );
    }
    if (tail.length === 2 && tail[0] === 'pulls' && ctx.method === 'PATCH') {
      if (!user) return err(401, 'token is required');
      const body = await readJson(ctx.req);
      if (!body) return err(422, 'invalid JSON body');
      const pr = store.updatePull(repo, Number(tail[1]), { title: str(body.title), body: str(body.body) });
      if (!pr) return err(404, 'pull request does not exist');
      if (str(body.title) !== undefined) pr.draft = /^(wip:|\[wip\])/i.test(pr.title);
      return send(ctx.res, 201, giteaPr(repo, pr, defaultBranch));
    }
    if (tail.length === 1 && tail[0] === 'pulls' && ctx.method === 'GET') {
      const state = ctx.query.get('state') ?? 'open';
      const list = repo.pulls
        .filter((p) => state === 'all' || (state === 'open' ? p.state === 'open' : p.state !== 'open'))
        .sort((a, b) => b.number - a.number)
        .map((p) => giteaPr(repo, p, defaultBranch));
      return send(ctx.res, 200, list, { 'x-total-count': String(list.length) });
    }
    if (tail.length === 3 && tail[0] === 'pulls' && ctx.method === 'GET') {
      // GET /repos/{owner}/{repo}/pulls/{base}/{head}: the open PR for a base/head pair (Gitea ≥ 1.19).
      const pr = repo.pulls.find((p) => p.state === 'open' && p.base === tail[1] && p.head === tail[2]);
      return pr ? send(ctx.res, 200, giteaPr(repo, pr, defaultBranch)) : err(404, 'pull request does not exist');
    }
    if (tail.length === 1 && tail[0] === 'pulls' && ctx.method === 'POST') {
      if (!user) return err(401, 'token is required');
      let body: Record<string, unknown>;
      try {
        body = JSON.parse((await readBody(ctx.req)) || '{}') as Record<string, unknown>;
      } catch {
        return err(422, 'invalid JSON body');
      }
      let head = typeof body.head === 'string' ? body.head : '';
      if (head.includes(':')) head = head.slice(head.indexOf(':') + 1);
      const base = typeof body.base === 'string' ? body.base : '';
      if (!head || !base || typeof body.title !== 'string' || !body.title) return send(ctx.res, 422, [{ fieldNames: ['Title'], classification: 'RequiredError', message: 'Required' }]);
      // Gitea marks drafts by title prefix (setting repository.pull-request WORK_IN_PROGRESS_PREFIXES: "WIP:,[WIP]").
      const outcome = await create(repo, 'gitea', user, { head, base, title: body.title, body: typeof body.body === 'string' ? body.body : '', draft: /^(wip:|\[wip\])/i.test(body.title) });
      switch (outcome.kind) {
        case 'created':
          // CreatePullRequestOption.labels: label ids of the repository.
          if (Array.isArray(body.labels)) outcome.pr.labels.push(...body.labels.map((id) => repo.labels[Number(id) - 1]).filter((n): n is string => n !== undefined));
          return send(ctx.res, 201, giteaPr(repo, outcome.pr, defaultBranch));
        case 'duplicate': {
          // routers/api/v1/repo/pull.go CreatePullRequest: ErrPullRequestAlreadyExists → 409.
          const e = outcome.existing;
          return err(409, `pull request already exists for these targets [id: ${e.id}, issue_id: ${e.id}, head_repo_id: ${repo.id}, base_repo_id: ${repo.id}, head_branch: ${e.head}, base_branch: ${e.base}]`);
        }
        case 'missing-branch':
          return err(404, "The target couldn't be found.");
        case 'same-branch':
        case 'no-commits':
          return err(422, 'Invalid PullRequest: There are no changes between the head and the base');
      }
    }
    return err(404, 'not found');
  }

  // ---------- dispatch ----------
  async function handle(req: http.IncomingMessage, res: http.ServerResponse, ctx: Ctx): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://localhost');
    const rawPath = u.pathname;
    if (await routeGit(ctx, decodeURIComponent(rawPath), u.search.replace(/^\?/, ''))) return;
    const segs = rawPath.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
    ctx.segs = segs;
    const forgeFor = (): ForgeKind => {
      if (segs[0] === 'api' && segs[1] === 'v3') return 'github-enterprise';
      if (segs[0] === 'api' && segs[1] === 'v4') return 'gitlab';
      if (segs[0] === 'api' && segs[1] === 'v1') return 'gitea';
      if (segs[0] === '2.0') return 'bitbucket-cloud';
      if (segs[0] === 'rest' && segs[1] === 'api' && segs[2] === '1.0') return 'bitbucket-server';
      if (segs[0] === 'rest' && segs[1] === 'branch-permissions' && segs[2] === '2.0') return 'bitbucket-server';
      if (segs[2] === '_apis') return 'azure-devops';
      return 'github';
    };
    const forge = forgeFor();
    ctx.forge = forge;
    const auth = tokenOf(req, isToken, forge);
    ctx.user = !auth.present ? undefined : auth.token ? (tokens.get(auth.token) ?? null) : null;
    switch (forge) {
      case 'github-enterprise':
        return routeGithub(ctx, segs.slice(2), 'ghes', '/api/v3');
      case 'gitlab':
        return routeGitlab(ctx, segs.slice(2));
      case 'gitea':
        return routeGitea(ctx, segs.slice(2));
      case 'bitbucket-cloud':
        return routeBitbucketCloud(ctx, segs.slice(1));
      case 'bitbucket-server':
        return segs[1] === 'branch-permissions' ? routeBitbucketServerPermissions(ctx, segs.slice(3)) : routeBitbucketServer(ctx, segs.slice(3));
      case 'azure-devops':
        return routeAzure(ctx, segs[0] ?? '', segs[1] ?? '', segs.slice(3));
      case 'github':
        return routeGithub(ctx, segs, 'api.github.com', '');
    }
  }

  const server = http.createServer((req, res) => {
    const ctx: Ctx = { req, res, method: req.method ?? 'GET', segs: [], query: new URL(req.url ?? '/', 'http://localhost').searchParams, forge: 'github', user: undefined };
    res.on('finish', () => requests.push({ method: ctx.method, path: (req.url ?? '/').split('?')[0] ?? '/', status: res.statusCode, forge: ctx.forge }));
    handle(req, res, ctx).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, { message: String(err) });
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const toForgeRepo = (r: RepoRecord): ForgeRepo => ({
    fullName: r.fullName,
    bareDir: r.bareDir,
    cloneUrl: (forge) => cloneUrl(r, forge),
    apiBase: (forge) => apiBase(r, forge),
  });

  return {
    url: baseUrl,
    root,
    requests,
    githubViolations,
    async createRepo(fullName, o = {}) {
      if (!/^[\w.-]+(\/[\w.-]+)+$/.test(fullName)) throw new Error(`invalid repository name ${fullName}`);
      if (store.get(fullName)) throw new Error(`repository ${fullName} exists`);
      const defaultBranch = o.defaultBranch ?? 'main';
      const bareDir = await createBareRepo(root, fullName, { defaultBranch });
      let from = o.from;
      let scratch: string | undefined;
      if (!from) {
        // Forges create repositories with an initial commit on request; without one there is no
        // default branch to open a PR against.
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-forge-init-'));
        fs.writeFileSync(path.join(scratch, 'README.md'), `# ${fullName}\n`);
        from = scratch;
      }
      try {
        await seedRepo(bareDir, from, { branch: defaultBranch, message: 'Initial commit' });
      } finally {
        if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
      }
      const record = store.add(fullName, bareDir, o.private ?? false);
      record.admins.push(...(o.admins ?? []));
      record.labels.push(...(o.labels ?? []));
      return toForgeRepo(record);
    },
    addToken(token, user) {
      tokens.set(token, user);
    },
    addUser(name) {
      extraUsers.add(name);
    },
    pullRequests(fullName) {
      return [...(store.get(fullName)?.pulls ?? [])];
    },
    setPullRequestState(fullName, number, state) {
      const pr = store.get(fullName)?.pulls.find((p) => p.number === number);
      if (!pr) throw new Error(`no pull request ${fullName}#${number}`);
      if (!['open', 'closed', 'merged'].includes(state)) throw new Error(`invalid state ${String(state)}`);
      pr.state = state;
      pr.updatedAt = new Date().toISOString();
      return pr;
    },
    protectBranch(fullName, pattern, rule) {
      const r = store.get(fullName);
      if (!r) throw new Error(`no repository ${fullName}`);
      if (!r.protectedBranches.includes(pattern)) r.protectedBranches.push(pattern);
      if (rule) r.protectionRules.set(pattern, { ...rule });
    },
    async mergePullRequest(fullName, number, o) {
      const r = store.get(fullName);
      const pr = r?.pulls.find((p) => p.number === number);
      if (!r || !pr) throw new Error(`no pull request ${fullName}#${number}`);
      const method = o.method ?? 'merge';
      const m = mergeStyle(o.forge ?? pr.forge, r, pr, method, o.by);
      return store.merge(r, pr, { by: o.by, method, message: m.message, author: m.author, committer: m.committer, ...(o.at ? { at: o.at } : {}) });
    },
    reviewPullRequest(fullName, number, review) {
      const pr = store.get(fullName)?.pulls.find((p) => p.number === number);
      if (!pr) throw new Error(`no pull request ${fullName}#${number}`);
      if (!['approved', 'changesRequested', 'commented'].includes(review.state)) throw new Error(`invalid review state ${String(review.state)}`);
      return store.addReview(pr, review);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          if (ownRoot) fs.rmSync(root, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
