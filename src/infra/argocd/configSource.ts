/**
 * The `argocd` CLI's config file for the editor: read with the CLI's rules (configFile.ts) and watched,
 * so that an `argocd login` or `argocd context` in a terminal reaches the Applications view without a
 * reload. The folder is watched rather than the file: the CLI rewrites the file, and a file created
 * after activation (a first `argocd login`) must be noticed too.
 */
import { Emitter, type Disposable, type Event } from '../../core/lifecycle';
import type { Logger } from '../../core/ports';
import { FolderWatch } from '../folderWatch';
import { defaultArgoCdConfigPath, readArgoCdConfig, type ArgoCdConfigRead } from './configFile';

export class ArgoCdConfigSource implements Disposable {
  private readonly _onDidChange = new Emitter<void>();
  /** The file (or the folder holding it) changed, or another file is to be read. */
  readonly onDidChange: Event<void> = this._onDidChange.event;
  private readonly folder = new FolderWatch(() => this._onDidChange.fire());
  /** Resolved on first use: finding the CLI's default file looks at the disk, which activation must not (issue 18). */
  private resolved: string | undefined;

  constructor(
    /** The setting's file; undefined: the argocd CLI's own (ARGOCD_CONFIG_DIR, ~/.config/argocd/config…). */
    private setting: string | undefined,
    private readonly log: Logger,
  ) {}

  get path(): string {
    return this.file;
  }

  private get file(): string {
    this.resolved ??= this.setting ?? defaultArgoCdConfigPath();
    return this.resolved;
  }

  setFile(file: string | undefined): void {
    if (file === this.setting) return;
    this.setting = file;
    this.resolved = undefined;
    this._onDidChange.fire();
  }

  async read(): Promise<ArgoCdConfigRead> {
    const r = await readArgoCdConfig(this.file);
    if (r.kind === 'refused') this.log.warn(`[ArgoCdConfig][read] ${r.problem}`);
    if (r.kind === 'read') for (const p of r.config.problems) this.log.warn(`[ArgoCdConfig][read] ${p.file}: ${p.message}`);
    this.folder.watch([this.file]);
    return r;
  }

  dispose(): void {
    this.folder.dispose();
    this._onDidChange.dispose();
  }
}
