import {
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  Scalar,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';
import { composeFragment } from '../yaml/parse';

/**
 * Re-parsing one entry of a big document instead of the whole document. A keystroke deep inside a
 * 0.9 MB CRD would otherwise re-parse all of it (~300 ms); here only the innermost block-map entry
 * that holds the edit is parsed, and its nodes replace the old ones. Taken only where the result
 * cannot differ from a full parse: the document had no problems, the entry is a plain key on a line
 * of its own with a next sibling, every other line of it is indented deeper before and after the
 * edit, and the entry parses alone with no problem, no anchor, alias or clash with a sibling's key.
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
  /** Where an offset of the old parse region outside the entry is in the new document text. */
  readonly move: (offset: number) => number;
  /** Comment starts in the new document text, within `replaced`. */
  readonly comments: readonly number[];
  /** The old text's [start, end) that was parsed again: comments outside it stay. */
  readonly replaced: readonly [number, number];
}

interface Entry {
  readonly map: YAMLMap;
  readonly pair: Pair<Scalar, Node | null>;
  /** [start, end) of the entry's lines in the old document text: key line to the next key's line. */
  readonly start: number;
  readonly end: number;
  readonly column: number;
}

const lineStart = (text: string, at: number) => text.lastIndexOf('\n', at - 1) + 1;

/**
 * Whether every line of `text[from, to)` but blank and comment lines starts deeper than `column`.
 * yaml moves a comment, whatever its column, between collections only as they close, and the
 * entry's own collections close alike alone and in place.
 */
function indentedPast(text: string, from: number, to: number, column: number): boolean {
  for (let at = from; at < to;) {
    const next = text.indexOf('\n', at);
    const end = next < 0 || next >= to ? to : next;
    let i = at;
    while (i < end && text.charCodeAt(i) === 32) i++;
    if (i < end && text[i] !== '\r' && text[i] !== '#' && i - at <= column) return false;
    at = end + 1;
  }
  return true;
}

/** Where the entry whose key is at `keyAt` ends: the next line not blank, not a comment, at `column` or left of it. */
function entryEnd(text: string, keyAt: number, column: number): number {
  const first = text.indexOf('\n', keyAt) + 1;
  if (first === 0) return text.length;
  for (let at = first; at < text.length;) {
    let i = at;
    while (text.charCodeAt(i) === 32) i++;
    const c = text[i];
    if (c !== undefined && c !== '\n' && c !== '\r' && c !== '#' && i - at <= column) return at;
    const next = text.indexOf('\n', i);
    if (next < 0) break;
    at = next + 1;
  }
  return text.length;
}

/** The innermost block-map entry whose lines strictly contain the edit. */
function innermost(node: unknown, text: string, base: number, edit: DocumentEdit): Entry | undefined {
  const contains = (n: unknown) => {
    const range = (n as Node | null)?.range;
    return (
      range !== null && range !== undefined && range[0] - base <= edit.start && range[2] - base >= edit.end
    );
  };
  // Down the path of collections that hold the edit first, by their ranges; the text is scanned only
  // for the entries on it, innermost first (an outer entry's scan runs to the end of the document).
  const path: { map: YAMLMap; pair: Pair<Scalar, Node | null>; keyAt: number }[] = [];
  let current = node;
  while (isCollection(current) && !current.flow) {
    let next: unknown;
    if (isMap(current)) {
      for (const pair of current.items) {
        const keyAt = isScalar(pair.key) ? (pair.key.range?.[0] ?? 0) - base : -1;
        if (keyAt >= 0 && keyAt < edit.start && contains(pair.value)) {
          if (isScalar(pair.key) && pair.key.type === Scalar.PLAIN)
            path.push({ map: current, pair: pair as Pair<Scalar, Node | null>, keyAt });
          next = pair.value;
          break;
        }
        if (contains(pair.value)) {
          next = pair.value;
          break;
        }
      }
    } else next = current.items.find(contains);
    current = next;
  }
  for (const { map, pair, keyAt } of path.reverse()) {
    const start = lineStart(text, keyAt);
    // The key must sit after indentation only (not `- key:`).
    if (text.slice(start, keyAt).trim() !== '') continue;
    const end = entryEnd(text, keyAt, keyAt - start);
    const valueEnd = pair.value?.range?.[2];
    if (edit.end < end && valueEnd !== undefined && valueEnd - base <= end)
      return { map, pair, start, end, column: keyAt - start };
  }
  return undefined;
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
  // A duplicate key's message names the other key's line, which an edit may move.
  if (issues.some((e) => e.code === 'DUPLICATE_KEY')) return undefined;
  const entry = innermost(doc.contents, oldText, base, edit);
  if (!entry) return undefined;
  // Problems elsewhere stay as they were (moved); one in or at the entry may change with it.
  if (issues.some((e) => e.pos[1] >= base + entry.start && e.pos[0] <= base + entry.end)) return undefined;
  const newEnd = entry.end + edit.delta;
  const fragmentText = newText.slice(entry.start, newEnd);
  if (!indentedPast(newText, newText.indexOf('\n', entry.start) + 1, newEnd, entry.column)) return undefined;
  const fragment = composeFragment(fragmentText);
  if (!fragment) return undefined;
  const { doc: piece } = fragment;
  if (piece.errors.length > 0 || piece.warnings.length > 0 || !isMap(piece.contents)) return undefined;
  const [pair] = piece.contents.items;
  if (piece.contents.items.length !== 1 || !pair || !isScalar(pair.key)) return undefined;
  if (pair.key.type !== Scalar.PLAIN || pair.key.range?.[0] !== entry.column) return undefined;
  const key = pair.key.value;
  if (entry.map.items.some((p) => p !== entry.pair && isScalar(p.key) && p.key.value === key))
    return undefined;
  if (!eachRange(pair, (r) => r.forEach((v, i) => (r[i] = v + entry.start)))) return undefined;

  // Everything else moves to document-relative offsets: before the entry by `base`, after by the edit too.
  // A collection whose first key is the entry's starts at that key, before the edit: it stays.
  const from = base + entry.start + entry.column;
  const to = base + entry.end;
  // Collections that end with the entry end where its value ends (yaml: the last value's range[2]).
  const oldEnd = entry.pair.value?.range?.[2];
  const newEnd2 = (pair.value as Node | null)?.range?.[2];
  const move = (v: number) =>
    v <= from
      ? v - base
      : v >= to
        ? v - base + edit.delta
        : v === oldEnd && newEnd2 !== undefined
          ? newEnd2
          : Number.NaN;
  entry.pair.key = undefined as unknown as Scalar;
  entry.pair.value = null;
  let inside = false;
  const whole = eachRange(doc.contents, (r) =>
    r.forEach((v, i) => {
      r[i] = move(v);
      if (Number.isNaN(r[i])) inside = true;
    }),
  );
  if (!whole || inside) return undefined;
  entry.pair.key = pair.key;
  entry.pair.value = pair.value;
  (doc.range as number[]).forEach((v, i, r) => (r[i] = move(v)));
  for (const issue of issues) issue.pos = [move(issue.pos[0]), move(issue.pos[1])];
  return {
    doc,
    move,
    comments: fragment.comments.map((c) => c + entry.start),
    replaced: [entry.start, entry.end],
  };
}
