/**
 * The editor's audit trails (issue 17): per app, its AppTrail (appTrail.ts) loaded on demand and kept as
 * a snapshot the History node reads synchronously (STYLE.md rule 5), and per manifest line the commit
 * that last changed it with its pull request and where it runs (the blame hover). Everything is read
 * through ports: the cluster's deployment history of each app, the workspace clone's history (git, never
 * in Restricted Mode), and the forge behind a cache. Without a clone, in Restricted Mode or with the
 * forge out of reach, it says so and shows what it has: deployments alone, or Git alone.
 *
 * Bounded: at most MAX_CHANGES changes of an app's path, MAX_PEERS apps per "where it runs", FORGE_CONCURRENCY
 * forge requests at a time, and a forge that fails for lack of network, rate limit or credentials is not
 * asked again during one load (every change then says why it was not checked).
 */
import type { App, AppKey } from '../model/app';
import type { Clock, Logger } from '../ports';
import type { RepositoryHistory } from '../git/ports';
import { sameRemote } from '../git/remoteUrl';
import { Emitter, type Disposable, type Event } from '../lifecycle';
import { ForgeError, type BranchProtection } from '../forge/types';
import type { AppStoreChange } from '../store/appStore';
import { buildAppTrail, deploymentsFromApp, deploymentsOnlyTrail, gitSourceUrls, trailChange, type AppTrail, type PeerHistory, type TrailChange } from './appTrail';
import { commitOfLine, newestCommitOf, type BlameCommit, type BlameResult } from './blame';
import type { CommitRecord } from './commits';
import { commitOfRevision, type DeploymentHistory } from './deployments';
import { CommitGraph, landings, type Landing } from './graph';
import { lookupPullRequest, protectionProblems, type AuditForge, type PullRequestLookup } from './pullRequests';
import { auditTargets, type AuditTarget } from './trail';
import { mapLimit } from '../concurrency';

export type ForgeAccess = { readonly forge: AuditForge } | { readonly unavailable: string };

export interface TrailStorePorts {
  readonly apps: () => readonly App[];
  /** The workspace clone of a repository URL, if the workspace has one. */
  readonly cloneOf: (repoUrl: string) => { readonly root: string; readonly branch?: string } | undefined;
  /** Why no git process may run now (Restricted Mode), or undefined. */
  readonly gitRefused?: () => string | undefined;
  readonly history: (root: string) => RepositoryHistory;
  /** An app's deployments as its object on the cluster records them (read again on each call). */
  readonly deployments: (app: App) => Promise<DeploymentHistory>;
  /** The forge of a repository, with the user's credentials, behind the audit cache; or why not. */
  readonly forge: (repoUrl: string) => Promise<ForgeAccess>;
  readonly clock: Pick<Clock, 'now'>;
  readonly log: Logger;
  /** The remote whose tracking branches are read first (`origin/main` before `main`). */
  readonly remote?: string;
}

export type TrailState =
  | { readonly kind: 'loading'; readonly previous?: AppTrail }
  | { readonly kind: 'ready'; readonly trail: AppTrail; readonly at: number }
  | { readonly kind: 'failed'; readonly reason: string };

/** What the blame hover asks: a span of a manifest in a workspace clone and the apps deploying it. */
export interface BlameQuery {
  readonly root: string;
  /** The clone's remote URLs. */
  readonly remotes: readonly string[];
  /** Repo-relative, posix. */
  readonly file: string;
  /** The editor's text when it differs from the file (unsaved edits); its changed lines are uncommitted. */
  readonly contents?: string;
  /** Names this text (URI and version): a blame is reused while it holds. */
  readonly version: string;
  /** The document's lines, 1-based inclusive. */
  readonly startLine: number;
  readonly endLine: number;
  /** One line (1-based) to explain; the document's newest change when absent. */
  readonly line?: number;
  /** The apps deploying the file (core/drift/deployedBy). */
  readonly apps: readonly App[];
}

export interface BlameAnswer {
  readonly scope: 'line' | 'document';
  /** The blamed commit; undefined when the span has no committed line. */
  readonly commit?: BlameCommit;
  /** The change with its pull request, flags and placements (committed lines on the tracked branch). */
  readonly change?: TrailChange;
  /** The tracked branch the change was looked for on. */
  readonly branch?: string;
  readonly notes: readonly string[];
}

const TRAIL_LIMITS = { maxChanges: 50, maxPeers: 20, forgeConcurrency: 4, maxGraph: 20_000, freshMs: 60_000, deploymentsTtlMs: 20_000, blameEntries: 32 } as const;

interface BranchContext {
  readonly key: string;
  readonly ref: string;
  readonly tip: string;
  readonly graph: CommitGraph;
  readonly landed: ReadonlyMap<string, Landing>;
}


/** A forge that, once it failed for lack of network, rate limit or credentials, fails the same way at once. */
function breaker(forge: AuditForge): AuditForge {
  let broken: ForgeError | undefined;
  const guard = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (broken) throw broken;
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ForgeError && (err.code === 'network' || err.code === 'rateLimited' || err.code === 'auth' || err.code === 'insecure')) broken = err;
      throw err;
    }
  };
  return {
    pullRequestsForCommit: (sha) => guard(() => forge.pullRequestsForCommit(sha)),
    pullRequestReviews: (pr) => guard(() => forge.pullRequestReviews(pr)),
    branchProtection: (b) => guard(() => forge.branchProtection(b)),
  };
}

const describeError = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class AuditTrailStore implements Disposable {
  private readonly _onDidChange = new Emitter<AppKey>();
  /** Fires with the key of an app whose trail state changed. */
  readonly onDidChange: Event<AppKey> = this._onDidChange.event;

  private readonly states = new Map<AppKey, TrailState>();
  private readonly inFlight = new Map<AppKey, Promise<void>>();
  /** Apps whose trail was asked again while it loaded: loaded once more after. */
  private readonly again = new Set<AppKey>();
  /** Which loaded trails read which apps' deployments (the app and its peers). */
  private readonly readers = new Map<AppKey, Set<AppKey>>();
  private readonly deploymentCache = new Map<AppKey, { at: number; value: Promise<{ history: DeploymentHistory; note?: string }> }>();
  private readonly branches = new Map<string, BranchContext>();
  private readonly blames = new Map<string, Promise<BlameResult>>();
  private disposed = false;

  constructor(private readonly ports: TrailStorePorts) {}

  /** The snapshot for an app; undefined before anyone asked. Synchronous. */
  state(key: AppKey): TrailState | undefined {
    return this.states.get(key);
  }

  /**
   * Loads the app's trail in the background unless a fresh one is there (or `force`); the answer comes as
   * an onDidChange event. Never throws.
   */
  request(key: AppKey, opts: { readonly force?: boolean } = {}): void {
    if (this.disposed) return;
    if (this.inFlight.has(key)) {
      if (opts.force) this.again.add(key);
      return;
    }
    const s = this.states.get(key);
    if (!opts.force && s?.kind === 'ready' && this.ports.clock.now() - s.at < TRAIL_LIMITS.freshMs) return;
    if (!opts.force && s?.kind === 'failed') return;
    const previous = s?.kind === 'ready' ? s.trail : s?.kind === 'loading' ? s.previous : undefined;
    this.set(key, { kind: 'loading', ...(previous ? { previous } : {}) });
    const p = this.load(key)
      .then(
        (trail) => this.set(key, { kind: 'ready', trail, at: this.ports.clock.now() }),
        (err: unknown) => {
          this.ports.log.warn(`[AuditTrail][request] ${key}: ${describeError(err)}`);
          this.set(key, { kind: 'failed', reason: describeError(err) });
        },
      )
      .finally(() => {
        this.inFlight.delete(key);
        if (this.again.delete(key)) this.request(key, { force: true });
      });
    this.inFlight.set(key, p);
  }

  /** Resolves once the app's pending load (if any) is done; for callers that must wait (tests, the blame hover). */
  async settled(key: AppKey): Promise<TrailState | undefined> {
    await this.inFlight.get(key);
    return this.states.get(key);
  }

  /**
   * Apps changed on the clusters: an updated app's deployments are read again, and every loaded trail
   * that read them is loaded again (what is shown stays until the new answer). An added app (or Flux
   * source) may deploy the same path, so every loaded trail is loaded again then.
   */
  appsChanged(change: Pick<AppStoreChange, 'updated' | 'removed'> & Partial<Pick<AppStoreChange, 'added'>>): void {
    const touched = new Set<AppKey>(change.added && change.added.length > 0 ? this.readers.keys() : []);
    for (const k of [...change.updated, ...change.removed]) {
      this.deploymentCache.delete(k);
      for (const [reader, read] of this.readers) if (read.has(k)) touched.add(reader);
    }
    for (const k of change.removed) {
      if (this.states.delete(k)) touched.delete(k);
      this.readers.delete(k);
    }
    for (const k of touched) if (this.states.get(k)?.kind === 'ready' || this.inFlight.has(k)) this.request(k, { force: true });
  }

  /** Forgets every trail and cache (the workspace's folders or trust changed); shown nodes reload when asked. */
  reset(): void {
    const keys = [...this.states.keys()];
    this.states.clear();
    this.readers.clear();
    this.deploymentCache.clear();
    this.branches.clear();
    this.blames.clear();
    for (const k of keys) this._onDidChange.fire(k);
  }

  dispose(): void {
    this.disposed = true;
    this.states.clear();
    this._onDidChange.dispose();
  }

  private set(key: AppKey, state: TrailState): void {
    if (this.disposed) return;
    this.states.set(key, state);
    this._onDidChange.fire(key);
  }

  // ---- deployments ---------------------------------------------------------------------------------

  private deploymentsOf(app: App): Promise<{ history: DeploymentHistory; note?: string }> {
    const hit = this.deploymentCache.get(app.key);
    if (hit && this.ports.clock.now() - hit.at < TRAIL_LIMITS.deploymentsTtlMs) return hit.value;
    const value = this.ports.deployments(app).then(
      (history) => ({ history }),
      (err: unknown) => ({
        // The App model keeps the newest entries of the object's history: enough to go on.
        history: deploymentsFromApp(app),
        note: `${app.cluster}/${app.name}: the object could not be read again (${describeError(err)}); its deployments come from the last status seen`,
      }),
    );
    this.deploymentCache.set(app.key, { at: this.ports.clock.now(), value });
    return value;
  }

  // ---- Git -----------------------------------------------------------------------------------------

  /** The first of the app's Git sources, its audit target, and the other apps deploying the same path. */
  private placeOf(app: App, all: readonly App[]): { url: string; target: AuditTarget; peers: AuditTarget[] } | undefined {
    for (const url of gitSourceUrls(app, all)) {
      const targets = auditTargets(all, url);
      const target = targets.find((t) => t.app.key === app.key);
      if (!target) continue;
      const peers = targets.filter((t) => t.app.key !== app.key && t.path === target.path && t.branch === target.branch).slice(0, TRAIL_LIMITS.maxPeers - 1);
      return { url, target, peers: [target, ...peers] };
    }
    return undefined;
  }

  /** The peers' deployment histories; `reader`, the trail reading them, is loaded again when one changes. */
  private async peersOf(reader: AppKey | undefined, targets: readonly AuditTarget[]): Promise<{ peers: PeerHistory[]; notes: string[] }> {
    if (reader !== undefined) this.readers.set(reader, new Set(targets.map((t) => t.app.key)));
    const answers = await Promise.all(targets.map((t) => this.deploymentsOf(t.app)));
    return {
      peers: targets.map((target, i) => ({ target, history: answers[i]!.history })),
      notes: answers.flatMap((a) => (a.note ? [a.note] : [])),
    };
  }

  /** The commit each peer deployed, as written (ids or prefixes), for the graph. */
  private static deployedIds(peers: readonly PeerHistory[]): string[] {
    const out = new Set<string>();
    for (const p of peers) {
      for (const d of p.history.deployments) {
        const rev = d.sources[p.target.sourceIndex]?.revision ?? d.revision;
        const c = commitOfRevision(rev, { gitSource: true });
        if (c) out.add(c.id);
      }
    }
    return [...out];
  }

  /** The tracked branch's ref, tip, graph (with every deployed commit the clone has) and landings; reused while unchanged. */
  private async branchContext(root: string, git: RepositoryHistory, branch: string, deployed: readonly string[], notes: string[]): Promise<BranchContext | undefined> {
    const remote = this.ports.remote ?? 'origin';
    const resolved = await git.resolve([`${remote}/${branch}`, branch, ...deployed]);
    const ref = resolved.has(`${remote}/${branch}`) ? `${remote}/${branch}` : resolved.has(branch) ? branch : undefined;
    if (!ref) {
      notes.push(`The branch ${branch} is not in the clone at ${root} (fetch it): its changes are not listed.`);
      return undefined;
    }
    const tip = resolved.get(ref)!;
    const have = [...new Set(deployed.filter((d) => resolved.has(d)).map((d) => resolved.get(d)!))].sort();
    const missing = deployed.filter((d) => !resolved.has(d)).length;
    if (missing > 0) notes.push(`${missing} deployed revision(s) are not in the clone (fetch the repository): where they run cannot be told.`);
    const cacheKey = `${root}\0${branch}`;
    const key = [tip, ...have].join(',');
    const cached = this.branches.get(cacheKey);
    if (cached?.key === key) return cached;
    const graph = new CommitGraph(await git.graph({ refs: [tip, ...have], maxCount: TRAIL_LIMITS.maxGraph }));
    const ctx: BranchContext = { key, ref, tip, graph, landed: landings(graph, tip) };
    this.branches.set(cacheKey, ctx);
    return ctx;
  }

  /** Pull request lookups of `commits` on `branch`, through the forge when there is one. */
  private async lookups(commits: readonly CommitRecord[], records: ReadonlyMap<string, CommitRecord>, ctx: BranchContext, branch: string, access: ForgeAccess): Promise<Map<string, PullRequestLookup>> {
    const forge = 'forge' in access ? breaker(access.forge) : undefined;
    const reason = 'unavailable' in access ? access.unavailable : undefined;
    const answers = await mapLimit(commits, TRAIL_LIMITS.forgeConcurrency, (c) => {
      const landing = ctx.landed.get(c.id);
      const via = landing && landing.via !== c.id ? records.get(landing.via) : undefined;
      if (!landing) return Promise.resolve<PullRequestLookup>({ kind: 'unknown', reason: `not on ${ctx.ref}` });
      return lookupPullRequest(c, via, branch, forge, reason);
    });
    return new Map(commits.map((c, i) => [c.id, answers[i]!]));
  }

  private async protectionOf(access: ForgeAccess, branch: string): Promise<{ protection?: BranchProtection; problems: string[] }> {
    if ('unavailable' in access) return { problems: [`protection of ${branch} not read: ${access.unavailable}`] };
    try {
      const protection = await access.forge.branchProtection(branch);
      return { protection, problems: protectionProblems(protection) };
    } catch (err) {
      if (!(err instanceof ForgeError)) throw err;
      return { problems: [`protection of ${branch} not read: ${err.message}`] };
    }
  }

  private async load(key: AppKey): Promise<AppTrail> {
    const all = this.ports.apps();
    const app = all.find((a) => a.key === key);
    if (!app) throw new Error('the app is no longer on its cluster');
    const place = this.placeOf(app, all);
    if (!place) {
      this.readers.set(key, new Set([key]));
      const own = await this.deploymentsOf(app);
      return deploymentsOnlyTrail(app, own.history, [`${app.name} deploys no folder of a Git repository GitOps Lens can follow (a chart from a Helm or OCI repository): only its deployments are shown.`, ...(own.note ? [own.note] : [])]);
    }
    const { url, target } = place;
    const { peers, notes } = await this.peersOf(key, place.peers);
    const history = peers[0]!.history;
    const where = { repoUrl: url, path: target.path, ...(target.branch ? { branch: target.branch } : {}) };
    const refused = this.ports.gitRefused?.();
    if (refused) return deploymentsOnlyTrail(app, history, [refused, ...notes], where);
    const clone = this.ports.cloneOf(url);
    if (!clone) return deploymentsOnlyTrail(app, history, [`No workspace folder is a clone of ${url}: commits and pull requests are not shown.`, ...notes], where);
    const git = this.ports.history(clone.root);
    const branch = target.branch ?? clone.branch ?? 'main';
    const ctx = await this.branchContext(clone.root, git, branch, AuditTrailStore.deployedIds(peers), notes);
    if (!ctx) return deploymentsOnlyTrail(app, history, notes, { ...where, branch });
    const commits = await git.pathHistory({ ref: ctx.tip, paths: [target.path], maxCount: TRAIL_LIMITS.maxChanges });
    // Records of the merge commits that landed the changes and of the deployed revisions.
    const wanted = new Set<string>();
    for (const c of commits) {
      const l = ctx.landed.get(c.id);
      if (l && l.via !== c.id) wanted.add(l.via);
    }
    for (const id of AuditTrailStore.deployedIds(peers)) {
      const full = ctx.graph.resolve(id);
      if (full) wanted.add(full);
    }
    const records = new Map((await git.commits([...wanted])).map((c) => [c.id, c]));
    const access = await this.forgeOf(url);
    const lookups = await this.lookups(commits, records, ctx, branch, access);
    const protection = await this.protectionOf(access, branch);
    return buildAppTrail({
      target,
      history,
      peers,
      repoUrl: url,
      branch,
      changes: commits,
      graph: ctx.graph,
      landed: ctx.landed,
      records,
      lookups,
      ...(protection.protection ? { protection: protection.protection } : {}),
      protectionProblems: protection.problems,
      ...('unavailable' in access ? { forgeUnavailable: access.unavailable } : {}),
      notes,
    });
  }

  private async forgeOf(url: string): Promise<ForgeAccess> {
    try {
      return await this.ports.forge(url);
    } catch (err) {
      return { unavailable: describeError(err) };
    }
  }

  // ---- blame ---------------------------------------------------------------------------------------

  private blameOf(git: RepositoryHistory, q: BlameQuery): Promise<BlameResult> {
    const k = `${q.root}\0${q.file}\0${q.version}\0${q.startLine}\0${q.endLine}`;
    let p = this.blames.get(k);
    if (!p) {
      p = git.blame({ file: q.file, startLine: q.startLine, endLine: q.endLine, ...(q.contents !== undefined ? { contents: q.contents } : {}) });
      // A failed blame is not kept: the next hover asks again.
      p.catch(() => this.blames.delete(k));
      this.blames.set(k, p);
      while (this.blames.size > TRAIL_LIMITS.blameEntries) this.blames.delete(this.blames.keys().next().value as string);
    }
    return p;
  }

  /**
   * Who last changed a line (or a document's lines), through which pull request and approvals, and
   * where it runs now on every cluster whose app deploys the file. Rejects when git cannot run.
   */
  async blame(q: BlameQuery): Promise<BlameAnswer> {
    const refused = this.ports.gitRefused?.();
    if (refused) throw new Error(refused);
    const git = this.ports.history(q.root);
    const result = await this.blameOf(git, q);
    const scope = q.line === undefined ? 'document' : 'line';
    const commit = q.line === undefined ? newestCommitOf(result, q.startLine, q.endLine) : commitOfLine(result, q.line);
    if (!commit || commit.uncommitted) return { scope, ...(commit ? { commit } : {}), notes: [] };
    const all = this.ports.apps();
    // The apps deploying the file, as audit targets of the clone's repository, each with its history.
    const targets: AuditTarget[] = [];
    for (const app of q.apps) {
      for (const url of gitSourceUrls(app, all)) {
        if (!q.remotes.some((r) => sameRemote(r, url))) continue;
        const t = auditTargets(all, url).find((x) => x.app.key === app.key);
        if (t && !targets.some((x) => x.app.key === t.app.key)) targets.push(t);
      }
    }
    const notes: string[] = [];
    const { peers, notes: peerNotes } = await this.peersOf(undefined, targets.slice(0, TRAIL_LIMITS.maxPeers));
    notes.push(...peerNotes);
    const clone = this.ports.cloneOf(q.remotes[0] ?? '');
    const branch = targets[0]?.branch ?? clone?.branch ?? 'main';
    const ctx = await this.branchContext(q.root, git, branch, AuditTrailStore.deployedIds(peers), notes);
    const [record] = await git.commits([commit.id]);
    if (!record || !ctx) return { scope, commit, branch, notes };
    const landing = ctx.landed.get(record.id);
    const records = new Map<string, CommitRecord>();
    if (landing && landing.via !== record.id) for (const c of await git.commits([landing.via])) records.set(c.id, c);
    const url = targets[0] ? gitSourceUrls(targets[0].app, all)[0] : undefined;
    const access: ForgeAccess = url ? await this.forgeOf(url) : { unavailable: 'no app deploys this file from a forge GitOps Lens knows' };
    const lookups = await this.lookups([record], records, ctx, branch, access);
    const change = trailChange(record, { peers, graph: ctx.graph, landed: ctx.landed, records, lookups, ...('unavailable' in access ? { forgeUnavailable: access.unavailable } : {}) });
    if (!landing) notes.push(`This commit is not on ${ctx.ref} yet: no cluster deploys it.`);
    return { scope, commit, change, branch, notes };
  }
}
