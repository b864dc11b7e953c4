/**
 * A multi-document YAML text cut before each `---` line at column 0 (the marker followed by a space,
 * tab, CR, LF or the end of the text), found with `indexOf` rather than a walk over every line: the
 * per-keystroke work of an editor on a 1,000-document file (issue 18) is the pieces whose text
 * changed, and this cut is the part that still reads the whole text. A `---` line ends a document in
 * any scalar or flow (YAML 1.2 §9.1.4), except inside a quoted scalar left open (see
 * src/infra/schema/incrementalValidation.ts). Joined, the pieces are the text; none is empty.
 */
export function cutAtDocumentStarts(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  let p = text.startsWith('---') ? 0 : nextMarker(text, 0);
  while (p >= 0) {
    const after = text.charCodeAt(p + 3);
    // NaN past the end; space, tab, LF, CR.
    if (Number.isNaN(after) || after === 32 || after === 9 || after === 10 || after === 13) {
      if (p > start) out.push(text.slice(start, p));
      start = p;
    }
    p = nextMarker(text, p + 3);
  }
  if (start < text.length || out.length === 0) out.push(text.slice(start));
  return out;
}

function nextMarker(text: string, from: number): number {
  const i = text.indexOf('\n---', from);
  return i < 0 ? -1 : i + 1;
}

/** Pieces of a text and what was derived from each (same length, same order). */
export interface PieceMemo<T> {
  readonly pieces: readonly string[];
  readonly values: readonly T[];
}

/**
 * For each piece of a new text, what was derived from the same piece text of the previous one, or
 * undefined. Pieces are matched from the front and from the back with `===` (a length check and a
 * memory compare, no hashing of 1,000 strings per keystroke); only those between, the ones an edit
 * touched, are looked up by text.
 */
export function reuseByPiece<T>(previous: PieceMemo<T> | undefined, pieces: readonly string[]): Array<T | undefined> {
  const out: Array<T | undefined> = new Array<T | undefined>(pieces.length).fill(undefined);
  if (!previous) return out;
  const old = previous.pieces;
  const common = Math.min(old.length, pieces.length);
  let front = 0;
  while (front < common && pieces[front] === old[front]) {
    out[front] = previous.values[front];
    front++;
  }
  let back = 0;
  while (back < common - front && pieces[pieces.length - 1 - back] === old[old.length - 1 - back]) {
    out[pieces.length - 1 - back] = previous.values[old.length - 1 - back];
    back++;
  }
  const middle = new Map<string, T>();
  for (let i = front; i < old.length - back; i++) middle.set(old[i] as string, previous.values[i] as T);
  for (let i = front; i < pieces.length - back; i++) out[i] = middle.get(pieces[i] as string);
  return out;
}
