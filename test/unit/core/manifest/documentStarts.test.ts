/**
 * editPieces (issue 18): an editor's changes applied to the pieces of a multi-document text give the
 * pieces that cutting the edited text again gives, with the right first lines, or say they cannot.
 */
import * as assert from 'node:assert/strict';
import { cutAtDocumentStarts, editPieces, hasContent, type RangeEdit } from '../../../../src/core/manifest/documentStarts';

/** The pieces incrementalValidation keeps: the cut, with comments before the first `---` joined to it. */
function piecesOf(text: string): string[] {
  const pieces = cutAtDocumentStarts(text);
  if (pieces.length > 1 && !hasContent(pieces[0] as string)) pieces.splice(0, 2, (pieces[0] as string) + (pieces[1] as string));
  return pieces;
}

function startLinesOf(pieces: readonly string[]): number[] {
  let line = 0;
  return pieces.map((p) => {
    const at = line;
    line += p.split('\n').length - 1;
    return at;
  });
}

/** Line and character of an offset, lines split at LF. */
function positionAt(text: string, offset: number): { line: number; character: number } {
  const before = text.slice(0, offset);
  const lf = before.lastIndexOf('\n');
  return { line: before.split('\n').length - 1, character: offset - lf - 1 };
}

/** Changes given as offsets into the text each sees, turned into ranged edits; and the text after them. */
function edits(text: string, changes: ReadonlyArray<{ from: number; to: number; text: string }>): { ranged: RangeEdit[]; after: string } {
  const ranged: RangeEdit[] = [];
  let current = text;
  for (const c of changes) {
    ranged.push({ range: { start: positionAt(current, c.from), end: positionAt(current, c.to) }, text: c.text });
    current = current.slice(0, c.from) + c.text + current.slice(c.to);
  }
  return { ranged, after: current };
}

const doc = (i: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  k: "v"\n`;
const TEXT = `# header\n---\n${[0, 1, 2, 3].map(doc).join('---\n')}`;

/** Applies the changes both ways; returns the changed piece indices, asserting equality when applied. */
function check(text: string, changes: ReadonlyArray<{ from: number; to: number; text: string }>): number[] | undefined {
  const pieces = piecesOf(text);
  const startLines = startLinesOf(pieces);
  const { ranged, after } = edits(text, changes);
  const changed = editPieces(pieces, startLines, ranged);
  if (changed === undefined) return undefined;
  assert.deepEqual(pieces, piecesOf(after), `pieces after ${JSON.stringify(changes)}`);
  assert.deepEqual(startLines, startLinesOf(pieces));
  return [...changed].sort();
}

describe('editPieces: edits applied to the kept pieces of a text', () => {
  it('applies edits inside one document, moves the first lines of the documents after it, and names the one it changed', () => {
    const at = TEXT.indexOf('c1') + 1;
    assert.deepEqual(check(TEXT, [{ from: at, to: at + 1, text: '11' }]), [1]);
    const data = TEXT.indexOf('  k: "v"\n', TEXT.indexOf('c2'));
    assert.deepEqual(check(TEXT, [{ from: data, to: data, text: '  more: 1\n  and: 2\n' }]), [2]);
    // Several changes in one event, each stated against the text after the ones before it.
    assert.deepEqual(
      check(TEXT, [
        { from: at, to: at + 1, text: 'x\ny: 1\n' },
        { from: TEXT.indexOf('c3') + 4, to: TEXT.indexOf('c3') + 4, text: 'z' },
      ]),
      [1, 3],
    );
    // The header comments belong to the first document; the last piece may lose its final newline.
    assert.deepEqual(check(TEXT, [{ from: 2, to: 8, text: 'title' }]), [0]);
    assert.deepEqual(check(TEXT, [{ from: TEXT.length - 1, to: TEXT.length, text: '' }]), [3]);
    assert.deepEqual(check(TEXT, [{ from: TEXT.length, to: TEXT.length, text: 'extra: 1\n' }]), [3]);
  });

  it('says it cannot where the cut of the edited text would differ', () => {
    const line = TEXT.indexOf('data:', TEXT.indexOf('c1'));
    const marker = TEXT.indexOf('---\n', TEXT.indexOf('c1'));
    const cases: Record<string, Array<{ from: number; to: number; text: string }>> = {
      'a `---` line added': [{ from: line, to: line, text: '---\n' }],
      'a `---` line removed': [{ from: marker, to: marker + 4, text: '' }],
      'a `---` line made into a key': [{ from: marker + 3, to: marker + 3, text: 'x' }],
      'the newline before a `---` removed': [{ from: marker - 1, to: marker, text: '' }],
      'a change across two documents': [{ from: marker - 3, to: marker + 6, text: '' }],
      'a `...` document end': [{ from: line, to: line, text: '...\n' }],
      'a `%` directive': [{ from: line, to: line, text: '%YAML 1.2\n' }],
      'a lone CR': [{ from: line, to: line, text: 'a: 1\rb: 2\n' }],
      'a position past the end of its line': [{ from: line, to: line, text: '' }],
    };
    for (const [name, changes] of Object.entries(cases)) {
      const pieces = piecesOf(TEXT);
      const startLines = startLinesOf(pieces);
      let { ranged } = edits(TEXT, changes);
      if (name === 'a position past the end of its line') ranged = [{ range: { start: { line: 3, character: 40 }, end: { line: 3, character: 40 } }, text: 'x' }];
      assert.equal(editPieces(pieces, startLines, ranged), undefined, name);
    }
    // The first document left with a comment only: the cut then joins it to the next one.
    const plain = `${doc(0)}---\n${doc(1)}`;
    const pieces = piecesOf(plain);
    assert.equal(editPieces(pieces, startLinesOf(pieces), edits(plain, [{ from: 0, to: doc(0).length - 1, text: '# gone' }]).ranged), undefined);
  });

  it('agrees with the cut on random edits wherever it applies them', () => {
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const inserts = ['a', '\n', ': ', '---', '---\n', '\n---\n', '#', ' ', 'k: v\n', '...', '\r\n'];
    let applied = 0;
    for (let round = 0; round < 400; round++) {
      const base = round % 3 === 0 ? TEXT.replace(/\n/g, '\r\n') : TEXT;
      let text = base;
      const changes = [];
      for (let k = 1 + next(3); k > 0; k--) {
        const from = next(text.length + 1);
        const to = Math.min(text.length, from + (next(3) === 0 ? next(8) : 0));
        const c = { from, to, text: next(2) === 0 ? '' : (inserts[next(inserts.length)] as string) };
        changes.push(c);
        text = text.slice(0, c.from) + c.text + text.slice(c.to);
      }
      if (check(base, changes) !== undefined) applied++;
    }
    assert.ok(applied > 100, `${applied} of 400 random edits applied to the pieces`);
  });
});
