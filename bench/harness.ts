/** The shape of a benchmark case; each `bench/*.bench.ts` exports `cases`. */
export interface BenchCase {
  readonly name: string;
  readonly unit: string;
  /** Number of measured runs; sizes and other deterministic figures use 1. */
  readonly runs: number;
  readonly warmup?: number;
  /** Whether a smaller number is better, for reading the table. */
  readonly better: 'lower' | 'higher';
  /** One measurement in `unit`. */
  measure(): Promise<number> | number;
}

export interface BenchResult {
  readonly name: string;
  readonly unit: string;
  readonly runs: number;
  readonly median: number;
  readonly p95: number;
  readonly min: number;
  readonly max: number;
  readonly better: 'lower' | 'higher';
}

/** Nearest-rank percentile over sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export async function runCase(c: BenchCase): Promise<BenchResult> {
  for (let i = 0; i < (c.warmup ?? 0); i++) await c.measure();
  const values: number[] = [];
  for (let i = 0; i < c.runs; i++) values.push(await c.measure());
  const sorted = [...values].sort((a, b) => a - b);
  // For "higher is better" figures the bad tail is the low end, so p95 is taken from below.
  const p95 = c.better === 'lower' ? percentile(sorted, 95) : percentile(sorted, 5);
  return {
    name: c.name,
    unit: c.unit,
    runs: c.runs,
    median: median(sorted),
    p95,
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    better: c.better,
  };
}

export function formatTable(results: readonly BenchResult[]): string {
  const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));
  const rows = [
    ['name', 'median', 'p95', 'unit', 'runs'],
    ...results.map((r) => [r.name, fmt(r.median), fmt(r.p95), r.unit, String(r.runs)]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 || i === 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}
