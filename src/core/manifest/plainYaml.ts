/**
 * A fast reader for the plain shape most Kubernetes manifests have: block mappings and sequences of
 * plain or simply quoted scalars, one-line flow maps and lists, and `|` literal blocks. It gives the
 * same value as js-yaml with the manifest schema (boundedYaml.ts) or `undefined`, and then the caller
 * parses with js-yaml: anything this reader is not sure of (anchors, aliases, tags, `<<`, escapes,
 * folded or multi-line scalars, tabs, CR, duplicate keys, odd indentation, broken YAML) is left to it,
 * so errors and every rule of YAML stay js-yaml's. Why: the lenses of a 1,000-document file parse every
 * document on first load, and js-yaml's general reader was most of that time (issue 18).
 *
 * Plain scalars are resolved by js-yaml's own implicit types (null, bool, int, float of the core
 * schema, js-yaml lib/type/*.js), in js-yaml's order (loader.js composeNode), and keys become strings
 * the way js-yaml makes them (loader.js storeMappingPair `String(keyNode)`).
 */
import * as jsyaml from 'js-yaml';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Thrown inside the reader for anything it leaves to js-yaml; never escapes this module. */
class NotPlain extends Error {}
const NOT_PLAIN = new NotPlain('not plain');

interface ImplicitType {
  resolve(data: string): boolean;
  construct(data: string): Json;
}
let implicitTypes: readonly ImplicitType[] | undefined;
/** js-yaml's core schema implicit types in its order (schema/json.js); `<<` (merge) is left to js-yaml. */
function implicit(): readonly ImplicitType[] {
  const t = (jsyaml as unknown as { types: Record<'null' | 'bool' | 'int' | 'float', ImplicitType> }).types;
  implicitTypes ??= [t.null, t.bool, t.int, t.float];
  return implicitTypes;
}

/**
 * A plain scalar's value. Only `~`, null/true/false spellings, digits, `+`, `-` and `.` can start a
 * non-string of the core schema (null.js, bool.js, int.js, float.js), so other first characters skip
 * the resolvers.
 */
function plainValue(s: string): Json {
  if (s === '<<') throw NOT_PLAIN;
  const c = s.charCodeAt(0);
  const maybeTyped = (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46 || c === 126 || c === 110 || c === 78 || c === 116 || c === 84 || c === 102 || c === 70;
  if (!maybeTyped) return s;
  for (const type of implicit()) if (type.resolve(s)) return type.construct(s);
  return s;
}

/**
 * One scan for what sends a text to js-yaml: a tab, CR or `*` (alias, and the alias measurement of
 * boundedYaml.ts), a character js-yaml refuses (loader.js PATTERN_NON_PRINTABLE), a BOM, or any
 * surrogate (js-yaml's rules for lone ones are its own; a character past U+FFFF is rare in manifests),
 * or a space JavaScript trims and YAML does not (no-break and other Unicode spaces, U+2028/2029): the
 * reader trims with `trim()` in places, js-yaml only spaces and tabs.
 */
const LEFT_TO_JS_YAML = /[\x00-\x09\x0B-\x1F*\x7F-\x84\x86-\x9F\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\uD800-\uDFFF\uFEFF\uFFFE\uFFFF]/;

/** Characters that cannot start a plain scalar or that start something this reader leaves alone. */
const NOT_PLAIN_START = new Set(['-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`']);

/**
 * The value of a one-document YAML text of the plain shape, as js-yaml (manifest schema) reads it, or
 * undefined when js-yaml must read it. `maxDepth`: deeper nesting is left to js-yaml, which refuses it.
 */
export function loadPlainYaml(source: string, maxDepth: number): unknown {
  if (LEFT_TO_JS_YAML.test(source)) return undefined;
  try {
    return new Reader(source, maxDepth).document();
  } catch (err) {
    if (err === NOT_PLAIN) return undefined;
    throw err;
  }
}

class Reader {
  /** Where each line starts in `source` (lines are read in place: no string per line, issue 18). */
  private readonly starts: number[] = [0];
  /** Index of the current line; `indent`/`text` describe it once `next()` found it significant. */
  private i = 0;
  private indent = 0;
  private text = '';

  constructor(
    private readonly source: string,
    private readonly maxDepth: number,
  ) {
    for (let nl = source.indexOf('\n'); nl >= 0; nl = source.indexOf('\n', nl + 1)) this.starts.push(nl + 1);
  }

  /** Lines in the text (a final newline ends the last line's text and starts an empty one, as split does). */
  private get lineCount(): number {
    return this.starts.length;
  }

  /** End offset of line `i`, its newline excluded. */
  private lineEnd(i: number): number {
    const next = this.starts[i + 1];
    return next === undefined ? this.source.length : next - 1;
  }

  private line(i: number): string {
    return this.source.slice(this.starts[i], this.lineEnd(i));
  }

  document(): Json {
    // Before the content: blank and comment lines, one `---` line.
    let marker = false;
    for (; this.i < this.lineCount; this.i++) {
      const line = this.line(this.i);
      if (line.startsWith('---')) {
        if (marker || line.slice(3).trim() !== '') throw NOT_PLAIN;
        marker = true;
        continue;
      }
      if (!isBlankOrComment(line)) break;
    }
    if (!this.next()) throw NOT_PLAIN;
    const value = this.node(this.indent, 0);
    if (value === null || typeof value !== 'object') throw NOT_PLAIN;
    if (this.next()) throw NOT_PLAIN; // content left over: js-yaml says what is wrong with it
    return value;
  }

  /** Moves to the next significant line from `i` on (blank and comment lines skipped); false at the end. */
  private next(): boolean {
    const src = this.source;
    for (; this.i < this.lineCount; this.i++) {
      const start = this.starts[this.i] as number;
      let end = this.lineEnd(this.i);
      let at = start;
      while (at < end && src.charCodeAt(at) === 32) at++;
      if (at === end || src.charCodeAt(at) === 35) continue;
      // A document marker or end at column 0: js-yaml's business.
      if (at === start && (src.startsWith('---', start) || src.startsWith('...', start))) throw NOT_PLAIN;
      while (src.charCodeAt(end - 1) === 32) end--;
      this.indent = at - start;
      this.text = src.slice(at, end);
      return true;
    }
    return false;
  }

  /** The block node starting at the current line, which has indent `indent`. */
  private node(indent: number, depth: number): Json {
    // Well inside js-yaml's bound (this depth counts block levels only): deeper is js-yaml's to judge.
    if (depth > this.maxDepth - 5 || depth > 50) throw NOT_PLAIN;
    if (isSequenceItem(this.text)) return this.sequence(indent, depth);
    return this.mapping(indent, depth);
  }

  private mapping(indent: number, depth: number): Json {
    const out: { [key: string]: Json } = {};
    // Duplicates found by comparing strings: a keyed read of a fresh (not yet internalized) string
    // was the slowest line of this reader.
    const keys: string[] = [];
    for (;;) {
      const text = this.text;
      const sep = keyEnd(text);
      const key = keyOf(text.slice(0, sep));
      if (keys.includes(key) || key === '__proto__') throw NOT_PLAIN;
      keys.push(key);
      let from = sep + 1;
      while (text.charCodeAt(from) === 32) from++;
      const rest = from >= text.length ? '' : text.slice(from);
      this.i++;
      out[key] = this.value(rest, indent, depth, true);
      if (!this.next() || this.indent < indent) return out;
      if (this.indent > indent || isSequenceItem(this.text)) throw NOT_PLAIN;
    }
  }

  private sequence(indent: number, depth: number): Json {
    const out: Json[] = [];
    for (;;) {
      const text = this.text;
      if (text === '-') throw NOT_PLAIN;
      let n = 1;
      while (text.charCodeAt(n) === 32) n++;
      const item = text.slice(n);
      if (isSequenceItem(item)) throw NOT_PLAIN;
      if (startsMapping(item)) {
        // `- key: value`: a mapping whose keys line up with the first one.
        this.indent = indent + n;
        this.text = item;
        out.push(this.mapping(indent + n, depth + 1));
        if (!this.next() || this.indent < indent) return out;
      } else {
        this.i++;
        out.push(this.value(item, indent, depth, false));
        if (!this.next() || this.indent < indent) return out;
      }
      if (this.indent > indent || !isSequenceItem(this.text)) {
        if (this.indent === indent) return out; // a mapping key after a sequence at its indent
        throw NOT_PLAIN;
      }
    }
  }

  /**
   * The value after `key:` or `- ` (`rest`, comment included), the current line being the one after it.
   * `indent` is the parent's; in a mapping a sequence may sit at the parent's own indent.
   */
  private value(rest: string, indent: number, depth: number, inMapping: boolean): Json {
    if (rest === '' || rest.charCodeAt(0) === 35) {
      if (!inMapping) throw NOT_PLAIN;
      if (!this.next()) return null;
      if (this.indent > indent) return this.node(this.indent, depth + 1);
      if (this.indent === indent && isSequenceItem(this.text)) return this.sequence(indent, depth + 1);
      return null;
    }
    const c = rest[0] as string;
    let value: Json;
    if (c === '|') value = this.literal(rest, indent);
    else {
      if (c === '{' || c === '[') value = flow(rest);
      else if (c === '"' || c === "'") value = quotedLine(rest);
      else value = plainLine(rest);
      // Nothing may continue it on a more indented line (a multi-line scalar).
      if (this.next() && this.indent > indent) throw NOT_PLAIN;
    }
    return value;
  }

  /** A `|` or `|-` block scalar: lines more indented than the parent, up to the first one that is not. */
  private literal(header: string, indent: number): string {
    const strip = header === '|-';
    if (!strip && header !== '|') throw NOT_PLAIN;
    if (this.i >= this.lineCount) throw NOT_PLAIN;
    const first = this.line(this.i);
    let contentIndent = 0;
    while (first.charCodeAt(contentIndent) === 32) contentIndent++;
    if (contentIndent <= indent || contentIndent === first.length) throw NOT_PLAIN;
    const parts: string[] = [];
    let blank = 0;
    for (; this.i < this.lineCount; this.i++) {
      const line = this.line(this.i);
      if (line.length === 0) {
        blank++;
        continue;
      }
      let n = 0;
      while (n < contentIndent && line.charCodeAt(n) === 32) n++;
      if (n < contentIndent) {
        // Only spaces (a line of fewer spaces than the content's): js-yaml's rules for them are subtle.
        if (n === line.length) throw NOT_PLAIN;
        break;
      }
      // Only the content's indentation: an empty line (js-yaml readBlockScalar counts it with the
      // blank ones, so clip chomping drops it at the end); more spaces than that are content.
      if (n === line.length) {
        blank++;
        continue;
      }
      for (; blank > 0; blank--) parts.push('');
      parts.push(line.slice(contentIndent));
    }
    const body = parts.join('\n');
    return strip ? body : `${body}\n`;
  }
}

/**
 * Key texts seen before, each with its key as an internalized string (the one V8 keeps for property
 * names): storing a property under a fresh string goes through V8's runtime to look it up, under the
 * internalized one it does not; manifests repeat the same few dozen keys. Bounded: keys of up to 100
 * characters, cleared when 10,000 are held.
 */
const keyCache = new Map<string, string>();
function keyOf(text: string): string {
  let key = keyCache.get(text);
  if (key === undefined) {
    key = Object.keys({ [String(plainValue(text))]: 0 })[0] as string;
    if (text.length <= 100) {
      if (keyCache.size >= 10_000) keyCache.clear();
      keyCache.set(text, key);
    }
  }
  return key;
}

function isBlankOrComment(line: string): boolean {
  const t = line.trimStart();
  return t === '' || t.startsWith('#');
}

function trimEnd(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 32) end--;
  return end === s.length ? s : s.slice(0, end);
}

function isSequenceItem(text: string): boolean {
  return text.charCodeAt(0) === 45 && (text.length === 1 || text.charCodeAt(1) === 32);
}

/** Where the `:` of a plain implicit key is (followed by a space or the end), or NOT_PLAIN. */
function keyEnd(text: string): number {
  const sep = separatorOf(text);
  if (sep < 0) throw NOT_PLAIN;
  return sep;
}

function separatorOf(text: string): number {
  if (text.length === 0 || NOT_PLAIN_START.has(text[0] as string)) return -1;
  for (let j = 1; j < text.length && j < 1000; j++) {
    const ch = text.charCodeAt(j);
    if (ch === 58 /* : */) {
      const after = text.charCodeAt(j + 1);
      if (j + 1 === text.length || after === 32) return text.charCodeAt(j - 1) === 32 ? -1 : j;
    } else if (ch === 35 /* # */ && text.charCodeAt(j - 1) === 32) return -1;
  }
  return -1;
}

function startsMapping(text: string): boolean {
  return separatorOf(text) >= 0;
}

/** A plain scalar filling the rest of a line (up to a ` #` comment). */
function plainLine(rest: string): Json {
  if (NOT_PLAIN_START.has(rest[0] as string)) {
    // `-x`, `?x`, `:x` are plain; the others start something else.
    const c = rest[0];
    if ((c !== '-' && c !== '?' && c !== ':') || rest.length < 2 || rest[1] === ' ') throw NOT_PLAIN;
  }
  // Lines come without trailing spaces: without a comment the rest is the scalar as it is.
  const comment = rest.indexOf(' #');
  const s = comment < 0 ? rest : trimEnd(rest.slice(0, comment));
  // `a: b` inside, or a trailing `:`, would be a mapping here (an error for js-yaml to word).
  if (s.includes(': ') || s.endsWith(':')) throw NOT_PLAIN;
  return plainValue(s);
}

/** A quoted scalar on one line, without escapes (`\` in double quotes, `''` in single ones), then a comment at most. */
function quotedLine(rest: string): string {
  const q = rest[0] as string;
  const close = rest.indexOf(q, 1);
  if (close < 0) throw NOT_PLAIN;
  const s = rest.slice(1, close);
  if (q === '"' && s.includes('\\')) throw NOT_PLAIN;
  const after = rest.slice(close + 1);
  if (after !== '' && !/^ +(#.*)?$/.test(after)) throw NOT_PLAIN; // `''` escapes land here too
  return s;
}

/** A one-line flow map or list of scalars (`{cpu: 100m, memory: "1Gi"}`, `[a, b]`), then a comment at most. */
function flow(rest: string): Json {
  const open = rest[0];
  const close = open === '{' ? '}' : ']';
  const entries: string[] = [];
  let start = 1;
  let j = 1;
  for (; j < rest.length; j++) {
    const c = rest[j] as string;
    if (c === '"' || c === "'") {
      const end = rest.indexOf(c, j + 1);
      if (end < 0) throw NOT_PLAIN;
      j = end;
    } else if (c === ',' || c === close) {
      entries.push(rest.slice(start, j).trim());
      start = j + 1;
      if (c === close) break;
    } else if (c === '{' || c === '[' || c === '}' || c === ']' || c === '#') throw NOT_PLAIN;
  }
  if (j >= rest.length) throw NOT_PLAIN; // not closed on this line
  const after = rest.slice(j + 1);
  if (after !== '' && !/^ +(#.*)?$/.test(after)) throw NOT_PLAIN;
  if (entries.length === 1 && entries[0] === '') entries.length = 0; // `{}` / `[]`
  if (entries.includes('')) throw NOT_PLAIN;
  if (open === '[') return entries.map(flowScalar);
  const out: { [key: string]: Json } = {};
  for (const e of entries) {
    const sep = e.indexOf(': ');
    if (sep <= 0) throw NOT_PLAIN;
    const key = String(flowScalar(e.slice(0, sep).trimEnd()));
    if (out[key] !== undefined || key === '__proto__') throw NOT_PLAIN;
    out[key] = flowScalar(e.slice(sep + 2).trim());
  }
  return out;
}

/** One scalar of a flow collection: quoted without escapes, or plain without anything flow-special. */
function flowScalar(s: string): Json {
  const c = s[0] as string;
  if (c === '"' || c === "'") {
    if (s.length < 2 || s[s.length - 1] !== c || s.indexOf(c, 1) !== s.length - 1) throw NOT_PLAIN;
    const inner = s.slice(1, -1);
    if (c === '"' && inner.includes('\\')) throw NOT_PLAIN;
    return inner;
  }
  // `-x` is plain (`args: [--port, -v]`); the other indicators start something else.
  if ((NOT_PLAIN_START.has(c) && !(c === '-' && s.length > 1 && s[1] !== ' ')) || s.includes(': ') || s.endsWith(':') || s.includes('"') || s.includes("'") || s.includes(' #')) throw NOT_PLAIN;
  return plainValue(s);
}
