/**
 * A unified diff of one file's two texts, as `diff -u` / `git diff` print it (GNU diffutils "Unified
 * Format": `--- a/path`, `+++ b/path`, `@@ -l,n +l,n @@` hunks with 3 lines of context, and
 * `\ No newline at end of file`), so `git apply` takes it. Lines are matched by Myers' O(ND) algorithm
 * (E. Myers, "An O(ND) Difference Algorithm and Its Variations", 1986).
 */

const CONTEXT = 3;
/**
 * Beyond this many differing lines the edit script is not searched: the whole file is replaced. The
 * search keeps one array of 2·D+3 entries per step, so this bounds its memory (about 8 MB).
 */
const MAX_D = 1000;

type Op = { readonly type: ' ' | '-' | '+'; readonly line: string };

function splitLines(text: string): { lines: string[]; finalNewline: boolean } {
  if (text === '') return { lines: [], finalNewline: true };
  const finalNewline = text.endsWith('\n');
  const lines = (finalNewline ? text.slice(0, -1) : text).split('\n');
  return { lines, finalNewline };
}

/** The shortest edit script from `a` to `b` (lines kept, removed, added), in order. */
function editScript(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_D);
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  outer: for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    const next = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number)) ? (v[offset + k + 1] as number) : (v[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[offset + k] = x;
      if (x >= n && y >= m) {
        v = next;
        trace.push(v.slice());
        found = d;
        break outer;
      }
    }
    v = next;
  }
  if (found < 0) return [...a.map((line) => ({ type: '-' as const, line })), ...b.map((line) => ({ type: '+' as const, line }))];
  // Walk the trace back from (n, m).
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const vd = trace[d] as Int32Array;
    const k = x - y;
    const prevK = k === -d || (k !== d && (vd[offset + k - 1] as number) < (vd[offset + k + 1] as number)) ? k + 1 : k - 1;
    const prevX = vd[offset + prevK] as number;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ type: ' ', line: a[--x] as string });
      y--;
    }
    if (x === prevX) ops.push({ type: '+', line: b[--y] as string });
    else ops.push({ type: '-', line: a[--x] as string });
  }
  while (x > 0 && y > 0) {
    ops.push({ type: ' ', line: a[--x] as string });
    y--;
  }
  return ops.reverse();
}

/** The unified diff turning `before` into `after`; '' when they are equal. `path` is repository-relative. */
export function unifiedDiff(path: string, before: string, after: string): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  // A last line without its line break differs from the same text with one (`\ No newline at end of file`).
  const keyed = (t: { lines: string[]; finalNewline: boolean }): string[] => t.lines.map((l, i) => (i === t.lines.length - 1 && !t.finalNewline ? `${l}\u0000` : l));
  const ops = editScript(keyed(a), keyed(b)).map((op) => ({ ...op, line: op.line.replace(/\u0000$/, '') }));
  // Line positions of each op in a and b.
  const rows: Array<Op & { ai: number; bi: number }> = [];
  let ai = 0;
  let bi = 0;
  for (const op of ops) {
    rows.push({ ...op, ai, bi });
    if (op.type !== '+') ai++;
    if (op.type !== '-') bi++;
  }
  const out = [`--- a/${path}`, `+++ b/${path}`];
  let i = 0;
  while (i < rows.length) {
    while (i < rows.length && (rows[i] as Op).type === ' ') i++;
    if (i >= rows.length) break;
    const start = Math.max(0, i - CONTEXT);
    let end = i;
    // Extend while the next change is within 2×CONTEXT lines of kept text.
    for (;;) {
      while (end < rows.length && (rows[end] as Op).type !== ' ') end++;
      let gap = end;
      while (gap < rows.length && (rows[gap] as Op).type === ' ') gap++;
      if (gap < rows.length && gap - end <= 2 * CONTEXT) end = gap;
      else {
        end = Math.min(rows.length, end + CONTEXT);
        break;
      }
    }
    const hunk = rows.slice(start, end);
    const first = hunk[0] as Op & { ai: number; bi: number };
    const aCount = hunk.filter((r) => r.type !== '+').length;
    const bCount = hunk.filter((r) => r.type !== '-').length;
    const range = (startLine: number, count: number): string => `${count === 0 ? startLine : startLine + 1}${count === 1 ? '' : `,${count}`}`;
    out.push(`@@ -${range(first.ai, aCount)} +${range(first.bi, bCount)} @@`);
    for (const r of hunk) {
      out.push(`${r.type}${r.line}`);
      const lastOfA = r.type !== '+' && r.ai === a.lines.length - 1 && !a.finalNewline;
      const lastOfB = r.type !== '-' && r.bi === b.lines.length - 1 && !b.finalNewline;
      if ((r.type === '-' && lastOfA) || (r.type === '+' && lastOfB) || (r.type === ' ' && (lastOfA || lastOfB))) out.push('\\ No newline at end of file');
    }
    i = end;
  }
  return `${out.join('\n')}\n`;
}
