import { isMap, isPair, isScalar, isSeq, parseDocument, stringify, type Node } from 'yaml';
import { LineIndex } from '../yaml/lines';
import type { PathStep } from './template-index';

/**
 * The probe render: every value a chart reads is replaced by a unique marker, the chart is
 * rendered again, and a marker found in the output names the values key that produced that node.
 * Strings become `zz<id>zz` (lower case and DNS-safe, so `trunc`, `lower` and `quote` keep it);
 * numbers become 91000000 + id (still numbers for `int` and arithmetic); an empty map gets one
 * marker key so `{{- with .Values.securityContext }}` writes its block. Booleans stay as they
 * are: a marker would flip every `if` and change what renders.
 */
export interface ValuesOrigin {
  /** The values file (as the caller named it), or undefined for `--set`. */
  readonly file: string | undefined;
  /** The `--set` expression, when the value came from the command line. */
  readonly set?: string;
  readonly path: readonly PathStep[];
}

export class SentinelTable {
  private readonly origins = new Map<number, ValuesOrigin>();
  private next = 1;

  add(origin: ValuesOrigin): number {
    const id = this.next++;
    this.origins.set(id, origin);
    return id;
  }

  get(id: number): ValuesOrigin | undefined {
    return this.origins.get(id);
  }
}

const NUMBER_BASE = 91_000_000;
export const stringSentinel = (id: number): string => `zz${id}zz`;

/** The markers in a rendered scalar, in order of appearance. */
export function sentinelsIn(value: unknown): number[] {
  if (typeof value === 'number' && value > NUMBER_BASE && value < NUMBER_BASE + 1_000_000)
    return [value - NUMBER_BASE];
  if (typeof value !== 'string') return [];
  const ids: number[] = [];
  for (const m of value.matchAll(/zz(\d+)zz|\b91(\d{6})\b/gi)) {
    ids.push(m[1] !== undefined ? Number(m[1]) : Number(m[2]));
  }
  return ids;
}

/** A values file with every string and number replaced by a marker; undefined when not YAML. */
export function probeValues(text: string, file: string, table: SentinelTable): string | undefined {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return undefined;
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  if (value === null || value === undefined) return text;
  return stringify(replace(value, [], file, table));
}

function replace(value: unknown, path: PathStep[], file: string, table: SentinelTable): unknown {
  if (Array.isArray(value)) return value.map((v, i) => replace(v, [...path, i], file, table));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && path.length > 0)
      return { [stringSentinel(table.add({ file, path }))]: 'probe' };
    return Object.fromEntries(entries.map(([k, v]) => [k, replace(v, [...path, k], file, table)]));
  }
  if (typeof value === 'string') return stringSentinel(table.add({ file, path }));
  if (typeof value === 'number') return NUMBER_BASE + table.add({ file, path });
  return value;
}

/** `--set a.b=c` with a marker for the value, so command-line values are traced too. */
export function probeSet(expression: string, table: SentinelTable): string {
  const eq = expression.indexOf('=');
  if (eq < 0) return expression;
  const key = expression.slice(0, eq);
  const path = key.split('.').map((k) => k.replace(/\[(\d+)\]$/, ''));
  return `${key}=${stringSentinel(table.add({ file: undefined, set: expression, path }))}`;
}

export interface LineRange {
  /** 0-based. */
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** A values file parsed once: many findings point into the same file. */
export class ValuesIndex {
  private readonly root: Node | null;
  private readonly lines: LineIndex;

  constructor(text: string) {
    this.root = parseDocument(text).contents;
    this.lines = new LineIndex(text);
  }

  /** Where a key path is written: the key (and its value when a scalar on the same line). */
  locate(path: readonly PathStep[]): LineRange | undefined {
    let node: Node | null | undefined = this.root;
    let range: [number, number] | undefined;
    for (const step of path) {
      if (typeof step === 'number' && isSeq(node)) {
        const item = node.items[step] as Node | undefined;
        if (!item?.range) return undefined;
        range = [item.range[0], isScalar(item) ? item.range[1] : item.range[0] + 1];
        node = item;
      } else if (isMap(node)) {
        const pair = node.items.find(
          (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(step),
        );
        const key = pair?.key as Node | undefined;
        if (!pair || !key?.range) return undefined;
        const value = pair.value as Node | null;
        range = [key.range[0], isScalar(value) && value.range ? value.range[1] : key.range[1]];
        node = value;
      } else return undefined;
    }
    if (!range) return undefined;
    const a = this.lines.positionAt(range[0]);
    const b = this.lines.positionAt(range[1]);
    // A multi-line scalar still points at its key's line.
    return b.line === a.line
      ? { line: a.line, column: a.character, endLine: b.line, endColumn: b.character }
      : {
          line: a.line,
          column: a.character,
          endLine: a.line,
          endColumn: a.character + String(path.at(-1)).length,
        };
  }
}

export function valuesLocation(text: string, path: readonly PathStep[]): LineRange | undefined {
  return new ValuesIndex(text).locate(path);
}
