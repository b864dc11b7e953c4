/**
 * The SSO side of the Argo CD stand-in (issue 16): Argo CD's bundled Dex, served by argocd-server
 * under `/api/dex` (server/server.go registerDexHandlers), as an OpenID provider for the public CLI
 * client `argo-cd-cli` (util/dex/config.go: a public client, redirect to localhost or `urn:…oob`; here
 * any redirect URI, since the editor's is its own). It states facts and enforces the protocol:
 * - discovery: `/.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §3);
 * - authorize (RFC 6749 §4.1.1 + RFC 7636 §4.3): `response_type=code`, the CLI client, an S256
 *   challenge; answers a sign-in page with one button (the person "answers the login in the browser"),
 *   whose POST redirects to `redirect_uri?code=…&state=…` (§4.1.2);
 * - token (§4.1.3 + RFC 7636 §4.6): the code once, the same client and redirect URI, a verifier whose
 *   S256 is the challenge; answers an `id_token`, which argocd-server then accepts as a bearer token
 *   for the signed-in user (util/session: Dex-issued tokens are verified against Dex).
 * Errors as Dex answers them: an HTML error page for authorize, `{"error": …}` JSON for token.
 */
import { createHash, randomBytes } from 'node:crypto';
import type * as http from 'node:http';

const DEX_CLI_CLIENT = 'argo-cd-cli';

interface PendingAuth {
  readonly redirectUri: string;
  readonly state: string;
  readonly challenge: string;
  readonly clientId: string;
}

interface IssuedCode extends PendingAuth {
  used: boolean;
}

export interface SsoUser {
  readonly email: string;
  readonly name: string;
}

export class DexStandIn {
  private readonly pending = new Map<string, PendingAuth>();
  private readonly codes = new Map<string, IssuedCode>();
  /** Sign-ins completed (token issued), in order: who, for which client. */
  readonly logins: Array<{ readonly email: string; readonly clientId: string }> = [];

  constructor(
    /** The person signing in (a Dex connector would ask them who they are). */
    readonly user: SsoUser,
    /** Called with each id_token issued, so the API server accepts it as that user's session. */
    private readonly onToken: (token: string, subject: string) => void,
  ) {}

  /** Serves `/api/dex/…`; `issuer` is `<server url>/api/dex`. */
  async handle(req: http.IncomingMessage, res: http.ServerResponse, subPath: string, query: URLSearchParams, body: string, issuer: string): Promise<void> {
    const method = req.method ?? 'GET';
    if (method === 'GET' && subPath === '/.well-known/openid-configuration') {
      return json(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/auth`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/keys`,
        userinfo_endpoint: `${issuer}/userinfo`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256', 'plain'],
        scopes_supported: ['openid', 'email', 'groups', 'profile', 'offline_access'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
      });
    }
    if (method === 'GET' && subPath === '/auth') return this.authorize(res, query);
    if (method === 'POST' && subPath === '/auth/approve') return this.approve(res, new URLSearchParams(body));
    if (method === 'POST' && subPath === '/token') return this.token(res, new URLSearchParams(body));
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
  }

  private authorize(res: http.ServerResponse, q: URLSearchParams): void {
    const clientId = q.get('client_id') ?? '';
    const redirectUri = q.get('redirect_uri') ?? '';
    const challenge = q.get('code_challenge') ?? '';
    const problem =
      clientId !== DEX_CLI_CLIENT
        ? 'Unregistered redirect_uri or client.'
        : q.get('response_type') !== 'code'
          ? `Unsupported response type "${q.get('response_type') ?? ''}".`
          : !/^https?:|^[a-z][a-z0-9+.-]*:/i.test(redirectUri)
            ? 'Invalid redirect_uri.'
            : q.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge)
              ? 'Invalid code_challenge (S256 required).'
              : !(q.get('scope') ?? '').split(' ').includes('openid')
                ? 'Missing required scope(s) ["openid"].'
                : undefined;
    if (problem) {
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' }).end(`<html><body><h2>Bad Request</h2><p id="error">${escapeHtml(problem)}</p></body></html>`);
      return;
    }
    const req = randomBytes(12).toString('hex');
    this.pending.set(req, { redirectUri, state: q.get('state') ?? '', challenge, clientId });
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
      '<html><head><title>Log in to Argo CD (simulator)</title></head><body>' +
        '<h2>Log in to Argo CD (simulator)</h2>' +
        `<form method="post" action="auth/approve"><input type="hidden" name="req" value="${req}">` +
        `<button id="login" type="submit">Log in as ${escapeHtml(this.user.email)}</button></form></body></html>`,
    );
  }

  private approve(res: http.ServerResponse, form: URLSearchParams): void {
    const pending = this.pending.get(form.get('req') ?? '');
    if (!pending) {
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' }).end('<html><body><p id="error">Invalid or expired login request.</p></body></html>');
      return;
    }
    this.pending.delete(form.get('req') ?? '');
    const code = randomBytes(16).toString('hex');
    this.codes.set(code, { ...pending, used: false });
    const to = new URL(pending.redirectUri);
    to.searchParams.set('code', code);
    to.searchParams.set('state', pending.state);
    res.writeHead(303, { location: to.toString() }).end();
  }

  private token(res: http.ServerResponse, form: URLSearchParams): void {
    if (form.get('grant_type') !== 'authorization_code') return json(res, 400, { error: 'unsupported_grant_type' });
    const issued = this.codes.get(form.get('code') ?? '');
    if (!issued || issued.used) return json(res, 400, { error: 'invalid_grant', error_description: 'Invalid or expired code parameter.' });
    issued.used = true;
    if (form.get('client_id') !== issued.clientId) return json(res, 401, { error: 'invalid_client', error_description: 'Invalid client credentials.' });
    if (form.get('redirect_uri') !== issued.redirectUri) return json(res, 400, { error: 'invalid_request', error_description: 'Redirect URI did not match.' });
    const verifier = form.get('code_verifier') ?? '';
    if (createHash('sha256').update(verifier, 'ascii').digest('base64url') !== issued.challenge) {
      return json(res, 400, { error: 'invalid_grant', error_description: 'Invalid code_verifier.' });
    }
    const now = Math.floor(Date.now() / 1000);
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    // JWT-shaped (header.claims.signature); the stand-in's signature is random, checked by lookup.
    const idToken = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ iss: 'dex', sub: this.user.email, aud: issued.clientId, email: this.user.email, name: this.user.name, iat: now, exp: now + 3600 })}.${randomBytes(32).toString('base64url')}`;
    this.onToken(idToken, this.user.email);
    this.logins.push({ email: this.user.email, clientId: issued.clientId });
    return json(res, 200, { access_token: randomBytes(16).toString('hex'), token_type: 'bearer', expires_in: 3600, id_token: idToken });
  }
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
