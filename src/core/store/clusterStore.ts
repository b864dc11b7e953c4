/**
 * The set of clusters (kubeconfig contexts) GitOps Lens knows, as a snapshot plus a change event.
 * Views read `snapshot` synchronously (STYLE.md rule 5); only `reload` touches the outside world,
 * through the KubeconfigSource port.
 */
import { Emitter, DisposableStore, type Disposable, type Event } from '../lifecycle';
import { mergeKubeconfigs } from '../kube/kubeconfig';
import type { ClusterContext, KubeconfigProblem, MergedKubeconfig } from '../model/cluster';
import type { ConfigSnapshot, KubeconfigSource, Logger } from '../ports';

export interface ClusterEntry extends ClusterContext {
  readonly enabled: boolean;
}

export interface ClusterSnapshot {
  readonly clusters: readonly ClusterEntry[];
  readonly currentContext: string | undefined;
  readonly problems: readonly KubeconfigProblem[];
  /** False until the first load finished, so views can tell "loading" from "none". */
  readonly loaded: boolean;
}

const EMPTY: ClusterSnapshot = { clusters: [], currentContext: undefined, problems: [], loaded: false };

export class ClusterStore implements Disposable {
  private readonly disposables = new DisposableStore();
  private readonly _onDidChange = this.disposables.add(new Emitter<ClusterSnapshot>());
  readonly onDidChange: Event<ClusterSnapshot> = this._onDidChange.event;
  private current: ClusterSnapshot = EMPTY;
  private merged: MergedKubeconfig | undefined;
  private generation = 0;

  constructor(
    private readonly source: KubeconfigSource,
    private config: ConfigSnapshot,
    private readonly log: Logger,
  ) {
    source.onDidChange(() => void this.reload(), this, this.disposables);
  }

  get snapshot(): ClusterSnapshot {
    return this.current;
  }

  /** Re-reads every kubeconfig file. Overlapping reloads resolve in order; the last one wins. */
  async reload(): Promise<ClusterSnapshot> {
    const gen = ++this.generation;
    const files = await this.source.read();
    if (gen !== this.generation || this.disposables.isDisposed) return this.current;
    this.merged = mergeKubeconfigs(files);
    for (const p of this.merged.problems) {
      this.log.warn(`[ClusterStore][reload] ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`);
    }
    this.log.info(
      `[ClusterStore][reload] ${this.merged.contexts.length} context(s) from ${files.filter((f) => f.text !== undefined).length} file(s)`,
    );
    this.publish();
    return this.current;
  }

  /** Applies new settings; disabled contexts change without re-reading files. */
  updateConfig(config: ConfigSnapshot): void {
    this.config = config;
    if (this.merged) this.publish();
  }

  private publish(): void {
    const merged = this.merged;
    if (!merged) return;
    const disabled = new Set(this.config.disabledContexts);
    this.current = {
      clusters: merged.contexts.map((c) => ({ ...c, enabled: !disabled.has(c.name) })),
      currentContext: merged.currentContext,
      problems: merged.problems,
      loaded: true,
    };
    this._onDidChange.fire(this.current);
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
