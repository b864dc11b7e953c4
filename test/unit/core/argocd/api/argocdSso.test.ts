/**
 * Argo CD SSO (issue 16) against the Argo CD stand-in's bundled Dex (test/sim/argocd/dex.ts): the
 * product's discovery, authorization URL, callback reading and PKCE code exchange, with the browser's
 * part (showing the sign-in page, pressing its button, following the redirect) played by plain HTTPS
 * requests. The token the login yields is then a session the API accepts.
 */
import * as assert from 'node:assert/strict';
import * as https from 'node:https';
import type { ArgoCdTarget } from '../../../../../src/core/argocd/api/endpoint';
import { ArgoCdError } from '../../../../../src/core/argocd/api/errors';
import { authorizeUrl, readCallback, tokenClaims } from '../../../../../src/core/argocd/api/sso';
import { ArgoCdClient } from '../../../../../src/infra/argocd/client';
import { discoverSso, exchangeCode, pkcePair, stateNonce } from '../../../../../src/infra/argocd/sso';
import { GUESTBOOK_APP } from '../../../../fixtures/gitops/argocdApi';
import { startArgoCdSim, type ArgoCdSim } from '../../../../sim/argocd/argocd';

const REDIRECT = 'vscode://gitops-lens.gitops-lens/argocd/sso';

/** One HTTPS request as a browser makes it (trusting the stand-in's CA), without following redirects. */
function browser(sim: ArgoCdSim, method: 'GET' | 'POST', url: string, form?: string): Promise<{ status: number; text: string; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, ca: sim.caPem, headers: form ? { 'content-type': 'application/x-www-form-urlencoded' } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, ...(res.headers.location ? { location: res.headers.location } : {}) }));
    });
    req.on('error', reject);
    req.end(form);
  });
}

/** Shows the sign-in page and presses "Log in": returns the redirect the browser is sent to. */
async function answerLogin(sim: ArgoCdSim, authorize: string): Promise<URL> {
  const page = await browser(sim, 'GET', authorize);
  assert.equal(page.status, 200, page.text);
  const req = /name="req" value="([0-9a-f]+)"/.exec(page.text)?.[1];
  const action = /action="([^"]+)"/.exec(page.text)?.[1];
  assert.ok(req && action, `no login form: ${page.text}`);
  const posted = await browser(sim, 'POST', new URL(action, authorize).toString(), new URLSearchParams({ req }).toString());
  assert.equal(posted.status, 303);
  assert.ok(posted.location);
  return new URL(posted.location);
}

describe('Argo CD SSO (PKCE) against the stand-in Dex', function () {
  this.timeout(30_000);
  let sim: ArgoCdSim;
  let target: ArgoCdTarget;

  before(async () => {
    sim = await startArgoCdSim({ apps: [GUESTBOOK_APP] });
    sim.server.enableSso({ email: 'dev@example.test', name: 'Dev' });
    target = { name: 'sim', baseUrl: sim.url, insecure: false, certificateAuthority: sim.caPem, token: undefined, grpcWeb: false };
  });
  after(() => sim.stop());

  it('signs in: settings → Dex discovery → browser → code + verifier → a token the API accepts', async () => {
    const provider = await discoverSso(target);
    assert.equal(provider.client.via, 'dex');
    assert.equal(provider.client.clientId, 'argo-cd-cli');
    assert.equal(provider.endpoints.authorizationEndpoint, `${sim.url}/api/dex/auth`);
    const pkce = pkcePair();
    const state = stateNonce();
    const url = authorizeUrl({ client: provider.client, endpoints: provider.endpoints, redirectUri: REDIRECT, state, codeChallenge: pkce.challenge });
    const back = await answerLogin(sim, url);
    assert.equal(`${back.protocol}//${back.host}${back.pathname}`, REDIRECT);
    const cb = readCallback(back.searchParams, state);
    assert.ok('code' in cb, JSON.stringify(cb));
    const tokens = await exchangeCode(target, provider, { code: cb.code, verifier: pkce.verifier, redirectUri: REDIRECT });
    assert.equal(tokenClaims(tokens.idToken)?.who, 'dev@example.test');
    const client = new ArgoCdClient({ ...target, token: tokens.idToken });
    try {
      assert.deepEqual((await client.listApplications()).items.map((a) => (a.metadata as { name: string }).name), ['guestbook']);
    } finally {
      client.dispose();
    }
    assert.deepEqual(sim.server.violations, []);
  });

  it('refuses a code exchanged with another verifier, and a code used twice', async () => {
    const provider = await discoverSso(target);
    const pkce = pkcePair();
    const state = stateNonce();
    const back = await answerLogin(sim, authorizeUrl({ client: provider.client, endpoints: provider.endpoints, redirectUri: REDIRECT, state, codeChallenge: pkce.challenge }));
    const cb = readCallback(back.searchParams, state);
    assert.ok('code' in cb);
    await assert.rejects(exchangeCode(target, provider, { code: cb.code, verifier: pkcePair().verifier, redirectUri: REDIRECT }), (e: unknown) => e instanceof ArgoCdError && /code_verifier/.test(e.message));
    await assert.rejects(exchangeCode(target, provider, { code: cb.code, verifier: pkce.verifier, redirectUri: REDIRECT }), (e: unknown) => e instanceof ArgoCdError && /Invalid or expired code/.test(e.message));
  });

  it('a redirect answering another login (state mismatch) is not taken', async () => {
    const provider = await discoverSso(target);
    const back = await answerLogin(sim, authorizeUrl({ client: provider.client, endpoints: provider.endpoints, redirectUri: REDIRECT, state: stateNonce(), codeChallenge: pkcePair().challenge }));
    assert.ok('problem' in readCallback(back.searchParams, stateNonce()));
  });

  it('says SSO is not configured when the server has neither OIDC nor Dex', async () => {
    const plain = await startArgoCdSim();
    try {
      await assert.rejects(
        discoverSso({ name: 'plain', baseUrl: plain.url, insecure: false, certificateAuthority: plain.caPem, token: undefined, grpcWeb: false }),
        (e: unknown) => e instanceof ArgoCdError && /not configured for single sign-on/.test(e.message),
      );
    } finally {
      await plain.stop();
    }
  });
});
