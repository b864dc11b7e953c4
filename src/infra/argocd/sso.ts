/**
 * The network and randomness of an Argo CD SSO login (the rules are core/argocd/api/sso.ts): the
 * server's public settings, the provider's discovery document, the PKCE pair and state nonce, and the
 * exchange of the code for tokens. Modelled on `argocd login --sso` (argo-cd cmd/argocd/commands/
 * login.go oauth2Login: a 43-character verifier from the unreserved alphabet, S256 challenge, a
 * 24-character state). Bounded like every outside answer; redirects are never followed.
 */
import { createHash, randomInt } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import { ArgoCdError } from '../../core/argocd/api/errors';
import type { ArgoCdTarget } from '../../core/argocd/api/endpoint';
import { PKCE_VERIFIER_CHARSET, endpointProblem, readDiscovery, readTokenAnswer, ssoClientOf, type ProviderEndpoints, type SsoClient } from '../../core/argocd/api/sso';
import { ArgoCdHttp, readWholeAnswer } from './http';

/** Answers of settings, discovery and token calls are small; anything larger is not theirs. */
const MAX_ANSWER_BYTES = 1024 * 1024;
const TIMEOUT_MS = 20_000;

function randomString(length: number, charset: string): string {
  let out = '';
  for (let i = 0; i < length; i++) out += charset[randomInt(charset.length)];
  return out;
}

/** RFC 7636 §4.2: BASE64URL(SHA256(ASCII(verifier))). */
function codeChallengeS256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export interface PkcePair {
  readonly verifier: string;
  readonly challenge: string;
}

export function pkcePair(): PkcePair {
  const verifier = randomString(43, PKCE_VERIFIER_CHARSET);
  return { verifier, challenge: codeChallengeS256(verifier) };
}

/** A state nonce: 24 letters, about 2^136 possibilities (login.go: "must be guessable with probability <= 2^(-128)"). */
export function stateNonce(): string {
  return randomString(24, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz');
}

export interface SsoProvider {
  readonly client: SsoClient;
  readonly endpoints: ProviderEndpoints;
}

/**
 * The provider a server's SSO logins go to: its public settings (no token sent; argocd-server serves
 * them to anyone, server/settings/settings.go AuthFuncOverride), then the issuer's discovery document.
 * Rejects with an ArgoCdError naming what is wrong.
 */
export async function discoverSso(target: ArgoCdTarget): Promise<SsoProvider> {
  const anonymous: ArgoCdTarget = { ...target, token: undefined };
  const api = new ArgoCdHttp(anonymous);
  let settings: unknown;
  try {
    const res = await api.request('GET', '/api/v1/settings');
    if (res.status !== 200) throw new ArgoCdError(res.status === 404 ? 'NotArgoCd' : 'Server', `${target.name}: the Argo CD settings were answered ${res.status}`, res.status);
    settings = parseJson(res.text, `${target.name}: the Argo CD settings are not JSON`);
  } finally {
    api.dispose();
  }
  const c = ssoClientOf(settings, target.baseUrl);
  if ('problem' in c) throw new ArgoCdError('Rejected', `${target.name}: ${c.problem}`);
  const discoveryUrl = `${c.client.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const bad = endpointProblem(discoveryUrl, 'issuer');
  if (bad) throw new ArgoCdError('Insecure', `${target.name}: ${bad}`);
  const res = await request(target, 'GET', discoveryUrl);
  if (res.status !== 200) throw new ArgoCdError('Unreachable', `${target.name}: the sign-in provider ${new URL(discoveryUrl).origin} answered ${res.status} to its discovery document`, res.status);
  const d = readDiscovery(parseJson(res.text, `${target.name}: the sign-in provider's discovery document is not JSON`), c.client.issuer);
  if ('problem' in d) throw new ArgoCdError('Rejected', `${target.name}: ${d.problem}`);
  return { client: c.client, endpoints: d.endpoints };
}

/**
 * RFC 6749 §4.1.3 with RFC 7636 §4.5: the code, the verifier and the same redirect URI, for a public
 * client (client_id in the body, no secret). The `id_token` of the answer is the Argo CD token.
 */
export async function exchangeCode(
  target: ArgoCdTarget,
  provider: SsoProvider,
  req: { readonly code: string; readonly verifier: string; readonly redirectUri: string },
): Promise<{ readonly idToken: string; readonly refreshToken?: string }> {
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code: req.code,
    redirect_uri: req.redirectUri,
    client_id: provider.client.clientId,
    code_verifier: req.verifier,
  }).toString();
  const res = await request(target, 'POST', provider.endpoints.tokenEndpoint, body);
  let parsed: unknown;
  try {
    parsed = JSON.parse(res.text);
  } catch {
    parsed = undefined;
  }
  const answer = readTokenAnswer(parsed);
  if ('problem' in answer) throw new ArgoCdError(res.status === 401 || res.status === 400 ? 'Rejected' : 'Unknown', `${target.name}: ${answer.problem}`, res.status);
  if (res.status !== 200) throw new ArgoCdError('Unknown', `${target.name}: the token endpoint answered ${res.status}`, res.status);
  return answer;
}

function parseJson(text: string, problem: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ArgoCdError('NotArgoCd', problem);
  }
}

/**
 * One bounded call to the provider. The Argo CD server's TLS settings (its authority, `insecure`) apply
 * to the provider only on the server's own origin (the bundled Dex is served by argocd-server); an
 * external provider is checked against the system's authorities.
 */
async function request(target: ArgoCdTarget, method: 'GET' | 'POST', rawUrl: string, form?: string): Promise<{ readonly status: number; readonly text: string }> {
  const url = new URL(rawUrl);
  const sameOrigin = url.origin === new URL(target.baseUrl).origin;
  const headers: http.OutgoingHttpHeaders = { accept: 'application/json', 'user-agent': 'gitops-lens' };
  if (form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    headers['content-length'] = Buffer.byteLength(form);
  }
  const tlsOptions: https.RequestOptions =
    url.protocol === 'https:' && sameOrigin
      ? {
          rejectUnauthorized: !target.insecure,
          ...(target.certificateAuthority ? { ca: [...tls.rootCertificates, target.certificateAuthority] } : {}),
          ...(target.clientCertificate ? { cert: target.clientCertificate.cert, key: target.clientCertificate.key } : {}),
        }
      : {};
  const mod = url.protocol === 'https:' ? https : http;
  const provider = `${target.name}: the sign-in provider ${url.origin}`;
  const res = await readWholeAnswer(mod.request(url, { method, headers, ...tlsOptions }), form, {
    timeoutMs: TIMEOUT_MS,
    maxBytes: MAX_ANSWER_BYTES,
    timeout: () => new ArgoCdError('Timeout', `${provider} did not answer within ${TIMEOUT_MS / 1000} s`),
    tooLarge: () => new ArgoCdError('TooLarge', `${target.name}: the sign-in provider's answer is larger than 1 MiB`),
    transport: (err) => {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      const isTls = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO/.test(code);
      return new ArgoCdError(isTls ? 'Tls' : 'Unreachable', `${provider}: ${code || err.message}${isTls ? ` (${err.message})` : ''}`);
    },
    cut: () => new ArgoCdError('Unreachable', `${provider}: the connection closed in the middle of the answer`),
  });
  if (res.status >= 300 && res.status < 400) {
    throw new ArgoCdError('NotArgoCd', `${target.name}: the sign-in provider answered with a redirect (${res.status}); GitOps Lens does not follow redirects with login codes`, res.status);
  }
  return res;
}
