/**
 * Bounds of one Lua health script (src/infra/lua): here, apart from the sandbox, so that the runner on
 * the extension host's thread can name them without loading the WebAssembly Lua.
 */
export interface SandboxLimits {
  /**
   * VM instructions the script may execute. Counted rather than timed, so that a pause of the host (a
   * garbage collection, a busy machine) never fails a legitimate script: Argo CD's own checks run a
   * few thousand instructions; two million take 20–40 ms on a laptop core.
   */
  readonly instructions: number;
  /** Bytes the Lua state may allocate. */
  readonly memoryBytes: number;
}

export const DEFAULT_LIMITS: SandboxLimits = { instructions: 2_000_000, memoryBytes: 8 << 20 };
