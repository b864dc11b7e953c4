/**
 * Running a renderer (kustomize, kubectl kustomize, helm) as a child process: found on PATH the way a
 * shell finds it, always asynchronous (the extension host must not block, and tests serve simulators
 * from the same event loop), with a time limit and an AbortSignal.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { YAML_LIMITS } from '../../core/manifest/boundedYaml';

/** Finds an executable by name; undefined when it is not installed. */
export type FindExecutable = (name: string) => Promise<string | undefined>;

/** A lookup on a PATH value (default: this process's PATH), as `which` does; PATHEXT on Windows. */
export function pathLookup(pathValue: string | undefined = process.env.PATH): FindExecutable {
  const dirs = (pathValue ?? '').split(path.delimiter).filter((d) => d !== '');
  const exts = process.platform === 'win32' ? (process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  return async (name) => {
    for (const dir of dirs) {
      for (const ext of exts) {
        const candidate = path.join(dir, name + ext);
        try {
          const st = await fs.stat(candidate);
          if (!st.isFile()) continue;
          await fs.access(candidate, fs.constants.X_OK);
          return candidate;
        } catch {
          // not here
        }
      }
    }
    return undefined;
  };
}

export type ToolResult =
  | { readonly ok: true; readonly stdout: string; readonly stderr: string }
  | { readonly ok: false; readonly reason: 'exit' | 'timeout' | 'spawn'; readonly message: string };

export class AbortError extends Error {
  override readonly name = 'AbortError';
  constructor() {
    super('render cancelled');
  }
}

/** Runs `file args…`; rejects only with AbortError, every other failure is a result. */
export function runTool(
  file: string,
  args: readonly string[],
  opts: { readonly cwd?: string; readonly timeoutMs: number; readonly signal?: AbortSignal; readonly env?: NodeJS.ProcessEnv },
): Promise<ToolResult> {
  if (opts.signal?.aborted) return Promise.reject(new AbortError());
  return new Promise((resolve, reject) => {
    execFile(
      file,
      [...args],
      {
        cwd: opts.cwd,
        timeout: opts.timeoutMs,
        killSignal: 'SIGKILL',
        // What the YAML reader takes (core/manifest/boundedYaml): output beyond it could not be read anyway.
        maxBuffer: YAML_LIMITS.maxChars,
        encoding: 'utf8',
        windowsHide: true,
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.env ? { env: opts.env } : {}),
      },
      (err, stdout, stderr) => {
        if (!err) return resolve({ ok: true, stdout, stderr });
        const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: string | number; signal?: string };
        if (e.name === 'AbortError' || opts.signal?.aborted) return reject(new AbortError());
        if (e.killed && e.signal === 'SIGKILL') return resolve({ ok: false, reason: 'timeout', message: `timed out after ${Math.round(opts.timeoutMs / 1000)} s` });
        if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return resolve({ ok: false, reason: 'exit', message: `printed more than ${YAML_LIMITS.maxChars / (1024 * 1024)} MiB: output not read` });
        if (typeof e.code === 'string') return resolve({ ok: false, reason: 'spawn', message: `${e.code}: ${e.message}` });
        resolve({ ok: false, reason: 'exit', message: (stderr.trim() || e.message).replace(/^Error: /, '') });
      },
    );
  });
}
