/**
 * A line scanner for the block YAML that generators write (controller-gen CRDs: block maps and
 * lists, plain, quoted and `|`/`>` scalars, `{}`/`[]`), giving the plain value yaml's
 * `toJS()` gives, without a CST or node objects (issue 18: a 1 MB CRD body cost ~0.5 s there).
 * Anything outside that subset — anchors, tags, tabs, multi-line quotes, complex keys, anything
 * yaml would warn about — returns undefined, and the caller parses the text with yaml as before:
 * the scanner only ever answers when it is sure.
 */

import { Bail, bail, HASH, INDICATOR, LineCursor, SPACE, unescapeDouble } from './line-cursor';

/** The document's root map and where its comments start (offsets in the whole text). */
export interface LightScan {
  readonly value: Record<string, unknown>;
  readonly comments: readonly number[];
}

/** Resolves a plain scalar as yaml's core schema (YAML 1.2) does. */
export function resolvePlain(s: string): unknown {
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
  if (s === 'true' || s === 'True' || s === 'TRUE') return true;
  if (s === 'false' || s === 'False' || s === 'FALSE') return false;
  const c = s.charCodeAt(0);
  // Only text that may start a number needs the patterns below.
  if (!((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)) return s;
  if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
  if (/^0[ox]/.test(s) || /^[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)$/.test(s)) bail();
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s)) return parseFloat(s);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return parseFloat(s);
  return s;
}

/**
 * An empty object in V8's dictionary mode. A CRD schema's `properties` maps are keyed by field
 * names, most of them met once: built as ordinary objects, each new key sequence grows V8's tree
 * of hidden classes (half the scan of a CRD whose fields all have distinct names). Deleting a
 * property that is not the last one turns an object into a dictionary; its keys keep their order.
 */
function dictionary(): Record<string, unknown> {
  const out: Record<string, unknown> = { a: 0, b: 0 };
  delete out['a'];
  delete out['b'];
  return out;
}

class Scanner extends LineCursor {
  document(): Record<string, unknown> {
    if (this.text.slice(this.starts[0], this.ends[0]) === '---') this.i = 1;
    const n = this.skipBlank();
    if (n !== 0) bail();
    const root = this.block(0);
    if (this.skipBlank() >= 0 || typeof root !== 'object' || root === null || Array.isArray(root)) bail();
    return root as Record<string, unknown>;
  }

  /** The node whose first line (line i) is indented `n`. */
  private block(n: number, named = false): unknown {
    const start = (this.starts[this.i] ?? 0) + n;
    if (this.isSeqItem(start)) return this.seq(n);
    if (this.keyEnd(start, this.ends[this.i] ?? 0) < 0) bail();
    return this.map(n, start, named);
  }

  /** `named`: a schema's `properties`, keyed by field names (dictionary()). */
  private map(n: number, first: number, named = false): Record<string, unknown> {
    const out: Record<string, unknown> = named ? dictionary() : {};
    let at = first;
    for (;;) {
      const end = this.ends[this.i] ?? 0;
      const colon = this.keyEnd(at, end);
      if (colon < 0) bail();
      const key = this.text.slice(at, colon).trimEnd();
      if (key === '<<' || key === '__proto__' || typeof resolvePlain(key) !== 'string') bail();
      if (Object.prototype.hasOwnProperty.call(out, key)) bail();
      out[key] = this.value(colon + 1, n, true, key === 'properties');
      const next = this.skipBlank();
      if (next < n) return out;
      if (next > n) bail();
      at = (this.starts[this.i] ?? 0) + n;
      if (this.isSeqItem(at)) bail();
    }
  }

  private seq(n: number): unknown[] {
    const out: unknown[] = [];
    for (;;) {
      const start = (this.starts[this.i] ?? 0) + n;
      const end = this.ends[this.i] ?? 0;
      let p = start + 1;
      while (p < end && this.text.charCodeAt(p) === SPACE) p++;
      if (p < end && this.isSeqItemAt(p, end)) bail();
      if (p < end && this.text.charCodeAt(p) !== HASH && this.keyEnd(p, end) >= 0 && !this.quotedAt(p))
        out.push(this.map(p - (this.starts[this.i] ?? 0), p));
      else out.push(this.value(start + 1, n, false));
      const next = this.skipBlank();
      if (next < n) return out;
      if (next > n) bail();
      if (!this.isSeqItem((this.starts[this.i] ?? 0) + n)) return out;
    }
  }

  /** The value after a `key:` or `-` at `from` on line i; `n` is the indent of its collection. */
  private value(from: number, n: number, inMap: boolean, named = false): unknown {
    const end = this.ends[this.i] ?? 0;
    let p = from;
    while (p < end && this.text.charCodeAt(p) === SPACE) p++;
    if (p === end || this.text.charCodeAt(p) === HASH) {
      if (p < end) this.comments.push(p);
      this.i++;
      const next = this.skipBlank();
      if (next > n) return this.block(next, named);
      if (inMap && next === n && this.isSeqItem((this.starts[this.i] ?? 0) + n)) return this.seq(n);
      return null;
    }
    const c = this.text[p] ?? '';
    if (c === '|' || c === '>') return this.blockScalar(p, end, n);
    if (c === '"' || c === "'") return this.quoted(p, end, n, c === '"');
    if (c === '[' || c === '{') return this.flow(p, end);
    if (INDICATOR.has(c) || (c === '-' && (p + 1 === end || this.text.charCodeAt(p + 1) === SPACE))) bail();
    return this.plain(p, end, n);
  }

  /**
   * A quoted scalar from `p`, over as many lines as it takes (go-yaml wraps long ones): lines are
   * folded as YAML folds flow scalars (one break → a space, each blank line → a newline).
   */
  private quoted(p: number, end: number, n: number, double: boolean): string {
    let q = this.closing(p + 1, end, double);
    let body: string;
    let lineEnd = end;
    if (q >= 0) body = this.text.slice(p + 1, q);
    else {
      const first = this.text.slice(p + 1, end).trimEnd();
      if (first === '' || (double && first.endsWith('\\'))) bail();
      body = first;
      let blanks = 0;
      for (;;) {
        this.i++;
        if (this.i >= this.starts.length) bail();
        const m = this.indent(this.i);
        if (m < 0) {
          blanks++;
          continue;
        }
        if (m <= n) bail();
        const start = (this.starts[this.i] ?? 0) + m;
        lineEnd = this.ends[this.i] ?? 0;
        q = this.closing(start, lineEnd, double);
        const part = q >= 0 ? this.text.slice(start, q) : this.text.slice(start, lineEnd).trimEnd();
        if (part === '' || (double && q < 0 && part.endsWith('\\'))) bail();
        body += blanks > 0 ? '\n'.repeat(blanks) : ' ';
        body += part;
        blanks = 0;
        if (q >= 0) break;
      }
    }
    let value: string;
    if (double) {
      // JSON's escapes are YAML's too; YAML's others (\0 \x \e \N …) are left to yaml.
      value = unescapeDouble(body);
    } else value = body.replace(/''/g, "'");
    this.rest(q + 1, lineEnd);
    this.i++;
    return value;
  }

  /** `[]`, `{}`, and one-line flow lists and maps of plain words. */
  private flow(p: number, end: number): unknown {
    const open = this.text[p];
    const close = open === '[' ? ']' : '}';
    const { body } = this.flowBody(p, end, close);
    if (/["']/.test(body)) bail();
    this.i++;
    if (body.trim() === '') return open === '[' ? [] : {};
    const items = body.split(',').map((s) => s.trim());
    if (items.some((s) => s === '' || INDICATOR.has(s[0] ?? '') || s[0] === '-')) bail();
    if (open === '[') {
      if (items.some((s) => s.includes(':'))) bail();
      return items.map(resolvePlain);
    }
    const out: Record<string, unknown> = {};
    for (const item of items) {
      const m = /^([^:]+): +([^:]+)$/.exec(item);
      const key = m?.[1]?.trimEnd();
      if (!m || key === undefined || key === '__proto__' || typeof resolvePlain(key) !== 'string')
        return bail();
      if (Object.prototype.hasOwnProperty.call(out, key)) bail();
      out[key] = resolvePlain(m[2] ?? '');
    }
    return out;
  }

  private plain(p: number, end: number, n: number): unknown {
    let stop = end;
    let comment = -1;
    for (let q = p; q < end; q++)
      if (this.text.charCodeAt(q) === HASH && this.text.charCodeAt(q - 1) === SPACE) {
        stop = q;
        comment = q;
        break;
      }
    const first = this.text.slice(p, stop).trimEnd();
    if (first.includes(': ') || first.endsWith(':')) bail();
    if (comment >= 0) this.comments.push(comment);
    this.i++;
    // Continuation lines (more indented than the collection) fold into one string.
    let value = first;
    let folded = false;
    let blanks = 0;
    for (let j = this.i; j < this.starts.length; j++) {
      const m = this.indent(j);
      if (m < 0) {
        blanks++;
        continue;
      }
      if (m <= n) break;
      if (comment >= 0) bail();
      const line = this.text.slice((this.starts[j] ?? 0) + m, this.ends[j]).trimEnd();
      // yaml's lexer reads any next line indented deeper as more of the scalar, up to `: ` or ` #`.
      if (line[0] === '#' || line.includes(': ') || line.includes(' #') || line.endsWith(':')) bail();
      value += blanks > 0 ? '\n'.repeat(blanks) : ' ';
      value += line;
      blanks = 0;
      folded = true;
      this.i = j + 1;
    }
    return folded ? resolveFolded(value) : resolvePlain(value);
  }

  private blockScalar(p: number, end: number, n: number): string {
    const header = /^([|>])([-+]?)( +#.*)?$/.exec(this.text.slice(p, end).trimEnd());
    if (!header || header[2] === '+') return bail();
    if (header[3]) this.comments.push(p + 1 + (header[2]?.length ?? 0) + header[3].indexOf('#'));
    return this.blockScalarBody(n, header[1] === '|', header[2] === '-').value;
  }
}

/** A folded multi-line plain scalar: yaml resolves its folded text like a one-line one. */
function resolveFolded(value: string): unknown {
  return resolvePlain(value);
}

/**
 * Scans the document in `text` from `from` to `to` (a `---` line first, or none). Undefined when
 * the text is outside the subset: then only yaml's own parser can say what it means.
 */
export function scanLight(text: string, from: number, to: number): LightScan | undefined {
  const body = text.slice(from, to);
  if (body.includes('\t') || body.includes('\r') || body.includes('\uFEFF')) return undefined;
  const scanner = new Scanner(text, from, to);
  try {
    return { value: scanner.document(), comments: scanner.comments };
  } catch (error) {
    // Nesting deeper than the stack: yaml's composer reports it (RESOURCE_EXHAUSTION) as before.
    if (error instanceof Bail || error instanceof RangeError) return undefined;
    throw error;
  }
}
