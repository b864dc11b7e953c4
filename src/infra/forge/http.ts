/**
 * What every forge client shares: turning an HTTP failure into a ForgeError with the forge's own
 * message, and a small JSON-over-fetch helper for the forges without an SDK.
 */
import { tokenDestinationProblem } from '../../core/forge/transport';
import { FORGE_LABELS, ForgeError } from '../../core/forge/types';
import type { ForgeCredentials, ForgeErrorCode, ForgeKind, ForgeRepo, PullRequest } from '../../core/forge/types';

export type FetchLike = typeof globalThis.fetch;

export interface ForgeClientOptions {
  /** Replaces global fetch (tests, proxies). */
  readonly fetch?: FetchLike;
  readonly userAgent?: string;
}

const HINTS: Readonly<Record<ForgeErrorCode, string>> = {
  auth: 'The token was rejected or has expired; sign in again or store a new token.',
  forbidden: 'The token lacks a permission this needs (write access to the repository and its pull requests).',
  notFound: 'Check the remote URL and that the token can see this repository.',
  conflict: '',
  duplicate: '',
  validation: '',
  rateLimited: 'Try again later.',
  network: 'Check the network connection and the forge URL.',
  server: 'The forge had an internal error; try again later.',
  insecure: 'Nothing was sent.',
};

/** The ForgeErrorCode for an HTTP status (203 is Azure DevOps' answer to bad credentials without `X-TFS-FedAuthRedirect: Suppress`). */
function codeForStatus(status: number, rateLimited = false): ForgeErrorCode {
  if (status === 401 || status === 203) return 'auth';
  if (status === 429 || rateLimited) return 'rateLimited';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'notFound';
  if (status === 409) return 'conflict';
  if (status === 400 || status === 422) return 'validation';
  return 'server';
}

/** Removes the token (and its base64 forms) from text a forge sent back, in case it echoes a header. */
function scrub(text: string, creds: ForgeCredentials): string {
  let out = text;
  const secrets = [creds.token, btoa(`:${creds.token}`), creds.username ? btoa(`${creds.username}:${creds.token}`) : undefined];
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***');
  return out;
}

/**
 * A ForgeError whose message says what failed, on which forge, the forge's own words and what to do,
 * e.g. `GitLab: creating the merge request failed (409): Another open merge request already exists …`.
 */
export function forgeError(kind: ForgeKind, what: string, status: number | undefined, forgeMessage: string | undefined, creds: ForgeCredentials, code?: ForgeErrorCode): ForgeError {
  const c = code ?? (status === undefined ? 'network' : codeForStatus(status));
  const msg = forgeMessage ? scrub(forgeMessage, creds).trim() : undefined;
  const parts = [`${FORGE_LABELS[kind]}: ${what} failed${status !== undefined ? ` (${status})` : ''}`];
  if (msg) parts[0] += `: ${msg}`;
  const hint = HINTS[c];
  if (hint) parts.push(hint);
  return new ForgeError(c, parts.join('. ').replace(/\.\./g, '.'), status, msg);
}

/** The human message in a forge's JSON error body, whichever shape it uses. */
export function messageOf(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim() ? body.trim().slice(0, 500) : undefined;
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const parts: string[] = [];
  // GitHub: {message, errors:[{message}|{field,code}]}; GitLab: {message: string|string[]|{field:[..]}} or {error};
  // Bitbucket Cloud: {error:{message, fields}}; Bitbucket Server: {errors:[{message}]}; Azure: {message}; Gitea: {message}.
  const m = b.message;
  if (typeof m === 'string') parts.push(m);
  else if (Array.isArray(m)) parts.push(m.map(String).join('; '));
  else if (m && typeof m === 'object') parts.push(Object.entries(m as Record<string, unknown>).map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(', ') : String(v)}`).join('; '));
  if (typeof b.error === 'string') parts.push(b.error);
  else if (b.error && typeof b.error === 'object') {
    const e = b.error as Record<string, unknown>;
    if (typeof e.message === 'string') parts.push(e.message);
    if (e.fields && typeof e.fields === 'object') {
      parts.push(Object.entries(e.fields as Record<string, unknown>).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`).join('; '));
    }
  }
  if (Array.isArray(b.errors)) {
    for (const e of b.errors as unknown[]) {
      if (e && typeof e === 'object') {
        const x = e as Record<string, unknown>;
        if (typeof x.message === 'string') parts.push(x.message);
        else if (typeof x.field === 'string' && typeof x.code === 'string') parts.push(`${x.field} ${x.code}`);
      }
    }
  }
  if (Array.isArray(body)) {
    // Gitea binding errors: [{fieldNames, classification, message}].
    for (const e of body as unknown[]) if (e && typeof e === 'object' && typeof (e as Record<string, unknown>).message === 'string') parts.push(String((e as Record<string, unknown>).message));
  }
  const out = parts.filter((p) => p && p !== 'Validation Failed').join('; ');
  return out || (typeof m === 'string' ? m : undefined);
}

export interface JsonResponse<T> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

/** JSON request for the fetch-based clients; any non-2xx (and Azure's 203) becomes a ForgeError. */
export class JsonHttp {
  constructor(
    private readonly kind: ForgeKind,
    private readonly creds: ForgeCredentials,
    private readonly headers: Record<string, string>,
    private readonly fetchImpl: FetchLike = globalThis.fetch,
  ) {}

  async request<T>(what: string, method: string, url: string, body?: unknown, classify?: (status: number, message: string | undefined, body: unknown) => ForgeErrorCode | undefined): Promise<JsonResponse<T>> {
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method,
        headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...this.headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'manual',
      });
    } catch (err) {
      if (err instanceof ForgeError) throw err;
      const cause = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
      throw forgeError(this.kind, what, undefined, cause, this.creds, 'network');
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // an HTML sign-in page or plain text; keep it as text
    }
    if (res.status === 203 || res.status < 200 || res.status >= 300) {
      const isHtml = typeof parsed === 'string' && /<html/i.test(parsed);
      const message = isHtml ? undefined : messageOf(parsed);
      const limited = res.status === 403 && res.headers.get('x-ratelimit-remaining') === '0';
      const code = classify?.(res.status, message, parsed) ?? (res.status >= 300 && res.status < 400 ? 'auth' : codeForStatus(res.status, limited));
      throw forgeError(this.kind, what, res.status, message, this.creds, code);
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }
}

/** The JsonHttp of a fetch-based client: its auth headers, plus the user agent and fetch the options ask for. */
export function clientHttp(repo: ForgeRepo, creds: ForgeCredentials, opts: ForgeClientOptions, auth: Record<string, string>): JsonHttp {
  assertTokenDestination(repo);
  return new JsonHttp(repo.kind, creds, { ...auth, ...(opts.userAgent ? { 'user-agent': opts.userAgent } : {}) }, tokenFetch(repo, opts.fetch));
}

/**
 * Throws ForgeError `insecure` when the client of `repo` would send its token where it does not belong
 * (core/forge/transport): the REST root over plain HTTP to another machine, or on a host the token was
 * not issued for. Checked when a client is made, before any request.
 */
export function assertTokenDestination(repo: ForgeRepo): void {
  const problem = tokenDestinationProblem(repo.host, repo.apiBaseUrl);
  if (problem) throw new ForgeError('insecure', `${FORGE_LABELS[repo.kind]}: ${problem}`);
}

/** Redirect statuses fetch follows (Fetch standard, "redirect status"). */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/**
 * The fetch every forge client sends its token through: each request URL, and each redirect target, must
 * be a place the token of `repo.host` may go (core/forge/transport tokenDestinationProblem), or the
 * request fails with ForgeError `insecure` and nothing is sent there.
 *
 * Redirects are followed here, one hop at a time with `redirect: 'manual'`, because the Fetch standard
 * drops only `Authorization` on a redirect to another origin ("HTTP-redirect fetch", step 13) and still
 * makes the request there; a token in another header (GitLab's PRIVATE-TOKEN) would travel on. Same-host
 * redirects (GitHub answers 301 for a renamed repository) keep working. A caller that asks for
 * `redirect: 'manual'` gets the 3xx itself, as fetch would give it.
 */
export function tokenFetch(repo: Pick<ForgeRepo, 'kind' | 'host'>, inner: FetchLike = globalThis.fetch): FetchLike {
  const label = FORGE_LABELS[repo.kind];
  const check = (url: string): void => {
    const problem = tokenDestinationProblem(repo.host, url);
    if (problem) throw new ForgeError('insecure', `${label}: ${problem}`);
  };
  return async (input, init = {}) => {
    // The clients pass URLs; a Request object would carry its own redirect mode and body stream.
    if (typeof input !== 'string' && !(input instanceof URL)) throw new TypeError('tokenFetch takes a URL, not a Request');
    let url = typeof input === 'string' ? input : input.href;
    check(url);
    if (init.redirect === 'manual') return inner(url, init);
    let req: RequestInit = { ...init, redirect: 'manual' };
    for (let hop = 0; ; hop++) {
      const res = await inner(url, req);
      const location = res.headers.get('location');
      if (!REDIRECTS.has(res.status) || location === null) return res;
      if (init.redirect === 'error') throw new ForgeError('network', `${label}: ${new URL(url).origin} answered with a redirect.`);
      if (hop === MAX_REDIRECTS) throw new ForgeError('network', `${label}: more than ${MAX_REDIRECTS} redirects from ${new URL(url).origin}.`);
      const next = new URL(location, url).href;
      check(next);
      await res.body?.cancel().catch(() => undefined);
      // 303, and 301/302 after a POST, continue as GET without a body (Fetch standard, "HTTP-redirect fetch" step 12).
      const method = (req.method ?? 'GET').toUpperCase();
      if (res.status === 303 ? method !== 'HEAD' : (res.status === 301 || res.status === 302) && method === 'POST') {
        const get: RequestInit & { duplex?: string } = { ...req, method: 'GET' };
        delete get.body;
        delete get.duplex;
        req = get;
      }
      url = next;
    }
  };
}

/** The fields of a pull request both GitHub's REST API and Gitea's v1 API (which mirrors it) return. */
export interface GithubStylePull {
  number: number;
  html_url: string;
  title: string;
  state: string;
  draft?: boolean;
  body?: string | null;
  head: { ref: string };
  base: { ref: string };
}

/** A GitHub-style pull request as a PullRequest; how it tells merged (and drafts) apart is the forge's. */
export function fromGithubStylePull(p: GithubStylePull, merged: boolean, draft = p.draft === true): PullRequest {
  return {
    id: p.number,
    number: p.number,
    url: p.html_url,
    title: p.title,
    head: p.head.ref,
    base: p.base.ref,
    state: p.state === 'open' ? 'open' : merged ? 'merged' : 'closed',
    draft,
    body: p.body ?? '',
  };
}

/**
 * A title for a forge that marks drafts by title prefix: `marker` put in front when the pull request is
 * a draft and the title has no prefix `markedBy` accepts, so editing a draft's title keeps it a draft.
 */
export function draftTitle(title: string, draft: boolean, marker: string, markedBy: RegExp): string {
  return draft && !markedBy.test(title) ? `${marker} ${title}` : title;
}

/** `*` and `**` glob (branch patterns of Bitbucket restrictions and similar) as a RegExp over the whole name. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
