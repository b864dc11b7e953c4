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

/** A `...` line (document end marker) at column 0, found with indexOf like the cut. */
export function hasDocumentEnd(text: string): boolean {
  for (let p = text.startsWith('...') ? 0 : text.indexOf('\n...'); p >= 0; p = text.indexOf('\n...', p + 1)) {
    const at = p === 0 && text.startsWith('...') ? 3 : p + 4;
    const after = text.charCodeAt(at);
    if (Number.isNaN(after) || after === 32 || after === 9 || after === 10 || after === 13) return true;
  }
  return false;
}

/** Some line has more than comments and blanks: a first piece without it belongs to the next one. */
export function hasContent(piece: string): boolean {
  return /^[ \t]*[^\s#]/m.test(piece);
}

interface Position {
  readonly line: number;
  readonly character: number;
}

/** An editor's change of a range, LSP `TextDocumentContentChangeEvent` with a range (lines split at LF only). */
export interface RangeEdit {
  readonly range: { readonly start: Position; readonly end: Position };
  readonly text: string;
}

/**
 * Applies an editor's changes, in order, to the pieces of a text (`pieces`, with the first line of each
 * in `startLines`; both edited in place) when each change stays inside one piece and the piece stays
 * one piece of the same kind: no `---` line added, removed or moved, no `...` end or `%` directive
 * line, no lone CR, the newline that ends a piece kept. Returns the indices of the pieces it changed,
 * or undefined when it cannot tell (the caller then cuts the whole text again, whose result may
 * differ from `pieces`, which are then to be dropped). Work is the size of the edited pieces and a
 * shift of `startLines` per change: an editor's keystroke in a 1,000-document file does not read the
 * other 999 (issue 18).
 */
export function editPieces(pieces: string[], startLines: number[], edits: readonly RangeEdit[]): Set<number> | undefined {
  const changed = new Set<number>();
  for (const edit of edits) {
    const { start, end } = edit.range;
    const i = pieceAtLine(startLines, start.line);
    if (i < 0 || pieceAtLine(startLines, end.line) !== i) return undefined;
    const piece = pieces[i] as string;
    const from = offsetInPiece(piece, start.line - (startLines[i] as number), start.character);
    const to = offsetInPiece(piece, end.line - (startLines[i] as number), end.character);
    if (from === undefined || to === undefined || to < from) return undefined;
    const next = piece.slice(0, from) + edit.text + piece.slice(to);
    if (!staysOnePiece(next, i, i === pieces.length - 1)) return undefined;
    const lineDelta = countLineEnds(edit.text) - countLineEnds(piece.slice(from, to));
    pieces[i] = next;
    if (lineDelta !== 0) for (let k = i + 1; k < startLines.length; k++) startLines[k] = (startLines[k] as number) + lineDelta;
    changed.add(i);
  }
  return changed;
}

/** The piece holding a line (the last one starting at or before it), -1 for a negative line. */
function pieceAtLine(startLines: readonly number[], line: number): number {
  if (line < 0 || startLines.length === 0) return -1;
  let lo = 0;
  for (let hi = startLines.length - 1; lo < hi; ) {
    const mid = (lo + hi + 1) >> 1;
    if ((startLines[mid] as number) <= line) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Offset of a line and character in a piece; undefined past the line's end or the piece's lines. */
function offsetInPiece(piece: string, line: number, character: number): number | undefined {
  let from = 0;
  for (let n = line; n > 0; n--) {
    const lf = piece.indexOf('\n', from);
    if (lf < 0) return undefined;
    from = lf + 1;
  }
  let end = piece.indexOf('\n', from);
  if (end < 0) end = piece.length;
  else if (end > from && piece.charCodeAt(end - 1) === 13) end--;
  return character >= 0 && character <= end - from ? from + character : undefined;
}

function countLineEnds(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Whether an edited piece is still what the cut of the whole text would make of it (see editPieces). */
function staysOnePiece(piece: string, index: number, last: boolean): boolean {
  if (piece.length === 0 || /\r(?!\n)/.test(piece) || piece.startsWith('%') || piece.includes('\n%') || hasDocumentEnd(piece)) return false;
  if (!last && piece.charCodeAt(piece.length - 1) !== 10) return false;
  const parts = cutAtDocumentStarts(piece);
  const after = piece.charCodeAt(3);
  const marker = piece.startsWith('---') && (Number.isNaN(after) || after === 32 || after === 9 || after === 10 || after === 13);
  if (index > 0) return parts.length === 1 && marker;
  // The first piece: comments before the first `---` are joined to it (incrementalValidation.ts piecesOf).
  return parts.length === 1 ? marker || hasContent(piece) : parts.length === 2 && !hasContent(parts[0] as string);
}
