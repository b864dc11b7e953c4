/**
 * Pull requests GitOps Lens opened, kept in workspaceState so that an app's "Pull Requests" node can
 * list them without asking every forge (issue 6). The tree reads this snapshot only (STYLE.md rule 5);
 * commands add to it and refresh from the forge, and so does expanding or refreshing a Pull Requests
 * node (`refreshApp`, in the background: the change event re-renders the node).
 */
import type * as vscode from 'vscode';
import { Emitter, type Event } from '../../core/lifecycle';
import type { AppKey } from '../../core/model/app';

const KEY = 'gitopsLens.pullRequests.v1';

export interface PullRequestRecord {
  readonly url: string;
  readonly title: string;
  readonly number?: number;
  readonly head: string;
  readonly base: string;
  readonly host: string;
  /** The remote the PR was opened from (its forge is derived from it), for refreshing; absent in older records. */
  readonly remoteUrl?: string;
  /** Apps the change touches (the impact), for the tree. */
  readonly apps: readonly AppKey[];
  /** Repo-relative paths of the change. */
  readonly files: readonly string[];
  readonly openedAt: number;
}

/**
 * Which of `records` (all from one remote) are still open on the forge: their URLs, or undefined when
 * the forge cannot be asked (no token, offline), in which case nothing is dropped.
 */
export type OpenPullRequestCheck = (remoteUrl: string, records: readonly PullRequestRecord[]) => Promise<ReadonlySet<string> | undefined>;

export class PullRequestRecords {
  private readonly _onDidChange = new Emitter<void>();
  readonly onDidChange: Event<void> = this._onDidChange.event;
  private readonly refreshing = new Map<AppKey, Promise<void>>();
  private check: OpenPullRequestCheck | undefined;

  constructor(private readonly state: Pick<vscode.Memento, 'get' | 'update'>) {}

  /** Set once the forge clients exist (composition/registry); until then `refreshApp` does nothing. */
  setOpenCheck(check: OpenPullRequestCheck): void {
    this.check = check;
  }

  /**
   * Asks the forges which of the app's recorded PRs are still open and drops the others (closed or
   * merged), firing onDidChange when something went. One refresh per app at a time.
   */
  refreshApp(key: AppKey): Promise<void> {
    const running = this.refreshing.get(key);
    if (running) return running;
    const run = this.doRefresh(key).finally(() => this.refreshing.delete(key));
    this.refreshing.set(key, run);
    return run;
  }

  private async doRefresh(key: AppKey): Promise<void> {
    const check = this.check;
    if (!check) return;
    const byRemote = new Map<string, PullRequestRecord[]>();
    for (const r of this.forApp(key)) if (r.remoteUrl) byRemote.set(r.remoteUrl, [...(byRemote.get(r.remoteUrl) ?? []), r]);
    const closed = new Set<string>();
    for (const [remote, recs] of byRemote) {
      const open = await check(remote, recs).catch(() => undefined);
      if (!open) continue;
      for (const r of recs) if (!open.has(r.url)) closed.add(r.url);
    }
    if (closed.size) await this.retain((r) => !closed.has(r.url));
  }

  all(): readonly PullRequestRecord[] {
    const v = this.state.get<unknown>(KEY);
    return Array.isArray(v) ? (v as PullRequestRecord[]).filter((r) => typeof r?.url === 'string') : [];
  }

  forApp(key: AppKey): readonly PullRequestRecord[] {
    return this.all().filter((r) => r.apps.includes(key));
  }

  /** Adds or replaces (same URL: an updated PR) a record. */
  async add(record: PullRequestRecord): Promise<void> {
    const others = this.all().filter((r) => r.url !== record.url);
    const prev = this.all().find((r) => r.url === record.url);
    const merged: PullRequestRecord = prev ? { ...record, apps: [...new Set([...prev.apps, ...record.apps])] } : record;
    await this.state.update(KEY, [merged, ...others].slice(0, 200));
    this._onDidChange.fire();
  }

  /** Drops records whose PR the forge no longer lists as open. */
  async retain(keep: (r: PullRequestRecord) => boolean): Promise<void> {
    const all = this.all();
    const kept = all.filter(keep);
    if (kept.length === all.length) return;
    await this.state.update(KEY, kept);
    this._onDidChange.fire();
  }

  dispose(): void {
    this._onDidChange.dispose();
  }
}
