/**
 * Argo CD single sign-on, the way `argocd login --sso` does it (argo-cd cmd/argocd/commands/login.go
 * `oauth2Login`, pkg/apiclient/apiclient.go `OIDCConfig`): the server's public settings
 * (`GET /api/v1/settings`, clusterSettings in assets/swagger.json) name the OpenID Connect provider —
 * an external one (`oidcConfig`: issuer, the CLI's client id or the UI's) or Argo CD's bundled Dex
 * (`dexConfig` with connectors: issuer `<url>/api/dex`, client `argo-cd-cli`); its discovery document
 * gives the endpoints; the login is the authorization code flow with PKCE (RFC 7636, S256), a state
 * nonce checked on return, and the `id_token` of the token answer is the Argo CD token.
 *
 * Pure: the HTTP calls and the randomness are src/infra/argocd/sso.ts; the browser and the redirect
 * back into the editor are src/vscode/argocd/sso.ts.
 */
import { isLoopbackHost } from '../../forge/transport';
import { isRecord } from '../../json';

/** argo-cd common/common.go ArgoCDCLIClientAppID: Dex's public client for the CLI. */
const DEX_CLI_CLIENT_ID = 'argo-cd-cli';
/** common.DexAPIEndpoint. */
const DEX_API_ENDPOINT = '/api/dex';
/** util/oidc/oidc.go GetScopesOrDefault. */
const DEFAULT_SCOPES: readonly string[] = ['openid', 'profile', 'email', 'groups'];
/** common.DexFederatedScope: Dex then tells Argo CD which connector the user came through. */
const DEX_FEDERATED_SCOPE = 'federated:id';

/** The provider and client a login uses. */
export interface SsoClient {
  readonly issuer: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** Dex: skip its connector choice (dexConfig.dexAuthConnectorID, sent as `connector_id`). */
  readonly connectorId?: string;
  /** Where the provider lives: Argo CD's bundled Dex (behind argocd-server) or an external provider. */
  readonly via: 'dex' | 'oidc';
  /** The provider's display name from the settings (`oidcConfig.name`), for the prompt. */
  readonly displayName?: string;
}

/**
 * The SSO client from `/api/v1/settings`, as apiclient.OIDCConfig picks it: an external issuer first,
 * else Dex when it has connectors; `serverUrl` (the API base URL) stands in for `url` when the
 * settings do not name the server's external URL.
 */
export function ssoClientOf(settings: unknown, serverUrl: string): { readonly client: SsoClient } | { readonly problem: string } {
  if (!isRecord(settings)) return { problem: 'the Argo CD settings answer is not an object' };
  const oidc = isRecord(settings.oidcConfig) ? settings.oidcConfig : undefined;
  const str = (o: Record<string, unknown> | undefined, k: string): string => (o && typeof o[k] === 'string' ? (o[k] as string).trim() : '');
  const scopesOf = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && s !== '') : []);
  if (str(oidc, 'issuer') !== '') {
    const clientId = str(oidc, 'cliClientID') || str(oidc, 'clientID');
    if (clientId === '') return { problem: 'the Argo CD OIDC configuration names no client id (oidc.config clientID / cliClientID)' };
    const scopes = scopesOf(oidc?.scopes);
    const name = str(oidc, 'name');
    return { client: { issuer: str(oidc, 'issuer'), clientId, scopes: scopes.length > 0 ? scopes : DEFAULT_SCOPES, via: 'oidc', ...(name ? { displayName: name } : {}) } };
  }
  const dex = isRecord(settings.dexConfig) ? settings.dexConfig : undefined;
  if (dex && Array.isArray(dex.connectors) && dex.connectors.length > 0) {
    const base = (str(settings, 'url') || serverUrl).replace(/\/+$/, '');
    const connector = str(dex, 'dexAuthConnectorID');
    return {
      client: { issuer: `${base}${DEX_API_ENDPOINT}`, clientId: DEX_CLI_CLIENT_ID, scopes: [...DEFAULT_SCOPES, DEX_FEDERATED_SCOPE], via: 'dex', ...(connector ? { connectorId: connector } : {}) },
    };
  }
  return { problem: 'this Argo CD is not configured for single sign-on (no oidc.config and no Dex connector in argocd-cm); log in with a token instead' };
}

/** What a login needs from the provider's discovery document (OpenID Connect Discovery 1.0 §3). */
export interface ProviderEndpoints {
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  /** `offline_access` is asked for when supported, as apiclient.OIDCConfig does (a refresh token). */
  readonly offlineAccess: boolean;
}

/** An endpoint URL a login may go to: https anywhere, plain http only on this machine (codes and tokens cross it). */
export function endpointProblem(raw: string, what: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `the provider's ${what} "${raw.slice(0, 200)}" is not a URL`;
  }
  if (url.username || url.password) return `the provider's ${what} carries credentials`;
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
  return `the provider's ${what} ${url.origin} is not HTTPS: a login code or token would cross the network in clear text`;
}

/**
 * The discovery document, checked: the issuer must be the one asked for (§4.3, "MUST be identical"),
 * the endpoints usable, and the code flow supported (util/oidc InferGrantType: without `code` in
 * response_types_supported the CLI falls back to the implicit flow, which GitOps Lens does not do).
 */
export function readDiscovery(doc: unknown, issuer: string): { readonly endpoints: ProviderEndpoints } | { readonly problem: string } {
  if (!isRecord(doc)) return { problem: 'the provider\'s discovery document is not an object' };
  const trim = (s: string): string => s.replace(/\/+$/, '');
  if (typeof doc.issuer !== 'string' || trim(doc.issuer) !== trim(issuer)) {
    return { problem: `the provider's discovery document names issuer "${String(doc.issuer).slice(0, 200)}", not "${issuer}"` };
  }
  const auth = doc.authorization_endpoint;
  const token = doc.token_endpoint;
  if (typeof auth !== 'string' || typeof token !== 'string') return { problem: 'the provider\'s discovery document has no authorization or token endpoint' };
  const bad = endpointProblem(auth, 'authorization endpoint') ?? endpointProblem(token, 'token endpoint');
  if (bad) return { problem: bad };
  const types = Array.isArray(doc.response_types_supported) ? doc.response_types_supported : [];
  if (!types.includes('code')) return { problem: 'the provider does not offer the authorization code flow (only the implicit flow, which GitOps Lens does not use)' };
  const scopes = Array.isArray(doc.scopes_supported) ? doc.scopes_supported : undefined;
  // util/oidc OfflineAccess: scopes_supported is only recommended; without it, assume offline_access.
  return { endpoints: { authorizationEndpoint: auth, tokenEndpoint: token, offlineAccess: scopes === undefined || scopes.includes('offline_access') } };
}

export interface AuthorizeRequest {
  readonly client: SsoClient;
  readonly endpoints: ProviderEndpoints;
  readonly redirectUri: string;
  readonly state: string;
  readonly codeChallenge: string;
}

/** The authorization URL (RFC 6749 §4.1.1 with RFC 7636 §4.3), as oauth2.Config.AuthCodeURL builds it. */
export function authorizeUrl(req: AuthorizeRequest): string {
  const url = new URL(req.endpoints.authorizationEndpoint);
  const scopes = [...req.client.scopes, ...(req.endpoints.offlineAccess && !req.client.scopes.includes('offline_access') ? ['offline_access'] : [])];
  url.searchParams.set('client_id', req.client.clientId);
  url.searchParams.set('redirect_uri', req.redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', scopes.join(' '));
  url.searchParams.set('state', req.state);
  // oauth2.AccessTypeOffline, as the CLI asks.
  url.searchParams.set('access_type', 'offline');
  url.searchParams.set('code_challenge', req.codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  if (req.client.connectorId) url.searchParams.set('connector_id', req.client.connectorId);
  return url.toString();
}

/**
 * The redirect back (the query of the URI the provider sent the browser to): the code, or why there is
 * none. The state must be the one sent (RFC 6749 §10.12), else the answer belongs to another login.
 */
export function readCallback(query: URLSearchParams, expectedState: string): { readonly code: string } | { readonly problem: string } {
  const error = query.get('error');
  if (error) {
    const desc = query.get('error_description');
    return { problem: `the sign-in was refused: ${error.slice(0, 100)}${desc ? `: ${desc.slice(0, 300)}` : ''}` };
  }
  if (query.get('state') !== expectedState) return { problem: 'the sign-in answer does not belong to this login (state mismatch); start again' };
  const code = query.get('code');
  if (!code) return { problem: 'the sign-in answer carries no authorization code' };
  return { code };
}

/** The token endpoint's answer: Argo CD takes the `id_token` as its bearer token (login.go oauth2Login). */
export function readTokenAnswer(body: unknown): { readonly idToken: string; readonly refreshToken?: string } | { readonly problem: string } {
  if (!isRecord(body)) return { problem: 'the token answer is not a JSON object' };
  if (typeof body.error === 'string') {
    return { problem: `the provider refused the code: ${body.error.slice(0, 100)}${typeof body.error_description === 'string' ? `: ${body.error_description.slice(0, 300)}` : ''}` };
  }
  if (typeof body.id_token !== 'string' || body.id_token === '') return { problem: 'no id_token in the token answer' };
  return { idToken: body.id_token, ...(typeof body.refresh_token === 'string' && body.refresh_token !== '' ? { refreshToken: body.refresh_token } : {}) };
}

export interface TokenClaims {
  /** Who the token is for, for the "signed in as" line: email, name, else subject. */
  readonly who?: string;
  /** Expiry, Unix seconds. */
  readonly exp?: number;
  readonly iss?: string;
}

/**
 * The claims of a JWT, read without checking the signature (Argo CD checks it; this only names the user
 * and the expiry, as login.go does with ParseUnverified). Undefined for anything that is not a JWT.
 */
export function tokenClaims(token: string): TokenClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[1]!.length > 64 * 1024) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(base64UrlDecode(parts[1]!));
  } catch {
    return undefined;
  }
  if (!isRecord(payload)) return undefined;
  const s = (k: string): string | undefined => (typeof payload[k] === 'string' && payload[k] !== '' ? (payload[k] as string).slice(0, 200) : undefined);
  const who = s('email') ?? s('name') ?? s('preferred_username') ?? s('sub');
  const exp = typeof payload.exp === 'number' && Number.isFinite(payload.exp) ? payload.exp : undefined;
  const iss = s('iss');
  return { ...(who ? { who } : {}), ...(exp !== undefined ? { exp } : {}), ...(iss ? { iss } : {}) };
}

function base64UrlDecode(s: string): string {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) throw new Error('not base64url');
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4);
  const bin = atob(b64);
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** PKCE's verifier alphabet (RFC 7636 §4.1 unreserved characters), as login.go draws it. */
export const PKCE_VERIFIER_CHARSET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';

