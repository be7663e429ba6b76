/**
 * The line-by-line reading shared by the CLI's two yaml-free readers of block YAML (issue 18):
 * ./light.ts (plain values of big CRDs) and ./fast-nodes.ts (yaml's nodes for ordinary
 * manifests). Both give up by throwing Bail the moment the text leaves the subset they know.
 */

export class Bail extends Error {}
export const bail = (): never => {
  throw new Bail();
};

export const SPACE = 32;
export const HASH = 35;
export const DASH = 45;

/** Characters a plain scalar or key may not start with (YAML c-indicator), `-` aside. */
export const INDICATOR = new Set('?:,[]{}#&*!|>\'"%@`');

/** Control characters (JSON.parse refuses them raw; yaml reads some). */
export function hasControl(text: string): boolean {
  for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) < 32) return true;
  return false;
}

/** Unescapes a double-quoted body the way yaml does, for JSON's escapes only (others bail). */
export function unescapeDouble(body: string): string {
  if (/\\[^"\\/bfnrtu]/.test(body) || hasControl(body.replace(/\n/g, ' '))) bail();
  try {
    return JSON.parse(`"${body.replace(/\n/g, '\\n')}"`) as string;
  } catch {
    return bail();
  }
}

export class LineCursor {
  readonly comments: number[] = [];
  /** Line starts and ends (end excludes the newline). */
  protected readonly starts: number[] = [];
  protected readonly ends: number[] = [];
  protected i = 0;
  /** The lines the last skipBlank went over: [runFrom, runTo). */
  protected runFrom = 0;
  protected runTo = -1;

  constructor(
    protected readonly text: string,
    from: number,
    protected readonly to: number,
  ) {
    let at = from;
    while (at < to) {
      let nl = text.indexOf('\n', at);
      if (nl < 0 || nl > to) nl = to;
      this.starts.push(at);
      this.ends.push(nl);
      at = nl + 1;
    }
  }

  protected indent(line: number): number {
    const start = this.starts[line] ?? 0;
    const end = this.ends[line] ?? 0;
    let p = start;
    while (p < end && this.text.charCodeAt(p) === SPACE) p++;
    return p === end ? -1 : p - start;
  }

  /** Past blank and comment lines, noting comments; the next content line's indent, or -1. */
  protected skipBlank(): number {
    // A second call where the last one stopped keeps that run (a nested block ended there).
    if (this.i !== this.runTo) this.runFrom = this.i;
    for (; this.i < this.starts.length; this.i++) {
      const n = this.indent(this.i);
      if (n < 0) continue;
      const at = (this.starts[this.i] ?? 0) + n;
      if (this.text.charCodeAt(at) === HASH) {
        this.comments.push(at);
        continue;
      }
      this.runTo = this.i;
      return n;
    }
    this.runTo = this.i;
    return -1;
  }

  /**
   * The deepest indent of a comment line in the last run skipped, or -1. Computed once per run:
   * every collection ending at the same dedent asks (a hostile depth × comment lines otherwise).
   */
  protected runCommentIndent(): number {
    if (this.deepestOf === this.runFrom && this.deepestTo === this.runTo) return this.deepest;
    let deepest = -1;
    for (let k = this.runFrom; k < this.runTo; k++) {
      const n = this.indent(k);
      if (n > deepest && this.text.charCodeAt((this.starts[k] ?? 0) + n) === HASH) deepest = n;
    }
    this.deepestOf = this.runFrom;
    this.deepestTo = this.runTo;
    return (this.deepest = deepest);
  }
  private deepestOf = -1;
  private deepestTo = -1;
  private deepest = -1;

  protected isSeqItem(at: number): boolean {
    if (this.text.charCodeAt(at) !== DASH) return false;
    const next = at + 1;
    return next === this.ends[this.i] || this.text.charCodeAt(next) === SPACE;
  }

  protected isSeqItemAt(p: number, end: number): boolean {
    return this.text.charCodeAt(p) === DASH && (p + 1 === end || this.text.charCodeAt(p + 1) === SPACE);
  }

  protected quotedAt(p: number): boolean {
    const c = this.text.charCodeAt(p);
    return c === 34 || c === 39;
  }

  /** Where a `key:` ends (the colon) on a line from `at`, or -1 when the line holds no key. */
  protected keyEnd(at: number, end: number): number {
    const c = this.text[at] ?? '';
    if (INDICATOR.has(c) || c === '-') return -1;
    for (let p = at; p < end; p++) {
      const ch = this.text.charCodeAt(p);
      if (ch === 58 /* : */ && (p + 1 === end || this.text.charCodeAt(p + 1) === SPACE)) return p;
      if (ch === HASH && this.text.charCodeAt(p - 1) === SPACE) return -1;
    }
    return -1;
  }

  /** Where the quote closing a scalar opened before `from` is on this line, or -1. */
  protected closing(from: number, end: number, double: boolean): number {
    for (let q = from; q < end; q++) {
      const ch = this.text.charCodeAt(q);
      if (double) {
        if (ch === 92 /* \ */) q++;
        else if (ch === 34) return q;
      } else if (ch === 39) {
        if (this.text.charCodeAt(q + 1) === 39) q++;
        else return q;
      }
    }
    return -1;
  }

  /** After a closing quote or flow collection: spaces, then perhaps a comment. */
  protected rest(p: number, end: number): void {
    let q = p;
    while (q < end && this.text.charCodeAt(q) === SPACE) q++;
    if (q < end) {
      if (this.text.charCodeAt(q) !== HASH || q === p) bail();
      this.comments.push(q);
    }
  }

  /** A one-line flow collection from `p` to its `close` with nothing nested, and the rest of its line. */
  protected flowBody(p: number, end: number, close: string): { q: number; body: string } {
    // Searched within the line: an unclosed `[` must not cost a scan of the rest of the file.
    const found = this.text.slice(p, end).indexOf(close);
    if (found < 0) bail();
    const q = p + found;
    const body = this.text.slice(p + 1, q);
    // Indicators matter only where an item starts, which the callers check.
    if (/[[\]{}#]/.test(body)) bail();
    this.rest(q + 1, end);
    return { q, body };
  }

  /**
   * The value of a block scalar whose header is on line i, in a collection indented `n` (`|` keeps
   * the breaks, `>` folds them, `-` strips the last); i ends past its last content line (trailing
   * blank lines are left to what follows) and `last` is that line.
   */
  protected blockScalarBody(n: number, literal: boolean, strip: boolean): { value: string; last: number } {
    this.i++;
    const first = this.i;
    let m = -1;
    let last = -1;
    // Blank lines holding fewer spaces than the content indent: a plain slice would keep those.
    let shortBlanks = false;
    for (; this.i < this.starts.length; this.i++) {
      const start = this.starts[this.i] ?? 0;
      const lineEnd = this.ends[this.i] ?? 0;
      const k = this.indent(this.i);
      if (k < 0) {
        // A blank line: no spaces past the content indent (yaml keeps those), none before the first line.
        if (m < 0 || lineEnd - start > m) bail();
        if (lineEnd > start && lineEnd - start < m) shortBlanks = true;
        continue;
      }
      if (m < 0) {
        if (k <= n) bail();
        m = k;
      } else if (k < m) break;
      last = this.i;
    }
    if (last < 0) bail();
    this.i = last + 1;
    let body: string;
    // The usual case (every CRD description): one slice with each line's indent taken out.
    if (literal && !shortBlanks)
      body = this.text
        .slice((this.starts[first] ?? 0) + m, this.ends[last] ?? 0)
        .replaceAll(`\n${' '.repeat(m)}`, '\n');
    else {
      const lines: string[] = [];
      for (let k = first; k <= last; k++) {
        const start = this.starts[k] ?? 0;
        const lineEnd = this.ends[k] ?? 0;
        lines.push(lineEnd - start > m ? this.text.slice(start + m, lineEnd) : '');
      }
      body = literal ? lines.join('\n') : folded(lines);
    }
    return { value: strip ? body : `${body}\n`, last };
  }
}

/** A folded (`>`) block scalar's body from its lines: one break → a space, each blank line → a break. */
function folded(lines: readonly string[]): string {
  if (lines.some((l) => l.charCodeAt(0) === SPACE)) bail();
  let body = '';
  let blanks = 0;
  for (const [k, line] of lines.entries()) {
    if (line === '') {
      blanks++;
      continue;
    }
    if (k > 0) body += blanks > 0 ? '\n'.repeat(blanks) : ' ';
    body += line;
    blanks = 0;
  }
  return body;
}
