/**
 * "Adopt live value" (issue 5): write live values into one document of a YAML file, keeping the rest
 * of the file byte for byte — comments, key order, quoting, indentation, flow style, other documents.
 *
 * Why splicing and not `Document.setIn` + `toString()`: re-serializing a document re-indents sequences,
 * re-spaces flow collections and moves comments, so a one-field adoption would touch lines the user
 * never asked to change. Here the `yaml` package only locates nodes (their source ranges); each change
 * replaces, inserts or deletes exactly the text of the node it concerns, rendered by the same package
 * in the style of what it replaces (quote type, block or flow, indentation, CRLF). After each change the
 * document is parsed again and the value at the path checked, so a rendering mistake fails loudly
 * instead of corrupting the file.
 *
 * Paths are the drift engine's (core/drift/compare.ts): RFC 6901 pointers whose list segments are
 * indices into the DESIRED document's sequences, also for lists with map keys (containers by name, env
 * by name …: compare matches items by key but reports the desired item's index), so an index here is
 * always an index into the file's sequence. A list item only live has (three-way 'removed') has no
 * desired index: it is adopted with `insert`, which appends it.
 */
import { isAlias, isMap, isScalar, isSeq, Document, Scalar, stringify } from 'yaml';
import type { Node as YamlNode, Pair, YAMLMap, YAMLSeq } from 'yaml';
import { isMask } from '../drift/mask';
import { parseDocumentBounded } from './boundedYaml';
import { parseManifests, parsePointer } from './documents';

export type AdoptChange =
  /** Set the value at `path`; with `insert`, the path is one the document lacks (a live-only list item is appended). */
  | { readonly path: string; readonly value: unknown; readonly insert?: boolean }
  /** Delete the field or list item at `path` (the document sets it, the live object does not have it). */
  | { readonly path: string; readonly remove: true };

export type AdoptErrorCode = 'masked' | 'noDocument' | 'badPath' | 'throughAlias' | 'unsupported';

export class AdoptError extends Error {
  constructor(
    readonly code: AdoptErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AdoptError';
  }
}

/** One replacement that turns the old text into the new one (offsets into the old text). */
export interface TextReplacement {
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

/** A drift change as DriftResults reports it: `desired` absent = live-only, `live` absent = missing live. */
export interface DriftChangeLike {
  readonly path: string;
  readonly desired?: unknown;
  readonly live?: unknown;
}

/** What adopting each drift change means for the document. */
export function adoptChangesOf(changes: readonly DriftChangeLike[]): AdoptChange[] {
  return changes.map((c) => {
    if (c.live === undefined) return { path: c.path, remove: true as const };
    if (c.desired === undefined) return { path: c.path, value: c.live, insert: true };
    return { path: c.path, value: c.live };
  });
}

/** True when a value is or contains a Secret mask (core/drift/mask.ts): such a value must never reach a file. */
export function containsMask(value: unknown): boolean {
  if (isMask(value)) return true;
  if (Array.isArray(value)) return value.some(containsMask);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(containsMask);
  return false;
}

/**
 * The file text with `changes` applied to the document with ordinal `documentIndex` (ManifestDocument.index).
 * Throws AdoptError when a value is masked, the document is missing or broken, or a path cannot be edited safely.
 */
export function adoptEdit(text: string, documentIndex: number, changes: readonly AdoptChange[]): string {
  for (const c of changes) {
    if ('value' in c && containsMask(c.value)) {
      throw new AdoptError('masked', `${c.path} is a Secret value; the live value is masked, so it cannot be written into the file. Copy it from the cluster by hand.`);
    }
    if (parsePointer(c.path) === undefined || c.path === '') throw new AdoptError('badPath', `"${c.path}" is not a field path.`);
  }
  const parsed = parseManifests(text);
  const doc = parsed.documents.find((d) => d.index === documentIndex);
  if (!doc) {
    const broken = parsed.problems.some((p) => p.documentIndex === documentIndex);
    throw new AdoptError('noDocument', broken ? 'The document has YAML errors; fix them first.' : `The file has no document ${documentIndex + 1}.`);
  }
  const start = doc.range.start.offset;
  const end = doc.range.end.offset;
  let src = text.slice(start, end);
  const eol = src.includes('\r\n') ? '\r\n' : '\n';
  const style: Style = { eol, indentSeq: detectIndentSeq(src) };
  for (const change of ordered(changes)) src = applyOne(src, change, style);
  return text.slice(0, start) + src + text.slice(end);
}

/** adoptEdit as one minimal replacement (common prefix and suffix left out), for an editor edit. */
export function adoptReplacement(text: string, documentIndex: number, changes: readonly AdoptChange[]): TextReplacement | undefined {
  const next = adoptEdit(text, documentIndex, changes);
  if (next === text) return undefined;
  let p = 0;
  const max = Math.min(text.length, next.length);
  while (p < max && text.charCodeAt(p) === next.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && text.charCodeAt(text.length - 1 - s) === next.charCodeAt(next.length - 1 - s)) s++;
  return { start: p, end: text.length - s, newText: next.slice(p, next.length - s) };
}

interface Style {
  readonly eol: string;
  /** Whether block sequences under a key are indented (`key:\n  - a`) or not (`key:\n- a`), as the document does. */
  readonly indentSeq: boolean;
}

/** Sets first, then removals from the last path to the first, so that list indices stay valid. */
function ordered(changes: readonly AdoptChange[]): AdoptChange[] {
  const sets = changes.filter((c) => !('remove' in c));
  const removes = changes.filter((c) => 'remove' in c);
  removes.sort((a, b) => comparePaths(b.path, a.path));
  return [...sets, ...removes];
}

function comparePaths(a: string, b: string): number {
  const x = parsePointer(a) ?? [];
  const y = parsePointer(b) ?? [];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i] as string;
    const q = y[i] as string;
    if (p === q) continue;
    if (/^\d+$/.test(p) && /^\d+$/.test(q)) return Number(p) - Number(q);
    return p < q ? -1 : 1;
  }
  return x.length - y.length;
}

type RangedNode = YamlNode & { range: [number, number, number] };

/** Where a node sits: as the value of a map pair, or as a sequence item. */
type Slot = { kind: 'pair'; map: YAMLMap; pair: Pair; inFlow: boolean } | { kind: 'item'; seq: YAMLSeq; index: number; inFlow: boolean };

function applyOne(src: string, change: AdoptChange, style: Style): string {
  const doc = parseDocumentBounded(src, { uniqueKeys: false });
  if (doc.errors.length > 0) throw new AdoptError('noDocument', 'The document has YAML errors; fix them first.');
  const segments = parsePointer(change.path) ?? [];
  const remove = 'remove' in change;
  const value = 'value' in change ? change.value : undefined;
  let node: unknown = doc.contents;
  let slot: Slot | undefined;
  let inFlow = false;
  const slots: Slot[] = [];
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] as string;
    const rest = segments.slice(i + 1);
    const last = rest.length === 0;
    if (isAlias(node)) {
      throw new AdoptError('throughAlias', `${change.path} is set through the alias *${node.source}; editing the anchor would change every place that uses it. Edit it by hand.`);
    }
    if (isMap(node)) {
      inFlow ||= Boolean(node.flow);
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === seg);
      if (!pair) {
        if (node.items.some((p) => isScalar(p.key) && p.key.value === '<<') && !last) {
          throw new AdoptError('throughAlias', `${change.path} comes from a merge key (<<); edit it by hand.`);
        }
        if (remove) return src; // already absent
        return verify(insertPair(src, node, seg, nested(rest, value), inFlow, style), change);
      }
      slot = { kind: 'pair', map: node, pair, inFlow };
      node = pair.value;
    } else if (isSeq(node)) {
      inFlow ||= Boolean(node.flow);
      if (seg === '-' || (last && !remove && 'insert' in change && change.insert === true)) {
        return verifyAppended(appendItem(src, node, nested(rest, value), inFlow, style), change, node.items.length);
      }
      if (!/^(?:0|[1-9]\d*)$/.test(seg) || Number(seg) >= node.items.length) {
        if (remove) return src;
        throw new AdoptError('badPath', `${change.path}: the list has no item ${seg}.`);
      }
      slot = { kind: 'item', seq: node, index: Number(seg), inFlow };
      node = node.items[Number(seg)];
    } else {
      if (remove) return src;
      // `key:` (null) or a scalar where the live object has a map or list: the whole value is replaced.
      if (!slot) throw new AdoptError('badPath', `${change.path}: the document is not a map.`);
      return verify(replaceSlot(src, slot, node, nested(segments.slice(i), value), style), change);
    }
    slots.push(slot);
    if (last) {
      if (remove) return verify(removeSlot(src, slots, style), change);
      return verify(replaceSlot(src, slot, node, value, style), change);
    }
  }
  throw new AdoptError('badPath', `"${change.path}" is not a field path.`);
}

/** The value to write for path segments the document does not have yet: `{a: {b: value}}`. */
function nested(rest: readonly string[], value: unknown): unknown {
  let v = value;
  for (let i = rest.length - 1; i >= 0; i--) {
    const seg = rest[i] as string;
    v = seg === '-' || seg === '0' ? [v] : { [seg]: v };
  }
  return v;
}

// --- edits -------------------------------------------------------------------------------------------

function replaceSlot(src: string, slot: Slot, node: unknown, value: unknown, style: Style): string {
  const scalarNew = value === null || typeof value !== 'object';
  const ranged = isRanged(node) ? node : undefined;
  const empty = !ranged || (isScalar(ranged) && ranged.value === null && ranged.range[0] === ranged.range[1]);
  // Scalar over scalar (the common case: image, replicas): only the scalar's own text changes.
  if (ranged && !empty && scalarNew && (isScalar(ranged) || isAlias(ranged))) {
    const type = isScalar(ranged) ? ranged.type : undefined;
    return splice(src, ranged.range[0], trimEnd(src, ranged.range[1]), renderScalar(value, type, slot.inFlow, ownerColumn(src, slot), style));
  }
  if (slot.inFlow) {
    if (!ranged || empty) throw new AdoptError('unsupported', 'An empty value inside a flow collection; edit it by hand.');
    return splice(src, ranged.range[0], ranged.range[1], renderFlow(value));
  }
  if (ranged && !empty && isCollection(ranged) && ranged.flow && scalarNew === false) {
    // A flow collection stays flow: `ports: [80, 443]`.
    return splice(src, ranged.range[0], ranged.range[1], renderFlow(value));
  }
  if (slot.kind === 'pair') {
    const key = slot.pair.key as RangedNode;
    const keyEnd = key.range[1];
    const colon = src.indexOf(':', keyEnd);
    const end = ranged && !empty ? trimEnd(src, ranged.range[1]) : colon + 1;
    return splice(src, keyEnd, end, fix(renderPairTail(value, style).replace(/\n/g, `\n${spaces(column(src, key.range[0]))}`), style));
  }
  if (!ranged) throw new AdoptError('unsupported', 'An empty list item; edit it by hand.');
  const dash = dashBefore(src, ranged.range[0]);
  const rendered = renderItem(value, style).replace(/\n/g, `\n${spaces(column(src, dash))}`);
  return splice(src, ranged.range[0], trimEnd(src, ranged.range[1]), fix(rendered, style));
}

function insertPair(src: string, map: YAMLMap, key: string, value: unknown, inFlow: boolean, style: Style): string {
  const range = (map as unknown as RangedNode).range;
  if (map.flow || inFlow) {
    const text = renderFlowPair(key, value);
    const lastPair = map.items[map.items.length - 1];
    const close = src.lastIndexOf('}', range[1]);
    if (!lastPair) return splice(src, close, close, text);
    return splice(src, pairEnd(src, lastPair), pairEnd(src, lastPair), `, ${text}`);
  }
  const first = map.items[0];
  const lastPair = map.items[map.items.length - 1];
  if (!first || !lastPair || !isRanged(first.key)) throw new AdoptError('unsupported', 'An empty map; edit it by hand.');
  const col = column(src, first.key.range[0]);
  const at = lineEnd(src, pairEnd(src, lastPair));
  const text = stringify({ [key]: value }, renderOptions(style)).replace(/\n$/, '').replace(/\n/g, `\n${spaces(col)}`);
  return splice(src, at, at, fix(`\n${spaces(col)}${text}`, style));
}

function appendItem(src: string, seq: YAMLSeq, value: unknown, inFlow: boolean, style: Style): string {
  const range = (seq as unknown as RangedNode).range;
  const lastItem = seq.items[seq.items.length - 1];
  if (seq.flow || inFlow) {
    const text = renderFlow(value);
    if (!isRanged(lastItem)) {
      const close = src.lastIndexOf(']', range[1]);
      return splice(src, close, close, text);
    }
    return splice(src, lastItem.range[1], lastItem.range[1], `, ${text}`);
  }
  const first = seq.items[0];
  if (!isRanged(first) || !isRanged(lastItem)) throw new AdoptError('unsupported', 'An empty list; edit it by hand.');
  const col = column(src, dashBefore(src, first.range[0]));
  const at = lineEnd(src, trimEnd(src, lastItem.range[1]));
  const text = renderItem(value, style).replace(/\n/g, `\n${spaces(col)}`);
  return splice(src, at, at, fix(`\n${spaces(col)}- ${text}`, style));
}

function removeSlot(src: string, slots: readonly Slot[], style: Style): string {
  const slot = slots[slots.length - 1] as Slot;
  const items: readonly unknown[] = slot.kind === 'pair' ? slot.map.items : slot.seq.items;
  const index = slot.kind === 'pair' ? slot.map.items.indexOf(slot.pair) : slot.index;
  if (items.length === 1) {
    // The last field or item: the collection becomes empty (`{}` / `[]`), which Kubernetes reads as unset too.
    const parent = slots[slots.length - 2];
    const container = slot.kind === 'pair' ? slot.map : slot.seq;
    const empty = slot.kind === 'pair' ? {} : [];
    if (!parent) throw new AdoptError('unsupported', 'Removing the only field of the document; edit it by hand.');
    return replaceSlot(src, parent, container, empty, style);
  }
  const startOf = (i: number): number => {
    const it = items[i];
    if (slot.kind === 'pair') return ((it as Pair).key as RangedNode).range[0];
    return slot.inFlow ? (it as RangedNode).range[0] : dashBefore(src, (it as RangedNode).range[0]);
  };
  const endOf = (i: number): number => {
    const it = items[i];
    return slot.kind === 'pair' ? pairEnd(src, it as Pair) : trimEnd(src, (it as RangedNode).range[1]);
  };
  const start = startOf(index);
  const end = endOf(index);
  if (slot.inFlow) {
    // `{a: 1, b: 2}`: the item with the comma after it, or before it for the last one.
    return index + 1 < items.length ? splice(src, start, startOf(index + 1), '') : splice(src, endOf(index - 1), end, '');
  }
  const ls = lineStart(src, start);
  if (/^[ \t]*$/.test(src.slice(ls, start))) {
    // The field or item starts its line: delete its whole lines.
    const le = lineEnd(src, end);
    const next = src.startsWith('\r\n', le) ? le + 2 : src.startsWith('\n', le) ? le + 1 : le;
    return next === le && ls > 0 ? splice(src, ls - (src[ls - 2] === '\r' ? 2 : 1), le, '') : splice(src, ls, next, '');
  }
  // `- name: x` losing `name`: the next field moves up after the dash.
  if (index + 1 < items.length) return splice(src, start, startOf(index + 1), '');
  throw new AdoptError('unsupported', 'This field shares its line with another; edit it by hand.');
}

// --- rendering ---------------------------------------------------------------------------------------

function renderOptions(style: Style) {
  return { lineWidth: 0, minContentWidth: 0, indentSeq: style.indentSeq, flowCollectionPadding: false } as const;
}

/** A scalar as the value of `k: ` in the original quote style when it still fits, continuation lines under the owner. */
function renderScalar(value: unknown, type: Scalar.Type | undefined, inFlow: boolean, ownerCol: number, style: Style): string {
  const scalar = new Scalar(value);
  if (typeof value === 'string') {
    const multiline = value.includes('\n');
    if (type === 'QUOTE_DOUBLE' || type === 'QUOTE_SINGLE') scalar.type = multiline ? 'QUOTE_DOUBLE' : type;
    else if (inFlow) scalar.type = multiline ? 'QUOTE_DOUBLE' : undefined;
    else if ((type === 'BLOCK_LITERAL' || type === 'BLOCK_FOLDED') && multiline) scalar.type = type;
  }
  const d = new Document({});
  d.contents = inFlow ? d.createNode({}, { flow: true }) : d.createNode({});
  (d.contents as YAMLMap).set('k', scalar);
  const out = d.toString(renderOptions(style)).replace(/\n$/, '');
  const body = inFlow ? out.replace(/^\{k: /, '').replace(/\}$/, '') : out.replace(/^k: ?/, '');
  return fix(body.replace(/\n/g, `\n${spaces(ownerCol)}`), style);
}

/** `: value` or `:\n  a: 1` (continuation lines relative to the key's column). */
function renderPairTail(value: unknown, style: Style): string {
  return stringify({ k: value }, renderOptions(style)).replace(/\n$/, '').replace(/^k/, '');
}

/** A sequence item's text after `- ` (continuation lines relative to the dash's column). */
function renderItem(value: unknown, style: Style): string {
  return stringify([value], renderOptions(style)).replace(/\n$/, '').replace(/^- ?/, '');
}

function renderFlow(value: unknown): string {
  return stringify({ k: value }, { lineWidth: 0, collectionStyle: 'flow', flowCollectionPadding: false }).replace(/\n$/, '').replace(/^\{k: /, '').replace(/\}$/, '');
}

function renderFlowPair(key: string, value: unknown): string {
  return stringify({ [key]: value }, { lineWidth: 0, collectionStyle: 'flow', flowCollectionPadding: false }).replace(/\n$/, '').replace(/^\{/, '').replace(/\}$/, '');
}

// --- checks ------------------------------------------------------------------------------------------

function verify(src: string, change: AdoptChange): string {
  const doc = parseDocumentBounded(src, { uniqueKeys: false, merge: true });
  if (doc.errors.length > 0) throw new AdoptError('unsupported', `Writing ${change.path} would break the YAML; edit it by hand.`);
  // Aliases were measured by parseDocumentBounded; yaml's own count would refuse an anchor used 101 times.
  const got = getPointer(doc.toJS({ maxAliasCount: -1 }) as unknown, parsePointer(change.path) ?? []);
  const ok = 'remove' in change ? !got.found || isEmptyCollection(got.value) : got.found && sameJson(got.value, change.value);
  if (!ok) throw new AdoptError('unsupported', `Could not write ${change.path} safely; edit it by hand.`);
  return src;
}

function verifyAppended(src: string, change: AdoptChange, index: number): string {
  const segments = parsePointer(change.path) ?? [];
  const at = segments.findIndex((s, i) => s === '-' || i === segments.length - 1);
  const path = segments.map((s, i) => (i === at ? String(index) : s));
  return verify(src, { path: path.map((s) => `/${s.replace(/~/g, '~0').replace(/\//g, '~1')}`).join(''), value: 'value' in change ? change.value : undefined });
}

function getPointer(root: unknown, segments: readonly string[]): { found: boolean; value?: unknown } {
  let v = root;
  for (const s of segments) {
    if (Array.isArray(v) && /^\d+$/.test(s) && Number(s) < v.length) v = v[Number(s)];
    else if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, s)) v = (v as Record<string, unknown>)[s];
    else return { found: false };
  }
  return { found: true, value: v };
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isEmptyCollection(v: unknown): boolean {
  return v === null || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);
}

// --- text helpers ------------------------------------------------------------------------------------

function isRanged(node: unknown): node is RangedNode {
  return typeof node === 'object' && node !== null && Array.isArray((node as { range?: unknown }).range);
}

function isCollection(node: unknown): node is YAMLMap | YAMLSeq {
  return isMap(node) || isSeq(node);
}

function splice(src: string, start: number, end: number, text: string): string {
  return src.slice(0, start) + text + src.slice(end);
}

/** Block collections' ranges run past their last line break; an edit should end where the text does. */
function trimEnd(src: string, end: number): number {
  while (end > 0 && /\s/.test(src[end - 1] ?? '')) end -= 1;
  return end;
}

/** End of a pair's text: its value's, or the `:` after the key when the value is empty. */
function pairEnd(src: string, pair: Pair): number {
  if (isRanged(pair.value) && pair.value.range[1] > pair.value.range[0]) return trimEnd(src, pair.value.range[1]);
  const keyEnd = (pair.key as RangedNode).range[1];
  return src.indexOf(':', keyEnd) + 1;
}

function lineStart(src: string, offset: number): number {
  return src.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset of the line break (or `\r\n`) ending the line that holds `offset`. */
function lineEnd(src: string, offset: number): number {
  const nl = src.indexOf('\n', offset);
  if (nl < 0) return src.length;
  return src[nl - 1] === '\r' ? nl - 1 : nl;
}

function column(src: string, offset: number): number {
  return offset - lineStart(src, offset);
}

function spaces(n: number): string {
  return ' '.repeat(Math.max(0, n));
}

/** The `-` of the sequence item whose content starts at `offset`. */
function dashBefore(src: string, offset: number): number {
  let i = offset - 1;
  while (i >= 0 && (src[i] === ' ' || src[i] === '\t')) i--;
  return src[i] === '-' ? i : offset;
}

/** Column that continuation lines of a value are indented under: its key's, or its item's dash. */
function ownerColumn(src: string, slot: Slot): number {
  if (slot.kind === 'pair') return column(src, (slot.pair.key as RangedNode).range[0]);
  const item = slot.seq.items[slot.index];
  return isRanged(item) ? column(src, dashBefore(src, item.range[0])) : 0;
}

function fix(text: string, style: Style): string {
  return style.eol === '\n' ? text : text.replace(/\r?\n/g, style.eol);
}

/** The first block sequence under a key tells whether this file indents sequences. */
function detectIndentSeq(src: string): boolean {
  const m = /^([ \t]*)[^\s#-][^\n]*:[ \t]*(?:#[^\n]*)?\r?\n(?:[ \t]*(?:#[^\n]*)?\r?\n)*([ \t]*)- /m.exec(src);
  return m ? (m[2] ?? '').length > (m[1] ?? '').length : true;
}
