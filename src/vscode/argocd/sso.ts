/**
 * Argo CD SSO in the editor (issue 16): the OpenID Connect login of `argocd login --sso` (core and infra
 * sso.ts), with the browser opened by `vscode.env.openExternal` and the provider redirecting back into
 * the editor through this extension's URI handler (`<uriScheme>://gitops-lens.gitops-lens/argocd/sso`,
 * turned by `vscode.env.asExternalUri` into what the host can receive: the same URI on the desktop, the
 * workbench's `/callback` page in VS Code for the Web and code-server). The redirect URI is the one
 * the provider must accept for the client Argo CD names (oidc.config cliClientID); the prompt shows it.
 *
 * Codes and tokens are never logged; the login waits at most five minutes and can be cancelled.
 */
import * as vscode from 'vscode';
import { userMessage } from '../../core/text';
import type { ArgoCdTarget } from '../../core/argocd/api/endpoint';
import { authorizeUrl, readCallback, tokenClaims } from '../../core/argocd/api/sso';
import type { Logger } from '../../core/ports';
import { discoverSso, exchangeCode, pkcePair, stateNonce } from '../../infra/argocd/sso';
import { Cancelled, UserError } from '../commands/appArg';

/** Our id from package.json (`publisher.name`): the authority of URIs the editor hands to us. */
const EXTENSION_ID = 'gitops-lens.gitops-lens';
const SSO_CALLBACK_PATH = '/argocd/sso';
const LOGIN_TIMEOUT_MS = 5 * 60_000;

export interface SsoLoginResult {
  readonly token: string;
  /** Who signed in (email or name from the token), for the message. */
  readonly who?: string;
}

export class ArgoCdSso implements vscode.UriHandler, vscode.Disposable {
  /** Logins waiting for their redirect, by state nonce. */
  private readonly pending = new Map<string, (query: URLSearchParams) => void>();

  constructor(private readonly log: Logger) {}

  /** The editor hands us `…/argocd/sso?code=…&state=…` when the provider redirected the browser back. */
  handleUri(uri: vscode.Uri): void {
    if (uri.path !== SSO_CALLBACK_PATH) {
      this.log.warn(`[ArgoCdSso][handleUri] ignored a URI for ${uri.path.slice(0, 100)}`);
      return;
    }
    const query = new URLSearchParams(uri.query);
    const waiting = this.pending.get(query.get('state') ?? '');
    if (!waiting) {
      this.log.warn('[ArgoCdSso][handleUri] a sign-in answer arrived that no login is waiting for (finished, cancelled, or from another window)');
      void vscode.window.showWarningMessage(userMessage('an Argo CD sign-in answer arrived, but no sign-in is waiting for it. Start the sign-in again.'));
      return;
    }
    waiting(query);
  }

  /** The redirect URI the provider sends the browser back to, as this editor host can receive it. */
  async redirectUri(): Promise<string> {
    const own = vscode.Uri.parse(`${vscode.env.uriScheme}://${EXTENSION_ID}${SSO_CALLBACK_PATH}`);
    return (await vscode.env.asExternalUri(own)).toString(true);
  }

  /** Signs in to the server in the browser; resolves with the Argo CD token (the id_token). */
  async login(target: ArgoCdTarget): Promise<SsoLoginResult> {
    const provider = await discoverSso(target);
    const pkce = pkcePair();
    const state = stateNonce();
    const redirectUri = await this.redirectUri();
    const url = authorizeUrl({ client: provider.client, endpoints: provider.endpoints, redirectUri, state, codeChallenge: pkce.challenge });
    this.log.info(`[ArgoCdSso][login] ${target.name}: signing in at ${new URL(provider.endpoints.authorizationEndpoint).origin} (${provider.client.via === 'dex' ? 'Argo CD Dex' : provider.client.displayName ?? 'OIDC'}, client ${provider.client.clientId}); redirect ${new URL(redirectUri).origin}`);
    const query = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Signing in to Argo CD ${target.name} in the browser…`, cancellable: true },
      (_progress, cancel) =>
        new Promise<URLSearchParams>((resolve, reject) => {
          const done = (): void => {
            this.pending.delete(state);
            clearTimeout(timer);
            sub.dispose();
          };
          const timer = setTimeout(() => {
            done();
            reject(new UserError(`The Argo CD sign-in for ${target.name} was not completed within 5 minutes.`));
          }, LOGIN_TIMEOUT_MS);
          const sub = cancel.onCancellationRequested(() => {
            done();
            reject(new Cancelled());
          });
          this.pending.set(state, (q) => {
            done();
            resolve(q);
          });
          // A string, not a vscode.Uri: a Uri re-encodes the query on the way (the `&` and `=` inside the
          // encoded redirect_uri would split it); ExtHostWindow.openUri takes a string as it is.
          void vscode.env.openExternal(url as unknown as vscode.Uri).then((opened) => {
            if (!opened) {
              done();
              reject(new UserError(`The browser could not be opened for the Argo CD sign-in of ${target.name}.`));
            }
          });
        }),
    );
    const cb = readCallback(query, state);
    if ('problem' in cb) throw new UserError(`${target.name}: ${cb.problem}`);
    const tokens = await exchangeCode(target, provider, { code: cb.code, verifier: pkce.verifier, redirectUri });
    const who = tokenClaims(tokens.idToken)?.who;
    this.log.info(`[ArgoCdSso][login] ${target.name}: signed in${who ? ` as ${who}` : ''}`);
    return { token: tokens.idToken, ...(who ? { who } : {}) };
  }

  dispose(): void {
    this.pending.clear();
  }
}
