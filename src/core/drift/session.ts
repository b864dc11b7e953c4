/**
 * The drift session behind the editor's CodeLenses, hover, gutter marks and diff editor (issue 5): per
 * open YAML document, one entry per Kubernetes document and cluster that deploys the file, with its
 * state. Readers only call `lenses(uri)` / `details(uri)` / `view(…)` (STYLE.md rule 5); every cluster
 * GET happens here, from document and app events, through a bounded work queue (workQueue.ts).
 *
 * Ports: live objects (core/ports LiveObjectReader), rendering (core/render DesiredRenderer), the clock,
 * the apps and the workspace repository of a file. The comparison itself is comparer.ts, the one the
 * CLI runs too.
 *
 * Speed (bench/lens.bench.ts): a file is split at document markers without parsing, and everything
 * derived from a document (its parsed value, its normalized desired object, its last comparison) is
 * kept per document text, so an edit parses and diffs only the documents whose text changed. Live
 * objects are cached per (cluster, object) with their normalized form, counted by the lenses using
 * them, and dropped when none does (liveCache.ts). Lens changes caused by reads are announced once per
 * batch.
 */
import { stringify } from 'yaml';
import type { DriftFinding } from './compare';
import { compareSides, type CompareContext, type DesiredSide } from './comparer';
import { appsDeployingFile, toPosix, type Deployment } from './deployedBy';
import { liveClusterOf, type KnownContext } from './destination';
import type { IgnoreSpec } from './ignore';
import type { DiffSettings } from './settings';
import { builtinListKeys, type ListKeys } from './listKeys';
import { LiveCache, type LiveEntry } from './liveCache';
import { DEFAULT_MAX_LIVE_WATCHES, LiveWatches } from './liveWatches';
import { admitLive } from './liveAnswer';
import { maskSecrets } from './mask';
import { normalize } from './normalize';
import { alignKeyOrder, desiredPathOf } from './presentation';
import { fluxSkipReason } from './objectOptions';
import { isSopsEncrypted, SOPS_NOTE } from './sops';
import { DRY_RUN_FIELD_MANAGER } from './ssa';
import { WorkQueue } from './workQueue';
import { Emitter, type Disposable, type Event } from '../lifecycle';
import { loadManifestSource, splitManifestSources, identityOf, type LoadedSource, type ResourceIdentity } from '../manifest/documents';
import { describeLiveReadFailure, liveReadFailure } from '../kube/k8sFailure';
import { objectRefProblem } from '../kube/names';
import { resolveNamespace } from '../manifest/namespace';
import type { App, AppKey } from '../model/app';
import type { Clock, LiveObjectEvent, LiveObjectReader, LiveObjectWatcher, Logger, ObjectRef } from '../ports';
import type { DesiredRenderer, RenderOutcome } from '../render/types';
import type { AppStoreChange } from '../store/appStore';
import { isRecord } from '../json';
import { timeAgo } from '../text';
import { attributeFinding } from '../audit/driftAttribution';
import type { FieldAttribution } from '../audit/managedFields';

type Obj = Record<string, unknown>;

export type DriftState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'inSync' }
  | { readonly kind: 'drift'; readonly fields: number }
  | { readonly kind: 'absent' }
  | { readonly kind: 'unknown'; readonly reason: string };

export interface DriftLens {
  /** 0-based line of the document's first content line. */
  readonly line: number;
  readonly documentIndex: number;
  readonly cluster: string;
  readonly state: DriftState;
  /** Said after the state in the title: a render fallback, a branch the app does not track. */
  readonly note?: string;
}

/** One field that differs; values of Secrets are masked as everywhere else (core/drift/mask.ts). */
interface DriftChange {
  /** RFC 6901 JSON Pointer into the desired document (list items by their index there). */
  readonly path: string;
  readonly desired?: unknown;
  readonly live?: unknown;
  /** The field manager that last set it in the live object (its managedFields), when one covers it (issue 17). */
  readonly attribution?: FieldAttribution;
}

/** A lens with what it compared: for hover, gutter marks and "adopt live value". */
export interface DocumentDrift {
  readonly documentIndex: number;
  readonly line: number;
  readonly cluster: string;
  readonly appKey: AppKey;
  readonly ref: ObjectRef;
  readonly state: DriftState;
  /** Empty unless the state is `drift`. */
  readonly changes: readonly DriftChange[];
}

export interface WorkspaceRepo {
  readonly root: string;
  readonly remotes: readonly string[];
  readonly branch?: string;
}

export interface TrackedText {
  readonly uri: string;
  /** Absolute path for file documents; undefined for untitled ones (no repository, so no lenses). */
  readonly fsPath: string | undefined;
  readonly text: string;
}

export interface DriftSessionOptions {
  readonly apps: () => readonly App[];
  readonly reader: LiveObjectReader;
  readonly repoOf: (fsPath: string) => WorkspaceRepo | undefined;
  readonly log: Logger;
  /** Called when a document would get lenses: the apps must be loaded for them. */
  readonly needApps?: () => void;
  readonly concurrency?: number;
  /** Renders kustomize / helm folders; the rendered objects are then the desired state. */
  readonly render?: DesiredRenderer;
  /**
   * Server-side dry-run apply of the desired object (`kubectl diff --server-side`); when set, the
   * prediction is compared with live instead of the document.
   */
  readonly predict?: (cluster: string, desired: Record<string, unknown>) => Promise<Record<string, unknown>>;
  /** Kubeconfig contexts, to find the cluster an Argo CD app deploys to (`spec.destination.server`). */
  readonly contexts?: () => readonly KnownContext[];
  /**
   * Clusters whose apps' live objects are read through the app's own cluster name, whatever their
   * destination: Argo CD servers reached through the API, whose `reader` answers with Argo CD's
   * normalized live state from managed-resources (issue 16).
   */
  readonly liveThroughApp?: (cluster: string) => boolean;
  /** When a cluster was last reachable (AppStore ClusterStatus.lastSeenAt), for "unreachable, seen 4 min ago". */
  readonly lastSeen?: (cluster: string) => number | undefined;
  /** Clock for lastSeen; defaults to Date.now. */
  readonly clock?: Pick<Clock, 'now'>;
  /** Ignore rules of an app (Argo CD spec.ignoreDifferences, Flux drift ignore); none by default. */
  readonly ignoreOf?: (app: App) => readonly IgnoreSpec[];
  /**
   * Watches the live objects the lenses use (one watch per cluster and object, shared by every lens
   * of it, ended with the last one), so that a live edit re-lenses without waiting for the app to
   * change (issue 15). Without it, live objects are read again only when their app changes.
   */
  readonly watcher?: LiveObjectWatcher;
  /** Watches open at most (default DEFAULT_MAX_LIVE_WATCHES); lenses of further objects say they are not followed. */
  readonly maxWatches?: number;
  /**
   * The diff settings of the Argo CD instance deploying an app (its argocd-cm: system-level
   * ignoreDifferences, resource.compareoptions), undefined while unknown; call `settingsChanged` when
   * they arrive.
   */
  readonly diffSettingsOf?: (app: App) => DiffSettings | undefined;
}

export interface DriftView {
  readonly title: string;
  readonly cluster: string;
  readonly ref: ObjectRef;
  /** Normalized, Secret-masked YAML of each side. */
  readonly live: string;
  readonly desired: string;
}

interface Prediction {
  readonly entry: LiveEntry;
  result?: { readonly obj: Obj } | { readonly error: string };
}

interface Item {
  line: number;
  documentIndex: number;
  /** Reuse key: deployment and document text (undefined for rendered documents: never reused). */
  readonly reuseKey: string | undefined;
  readonly cluster: string;
  app: App;
  readonly identity: ResourceIdentity;
  readonly ref: ObjectRef;
  readonly liveKey: string;
  /** The desired object, namespace filled in (never mutated), and its normalized form once compared. */
  readonly desired: DesiredSide;
  /** Set when no live read can help (destination not in kubeconfig). */
  readonly fixed: DriftState | undefined;
  readonly note: string | undefined;
  /** Why the deployer does not compare this object now (Flux `ssa: Ignore`…), from the last evaluation. */
  skipped?: string;
  state: DriftState;
  findings: readonly DriftFinding[];
  /** The live entry `state` was computed from: the same entry means the same answer. */
  seen: LiveEntry | undefined;
  prediction?: Prediction;
}

interface Doc {
  readonly tracked: TrackedText;
  items: Item[];
  /** Parsed chunks by their text, from the last track (only those still in the text are kept). */
  loaded: Map<string, Chunk>;
  /** Incremented per track, so a render that resolves after a newer edit is dropped. */
  generation: number;
  /** Items by live key, so a finished read finds its lenses without a scan of every item. */
  byLive: Map<string, Item[]>;
  /** Cancels the render of an older text when a newer edit supersedes it. */
  renderAbort?: AbortController;
}

/** A Kubernetes document of a tracked text. */
interface TrackedDocument {
  readonly index: number;
  readonly line: number;
  readonly textId: number;
  readonly value: Obj;
  readonly identity: ResourceIdentity;
}

/** Render outcomes per app folder (absolute, posix), from one track of a document. */
interface RenderedByRoot {
  readonly root: string;
  readonly byRoot: ReadonlyMap<string, RenderOutcome | undefined>;
}

/** The absolute folder an app deploys from, the `root` a renderer builds. */
function appRoot(repoRoot: string, dep: Deployment): string {
  const r = toPosix(repoRoot).replace(/\/+$/, '');
  return dep.appPath === '' ? r : `${r}/${dep.appPath}`;
}

/** Rendered objects by document index; undefined when the file is plain (no outcome). */
function byDocument(outcome: RenderOutcome | undefined): Map<number, Array<Readonly<Record<string, unknown>>>> | undefined {
  if (!outcome) return undefined;
  const m = new Map<number, Array<Readonly<Record<string, unknown>>>>();
  for (const r of outcome.documents) {
    const list = m.get(r.documentIndex);
    if (list) list.push(r.desired);
    else m.set(r.documentIndex, [r.desired]);
  }
  return m;
}

const LOADING: DriftState = { kind: 'loading' };
const IN_SYNC: DriftState = { kind: 'inSync' };
const ABSENT: DriftState = { kind: 'absent' };
const NO_FINDINGS: readonly DriftFinding[] = [];

/**
 * A parsed chunk and a number standing for its text in reuse keys: the chunk cache hands out the same
 * entry for the same text (across tracks too), and a short key is not a copy and hash of the whole
 * document text per item on every keystroke. (Kept beside the chunk, not in a WeakMap: 1,000 weak
 * entries per first load were work for every collection, issue 18.)
 */
interface Chunk {
  readonly loaded: LoadedSource;
  readonly textId: number;
}
let nextTextId = 0;
export class DriftSession implements Disposable {
  private readonly _onDidChange = new Emitter<string>();
  /** Fires with the document URI whose lenses changed (reads finishing: once per batch and URI). */
  readonly onDidChange: Event<string> = this._onDidChange.event;

  private readonly docs = new Map<string, Doc>();
  /** Live objects by key, kept while a lens uses them. */
  private readonly live = new LiveCache();
  /** Watches of the live keys in use, when a watcher is given. */
  private readonly watches: LiveWatches | undefined;
  /** The reference and cluster of each watched key, to admit what its watch delivers. */
  private readonly watchedRefs = new Map<string, { readonly cluster: string; readonly ref: ObjectRef }>();
  /** Watch deliveries per key: a GET answered after a delivery it started before is older, and dropped. */
  private readonly deliveries = new Map<string, number>();
  private readonly work: WorkQueue;
  /** Live keys asked for again while their read was in flight: that read's answer may be stale. */
  private readonly stale = new Set<string>();
  private predictions = 0;
  private readonly listKeys = new Map<string, ListKeys>();
  private readonly dirty = new Set<string>();
  private flushScheduled = false;
  private disposed = false;

  constructor(private readonly opts: DriftSessionOptions) {
    this.work = new WorkQueue(opts.concurrency ?? 4);
    this.watches = opts.watcher
      ? new LiveWatches(opts.watcher, opts.maxWatches ?? DEFAULT_MAX_LIVE_WATCHES, (key, e) => this.onLiveEvent(key, e), (key) => this.markUsers(key), opts.log)
      : undefined;
  }

  /** The lenses of a document as last computed; synchronous, never calls the cluster. */
  lenses(uri: string): readonly DriftLens[] {
    return (this.docs.get(uri)?.items ?? []).map((i) => {
      const note = joinNotes(i.note, i.skipped, this.serverSideNote(i), this.noDryRunNote(i), i.fixed === undefined ? this.watches?.notFollowedNote(i.liveKey) : undefined);
      return note === undefined
        ? { line: i.line, documentIndex: i.documentIndex, cluster: i.cluster, state: i.state }
        : { line: i.line, documentIndex: i.documentIndex, cluster: i.cluster, state: i.state, note };
    });
  }

  /**
   * Every lens with its live reference and the drifted fields (Secret values masked). Paths point into
   * the document as written: a Secret key written under `stringData` is reported there, not under the
   * `data` it is folded into for the comparison. Synchronous.
   */
  details(uri: string): readonly DocumentDrift[] {
    return (this.docs.get(uri)?.items ?? []).map((i) => ({
      documentIndex: i.documentIndex,
      line: i.line,
      cluster: i.cluster,
      appKey: i.app.key,
      ref: i.ref,
      state: i.state,
      changes: i.state.kind === 'drift' ? i.findings.map((f) => changeOf(f, i.desired.obj, this.liveObjectOf(i))) : [],
    }));
  }

  /** The raw live object an item compared with (managedFields kept), when it was found. */
  private liveObjectOf(i: Item): Obj | undefined {
    const entry = this.live.get(i.liveKey);
    return entry?.kind === 'found' ? entry.side.obj : undefined;
  }

  /** How many live objects are cached (each used by at least one lens); for tests and diagnostics. */
  cachedLiveObjects(): number {
    return this.live.size;
  }

  /** How many live objects are watched now; for tests and diagnostics. */
  watchedLiveObjects(): number {
    return this.watches?.size ?? 0;
  }

  /**
   * (Re)reads a document's text: splits it, parses the documents whose text is new, finds who deploys
   * it, diffs what changed against cached live objects and queues the missing GETs.
   */
  track(doc: TrackedText): void {
    if (this.disposed) return;
    const previous = this.docs.get(doc.uri);
    const generation = (previous?.generation ?? 0) + 1;
    const loaded = new Map<string, Chunk>();
    const chunks = splitManifestSources(doc.text);
    const documents: TrackedDocument[] = [];
    let index = 0;
    for (const c of chunks) {
      let chunk = loaded.get(c.source) ?? previous?.loaded.get(c.source);
      if (chunk === undefined) chunk = { loaded: loadManifestSource(c.source), textId: ++nextTextId };
      loaded.set(c.source, chunk);
      const l = chunk.loaded;
      if (l.kind === 'empty') continue;
      const documentIndex = index++;
      if (l.kind !== 'document' || !l.identity?.name || !isRecord(l.value)) continue;
      documents.push({ index: documentIndex, line: c.startLine + l.headerOffset, textId: chunk.textId, value: l.value, identity: l.identity });
    }
    previous?.renderAbort?.abort();
    const entry: Doc = { tracked: doc, items: previous?.items ?? [], loaded, generation, byLive: previous?.byLive ?? new Map() };
    this.docs.set(doc.uri, entry);
    // One repository lookup per track: it reads .git files up the tree, and track runs on every edit.
    const repo = documents.length > 0 && doc.fsPath !== undefined ? this.opts.repoOf(doc.fsPath) : undefined;
    const deployments = this.deploymentsOf(doc, repo);
    const render = this.opts.render;
    if (render && repo && doc.fsPath !== undefined && deployments.length > 0) {
      const fsPath = doc.fsPath;
      if (!previous) this.setItems(entry, []);
      const abort = new AbortController();
      entry.renderAbort = abort;
      // Each app renders from its own folder (an overlay's namePrefix differs from its base's), so
      // one render per distinct app root; apps sharing a root share the result.
      const roots = [...new Set(deployments.map((d) => appRoot(repo.root, d)))];
      const renderOne = (root: string): Promise<RenderOutcome | undefined> =>
        render({ fsPath, text: doc.text, signal: abort.signal, root }).catch((err: unknown) => {
          if (abort.signal.aborted) throw err;
          this.opts.log.warn(`[DriftSession][render] ${fsPath}: ${err instanceof Error ? err.message : String(err)}`);
          return { tool: 'render', documents: [], fallback: 'render failed: plain document' };
        });
      void Promise.all(roots.map(renderOne)).then(
        (outcomes) => this.afterRender(doc.uri, generation, documents, deployments, { root: repo.root, byRoot: new Map(roots.map((r, i) => [r, outcomes[i]])) }),
        () => undefined, // superseded by a newer edit: its own render answers
      );
      this._onDidChange.fire(doc.uri);
      return;
    }
    this.setItems(entry, this.itemsOf(entry, documents, deployments, undefined));
    this._onDidChange.fire(doc.uri);
  }

  /** Diff settings changed (an argocd-cm was read): every lens is compared again from the cached live objects. */
  settingsChanged(): void {
    if (this.disposed) return;
    for (const doc of this.docs.values()) {
      for (const item of doc.items) {
        if (item.fixed !== undefined) continue;
        item.seen = undefined;
        this.evaluate(item, this.live.get(item.liveKey));
      }
      this.markDirty(doc.tracked.uri);
    }
  }

  forget(uri: string): void {
    const doc = this.docs.get(uri);
    if (!doc) return;
    doc.renderAbort?.abort();
    this.setItems(doc, []);
    this.docs.delete(uri);
    this.dirty.delete(uri);
    this._onDidChange.fire(uri);
  }

  /**
   * Apps came, went or changed: the deployments of every tracked document are matched again, and the
   * objects that an updated app deploys are read again (its sync status changes when they do).
   */
  appsChanged(change: Pick<AppStoreChange, 'added' | 'updated' | 'removed'>): void {
    if (this.disposed) return;
    if (change.added.length === 0 && change.removed.length === 0 && change.updated.length === 0) return;
    const updated = new Set(change.updated);
    const refetch = new Map<string, Item>();
    for (const doc of this.docs.values()) for (const i of doc.items) if (updated.has(i.app.key) && i.fixed === undefined) refetch.set(i.liveKey, i);
    for (const doc of [...this.docs.values()]) this.track(doc.tracked);
    // The previous result stays on screen until the new read arrives (no flicker to "Checking…").
    for (const [key, i] of refetch) if (this.live.isUsed(key)) this.enqueueRead(key, i.cluster, i.ref, true);
  }

  /**
   * Both sides of one lens's comparison, for the diff editor; undefined if the lens is gone. The live
   * side's keys follow the desired side's order (the API server sorts map keys, a document need not),
   * so one changed value reads as one changed line, not as a removed and an added block.
   */
  view(uri: string, documentIndex: number, cluster: string): DriftView | undefined {
    const item = this.docs.get(uri)?.items.find((i) => i.documentIndex === documentIndex && i.cluster === cluster);
    if (!item) return undefined;
    const entry = this.live.get(item.liveKey);
    const liveObj = entry?.kind === 'found' ? entry.side.obj : undefined;
    const predicted = item.prediction?.result && 'obj' in item.prediction.result ? item.prediction.result.obj : undefined;
    const masked = maskSecrets(predicted ?? item.desired.obj, liveObj);
    const where = `${item.ref.kind} ${item.ref.namespace ? `${item.ref.namespace}/` : ''}${item.ref.name}`;
    const why = item.fixed?.kind === 'unknown' ? item.fixed.reason : entry?.kind === 'absent' ? 'not in the cluster' : entry?.kind === 'error' ? entry.reason : 'not read yet';
    const desired = normalize(masked.desired);
    const liveText = entry?.kind === 'found' ? stringify(alignKeyOrder(normalize(masked.live), desired)) : `# ${where} on ${cluster}: ${why}\n`;
    return { title: `${item.ref.name} (live ${cluster} ↔ desired)`, cluster, ref: item.ref, live: liveText, desired: stringify(desired) };
  }

  dispose(): void {
    this.disposed = true;
    this.watches?.dispose();
    this.watchedRefs.clear();
    this.docs.clear();
    this.live.clear();
    this.work.close();
    this._onDidChange.dispose();
  }

  private deploymentsOf(doc: TrackedText, repo: WorkspaceRepo | undefined): Deployment[] {
    if (doc.fsPath === undefined || !repo || repo.remotes.length === 0) return [];
    this.opts.needApps?.();
    return appsDeployingFile({
      repo: { remotes: repo.remotes, root: toPosix(repo.root), ...(repo.branch !== undefined ? { branch: repo.branch } : {}) },
      file: toPosix(doc.fsPath),
      apps: this.opts.apps(),
    });
  }

  private afterRender(uri: string, generation: number, documents: readonly TrackedDocument[], deployments: readonly Deployment[], rendered: RenderedByRoot): void {
    const doc = this.docs.get(uri);
    if (this.disposed || !doc || doc.generation !== generation) return;
    doc.renderAbort = undefined;
    this.setItems(doc, this.itemsOf(doc, documents, deployments, rendered));
    this._onDidChange.fire(uri);
  }

  /**
   * Items for the documents and deployments; an item whose deployment and document text are unchanged
   * is carried over with its normalized desired object and last comparison (only its position moves).
   */
  private itemsOf(doc: Doc, documents: readonly TrackedDocument[], deployments: readonly Deployment[], rendered: RenderedByRoot | undefined): Item[] {
    const reusable = new Map<string, Item[]>();
    for (const i of doc.items) {
      if (i.reuseKey === undefined) continue;
      const list = reusable.get(i.reuseKey);
      if (list) list.push(i);
      else reusable.set(i.reuseKey, [i]);
    }
    const targets = deployments.map((dep) => {
      const outcome = rendered?.byRoot.get(appRoot(rendered.root, dep));
      // With a fallback a Helm template has no plain document to stand in: no lens for this app.
      const skip = outcome?.fallback !== undefined && outcome.notPlainYaml === true;
      const target = this.targetOf(dep);
      const note = joinNotes(outcome?.fallback, branchNote(dep));
      // Per deployment, not per document: the reuse key's prefix and the namespace rules.
      const keyPrefix = `${dep.app.key}\0${target.cluster}\0${dep.namespace ?? ''}\0${note ?? ''}\0`;
      return { dep, ...target, note, keyPrefix, byDocument: outcome?.fallback === undefined ? byDocument(outcome) : undefined, skip };
    });
    const items: Item[] = [];
    for (const d of documents) {
      for (const t of targets) {
        if (t.skip) continue;
        if (t.byDocument) {
          // Rendered: every object the document became (generators may put several on one document).
          for (const r of t.byDocument.get(d.index) ?? []) {
            const id = identityOf(r);
            if (id?.name) items.push(itemOf(d.index, d.line, id, r as Obj, t.dep, t.cluster, t.fixed, t.note, undefined));
          }
          continue;
        }
        const reuseKey = `${t.keyPrefix}${d.textId}`;
        const old = reusable.get(reuseKey)?.shift();
        if (old) {
          old.line = d.line;
          old.documentIndex = d.index;
          if (old.app !== t.dep.app) {
            // An updated app may bring other ignore rules: compare again (the desired side is kept).
            old.app = t.dep.app;
            old.seen = undefined;
          }
          items.push(old);
          continue;
        }
        items.push(itemOf(d.index, d.line, d.identity, d.value, t.dep, t.cluster, t.fixed, t.note, reuseKey));
      }
    }
    return items;
  }

  /**
   * The cluster holding the live objects: an Argo CD app's destination (`in-cluster` / the
   * kubernetes.default.svc URL is the app's own cluster; another server is the kubeconfig context
   * whose cluster has that URL), a Flux app's own cluster.
   */
  private targetOf(dep: Deployment): { cluster: string; fixed?: DriftState } {
    if (this.opts.liveThroughApp?.(dep.cluster)) return { cluster: dep.cluster };
    const t = liveClusterOf(dep.app, dep.cluster, this.opts.contexts?.() ?? []);
    return t.unknown === undefined ? { cluster: t.cluster } : { cluster: t.cluster, fixed: { kind: 'unknown', reason: t.unknown } };
  }

  /** Replaces a document's items: reference counts move, unused live entries go, new ones are read. */
  private setItems(doc: Doc, items: Item[]): void {
    const before = doc.items;
    doc.items = items;
    doc.byLive = new Map();
    for (const i of items) {
      if (i.fixed !== undefined) continue;
      const list = doc.byLive.get(i.liveKey);
      if (list) list.push(i);
      else doc.byLive.set(i.liveKey, [i]);
    }
    // Retained before released: a key both lists use keeps its entry and its watch.
    for (const i of items) if (i.fixed === undefined && this.live.retain(i.liveKey)) this.follow(i);
    for (const i of before) if (i.fixed === undefined && this.live.release(i.liveKey)) this.unfollow(i.liveKey);
    for (const item of items) {
      if (item.fixed !== undefined) {
        item.state = item.fixed;
        continue;
      }
      if (this.live.get(item.liveKey) === undefined) this.enqueueRead(item.liveKey, item.cluster, item.ref);
      this.evaluate(item, this.live.get(item.liveKey));
    }
  }

  private enqueueRead(key: string, cluster: string, ref: ObjectRef, keepShown = false): void {
    if (!keepShown || this.live.get(key) === undefined) this.live.set(key, LOADING_ENTRY);
    if (this.work.isRunning(key)) {
      // The answer on its way was asked for before this change: it is dropped and the object read again.
      this.stale.add(key);
      return;
    }
    this.work.enqueue(key, () => this.fetch(key, cluster, ref));
  }

  private async fetch(key: string, cluster: string, ref: ObjectRef): Promise<void> {
    // Nobody needs it any more (the document was closed or edited while queued).
    if (!this.live.isUsed(key)) return;
    const deliveriesBefore = this.deliveries.get(key);
    let entry: LiveEntry;
    try {
      // Only the asked object is kept: a list or another object is never compared or shown (issue 12).
      const answer = admitLive(ref, await this.opts.reader.get(cluster, ref));
      entry = answer.ok ? { kind: 'found', side: { obj: answer.obj } } : { kind: 'error', reason: answer.reason };
    } catch (err) {
      entry = this.entryOfError(err, cluster);
      if (entry.kind === 'error') this.opts.log.debug(`[DriftSession][fetch] ${cluster} ${ref.kind} ${ref.namespace}/${ref.name}: ${entry.reason}`);
    }
    if (this.disposed) return;
    if (this.stale.delete(key)) {
      this.work.followUp(key, () => this.fetch(key, cluster, ref), () => this.live.isUsed(key));
      return;
    }
    if (!this.live.isUsed(key)) return;
    // The watch delivered the object while this GET ran: its state is at least as new, keep it.
    if (this.deliveries.get(key) !== deliveriesBefore && this.live.get(key)?.kind !== 'loading') return;
    this.setLive(key, entry);
  }

  /** A key came into use: watch its object (LiveWatches bounds how many). */
  private follow(item: Item): void {
    if (!this.watches) return;
    this.watchedRefs.set(item.liveKey, { cluster: item.cluster, ref: item.ref });
    this.watches.want(item.liveKey, item.cluster, item.ref);
  }

  /** The last lens of a key went: its watch ends. */
  private unfollow(key: string): void {
    if (!this.watches) return;
    this.watchedRefs.delete(key);
    this.deliveries.delete(key);
    this.watches.drop(key);
  }

  /**
   * What a watch delivered. The same object again (one resourceVersion: the synthetic ADDED a watch
   * starts with, a relist) changes nothing; anything else becomes the key's entry at once, and the
   * lenses using it are compared again. A failure leaves what is shown (the watcher retries).
   */
  private onLiveEvent(key: string, e: LiveObjectEvent): void {
    if (this.disposed || !this.live.isUsed(key)) return;
    const where = this.watchedRefs.get(key);
    if (!where) return;
    if (e.type === 'failed') {
      const f = liveReadFailure(e.error);
      this.opts.log.debug(`[DriftSession][watch] ${where.cluster} ${where.ref.kind} ${where.ref.namespace}/${where.ref.name}: ${describeLiveReadFailure(f)}`);
      return;
    }
    let entry: LiveEntry;
    if (e.type === 'deleted') {
      if (this.live.get(key)?.kind === 'absent') return;
      entry = ABSENT_ENTRY;
    } else {
      const answer = admitLive(where.ref, e.object);
      if (!answer.ok) return;
      const current = this.live.get(key);
      if (current?.kind === 'found' && sameVersion(current.side.obj, answer.obj)) return;
      entry = { kind: 'found', side: { obj: answer.obj } };
    }
    this.deliveries.set(key, (this.deliveries.get(key) ?? 0) + 1);
    this.opts.log.trace(`[DriftSession][watch] ${where.cluster} ${where.ref.kind} ${where.ref.namespace}/${where.ref.name}: ${e.type}`);
    this.setLive(key, entry);
  }

  /** A key's new entry: every lens using it is evaluated, and its documents announce the change. */
  private setLive(key: string, entry: LiveEntry): void {
    this.live.set(key, entry);
    for (const doc of this.docs.values()) {
      const items = doc.byLive.get(key);
      if (items === undefined) continue;
      for (const item of items) this.evaluate(item, entry);
      this.markDirty(doc.tracked.uri);
    }
  }

  /** Documents with lenses of `key` announce a change (their notes changed). */
  private markUsers(key: string): void {
    for (const doc of this.docs.values()) if (doc.byLive.has(key)) this.markDirty(doc.tracked.uri);
  }

  /**
   * Said on the lens when the Application diffs server-side (`ServerSideDiff=true`) and the dry-run
   * setting is off: the local comparison can then differ from Argo CD's (defaults, webhooks).
   */
  private serverSideNote(i: Item): string | undefined {
    return i.app.compareOptions?.serverSideDiff === true && !this.opts.predict && i.fixed === undefined ? SERVER_SIDE_NOTE : undefined;
  }

  /**
   * An app read through Argo CD's API (`liveThroughApp`) is never dry-run: its cluster is an Argo CD
   * server, not a Kubernetes API, and its live side already is Argo CD's own normalized state
   * (managed-resources). Said on the lens while the dry-run setting is on, so nobody takes it for one.
   */
  private predicts(i: Item): boolean {
    return this.opts.predict !== undefined && this.opts.liveThroughApp?.(i.cluster) !== true;
  }

  private noDryRunNote(i: Item): string | undefined {
    return this.opts.predict !== undefined && !this.predicts(i) && i.fixed === undefined ? API_NO_DRY_RUN_NOTE : undefined;
  }

  /** Computes an item's state from a live entry, unless it already did from this very entry. */
  private evaluate(item: Item, entry: LiveEntry | undefined): void {
    if (entry !== undefined && item.seen === entry && (item.prediction === undefined || item.prediction.entry === entry)) return;
    item.seen = entry;
    item.findings = NO_FINDINGS;
    item.skipped = undefined;
    if (entry === undefined || entry.kind === 'loading') {
      // Keep what is shown while a refetch runs; a first read shows "Checking…".
      if (item.state.kind === 'inSync' || item.state.kind === 'drift' || item.state.kind === 'absent') return;
      item.state = LOADING;
      return;
    }
    if (entry.kind === 'error') {
      item.state = { kind: 'unknown', reason: entry.reason };
      return;
    }
    // Flux neither compares nor applies an object it is told to leave alone (core/drift/objectOptions.ts).
    const skip = item.app.tool === 'flux' ? fluxSkipReason(item.desired.obj, entry.kind === 'found' ? entry.side.obj : undefined) : undefined;
    if (skip !== undefined) item.skipped = `Flux leaves it alone: ${skip}`;
    if (entry.kind === 'absent') {
      item.state = ABSENT;
      return;
    }
    if (skip !== undefined) {
      item.state = IN_SYNC;
      return;
    }
    // A SOPS document is ciphertext: a dry-run of it says nothing; its keys are compared (sops.ts).
    // An Application that says ServerSideDiff=false is compared locally, as Argo CD does, whatever the setting.
    if (this.predicts(item) && item.app.compareOptions?.serverSideDiff !== false && !isSopsEncrypted(item.desired.obj)) {
      this.evaluatePredicted(item, entry);
      return;
    }
    this.compare(item, item.desired, entry, false);
  }

  private evaluatePredicted(item: Item, entry: Extract<LiveEntry, { kind: 'found' }>): void {
    const p = item.prediction;
    if (p?.entry === entry && p.result !== undefined) {
      if ('error' in p.result) item.state = { kind: 'unknown', reason: p.result.error };
      else this.compare(item, { obj: p.result.obj }, entry, true);
      return;
    }
    if (p?.entry !== entry) {
      const prediction: Prediction = { entry };
      item.prediction = prediction;
      const predict = this.opts.predict;
      if (!predict) return;
      // Keyed per item: an edited document is a new item, so its prediction is asked for anew.
      this.work.enqueue(`predict\0${item.liveKey}\0${++this.predictions}`, async () => {
        try {
          prediction.result = { obj: await predict(item.cluster, structuredClone(item.desired.obj)) };
        } catch (err) {
          prediction.result = { error: `dry-run: ${err instanceof Error ? err.message : String(err)}` };
        }
        if (this.disposed || item.prediction !== prediction) return;
        item.seen = undefined;
        this.evaluate(item, entry);
        for (const doc of this.docs.values()) if (doc.byLive.get(item.liveKey)?.includes(item)) this.markDirty(doc.tracked.uri);
      });
    }
    if (item.state.kind !== 'inSync' && item.state.kind !== 'drift') item.state = LOADING;
  }

  /** comparer.ts with the item's cached desired side and the entry's cached live side. */
  private compare(item: Item, desired: DesiredSide, entry: Extract<LiveEntry, { kind: 'found' }>, predicted: boolean): void {
    try {
      // Assigned, not spread: this runs for every lens of a first load (issue 18).
      const ctx: { -readonly [K in keyof CompareContext]: CompareContext[K] } = { listKeys: this.listKeysOf(item.identity), ignore: this.opts.ignoreOf?.(item.app) ?? [], app: item.app, predicted };
      if (item.app.compareOptions?.includeMutationWebhook) ctx.includeMutationWebhook = true;
      const settings = this.opts.diffSettingsOf?.(item.app);
      if (settings !== undefined) ctx.settings = settings;
      if (predicted) {
        ctx.original = item.desired;
        ctx.dryRunManager = DRY_RUN_FIELD_MANAGER;
      }
      const findings = compareSides(desired, entry.side, ctx);
      item.findings = findings;
      item.state = findings.length === 0 ? IN_SYNC : { kind: 'drift', fields: findings.length };
    } catch (err) {
      item.state = { kind: 'unknown', reason: err instanceof Error ? err.message : String(err) };
    }
  }

  private listKeysOf(identity: ResourceIdentity): ListKeys {
    const k = `${identity.group}/${identity.kind}`;
    let lk = this.listKeys.get(k);
    if (!lk) {
      lk = builtinListKeys({ group: identity.group, kind: identity.kind });
      this.listKeys.set(k, lk);
    }
    return lk;
  }

  private markDirty(uri: string): void {
    this.dirty.add(uri);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // One event per URI for everything a turn of reads changed, not one per read.
    setImmediate(() => {
      this.flushScheduled = false;
      if (this.disposed) return;
      const uris = [...this.dirty];
      this.dirty.clear();
      for (const u of uris) this._onDidChange.fire(u);
    });
  }

  /** Not found is "not in cluster"; anything else a short reason (core/kube/k8sFailure has the words). */
  private entryOfError(err: unknown, cluster: string): LiveEntry {
    const f = liveReadFailure(err);
    if (f.kind === 'absent') return ABSENT_ENTRY;
    const unreachable = f.kind === 'unreachable' || (f.kind === 'k8s' && f.error.code === 'Unreachable');
    if (!unreachable) return { kind: 'error', reason: describeLiveReadFailure(f) };
    const seen = this.opts.lastSeen?.(cluster);
    if (seen === undefined) return { kind: 'error', reason: 'unreachable' };
    return { kind: 'error', reason: `unreachable, seen ${timeAgo(seen, this.opts.clock?.now() ?? Date.now())}` };
  }
}

const LOADING_ENTRY: LiveEntry = { kind: 'loading' };

/** Two reads of one object at the same resourceVersion (an opaque string: only equality is meaningful). */
function sameVersion(a: Obj, b: Obj): boolean {
  const rv = (o: Obj) => (isRecord(o.metadata) && typeof o.metadata.resourceVersion === 'string' ? o.metadata.resourceVersion : undefined);
  const x = rv(a);
  return x !== undefined && x !== '' && x === rv(b);
}
const ABSENT_ENTRY: LiveEntry = { kind: 'absent' };

const unknownScope = (): undefined => undefined;
const NO_DEFAULT_NAMESPACE = { namespaced: unknownScope };

function itemOf(
  documentIndex: number,
  line: number,
  identity: ResourceIdentity,
  value: Obj,
  dep: Deployment,
  cluster: string,
  fixed: DriftState | undefined,
  note: string | undefined,
  reuseKey: string | undefined,
): Item {
  const name = identity.name ?? '';
  // The document's namespace, else the deployer's (Argo CD destination namespace), else `default`;
  // none for cluster-scoped kinds (core/manifest/namespace.ts has the sources).
  const namespace = resolveNamespace(identity, dep.namespace !== undefined ? { defaultNamespace: dep.namespace, namespaced: unknownScope } : NO_DEFAULT_NAMESPACE) ?? '';
  const apiVersion = identity.group === '' ? identity.version : `${identity.group}/${identity.version}`;
  const ref: ObjectRef = { apiVersion, kind: identity.kind, namespace, name };
  // A name or namespace that cannot be a URL segment (`.`, `..`, `a/b`, `%2e`) is never read: the
  // lens says why instead (issue 12; core/kube/names.ts has the API server's rules).
  const invalid = objectRefProblem(ref);
  if (invalid !== undefined && fixed === undefined) fixed = { kind: 'unknown', reason: invalid };
  return {
    line,
    documentIndex,
    reuseKey,
    cluster,
    app: dep.app,
    identity,
    ref,
    liveKey: JSON.stringify([cluster, identity.group, identity.kind, namespace, name]),
    desired: { obj: withNamespace(value, namespace) },
    // Always present (undefined when readable): one object shape for every item, and no spread per item.
    fixed,
    note: isSopsEncrypted(value) ? joinNotes(note, SOPS_NOTE) : note,
    state: fixed ?? LOADING,
    findings: NO_FINDINGS,
    seen: undefined,
  };
}

/**
 * A desired object with its namespace set: a shallow copy, as the parsed value is shared with the
 * chunk cache; a document that names its namespace already (or a cluster-scoped one) is used as it is.
 */
function withNamespace(value: Obj, namespace: string): Obj {
  if (namespace === '' || (isRecord(value.metadata) && value.metadata.namespace === namespace)) return value;
  return { ...value, metadata: { ...(isRecord(value.metadata) ? value.metadata : {}), namespace } };
}

function branchNote(dep: Deployment): string | undefined {
  if (dep.revisionMatches !== false || dep.revision === undefined || dep.branch === undefined) return undefined;
  return `app tracks ${dep.revision}, you are on ${dep.branch}`;
}

const API_NO_DRY_RUN_NOTE = "no server-side dry-run: read through Argo CD's API, compared with the live state Argo CD normalized (managed-resources)";
const SERVER_SIDE_NOTE = 'Argo CD diffs this app server-side (ServerSideDiff=true); compared locally because gitopsLens.drift.serverSideDryRun is off';

function joinNotes(...notes: Array<string | undefined>): string | undefined {
  const n = notes.filter((x): x is string => x !== undefined && x !== '');
  return n.length === 0 ? undefined : n.join('; ');
}

function changeOf(f: DriftFinding, desired: Obj, live: Obj | undefined): DriftChange {
  const attribution = live ? attributeFinding(live, f.steps) : undefined;
  return {
    path: desiredPathOf(f.path, desired),
    ...(f.desired !== undefined ? { desired: f.desired } : {}),
    ...(f.live !== undefined ? { live: f.live } : {}),
    ...(attribution?.lastSetBy ? { attribution } : {}),
  };
}

