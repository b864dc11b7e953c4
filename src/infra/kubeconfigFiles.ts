/**
 * Node adapter of KubeconfigSource: reads `KUBECONFIG` (or `~/.kube/config` when unset, as kubectl
 * does) plus the extra files from settings, and reports changes through fs.watch on their folders,
 * never by polling. Folders are watched rather than files so that a file created later is noticed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Emitter, type Event } from '../core/lifecycle';
import { FolderWatch } from './folderWatch';
import { MAX_KUBECONFIG_BYTES, splitKubeconfigEnv } from '../core/kube/kubeconfig';
import type { KubeconfigFile, KubeconfigSource, Logger } from '../core/ports';

export function defaultKubeconfigPaths(env: NodeJS.ProcessEnv = process.env): string[] {
  const fromEnv = splitKubeconfigEnv(env.KUBECONFIG, path.delimiter);
  if (fromEnv.length > 0) return fromEnv.map((p) => expandHome(p));
  return [path.join(os.homedir(), '.kube', 'config')];
}

function expandHome(p: string): string {
  if (p === '~') return os.homedir();
  if (p.startsWith('~/')) return path.join(os.homedir(), p.slice(2));
  return p;
}

/**
 * A kubeconfig file's text, reading at most one byte more than core accepts (it reports the file as
 * too large then): `KUBECONFIG=/dev/zero` or a runaway file cannot fill the memory.
 */
async function readKubeconfigText(p: string): Promise<string> {
  const handle = await fs.promises.open(p, 'r');
  try {
    const buf = Buffer.alloc(MAX_KUBECONFIG_BYTES + 1);
    let n = 0;
    while (n < buf.length) {
      const { bytesRead } = await handle.read(buf, n, buf.length - n, null);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    return buf.subarray(0, n).toString('utf8');
  } finally {
    await handle.close();
  }
}

export class FileKubeconfigSource implements KubeconfigSource {
  private readonly _onDidChange = new Emitter<void>();
  readonly onDidChange: Event<void> = this._onDidChange.event;
  private readonly folders = new FolderWatch(() => this._onDidChange.fire());

  constructor(
    private paths: readonly string[],
    private readonly log: Logger,
    /** False for one read (the CLI): no folder is watched. */
    private readonly watchFolders = true,
  ) {}

  setPaths(paths: readonly string[]): void {
    this.paths = paths;
    this._onDidChange.fire();
  }

  async read(): Promise<readonly KubeconfigFile[]> {
    const files = await Promise.all(
      this.paths.map(async (p): Promise<KubeconfigFile> => {
        try {
          return { path: p, text: await readKubeconfigText(p) };
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code !== 'ENOENT') this.log.warn(`[Kubeconfig][read] cannot read ${p}: ${code ?? String(err)}`);
          return { path: p, text: undefined, problem: code ?? String(err) };
        }
      }),
    );
    if (this.watchFolders) this.folders.watch(this.paths);
    return files;
  }

  dispose(): void {
    this.folders.dispose();
    this._onDidChange.dispose();
  }
}
