/**
 * Typed reads from `yaml` nodes that report what is wrong at the offending node. Every reader
 * returns undefined for a bad value (after reporting it), so callers keep whatever else is valid.
 */
import { isMap, isPair, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import type { RunbookDiagnostic } from './types';
import { editDistance } from '../text/edit-distance';

export type At = Node | Pair | null | undefined;

export class Reader {
  readonly diagnostics: RunbookDiagnostic[] = [];

  /** Where to report when a node has no range (a missing value): the enclosing key or map. */
  constructor(private readonly textLength: number) {}

  report(at: At, message: string, severity: RunbookDiagnostic['severity'] = 'error'): void {
    const [start, end] = this.rangeOf(at);
    this.diagnostics.push({ message, start, end, severity });
  }

  rangeOf(at: At): [number, number] {
    if (isPair(at)) {
      const key = this.rangeOf(at.key as Node | null);
      const value = at.value ? this.rangeOf(at.value as Node) : key;
      return [key[0], Math.max(key[1], value[1])];
    }
    const range = at?.range;
    if (range) return [range[0], Math.max(range[0], range[1])];
    return [0, Math.min(this.textLength, 1)];
  }

  /**
   * The pairs of a map by key, reporting keys outside `allowed` (a typo is the usual cause, so
   * the nearest known key is suggested) and non-scalar keys. Duplicates: the parser has already
   * reported them; the first one wins.
   */
  fields(
    map: YAMLMap,
    allowed: readonly string[],
    where: string,
    severity: RunbookDiagnostic['severity'] = 'warning',
  ): Map<string, Pair> {
    const out = new Map<string, Pair>();
    for (const pair of map.items) {
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      if (typeof key !== 'string') {
        this.report(pair.key as Node | null, `Keys in ${where} must be plain strings.`);
        continue;
      }
      if (!allowed.includes(key)) {
        const near = nearest(key, allowed);
        this.report(
          pair.key as Node,
          `Unknown key "${key}" in ${where}.${near ? ` Did you mean "${near}"?` : ''} Allowed: ${allowed.join(', ')}.`,
          severity,
        );
        continue;
      }
      if (!out.has(key)) out.set(key, pair);
    }
    return out;
  }

  map(node: At, what: string): YAMLMap | undefined {
    if (isMap(node)) return node;
    this.report(node, `${what} must be a mapping (key: value lines).`);
    return undefined;
  }

  /** Strings; numbers and booleans are accepted as their source text (`id: 1.10` stays "1.10"). */
  string(node: At, what: string): string | undefined {
    if (isScalar(node)) {
      const v: unknown = node.value;
      if (typeof v === 'string') {
        if (v.trim() !== '') return v;
        this.report(node, `${what} must not be empty.`);
        return undefined;
      }
      if (typeof v === 'number' || typeof v === 'boolean') return node.source ?? String(v);
    }
    this.report(node, `${what} must be a string.`);
    return undefined;
  }

  number(node: At, what: string, min: number, max = Infinity, integer = false): number | undefined {
    const v: unknown = isScalar(node) ? node.value : undefined;
    const n =
      typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
    if (Number.isNaN(n)) {
      this.report(node, `${what} must be a number.`);
      return undefined;
    }
    if (n < min || n > max || (integer && !Number.isInteger(n))) {
      const range = max === Infinity ? `at least ${min}` : `between ${min} and ${max}`;
      this.report(node, `${what} must be ${integer ? 'a whole number ' : ''}${range} (got ${n}).`);
      return undefined;
    }
    return n;
  }

  percent(node: At, what: string): number | undefined {
    // "95%" is what people write after reading "Platform health > 95%".
    if (isScalar(node) && typeof node.value === 'string' && /^\s*\d+(\.\d+)?\s*%\s*$/.test(node.value)) {
      const n = Number(node.value.replace('%', ''));
      if (n <= 100) return n;
    }
    return this.number(node, `${what} (a percentage)`, 0, 100);
  }

  boolean(node: At, what: string): boolean | undefined {
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    this.report(node, `${what} must be true or false.`);
    return undefined;
  }

  /** A list of strings; a single string is accepted as a list of one. Bad entries are dropped. */
  strings(node: At, what: string, allowScalar = true): string[] | undefined {
    if (allowScalar && isScalar(node)) {
      const s = this.string(node, what);
      return s === undefined ? undefined : [s];
    }
    if (!isSeq(node)) {
      this.report(node, `${what} must be a list${allowScalar ? ' or a single string' : ' of strings'}.`);
      return undefined;
    }
    const out: string[] = [];
    for (const item of node.items) {
      const s = this.string(item as Node, `Each entry of ${what}`);
      if (s !== undefined) out.push(s);
    }
    return out;
  }

  /** `{ app: trino, tier: worker }`: label keys and values as Kubernetes reads them (strings). */
  labels(node: At, what: string): Record<string, string> | undefined {
    const map = this.map(node, what);
    if (!map) return undefined;
    const out: Record<string, string> = {};
    for (const pair of map.items) {
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      const value = isScalar(pair.value) ? pair.value.value : undefined;
      if (typeof key !== 'string' || key === '') {
        this.report(pair.key as Node | null, `Label keys in ${what} must be strings.`);
        return undefined;
      }
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        this.report(pair.value as Node | null, `The value of label "${key}" must be a string.`);
        return undefined;
      }
      out[key] =
        typeof value === 'string' ? value : ((pair.value as { source?: string }).source ?? String(value));
    }
    if (Object.keys(out).length === 0) {
      this.report(node, `${what} must name at least one label.`);
      return undefined;
    }
    return out;
  }
}

/** The allowed key closest to a typo (edit distance ≤ 3, or a case-insensitive match). */
export function nearest(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 4;
  for (const candidate of allowed) {
    if (candidate.toLowerCase() === key.toLowerCase()) return candidate;
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}
