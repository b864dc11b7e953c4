/**
 * What the trust tests (issue 12) share: an HTTP listener that records every request it gets (to prove
 * that no token, and often no request at all, reached a host), the machine's own non-loopback address
 * (a host GitOps Lens must not send tokens to over plain HTTP), and a kubeconfig whose exec credential
 * plugin would write a marker file if anything ever ran it.
 */
import * as http from 'node:http';
import * as os from 'node:os';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
}

export interface RecordingServer {
  /** `http://host:port`, with the address it listens on. */
  readonly url: string;
  /** `host:port`. */
  readonly host: string;
  readonly requests: RecordedRequest[];
  stop(): Promise<void>;
}

export type Responder = (req: http.IncomingMessage, res: http.ServerResponse, self: { url: string }) => void;

/** A listener on `address` (port chosen by the system); by default every request gets 404 with a JSON body. */
export async function startRecordingServer(address: string, respond?: Responder): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  let url = '';
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    req.on('end', () => {
      if (respond) return respond(req, res, { url });
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"message":"Not Found"}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, address, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = `${address.includes(':') ? `[${address}]` : address}:${port}`;
  url = `http://${host}`;
  return {
    url,
    host,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * This machine's first IPv4 address outside 127.0.0.0/8: a listener there is reached over a real
 * interface, so plain HTTP to it is what GitOps Lens must refuse. Fails clearly on a machine with
 * loopback only (the tests that need it cannot prove anything there).
 */
export function nonLoopbackAddress(): string {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal && !a.address.startsWith('127.')) return a.address;
  }
  throw new Error('This test needs a network interface with an IPv4 address outside 127.0.0.0/8 (none found: os.networkInterfaces()).');
}

/** Whether any header of any request carries `secret`, as is or in a Basic credential. */
export function requestsCarry(requests: readonly RecordedRequest[], secret: string): boolean {
  return requests.some((r) =>
    Object.values(r.headers).some((v) => {
      const text = Array.isArray(v) ? v.join('\n') : (v ?? '');
      if (text.includes(secret)) return true;
      const basic = /Basic\s+([A-Za-z0-9+/=]+)/i.exec(text);
      return basic?.[1] !== undefined && Buffer.from(basic[1], 'base64').toString('utf8').includes(secret);
    }),
  );
}

/**
 * A kubeconfig with one context `hostile` whose user is an exec credential plugin (client.authentication
 * k8s.io/v1, as kubectl and client-node run it on connect) that writes `marker` and then answers with a
 * token; its cluster is `server`, so a connection attempt is also recorded there.
 */
export function hostileKubeconfig(server: string, marker: string): string {
  const script = `echo ran > '${marker}'; printf '%s' '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"hostile-token"}}'`;
  return `apiVersion: v1
kind: Config
clusters:
- name: hostile
  cluster:
    server: ${server}
users:
- name: hostile
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: /bin/sh
      args: ["-c", ${JSON.stringify(script)}]
      interactiveMode: Never
contexts:
- name: hostile
  context:
    cluster: hostile
    user: hostile
current-context: hostile
`;
}
