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

export function hasTemplateActions(text: string): boolean {
  return text.includes('{{');
}

export function maskTemplates(text: string): MaskResult {
  if (!hasTemplateActions(text)) return { text, ranges: [] };
  const ranges: [number, number][] = [];
  const parts: string[] = [];
  let last = 0;
  // An action runs from `{{` to the first `}}` after it (what /\{\{[\s\S]*?\}\}/g matches, without
  // the regex's rescan to the end of the text from every unclosed `{{`: 4.7 s for 120 KB). Once no
  // `}}` follows, no later `{{` can close either: the rest is left as it is.
  for (let start = text.indexOf('{{'); start >= 0; start = text.indexOf('{{', last)) {
    const close = text.indexOf('}}', start + 2);
    if (close < 0) break;
    const end = close + 2;
    ranges.push([start, end]);
    parts.push(text.slice(last, start), replacement(text, start, end));
    last = end;
  }
  parts.push(text.slice(last));
  return { text: parts.join(''), ranges };
}

function replacement(text: string, start: number, end: number): string {
  const alone = aloneOnLine(text, start, end);
  const source = text.slice(start, end);
  if (!/[\n\r]/.test(source)) return (alone ? '#' : 'T') + (alone ? ' ' : 'x').repeat(source.length - 1);
  // Newlines inside a multi-line action must survive, or every later line number would shift.
  const kept = source.replace(/[^\n\r]/g, alone ? ' ' : 'x');
  return (alone ? '#' : 'T') + kept.slice(1);
}

/**
 * Only blanks before the action on its line, and only blanks or another action after it. Scans
 * stop at the first other character: slicing the whole line per action was quadratic on a long
 * line of actions.
 */
function aloneOnLine(text: string, start: number, end: number): boolean {
  for (let i = start - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10) break;
    if (!isBlank(c)) return false;
  }
  for (let i = end; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) return true;
    if (!isBlank(c)) return c === 123 && text.charCodeAt(i + 1) === 123;
  }
  return true;
}

/** What String#trim removes (its whitespace and line terminators), `\n` aside. */
const isBlank = (c: number): boolean =>
  c < 128 ? c === 32 || (c >= 9 && c <= 13) : BLANK.test(String.fromCharCode(c));
const BLANK = /\s/;

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
