/**
 * Argo CD through its API in the editor (issue 16), put together: the servers (argocd CLI config +
 * added ones, logins in SecretStorage), their streams feeding the one AppStore, the API-preferred merge
 * (an app seen through a kubeconfig context and through the API is listed once), the resource trees
 * loaded when an app is expanded, the managed-resources live side of the lenses, and the one prompt for
 * a rejected login. Built by composition.ts; the Applications view reads it as an ApiServersView.
 */
import * as vscode from 'vscode';
import { userMessage } from '../../core/text';
import { ArgoCdError, unauthorizedMessage } from '../../core/argocd/api/errors';
import { LoginPrompts } from '../../core/argocd/api/loginPrompts';
import { ArgoCdManagedLive, automatedSync } from '../../core/argocd/api/managedLive';
import { ApiPreferredApps } from '../../core/argocd/api/mergedApps';
import { API_CLUSTER_PREFIX, clusterLabel, type ArgoCdServerEntry } from '../../core/argocd/api/servers';
import { ApiResourceTrees } from '../../core/argocd/api/treeStore';
import { DisposableStore, type Disposable, type Event } from '../../core/lifecycle';
import type { App, AppKey } from '../../core/model/app';
import type { Clock, LiveObjectReader, Logger } from '../../core/ports';
import type { AppStore } from '../../core/store/appStore';
import { ArgoCdApiSource, k8sErrorOfArgoCd } from '../../infra/argocd/apiSource';
import { appRefOf, type AppRef, type ArgoCdClient } from '../../infra/argocd/client';
import type { ArgoCdConfigSource } from '../../infra/argocd/configSource';
import type { ApiServersView, AppTreeNode } from '../views/applicationsTree';
import { isAppNode, type ApplicationsTreeProvider } from '../views/applicationsTree';
import { Cancelled, UserError } from '../commands/appArg';
import { ArgoCdConnections } from './connections';
import { ArgoCdEventsDocuments } from './eventsDocuments';
import { ArgoCdServers } from './servers';
import { ArgoCdSso } from './sso';

export interface ArgoCdApiDeps {
  readonly apps: AppStore;
  readonly config: ArgoCdConfigSource;
  readonly secrets: vscode.SecretStorage;
  readonly clock: Clock;
  readonly log: Logger;
}

/**
 * Whether an AppStore cluster is an Argo CD server reached through the API. By name (`argocd:<context>`,
 * servers.ts), so that it holds before the server list is read and after a server was removed.
 */
function isApiCluster(cluster: string): boolean {
  return cluster.startsWith(API_CLUSTER_PREFIX);
}

export class ArgoCdApi implements ApiServersView, Disposable {
  private readonly disposables = new DisposableStore();
  readonly servers: ArgoCdServers;
  readonly connections: ArgoCdConnections;
  readonly merged: ApiPreferredApps;
  readonly trees: ApiResourceTrees;
  readonly managedLive: ArgoCdManagedLive;
  readonly onDidChangeServers: Event<unknown>;
  readonly onDidChangeHidden: Event<void>;
  private readonly prompts = new LoginPrompts();
  /** SSO logins (PKCE in the browser); registered as the extension's URI handler by composition. */
  readonly sso: ArgoCdSso;
  /** The documents of Show Events. */
  readonly events: ArgoCdEventsDocuments;
  /** Apps whose node is expanded: their tree is read again when they change. */
  private readonly expanded = new Set<AppKey>();
  private loaded: Promise<unknown> | undefined;

  constructor(private readonly deps: ArgoCdApiDeps) {
    const { apps, log } = deps;
    this.servers = this.disposables.add(new ArgoCdServers(deps.config, deps.secrets, log));
    this.sso = this.disposables.add(new ArgoCdSso(log));
    this.events = this.disposables.add(new ArgoCdEventsDocuments());
    this.connections = this.disposables.add(
      new ArgoCdConnections(this.servers, apps, () => new ArgoCdApiSource({ target: (c) => this.servers.target(c), clock: deps.clock, log }), log),
    );
    this.merged = this.disposables.add(new ApiPreferredApps(apps, isApiCluster));
    // Readers go through the started server's client: nothing is read from a server not connected.
    this.trees = this.disposables.add(
      new ApiResourceTrees(async (app) => {
        const { client, ref } = this.clientFor(app);
        return client.resourceTree(ref);
      }),
    );
    this.managedLive = new ArgoCdManagedLive({
      apps: (cluster) => apps.all().filter((a) => a.cluster === cluster),
      read: async (app) => {
        const { client, ref } = this.clientFor(app);
        return client.managedResources(ref);
      },
      errorOf: (err) => (err instanceof ArgoCdError ? k8sErrorOfArgoCd(err) : undefined),
    });
    this.onDidChangeServers = this.servers.onDidChange;
    this.onDidChangeHidden = this.merged.onDidChange;
    apps.onDidChange(
      (change) => {
        for (const c of change.clusters) if (isApiCluster(c)) this.observeLogin(c);
        for (const key of change.removed) {
          this.expanded.delete(key);
          this.trees.forget(key);
        }
        for (const key of change.updated) if (this.expanded.has(key)) this.loadTree(key);
      },
      undefined,
      this.disposables,
    );
    this.servers.onDidChange(
      (snap) => {
        for (const c of apps.clusterNames()) if (isApiCluster(c) && !snap.entries.some((e) => e.cluster === c)) this.prompts.forget(c);
      },
      undefined,
      this.disposables,
    );
  }

  /** Reads the server list (first time) and connects to every usable server; idempotent. */
  activate(): Promise<unknown> {
    this.loaded ??= this.servers.reload().catch((err: unknown) => this.deps.log.error('[ArgoCdApi][activate] reading the Argo CD servers failed', err));
    this.connections.activate();
    return this.loaded;
  }

  /** The refresh command: reads the server list again and relists every server. */
  restartAll(): void {
    if (this.loaded === undefined) {
      void this.activate();
      return;
    }
    this.connections.restartAll();
    void this.servers.reload();
  }

  /** The expand and "children listed" events of the Applications view load resource trees of API apps. */
  attachView(tree: ApplicationsTreeProvider, view: vscode.TreeView<AppTreeNode>): void {
    this.disposables.add(view.onDidExpandElement((e) => isAppNode(e.element) && isApiCluster(e.element.cluster) && this.expand(e.element.key)));
    this.disposables.add(view.onDidCollapseElement((e) => isAppNode(e.element) && this.expanded.delete(e.element.key)));
    this.disposables.add(tree.onDidRequestApiTree((key) => this.expand(key)));
  }

  // ---- ApiServersView ------------------------------------------------------------------------------

  serverEntries(): readonly ArgoCdServerEntry[] {
    return this.servers.snapshot.entries;
  }

  isApi(cluster: string): boolean {
    return isApiCluster(cluster);
  }

  hidden(key: AppKey): boolean {
    return this.merged.hidden(key);
  }

  shown(key: AppKey): AppKey {
    return this.merged.shown(key);
  }

  manualSync(key: AppKey): boolean {
    return !automatedSync(this.deps.apps.raw(key));
  }

  // ---- what commands and lenses use ----------------------------------------------------------------

  /** The live side of the lenses: Argo CD's normalized live state for API servers, the cluster otherwise. */
  liveReader(kube: LiveObjectReader): LiveObjectReader {
    return { get: (cluster, ref) => (isApiCluster(cluster) ? this.managedLive.get(cluster, ref) : kube.get(cluster, ref)) };
  }

  /**
   * Show Live YAML of a GitOps object: for API servers, the object as Argo CD last sent it on the stream
   * (its API serves no Kubernetes GET for it), else the cluster's.
   */
  objectReader(kube: LiveObjectReader): LiveObjectReader {
    return {
      get: async (cluster, ref) => {
        if (!isApiCluster(cluster)) return kube.get(cluster, ref);
        const app = this.deps.apps.all().find((a) => a.cluster === cluster && a.kind === ref.kind && a.namespace === ref.namespace && a.name === ref.name);
        const raw = app && this.deps.apps.raw(app.key);
        if (raw === undefined) throw new UserError(`Argo CD ${this.nameOf(cluster)} sent no ${ref.kind} ${ref.namespace}/${ref.name}.`);
        return raw;
      },
    };
  }

  /** The client of the app's server and the app's address in its API; a UserError when not connected. */
  clientFor(app: App): { readonly client: ArgoCdClient; readonly ref: AppRef } {
    const client = this.connections.client(app.cluster);
    if (client === undefined) throw new UserError(`Argo CD server ${this.nameOf(app.cluster)} is not connected.`);
    const ref = appRefOf(this.deps.apps.raw(app.key));
    if (ref === undefined) throw new UserError(`${app.name}: the Application object as Argo CD sent it has no name.`);
    return { client, ref };
  }

  /** The server's name for an API cluster (`argocd:<context>`), any other cluster as named. */
  nameOf(cluster: string): string {
    return clusterLabel(this.servers.snapshot.entries, cluster);
  }

  /**
   * Asks for a token for a server (its login expired, or none was ever given) and keeps it in
   * SecretStorage; the server reconnects with it. Tokens are never logged.
   */
  async login(cluster: string): Promise<void> {
    const entry = this.servers.entry(cluster);
    if (entry === undefined) throw new UserError(`No Argo CD server is configured as ${this.nameOf(cluster)}.`);
    const how = await vscode.window.showQuickPick(
      [
        { label: 'Sign in with SSO in the browser', detail: 'Argo CD\'s OIDC or Dex login (PKCE); the browser sends you back to the editor.', sso: true },
        { label: 'Enter a token', detail: 'argocd account generate-token, or a token from the web UI.', sso: false },
      ],
      { title: `Log in to Argo CD ${entry.name}`, ignoreFocusOut: true },
    );
    if (how === undefined) throw new Cancelled();
    if (how.sso) return this.ssoLogin(cluster);
    const token = await vscode.window.showInputBox({
      title: `Log in to Argo CD ${entry.name}`,
      prompt: `An Argo CD token for ${entry.address} (argocd account generate-token, or the argocd.token cookie after signing in to the web UI). Kept in the editor's secret storage.`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() === '' ? 'Enter a token' : /\s/.test(v.trim()) ? 'A token has no spaces' : undefined),
    });
    if (token === undefined) throw new Cancelled();
    await this.servers.storeLogin(cluster, token.trim());
    this.prompts.forget(cluster);
    // The fingerprint changed with the token: ArgoCdConnections restarts the server on the reload.
    this.connections.restart(cluster);
    this.deps.log.info(`[ArgoCdApi][login] ${entry.name}: new login stored`);
  }

  /** SSO (vscode/argocd/sso.ts): the token is the provider's id_token, stored like a typed one. */
  async ssoLogin(cluster: string): Promise<void> {
    const entry = this.servers.entry(cluster);
    // The server's address and TLS settings, without the login being replaced.
    const target = entry?.target;
    if (entry === undefined || target === undefined) throw new UserError(`Argo CD server ${this.nameOf(cluster)} cannot be used as configured${entry?.problem ? `: ${entry.problem}` : ''}.`);
    const result = await this.sso.login(target);
    await this.servers.storeLogin(cluster, result.token);
    this.prompts.forget(cluster);
    this.connections.restart(cluster);
    void vscode.window.showInformationMessage(userMessage(`signed in to Argo CD ${entry.name}${result.who ? ` as ${result.who}` : ''}.`));
  }

  dispose(): void {
    this.expanded.clear();
    this.disposables.dispose();
  }

  // ---- internals -----------------------------------------------------------------------------------

  private expand(key: AppKey): void {
    this.expanded.add(key);
    this.loadTree(key);
  }

  private loadTree(key: AppKey): void {
    const app = this.deps.apps.get(key);
    if (app === undefined || !isApiCluster(app.cluster)) return;
    void this.trees.load(app);
  }

  /** "An expired token asks once" (loginPrompts.ts). */
  private observeLogin(cluster: string): void {
    const err = this.connections.lastError(cluster);
    const entry = this.servers.entry(cluster);
    const unauthorized = err?.code === 'Unauthorized' ? { expired: err.expired === true, hadToken: entry?.token !== 'none' } : undefined;
    const due = this.prompts.observe(cluster, this.deps.apps.status(cluster).connection, unauthorized);
    if (due === undefined) return;
    const name = this.nameOf(cluster);
    // Not awaited: the store's event must not wait for the user.
    void vscode.window.showWarningMessage(userMessage(unauthorizedMessage(name, due.expired, due.hadToken)), 'Log In').then((choice) => {
      if (choice !== 'Log In') return;
      this.login(cluster).catch((e: unknown) => {
        if (!(e instanceof Cancelled)) this.deps.log.error(`[ArgoCdApi][login] ${name}`, e);
      });
    });
  }
}
