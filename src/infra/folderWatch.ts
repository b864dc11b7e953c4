/**
 * Watches the folders of a set of files and calls back once per burst of changes to any of them.
 * Folders are watched rather than files: tools rewrite files (a new inode the file watch would lose)
 * and a file created later (a first `argocd login`, a new kubeconfig) must be noticed too. A folder that
 * does not exist yet, or is removed and made again (`rm -rf ~/.config/argocd` then `argocd login`), is
 * waited for by watching its nearest existing parent. Never polls. Shared by the kubeconfig files and
 * the argocd CLI's config file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

interface Watched {
  /** The file names that count; for a parent waited on, none (any event there is looked at). */
  readonly names: Set<string>;
  readonly w: fs.FSWatcher;
  /** For a parent watched in place of a missing folder: that folder. */
  readonly waitingFor?: string;
}

export class FolderWatch {
  /** Folder watched → what it is watched for. */
  private readonly watchers = new Map<string, Watched>();
  private debounce: NodeJS.Timeout | undefined;
  private files: readonly string[] = [];
  private disposed = false;

  constructor(
    private readonly onChange: () => void,
    /** Editors and CLIs write a file in several steps; one call per burst is enough. */
    private readonly debounceMs = 100,
  ) {}

  /** Watches the folders of these files (and no others). */
  watch(files: readonly string[]): void {
    if (this.disposed) return;
    this.files = files;
    const wanted = new Map<string, Set<string>>();
    for (const p of files) {
      const dir = path.dirname(p);
      const names = wanted.get(dir) ?? new Set<string>();
      names.add(path.basename(p));
      wanted.set(dir, names);
    }
    const keep = new Set<string>();
    for (const [dir, names] of wanted) {
      const existing = this.watchers.get(dir);
      if (existing && existing.waitingFor === undefined && fs.existsSync(dir)) {
        existing.names.clear();
        for (const n of names) existing.names.add(n);
        keep.add(dir);
        continue;
      }
      const at = this.open(dir, names);
      if (at !== undefined) keep.add(at);
    }
    for (const [dir, { w }] of this.watchers) {
      if (keep.has(dir)) continue;
      w.close();
      this.watchers.delete(dir);
    }
  }

  /** Watches `dir`, or the nearest parent that exists until `dir` does; the folder watched. */
  private open(dir: string, names: Set<string>): string | undefined {
    const old = this.watchers.get(dir);
    if (old) {
      old.w.close();
      this.watchers.delete(dir);
    }
    if (fs.existsSync(dir)) {
      return this.attach(dir, { names }, (filename) => {
        if (!fs.existsSync(dir) || (filename !== null && this.leadsToWanted(path.join(dir, filename)))) this.folderChanged();
        else if (filename === null || names.has(filename)) this.changed();
      });
    }
    for (let parent = path.dirname(dir), child = dir; parent !== child; child = parent, parent = path.dirname(parent)) {
      if (!fs.existsSync(parent)) continue;
      // Shared by every missing folder below it: one watch, any of them appearing re-runs watch().
      if (this.watchers.has(parent)) return parent;
      return this.attach(parent, { names: new Set(), waitingFor: dir }, () => this.folderChanged());
    }
    return undefined;
  }

  private attach(dir: string, what: Omit<Watched, 'w'>, onEvent: (filename: string | null) => void): string | undefined {
    try {
      const w = fs.watch(dir, { persistent: false }, (_event, filename) => onEvent(filename === null ? null : filename.toString()));
      w.on('error', () => {
        w.close();
        if (this.watchers.get(dir)?.w === w) this.watchers.delete(dir);
      });
      this.watchers.set(dir, { ...what, w });
      return dir;
    } catch {
      // Gone between the check and the watch, or not readable; the next call tries again.
      return undefined;
    }
  }

  /** Whether a path is a folder on the way to a watched file's folder (a missing folder appearing under a watched one). */
  private leadsToWanted(p: string): boolean {
    return this.files.some((f) => path.dirname(f).startsWith(p + path.sep) || path.dirname(f) === p);
  }

  /** A folder watched appeared or went away: watch again, and report it (its files appeared or went with it). */
  private folderChanged(): void {
    if (this.disposed) return;
    this.watch(this.files);
    this.changed();
  }

  private changed(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(this.onChange, this.debounceMs);
  }

  dispose(): void {
    this.disposed = true;
    if (this.debounce) clearTimeout(this.debounce);
    for (const { w } of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}
