import { diffLines } from 'diff';

/** Replace [start, end) of the original text with `text`. Offsets always refer to the original. */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/**
 * How many lines the edits touch, counted on whichever side has more (what was there, or what
 * replaces it): `1Gi` → `2Gi` is one line, inserting a three-line block three, deleting two two.
 */
export function changedLineCount(text: string, edits: readonly TextEdit[]): number {
  const lines = (s: string) => (s === '' ? 0 : s.split('\n').length - (s.endsWith('\n') ? 1 : 0));
  return edits.reduce((n, e) => n + Math.max(lines(text.slice(e.start, e.end)), lines(e.text)), 0);
}

/** Applies non-overlapping edits (in any order) to a text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  // Later edits first; among insertions at one offset, the last one first, so they end up in
  // the order they were given.
  const sorted = edits
    .map((edit, index) => ({ edit, index }))
    .sort((a, b) => b.edit.start - a.edit.start || b.edit.end - a.edit.end || b.index - a.index);
  let out = text;
  let limit = Infinity;
  for (const { edit } of sorted) {
    if (edit.end > limit) throw new Error(`overlapping edits at ${edit.start}..${edit.end}`);
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
    limit = edit.start;
  }
  return out;
}

/**
 * The smallest set of line-granular edits that turns `before` into `after`. Fixes that re-parse
 * between steps (a bundle of several rules) end with this, so the editor receives edits that touch
 * only the lines that changed: undo, cursor and other documents stay where they were.
 */
export function minimalEdits(before: string, after: string): TextEdit[] {
  if (before === after) return [];
  const edits: TextEdit[] = [];
  let offset = 0;
  let pending: { start: number; end: number; text: string } | undefined;
  for (const part of diffLines(before, after)) {
    if (part.added) {
      pending = pending
        ? { ...pending, text: pending.text + part.value }
        : { start: offset, end: offset, text: part.value };
    } else if (part.removed) {
      pending = pending
        ? { ...pending, end: offset + part.value.length }
        : { start: offset, end: offset + part.value.length, text: '' };
      offset += part.value.length;
    } else {
      if (pending) edits.push(pending);
      pending = undefined;
      offset += part.value.length;
    }
  }
  if (pending) edits.push(pending);
  return edits;
}
