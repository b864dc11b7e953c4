/**
 * YAML from outside (repository files, editor buffers, tool output, kubeconfig files) read within
 * bounds, so that a hostile file is an error with a line, not an exhausted heap (issue 12).
 *
 * Both parsers build aliases as shared references: a 600-byte "billion laughs" file is a small graph
 * after parsing, and explodes only in whoever walks it as a tree (normalize, compare, JSON.stringify,
 * `yaml.stringify`, a language server's outline). So each parsed value is measured once, the way
 * Kubernetes' own decoder counts while it copies (go-yaml v3 decode.go `unmarshal`, `allowedAliasRatio`):
 * every node decoded counts, nodes reached through an alias count again as alias nodes, and a
 * document is refused when, past 100 alias nodes and 1,000 nodes, the share of alias nodes goes over
 * 99% (up to 400,000 nodes) scaling down to 10% (from 4,000,000 nodes). A manifest Kubernetes accepts
 * is accepted here; what it refuses ("document contains excessive aliasing") is refused here too,
 * with the alias that crossed the line. Sizes are memoized per shared object, so measuring costs one
 * walk of the parsed graph, not of its expansion. An anchor that contains its own alias (which both
 * parsers turn into a cycle) is refused as go-yaml does ("anchor 'a' value contains itself").
 *
 * Also bounded: the characters of one text (a generous 64 MiB; VS Code does not even hand documents
 * over 50 MB to extensions), the characters once aliases are expanded (a long string aliased a
 * thousand times), and collection nesting, counted through aliases (js-yaml's `maxDepth` does not
 * see them, and deep values overflow the stack of every recursive walk after parsing).
 */
import * as jsyaml from 'js-yaml';
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, YAMLParseError } from 'yaml';
import type { Document, DocumentOptions, Node as YamlNode, ParseOptions, SchemaOptions } from 'yaml';

export interface YamlLimits {
  /** Characters of one text, and of one document's strings once aliases are expanded (default 64 Mi). */
  readonly maxChars: number;
  /** Collection nesting, aliases expanded (default 100, js-yaml's own parse limit). */
  readonly maxDepth: number;
}

export const YAML_LIMITS: YamlLimits = { maxChars: 64 * 1024 * 1024, maxDepth: 100 };

export type YamlLimitCode = 'tooLarge' | 'tooDeep' | 'aliases' | 'aliasCycle';

/** A text or document over a limit; line and column are 0-based, in the text that was parsed. */
export class YamlLimitError extends Error {
  override readonly name = 'YamlLimitError';
  constructor(
    readonly code: YamlLimitCode,
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

// YAML 1.2 core schema (what Kubernetes' sigs.k8s.io/yaml sees for the values that matter: no
// timestamps turned into dates) plus `<<` merge keys, which go-yaml honours.
// (@types/js-yaml does not declare the `types` export that js-yaml 4 has.) Built on first use: the
// extension bundle loads js-yaml only when something parses (scripts/build.mjs lazyYamlLibraries).
let manifestSchema: jsyaml.Schema | undefined;
function manifestSchemaOf(): jsyaml.Schema {
  manifestSchema ??= jsyaml.CORE_SCHEMA.extend({ implicit: [(jsyaml as unknown as { types: { merge: jsyaml.Type } }).types.merge] });
  return manifestSchema;
}

const mib = (chars: number): string => `${(chars / (1024 * 1024)).toFixed(chars < 1024 * 1024 ? 2 : 0)} MiB`;

/** The message of a text over `maxChars`, or undefined when it is within. */
export function textTooLarge(text: string, limits: YamlLimits = YAML_LIMITS): string | undefined {
  return text.length > limits.maxChars ? `${mib(text.length)} of YAML is more than the ${mib(limits.maxChars)} read: not parsed` : undefined;
}

/**
 * One YAML document's value (js-yaml, core schema with merge keys), measured. Throws js-yaml's
 * YAMLException for broken YAML and YamlLimitError (with the line of the alias at fault) for YAML
 * over a limit.
 */
export function loadYaml(source: string, opts: { readonly filename?: string; readonly limits?: YamlLimits } = {}): unknown {
  const limits = opts.limits ?? YAML_LIMITS;
  const large = textTooLarge(source, limits);
  if (large) throw new YamlLimitError('tooLarge', large, 0, 0);
  // js-yaml 4.3 options @types/js-yaml does not declare yet (js-yaml README "load").
  const options: jsyaml.LoadOptions & { maxDepth: number } = { schema: manifestSchemaOf(), maxDepth: limits.maxDepth, ...(opts.filename !== undefined ? { filename: opts.filename } : {}) };
  let value: unknown;
  try {
    value = jsyaml.load(source, options);
  } catch (err) {
    // js-yaml's own depth bound (loader.js composeNode): the same limit, said the same way.
    const mark = (err as { mark?: { line?: number; column?: number } }).mark;
    if (err instanceof jsyaml.YAMLException && /^nesting exceeded maxDepth/.test(err.reason)) {
      throw new YamlLimitError('tooDeep', violationMessage('tooDeep', undefined, limits), mark?.line ?? 0, mark?.column ?? 0);
    }
    throw err;
  }
  // Without a `*` there is no alias, and js-yaml already held the nesting to maxDepth: nothing to measure.
  if (source.includes('*')) {
    const v = measureValue(value, limits);
    if (v) throw locate(source, v, limits);
  }
  return value;
}

/**
 * `yaml`'s parseDocument, with limit violations added to `doc.errors` (code RESOURCE_EXHAUSTION, at the
 * alias at fault) so that callers reporting parse errors report them too. `toJS()` of a document
 * without errors is then bounded: pass `maxAliasCount: -1`, this check replaces `yaml`'s own (which
 * refuses an anchor used more than 100 times, a common thing in real manifests).
 */
export function parseDocumentBounded(text: string, options: ParseOptions & DocumentOptions & SchemaOptions = {}, limits: YamlLimits = YAML_LIMITS): Document.Parsed {
  const large = textTooLarge(text, limits);
  if (large) {
    const doc = parseDocument('', options);
    doc.errors.push(new YAMLParseError([0, 0], 'RESOURCE_EXHAUSTION', large));
    return doc;
  }
  const doc = parseDocument(text, options);
  if (doc.errors.length === 0) {
    const v = measureDocument(doc, limits);
    if (v) doc.errors.push(new YAMLParseError([v.offset, v.offset + 1], 'RESOURCE_EXHAUSTION', v.message));
  }
  return doc;
}

/** A value (from either parser, aliases as shared objects) measured; undefined when within the limits. */
export function measureValue(value: unknown, limits: YamlLimits = YAML_LIMITS): Violation | undefined {
  const budget = new AliasBudget(limits);
  const memo = new Map<object, Size | 'open'>();
  const walk = (v: unknown, depth: number): Size => {
    if (v === null || typeof v !== 'object') {
      const chars = typeof v === 'string' ? v.length : 0;
      budget.own(chars);
      return { nodes: 1, chars, height: 0 };
    }
    const seen = memo.get(v);
    if (seen === 'open') throw new Exceeded({ code: 'aliasCycle' });
    if (seen) return budget.alias(seen, depth);
    if (depth > limits.maxDepth) throw new Exceeded({ code: 'tooDeep' });
    memo.set(v, 'open');
    budget.own(0);
    let nodes = 1;
    let chars = 0;
    let height = 0;
    const add = (s: Size): void => {
      nodes += s.nodes;
      chars += s.chars;
      if (s.height + 1 > height) height = s.height + 1;
    };
    if (Array.isArray(v)) for (const item of v) add(walk(item, depth + 1));
    else {
      for (const key of Object.keys(v)) {
        budget.own(key.length);
        nodes += 1;
        chars += key.length;
        add(walk((v as Record<string, unknown>)[key], depth + 1));
      }
    }
    const size = { nodes, chars, height };
    memo.set(v, size);
    return size;
  };
  return run(() => walk(value, 0), limits);
}

/**
 * The same measure on `yaml`'s syntax tree, in document order: an alias stands for the last node
 * before it with that anchor (yaml's Alias.resolve, YAML 1.2 §3.2.2.2), whose size is known by
 * then. Gives the offset of the alias at fault. Works on documents with errors too (what a language
 * server walks).
 */
export function measureDocument(doc: Document.Parsed, limits: YamlLimits = YAML_LIMITS): (Violation & { offset: number }) | undefined {
  const budget = new AliasBudget(limits);
  const anchors = new Map<string, YamlNode>();
  const memo = new Map<YamlNode, Size | 'open'>();
  let at = 0;
  const walk = (node: unknown, depth: number): Size => {
    if (isAlias(node)) {
      at = node.range?.[0] ?? at;
      const target = anchors.get(node.source);
      const seen = target ? memo.get(target) : undefined;
      if (seen === 'open') throw new Exceeded({ code: 'aliasCycle', alias: node.source });
      // An unknown anchor is yaml's own error (on toJS); it expands to nothing.
      if (!seen) return { nodes: 1, chars: 0, height: 0 };
      return budget.alias(seen, depth, node.source);
    }
    if (!isScalar(node) && !isMap(node) && !isSeq(node)) {
      budget.own(0); // an empty value (`key:`)
      return { nodes: 1, chars: 0, height: 0 };
    }
    at = node.range?.[0] ?? at;
    if (node.anchor) anchors.set(node.anchor, node);
    if (isScalar(node)) {
      const chars = typeof node.value === 'string' ? node.value.length : 0;
      budget.own(chars);
      const size = { nodes: 1, chars, height: 0 };
      memo.set(node, size);
      return size;
    }
    if (depth > limits.maxDepth) throw new Exceeded({ code: 'tooDeep' });
    memo.set(node, 'open');
    budget.own(0);
    let nodes = 1;
    let chars = 0;
    let height = 0;
    const add = (s: Size): void => {
      nodes += s.nodes;
      chars += s.chars;
      if (s.height + 1 > height) height = s.height + 1;
    };
    for (const item of node.items as unknown[]) {
      if (isPair(item)) {
        const k = walk(item.key, depth + 1);
        nodes += k.nodes;
        chars += k.chars;
        add(walk(item.value, depth + 1));
      } else add(walk(item, depth + 1));
    }
    const size = { nodes, chars, height };
    memo.set(node, size);
    return size;
  };
  const v = run(() => walk(doc.contents, 0), limits);
  return v && { ...v, offset: at };
}

interface Size {
  /** Nodes once expanded: collections, keys, scalars, and each alias node itself. */
  readonly nodes: number;
  /** Characters of the string scalars and keys once expanded. */
  readonly chars: number;
  /** Collection levels below this node, aliases expanded. */
  readonly height: number;
}

export interface Violation {
  readonly code: YamlLimitCode;
  readonly message: string;
}

class Exceeded extends Error {
  constructor(readonly detail: { readonly code: YamlLimitCode; readonly alias?: string }) {
    super(detail.code);
  }
}

/**
 * Kubernetes' alias rule (go-yaml v3 decode.go `allowedAliasRatio`): the share of alias nodes allowed
 * is 99% up to 400,000 nodes, 10% from 4,000,000, linear in between.
 */
function allowedAliasRatio(decodes: number): number {
  const low = 400_000;
  const high = 4_000_000;
  if (decodes <= low) return 0.99;
  if (decodes >= high) return 0.1;
  return 0.99 - (0.89 * (decodes - low)) / (high - low);
}

/** Counts as go-yaml's decoder does while it copies; throws Exceeded as soon as a limit is crossed. */
class AliasBudget {
  /** The document node counts too, as in go-yaml. */
  decodes = 1;
  aliased = 0;
  chars = 0;
  constructor(private readonly limits: YamlLimits) {}

  own(chars: number): void {
    this.decodes += 1;
    this.chars += chars;
    // A scalar alias (`*s`) arrives as a plain value: only its characters tell.
    if (this.aliased > 0 || this.chars > this.limits.maxChars) this.check(undefined);
  }

  /** An alias node: itself, then the anchor's nodes once more (all of them alias nodes). */
  alias(target: Size, depth: number, name?: string): Size {
    if (depth + target.height > this.limits.maxDepth) throw new Exceeded({ code: 'tooDeep', ...(name ? { alias: name } : {}) });
    this.decodes += 1 + target.nodes;
    this.aliased += target.nodes;
    this.chars += target.chars;
    this.check(name);
    return { nodes: 1 + target.nodes, chars: target.chars, height: target.height };
  }

  private check(name: string | undefined): void {
    const alias = name ? { alias: name } : {};
    if (this.chars > this.limits.maxChars) throw new Exceeded({ code: 'tooLarge', ...alias });
    // go-yaml checks on every node; within one alias both counts only grow, so checking after it is the same.
    if (this.aliased > 100 && this.decodes > 1000 && this.aliased / this.decodes > allowedAliasRatio(this.decodes)) throw new Exceeded({ code: 'aliases', ...alias });
  }
}

function run(walk: () => void, limits: YamlLimits): Violation | undefined {
  try {
    walk();
    return undefined;
  } catch (err) {
    if (!(err instanceof Exceeded)) throw err;
    return { code: err.detail.code, message: violationMessage(err.detail.code, err.detail.alias, limits) };
  }
}

function violationMessage(code: YamlLimitCode, alias: string | undefined, limits: YamlLimits): string {
  const a = alias ? `*${alias}` : 'aliases';
  switch (code) {
    case 'aliases':
      return `excessive aliasing: ${a} ${alias ? 'repeats' : 'repeat'} so much of the document that it would grow without bound (an alias bomb; Kubernetes refuses it too)`;
    case 'aliasCycle':
      return `the anchor of ${a} contains the alias itself: an endless document`;
    case 'tooDeep':
      return `nesting deeper than ${limits.maxDepth} levels${alias ? ` once ${a} is expanded` : ''}`;
    case 'tooLarge':
      return `${a} ${alias ? 'expands' : 'expand'} the document past the ${mib(limits.maxChars)} of text read`;
  }
}

/** The violation found in a js-yaml value, placed at its alias by measuring `yaml`'s tree of the same text. */
function locate(source: string, found: Violation, limits: YamlLimits): YamlLimitError {
  const doc = parseDocument(source, { merge: true, uniqueKeys: false });
  const v = doc.errors.length === 0 ? measureDocument(doc, limits) : undefined;
  const offset = v?.offset ?? 0;
  let line = 0;
  let lineStart = 0;
  for (let i = source.indexOf('\n'); i >= 0 && i < offset; i = source.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return new YamlLimitError((v ?? found).code, (v ?? found).message, line, offset - lineStart);
}
