/**
 * Until the YAML language server starts, each keystroke in a YAML buffer is looked at only when it
 * touches an `apiVersion:` / `kind:` line (issue 13: the whole buffer used to be scanned per keystroke).
 */
import * as assert from 'node:assert/strict';
import { touchesKindLine } from '../../../src/vscode/yamlDocuments';

function doc(text: string) {
  const lines = text.split('\n');
  return { lineCount: lines.length, lineAt: (i: number) => ({ text: lines[i] ?? '' }) } as unknown as Parameters<typeof touchesKindLine>[0];
}

const change = (line: number, text: string) => ({ range: { start: { line } }, text }) as unknown as Parameters<typeof touchesKindLine>[1][number];

describe('vscode/yamlDocuments touchesKindLine', () => {
  const ci = doc('name: ci\non:\n  push: {}\njobs:\n  build:\n    runs-on: ubuntu-latest');
  it('ignores edits on lines that cannot make a Kubernetes document', () => {
    assert.equal(touchesKindLine(ci, [change(5, 'u')]), false);
    assert.equal(touchesKindLine(ci, [change(0, 'ci')]), false);
  });

  it('sees a typed or pasted apiVersion / kind line, also in a list item or after a paste of several lines', () => {
    const typed = doc('name: ci\nkind: Deployment\n');
    assert.equal(touchesKindLine(typed, [change(1, 't')]), true);
    const pasted = doc('a: 1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n');
    assert.equal(touchesKindLine(pasted, [change(1, '---\napiVersion: v1\nkind: ConfigMap\n')]), true);
    assert.equal(touchesKindLine(doc('items:\n  - apiVersion: v1'), [change(1, 'v')]), true);
  });
});
