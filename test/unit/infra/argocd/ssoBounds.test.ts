/**
 * The sign-in provider is outside input like any other: its token endpoint's answer is bounded in size,
 * a redirect is refused (login codes never follow one), and a connection cut in the middle of the
 * answer is reported as such. A hostile provider on loopback plays each answer.
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ArgoCdError } from '../../../../src/core/argocd/api/errors';
import { exchangeCode, type SsoProvider } from '../../../../src/infra/argocd/sso';

type Answer = (res: http.ServerResponse) => void;

describe('SSO provider answers are bounded', () => {
  let server: http.Server;
  let answer: Answer = (res) => res.end('{}');
  let base = '';
  before(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => answer(res));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  const target = { name: 'prod', baseUrl: 'https://argocd.invalid', insecure: false, grpcWeb: false };
  const provider = (): SsoProvider => ({
    client: { issuer: base, clientId: 'argo-cd-cli', scopes: ['openid'], location: 'external' } as unknown as SsoProvider['client'],
    endpoints: { authorizationEndpoint: `${base}/auth`, tokenEndpoint: `${base}/token`, offlineAccess: false },
  });
  const exchange = () => exchangeCode(target, provider(), { code: 'c', verifier: 'v', redirectUri: 'http://localhost:8085/auth/callback' });
  const rejectsWith = (code: string, message: RegExp) => (e: unknown) => e instanceof ArgoCdError && e.code === code && message.test(e.message);

  it('takes a token answer', async () => {
    answer = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id_token: 'header.payload.sig' }));
    assert.equal((await exchange()).idToken, 'header.payload.sig');
  });

  it('refuses an answer over 1 MiB without reading it all', async () => {
    answer = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    };
    await assert.rejects(exchange(), rejectsWith('TooLarge', /larger than 1 MiB/));
  });

  it('refuses a redirect', async () => {
    answer = (res) => res.writeHead(302, { location: 'http://elsewhere.invalid/token' }).end();
    await assert.rejects(exchange(), rejectsWith('NotArgoCd', /redirect \(302\)/));
  });

  it('reports a connection cut in the middle of the answer', async () => {
    answer = (res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"id_token":');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    await assert.rejects(exchange(), (e: unknown) => e instanceof ArgoCdError && e.code === 'Unreachable' && /sign-in provider/.test(e.message));
  });
});
