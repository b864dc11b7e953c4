/**
 * The extension's "is this a Kubernetes file" answer is kept across keystrokes that leave the kind
 * lines alone, and dropped by any edit that could change the file's kinds.
 */
import * as assert from 'node:assert/strict';
import { KindLineAnswers, type LineChange } from '../../../../src/core/schema/kindLineAnswers';
import { distinctKinds } from '../../../../src/core/schema/kinds';

const doc = (i: number) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${i}\nspec:\n  replicas: ${i % 3}\n`;
/** 200 documents: line 8k is `---`, 8k+1 apiVersion, 8k+2 kind, 8k+6 replicas. */
let text = Array.from({ length: 200 }, (_, i) => `---\n${doc(i)}  # end\n`).join('');

/** Applies one change to `text` as the editor would, and says what changed. */
function edit(line: number, from: number, to: number, insert: string, endLine = line): LineChange {
  const lines = text.split('\n');
  const startOff = lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0) + from;
  const endOff = lines.slice(0, endLine).reduce((n, l) => n + l.length + 1, 0) + to;
  text = text.slice(0, startOff) + insert + text.slice(endOff);
  return { startLine: line, endLine, text: insert };
}
const lineAt = (l: number) => text.split('\n')[l] ?? '';

describe('KindLineAnswers', () => {
  it('keeps the answer through edits inside non-kind lines and drops it for anything that could change kinds', () => {
    const answers = new KindLineAnswers<string>();
    let scans = 0;
    const ask = () =>
      answers.get('file:///m.yaml', () => text, (t) => {
        scans++;
        return distinctKinds(t).map((k) => k.kind).join(',');
      });
    assert.equal(ask(), 'Deployment');
    assert.equal(scans, 1);

    // Typing in a replicas line, several keystrokes and a multi-cursor event: no scan.
    answers.changed('file:///m.yaml', [edit(6, 12, 13, '5')], lineAt);
    answers.changed('file:///m.yaml', [edit(14, 12, 13, '7'), edit(22, 12, 13, '9')], lineAt);
    assert.equal(ask(), 'Deployment');
    assert.equal(scans, 1, 'a keystroke outside the kind lines scanned the file');

    // The kind itself edited: scanned again, and the answer follows.
    answers.changed('file:///m.yaml', [edit(2, 6, 16, 'StatefulSet')], lineAt);
    assert.equal(ask(), 'StatefulSet,Deployment');
    assert.equal(scans, 2);

    // A kind line broken so it no longer reads as one (`kind:` → `kin:`): the old line was a kind line.
    answers.changed('file:///m.yaml', [edit(2, 3, 4, '')], lineAt);
    assert.equal(lineAt(2), 'kin: StatefulSet');
    assert.equal(ask(), 'Deployment');
    assert.equal(scans, 3);

    // A line break typed (lines move) or a multi-line range replaced: scanned again.
    answers.changed('file:///m.yaml', [edit(4, 0, 0, '\n')], lineAt);
    ask();
    assert.equal(scans, 4);
    answers.changed('file:///m.yaml', [edit(4, 0, 0, '', 5)], lineAt);
    ask();
    assert.equal(scans, 5);

    // A marker typed on an empty line, and a schema change: scanned again.
    answers.changed('file:///m.yaml', [edit(7, 0, 7, '---')], lineAt);
    ask();
    assert.equal(scans, 6);
    answers.clear();
    ask();
    assert.equal(scans, 7);
  });

  it('answers per document and forgets a closed one', () => {
    const answers = new KindLineAnswers<number>();
    let scans = 0;
    const compute = (t: string) => (scans++, t.length);
    assert.equal(answers.get('a', () => 'abc', compute), 3);
    assert.equal(answers.get('b', () => 'abcd', compute), 4);
    assert.equal(answers.get('a', () => 'changed', compute), 3);
    answers.forget('a');
    assert.equal(answers.get('a', () => 'changed', compute), 7);
    assert.equal(scans, 3);
  });
});
