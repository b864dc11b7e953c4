/**
 * Forge credentials for the pull-request commands (issue 6).
 *
 * - GitHub and GitHub Enterprise: VS Code's built-in authentication providers `github` and
 *   `github-enterprise` with the `repo` scope (VS Code API `authentication.getSession`), unless the user
 *   stored a token for the host with "GitOps: Set Forge Token" (needed where no GitHub provider exists,
 *   e.g. code-server, and for fine-grained tokens). A session goes only to the host it was issued for
 *   (core/forge/transport githubSessionProvider): github.com's to github.com, the Enterprise one to the
 *   host of the user's `github-enterprise.uri`; any other host mapped to `github` needs its own token.
 * - GitLab, Bitbucket Cloud/Server, Azure DevOps, Gitea/Forgejo: a token in SecretStorage keyed by the
 *   forge host (VS Code API `ExtensionContext.secrets`: encrypted by the OS keychain).
 *
 * A 401 asks for a new token once (or a fresh GitHub session), then fails with the forge's own words.
 * Tokens never reach the log: only hosts and where a credential came from are logged.
 */
import * as vscode from 'vscode';
import { githubSessionProvider } from '../../core/forge/transport';
import { ForgeError, type ForgeCredentials, type ForgeKind, type ForgeRepo } from '../../core/forge/types';
import type { Logger } from '../../core/ports';
import { Cancelled } from '../commands/appArg';
import { readGithubEnterpriseUri } from '../config';

const SECRET_PREFIX = 'gitopsLens.forgeToken:';

import { FORGE_LABELS as FORGE_LABEL } from '../../core/forge/types';
export { FORGE_LABEL };

/** Where each forge's users create a token, shown in the prompt. */
const TOKEN_HINT: Record<ForgeKind, string> = {
  github: 'a personal access token with the repo scope',
  'github-enterprise': 'a personal access token with the repo scope',
  gitlab: 'a personal, group or project access token with the api scope',
  'bitbucket-cloud': 'a repository/workspace access token (or an app password with your user name)',
  'bitbucket-server': 'an HTTP access token with repository write permission',
  'azure-devops': 'a personal access token with Code (Read & Write) scope',
  gitea: 'an access token with the write:repository scope',
};

interface StoredToken {
  readonly token: string;
  readonly username?: string;
}

/** Where a credential came from, so that a 401 knows what to renew. */
type Source = 'secret' | 'session';

export interface CredentialOptions {
  /** false: never prompt (command arguments from a test or another extension). */
  readonly interactive: boolean;
}

/** `vscode.authentication.getSession`, replaceable where a test needs a session without signing in. */
export type GetSession = (providerId: string, scopes: readonly string[], options: vscode.AuthenticationGetSessionOptions) => Thenable<vscode.AuthenticationSession | undefined>;

export interface ForgeAuthOptions {
  readonly getSession?: GetSession;
  /** The `github-enterprise.uri` the Enterprise session is for (default: config.ts readGithubEnterpriseUri). */
  readonly githubEnterpriseUri?: () => string | undefined;
}

export class ForgeAuth {
  private readonly getSession: GetSession;
  private readonly enterpriseUri: () => string | undefined;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: Logger,
    opts: ForgeAuthOptions = {},
  ) {
    this.getSession = opts.getSession ?? ((id, scopes, o) => vscode.authentication.getSession(id, scopes, o));
    this.enterpriseUri = opts.githubEnterpriseUri ?? readGithubEnterpriseUri;
  }

  /** The credentials for `repo`, prompting (when interactive) if none are known. */
  async credentials(repo: Pick<ForgeRepo, 'kind' | 'host'>, opts: CredentialOptions): Promise<ForgeCredentials> {
    return (await this.resolve(repo, opts)).creds;
  }

  /**
   * Runs `fn` with the credentials for `repo`. When the forge answers 401 (ForgeError code `auth`),
   * asks once for a new token (or a new GitHub session) and retries; a second 401 fails with the
   * forge's message.
   */
  async withCredentials<T>(repo: Pick<ForgeRepo, 'kind' | 'host'>, opts: CredentialOptions, fn: (creds: ForgeCredentials) => Promise<T>): Promise<T> {
    const first = await this.resolve(repo, opts);
    try {
      return await fn(first.creds);
    } catch (err) {
      if (!(err instanceof ForgeError) || err.code !== 'auth' || !opts.interactive) throw err;
      this.log.warn(`[Auth][withCredentials] ${repo.host} rejected the ${first.source === 'session' ? 'GitHub session' : 'stored token'} (${err.status ?? 401})`);
      const renewed = await this.renew(repo, first.source, err);
      return fn(renewed);
    }
  }

  async hasToken(host: string): Promise<boolean> {
    return (await this.read(host)) !== undefined;
  }

  async setToken(host: string, token: string, username?: string): Promise<void> {
    const value: StoredToken = username ? { token, username } : { token };
    await this.secrets.store(secretKey(host), JSON.stringify(value));
    this.log.info(`[Auth][setToken] stored a token for ${normalizeHost(host)}`);
  }

  async forget(host: string): Promise<boolean> {
    const had = (await this.read(host)) !== undefined;
    await this.secrets.delete(secretKey(host));
    this.log.info(`[Auth][forget] ${had ? 'removed the token' : 'no token was stored'} for ${normalizeHost(host)}`);
    return had;
  }

  /** Asks for a token (and a user name where the forge may need one) and stores it. */
  async promptToken(repo: Pick<ForgeRepo, 'kind' | 'host'>, reason?: string): Promise<ForgeCredentials> {
    const label = FORGE_LABEL[repo.kind];
    const token = await vscode.window.showInputBox({
      title: `${label} token for ${repo.host}`,
      prompt: `${reason ? `${reason} ` : ''}Paste ${TOKEN_HINT[repo.kind]}. It is kept in VS Code's secret storage.`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() === '' ? 'Enter a token' : /\s/.test(v.trim()) ? 'A token has no spaces' : undefined),
    });
    if (token === undefined) throw new Cancelled();
    let username: string | undefined;
    if (repo.kind === 'bitbucket-cloud' || repo.kind === 'bitbucket-server' || repo.kind === 'gitea') {
      const u = await vscode.window.showInputBox({
        title: `${label} user name for ${repo.host}`,
        prompt: 'Leave empty for an access token; an app password or basic-auth token needs your user name.',
        ignoreFocusOut: true,
      });
      if (u === undefined) throw new Cancelled();
      username = u.trim() || undefined;
    }
    await this.setToken(repo.host, token.trim(), username);
    return username ? { token: token.trim(), username } : { token: token.trim() };
  }

  private async resolve(repo: Pick<ForgeRepo, 'kind' | 'host'>, opts: CredentialOptions): Promise<{ creds: ForgeCredentials; source: Source }> {
    // A token the user stored explicitly wins over an implicit session.
    const stored = await this.read(repo.host);
    if (stored) {
      this.log.debug(`[Auth][credentials] stored token for ${repo.host}`);
      return { creds: stored, source: 'secret' };
    }
    const provider = githubSessionProvider(repo, this.enterpriseUri());
    if (provider) {
      const session = await this.githubSession(provider, { silent: true });
      if (session) return { creds: { token: session.accessToken }, source: 'session' };
      if (opts.interactive) {
        const choice = await vscode.window.showInformationMessage(
          `GitOps Lens needs access to ${repo.host} to open a pull request.`,
          { modal: true },
          'Sign in with GitHub',
          'Enter a Token',
        );
        if (choice === 'Sign in with GitHub') {
          const s = await this.githubSession(provider, { createIfNone: true });
          if (s) return { creds: { token: s.accessToken }, source: 'session' };
        } else if (choice === 'Enter a Token') {
          return { creds: await this.promptToken(repo), source: 'secret' };
        } else {
          throw new Cancelled();
        }
      }
    } else if (opts.interactive) {
      return { creds: await this.promptToken(repo), source: 'secret' };
    }
    throw new ForgeError(
      'auth',
      `No ${FORGE_LABEL[repo.kind]} token for ${repo.host}. Run "GitOps: Set Forge Token" to add one.`,
    );
  }

  private async renew(repo: Pick<ForgeRepo, 'kind' | 'host'>, source: Source, err: ForgeError): Promise<ForgeCredentials> {
    const words = err.forgeMessage ? `${repo.host} said: "${err.forgeMessage}".` : `${repo.host} rejected the credentials.`;
    const provider = githubSessionProvider(repo, this.enterpriseUri());
    if (source === 'session' && provider) {
      const s = await this.githubSession(provider, { forceNewSession: { detail: words } });
      if (s) return { token: s.accessToken };
      throw err;
    }
    return this.promptToken(repo, words);
  }

  private async githubSession(
    provider: 'github' | 'github-enterprise',
    options: vscode.AuthenticationGetSessionOptions,
  ): Promise<vscode.AuthenticationSession | undefined> {
    try {
      // `repo` is the classic OAuth scope for pushing and opening pull requests on private repositories.
      return await this.getSession(provider, ['repo'], options);
    } catch (e) {
      // No such provider (code-server, VS Code for the Web without GitHub) or the user declined.
      this.log.debug(`[Auth][githubSession] ${provider} session unavailable: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  private async read(host: string): Promise<StoredToken | undefined> {
    const raw = await this.secrets.get(secretKey(host));
    if (!raw) return undefined;
    try {
      const v = JSON.parse(raw) as Partial<StoredToken>;
      if (typeof v.token !== 'string' || v.token === '') return undefined;
      return typeof v.username === 'string' && v.username !== '' ? { token: v.token, username: v.username } : { token: v.token };
    } catch {
      return undefined;
    }
  }
}

export function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');
}

function secretKey(host: string): string {
  return SECRET_PREFIX + normalizeHost(host);
}
