/**
 * Watches the folders of a set of files and calls back once per burst of changes to any of them.
 * Folders are watched rather than files: tools rewrite files (a new inode the file watch would lose)
 * and a file created later (a first `argocd login`, a new kubeconfig) must be noticed too. Never polls.
 * Shared by the kubeconfig files and the argocd CLI's config file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export class FolderWatch {
  /** Folder → the file names in it that count, updated in place when the files change. */
  private readonly watchers = new Map<string, { readonly names: Set<string>; readonly w: fs.FSWatcher }>();
  private debounce: NodeJS.Timeout | undefined;

  constructor(
    private readonly onChange: () => void,
    /** Editors and CLIs write a file in several steps; one call per burst is enough. */
    private readonly debounceMs = 100,
  ) {}

  /** Watches the folders of these files (and no others); a folder that does not exist yet is tried on the next call. */
  watch(files: readonly string[]): void {
    const wanted = new Map<string, Set<string>>();
    for (const p of files) {
      const dir = path.dirname(p);
      const names = wanted.get(dir) ?? new Set<string>();
      names.add(path.basename(p));
      wanted.set(dir, names);
    }
    for (const [dir, { w }] of this.watchers) {
      if (wanted.has(dir)) continue;
      w.close();
      this.watchers.delete(dir);
    }
    for (const [dir, names] of wanted) {
      const existing = this.watchers.get(dir);
      if (existing) {
        existing.names.clear();
        for (const n of names) existing.names.add(n);
        continue;
      }
      try {
        const w = fs.watch(dir, { persistent: false }, (_event, filename) => {
          if (filename === null || names.has(filename.toString())) this.changed();
        });
        w.on('error', () => {
          w.close();
          if (this.watchers.get(dir)?.w === w) this.watchers.delete(dir);
        });
        this.watchers.set(dir, { names, w });
      } catch {
        // The folder does not exist yet; the next call tries again.
      }
    }
  }

  private changed(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(this.onChange, this.debounceMs);
  }

  dispose(): void {
    if (this.debounce) clearTimeout(this.debounce);
    for (const { w } of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}
