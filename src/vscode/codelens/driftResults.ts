/**
 * Drift results behind the manifest CodeLenses (issue 5): per open YAML document, one entry per
 * Kubernetes document and cluster that deploys the file, with its state. Providers only read
 * `lenses(uri)` (STYLE.md rule 5); every cluster GET happens here, from document and AppStore events,
 * with bounded concurrency. The live object is cached per (cluster, object), so an edit re-diffs only
 * the edited document against what was already read, and an app change refetches what that app deploys.
 *
 * Free of `vscode` on purpose: documents come in as text, so the logic can run under plain mocha.
 */
import { stringify } from 'yaml';
import { appsDeployingFile, type Deployment } from '../../core/drift/deployedBy';
import { diffPair } from '../../core/drift/engine';
import { builtinListKeys } from '../../core/drift/listKeys';
import { maskSecrets } from '../../core/drift/mask';
import { normalize } from '../../core/drift/normalize';
import { Emitter, type Disposable, type Event } from '../../core/lifecycle';
import { parseManifests, type ResourceIdentity } from '../../core/manifest/documents';
import { resolveNamespace } from '../../core/manifest/namespace';
import type { App, AppKey } from '../../core/model/app';
import type { Logger } from '../../core/ports';
import type { AppStoreChange } from '../../core/store/appStore';
import { httpStatusOf } from '../../core/store/resourceHealthStore';

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
}

export interface LiveRef {
  readonly apiVersion: string;
  readonly kind: string;
  /** '' for cluster-scoped objects. */
  readonly namespace: string;
  readonly name: string;
}

export interface LiveReader {
  get(cluster: string, ref: LiveRef): Promise<unknown>;
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

export interface DriftResultsOptions {
  readonly apps: () => readonly App[];
  readonly reader: LiveReader;
  readonly repoOf: (fsPath: string) => WorkspaceRepo | undefined;
  readonly log: Logger;
  /** Called when a document would get lenses: the apps must be loaded for them. */
  readonly needApps?: () => void;
  readonly concurrency?: number;
}

export interface DriftView {
  readonly title: string;
  readonly cluster: string;
  readonly ref: LiveRef;
  /** Normalized, Secret-masked YAML of each side. */
  readonly live: string;
  readonly desired: string;
}

type LiveEntry = { readonly kind: 'loading' } | { readonly kind: 'found'; readonly obj: Obj } | { readonly kind: 'absent' } | { readonly kind: 'error'; readonly reason: string };

interface Item {
  readonly line: number;
  readonly documentIndex: number;
  readonly cluster: string;
  readonly appKey: AppKey;
  readonly identity: ResourceIdentity;
  readonly ref: LiveRef;
  readonly liveKey: string;
  readonly desired: Obj;
  state: DriftState;
}

interface Doc {
  readonly tracked: TrackedText;
  items: Item[];
}

const LOADING: DriftState = { kind: 'loading' };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export class DriftResults implements Disposable {
  private readonly _onDidChange = new Emitter<string>();
  /** Fires with the document URI whose lenses changed. */
  readonly onDidChange: Event<string> = this._onDidChange.event;

  private readonly docs = new Map<string, Doc>();
  private readonly live = new Map<string, LiveEntry>();
  private readonly queue: Array<{ key: string; cluster: string; ref: LiveRef }> = [];
  private readonly queued = new Set<string>();
  private running = 0;
  private disposed = false;

  constructor(private readonly opts: DriftResultsOptions) {}

  /** The lenses of a document as last computed; synchronous, never calls the cluster. */
  lenses(uri: string): readonly DriftLens[] {
    return (this.docs.get(uri)?.items ?? []).map((i) => ({ line: i.line, documentIndex: i.documentIndex, cluster: i.cluster, state: i.state }));
  }

  /** (Re)reads a document's text: parses it, finds who deploys it, diffs against cached live objects and queues the missing GETs. */
  track(doc: TrackedText): void {
    if (this.disposed) return;
    const items = this.itemsOf(doc);
    this.docs.set(doc.uri, { tracked: doc, items });
    for (const item of items) {
      const entry = this.live.get(item.liveKey);
      if (entry === undefined) this.enqueue(item.liveKey, item.cluster, item.ref);
      item.state = stateOf(item, entry);
    }
    this._onDidChange.fire(doc.uri);
  }

  forget(uri: string): void {
    if (this.docs.delete(uri)) this._onDidChange.fire(uri);
    // Live objects no open document needs are dropped, so a reopened file reads them again.
    const used = new Set([...this.docs.values()].flatMap((d) => d.items.map((i) => i.liveKey)));
    for (const key of [...this.live.keys()]) if (!used.has(key)) this.live.delete(key);
  }

  /**
   * Apps came, went or changed: the deployments of every tracked document are matched again, and the
   * objects that an updated app deploys are read again (its sync status changes when they do).
   */
  appsChanged(change: Pick<AppStoreChange, 'added' | 'updated' | 'removed'>): void {
    if (this.disposed) return;
    const updated = new Set(change.updated);
    const refetch = new Map<string, Item>();
    for (const doc of this.docs.values()) for (const i of doc.items) if (updated.has(i.appKey)) refetch.set(i.liveKey, i);
    // The previous result stays on screen until the new read arrives (no flicker to "Checking…").
    for (const [key, i] of refetch) this.enqueue(key, i.cluster, i.ref, true);
    if (change.added.length > 0 || change.removed.length > 0 || change.updated.length > 0) {
      for (const doc of [...this.docs.values()]) this.track(doc.tracked);
    }
  }

  /** Both sides of one lens's comparison, for the diff editor; undefined if the lens is gone. */
  view(uri: string, documentIndex: number, cluster: string): DriftView | undefined {
    const item = this.docs.get(uri)?.items.find((i) => i.documentIndex === documentIndex && i.cluster === cluster);
    if (!item) return undefined;
    const entry = this.live.get(item.liveKey);
    const liveObj = entry?.kind === 'found' ? entry.obj : undefined;
    const masked = maskSecrets(item.desired, liveObj);
    const where = `${item.ref.kind} ${item.ref.namespace ? `${item.ref.namespace}/` : ''}${item.ref.name}`;
    const liveText =
      entry?.kind === 'found'
        ? stringify(normalize(masked.live))
        : `# ${where} on ${cluster}: ${entry?.kind === 'absent' ? 'not in the cluster' : entry?.kind === 'error' ? entry.reason : 'not read yet'}\n`;
    return { title: `${item.ref.name} (live ${cluster} ↔ desired)`, cluster, ref: item.ref, live: liveText, desired: stringify(normalize(masked.desired)) };
  }

  dispose(): void {
    this.disposed = true;
    this.docs.clear();
    this.live.clear();
    this.queue.length = 0;
    this._onDidChange.dispose();
  }

  private itemsOf(doc: TrackedText): Item[] {
    if (doc.fsPath === undefined) return [];
    const parsed = parseManifests(doc.text);
    const objects = parsed.documents.filter((d) => d.identity?.name !== undefined && isObj(d.value));
    if (objects.length === 0) return [];
    const repo = this.opts.repoOf(doc.fsPath);
    if (!repo || repo.remotes.length === 0) return [];
    this.opts.needApps?.();
    const deployments = appsDeployingFile({
      repo: { remotes: repo.remotes, root: toPosix(repo.root), ...(repo.branch !== undefined ? { branch: repo.branch } : {}) },
      file: toPosix(doc.fsPath),
      apps: this.opts.apps(),
    });
    const items: Item[] = [];
    for (const d of objects) {
      const identity = d.identity;
      if (!identity?.name) continue;
      for (const dep of deployments) items.push(itemOf(d.index, d.headerLine, identity, identity.name, d.value as Obj, dep));
    }
    return items;
  }

  private enqueue(key: string, cluster: string, ref: LiveRef, keepShown = false): void {
    if (this.queued.has(key)) return;
    if (!keepShown || !this.live.has(key)) this.live.set(key, { kind: 'loading' });
    this.queued.add(key);
    this.queue.push({ key, cluster, ref });
    this.pump();
  }

  private pump(): void {
    const limit = this.opts.concurrency ?? 4;
    while (this.running < limit && !this.disposed) {
      const next = this.queue.shift();
      if (!next) return;
      this.running += 1;
      void this.fetch(next.key, next.cluster, next.ref).finally(() => {
        this.running -= 1;
        this.queued.delete(next.key);
        this.pump();
      });
    }
  }

  private async fetch(key: string, cluster: string, ref: LiveRef): Promise<void> {
    let entry: LiveEntry;
    try {
      const obj = await this.opts.reader.get(cluster, ref);
      entry = isObj(obj) ? { kind: 'found', obj } : { kind: 'error', reason: 'unexpected answer' };
    } catch (err) {
      entry = entryOfError(err);
      if (entry.kind === 'error') this.opts.log.debug(`[DriftResults][fetch] ${cluster} ${ref.kind} ${ref.namespace}/${ref.name}: ${entry.reason}`);
    }
    if (this.disposed) return;
    this.live.set(key, entry);
    for (const doc of this.docs.values()) {
      let changed = false;
      for (const item of doc.items) {
        if (item.liveKey !== key) continue;
        item.state = stateOf(item, entry);
        changed = true;
      }
      if (changed) this._onDidChange.fire(doc.tracked.uri);
    }
  }
}

function itemOf(documentIndex: number, line: number, identity: ResourceIdentity, name: string, value: Obj, dep: Deployment): Item {
  // The document's namespace, else the deployer's (Argo CD destination namespace), else `default`;
  // none for cluster-scoped kinds (core/manifest/namespace.ts has the sources).
  const namespace = resolveNamespace(identity, { ...(dep.namespace !== undefined ? { defaultNamespace: dep.namespace } : {}), namespaced: () => undefined }) ?? '';
  const apiVersion = identity.group === '' ? identity.version : `${identity.group}/${identity.version}`;
  const ref: LiveRef = { apiVersion, kind: identity.kind, namespace, name };
  const desired = structuredClone(value);
  if (namespace !== '') desired.metadata = { ...(isObj(desired.metadata) ? desired.metadata : {}), namespace };
  return {
    line,
    documentIndex,
    cluster: dep.cluster,
    appKey: dep.app.key,
    identity,
    ref,
    liveKey: JSON.stringify([dep.cluster, identity.group, identity.kind, namespace, name]),
    desired,
    state: LOADING,
  };
}

function stateOf(item: Item, entry: LiveEntry | undefined): DriftState {
  if (entry === undefined || entry.kind === 'loading') return LOADING;
  if (entry.kind === 'absent') return { kind: 'absent' };
  if (entry.kind === 'error') return { kind: 'unknown', reason: entry.reason };
  try {
    const fields = diffPair(item.desired, entry.obj, builtinListKeys({ group: item.identity.group, kind: item.identity.kind })).changes.length;
    return fields === 0 ? { kind: 'inSync' } : { kind: 'drift', fields };
  } catch (err) {
    return { kind: 'unknown', reason: err instanceof Error ? err.message : String(err) };
  }
}

/** 404 is "not in cluster"; other statuses become a short reason (Kubernetes API conventions, Status codes). */
function entryOfError(err: unknown): LiveEntry {
  const status = httpStatusOf(err);
  if (status === 404) return { kind: 'absent' };
  if (status === 403) return { kind: 'error', reason: 'forbidden' };
  if (status === 401) return { kind: 'error', reason: 'unauthorized' };
  if (status !== undefined) return { kind: 'error', reason: `HTTP ${status}` };
  return { kind: 'error', reason: 'unreachable' };
}

function toPosix(p: string): string {
  return p.replace(/\\/g, '/');
}

/** Lens text, e.g. `Drift: 2 fields · prod-eu`. */
export function lensTitle(lens: Pick<DriftLens, 'state' | 'cluster'>): string {
  const s = lens.state;
  switch (s.kind) {
    case 'loading':
      return `Checking… · ${lens.cluster}`;
    case 'inSync':
      return `In sync · ${lens.cluster}`;
    case 'drift':
      return `Drift: ${s.fields} ${s.fields === 1 ? 'field' : 'fields'} · ${lens.cluster}`;
    case 'absent':
      return `Not in cluster · ${lens.cluster}`;
    case 'unknown':
      return `Unknown · ${lens.cluster} (${s.reason})`;
  }
}
