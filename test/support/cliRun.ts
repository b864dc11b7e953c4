import { main, type CliIo } from '../../src/cli/main';

/** Runs the CLI's `main` in-process with captured output, as a terminal would see it. */
export async function runCli(args: string[], io: Partial<CliIo> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`), env: {}, ...io });
  return { code, out, err };
}
