/**
 * The environments of the workspace's repositories for the editor (issue 19), as a snapshot the
 * Applications view reads synchronously (STYLE.md rule 5): per repository that is a clone of a live
 * app's source, the environment map (infra/env/environments.ts RepoEnvironments, the CLI's same code,
 * rule 16) fed by the AppStore's apps, and what each environment has not applied yet (core/env/
 * pending.ts over git). Work happens on AppStore changes, debounced, never while a view renders; a
 * repository is scanned once and its map rebuilt from new live apps (`withLive`) without reading it
 * again. Nothing runs in Restricted Mode: pending reads git, and compare/promote run kustomize/helm.
 */
import * as vscode from 'vscode';
import type { Disposable } from '../../core/lifecycle';
import type { PendingInfo } from '../../core/env/pending';
import type { Environment, EnvironmentGroup } from '../../core/env/types';
import type { RepositoryDiscovery } from '../../core/git/ports';
import type { App, AppKey } from '../../core/model/app';
import type { LiveObjectReader, Logger } from '../../core/ports';
import type { AppStore } from '../../core/store/appStore';
import { jsonEqual } from '../../core/json';
import { RepoEnvironments } from '../../infra/env/environments';
import { GitCliHistory } from '../../infra/env/gitHistory';
import { withAppliedRevisions } from '../../infra/env/liveApps';
import type { Renderer } from '../../infra/render/renderer';
import { cloneOfSources, foldersOf } from '../commands/openPullRequest';

/** One app's environments as the tree shows them. */
export interface AppEnvironments {
  readonly root: string;
  readonly group: EnvironmentGroup;
  /** The environment this app is. */
  readonly self: Environment;
  /** By environment id; absent while git is read. */
  readonly pending: ReadonlyMap<string, PendingInfo>;
}

export interface EnvironmentSource {
  forApp(key: AppKey): AppEnvironments | undefined;
  readonly onDidChange: (listener: () => void) => { dispose(): void };
}

interface Loaded {
  envs: RepoEnvironments;
  pending: Map<string, PendingInfo>;
}

/**
 * How long AppStore changes are gathered before the maps are rebuilt: watch events come in bursts, and
 * a rebuild reads OutOfSync Argo CD apps once each and runs git per environment.
 */
const DEBOUNCE_MS = 1_000;

export class EnvironmentIndex implements EnvironmentSource, Disposable {
  private readonly _onDidChange = new vscode.EventEmitter<void>();
  readonly onDidChange = this._onDidChange.event;
  private readonly disposables: Disposable[] = [this._onDidChange];
  private readonly loaded = new Map<string, Loaded>();
  /** Repositories outside the workspace folders that a command was run on: their apps show environments too. */
  private readonly tracked = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(
    private readonly deps: {
      readonly apps: AppStore;
      readonly repos: RepositoryDiscovery;
      readonly reader: LiveObjectReader;
      readonly renderer: Renderer;
      readonly log: Logger;
    },
  ) {
    deps.apps.onDidChange(() => this.schedule(), this, this.disposables);
    this.disposables.push(vscode.workspace.onDidChangeWorkspaceFolders(() => this.schedule()));
  }

  forApp(key: AppKey): AppEnvironments | undefined {
    for (const [root, l] of this.loaded) {
      for (const group of l.envs.map.groups) {
        const self = group.environments.find((e) => e.app.key === key);
        if (self) return { root, group, self, pending: l.pending };
      }
    }
    return undefined;
  }

  /** The repository holding a clone of the app's source, among the workspace folders (or `folders`). */
  rootOf(app: App, folders?: readonly string[]): string | undefined {
    return cloneOfSources(this.deps.repos, folders ?? [...foldersOf(), ...this.tracked], app)?.workspace.root;
  }

  /** Shows the environments of `root` (a clone outside the workspace folders) from the next rebuild on. */
  track(root: string): void {
    if (this.tracked.has(root)) return;
    this.tracked.add(root);
    this.schedule();
  }

  /**
   * A fresh scan of `root` with the clusters' apps, for a command (compare, promote): the files as they
   * are now, not as the tree's snapshot read them.
   */
  async fresh(root: string): Promise<RepoEnvironments> {
    this.track(root);
    const live = await withAppliedRevisions(this.deps.apps.all(), this.deps.reader);
    return RepoEnvironments.load(root, { renderer: this.deps.renderer, history: new GitCliHistory(root), live });
  }

  /** Rebuilds now (tests, Refresh); resolves when the snapshot is updated. */
  refresh(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.running = this.running.then(() => this.rebuild()).catch((err: unknown) => this.deps.log.warn(`[Environments][refresh] ${err instanceof Error ? err.message : String(err)}`));
    return this.running;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.loaded.clear();
  }

  private schedule(): void {
    if (this.disposed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), DEBOUNCE_MS);
  }

  private async rebuild(): Promise<void> {
    if (this.disposed || !vscode.workspace.isTrusted) return;
    const apps = this.deps.apps.all().filter((a) => a.role === 'app');
    const roots = new Set<string>();
    // Only apps deployed from a workspace repository are read again (their applied revisions).
    const fromRepos: App[] = [];
    for (const app of apps) {
      const r = this.rootOf(app);
      if (r) {
        roots.add(r);
        fromRepos.push(app);
      }
    }
    let dropped = false;
    for (const r of [...this.loaded.keys()]) if (!roots.has(r)) dropped = this.loaded.delete(r) || dropped;
    if (roots.size === 0) {
      // Nothing to show, as before: no event, so the tree is not redrawn (a redraw closes its hovers).
      if (dropped) this._onDidChange.fire();
      return;
    }
    // ApplicationSets name the apps they generate (siblings); only Applications are read.
    const generators = this.deps.apps.all().filter((a) => a.kind === 'ApplicationSet');
    const live = await withAppliedRevisions([...fromRepos, ...generators], this.deps.reader);
    // Only a map or pending list that changed redraws the tree (a redraw closes its hovers).
    let changed = dropped;
    for (const root of roots) {
      try {
        const before = this.loaded.get(root);
        const envs = before ? before.envs.withLive(live) : await RepoEnvironments.load(root, { renderer: this.deps.renderer, history: new GitCliHistory(root), live });
        const pending = new Map<string, PendingInfo>();
        for (const group of envs.map.groups) {
          if (!group.environments.some((e) => e.live)) continue;
          for (const p of await envs.pending(group)) pending.set(p.env.id, p);
        }
        if (this.disposed) return;
        if (!before || !jsonEqual(before.envs.map, envs.map) || !jsonEqual([...before.pending], [...pending])) changed = true;
        this.loaded.set(root, { envs, pending });
      } catch (err) {
        this.deps.log.warn(`[Environments][rebuild] ${root}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (changed) this._onDidChange.fire();
  }
}
