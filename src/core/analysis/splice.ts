import {
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Scalar,
  type Document,
  type Node,
  type Pair,
  type YAMLError,
  type YAMLMap,
} from 'yaml';
import { composeFragment, hasFlowOrQuoted } from '../yaml/parse';

/**
 * Re-parsing a few entries of a big document instead of the whole document. A keystroke deep
 * inside a 0.9 MB CRD would otherwise re-parse all of it (~300 ms); here only the innermost run of
 * block-map entries that holds the edit is parsed, and its nodes replace the old ones. An edit in
 * a line's indentation (a space or `#` at a line start) can change how that line's entry relates to
 * the one before it, so the run then starts one entry earlier; an edit that leaves a line break
 * before the next entry's line (Enter) does not reach that entry. Taken only where the result
 * cannot differ from a full parse: no duplicate key in the document, every line of the run is
 * indented at least as deep as its keys before and after the edit, its keys are plain, on lines of
 * their own (not `- key:`), and clash with no other key of the map, no anchor or alias, and no
 * flow collection or quoted scalar where a syntax error is (only those run on past a dedent).
 * Anything else returns `undefined` and the caller parses the whole document.
 */

/** The edit, in the document's old text: [start, end) replaced by `inserted` characters. */
export interface DocumentEdit {
  readonly start: number;
  readonly end: number;
  readonly delta: number;
}

export interface SplicedDocument {
  readonly doc: Document.Parsed;
  /** Where an offset of the old parse region outside the run is in the new document text. */
  readonly move: (offset: number) => number;
  /** Comment starts in the new document text, within `replaced`. */
  readonly comments: readonly number[];
  /** The old text's [start, end) that was parsed again: comments outside it stay. */
  readonly replaced: readonly [number, number];
  /** The run's syntax errors and warnings, in the new document text (those once in `replaced` are gone). */
  readonly errors: readonly YAMLError[];
  readonly warnings: readonly YAMLError[];
}

/** Entries `first..last` of a block map: the lines from the first key's to the next entry's (or the map's end). */
interface Run {
  readonly map: YAMLMap;
  readonly first: number;
  readonly last: number;
  /** [start, end) of the run's lines in the old document text. */
  readonly start: number;
  readonly end: number;
  readonly column: number;
  /** Whether the line at `end` holds the map's next key. */
  readonly next: boolean;
}

const lineStart = (text: string, at: number) => text.lastIndexOf('\n', at - 1) + 1;

/**
 * Whether a plain key, written out, starts at `at`: an empty key (a line starting with `:`) can be
 * the end of a key begun on the line before, after a syntax error.
 */
const plainKey = (text: string, at: number) => /^[^\s:?#,[\]{}&*!|>'"%@`-]/.test(text.slice(at, at + 1));

/** Where an entry ends: its value's end, or its key's when it has no value (`key` alone, after a syntax error). */
const endOf = (pair: Pair | undefined) => ((pair?.value ?? pair?.key) as Node | null | undefined)?.range?.[2];

/** Whether no line of `text[from, to)` but blank and comment lines starts left of `column`. */
function indentedTo(text: string, from: number, to: number, column: number): boolean {
  for (let at = from; at < to;) {
    const next = text.indexOf('\n', at);
    const end = next < 0 || next >= to ? to : next;
    let i = at;
    while (i < end && text.charCodeAt(i) === 32) i++;
    if (i < end && text[i] !== '\r' && text[i] !== '#') {
      if (i - at < column) return false;
      // At the top level a line can end the document or hold a directive.
      if (column === 0 && /^(?:---|\.\.\.|%)/.test(text.slice(i, i + 3))) return false;
    }
    at = end + 1;
  }
  return true;
}

/**
 * Where a map whose keys are at `column` ends, its last value ending at `from`: the next line not
 * blank, not a comment, left of `column`. Scanned from the last value's end, not its key: an outer
 * map's last entry can hold most of the document.
 */
function mapEnd(text: string, from: number, column: number): number {
  if (column === 0) return text.length;
  let at = text[from - 1] === '\n' ? from : text.indexOf('\n', from) + 1;
  while (at > 0 && at < text.length) {
    let i = at;
    while (text.charCodeAt(i) === 32) i++;
    const c = text[i];
    if (c !== undefined && c !== '\n' && c !== '\r' && c !== '#' && i - at < column) return at;
    at = text.indexOf('\n', i) + 1;
  }
  return text.length;
}

/**
 * The runs of entries that hold the edit, outermost first: in each block map on the way down, the
 * entries from the one the edit starts in (past its key's first character) to the one it ends in.
 */
function runs(node: unknown, text: string, newText: string, base: number, edit: DocumentEdit): Run[] {
  const found: Run[] = [];
  // Whether the line after the edit still starts a line: then the edit does not reach its entry.
  const breaksBefore = edit.end > 0 && newText[edit.end + edit.delta - 1] === '\n';
  let current = node;
  while (isMap(current) && !current.flow && current.items.length > 0) {
    const map: YAMLMap = current;
    const keys = map.items.map((p) => (isScalar(p.key) ? (p.key.range?.[0] ?? -1) - base : -1));
    if (keys.some((k) => k < 0)) break;
    const lines = keys.map((k) => lineStart(text, k));
    const column = (keys[0] as number) - (lines[0] as number);
    let first = -1;
    let last = -1;
    keys.forEach((k, i) => {
      if (k < edit.start) first = i;
      const line = lines[i] as number;
      if (line < edit.end || (line === edit.end && !breaksBefore)) last = i;
    });
    if (first < 0) break;
    // After a syntax error a map may hold keys at other columns: its lines do not delimit its entries.
    const aligned = (i: number) =>
      i >= keys.length ||
      ((keys[i] as number) - (lines[i] as number) === column &&
        text.slice(lines[i], keys[i]).trim() === '' &&
        plainKey(text, keys[i] as number));
    if (keys.some((_, i) => i >= first && i <= last + 1 && !aligned(i))) break;
    const pair = map.items[first] as Pair;
    const valueEnd = endOf(map.items[last]);
    if (valueEnd === undefined) break;
    const end =
      last + 1 < lines.length
        ? (lines[last + 1] as number)
        : mapEnd(text, Math.max((keys[last] as number) + 1, valueEnd - base), column);
    if (
      (edit.end < end || (edit.end === end && breaksBefore) || end === text.length) &&
      valueEnd - base <= end
    )
      found.push({
        map,
        first,
        last,
        start: lines[first] as number,
        end,
        column,
        next: last + 1 < lines.length,
      });
    if (first !== last) break;
    let value: unknown = pair.value;
    // Down a block sequence to the item that holds the edit.
    if (isSeq(value) && !value.flow) {
      const inside = (n: unknown) => {
        const range = (n as Node | null)?.range;
        return !!range && range[0] - base < edit.start && range[2] - base > edit.end;
      };
      value = value.items.find(inside);
    }
    current = value;
  }
  return found;
}
/** Calls `visit` on every node's range (documents, collections, scalars); false if an alias or anchor is met. */
function eachRange(node: unknown, visit: (range: [number, number, number]) => void): boolean {
  if (node === null || node === undefined) return true;
  if (isAlias(node)) return false;
  if (isPair(node)) return eachRange(node.key, visit) && eachRange(node.value, visit);
  const n = node as Node;
  if (n.anchor) return false;
  if (n.range) visit(n.range);
  if (isCollection(n)) for (const item of n.items) if (!eachRange(item, visit)) return false;
  return true;
}

/**
 * The document `doc` (node offsets in its parse region, the document starting at `base`) after
 * `edit`, with offsets relative to the new document text; `undefined` when only a full parse is safe.
 */
export function spliceDocument(
  doc: Document.Parsed,
  base: number,
  oldText: string,
  newText: string,
  edit: DocumentEdit,
): SplicedDocument | undefined {
  const issues = [...doc.errors, ...doc.warnings];
  // The smallest run first; a bigger one when it does not parse alone (at most three tries).
  for (const run of runs(doc.contents, oldText, newText, base, edit).reverse().slice(0, 3)) {
    const piece = parseRun(base, oldText, newText, edit, run, issues);
    if (piece === 'no') continue;
    return piece && replaceRun(doc, base, edit, run, piece, issues);
  }
  return undefined;
}

interface ParsedRun {
  readonly pairs: Pair[];
  readonly comments: readonly number[];
  readonly errors: Document.Parsed['errors'];
  readonly warnings: Document.Parsed['warnings'];
}

/** The run's new text parsed alone: 'no' when another run may still do, `undefined` when none can. */
function parseRun(
  base: number,
  oldText: string,
  newText: string,
  edit: DocumentEdit,
  run: Run,
  issues: readonly YAMLError[],
): ParsedRun | 'no' | undefined {
  const from = base + run.start;
  const to = base + run.end;
  // Problems in the run are parsed again; one across its edges may change with it.
  const crossing = issues.some(
    (e) => e.pos[1] >= from && e.pos[0] <= to && (e.pos[0] < from || e.pos[1] >= to),
  );
  if (crossing) return 'no';
  const newEnd = run.end + edit.delta;
  if (!indentedTo(newText, run.start, newEnd, run.column)) return 'no';
  // The next key's line goes along: a plain scalar left on a line of its own after a syntax error
  // can take it as the rest of a multi-line key, and then the run's text does not parse alone.
  const length = newEnd - run.start;
  const sentinel = run.next ? newText.indexOf('\n', newEnd) : -1;
  const text = newText.slice(run.start, sentinel < 0 ? newEnd : sentinel + 1);
  const fragment = composeFragment(text);
  if (!fragment) return 'no';
  const { doc: piece } = fragment;
  const problems = [...piece.errors, ...piece.warnings];
  if (problems.some((e) => e.pos[1] > length)) return 'no';
  if (!isMap(piece.contents)) return 'no';
  const pairs = piece.contents.items;
  if (run.next && (pairs.pop()?.key as Node | null)?.range?.[0] !== length + run.column) return 'no';
  // A syntax error inside a flow collection or a quoted scalar can run on past the run's end.
  const errors = piece.errors.length > 0 || issues.some((e) => e.pos[0] >= from && e.pos[1] < to);
  if (errors && (!fragment.blockOnly || hasFlowOrQuoted(oldText.slice(run.start, run.end)))) return 'no';
  for (const pair of pairs) {
    if (!isScalar(pair.key) || pair.key.type !== Scalar.PLAIN) return 'no';
    const at = pair.key.range?.[0] ?? -1;
    const own = text.slice(lineStart(text, at), at).trim() === '';
    if (at - lineStart(text, at) !== run.column || !own || !plainKey(text, at)) return 'no';
  }
  const keys = new Set(pairs.map((p) => (p.key as Scalar).value));
  if (
    run.map.items.some((p, i) => (i < run.first || i > run.last) && isScalar(p.key) && keys.has(p.key.value))
  )
    return undefined;
  for (const pair of pairs)
    if (!eachRange(pair, (r) => r.forEach((v, i) => (r[i] = v + run.start)))) return undefined;
  for (const e of problems) e.pos = [e.pos[0] + run.start, e.pos[1] + run.start];
  return {
    pairs,
    comments: fragment.comments.filter((c) => c < length).map((c) => c + run.start),
    errors: piece.errors,
    warnings: piece.warnings,
  };
}

/** Puts the run's new pairs in place of the old and moves every other offset to the new document text. */
function replaceRun(
  doc: Document.Parsed,
  base: number,
  edit: DocumentEdit,
  run: Run,
  piece: ParsedRun,
  issues: readonly YAMLError[],
): SplicedDocument | undefined {
  // Everything else moves to document-relative offsets: before the run by `base`, after by the edit too.
  // A collection whose first key is the run's starts at that key, before the edit: it stays.
  const from = base + run.start + run.column;
  const to = base + run.end;
  // Collections that end with the run end where its last value ends (yaml: the last value's range[2]).
  const oldEnd = endOf(run.map.items[run.last]);
  const newEnd = endOf(piece.pairs.at(-1));
  const move = (v: number) =>
    v <= from
      ? v - base
      : v >= to
        ? v - base + edit.delta
        : v === oldEnd && newEnd !== undefined
          ? newEnd
          : Number.NaN;
  for (const pair of run.map.items.slice(run.first, run.last + 1))
    if (!eachRange(pair, () => undefined)) return undefined;
  run.map.items.splice(run.first, run.last - run.first + 1);
  let inside = false;
  const whole = eachRange(doc.contents, (r) =>
    r.forEach((v, i) => {
      r[i] = move(v);
      if (Number.isNaN(r[i])) inside = true;
    }),
  );
  if (!whole || inside) return undefined;
  run.map.items.splice(run.first, 0, ...piece.pairs);
  (doc.range as number[]).forEach((v, i, r) => (r[i] = move(v)));
  const kept = (e: YAMLError) => e.pos[1] < base + run.start || e.pos[0] > to;
  doc.errors = [...doc.errors.filter(kept), ...piece.errors];
  doc.warnings = [...doc.warnings.filter(kept), ...piece.warnings];
  for (const issue of issues.filter(kept)) issue.pos = [move(issue.pos[0]), move(issue.pos[1])];
  return {
    doc,
    move,
    comments: piece.comments,
    replaced: [run.start, run.end],
    errors: piece.errors,
    warnings: piece.warnings,
  };
}
