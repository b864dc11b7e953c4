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
