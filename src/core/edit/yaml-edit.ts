import { isMap, isPair, isScalar, isSeq, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import type { ManifestFile } from '../yaml/parse';
import { pairOf } from '../manifest/nodes';
import {
  emitFlow,
  emitMapBody,
  emitPair,
  emitSeqItems,
  isPlainObject,
  scalarText,
  type Emittable,
  type Scalarish,
  type Style,
} from './emit';
import type { TextEdit } from './text-edit';

/**
 * Minimal, format-preserving edits on a parsed manifest. Every operation returns text edits on
 * the file's current text and never re-emits a node it does not change: comments, key order,
 * quoting, blank lines, CRLF and other documents stay byte-for-byte identical. Callers that
 * chain several operations on overlapping nodes re-parse in between (see `fixes/apply.ts`).
 */
export class YamlEditor {
  readonly style: Style;
  private readonly text: string;

  constructor(readonly file: ManifestFile) {
    this.text = file.text;
    this.style = detectStyle(file);
  }

  column(offset: number): number {
    return offset - (this.text.lastIndexOf('\n', offset - 1) + 1);
  }

  private lineStart(offset: number): number {
    return this.text.lastIndexOf('\n', offset - 1) + 1;
  }

  /** The offset just past the line containing `offset - 1` (where a new line can be inserted). */
  private afterLine(end: number): { at: number; needsEol: boolean } {
    if (end > 0 && this.text[end - 1] === '\n') return { at: end, needsEol: false };
    const nl = this.text.indexOf('\n', end);
    return nl < 0 ? { at: this.text.length, needsEol: true } : { at: nl + 1, needsEol: false };
  }

  private pairEnd(pair: Pair): number {
    const key = pair.key as Node | null;
    const value = pair.value as Node | null;
    return Math.max(key?.range?.[2] ?? 0, value?.range?.[2] ?? 0);
  }

  /**
   * Makes `map.path = value`: walks existing maps, merges objects into existing maps, replaces
   * scalars, and inserts what is missing as one block at the end of the deepest existing map.
   */
  setIn(map: YAMLMap, path: readonly string[], value: Emittable): TextEdit[] {
    const [key, ...rest] = path;
    if (key === undefined) return [];
    const nested = rest.reduceRight<Emittable>((acc, k) => ({ [k]: acc }), value);
    const pair = pairOf(map, key);
    if (!pair) return [this.insertPair(map, key, nested)];
    const current = pair.value;
    if (rest.length > 0 || isPlainObject(value)) {
      if (isMap(current)) {
        if (rest.length > 0) return this.setIn(current, rest, value);
        return Object.entries(value as Record<string, Emittable>).flatMap(([k, v]) =>
          this.setIn(current, [k], v),
        );
      }
      return [this.replacePair(map, pair, key, nested)];
    }
    if (isScalar(current) && current.range && current.value !== null) {
      return [{ start: current.range[0], end: current.range[1], text: scalarText(value as Scalarish) }];
    }
    return [this.replacePair(map, pair, key, value)];
  }

  /** Inserts `key: value` as the last entry of a map (block or flow). */
  insertPair(map: YAMLMap, key: string, value: Emittable): TextEdit {
    const range = map.range;
    if (!range) throw new Error('map without a source range');
    if (map.flow) {
      const entry = `${scalarText(key)}: ${emitFlow(value)}`;
      // After the last entry, not before the brace: "{ a: 1 }" keeps its spacing, and a nested
      // map ending at the parent's "}" is not mistaken for the parent.
      const last = map.items[map.items.length - 1];
      if (last) {
        // range[1], not [2]: the trailing space before "}" stays where it is.
        const at = Math.max(
          (last.key as Node | null)?.range?.[1] ?? 0,
          (last.value as Node | null)?.range?.[1] ?? 0,
        );
        return { start: at, end: at, text: `, ${entry}` };
      }
      const close = this.text.lastIndexOf('}', range[1] - 1);
      return { start: close, end: close, text: entry };
    }
    const first = map.items[0];
    const last = map.items[map.items.length - 1];
    if (!isPair(first) || !isPair(last)) throw new Error('block map without pairs');
    const indent = this.column((first.key as Node).range?.[0] ?? range[0]);
    const { at, needsEol } = this.afterLine(this.pairEnd(last));
    return {
      start: at,
      end: at,
      text: (needsEol ? this.style.eol : '') + emitPair(key, value, indent, this.style),
    };
  }

  /** Replaces a whole pair (key and value) in place, keeping its indentation and position. */
  private replacePair(map: YAMLMap, pair: Pair, key: string, value: Emittable): TextEdit {
    const keyNode = pair.key as Node;
    const start = keyNode.range?.[0] ?? 0;
    if (map.flow) {
      const end = (pair.value as Node | null)?.range?.[1] ?? keyNode.range?.[1] ?? start;
      return { start, end, text: `${scalarText(key)}: ${emitFlow(value)}` };
    }
    const indent = this.column(start);
    const valueNode = pair.value as Node | null;
    // Keep a trailing comment on the key's own line ("securityContext:  # hardened below").
    const keyLineEnd = this.afterLine(keyNode.range?.[2] ?? start);
    const end =
      valueNode?.range && valueNode.range[2] > keyLineEnd.at
        ? this.afterLine(valueNode.range[2]).at
        : keyLineEnd.at;
    const text = emitPair(key, value, indent, this.style).slice(indent);
    return {
      start,
      end,
      text: keyLineEnd.needsEol && end === this.text.length ? text.slice(0, -this.style.eol.length) : text,
    };
  }

  /** Replaces one node's value text (scalar or flow/block collection) with `value`. */
  replaceScalar(node: Node, value: Scalarish): TextEdit {
    const range = node.range;
    if (!range) throw new Error('node without a source range');
    return { start: range[0], end: range[1], text: scalarText(value) };
  }

  /** Removes `key` and its value; the lines it occupied go away, comments above it stay. */
  deleteKey(map: YAMLMap, key: string): TextEdit | undefined {
    const index = map.items.findIndex((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
    const pair = map.items[index];
    if (!pair) return undefined;
    const keyStart = (pair.key as Node).range?.[0] ?? 0;
    if (map.flow)
      return this.deleteFlowItem(index, map.items.length, keyStart, this.pairEnd(pair), map.items[index + 1]);
    const next = map.items[index + 1];
    const prefix = this.text.slice(this.lineStart(keyStart), keyStart);
    if (prefix.trim() !== '') {
      // First key of a sequence item ("- name: x"): pull the next key up behind the dash.
      if (next) return { start: keyStart, end: (next.key as Node).range?.[0] ?? keyStart, text: '' };
      return { start: keyStart, end: this.afterLine(this.pairEnd(pair)).at - 1, text: '{}' };
    }
    const end = this.afterLine(this.pairEnd(pair)).at;
    return { start: this.lineStart(keyStart), end, text: '' };
  }

  /** Removes item `index` of a sequence (block or flow). */
  deleteSeqItem(seq: YAMLSeq, index: number): TextEdit | undefined {
    const item = seq.items[index] as Node | undefined;
    if (!item?.range) return undefined;
    if (seq.flow)
      return this.deleteFlowItem(index, seq.items.length, item.range[0], item.range[1], seq.items[index + 1]);
    const dash = this.text.lastIndexOf('-', item.range[0]);
    const start = this.lineStart(dash);
    return { start, end: this.afterLine(item.range[2]).at, text: '' };
  }

  private deleteFlowItem(index: number, count: number, start: number, end: number, next: unknown): TextEdit {
    if (count === 1) return { start, end, text: '' };
    if (index < count - 1) {
      const nextNode = (isPair(next) ? next.key : next) as Node | undefined;
      return { start, end: nextNode?.range?.[0] ?? end, text: '' };
    }
    const comma = this.text.lastIndexOf(',', start);
    return { start: comma, end, text: '' };
  }

  /** Appends items to a sequence, matching its style. */
  appendToSeq(seq: YAMLSeq, items: readonly Emittable[]): TextEdit {
    const range = seq.range;
    if (!range) throw new Error('sequence without a source range');
    if (seq.flow) {
      const text = items.map(emitFlow).join(', ');
      const last = (seq.items[seq.items.length - 1] as Node | undefined)?.range;
      if (last) return { start: last[1], end: last[1], text: `, ${text}` };
      const close = this.text.lastIndexOf(']', range[1] - 1);
      return { start: close, end: close, text };
    }
    const indent = this.column(this.text.lastIndexOf('-', (seq.items[0] as Node).range?.[0] ?? range[0]));
    const last = seq.items[seq.items.length - 1] as Node;
    const { at, needsEol } = this.afterLine(last.range?.[2] ?? range[2]);
    return {
      start: at,
      end: at,
      text: (needsEol ? this.style.eol : '') + emitSeqItems(items, indent, this.style),
    };
  }

  /** Renames a key in place (value, comments and position untouched). */
  renameKey(map: YAMLMap, key: string, newKey: string): TextEdit | undefined {
    const pair = pairOf(map, key);
    const range = pair?.key.range;
    return range ? { start: range[0], end: range[1], text: scalarText(newKey) } : undefined;
  }

  /** Appends a new `---` document at the end of the file. */
  appendDocument(body: { readonly [key: string]: Emittable }, leadingComment?: string): TextEdit {
    const eol = this.style.eol;
    const text = this.text;
    const needsEol = text.length > 0 && !text.endsWith('\n');
    const comment = leadingComment ? `# ${leadingComment}${eol}` : '';
    const separator = text.trim().length > 0 ? `---${eol}` : '';
    return {
      start: text.length,
      end: text.length,
      text: `${needsEol ? eol : ''}${separator}${comment}${emitMapBody(body, 0, this.style)}`,
    };
  }
}

/** Indent unit and sequence style, read from the file (first evidence wins). */
export function detectStyle(file: ManifestFile): Style {
  let unit = 0;
  let indentSeq: boolean | undefined;
  const text = file.text;
  const col = (offset: number) => offset - (text.lastIndexOf('\n', offset - 1) + 1);
  const visit = (node: unknown, parentKeyCol: number, depth: number): void => {
    if (depth > 6 || (unit > 0 && indentSeq !== undefined)) return;
    if (isMap(node) && !node.flow) {
      for (const pair of node.items) {
        const keyStart = (pair.key as Node | null)?.range?.[0];
        if (keyStart === undefined) continue;
        const keyCol = col(keyStart);
        const value = pair.value as Node | null;
        if (isMap(value) && !value.flow) {
          const child = (value.items[0]?.key as Node | null)?.range?.[0];
          if (child !== undefined && unit === 0 && col(child) > keyCol) unit = col(child) - keyCol;
        }
        if (isSeq(value) && !value.flow && value.range && indentSeq === undefined) {
          const dash = text.lastIndexOf('-', (value.items[0] as Node | null)?.range?.[0] ?? value.range[0]);
          if (dash >= 0) indentSeq = col(dash) > keyCol;
        }
        visit(value, keyCol, depth + 1);
      }
    } else if (isSeq(node) && !node.flow) {
      for (const item of node.items.slice(0, 2)) visit(item, parentKeyCol, depth + 1);
    }
  };
  for (const document of file.documents.slice(0, 5)) visit(document.root, -1, 0);
  return { unit: unit > 0 ? unit : 2, indentSeq: indentSeq ?? true, eol: file.eol };
}
