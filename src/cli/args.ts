/**
 * The one argument parser of every `gitops-lens` command: boolean flags, options taking a value
 * (repeatable), and options whose values may follow one another (`health --live a.yaml b.yaml`).
 */

export class UsageError extends Error {}

export interface ArgSpec {
  /** Options without a value, e.g. `--json`. */
  readonly flags?: readonly string[];
  /** Options with a value, and what the value is called in "needs a …" (`file`, `name`, `path`). */
  readonly values?: Readonly<Record<string, string>>;
  /** Value options after which further plain words are more values of the same option. */
  readonly lists?: readonly string[];
}

export interface ParsedArgs {
  has(flag: string): boolean;
  /** Every value given for an option, in order. */
  all(option: string): readonly string[];
  /** The last value given for an option. */
  one(option: string): string | undefined;
}

export function parseArgs(command: string, args: readonly string[], spec: ArgSpec): ParsedArgs {
  const flags = new Set<string>();
  const values = new Map<string, string[]>();
  let list: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (spec.flags?.includes(a)) {
      flags.add(a);
      list = undefined;
      continue;
    }
    const what = spec.values?.[a];
    if (what !== undefined) {
      const v = args[++i];
      if (v === undefined || v === '' || v.startsWith('--')) throw new UsageError(`${a} needs a ${what}`);
      values.set(a, [...(values.get(a) ?? []), v]);
      list = spec.lists?.includes(a) ? a : undefined;
      continue;
    }
    if (list !== undefined && !a.startsWith('--')) {
      values.get(list)?.push(a);
      continue;
    }
    throw new UsageError(`unknown option "${a}" for ${command}`);
  }
  return {
    has: (flag) => flags.has(flag),
    all: (option) => values.get(option) ?? [],
    one: (option) => values.get(option)?.at(-1),
  };
}
