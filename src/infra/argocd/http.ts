/**
 * HTTP(S) to one Argo CD server, bounded in bytes and time, with failures typed where they enter
 * (ArgoCdError). Node's http/https rather than fetch: `insecure` (skip certificate verification only
 * when the argocd config says so), extra certificate authorities and client certificates are TLS
 * options of the connection, which global fetch does not take.
 *
 * Redirects are never followed: a token must not travel to wherever a proxy points, and Argo CD's REST
 * API does not redirect; a 3xx is reported as "not Argo CD" (a sign-in proxy in front of it).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import { ArgoCdError } from '../../core/argocd/api/errors';
import { tokenTransportProblem, type ArgoCdTarget } from '../../core/argocd/api/endpoint';

export interface ArgoCdHttpLimits {
  /** Bytes of one answer (a list of thousands of apps with their status runs to tens of MiB). */
  readonly maxResponseBytes: number;
  /** Bytes of one line of a stream (one application event). */
  readonly maxLineBytes: number;
  /** Time for a whole unary call. */
  readonly requestTimeoutMs: number;
  /** Time to connect (TCP and TLS) and receive the response headers of a stream. */
  readonly connectTimeoutMs: number;
}

export const DEFAULT_ARGOCD_LIMITS: ArgoCdHttpLimits = {
  maxResponseBytes: 256 * 1024 * 1024,
  maxLineBytes: 16 * 1024 * 1024,
  requestTimeoutMs: 30_000,
  connectTimeoutMs: 15_000,
};

export interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
}

export interface RequestOptions {
  readonly query?: URLSearchParams;
  readonly body?: unknown;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** Node error codes of a failed TLS handshake or certificate check (openssl verify codes and Node's own). */
const TLS_CODES = /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|ERR_TLS_|ERR_SSL_|EPROTO$|HOSTNAME_MISMATCH|INVALID_CA|ERR_OSSL)/;

export class ArgoCdHttp {
  private readonly agent: http.Agent;
  private readonly base: URL;
  private readonly insecureProblem: string | undefined;

  constructor(
    readonly target: ArgoCdTarget,
    readonly limits: ArgoCdHttpLimits = DEFAULT_ARGOCD_LIMITS,
  ) {
    this.base = new URL(target.baseUrl);
    this.insecureProblem = tokenTransportProblem(target);
    this.agent =
      this.base.protocol === 'https:'
        ? new https.Agent({
            keepAlive: true,
            rejectUnauthorized: !target.insecure,
            // Extra authorities are added to the system's, as Argo CD's BestEffortSystemCertPool does.
            ...(target.certificateAuthority ? { ca: [...tls.rootCertificates, target.certificateAuthority] } : {}),
            ...(target.clientCertificate ? { cert: target.clientCertificate.cert, key: target.clientCertificate.key } : {}),
          })
        : new http.Agent({ keepAlive: true });
  }

  /** The URL of an API path (`/api/v1/...`) under the server's root path. */
  url(apiPath: string, query?: URLSearchParams): URL {
    const u = new URL(this.base.href.replace(/\/$/, '') + apiPath);
    if (query && [...query.keys()].length > 0) u.search = query.toString();
    return u;
  }

  /** One unary call; the whole body is read (bounded) whatever the status. */
  request(method: 'GET' | 'POST', apiPath: string, opts: RequestOptions = {}): Promise<RawResponse> {
    const timeoutMs = opts.timeoutMs ?? this.limits.requestTimeoutMs;
    const refused = this.refusal();
    if (refused) return Promise.reject(refused);
    const req = this.open(method, apiPath, opts);
    return readWholeAnswer(req, opts.body === undefined ? undefined : JSON.stringify(opts.body), {
      timeoutMs,
      maxBytes: this.limits.maxResponseBytes,
      timeout: () => new ArgoCdError('Timeout', `${this.target.name}: Argo CD did not answer within ${Math.round(timeoutMs / 1000)} s (${method} ${apiPath})`),
      tooLarge: () => new ArgoCdError('TooLarge', `${this.target.name}: the answer to ${method} ${apiPath} is larger than ${mib(this.limits.maxResponseBytes)}; not read`),
      transport: (err) => this.transportError(err, method, apiPath),
      cut: () => new ArgoCdError('Unreachable', `${this.target.name}: the connection closed in the middle of the answer to ${method} ${apiPath}`),
    });
  }

  /**
   * A streaming GET. `onHead` sees the status and headers first; a non-2xx stream is read whole
   * (bounded) and handed to `onHead` as text so the caller can type the error. Then every line goes to
   * `onLine`. Resolves when the server ends the stream, rejects on a transport failure or a bound, and
   * resolves quietly when `signal` aborts.
   */
  stream(
    apiPath: string,
    query: URLSearchParams,
    handlers: { onHead(status: number, headers: http.IncomingHttpHeaders, errorText?: string): void; onLine(line: string): void },
    signal: AbortSignal,
  ): Promise<void> {
    const refused = this.refusal();
    if (refused) return Promise.reject(refused);
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const done = (err?: ArgoCdError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(headTimer);
        signal.removeEventListener('abort', onAbort);
        req.destroy();
        if (err) reject(err);
        else resolve();
      };
      const onAbort = (): void => done();
      if (signal.aborted) return resolve();
      signal.addEventListener('abort', onAbort);
      const req = this.open('GET', apiPath, { query });
      req.on('error', (err) => done(this.transportError(err, 'GET', apiPath)));
      const headTimer = setTimeout(
        () => done(new ArgoCdError('Timeout', `${this.target.name}: Argo CD did not start the stream ${apiPath} within ${Math.round(this.limits.connectTimeoutMs / 1000)} s`)),
        this.limits.connectTimeoutMs,
      );
      req.on('response', (res) => {
        clearTimeout(headTimer);
        const status = res.statusCode ?? 0;
        const max = this.limits.maxLineBytes;
        let pending: Buffer[] = [];
        let pendingBytes = 0;
        const isError = status < 200 || status >= 300;
        let errorBytes = 0;
        res.on('data', (chunk: Buffer) => {
          if (settled) return;
          if (isError) {
            errorBytes += chunk.length;
            if (errorBytes <= 64 * 1024) pending.push(chunk);
            return;
          }
          let start = 0;
          for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
            const part = chunk.subarray(start, nl);
            if (pendingBytes + part.length > max) return done(this.lineTooLarge(apiPath));
            const line = pendingBytes === 0 ? part.toString('utf8') : Buffer.concat([...pending, part]).toString('utf8');
            pending = [];
            pendingBytes = 0;
            start = nl + 1;
            try {
              if (line.trim() !== '') handlers.onLine(line);
            } catch (err) {
              return done(err instanceof ArgoCdError ? err : new ArgoCdError('Unknown', err instanceof Error ? err.message : String(err)));
            }
            if (settled) return;
          }
          const rest = chunk.subarray(start);
          if (pendingBytes + rest.length > max) return done(this.lineTooLarge(apiPath));
          if (rest.length > 0) {
            pending.push(rest);
            pendingBytes += rest.length;
          }
        });
        res.on('end', () => {
          if (settled) return;
          try {
            if (isError) handlers.onHead(status, res.headers, Buffer.concat(pending).toString('utf8'));
            else if (pendingBytes > 0) handlers.onLine(Buffer.concat(pending).toString('utf8'));
          } catch (err) {
            return done(err instanceof ArgoCdError ? err : new ArgoCdError('Unknown', err instanceof Error ? err.message : String(err)));
          }
          done();
        });
        res.on('error', (err) => done(signal.aborted ? undefined : this.transportError(err, 'GET', apiPath)));
        res.on('aborted', () => done(signal.aborted ? undefined : new ArgoCdError('Unreachable', `${this.target.name}: the stream ${apiPath} was cut`)));
        if (!isError) {
          try {
            handlers.onHead(status, res.headers);
          } catch (err) {
            done(err instanceof ArgoCdError ? err : new ArgoCdError('Unknown', err instanceof Error ? err.message : String(err)));
          }
        }
      });
      req.end();
    });
  }

  dispose(): void {
    this.agent.destroy();
  }

  /** Nothing is sent when the token would cross the network in clear text; checked before any connection. */
  private refusal(): ArgoCdError | undefined {
    return this.insecureProblem ? new ArgoCdError('Insecure', `${this.target.name}: ${this.insecureProblem}`) : undefined;
  }

  private open(method: string, apiPath: string, opts: RequestOptions): http.ClientRequest {
    const url = this.url(apiPath, opts.query);
    const headers: http.OutgoingHttpHeaders = { accept: 'application/json', 'user-agent': 'gitops-lens' };
    if (this.target.token) headers.authorization = `Bearer ${this.target.token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(url, { method, headers, agent: this.agent, signal: opts.signal });
    req.on('socket', (s) => s.setKeepAlive(true, 30_000));
    return req;
  }

  private transportError(err: Error, method: string, apiPath: string): ArgoCdError {
    if (err instanceof ArgoCdError) return err;
    const code = (err as NodeJS.ErrnoException).code ?? '';
    const where = `${this.target.name} (${this.base.origin})`;
    if (code === 'ABORT_ERR') return new ArgoCdError('Timeout', `${where}: ${method} ${apiPath} was cancelled`);
    if (TLS_CODES.test(code) || /certificate|SSL routines|wrong version number/i.test(err.message)) {
      return new ArgoCdError('Tls', `${where}: the TLS connection failed: ${err.message} (${code}). ${tlsHint(code, err.message)}`);
    }
    if (code === 'ETIMEDOUT') return new ArgoCdError('Timeout', `${where}: the connection timed out`);
    return new ArgoCdError('Unreachable', `${where}: ${code || err.message}${code && err.message && !err.message.includes(code) ? ` (${err.message})` : ''}`);
  }

  private lineTooLarge(apiPath: string): ArgoCdError {
    return new ArgoCdError('TooLarge', `${this.target.name}: one event of the stream ${apiPath} is larger than ${mib(this.limits.maxLineBytes)}; the stream was closed`);
  }
}

/** How one bounded unary call reads its answer, with each failure typed by the caller. */
interface AnswerBounds {
  readonly timeoutMs: number;
  readonly maxBytes: number;
  timeout(): ArgoCdError;
  tooLarge(): ArgoCdError;
  transport(err: Error): ArgoCdError;
  /** The connection closed before the answer ended. */
  cut(): ArgoCdError;
}

/**
 * Sends `req` with `body` and reads the whole answer, whatever the status, within the bounds: the
 * first failure wins, destroys the request and clears the timer. Shared by the API calls and the
 * sign-in provider's calls (sso.ts).
 */
export function readWholeAnswer(req: http.ClientRequest, body: string | undefined, bounds: AnswerBounds): Promise<RawResponse> {
  return new Promise<RawResponse>((resolve, reject) => {
    let settled = false;
    const fail = (e: ArgoCdError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(e);
    };
    const timer = setTimeout(() => fail(bounds.timeout()), bounds.timeoutMs);
    req.on('error', (err) => fail(bounds.transport(err)));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > bounds.maxBytes) fail(bounds.tooLarge());
        else chunks.push(c);
      });
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', (err) => fail(bounds.transport(err)));
      res.on('aborted', () => fail(bounds.cut()));
    });
    req.end(body);
  });
}

function tlsHint(code: string, message: string): string {
  if (/SELF_SIGNED|UNABLE_TO_GET_ISSUER|UNABLE_TO_VERIFY|INVALID_CA/.test(code)) {
    return 'The server\'s certificate is not signed by an authority this machine trusts: add the authority as certificate-authority-data in the argocd config, or, if you accept the risk, log in with `argocd login --insecure` (insecure: true).';
  }
  if (/ALTNAME|HOSTNAME/.test(code)) return 'The certificate is for another host name: use the name the certificate names.';
  if (/EXPIRED|NOT_YET_VALID/.test(code)) return 'The certificate is outside its validity period.';
  if (/wrong version number|EPROTO|ERR_SSL/i.test(`${code} ${message}`)) return 'The port does not speak TLS: if the server is plain HTTP (argocd-server --insecure), log in with --plain-text.';
  return '';
}

function mib(n: number): string {
  return `${Math.round(n / 1024 / 1024)} MiB`;
}
