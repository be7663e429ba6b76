/**
 * yaml's own node objects (Document, YAMLMap, YAMLSeq, Pair, Scalar) for one document of the
 * block YAML manifests are written in, built line by line without yaml's lexer, CST and composer
 * (issue 18: those were half of a lint run on a repository of small manifests). Every range is
 * the one yaml gives, and plain scalars are resolved by the document's own schema tags. Comments
 * are noted (suppressions are read there) but not attached to nodes: the CLI's analysis never
 * reads them. Anything outside the subset — anchors, tags, tabs, multi-line scalars in quotes or
 * plain, flow maps, complex keys, duplicate keys, comments in spots where yaml's ranges get
 * irregular — returns undefined and the caller composes the document with yaml.
 */
import {
  Document,
  Pair,
  Scalar,
  YAMLMap,
  YAMLSeq,
  isCollection,
  isScalar,
  type Node,
  type Schema,
} from 'yaml';
import { Bail, bail, HASH, INDICATOR, LineCursor, SPACE, unescapeDouble } from './line-cursor';

type Range = [number, number, number];

/** The composer settings of ./parse.ts: equal documents, whichever path made them. */
const OPTIONS = { prettyErrors: false, uniqueKeys: true, strict: true } as const;

interface ScalarTag {
  readonly default?: boolean | 'key';
  readonly test?: RegExp;
  readonly format?: string;
  readonly collection?: string;
  resolve(value: string, onError: (message: string) => void, options: unknown): unknown;
}

/** yaml's fallback tag for scalars no test claims (`!!str`). */
const STRING_TAG = Symbol.for('yaml.scalar');

/**
 * yaml's node constructors mark each node with Object.defineProperty (its type, and a collection's
 * schema): the slowest step of building a small manifest's nodes. Here the marks sit once on a
 * prototype between the node and its class, found by the same lookups (`isMap`, `node.schema`,
 * `instanceof`); yaml's identity symbols are global (`Symbol.for`).
 */
const NODE_TYPE = Symbol.for('yaml.node.type');
const marked = <T extends object>(proto: T, type: string, schema?: Schema): T =>
  Object.create(proto, {
    [NODE_TYPE]: { value: Symbol.for(type) },
    ...(schema ? { schema: { value: schema, writable: true, configurable: true } } : {}),
  }) as T;
const SCALAR_PROTO = marked(Scalar.prototype, 'yaml.scalar');
const PAIR_PROTO = marked(Pair.prototype, 'yaml.pair');

function newScalar(value: unknown): Scalar {
  const scalar = Object.create(SCALAR_PROTO) as Scalar;
  scalar.value = value;
  return scalar;
}

function newPair(key: Node, value: Node): Pair<Node, Node> {
  const pair = Object.create(PAIR_PROTO) as Pair<Node, Node>;
  pair.key = key;
  pair.value = value;
  return pair;
}

/** First characters of plain scalars a core-schema tag other than `!!str` may claim. */
const TYPED_START = new Set('0123456789+-.~nNtTfF');

export interface FastDocument {
  readonly doc: Document.Parsed;
  readonly root: YAMLMap;
  readonly comments: readonly number[];
}

class NodeScanner extends LineCursor {
  private readonly schema: Schema;
  private readonly tags: readonly ScalarTag[];
  private readonly stringTag: ScalarTag;
  private readonly mapProto: YAMLMap;
  private readonly seqProto: YAMLSeq;

  constructor(
    text: string,
    from: number,
    to: number,
    private readonly doc: Document,
  ) {
    super(text, from, to);
    this.schema = doc.schema;
    this.tags = (this.schema.tags as unknown as ScalarTag[]).filter((t) => !t.collection && t.test);
    this.stringTag = (this.schema as unknown as Record<symbol, ScalarTag>)[STRING_TAG] ?? bail();
    this.mapProto = marked(YAMLMap.prototype, 'yaml.map', this.schema);
    this.seqProto = marked(YAMLSeq.prototype, 'yaml.seq', this.schema);
  }

  private newMap(): YAMLMap {
    const map = Object.create(this.mapProto) as YAMLMap;
    map.items = [];
    return map;
  }

  private newSeq(): YAMLSeq {
    const seq = Object.create(this.seqProto) as YAMLSeq;
    seq.items = [];
    return seq;
  }

  document(): YAMLMap {
    let offset: number | undefined;
    if (this.text.slice(this.starts[0], this.ends[0]) === '---') {
      offset = this.starts[0] ?? 0;
      if (this.doc.directives) this.doc.directives.docStart = true;
      this.i = 1;
    }
    if (this.skipBlank() !== 0) bail();
    const first = this.starts[this.i] ?? 0;
    if (this.isSeqItem(first)) bail();
    const root = this.map(0, first, true);
    if (this.skipBlank() >= 0) bail();
    (this.doc as Document.Parsed).range = [offset ?? first, root.range?.[2] ?? bail(), this.to];
    this.doc.contents = root;
    return root;
  }

  /** The node whose first line (line i) is indented `n`. */
  private block(n: number): Node {
    const start = (this.starts[this.i] ?? 0) + n;
    if (this.isSeqItem(start)) return this.seq(n);
    if (this.keyEnd(start, this.ends[this.i] ?? 0) < 0) bail();
    return this.map(n, start, false);
  }

  /** Past a node's newline: where the next line starts, or the text's end. */
  private lineEnd(line: number): number {
    const end = this.ends[line] ?? this.to;
    return end < this.to ? end + 1 : end;
  }

  /**
   * Where a block collection of indent `n` ends: yaml gives it the blank and comment lines after
   * its last item, up to the next content, when one of those comments is indented as deep as it.
   */
  private endOf(n: number, last: number, root: boolean): number {
    if (root || this.runCommentIndent() < n) return last;
    return this.i < this.starts.length
      ? (this.starts[this.i] ?? 0) + Math.max(0, this.indent(this.i))
      : this.to;
  }

  /** After a scalar or flow collection in a collection indented `n`: deeper comments would be its own. */
  private checkScalarEnd(node: Node, n: number): void {
    if ((isScalar(node) || (isCollection(node) && node.flow)) && this.runCommentIndent() > n) bail();
  }

  private map(n: number, first: number, root: boolean): YAMLMap {
    const map = this.newMap();
    const keys = new Set<string>();
    let at = first;
    let last = first;
    for (;;) {
      const colon = this.keyEnd(at, this.ends[this.i] ?? 0);
      if (colon < 0 || this.text.charCodeAt(colon - 1) === SPACE) bail();
      const source = this.text.slice(at, colon);
      const key = this.plain(source, [at, colon, colon], true);
      if (typeof key.value !== 'string' || source === '<<' || keys.has(source)) bail();
      keys.add(source);
      const value = this.value(colon + 1, n, true);
      map.items.push(newPair(key, value));
      last = value.range?.[2] ?? bail();
      const next = this.skipBlank();
      this.checkScalarEnd(value, n);
      if (next < n) break;
      if (next > n) bail();
      at = (this.starts[this.i] ?? 0) + n;
      if (this.isSeqItem(at)) bail();
    }
    map.range = [first, last, this.endOf(n, last, root)];
    return map;
  }

  private seq(n: number): YAMLSeq {
    const seq = this.newSeq();
    const first = (this.starts[this.i] ?? 0) + n;
    let last = first;
    for (;;) {
      const start = (this.starts[this.i] ?? 0) + n;
      const end = this.ends[this.i] ?? 0;
      let p = start + 1;
      while (p < end && this.text.charCodeAt(p) === SPACE) p++;
      if (p < end && this.isSeqItemAt(p, end)) bail();
      const item =
        p < end && this.text.charCodeAt(p) !== HASH && this.keyEnd(p, end) >= 0 && !this.quotedAt(p)
          ? this.map(p - (this.starts[this.i] ?? 0), p, false)
          : this.value(start + 1, n, false);
      seq.items.push(item);
      last = item.range?.[2] ?? bail();
      const next = this.skipBlank();
      this.checkScalarEnd(item, n);
      if (next < n) break;
      if (next > n) bail();
      if (!this.isSeqItem((this.starts[this.i] ?? 0) + n)) break;
    }
    seq.range = [first, last, this.endOf(n, last, false)];
    return seq;
  }

  /** The value after a `key:` or `-` at `from` on line i; `n` is the indent of its collection. */
  private value(from: number, n: number, inMap: boolean): Node {
    const end = this.ends[this.i] ?? 0;
    let p = from;
    while (p < end && this.text.charCodeAt(p) === SPACE) p++;
    if (p === end) {
      if (p !== from) bail();
      this.i++;
      const next = this.skipBlank();
      if (next > n) return this.block(next);
      if (inMap && next === n && this.isSeqItem((this.starts[this.i] ?? 0) + n)) return this.seq(n);
      // An empty value: yaml stretches its range over comments before the next key, and ends the
      // document on its line when it is the last.
      if (!inMap || next < 0 || this.runCommentIndent() >= 0) bail();
      return this.plain('', [from, from, from], false);
    }
    const c = this.text[p] ?? '';
    if (c === '|' || c === '>') return this.blockScalar(p, end, n);
    if (c === '"' || c === "'") return this.quoted(p, end, c === '"');
    if (c === '[' || c === '{') return this.flow(p, end);
    // `-`, `?` and `:` start a plain scalar when anything but a space follows (a recording rule's
    // `:node_memory…`, a container's `- --v=4`); before a space they are indicators.
    if (c === '-' || c === '?' || c === ':') {
      if (p + 1 === end || this.text.charCodeAt(p + 1) === SPACE) bail();
    } else if (INDICATOR.has(c)) bail();
    return this.plainValue(p, end);
  }

  /** A scalar resolved as yaml's composer resolves one: the first default tag whose test matches. */
  private plain(source: string, range: Range, atKey: boolean): Scalar {
    const tag = TYPED_START.has(source[0] ?? '~')
      ? (this.tags.find(
          (t) => (t.default === true || (atKey && t.default === 'key')) && t.test?.test(source),
        ) ?? this.stringTag)
      : this.stringTag;
    const resolved = tag.resolve(source, bail, this.doc.options);
    const scalar = isScalar(resolved) ? resolved : newScalar(resolved);
    scalar.range = range;
    scalar.source = source;
    scalar.type = Scalar.PLAIN;
    if (tag.format) scalar.format = tag.format;
    return scalar;
  }

  private stringScalar(value: string, range: Range, type: Scalar.Type): Scalar {
    const scalar = newScalar(value);
    scalar.range = range;
    scalar.source = value;
    scalar.type = type;
    return scalar;
  }

  private plainValue(p: number, end: number): Scalar {
    let stop = end;
    for (let q = p; q < end; q++)
      if (this.text.charCodeAt(q) === HASH && this.text.charCodeAt(q - 1) === SPACE) {
        stop = q;
        this.comments.push(q);
        break;
      }
    const source = this.text.slice(p, stop).trimEnd();
    if (source.includes(': ') || source.endsWith(':')) bail();
    const scalar = this.plain(source, [p, p + source.length, this.lineEnd(this.i)], false);
    this.i++;
    return scalar;
  }

  /** A quoted scalar on one line (yaml folds multi-line ones: left to it). */
  private quoted(p: number, end: number, double: boolean): Scalar {
    const q = this.closing(p + 1, end, double);
    if (q < 0) bail();
    const body = this.text.slice(p + 1, q);
    const value = double ? unescapeDouble(body) : body.replace(/''/g, "'");
    this.rest(q + 1, end);
    const scalar = this.stringScalar(
      value,
      [p, q + 1, this.lineEnd(this.i)],
      double ? Scalar.QUOTE_DOUBLE : Scalar.QUOTE_SINGLE,
    );
    this.i++;
    return scalar;
  }

  /** One-line flow lists and maps of plain words and simple quoted strings. */
  private flow(p: number, end: number): Node {
    const open = this.text[p];
    const close = open === '[' ? ']' : '}';
    const { q, body } = this.flowBody(p, end, close);
    if (body.includes('\\')) bail();
    const seq = open === '[' ? this.newSeq() : undefined;
    const map = seq ? undefined : this.newMap();
    const collection = seq ?? map ?? bail();
    collection.flow = true;
    collection.range = [p, q + 1, this.lineEnd(this.i)];
    const parts = body.trim() === '' ? [] : body.split(',');
    const keys = new Set<string>();
    let at = p + 1;
    for (const [k, part] of parts.entries()) {
      const item = part.trim();
      const s = at + part.length - part.trimStart().length;
      const e = s + item.length;
      const last = k === parts.length - 1;
      // yaml gives the last item the spaces before the bracket; elsewhere it is untried ground.
      if (item === '' || (!last && e !== at + part.length)) bail();
      const tail = last ? at + part.length : e;
      at += part.length + 1;
      if (seq) {
        seq.items.push(this.flowItem(item, [s, e, tail]));
        continue;
      }
      const colon = item.indexOf(': ');
      const keySource = item.slice(0, colon);
      const valueSource = item.slice(colon + 2).trimStart();
      if (colon <= 0 || keySource.endsWith(' ') || valueSource.includes(': ')) bail();
      const key = this.flowItem(keySource, [s, s + colon, s + colon], true);
      if (!isScalar(key) || key.type !== Scalar.PLAIN || typeof key.value !== 'string') bail();
      if (keySource === '<<' || keys.has(keySource)) bail();
      keys.add(keySource);
      map?.items.push(newPair(key, this.flowItem(valueSource, [e - valueSource.length, e, tail])));
    }
    this.i++;
    return collection;
  }

  private flowItem(item: string, range: Range, atKey = false): Scalar {
    const c = item[0] ?? '';
    if (c === '"' || c === "'") {
      const body = item.slice(1, -1);
      if (item.length < 2 || item[item.length - 1] !== c || body.includes(c)) bail();
      return this.stringScalar(body, range, c === '"' ? Scalar.QUOTE_DOUBLE : Scalar.QUOTE_SINGLE);
    }
    if (INDICATOR.has(c) || c === '-' || item.includes(':') || /["']/.test(item)) bail();
    return this.plain(item, range, atKey);
  }

  private blockScalar(p: number, end: number, n: number): Scalar {
    const header = /^([|>])(-?)$/.exec(this.text.slice(p, end));
    if (!header) return bail();
    const { value, last } = this.blockScalarBody(n, header[1] === '|', header[2] === '-');
    const range: Range = [p, this.lineEnd(last), this.lineEnd(last)];
    return this.stringScalar(value, range, header[1] === '|' ? Scalar.BLOCK_LITERAL : Scalar.BLOCK_FOLDED);
  }
}

/**
 * yaml's document for the text from `from` (a `---` line, or the file's start) to `to`, or
 * undefined when only yaml's own parser can say what it means.
 */
export function composeFast(text: string, from: number, to: number): FastDocument | undefined {
  const body = text.slice(from, to);
  if (body.includes('\t') || body.includes('\r') || body.includes('\uFEFF')) return undefined;
  const doc = new Document(undefined, OPTIONS);
  const scanner = new NodeScanner(text, from, to, doc);
  try {
    const root = scanner.document();
    return { doc: doc as Document.Parsed, root, comments: scanner.comments };
  } catch (error) {
    // Nesting deeper than the stack: yaml's composer reports it (RESOURCE_EXHAUSTION) as before.
    if (error instanceof Bail || error instanceof RangeError) return undefined;
    throw error;
  }
}
