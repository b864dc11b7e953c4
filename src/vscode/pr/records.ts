/**
 * Pull requests GitOps Lens opened, kept in workspaceState so that an app's "Pull Requests" node can
 * list them without asking every forge (issue 6). The tree reads this snapshot only (STYLE.md rule 5);
 * commands add to it and refresh from the forge.
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
  /** Apps the change touches (the impact), for the tree. */
  readonly apps: readonly AppKey[];
  /** Repo-relative paths of the change. */
  readonly files: readonly string[];
  readonly openedAt: number;
}

export class PullRequestRecords {
  private readonly _onDidChange = new Emitter<void>();
  readonly onDidChange: Event<void> = this._onDidChange.event;

  constructor(private readonly state: vscode.Memento) {}

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
