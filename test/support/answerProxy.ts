/**
 * A Kubernetes API server that answers something else than what was asked: a plain HTTP proxy in
 * front of the simulator that forwards chosen GET paths to another path (a per-object GET answered
 * with the collection, as a crafted name, a broken proxy or a hostile server would), or answers them
 * with a body of the test's own. Everything else
 * passes through unchanged, headers included. It states facts only: it never interprets objects.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { servingCert } from '../sim/k8s/tlsCert';
import type { AddressInfo } from 'node:net';
import * as YAML from 'yaml';

export interface AnswerProxy {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** Paths the proxy was asked for, in order. */
  readonly requests: string[];
  /** A kubeconfig whose one context reaches the simulator through the proxy. */
  kubeconfig(contextName: string, token: string): string;
  stop(): Promise<void>;
}

/**
 * `rewrite(pathname)` returns the path to forward instead, or undefined to pass it through;
 * `answer(pathname)` a JSON body to answer a GET with directly (status 200), or undefined.
 */
export async function startAnswerProxy(
  upstream: string,
  rewrite: (pathname: string) => string | undefined,
  answer: (pathname: string) => unknown = () => undefined,
): Promise<AnswerProxy> {
  const target = new URL(upstream);
  const requests: string[] = [];
  // TLS, as an API server speaks it: kubectl and GitOps Lens send no token to a plain-http server.
  const server = https.createServer(servingCert(), (req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    requests.push(url.pathname);
    const body = req.method === 'GET' ? answer(url.pathname) : undefined;
    if (body !== undefined) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
      return;
    }
    const forwarded = req.method === 'GET' ? rewrite(url.pathname) : undefined;
    const up = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: `${forwarded ?? url.pathname}${url.search}`, headers: { ...req.headers, host: target.host } },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    kubeconfig: (contextName, token) =>
      YAML.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: contextName, cluster: { server: url, 'certificate-authority-data': Buffer.from(servingCert().cert).toString('base64') } }],
        users: [{ name: contextName, user: { token } }],
        contexts: [{ name: contextName, context: { cluster: contextName, user: contextName } }],
        'current-context': contextName,
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
