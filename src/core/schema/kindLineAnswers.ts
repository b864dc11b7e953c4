/**
 * A per-document answer that depends only on the lines that decide a file's kinds (kinds.ts
 * isKindLine), kept across edits that touch none of them. The extension asks "is this a Kubernetes
 * file" for every diagnostics publication of the YAML server, once per keystroke: answering it from the
 * text scanned a 1,000-document file each time (issue 18). An edit within one line keeps the answer
 * when that line neither was nor is a kind line; anything else (a line break typed or removed, a
 * multi-line change, a kind line touched) drops it, and the next question scans the text again.
 */
import { isKindLine } from './kinds';

/** One change as the editor reports it: the replaced range's first and last line, and the new text. */
export interface LineChange {
  readonly startLine: number;
  readonly endLine: number;
  readonly text: string;
}

export class KindLineAnswers<T> {
  private readonly docs = new Map<string, { readonly kindLines: ReadonlySet<number>; readonly value: T }>();

  get(key: string, text: () => string, compute: (text: string) => T): T {
    const known = this.docs.get(key);
    if (known) return known.value;
    const t = text();
    const value = compute(t);
    this.docs.set(key, { kindLines: kindLineNumbers(t), value });
    return value;
  }

  /** After an edit of `key`; `lineAt` reads a line of the document as it is now. */
  changed(key: string, changes: readonly LineChange[], lineAt: (line: number) => string): void {
    const known = this.docs.get(key);
    if (!known) return;
    for (const c of changes) {
      const oneLine = c.startLine === c.endLine && !/[\r\n]/.test(c.text);
      if (!oneLine || known.kindLines.has(c.startLine) || isKindLine(lineAt(c.startLine))) {
        this.docs.delete(key);
        return;
      }
    }
  }

  forget(key: string): void {
    this.docs.delete(key);
  }

  /** What the answers depend on besides the text changed (a new schema layer). */
  clear(): void {
    this.docs.clear();
  }
}

function kindLineNumbers(text: string): Set<number> {
  const out = new Set<number>();
  // Line numbers as the editor counts them: \r\n, \r and \n each end a line.
  text.split(/\r\n|\r|\n/).forEach((line, i) => isKindLine(line) && out.add(i));
  return out;
}
