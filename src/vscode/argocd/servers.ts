/**
 * The Argo CD servers of the Applications view (issue 16), as one snapshot plus a change event: the
 * contexts of the `argocd` CLI's config file (watched), and servers added from the view. Logins made
 * from the editor (a token typed in, or an SSO login) live in the editor's SecretStorage, never in a
 * setting or the log:
 * - `gitopsLens.argocd.servers`: the added servers (name, URL, insecure), a JSON list;
 * - `gitopsLens.argocd.token:<cluster>`: `{ token, replaces }`, where `replaces` is a digest of the config
 *   file's token the login was made over; once `argocd login` writes another token into the file, the
 *   file's token wins again (the user logged in anew there).
 * The core rules (names, targets) are core/argocd/api/servers.ts.
 */
import { createHash } from 'node:crypto';
import type * as vscode from 'vscode';
import { argoCdServerEntries, type AddedArgoCdServer, type ArgoCdServerEntry } from '../../core/argocd/api/servers';
import type { ArgoCdTarget } from '../../core/argocd/api/endpoint';
import { Emitter, type Disposable, type Event } from '../../core/lifecycle';
import type { Logger } from '../../core/ports';
import type { ArgoCdConfigSource } from '../../infra/argocd/configSource';

const SERVERS_KEY = 'gitopsLens.argocd.servers';
const TOKEN_PREFIX = 'gitopsLens.argocd.token:';

interface StoredLogin {
  readonly token: string;
  /** sha256 of the config file's token this login replaced; '' when there was none (or for added servers). */
  readonly replaces: string;
}

function digest(token: string | undefined): string {
  return token ? createHash('sha256').update(token).digest('hex') : '';
}

function readAdded(raw: string | undefined): AddedArgoCdServer[] {
  if (!raw) return [];
  try {
    const v = JSON.parse(raw) as unknown;
    if (!Array.isArray(v)) return [];
    return v.flatMap((s): AddedArgoCdServer[] => {
      const o = s as Record<string, unknown>;
      return typeof o?.name === 'string' && typeof o.url === 'string' ? [{ name: o.name, url: o.url, insecure: o.insecure === true }] : [];
    });
  } catch {
    return [];
  }
}

function readLogin(raw: string | undefined): StoredLogin | undefined {
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as Record<string, unknown>;
    return typeof v.token === 'string' && v.token !== '' ? { token: v.token, replaces: typeof v.replaces === 'string' ? v.replaces : '' } : undefined;
  } catch {
    return undefined;
  }
}

export interface ArgoCdServersSnapshot {
  readonly entries: readonly ArgoCdServerEntry[];
  /** The argocd config file read, and why it could not be (permissions, YAML), if so. */
  readonly configFile: string;
  readonly configProblem: string | undefined;
  /** False until the first read finished. */
  readonly loaded: boolean;
}

export class ArgoCdServers implements Disposable {
  private readonly _onDidChange = new Emitter<ArgoCdServersSnapshot>();
  readonly onDidChange: Event<ArgoCdServersSnapshot> = this._onDidChange.event;
  private current: ArgoCdServersSnapshot;
  private readonly subscriptions: Disposable[] = [];
  /** Config tokens by cluster, as last read: what a login made now replaces. */
  private configTokens = new Map<string, string | undefined>();
  private generation = 0;

  constructor(
    private readonly config: ArgoCdConfigSource,
    private readonly secrets: vscode.SecretStorage,
    private readonly log: Logger,
  ) {
    // A getter: the file's path is resolved (which looks at the disk) when read, not at activation.
    this.current = {
      entries: [],
      get configFile() {
        return config.path;
      },
      configProblem: undefined,
      loaded: false,
    };
    this.subscriptions.push(config.onDidChange(() => void this.reload()));
    this.subscriptions.push(secrets.onDidChange((e) => (e.key === SERVERS_KEY || e.key.startsWith(TOKEN_PREFIX)) && void this.reload()));
  }

  get snapshot(): ArgoCdServersSnapshot {
    return this.current;
  }

  /** Whether a cluster name is one of these servers (the API clusters of the AppStore). */
  owns(cluster: string): boolean {
    return this.current.entries.some((e) => e.cluster === cluster);
  }

  entry(cluster: string): ArgoCdServerEntry | undefined {
    return this.current.entries.find((e) => e.cluster === cluster);
  }

  target(cluster: string): ArgoCdTarget | undefined {
    return this.entry(cluster)?.target;
  }

  /** Reads the config file and the stored servers and logins; overlapping reloads: the last one wins. */
  async reload(): Promise<ArgoCdServersSnapshot> {
    const gen = ++this.generation;
    const read = await this.config.read();
    const added = readAdded(await this.secrets.get(SERVERS_KEY));
    const config = read.kind === 'read' ? read.config : undefined;
    // Logins stored for every cluster that may exist (config contexts and added servers).
    const logins = new Map<string, StoredLogin | undefined>();
    const probe = argoCdServerEntries({ config, added, storedToken: () => undefined });
    await Promise.all(probe.map(async (e) => logins.set(e.cluster, readLogin(await this.secrets.get(TOKEN_PREFIX + e.cluster)))));
    if (gen !== this.generation) return this.current;
    const configTokens = new Map<string, string | undefined>();
    const entries = argoCdServerEntries({
      config,
      added,
      storedToken: (cluster, configToken) => {
        configTokens.set(cluster, configToken);
        const login = logins.get(cluster);
        if (login === undefined) return undefined;
        // A login from the editor stands until the file holds a token other than the one it replaced.
        return login.replaces === digest(configToken) ? login.token : undefined;
      },
    });
    this.configTokens = configTokens;
    for (const e of entries) if (e.problem) this.log.warn(`[ArgoCdServers][reload] ${e.name}: ${e.problem}`);
    this.current = {
      entries,
      configFile: this.config.path,
      configProblem: read.kind === 'refused' ? read.problem : read.kind === 'read' && read.config.problems.length > 0 ? read.config.problems.map((p) => p.message).join('; ') : undefined,
      loaded: true,
    };
    this.log.info(`[ArgoCdServers][reload] ${entries.length} Argo CD server(s) (${read.kind === 'read' ? read.config.file : `no config at ${this.config.path}`})`);
    this._onDidChange.fire(this.current);
    return this.current;
  }

  /** Adds (or replaces) a server of the view; `token` optional (SSO or a later prompt supplies one). */
  async add(server: AddedArgoCdServer, cluster: string, token: string | undefined): Promise<void> {
    const added = readAdded(await this.secrets.get(SERVERS_KEY)).filter((s) => s.name !== server.name);
    added.push(server);
    if (token !== undefined) await this.secrets.store(TOKEN_PREFIX + cluster, JSON.stringify({ token, replaces: '' } satisfies StoredLogin));
    await this.secrets.store(SERVERS_KEY, JSON.stringify(added));
    await this.reload();
  }

  /** Removes an added server and its login. */
  async remove(name: string, cluster: string): Promise<void> {
    const added = readAdded(await this.secrets.get(SERVERS_KEY)).filter((s) => s.name !== name);
    await this.secrets.delete(TOKEN_PREFIX + cluster);
    await this.secrets.store(SERVERS_KEY, JSON.stringify(added));
    await this.reload();
  }

  /** Keeps a login made in the editor for a server (over the config file's token, while that one stays). */
  async storeLogin(cluster: string, token: string): Promise<void> {
    const replaces = digest(this.configTokens.get(cluster));
    await this.secrets.store(TOKEN_PREFIX + cluster, JSON.stringify({ token, replaces } satisfies StoredLogin));
    await this.reload();
  }

  /** Forgets the editor's login for a server (the config file's token, if any, applies again). */
  async forgetLogin(cluster: string): Promise<void> {
    await this.secrets.delete(TOKEN_PREFIX + cluster);
    await this.reload();
  }

  dispose(): void {
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this._onDidChange.dispose();
  }
}
