/**
 * Helm and other Go templates are not YAML. We replace every `{{ … }}` action with text of the
 * same length (so every offset still points at the user's file), then parse what is left:
 * - an action alone on its line (`{{- if .Values.x }}`, `{{ include … | nindent 4 }}`) becomes
 *   a comment, so control flow does not break the structure around it;
 * - an action inside a value becomes a plain placeholder scalar; rules treat any node that
 *   overlaps a masked range as "produced by the template" and neither judge nor fix it.
 */
export interface MaskResult {
  readonly text: string;
  /** Sorted, non-overlapping [start, end) offsets of the template actions. */
  readonly ranges: readonly (readonly [number, number])[];
}

const ACTION = /\{\{-?[\s\S]*?-?\}\}/g;

export function hasTemplateActions(text: string): boolean {
  return text.includes('{{');
}

export function maskTemplates(text: string): MaskResult {
  if (!hasTemplateActions(text)) return { text, ranges: [] };
  const ranges: [number, number][] = [];
  let out = '';
  let last = 0;
  for (const match of text.matchAll(ACTION)) {
    const start = match.index;
    const end = start + match[0].length;
    ranges.push([start, end]);
    out += text.slice(last, start) + replacement(text, start, end);
    last = end;
  }
  out += text.slice(last);
  return { text: out, ranges };
}

function replacement(text: string, start: number, end: number): string {
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  let lineEnd = text.indexOf('\n', end);
  if (lineEnd < 0) lineEnd = text.length;
  const before = text.slice(lineStart, start);
  const after = text.slice(end, lineEnd);
  const source = text.slice(start, end);
  // Newlines inside a multi-line action must survive, or every later line number would shift.
  const keepNewlines = (fill: string) => source.replace(/[^\n\r]/g, fill);
  const aloneOnLine = before.trim() === '' && (after.trim() === '' || after.trim().startsWith('{{'));
  if (aloneOnLine) return '#' + keepNewlines(' ').slice(1);
  return keepNewlines('x').replace(/^x/, 'T');
}

/** True when [start, end) overlaps any masked range (binary search: files can hold thousands). */
export function overlapsMask(
  ranges: readonly (readonly [number, number])[],
  start: number,
  end: number,
): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid];
    if (!r) break;
    if (r[1] <= start) lo = mid + 1;
    else if (r[0] >= end) hi = mid - 1;
    else return true;
  }
  return false;
}
